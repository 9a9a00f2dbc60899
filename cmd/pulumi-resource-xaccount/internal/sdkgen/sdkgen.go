// Package sdkgen generates the package's SDKs from the provider's schema
// with pkg/v3's code generators, as `pulumi package gen-sdk` would with a
// language host: the same files on every run, so a test can compare them
// with the committed ones.
package sdkgen

import (
	"context"
	"encoding/json"
	"fmt"

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
	return out, nil
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
