package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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
		Steps []workflowStep `yaml:"steps"`
	} `yaml:"jobs"`
}

// workflowStep is one step of a job.
type workflowStep struct {
	Id   string            `yaml:"id"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

// The expressions a split-topology workflow names its stacks with.
const (
	matrixStack       = "${{ matrix.stack }}"
	topologyConsumers = "${{ fromJSON(needs.topology.outputs.consumers) }}"
	topologyStacks    = "${{ fromJSON(needs.topology.outputs.stacks) }}"
	topologyProducer  = "${{ needs.topology.outputs.producer }}"
)

// credentialsStep is the command of a pipeline-credentials step. The stack
// comes from the step's env: (STACK), never from the command line: make
// would expand a $(shell …) in a command-line value, and an expression in
// the shell text is script injection (TestNoExpressionInShell).
var credentialsStep = regexp.MustCompile(`make pipeline-credentials KIND=(\S+)`)

// credentials reads a pipeline-credentials step: the stack it writes the
// credentials of (a name, or the expression the step's env: gives STACK)
// and the kind; ok is false for any other step.
func (s workflowStep) credentials() (stack, kind string, ok bool) {
	m := credentialsStep.FindStringSubmatch(s.Run)
	if m == nil {
		return "", "", false
	}
	return s.Env["STACK"], m[1], true
}

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
// and never on pull_request; every account the stack deploys into must be
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
			var kind, rolesId, deployed string
			deployedSteps := map[string]string{} // step id -> the stack it finds the deployed file of
			for _, s := range job.Steps {
				if strings.Contains(s.Run, ".ci/deployed-stack-file") {
					deployedSteps[s.Id] = s.Env["STACK"]
				}
				if stack, k, ok := s.credentials(); ok {
					if stack != stackExpr {
						bad("job %s: credentials for STACK=%s, Pulumi runs stack %s", jobName, stack, stackExpr)
					}
					kind, rolesId, deployed = k, s.Id, s.Env["DEPLOYED"]
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
				// A change that drops an account needs the roles and
				// profiles of the stack file as last deployed too.
				id, _ := strings.CutSuffix(strings.TrimPrefix(deployed, "${{ steps."), ".outputs.file }}")
				switch stack, ok := deployedSteps[id]; {
				case !ok || deployed == "":
					bad("job %s: deployer credentials without DEPLOYED from an earlier .ci/deployed-stack-file step: an up that drops an account cannot reach it", jobName)
				case stack != stackExpr:
					bad("job %s: the deployed stack file of STACK=%s, Pulumi runs stack %s", jobName, stack, stackExpr)
				case job.Permissions["deployments"] != "read":
					bad("job %s: finds the last deployment without deployments: read", jobName)
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
		{"deploy.yml", "make pipeline-credentials KIND=deployer", "make pipeline-credentials KIND=preview", "pulumi up with preview credentials"},
		{"deploy.yml", "STACK: prod\n          DEPLOYED", "STACK: dev\n          DEPLOYED", "credentials for STACK=dev, Pulumi runs stack prod"},
		{"deploy.yml", "timeout-minutes: 75", "timeout-minutes: 30", "timeout-minutes 30"},
		{"drift.yml", "${{ steps.roles.outputs.pipeline-role }}", "${{ vars.PIPELINE_ROLE_ARN }}", "not the pipeline role of its credentials step"},
		{"deploy.yml", "          DEPLOYED: ${{ steps.deployed.outputs.file }}\n", "", "deployer credentials without DEPLOYED"},
		{"deploy.yml", "    STACK: dev\n          GH_TOKEN", "    STACK: prod\n          GH_TOKEN", "the deployed stack file of STACK=prod, Pulumi runs stack dev"},
		{"deploy.yml", "      deployments: read ", "      deployments: none ", "without deployments: read"},
	} {
		mutated := strings.Replace(string(sources[m.file]), m.from, m.to, 1)
		require.Truef(t, mutated != string(sources[m.file]), "mutation %q applies", m.from)
		problems := checkWorkflowCredentials(m.file, []byte(mutated), stacks, plan.Topology{})
		assert.Truef(t, slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, m.want) }), "%s %q -> %q: want %q in %v", m.file, m.from, m.to, m.want, problems)
	}

	// A stack whose account names a role ARN cannot run in the pipeline.
	withRole := committedRoleSets(t)
	prod := withRole["prod"]
	ledger := prod.Accounts["555555555555"]
	ledger.Profile = ""
	prod.Accounts["555555555555"] = ledger
	problems := checkWorkflowCredentials("deploy.yml", sources["deploy.yml"], withRole, plan.Topology{})
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
		{"make pipeline-credentials KIND=deployer", "make pipeline-credentials KIND=preview", "pulumi up with preview credentials"},
	} {
		mutated := strings.Replace(string(src), m.from, m.to, 1)
		require.Truef(t, mutated != string(src), "mutation %q applies", m.from)
		problems := checkWorkflowCredentials("deploy-split.yml", []byte(mutated), stacks, topo)
		assert.Truef(t, slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, m.want) }), "%q -> %q: want %q in %v", m.from, m.to, m.want, problems)
	}
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

// literalMatrixValue is a value a workflow may write into a matrix list and
// use in shell as it is: a plain word, nothing the shell interprets.
var literalMatrixValue = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// shellExpressions lists every ${{ }} expression in a run: block of the
// workflow, GitHub's script-injection pattern ("Security hardening for
// GitHub Actions": an expression is expanded into the script's text before
// the shell runs it). The one exception: matrix.<key> of a job whose matrix
// lists <key>'s values literally, as plain words (release.yml's GOOS and
// GOARCH), whose text is fixed by the workflow itself.
func shellExpressions(name string, src []byte) []string {
	var w workflow
	if err := yaml.Unmarshal(src, &w); err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}
	}
	expr := regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	var problems []string
	for jobName, job := range w.Jobs {
		for i, step := range job.Steps {
			for _, m := range expr.FindAllStringSubmatch(step.Run, -1) {
				if key, ok := strings.CutPrefix(m[1], "matrix."); ok {
					if list, isList := job.Strategy.Matrix[key].([]any); isList && len(list) > 0 && !slices.ContainsFunc(list, func(v any) bool {
						return !literalMatrixValue.MatchString(fmt.Sprint(v))
					}) {
						continue
					}
				}
				problems = append(problems, fmt.Sprintf("%s job %s step %d: %s in run:; pass it through env:", name, jobName, i+1, m[0]))
			}
		}
	}
	slices.Sort(problems)
	return problems
}

// TestNoExpressionInShell: no run: block of any workflow has an expression
// expanded into its text (stack names from the topology job, the matrix,
// the repository): each goes through env: and the shell reads a variable.
func TestNoExpressionInShell(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(projectRoot, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.Empty(t, shellExpressions(filepath.Base(f), b))
	}
	// What the check refuses: the old credentials step, a topology output,
	// a matrix fed by the topology job.
	for _, bad := range []string{
		"jobs:\n  a:\n    strategy:\n      matrix:\n        stack: [dev, prod]\n    steps:\n      - run: make pipeline-credentials STACK=${{ matrix.stack }} KIND=preview REPO=\"${{ github.repository }}\"\n",
		"jobs:\n  a:\n    steps:\n      - run: |\n          echo start\n          go run ./cmd/plan --stack ${{ needs.topology.outputs.producer }}\n",
		"jobs:\n  a:\n    strategy:\n      matrix:\n        stack: ${{ fromJSON(needs.topology.outputs.stacks) }}\n    steps:\n      - run: echo ${{ matrix.stack }}\n",
		"jobs:\n  a:\n    strategy:\n      matrix:\n        stack: [dev, \"a;b\"]\n    steps:\n      - run: echo ${{ matrix.stack }}\n",
	} {
		assert.NotEmptyf(t, shellExpressions("bad.yml", []byte(bad)), "refused:\n%s", bad)
	}
}

// TestTopologyRefusesNamesPulumiWouldNot: a stack file whose name is not a
// Pulumi stack name (a semicolon, a space, a dollar) stops --topology
// before its name reaches a workflow output, each file named, all in one
// run; --stack refuses such a name too.
func TestTopologyRefusesNamesPulumiWouldNot(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"orders", "orders-app", "orders-batch"} {
		b, err := os.ReadFile(plan.StackFile(splitDir, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(plan.StackFile(dir, name), b, 0o600))
	}
	b, err := os.ReadFile(plan.StackFile(splitDir, "orders-app"))
	require.NoError(t, err)
	for _, bad := range []string{"a;rm -rf", "x$(id)", strings.Repeat("s", 101)} {
		require.NoError(t, os.WriteFile(plan.StackFile(dir, bad), b, 0o600))
	}
	code, stdout, stderr := runCLI("--topology", "--root", dir)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout, "no workflow output at all")
	assert.Contains(t, stderr, `Pulumi.a;rm -rf.yaml: stack name "a;rm -rf": expected 1 to 100 ASCII letters, digits, hyphens, underscores or periods`)
	assert.Contains(t, stderr, `Pulumi.x$(id).yaml: stack name "x$(id)"`)
	assert.Contains(t, stderr, "Pulumi."+strings.Repeat("s", 101)+".yaml: stack name")

	code, stdout, stderr = runCLI("--stack", "a;rm -rf", "--root", dir)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, `plan: --stack: stack name "a;rm -rf": expected`)

	for _, good := range []string{"dev", "orders_2", "a.b-c"} {
		assert.NoErrorf(t, plan.CheckStackName(good), "%s is a Pulumi stack name", good)
	}
}

// TestPulumiCLIPinsAgree: every Pulumi step of the workflows installs the
// CLI the project is built and tested with (pulumi-version: the SDK version
// of go.mod, which the engine tests build their CLI from,
// TestCLIIsTheSDKVersion), never the action's default (the newest 3.x), and
// that CLI is inside Pulumi.yaml's requiredPulumiVersion (whose minimum the
// engine test TestRequiredPulumiVersionIsEnforced checks).
func TestPulumiCLIPinsAgree(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join(projectRoot, "go.mod"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^\s*github\.com/pulumi/pulumi/sdk/v3 v(\S+)`).FindSubmatch(mod)
	require.NotNil(t, m, "go.mod requires the Pulumi SDK")
	sdk := string(m[1])

	var project struct {
		RequiredPulumiVersion string `yaml:"requiredPulumiVersion"`
	}
	b, err := os.ReadFile(filepath.Join(projectRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &project))
	least, ok := strings.CutPrefix(project.RequiredPulumiVersion, ">=")
	require.Truef(t, ok, "requiredPulumiVersion %q is a minimum", project.RequiredPulumiVersion)
	assert.False(t, versionLess(sdk, least), "the pinned CLI %s satisfies %s", sdk, project.RequiredPulumiVersion)

	steps := 0
	for name, w := range committedWorkflows(t) {
		for jobName, j := range w.Jobs {
			for _, s := range j.Steps {
				if !strings.HasPrefix(s.Uses, "pulumi/actions@") {
					continue
				}
				steps++
				assert.Equalf(t, sdk, s.With["pulumi-version"], "%s job %s: pulumi/actions installs the CLI of go.mod's SDK", name, jobName)
			}
		}
	}
	assert.Positive(t, steps)
}

// versionLess compares two x.y.z versions.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < 3; i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}
