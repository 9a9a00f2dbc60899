package components

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	typeLogMetricFilter = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
	typeMetricAlarm     = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeDashboard       = "aws:cloudwatch/dashboard:Dashboard"
)

// TestMonitoringFiltersPublishPerEndpointMetrics: one filter per metric on
// the access-log group, each in MetricNamespace with the three dimensions
// read from the log line, a value CloudWatch can take (a field the pattern
// matches) and no default value (refused with dimensions).
func TestMonitoringFiltersPublishPerEndpointMetrics(t *testing.T) {
	mocks, _, err := runCrossAccount(t, testRegion)
	require.NoError(t, err)
	filters := mocks.OfType(typeLogMetricFilter)
	require.Len(t, filters, 4)
	group := mustNamed(t, mocks, "aws:cloudwatch/logGroup:LogGroup", "xa-access-logs")
	metrics := map[string]string{}
	for _, f := range filters {
		assert.Equal(t, "producer", mocks.ProviderName(f), "%s is in the producer account", f.Name)
		assert.Equal(t, group.Input("name"), f.Input("logGroupName"), "%s reads the stage's access logs", f.Name)
		tr := f.Input("metricTransformation").(map[string]any)
		assert.Equal(t, MetricNamespace, tr["namespace"])
		assert.Equal(t, map[string]any{"ApiId": "$.apiId", "Stage": "$.stage", "VpceId": "$.vpceId"}, tr["dimensions"])
		assert.Nil(t, tr["defaultValue"], "no default value beside dimensions")
		pattern := f.Input("pattern").(string)
		if v := tr["value"].(string); strings.HasPrefix(v, "$.") {
			assert.Contains(t, pattern, v, "a value read from the line is matched by the pattern")
		}
		metrics[tr["name"].(string)] = pattern
	}
	assert.Equal(t, map[string]string{
		MetricRequests: `{ $.status = * }`, MetricClientErrors: `{ $.status = "4*" }`,
		MetricServerErrors: `{ $.status = "5*" }`, MetricLatency: `{ $.latencyMs = * }`,
	}, metrics)
}

// TestAccessLogLineCarriesTheMetricFields: filled in as API Gateway fills
// it, the log format is one JSON object with the dimension fields and a
// numeric latency.
func TestAccessLogLineCarriesTheMetricFields(t *testing.T) {
	line := strings.NewReplacer("$context.responseLatency", "42", "$context.apiId", "abcde12345", "$context.stage", "dev",
		"$context.identity.vpceId", "vpce-0123456789abcdef0", "$context.status", "503").Replace(accessLogFormat)
	for _, other := range []string{"requestId", "identity.sourceIp", "identity.caller", "identity.user", "httpMethod", "resourcePath", "integrationLatency", "error.responseType"} {
		line = strings.ReplaceAll(line, "$context."+other, "x")
	}
	var entry map[string]any
	require.NoError(t, json.Unmarshal([]byte(line), &entry), line)
	assert.Equal(t, "abcde12345", entry["apiId"])
	assert.Equal(t, "dev", entry["stage"])
	assert.Equal(t, "vpce-0123456789abcdef0", entry["vpceId"])
	assert.Equal(t, "503", entry["status"])
	assert.Equal(t, float64(42), entry["latencyMs"], "a number, which a metric value must be")
}

