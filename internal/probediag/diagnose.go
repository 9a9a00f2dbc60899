// Package probediag reads what the connectivity probe's calls got: the
// diagnostics table, which answers are expected, which are pending, and the
// probe function's result. The probe's Lambda (components/probe.py) mirrors
// it; package components runs the probe.
package probediag

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Transport failures a probe call can end in instead of an HTTP answer.
const (
	// FailureTimeout: no answer within the probe's timeout.
	FailureTimeout = "timeout"
	// FailureDns: the host name did not resolve.
	FailureDns = "dns"
	// FailureConnect: the connection was refused or reset.
	FailureConnect = "connect"
	// FailureTls: the TLS handshake failed.
	FailureTls = "tls"
)

// FormResult is what the connectivity probe records for one invoke
// form: the call it made, what came back, and whether that was expected.
type FormResult struct {
	// Form is the invoke form (InvokePrivateDns, …).
	Form string `json:"form"`
	// Url is the URL called.
	Url string `json:"url"`
	// Signed says the call was SigV4-signed (AWS_IAM).
	Signed bool `json:"signed"`
	// Expected is the status the call must return; 0 means any answer that
	// API Gateway did not refuse (a proxy or Lambda route's own status).
	Expected int `json:"expected"`
	// Status is the HTTP status, 0 when no answer came back.
	Status int `json:"status"`
	// Attempts is how many calls were made: retries follow a DNS failure or
	// an unexpected 403 while the change propagates (probeRetryDelaySeconds).
	Attempts int `json:"attempts"`
	// LatencyMs is the time to the answer or the failure (of the last call).
	LatencyMs int `json:"latencyMs"`
	// RequestId and ErrorType are API Gateway's x-amzn-RequestId and x-amzn-ErrorType.
	RequestId string `json:"requestId"`
	ErrorType string `json:"errorType"`
	// ResponseType is the gateway response type API Gateway names in the
	// JSON body of its own answers (gatewayResponseBody): ACCESS_DENIED,
	// MISSING_AUTHENTICATION_TOKEN, API_CONFIGURATION_ERROR, …; empty when
	// the body is not such an answer.
	ResponseType string `json:"responseType"`
	// Body is the first bytes of the body; empty for a MOCK integration's
	// own answer (RecordedBody).
	Body string `json:"body"`
	// Failure is one of the ProbeFailure… values when no HTTP answer came back.
	Failure string `json:"failure"`
	// Detail is the error text of a failure.
	Detail string `json:"detail"`
	// Ok says the answer was the expected one.
	Ok bool `json:"ok"`
	// Pending says the answer was not the expected one, but in a way that
	// what AWS documents as taking longer than the probe can wait explains
	// (a Rule with Pending: a new custom domain or its access
	// association not ready yet): the update does not fail for it, and the
	// program warns how to run the probe again (probePendingWarning).
	Pending bool `json:"pending"`
	// Diagnosis is the likely cause of an unexpected answer (Rules).
	Diagnosis string `json:"diagnosis"`
}

// Rule is one row of the diagnostics table: every condition it sets
// must hold, and the first matching row names the likely cause. The probe's
// Lambda receives the same rows as data and applies them the same way, so
// the table exists once.
type Rule struct {
	// Name identifies the row.
	Name string `json:"name"`
	// Failure matches a transport failure (ProbeFailure…).
	Failure string `json:"failure,omitempty"`
	// Status matches an exact HTTP status; StatusClass its first digit (5 for 5xx).
	Status      int `json:"status,omitempty"`
	StatusClass int `json:"statusClass,omitempty"`
	// ErrorType matches the start of x-amzn-ErrorType.
	ErrorType string `json:"errorType,omitempty"`
	// ResponseType matches the gateway response type exactly.
	ResponseType string `json:"responseType,omitempty"`
	// BodyContains matches a substring of the body.
	BodyContains string `json:"bodyContains,omitempty"`
	// Forms limits the row to these invoke forms.
	Forms []string `json:"forms,omitempty"`
	// Signed, when set, limits the row to signed (true) or unsigned calls.
	Signed *bool `json:"signed,omitempty"`
	// Integration, when set, limits the row to a probe route of this
	// integration type (integrationMock, …).
	Integration string `json:"integration,omitempty"`
	// Pending makes an answer this row matches pending, not failed: AWS
	// documents the state it explains as lasting longer than the probe can
	// wait within one update (FormResult.Pending).
	Pending bool `json:"pending,omitempty"`
	// Cause is what the row tells the user.
	Cause string `json:"cause"`
}

