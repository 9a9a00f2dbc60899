package config

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/vocab"
)

// DefaultApiDescription describes an API whose config sets none.
const DefaultApiDescription = "Private REST API reachable only through the consumers' execute-api VPC endpoints"

func (r *reader) api(raw map[string]string, cfg *Config, stackName string) Api {
	k := key(fullKey(KeyApi))
	api := Api{
		Name:          Namespace + "-" + stackName,
		Description:   DefaultApiDescription,
		StageName:     stackName,
		Authorization: components.AuthorizationNone,
		Throttle:      components.DefaultStageThrottle,
	}
	v, present := r.structured(raw, KeyApi, "an object with name, description, stageName, routes, authorization, principalOrgId, extraPolicyStatements, accessLogs, monitoring, throttle, adopt, quotas, tls, customDomain")
	var m map[string]any
	if present {
		var ok bool
		if m, ok = r.object(k, v, "name", "description", "stageName", "routes", "authorization", "principalOrgId", "extraPolicyStatements", "accessLogs", "monitoring", "throttle", "adopt", "quotas", "tls", "customDomain"); !ok {
			return api
		}
	}
	if auth, ok := r.optNonEmpty(k, m, "authorization", vocab.ExpectAuthorization); ok {
		api.Authorization = auth
	}
	if org, ok := r.optNonEmpty(k, m, "principalOrgId", vocab.ExpectOrgId); ok {
		api.PrincipalOrgId = org
	}
	if name, ok := r.optString(k, m, "name", "an API name of 1-128 characters"); ok {
		if name == "" || len(name) > 128 {
			r.bad(k.field("name"), name, "an API name of 1-128 characters")
		}
		api.Name = name
	}
	if desc, ok := r.optString(k, m, "description", "a description of up to 1024 characters"); ok {
		if len(desc) > 1024 {
			r.bad(k.field("description"), desc, "a description of up to 1024 characters")
		}
		api.Description = desc
	}
	if stage, ok := r.optString(k, m, "stageName", vocab.ExpectStageName); ok {
		api.StageName = stage
	} else if _, given := m["stageName"]; !given && !vocab.ValidStageName(stackName) && cfg.StackRole != RoleConsumer && cfg.StackRole != RoleHub {
		r.fail(k.field("stageName"), "not set, and the default, the stack name %q, is not valid; expected %s", stackName, vocab.ExpectStageName)
	}
	api.Routes = r.routes(k.field("routes"), m, cfg)
	api.ExtraPolicyStatements = r.extraStatements(k.field("extraPolicyStatements"), m)
	api.AccessLogs = r.accessLogs(k.field("accessLogs"), m, api.AccessLogs)
	api.Monitoring = r.monitoring(k.field("monitoring"), m, api.AccessLogs)
	api.Throttle = r.throttle(k.field("throttle"), m, api.Throttle)
	api.Adopt = r.adopt(k.field("adopt"), m)
	api.Quotas = r.quotas(k.field("quotas"), m)
	api.Tls = r.tls(k.field("tls"), m)
	api.CustomDomain = r.customDomain(k.field("customDomain"), m)
	return api
}

// customDomain reads api.customDomain {name, certificateArn, basePath,
// securityPolicy, sameOrganization}; the component checks the values
// (components.CustomDomainArgs.Validate).
func (r *reader) customDomain(k key, m map[string]any) *components.CustomDomainArgs {
	v, present := m["customDomain"]
	if !present {
		return nil
	}
	dm, ok := r.object(k, v, "name", "certificateArn", "basePath", "securityPolicy", "sameOrganization")
	if !ok {
		return nil
	}
	d := &components.CustomDomainArgs{SameOrganization: r.optBool(k, dm, "sameOrganization", false)}
	d.Name, _ = r.reqString(k, dm, "name", vocab.ExpectDomainName)
	d.CertificateArn, _ = r.reqString(k, dm, "certificateArn", vocab.ExpectCertificateArn)
	if p, ok := r.optString(k, dm, "basePath", vocab.ExpectBasePath); ok {
		d.BasePath = p
	}
	if p, ok := r.optNonEmpty(k, dm, "securityPolicy", vocab.ExpectSecurityPolicy); ok {
		d.SecurityPolicy = p
	}
	return d
}

// tls reads api.tls {securityPolicy, endpointAccessMode}; the component
// checks the values (components.ApiTls.Validate).
func (r *reader) tls(k key, m map[string]any) *components.ApiTls {
	v, present := m["tls"]
	if !present {
		return nil
	}
	tm, ok := r.object(k, v, "securityPolicy", "endpointAccessMode")
	if !ok {
		return nil
	}
	t := &components.ApiTls{}
	if p, ok := r.optNonEmpty(k, tm, "securityPolicy", vocab.ExpectSecurityPolicy); ok {
		t.SecurityPolicy = p
	}
	if mode, ok := r.optNonEmpty(k, tm, "endpointAccessMode", vocab.ExpectEndpointAccessMode); ok {
		t.EndpointAccessMode = mode
	}
	return t
}

