// Command pulumi-resource-xaccount is the component provider of the xaccount
// package: `pulumi package add` gives TypeScript, Python, YAML and Go stacks
// the components of github.com/xaccount/xaccount-api/components.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/xaccount/xaccount-api/cmd/pulumi-resource-xaccount/provider"
)

// Version is the provider's version, set at build time:
// go build -ldflags "-X main.Version=1.2.3".
var Version = "0.0.1-dev"

func main() {
	prov, err := provider.New()
	if err == nil {
		err = prov.Run(context.Background(), provider.Name, Version)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
