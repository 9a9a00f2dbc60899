package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/jobgraph"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// splitGraph reads deploy-split.yml's job graph.
func splitGraph(t *testing.T) (jobgraph.Workflow, []byte) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(projectRoot, ".github", "workflows", "deploy-split.yml"))
	require.NoError(t, err)
	w, err := jobgraph.Parse(src)
	require.NoError(t, err)
	return w, src
}

// splitScenario is a run of deploy-split.yml for a folder's topology: the
// topology job's outputs as --topology prints them, whether the producer's
// and the hub's second update changed something, and the jobs that fail.
func splitScenario(t *testing.T, topo plan.Topology, producerChanged, hubChanged bool, fail ...string) jobgraph.Scenario {
	t.Helper()
	consumers, err := json.Marshal(topo.Consumers)
	require.NoError(t, err)
	stacks, err := json.Marshal(topo.Stacks())
	require.NoError(t, err)
	s := jobgraph.Scenario{
		Outputs: map[string]map[string]string{
			"topology":  {"producer": topo.Producer, "hub": topo.Hub, "consumers": string(consumers), "stacks": string(stacks)},
			"producer":  {"changed": fmt.Sprint(producerChanged)},
			"hub-again": {"changed": fmt.Sprint(hubChanged)},
		},
		Fail:        map[string]bool{},
		EmptyMatrix: map[string]bool{"consumers": len(topo.Consumers) == 0, "consumers-again": len(topo.Consumers) == 0},
	}
	for _, f := range fail {
		s.Fail[f] = true
	}
	return s
}

// before says whether job a ran before job b (in an earlier wave).
func before(run jobgraph.Run, a, b string) bool {
	wave := func(j string) int {
		return slices.IndexFunc(run.Waves, func(w []string) bool { return slices.Contains(w, j) })
	}
	return wave(a) >= 0 && wave(b) >= 0 && wave(a) < wave(b)
}

