package fakeaws

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Resource type tokens of the monitoring the fake serves.
const (
	TypeLogMetricFilter = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
	TypeMetricAlarm     = "aws:cloudwatch/metricAlarm:MetricAlarm"
	TypeDashboard       = "aws:cloudwatch/dashboard:Dashboard"
)

// Quotas and limits the fake applies.
const (
	// MetricFiltersPerLogGroup is PutMetricFilter's "The maximum number of
	// metric filters that can be associated with a log group is 100".
	MetricFiltersPerLogGroup = 100
	// maxFilterDimensions is "One metric filter can include as many as
	// three dimensions" (MetricTransformation, CloudWatch Logs API reference).
	maxFilterDimensions = 3
	// maxDashboardWidgets is "widgets per dashboard" (CloudWatch service quotas).
	maxDashboardWidgets = 500
	// maxAlarmWindow and maxShortPeriodAlarmWindow are PutMetricAlarm's
	// limits on EvaluationPeriods × Period: seven days, and one day for
	// periods under an hour (PutMetricAlarm API reference, Period: "An
	// alarm's total current evaluation period can be no longer than seven
	// days, so Period multiplied by EvaluationPeriods can't be more than
	// 604,800 seconds. For alarms with a period of less than one hour (3,600
	// seconds), the total evaluation period can't be longer than one day
	// (86,400 seconds).").
	maxAlarmWindow            = 604800
	maxShortPeriodAlarmWindow = 86400
)

// MetricFilter is a metric filter of a log group.
type MetricFilter struct {
	Scope
	LogGroup   string            `json:"logGroup"`
	Name       string            `json:"name"`
	Pattern    string            `json:"pattern"`
	Namespace  string            `json:"namespace"`
	Metric     string            `json:"metric"`
	Value      string            `json:"value"`
	Dimensions map[string]string `json:"dimensions"`
}

// Alarm is a CloudWatch metric alarm: its name, threshold and the metrics
// (namespace/name) with the dimensions its queries read.
type Alarm struct {
	Scope
	Name       string              `json:"name"`
	Threshold  float64             `json:"threshold"`
	Metrics    []string            `json:"metrics"`
	Dimensions []map[string]string `json:"dimensions"`
	Actions    []string            `json:"actions"`
	// Period is the alarm's metric period in seconds (10 and 30 are
	// high-resolution alarms); Statistic its statistic, ExtendedStatistic a
	// percentile (p99 …) in its place; Math says it evaluates a metric math
	// expression. A Route 53 health check takes only some alarms
	// (healthcheck.go).
	Period            float64 `json:"period,omitempty"`
	Statistic         string  `json:"statistic,omitempty"`
	ExtendedStatistic string  `json:"extendedStatistic,omitempty"`
	Math              bool    `json:"math,omitempty"`
	// State is OK, ALARM or INSUFFICIENT_DATA: a new alarm starts in
	// INSUFFICIENT_DATA ("Using Amazon CloudWatch alarms", alarm states:
	// "The alarm has just started"); tests move it (Store.SetAlarmState).
	// LastKnownState is its last OK or ALARM, "" before it had one.
	State          string `json:"state,omitempty"`
	LastKnownState string `json:"lastKnownState,omitempty"`
}

// Alarm states (DescribeAlarms StateValue, CloudWatch API reference).
const (
	AlarmOk               = "OK"
	AlarmAlarm            = "ALARM"
	AlarmInsufficientData = "INSUFFICIENT_DATA"
)

// Dashboard is a CloudWatch dashboard: global to its account (PutDashboard
// API reference: "All dashboards in your account are global, not
// region-specific"; no region in its ARN,
// arn:aws:cloudwatch::<account>:dashboard/<name>), so Cloud.Dashboards keys
// it by account and name, whatever region the provider is in.
type Dashboard struct {
	Account string `json:"account"`
	Name    string `json:"name"`
	Body    string `json:"body"`
}

// jsonPattern is a JSON filter pattern ("{ $.field ... }"); only these and
// space-delimited ("[a, b]") patterns take dimensions.
var jsonPattern = regexp.MustCompile(`^\{.*\}$`)

