package sdkgen

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blang/semver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/cmd/pulumi-resource-xaccount/provider"
)

// goCmd runs the go command in dir on that module alone (no workspace, no
// toolchain switch, go.mod and go.sum as they are unless env says
// otherwise) and returns its standard output.
func goCmd(t *testing.T, dir string, env []string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoErrorf(t, err, "go %s in %s: %s", strings.Join(args, " "), dir, stderr.String())
	return out
}

// goMod is the part of `go mod edit -json` the tests read.
type goMod struct {
	Module  struct{ Path string }
	Go      string
	Require []struct {
		Path     string
		Version  string
		Indirect bool
	}
	Replace []struct {
		Old struct{ Path string }
		New struct{ Path string }
	}
}

func readGoMod(t *testing.T, dir string) goMod {
	t.Helper()
	var m goMod
	require.NoError(t, json.Unmarshal(goCmd(t, dir, nil, "mod", "edit", "-json"), &m))
	return m
}

// goVersion parses a go line (1.21, 1.26.6) for comparison.
func goVersion(t *testing.T, v string) semver.Version {
	t.Helper()
	parsed, err := semver.ParseTolerant(v)
	require.NoErrorf(t, err, "go line %q", v)
	return parsed
}

// goSdkDir is the committed Go SDK's module folder.
func goSdkDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join(sdkDir, filepath.FromSlash(GoModuleDir)))
	require.NoError(t, err)
	return dir
}

// TestGoSdkIsAModuleOfItsOwn: sdk/go/xaccount has its own go.mod, whose
// module is the SDK's import path, whose only direct Pulumi requirement is
// the package's floor (provider.PulumiSdkFloor), and whose go line is the
// highest go line among the modules it needs (what go mod tidy derives, the
// lowest an importer can use), below this repository's. It builds and vets
// on its own with the committed go.mod and go.sum (-mod=readonly: nothing
// missing), so against exactly the floor.
func TestGoSdkIsAModuleOfItsOwn(t *testing.T) {
	dir := goSdkDir(t)
	require.FileExists(t, filepath.Join(dir, "go.mod"), "the Go SDK needs a go.mod of its own (make sdk)")
	require.FileExists(t, filepath.Join(dir, "go.sum"))
	m := readGoMod(t, dir)
	assert.Equal(t, provider.GoImportBasePath, m.Module.Path)
	assert.Empty(t, m.Replace, "an importer ignores a dependency's replace directives")
	var pulumiSdk string
	for _, r := range m.Require {
		if r.Path == "github.com/pulumi/pulumi/sdk/v3" {
			pulumiSdk = r.Version
			assert.False(t, r.Indirect)
		}
	}
	assert.Equal(t, "v"+provider.PulumiSdkFloor, pulumiSdk, "the SDK asks for the package's Pulumi SDK floor, as the TypeScript SDK does")

	// The highest go line among the modules of the build list.
	highest := goVersion(t, "1.17")
	dec := json.NewDecoder(bytes.NewReader(goCmd(t, dir, nil, "list", "-m", "-json", "all")))
	for dec.More() {
		var mod struct {
			Path      string
			Main      bool
			GoVersion string
		}
		require.NoError(t, dec.Decode(&mod))
		if mod.Main || mod.GoVersion == "" {
			continue
		}
		if v := goVersion(t, mod.GoVersion); v.GT(highest) {
			highest = v
		}
	}
	assert.Truef(t, goVersion(t, m.Go).Equals(highest), "the go line %s is the highest of the modules the SDK needs, %s", m.Go, highest)
	root := readGoMod(t, filepath.Join(sdkDir, ".."))
	assert.Truef(t, goVersion(t, m.Go).LT(goVersion(t, root.Go)),
		"importers of the SDK need go %s, not this repository's %s", m.Go, root.Go)

	docs, err := os.ReadFile(filepath.Join(sdkDir, "..", "docs", "components.md"))
	require.NoError(t, err)
	assert.Contains(t, string(docs), "it needs Go "+m.Go+" and Pulumi's Go SDK "+provider.PulumiSdkFloor+" or later",
		"the installation table of docs/components.md says what the Go SDK needs")

	goCmd(t, dir, nil, "build", "./...")
	goCmd(t, dir, nil, "vet", "./...")
}