// quotas reads api.quotas {resourcePolicyLength, resourcesPerApi}; the
// component checks the values (components.ApiQuotas.Validate).
func (r *reader) quotas(k key, m map[string]any) *components.ApiQuotas {
	v, present := m["quotas"]
	if !present {
		return nil
	}
	qm, ok := r.object(k, v, "resourcePolicyLength", "resourcesPerApi", "vpcLinksPerRegion", "accessAssociationsPerAccount", "rulesPerSecurityGroup")
	if !ok {
		return nil
	}
	return &components.ApiQuotas{
		ResourcePolicyLength: r.optWhole(k, qm, "resourcePolicyLength", 0),
		ResourcesPerApi:      r.optWhole(k, qm, "resourcesPerApi", 0),
		VpcLinksPerRegion:    r.optWhole(k, qm, "vpcLinksPerRegion", 0),
		// Each consumer account's, where AWS raised it for them.
		AccessAssociationsPerAccount: r.optWhole(k, qm, "accessAssociationsPerAccount", 0),
		// The consumer and network accounts', where AWS raised it for them.
		RulesPerSecurityGroup: r.optWhole(k, qm, "rulesPerSecurityGroup", 0),
	}
}

// adopt reads api.adopt {restApiId, replaceRoutes, changeEndpointType}; the
// component checks the values (components.AdoptApiArgs.Validate) and, once
// it has read the API, the endpoint type (CheckExisting).
func (r *reader) adopt(k key, m map[string]any) *components.AdoptApiArgs {
	v, present := m["adopt"]
	if !present {
		return nil
	}
	am, ok := r.object(k, v, "restApiId", "replaceRoutes", "changeEndpointType")
	if !ok {
		return nil
	}
	id, _ := r.reqString(k, am, "restApiId", vocab.ExpectRestApiId)
	return &components.AdoptApiArgs{RestApiId: id, ReplaceRoutes: r.optBool(k, am, "replaceRoutes", false),
		ChangeEndpointType: r.optBool(k, am, "changeEndpointType", false)}
}

// accessLogs reads api.accessLogs {enabled, retentionDays, createAccountRole}.
func (r *reader) accessLogs(k key, m map[string]any, def *components.AccessLogsArgs) *components.AccessLogsArgs {
	v, present := m["accessLogs"]
	if !present {
		return def
	}
	lm, ok := r.object(k, v, "enabled", "retentionDays", "createAccountRole")
	if !ok {
		return def
	}
	defaults := components.DefaultAccessLogs()
	logs := &components.AccessLogsArgs{
		RetentionDays:     r.optWhole(k, lm, "retentionDays", defaults.RetentionDays),
		CreateAccountRole: r.optBool(k, lm, "createAccountRole", defaults.CreateAccountRole),
	}
	if _, given := lm["enabled"]; given {
		logs.Enabled = pulumi.BoolRef(r.optBool(k, lm, "enabled", true))
	}
	return logs
}

// monitoring reads api.monitoring {enabled, serverErrorRatePercent,
// clientErrorRatePercent, periodSeconds, evaluationPeriods, alarmTopicArn};
// absent, it is on wherever the access logs are (nil, the components'
// default). The component checks the values (components.MonitoringArgs).
func (r *reader) monitoring(k key, m map[string]any, logs *components.AccessLogsArgs) *components.MonitoringArgs {
	v, present := m["monitoring"]
	if !present {
		return nil
	}
	mm, ok := r.object(k, v, "enabled", "serverErrorRatePercent", "clientErrorRatePercent", "periodSeconds", "evaluationPeriods", "alarmTopicArn")
	if !ok {
		return nil
	}
	logsOn := logs == nil || logs.Enabled == nil || *logs.Enabled
	mon := &components.MonitoringArgs{
		Enabled:                pulumi.BoolRef(r.optBool(k, mm, "enabled", logsOn)),
		ServerErrorRatePercent: r.optPercent(k, mm, "serverErrorRatePercent", components.DefaultServerErrorRatePercent),
		ClientErrorRatePercent: r.optPercent(k, mm, "clientErrorRatePercent", components.DefaultClientErrorRatePercent),
		PeriodSeconds:          r.optWhole(k, mm, "periodSeconds", components.DefaultAlarmPeriodSeconds),
		EvaluationPeriods:      r.optWhole(k, mm, "evaluationPeriods", components.DefaultAlarmEvaluationPeriods),
	}
	if arn, ok := r.optNonEmpty(k, mm, "alarmTopicArn", vocab.ExpectAlarmTopicArn); ok {
		mon.AlarmTopicArn = arn
	}
	return mon
}

// throttle reads api.throttle {rateLimit, burstLimit}.
func (r *reader) throttle(k key, m map[string]any, def components.StageThrottle) components.StageThrottle {
	v, present := m["throttle"]
	if !present {
		return def
	}
	tm, ok := r.object(k, v, "rateLimit", "burstLimit")
	if !ok {
		return def
	}
	return components.StageThrottle{
		RateLimit:  float64(r.optWhole(k, tm, "rateLimit", int(def.RateLimit))),
		BurstLimit: r.optWhole(k, tm, "burstLimit", def.BurstLimit),
	}
}

