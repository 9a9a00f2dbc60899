package tests

import (
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPlanCommandAsAProcess builds cmd/plan and runs it the way the README
// does, from the project root, to check real exit codes and streams.
func TestPlanCommandAsAProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plan binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "plan")
	build := exec.Command("go", "build", "-o", bin, "./cmd/plan")
	build.Dir = projectRoot
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	run := func(args ...string) (int, string, string) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = projectRoot
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), stdout.String(), stderr.String()
		}
		require.NoError(t, err)
		return 0, stdout.String(), stderr.String()
	}

	for _, stack := range []string{"dev", "prod"} {
		code, stdout, stderr := run("--stack", stack)
		assert.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, "Account ")
		assert.Contains(t, stdout, "Outputs")

		code, stdout, stderr = run("--stack", stack, "--format", "json")
		assert.Equal(t, 0, code, stderr)
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
		assert.Equal(t, stack, doc["stack"])
	}
	code, stdout, _ := run()
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "stack dev", "dev is the default stack")

	code, stdout, stderr := run("--config", filepath.Join("tests", "testdata", "bad", "06-role-in-other-account.yaml"))
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "xaccount-api:consumers[0].roleArn")
	assert.NotContains(t, stderr, "goroutine")
}
