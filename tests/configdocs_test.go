package tests

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/internal/probediag"
)

// acceptedKeys asks the program itself which keys an object accepts: mutate
// adds the unknown key zzzUnknown to it inside the decoded value of the
// top-level key top, and the "expected one of" list of the problem the
// program reports is the answer.
func acceptedKeys(t *testing.T, raw plan.RawConfig, top string, mutate func(v any)) []string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(raw.Values[config.Namespace+":"+top]), &v), top)
	mutate(v)
	b, err := json.Marshal(v)
	require.NoError(t, err)
	values := map[string]string{}
	for k, val := range raw.Values {
		values[k] = val
	}
	values[config.Namespace+":"+top] = string(b)
	_, err = config.Load(values, nil, "docs")
	var cfgErr *config.Error
	require.True(t, errors.As(err, &cfgErr), "an unknown key under %s is refused", top)
	m := regexp.MustCompile(`zzzUnknown: unknown key; expected one of (.+)`).FindStringSubmatch(cfgErr.Error())
	require.NotNilf(t, m, "the problem lists the accepted keys: %v", cfgErr)
	return strings.Split(m[1], ", ")
}

// at walks v along path (map keys and list indexes), creating missing
// objects, and adds zzzUnknown to the object it ends on.
func at(path ...any) func(v any) {
	return func(v any) {
		cur := v
		for _, p := range path {
			switch step := p.(type) {
			case string:
				m := cur.(map[string]any)
				if _, ok := m[step]; !ok {
					m[step] = map[string]any{}
				}
				cur = m[step]
			case int:
				cur = cur.([]any)[step]
			}
		}
		cur.(map[string]any)["zzzUnknown"] = 1
	}
}

// TestConfigReferenceDocumentsEveryKey: every key the program accepts, at
// every level, is named in the configuration reference (docs/configuration.md), and every
// top-level key is declared in Pulumi.yaml with the program's own default.
func TestConfigReferenceDocumentsEveryKey(t *testing.T) {
	section := docSection(t, "docs/configuration.md", "## Configuration reference")
	for _, k := range config.Keys {
		assert.Containsf(t, section, "| `"+k, "the reference has a row for %s", k)
	}
	raw, err := plan.ReadConfigFile(filepath.Join("testdata", "good", "Pulumi.everything.yaml"))
	require.NoError(t, err)
	objects := []struct {
		path, top string
		mutate    func(v any)
	}{
		{"producer", "producer", at()},
		{"api", "api", at()},
		{"api.routes[i]", "api", at("routes", 0)},
		{"api.accessLogs", "api", at("accessLogs")},
		{"api.throttle", "api", at("throttle")},
		{"api.adopt", "api", at("adopt")},
		{"api.quotas", "api", at("quotas")},
		{"consumers[i]", "consumers", at(0)},
		{"consumers[i].vpc (created)", "consumers", at(0, "vpc")},
		{"consumers[i].vpc (existing)", "consumers", at(1, "vpc")},
	}
	for _, o := range objects {
		for _, key := range acceptedKeys(t, raw, o.top, o.mutate) {
			assert.Truef(t, documented(section, key), "%s.%s is accepted but not in docs/configuration.md's reference", o.path, key)
		}
	}
	// The hub and a spoke, from the stack file that has them.
	hub, err := plan.ReadConfigFile(filepath.Join(projectRoot, "Pulumi.hub.yaml"))
	require.NoError(t, err)
	for _, o := range []struct {
		path, top string
		mutate    func(v any)
	}{
		{"hub", "hub", at()},
		{"hub.vpc", "hub", at("vpc")},
		{"consumers[i] (spoke)", "consumers", at(1)},
		{"consumers[i].vpc (spoke)", "consumers", at(1, "vpc")},
	} {
		for _, key := range acceptedKeys(t, hub, o.top, o.mutate) {
			assert.Truef(t, documented(section, key), "%s.%s is accepted but not in the README's configuration reference", o.path, key)
		}
	}

	// Pulumi.yaml's defaults are the program's: a stack without the key and
	// one with the declared default load to the same config.
	proj, err := workspace.LoadProject(filepath.Join(projectRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	dev, err := plan.ReadConfigFile(filepath.Join(projectRoot, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	checked := 0
	for _, k := range config.Keys {
		decl := proj.Config[config.Namespace+":"+k]
		if decl.Default == nil {
			continue
		}
		checked++
		without := map[string]string{}
		for key, v := range dev.Values {
			without[key] = v
		}
		delete(without, config.Namespace+":"+k)
		with := map[string]string{}
		for key, v := range without {
			with[key] = v
		}
		encoded, err := json.Marshal(decl.Default)
		require.NoError(t, err)
		with[config.Namespace+":"+k] = strings.Trim(string(encoded), `"`)
		a, errA := config.Load(without, nil, "docs")
		b, errB := config.Load(with, nil, "docs")
		require.NoError(t, errA, k)
		require.NoError(t, errB, k)
		assert.Equalf(t, a, b, "the Pulumi.yaml default of %s is the program's default", k)
	}
	assert.Equal(t, 6, checked, "hub, api, tags, protect, probe and stackRole have defaults")
}

// documented says whether the reference names key in backticks, alone or as
// the last part of a path (`api.accessLogs`, `consumers[i].vpc`).
func documented(section, key string) bool {
	return strings.Contains(section, "`"+key+"`") || strings.Contains(section, "."+key+"`") ||
		strings.Contains(section, "`"+key+":") || strings.Contains(section, "{"+key) || strings.Contains(section, ", "+key)
}

// TestDocsShowTheDiagnosticsTable: every row of probediag.Rules,
// with its cause, is in the diagnostics table of docs/probe.md.
func TestDocsShowTheDiagnosticsTable(t *testing.T) {
	table := docSection(t, "docs/probe.md", "## Diagnostics")
	for _, r := range probediag.Rules {
		assert.Containsf(t, table, "| `"+r.Name+"` |", "the diagnostics table has row %s", r.Name)
		assert.Containsf(t, table, r.Cause+" |", "the table gives row %s's cause as the code does", r.Name)
	}
}

// TestDocsShowTheHubDiagnostics: every row of probediag.HubRules, which a
// spoke's probe applies before the others, is in docs/hub.md's table with
// its cause.
func TestDocsShowTheHubDiagnostics(t *testing.T) {
	table := docSection(t, "docs/hub.md", "## The probe through the hub")
	for _, r := range probediag.HubRules {
		assert.Containsf(t, table, "| `"+r.Name+"` |", "the hub's diagnostics table has row %s", r.Name)
		assert.Containsf(t, table, r.Cause+" |", "the table gives row %s's cause as the code does", r.Name)
	}
}
