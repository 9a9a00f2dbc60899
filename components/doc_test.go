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
	require.Len(t, constructors, 11)
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

// exportedHelpers are the package-level functions, constants and variables
// other than the constructors, the args' values and their defaults that the
// package still exports, each with the reason an importer or another package
// of this module needs it. TestExportedSurfaceIsTheConstructorsFirst fails
// on any other: a new helper is unexported or goes to an internal package.
var exportedHelpers = map[string]string{
	"NewAccountProvider":        "a constructor of the *aws.Provider the components take",
	"ResourcePolicyJson":        "the resource policy document, for importers that attach it themselves",
	"CheckResourcePolicyLength": "the policy quota check of a document built with ResourcePolicyJson",
	"RegionalDnsName":           "the endpoint's regional DNS name among its DNS entries, for hand-over",
	"ValidateRoutes":            "checks routes before they reach the args (the stack file's loader)",
	"AdoptionNotice":            "what adopting an API does, printed by the plan and the program",
	"ObservePreflight":          "receives the preflight's warnings (the offline plan's --check)",
	"PreflightInvokes":          "the data sources the preflight reads (awsmock answers them)",
	"TriggerHash":               "the hash the probe and deployment triggers use, for stacks that add their own",
	"ProbeEventJSON":            "the event the probe function takes, to invoke it by hand",
	"ProbeMaxAttempts":          "the most calls the probe makes per form",
	"AccessLogsRoleError":       "API Gateway's error for a missing CloudWatch Logs role, which the preflight prevents",
	"AccountRoleWarning":        "the warning of createAccountRole",
	"MaxTagsPerResource":        "AWS's tag quota, checked on Tags",
	"MaxTagsPerHostedZone":      "Route 53's tag quota, checked on the custom domain's zones",
	"HTTPMethods":               "the methods a Route may take",
}

// TestExportedSurfaceIsTheConstructorsFirst: go doc lists the package's
// constants, variables and functions before its types and their
// constructors, so the package keeps that list short: constructors and args,
// the values args take (type tokens, modes, integrations, invoke forms,
// authorization, TLS, metric names) and their defaults, and exportedHelpers.
func TestExportedSurfaceIsTheConstructorsFirst(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		require.NoError(t, err)
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, "github.com/xaccount/xaccount-api/components")
	require.NoError(t, err)
	argValue := []string{"Type", "EndpointPolicy", "Integration", "Invoke", "Authorization", "SecurityPolicy", "EndpointAccess", "Default", "Metric", "Dimension", "Via", "HubDns"}
	isArgValue := func(name string) bool {
		for _, w := range argValue {
			if strings.HasPrefix(name, w) || strings.HasSuffix(name, w) {
				return true
			}
		}
		return false
	}
	var exported []string
	for _, v := range append(p.Consts, p.Vars...) {
		exported = append(exported, v.Names...)
	}
	for _, f := range p.Funcs {
		exported = append(exported, f.Name)
	}
	for _, name := range exported {
		if !ast.IsExported(name) || isArgValue(name) {
			continue
		}
		_, ok := exportedHelpers[name]
		assert.Truef(t, ok, "%s is exported beside the constructors: unexport it, move it to an internal package, or say in exportedHelpers why importers need it", name)
	}
	assert.True(t, strings.HasPrefix(p.Doc, "Package components lets workloads"), "the package doc opens with what it does")
	assert.Less(t, strings.Index(p.Doc, "Constructors"), strings.Index(p.Doc, "The two accounts"), "then the index of constructors, before anything else")
}
