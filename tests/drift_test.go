package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// fakeGh is a stand-in for the GitHub CLI's `gh api [-X METHOD] PATH [--jq
// FILTER] [-f|-F k=v]...`: it logs "METHOD PATH" and each field (a value
// @file read as gh does) to $FAKE_GH_DIR/calls, and answers a GET from
// $FAKE_GH_DIR/<PATH with / ? & = as _>.json (else []), filtered with jq
// as gh would.
const fakeGh = `#!/usr/bin/env bash
set -euo pipefail
[ "$1" = api ] || { echo "fake gh: only api" >&2; exit 2; }
shift
method=GET path= filter=. fields=()
while [ $# -gt 0 ]; do
  case "$1" in
    -X|--method) method=$2; shift 2 ;;
    --jq) filter=$2; shift 2 ;;
    -f|-F|--field|--raw-field)
      v=$2
      if [[ $1 = -F && $v == *=@* ]]; then v="${v%%=@*}=$(cat "${v#*=@}")"; fi
      fields+=("$v"); shift 2 ;;
    -*) shift ;;
    *) path=$1; shift ;;
  esac
done
{ echo "$method $path"; for f in "${fields[@]}"; do echo "  $f"; done; } >> "$FAKE_GH_DIR/calls"
[ "$method" = GET ] || exit 0
file="$FAKE_GH_DIR/$(printf '%s' "$path" | tr '/?&=' '____').json"
if [ -f "$file" ]; then jq -r "$filter" "$file"; else jq -r "$filter" <<<'[]'; fi
`

// ghFake is a fake gh on PATH with canned answers.
type ghFake struct {
	t   *testing.T
	dir string // answers and the call log
	bin string // the folder with gh
}

func newGhFake(t *testing.T) *ghFake {
	t.Helper()
	for _, tool := range []string{"jq", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (the GitHub runners have it)", tool)
		}
	}
	g := &ghFake{t: t, dir: t.TempDir(), bin: t.TempDir()}
	require.NoError(t, os.WriteFile(filepath.Join(g.bin, "gh"), []byte(fakeGh), 0o700)) //nolint:gosec // an executable stand-in
	return g
}

// answer makes a GET of path return json.
func (g *ghFake) answer(path, json string) {
	g.t.Helper()
	name := strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_").Replace(path)
	require.NoError(g.t, os.WriteFile(filepath.Join(g.dir, name+".json"), []byte(json), 0o600))
}

// calls is the log of what gh was asked, then cleared.
func (g *ghFake) calls() string {
	g.t.Helper()
	b, err := os.ReadFile(filepath.Join(g.dir, "calls"))
	if os.IsNotExist(err) {
		return ""
	}
	require.NoError(g.t, err)
	require.NoError(g.t, os.Remove(filepath.Join(g.dir, "calls")))
	return string(b)
}

// env is the environment of a script that runs with this gh first on PATH.
func (g *ghFake) env(extra ...string) []string {
	return append(append(os.Environ(), "PATH="+g.bin+string(os.PathListSeparator)+os.Getenv("PATH"), "FAKE_GH_DIR="+g.dir, "GITHUB_REPOSITORY=acme/xa"), extra...)
}

// ciScript is the absolute path of a script in .ci.
func ciScript(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(projectRoot, ".ci", name))
	require.NoError(t, err)
	return p
}

// driftCheck runs .ci/drift-check for stack with a stand-in pulumi that
// prints output and exits with code; it returns the status file, the
// report, the job summary and the script's exit error.
func driftCheck(t *testing.T, stack, output string, code int) (string, string, string, error) {
	t.Helper()
	bin, reports := t.TempDir(), t.TempDir()
	out := filepath.Join(t.TempDir(), "output.txt")
	require.NoError(t, os.WriteFile(out, []byte(output), 0o600))
	fake := "#!/usr/bin/env bash\necho \"$@\" > \"" + filepath.Join(bin, "args") + "\"\ncat \"" + out + "\"\nexit " + strconv.Itoa(code) + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "pulumi"), []byte(fake), 0o700)) //nolint:gosec // an executable stand-in
	summary := filepath.Join(t.TempDir(), "summary.md")
	cmd := exec.Command(ciScript(t, "drift-check"))
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "STACK="+stack, "REPORT_DIR="+reports,
		"GITHUB_STEP_SUMMARY="+summary, "GITHUB_RUN_ID=42", "GITHUB_REPOSITORY=acme/xa")
	log, err := cmd.CombinedOutput()
	args, rerr := os.ReadFile(filepath.Join(bin, "args"))
	require.NoError(t, rerr, "pulumi ran: %s", log)
	assert.Equal(t, "preview --refresh --expect-no-changes --diff --non-interactive --color never --stack "+stack+" --cwd .cache/prebuilt\n", string(args))
	read := func(p string) string {
		b, err := os.ReadFile(p)
		require.NoErrorf(t, err, "%s: %s", p, log)
		return string(b)
	}
	return strings.TrimSpace(read(filepath.Join(reports, stack+".status"))), read(filepath.Join(reports, stack+".md")), read(summary), err
}

