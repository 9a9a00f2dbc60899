package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/xaccount/xaccount-api/internal/iampolicy"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// workflow is the part of a GitHub Actions workflow the credential and
// permission checks read.
type workflow struct {
	On          yaml.Node         `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]struct {
		If             string            `yaml:"if"`
		Permissions    map[string]string `yaml:"permissions"`
		Environment    string            `yaml:"environment"`
		TimeoutMinutes int               `yaml:"timeout-minutes"`
		Strategy       struct {
			Matrix map[string]any `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []struct {
			Id   string            `yaml:"id"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// The expressions a split-topology workflow names its stacks with.
const (
	matrixStack       = "${{ matrix.stack }}"
	topologyConsumers = "${{ fromJSON(needs.topology.outputs.consumers) }}"
	topologyStacks    = "${{ fromJSON(needs.topology.outputs.stacks) }}"
	topologyProducer  = "${{ needs.topology.outputs.producer }}"
)

var credentialsStep = regexp.MustCompile(`make pipeline-credentials STACK=(\$\{\{ [^}]+ \}\}|\S+) KIND=(\S+)`)

// committedWorkflows are the repository's workflows, by file name.
func committedWorkflows(t *testing.T) map[string]workflow {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(projectRoot, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string]workflow{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		var w workflow
		require.NoError(t, yaml.Unmarshal(b, &w), file)
		out[filepath.Base(file)] = w
	}
	return out
}

// pushBranches are the branches a workflow's push trigger names, and
// whether it also runs on tags or on every branch but some (nil, false:
// no push trigger).
func (w workflow) pushBranches() (branches []string, more bool) {
	if w.On.Kind != yaml.MappingNode {
		return nil, slices.Contains(w.triggers(), "push")
	}
	for i := 0; i+1 < len(w.On.Content); i += 2 {
		if w.On.Content[i].Value != "push" {
			continue
		}
		push := w.On.Content[i+1]
		if push.Kind != yaml.MappingNode {
			return nil, true // push: every branch and tag
		}
		for j := 0; j+1 < len(push.Content); j += 2 {
			switch key, v := push.Content[j].Value, push.Content[j+1]; key {
			case "branches":
				for _, n := range v.Content {
					branches = append(branches, n.Value)
				}
			case "tags", "branches-ignore", "tags-ignore":
				more = true
			}
		}
		if branches == nil {
			more = true
		}
	}
	return branches, more
}

// triggers are the events a workflow runs on.
func (w workflow) triggers() []string {
	var out []string
	switch w.On.Kind {
	case yaml.ScalarNode:
		out = append(out, w.On.Value)
	case yaml.SequenceNode:
		for _, n := range w.On.Content {
			out = append(out, n.Value)
		}
	case yaml.MappingNode:
		for i := 0; i < len(w.On.Content); i += 2 {
			out = append(out, w.On.Content[i].Value)
		}
	}
	return out
}

// checkWorkflowCredentials lists every way a workflow's Pulumi jobs and the
// credentials they get disagree: each Pulumi step's stack must come with
// that stack's pipeline-credentials step and the role it outputs; an up, and
// anything with deployer credentials, only in the stack's own environment
// and never on pull_request, in the workflow file the stack's deploy
// pipeline role admits (its job_workflow_ref), run by pushes to main only
// (the ref it admits); every account the stack deploys into must be
// reached through a profile the written AWS config defines; deploy jobs get
// at least 60 minutes (the provider's 45-minute wait for a deleted Lambda's
// network interfaces).
//
// A split-topology workflow names its stacks through the topology job's
// outputs (go run ./cmd/plan --topology): topo resolves them. A matrix job
// over stacks must run each in its own environment (${{ matrix.stack }}).
func checkWorkflowCredentials(name string, src []byte, stacks map[string]iampolicy.RoleSet, topo plan.Topology) []string {
	var w workflow
	if err := yaml.Unmarshal(src, &w); err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, name+": "+fmt.Sprintf(format, args...)) }
	onPullRequest := slices.Contains(w.triggers(), "pull_request") || slices.Contains(w.triggers(), "pull_request_target")
	for jobName, job := range w.Jobs {
		for _, step := range job.Steps {
			if !strings.HasPrefix(step.Uses, "pulumi/actions@") {
				continue
			}
			stackExpr := step.With["stack-name"]
			var names []string
			switch stackExpr {
			case matrixStack:
				switch expr, _ := job.Strategy.Matrix["stack"].(string); expr {
				case topologyConsumers:
					names = append(names, topo.Consumers...)
				case topologyStacks:
					names = append(names, topo.Stacks()...)
				}
				list, _ := job.Strategy.Matrix["stack"].([]any)
				for _, s := range list {
					names = append(names, fmt.Sprint(s))
				}
			case topologyProducer:
				if topo.Producer != "" {
					names = []string{topo.Producer}
				}
			default:
				names = []string{stackExpr}
			}
			ownEnvironment := job.Environment == stackExpr || (len(names) == 1 && job.Environment == names[0])
			var kind, rolesId string
			for _, s := range job.Steps {
				if m := credentialsStep.FindStringSubmatch(s.Run); m != nil {
					if m[1] != stackExpr {
						bad("job %s: credentials for STACK=%s, Pulumi runs stack %s", jobName, m[1], stackExpr)
					}
					kind, rolesId = m[2], s.Id
				}
			}
			if kind == "" {
				bad("job %s: runs Pulumi without a pipeline-credentials step", jobName)
				continue
			}
			for _, s := range job.Steps {
				if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") && s.With["role-to-assume"] != "${{ steps."+rolesId+".outputs.pipeline-role }}" {
					bad("job %s: assumes %s, not the pipeline role of its credentials step", jobName, s.With["role-to-assume"])
				}
			}
			command := step.With["command"]
			switch {
			case kind != "deployer" && kind != "preview":
				bad("job %s: KIND=%s", jobName, kind)
			case command != "preview" && kind != "deployer":
				bad("job %s: pulumi %s with %s credentials", jobName, command, kind)
			case kind == "deployer" && onPullRequest:
				bad("job %s: deployer credentials in a workflow that runs on pull requests", jobName)
			case kind == "deployer" && !ownEnvironment:
				bad("job %s: deployer credentials outside the stack's environment (environment %q, stack %s)", jobName, job.Environment, stackExpr)
			case onPullRequest && job.Environment != "":
				bad("job %s: a pull-request job in environment %s gets that environment's subject", jobName, job.Environment)
			}
			if kind == "deployer" {
				if branches, more := w.pushBranches(); more || !slices.Equal(branches, []string{"main"}) {
					bad("job %s: deployer credentials in a workflow whose pushes are not main's only (branches %v): the deploy pipeline roles admit %s", jobName, branches, iampolicy.MainRef)
				}
				for _, stack := range names {
					set, ok := stacks[stack]
					if !ok {
						continue // reported below
					}
					admits := deployTrustClaim(set, iampolicy.ClaimJobWorkflowRef)
					if !strings.HasSuffix(admits, "/.github/workflows/"+name+"@"+iampolicy.MainRef) {
						bad("job %s: deploys stack %s from %s; its deploy pipeline role admits only %s", jobName, stack, name, admits)
					}
					if ref := deployTrustClaim(set, iampolicy.ClaimRef); ref != iampolicy.MainRef {
						bad("job %s: stack %s's deploy pipeline role admits ref %q, not %s", jobName, stack, ref, iampolicy.MainRef)
					}
				}
			}
			if kind == "deployer" && job.TimeoutMinutes < 60 {
				bad("job %s: timeout-minutes %d; a deploy needs at least 60 (the provider waits up to 45 minutes for a deleted Lambda's interfaces)", jobName, job.TimeoutMinutes)
			}
			for _, stack := range names {
				set, ok := stacks[stack]
				if !ok {
					bad("job %s: stack %s has no committed stack file", jobName, stack)
					continue
				}
				written, err := iampolicy.SharedConfig(set, kind)
				if err != nil {
					bad("job %s: %v", jobName, err)
					continue
				}
				for id, a := range set.Accounts {
					if a.Profile == "" {
						bad("stack %s: account %s (%s) names a roleArn; a pipeline job can only give it credentials through a profile", stack, id, a.Role)
					} else if !strings.Contains(written, "[profile "+a.Profile+"]") {
						bad("stack %s: profile %s is not in the AWS config the job writes", stack, a.Profile)
					}
				}
			}
		}
	}
	slices.Sort(problems)
	return problems
}

// deployTrustClaim is the value the stack's deploy pipeline role's trust
// requires of a GitHub claim ("" when it requires none).
func deployTrustClaim(set iampolicy.RoleSet, claim string) string {
	for _, st := range set.Pipeline.Roles["deploy"].Trust.Statement {
		if v, ok := st.Condition["StringEquals"][iampolicy.OidcIssuer+":"+claim].(string); ok {
			return v
		}
	}
	return ""
}

func committedRoleSets(t *testing.T) map[string]iampolicy.RoleSet {
	t.Helper()
	return roleSetsIn(t, projectRoot)
}

// roleSetsIn are the roles --iam prints for each stack file of dir, with
// the stacks it references planned from the files beside it.
func roleSetsIn(t *testing.T, dir string) map[string]iampolicy.RoleSet {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	require.NoError(t, err)
	out := map[string]iampolicy.RoleSet{}
	for _, file := range files {
		raw, err := plan.ReadConfigFile(file)
		require.NoError(t, err)
		name := plan.StackNameOf(file)
		p, err := plan.RunForRoles(dir, name, raw)
		require.NoError(t, err)
		set, err := p.Roles(plan.IamOptions{Repo: "acme/xaccount-api"})
		require.NoError(t, err)
		out[name] = set
	}
	return out
}

// TestWorkflowsGiveEachStackTheCredentialsItNeeds: every committed workflow
// passes the credential check, and the check catches each mistake a review
// found or could make.
func TestWorkflowsGiveEachStackTheCredentialsItNeeds(t *testing.T) {
	stacks := committedRoleSets(t)
	files, err := filepath.Glob(filepath.Join(projectRoot, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	require.Len(t, files, 5, "preview, deploy, drift, deploy-split, release")
	sources := map[string][]byte{}
	pulumiJobs := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		sources[filepath.Base(f)] = b
		pulumiJobs += strings.Count(string(b), "uses: pulumi/actions@")
		assert.Empty(t, checkWorkflowCredentials(filepath.Base(f), b, stacks, plan.Topology{}))
	}
	assert.Equal(t, 9, pulumiJobs, "preview, drift, deploy dev, deploy prod; split: preview, drift, consumers, producer, consumers again")
	assert.Contains(t, string(sources["drift.yml"]), "expect-no-changes: true")
	assert.Contains(t, string(sources["deploy.yml"]), "refresh: true", "a deploy repairs drift")

	for _, m := range []struct{ file, from, to, want string }{
		{"preview.yml", "KIND=preview", "KIND=deployer", "deployer credentials in a workflow that runs on pull requests"},
		{"deploy.yml", "environment: prod\n", "environment: dev\n", "deployer credentials outside the stack's environment"},
		{"deploy.yml", "STACK=prod KIND=deployer", "STACK=prod KIND=preview", "pulumi up with preview credentials"},
		{"deploy.yml", "STACK=prod KIND", "STACK=dev KIND", "credentials for STACK=dev, Pulumi runs stack prod"},
		{"deploy.yml", "timeout-minutes: 75", "timeout-minutes: 30", "timeout-minutes 30"},
		{"deploy.yml", "branches: [main]", "branches: [main, release]", "whose pushes are not main's only (branches [main release])"},
		{"deploy.yml", "branches: [main]", "tags: [\"v*\"]", "whose pushes are not main's only"},
		{"drift.yml", "${{ steps.roles.outputs.pipeline-role }}", "${{ vars.PIPELINE_ROLE_ARN }}", "not the pipeline role of its credentials step"},
	} {
		mutated := strings.Replace(string(sources[m.file]), m.from, m.to, 1)
		require.NotEqual(t, string(sources[m.file]), mutated, "mutation %q applies", m.from)
		problems := checkWorkflowCredentials(m.file, []byte(mutated), stacks, plan.Topology{})
		assert.Truef(t, slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, m.want) }), "%s %q -> %q: want %q in %v", m.file, m.from, m.to, m.want, problems)
	}
	// The deploy pipeline roles admit deploy.yml's jobs on main: the same
	// jobs in another file get no credentials, and the check says so.
	problems := checkWorkflowCredentials("deploy-copy.yml", sources["deploy.yml"], stacks, plan.Topology{})
	assert.Contains(t, problems, "deploy-copy.yml: job prod: deploys stack prod from deploy-copy.yml; its deploy pipeline role admits only acme/xaccount-api/.github/workflows/deploy.yml@refs/heads/main")

	// A stack whose account names a role ARN cannot run in the pipeline.
	withRole := committedRoleSets(t)
	prod := withRole["prod"]
	ledger := prod.Accounts["555555555555"]
	ledger.Profile = ""
	prod.Accounts["555555555555"] = ledger
	problems = checkWorkflowCredentials("deploy.yml", sources["deploy.yml"], withRole, plan.Topology{})
	assert.Truef(t, slices.ContainsFunc(problems, func(p string) bool {
		return strings.Contains(p, "account 555555555555 (consumer:ledger) names a roleArn")
	}), "%v", problems)
}

// TestSplitWorkflow: deploy-split.yml deploys the topology the plan command
// reads from the stack files: the consumer stacks in a matrix that does not
// stop at one failure, each in its own environment with only its own roles,
// then the producer's stack whatever the consumers' results, then the
// consumers again only when the producer changed something. The check sees
// the committed split example as if it were this folder's stacks.
func TestSplitWorkflow(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(projectRoot, ".github", "workflows", "deploy-split.yml"))
	require.NoError(t, err)
	topo, err := plan.ReadTopology(splitDir)
	require.NoError(t, err)
	require.Equal(t, plan.Topology{Producer: "orders", Consumers: []string{"orders-app", "orders-batch"}}, topo)
	stacks := roleSetsIn(t, splitDir)
	all := committedRoleSets(t) // the workflows' own stacks beside the example's
	for name, set := range stacks {
		all[name] = set
	}
	for _, file := range []string{"deploy-split.yml", "preview.yml", "drift.yml"} {
		b, err := os.ReadFile(filepath.Join(projectRoot, ".github", "workflows", file))
		require.NoError(t, err)
		assert.Emptyf(t, checkWorkflowCredentials(file, b, all, topo), "%s with the split example's stacks", file)
		if file != "deploy-split.yml" {
			assert.Containsf(t, string(b), topologyStacks, "%s runs every stack of the topology", file)
		}
	}

	for name, set := range stacks {
		deploying := 0
		for _, a := range set.Accounts {
			if len(a.Roles) > 0 {
				deploying++
			}
		}
		assert.Equalf(t, 1, deploying, "stack %s has roles in exactly one account", name)
	}

	var w struct {
		Jobs map[string]struct {
			Needs    any    `yaml:"needs"`
			If       string `yaml:"if"`
			Strategy struct {
				FailFast    *bool `yaml:"fail-fast"`
				MaxParallel int   `yaml:"max-parallel"`
			} `yaml:"strategy"`
			Outputs map[string]string `yaml:"outputs"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal(src, &w))
	for _, job := range []string{"consumers", "consumers-again"} {
		j := w.Jobs[job]
		require.NotNilf(t, j.Strategy.FailFast, "%s sets fail-fast", job)
		assert.Falsef(t, *j.Strategy.FailFast, "%s: one consumer's failure does not cancel the others", job)
		assert.Equal(t, 4, j.Strategy.MaxParallel)
	}
	assert.Contains(t, fmt.Sprint(w.Jobs["producer"].Needs), "consumers")
	assert.Contains(t, w.Jobs["producer"].If, "!cancelled()", "the producer runs whatever the consumers' results, unless the run was cancelled")
	for name, j := range w.Jobs {
		assert.NotContainsf(t, j.If, "always()", "job %s: always() runs after a cancellation too", name)
	}
	assert.Contains(t, fmt.Sprint(w.Jobs["consumers-again"].Needs), "producer")
	assert.Contains(t, w.Jobs["consumers-again"].If, "needs.producer.outputs.changed == 'true'")
	assert.Contains(t, w.Jobs["consumers-again"].If, "needs.topology.outputs.consumers != '[]'", "no empty matrix")
	assert.NotEmpty(t, w.Jobs["producer"].Outputs["changed"])

	for _, m := range []struct{ from, to, want string }{
		{"    environment: ${{ matrix.stack }}\n", "    environment: ${{ needs.topology.outputs.producer }}\n", "deployer credentials outside the stack's environment"},
		{"STACK=${{ needs.topology.outputs.producer }} KIND=deployer", "STACK=${{ needs.topology.outputs.producer }} KIND=preview", "pulumi up with preview credentials"},
	} {
		mutated := strings.Replace(string(src), m.from, m.to, 1)
		require.NotEqual(t, string(src), mutated, "mutation %q applies", m.from)
		problems := checkWorkflowCredentials("deploy-split.yml", []byte(mutated), stacks, topo)
		assert.Truef(t, slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, m.want) }), "%q -> %q: want %q in %v", m.from, m.to, m.want, problems)
	}
	// A split stack's deploy pipeline role admits deploy-split.yml only.
	problems := checkWorkflowCredentials("deploy.yml", src, stacks, topo)
	assert.Contains(t, problems, "deploy.yml: job producer: deploys stack orders from deploy.yml; its deploy pipeline role admits only acme/xaccount-api/.github/workflows/deploy-split.yml@refs/heads/main")
}

