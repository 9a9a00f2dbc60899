package stack

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/xaccount/xaccount-api/components"
)

const expectStageName = "a stage name of 1-128 characters [A-Za-z0-9_]"

// principals checks consumers[i].principals against api.authorization and the
// consumer's account: only with AWS_IAM, and only roles, users or the root of
// that consumer's own account.
func (r *reader) principals(cfg *Config) {
	k := key(fullKey(KeyConsumers))
	for i, c := range cfg.Consumers {
		if len(c.Principals) == 0 {
			continue
		}
		pk := k.index(i).field("principals")
		if cfg.API.Authorization != components.AuthorizationIAM {
			r.fail(pk, "applies with %s: AWS_IAM only; remove it or set that", key(fullKey(KeyAPI)).field("authorization"))
			continue
		}
		for j, p := range c.Principals {
			account, ok := components.PrincipalAccount(p)
			switch {
			case !ok:
				r.bad(pk.index(j), p, "an IAM role or user ARN (arn:aws:iam::<account>:role/<name>), or arn:aws:iam::<account>:root")
			case c.AccountID != "" && account != c.AccountID:
				r.fail(pk.index(j), "got %q in account %s; expected a principal of this consumer's account %s", p, account, c.AccountID)
			}
		}
	}
}

// DefaultAPIDescription describes an API whose config sets none.
const DefaultAPIDescription = "Private REST API reachable only through the consumers' execute-api VPC endpoints"

func (r *reader) api(raw map[string]string, cfg *Config, stackName string) API {
	k := key(fullKey(KeyAPI))
	api := API{
		Name:          Namespace + "-" + stackName,
		Description:   DefaultAPIDescription,
		StageName:     stackName,
		Authorization: components.AuthorizationNone,
		AccessLogs:    &components.AccessLogsArgs{RetentionDays: components.DefaultLogRetentionDays},
		Throttle:      components.StageThrottle{RateLimit: DefaultRateLimit, BurstLimit: DefaultBurstLimit},
	}
	v, present := r.structured(raw, KeyAPI, "an object with name, description, stageName, routes, authorization, principalOrgId, extraPolicyStatements, accessLogs, throttle")
	var m map[string]any
	if present {
		var ok bool
		if m, ok = r.object(k, v, "name", "description", "stageName", "routes", "authorization", "principalOrgId", "extraPolicyStatements", "accessLogs", "throttle"); !ok {
			return api
		}
	}
	const expectAuth = "NONE or AWS_IAM"
	if auth, ok := r.optString(k, m, "authorization", expectAuth); ok {
		if components.ValidateAuthorization(auth) != nil || auth == "" {
			r.bad(k.field("authorization"), auth, expectAuth)
		}
		api.Authorization = auth
	}
	if org, ok := r.optString(k, m, "principalOrgId", "an AWS Organizations ID, o- and 10-32 lowercase letters or digits"); ok {
		if !components.ValidOrgID(org) {
			r.bad(k.field("principalOrgId"), org, "an AWS Organizations ID, o- and 10-32 lowercase letters or digits")
		} else if api.Authorization != components.AuthorizationIAM {
			r.fail(k.field("principalOrgId"), "applies with authorization AWS_IAM only; set %s or remove it", k.field("authorization"))
		}
		api.PrincipalOrgID = org
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
	if stage, ok := r.optString(k, m, "stageName", expectStageName); ok {
		if !stageNamePattern.MatchString(stage) {
			r.bad(k.field("stageName"), stage, expectStageName)
		}
		api.StageName = stage
	} else if _, given := m["stageName"]; !given && !stageNamePattern.MatchString(stackName) {
		r.fail(k.field("stageName"), "not set, and the default, the stack name %q, is not valid; expected %s", stackName, expectStageName)
	}
	api.Routes = r.routes(k.field("routes"), m, cfg)
	api.ExtraPolicyStatements = r.extraStatements(k.field("extraPolicyStatements"), m)
	api.AccessLogs = r.accessLogs(k.field("accessLogs"), m, api.AccessLogs)
	api.Throttle = r.throttle(k.field("throttle"), m, api.Throttle)
	return api
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
	if !r.optBool(k, lm, "enabled", true) {
		return nil
	}
	out := &components.AccessLogsArgs{
		RetentionDays:     r.optInt(k, lm, "retentionDays", components.DefaultLogRetentionDays, 1, 3653),
		CreateAccountRole: r.optBool(k, lm, "createAccountRole", false),
	}
	if err := components.ValidateRetentionDays(out.RetentionDays); err != nil {
		r.fail(k.field("retentionDays"), "got %d; expected one of the periods CloudWatch Logs accepts: %v", out.RetentionDays, components.RetentionDayValues)
	}
	return out
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
		RateLimit:  float64(r.optInt(k, tm, "rateLimit", DefaultRateLimit, 1, 10000)),
		BurstLimit: r.optInt(k, tm, "burstLimit", DefaultBurstLimit, 1, 5000),
	}
}

