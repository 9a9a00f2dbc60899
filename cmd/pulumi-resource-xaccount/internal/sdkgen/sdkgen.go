// Package sdkgen generates the package's SDKs from the provider's schema
// with pkg/v3's code generators, as `pulumi package gen-sdk` would with a
// language host: the same files on every run, so a test can compare them
// with the committed ones.
package sdkgen

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/xaccount/xaccount-api/cmd/pulumi-resource-xaccount/provider"
)

// Languages are the SDKs generated, each a folder of the output.
var Languages = []string{"nodejs", "python", "go"}

// tool names the generator in the generated files' headers.
const tool = "xaccount-gen"

// GoModuleDir is the Go SDK's module, relative to the sdk folder: the
// folder of the root package, where pulumi-plugin.json is. The Go language
// host looks for that file in the directory of each module a program
// requires (and in its go/ and go/*/ folders, or */ in newer hosts:
// readPulumiPluginJSON in pulumi/pulumi sdk/go/pulumi-language-go/main.go),
// so it must be the module's root, not a folder of the repository's module.
var GoModuleDir = "go/" + path.Base(provider.GoImportBasePath)

// goLineFloor is the go line Generate writes into the Go SDK's go.mod; `go
// mod tidy` (Write) raises it to the highest go line among the modules the
// SDK needs, which is then the lowest an importer can use. 1.17 is the
// first at which a go.mod lists every module its packages need, so an
// importer reads the SDK's requirements from its go.mod alone.
const goLineFloor = "1.17"

// Generate returns every file of the SDKs of the provider at version, by
// path relative to the sdk folder: schema.json, nodejs/…, python/…, go/….
func Generate(version string) (map[string][]byte, error) {
	prov, err := provider.New()
	if err != nil {
		return nil, err
	}
	spec, err := p.GetSchema(context.Background(), provider.Name, version, prov)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	raw, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return nil, err
	}
	out["schema.json"] = append(raw, '\n')
	for _, lang := range Languages {
		// Each generator annotates the package it is given: bind afresh.
		pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
		if err != nil {
			return nil, err
		}
		if diags.HasErrors() {
			return nil, fmt.Errorf("binding the schema: %s", diags.Error())
		}
		var files map[string][]byte
		switch lang {
		case "nodejs":
			// A local SDK (what pulumi package add writes): its package.json
			// names bin/index.js and compiles itself when installed.
			files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, true, noPackages{})
		case "python":
			files, err = python.GeneratePackage(tool, pkg, nil, noPackages{})
		case "go":
			files, err = gogen.GeneratePackage(tool, pkg, nil)
		}
		if err != nil {
			return nil, fmt.Errorf("%s SDK: %w", lang, err)
		}
		for name, data := range files {
			out[lang+"/"+name] = data
		}
	}
	// The Go SDK is a module of its own, on the oldest Pulumi SDK the
	// package supports, not a package of this repository's module (whose go
	// line and requirements importers would get).
	out[GoModuleDir+"/go.mod"] = []byte(fmt.Sprintf("module %s\n\ngo %s\n\nrequire github.com/pulumi/pulumi/sdk/v3 v%s\n",
		provider.GoImportBasePath, goLineFloor, provider.PulumiSdkFloor))
	// pyproject.toml names readme = "README.md" beside it; the generator
	// writes the README only into the package folder.
	readme, ok := out["python/pulumi_xaccount/README.md"]
	if !ok {
		return nil, fmt.Errorf("the Python generator wrote no pulumi_xaccount/README.md")
	}
	out["python/README.md"] = readme
	return out, nil
}

// Write generates the SDKs into dir, as `make sdk` does: it replaces each
// language's folder with the generated files, then completes the Go SDK's
// go.mod and writes its go.sum with `go mod tidy`.
func Write(dir, version string) error {
	files, err := Generate(version)
	if err != nil {
		return err
	}
	for _, lang := range Languages {
		if err := os.RemoveAll(filepath.Join(dir, lang)); err != nil {
			return err
		}
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil { //nolint:gosec // committed SDK folders, readable by all
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil { //nolint:gosec // a generated file under the sdk folder
			return err
		}
	}
	return TidyGo(filepath.Join(dir, filepath.FromSlash(GoModuleDir)))
}

// TidyGo runs `go mod tidy` in the Go SDK's module folder: the modules its
// packages need go into go.mod, their sums into go.sum, and the go line
// rises to the highest among them. The module proxy (or the module cache)
// must have them.
func TidyGo(moduleDir string) error {
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = moduleDir
	// Only this module (no workspace), no toolchain switch: the go line is
	// the modules' own.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go mod tidy in %s: %w\n%s", moduleDir, err, out)
	}
	return nil
}

// noPackages is the loader of a schema that refers to no other package:
// any load is an error (the components take AWS values as plain strings).
type noPackages struct{}

func (noPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %s; it must refer to none", pkg)
}

func (noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %s; it must refer to none", d.Name)
}

func (noPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema refers to package %s; it must refer to none", pkg)
}

func (noPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema refers to package %s; it must refer to none", d.Name)
}
