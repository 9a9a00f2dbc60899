package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/iampolicy"
	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/internal/rulestable"
)

// TestRulesTableCoversEveryPlannedType: CONTRIBUTING.md's table of the
// simulated AWS's rules has one row for every AWS resource type of the dev
// and prod plans and of iampolicy.Actions, and none for a type the program
// does not create; every row fills every cell, lists the provider's read
// calls (R:) and cites its sources and the rule that enforces it. A row
// whose last cell says aheadOfTheProgram is a type the simulated AWS
// serves before the program creates it (issue 32's health checks): it may
// stand without a plan's type, and must lose the mark once a plan or
// iampolicy.Actions has the type.
func TestRulesTableCoversEveryPlannedType(t *testing.T) {
	const aheadOfTheProgram = "**ahead of the program**" // fakeaws.AheadOfTheProgram
	text, err := os.ReadFile(filepath.Join(projectRoot, "CONTRIBUTING.md"))
	require.NoError(t, err)
	rows, err := rulestable.Parse(string(text))
	require.NoError(t, err)
	byType := map[string]rulestable.Row{}
	for _, r := range rows {
		_, twice := byType[r.Type]
		assert.Falsef(t, twice, "%s has two rows", r.Type)
		byType[r.Type] = r
		for i, c := range r.Cells {
			assert.NotEmptyf(t, c, "%s: cell %d is empty", r.Type, i+1)
		}
		_, hasRead := r.Calls["read"]
		assert.Truef(t, hasRead, "%s: the calls cell lists the read calls (R:)", r.Type)
		assert.Containsf(t, r.Cells[5], ".go", "%s: the sources cite the provider file", r.Type)
	}

	want := map[string]string{}
	for _, stack := range []string{"dev", "prod"} {
		raw, err := plan.ReadConfigFile(filepath.Join(projectRoot, "Pulumi."+stack+".yaml"))
		require.NoError(t, err)
		p, err := plan.Run(stack, raw)
		require.NoError(t, err)
		for _, r := range p.Resources {
			if strings.HasPrefix(r.Type, "aws:") {
				want[r.Type] = "the " + stack + " plan"
			}
		}
	}
	for typ := range iampolicy.Actions {
		if _, ok := want[typ]; !ok {
			want[typ] = "iampolicy.Actions"
		}
	}
	for typ, from := range want {
		_, ok := byType[typ]
		assert.Truef(t, ok, "%s (in %s) has no row in CONTRIBUTING.md's %q", typ, from, rulestable.Heading)
	}
	for typ, r := range byType {
		_, ok := want[typ]
		ahead := strings.Contains(r.Cells[len(r.Cells)-1], aheadOfTheProgram)
		assert.Truef(t, ok || ahead, "the table has a row for %s, which the program does not create", typ)
		assert.Falsef(t, ok && ahead, "%s (in %s) is created by the program: take %q out of its row", typ, want[typ], aheadOfTheProgram)
	}
}
