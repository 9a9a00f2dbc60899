package fakeaws

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// metricFilter is a filter on group with a JSON pattern and dims.
func metricFilter(group string, dims map[string]any, defaultValue string) map[string]any {
	t := map[string]any{"name": "Count", "namespace": "XAccountApi", "value": "1"}
	if dims != nil {
		t["dimensions"] = dims
	}
	if defaultValue != "" {
		t["defaultValue"] = defaultValue
	}
	return map[string]any{"name": "f", "logGroupName": group, "pattern": `{ $.status = * }`, "metricTransformation": t}
}

// TestMetricFilterRules: a filter needs its log group, takes at most three
// dimensions and no default value beside them, dimensions only on a JSON
// or space-delimited pattern, a value field only when the pattern matches
// it, and at most 100 per group; deleting the group takes them with it.
func TestMetricFilterRules(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, producerAccount)
	_, _, err := create(p, t, TypeLogMetricFilter, metricFilter("missing", nil, ""))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ResourceNotFoundException: The specified log group does not exist.")
	group, _ := mustCreate(p, t, TypeLogGroup, map[string]any{"name": "g", "retentionInDays": 30})

	four := map[string]any{"A": "$.a", "B": "$.b", "C": "$.c", "D": "$.d"}
	_, _, err = create(p, t, TypeLogMetricFilter, metricFilter(group, four, ""))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "at most 3 dimensions")
	_, _, err = create(p, t, TypeLogMetricFilter, metricFilter(group, map[string]any{"VpceId": "$.vpceId"}, "0"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dimensions and default value are mutually exclusive properties")
	plain := metricFilter(group, map[string]any{"VpceId": "$.vpceId"}, "")
	plain["pattern"] = "ERROR"
	_, _, err = create(p, t, TypeLogMetricFilter, plain)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "The specified filter pattern does not support dimensions")
	latency := metricFilter(group, nil, "")
	latency["metricTransformation"].(map[string]any)["value"] = "$.latencyMs"
	_, _, err = create(p, t, TypeLogMetricFilter, latency)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Invalid metric value $.latencyMs")

	for i := range MetricFiltersPerLogGroup {
		f := metricFilter(group, map[string]any{"VpceId": "$.vpceId"}, "")
		f["name"] = "f" + strings.Repeat("x", i)
		mustCreate(p, t, TypeLogMetricFilter, f)
	}
	extra := metricFilter(group, nil, "")
	extra["name"] = "one-too-many"
	_, _, err = create(p, t, TypeLogMetricFilter, extra)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "LimitExceededException")
	require.NoError(t, store.Update(func(c *Cloud) error { return p.deleteLogGroup(c, group) }))
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.Empty(t, c.MetricFilters, "the group's filters went with it")
		return nil
	}))
}

// alarm is a metric math alarm of rate over two metrics.
func alarm(period, evals int, actions ...any) map[string]any {
	metric := func(id, name string) map[string]any {
		return map[string]any{"id": id, "returnData": false, "metric": map[string]any{"namespace": "XAccountApi", "metricName": name, "period": period, "stat": "Sum",
			"dimensions": map[string]any{"VpceId": "vpce-0123456789abcdef0"}}}
	}
	a := map[string]any{"name": "a", "comparisonOperator": "GreaterThanThreshold", "threshold": 5, "evaluationPeriods": evals, "datapointsToAlarm": evals,
		"metricQueries": []any{metric("requests", "Count"), metric("errors", "5XXError"),
			map[string]any{"id": "rate", "returnData": true, "expression": "100 * FILL(errors, 0) / requests"}}}
	if len(actions) > 0 {
		a["alarmActions"] = actions
	}
	return a
}

