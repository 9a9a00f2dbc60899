package fakeaws

import (
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/xaccount/xaccount-api/internal/probediag"
	"github.com/xaccount/xaccount-api/policy"
)

// invoke is the Invoke of an aws.lambda.Invocation (RequestResponse) of the
// connectivity probe: the fake cannot run the Python code, so it answers each
// call the event names from the simulated cloud, as the network, the
// endpoints and API Gateway would. A failure with failOnError set is a
// function error, which the provider reports as "invoking Lambda Function
// (name): <payload>" (terraform-provider-aws internal/service/lambda/invocation.go).
func (p *Provider) invoke(c *Cloud, in props) (string, props, error) {
	name := in.str("functionName")
	f, ok := c.Functions[name]
	if !ok || f.Scope != p.scope {
		return "", nil, awsError("Invoke", "ResourceNotFoundException", "Function not found: arn:aws:lambda:%s:%s:function:%s", p.scope.Region, p.scope.Account, name)
	}
	var event struct {
		Targets []struct {
			Form    string            `json:"form"`
			Url     string            `json:"url"`
			Headers map[string]string `json:"headers"`
			Expect  int               `json:"expect"`
			Sign    bool              `json:"sign"`
		} `json:"targets"`
		Integration          string           `json:"integration"`
		FailOnError          bool             `json:"failOnError"`
		Rules                []probediag.Rule `json:"rules"`
		RetryDelaysSeconds   []int            `json:"retryDelaysSeconds"`
		RetryDeadlineSeconds int              `json:"retryDeadlineSeconds"`
		TimeoutSeconds       int              `json:"timeoutSeconds"`
	}
	if err := json.Unmarshal([]byte(in.str("input")), &event); err != nil {
		return "", nil, awsError("Invoke", "InvalidRequestContentException", "Could not parse request body into json: %v", err)
	}
	c.record(p.scope, "Invoke", name)
	var results []probediag.FormResult
	var failed []probediag.FormResult
	// The function's clock: the delays waited so far, calls taking no time.
	waited := 0
	for _, t := range event.Targets {
		// call_with_retries of probe.py: retry what propagation explains
		// (a DNS failure, an unexpected 403) after each of the event's
		// delays while the retry starts before the function-wide deadline.
		var r probediag.FormResult
		for attempt := 0; ; attempt++ {
			r = c.simulateCall(f, t.Url, t.Headers, t.Sign)
			r.Expected, r.Attempts = t.Expect, attempt+1
			// probe.py's call: the response type from API Gateway's own JSON answer.
			if typ, id := probediag.ParseGatewayAnswer(r.Body); typ != "" {
				r.ResponseType = typ
				if r.RequestId == "" {
					r.RequestId = id
				}
			}
			if attempt == len(event.RetryDelaysSeconds) || !retryable(r) || waited+event.RetryDelaysSeconds[attempt] > event.RetryDeadlineSeconds {
				break
			}
			waited += event.RetryDelaysSeconds[attempt]
		}
		r.Form, r.Url, r.Signed = t.Form, t.Url, t.Sign
		r.Ok = probediag.AnswerOk(r)
		r.Diagnosis = probediag.Diagnose(r, event.Integration, event.Rules)
		// probe.py's handler: a pending form (a rule of the event marks it:
		// a new custom domain or association not ready yet) is recorded,
		// not failed.
		r.Pending = probediag.Pending(r, event.Integration, event.Rules)
		// probe.py's recorded_body: a MOCK's own answer is kept without its body.
		r.Body = probediag.RecordedBody(event.Integration, r)
		results = append(results, r)
		if !r.Ok && !r.Pending {
			failed = append(failed, r)
		}
	}
	if len(failed) > 0 && event.FailOnError {
		payload, _ := json.Marshal(map[string]string{"errorType": "ProbeFailed", "errorMessage": probediag.FailureMessage(failed)})
		return "", nil, fmt.Errorf("invoking Lambda Function (%s): %s", name, payload)
	}
	result, err := json.Marshal(map[string]any{"results": results})
	if err != nil {
		return "", nil, fmt.Errorf("fakeaws: probe result: %w", err)
	}
	out := in.clone()
	id := name + "_$LATEST_" + newHex(32)
	out["id"] = id
	out["result"] = string(result)
	return id, out, nil
}

