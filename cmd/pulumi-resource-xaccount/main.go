// Command pulumi-resource-xaccount is the component provider of the xaccount
// package: `pulumi package add` gives TypeScript, Python, YAML and Go stacks
// the components of github.com/xaccount/xaccount-api/components.
package main

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"strings"

	"github.com/xaccount/xaccount-api/cmd/pulumi-resource-xaccount/provider"
)

// Version is the provider's version, set at build time (go build -ldflags
// "-X main.Version=1.2.3", as make provider and provider-dist do); a plain
// go build, as in source-based use, takes the VERSION file's.
var Version = ""

//go:embed VERSION
var versionFile string

// version is Version, else the VERSION file's.
func version() string {
	if Version != "" {
		return Version
	}
	return strings.TrimSpace(versionFile)
}

func main() {
	prov, err := provider.New()
	if err == nil {
		err = prov.Run(context.Background(), provider.Name, version())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
