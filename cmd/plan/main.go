// Command plan shows, without any cloud or credentials, what a stack would
// deploy into each account: it runs the program under Pulumi's mock engine.
//
//	go run ./cmd/plan [--stack NAME | --config FILE] [--format text|json]
//
// Exit codes: 0 planned; 2 invalid config or usage (on stderr the file and
// the number of problems, then one bullet line per problem naming its key;
// nothing on stdout); 1 the program failed under the mock engine.
package main

import (
	"os"

	"github.com/xaccount/xaccount-api/internal/plan"
)

func main() {
	os.Exit(plan.Main(os.Args[1:], os.Stdout, os.Stderr))
}