// TestMetricAlarmRules: exactly one query returns data, every identifier
// of an expression is defined, a period is 10, 30 or a multiple of 60, at
// most a day is evaluated, and actions are of the alarm's region.
func TestMetricAlarmRules(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, producerAccount)
	mustCreate(p, t, TypeMetricAlarm, alarm(300, 3, "arn:aws:sns:eu-west-1:111111111111:alarms"))

	two := alarm(300, 3)
	two["metricQueries"].([]any)[0].(map[string]any)["returnData"] = true
	_, _, err := create(p, t, TypeMetricAlarm, two)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Exactly one element of the metrics list should return data.")

	unknown := alarm(300, 3)
	unknown["metricQueries"].([]any)[2].(map[string]any)["expression"] = "100 * errors / calls"
	_, _, err = create(p, t, TypeMetricAlarm, unknown)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Unrecognized metric id calls")

	_, _, err = create(p, t, TypeMetricAlarm, alarm(90, 3))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "must be 10, 30 or a multiple of 60")
	_, _, err = create(p, t, TypeMetricAlarm, alarm(300, 289))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Metrics cannot be checked across more than a day")
	_, _, err = create(p, t, TypeMetricAlarm, alarm(300, 3, "arn:aws:sns:us-east-1:111111111111:alarms"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Invalid region us-east-1 specified. Only eu-west-1 is supported.")
}

// TestMetricAlarmWindowRule: PutMetricAlarm evaluates at most one day of
// periods under an hour and seven days of periods of an hour or more
// (PutMetricAlarm API reference, Period): 288 × 300 s and 168 × 3600 s
// pass, 289 × 300 s and 169 × 3600 s do not.
func TestMetricAlarmWindowRule(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, producerAccount)
	for _, c := range []struct {
		period, evals int
		refusal       string
	}{
		{300, 288, ""}, {300, 289, "Metrics cannot be checked across more than a day"},
		{3600, 25, ""}, {3600, 168, ""}, {3600, 169, "Metrics cannot be checked across more than a week"},
	} {
		a := alarm(c.period, c.evals)
		a["name"] = fmt.Sprintf("a-%d-%d", c.period, c.evals)
		_, _, err := create(p, t, TypeMetricAlarm, a)
		if c.refusal == "" {
			assert.NoErrorf(t, err, "%d periods of %d s", c.evals, c.period)
			continue
		}
		require.Errorf(t, err, "%d periods of %d s", c.evals, c.period)
		assert.Contains(t, err.Error(), c.refusal)
	}
}

// TestDashboardsAreGlobalToTheAccount: a dashboard has no region
// (arn:aws:cloudwatch::<account>:dashboard/<name>), so a PutDashboard of the
// same name from another region replaces it without a word, a delete from
// either region removes the one dashboard, a second delete is refused
// (ResourceNotFound) and a read then reports it gone.
func TestDashboardsAreGlobalToTheAccount(t *testing.T) {
	store := newStore(t)
	eu := provider(t, store, producerAccount)
	us := New(store)
	_, err := us.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: st(t, map[string]any{
		"region": "us-east-1", "allowedAccountIds": []any{producerAccount},
		"assumeRole": map[string]any{"roleArn": "arn:aws:iam::" + producerAccount + ":role/deployer"},
	})})
	require.NoError(t, err)
	board := func(region string) map[string]any {
		b, _ := json.Marshal(map[string]any{"widgets": []any{map[string]any{"type": "metric", "properties": map[string]any{"region": region, "metrics": []any{}}}}})
		return map[string]any{"dashboardName": "xaccount-api-dev", "dashboardBody": string(b)}
	}
	mustCreate(eu, t, TypeDashboard, board("eu-west-1"))
	mustCreate(us, t, TypeDashboard, board("us-east-1"))
	require.NoError(t, store.View(func(c *Cloud) error {
		require.Len(t, c.Dashboards, 1, "one name, one dashboard in the account")
		assert.Contains(t, c.Dashboards[producerAccount+"/xaccount-api-dev"].Body, "us-east-1", "the second put replaced the first")
		return nil
	}))
	require.NoError(t, del(eu, t, TypeDashboard, "xaccount-api-dev", board("eu-west-1")))
	err = del(us, t, TypeDashboard, "xaccount-api-dev", board("us-east-1"))
	require.Error(t, err, "the other region's delete finds nothing")
	assert.Contains(t, err.Error(), "ResourceNotFound: The specified dashboard does not exist.")
	resp, err := us.Read(context.Background(), &pulumirpc.ReadRequest{Id: "xaccount-api-dev", Urn: "urn:pulumi:s::p::" + TypeDashboard + "::d", Properties: st(t, board("us-east-1"))})
	require.NoError(t, err)
	assert.Empty(t, resp.GetId(), "a refresh lets go of a dashboard that is gone")
}

// TestDashboardRules: a name of [A-Za-z0-9_-], a JSON body of at most 500
// widgets, each metric widget with its region.
func TestDashboardRules(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, producerAccount)
	widget := map[string]any{"type": "metric", "properties": map[string]any{"region": region, "metrics": []any{}}}
	body := func(n int, w map[string]any) string {
		ws := make([]any, n)
		for i := range ws {
			ws[i] = w
		}
		b, _ := json.Marshal(map[string]any{"widgets": ws})
		return string(b)
	}
	mustCreate(p, t, TypeDashboard, map[string]any{"dashboardName": "xaccount-api-dev", "dashboardBody": body(500, widget)})
	for _, c := range []struct{ name, body, want string }{
		{"bad name!", body(1, widget), "can only contain alphanumerics, dash (-) and underscore (_)"},
		{"d", "{not json", "Invalid JSON"},
		{"d", body(501, widget), "Should NOT have more than 500 items"},
		{"d", body(1, map[string]any{"type": "metric", "properties": map[string]any{}}), "Should have required property 'region'"},
	} {
		_, _, err := create(p, t, TypeDashboard, map[string]any{"dashboardName": c.name, "dashboardBody": c.body})
		require.Error(t, err, c.want)
		assert.Contains(t, err.Error(), c.want)
	}
}