// putMetricFilter is PutMetricFilter with the rules CloudWatch Logs checks.
func (p *Provider) putMetricFilter(c *Cloud, in props) (string, props, error) {
	group, name, pattern := in.str("logGroupName"), in.str("name"), strings.TrimSpace(in.str("pattern"))
	key := p.scope.Account + "/" + p.scope.Region + "/" + group
	if _, ok := c.LogGroups[key]; !ok {
		return "", nil, awsError("PutMetricFilter", "ResourceNotFoundException", "The specified log group does not exist.")
	}
	t := in.obj("metricTransformation")
	dims := map[string]string{}
	for k, v := range t.obj("dimensions") {
		dims[k], _ = v.(string)
	}
	switch {
	case len(dims) > maxFilterDimensions:
		return "", nil, awsError("PutMetricFilter", "InvalidParameterException", "Invalid metric transformation: at most %d dimensions, got %d", maxFilterDimensions, len(dims))
	case len(dims) > 0 && t.str("defaultValue") != "":
		// aws-solutions-library-samples/guidance-for-claude-code-with-amazon-bedrock #632.
		return "", nil, awsError("PutMetricFilter", "InvalidParameterException", "Invalid metric transformation: dimensions and default value are mutually exclusive properties")
	case len(dims) > 0 && !jsonPattern.MatchString(pattern) && !strings.HasPrefix(pattern, "["):
		// hashicorp/terraform-provider-aws #22105, #28881.
		return "", nil, awsError("PutMetricFilter", "InvalidParameterException", "The specified filter pattern does not support dimensions")
	}
	// A value read from the event must be a field the pattern matches
	// (PutMetricFilter: "the field value must have been matched using the pattern").
	if v := t.str("value"); strings.HasPrefix(v, "$.") && !strings.Contains(pattern, v) {
		return "", nil, awsError("PutMetricFilter", "InvalidParameterException", "Invalid metric value %s: the field must be matched by the filter pattern", v)
	}
	if c.MetricFilters == nil {
		c.MetricFilters = map[string]*MetricFilter{}
	}
	id := key + "/" + name
	if _, exists := c.MetricFilters[id]; !exists {
		n := 0
		for _, f := range c.MetricFilters {
			if f.Scope == p.scope && f.LogGroup == group {
				n++
			}
		}
		if n >= MetricFiltersPerLogGroup {
			return "", nil, awsError("PutMetricFilter", "LimitExceededException", "Resource limit exceeded.")
		}
	}
	c.MetricFilters[id] = &MetricFilter{Scope: p.scope, LogGroup: group, Name: name, Pattern: pattern,
		Namespace: t.str("namespace"), Metric: t.str("name"), Value: t.str("value"), Dimensions: dims}
	c.record(p.scope, "PutMetricFilter", name)
	out := in.clone()
	out["id"] = name
	return name, out, nil
}

// deleteMetricFilter is DeleteMetricFilter; a filter whose group is gone
// went with it (DeleteLogGroup), which the provider takes as deleted.
func (p *Provider) deleteMetricFilter(c *Cloud, olds props) error {
	delete(c.MetricFilters, p.scope.Account+"/"+p.scope.Region+"/"+olds.str("logGroupName")+"/"+olds.str("name"))
	c.record(p.scope, "DeleteMetricFilter", olds.str("name"))
	return nil
}

// deleteGroupFilters is what DeleteLogGroup does to the group's filters.
func (c *Cloud) deleteGroupFilters(s Scope, group string) {
	for id, f := range c.MetricFilters {
		if f.Scope == s && f.LogGroup == group {
			delete(c.MetricFilters, id)
		}
	}
}

// expressionIds are the identifiers a metric math expression names.
var expressionIds = regexp.MustCompile(`\b[a-z][A-Za-z0-9_]*\b`)

// mathFunctions are the metric math functions the fake knows.
var mathFunctions = map[string]bool{"FILL": true, "SUM": true, "AVG": true, "MAX": true, "MIN": true, "IF": true, "METRICS": true}

