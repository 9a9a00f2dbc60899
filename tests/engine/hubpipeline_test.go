package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/jobgraph"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// topologyOutput is the topology job's output an expression of the form
// ${{ needs.topology.outputs.<name> }} or
// ${{ fromJSON(needs.topology.outputs.<name>) }} names, "" otherwise.
func topologyOutput(expr string) string {
	expr = strings.TrimSuffix(strings.TrimPrefix(expr, "${{ "), " }}")
	expr = strings.TrimSuffix(strings.TrimPrefix(expr, "fromJSON("), ")")
	name, _ := strings.CutPrefix(expr, "needs.topology.outputs.")
	if name == expr {
		return ""
	}
	return name
}

// pipelineRun runs deploy-split.yml's job graph against engine stacks:
// each job that GitHub would run, in its order, runs what its steps run
// (pulumi up --refresh in the stack's environment, or the hub's or the
// producer's preview in <stack>-preview, with the preview roles) on the
// stacks its environment or matrix names, and says it changed something as its step does (the last
// update's resourceChanges other than same, from the stack's history).
// The jobs come from the workflow file, not from this test.
func pipelineRun(t *testing.T, topo plan.Topology, stacks map[string]*engineStack) (jobgraph.Run, map[string][]string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, ".github", "workflows", "deploy-split.yml"))
	require.NoError(t, err)
	w, err := jobgraph.Parse(src)
	require.NoError(t, err)
	consumers, err := json.Marshal(topo.Consumers)
	require.NoError(t, err)
	topology := map[string]string{"producer": topo.Producer, "hub": topo.Hub, "consumers": string(consumers)}
	deployed := map[string][]string{} // job -> the stacks it ran
	run, err := w.Simulate(jobgraph.Scenario{Do: func(id string, job jobgraph.Job) (map[string]string, bool) {
		if id == "topology" {
			return topology, true
		}
		var names []string
		preview := false
		if m := topologyOutput(job.MatrixStack); m != "" {
			require.NoError(t, json.Unmarshal([]byte(topology[m]), &names), "job %s", id)
		} else if env, isPreview := strings.CutSuffix(job.Environment, "-preview"); topologyOutput(env) != "" {
			names, preview = []string{topology[topologyOutput(env)]}, isPreview
		}
		changed := false
		for _, name := range names {
			s := stacks[name]
			require.NotNilf(t, s, "job %s: stack %s", id, name)
			if preview {
				// A job in <stack>-preview holds the preview roles only
				// (the workflow tests refuse deployer credentials there).
				s.roleKind = "preview"
				r := s.preview()
				s.roleKind = "deployer"
				if r.err != nil {
					t.Logf("job %s: preview of %s failed:\n%s", id, name, lastLines(r.out+r.errOut, 20))
					return nil, false
				}
			} else {
				r := s.upRefresh()
				if r.err != nil {
					t.Logf("job %s: up of %s failed:\n%s", id, name, lastLines(r.out+r.errOut, 20))
					return nil, false
				}
				history, err := s.stack.History(testContext(t), 1, 1)
				require.NoError(t, err)
				require.Len(t, history, 1)
				if history[0].ResourceChanges != nil {
					for op, n := range *history[0].ResourceChanges {
						changed = changed || (op != "same" && n > 0)
					}
				}
			}
			deployed[id] = append(deployed[id], name)
		}
		return map[string]string{"changed": fmt.Sprint(changed)}, true
	}})
	require.NoError(t, err)
	return run, deployed
}

// TestSplitPipelineDeploysAHubStackInItsOrder: the hubsplit folder's
// stacks (hub shop-network, producer shop, spoke shop-orders), each with
// the roles --iam prints for it, deployed by deploy-split.yml's job graph as
// GitHub would run it for --topology's outputs: the first run from nothing
// ends with the spoke's probe calling the API by its own name through the
// hub endpoint (hub preview, hub, spoke, producer preview, producer, hub
// again, spoke again; the hub's preview from nothing, with its preview
// roles); a second run with nothing new changes nothing and skips the
// second passes.
func TestSplitPipelineDeploysAHubStackInItsOrder(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(repoRoot, "tests", "testdata", "hubsplit")
	topo, err := plan.ReadTopology(dir)
	require.NoError(t, err)
	producer := newEngineStack(t, "shop", withStackFile(hubSplitFile(t, "shop")), withSeed(seedHubProbeNetworks))
	stacks := map[string]*engineStack{
		"shop":         producer,
		"shop-network": newEngineStack(t, "shop-network", besides(producer), withStackFile(hubSplitFile(t, "shop-network"))),
		"shop-orders":  newEngineStack(t, "shop-orders", besides(producer), withStackFile(hubSplitFile(t, "shop-orders"))),
	}
	spoke := stacks["shop-orders"]

	if !producer.step(t, "the first run deploys every stack in the workflow's order and the spoke calls the API", func(t *testing.T) {
		run, deployed := pipelineRun(t, topo, stacks)
		for job, result := range run.Result {
			assert.NotEqualf(t, jobgraph.Failure, result, "job %s", job)
		}
		assert.Equal(t, map[string][]string{
			"hub-preview": {"shop-network"}, "hub": {"shop-network"}, "consumers": {"shop-orders"}, "producer-preview": {"shop"}, "producer": {"shop"},
			"hub-again": {"shop-network"}, "consumers-again": {"shop-orders"},
		}, deployed)
		assert.Equal(t, []string{"topology", "build", "hub-preview", "hub", "consumers", "producer-preview", "producer", "hub-again", "consumers-again"}, run.Ran())
		requireProbeGreen(t, spoke, "orders", 4)
		assert.Contains(t, probeResults(t, spoke, "orders"), "privateDns", "by the API's own name, through the hub's zone")
	}) {
		return
	}
	producer.step(t, "a second run with nothing new changes nothing and skips the second passes", func(t *testing.T) {
		run, _ := pipelineRun(t, topo, stacks)
		assert.Equal(t, jobgraph.Skipped, run.Result["hub-again"], "the producer's update changed nothing")
		assert.Equal(t, jobgraph.Skipped, run.Result["consumers-again"])
		for _, s := range stacks {
			requireNoChanges(t, s)
		}
	})
}
