package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPipelineCredentialsFailsWithoutItsRole: the step that reads the
// pipeline role out of the printed roles (make pipeline-credentials) fails
// when there is none, instead of handing the OIDC step an empty role; with
// one it prints it and writes the step output. The recipe's own shell runs,
// as make -n prints it, on a roles file written here.
func TestPipelineCredentialsFailsWithoutItsRole(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not installed: the recipe needs it (the GitHub runners have it)")
	}
	dir := t.TempDir()
	printed, err := exec.Command("make", "-s", "-n", "-C", projectRoot, "pipeline-credentials",
		"STACK=dev", "KIND=deployer", "REPO=acme/xa", "PIPELINE_DIR="+dir).Output()
	require.NoError(t, err)
	script := string(printed)[strings.Index(string(printed), "role=$(jq"):]
	run := func(roles string) (string, error) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "roles-dev.json"), []byte(roles), 0o600))
		out := filepath.Join(dir, "github-output")
		cmd := exec.Command("sh", "-c", script)
		cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+out, "GITHUB_ENV=", "STACK=dev")
		b, err := cmd.CombinedOutput()
		written, _ := os.ReadFile(out)
		return string(b) + string(written), err
	}
	got, err := run(`{"pipeline":{"roles":{}}}`)
	require.Error(t, err, "no deploy role: the step fails (got %s)", got)
	assert.Contains(t, got, "no deploy pipeline role for stack dev")
	got, err = run(`{"pipeline":{"roles":{"deploy":{"arn":"arn:aws:iam::111111111111:role/xa-deploy"}}}}`)
	require.NoError(t, err, got)
	assert.Contains(t, got, "pipeline-role=arn:aws:iam::111111111111:role/xa-deploy")
}

// TestPipelineCredentialsRefusesUnsafeNames: a stack or kind that is not a
// plain name stops make pipeline-credentials before any command runs with
// it. The workflows hand the stack to make in the environment (STACK: in the
// step's env:), which make passes to the recipe's shell untouched and the
// recipe quotes; a value on make's command line would be expanded by make
// itself ($(shell …) runs), so the pipeline never puts one there.
func TestPipelineCredentialsRefusesUnsafeNames(t *testing.T) {
	dir := t.TempDir()
	pwned := filepath.Join(dir, "pwned")
	for _, c := range []struct{ stack, kind, want string }{
		{"a;touch " + pwned, "preview", "STACK=a;touch"},
		{"$(shell touch " + pwned + ")", "preview", "STACK=$(shell touch"},
		{"`touch " + pwned + "`", "preview", "expected a stack name"},
		{"dev", "preview;touch " + pwned, "KIND=preview;touch"},
	} {
		cmd := exec.Command("make", "-s", "-C", projectRoot, "pipeline-credentials", "KIND="+c.kind, "PIPELINE_DIR="+dir)
		cmd.Env = append(os.Environ(), "STACK="+c.stack, "REPO=acme/xa")
		out, err := cmd.CombinedOutput()
		require.Errorf(t, err, "%+v: refused:\n%s", c, out)
		assert.Contains(t, string(out), c.want)
		assert.NoFileExistsf(t, pwned, "%+v ran a command", c)
	}
}