// TestDriftCheckReportsWhatDrifted: .ci/drift-check tells a drift (the
// CLI's exit code 7 under --expect-no-changes) from a clean check (0) and a
// failed one (anything else); for a drift its report, in the job summary
// and the file the report job turns into an issue, lists each resource the
// preview would change back with its type and name, and holds the diff.
// The drift output is the real engine's, from the engine test
// TestDriftCheckFindsAnOutOfBandPolicyAndUpRestoresIt (a resource policy
// and a stage changed outside Pulumi), which also runs this script on it.
func TestDriftCheckReportsWhatDrifted(t *testing.T) {
	drifted, err := os.ReadFile(filepath.Join("testdata", "drift", "preview-refresh-diff.txt"))
	require.NoError(t, err)

	status, report, summary, failed := driftCheck(t, "dev", string(drifted), 7)
	require.Error(t, failed, "a drifted stack fails its job")
	assert.Equal(t, "drifted", status)
	assert.Equal(t, report, summary, "the report is the job summary")
	assert.Contains(t, report, "### Stack `dev`: drift")
	assert.Contains(t, report, "| update | `aws:apigateway/restApiPolicy:RestApiPolicy` | `xaccount-api-policy-policy` |")
	assert.Contains(t, report, "| update | `aws:apigateway/stage:Stage` | `xaccount-api-stage-stage` |")
	assert.NotContains(t, report, "| refresh |", "the refresh's own lines are not changes")
	assert.NotContains(t, report, "pulumi:pulumi:Stack` |", "nor is the unchanged stack")
	assert.Contains(t, report, `~ deployment: "rogue1" => "rtdpfs"`, "the diff itself")
	assert.Contains(t, report, "https://github.com/acme/xa/actions/runs/42")

	status, report, _, failed = driftCheck(t, "prod", "Previewing update (prod):\nResources:\n    33 unchanged\n", 0)
	require.NoError(t, failed)
	assert.Equal(t, "clean", status)
	assert.Contains(t, report, "### Stack `prod`: no drift")

	status, report, _, failed = driftCheck(t, "prod", "error: failed to decrypt: incorrect passphrase\n", 255)
	require.Error(t, failed)
	assert.Equal(t, "failed", status, "a preview that did not run is no drift")
	assert.Contains(t, report, "the drift check failed (exit code 255)")
	assert.Contains(t, report, "incorrect passphrase")
}

