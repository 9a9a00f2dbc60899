package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// The TypeScript example (examples/typescript) uses the components through
// the generated Node.js SDK (sdk/nodejs, installed from the folder) and the
// component provider (cmd/pulumi-resource-xaccount, installed as a plugin),
// run as an inline program of the Node.js Automation API against the
// tests' CLI and simulated AWS.

// typescriptExample installs the example's packages (npm ci: the SDK is
// packed from sdk/nodejs and compiled on install, so it is always the
// committed one) and compiles the example; it returns node and the
// example's folder.
// Once per test binary: the tests that use the example run in parallel and
// share its folder.
func typescriptExample(t testing.TB) (node, dir string) {
	t.Helper()
	tsExampleOnce.Do(func() { tsExampleNode, tsExampleErr = installTypescriptExample() })
	require.NoError(t, tsExampleErr)
	return tsExampleNode, filepath.Join(repoRoot, "examples", "typescript")
}

var (
	tsExampleOnce sync.Once
	tsExampleNode string
	tsExampleErr  error
)

// installTypescriptExample is typescriptExample's work.
func installTypescriptExample() (string, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return "", fmt.Errorf("the TypeScript example needs Node.js (20 or later) on PATH: %w", err)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("the TypeScript example needs npm on PATH: %w", err)
	}
	dir := filepath.Join(repoRoot, "examples", "typescript")
	for _, args := range [][]string{
		{npm, "ci", "--no-audit", "--no-fund", "--loglevel", "error"},
		{filepath.Join(dir, "node_modules", ".bin", "tsc"), "-p", "."},
	} {
		cmd := exec.Command(args[0], args[1:]...) //nolint:gosec // npm and tsc of this repository's example
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("%s in examples/typescript: %w\n%s", strings.Join(args, " "), err, out)
		}
	}
	return node, nil
}

// tsStack is a stack of the TypeScript example, sharing the backend,
// simulated cloud, AWS config and granted roles of an engine stack.
type tsStack struct {
	t         testing.TB
	env       *engineStack
	node, dir string
	name      string
	workDir   string
	// program is the example's program the driver runs: "" (index.ts) or
	// "consumer" (consumer.ts).
	program string
}

// tsRun is what the driver printed: the step counts and the outputs.
type tsRun struct {
	Op      string         `json:"op"`
	Changes map[string]int `json:"changes"`
	Outputs map[string]any `json:"outputs"`
}

// command is one operation of the example with cfg as its stack config.
func (s *tsStack) command(op string, cfg map[string]any) *exec.Cmd {
	s.t.Helper()
	js, err := json.Marshal(cfg)
	require.NoError(s.t, err)
	cmd := exec.Command(s.node, filepath.Join(s.dir, "bin", "lifecycle.js")) //nolint:gosec // the example's driver
	cmd.Env = append(stackEnv(s.t, s.env), "XA_OP="+op, "XA_STACK="+s.name, "XA_WORKDIR="+s.workDir,
		"XA_CLI_ROOT="+cliRoot, "XA_CONFIG="+string(js), "XA_PROGRAM="+s.program)
	return cmd
}

// run runs one operation of the example with cfg as its stack config.
func (s *tsStack) run(op string, cfg map[string]any) tsRun {
	s.t.Helper()
	cmd := s.command(op, cfg)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoErrorf(s.t, cmd.Run(), "the TypeScript example's %s failed:\n%s", op, tail(stderr.String(), 4000))
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var r tsRun
	require.NoError(s.t, json.Unmarshal([]byte(lines[len(lines)-1]), &r), stdout.String())
	return r
}

// resources are the stack's resources other than the stack and the
// providers, each as its URN's parent-qualified type and name.
func (s *tsStack) resources() []string {
	s.t.Helper()
	cmd := exec.Command(cliBinary(), "stack", "export", "--stack", s.name, "--cwd", s.workDir) //nolint:gosec // the CLI the tests built
	cmd.Env = stackEnv(s.t, s.env)
	out, err := cmd.Output()
	require.NoError(s.t, err, "pulumi stack export")
	var state struct {
		Deployment json.RawMessage `json:"deployment"`
	}
	require.NoError(s.t, json.Unmarshal(out, &state))
	return deploymentNames(s.t, state.Deployment)
}