// TestMonitoringAlarmsPerConsumer: every consumer, created or owned
// elsewhere, gets a 5xx-rate and a 4xx-rate alarm reading its own
// endpoint's metrics, with the default thresholds, one query returning
// data, and no actions unless a topic is given.
func TestMonitoringAlarmsPerConsumer(t *testing.T) {
	mocks, res, err := runCrossAccount(t, testRegion)
	require.NoError(t, err)
	alarms := mocks.OfType(typeMetricAlarm)
	require.Len(t, alarms, 6)
	apiId := mustNamed(t, mocks, "aws:apigateway/restApi:RestApi", "xa-api-api").Id
	for _, consumer := range []string{"app", "batch", "partner"} {
		for kind, threshold := range map[string]float64{"5xx": DefaultServerErrorRatePercent, "4xx": DefaultClientErrorRatePercent} {
			a := mustNamed(t, mocks, typeMetricAlarm, "xa-alarm-"+consumer+"-"+kind)
			assert.Equal(t, "producer", mocks.ProviderName(a))
			assert.Equal(t, fmt.Sprintf("xa-dev-%s-%s-rate", consumer, kind), a.Input("name"))
			assert.Equal(t, threshold, a.Input("threshold"))
			assert.Equal(t, "GreaterThanThreshold", a.Input("comparisonOperator"))
			assert.Equal(t, "notBreaching", a.Input("treatMissingData"))
			assert.EqualValues(t, DefaultAlarmEvaluationPeriods, a.Input("evaluationPeriods"))
			assert.Nil(t, a.Input("alarmActions"), "no actions without a topic")
			returning := 0
			wantMetric := map[string]string{"5xx": MetricServerErrors, "4xx": MetricClientErrors}[kind]
			var read []string
			for _, q := range a.Input("metricQueries").([]any) {
				q := q.(map[string]any)
				if q["returnData"] == true {
					returning++
					assert.Equal(t, "100 * FILL(errors, 0) / requests", q["expression"])
					continue
				}
				m := q["metric"].(map[string]any)
				read = append(read, m["metricName"].(string))
				assert.Equal(t, map[string]any{"ApiId": apiId, "Stage": "dev", "VpceId": res.endpoints[consumer]}, m["dimensions"], "%s reads %s's endpoint", a.Name, consumer)
				assert.EqualValues(t, DefaultAlarmPeriodSeconds, m["period"])
			}
			assert.Equal(t, 1, returning, "exactly one query returns data")
			assert.ElementsMatch(t, []string{MetricRequests, wantMetric}, read)
		}
	}
}

// TestMonitoringTopicAndThresholds: configured thresholds, period and topic
// reach the alarms; the topic is notified on alarm and on recovery.
func TestMonitoringTopicAndThresholds(t *testing.T) {
	topic := "arn:aws:sns:eu-west-1:111111111111:api-alarms"
	mocks := runWithApp(t, testRegion, func(producer, app *aws.Provider) *CrossAccountPrivateApiArgs {
		return &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
			Consumers:  []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}},
			Monitoring: &MonitoringArgs{ServerErrorRatePercent: 1.5, ClientErrorRatePercent: 50, PeriodSeconds: 60, EvaluationPeriods: 10, AlarmTopicArn: topic},
		}
	}, nil)
	five := mustNamed(t, mocks, typeMetricAlarm, "xa-alarm-app-5xx")
	assert.Equal(t, 1.5, five.Input("threshold"))
	assert.Equal(t, 50.0, mustNamed(t, mocks, typeMetricAlarm, "xa-alarm-app-4xx").Input("threshold"))
	assert.EqualValues(t, 10, five.Input("evaluationPeriods"))
	assert.EqualValues(t, 10, five.Input("datapointsToAlarm"))
	assert.Equal(t, []any{topic}, five.Input("alarmActions"))
	assert.Equal(t, []any{topic}, five.Input("okActions"))
	m := five.Input("metricQueries").([]any)[0].(map[string]any)["metric"].(map[string]any)
	assert.EqualValues(t, 60, m["period"])
}

