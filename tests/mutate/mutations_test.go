package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryMutationStillApplies: each From is in its file exactly once, so
// the list does not rot as the code moves (make mutate would report it
// INVALID much later).
func TestEveryMutationStillApplies(t *testing.T) {
	here, err := filepath.Abs(".")
	require.NoError(t, err)
	root, err := repoRoot(here)
	require.NoError(t, err)
	names := map[string]bool{}
	for _, m := range Mutations {
		assert.Falsef(t, names[m.Name], "%s is listed twice", m.Name)
		names[m.Name] = true
		src, err := os.ReadFile(filepath.Join(root, m.File))
		require.NoError(t, err, m.Name)
		_, err = Mutate(string(src), m)
		assert.NoError(t, err, m.Name)
		assert.NotEmpty(t, m.Runs, "%s names the tests that kill it", m.Name)
	}
}

func TestMutateAndFailedTests(t *testing.T) {
	m := Mutation{File: "f.go", From: "a", To: "b"}
	out, err := Mutate("xax", m)
	require.NoError(t, err)
	assert.Equal(t, "xbx", out)
	_, err = Mutate("xx", m)
	assert.ErrorContains(t, err, "no longer holds")
	_, err = Mutate("aa", m)
	assert.ErrorContains(t, err, "2 times")
	_, err = Mutate("a", Mutation{From: "a", To: "a"})
	assert.Error(t, err)

	got := FailedTests("=== RUN   TestA\n--- FAIL: TestA (0.1s)\n    --- FAIL: TestA/step_one (0.0s)\nok  \tother\n--- PASS: TestB (0.0s)\n")
	assert.Equal(t, []string{"TestA", "TestA/step_one"}, got)
	assert.Empty(t, FailedTests("ok  \tpkg\t0.1s\n"))
}

// TestCopyTreeOfAWorktree: in a git worktree .git is a file and .cache a
// link to a shared cache; the copy still holds every other file of the
// root (before, the first of them ended the walk of the root), links
// .cache and leaves .git out.
func TestCopyTreeOfAWorktree(t *testing.T) {
	src, cache, dst := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "copy")
	require.NoError(t, os.Symlink(cache, filepath.Join(src, ".cache")))
	require.NoError(t, os.WriteFile(filepath.Join(src, ".git"), []byte("gitdir: elsewhere\n"), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(src, ".github", "workflows"), 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(src, ".github", "workflows", "release.yml"), []byte("name: release\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(src, "Makefile"), []byte("all:\n"), 0o600))
	require.NoError(t, os.MkdirAll(dst, 0o750))
	require.NoError(t, copyTree(src, dst))
	assert.FileExists(t, filepath.Join(dst, ".github", "workflows", "release.yml"))
	assert.FileExists(t, filepath.Join(dst, "Makefile"))
	assert.NoFileExists(t, filepath.Join(dst, ".git"))
	link, err := os.Readlink(filepath.Join(dst, ".cache"))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(src, ".cache"), link)
}
