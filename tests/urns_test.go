package tests

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/plan"
)

// TestNoSilentReplacements keeps the URN of every resource of each committed
// stack in testdata/urns/<stack>.txt. A URN that disappears is a resource
// Pulumi would delete and create anew under its new name, so it fails unless
// a resource now carries it as an alias (pulumi.Aliases): a rename with an
// alias passes. Any other new URN fails until the list is rewritten with
// -update after review.
func TestNoSilentReplacements(t *testing.T) {
	for _, file := range stackFiles(t) {
		name := plan.StackNameOf(file)
		t.Run(name, func(t *testing.T) {
			raw, err := plan.ReadConfigFile(file)
			require.NoError(t, err)
			p, err := plan.Run(name, raw)
			require.NoError(t, err)
			var current []string
			aliased := map[string]string{}     // old URN -> the resource that carries it as an alias
			aliasesOf := map[string][]string{} // URN -> its aliases
			for _, r := range p.Resources {
				current = append(current, r.URN)
				aliasesOf[r.URN] = r.Aliases
				for _, a := range r.Aliases {
					aliased[a] = r.URN
				}
			}
			slices.Sort(current)
			golden := filepath.Join("testdata", "urns", name+".txt")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(strings.Join(current, "\n")+"\n"), 0o600))
			}
			b, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./tests -run TestNoSilentReplacements -update to create the list")
			known := strings.Fields(string(b))
			for _, urn := range known {
				if slices.Contains(current, urn) {
					continue
				}
				_, ok := aliased[urn]
				assert.Truef(t, ok, "%s is gone: Pulumi would replace it. Add pulumi.Aliases for it to the resource that replaces it, or, if the replacement is intended, rewrite the list with -update", urn)
			}
			for _, urn := range current {
				renamed := slices.ContainsFunc(aliasesOf[urn], func(a string) bool { return slices.Contains(known, a) })
				assert.Truef(t, renamed || slices.Contains(known, urn), "%s is new: review it, then rewrite the list with -update", urn)
			}
		})
	}
}