// TestDashboardNameIsUniquePerRegionAndStack: dashboards are global to the
// account and PutDashboard overwrites one of the same name, so two
// deployments of one stage name in one account (another region, another
// stack or project) get two names; a name leaves out what the component
// name or the stage says already, keeps to PutDashboard's characters and
// 255 characters, and is the same on every run.
func TestDashboardNameIsUniquePerRegionAndStack(t *testing.T) {
	assert.Equal(t, "xaccount-api-dev-eu-west-1", dashboardName("xaccount-api", "dev", "eu-west-1", "xaccount-api", "dev"))
	assert.Equal(t, "xaccount-api-prod-eu-west-1", dashboardName("xaccount-api", "prod", "eu-west-1", "xaccount-api", "prod"))
	names := map[string]string{}
	for _, c := range [][5]string{
		{"xaccount-api", "dev", "eu-west-1", "xaccount-api", "dev"},
		{"xaccount-api", "dev", "us-east-1", "xaccount-api", "dev"},
		{"xaccount-api", "dev", "eu-west-1", "xaccount-api", "dev-copy"},
		{"xaccount-api", "dev", "eu-west-1", "orders", "dev"},
		{"xaccount-api", "prod", "eu-west-1", "xaccount-api", "prod"},
	} {
		n := dashboardName(c[0], c[1], c[2], c[3], c[4])
		if other, taken := names[n]; taken {
			t.Errorf("%v and %s share the dashboard %s", c, other, n)
		}
		names[n] = fmt.Sprint(c)
		assert.Regexp(t, `^[A-Za-z0-9_-]{1,255}$`, n)
	}
	long := dashboardName(strings.Repeat("n", 200), "st.age", "eu-west-1", "p", strings.Repeat("s", 100))
	assert.Len(t, long, 255)
	assert.Regexp(t, `^[A-Za-z0-9_-]+$`, long)
	assert.Equal(t, long, dashboardName(strings.Repeat("n", 200), "st.age", "eu-west-1", "p", strings.Repeat("s", 100)))
	assert.NotEqual(t, long, dashboardName(strings.Repeat("n", 200), "st.age", "eu-west-1", "p", strings.Repeat("s", 99)+"t"))
}

// TestMonitoringDashboardHasARowPerConsumer: the body is a valid dashboard
// (every metric widget names its region) with a header and four widgets
// per consumer, each row naming that consumer's endpoint.
func TestMonitoringDashboardHasARowPerConsumer(t *testing.T) {
	mocks, res, err := runCrossAccount(t, testRegion)
	require.NoError(t, err)
	d := mustNamed(t, mocks, typeDashboard, "xa-dashboard")
	assert.Equal(t, "producer", mocks.ProviderName(d))
	assert.Equal(t, "xa-dev-"+testRegion+"-components-test-test", d.Input("dashboardName"), "component, stage, region, project, stack")
	var body struct {
		Widgets []struct {
			Type       string         `json:"type"`
			Y          int            `json:"y"`
			Properties map[string]any `json:"properties"`
		} `json:"widgets"`
	}
	require.NoError(t, json.Unmarshal([]byte(d.Input("dashboardBody").(string)), &body))
	require.Len(t, body.Widgets, 1+4*3)
	rows := map[int]string{}
	for _, w := range body.Widgets {
		b, _ := json.Marshal(w.Properties)
		if w.Type == "metric" {
			assert.Equal(t, testRegion, w.Properties["region"])
		}
		rows[w.Y] += string(b)
	}
	for i, name := range []string{"app", "batch", "partner"} {
		row := rows[2+6*i]
		assert.Contains(t, row, res.endpoints[name], "row %d is %s's", i, name)
		for other, vpce := range res.endpoints {
			if other != name {
				assert.NotContains(t, row, vpce, "row %d shows %s only", i, name)
			}
		}
	}
}

// TestMonitoringFollowsTheAccessLogs: off with the access logs by default;
// asked for without them, refused on monitoring before anything exists.
func TestMonitoringFollowsTheAccessLogs(t *testing.T) {
	base := func(producer, app *aws.Provider) *CrossAccountPrivateApiArgs {
		return &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
			Consumers:  []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}},
			AccessLogs: &AccessLogsArgs{Enabled: pulumi.BoolRef(false)},
		}
	}
	mocks := runWithApp(t, testRegion, base, nil)
	for _, typ := range []string{typeLogMetricFilter, typeMetricAlarm, typeDashboard} {
		assert.Empty(t, mocks.OfType(typ), "no %s without access logs", typ)
	}
	args := base(nil, nil)
	args.Monitoring = &MonitoringArgs{}
	assert.Equal(t, []string{"monitoring"}, fieldsOf(args.Validate()))
}

