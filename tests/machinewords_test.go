package tests

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// machineWords name the machine a document was written or measured on, or
// the work that wrote it, instead of speaking to the reader: "tested here",
// "cannot be obtained here", "on this machine", "the session's first
// command", "the issue's 22 min", a processor's model. A reader deploying
// the project shares none of them; say which file, account, stack or
// hardware class (with the date) instead.
var machineWords = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(tested|run|ran|measured|obtained|installed|available|recommended|executed|built|seen)\s+here\b`),
	regexp.MustCompile(`(?i)\b(cannot|can't|can not|could not|does not|do not)\s+(be\s+)?\w+\s+here\b`),
	regexp.MustCompile(`(?i)\b(this|that|the same|our) (machine|computer|host|vm|box)\b`),
	regexp.MustCompile(`(?i)\bthe project's standard (one|machine)\b`),
	regexp.MustCompile(`(?i)\bthis session\b|\bthe session's (first|last)\b`),
	regexp.MustCompile(`(?i)\bthe issue's\b`),
	regexp.MustCompile(`(?i)\b(oxide|turin|epyc|xeon|ryzen|threadripper|graviton|core i[3579])\b|\bprocessor\b`),
}

// hereInProse is any "here" in a document: in a page read on GitHub or a
// package site it names no place the reader shares.
var hereInProse = regexp.MustCompile(`(?i)\bhere\b`)

// machineWordsIn are the sentences of text that name the machine.
func machineWordsIn(text string, patterns ...*regexp.Regexp) []string {
	var hits []string
	seen := map[int]bool{}
	for _, p := range append(machineWords, patterns...) {
		for _, m := range p.FindAllStringIndex(text, -1) {
			from, to := max(0, m[0]-60), min(len(text), m[1]+60)
			if !seen[from] {
				seen[from] = true
				hits = append(hits, strings.ReplaceAll(text[from:to], "\n", " "))
			}
		}
	}
	return hits
}

// userDocs are the documents a user or importer reads.
func userDocs(t *testing.T) []string {
	t.Helper()
	files := append([]string{"README.md", "CONTRIBUTING.md", "BENCHMARKS.md", "CHANGELOG.md"}, docsPages(t)...)
	examples, err := filepath.Glob(filepath.Join(projectRoot, "examples", "*", "README*"))
	require.NoError(t, err)
	for _, e := range examples {
		rel, err := filepath.Rel(projectRoot, e)
		require.NoError(t, err)
		files = append(files, filepath.ToSlash(rel))
	}
	return files
}

// TestNoDocNamesTheMachine: no sentence of the README, the docs pages,
// CONTRIBUTING.md, BENCHMARKS.md, CHANGELOG.md (v0.1.0 is not tagged yet,
// so all of it is text a reader of the release gets, not history) or an
// example's README names the machine it was written on, and no "here" is
// left for the reader to guess; nor does the doc comment of any exported
// identifier of the project's Go packages.
func TestNoDocNamesTheMachine(t *testing.T) {
	for _, file := range userDocs(t) {
		for _, hit := range machineWordsIn(doc(t, file), hereInProse) {
			t.Errorf("%s: …%s…", file, hit)
		}
	}

	comments := 0
	fset := token.NewFileSet()
	require.NoError(t, filepath.WalkDir(projectRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", ".cache", "node_modules", "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, c := range exportedDocs(f) {
			comments++
			for _, hit := range machineWordsIn(c) {
				t.Errorf("%s: the doc comment names the machine: …%s…", path, hit)
			}
		}
		return nil
	}))
	assert.Greater(t, comments, 500, "the doc comments were read")
}

// exportedDocs are the doc comments of a file's package clause and of its
// exported identifiers: functions and methods, types, constants, variables
// and the exported fields of structs.
func exportedDocs(f *ast.File) []string {
	var out []string
	add := func(g *ast.CommentGroup) {
		if g != nil {
			out = append(out, g.Text())
		}
	}
	add(f.Doc)
	fields := func(t ast.Expr) {
		if st, ok := t.(*ast.StructType); ok {
			for _, fl := range st.Fields.List {
				for _, n := range fl.Names {
					if n.IsExported() {
						add(fl.Doc)
						break
					}
				}
			}
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.IsExported() {
				add(d.Doc)
			}
		case *ast.GenDecl:
			exported := false
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() {
						exported = true
						add(s.Doc)
						fields(s.Type)
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() {
							exported = true
							add(s.Doc)
							break
						}
					}
				}
			}
			if exported {
				add(d.Doc)
			}
		}
	}
	return out
}

// TestMachineWordsAreFound: a negative control, sentences of the former
// README and BENCHMARKS.md that named the machine.
func TestMachineWordsAreFound(t *testing.T) {
	for _, s := range []string{
		"| how | what it needs on your machine | tested here |",
		"which `make test` byte-compiles and checks against the SDK (not run here):",
		"not run: the Node.js, Python and Go language hosts cannot be obtained here",
		"Machine: the project's standard one, 2 cores (\"Oxide Virtual Turin-like Processor\"), 24 GiB",
		"on a new 2-core machine (every cache empty: the session's first command)",
		"The issue's 22 min 49 s was measured with `-race` on another day",
		"recommended here: everything stays in your AWS accounts",
	} {
		assert.NotEmptyf(t, machineWordsIn(s), "found in %q", s)
	}
	assert.Empty(t, machineWordsIn("Measured 2026-12-02 on a 2-core x86-64 VM, 24 GiB"), "a hardware class and a date are what a figure needs")
}
