// Package fielddocs reads the doc comments of a Go package's structs and of
// their pulumi-tagged fields, the text the component schema describes each
// input and output with.
package fielddocs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
)

// Docs maps a struct's name to its descriptions: "" for the struct itself,
// and each pulumi-tagged field by its tag's name.
type Docs map[string]map[string]string

// Extract reads the non-test Go files of dir. A field without a doc comment
// of its own takes the one of the field on the line above (Go's way of
// describing "VpcId and SubnetIds ..." once).
func Extract(dir string) (Docs, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	fset := token.NewFileSet()
	docs := Docs{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name) //nolint:gosec // the Go files of the folder asked for
		if err != nil {
			return nil, err
		}
		file, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, decl := range file.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.TYPE {
				continue
			}
			for _, spec := range gen.Specs {
				ts := spec.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				doc := ts.Doc
				if doc == nil && len(gen.Specs) == 1 {
					doc = gen.Doc
				}
				fields := structDocs(fset, st)
				if len(fields) == 0 {
					continue
				}
				fields[""] = text(doc)
				docs[ts.Name.Name] = fields
			}
		}
	}
	return docs, nil
}

// structDocs are the descriptions of a struct's pulumi-tagged fields.
func structDocs(fset *token.FileSet, st *ast.StructType) map[string]string {
	out := map[string]string{}
	prevDoc, prevLine := "", -1
	for _, field := range st.Fields.List {
		line := fset.Position(field.Pos()).Line
		doc := text(field.Doc)
		if doc == "" {
			doc = text(field.Comment)
		}
		if doc == "" && line == prevLine+1 {
			doc = prevDoc
		}
		prevDoc, prevLine = doc, fset.Position(field.End()).Line
		if field.Tag == nil {
			continue
		}
		tag := reflect.StructTag(strings.Trim(field.Tag.Value, "`")).Get("pulumi")
		name := strings.Split(tag, ",")[0]
		if name == "" {
			continue
		}
		out[name] = doc
	}
	return out
}

// text is a comment group as one paragraph.
func text(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	return strings.Join(strings.Fields(g.Text()), " ")
}
