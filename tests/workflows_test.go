package tests

import (
	"encoding/json"
	"fmt"
	"maps"
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
	On          yaml.Node              `yaml:"on"`
	Permissions map[string]string      `yaml:"permissions"`
	Env         map[string]string      `yaml:"env"`
	Jobs        map[string]workflowJob `yaml:"jobs"`
}

// workflowJob is one job of a workflow.
type workflowJob struct {
	Needs          any               `yaml:"needs"`
	If             string            `yaml:"if"`
	Permissions    map[string]string `yaml:"permissions"`
	Environment    string            `yaml:"environment"`
	Env            map[string]string `yaml:"env"`
	TimeoutMinutes int               `yaml:"timeout-minutes"`
	Concurrency    struct {
		Group            string `yaml:"group"`
		CancelInProgress *bool  `yaml:"cancel-in-progress"`
	} `yaml:"concurrency"`
	Strategy struct {
		Matrix map[string]any `yaml:"matrix"`
	} `yaml:"strategy"`
	Steps []workflowStep `yaml:"steps"`
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
	topologyHub       = "${{ needs.topology.outputs.hub }}"
	// drift.yml's matrices: the stacks no deploy is under way for.
	quietStacks = "${{ fromJSON(needs.stacks.outputs.stacks) }}"
	quietSplit  = "${{ fromJSON(needs.stacks.outputs.split) }}"
)

// The stacks' decryption. Each stack's passphrase is the environment secret
// PULUMI_CONFIG_PASSPHRASE of its GitHub environments (<stack> for its
// deploys, <stack>-preview for its drift check and the preview before an
// approval), which admit main only. A repository secret is readable by any
// pull request of the repository (its code can rewrite the workflow), so a
// stack previewed on pull requests has a passphrase of its own under a
// name for it, and only such a stack: dev. Prod is never among them.
const environmentPassphrase = "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}"

var pullRequestPassphrases = map[string]string{"dev": "PULUMI_CONFIG_PASSPHRASE_DEV"}

// secretRef is a reference to a secret in a workflow expression.
var secretRef = regexp.MustCompile(`secrets\.([A-Za-z0-9_]+)`)

