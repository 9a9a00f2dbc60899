package tests

import (
	"bufio"
	"fmt"
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
			requireProblemList(t, stderr, file)
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

// requireProblemList checks the plan's report of an invalid file: the file
// and the number of problems on the first line ("<file>: 2 problems:"),
// then exactly that many bullet lines, each naming its key.
func requireProblemList(t *testing.T, stderr, file string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	require.NotEmpty(t, lines)
	var n int
	_, err := fmt.Sscanf(strings.TrimPrefix(lines[0], file+": "), "%d problem", &n)
	require.NoErrorf(t, err, "the first line names the file and counts the problems: %q", lines[0])
	require.Truef(t, strings.HasSuffix(lines[0], ":"), "the count ends in a colon: %q", lines[0])
	assert.Lenf(t, lines[1:], n, "one bullet line per problem counted:\n%s", stderr)
	for _, line := range lines[1:] {
		assert.Truef(t, strings.HasPrefix(line, "  * "+config.Namespace+":"), "each problem is a bullet naming its key: %q", line)
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

// TestPlanListsEveryProblem: two and three problems in one stack file are
// each a bullet line of their own under their count, none folded into
// another's line.
func TestPlanListsEveryProblem(t *testing.T) {
	dev, err := os.ReadFile(filepath.Join(projectRoot, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		changes []string
		want    []string
	}{
		{"two", []string{"xaccount-api:region: eu-west-1", "xaccount-api:region: mars-1"},
			[]string{`xaccount-api:region: got "mars-1"`, `xaccount-api:consumers[0].accountId: got "22222222222"`}},
		{"three", []string{"xaccount-api:region: eu-west-1", "xaccount-api:region: mars-1",
			`accountId: "111111111111"`, `accountId: "1111"`},
			[]string{`xaccount-api:region: got "mars-1"`, `xaccount-api:producer.accountId: got "1111"`, `xaccount-api:consumers[0].accountId: got "22222222222"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := strings.Replace(string(dev), `accountId: "222222222222"`, `accountId: "22222222222"`, 1)
			for i := 0; i+1 < len(tc.changes); i += 2 {
				require.Contains(t, s, tc.changes[i])
				s = strings.Replace(s, tc.changes[i], tc.changes[i+1], 1)
			}
			file := filepath.Join(t.TempDir(), "Pulumi.dev.yaml")
			require.NoError(t, os.WriteFile(file, []byte(s), 0o600))
			code, stdout, stderr := runCLI("--config", file)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			require.Lenf(t, lines, len(tc.want)+1, "a count line and one line per problem:\n%s", stderr)
			assert.Equal(t, fmt.Sprintf("%s: %d problems:", file, len(tc.want)), lines[0])
			for i, w := range tc.want {
				assert.Truef(t, strings.HasPrefix(lines[i+1], "  * "+w), "line %d is the bullet of %q: %q", i+1, w, lines[i+1])
			}
		})
	}
}
