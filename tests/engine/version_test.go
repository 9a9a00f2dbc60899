package engine

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

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
