// Command plan shows, without any cloud or credentials, what a stack would
// deploy into each account: it runs the program under Pulumi's mock engine.
//
//	go run ./cmd/plan [--stack NAME | --config FILE] [--format text|json]
//
// Exit codes: 0 planned; 2 invalid config or usage (problems on stderr, one per
// line, nothing on stdout); 1 the program failed under the mock engine.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/internal/stack"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1
	exitInvalid = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("plan", flag.ContinueOnError)
	flags.SetOutput(stderr)
	stackName := flags.String("stack", "", "plan the stack NAME from Pulumi.NAME.yaml in the project root (default "+plan.DefaultStack+")")
	configFile := flags.String("config", "", "plan any file in the Pulumi.<stack>.yaml format")
	format := flags.String("format", "text", "output format: text or json")
	root := flags.String("root", ".", "the project root, where Pulumi.<stack>.yaml files live")
	if err := flags.Parse(args); err != nil {
		return exitInvalid
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "plan: unexpected argument %q\n", flags.Arg(0))
		return exitInvalid
	}
	if *stackName != "" && *configFile != "" {
		fmt.Fprintln(stderr, "plan: --stack and --config are exclusive; give one")
		return exitInvalid
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "plan: --format %q: expected text or json\n", *format)
		return exitInvalid
	}
	path, name := *configFile, plan.StackNameOf(*configFile)
	if path == "" {
		name = *stackName
		if name == "" {
			name = plan.DefaultStack
		}
		path = plan.StackFile(*root, name)
	}
	raw, err := plan.ReadConfigFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", path, err)
		return exitInvalid
	}
	p, err := plan.Run(name, raw)
	var invalid *stack.ConfigError
	switch {
	case errors.As(err, &invalid):
		for _, problem := range invalid.Problems {
			fmt.Fprintln(stderr, problem)
		}
		return exitInvalid
	case err != nil:
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return exitFailed
	}
	var out bytes.Buffer
	if *format == "json" {
		b, err := p.JSON()
		if err != nil {
			fmt.Fprintf(stderr, "plan: %v\n", err)
			return exitFailed
		}
		out.Write(b)
	} else if err := p.WriteText(&out); err != nil {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return exitFailed
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return exitFailed
	}
	return exitOK
}
