package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrebuiltProjectPreviewsWithoutRebuilding runs `make prebuilt` and
// previews the folder it makes: the engine hands the language host the
// binary named in runtime.options.binary (the stand-in host is given no
// other), and the committed dev stack plans as it does inline.
func TestPrebuiltProjectPreviewsWithoutRebuilding(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed; docs/pipelines.md's make targets need it")
	}
	dir := filepath.Join(t.TempDir(), "prebuilt")
	cmd := exec.Command("make", "-C", repoRoot, "prebuilt", "PREBUILT="+dir)
	out, err := cmd.CombinedOutput()
	require.NoErrorf(t, err, "make prebuilt:\n%s", out)
	info, err := os.Stat(filepath.Join(dir, "xaccount-api"))
	require.NoError(t, err)
	assert.NotZero(t, info.Mode()&0o111, "the program is built")
	link, err := os.Readlink(filepath.Join(dir, "Pulumi.prod.yaml"))
	require.NoError(t, err, "stack files are links to the committed ones")
	assert.Equal(t, filepath.Join(repoRoot, "Pulumi.prod.yaml"), link)

	s := newEngineStack(t, "dev", inProjectDir(dir))
	r := s.preview()
	require.NoErrorf(t, r.err, "preview of the prebuilt project:\n%s\n%s", r.out, r.errOut)
	assert.Len(t, r.steps(), len(inlineDevSteps(t)), "the same resources as the inline program")
	t.Logf("dev preview of the prebuilt project: %v", r.elapsed)
}
