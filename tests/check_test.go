package tests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/plan"
)

// TestCheckFlag: --check runs alone, and without the AWS provider plugin
// installed it says how to install it (exit 1, nothing on stdout). What it
// reads is proven under the engine (tests/engine TestPlanCheckReadsWhatPreviewReads).
func TestCheckFlag(t *testing.T) {
	for _, args := range [][]string{
		{"--check", "--iam", "--repo", "o/r"},
		{"--check", "--aws-config", "preview", "--repo", "o/r"},
		{"--check", "--format", "json"},
	} {
		code, stdout, stderr := runCLI(args...)
		assert.Equalf(t, 2, code, "%v", args)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "--check runs alone")
	}
	home := t.TempDir()
	t.Setenv("PULUMI_HOME", home)
	code, stdout, stderr := runCLI("--check", "--stack", "dev")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, filepath.Join(home, "plugins", "resource-aws-v"+plan.AwsPluginVersion, "pulumi-resource-aws"))
	assert.Contains(t, stderr, "pulumi plugin install resource aws "+plan.AwsPluginVersion)
}

// TestCheckRunsThePinnedAwsPlugin: --check runs the AWS provider plugin at
// the version of pulumi-aws in go.mod, the one pulumi preview runs.
func TestCheckRunsThePinnedAwsPlugin(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "go.mod"))
	require.NoError(t, err)
	assert.Contains(t, string(b), "github.com/pulumi/pulumi-aws/sdk/v6 v"+plan.AwsPluginVersion+"\n")
}
