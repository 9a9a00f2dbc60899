package sdkgen

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sdkDir is the repository's committed sdk folder.
const sdkDir = "../../../../sdk"

// TestCommittedSdksAreFresh: the committed SDKs are exactly what a fresh
// generation from the provider's schema gives (run make sdk otherwise).
func TestCommittedSdksAreFresh(t *testing.T) {
	version, err := os.ReadFile("../../VERSION")
	require.NoError(t, err)
	want, err := Generate(strings.TrimSpace(string(version)))
	require.NoError(t, err)
	var stale, extra []string
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join(sdkDir, name))
		if err != nil || !bytes.Equal(got, data) {
			stale = append(stale, name)
		}
	}
	require.NoError(t, filepath.WalkDir(sdkDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(sdkDir, path)
		if d.IsDir() {
			// What building an SDK leaves beside it, ignored by its .gitignore.
			if d.Name() == "node_modules" || d.Name() == "bin" || d.Name() == "__pycache__" {
				return filepath.SkipDir
			}
			return nil
		}
		if _, ok := want[filepath.ToSlash(rel)]; !ok {
			extra = append(extra, rel)
		}
		return nil
	}))
	sort.Strings(stale)
	sort.Strings(extra)
	assert.Empty(t, stale, "generated files that differ from the committed sdk/ (or are missing): run make sdk")
	assert.Empty(t, extra, "files in sdk/ that generation does not make: run make sdk")
}

// TestEveryLanguageGetsEveryComponent: each SDK has a file per component.
func TestEveryLanguageGetsEveryComponent(t *testing.T) {
	files, err := Generate("1.2.3")
	require.NoError(t, err)
	for _, name := range []string{
		"nodejs/crossAccountPrivateApi.ts", "nodejs/consumerApiAccess.ts", "nodejs/ec2/consumerVpc.ts", "nodejs/lambda/connectivityProbe.ts",
		"python/pulumi_xaccount/cross_account_private_api.py", "python/pulumi_xaccount/apigateway/private_rest_api.py",
		"go/xaccount/crossAccountPrivateApi.go", "go/xaccount/ec2/executeApiEndpoint.go",
	} {
		assert.Contains(t, files, name)
	}
	assert.Contains(t, string(files["nodejs/package.json"]), `"version": "1.2.3"`, "the SDK asks for the plugin of its own version")
}
