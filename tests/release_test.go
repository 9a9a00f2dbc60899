package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// releaseWorkflow is the part of release.yml the test reads.
type releaseWorkflow struct {
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]struct {
		Needs       any               `yaml:"needs"`
		Permissions map[string]string `yaml:"permissions"`
		Strategy    struct {
			Matrix map[string][]string `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []struct {
			Uses string `yaml:"uses"`
			Run  string `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestReleaseWorkflow: release.yml runs on version tags only, checks the
// tag against the provider's VERSION, builds the four platforms with the
// Makefile's provider-dist, holds no AWS credentials, and only its last job
// may write (the release).
func TestReleaseWorkflow(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(projectRoot, ".github", "workflows", "release.yml"))
	require.NoError(t, err)
	var w releaseWorkflow
	require.NoError(t, yaml.Unmarshal(src, &w))
	assert.Equal(t, map[string]any{"push": map[string]any{"tags": []any{"v*"}}}, w.On, "tags only: no pull request builds a release")
	assert.Equal(t, map[string]string{"contents": "read"}, w.Permissions)
	assert.NotContains(t, string(src), "id-token", "no OIDC: a release reaches no AWS account")
	assert.NotContains(t, string(src), "configure-aws-credentials")

	build := w.Jobs["build"]
	assert.ElementsMatch(t, []string{"linux", "darwin"}, build.Strategy.Matrix["goos"])
	assert.ElementsMatch(t, []string{"amd64", "arm64"}, build.Strategy.Matrix["goarch"])
	assert.Empty(t, build.Permissions, "the build job only reads")
	var runs []string
	for _, s := range build.Steps {
		runs = append(runs, s.Run)
	}
	all := strings.Join(runs, "\n")
	assert.Contains(t, all, `test "${GITHUB_REF_NAME}" = "v$(cat cmd/pulumi-resource-xaccount/VERSION)"`)
	assert.Contains(t, all, "make provider-dist GOOS=${{ matrix.goos }} GOARCH=${{ matrix.goarch }}")

	release := w.Jobs["release"]
	assert.Equal(t, "build", release.Needs)
	assert.Equal(t, map[string]string{"contents": "write"}, release.Permissions)
}

// TestProviderDistNamesTheArchiveAsEnginesFetchIt: make provider-dist
// writes pulumi-resource-xaccount-v<VERSION>-<os>-<arch>.tar.gz, the name an
// engine asks a github:// plugin server for.
func TestProviderDistNamesTheArchiveAsEnginesFetchIt(t *testing.T) {
	version, err := os.ReadFile(filepath.Join(projectRoot, "cmd", "pulumi-resource-xaccount", "VERSION"))
	require.NoError(t, err)
	cmd := exec.Command("make", "-n", "provider-dist", "GOOS=darwin", "GOARCH=arm64", "DIST=out")
	cmd.Dir = projectRoot
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "tar -czf out/pulumi-resource-xaccount-v"+strings.TrimSpace(string(version))+"-darwin-arm64.tar.gz")
	assert.Contains(t, string(out), "GOOS=darwin GOARCH=arm64")
	assert.Contains(t, string(out), "-X main.Version="+strings.TrimSpace(string(version)))
}