// retryable is probe.py's retryable: a name that does not resolve yet, or a
// 403 from a policy, stage or endpoint not yet in effect (unless 403 is the
// expected answer).
func retryable(r probediag.FormResult) bool {
	if r.Failure == probediag.FailureDns {
		return true
	}
	return r.Failure == "" && r.Status == 403 && r.Expected != 403
}

// simulateCall answers one HTTPS GET from function f: name resolution, the
// path through security groups to an endpoint, then API Gateway's checks in
// its order (the API, the endpoint's association for the alias name, the
// stage, the resource policy the deployment captured, the route, its
// authorization) and the integration's answer.
func (c *Cloud) simulateCall(f *Function, rawURL string, headers map[string]string, signed bool) probediag.FormResult {
	return c.traceCall(f, rawURL, headers, signed, &callTrace{})
}

// callTrace is where a call went: the endpoint it reached and the region
// whose API Gateway answered it (the endpoint's: an interface endpoint
// reaches its own region's service), and the API it named.
type callTrace struct {
	Endpoint, Region, ApiId string
}

// traceCall is simulateCall, noting in trace where the call went.
func (c *Cloud) traceCall(f *Function, rawURL string, headers map[string]string, signed bool, trace *callTrace) probediag.FormResult {
	r := probediag.FormResult{RequestId: newId(8) + "-" + newId(4)}
	u, err := url.Parse(rawURL)
	if err != nil {
		r.Failure, r.Detail = probediag.FailureDns, err.Error()
		return r
	}
	// The name says how the call reaches an endpoint and names the API.
	host := u.Hostname()
	first := strings.Split(host, ".")[0]
	alias := false
	var apiId string
	var endpoint *Endpoint
	// A private hosted zone of the function's VPC answers first: a custom
	// domain's alias to an endpoint.
	// The API's own name in a zone of the VPC (the hub's, hub.dns phz) is a
	// call to the endpoint the alias names, as private DNS would be.
	byZone := c.apiByZone(f, host)
	viaDomain := c.resolveDomain(f, host)
	switch {
	case byZone != nil:
		viaDomain = nil
		apiId, endpoint = first, byZone
	case viaDomain != nil:
		endpoint = viaDomain
	case strings.HasSuffix(host, ".vpce.amazonaws.com"): // the endpoint's public name, the API in a header
		for _, e := range c.Endpoints {
			if strings.HasPrefix(host, e.Id+"-"+e.DnsSuffix) {
				endpoint = e
			}
		}
		apiId = headers["x-apigw-api-id"]
		if apiHost := headers["Host"]; apiHost != "" {
			apiId = strings.Split(apiHost, ".")[0]
		}
	case strings.Contains(first, "-vpce-"): // {api}-{vpce}: public DNS to the endpoint
		alias = true
		var vpce string
		apiId, vpce, _ = strings.Cut(first, "-")
		endpoint = c.Endpoints[vpce]
	case !strings.HasSuffix(host, ".execute-api."+f.Region+".amazonaws.com"):
		// Another name (a custom domain without its zone): nothing in the VPC answers for it.
	default: // {api}.execute-api.{region}.amazonaws.com: only private DNS in this VPC answers
		apiId = first
		for _, e := range c.Endpoints {
			if e.VpcId == f.VpcId && e.PrivateDns && e.Scope == f.Scope {
				endpoint = e
			}
		}
		if v := c.Vpcs[f.VpcId]; endpoint != nil && (v == nil || !v.EnableDnsSupport || !v.EnableDnsHostnames) {
			endpoint = nil // the VPC resolver answers private names only with both attributes on
		}
		if endpoint != nil && c.Stale["dns:"+endpoint.Id] > 0 {
			c.Stale["dns:"+endpoint.Id]--
			endpoint = nil // the new endpoint's private name is not in the VPC's resolver yet
		}
	}
	if endpoint == nil {
		r.Failure, r.Detail = probediag.FailureDns, "[Errno -2] Name or service not known: "+host
		return r
	}
	trace.Endpoint = endpoint.Id
	if !c.reaches(f, endpoint) {
		r.Failure, r.Detail = probediag.FailureTimeout, "timed out"
		return r
	}
	trace.Region = endpoint.Region
	forbidden := func() probediag.FormResult {
		r.Status, r.ErrorType, r.Body = 403, "ForbiddenException", `{"message":"Forbidden"}`
		return r
	}
	principal, who := "", "anonymous"
	if signed {
		principal = f.Role
		who = "arn:aws:sts::" + f.Account + ":assumed-role/" + f.Role[strings.LastIndex(f.Role, "/")+1:] + "/" + f.Name
	}
	var stage, path, viaDomainArn string
	if viaDomain != nil {
		// The domain the endpoint's association names, its invoke policy
		// (which must admit the endpoint as the API's must), then the
		// mapping that stands for the stage.
		d := c.domainFor(endpoint, host)
		if d == nil {
			return forbidden() // no association for this endpoint (yet)
		}
		// The endpoint's policy first, on the domain name's own ARN ("Use VPC
		// endpoint policies for private APIs in API Gateway", examples 4 and
		// 5: the domain's ARN, and the API behind it, below, each with the
		// condition key execute-api:viaDomainArn, which example 4 relies on
		// for both; "Custom domain names for private
		// APIs": a call needs the domain's policy, the API's policy and every
		// VPC endpoint policy to allow it).
		viaDomainArn = d.executeApiArn()
		if endpoint.Policy != "" {
			if dec, err := decide(endpoint.Policy, policy.Request{Resource: viaDomainArn, SourceVpce: endpoint.Id, Principal: principal, ViaDomainArn: viaDomainArn}); err != nil || dec != policy.Allowed {
				why := " because no VPC endpoint policy allows the execute-api:Invoke action"
				if dec == policy.ExplicitDeny {
					why = " with an explicit deny in a VPC endpoint policy"
				}
				message := "User: " + who + " is not authorized to perform: execute-api:Invoke on resource: " + viaDomainArn + why
				r.Status, r.ErrorType, r.Body = 403, "AccessDeniedException", `{"Message":`+jsonString(message)+`}`
				return r
			}
		}
		resource := d.executeApiArn() + "/GET" + u.Path
		doc := strings.ReplaceAll(d.Policy, `"execute-api:/`, `"`+d.executeApiArn()+`/`)
		if dec, err := decide(doc, policy.Request{Resource: resource, SourceVpce: endpoint.Id}); err != nil || dec != policy.Allowed {
			message := "User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + d.executeApiArn()
			r.Status, r.ErrorType, r.Body = 403, "AccessDeniedException", `{"Message":`+jsonString(message)+`}`
			return r
		}
		var mapped bool
		apiId, stage, path, mapped = d.mappingFor(u.Path)
		if !mapped {
			return forbidden()
		}
	}
	// An interface endpoint reaches its own region's service
	// (com.amazonaws.<region>.execute-api): an API of another region is not
	// there, whatever the caller's region ("Private REST APIs in API
	// Gateway": the endpoint and the API share a region; cross-region
	// PrivateLink does not serve execute-api).
	api, ok := c.RestApis[apiId]
	if !ok || api.Region != endpoint.Region {
		return forbidden()
	}
	trace.ApiId = apiId
	if alias && !slices.Contains(api.VpcEndpointIds, endpoint.Id) {
		return forbidden() // the alias name needs the endpoint associated with the API
	}
	// STRICT: "API Gateway uses SNI host matching": a call to the endpoint's
	// public name carries that name as its TLS server name, not the API's,
	// whatever its Host or x-apigw-api-id header says ("Security policies
	// for REST APIs in API Gateway", endpoint access mode; the answer's
	// wording is not documented, only refused is).
	if api.EndpointAccessMode == "STRICT" && strings.HasSuffix(host, ".vpce.amazonaws.com") {
		return forbidden()
	}
	if viaDomain == nil {
		segs := strings.SplitN(strings.TrimPrefix(u.Path, "/"), "/", 2)
		stage, path = segs[0], "/"
		if len(segs) == 2 {
			path = "/" + segs[1]
		}
	}
	if path != "/" {
		path = strings.TrimSuffix(path, "/")
	}
	served, ok := c.servedDeployment(apiId, stage)
	if !ok {
		return forbidden()
	}
	doc := served.Policy
	resource := fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/GET%s", api.Region, api.Account, apiId, stage, path)
	denied := func(why string) probediag.FormResult {
		message := fmt.Sprintf("User: %s is not authorized to perform: execute-api:Invoke on resource: %s%s", who, resource, why)
		gatewayAnswer(&r, served, 403, "AccessDeniedException", "ACCESS_DENIED", message, `{"Message":`+jsonString(message)+`}`)
		return r
	}
	// The endpoint's policy first: the endpoint refuses before API Gateway
	// sees the call (PrivateLink guide, "Control access to VPC endpoints
	// using endpoint policies"; IAM user guide, "Access denied error
	// messages": "because no VPC endpoint policy allows").
	if endpoint.Policy != "" {
		d, err := decide(endpoint.Policy, policy.Request{Resource: resource, SourceVpce: endpoint.Id, Principal: principal, ViaDomainArn: viaDomainArn, VpcSourceIp: c.callerIp(f, endpoint)})
		switch {
		case err != nil || d == policy.ExplicitDeny:
			return denied(" with an explicit deny in a VPC endpoint policy")
		case d != policy.Allowed:
			return denied(" because no VPC endpoint policy allows the execute-api:Invoke action")
		}
	}
	if d := c.invokeDecision(f, api, doc, resource, endpoint, principal); d != policy.Allowed {
		why := ""
		if d == policy.ExplicitDeny {
			why = " with an explicit deny"
		}
		return denied(why)
	}
	route, ok := matchRoute(served.Routes, "GET", path)
	if !ok || (route.Authorization == "AWS_IAM" && !signed) {
		gatewayAnswer(&r, served, 403, "MissingAuthenticationTokenException", "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token", `{"message":"Missing Authentication Token"}`)
		return r
	}
	// A MOCK without a matching integration response and a Lambda the API
	// may not invoke are both configuration errors ("Gateway response types
	// for API Gateway", API_CONFIGURATION_ERROR).
	internalError := func() probediag.FormResult {
		gatewayAnswer(&r, served, 500, "InternalServerErrorException", "API_CONFIGURATION_ERROR", "Internal server error", `{"message": "Internal server error"}`)
		return r
	}
	switch {
	case route.Integration == "mock" && route.MockStatus == 0:
		return internalError()
	case route.Integration == "mock":
		// A MOCK answers with its integration response's template
		// ("Set up mock integrations in API Gateway").
		r.Status, r.Body = route.MockStatus, route.MockBody
	case isLambdaProxy(route):
		// Lambda is invoked with POST whatever the method ("For Lambda
		// integrations, you must use the HTTP method of POST for the
		// integration request", API Gateway developer guide), and only with a
		// permission whose source ARN covers this method ARN; otherwise the
		// execution fails with a configuration error and the caller gets 500.
		if !strings.EqualFold(route.IntegrationMethod, "POST") || !c.lambdaPermits(route.IntegrationUri, resource) {
			return internalError()
		}
		r.Status, r.Body = 200, `{}`
	default: // the fake has no backends: an HTTP proxy answers 200
		r.Status, r.Body = 200, `{}`
	}
	return r
}

