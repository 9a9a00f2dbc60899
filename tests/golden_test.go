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

// TestGoldenPlans compares the JSON plan of dev, prod, hub and hub-profile byte for byte with
// testdata/golden, so a pull request shows what a change does to each stack.
// A change of the code or of a committed stack file (replacing the
// placeholder IDs with your own, too) changes them: review the diff, then
// `make golden` and commit the files with the change.
func TestGoldenPlans(t *testing.T) {
	// The hub's, the producer's and a spoke's stacks of a hub in a stack of
	// its own (testdata/hubsplit), each planned with the others' files beside it.
	files := map[string]string{}
	for _, s := range []string{"shop-network", "shop", "shop-orders"} {
		files["hubsplit-"+s] = filepath.Join(hubSplitDir, "Pulumi."+s+".yaml")
	}
	for _, stack := range []string{"dev", "prod", "hub", "hub-profile", "hubsplit-shop-network", "hubsplit-shop", "hubsplit-shop-orders"} {
		t.Run(stack, func(t *testing.T) {
			file, ok := files[stack]
			if !ok {
				file = filepath.Join(projectRoot, "Pulumi."+stack+".yaml")
			}
			code, stdout, stderr := runCLI("--config", file, "--format", "json")
			require.Equal(t, 0, code, stderr)
			golden := filepath.Join("testdata", "golden", stack+".json")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(stdout), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden plan yet: run make golden")
			assert.Equal(t, string(want), stdout, goldenAdvice(stack))
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

// goldenAdvice is what a changed golden plan says: what changed it and the
// one command that accepts it.
func goldenAdvice(stack string) string {
	return "the " + stack + " plan differs from tests/testdata/golden/" + stack + ".json. After a change of the code or of Pulumi." + stack +
		".yaml (replacing its placeholder IDs with your own accounts, VPCs and subnets counts), review the diff below; if it is what you meant, " +
		"run `make golden` and commit tests/testdata/golden with the change"
}

// TestGoldenAdviceNamesItsCommand: the failure says what to run, and that
// command exists.
func TestGoldenAdviceNamesItsCommand(t *testing.T) {
	assert.Contains(t, goldenAdvice("dev"), "`make golden`")
	assert.Contains(t, goldenAdvice("dev"), "placeholder IDs")
	makefile, err := os.ReadFile(filepath.Join(projectRoot, "Makefile"))
	require.NoError(t, err)
	assert.Contains(t, string(makefile), "\ngolden:", "the Makefile has the target the advice names")
	assert.Contains(t, docSection(t, "docs/deploying.md", "## Stack set-up"), "make golden",
		"the stack set-up tells users who replace the placeholders")
}