// TestDriftIssues: the report job's .ci/drift-issues opens an issue for a
// drifted stack, comments on the one already open, closes a clean stack's
// open issue with a comment, and leaves issues alone for a failed check.
func TestDriftIssues(t *testing.T) {
	g := newGhFake(t)
	reports := t.TempDir()
	write := func(stack, status string) {
		require.NoError(t, os.WriteFile(filepath.Join(reports, stack+".status"), []byte(status+"\n"), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(reports, stack+".md"), []byte("### Stack `"+stack+"`: "+status+"\n| update | `t` | `n` |\n"), 0o600))
	}
	write("dev", "drifted")      // no open issue: one is opened
	write("prod", "drifted")     // open issue #12: a comment
	write("orders", "clean")     // open issue #13: a comment, then closed
	write("orders-app", "clean") // nothing open: nothing
	write("orders-batch", "failed")
	g.answer("repos/acme/xa/issues?state=open&per_page=100", `[
		{"number": 11, "title": "Drift in stack prod", "pull_request": {"url": "x"}},
		{"number": 12, "title": "Drift in stack prod"},
		{"number": 13, "title": "Drift in stack orders"},
		{"number": 14, "title": "Drift in stack orders-app-2"}]`)
	cmd := exec.Command(ciScript(t, "drift-issues"))
	cmd.Env = g.env("REPORT_DIR="+reports, "GITHUB_RUN_ID=42")
	out, err := cmd.CombinedOutput()
	require.NoErrorf(t, err, "%s", out)
	var writes []string
	for _, line := range strings.Split(g.calls(), "\n") {
		if line != "" && !strings.HasPrefix(line, "GET ") {
			writes = append(writes, line)
		}
	}
	assert.Equal(t, []string{
		"POST repos/acme/xa/issues",
		"  title=Drift in stack dev",
		"  body=### Stack `dev`: drifted",
		"| update | `t` | `n` |",
		"POST repos/acme/xa/issues/13/comments",
		"  body=No drift in stack orders any more: https://github.com/acme/xa/actions/runs/42",
		"PATCH repos/acme/xa/issues/13",
		"  state=closed",
		"  state_reason=completed",
		"POST repos/acme/xa/issues/12/comments",
		"  body=### Stack `prod`: drifted",
		"| update | `t` | `n` |",
	}, writes, "in the order of the stack names: dev, orders, orders-app, orders-batch, prod\n%s", out)
	assert.Contains(t, string(out), "stack orders-batch: the check failed; no issue changed")
}

// TestQuietStacks: the drift check's stacks job leaves out the stacks of a
// deploy workflow with a run under way (queued, waiting for an approval,
// running), and keeps those of a workflow whose runs are all completed.
func TestQuietStacks(t *testing.T) {
	g := newGhFake(t)
	g.answer("repos/acme/xa/actions/workflows/deploy.yml/runs?per_page=100", `{"workflow_runs": [
		{"status": "waiting", "html_url": "https://github.com/acme/xa/actions/runs/7"},
		{"status": "completed", "html_url": "https://github.com/acme/xa/actions/runs/6"}]}`)
	g.answer("repos/acme/xa/actions/workflows/deploy-split.yml/runs?per_page=100", `{"workflow_runs": [
		{"status": "completed", "html_url": "https://github.com/acme/xa/actions/runs/5"}]}`)
	out := filepath.Join(t.TempDir(), "output")
	summary := filepath.Join(t.TempDir(), "summary")
	cmd := exec.Command(ciScript(t, "quiet-stacks"))
	cmd.Env = g.env(`STACKS=["dev","prod"]`, `SPLIT=["orders","orders-app"]`, "GITHUB_OUTPUT="+out, "GITHUB_STEP_SUMMARY="+summary)
	log, err := cmd.CombinedOutput()
	require.NoErrorf(t, err, "%s", log)
	written, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "stacks=[]\nsplit=[\"orders\",\"orders-app\"]\n", string(written))
	said, err := os.ReadFile(summary)
	require.NoError(t, err)
	assert.Contains(t, string(said), "Drift check of dev, prod skipped: deploy.yml has a run under way (https://github.com/acme/xa/actions/runs/7)")
}

