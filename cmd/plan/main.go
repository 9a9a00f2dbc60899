// Command plan shows, without any cloud or credentials, what a stack would
// deploy into each account: it runs the program under Pulumi's mock engine.
//
//	go run ./cmd/plan [--stack NAME | --config FILE] [--format text|json]
//	go run ./cmd/plan --check [--stack NAME | --config FILE]
//
// --check reads the accounts instead (the preflight pulumi preview runs,
// through the AWS provider plugin with the stack file's credentials).
//
// Exit codes: 0 planned (or checked); 2 invalid config or usage, or a
// problem the preflight found (problems on stderr, one per line, nothing on
// stdout); 1 the program failed under the mock engine.
package main

import (
	"os"

	"github.com/xaccount/xaccount-api/internal/plan"
)

func main() {
	os.Exit(plan.Main(os.Args[1:], os.Stdout, os.Stderr))
}
