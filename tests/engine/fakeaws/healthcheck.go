package fakeaws

import (
	"fmt"
	"slices"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

// TypeHealthCheck is a Route 53 health check. Only the CLOUDWATCH_METRIC
// type is simulated: Route 53's health checkers are outside the VPC, so a
// private API's endpoint is checked through a CloudWatch alarm ("Configuring
// failover in a private hosted zone", Route 53 developer guide).
const TypeHealthCheck = "aws:route53/healthCheck:HealthCheck"

// HealthCheck is a Route 53 health check of type CLOUDWATCH_METRIC. Health
// checks are global to their account, like hosted zones (their ARN has
// neither region nor account: arn:aws:route53:::healthcheck/<id>), so
// Cloud.HealthChecks holds them by ID with the account only; the alarm
// names its own region.
type HealthCheck struct {
	Account     string `json:"account"`
	Id          string `json:"id"`
	Type        string `json:"type"`
	AlarmName   string `json:"alarmName"`
	AlarmRegion string `json:"alarmRegion"`
	// InsufficientData is Healthy, Unhealthy or LastKnownStatus ("" is
	// LastKnownStatus, the default: UpdateHealthCheck API reference,
	// InsufficientDataHealthStatus, "By default, Route 53 uses the status
	// of the health check from the last time CloudWatch had sufficient
	// data").
	InsufficientData string `json:"insufficientData,omitempty"`
	Disabled         bool   `json:"disabled,omitempty"`
	Inverted         bool   `json:"inverted,omitempty"`
}

// insufficientDataStatuses are InsufficientDataHealthStatus's values
// (Route 53 API reference, HealthCheckConfig); the provider validates the
// argument against them before any call (enum.Validate in
// internal/service/route53/health_check.go).
var insufficientDataStatuses = []string{"Healthy", "Unhealthy", "LastKnownStatus"}

// checkHealthCheck is the provider's plan-time validation of a health
// check's arguments: the enum of insufficient_data_health_status, with the
// SDK's wording (validation.StringInSlice).
func checkHealthCheck(news props) []*pulumirpc.CheckFailure {
	if v := news.str("insufficientDataHealthStatus"); v != "" && v != unknown && !slices.Contains(insufficientDataStatuses, v) {
		return []*pulumirpc.CheckFailure{{Property: "insufficientDataHealthStatus",
			Reason: fmt.Sprintf("expected insufficient_data_health_status to be one of %q, got %s", insufficientDataStatuses, v)}}
	}
	return nil
}

// putHealthCheck is CreateHealthCheck (id "") or UpdateHealthCheck of the
// health check id, with what Route 53 refuses of a CloudWatch alarm
// health check:
//
//   - an alarm on a health check of another type: "InvalidInput: Invalid
//     parameter : Basic health checks must not have an metric region
//     specified." (Route 53's answer as AWS users quote it, aws/aws-cli#3188,
//     hashicorp/terraform-provider-aws#22993; the API reference does not
//     document it);
//   - a CLOUDWATCH_METRIC health check without the alarm's name and region
//     (AlarmIdentifier, whose Name and Region are both required, "AlarmIdentifier",
//     Route 53 API reference; the error's wording is a guess);
//   - an alarm that does not exist in the health check's account and the
//     named region: Route 53 copies the alarm's metric into the health
//     check (GetHealthCheck's CloudWatchAlarmConfiguration: the metric's
//     name, namespace, period, statistic, threshold, all required), so it
//     must read it; the refusal and its wording are a guess;
//   - an alarm Route 53 does not support: "Route 53 supports CloudWatch
//     alarms with the following features: Standard-resolution metrics.
//     High-resolution metrics aren't supported. Statistics: Average,
//     Minimum, Maximum, Sum, and SampleCount. Extended statistics aren't
//     supported." ("AlarmIdentifier", Route 53 API reference; "Creating,
//     updating, and deleting health checks", developer guide), so no period
//     under 60 seconds and no percentile; a metric math alarm has no single
//     metric to copy into CloudWatchAlarmConfiguration (MetricName,
//     Namespace, Statistic and Period are required there), so it is refused
//     too, which is an inference; the wording of all three is a guess.
func (p *Provider) putHealthCheck(c *Cloud, id string, in props) (string, props, error) {
	op := "CreateHealthCheck"
	if id != "" {
		op = "UpdateHealthCheck"
	}
	typ := strings.ToUpper(in.str("type"))
	name, alarmRegion := in.str("cloudwatchAlarmName"), in.str("cloudwatchAlarmRegion")
	if typ != "CLOUDWATCH_METRIC" {
		if name != "" || alarmRegion != "" {
			return "", nil, awsError(op, "InvalidInput", "Invalid parameter : Basic health checks must not have an metric region specified.")
		}
		return "", nil, fmt.Errorf("fakeaws: only CLOUDWATCH_METRIC health checks are simulated, got type %q", typ)
	}
	if name == "" || alarmRegion == "" {
		return "", nil, awsError(op, "InvalidInput", "Invalid parameter : CLOUDWATCH_METRIC health checks must have an AlarmIdentifier with a name and a region.")
	}
	a, ok := c.Alarms[p.scope.Account+"/"+alarmRegion+"/"+name]
	switch {
	case !ok:
		return "", nil, awsError(op, "InvalidInput", "Invalid parameter : The CloudWatch alarm %s does not exist in region %s.", name, alarmRegion)
	case a.Math:
		return "", nil, awsError(op, "InvalidInput", "Invalid parameter : The CloudWatch alarm %s uses a metric math expression, which Route 53 health checks do not support.", name)
	case a.Period > 0 && a.Period < 60:
		return "", nil, awsError(op, "InvalidInput", "Invalid parameter : The CloudWatch alarm %s has a period of %v seconds; high-resolution alarms are not supported.", name, a.Period)
	case a.ExtendedStatistic != "":
		return "", nil, awsError(op, "InvalidInput", "Invalid parameter : The CloudWatch alarm %s uses the extended statistic %s, which Route 53 health checks do not support.", name, a.ExtendedStatistic)
	}
	// The provider tags a new health check with ChangeTagsForResource, which
	// takes "a maximum of 10 tags to a health check or a hosted zone" (Route
	// 53 API reference, ChangeTagsForResource); default tags count, and only
	// the code is documented (the zone's rule, domain.go).
	if n := p.tagCount(in); n > maxZoneTags {
		return "", nil, awsError("ChangeTagsForResource", "InvalidInput", "a health check takes at most %d tags, got %d", maxZoneTags, n)
	}
	if id == "" {
		// Route 53's health check IDs are UUIDs.
		id = fmt.Sprintf("%s-%s-%s-%s-%s", newHex(8), newHex(4), newHex(4), newHex(4), newHex(12))
	}
	if c.HealthChecks == nil {
		c.HealthChecks = map[string]*HealthCheck{}
	}
	c.HealthChecks[id] = &HealthCheck{Account: p.scope.Account, Id: id, Type: typ, AlarmName: name, AlarmRegion: alarmRegion,
		InsufficientData: in.str("insufficientDataHealthStatus"), Disabled: in.boolOr("disabled", false), Inverted: in.boolOr("invertHealthcheck", false)}
	c.record(p.scope, op, id)
	return id, healthCheckOutputs(id, in), nil
}

// healthCheckOutputs are the health check's outputs: the inputs with its
// ID and ARN (healthCheckARN in health_check.go: arn:aws:route53:::healthcheck/<id>).
func healthCheckOutputs(id string, in props) props {
	out := in.clone()
	out["id"], out["arn"] = id, "arn:aws:route53:::healthcheck/"+id
	out["type"] = strings.ToUpper(in.str("type")) // the schema's StateFunc upper-cases it
	return out
}

// deleteHealthCheck is DeleteHealthCheck. Route 53 lets a health check go
// while records still name it ("Route 53 does not prevent you from
// deleting a health check even if the health check is associated with one
// or more resource record sets", DeleteHealthCheck API reference); the
// provider takes NoSuchHealthCheck as deleted.
func (p *Provider) deleteHealthCheck(c *Cloud, id string) error {
	delete(c.HealthChecks, id)
	c.record(p.scope, "DeleteHealthCheck", id)
	return nil
}

// readHealthCheck is GetHealthCheck (resourceHealthCheckRead): a health
// check that is gone, or another account's, is reported gone; otherwise
// the configuration Route 53 holds, so a change made outside Pulumi shows
// in the next diff.
func (p *Provider) readHealthCheck(c *Cloud, id string, state props, resp *pulumirpc.ReadResponse) error {
	h, ok := c.HealthChecks[id]
	if !ok || h.Account != p.scope.Account {
		resp.Id, resp.Properties, resp.Inputs = "", nil, nil
		return nil
	}
	held := props{"type": h.Type, "cloudwatchAlarmName": h.AlarmName, "cloudwatchAlarmRegion": h.AlarmRegion,
		"disabled": h.Disabled, "invertHealthcheck": h.Inverted}
	if h.InsufficientData != "" {
		held["insufficientDataHealthStatus"] = h.InsufficientData
	}
	out := state.clone()
	for k, v := range held {
		out[k] = v
	}
	out = healthCheckOutputs(id, out)
	s, err := structpb.NewStruct(out)
	if err != nil {
		return err
	}
	resp.Properties = s
	return nil
}

// healthCheckHealthy is the status Route 53 gives the health check id,
// whichever account owns it (a record may name another account's health
// check and is answered by its status: AWS re:Post knowledge center, "How
// do I associate a Route 53 health check in a different AWS account with my
// record set?"; health check IDs are unique across accounts): the state of its alarm (OK healthy, ALARM unhealthy,
// INSUFFICIENT_DATA by InsufficientDataHealthStatus, LastKnownStatus being
// the alarm's last OK or ALARM and healthy before it had one: "For new
// health checks that have no last known status, the default status for the
// health check is healthy", HealthCheckConfig); a disabled health check is
// healthy ("After you disable a health check, Route 53 considers the status
// of the health check to always be healthy ... If you want to stop routing
// traffic to a resource, change the value of Inverted", HealthCheckConfig,
// Disabled), and Inverted inverts the status. An alarm deleted after the
// health check was created has no data. A health check that is gone is
// taken as healthy: AWS says only that its status "can't be predicted"
// (DeleteHealthCheck API reference), and a record without a health check
// is healthy.
func (c *Cloud) healthCheckHealthy(id string) bool {
	h, ok := c.HealthChecks[id]
	if !ok {
		return true
	}
	healthy := true
	if !h.Disabled {
		state, last := AlarmInsufficientData, ""
		if a, ok := c.Alarms[h.Account+"/"+h.AlarmRegion+"/"+h.AlarmName]; ok {
			state, last = a.State, a.LastKnownState
		}
		switch state {
		case AlarmOk:
			healthy = true
		case AlarmAlarm:
			healthy = false
		default:
			switch h.InsufficientData {
			case "Healthy":
				healthy = true
			case "Unhealthy":
				healthy = false
			default: // LastKnownStatus
				healthy = last != AlarmAlarm
			}
		}
	}
	if h.Inverted {
		healthy = !healthy
	}
	return healthy
}

// SetAlarmState sets the state of the alarm name of scope's account and
// region, as CloudWatch's SetAlarmState does (CloudWatch API reference:
// ResourceNotFound for an alarm that does not exist, InvalidFormat for a
// state other than OK, ALARM or INSUFFICIENT_DATA). In AWS the alarm goes
// back to its evaluated state at its next period; here it keeps the state
// until it is set again (the simulation has no metric data). The change is
// recorded like a changing call, so the cloud's Watches see it.
func (s *Store) SetAlarmState(scope Scope, name, state string) error {
	return s.Update(func(c *Cloud) error { return c.SetAlarmState(scope, name, state) })
}

// SetAlarmState is Store.SetAlarmState on a cloud in hand.
func (c *Cloud) SetAlarmState(scope Scope, name, state string) error {
	a, ok := c.Alarms[scope.Account+"/"+scope.Region+"/"+name]
	if !ok {
		return awsError("SetAlarmState", "ResourceNotFound", "Alarm %s does not exist", name)
	}
	if state != AlarmOk && state != AlarmAlarm && state != AlarmInsufficientData {
		return awsError("SetAlarmState", "InvalidFormat", "1 validation error detected: Value '%s' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]", state)
	}
	a.State = state
	if state != AlarmInsufficientData {
		a.LastKnownState = state
	}
	c.record(scope, "SetAlarmState", name+" "+state)
	return nil
}