// extraStatements reads api.extraPolicyStatements: a list of IAM statement
// objects, each checked by components.ValidateExtraStatement.
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
		if err := components.ValidateExtraStatement(stmt); err != nil {
			r.fail(k.index(i), "%v", err)
			continue
		}
		out = append(out, plainJSON(stmt).(map[string]any))
	}
	return out
}

// plainJSON turns json.Number values back into numbers a policy can carry.
func plainJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = plainJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plainJSON(e)
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

// defaultRouteConfigs mirrors components.DefaultRoutes as configuration.
func defaultRouteConfigs() []RouteConfig {
	return []RouteConfig{{Path: "/", Method: "ANY", Type: components.IntegrationMock,
		StatusCode: components.DefaultMockStatusCode, Body: components.DefaultMockBody}}
}

func (r *reader) routes(k key, m map[string]any, cfg *Config) []RouteConfig {
	v, present := m["routes"]
	if !present {
		return defaultRouteConfigs()
	}
	const expected = "a list of at least one route {path, method, integration}"
	items, ok := r.nonEmptyList(k, v, expected)
	if !ok {
		return nil
	}
	seen := map[string]int{}
	params := map[string]string{}
	var out []RouteConfig
	for i, item := range items {
		rk := k.index(i)
		rm, ok := r.object(rk, item, "path", "method", "integration")
		if !ok {
			continue
		}
		var rc RouteConfig
		pathOK, methodOK := false, false
		if p, ok := r.reqString(rk, rm, "path", `a path such as /, /a/b, /{id} or /{proxy+}`); ok {
			if err := components.ValidateRoutePath(p); err != nil {
				r.fail(rk.field("path"), "got %q; %v", p, err)
			} else if err := components.CheckParamSiblings(params, p); err != nil {
				r.fail(rk.field("path"), "got %q; %v", p, err)
			} else {
				pathOK = true
			}
			rc.Path = p
		}
		if meth, ok := r.reqString(rk, rm, "method", "one of "+strings.Join(components.HTTPMethods, ", ")); ok {
			if err := components.ValidateMethod(meth); err != nil {
				r.fail(rk.field("method"), "got %q; %v", meth, err)
			} else {
				methodOK = true
			}
			rc.Method = meth
		}
		if pathOK && methodOK {
			route := rc.Method + " " + rc.Path
			if first, dup := seen[route]; dup {
				r.fail(rk, "duplicate route %s, already defined by %s; expected each method and path once", route, k.index(first))
			} else {
				seen[route] = i
			}
		}
		r.integration(rk.field("integration"), rm, &rc, cfg)
		out = append(out, rc)
	}
	return out
}

func (r *reader) integration(k key, route map[string]any, rc *RouteConfig, cfg *Config) {
	const expectType = "mock, http_proxy or lambda"
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
		rc.StatusCode = r.optInt(k, m, "statusCode", components.DefaultMockStatusCode, 100, 599)
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
		uri, ok := r.reqString(k, m, "uri", "an https:// URL")
		if !ok || r.opaque(k, uri) {
			rc.URI = uri
			return
		}
		u, err := url.Parse(uri)
		if err != nil || u.Scheme != "https" || u.Host == "" || strings.ContainsAny(uri, " \t\n") {
			r.bad(k.field("uri"), uri, "an https:// URL with a host (plain http is refused)")
		}
		rc.URI = uri
	case components.IntegrationLambda:
		m, _ := r.object(k, raw, "type", "functionArn")
		arn, ok := r.reqString(k, m, "functionArn", "a Lambda function ARN in the producer account and region")
		rc.FunctionArn = arn
		if !ok || r.needsPlain(k.field("functionArn"), arn) {
			return
		}
		_, region, account, err := components.ParseLambdaArn(arn)
		switch {
		case err != nil:
			r.fail(k.field("functionArn"), "got %q; %v", arn, err)
		case region != cfg.Region:
			r.fail(k.field("functionArn"), "got %q in region %s; expected a function in %s (%s), the API's region", arn, region, cfg.Region, fullKey(KeyRegion))
		case cfg.Producer.AccountID != "" && account != cfg.Producer.AccountID:
			r.fail(k.field("functionArn"), "got %q in account %s; expected a function in the producer account %s", arn, account, cfg.Producer.AccountID)
		}
	default:
		r.bad(k.field("type"), typ, expectType)
	}
}
