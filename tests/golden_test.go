package tests

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden plans in testdata/golden")

// TestGoldenPlans compares the JSON plan of dev and prod byte for byte with
// testdata/golden, so a pull request shows what a change does to each stack.
// Regenerate with: go test ./tests -update
func TestGoldenPlans(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			code, stdout, stderr := runCLI("--config", filepath.Join(projectRoot, "Pulumi."+stack+".yaml"), "--format", "json")
			require.Equal(t, 0, code, stderr)
			golden := filepath.Join("testdata", "golden", stack+".json")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(stdout), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden plan yet: run go test ./tests -update")
			assert.Equal(t, string(want), stdout, "the %s plan changed: review it, then run go test ./tests -update", stack)
		})
	}
}

// TestPlanIsDeterministic runs the same stack twice: the golden comparison
// only means something if nothing in a plan depends on timing.
func TestPlanIsDeterministic(t *testing.T) {
	for range 3 {
		_, a, _ := runCLI("--stack", "prod", "--root", projectRoot, "--format", "json")
		_, b, _ := runCLI("--stack", "prod", "--root", projectRoot, "--format", "json")
		require.NotEmpty(t, a)
		assert.Equal(t, a, b)
	}
}