// extraStatements reads api.extraPolicyStatements: a list of IAM statement
// objects (the component checks each with ValidateExtraStatement).
func (r *reader) extraStatements(k key, m map[string]any) []map[string]any {
	v, present := m["extraPolicyStatements"]
	if !present {
		return nil
	}
	const expected = "a list of IAM policy statements {Effect, Principal, Action, Resource, Condition}"
	items, ok := v.([]any)
	if !ok {
		r.bad(k, v, expected)
		return nil
	}
	out := make([]map[string]any, 0, len(items))
	for i, item := range items {
		stmt, ok := item.(map[string]any)
		if !ok {
			r.bad(k.index(i), item, "an IAM policy statement object")
			continue
		}
		out = append(out, plainJson(stmt).(map[string]any))
	}
	return out
}

// plainJson turns json.Number values back into numbers a policy can carry.
func plainJson(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = plainJson(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plainJson(e)
		}
		return out
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n
		}
		f, _ := t.Float64()
		return f
	}
	return v
}

// routes reads api.routes; absent, the API gets components.DefaultRoutes.
// Paths, methods, duplicates and integrations are the component's rules
// (components.ValidateRoutes), checked in validateArgs.
func (r *reader) routes(k key, m map[string]any, cfg *Config) []RouteConfig {
	v, present := m["routes"]
	if !present {
		return nil
	}
	const expected = "a list of at least one route {path, method, integration}"
	items, ok := r.nonEmptyList(k, v, expected)
	if !ok {
		return nil
	}
	var out []RouteConfig
	for i, item := range items {
		rk := k.index(i)
		rm, ok := r.object(rk, item, "path", "method", "integration")
		if !ok {
			continue
		}
		rc := RouteConfig{Secret: r.secretKeys[k.top()]}
		rc.Path, _ = r.reqString(rk, rm, "path", `a path such as /, /a/b, /{id} or /{proxy+}`)
		rc.Method, _ = r.reqString(rk, rm, "method", "one of "+strings.Join(components.HTTPMethods, ", "))
		r.integration(rk.field("integration"), rm, &rc, cfg)
		out = append(out, rc)
	}
	return out
}

// backendUri reads an integration's required uri: a URL with a host, of
// one of schemes (a secure value is taken as it is); missing means
// expected, malformed means malformed.
func (r *reader) backendUri(k key, m map[string]any, expected, malformed string, schemes ...string) string {
	uri, ok := r.reqString(k, m, "uri", expected)
	if !ok || r.opaque(k, uri) {
		return uri
	}
	u, err := url.Parse(uri)
	if err != nil || !slices.Contains(schemes, u.Scheme) || u.Host == "" || strings.ContainsAny(uri, " \t\n") {
		r.bad(k.field("uri"), uri, malformed)
	}
	return uri
}

func (r *reader) integration(k key, route map[string]any, rc *RouteConfig, cfg *Config) {
	const expectType = vocab.ExpectIntegrationType
	v, present := route["integration"]
	if !present {
		r.missing(k, "an object {type: "+expectType+", ...}")
		return
	}
	raw, ok := v.(map[string]any)
	if !ok {
		r.bad(k, v, "an object {type: "+expectType+", ...}")
		return
	}
	typ, ok := r.reqString(k, raw, "type", expectType)
	if !ok {
		return
	}
	rc.Type = typ
	switch typ {
	case components.IntegrationMock:
		m, _ := r.object(k, raw, "type", "statusCode", "body")
		rc.StatusCode = r.optWhole(k, m, "statusCode", components.DefaultMockStatusCode)
		rc.Body = components.DefaultMockBody
		if body, present := m["body"]; present {
			switch b := body.(type) {
			case string:
				rc.Body = b
			case map[string]any, []any:
				encoded, _ := json.Marshal(b) // decoded JSON always re-encodes
				rc.Body = string(encoded)
			default:
				r.bad(k.field("body"), body, "a string or a JSON object")
			}
		}
	case components.IntegrationHTTPProxy:
		m, _ := r.object(k, raw, "type", "uri")
		rc.Uri = r.backendUri(k, m, "an https:// URL", "an https:// URL with a host (plain http is refused)", "https")
	case components.IntegrationVpcLink:
		m, _ := r.object(k, raw, "type", "vpcLinkId", "nlbArn", "uri")
		rc.Uri = r.backendUri(k, m, "the backend's http:// or https:// URL", "the backend's http:// or https:// URL with a host", "https", "http")
		if id, ok := r.optString(k, m, "vpcLinkId", vocab.ExpectVpcLinkId); ok {
			rc.VpcLinkId = id
		}
		if arn, ok := r.optString(k, m, "nlbArn", vocab.ExpectNlbArn); ok {
			r.needsPlain(k.field("nlbArn"), arn)
			rc.NlbArn = arn
		}
	case components.IntegrationLambda:
		m, _ := r.object(k, raw, "type", "functionArn")
		arn, ok := r.reqString(k, m, "functionArn", "a Lambda function ARN in the producer account and region")
		rc.FunctionArn = arn
		if ok {
			r.needsPlain(k.field("functionArn"), arn)
		}
	default: // the component names the types it knows
	}
}
