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

// TestCommittedSdksAreFresh: the committed SDKs are exactly what make sdk
// writes (Write: a fresh generation from the provider's schema, and the Go
// SDK's go.mod and go.sum from go mod tidy), byte for byte, with no file
// more or less (run make sdk otherwise).
func TestCommittedSdksAreFresh(t *testing.T) {
	version, err := os.ReadFile("../../VERSION")
	require.NoError(t, err)
	fresh := t.TempDir()
	require.NoError(t, Write(fresh, strings.TrimSpace(string(version))))
	want := tree(t, fresh)
	got := tree(t, sdkDir)
	var stale, extra []string
	for name, data := range want {
		if c, ok := got[name]; !ok || !bytes.Equal(c, data) {
			stale = append(stale, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			extra = append(extra, name)
		}
	}
	sort.Strings(stale)
	sort.Strings(extra)
	assert.Empty(t, stale, "generated files that differ from the committed sdk/ (or are missing): run make sdk")
	assert.Empty(t, extra, "files in sdk/ that generation does not make: run make sdk")
}

// tree reads every file under dir by its slash path, leaving out what
// building an SDK leaves beside it (ignored by its .gitignore).
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "node_modules" || d.Name() == "bin" || d.Name() == "__pycache__" || strings.HasSuffix(d.Name(), ".egg-info") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path) //nolint:gosec // a file of the sdk folder
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	}))
	return files
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
