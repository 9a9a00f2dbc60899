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
