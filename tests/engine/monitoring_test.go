package engine

import (
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