// DomainReadyMinutes is how long AWS documents a new private custom
// domain name and a new domain name access association to take before
// they answer ("Custom domain names for private APIs in API Gateway",
// considerations: "It takes about 15 minutes for API Gateway to provision
// your private custom domain name" and "After you create a domain name
// access association, it takes about 15 minutes to be ready"; "API
// consumer: Associate your VPC endpoint with a private custom domain name
// shared with you": "it can take up to 15 minutes"). The probe's Lambda
// cannot wait that long for one form within its 900 s beside the others,
// so it reports such a form pending (Rule.Pending).
const DomainReadyMinutes = 15

// probeRerun is how a cause tells the user to run the probe again.
const probeRerun = "pulumi up --replace with the URN of the probe's aws:lambda/invocation:Invocation, which the update's warning names"

// signedCall and unsignedCall are the values Rule.Signed points at.
var signedCall, unsignedCall = true, false

// Rules is the diagnostics table, most specific row first. docs/probe.md
// shows it; the probe applies it to every unexpected answer.
var Rules = []Rule{
	// A DNS failure is not pending: the zone and its alias are INSYNC before
	// the probe runs (the provider waits for Route 53's change, about 60 s,
	// "ChangeResourceRecordSets"), so a name that does not resolve is wrong.
	{Name: "domain-dns", Failure: FailureDns, Forms: []string{formCustomDomain},
		Cause: "the custom domain does not resolve in this VPC: its Route 53 private hosted zone must be associated with the VPC (enableDnsSupport and enableDnsHostnames on) and hold an alias A record to this endpoint's regional DNS name"},
	{Name: "domain-not-ready", Status: 403, ErrorType: "ForbiddenException", Forms: []string{formCustomDomain}, Pending: true,
		Cause: "pending: API Gateway does not serve the custom domain through this endpoint yet; AWS documents about " + strconv.Itoa(DomainReadyMinutes) + " minutes for a new private custom domain name and for a new domain name access association to be ready, longer than the probe can wait; run the probe again after that (" + probeRerun + "); if it still answers 403 Forbidden, the endpoint has no access association with the domain or no base path maps the path"},
	{Name: "domain-not-answering", Status: 403, Forms: []string{formCustomDomain},
		Cause: "the custom domain refused the call through this endpoint: the domain's policy or the API's resource policy does not list this endpoint (aws:SourceVpce), or the endpoint's policy does not allow it"},
	{Name: "not-associated", Status: 403, ErrorType: "ForbiddenException", Forms: []string{formRoute53Alias},
		Cause: "the endpoint is not associated with the API (the API's endpointConfiguration.vpcEndpointIds must list it for the {api-id}-{vpce-id} name)"},
	{Name: "iam-refused", Status: 403, Signed: &signedCall,
		Cause: "the signed call was refused: the request was not signed as API Gateway expects, or the signing role is not among the resource policy's principals (consumers[].principals), or its own IAM policy does not allow execute-api:Invoke"},
	{Name: "iam-unsigned", Status: 403, Signed: &unsignedCall, ErrorType: "MissingAuthenticationToken", BodyContains: "Missing Authentication Token",
		Cause: "the route does not exist on the deployed stage, or the method needs AWS_IAM and the call was not signed"},
	{Name: "policy-anonymous", Status: 403, BodyContains: "User: anonymous is not authorized",
		Cause: "this endpoint is not in the API's resource policy (aws:SourceVpce), or the policy changed without a new deployment (a deployment snapshots the policy)"},
	{Name: "forbidden", Status: 403,
		Cause: "API Gateway refused the call: check the resource policy (this endpoint's aws:SourceVpce), the endpoint policy, and that the stage is deployed since the last policy change"},
	{Name: "mock-5xx", StatusClass: 5, Integration: integrationMock,
		Cause: "the MOCK integration answered an error: its integration response (or the requestTemplates statusCode) is missing"},
	{Name: "integration-timeout", ResponseType: "INTEGRATION_TIMEOUT",
		Cause: "the backend did not answer within the integration timeout (29 seconds by default): check the backend's latency"},
	{Name: "integration-failure", ResponseType: "INTEGRATION_FAILURE",
		Cause: "API Gateway could not reach the backend: an HTTP proxy's host must resolve and answer from the internet (an internal backend needs a VPC link)"},
	{Name: "api-configuration", ResponseType: "API_CONFIGURATION_ERROR",
		Cause: "API Gateway found the route's integration misconfigured: for a Lambda route, the lambda:InvokeFunction permission for this method's ARN is missing or the integration method is not POST"},
	{Name: "backend-5xx", StatusClass: 5,
		Cause: "the integration failed: the backend (HTTP proxy or Lambda) errored or timed out, or API Gateway may not invoke the Lambda (lambda:InvokeFunction permission)"},
	{Name: "timeout", Failure: FailureTimeout,
		Cause: "no answer in time: the endpoint's security group must allow 443 from the probe (consumers[].allowedCidrs), the probe's group must allow 443 out to it, and the probe must run in subnets that reach the endpoint"},
	{Name: "dns", Failure: FailureDns,
		Cause: "the name does not resolve: for the private DNS name, private DNS must be on for the endpoint and the VPC's enableDnsSupport and enableDnsHostnames must be on; for the other names, the endpoint must exist in this region"},
	{Name: "connect", Failure: FailureConnect,
		Cause: "the connection was refused or reset: the name resolves to something that is not this execute-api endpoint (another endpoint's private DNS in the VPC?)"},
	{Name: "tls", Failure: FailureTls,
		Cause: "the TLS handshake failed: call the name the endpoint serves (a custom name needs the Host or x-apigw-api-id form)"},
}

