// Package tests holds the stack-level tests: every Pulumi.<stack>.yaml under
// the mock engine, golden plans, the bad-config table and fuzz targets.
package tests

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/plan"
)

// projectRoot is where Pulumi.yaml and the stack files live.
const projectRoot = ".."

// stackFiles lists every Pulumi.<stack>.yaml of the project.
func stackFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(projectRoot, "Pulumi.*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "the project has stack files")
	return files
}

// runCLI runs the plan command in-process and returns its exit code and output.
func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := plan.Main(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// jsonPlan is the documented JSON format of the plan command, decoded.
type jsonPlan struct {
	Project   string            `json:"project"`
	Stack     string            `json:"stack"`
	Region    string            `json:"region"`
	Accounts  map[string]string `json:"accounts"`
	Resources []jsonResource    `json:"resources"`
	Outputs   map[string]any    `json:"outputs"`
	// HubCost is present for a stack with a hub (docs/hub.md, "What it costs").
	HubCost map[string]any `json:"hubCost"`
}

type jsonResource struct {
	URN          string         `json:"urn"`
	Type         string         `json:"type"`
	Name         string         `json:"name"`
	Id           string         `json:"id"`
	Parent       string         `json:"parent"`
	Provider     string         `json:"provider"`
	Account      string         `json:"account"`
	Dependencies []string       `json:"dependencies"`
	Inputs       map[string]any `json:"inputs"`
	Import       string         `json:"import"`
}

// planJson runs the command for a config file and decodes its JSON strictly.
func planJson(t *testing.T, configFile string) *jsonPlan {
	t.Helper()
	code, stdout, stderr := runCLI("--config", configFile, "--format", "json")
	require.Equalf(t, 0, code, "plan of %s failed:\n%s", configFile, stderr)
	dec := json.NewDecoder(bytes.NewReader([]byte(stdout)))
	dec.DisallowUnknownFields()
	var p jsonPlan
	require.NoError(t, dec.Decode(&p))
	require.False(t, dec.More(), "one JSON object on stdout")
	return &p
}

// ofType returns the plan's resources of one type.
func (p *jsonPlan) ofType(typ string) []jsonResource {
	var out []jsonResource
	for _, r := range p.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// named returns the plan's resource of one type and name, nil when absent.
func (p *jsonPlan) named(typ, name string) *jsonResource {
	for i, r := range p.Resources {
		if r.Type == typ && r.Name == name {
			return &p.Resources[i]
		}
	}
	return nil
}