// putMetricAlarm is PutMetricAlarm with the rules CloudWatch checks of a
// metric math alarm.
func (p *Provider) putMetricAlarm(c *Cloud, in props) (string, props, error) {
	name := in.str("name")
	if name == "" || len(name) > 255 {
		return "", nil, awsError("PutMetricAlarm", "ValidationError", "1 validation error detected: Value '%s' at 'alarmName' failed to satisfy constraint: Member must have length between 1 and 255", name)
	}
	a := &Alarm{Scope: p.scope, Name: name, Threshold: in.num("threshold"), Period: in.num("period"),
		Statistic: in.str("statistic"), ExtendedStatistic: in.str("extendedStatistic")}
	queries := in.list("metricQueries")
	if len(queries) > 0 && in.str("metricName") != "" {
		return "", nil, awsError("PutMetricAlarm", "ValidationError", "Metrics list and MetricName cannot be specified at the same time.")
	}
	ids, returning := map[string]bool{}, 0
	var period float64
	for _, q := range queries {
		qp := props(q)
		ids[qp.str("id")] = true
		if qp.boolOr("returnData", false) {
			returning++
		}
		if m := qp.obj("metric"); len(m) > 0 {
			period = m.num("period")
			a.Period, a.Statistic = period, m.str("stat")
			if p := int(period); p != 10 && p != 30 && (p < 60 || p%60 != 0) {
				return "", nil, awsError("PutMetricAlarm", "ValidationError", "The parameter MetricStat.Period must be 10, 30 or a multiple of 60.")
			}
			dims := map[string]string{}
			for k, v := range m.obj("dimensions") {
				dims[k], _ = v.(string)
			}
			a.Metrics = append(a.Metrics, m.str("namespace")+"/"+m.str("metricName"))
			a.Dimensions = append(a.Dimensions, dims)
		}
	}
	for _, q := range queries {
		expr := props(q).str("expression")
		a.Math = a.Math || expr != ""
		for _, ref := range expressionIds.FindAllString(expr, -1) {
			if !ids[ref] && !mathFunctions[strings.ToUpper(ref)] {
				return "", nil, awsError("PutMetricAlarm", "ValidationError", "Error in expression '%s': Unrecognized metric id %s", props(q).str("id"), ref)
			}
		}
	}
	if len(queries) > 0 && returning != 1 {
		// The PutMetricAlarm API reference: exactly one query returns data.
		return "", nil, awsError("PutMetricAlarm", "ValidationError", "Exactly one element of the metrics list should return data.")
	}
	// The one-day refusal's wording is AWS's; AWS documents none for the
	// seven-day one, whose shape is imitated.
	evals := in.num("evaluationPeriods")
	switch {
	case period < 3600 && evals*period > maxShortPeriodAlarmWindow:
		return "", nil, awsError("PutMetricAlarm", "ValidationError", "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400).")
	case evals*period > maxAlarmWindow:
		return "", nil, awsError("PutMetricAlarm", "ValidationError", "Metrics cannot be checked across more than a week (EvaluationPeriods * Period must be <= 604800).")
	}
	if d := in.num("datapointsToAlarm"); d > in.num("evaluationPeriods") {
		return "", nil, awsError("PutMetricAlarm", "ValidationError", "DatapointsToAlarm must be less than or equal to EvaluationPeriods.")
	}
	for _, key := range []string{"alarmActions", "okActions"} {
		for _, arn := range in.strs(key) {
			parts := strings.Split(arn, ":")
			if len(parts) < 6 || parts[3] != p.scope.Region {
				return "", nil, awsError("PutMetricAlarm", "ValidationError", "Invalid region %s specified. Only %s is supported.", regionOf(parts), p.scope.Region)
			}
			if key == "alarmActions" {
				a.Actions = append(a.Actions, arn)
			}
		}
	}
	if c.Alarms == nil {
		c.Alarms = map[string]*Alarm{}
	}
	key := p.scope.Account + "/" + p.scope.Region + "/" + name
	// "When you update an existing alarm, its state is left unchanged, but
	// the update completely overwrites the previous configuration of the
	// alarm" (PutMetricAlarm, CloudWatch API reference); a new one starts
	// in INSUFFICIENT_DATA.
	a.State = AlarmInsufficientData
	if old, ok := c.Alarms[key]; ok && old.State != "" {
		a.State, a.LastKnownState = old.State, old.LastKnownState
	}
	c.Alarms[key] = a
	c.record(p.scope, "PutMetricAlarm", name)
	out := in.clone()
	out["id"] = name
	out["arn"] = fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", p.scope.Region, p.scope.Account, name)
	return name, out, nil
}

