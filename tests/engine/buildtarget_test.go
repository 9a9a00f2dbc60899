package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildTargetProject writes a small Go Pulumi program into dir, with a
// Pulumi.yaml that names runtime.options.buildTarget as the committed one
// does; the program exports version.
func buildTargetProject(t *testing.T, dir, version string) {
	t.Helper()
	project, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	require.Contains(t, string(project), "buildTarget: .cache/bin/xaccount-api", "the committed project builds into a target")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o600))
	sums, err := os.ReadFile(filepath.Join(repoRoot, "go.sum"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), sums, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module buildtarget\n\ngo 1.26\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.274.1\n"), 0o600))
	writeProgram(t, dir, version)
}

func writeProgram(t *testing.T, dir, version string) {
	t.Helper()
	src := `package main

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		ctx.Export("version", pulumi.String("` + version + `"))
		return nil
	})
}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o600))
}

// TestBuildTargetLinksOnceAndSeesChanges: with runtime.options.buildTarget
// (the committed Pulumi.yaml's), a second preview of an unchanged program
// leaves the built file untouched (no link step), and a changed program is
// rebuilt and previewed with its change: never a stale binary.
func TestBuildTargetLinksOnceAndSeesChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	buildTargetProject(t, dir, "one")
	// The module's go.sum may lack lines only this small module needs.
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = dir
	out, err := tidy.CombinedOutput()
	require.NoErrorf(t, err, "go mod tidy:\n%s", out)

	s := newEngineStack(t, "dev", inProjectDir(dir))
	first := s.preview()
	require.NoErrorf(t, first.err, "%s\n%s", first.out, first.errOut)
	assert.Contains(t, first.out, `version: "one"`)
	target := filepath.Join(dir, ".cache", "bin", "xaccount-api")
	built, err := os.Stat(target)
	require.NoError(t, err, "the program is built into the build target")

	second := s.preview()
	require.NoError(t, second.err)
	again, err := os.Stat(target)
	require.NoError(t, err)
	// go build touches an up-to-date target (its mtime moves) but does not
	// write it again: a link writes a new file in its place.
	assert.True(t, os.SameFile(built, again), "an unchanged program is not linked again: the same file")
	t.Logf("preview with a build: %v; without (up to date): %v", first.elapsed, second.elapsed)

	writeProgram(t, dir, "two")
	third := s.preview()
	require.NoError(t, third.err)
	assert.Contains(t, third.out, `version: "two"`, "the changed program runs, not the old binary")
	assert.False(t, strings.Contains(third.out, `version: "one"`))
	rebuilt, err := os.Stat(target)
	require.NoError(t, err)
	assert.False(t, os.SameFile(built, rebuilt), "a changed program is linked again: a new file")
}
