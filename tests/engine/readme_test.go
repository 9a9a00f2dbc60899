package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// readmeNeedsAWS are the README's commands that need a real AWS account
// (an S3 bucket for the state, a KMS key): the test lists them instead of
// running them, and a README command that is neither run nor listed here
// fails the test.
var readmeNeedsAWS = []string{
	"pulumi login s3://<state-bucket>/<prefix>",
	"pulumi stack init dev --secrets-provider 'awskms://alias/<kms-key>?region=<region>'",
}

// readmeNotRun are the README's commands this test does not run, with why.
var readmeNotRun = map[string]string{
	"make test": "the suite that runs this test; it is checked to be a target of the Makefile",
}

// readmePlaceholders are the values the test gives the README's <…>
// placeholders, as a reader replaces them: two accounts of their own (not the
// stack file's example IDs, so the commands that set them are seen to work)
// and the role the person signs in with.
var readmePlaceholders = map[string]string{
	"<passphrase>":            "readme-quick-start-passphrase",
	"<producer account ID>":   "123456789012",
	"<consumer account ID>":   "210987654321",
	"<your role or user ARN>": "arn:aws:iam::999988887777:role/readme-reader",
}

// readmeCommand is one command line of the README's shell blocks.
type readmeCommand struct {
	block int
	line  string
}

// readmeCommands are the command lines of the README's ```sh blocks, in
// order, without their trailing comments; comment lines are left out.
func readmeCommands(t *testing.T) []readmeCommand {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	require.NoError(t, err)
	var out []readmeCommand
	block, in := 0, false
	comment := regexp.MustCompile(`\s+#\s.*$`)
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case line == "```sh":
			in = true
			block++
		case in && line == "```":
			in = false
		case in:
			line = strings.TrimSpace(comment.ReplaceAllString(line, ""))
			if line != "" && !strings.HasPrefix(line, "#") {
				out = append(out, readmeCommand{block, line})
			}
		}
	}
	return out
}

// TestReadmeCommandsRunAsWritten runs the shell commands of the README as a
// reader would, in a copy of the project: the offline ones (`go run
// ./cmd/plan …`) as they are, the Pulumi ones (`pulumi login
// "file://$HOME"`, `pulumi stack init`, `pulumi config set`, `pulumi preview`, `up`,
// `destroy`) with the Pulumi CLI the engine tests build, its stand-in Go
// language host and the simulated AWS plugin, in a home folder of their own
// (so ~/.pulumi is a fresh folder). Each <…> is replaced the way the
// quick start tells the reader. What the README leaves to a person is done
// the way it says: after the `--iam --trust` command, an administrator
// creates the printed roles (with their boundary) in each account and the
// reader adds the printed profiles to ~/.aws/config, with their own profile
// as the source; the producer account has API Gateway's CloudWatch Logs role
// (the checklist). `pulumi up` and `destroy` ask for a confirmation, which
// PULUMI_SKIP_CONFIRMATIONS gives, as a reader answers yes. Commands that
// need AWS are listed (readmeNeedsAWS), never skipped silently; a command of
// another kind fails the test.
func TestReadmeCommandsRunAsWritten(t *testing.T) {
	t.Parallel()
	commands := readmeCommands(t)
	require.NotEmpty(t, commands)

	home := t.TempDir()
	project := filepath.Join(home, "xaccount-api")
	copyProject(t, project)
	pulumiHome := filepath.Join(home, "pulumi-home")
	cloudDir := t.TempDir()
	store, err := fakeaws.NewStore(cloudDir)
	require.NoError(t, err)
	producer, consumer := readmePlaceholders["<producer account ID>"], readmePlaceholders["<consumer account ID>"]
	person := readmePlaceholders["<your role or user ARN>"]
	require.NoError(t, seedLogRole(store, producer), "the producer account has API Gateway's CloudWatch Logs role")

	env := readmeEnv(t, home, pulumiHome, cloudDir, person)
	install := exec.Command(cliBinary(), "plugin", "install", "resource", "aws", fakeaws.Version, "--file", fakePlugin)
	install.Env = env.list()
	out, err := install.CombinedOutput()
	require.NoErrorf(t, err, "install the simulated aws plugin into the test's PULUMI_HOME:\n%s", out)

	var needsAWS []string
	ran := map[string]bool{}
	for _, c := range commands {
		line := c.line
		switch {
		case slices.Contains(readmeNeedsAWS, line):
			needsAWS = append(needsAWS, line)
			t.Logf("needs AWS, not run: %s", line)
			continue
		case readmeNotRun[line] != "":
			t.Logf("not run: %s (%s)", line, readmeNotRun[line])
			if line == "make test" {
				makefile, err := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
				require.NoError(t, err)
				assert.Contains(t, string(makefile), "\ntest:", "make test is a target")
			}
			continue
		}
		filled := line
		for k, v := range readmePlaceholders {
			filled = strings.ReplaceAll(filled, k, v)
		}
		require.NotRegexpf(t, `<[^<>]+>`, filled, "README block %d: %q has a placeholder the test has no value for", c.block, line)
		switch {
		case strings.HasPrefix(line, "export "):
			name, _, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
			require.True(t, ok, line)
			value := run(t, project, env, filled+"; printf %s \"$"+name+"\"")
			env.set(name, value)
		case strings.HasPrefix(line, "go run ./cmd/plan "):
			printed := run(t, project, env, filled)
			if strings.Contains(line, "--iam --trust") {
				actAsAdministrator(t, project, store, person, printed, home)
			} else {
				assert.Containsf(t, printed, "Plan for xaccount-api, stack dev", "%s plans the dev stack", line)
			}
		case strings.HasPrefix(line, "pulumi login") && !strings.Contains(line, "$HOME"):
			// Pulumi resolves --local and file://~ from the user database,
			// not $HOME: run here, the state would land in the real home.
			t.Fatalf("README block %d: %q logs in outside $HOME, where this test cannot give it a folder of its own", c.block, line)
		case strings.HasPrefix(line, "pulumi "):
			run(t, project, env, filled)
			if line == "pulumi up" {
				requireDeployedInto(t, store, producer, consumer)
			}
		default:
			t.Fatalf("README block %d: %q is neither run by this test nor listed as needing AWS", c.block, line)
		}
		ran[strings.Fields(line)[0]+" "+strings.Fields(line)[1]] = true
	}
	assert.Equal(t, readmeNeedsAWS, needsAWS, "every command listed as needing AWS is in the README")
	for _, step := range []string{"pulumi login", "pulumi stack", "pulumi config", "pulumi preview", "pulumi up", "pulumi destroy", "go run"} {
		assert.Truef(t, ran[step], "the README's %s ran", step)
	}

	// The destroy removed what the up created; the state stayed in
	// ~/.pulumi, where `pulumi login --local` keeps it.
	require.NoError(t, store.View(func(c *fakeaws.Cloud) error {
		assert.Empty(t, c.RestApis, "destroy deleted the API")
		assert.Empty(t, c.Endpoints, "destroy deleted the endpoint")
		return nil
	}))
	checkpoints, err := filepath.Glob(filepath.Join(home, ".pulumi", "stacks", "xaccount-api", "dev.json*"))
	require.NoError(t, err)
	if !assert.NotEmpty(t, checkpoints, "pulumi login --local keeps the state in ~/.pulumi") {
		_ = filepath.WalkDir(filepath.Join(home, ".pulumi"), func(p string, _ os.DirEntry, _ error) error {
			t.Log(p)
			return nil
		})
	}
}

