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
		cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+out, "GITHUB_ENV=")
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
