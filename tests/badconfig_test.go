package tests

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/internal/stack"
)

// wantedKeys reads the "# want: <key>" lines at the top of a bad config file.
func wantedKeys(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	var keys []string
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if key, ok := strings.CutPrefix(scanner.Text(), "# want: "); ok {
			keys = append(keys, strings.TrimSpace(key))
		}
	}
	require.NoError(t, scanner.Err())
	require.NotEmptyf(t, keys, "%s names no expected key in a '# want: <key>' line", file)
	return keys
}

// TestBadConfigsAreRefused runs the plan command on every file in
// testdata/bad: exit 2, nothing on stdout, every problem on its own line of
// stderr naming its key, and the program registers no resource.
func TestBadConfigsAreRefused(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 15)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			code, stdout, stderr := runCLI("--config", file, "--format", "json")
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout, "nothing on stdout for an invalid config")
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			for _, line := range lines {
				assert.Truef(t, strings.HasPrefix(line, config.Namespace+":"), "each line names its key: %q", line)
			}
			for _, key := range wantedKeys(t, file) {
				assert.Containsf(t, stderr, key+": ", "the message must name %s", key)
			}
			assert.NotContains(t, stderr, "goroutine", "no stack trace")

			raw, err := plan.ReadConfigFile(file)
			require.NoError(t, err)
			assertProgramRegistersNothing(t, raw)
		})
	}
}

// assertProgramRegistersNothing runs the real program (as pulumi up would,
// config in the engine's environment variables) and checks it registers nothing.
func assertProgramRegistersNothing(t *testing.T, raw plan.RawConfig) {
	t.Helper()
	env, err := awsmock.ConfigEnv(raw.Values, raw.SecretKeys)
	require.NoError(t, err)
	for k, v := range env {
		t.Setenv(k, v)
	}
	mocks := awsmock.New(config.Namespace, "bad")
	require.Error(t, mocks.Run(stack.Program))
	assert.Empty(t, mocks.Resources(), "no resource may be registered for an invalid config")
}

func TestMalformedFilesNeverPanic(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"broken.yaml":     "config: {a: [",
		"list.yaml":       "- a\n- b\n",
		"scalar.yaml":     "hello",
		"config-list.yml": "config:\n  - xaccount-api:region\n",
		"binary.yaml":     "\x00\x01\x02",
		"anchors.yaml":    "config:\n  xaccount-api:region: &r eu-west-1\n  xaccount-api:tags: {a: *r}\n  xaccount-api:producer: *r\n",
	} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(file, []byte(content), 0o600))
			code, stdout, stderr := runCLI("--config", file)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.NotEmpty(t, stderr)
		})
	}
	code, _, stderr := runCLI("--config", filepath.Join(dir, "missing.yaml"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "missing.yaml")
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--format", "yaml"},
		{"--stack", "dev", "--config", "x.yaml"},
		{"--nope"},
		{"extra"},
	} {
		code, stdout, stderr := runCLI(args...)
		assert.Equalf(t, 2, code, "%v", args)
		assert.Empty(t, stdout)
		assert.NotEmpty(t, stderr)
	}
}

// TestRefusedConfigs: files in testdata/refused are valid config that the
// program refuses once it reads AWS (the preflight, under the mock engine):
// exit 2 as for any config problem, the "# says:" text (which names the
// key) on stderr, nothing on stdout.
func TestRefusedConfigs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "refused", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			require.NoError(t, err)
			says, ok := strings.CutPrefix(strings.SplitN(string(b), "\n", 2)[0], "# says: ")
			require.True(t, ok, "the first line is '# says: <message>'")
			code, stdout, stderr := runCLI("--config", file)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, says)
		})
	}
}
