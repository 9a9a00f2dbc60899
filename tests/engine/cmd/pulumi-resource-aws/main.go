// Command pulumi-resource-aws is the simulated AWS provider plugin of the
// engine tests (package fakeaws), installed into a private PULUMI_HOME as
// resource plugin aws 6.83.4. It is never a real AWS provider.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

func main() {
	dir := os.Getenv(fakeaws.EnvStateDir)
	if dir == "" {
		fmt.Fprintf(os.Stderr, "pulumi-resource-aws (simulated): %s must name the simulated cloud's folder\n", fakeaws.EnvStateDir)
		os.Exit(1)
	}
	store, err := fakeaws.NewStore(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// One line per process, so the tests can count provider processes.
	if f, err := os.OpenFile(filepath.Join(dir, "processes.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil { //nolint:gosec // the test's own state folder

		_, _ = fmt.Fprintln(f, os.Getpid())
		_ = f.Close()
	}
	if err := provider.Main("aws", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return fakeaws.New(store), nil
	}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