// gatewayAnswer sets r to API Gateway's own answer of response type typ:
// status, x-amzn-ErrorType and a body from the deployment's customized
// template for the type, else for its DEFAULT_4XX or DEFAULT_5XX (a type
// not customized itself falls back to its default: "Gateway response types
// for API Gateway"), else AWS's default body. The template's
// $context.error.messageString is the message quoted for JSON.
func gatewayAnswer(r *probediag.FormResult, d *Deployment, status int, errorType, typ, message, defaultBody string) {
	r.Status, r.ErrorType, r.Body = status, errorType, defaultBody
	template, ok := d.GatewayResponses[typ]
	if !ok {
		template, ok = d.GatewayResponses[fmt.Sprintf("DEFAULT_%dXX", status/100)]
	}
	if !ok {
		return
	}
	r.Body = strings.NewReplacer(
		"$context.error.messageString", jsonString(message),
		"$context.error.message", message,
		"$context.error.responseType", typ,
		"$context.requestId", r.RequestId,
	).Replace(template)
}

// decide parses and evaluates a policy document.
func decide(doc string, req policy.Request) (policy.Decision, error) {
	d, err := policy.Parse(doc)
	if err != nil {
		return policy.ImplicitDeny, err
	}
	return d.Decide(req)
}

// invokeDecision is API Gateway's authorization of a call with a resource
// policy ("How API Gateway resource policies affect authorization
// workflow"): an explicit Deny in the resource policy or, for a signed call,
// in the caller's identity policies refuses; an unsigned call needs the
// resource policy's Allow; a signed call from the API's own account needs
// an Allow in either, from another account in both.
func (c *Cloud) invokeDecision(f *Function, api *RestApi, resourcePolicy, resource string, endpoint *Endpoint, principal string) policy.Decision {
	// aws:VpcSourceIp is the caller's address in its own VPC, set for every
	// call through an endpoint ("AWS global condition context keys").
	rp, err := decide(resourcePolicy, policy.Request{Resource: resource, SourceVpce: endpoint.Id, Principal: principal, VpcSourceIp: c.callerIp(f, endpoint)})
	if err != nil || rp == policy.ExplicitDeny {
		return policy.ExplicitDeny
	}
	if principal == "" {
		return rp
	}
	ip := implicitDeny
	for _, doc := range c.RoleInlinePolicies[f.Role] {
		parsed, err := parsePolicy(doc)
		if err != nil {
			return policy.ExplicitDeny
		}
		switch parsed.decide(request{Action: "execute-api:Invoke", Resource: resource}) {
		case explicitDeny:
			return policy.ExplicitDeny
		case allowed:
			ip = allowed
		}
	}
	// The role's permissions boundary caps what its policies allow.
	switch boundaryAllows(c, f.Role, "execute-api:Invoke", resource) {
	case explicitDeny:
		return policy.ExplicitDeny
	case implicitDeny:
		ip = implicitDeny
	}
	sameAccount := f.Account == api.Account
	if (sameAccount && (rp == policy.Allowed || ip == allowed)) || (rp == policy.Allowed && ip == allowed) {
		return policy.Allowed
	}
	return policy.ImplicitDeny
}