// TestDriftNeverBesideADeploy: every job that runs Pulumi on a stack
// outside pull requests (deploys, the pre-approval previews, the drift
// checks) is in the stack's one concurrency group, deploy-<stack>, and none
// cancels a job in progress; the drift checks run only for the stacks the
// stacks job found quiet, which are those deploy.yml deploys and the split
// topology; only the report job may write issues, and it holds no
// credentials.
func TestDriftNeverBesideADeploy(t *testing.T) {
	flows := committedWorkflows(t)
	assert.Empty(t, concurrencyProblems(flows))
	groups := map[string]bool{}
	for _, w := range flows {
		for _, j := range w.Jobs {
			groups[j.Concurrency.Group] = true
		}
	}
	for _, g := range []string{"deploy-dev", "deploy-prod", "deploy-" + matrixStack, "deploy-" + topologyProducer, "deploy-" + topologyHub} {
		assert.Truef(t, groups[g], "concurrency group %s", g)
	}

	drift := flows["drift.yml"]
	var deployed []string
	for _, j := range flows["deploy.yml"].Jobs {
		for _, s := range j.Steps {
			if stack, command, _, ok := s.pulumiRun(); ok && command == "up" {
				deployed = append(deployed, stack)
			}
		}
	}
	slices.Sort(deployed)
	var listed, split string
	for _, s := range drift.Jobs["stacks"].Steps {
		if strings.Contains(s.Run, ".ci/quiet-stacks") {
			listed, split = s.Env["STACKS"], s.Env["SPLIT"]
		}
	}
	var stacks []string
	require.NoError(t, yaml.Unmarshal([]byte(listed), &stacks))
	slices.Sort(stacks)
	assert.Equal(t, deployed, stacks, "the drift check covers every stack deploy.yml deploys")
	assert.Equal(t, "${{ steps.topology.outputs.stacks }}", split, "and every stack of the topology")
	assert.Equal(t, quietStacks, drift.Jobs["drift"].Strategy.Matrix["stack"])
	assert.Equal(t, quietSplit, drift.Jobs["drift-split"].Strategy.Matrix["stack"])

	for name, w := range flows {
		for jobName, j := range w.Jobs {
			reports, gates := false, false
			for _, s := range j.Steps {
				reports = reports || strings.Contains(s.Run, ".ci/drift-issues")
				gates = gates || strings.Contains(s.Run, ".ci/quiet-stacks")
			}
			assert.Equalf(t, reports, j.Permissions["issues"] == "write", "%s job %s: issues: write exactly on the drift report", name, jobName)
			assert.Equalf(t, gates, j.Permissions["actions"] == "read", "%s job %s: actions: read exactly where the deploy runs are looked up", name, jobName)
			if reports {
				assert.Emptyf(t, j.Permissions["id-token"], "%s job %s: no credentials beside issues: write", name, jobName)
				assert.Emptyf(t, j.secretsOf(), "%s job %s: no secrets beside issues: write", name, jobName)
				assert.Contains(t, j.If, "!cancelled()", "the report runs after a failed (drifted) check")
			}
		}
	}

	// What the check refuses.
	b, err := os.ReadFile(filepath.Join(projectRoot, ".github", "workflows", "drift.yml"))
	require.NoError(t, err)
	for _, m := range []struct{ from, to, want string }{
		{"      group: deploy-${{ matrix.stack }}\n", "      group: drift-${{ matrix.stack }}\n", "concurrency group \"drift-${{ matrix.stack }}\""},
		{"      cancel-in-progress: false\n", "      cancel-in-progress: true\n", "cancels a job in progress"},
		{"      cancel-in-progress: false\n", "", "cancels a job in progress"},
	} {
		mutated := strings.Replace(string(b), m.from, m.to, 1)
		require.Truef(t, mutated != string(b), "mutation %q applies", m.from)
		var w workflow
		require.NoError(t, yaml.Unmarshal([]byte(mutated), &w))
		problems := concurrencyProblems(map[string]workflow{"drift.yml": w})
		assert.Truef(t, slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, m.want) }), "%q -> %q: want %q in %v", m.from, m.to, m.want, problems)
	}
}

// concurrencyProblems: every job that runs Pulumi on a stack outside pull
// requests must be in the stack's concurrency group, deploy-<stack>, and
// never cancel a job in progress there (cancel-in-progress: false, as
// GitHub's default is, written out).
func concurrencyProblems(flows map[string]workflow) []string {
	var problems []string
	for name, w := range flows {
		if slices.Contains(w.triggers(), "pull_request") {
			continue
		}
		for jobName, j := range w.Jobs {
			for _, s := range j.Steps {
				stack, _, _, ok := s.pulumiRun()
				if !ok {
					continue
				}
				if j.Concurrency.Group != "deploy-"+stack {
					problems = append(problems, fmt.Sprintf("%s job %s: concurrency group %q, not the stack's deploy-%s", name, jobName, j.Concurrency.Group, stack))
				}
				if j.Concurrency.CancelInProgress == nil || *j.Concurrency.CancelInProgress {
					problems = append(problems, fmt.Sprintf("%s job %s: cancels a job in progress, or does not say (cancel-in-progress: false)", name, jobName))
				}
			}
		}
	}
	slices.Sort(problems)
	return problems
}
