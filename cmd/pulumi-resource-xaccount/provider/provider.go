// Package provider is the component provider of the xaccount package: the
// components of github.com/xaccount/xaccount-api/components served to
// Pulumi programs in any language (TypeScript, Python, YAML, Go through the
// generated SDK), with a schema from the components' Go types and doc
// comments.
package provider

import (
	"context"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Name is the package name: the plugin is pulumi-resource-xaccount.
const Name = "xaccount"

// PluginDownloadURL is where engines find a release's plugin archive.
const PluginDownloadURL = "github://api.github.com/xaccount/xaccount-api"

// New returns the provider serving every component of the package.
func New() (p.Provider, error) {
	list := make([]infer.InferredComponent, 0, len(served))
	for _, s := range served {
		list = append(list, s.component)
	}
	prov, err := infer.NewProviderBuilder().
		WithNamespace("xaccount").
		WithDisplayName("xaccount").
		WithDescription("Lets workloads in consumer AWS accounts call a private API Gateway REST API in a producer account through execute-api interface endpoints, and nobody else.").
		WithKeywords("aws", "apigateway", "private-api", "vpc-endpoint", "cross-account", "kind/component", "category/cloud").
		WithRepository("https://github.com/xaccount/xaccount-api").
		WithLicense("Apache-2.0").
		// Engines download a missing plugin from the repository's releases
		// (pulumi-resource-xaccount-v<version>-<os>-<arch>.tar.gz, release.yml).
		WithPluginDownloadURL(PluginDownloadURL).
		WithLanguageMap(languages).
		WithComponents(list...).
		WithModuleMap(map[tokens.ModuleName]tokens.ModuleName{"components": "index"}).
		Build()
	if err != nil {
		return p.Provider{}, err
	}
	inner := prov.GetSchema
	prov.GetSchema = func(ctx context.Context, req p.GetSchemaRequest) (p.GetSchemaResponse, error) {
		resp, err := inner(ctx, req)
		if err != nil {
			return resp, err
		}
		resp.Schema, err = finishSchema(resp.Schema)
		return resp, err
	}
	return prov, nil
}

// PulumiSdkFloor is the oldest Pulumi SDK the TypeScript and Go SDKs ask
// for (@pulumi/pulumi ^3.142.0; github.com/pulumi/pulumi/sdk/v3 v3.142.0 in
// the Go SDK's go.mod, whose go line follows from it). The Go SDK is built
// against exactly this version by the sdkgen tests.
const PulumiSdkFloor = "3.142.0"

// GoImportBasePath is the Go SDK's import path, and its module path: the
// SDK is a module of its own (sdk/go/xaccount/go.mod), so importers get its
// go line, not this repository's, and the Go language host finds
// pulumi-plugin.json at the module's root.
const GoImportBasePath = "github.com/xaccount/xaccount-api/sdk/go/xaccount"

// languages are the SDKs' package names and options.
var languages = map[string]any{
	"nodejs": map[string]any{
		"packageName":          "@xaccount/xaccount",
		"respectSchemaVersion": true,
		"dependencies":         map[string]string{"@pulumi/pulumi": "^" + PulumiSdkFloor},
	},
	"python": map[string]any{
		"packageName":          "pulumi_xaccount",
		"respectSchemaVersion": true,
		"pyproject":            map[string]any{"enabled": true},
	},
	"go": map[string]any{
		"importBasePath":                 GoImportBasePath,
		"generateResourceContainerTypes": true,
		"respectSchemaVersion":           true,
	},
}