// requireDeployedInto checks that an up put the API into the producer
// account and the endpoint into the consumer account the reader named.
func requireDeployedInto(t *testing.T, store *fakeaws.Store, producer, consumer string) {
	t.Helper()
	require.NoError(t, store.View(func(c *fakeaws.Cloud) error {
		var apis, endpoints []string
		for _, a := range c.RestApis {
			apis = append(apis, a.Account)
		}
		for _, e := range c.Endpoints {
			endpoints = append(endpoints, e.Account)
		}
		assert.Equal(t, []string{producer}, apis, "the API is in the reader's producer account")
		assert.Equal(t, []string{consumer}, endpoints, "the endpoint is in the reader's consumer account")
		return nil
	}))
}

// readmeEnvironment is the environment the README's commands run in.
type readmeEnvironment map[string]string

func (e readmeEnvironment) set(k, v string) { e[k] = v }

func (e readmeEnvironment) list() []string {
	out := make([]string, 0, len(e))
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// readmeEnv is this process's environment for a reader's shell: HOME is a
// fresh folder (so ~/.pulumi and ~/.aws are the test's), the Go caches stay
// the ones this process uses (an empty cache would rebuild the SDKs), the
// Pulumi CLI under test and its stand-in Go language host come first on
// PATH, and the simulated AWS plugin reads its cloud and the shared config
// from the test's folders as the reader's identity. No backend or
// passphrase is inherited: the README's commands set them.
func readmeEnv(t *testing.T, home, pulumiHome, cloudDir, person string) readmeEnvironment {
	t.Helper()
	env := readmeEnvironment{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PULUMI_") || strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "FAKEAWS_") {
			continue
		}
		env[k] = v
	}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOTOOLCHAIN", "GOFLAGS", "GOPROXY", "GONOSUMDB", "GOPRIVATE", "GOENV"} {
		out, err := goCmd(repoRoot, "env", k).Output()
		require.NoError(t, err)
		if v := strings.TrimSpace(string(out)); v != "" {
			env[k] = v
		}
	}
	goPath, err := exec.LookPath(goCmd(repoRoot).Path)
	require.NoError(t, err)
	goBin := filepath.Dir(goPath)
	env["HOME"] = home
	env["PATH"] = filepath.Join(cliRoot, "bin") + string(os.PathListSeparator) + goBin + string(os.PathListSeparator) + env["PATH"]
	env["PULUMI_HOME"] = pulumiHome
	env["PULUMI_SKIP_UPDATE_CHECK"] = "true"
	env["PULUMI_IGNORE_AMBIENT_PLUGINS"] = "true"
	env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] = "true"
	env["PULUMI_DIY_BACKEND_NO_LEGACY_WARNING"] = "true"
	env["PULUMI_SKIP_CONFIRMATIONS"] = "true"
	env[fakeaws.EnvStateDir] = cloudDir
	env[fakeaws.EnvAwsConfigFile] = filepath.Join(home, ".aws", "config")
	env[fakeaws.EnvCaller] = person
	return env
}