// secretsOf are the secrets a job's steps and env name.
func (j workflowJob) secretsOf() []string {
	var texts []string
	for _, v := range j.Env {
		texts = append(texts, v)
	}
	for _, s := range j.Steps {
		texts = append(texts, s.Run)
		for _, v := range s.With {
			texts = append(texts, v)
		}
		for _, v := range s.Env {
			texts = append(texts, v)
		}
	}
	var out []string
	for _, t := range texts {
		for _, m := range secretRef.FindAllStringSubmatch(t, -1) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// pulumiRun reads a step that runs Pulumi on a stack: pulumi/actions with a
// command (not the install-only form), or the drift check's script, which
// previews the stack of its env: (STACK); passphrase is what the step gives
// PULUMI_CONFIG_PASSPHRASE.
func (s workflowStep) pulumiRun() (stack, command, passphrase string, ok bool) {
	switch {
	case strings.HasPrefix(s.Uses, "pulumi/actions@") && s.With["command"] != "":
		return s.With["stack-name"], s.With["command"], s.Env["PULUMI_CONFIG_PASSPHRASE"], true
	case strings.Contains(s.Run, ".ci/drift-check"):
		return s.Env["STACK"], "preview", s.Env["PULUMI_CONFIG_PASSPHRASE"], true
	}
	return "", "", "", false
}

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
// checkWorkflowCredentials lists every way a workflow's Pulumi jobs and the
// credentials and decryption they get disagree: each Pulumi step's stack
// must come with that stack's pipeline-credentials step and the role it
// outputs; an up, and anything with deployer credentials, only in the
// stack's own environment, with the stack file as last deployed, never on
// pull_request, in the workflow file the stack's deploy pipeline role
// admits (its job_workflow_ref), run by pushes to main only (the ref it
// admits); a preview on main only in the stack's <stack>-preview
// environment; the passphrase always the environment's secret, except on a
// pull request, which names no environment and may decrypt only the stacks
// of pullRequestPassphrases, with their own secrets (no job of a
// pull-request workflow names any other secret, and no job outside an
// environment names the environments' one); every account the stack
// deploys into must be reached through a profile the written AWS config
// defines; deploy jobs get at least 60 minutes (the provider's 45-minute
// wait for a deleted Lambda's network interfaces).
//
// A split-topology workflow names its stacks through the topology job's
// outputs (go run ./cmd/plan --topology): topo resolves them, and the drift
// check's stacks job's outputs (its quiet step's STACKS, and the topology).
// A matrix job over stacks must run each in its own environment
// (${{ matrix.stack }} or ${{ matrix.stack }}-preview).
func checkWorkflowCredentials(name string, src []byte, stacks map[string]iampolicy.RoleSet, topo plan.Topology) []string {
	var w workflow
	if err := yaml.Unmarshal(src, &w); err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, name+": "+fmt.Sprintf(format, args...)) }
	onPullRequest := slices.Contains(w.triggers(), "pull_request") || slices.Contains(w.triggers(), "pull_request_target")
	for k, v := range w.Env {
		if secretRef.MatchString(v) {
			bad("env %s: a secret for every job of the workflow", k)
		}
	}
	for jobName, job := range w.Jobs {
		for _, secret := range job.secretsOf() {
			switch {
			case onPullRequest && !slices.Contains(slices.Collect(maps.Values(pullRequestPassphrases)), secret):
				bad("job %s: secret %s in a workflow that runs on pull requests, whose code can read it", jobName, secret)
			case !onPullRequest && job.Environment == "" && secret == "PULUMI_CONFIG_PASSPHRASE":
				bad("job %s: PULUMI_CONFIG_PASSPHRASE outside an environment: that would be a repository secret, which pull requests can read", jobName)
			}
		}
		for _, step := range job.Steps {
			stackExpr, command, passphrase, isPulumi := step.pulumiRun()
			if !isPulumi {
				continue
			}
			var names []string
			switch stackExpr {
			case matrixStack:
				switch expr, _ := job.Strategy.Matrix["stack"].(string); expr {
				case topologyConsumers:
					names = append(names, topo.Consumers...)
				case topologyStacks, quietSplit:
					names = append(names, topo.Stacks()...)
				case quietStacks:
					var listed []string
					for _, s := range w.Jobs["stacks"].Steps {
						if s.Id == "quiet" {
							if err := json.Unmarshal([]byte(s.Env["STACKS"]), &listed); err != nil {
								bad("job stacks: STACKS %q: %v", s.Env["STACKS"], err)
							}
						}
					}
					names = append(names, listed...)
				}
				list, _ := job.Strategy.Matrix["stack"].([]any)
				for _, s := range list {
					names = append(names, fmt.Sprint(s))
				}
			case topologyProducer:
				if topo.Producer != "" {
					names = []string{topo.Producer}
				}
			case topologyHub:
				if topo.Hub != "" {
					names = []string{topo.Hub}
				}
			default:
				names = []string{stackExpr}
			}
			single := len(names) == 1 && stackExpr != matrixStack
			ownEnvironment := job.Environment == stackExpr || (single && job.Environment == names[0])
			previewEnvironment := job.Environment == stackExpr+"-preview" || (single && job.Environment == iampolicy.PreviewEnvironment(names[0]))
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
			case kind == "preview" && !onPullRequest && !previewEnvironment:
				bad("job %s: a preview on main outside the stack's preview environment (environment %q, stack %s): it gets neither the stack's passphrase nor a subject its preview pipeline role trusts", jobName, job.Environment, stackExpr)
			}
			// Decryption: the environment's own secret, or on a pull request
			// a stack's own secret that pull requests may read.
			if onPullRequest {
				for _, stack := range names {
					want, ok := pullRequestPassphrases[stack]
					switch {
					case !ok:
						bad("job %s: a pull request previews stack %s, whose decryption no pull request may hold", jobName, stack)
					case passphrase != "${{ secrets."+want+" }}":
						bad("job %s: stack %s decrypted with %q on a pull request, not its own %s", jobName, stack, passphrase, want)
					}
				}
			} else if passphrase != environmentPassphrase {
				bad("job %s: stack %s decrypted with %q, not its environment's %s", jobName, stackExpr, passphrase, environmentPassphrase)
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
			if kind == "preview" && !onPullRequest {
				// A preview on main: the stack's preview pipeline role
				// admits this workflow's jobs in its preview environment.
				for _, stack := range names {
					set, ok := stacks[stack]
					if !ok {
						continue // reported below
					}
					if !previewTrustAdmits(set, iampolicy.PreviewEnvironmentSubject("acme/xaccount-api", stack), "/.github/workflows/"+name+"@"+iampolicy.MainRef) {
						bad("job %s: previews stack %s from %s in %s; its preview pipeline role does not admit it", jobName, stack, name, iampolicy.PreviewEnvironment(stack))
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

// previewTrustAdmits says whether the stack's preview pipeline role trusts
// a job on main with the subject sub whose job_workflow_ref ends with
// workflowRef.
func previewTrustAdmits(set iampolicy.RoleSet, sub, workflowRef string) bool {
	for _, st := range set.Pipeline.Roles["preview"].Trust.Statement {
		eq := st.Condition["StringEquals"]
		if st.Effect != "Allow" || eq[iampolicy.OidcIssuer+":sub"] != sub || eq[iampolicy.OidcIssuer+":"+iampolicy.ClaimRef] != iampolicy.MainRef {
			continue
		}
		refs, _ := eq[iampolicy.OidcIssuer+":"+iampolicy.ClaimJobWorkflowRef].([]string)
		if ref, ok := eq[iampolicy.OidcIssuer+":"+iampolicy.ClaimJobWorkflowRef].(string); ok {
			refs = []string{ref}
		}
		if slices.ContainsFunc(refs, func(r string) bool { return strings.HasSuffix(r, workflowRef) }) {
			return true
		}
	}
	return false
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
	pulumiRuns := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		sources[filepath.Base(f)] = b
		var w workflow
		require.NoError(t, yaml.Unmarshal(b, &w))
		for _, j := range w.Jobs {
			for _, s := range j.Steps {
				if _, _, _, ok := s.pulumiRun(); ok {
					pulumiRuns++
				}
			}
		}
		assert.Empty(t, checkWorkflowCredentials(filepath.Base(f), b, stacks, plan.Topology{}))
	}
	assert.Equal(t, 13, pulumiRuns, "preview of dev; deploy dev, preview prod, deploy prod; drift; split: hub preview, hub, consumers, producer preview, producer, hub again, consumers again, drift")
	assert.True(t, strings.Contains(string(sources["deploy.yml"]), "refresh: true"), "a deploy repairs drift")

	for _, m := range []struct{ file, from, to, want string }{
		{"preview.yml", "KIND=preview", "KIND=deployer", "deployer credentials in a workflow that runs on pull requests"},
		{"deploy.yml", "environment: prod\n", "environment: dev\n", "deployer credentials outside the stack's environment"},
		{"deploy.yml", "make pipeline-credentials KIND=deployer", "make pipeline-credentials KIND=preview", "pulumi up with preview credentials"},
		{"deploy.yml", "STACK: prod\n          DEPLOYED", "STACK: dev\n          DEPLOYED", "credentials for STACK=dev, Pulumi runs stack prod"},
		{"deploy.yml", "timeout-minutes: 75", "timeout-minutes: 30", "timeout-minutes 30"},
		{"deploy.yml", "branches: [main]", "branches: [main, release]", "whose pushes are not main's only (branches [main release])"},
		{"deploy.yml", "branches: [main]", "tags: [\"v*\"]", "whose pushes are not main's only"},
		{"drift.yml", "${{ steps.roles.outputs.pipeline-role }}", "${{ vars.PIPELINE_ROLE_ARN }}", "not the pipeline role of its credentials step"},
		// Decryption (issue 30, finding 3).
		{"preview.yml", "          stack-name: dev\n", "          stack-name: prod\n", "a pull request previews stack prod, whose decryption no pull request may hold"},
		{"preview.yml", "${{ secrets.PULUMI_CONFIG_PASSPHRASE_DEV }}", "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}", "secret PULUMI_CONFIG_PASSPHRASE in a workflow that runs on pull requests"},
		{"preview.yml", "    timeout-minutes: 30\n", "    timeout-minutes: 30\n    environment: prod-preview\n", "a pull-request job in environment prod-preview"},
		{"preview.yml", "  plans:\n", "  plans:\n    env:\n      TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n", "secret DEPLOY_TOKEN in a workflow that runs on pull requests"},
		{"deploy.yml", "permissions:\n  contents: read\n", "permissions:\n  contents: read\n\nenv:\n  PULUMI_CONFIG_PASSPHRASE: ${{ secrets.PULUMI_CONFIG_PASSPHRASE }}\n", "a secret for every job of the workflow"},
		{"deploy.yml", "    environment: prod-preview\n", "", "a preview on main outside the stack's preview environment"},
		{"deploy.yml", "    environment: prod-preview\n", "", "PULUMI_CONFIG_PASSPHRASE outside an environment"},
		{"deploy.yml", "          stack-name: prod\n          work-dir: .cache/prebuilt\n          cloud-url: ${{ vars.PULUMI_BACKEND_URL }}\n        env:\n          PULUMI_CONFIG_PASSPHRASE: ${{ secrets.PULUMI_CONFIG_PASSPHRASE }}", "          stack-name: prod\n          work-dir: .cache/prebuilt\n          cloud-url: ${{ vars.PULUMI_BACKEND_URL }}\n        env:\n          PULUMI_CONFIG_PASSPHRASE: ${{ secrets.PROD_PASSPHRASE }}", "stack prod decrypted with \"${{ secrets.PROD_PASSPHRASE }}\", not its environment's"},
		{"drift.yml", "    environment: ${{ matrix.stack }}-preview\n", "    environment: ${{ matrix.stack }}\n", "a preview on main outside the stack's preview environment"},
		{"deploy.yml", "          DEPLOYED: ${{ steps.deployed.outputs.file }}\n", "", "deployer credentials without DEPLOYED"},
		{"deploy.yml", "    STACK: dev\n          GH_TOKEN", "    STACK: prod\n          GH_TOKEN", "the deployed stack file of STACK=prod, Pulumi runs stack dev"},
		{"deploy.yml", "      deployments: read ", "      deployments: none ", "without deployments: read"},
	} {
		mutated := strings.Replace(string(sources[m.file]), m.from, m.to, 1)
		require.Truef(t, mutated != string(sources[m.file]), "mutation %q applies", m.from)
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
		switch file {
		case "drift.yml":
			assert.Truef(t, strings.Contains(string(b), quietSplit), "%s checks every stack of the topology no deploy is under way for", file)
		case "preview.yml":
			assert.Truef(t, strings.Contains(string(b), "SPLIT: ${{ steps.list.outputs.stacks }}"), "%s plans every stack of the topology offline", file)
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
	assert.Contains(t, fmt.Sprint(w.Jobs["producer-preview"].Needs), "consumers")
	assert.Contains(t, w.Jobs["producer-preview"].If, "!cancelled()")
	assert.Contains(t, fmt.Sprint(w.Jobs["producer"].Needs), "producer-preview", "the producer's preview comes before its approval")
	assert.Contains(t, w.Jobs["producer"].If, "needs.producer-preview.result == 'success'")
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
	// A split stack's deploy pipeline role admits deploy-split.yml only.
	problems := checkWorkflowCredentials("deploy.yml", src, stacks, topo)
	assert.Contains(t, problems, "deploy.yml: job producer: deploys stack orders from deploy.yml; its deploy pipeline role admits only acme/xaccount-api/.github/workflows/deploy-split.yml@refs/heads/main")
}

// TestSplitWorkflowWithAHub: with a hub's stack in the folder (the hubsplit
// example), deploy-split.yml deploys it in jobs hub and hub-again, each in
// the hub's environment and concurrency group, with its own roles, OIDC
// and the deployed stack file, which its deploy pipeline role admits
// (deploy-split.yml, main, environment:<hub>); before them hub-preview
// previews it with the preview roles in <hub>-preview, which its preview
// pipeline role admits; the drift check previews it with the split stacks.
func TestSplitWorkflowWithAHub(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(projectRoot, ".github", "workflows", "deploy-split.yml"))
	require.NoError(t, err)
	topo, err := plan.ReadTopology(hubSplitDir)
	require.NoError(t, err)
	require.Equal(t, "shop-network", topo.Hub)
	require.Contains(t, topo.Stacks(), "shop-network", "the drift check's split stacks")
	stacks := roleSetsIn(t, hubSplitDir)
	all := committedRoleSets(t)
	for name, set := range stacks {
		all[name] = set
	}
	sources := map[string][]byte{}
	for _, file := range []string{"deploy-split.yml", "preview.yml", "drift.yml"} {
		b, err := os.ReadFile(filepath.Join(projectRoot, ".github", "workflows", file))
		require.NoError(t, err)
		sources[file] = b
		assert.Emptyf(t, checkWorkflowCredentials(file, b, all, topo), "%s with the hubsplit example's stacks", file)
	}

	var w workflow
	require.NoError(t, yaml.Unmarshal(src, &w))
	for _, name := range []string{"hub", "hub-again"} {
		j, ok := w.Jobs[name]
		require.Truef(t, ok, "job %s", name)
		assert.Equal(t, topologyHub, j.Environment, name)
		assert.Equal(t, "deploy-"+topologyHub, j.Concurrency.Group, name)
		require.NotNil(t, j.Concurrency.CancelInProgress, name)
		assert.False(t, *j.Concurrency.CancelInProgress, name)
		assert.Equal(t, map[string]string{"contents": "read", "id-token": "write", "deployments": "read"}, j.Permissions, name)
		ups := 0
		for _, s := range j.Steps {
			if stack, command, _, ok := s.pulumiRun(); ok {
				assert.Equal(t, topologyHub, stack, name)
				assert.Equal(t, "up", command, name)
				ups++
			}
		}
		assert.Equal(t, 1, ups, name)
	}
	assert.Contains(t, w.Jobs["hub-again"].Steps[len(w.Jobs["hub-again"].Steps)-1].Run, "pulumi stack history", "hub-again says whether it changed what the spokes read")

	// The hub's preview before its approval, as the producer's: read-only
	// credentials in <hub>-preview, in the hub's concurrency group, in the
	// run's summary; the hub needs it.
	preview, ok := w.Jobs["hub-preview"]
	require.True(t, ok, "job hub-preview")
	assert.Equal(t, topologyHub+"-preview", preview.Environment)
	assert.Equal(t, "deploy-"+topologyHub, preview.Concurrency.Group)
	require.NotNil(t, preview.Concurrency.CancelInProgress)
	assert.False(t, *preview.Concurrency.CancelInProgress)
	assert.Equal(t, map[string]string{"contents": "read", "id-token": "write"}, preview.Permissions)
	previews := 0
	for _, s := range preview.Steps {
		if stack, command, _, ok := s.pulumiRun(); ok {
			assert.Equal(t, topologyHub, stack)
			assert.Equal(t, "preview", command)
			assert.Equal(t, "true", s.With["comment-on-summary"], "the preview in the run's summary, where the reviewer reads it")
			previews++
		}
		if stack, kind, ok := s.credentials(); ok {
			assert.Equal(t, topologyHub, stack)
			assert.Equal(t, "preview", kind)
		}
	}
	assert.Equal(t, 1, previews)
	assert.Contains(t, fmt.Sprint(w.Jobs["hub"].Needs), "hub-preview", "the hub's preview comes before its approval")
	assert.Contains(t, fmt.Sprint(w.Jobs["hub-again"].Needs), "hub-preview")
	assert.Contains(t, w.Jobs["hub-again"].If, "needs.hub.result == 'success'", "only after a hub job that succeeded, and so after its preview")
	assert.True(t, previewTrustAdmits(stacks["shop-network"], "repo:acme/xaccount-api:environment:shop-network-preview", "acme/xaccount-api/.github/workflows/deploy-split.yml@refs/heads/main"),
		"the hub's preview pipeline role admits hub-preview")

	hub := stacks["shop-network"]
	assert.Equal(t, "acme/xaccount-api/.github/workflows/deploy-split.yml@refs/heads/main", deployTrustClaim(hub, iampolicy.ClaimJobWorkflowRef))
	assert.Equal(t, "repo:acme/xaccount-api:environment:shop-network", deployTrustClaim(hub, "sub"))

	for _, m := range []struct{ file, from, to, want string }{
		{"deploy-split.yml", "    environment: ${{ needs.topology.outputs.hub }}\n", "    environment: ${{ needs.topology.outputs.producer }}\n", "job hub: deployer credentials outside the stack's environment"},
		{"deploy-split.yml", "          STACK: ${{ needs.topology.outputs.hub }}\n          DEPLOYED", "          STACK: ${{ needs.topology.outputs.producer }}\n          DEPLOYED", "job hub: credentials for STACK=${{ needs.topology.outputs.producer }}, Pulumi runs stack ${{ needs.topology.outputs.hub }}"},
		{"deploy-split.yml", "    environment: ${{ needs.topology.outputs.hub }}-preview\n", "    environment: ${{ needs.topology.outputs.hub }}\n", "job hub-preview: a preview on main outside the stack's preview environment"},
	} {
		mutated := strings.Replace(string(sources[m.file]), m.from, m.to, 1)
		require.Truef(t, mutated != string(sources[m.file]), "mutation %q applies", m.from)
		problems := checkWorkflowCredentials(m.file, []byte(mutated), all, topo)
		assert.Truef(t, slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, m.want) }), "%q -> %q: want %q in %v", m.from, m.to, m.want, problems)
	}
	// The hub's deploy pipeline role admits deploy-split.yml only, and the
	// drift check previews the hub's stack: without its roles it says so.
	problems := checkWorkflowCredentials("deploy.yml", src, all, topo)
	assert.Contains(t, problems, "deploy.yml: job hub: deploys stack shop-network from deploy.yml; its deploy pipeline role admits only acme/xaccount-api/.github/workflows/deploy-split.yml@refs/heads/main")
	assert.Contains(t, problems, "deploy.yml: job hub-preview: previews stack shop-network from deploy.yml in shop-network-preview; its preview pipeline role does not admit it")
	delete(all, "shop-network")
	assert.Contains(t, checkWorkflowCredentials("drift.yml", sources["drift.yml"], all, topo), "drift.yml: job drift-split: stack shop-network has no committed stack file")
}

// TestTopologyOfTheCommittedStacks: the project folder's own stacks are all
// single-stack (role all), so deploy-split.yml skips every job; --topology
// says so, and refuses a consumer stack that reads another producer.
func TestTopologyOfTheCommittedStacks(t *testing.T) {
	code, stdout, stderr := runCLI("--topology", "--root", projectRoot)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "producer=\nhub=\nconsumers=[]\nstacks=[]\n", stdout)
	code, stdout, _ = runCLI("--topology", "--root", splitDir)
	require.Equal(t, 0, code)
	assert.Equal(t, "producer=orders\nhub=\nconsumers=[\"orders-app\",\"orders-batch\"]\nstacks=[\"orders\",\"orders-app\",\"orders-batch\"]\n", stdout)
	code, stdout, stderr = runCLI("--topology", "--root", hubSplitDir)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "producer=shop\nhub=shop-network\nconsumers=[\"shop-orders\"]\nstacks=[\"shop\",\"shop-network\",\"shop-orders\"]\n", stdout)

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
	assert.Contains(t, stderr, `consumer stack orders-app reads organization/xaccount-api/payments (producer.stack), which is not this folder's producer stack "orders"`)
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

// TestSplitRunsOneAtATime: deploy-split.yml runs one run at a time
// (workflow-level concurrency, never cancelling a running one): a run that
// waits for an approval holds the next push's, so an older run's hub-again,
// producer or consumers-again cannot apply its commit over the stacks a
// newer run has deployed. The jobs' deploy-<stack> groups alone keep two
// jobs of a stack apart, not the runs' order.
func TestSplitRunsOneAtATime(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(projectRoot, ".github", "workflows", "deploy-split.yml"))
	require.NoError(t, err)
	var w struct {
		Concurrency struct {
			Group            string `yaml:"group"`
			CancelInProgress *bool  `yaml:"cancel-in-progress"`
		} `yaml:"concurrency"`
	}
	require.NoError(t, yaml.Unmarshal(src, &w))
	assert.Equal(t, "deploy-split", w.Concurrency.Group, "one group for every run of the workflow, whatever its commit")
	require.NotNil(t, w.Concurrency.CancelInProgress, "cancel-in-progress is set")
	assert.False(t, *w.Concurrency.CancelInProgress, "a newer push never cancels a run that is deploying")
}