// TestTopologyOfTheCommittedStacks: the project folder's own stacks are all
// single-stack (role all), so deploy-split.yml skips every job; --topology
// says so, and refuses a consumer stack that reads another producer.
func TestTopologyOfTheCommittedStacks(t *testing.T) {
	code, stdout, stderr := runCLI("--topology", "--root", projectRoot)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "producer=\nconsumers=[]\nstacks=[]\n", stdout)
	code, stdout, _ = runCLI("--topology", "--root", splitDir)
	require.Equal(t, 0, code)
	assert.Equal(t, "producer=orders\nconsumers=[\"orders-app\",\"orders-batch\"]\nstacks=[\"orders\",\"orders-app\",\"orders-batch\"]\n", stdout)

	dir := t.TempDir()
	for _, name := range []string{"orders", "orders-app"} {
		b, err := os.ReadFile(plan.StackFile(splitDir, name))
		require.NoError(t, err)
		if name == "orders-app" {
			b = []byte(strings.Replace(string(b), "stack: organization/xaccount-api/orders\n", "stack: organization/xaccount-api/payments\n", 1))
		}
		require.NoError(t, os.WriteFile(plan.StackFile(dir, name), b, 0o600))
	}
	code, _, stderr = runCLI("--topology", "--root", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `consumer stack orders-app reads organization/xaccount-api/payments, which is not this folder's producer stack "orders"`)
}