func regionOf(arnParts []string) string {
	if len(arnParts) > 3 {
		return arnParts[3]
	}
	return "(none)"
}

func (p *Provider) deleteAlarm(c *Cloud, id string) error {
	delete(c.Alarms, p.scope.Account+"/"+p.scope.Region+"/"+id)
	c.record(p.scope, "DeleteAlarms", id)
	return nil
}

// dashboardName is PutDashboard's DashboardName constraint.
var dashboardName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// putDashboard is PutDashboard: a valid name and a body of widgets, each
// metric widget with its region. A dashboard of that name in the account,
// from any region or stack, is replaced without a word (PutDashboard API
// reference: "If a dashboard with this name already exists, this call
// modifies that dashboard, replacing its current contents").
func (p *Provider) putDashboard(c *Cloud, in props) (string, props, error) {
	name := in.str("dashboardName")
	if !dashboardName.MatchString(name) {
		return "", nil, awsError("PutDashboard", "InvalidParameterValue", "The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).")
	}
	var body struct {
		Widgets []struct {
			Type       string         `json:"type"`
			Properties map[string]any `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(in.str("dashboardBody")), &body); err != nil {
		return "", nil, awsError("PutDashboard", "InvalidParameterInput", "The dashboard body is invalid, there are 1 validation errors: [ { \"message\": \"Invalid JSON: %v\" } ]", err)
	}
	if len(body.Widgets) > maxDashboardWidgets {
		return "", nil, awsError("PutDashboard", "InvalidParameterInput", "The dashboard body is invalid, there are 1 validation errors: [ { \"message\": \"Should NOT have more than %d items\", \"dataPath\": \"/widgets\" } ]", maxDashboardWidgets)
	}
	for i, w := range body.Widgets {
		if r, _ := w.Properties["region"].(string); w.Type == "metric" && r == "" {
			return "", nil, awsError("PutDashboard", "InvalidParameterInput", "The dashboard body is invalid, there are 1 validation errors: [ { \"dataPath\": \"/widgets/%d/properties\", \"message\": \"Should have required property 'region'\" } ]", i)
		}
	}
	if c.Dashboards == nil {
		c.Dashboards = map[string]*Dashboard{}
	}
	c.Dashboards[p.scope.Account+"/"+name] = &Dashboard{Account: p.scope.Account, Name: name, Body: in.str("dashboardBody")}
	c.record(p.scope, "PutDashboard", name)
	out := in.clone()
	out["id"] = name
	out["dashboardArn"] = fmt.Sprintf("arn:aws:cloudwatch::%s:dashboard/%s", p.scope.Account, name)
	return name, out, nil
}

// deleteDashboard is DeleteDashboards: the dashboard of that name in the
// account, whichever region or stack put it; one that is gone is refused
// ("ResourceNotFound: The specified dashboard does not exist.", DeleteDashboards
// API reference), which the provider does not ignore (resourceDashboardDelete).
func (p *Provider) deleteDashboard(c *Cloud, id string) error {
	key := p.scope.Account + "/" + id
	if _, ok := c.Dashboards[key]; !ok {
		return fmt.Errorf("deleting CloudWatch Dashboard (%s): %w", id,
			awsError("DeleteDashboards", "ResourceNotFound", "The specified dashboard does not exist."))
	}
	delete(c.Dashboards, key)
	c.record(p.scope, "DeleteDashboards", id)
	return nil
}

// readDashboard is GetDashboard: a dashboard that is gone is reported gone
// (resourceDashboardRead removes it from the state), so a refresh lets go of
// a dashboard another stack deleted.
func (p *Provider) readDashboard(c *Cloud, id string, resp *pulumirpc.ReadResponse) {
	if _, ok := c.Dashboards[p.scope.Account+"/"+id]; !ok {
		resp.Id, resp.Properties, resp.Inputs = "", nil, nil
	}
}
