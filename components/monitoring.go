package components

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// Per-consumer metrics. Metric filters on the access-log group (one per
// metric, not per consumer) publish them in MetricNamespace with the
// dimensions ApiId, Stage and VpceId, read from the access-log line
// (accessLogFormat): a consumer team finds its own by its endpoint's ID.
// CloudWatch Logs allows three dimensions per filter and no default value
// with dimensions (PutMetricFilter; "dimensions and default value are
// mutually exclusive properties"), so a period without a matching request
// has no data point rather than a zero; the alarms fill it.
const (
	// MetricNamespace is the CloudWatch namespace of the per-consumer metrics.
	MetricNamespace = "XAccountApi"
	// MetricRequests counts every request (Sum), MetricClientErrors the 4xx
	// answers, MetricServerErrors the 5xx answers; MetricLatency is the
	// response latency in milliseconds (use p50, p99 or Average).
	MetricRequests     = "Count"
	MetricClientErrors = "4XXError"
	MetricServerErrors = "5XXError"
	MetricLatency      = "Latency"
	// DimensionApiId, DimensionStage and DimensionVpceId are the
	// dimensions of every per-consumer metric.
	DimensionApiId  = "ApiId"
	DimensionStage  = "Stage"
	DimensionVpceId = "VpceId"
)

// Defaults of MonitoringArgs.
const (
	DefaultServerErrorRatePercent = 5
	DefaultClientErrorRatePercent = 25
	DefaultAlarmPeriodSeconds     = 300
	DefaultAlarmEvaluationPeriods = 3
)

// maxDashboardWidgets is CloudWatch's "widgets per dashboard" (CloudWatch
// service quotas: 500); the dashboard has one header and
// dashboardWidgetsPerConsumer per consumer.
const (
	maxDashboardWidgets         = 500
	dashboardWidgetsPerConsumer = 4
)

// The longest period times evaluation periods CloudWatch evaluates
// (PutMetricAlarm API reference, Period: "An alarm's total current
// evaluation period can be no longer than seven days, so Period multiplied
// by EvaluationPeriods can't be more than 604,800 seconds. For alarms with a
// period of less than one hour (3,600 seconds), the total evaluation period
// can't be longer than one day (86,400 seconds).").
const (
	// maxAlarmWindowSeconds is the limit for periods of an hour or more: seven days.
	maxAlarmWindowSeconds = 604800
	// maxShortPeriodAlarmWindowSeconds is the limit for periods under an hour: one day.
	maxShortPeriodAlarmWindowSeconds = 86400
	// longAlarmPeriodSeconds is where the seven-day limit starts: one hour.
	longAlarmPeriodSeconds = 3600
)

// alarmWindowLimit is the longest evaluation (EvaluationPeriods × Period, in
// seconds) CloudWatch accepts for an alarm of periodSeconds, and that limit
// in words.
func alarmWindowLimit(periodSeconds int) (seconds int, words string) {
	if periodSeconds < longAlarmPeriodSeconds {
		return maxShortPeriodAlarmWindowSeconds, "one day for periods under an hour"
	}
	return maxAlarmWindowSeconds, "seven days for periods of an hour or more"
}

// MonitoringArgs turn on per-consumer metrics, alarms and a dashboard in the
// producer account, from the access logs.
type MonitoringArgs struct {
	// Enabled turns monitoring on; false turns it off. Optional, default
	// true wherever the access logs are on.
	Enabled *bool `pulumi:"enabled,optional"`
	// Disabled is Enabled false by its former name, the opposite of the
	// stack file's key (api.monitoring.enabled); it behaves as that. Setting
	// it with Enabled is refused.
	//
	// Deprecated: use Enabled (false). Kept for one minor version.
	Disabled bool `pulumi:"disabled,optional"`
	// ServerErrorRatePercent is the 5xx share of a consumer's requests, in
	// percent, above which its alarm fires. Optional, default 5.
	ServerErrorRatePercent float64 `pulumi:"serverErrorRatePercent,optional"`
	// ClientErrorRatePercent is the same for 4xx answers. Optional, default 25.
	ClientErrorRatePercent float64 `pulumi:"clientErrorRatePercent,optional"`
	// PeriodSeconds is the alarms' period: 60 or a multiple of it (the
	// metrics are standard resolution). Optional, default 300.
	PeriodSeconds int `pulumi:"periodSeconds,optional"`
	// EvaluationPeriods is how many periods in a row must breach before an
	// alarm fires; times PeriodSeconds at most one day when the period is
	// under an hour, seven days when it is an hour or more. Optional, default 3.
	EvaluationPeriods int `pulumi:"evaluationPeriods,optional"`
	// AlarmTopicArn is an SNS topic in the API's region that every alarm
	// notifies when it fires and when it recovers; its policy must let
	// cloudwatch.amazonaws.com publish. Optional: no actions.
	AlarmTopicArn string `pulumi:"alarmTopicArn,optional"`
}

