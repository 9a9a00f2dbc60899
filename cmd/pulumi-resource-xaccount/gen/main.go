// Command gen writes what `make sdk` generates from the components: the
// provider's docs.json (the components' doc comments) and, from the
// provider's schema, the SDKs under sdk/ of the repository, with pkg/v3's
// code generators (no language host needed).
//
//	go run ./gen docs        # provider/docs.json from ../../components
//	go run ./gen sdk DIR     # DIR/schema.json, DIR/nodejs, DIR/python, DIR/go (go mod tidy in its module)
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/xaccount/xaccount-api/cmd/pulumi-resource-xaccount/internal/fielddocs"
	"github.com/xaccount/xaccount-api/cmd/pulumi-resource-xaccount/internal/sdkgen"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 1 && args[0] == "docs":
		docs, err := fielddocs.Extract("../../components")
		if err != nil {
			return err
		}
		out, err := json.MarshalIndent(docs, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile("provider/docs.json", append(out, '\n'), 0o644)
	case len(args) == 2 && args[0] == "sdk":
		version, err := os.ReadFile("VERSION")
		if err != nil {
			return err
		}
		return sdkgen.Write(args[1], strings.TrimSpace(string(version)))
	}
	return fmt.Errorf("usage: gen docs | gen sdk DIR")
}
