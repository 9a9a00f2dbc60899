package engine

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/policy"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// TestDevPreviewAsCommitted: the committed dev stack previews under the real
// engine, and the engine plans exactly the resources the offline plan shows.
func TestDevPreviewAsCommitted(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	r := s.preview()
	require.NoErrorf(t, r.err, "preview failed:\n%s\n%s", r.out, r.errOut)
	t.Logf("dev preview: %v, %d provider processes", r.elapsed, r.processes)

	raw, err := plan.ReadConfigFile(filepath.Join(repoRoot, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	offline, err := plan.Run("dev", raw)
	require.NoError(t, err)
	var want []string
	for _, res := range offline.Resources {
		want = append(want, res.Type+"::"+res.Name)
	}
	var got []string
	for urn, op := range r.steps() {
		assert.Equalf(t, "create", op, "%s on a new stack", urn)
		typ, name := urnTypeName(urn)
		if typ != "pulumi:pulumi:Stack" {
			got = append(got, typ+"::"+name)
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	assert.Equal(t, want, got, "the engine's preview and go run ./cmd/plan --stack dev must agree on types and names")
}

// urnTypeName splits a URN into its resource type and name.
func urnTypeName(urn string) (string, string) {
	parts := strings.Split(urn, "::")
	qualified := parts[len(parts)-2]
	if i := strings.LastIndex(qualified, "$"); i >= 0 {
		qualified = qualified[i+1:]
	}
	return qualified, parts[len(parts)-1]
}

// devApi is the committed dev api section with other routes.
func devApi(routes ...map[string]any) map[string]any {
	api := map[string]any{"name": "xaccount-api-dev", "description": "Dev private API shared with the app account",
		"accessLogs": map[string]any{"createAccountRole": false}}
	if len(routes) > 0 {
		all := []any{map[string]any{"path": "/", "method": "ANY", "integration": map[string]any{"type": "mock"}}}
		for _, r := range routes {
			all = append(all, r)
		}
		api["routes"] = all
	}
	return api
}

func mockRoute(method, path string) map[string]any {
	return map[string]any{"path": path, "method": method, "integration": map[string]any{"type": "mock", "statusCode": 200}}
}

// devConsumer is a consumer that creates its own VPC.
func devConsumer(name, account, cidr string, azCount int) map[string]any {
	return map[string]any{
		"name": name, "accountId": account, "roleArn": "arn:aws:iam::" + account + ":role/xaccount-deployer",
		"vpc": map[string]any{"cidr": cidr, "azCount": azCount}, "probe": true,
	}
}

// probeResults is the consumers.<name>.probe output: form -> result.
func probeResults(t *testing.T, s *engineStack, consumer string) map[string]any {
	t.Helper()
	c, _ := s.outputs()["consumers"].Value.(map[string]any)[consumer].(map[string]any)
	results, ok := c["probe"].(map[string]any)
	require.Truef(t, ok, "consumers.%s.probe is a stack output", consumer)
	return results
}

// requireProbeGreen: every invoke form answered 200 from inside the VPC.
func requireProbeGreen(t *testing.T, s *engineStack, consumer string, forms int) {
	t.Helper()
	results := probeResults(t, s, consumer)
	require.Len(t, results, forms)
	for form, v := range results {
		r := v.(map[string]any)
		assert.Equalf(t, true, r["ok"], "%s: %v", form, r)
		assert.Equalf(t, float64(200), r["status"], "%s answered 200", form)
		assert.NotEmptyf(t, r["requestId"], "%s recorded x-amzn-RequestId", form)
	}
}

// invokes counts the probe runs the simulated Lambda has seen.
func invokes(s *engineStack) int {
	n := 0
	s.cloudView(func(c *fakeaws.Cloud) {
		for _, call := range c.Calls {
			if strings.Contains(call, " Invoke ") {
				n++
			}
		}
	})
	return n
}

// apiState is what the simulated cloud says about the stack's API.
type apiState struct {
	api         fakeaws.RestApi
	deployments int
	stagePolicy string
	serves      func(method, path string) bool
}

func (s *engineStack) apiState() apiState {
	s.t.Helper()
	var st apiState
	s.cloudView(func(c *fakeaws.Cloud) {
		require.Len(s.t, c.RestApis, 1, "one API")
		for _, a := range c.RestApis {
			st.api = *a
		}
		for _, d := range c.Deployments {
			if d.RestApiId == st.api.Id {
				st.deployments++
			}
		}
		st.stagePolicy, _ = c.StagePolicy(st.api.Id, "dev")
		snapshot := *c
		st.serves = func(method, path string) bool { return snapshot.StageServes(st.api.Id, "dev", method, path) }
	})
	return st
}

// requirePolicyAllowsExactly: the API's policy and the policy the stage
// serves both name exactly these endpoints.
func requirePolicyAllowsExactly(t *testing.T, st apiState, endpoints []string) {
	t.Helper()
	for what, doc := range map[string]string{"attached": st.api.Policy, "deployed": st.stagePolicy} {
		require.NotEmptyf(t, doc, "the %s policy is missing: a body update cleared it and nothing put it back", what)
		var p struct {
			Statement []struct {
				Effect    string
				Condition map[string]map[string][]string
			}
		}
		require.NoError(t, json.Unmarshal([]byte(doc), &p))
		require.NotEmpty(t, p.Statement)
		assert.Equal(t, "Deny", p.Statement[0].Effect, "the Deny comes first")
		got := p.Statement[0].Condition["StringNotEquals"]["aws:SourceVpce"]
		assert.ElementsMatchf(t, endpoints, got, "the %s policy names exactly the stack's endpoints", what)
	}
}

// requireEndpointPoliciesScoped: every endpoint in the simulated cloud lets
// through every method of every route the stage serves (an ANY route with
// each method; a POST route as much as a GET one) and nothing of another API.
func requireEndpointPoliciesScoped(t *testing.T, s *engineStack, api fakeaws.RestApi, stage string) {
	t.Helper()
	apiArn := fmt.Sprintf("arn:aws:execute-api:%s:%s:%s", api.Region, api.Account, api.Id)
	s.cloudView(func(c *fakeaws.Cloud) {
		require.NotEmpty(t, c.Endpoints)
		routes := c.StageRoutes(api.Id, stage)
		require.NotEmpty(t, routes, "the stage serves routes")
		for _, e := range c.Endpoints {
			doc, err := policy.Parse(e.Policy)
			require.NoErrorf(t, err, "endpoint %s policy %q", e.Id, e.Policy)
			want := map[string]bool{fmt.Sprintf("arn:aws:execute-api:%s:%s:other00000/%s/GET/", api.Region, api.Account, stage): false}
			for _, r := range routes {
				methods := []string{r.Method}
				if r.Method == "ANY" {
					methods = []string{"GET", "POST", "PUT", "DELETE", "PATCH"}
				}
				for _, m := range methods {
					want[fmt.Sprintf("%s/%s/%s%s", apiArn, stage, m, concretePath(r.Path))] = true
				}
			}
			for arn, allowed := range want {
				ok, err := doc.Allows(arn, e.Id)
				require.NoError(t, err)
				assert.Equalf(t, allowed, ok, "endpoint %s invoking %s", e.Id, arn)
			}
		}
	})
}

// concretePath fills a route's path template: {x} with one segment, {x+}
// with two.
func concretePath(template string) string {
	var out []string
	for _, seg := range strings.Split(template, "/") {
		switch {
		case strings.HasSuffix(seg, "+}"):
			seg = "a/b"
		case strings.HasPrefix(seg, "{"):
			seg = "x"
		}
		out = append(out, seg)
	}
	return strings.Join(out, "/")
}

// TestDevLifecycle walks the dev stack through what its users do: up, a
// no-change preview, a route added, renamed and removed, consumers added and
// removed, a new VPC layout, destroy. After every up the simulated API
// Gateway is asked what the stage really serves.
func TestDevLifecycle(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")

	up := s.mustUp()
	t.Logf("dev up: %v, %d provider processes", up.elapsed, up.processes)
	st := s.apiState()
	assert.True(t, st.serves("GET", "/"), "the default ANY / route is served")
	assert.Equal(t, 1, st.deployments)
	endpoints := st.api.VpcEndpointIds
	require.Len(t, endpoints, 1)
	requirePolicyAllowsExactly(t, st, endpoints)
	out := s.outputs()
	assert.Equal(t, endpoints[0], out["consumers"].Value.(map[string]any)["app"].(map[string]any)["endpointId"])
	requireEndpointPoliciesScoped(t, s, st.api, "dev")
	requireProbeGreen(t, s, "app", 4)
	assert.Equal(t, 1, invokes(s), "the probe ran once, during the first up")
	requireMonitoringFollows(t, s, "111111111111", st.api.Id, "dev", map[string]string{"app": endpoints[0]})

	s.step(t, "a second preview has no changes", func(t *testing.T) { requireNoChanges(t, s) })
	s.step(t, "a no-change up does not run the probe again", func(t *testing.T) {
		s.mustUp()
		assert.Equal(t, 1, invokes(s))
	})

	s.step(t, "a route is added and the stage serves it", func(t *testing.T) {
		before := invokes(s)
		s.editConfig("api", devApi(mockRoute("GET", "/extra")))
		s.mustUp()
		assert.Equal(t, before+1, invokes(s), "a new deployment re-runs the probe")
		requireProbeGreen(t, s, "app", 4)
		st := s.apiState()
		assert.True(t, st.serves("GET", "/extra"))
		assert.True(t, st.serves("GET", "/"))
		assert.Equal(t, 1, st.deployments, "the old deployment is deleted once the stage has moved")
		requirePolicyAllowsExactly(t, st, endpoints)
	})

	s.step(t, "a renamed route is served under its new path only", func(t *testing.T) {
		s.editConfig("api", devApi(mockRoute("GET", "/renamed")))
		s.mustUp()
		st := s.apiState()
		assert.True(t, st.serves("GET", "/renamed"))
		assert.False(t, st.serves("GET", "/extra"), "the old path must be gone from the stage")
		requirePolicyAllowsExactly(t, st, endpoints)
	})

	s.step(t, "a removed route is no longer served", func(t *testing.T) {
		s.editConfig("api", devApi())
		s.mustUp()
		st := s.apiState()
		assert.False(t, st.serves("GET", "/renamed"))
		assert.True(t, st.serves("GET", "/"))
		requirePolicyAllowsExactly(t, st, endpoints)
	})

	s.step(t, "a consumer is added and removed; policy and endpoint list follow", func(t *testing.T) {
		app := devConsumer("app", "222222222222", "10.20.0.0/24", 2)
		batch := devConsumer("batch", "777777777777", "10.30.0.0/24", 2)
		s.editConfig("consumers", []any{app, batch})
		s.mustUp()
		st := s.apiState()
		require.Len(t, st.api.VpcEndpointIds, 2)
		assert.Subset(t, st.api.VpcEndpointIds, endpoints)
		requirePolicyAllowsExactly(t, st, st.api.VpcEndpointIds)
		requireEndpointPoliciesScoped(t, s, st.api, "dev")
		assert.True(t, st.serves("GET", "/"), "the stage still answers")
		s.cloudView(func(c *fakeaws.Cloud) {
			accounts := map[string]int{}
			for _, e := range c.Endpoints {
				accounts[e.Account]++
			}
			assert.Equal(t, map[string]int{"222222222222": 1, "777777777777": 1}, accounts, "each endpoint in its own consumer account")
		})
		batchEndpoint := st.api.VpcEndpointIds[0]
		if batchEndpoint == endpoints[0] {
			batchEndpoint = st.api.VpcEndpointIds[1]
		}
		requireMonitoringFollows(t, s, "111111111111", st.api.Id, "dev", map[string]string{"app": endpoints[0], "batch": batchEndpoint})

		s.editConfig("consumers", []any{app})
		s.mustUp()
		st = s.apiState()
		assert.Equal(t, endpoints, st.api.VpcEndpointIds)
		requirePolicyAllowsExactly(t, st, endpoints)
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.Len(t, c.Endpoints, 1, "the removed consumer's endpoint is deleted")
			for _, v := range c.Vpcs {
				assert.Equal(t, "222222222222", v.Account, "the removed consumer's VPC is deleted")
			}
		})
		requireMonitoringFollows(t, s, "111111111111", st.api.Id, "dev", map[string]string{"app": endpoints[0]})
	})

	s.step(t, "a new VPC layout builds a new VPC instead of colliding subnets", func(t *testing.T) {
		s.editConfig("consumers", []any{devConsumer("app", "222222222222", "10.20.0.0/24", 3)})
		s.mustUp()
		st := s.apiState()
		require.Len(t, st.api.VpcEndpointIds, 1)
		requirePolicyAllowsExactly(t, st, st.api.VpcEndpointIds)
		assert.True(t, st.serves("GET", "/"))
		s.cloudView(func(c *fakeaws.Cloud) {
			require.Len(t, c.Vpcs, 1, "the old VPC is deleted")
			assert.Len(t, c.Subnets, 3)
			for _, e := range c.Endpoints {
				for _, v := range c.Vpcs {
					assert.Equal(t, v.Id, e.VpcId, "the endpoint moved to the new VPC")
				}
			}
		})
	})

	s.step(t, "destroy removes everything", func(t *testing.T) {
		r := s.destroy()
		require.NoErrorf(t, r.err, "destroy failed:\n%s\n%s", r.out, r.errOut)
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.Empty(t, c.RestApis)
			assert.Empty(t, c.Functions, "the probe's function is deleted")
			assert.Empty(t, c.Deployments)
			assert.Empty(t, c.Stages)
			assert.Empty(t, c.Vpcs)
			assert.Empty(t, c.Subnets)
			assert.Empty(t, c.SecurityGroups)
			assert.Empty(t, c.Endpoints)
			assert.Empty(t, c.MetricFilters)
			assert.Empty(t, c.Alarms)
			assert.Empty(t, c.Dashboards)
		})
	})
}