// isLambdaProxy says whether a route's integration invokes a Lambda
// function (aws_proxy with a lambda:path uri).
func isLambdaProxy(r Route) bool {
	return r.Integration == "aws_proxy" && strings.Contains(r.IntegrationUri, ":lambda:path/")
}

// lambdaPermits says whether the function of a Lambda integration uri has a
// permission whose source ARN (with * wildcards) covers methodArn.
func (c *Cloud) lambdaPermits(uri, methodArn string) bool {
	fn := uri[strings.Index(uri, "/functions/")+len("/functions/"):]
	fn = strings.TrimSuffix(fn, "/invocations")
	for _, perm := range c.Permissions {
		if perm.Function == fn && anyMatch([]string{perm.SourceArn}, methodArn, false) {
			return true
		}
	}
	return false
}

// reaches says whether HTTPS from the function gets to the endpoint: the
// endpoint is in the function's VPC (or another over a Transit Gateway
// path), one of the function's groups allows 443 out to one of the
// endpoint's groups (in the same VPC only) or to a range holding its subnets,
// and one of the endpoint's groups allows 443 in from a range holding one of
// the function's subnets.
func (c *Cloud) reaches(f *Function, e *Endpoint) bool {
	sameVpc := e.VpcId == f.VpcId && e.Scope == f.Scope
	if !sameVpc && !c.routedBetween(f, e) {
		return false // another VPC, and no route to it and back (routes.go)
	}
	out := false
	for _, gid := range f.SecurityGroupIds {
		g := c.SecurityGroups[gid]
		if g == nil {
			continue
		}
		for _, eg := range e.SecurityGroupIds {
			// A rule naming a group admits that group's members only within
			// the VPC (or over a peering, or a Transit Gateway with security
			// group referencing turned on, which is off by default: EC2 API
			// reference, TransitGatewayOptions.SecurityGroupReferencingSupport;
			// neither is simulated): a spoke's probe must name the hub's range.
			if sameVpc && slices.Contains(g.EgressGroups, eg) {
				out = true
			}
		}
		for _, sid := range e.SubnetIds {
			if s := c.Subnets[sid]; s != nil && anyContains(g.EgressCidrs, s.CidrBlock) {
				out = true
			}
		}
	}
	in := false
	for _, eg := range e.SecurityGroupIds {
		g := c.SecurityGroups[eg]
		if g == nil {
			continue
		}
		if nat, ok := c.SourceNat[transitKey(f.Scope, f.VpcId)]; ok && !sameVpc {
			// Through a private NAT gateway the endpoint sees its address.
			in = in || anyContains(g.IngressCidrs, nat+"/32")
			continue
		}
		for _, sid := range f.SubnetIds {
			if s := c.Subnets[sid]; s != nil && anyContains(g.IngressCidrs, s.CidrBlock) {
				in = true
			}
		}
	}
	return out && in
}

