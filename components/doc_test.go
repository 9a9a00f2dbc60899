package components

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryConstructorHasAnExampleAndAnIndexEntry: each exported
// constructor (a func New… taking a *pulumi.Context) has a runnable Example
// (go test checks its output) and is listed, with its Args, in the package
// doc's index of constructors.
func TestEveryConstructorHasAnExampleAndAnIndexEntry(t *testing.T) {
	fset := token.NewFileSet()
	var constructors []*ast.FuncDecl
	examples := map[string]bool{}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil {
				continue
			}
			switch {
			case strings.HasSuffix(name, "_test.go"):
				for _, ex := range doc.Examples(f) {
					examples[ex.Name] = ex.Output != "" || ex.EmptyOutput
				}
			case fn.Name.IsExported() && strings.HasPrefix(fn.Name.Name, "New") && takesContext(fn):
				constructors = append(constructors, fn)
			}
		}
	}
	require.Len(t, constructors, 9)
	pkgDoc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	for _, fn := range constructors {
		name := fn.Name.Name
		assert.Truef(t, examples[name], "Example%s with an // Output: comment", name)
		args := fn.Type.Params.List[2].Type.(*ast.StarExpr).X.(*ast.Ident).Name
		assert.Containsf(t, string(pkgDoc), "//   - ["+name+"] with ["+args+"]", "the package doc's index lists %s with %s", name, args)
	}
}

// takesContext says whether fn's first parameter is a *pulumi.Context.
func takesContext(fn *ast.FuncDecl) bool {
	if fn.Type.Params == nil || len(fn.Type.Params.List) < 3 {
		return false
	}
	star, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Context"
}
