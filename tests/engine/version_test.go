package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCLIIsTheSDKVersion: the CLI built for these tests, the pkg/v3 module it
// is built from and the SDK the program uses are one version, so an SDK
// upgrade without the CLI (or the reverse) fails here first.
func TestCLIIsTheSDKVersion(t *testing.T) {
	t.Parallel()
	version := func(file, module string) string {
		t.Helper()
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(module) + `\s+v(\S+)`).FindSubmatch(b)
		require.NotNilf(t, m, "%s does not require %s", file, module)
		return string(m[1])
	}
	assert.Equal(t, PulumiVersion, version(filepath.Join(repoRoot, "go.mod"), "github.com/pulumi/pulumi/sdk/v3"), "the program's SDK")
	assert.Equal(t, PulumiVersion, version("go.mod", "github.com/pulumi/pulumi/pkg/v3"), "the CLI's source module")
	assert.Equal(t, PulumiVersion, version("go.mod", "github.com/pulumi/pulumi/sdk/v3"), "the engine tests' SDK")
}

// TestRequiredPulumiVersionIsEnforced: the committed Pulumi.yaml names the
// oldest CLI that honours replacementTrigger (v3.208.0: v3.207.0's protocol
// has no such field, so its engine would ignore the option), this CLI is in
// the range, the last CLI without the option is not, and the real CLI
// refuses a preview and an up when it is outside the project's range (a
// copy of Pulumi.yaml asking for the next patch release).
func TestRequiredPulumiVersionIsEnforced(t *testing.T) {
	t.Parallel()
	project, err := workspace.LoadProject(filepath.Join(repoRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	require.Equal(t, ">=3.208.0", project.RequiredPulumiVersion, "the oldest engine with replacementTrigger")
	inRange, err := semver.ParseRange(project.RequiredPulumiVersion)
	require.NoError(t, err)
	assert.True(t, inRange(semver.MustParse(PulumiVersion)), "the CLI the project is tested with")
	assert.False(t, inRange(semver.MustParse("3.207.0")), "the last CLI without replacementTrigger")

	next := semver.MustParse(PulumiVersion)
	next.Patch++
	src, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	newer := strings.Replace(string(src), `requiredPulumiVersion: ">=3.208.0"`, `requiredPulumiVersion: ">=`+next.String()+`"`, 1)
	require.NotEqual(t, string(src), newer)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(newer), 0o600))
	for _, args := range [][]string{
		{"preview", "--non-interactive", "--stack", "dev"},
		{"up", "--yes", "--non-interactive", "--stack", "dev"},
	} {
		cmd := exec.Command(cliBinary(), append(args, "--cwd", dir)...)
		cmd.Env = environ(baseEnv)
		out, err := cmd.CombinedOutput()
		require.Errorf(t, err, "pulumi %s runs with a CLI older than the project asks for:\n%s", args[0], out)
		assert.Containsf(t, string(out), `Pulumi CLI version `+PulumiVersion+` does not satisfy the version range ">=`+next.String()+`"`, "pulumi %s", args[0])
	}
}