// deploymentNames are the resources of a deployment (a stack export's
// "deployment") as qualifiedNames lists them.
func deploymentNames(t testing.TB, deployment []byte) []string {
	t.Helper()
	var d struct {
		Resources []struct {
			Urn string `json:"urn"`
		} `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(deployment, &d))
	var urns []string
	for _, r := range d.Resources {
		urns = append(urns, r.Urn)
	}
	return qualifiedNames(urns)
}

// goDevResources are the resources of the Go program's offline plan of the
// committed dev stack, as resources lists them.
func goDevResources(t *testing.T) []string {
	t.Helper()
	raw, err := plan.ReadConfigFile(filepath.Join(repoRoot, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	p, err := plan.Run("dev", raw)
	require.NoError(t, err)
	var urns []string
	for _, r := range p.Resources {
		urns = append(urns, r.URN)
	}
	return qualifiedNames(urns)
}

// qualifiedNames are the URNs without stack and project, providers and the
// stack left out, sorted.
func qualifiedNames(urns []string) []string {
	var out []string
	for _, urn := range urns {
		parts := strings.SplitN(urn, "::", 4)
		if len(parts) != 4 || strings.Contains(parts[2], "pulumi:providers:") || parts[2] == "pulumi:pulumi:Stack" {
			continue
		}
		out = append(out, parts[2]+"::"+parts[3])
	}
	sort.Strings(out)
	return out
}

// runFails runs one operation that must fail and returns what it printed.
func (s *tsStack) runFails(op string, cfg map[string]any) string {
	s.t.Helper()
	out, err := s.command(op, cfg).CombinedOutput()
	require.Errorf(s.t, err, "the TypeScript example's %s succeeded:\n%s", op, tail(string(out), 2000))
	return string(out)
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// tsDevConfig is the dev stack's settings in the example's config shape
// (the same accounts, profiles, names and tags, so the roles the dev stack
// prints are the ones the example runs with).
func tsDevConfig(routes ...map[string]any) map[string]any {
	api := map[string]any{"name": "xaccount-api-dev", "description": "Dev private API shared with the app account"}
	if len(routes) > 0 {
		all := []any{map[string]any{"path": "/", "method": "ANY", "integration": map[string]any{"type": "mock"}}}
		for _, r := range routes {
			all = append(all, r)
		}
		api["routes"] = all
	}
	return map[string]any{
		"region":   "eu-west-1",
		"producer": map[string]any{"accountId": "111111111111", "profile": "xaccount-dev-producer"},
		"consumers": []any{map[string]any{"name": "app", "accountId": "222222222222", "profile": "xaccount-dev-app",
			"vpc": map[string]any{"cidr": "10.20.0.0/24", "azCount": 2}, "probe": true}},
		"api":  api,
		"tags": map[string]any{"project": "xaccount-api", "environment": "dev"},
		// It runs with the dev stack's printed roles, whose deployer creates
		// roles only with the dev stack's boundary.
		"rolePermissionsBoundary": "xaccount-dev-role-boundary",
	}
}

// TestTypeScriptProgramLifecycle: preview, up, a route change, a second
// preview with no changes and destroy of the TypeScript example, with the
// roles the dev stack prints: every resource in its account, the policy
// letting in exactly the consumer's endpoint, the probe green.
func TestTypeScriptProgramLifecycle(t *testing.T) {
	t.Parallel()
	node, dir := typescriptExample(t)
	installComponentProvider(t)
	env := newEngineStack(t, "dev")
	env.grantPrintedRoles()
	ts := &tsStack{t: t, env: env, node: node, dir: dir, name: "ts-dev", workDir: t.TempDir()}

	preview := ts.run("preview", tsDevConfig())
	assert.Greater(t, preview.Changes["create"], 20, "the preview plans the whole topology: %v", preview.Changes)
	env.cloudView(func(c *fakeaws.Cloud) { assert.Empty(t, c.RestApis, "a preview creates nothing") })

	up := ts.run("up", tsDevConfig())
	t.Logf("preview %v, up %v", preview.Changes, up.Changes)
	assert.Equal(t, preview.Changes["create"], up.Changes["create"], "the up creates what the preview planned")
	st := env.apiState()
	endpoints := st.api.VpcEndpointIds
	require.Len(t, endpoints, 1)
	requirePolicyAllowsExactly(t, st, endpoints)
	requireEndpointPoliciesScoped(t, env, st.api, "dev")
	assert.True(t, st.serves("GET", "/"), "the default ANY / route is served")
	env.cloudView(func(c *fakeaws.Cloud) {
		assert.Equal(t, "111111111111", st.api.Account, "the API is in the producer account")
		for _, e := range c.Endpoints {
			assert.Equal(t, "222222222222", e.Account, "the endpoint is in the consumer account")
		}
		for _, v := range c.Vpcs {
			assert.Equal(t, "222222222222", v.Account, "the VPC is in the consumer account")
		}
		for _, f := range c.Functions {
			assert.Equal(t, "222222222222", f.Account, "the probe runs in the consumer account")
		}
	})
	assert.Equal(t, map[string]any{"app": endpoints[0]}, up.Outputs["endpointIds"])
	urls, _ := up.Outputs["invokeUrls"].(map[string]any)["app"].(map[string]any)
	assert.Contains(t, urls["privateDns"], st.api.Id+".execute-api.eu-west-1.amazonaws.com/dev", "the invoke URLs reach the TypeScript stack")
	assert.Equal(t, 1, invokes(env), "the probe ran once, from the consumer's VPC")
	goResources := goDevResources(t)
	require.Greater(t, len(goResources), 20, "the dev plan's resources: %v", goResources)
	assert.Equal(t, goResources, ts.resources(), "the TypeScript stack has the Go dev stack's resources: same types, names and parents (the same state shape)")

	t.Run("a route change is deployed", func(t *testing.T) {
		ts.t = t
		r := ts.run("up", tsDevConfig(mockRoute("GET", "/extra")))
		assert.Positive(t, r.Changes["update"]+r.Changes["create"], "the API changes: %v", r.Changes)
		st := env.apiState()
		assert.True(t, st.serves("GET", "/extra"))
		assert.True(t, st.serves("GET", "/"))
		requirePolicyAllowsExactly(t, st, endpoints)
		assert.Equal(t, endpoints, st.api.VpcEndpointIds, "the endpoint stays")
	})

	t.Run("a second preview has no changes", func(t *testing.T) {
		ts.t = t
		r := ts.run("preview", tsDevConfig(mockRoute("GET", "/extra")))
		for op, n := range r.Changes {
			if op != "same" {
				t.Errorf("%d resources to %s on an unchanged program: %v", n, op, r.Changes)
			}
		}
	})

	t.Run("destroy removes everything from both accounts", func(t *testing.T) {
		ts.t = t
		r := ts.run("destroy", tsDevConfig(mockRoute("GET", "/extra")))
		assert.Equal(t, up.Changes["create"], r.Changes["delete"], "everything created is deleted: %v", r.Changes)
		env.cloudView(func(c *fakeaws.Cloud) {
			assert.Empty(t, c.RestApis)
			assert.Empty(t, c.Endpoints)
			assert.Empty(t, c.Vpcs)
			assert.Empty(t, c.Functions)
		})
	})
}

// tsConsumerConfig is consumer.ts's config for the dev stack's app consumer
// in account.
func tsConsumerConfig(account string) map[string]any {
	return map[string]any{
		"region": "eu-west-1", "producerAccountId": "111111111111",
		"consumer": map[string]any{"name": "app", "accountId": account, "profile": "xaccount-dev-app",
			"vpc": map[string]any{"cidr": "10.20.0.0/24", "azCount": 2}},
	}
}

// TestTypeScriptSingleAccountComponentTakesItsProvider: consumer.ts gives
// ConsumerApiAccess the consumer account's AWS provider in the providers
// option; the component provider hands it to the component, whose account
// gate checks it and whose children all land in that account. A provider
// that reaches another account than the consumer's is refused with nothing
// created.
func TestTypeScriptSingleAccountComponentTakesItsProvider(t *testing.T) {
	t.Parallel()
	node, dir := typescriptExample(t)
	installComponentProvider(t)
	env := newEngineStack(t, "dev")
	env.grantPrintedRoles()
	ts := &tsStack{t: t, env: env, node: node, dir: dir, name: "ts-consumer", workDir: t.TempDir(), program: "consumer"}

	// The provider is pinned to the account its profile reaches (so AWS
	// lets it act), but the component is told the consumer is another.
	wrong := tsConsumerConfig("333333333333")
	wrong["providerAccountId"] = "222222222222"
	out := ts.runFails("up", wrong)
	assert.Contains(t, out, "consumer.provider: its credentials reach account 222222222222; expected a provider for account 333333333333",
		"the component's account gate, across the language boundary")
	env.cloudView(func(c *fakeaws.Cloud) {
		assert.Empty(t, c.Vpcs, "nothing is created for a provider of the wrong account")
		assert.Empty(t, c.Endpoints)
	})

	up := ts.run("up", tsConsumerConfig("222222222222"))
	env.cloudView(func(c *fakeaws.Cloud) {
		require.Len(t, c.Endpoints, 1)
		for id, e := range c.Endpoints {
			assert.Equal(t, "222222222222", e.Account, "the endpoint is on the provider it was given")
			assert.Equal(t, id, up.Outputs["endpointId"])
		}
		require.NotEmpty(t, c.Vpcs)
		for _, v := range c.Vpcs {
			assert.Equal(t, "222222222222", v.Account, "the VPC, a grandchild, inherits the provider")
		}
	})
	ts.run("destroy", tsConsumerConfig("222222222222"))
	env.cloudView(func(c *fakeaws.Cloud) {
		assert.Empty(t, c.Endpoints)
		assert.Empty(t, c.Vpcs)
	})
}
