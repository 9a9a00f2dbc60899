package tests

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportNamesMatchTheProgram: every row of the import table (docs/adopting.md)
// names a resource the dev stack really registers, with that type, name and
// parent component, so `pulumi import` as documented adopts the resource the
// program would otherwise create.
func TestImportNamesMatchTheProgram(t *testing.T) {
	section := docSection(t, "docs/adopting.md", "## Importing other resources")
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
		assert.Truef(t, found, "docs/adopting.md tells users to import %s %s, which the dev stack does not register", typ, name)
	}
}

// TestAdoptionInThePlan: a stack file with api.adopt plans the REST API as
// imported (the text marks it, the JSON names the ID under "import") and
// warns with the routes the API will have; without replaceRoutes the plan
// stops with exit 2 and names the key.
func TestAdoptionInThePlan(t *testing.T) {
	file := filepath.Join("testdata", "good", "Pulumi.everything.yaml")
	code, text, stderr := runCLI("--config", file)
	require.Equalf(t, 0, code, "plan failed: %s", stderr)
	assert.Contains(t, text, "Warning (api.adopt): adopting REST API a1b2c3d4e5: the first update replaces all of its routes; it will have exactly the 5 routes ANY /ledger/{proxy+}, GET /, GET /billing, GET /orders/{id}, GET /stock/{id}")
	assert.Regexp(t, `aws:apigateway/restApi:RestApi xaccount-api-api-api \[id a1b2c3d4e5\] \[imported: adopts the existing a1b2c3d4e5\]`, text)

	p := planJson(t, file)
	apis := p.ofType("aws:apigateway/restApi:RestApi")
	require.Len(t, apis, 1)
	assert.Equal(t, "a1b2c3d4e5", apis[0].Import, "the JSON plan names the adopted API")
	for _, r := range p.Resources {
		if r.Type != "aws:apigateway/restApi:RestApi" {
			assert.Emptyf(t, r.Import, "only the API is imported, not %s", r.Name)
		}
	}
	dev := planJson(t, filepath.Join(projectRoot, "Pulumi.dev.yaml"))
	assert.Empty(t, dev.ofType("aws:apigateway/restApi:RestApi")[0].Import, "a stack without api.adopt creates its API")
}