// HubRules are the rows that hold only for a probe that calls through a
// hub endpoint in another VPC (a spoke's): its event carries them before
// Rules, so their first match wins over the rows written for an endpoint in
// the probe's own VPC. docs/hub.md shows them.
var HubRules = []Rule{
	{Name: "hub-dns", Failure: FailureDns,
		Cause: "the name does not resolve in the spoke VPC: with hub.dns phz the API's own name resolves only in VPCs associated with the hub's private hosted zone (the spoke's association, enableDnsSupport and enableDnsHostnames on); the route53Alias and vpce names are public DNS and need no zone"},
	{Name: "hub-forbidden", Status: 403, ErrorType: "AccessDeniedException",
		Cause: "the API's resource policy refused the call through the hub: it admits a spoke only from its own ranges (aws:VpcSourceIp in consumers[].allowedCidrs) and, with AWS_IAM, only its principals; the probe's subnets (consumers[].vpc.subnetIds) must lie in this spoke's allowedCidrs, and no NAT may change the source address between the spoke and the hub"},
	{Name: "hub-timeout", Failure: FailureTimeout,
		Cause: "no answer from the hub endpoint in time: the spoke VPC's route tables must send the hub VPC's range to its Transit Gateway attachment (or peering) and the hub VPC's back to the spoke's range; the hub's security group admits 443 only from the spokes' allowedCidrs, so the probe's subnets must lie in this spoke's"},
}

// Refusals are x-amzn-ErrorType values with which API Gateway refuses a
// call before the integration runs.
var Refusals = []string{"ForbiddenException", "AccessDeniedException", "MissingAuthenticationTokenException", "UnauthorizedException", "MissingAuthenticationToken"}

// AnswerOk says whether a result is what the probe expected: an HTTP
// answer with the expected status, or, with no expected status, any answer
// API Gateway did not refuse and that is not a 5xx.
func AnswerOk(r FormResult) bool {
	if r.Failure != "" || r.Status == 0 {
		return false
	}
	if r.Expected != 0 {
		return r.Status == r.Expected
	}
	errorType, _, _ := strings.Cut(r.ErrorType, ":")
	return r.Status != 403 && r.Status < 500 && !slices.Contains(Refusals, errorType)
}