// TestGoSdkPluginJsonIsAtTheModuleRoot: pulumi-plugin.json sits beside the
// root package at the module's root, and names the plugin, the release's
// version and where engines download it.
func TestGoSdkPluginJsonIsAtTheModuleRoot(t *testing.T) {
	version, err := os.ReadFile("../../VERSION")
	require.NoError(t, err)
	raw, err := os.ReadFile(filepath.Join(goSdkDir(t), "pulumi-plugin.json"))
	require.NoError(t, err)
	var plugin struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	}
	require.NoError(t, json.Unmarshal(raw, &plugin))
	assert.True(t, plugin.Resource)
	assert.Equal(t, provider.Name, plugin.Name)
	assert.Equal(t, strings.TrimSpace(string(version)), plugin.Version)
	assert.Equal(t, provider.PluginDownloadURL, plugin.Server)
}

// languageHostPluginJSON finds pulumi-plugin.json in a required module's
// directory as the Go language host does (readPulumiPluginJSON in
// pulumi/pulumi sdk/go/pulumi-language-go/main.go): the module's folder,
// its go/ folder, then go/*/ and, in newer hosts, */. It returns the first
// found, or "".
func languageHostPluginJSON(t *testing.T, moduleDir string) string {
	t.Helper()
	paths := []string{filepath.Join(moduleDir, "pulumi-plugin.json"), filepath.Join(moduleDir, "go", "pulumi-plugin.json")}
	for _, pattern := range []string{filepath.Join(moduleDir, "go", "*", "pulumi-plugin.json"), filepath.Join(moduleDir, "*", "pulumi-plugin.json")} {
		found, err := filepath.Glob(pattern)
		require.NoError(t, err)
		paths = append(paths, found...)
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// importerTest is a test of an importer's program: it registers a
// ConsumerVpc through the SDK under Pulumi's mocks and checks the token and
// input the engine would get.
const importerTest = `package importer

import (
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/xaccount/xaccount-api/sdk/go/xaccount/ec2"
)

type mocks struct {
	mu    sync.Mutex
	types map[string]resource.PropertyMap
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.types[args.TypeToken] = args.Inputs
	return args.Name + "-id", args.Inputs, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

func TestRegistersTheComponent(t *testing.T) {
	m := &mocks{types: map[string]resource.PropertyMap{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := ec2.NewConsumerVpc(ctx, "app", &ec2.ConsumerVpcArgs{Cidr: "10.20.0.0/24"})
		return err
	}, pulumi.WithMocks("importer", "dev", m))
	if err != nil {
		t.Fatal(err)
	}
	inputs, ok := m.types["xaccount:ec2:ConsumerVpc"]
	if !ok {
		t.Fatalf("no xaccount:ec2:ConsumerVpc registered: %v", m.types)
	}
	if got := inputs["cidr"].StringValue(); got != "10.20.0.0/24" {
		t.Fatalf("cidr %q", got)
	}
}
`

// TestAnImporterOnTheSdksGoLineBuildsAgainstIt: a module at the SDK's own go
// line that requires the SDK (a replace to the committed folder, as before a
// release) keeps its go line through go mod tidy (the SDK does not raise it
// to this repository's), and its test registers a component through the
// SDK. The Go language host, asked for that program's plugins, finds the
// SDK's pulumi-plugin.json in the SDK module's directory.
func TestAnImporterOnTheSdksGoLineBuildsAgainstIt(t *testing.T) {
	sdk := goSdkDir(t)
	line := readGoMod(t, sdk).Go
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/importer\n\ngo "+line+
		"\n\nrequire "+provider.GoImportBasePath+" v0.0.0\n\nreplace "+provider.GoImportBasePath+" => "+sdk+"\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "importer_test.go"), []byte(importerTest), 0o600))
	mod := []string{"GOFLAGS=-mod=mod"}
	goCmd(t, dir, mod, "mod", "tidy")
	assert.Equal(t, line, readGoMod(t, dir).Go, "the importer keeps its go line")
	goCmd(t, dir, nil, "test", "-count=1", "./...")

	var m modInfo
	require.NoError(t, json.Unmarshal(goCmd(t, dir, nil, "list", "-m", "-json", provider.GoImportBasePath), &m))
	found := languageHostPluginJSON(t, m.Dir)
	require.NotEmptyf(t, found, "the Go language host finds no pulumi-plugin.json for module %s in %s", m.Path, m.Dir)
	committed, err := os.ReadFile(filepath.Join(sdk, "pulumi-plugin.json"))
	require.NoError(t, err)
	got, err := os.ReadFile(found) //nolint:gosec // found under the SDK's module folder
	require.NoError(t, err)
	assert.Equal(t, committed, got)
}

// modInfo is what the Go language host reads of `go list -m -json`.
type modInfo struct {
	Path string
	Dir  string
}