// callerIp is the address endpoint e sees for a call from f: the private
// NAT gateway's when f's VPC sends its traffic to other VPCs through one
// (Cloud.SourceNat), else f's own.
func (c *Cloud) callerIp(f *Function, e *Endpoint) string {
	if nat, ok := c.SourceNat[transitKey(f.Scope, f.VpcId)]; ok && (e.VpcId != f.VpcId || e.Scope != f.Scope) {
		return nat
	}
	return c.sourceIp(f)
}

// sourceIp is the caller's address: the first one AWS hands out in its
// first subnet (the first four of a subnet are reserved: "Subnet CIDR
// blocks", Amazon VPC user guide); "" when it has none.
func (c *Cloud) sourceIp(f *Function) string {
	for _, id := range f.SubnetIds {
		if sn := c.Subnets[id]; sn != nil {
			p, err := netip.ParsePrefix(sn.CidrBlock)
			if err != nil {
				continue
			}
			a := p.Masked().Addr()
			for range 4 {
				a = a.Next()
			}
			return a.String()
		}
	}
	return ""
}

// anyContains says whether one of the ranges holds the whole subnet.
func anyContains(ranges []string, subnet string) bool {
	_, sn, err := net.ParseCIDR(subnet)
	if err != nil {
		return false
	}
	for _, r := range ranges {
		_, rn, err := net.ParseCIDR(r)
		if err != nil {
			continue
		}
		ones, _ := rn.Mask.Size()
		subOnes, _ := sn.Mask.Size()
		if rn.Contains(sn.IP) && ones <= subOnes {
			return true
		}
	}
	return false
}

// jsonString is s as a JSON string literal.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