// TestSplitJobGraphWithAHub: for a folder with a hub's stack (the hubsplit
// example), deploy-split.yml runs the hub's preview and the hub, then the consumer and spoke
// stacks, the producer's preview and the producer, then the hub again and
// the consumers again when the producer changed something (whether or not
// the hub's second update changed anything, and after it failed); neither
// when the producer changed nothing. A failed hub holds up
// neither the consumers nor the producer, as a failed consumer does not
// hold up the producer. A failed hub preview stops the hub's two passes
// (as a failed producer preview stops the producer and what follows it),
// and only those: the consumers and the producer run as after a failed hub.
func TestSplitJobGraphWithAHub(t *testing.T) {
	w, _ := splitGraph(t)
	topo, err := plan.ReadTopology(hubSplitDir)
	require.NoError(t, err)
	require.Equal(t, plan.Topology{Producer: "shop", Hub: "shop-network", Consumers: []string{"shop-orders"}}, topo)

	run, err := w.Simulate(splitScenario(t, topo, true, true))
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"topology"}, {"build"}, {"hub-preview"}, {"hub"}, {"consumers"}, {"producer-preview"}, {"producer"}, {"hub-again"}, {"consumers-again"}}, run.Waves)
	for _, order := range [][2]string{{"hub-preview", "hub"}, {"hub", "consumers"}, {"consumers", "producer-preview"}, {"producer-preview", "producer"}, {"producer", "hub-again"}, {"hub-again", "consumers-again"}} {
		assert.Truef(t, before(run, order[0], order[1]), "%s before %s: %v", order[0], order[1], run.Waves)
	}

	run, err = w.Simulate(splitScenario(t, topo, false, false))
	require.NoError(t, err)
	assert.Equal(t, jobgraph.Skipped, run.Result["hub-again"], "the producer changed nothing the hub reads")
	assert.Equal(t, jobgraph.Skipped, run.Result["consumers-again"])

	run, err = w.Simulate(splitScenario(t, topo, true, false))
	require.NoError(t, err)
	assert.Equal(t, jobgraph.Success, run.Result["hub-again"])
	assert.Equal(t, jobgraph.Success, run.Result["consumers-again"], "the producer changed: the consumers follow it")
	assert.True(t, before(run, "hub-again", "consumers-again"))

	run, err = w.Simulate(splitScenario(t, topo, true, true, "hub"))
	require.NoError(t, err)
	for _, j := range []string{"consumers", "producer-preview", "producer", "consumers-again"} {
		assert.Equalf(t, jobgraph.Success, run.Result[j], "%s runs after a failed hub (its last published endpoint stands)", j)
	}
	// A hub job that failed, or whose approval was rejected (GitHub fails
	// the job then): hub-again does not ask the reviewers again for it.
	assert.Equal(t, jobgraph.Skipped, run.Result["hub-again"], "hub-again after a failed or rejected hub")

	run, err = w.Simulate(splitScenario(t, topo, true, true, "hub-preview"))
	require.NoError(t, err)
	for _, j := range []string{"hub", "hub-again"} {
		assert.Equalf(t, jobgraph.Skipped, run.Result[j], "%s after a failed hub preview: its approval would apply a change no preview showed", j)
	}
	for _, j := range []string{"consumers", "producer-preview", "producer", "consumers-again"} {
		assert.Equalf(t, jobgraph.Success, run.Result[j], "%s runs after a failed hub preview, as after a failed hub", j)
	}
	// As the producer's preview: a failed one stops the producer and the
	// second passes that follow its update.
	run, err = w.Simulate(splitScenario(t, topo, true, true, "producer-preview"))
	require.NoError(t, err)
	for _, j := range []string{"producer", "hub-again", "consumers-again"} {
		assert.Equalf(t, jobgraph.Skipped, run.Result[j], "%s after a failed producer preview", j)
	}

	run, err = w.Simulate(splitScenario(t, topo, true, true, "hub-again"))
	require.NoError(t, err)
	assert.Equal(t, jobgraph.Success, run.Result["consumers-again"], "the producer changed: the consumers follow it even when the hub's second update failed")

	// Without consumer stacks: no empty matrix, the hub still twice.
	run, err = w.Simulate(splitScenario(t, plan.Topology{Producer: "shop", Hub: "shop-network", Consumers: []string{}}, true, true))
	require.NoError(t, err)
	assert.Equal(t, []string{"topology", "build", "hub-preview", "hub", "producer-preview", "producer", "hub-again"}, run.Ran())
	assert.NotContains(t, run.Result, jobgraph.Failure)

	// A cancelled or failed build stops everything after it.
	run, err = w.Simulate(splitScenario(t, topo, true, true, "build"))
	require.NoError(t, err)
	assert.Equal(t, []string{"topology", "build"}, run.Ran())
}

