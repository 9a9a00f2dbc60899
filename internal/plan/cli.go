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

	"github.com/xaccount/xaccount-api/internal/awspartition"
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
	repo := flags.String("repo", "", "with --iam or --aws-config, required: the repository (owner/name; owner@<id>/name@<id> with immutable subject claims) whose OIDC subjects the pipeline roles trust")
	trust := flags.String("trust", "", "with --iam, instead of --repo: the ARN of a person's IAM role or user the deployer and preview roles trust (a trial from a laptop); no pipeline roles then")
	stateBucket := flags.String("state-bucket", "", "with --iam: the S3 bucket of the DIY state backend the pipeline roles use")
	statePrefix := flags.String("state-prefix", "", "with --iam: the key prefix of the stack state in --state-bucket, the path of s3://<bucket>/<prefix> (a folder: xa, /xa and xa/ are the same)")
	deployed := flags.String("deployed", "", "with --iam or --aws-config: the stack file as it is deployed now (e.g. git show main:Pulumi.dev.yaml > deployed.yaml); the roles then also cover what it registers, for the up that moves the stack from it to this file")
	root := flags.String("root", "", "the project root, where Pulumi.<stack>.yaml files live (default: the nearest folder up from here with a Pulumi.yaml)")
	check := flags.Bool("check", false, "instead of the plan, run the preflight against the accounts: the reads pulumi preview makes before anything is created "+
		"(the producer's API Gateway CloudWatch Logs role, existing VPCs' DNS attributes and private-DNS endpoints), through the AWS provider plugin with the "+
		"stack file's profiles or roles (give it the preview roles: --aws-config preview); problems exit 2 as config problems do, unreadable checks are warnings")
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
			for _, line := range strings.Split(err.Error(), "\n") {
				fmt.Fprintf(stderr, "plan: --topology: %s\n", line)
			}
			return exitInvalid
		}
		return exitOK
	}
	// Every usage problem, reported together.
	var usage []string
	bad := func(format string, args ...any) { usage = append(usage, "plan: "+fmt.Sprintf(format, args...)) }
	if *check && (*iam || *awsConfig != "" || *deployed != "" || *format != "text") {
		bad("--check runs alone: it takes --stack or --config (and --root), not --iam, --aws-config, --deployed or --format")
	}
	if *iam && *awsConfig != "" {
		bad("--iam and --aws-config are exclusive; give one")
	}
	if *awsConfig != "" && *awsConfig != "deployer" && *awsConfig != "preview" {
		bad("--aws-config %q: expected deployer or preview", *awsConfig)
	}
	if *deployed != "" && !*iam && *awsConfig == "" {
		bad("--deployed needs --iam or --aws-config: it widens the roles to the deployed stack file's")
	}
	if *statePrefix != "" && *stateBucket == "" {
		bad("--state-prefix needs --state-bucket")
	}
	if *stateBucket != "" {
		// Both flags' problems, with every other usage problem, before any plan.
		if err := iampolicy.ValidateState(*stateBucket, *statePrefix); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				bad("--state-bucket/--state-prefix: %s", line)
			}
		}
	}
	switch {
	case *trust != "":
		usage = append(usage, trustProblems(*trust, *iam, *repo != "", *awsConfig != "", *stateBucket != "")...)
	case (*iam || *awsConfig != "") && *repo == "":
		bad("--iam and --aws-config need --repo owner/name: the pipeline roles trust that repository's OIDC subjects (or, for a trial, --iam --trust <your role or user ARN>)")
	}
	if *repo != "" && !repoPattern.MatchString(*repo) {
		bad("--repo %q: expected owner/name, or owner@<owner id>/name@<repository id> for a repository with immutable OIDC subject claims", *repo)
	}
	if *stackName != "" {
		if err := CheckStackName(*stackName); err != nil {
			fmt.Fprintf(stderr, "plan: --stack: %v\n", err)
			return exitInvalid
		}
	}
	if *stackName != "" && *configFile != "" {
		bad("--stack and --config are exclusive; give one")
	}
	if *format != "text" && *format != "json" {
		bad("--format %q: expected text or json", *format)
	}
	if len(usage) > 0 {
		for _, u := range usage {
			fmt.Fprintln(stderr, u)
		}
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
	if *check {
		return runCheck(filepath.Dir(path), name, raw, stdout, stderr)
	}
	run := RunIn
	if *iam || *awsConfig != "" {
		run = RunForRoles // roles for the whole lifecycle, the bootstrap's last step included
	}
	p, err := run(filepath.Dir(path), name, raw)
	var invalid *config.Error
	switch {
	case errors.As(err, &invalid):
		writeProblems(stderr, path, invalid)
		return exitInvalid
	case err != nil:
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return exitFailed
	}
	var out bytes.Buffer
	if *trust != "" {
		// The partition is the stack's region's, known once the file is read.
		if err := iampolicy.CheckPrincipal(*trust, awspartition.Of(p.Region)); err != nil {
			fmt.Fprintf(stderr, "plan: --trust %v\n", err)
			return exitInvalid
		}
	}
	iamOpts := IamOptions{Repo: *repo, Trust: *trust, StateBucket: *stateBucket, StatePrefix: *statePrefix}
	if *deployed != "" {
		before, err := ReadConfigFile(*deployed)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", *deployed, err)
			return exitInvalid
		}
		// Planned beside the new file: the stacks it references are the project's.
		if iamOpts.Deployed, err = RunForRoles(filepath.Dir(path), name, before); err != nil {
			if errors.As(err, &invalid) {
				writeProblems(stderr, *deployed, invalid)
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

// trustProblems are the usage problems of --trust arn: it goes with --iam
// only, instead of --repo (the roles trust the person or the pipeline,
// never both: a person's access must not stay in the pipeline's roles),
// and without the pipeline's state flags; arn must be a role's or user's
// (the partition is checked against the stack's region later).
func trustProblems(arn string, iam, repo, awsConfig, stateBucket bool) []string {
	var out []string
	if err := iampolicy.CheckPrincipal(arn, principalPartition(arn)); err != nil {
		out = append(out, fmt.Sprintf("plan: --trust %v", err))
	}
	if !iam {
		out = append(out, fmt.Sprintf("plan: --trust %q needs --iam: it prints the deployer and preview roles trusting that principal", arn))
	}
	if repo {
		out = append(out, "plan: --trust and --repo are exclusive: --trust prints roles for a person's trial, --repo the pipeline's; run --iam once for each")
	}
	if awsConfig {
		out = append(out, "plan: --trust and --aws-config are exclusive: --aws-config writes a pipeline job's config; --iam --trust prints the profiles for your own")
	}
	if stateBucket {
		out = append(out, "plan: --trust and --state-bucket are exclusive: the state permissions are the pipeline roles', which --trust does not print")
	}
	return out
}

// principalPartition is the partition an ARN names ("" for none), so that
// CheckPrincipal judges its form before the stack's region is known.
func principalPartition(arn string) string {
	if parts := strings.SplitN(arn, ":", 3); len(parts) == 3 {
		return parts[1]
	}
	return ""
}

// repoPattern is a GitHub repository, owner/name, with the owner's and the
// repository's IDs (owner@1234/name@5678) where its OIDC subjects carry
// them (immutable subject claims).
var repoPattern = regexp.MustCompile(`^[A-Za-z0-9-]+(@[0-9]+)?/[A-Za-z0-9._-]+(@[0-9]+)?$`)

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

// runCheck is --check: the preflight against the accounts (Check).
func runCheck(dir, name string, raw RawConfig, stdout, stderr io.Writer) int {
	res, err := Check(dir, name, raw, CheckOptions{})
	var invalid *config.Error
	switch {
	case errors.As(err, &invalid):
		writeProblems(stderr, name, invalid)
		return exitInvalid
	case err != nil:
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return exitFailed
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "warning: "+w)
	}
	fmt.Fprintf(stdout, "preflight of stack %s: %d read(s) from the accounts, no problem found", name, res.Reads)
	if len(res.Warnings) > 0 {
		fmt.Fprintf(stdout, "; %d check(s) could not read what they need (warnings above)", len(res.Warnings))
	}
	fmt.Fprintln(stdout)
	return exitOK
}

// writeProblems writes an invalid stack file's problems: the file and their
// count on one line, then one bullet line per problem, each naming its key.
func writeProblems(w io.Writer, path string, invalid *config.Error) {
	lines := make([]string, len(invalid.Problems))
	for i, p := range invalid.Problems {
		lines[i] = p.String()
	}
	fmt.Fprintf(w, "%s: %s:\n%s\n", path, invalid.Count(), config.Bullets(lines))
}
