package tests

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportNamesMatchTheProgram: every row of the README's import table
// names a resource the dev stack really registers, with that type, name and
// parent component, so `pulumi import` as documented adopts the resource the
// program would otherwise create.
func TestImportNamesMatchTheProgram(t *testing.T) {
	section := readmeSection(t, "## Bringing existing resources under management")
	row := regexp.MustCompile("(?m)^\\| [^|]+ \\| `([^`]+)` \\| `([^`]+)` \\| `([^`]+)` \\|")
	rows := row.FindAllStringSubmatch(section, -1)
	require.GreaterOrEqual(t, len(rows), 6, "the import table lists the API and endpoint resources")

	p := planJson(t, filepath.Join(projectRoot, "Pulumi.dev.yaml"))
	byURN := map[string]jsonResource{}
	for _, r := range p.Resources {
		byURN[r.URN] = r
	}
	for _, m := range rows {
		typ := m[1]
		name := strings.ReplaceAll(m[2], "<consumer>", "app")
		parent := strings.ReplaceAll(m[3], "<consumer>", "app")
		found := false
		for _, r := range p.ofType(typ) {
			if r.Name == name {
				found = true
				assert.Equalf(t, parent, byURN[r.Parent].Name, "%s %s is a child of %s", typ, name, parent)
			}
		}
		assert.Truef(t, found, "the README tells users to import %s %s, which the dev stack does not register", typ, name)
	}
}