// TestAlarmWindowLimitDependsOnPeriod: CloudWatch evaluates at most one day
// (86,400 s) of periods under an hour and seven days (604,800 s) of periods
// of an hour or more (PutMetricAlarm API reference, Period), so 168 periods
// of an hour pass and 169 do not, while 289 periods of 300 s do not either;
// the refusal names the limit that applies.
func TestAlarmWindowLimitDependsOnPeriod(t *testing.T) {
	for _, c := range []struct {
		period, periods int
		ok              bool
	}{
		{3600, 25, true}, {3600, 168, true}, {3600, 169, false},
		{7200, 84, true}, {7200, 85, false},
		{300, 288, true}, {300, 289, false},
		{3540, 24, true}, {3540, 25, false},
	} {
		err := MonitoringArgs{PeriodSeconds: c.period, EvaluationPeriods: c.periods}.Validate(testRegion)
		if c.ok {
			assert.NoErrorf(t, err, "%d periods of %d s", c.periods, c.period)
			continue
		}
		require.Errorf(t, err, "%d periods of %d s", c.periods, c.period)
		assert.Equal(t, []string{"evaluationPeriods"}, fieldsOf(err))
		if c.period < 3600 {
			assert.Contains(t, err.Error(), "at most 86400 s (one day for periods under an hour)")
		} else {
			assert.Contains(t, err.Error(), "at most 604800 s (seven days for periods of an hour or more)")
		}
	}
}

// TestMonitoringValidation names each bad value's field, and the
// dashboard's widget quota on monitoring.
func TestMonitoringValidation(t *testing.T) {
	for _, c := range []struct {
		args MonitoringArgs
		want []string
	}{
		{MonitoringArgs{ServerErrorRatePercent: 101, ClientErrorRatePercent: -1}, []string{"serverErrorRatePercent", "clientErrorRatePercent"}},
		{MonitoringArgs{PeriodSeconds: 90}, []string{"periodSeconds"}},
		{MonitoringArgs{PeriodSeconds: 30}, []string{"periodSeconds"}},
		{MonitoringArgs{EvaluationPeriods: -2}, []string{"evaluationPeriods"}},
		{MonitoringArgs{PeriodSeconds: 3600, EvaluationPeriods: 169}, []string{"evaluationPeriods"}},
		{MonitoringArgs{PeriodSeconds: 3600, EvaluationPeriods: 24}, nil},
		{MonitoringArgs{AlarmTopicArn: "arn:aws:sqs:eu-west-1:111111111111:q"}, []string{"alarmTopicArn"}},
		{MonitoringArgs{AlarmTopicArn: "arn:aws:sns:us-east-1:111111111111:alarms"}, []string{"alarmTopicArn"}},
		{MonitoringArgs{AlarmTopicArn: "arn:aws:sns:eu-west-1:111111111111:alarms"}, nil},
		{MonitoringArgs{Enabled: pulumi.BoolRef(false), PeriodSeconds: 7}, nil},
	} {
		assert.Equal(t, c.want, fieldsOf(c.args.Validate(testRegion)), "%+v", c.args)
	}

	many := func(n int) *CrossAccountPrivateApiArgs {
		a := &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev"}
		for i := range n {
			a.Consumers = append(a.Consumers, ConsumerArgs{Name: fmt.Sprintf("c%d", i), AccountId: testConsumerAccount,
				EndpointId: pluralEndpoint(i)})
		}
		return a
	}
	assert.NotContains(t, fieldsOf(many(124).Validate()), "monitoring", "124 consumers fit 497 widgets")
	err := many(125).Validate()
	assert.Contains(t, fieldsOf(err), "monitoring")
	assert.ErrorContains(t, err, "125 consumers need 501 dashboard widgets; CloudWatch allows 500")
	off := many(125)
	off.Monitoring = &MonitoringArgs{Enabled: pulumi.BoolRef(false)}
	assert.NotContains(t, fieldsOf(off.Validate()), "monitoring")
}

// pluralEndpoint is the i-th of many distinct existing endpoint IDs.
func pluralEndpoint(i int) pulumi.StringInput {
	return pulumi.String(fmt.Sprintf("vpce-%017x", i+1))
}