// run runs one command line of the README in bash, in dir, and returns what
// it printed on stdout; a failure ends the test with both streams.
func run(t *testing.T, dir string, env readmeEnvironment, line string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", line)
	cmd.Dir = dir
	cmd.Env = env.list()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s (%v)", line, time.Since(start).Round(100*time.Millisecond))
	require.NoErrorf(t, err, "%s\nstdout:\n%s\nstderr:\n%s", line, stdout.String(), stderr.String())
	return stdout.String()
}

// actAsAdministrator does what the quick start's comment asks of people
// after `go run ./cmd/plan --stack dev --iam --trust <ARN>`: an administrator
// of each account creates the printed roles and their permissions boundary
// (in the simulated IAM; they are the roles plan.Roles gives for the stack
// file as the commands left it, trusting that person), and the reader adds
// the printed profiles to ~/.aws/config with the profile they sign in with
// (YOUR_PROFILE in the output; in the simulated AWS, a profile without a
// role stands for the reader's own credentials).
func actAsAdministrator(t *testing.T, project string, store *fakeaws.Store, person, printed, home string) {
	t.Helper()
	raw, err := plan.ReadConfigFile(filepath.Join(project, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	p, err := plan.RunForRoles(project, "dev", raw)
	require.NoError(t, err)
	set, err := p.Roles(plan.IamOptions{Trust: person})
	require.NoError(t, err)
	roles := map[string]fakeaws.IamRole{}
	boundaries := map[string]string{}
	for account, a := range set.Accounts {
		for _, r := range a.Roles {
			roles[r.Arn] = fakeaws.IamRole{Account: account, Policy: mustJSON(t, r.Policy), Trust: mustJSON(t, r.Trust)}
			assert.Containsf(t, printed, r.Arn, "the command printed the role %s", r.Arn)
		}
		if a.Boundary != nil {
			boundaries[a.Boundary.Arn] = mustJSON(t, a.Boundary.Policy)
		}
	}
	require.NotEmpty(t, roles)
	require.NoError(t, store.PutRoles(roles))
	require.NoError(t, store.PutManagedPolicies(boundaries))

	i := strings.Index(printed, "[profile ")
	require.GreaterOrEqualf(t, i, 0, "the command ends with the ~/.aws/config profiles:\n%s", printed)
	profiles := strings.ReplaceAll(printed[i:], "YOUR_PROFILE", "me")
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".aws"), 0o700))
	config := fmt.Sprintf("[profile me]\nregion = eu-west-1\n\n%s", profiles)
	require.NoError(t, os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(config), 0o600))
}

// seedLogRole gives an account API Gateway's CloudWatch Logs role in
// eu-west-1, as the checklist before a first up asks.
func seedLogRole(store *fakeaws.Store, account string) error {
	return store.Update(func(c *fakeaws.Cloud) error {
		role := "arn:aws:iam::" + account + ":role/apigateway-cloudwatch"
		c.Roles[role] = account
		c.AccountRoles[account+"/eu-west-1"] = role
		return nil
	})
}

// copyProject copies the project as a reader's checkout has it (the files
// git tracks or would track, or every file outside the caches where there is
// no git) into dir, without the folders the program and
// the plan do not build from (tests, examples, SDKs, docs, workflows, the
// component package's own module).
func copyProject(t *testing.T, dir string) {
	t.Helper()
	var files []string
	if out, err := exec.Command("git", "-C", repoRoot, "ls-files", "--cached", "--others", "--exclude-standard").Output(); err == nil {
		files = strings.Split(strings.TrimSpace(string(out)), "\n")
	} else {
		// Not a git checkout (an unpacked archive): every file but the
		// gitignored caches.
		require.NoError(t, filepath.WalkDir(repoRoot, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == ".cache" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if !d.IsDir() {
				rel, err := filepath.Rel(repoRoot, path)
				if err != nil {
					return err
				}
				files = append(files, filepath.ToSlash(rel))
			}
			return nil
		}))
	}
	n := 0
	for _, f := range files {
		if f == "" {
			continue
		}
		skip := false
		for _, prefix := range []string{"tests/", "examples/", "sdk/", "docs/", ".github/", "cmd/pulumi-resource-xaccount/"} {
			skip = skip || strings.HasPrefix(f, prefix)
		}
		src := filepath.Join(repoRoot, filepath.FromSlash(f))
		info, err := os.Lstat(src)
		if skip || err != nil || !info.Mode().IsRegular() {
			continue // skipped, or deleted in the working tree
		}
		dst := filepath.Join(dir, filepath.FromSlash(f))
		require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
		copyFile(t, src, dst)
		n++
	}
	require.Greater(t, n, 50, "the project's files were copied")
}