// Diagnose returns the likely cause of an unexpected probe result: the Cause
// of the first row of rules that matches, "" for an expected result, and a
// generic line when no row matches. integration is the type of the route
// the probe calls.
func Diagnose(r FormResult, integration string, rules []Rule) string {
	if AnswerOk(r) {
		return ""
	}
	if rule, ok := firstMatch(r, integration, rules); ok {
		return rule.Cause
	}
	return "unexpected answer: compare the status, x-amzn-ErrorType and body with the API's access logs (requestId)"
}

// Pending says whether an unexpected result is pending rather than
// failed: the first row of rules that matches it sets Pending. An expected
// result is never pending. probe.py's handler decides the same way.
func Pending(r FormResult, integration string, rules []Rule) bool {
	if AnswerOk(r) {
		return false
	}
	rule, ok := firstMatch(r, integration, rules)
	return ok && rule.Pending
}

// firstMatch is the first row of rules that matches r.
func firstMatch(r FormResult, integration string, rules []Rule) (Rule, bool) {
	for _, rule := range rules {
		if rule.matches(r, integration) {
			return rule, true
		}
	}
	return Rule{}, false
}

// matches says whether every condition the rule sets holds for r.
func (rule Rule) matches(r FormResult, integration string) bool {
	switch {
	case rule.Failure != "" && rule.Failure != r.Failure,
		rule.Failure == "" && r.Failure != "",
		rule.Status != 0 && rule.Status != r.Status,
		rule.StatusClass != 0 && r.Status/100 != rule.StatusClass,
		rule.ErrorType != "" && !strings.HasPrefix(r.ErrorType, rule.ErrorType),
		rule.ResponseType != "" && rule.ResponseType != r.ResponseType,
		rule.BodyContains != "" && !strings.Contains(r.Body, rule.BodyContains),
		len(rule.Forms) > 0 && !slices.Contains(rule.Forms, r.Form),
		rule.Signed != nil && *rule.Signed != r.Signed,
		rule.Integration != "" && rule.Integration != integration:
		return false
	}
	return true
}

// RecordedBody is the body a probe keeps of an answer: empty for
// a MOCK integration's own answer (one without x-amzn-ErrorType, which API
// Gateway sets only on its own answers), else the body as received. A MOCK
// answers with the body its route configures, which may be a secure config
// value; the probe's results are stored in the state and published as
// stack outputs, so that body never goes there. Its status says all the
// probe needs. probe.py's recorded_body mirrors it.
func RecordedBody(integration string, r FormResult) string {
	if integration == integrationMock && r.ErrorType == "" {
		return ""
	}
	return r.Body
}

// FailureMessage is the message of a failed probe run: one line per
// form that did not answer as expected and is not pending, with the URL, what came back, what
// was expected and the likely cause. The Lambda raises the same text
// (probe.py, failure_message).
func FailureMessage(failed []FormResult) string {
	lines := make([]string, 0, len(failed))
	for _, r := range failed {
		got := fmt.Sprintf("%d %s %s", r.Status, OrDash(r.ErrorType), truncate(r.Body, 120))
		if r.ResponseType != "" {
			got = fmt.Sprintf("%d %s (%s) %s", r.Status, OrDash(r.ErrorType), r.ResponseType, truncate(r.Body, 120))
		}
		if r.Failure != "" {
			got = fmt.Sprintf("%s (%s)", r.Failure, r.Detail)
		}
		want := "an answer API Gateway does not refuse"
		if r.Expected != 0 {
			want = strconv.Itoa(r.Expected)
		}
		lines = append(lines, fmt.Sprintf("%s: %s returned %s; expected %s. Likely cause: %s", r.Form, r.Url, got, want, r.Diagnosis))
	}
	return "connectivity probe failed (set probe.failOnError: false to record this without failing):\n" + strings.Join(lines, "\n")
}

// OrDash is s, or "-" when empty.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// truncate cuts s to n characters (Python's s[:n]).
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