// snsTopicArn is the shape of an SNS topic ARN: partition, region, account, name.
var snsTopicArn = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$`)

// withDefaults is the args with every zero value replaced by its default.
func (m MonitoringArgs) withDefaults() MonitoringArgs {
	if m.ServerErrorRatePercent == 0 {
		m.ServerErrorRatePercent = DefaultServerErrorRatePercent
	}
	if m.ClientErrorRatePercent == 0 {
		m.ClientErrorRatePercent = DefaultClientErrorRatePercent
	}
	if m.PeriodSeconds == 0 {
		m.PeriodSeconds = DefaultAlarmPeriodSeconds
	}
	if m.EvaluationPeriods == 0 {
		m.EvaluationPeriods = DefaultAlarmEvaluationPeriods
	}
	return m
}

// Validate checks the monitoring of an API in region, as FieldErrors
// (serverErrorRatePercent, …).
func (m MonitoringArgs) Validate(region string) error {
	var f fieldErrs
	m = m.resolved(&f, "")
	if !m.on() {
		return f.err()
	}
	d := m.withDefaults()
	const percent = "a percentage above 0 and at most 100"
	if d.ServerErrorRatePercent <= 0 || d.ServerErrorRatePercent > 100 {
		f.bad("serverErrorRatePercent", m.ServerErrorRatePercent, percent)
	}
	if d.ClientErrorRatePercent <= 0 || d.ClientErrorRatePercent > 100 {
		f.bad("clientErrorRatePercent", m.ClientErrorRatePercent, percent)
	}
	periodOk := d.PeriodSeconds >= 60 && d.PeriodSeconds%60 == 0
	if !periodOk {
		f.bad("periodSeconds", m.PeriodSeconds, "60 or a multiple of 60 seconds (the metrics are standard resolution)")
	}
	switch {
	case d.EvaluationPeriods < 1:
		f.bad("evaluationPeriods", m.EvaluationPeriods, "at least 1")
	case periodOk:
		if limit, words := alarmWindowLimit(d.PeriodSeconds); d.EvaluationPeriods*d.PeriodSeconds > limit {
			f.add("evaluationPeriods", "got %d periods of %d s (%d s); CloudWatch evaluates at most %d s (%s): expected at most %d periods",
				d.EvaluationPeriods, d.PeriodSeconds, d.EvaluationPeriods*d.PeriodSeconds, limit, words, limit/d.PeriodSeconds)
		}
	}
	if m.AlarmTopicArn != "" {
		parts := snsTopicArn.FindStringSubmatch(m.AlarmTopicArn)
		switch {
		case parts == nil:
			f.bad("alarmTopicArn", m.AlarmTopicArn, vocab.ExpectAlarmTopicArn)
		case parts[2] != region:
			f.add("alarmTopicArn", "got %q in region %s; CloudWatch alarms notify topics of their own region only: expected a topic in %s", m.AlarmTopicArn, parts[2], region)
		}
	}
	return f.err()
}

// monitoredConsumer is what the alarms and the dashboard need of a consumer.
type monitoredConsumer struct {
	name, accountId string
	endpointId      pulumi.StringOutput
}

// metricFilterSpec is one metric filter on the access-log group.
type metricFilterSpec struct {
	suffix, metric, pattern, value, unit string
}

// metricFilters count requests, 4xx and 5xx answers and record latency.
// The patterns match the JSON line of accessLogFormat; status is a string
// there, latencyMs a number.
var metricFilters = []metricFilterSpec{
	{"requests", MetricRequests, `{ $.status = * }`, "1", "Count"},
	{"4xx", MetricClientErrors, `{ $.status = "4*" }`, "1", "Count"},
	{"5xx", MetricServerErrors, `{ $.status = "5*" }`, "1", "Count"},
	{"latency", MetricLatency, `{ $.latencyMs = * }`, "$.latencyMs", "Milliseconds"},
}

// metricDimensions are the dimensions each filter reads from the log line.
var metricDimensions = map[string]string{DimensionApiId: "$.apiId", DimensionStage: "$.stage", DimensionVpceId: "$.vpceId"}

// monitoringInputs is what newMonitoring builds on.
type monitoringInputs struct {
	name, stageName string
	logGroupName    pulumi.StringOutput
	apiId           pulumi.StringOutput
	region          string
	consumers       []monitoredConsumer
	args            MonitoringArgs
	tags            pulumi.StringMapInput
}

// Monitoring are the per-consumer alarms and the stack's dashboard.
type Monitoring struct {
	// Alarms maps each consumer's name to its two alarms' names (5xx, 4xx).
	Alarms map[string][]pulumi.StringOutput
	// DashboardName is the CloudWatch dashboard's name.
	DashboardName pulumi.StringOutput
}

// newMonitoring registers, in the producer account, the metric filters on
// the access-log group, two alarms per consumer (its 5xx and 4xx rates)
// and one dashboard with a row per consumer.
func newMonitoring(ctx *pulumi.Context, parent pulumi.Resource, in monitoringInputs, producer pulumi.ResourceOption) (*Monitoring, error) {
	args := in.args.withDefaults()
	var filters []pulumi.Resource
	for _, spec := range metricFilters {
		dims := pulumi.StringMap{}
		for k, v := range metricDimensions {
			dims[k] = pulumi.String(v)
		}
		filter, err := cloudwatch.NewLogMetricFilter(ctx, in.name+"-metric-"+spec.suffix, &cloudwatch.LogMetricFilterArgs{
			Name:         pulumi.String(in.name + "-" + in.stageName + "-" + spec.suffix),
			LogGroupName: in.logGroupName,
			Pattern:      pulumi.String(spec.pattern),
			MetricTransformation: &cloudwatch.LogMetricFilterMetricTransformationArgs{
				Name:       pulumi.String(spec.metric),
				Namespace:  pulumi.String(MetricNamespace),
				Value:      pulumi.String(spec.value),
				Unit:       pulumi.String(spec.unit),
				Dimensions: dims,
			},
		}, pulumi.Parent(parent), producer)
		if err != nil {
			return nil, err
		}
		filters = append(filters, filter)
	}
	mon := &Monitoring{Alarms: map[string][]pulumi.StringOutput{}}
	var actions pulumi.Array
	if args.AlarmTopicArn != "" {
		actions = pulumi.Array{pulumi.String(args.AlarmTopicArn)}
	}
	for _, c := range in.consumers {
		for _, a := range []struct {
			kind, metric string
			threshold    float64
		}{{"5xx", MetricServerErrors, args.ServerErrorRatePercent}, {"4xx", MetricClientErrors, args.ClientErrorRatePercent}} {
			dims := pulumi.StringMap{DimensionApiId: in.apiId, DimensionStage: pulumi.String(in.stageName), DimensionVpceId: c.endpointId}
			metric := func(id, name string) cloudwatch.MetricAlarmMetricQueryArgs {
				return cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String(id), ReturnData: pulumi.Bool(false), Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
					Namespace: pulumi.String(MetricNamespace), MetricName: pulumi.String(name), Dimensions: dims,
					Period: pulumi.Int(args.PeriodSeconds), Stat: pulumi.String("Sum"),
				}}
			}
			alarmName := alarmName(in.name, in.stageName, c.name, a.kind)
			alarm, err := cloudwatch.NewMetricAlarm(ctx, in.name+"-alarm-"+c.name+"-"+a.kind, &cloudwatch.MetricAlarmArgs{
				Name: pulumi.String(alarmName),
				AlarmDescription: pulumi.String(fmt.Sprintf("More than %g%% of the requests of consumer %s (account %s) through its endpoint got %s answers, %d periods of %d s in a row",
					a.threshold, c.name, c.accountId, a.kind, args.EvaluationPeriods, args.PeriodSeconds)),
				ComparisonOperator: pulumi.String("GreaterThanThreshold"),
				Threshold:          pulumi.Float64(a.threshold),
				EvaluationPeriods:  pulumi.Int(args.EvaluationPeriods),
				DatapointsToAlarm:  pulumi.Int(args.EvaluationPeriods),
				// No requests, no rate: not an error of the consumer's.
				TreatMissingData: pulumi.String("notBreaching"),
				MetricQueries: cloudwatch.MetricAlarmMetricQueryArray{
					metric("requests", MetricRequests),
					metric("errors", a.metric),
					cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String("rate"), ReturnData: pulumi.Bool(true),
						Label: pulumi.String(a.kind + " rate (%)"), Expression: pulumi.String("100 * FILL(errors, 0) / requests")},
				},
				AlarmActions: actions,
				OkActions:    actions,
				Tags:         in.tags,
			}, pulumi.Parent(parent), producer, pulumi.DependsOn(filters))
			if err != nil {
				return nil, err
			}
			mon.Alarms[c.name] = append(mon.Alarms[c.name], alarm.Name)
		}
	}
	body := dashboardBody(in)
	dashboard, err := cloudwatch.NewDashboard(ctx, in.name+"-dashboard", &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(dashboardName(in.name, in.stageName, in.region, ctx.Project(), ctx.Stack())),
		DashboardBody: body,
	}, pulumi.Parent(parent), producer)
	if err != nil {
		return nil, err
	}
	mon.DashboardName = dashboard.DashboardName
	return mon, nil
}

// alarmName is the name of a consumer's alarm of kind (5xx, 4xx): unique per
// API stage and consumer, at most 255 characters.
func alarmName(name, stage, consumer, kind string) string {
	n := fmt.Sprintf("%s-%s-%s-%s-rate", name, stage, consumer, kind)
	if len(n) > 255 {
		return fittedNameFor("alarm", stage, n, 255)
	}
	return n
}

// notDashboardName are the characters a dashboard name cannot hold
// (PutDashboard: "A-Z, a-z, 0-9, -, and _").
var notDashboardName = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// maxDashboardName is PutDashboard's longest DashboardName.
const maxDashboardName = 255

// dashboardName is the dashboard of the component name's stage in region,
// deployed by stack of project. A dashboard is global to its account (its
// ARN has no region: arn:aws:cloudwatch::<account>:dashboard/<name>) and
// PutDashboard replaces one of the same name without a word, so the name
// carries whatever tells two deployments in one account apart: the stage,
// the region, and the project and stack (each left out where the component
// name or the stage already says it: xaccount-api-dev-eu-west-1 for the
// stack dev of project xaccount-api). Characters PutDashboard refuses
// become "-"; a name longer than 255 characters is cut and ends in a hash
// of the whole.
func dashboardName(name, stage, region, project, stack string) string {
	parts := []string{name, stage, region}
	if project != name {
		parts = append(parts, project)
	}
	if stack != stage {
		parts = append(parts, stack)
	}
	n := notDashboardName.ReplaceAllString(strings.Join(parts, "-"), "-")
	if len(n) > maxDashboardName {
		return fittedNameFor(project, stack, n, maxDashboardName)
	}
	return n
}

// dashboardBody is the dashboard's JSON: a header naming the namespace and
// dimensions, then per consumer a row of its name and endpoint, its
// requests, its 4xx and 5xx rates and its latency.
func dashboardBody(in monitoringInputs) pulumi.StringOutput {
	values := []any{in.apiId}
	for _, c := range in.consumers {
		values = append(values, c.endpointId)
	}
	return pulumi.All(values...).ApplyT(func(v []any) (string, error) {
		apiId := v[0].(string)
		widgets := []map[string]any{{
			"type": "text", "x": 0, "y": 0, "width": 24, "height": 2,
			"properties": map[string]any{"markdown": fmt.Sprintf("## API %s, stage %s\nMetrics in namespace `%s`, dimensions `%s`, `%s` and `%s` (each consumer's VPC endpoint), from the access logs.",
				apiId, in.stageName, MetricNamespace, DimensionApiId, DimensionStage, DimensionVpceId)},
		}}
		for i, c := range in.consumers {
			vpce, _ := v[i+1].(string)
			y := 2 + 6*i
			dims := []any{DimensionApiId, apiId, DimensionStage, in.stageName, DimensionVpceId, vpce}
			metric := func(name string, opts map[string]any) []any {
				return append(append([]any{MetricNamespace, name}, dims...), opts)
			}
			graph := func(x int, title string, metrics []any, stat string) map[string]any {
				return map[string]any{"type": "metric", "x": x, "y": y, "width": 6, "height": 6, "properties": map[string]any{
					"title": title, "region": in.region, "view": "timeSeries", "stat": stat, "period": 60, "metrics": metrics,
				}}
			}
			widgets = append(widgets,
				map[string]any{"type": "text", "x": 0, "y": y, "width": 6, "height": 6, "properties": map[string]any{
					"markdown": fmt.Sprintf("### %s\nAccount %s\n\nEndpoint `%s`", c.name, c.accountId, vpce)}},
				graph(6, c.name+": requests", []any{metric(MetricRequests, map[string]any{"label": "requests"})}, "Sum"),
				graph(12, c.name+": error rate (%)", []any{
					[]any{map[string]any{"expression": "100 * FILL(e4, 0) / req", "label": "4xx %", "id": "r4"}},
					[]any{map[string]any{"expression": "100 * FILL(e5, 0) / req", "label": "5xx %", "id": "r5"}},
					metric(MetricRequests, map[string]any{"id": "req", "visible": false}),
					metric(MetricClientErrors, map[string]any{"id": "e4", "visible": false}),
					metric(MetricServerErrors, map[string]any{"id": "e5", "visible": false}),
				}, "Sum"),
				graph(18, c.name+": latency (ms)", []any{
					metric(MetricLatency, map[string]any{"stat": "p50", "label": "p50"}),
					metric(MetricLatency, map[string]any{"stat": "p99", "label": "p99"}),
				}, "p50"),
			)
		}
		b, err := json.Marshal(map[string]any{"widgets": widgets})
		return string(b), err
	}).(pulumi.StringOutput)
}

// monitoringArgs are the args' monitoring with the default: on where the
// access logs are on.
func (a *CrossAccountPrivateApiArgs) monitoring() MonitoringArgs {
	if a.Monitoring == nil {
		return MonitoringArgs{Enabled: pulumi.BoolRef(a.accessLogs().on())}
	}
	return *a.Monitoring
}

// on says whether monitoring is on (Enabled, default true; the former
// Disabled counts too).
func (m MonitoringArgs) on() bool { return !m.Disabled && (m.Enabled == nil || *m.Enabled) }

// MonitoringOn says whether the API gets per-consumer metrics, alarms and a
// dashboard: Monitoring on (or nil) and the access logs on.
func (a *CrossAccountPrivateApiArgs) MonitoringOn() bool {
	return a.monitoring().on() && a.accessLogs().on()
}

// validateMonitoring checks the monitoring against the access logs it reads
// and its own values.
func (a *CrossAccountPrivateApiArgs) validateMonitoring(f *fieldErrs) {
	m := a.monitoring()
	if !m.on() {
		return
	}
	if !a.accessLogs().on() {
		f.add("monitoring", "is on while the access logs are off; the metrics are read from the access logs: turn the access logs on or set monitoring off")
	}
	f.nest("monitoring", m.Validate(a.Region))
	if n := len(a.Consumers); 1+dashboardWidgetsPerConsumer*n > maxDashboardWidgets {
		f.add("monitoring", "%d consumers need %d dashboard widgets; CloudWatch allows %d per dashboard, enough for %d consumers: split the consumers across stacks or set monitoring off",
			n, 1+dashboardWidgetsPerConsumer*n, maxDashboardWidgets, (maxDashboardWidgets-1)/dashboardWidgetsPerConsumer)
	}
}
