package plan

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/iampolicy"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1
	exitInvalid = 2
)

// Main is the plan command without the process: it parses args, writes the
// plan to stdout or the problems to stderr, and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		// A bug must still end in one line and exit 1, never a stack trace.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "plan: internal error: %v\n", r)
			code = exitFailed
		}
	}()
	flags := flag.NewFlagSet("plan", flag.ContinueOnError)
	flags.SetOutput(stderr)
	stackName := flags.String("stack", "", "plan the stack NAME from Pulumi.NAME.yaml in the project root (default "+DefaultStack+")")
	configFile := flags.String("config", "", "plan any file in the Pulumi.<stack>.yaml format")
	format := flags.String("format", "text", "output format: text or json")
	iam := flags.Bool("iam", false, "print the stack's IAM roles instead of the plan: per account the deployer and preview roles, and the deploy and preview pipeline roles (--format json: one object)")
	awsConfig := flags.String("aws-config", "", "print the shared AWS config (one profile per profile the stack file names) for pipeline jobs of this kind: deployer or preview")
	repo := flags.String("repo", "", "with --iam or --aws-config, required: the repository (owner/name) whose OIDC subjects the pipeline roles trust")
	stateBucket := flags.String("state-bucket", "", "with --iam: the S3 bucket of the DIY state backend the pipeline roles use")
	statePrefix := flags.String("state-prefix", "", "with --iam: the key prefix of the stack state in --state-bucket, the path of s3://<bucket>/<prefix> (a folder: xa, /xa and xa/ are the same)")
	deployed := flags.String("deployed", "", "with --iam or --aws-config: the stack file as it is deployed now (e.g. git show main:Pulumi.dev.yaml > deployed.yaml); the roles then also cover what it registers, for the up that moves the stack from it to this file")
	root := flags.String("root", "", "the project root, where Pulumi.<stack>.yaml files live (default: the nearest folder up from here with a Pulumi.yaml)")
	topology := flags.Bool("topology", false, "print the split topology of the project root's stack files as workflow outputs (producer=<stack>, consumers=<JSON list>, stacks=<JSON list of both>) instead of a plan")
	if err := flags.Parse(args); err != nil {
		return exitInvalid
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "plan: unexpected argument %q\n", flags.Arg(0))
		return exitInvalid
	}
	if *topology {
		if err := writeTopology(stdout, rootOr(*root)); err != nil {
			fmt.Fprintf(stderr, "plan: --topology: %v\n", err)
			return exitInvalid
		}
		return exitOK
	}
	if *iam && *awsConfig != "" {
		fmt.Fprintln(stderr, "plan: --iam and --aws-config are exclusive; give one")
		return exitInvalid
	}
	if *awsConfig != "" && *awsConfig != "deployer" && *awsConfig != "preview" {
		fmt.Fprintf(stderr, "plan: --aws-config %q: expected deployer or preview\n", *awsConfig)
		return exitInvalid
	}
	if *deployed != "" && !*iam && *awsConfig == "" {
		fmt.Fprintln(stderr, "plan: --deployed needs --iam or --aws-config: it widens the roles to the deployed stack file's")
		return exitInvalid
	}
	if *statePrefix != "" && *stateBucket == "" {
		fmt.Fprintln(stderr, "plan: --state-prefix needs --state-bucket")
		return exitInvalid
	}
	if *stateBucket != "" {
		// Both flags' problems at once, before any plan.
		if err := iampolicy.ValidateState(*stateBucket, *statePrefix); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				fmt.Fprintf(stderr, "plan: --state-bucket/--state-prefix: %s\n", line)
			}
			return exitInvalid
		}
	}
	switch {
	case (*iam || *awsConfig != "") && *repo == "":
		fmt.Fprintln(stderr, "plan: --iam and --aws-config need --repo owner/name: the pipeline roles trust that repository's OIDC subjects")
		return exitInvalid
	case *repo != "" && !repoPattern.MatchString(*repo):
		fmt.Fprintf(stderr, "plan: --repo %q: expected owner/name\n", *repo)
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
	path, name := *configFile, StackNameOf(*configFile)
	if path == "" {
		name = *stackName
		if name == "" {
			name = DefaultStack
		}
		dir := *root
		if dir == "" {
			dir = FindProjectRoot()
		}
		path = StackFile(dir, name)
	}
	raw, err := ReadConfigFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", path, err)
		return exitInvalid
	}
	run := RunIn
	if *iam || *awsConfig != "" {
		run = RunForRoles // roles for the whole lifecycle, the bootstrap's last step included
	}
	p, err := run(filepath.Dir(path), name, raw)
	var invalid *config.Error
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
	iamOpts := IamOptions{Repo: *repo, StateBucket: *stateBucket, StatePrefix: *statePrefix}
	if *deployed != "" {
		before, err := ReadConfigFile(*deployed)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", *deployed, err)
			return exitInvalid
		}
		// Planned beside the new file: the stacks it references are the project's.
		if iamOpts.Deployed, err = RunForRoles(filepath.Dir(path), name, before); err != nil {
			if errors.As(err, &invalid) {
				for _, problem := range invalid.Problems {
					fmt.Fprintf(stderr, "%s: %s\n", *deployed, problem)
				}
				return exitInvalid
			}
			fmt.Fprintf(stderr, "plan: --deployed %s: %v\n", *deployed, err)
			return exitFailed
		}
	}
	if *iam || *awsConfig != "" {
		var err error
		switch {
		case *awsConfig != "":
			err = p.WriteAwsConfig(&out, *awsConfig, iamOpts)
		case *format == "json":
			err = p.WriteIamJson(&out, iamOpts)
		default:
			err = p.WriteIam(&out, iamOpts)
		}
		if err != nil {
			fmt.Fprintf(stderr, "plan: %v\n", err)
			return exitFailed
		}
	} else if *format == "json" {
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

// repoPattern is a GitHub repository, owner/name.
var repoPattern = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)

// FindProjectRoot is the nearest folder, from the working directory up, that
// holds a Pulumi.yaml; the working directory when there is none.
func FindProjectRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "Pulumi.yaml")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}
