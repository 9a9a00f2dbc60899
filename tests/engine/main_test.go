// Package engine runs the program under the real Pulumi engine: the Pulumi CLI
// built from source at the SDK's version, the program through the Automation
// API, and AWS simulated by the fakeaws provider plugin. It proves what the
// mock engine cannot: config validation, protect, replacement and deletion
// order, secrets and default providers, over whole lifecycles.
package engine

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// PulumiVersion is the CLI version built for the tests: the SDK's.
const PulumiVersion = "3.274.1"

// Paths and environment shared by every test, set up once in TestMain.
var (
	repoRoot   string // the project root (Pulumi.yaml, stack files)
	cliRoot    string // <cliRoot>/bin/pulumi
	pulumiHome string // private PULUMI_HOME with the simulated aws plugin
	baseEnv    map[string]string
	// programBinary is main.go built, for the runs through the language host.
	programBinary string
	// fakePlugin is the simulated aws plugin built, for a test that installs
	// it into a PULUMI_HOME of its own.
	fakePlugin string
)

func TestMain(m *testing.M) {
	code, err := setUp(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "engine tests: set-up failed:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setUp(m *testing.M) (int, error) {
	_, file, _, _ := runtime.Caller(0)
	here := filepath.Dir(file)
	repoRoot = filepath.Clean(filepath.Join(here, "..", ".."))
	cliRoot = filepath.Join(repoRoot, ".cache", "pulumi-v"+PulumiVersion)
	if err := ensureCLI(here); err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp("", "xaccount-engine-")
	if err != nil {
		return 0, err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	plugin := filepath.Join(tmp, "pulumi-resource-aws")
	fakePlugin = plugin
	// The Go language host is bundled with Pulumi: the CLI looks for it beside
	// its own binary, so the stand-in is built there (in .cache, test-only).
	languageHost := filepath.Join(cliRoot, "bin", "pulumi-language-go")
	programBinary = filepath.Join(tmp, "xaccount-api")
	for _, b := range []struct{ dir, out, pkg, what string }{
		{here, plugin, "./cmd/pulumi-resource-aws", "the simulated aws plugin"},
		{here, languageHost, "./cmd/pulumi-language-go", "the stand-in Go language host"},
		{repoRoot, programBinary, ".", "the program (main.go)"},
	} {
		if out, err := goCmd(b.dir, "build", "-o", b.out, b.pkg).CombinedOutput(); err != nil {
			return 0, fmt.Errorf("build %s: %w\n%s", b.what, err, out)
		}
	}
	pulumiHome = filepath.Join(tmp, "pulumi-home")
	baseEnv = map[string]string{
		"PULUMI_HOME":                                 pulumiHome,
		"PULUMI_IGNORE_AMBIENT_PLUGINS":               "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_CONFIG_PASSPHRASE":                    "engine-tests-passphrase",
		"PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK":    "true",
		"PULUMI_DIY_BACKEND_NO_LEGACY_WARNING":        "true",
	}
	install := exec.Command(cliBinary(), "plugin", "install", "resource", "aws", fakeaws.Version, "--file", plugin)
	install.Env = environ(baseEnv)
	if out, err := install.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("install the simulated aws plugin: %w\n%s", err, out)
	}
	return m.Run(), nil
}

// cliBinary is the Pulumi CLI the tests run.
func cliBinary() string { return filepath.Join(cliRoot, "bin", "pulumi") }

// ensureCLI builds the Pulumi CLI from the pkg/v3 module pinned in this
// module's go.mod, once: later runs reuse .cache (gitignored). The first
// build takes about 3 minutes and 2.3 GB; nothing is downloaded but modules.
func ensureCLI(moduleDir string) error {
	if _, err := os.Stat(cliBinary()); err == nil {
		return nil
	}
	fmt.Fprintf(os.Stderr, "engine tests: building the Pulumi CLI v%s from source into %s (first run only, about 3 minutes)\n", PulumiVersion, cliRoot)
	tmp := cliBinary() + ".partial"
	cmd := goCmd(moduleDir, "build",
		"-ldflags", "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v"+PulumiVersion,
		"-o", tmp, "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build the Pulumi CLI: %w\n%s", err, out)
	}
	return os.Rename(tmp, cliBinary())
}

// goCmd runs the go command the tests were started with (GOROOT/bin/go,
// as go test sets GOROOT), else the one on PATH.
func goCmd(dir string, args ...string) *exec.Cmd {
	goBin := "go"
	if root := os.Getenv("GOROOT"); root != "" {
		if _, err := os.Stat(filepath.Join(root, "bin", "go")); err == nil {
			goBin = filepath.Join(root, "bin", "go")
		}
	}
	cmd := exec.Command(goBin, args...)
	cmd.Dir = dir
	return cmd
}

// environ is the process environment with extra set on top.
func environ(extra map[string]string) []string {
	env := os.Environ()
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}
