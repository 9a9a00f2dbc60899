package engine

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The component provider (cmd/pulumi-resource-xaccount) as users install
// it: from a release archive, or from the Git repository's folder as a
// source-based plugin.

// componentProviderOnce builds and installs the component provider once.
var (
	componentProviderOnce sync.Once
	componentProviderErr  error
	componentProviderBin  string
	// componentProviderVersion is cmd/pulumi-resource-xaccount/VERSION.
	componentProviderVersion string
)

// installComponentProvider builds cmd/pulumi-resource-xaccount at its
// VERSION, packs it as the release archive (make provider-dist's name and
// layout) and installs that into the tests' PULUMI_HOME, as a user's
// `pulumi plugin install resource xaccount <v> --file` of a release asset.
func installComponentProvider(t testing.TB) {
	t.Helper()
	componentProviderOnce.Do(func() {
		componentProviderErr = buildComponentProvider()
	})
	require.NoError(t, componentProviderErr)
}

// buildComponentProvider is installComponentProvider's work.
func buildComponentProvider() error {
	dir := filepath.Join(repoRoot, "cmd", "pulumi-resource-xaccount")
	version, err := os.ReadFile(filepath.Join(dir, "VERSION"))
	if err != nil {
		return err
	}
	componentProviderVersion = strings.TrimSpace(string(version))
	tmp, err := os.MkdirTemp("", "xaccount-provider-")
	if err != nil {
		return err
	}
	componentProviderBin = filepath.Join(tmp, "pulumi-resource-xaccount")
	if out, err := goCmd(dir, "build", "-ldflags", "-X main.Version="+componentProviderVersion, "-o", componentProviderBin, ".").CombinedOutput(); err != nil {
		return &buildError{"build the component provider", err, out}
	}
	archive := filepath.Join(tmp, "pulumi-resource-xaccount-v"+componentProviderVersion+"-"+runtime.GOOS+"-"+runtime.GOARCH+".tar.gz")
	if out, err := exec.Command("tar", "-czf", archive, "-C", tmp, "pulumi-resource-xaccount").CombinedOutput(); err != nil { //nolint:gosec // the archive above
		return &buildError{"pack the release archive", err, out}
	}
	install := exec.Command(cliBinary(), "plugin", "install", "resource", "xaccount", componentProviderVersion, "--file", archive) //nolint:gosec // the CLI the tests built
	install.Env = environ(baseEnv)
	if out, err := install.CombinedOutput(); err != nil {
		return &buildError{"install the component provider", err, out}
	}
	return nil
}

// buildError is a failed command of the set-up with its output.
type buildError struct {
	what string
	err  error
	out  []byte
}

func (e *buildError) Error() string { return e.what + ": " + e.err.Error() + "\n" + string(e.out) }

// TestCliReadsTheInstalledProvidersSchema: `pulumi package get-schema` of
// the installed release archive gives the committed sdk/schema.json, the
// schema the SDKs were generated from.
func TestCliReadsTheInstalledProvidersSchema(t *testing.T) {
	t.Parallel()
	installComponentProvider(t)
	cmd := exec.Command(cliBinary(), "package", "get-schema", "xaccount@"+componentProviderVersion) //nolint:gosec // the CLI the tests built
	cmd.Env = environ(baseEnv)
	cmd.Dir = t.TempDir()
	out, err := cmd.Output()
	require.NoError(t, err, "pulumi package get-schema")
	committed, err := os.ReadFile(filepath.Join(repoRoot, "sdk", "schema.json"))
	require.NoError(t, err)
	var got, want map[string]any
	require.NoError(t, json.Unmarshal(out, &got))
	require.NoError(t, json.Unmarshal(committed, &want))
	assert.Equal(t, want, got)
	assert.Equal(t, componentProviderVersion, got["version"])
}

// TestCliRunsTheProviderFromSource: the provider's folder is a
// source-based plugin (PulumiPlugin.yaml, runtime go): the CLI has the Go
// language host build and run it, as `pulumi package add` of the Git
// repository does, and reads the committed schema from it.
func TestCliRunsTheProviderFromSource(t *testing.T) {
	t.Parallel()
	installComponentProvider(t) // for componentProviderVersion
	dir := filepath.Join(repoRoot, "cmd", "pulumi-resource-xaccount")
	cmd := exec.Command(cliBinary(), "package", "get-schema", dir) //nolint:gosec // the CLI the tests built
	cmd.Env = environ(baseEnv)
	cmd.Dir = t.TempDir()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "pulumi package get-schema %s:\n%s", dir, stderr.String())
	var got map[string]any
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, componentProviderVersion, got["version"], "a plain go build reports the VERSION file's version")
	assert.Len(t, got["resources"], 8)
}
