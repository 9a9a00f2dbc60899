package tests

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/internal/stack"
)

// referenceSection is the README's configuration reference.
func referenceSection(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(projectRoot, "README.md"))
	require.NoError(t, err)
	s := string(b)
	start := strings.Index(s, "## Configuration reference")
	require.GreaterOrEqual(t, start, 0)
	s = s[start:]
	return s[:strings.Index(s[3:], "\n## ")+3]
}

// acceptedKeys asks the program itself which keys an object at path accepts:
// it adds an unknown key there and reads the "expected one of" list of the
// problem it reports.
func acceptedKeys(t *testing.T, raw plan.RawConfig, top string, set func(v map[string]any)) []string {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw.Values[stack.Namespace+":"+top]), &v), top)
	set(v)
	b, err := json.Marshal(v)
	require.NoError(t, err)
	values := map[string]string{}
	for k, val := range raw.Values {
		values[k] = val
	}
	values[stack.Namespace+":"+top] = string(b)
	_, err = stack.Load(values, nil, "docs")
	var cfgErr *stack.ConfigError
	require.True(t, errors.As(err, &cfgErr), "an unknown key under %s is refused", top)
	m := regexp.MustCompile(`zzzUnknown: unknown key; expected one of (.+)`).FindStringSubmatch(cfgErr.Error())
	require.NotNilf(t, m, "the problem lists the accepted keys: %v", cfgErr)
	return strings.Split(m[1], ", ")
}

// TestConfigReferenceDocumentsEveryKey: every key the program accepts, at
// every level, is named in the README's configuration reference, and every
// top-level key is declared in Pulumi.yaml with the program's own default.
func TestConfigReferenceDocumentsEveryKey(t *testing.T) {
	section := referenceSection(t)
	for _, k := range stack.Keys {
		assert.Containsf(t, section, "| `"+k, "the reference has a row for %s", k)
	}
	raw, err := plan.ReadConfigFile(filepath.Join("testdata", "good", "Pulumi.everything.yaml"))
	require.NoError(t, err)
	inject := func(path ...any) func(v map[string]any) {
		return func(v map[string]any) {
			var cur any = v
			for _, p := range path {
				switch s := p.(type) {
				case string:
					m := cur.(map[string]any)
					if _, ok := m[s]; !ok {
						m[s] = map[string]any{}
					}
					cur = m[s]
				case int:
					cur = cur.([]any)[s]
				}
			}
			cur.(map[string]any)["zzzUnknown"] = 1
		}
	}
	objects := map[string]struct {
		top string
		set func(map[string]any)
	}{
		"producer":       {"producer", func(v map[string]any) { v["zzzUnknown"] = 1 }},
		"api":            {"api", func(v map[string]any) { v["zzzUnknown"] = 1 }},
		"api.routes[i]":  {"api", inject("routes", 0)},
		"api.accessLogs": {"api", inject("accessLogs")},
		"api.throttle":   {"api", inject("throttle")},
	}
	for path, o := range objects {
		for _, key := range acceptedKeys(t, raw, o.top, o.set) {
			assert.Truef(t, documented(section, key), "%s.%s is accepted but not in the README's configuration reference", path, key)
		}
	}
	// consumers is a list at the top: inject into its first item and its vpc.
	for _, target := range []func(l []any){
		func(l []any) { l[0].(map[string]any)["zzzUnknown"] = 1 },
		func(l []any) { l[0].(map[string]any)["vpc"].(map[string]any)["zzzUnknown"] = 1 },
		func(l []any) { l[1].(map[string]any)["vpc"].(map[string]any)["zzzUnknown"] = 1 },
	} {
		var l []any
		require.NoError(t, json.Unmarshal([]byte(raw.Values[stack.Namespace+":consumers"]), &l))
		target(l)
		b, err := json.Marshal(l)
		require.NoError(t, err)
		values := map[string]string{}
		for k, v := range raw.Values {
			values[k] = v
		}
		values[stack.Namespace+":consumers"] = string(b)
		_, err = stack.Load(values, nil, "docs")
		m := regexp.MustCompile(`zzzUnknown: unknown key; expected one of (.+)`).FindStringSubmatch(err.Error())
		require.NotNil(t, m, err)
		for _, key := range strings.Split(m[1], ", ") {
			assert.Truef(t, documented(section, key), "consumers key %s is accepted but not in the README's configuration reference", key)
		}
	}

	// Pulumi.yaml's defaults are the program's: a stack without the key and
	// one with the declared default load to the same config.
	proj, err := workspace.LoadProject(filepath.Join(projectRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	dev, err := plan.ReadConfigFile(filepath.Join(projectRoot, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	checked := 0
	for _, k := range stack.Keys {
		decl := proj.Config[stack.Namespace+":"+k]
		if decl.Default == nil {
			continue
		}
		checked++
		without := map[string]string{}
		for key, v := range dev.Values {
			without[key] = v
		}
		delete(without, stack.Namespace+":"+k)
		with := map[string]string{}
		for key, v := range without {
			with[key] = v
		}
		encoded, err := json.Marshal(decl.Default)
		require.NoError(t, err)
		with[stack.Namespace+":"+k] = strings.Trim(string(encoded), `"`)
		a, errA := stack.Load(without, nil, "docs")
		b, errB := stack.Load(with, nil, "docs")
		require.NoError(t, errA, k)
		require.NoError(t, errB, k)
		assert.Equalf(t, a, b, "the Pulumi.yaml default of %s is the program's default", k)
	}
	assert.Equal(t, 3, checked, "api, tags and protect have defaults")
}

// documented says whether the reference names key in backticks, alone or as
// the last part of a path (`api.accessLogs`, `consumers[i].vpc`).
func documented(section, key string) bool {
	return strings.Contains(section, "`"+key+"`") || strings.Contains(section, "."+key+"`") ||
		strings.Contains(section, "`"+key+":") || strings.Contains(section, "{"+key) || strings.Contains(section, ", "+key)
}
