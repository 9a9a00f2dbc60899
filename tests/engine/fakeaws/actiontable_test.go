package fakeaws

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/iampolicy"
	"github.com/xaccount/xaccount-api/internal/rulestable"
)

// TestActionTableHoldsEveryCallOfTheProvider: the IAM action table
// (internal/iampolicy, written by hand) grants, for every resource type and
// data source, the action of every call this package's table (written from
// terraform-provider-aws's source) lists for it, read and delete calls
// included, conditional ones too. The two stay written independently, so a
// call found in the provider's source and added here fails this test until
// the action table has it; a type with calls but no entry fails as well.
//
// A type the simulated AWS serves before the program creates it (its row
// in CONTRIBUTING.md's table says "**ahead of the program**") has no entry
// yet; once iampolicy.Actions has one, the mark must go.
func TestActionTableHoldsEveryCallOfTheProvider(t *testing.T) {
	ahead := aheadOfTheProgram(t)
	for typ := range ahead {
		_, planned := iampolicy.Actions[typ]
		assert.Falsef(t, planned, "%s is in iampolicy.Actions: take %q out of its row in CONTRIBUTING.md's table", typ, AheadOfTheProgram)
	}
	rows := append([]Call{}, Calls...)
	// The network interfaces a deleted VPC function left behind are detached
	// and deleted by the subnet's and the security group's delete.
	for _, typ := range []string{TypeSubnet, TypeSecurityGroup} {
		for _, c := range lingeringEniCalls {
			c.Type = typ
			rows = append(rows, c)
		}
	}
	for _, c := range rows {
		if _, retained := iampolicy.RetainedTypes[c.Type]; retained && c.Op == "delete" {
			continue // never deleted: the components retain it (iampolicy.RetainedTypes)
		}
		table, what := iampolicy.Actions, "iampolicy.Actions"
		if c.Op == "invoke" {
			table, what = iampolicy.InvokeActions, "iampolicy.InvokeActions"
		}
		actions, ok := table[c.Type]
		if !ok && ahead[c.Type] {
			continue
		}
		if !assert.Truef(t, ok, "%s has no entry for %s, which makes the call %s on %s (%s)", what, c.Type, c.Action, c.Op, c.Source) {
			continue
		}
		assert.Truef(t, containsFold(actions, c.Action), "%s %s: the provider calls %s (%s), which %s[%s] lacks",
			c.Type, c.Op, c.Action, c.Source, what, c.Type)
	}
}

// containsFold says whether actions holds action; IAM matches actions
// without regard to case.
func containsFold(actions []string, action string) bool {
	for _, a := range actions {
		if strings.EqualFold(a, action) {
			return true
		}
	}
	return false
}

// AheadOfTheProgram marks a row of CONTRIBUTING.md's table of rules (in its
// last cell) whose type the simulated AWS serves before the program
// creates it (issue 32's multi-region types): tests/rulestable_test.go then
// takes the row without the type in a plan, and the action table without
// an entry for it.
const AheadOfTheProgram = "**ahead of the program**"

// aheadOfTheProgram are the types whose row carries AheadOfTheProgram.
func aheadOfTheProgram(t *testing.T) map[string]bool {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	text, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "..", "CONTRIBUTING.md"))
	require.NoError(t, err)
	rows, err := rulestable.Parse(string(text))
	require.NoError(t, err)
	out := map[string]bool{}
	for _, r := range rows {
		if strings.Contains(r.Cells[len(r.Cells)-1], AheadOfTheProgram) {
			out[r.Type] = true
		}
	}
	return out
}

// TestRulesTableListsEveryCallOfTheProvider: each row of CONTRIBUTING.md's
// table of rules lists, per operation, exactly the actions of this
// package's call table for its type (the read calls included), and every
// type with calls has a row.
func TestRulesTableListsEveryCallOfTheProvider(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	text, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "..", "CONTRIBUTING.md"))
	require.NoError(t, err)
	rows, err := rulestable.Parse(string(text))
	require.NoError(t, err)
	want := map[string]map[string][]string{}
	note := func(typ, op, action string) {
		if want[typ] == nil {
			want[typ] = map[string][]string{}
		}
		if !slices.Contains(want[typ][op], action) {
			want[typ][op] = append(want[typ][op], action)
		}
	}
	for _, c := range Calls {
		if c.Op != "invoke" {
			note(c.Type, c.Op, c.Action)
		}
	}
	for _, typ := range []string{TypeSubnet, TypeSecurityGroup} {
		for _, c := range lingeringEniCalls {
			note(typ, c.Op, c.Action)
		}
	}
	got := map[string]rulestable.Row{}
	for _, r := range rows {
		got[r.Type] = r
	}
	for typ, ops := range want {
		r, ok := got[typ]
		if !assert.Truef(t, ok, "%s makes calls but has no row in CONTRIBUTING.md's table of rules", typ) {
			continue
		}
		for _, op := range []string{"create", "read", "update", "delete"} {
			assert.ElementsMatchf(t, ops[op], r.Calls[op], "%s %s: the row's calls differ from calls.go's", typ, op)
		}
	}
}
