package components

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goOnlyTypes may stay untagged: a provider or a resource handle cannot cross
// the language boundary as an input (see ../shared/CONVENTIONS.md).
var goOnlyTypes = map[string]bool{"*aws.Provider": true, "[]pulumi.Resource": true}

// TestEveryArgsFieldIsTagged: every field of every Args struct (and of the
// structs nested in them) carries pulumi:"<lowerCamel of the field>", so the
// components can be served to other languages without another rename, and
// the FieldError paths (which use these names) match what callers write.
func TestEveryArgsFieldIsTagged(t *testing.T) {
	fset := token.NewFileSet()
	sources, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var files []*ast.File
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		files = append(files, file)
	}
	nested := map[string]bool{"Route": true, "RouteIntegration": true, "StageThrottle": true}
	checked := 0
	for _, file := range files {
		ast.Inspect(file, func(n ast.Node) bool {
			spec, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := spec.Type.(*ast.StructType)
			if !ok || !strings.HasSuffix(spec.Name.Name, "Args") && !nested[spec.Name.Name] {
				return true
			}
			for _, field := range st.Fields.List {
				typ := types(fset, field.Type)
				for _, name := range field.Names {
					checked++
					if goOnlyTypes[typ] {
						continue
					}
					tag := ""
					if field.Tag != nil {
						tag = reflect.StructTag(strings.Trim(field.Tag.Value, "`")).Get("pulumi")
					}
					want := lowerFirst(name.Name)
					assert.Truef(t, tag == want || tag == want+",optional", "%s.%s: tag %q, want pulumi:%q", spec.Name.Name, name.Name, tag, want)
				}
			}
			return false
		})
	}
	assert.Greater(t, checked, 60, "the Args structs were found")
}

// types renders a field's type expression as written.
func types(fset *token.FileSet, e ast.Expr) string {
	var b strings.Builder
	switch t := e.(type) {
	case *ast.StarExpr:
		b.WriteString("*" + types(fset, t.X))
	case *ast.ArrayType:
		b.WriteString("[]" + types(fset, t.Elt))
	case *ast.SelectorExpr:
		b.WriteString(types(fset, t.X) + "." + t.Sel.Name)
	case *ast.Ident:
		b.WriteString(t.Name)
	}
	return b.String()
}

// lowerFirst turns RestApiId into restApiId.
func lowerFirst(s string) string {
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}