// TestDeployedStackFileFlow: the deploy jobs' flow for a change that drops
// an account. The stack (dev) was last deployed successfully from a commit
// whose stack file still has the consumer "batch"; a later deploy failed;
// this run's own deployment is in progress. .ci/deployed-stack-file finds
// the successful deployment through the deployments API, fetches its commit
// into a shallow checkout and writes that commit's stack file, warning of
// the failed deploy; make pipeline-credentials with DEPLOYED= that file
// writes the dropped account's profile (so the up can delete what it holds
// there), and without it does not. A stack never deployed gets file=.
func TestDeployedStackFileFlow(t *testing.T) {
	for _, tool := range []string{"jq", "git", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (the GitHub runners have it)", tool)
		}
	}
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		require.NoErrorf(t, err, "git %v: %s", args, out)
		return strings.TrimSpace(string(out))
	}
	dev, err := os.ReadFile(filepath.Join(projectRoot, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	withBatch := strings.Replace(string(dev), "      probe: true\n", "      probe: true\n    - name: batch\n      accountId: \"777777777777\"\n      profile: xaccount-dev-batch\n      vpc: {cidr: 10.30.0.0/24}\n", 1)
	require.Contains(t, withBatch, "xaccount-dev-batch")

	// The repository: the deployed commit (with batch), a failed one, and
	// this run's commit (batch dropped: the committed file).
	origin := t.TempDir()
	git(origin, "init", "-q", "-b", "main")
	commit := func(content, msg string) string {
		require.NoError(t, os.WriteFile(filepath.Join(origin, "Pulumi.dev.yaml"), []byte(content), 0o600))
		git(origin, "add", "Pulumi.dev.yaml")
		git(origin, "commit", "-q", "-m", msg)
		return git(origin, "rev-parse", "HEAD")
	}
	deployedSha := commit(withBatch, "deployed")
	failedSha := commit(withBatch+"# a change whose deploy failed\n", "failed")
	headSha := commit(string(dev), "drop batch")
	git(origin, "config", "uploadpack.allowAnySHA1InWant", "true")
	checkout := t.TempDir()
	git(checkout, "clone", "-q", "--depth=1", "file://"+origin, ".") // actions/checkout's fetch-depth 1
	require.Equal(t, headSha, git(checkout, "rev-parse", "HEAD"))

	// The deployments API: newest first, as GitHub lists them.
	api := t.TempDir()
	answer := func(path, json string) {
		name := strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_").Replace(path)
		require.NoError(t, os.WriteFile(filepath.Join(api, name+".json"), []byte(json), 0o600))
	}
	answer("repos/acme/xa/deployments?environment=dev&per_page=100&page=1",
		`[{"id":3,"sha":"`+headSha+`"},{"id":2,"sha":"`+failedSha+`"},{"id":1,"sha":"`+deployedSha+`"}]`)
	answer("repos/acme/xa/deployments/3/statuses?per_page=100", `[{"state":"in_progress"},{"state":"queued"}]`)
	answer("repos/acme/xa/deployments/2/statuses?per_page=100", `[{"state":"failure"},{"state":"in_progress"}]`)
	answer("repos/acme/xa/deployments/1/statuses?per_page=100", `[{"state":"inactive"},{"state":"success"},{"state":"in_progress"}]`)
	bin := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bin, "gh"), []byte(fakeGh), 0o700)) //nolint:gosec // an executable stand-in

	script, err := filepath.Abs(filepath.Join(projectRoot, ".ci", "deployed-stack-file"))
	require.NoError(t, err)
	run := func(stack string) (string, string) {
		out := filepath.Join(t.TempDir(), "deployed.yaml")
		ghOut := filepath.Join(t.TempDir(), "github-output")
		cmd := exec.Command(script)
		cmd.Dir = checkout
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "FAKE_GH_DIR="+api,
			"GITHUB_REPOSITORY=acme/xa", "GITHUB_OUTPUT="+ghOut, "STACK="+stack, "OUT="+out, "GIT_CONFIG_GLOBAL=/dev/null")
		b, err := cmd.CombinedOutput()
		require.NoErrorf(t, err, "%s", b)
		written, err := os.ReadFile(ghOut)
		require.NoError(t, err)
		return string(b), strings.TrimSpace(string(written))
	}
	log, output := run("dev")
	file, ok := strings.CutPrefix(output, "file=")
	require.Truef(t, ok && file != "", "the step output names the file: %q", output)
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, withBatch, string(got), "the stack file of the last successful deployment, fetched into the shallow checkout")
	assert.Contains(t, log, "::warning::stack dev: the deploys of "+failedSha+" failed after the last successful one ("+deployedSha+")")

	_, output = run("prod") // no deployment of environment prod
	assert.Equal(t, "file=", output)

	credentials := func(deployed string) string {
		dir := t.TempDir()
		cmd := exec.Command("make", "-s", "-C", projectRoot, "pipeline-credentials", "KIND=deployer", "PIPELINE_DIR="+dir)
		cmd.Env = append(os.Environ(), "STACK=dev", "REPO=acme/xa", "DEPLOYED="+deployed, "GITHUB_OUTPUT=", "GITHUB_ENV=")
		b, err := cmd.CombinedOutput()
		require.NoErrorf(t, err, "%s", b)
		config, err := os.ReadFile(filepath.Join(dir, "aws-config-dev"))
		require.NoError(t, err)
		return string(config)
	}
	assert.Contains(t, credentials(file), "[profile xaccount-dev-batch]", "the dropped account's profile, for the up that empties it")
	assert.Contains(t, credentials(file), "[profile xaccount-dev-app]")
	assert.NotContains(t, credentials(""), "xaccount-dev-batch", "without DEPLOYED the dropped account is unreachable")
}
