package engine

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// requireMonitoringFollows checks the per-consumer monitoring in the
// simulated producer account: the four metric filters on the access-log
// group with the ApiId, Stage and VpceId dimensions, exactly two alarms per
// consumer reading that consumer's endpoint (and no alarm of a removed
// one), and a dashboard whose body names each endpoint and no other.
func requireMonitoringFollows(t *testing.T, s *engineStack, producer, apiId, stage string, endpoints map[string]string) {
	t.Helper()
	s.cloudView(func(c *fakeaws.Cloud) {
		metrics := map[string]bool{}
		for _, f := range c.MetricFilters {
			if f.Account != producer {
				continue
			}
			metrics[f.Metric] = true
			assert.Equal(t, "XAccountApi", f.Namespace)
			assert.Equal(t, map[string]string{"ApiId": "$.apiId", "Stage": "$.stage", "VpceId": "$.vpceId"}, f.Dimensions, "filter %s", f.Name)
		}
		assert.Equal(t, map[string]bool{"Count": true, "4XXError": true, "5XXError": true, "Latency": true}, metrics, "one filter per metric")

		perEndpoint := map[string]int{}
		for _, a := range c.Alarms {
			require.Equal(t, producer, a.Account, "alarm %s is in the producer account", a.Name)
			for _, d := range a.Dimensions {
				assert.Equal(t, apiId, d["ApiId"], "alarm %s reads the API's metrics", a.Name)
				assert.Equal(t, stage, d["Stage"], "alarm %s", a.Name)
				perEndpoint[d["VpceId"]]++
			}
		}
		want := map[string]int{}
		for _, vpce := range endpoints {
			want[vpce] = 4 // two alarms, each with a requests and an errors query
		}
		assert.Equal(t, want, perEndpoint, "two alarms per listed consumer, none for anyone else")
		assert.Len(t, c.Alarms, 2*len(endpoints))

		require.Len(t, c.Dashboards, 1, "one dashboard per stack")
		for _, d := range c.Dashboards {
			assert.Equal(t, producer, d.Account)
			for name, vpce := range endpoints {
				assert.Containsf(t, d.Body, vpce, "the dashboard has a row for %s", name)
			}
		}
	})
}

// regionStackFile is a stack of the project in region whose stage is dev,
// with one consumer whose endpoint exists already (nothing is created in
// the consumer account).
func regionStackFile(region string) []byte {
	return []byte(fmt.Sprintf(`config:
  pulumi:disable-default-providers: ["*"]
  xaccount-api:region: %s
  xaccount-api:producer:
    accountId: "111111111111"
    profile: xaccount-dash-producer
  xaccount-api:consumers:
    - name: app
      accountId: "222222222222"
      endpointId: vpce-0123456789abcdef0
  xaccount-api:api:
    stageName: dev
`, region))
}

// TestDashboardsOfOneStageInTwoRegionsStaySeparate: CloudWatch dashboards
// are global to the account and PutDashboard replaces one of the same name,
// so two stacks deploying the stage dev into one producer account from two
// regions must name their dashboards apart: each keeps its own (naming its
// own region's metrics), and destroying one stack leaves the other's.
func TestDashboardsOfOneStageInTwoRegionsStaySeparate(t *testing.T) {
	t.Parallel()
	eu := newEngineStack(t, "dash-eu", withStackFile(regionStackFile("eu-west-1")), withSeed(func(store *fakeaws.Store) error {
		return store.Update(func(c *fakeaws.Cloud) error {
			c.AccountRoles["111111111111/us-east-1"] = c.AccountRoles["111111111111/eu-west-1"]
			return nil
		})
	}))
	us := newEngineStack(t, "dash-us", besides(eu), withStackFile(regionStackFile("us-east-1")))
	eu.mustUp()
	us.mustUp()
	dashboards := func() map[string]string {
		out := map[string]string{}
		eu.cloudView(func(c *fakeaws.Cloud) {
			for _, d := range c.Dashboards {
				out[d.Name] = d.Body
			}
		})
		return out
	}
	euName, _ := eu.outputs()["dashboard"].Value.(string)
	usName, _ := us.outputs()["dashboard"].Value.(string)
	require.NotEmpty(t, euName)
	require.NotEqual(t, euName, usName, "two stacks, two dashboard names")
	boards := dashboards()
	require.Len(t, boards, 2, "each stack keeps its own dashboard: %v", boards)
	assert.Contains(t, boards[euName], `"region":"eu-west-1"`)
	assert.Contains(t, boards[usName], `"region":"us-east-1"`)

	r := us.destroy()
	require.NoErrorf(t, r.err, "destroy failed:\n%s\n%s", r.out, r.errOut)
	boards = dashboards()
	assert.Equal(t, []string{euName}, slices.Collect(maps.Keys(boards)), "the other region's destroy leaves this stack's dashboard")
	requireNoChanges(t, eu)
}