// TestSplitJobGraphWithoutAHubIsUnchanged: in a folder without a hub's
// stack (--topology prints hub=) the hub's three jobs are skipped and every
// other job does what it did before they existed
// (testdata/workflows/deploy-split-without-hub-jobs.yml), in every
// scenario: consumers or none, a producer update that changed something or
// not, each job failing.
func TestSplitJobGraphWithoutAHubIsUnchanged(t *testing.T) {
	w, _ := splitGraph(t)
	oldSrc, err := os.ReadFile(filepath.Join("testdata", "workflows", "deploy-split-without-hub-jobs.yml"))
	require.NoError(t, err)
	old, err := jobgraph.Parse(oldSrc)
	require.NoError(t, err)
	topo, err := plan.ReadTopology(splitDir)
	require.NoError(t, err)
	require.Empty(t, topo.Hub)

	checked := 0
	for _, t2 := range []plan.Topology{topo, {Producer: topo.Producer, Consumers: []string{}}} {
		for _, changed := range []bool{true, false} {
			for _, fail := range []string{"", "topology", "build", "consumers", "producer-preview", "producer", "consumers-again"} {
				s := splitScenario(t, t2, changed, false, fail)
				want, err := old.Simulate(s)
				require.NoError(t, err)
				got, err := w.Simulate(s)
				require.NoError(t, err)
				name := fmt.Sprintf("consumers %v, producer changed %v, failing %q", t2.Consumers, changed, fail)
				for _, j := range []string{"hub-preview", "hub", "hub-again"} {
					assert.Equalf(t, jobgraph.Skipped, got.Result[j], "%s: %s", name, j)
					delete(got.Result, j)
				}
				assert.Equalf(t, want.Result, got.Result, "%s: as before the hub's jobs", name)
				assert.Equalf(t, want.Ran(), got.Ran(), "%s: in the same order", name)
				checked++
			}
		}
	}
	assert.Equal(t, 28, checked)

	// What the comparison catches: the consumers' old condition (implicit
	// success()) would skip them behind the skipped hub job.
	src, err := os.ReadFile(filepath.Join(projectRoot, ".github", "workflows", "deploy-split.yml"))
	require.NoError(t, err)
	from := "    if: ${{ !cancelled() && needs.build.result == 'success' && needs.topology.outputs.consumers != '[]' }}\n"
	mutated := strings.Replace(string(src), from, "    if: needs.topology.outputs.consumers != '[]'\n", 1)
	require.NotEqual(t, string(src), mutated, "mutation applies")
	bad, err := jobgraph.Parse([]byte(mutated))
	require.NoError(t, err)
	run, err := bad.Simulate(splitScenario(t, topo, true, false))
	require.NoError(t, err)
	assert.Equal(t, jobgraph.Skipped, run.Result["consumers"], "a needed job skipped skips a job without a status function")
}

// TestJobGraphFollowsGitHubsRules: the simulator's rules on small
// workflows: a skipped or failed need skips a job without a status check
// function, !cancelled() runs after either, outputs of a skipped job are
// empty, an unknown expression is an error.
func TestJobGraphFollowsGitHubsRules(t *testing.T) {
	w, err := jobgraph.Parse([]byte("jobs:\n  a: {}\n  c: {}\n  d: {needs: c, if: \"needs.a.result == 'success'\"}\n"))
	require.NoError(t, err)
	_, err = w.Simulate(jobgraph.Scenario{})
	assert.ErrorContains(t, err, "needs.a: not a job this job needs")
	w, err = jobgraph.Parse([]byte(`jobs:
  a: {if: "'x' != 'x'"}
  b: {needs: a}
  c: {needs: a, if: "${{ !cancelled() }}"}
  d: {needs: [a, c], if: "${{ !cancelled() && needs.c.result == 'success' && needs.a.outputs.x == '' }}"}
  g: {needs: [a, c]}
  e: {needs: b, if: always()}
  f: {needs: c, if: "needs.c.outputs.y"}
`))
	require.NoError(t, err)
	run, err := w.Simulate(jobgraph.Scenario{Outputs: map[string]map[string]string{"a": {"x": "set"}, "c": {"y": "1"}}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a": "skipped", "b": "skipped", "c": "success", "d": "success", "e": "success", "f": "success", "g": "skipped"}, run.Result)
	assert.Equal(t, [][]string{{"c"}, {"d", "e", "f"}}, run.Waves)

	run, err = w.Simulate(jobgraph.Scenario{Fail: map[string]bool{"c": true}})
	require.NoError(t, err)
	assert.Equal(t, "failure", run.Result["c"])
	assert.Equal(t, "skipped", run.Result["d"])
	assert.Equal(t, "skipped", run.Result["f"], "implicit success() after a failed need")

	bad, err := jobgraph.Parse([]byte("jobs:\n  a: {if: \"contains(github.ref, 'main')\"}\n"))
	require.NoError(t, err)
	_, err = bad.Simulate(jobgraph.Scenario{})
	assert.ErrorContains(t, err, "not understood")
}
