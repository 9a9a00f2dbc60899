package components

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/probediag"
)

// TestDiagnoseNamesTheLikelyCause: one case per row docs/probe.md's table
// promises, and the answers that are not failures.
func TestDiagnoseNamesTheLikelyCause(t *testing.T) {
	cases := []struct {
		name   string
		result probediag.FormResult
		integ  string
		says   string
	}{
		{"endpoint not in the policy", probediag.FormResult{Form: InvokePrivateDns, Expected: 200, Status: 403, ErrorType: "AccessDeniedException",
			Body: `{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:111111111111:abc/dev/GET/ with an explicit deny"}`},
			IntegrationMock, "not in the API's resource policy"},
		{"alias form, endpoint not associated", probediag.FormResult{Form: InvokeRoute53Alias, Expected: 200, Status: 403, ErrorType: "ForbiddenException", Body: `{"message":"Forbidden"}`},
			IntegrationMock, "not associated with the API"},
		{"timeout", probediag.FormResult{Form: InvokePublicDnsHostHeader, Expected: 200, Failure: probediag.FailureTimeout},
			IntegrationMock, "security group must allow 443"},
		{"private name does not resolve", probediag.FormResult{Form: InvokePrivateDns, Expected: 200, Failure: probediag.FailureDns},
			IntegrationMock, "private DNS must be on"},
		{"mock without integration response", probediag.FormResult{Form: InvokePrivateDns, Expected: 200, Status: 500, ErrorType: "InternalServerErrorException"},
			IntegrationMock, "integration response"},
		{"signed and refused", probediag.FormResult{Form: InvokePrivateDns, Expected: 200, Status: 403, Signed: true, ErrorType: "AccessDeniedException",
			Body: `{"Message":"User: arn:aws:sts::222222222222:assumed-role/probe/x is not authorized"}`},
			IntegrationMock, "signing role is not among the resource policy's principals"},
		{"unsigned call to an AWS_IAM method", probediag.FormResult{Form: InvokePrivateDns, Expected: 200, Status: 403, ErrorType: "MissingAuthenticationTokenException",
			Body: `{"message":"Missing Authentication Token"}`},
			IntegrationMock, "needs AWS_IAM and the call was not signed"},
		{"backend error", probediag.FormResult{Form: InvokePrivateDns, Status: 502, ErrorType: "BadGatewayException"},
			IntegrationHTTPProxy, "the backend"},
		{"other 403", probediag.FormResult{Form: InvokePublicDnsApiIdHeader, Expected: 200, Status: 403, ErrorType: "ForbiddenException"},
			IntegrationMock, "API Gateway refused the call"},
	}
	for _, tc := range cases {
		got := probediag.Diagnose(tc.result, tc.integ, probediag.Rules)
		assert.Containsf(t, got, tc.says, "%s: got %q", tc.name, got)
	}

	for name, ok := range map[string]probediag.FormResult{
		"expected status":             {Expected: 200, Status: 200},
		"any answer, a backend's 404": {Status: 404},
		"refused, as configured":      {Expected: 403, Status: 403, Signed: true},
	} {
		assert.Truef(t, probediag.AnswerOk(ok), name)
		assert.Emptyf(t, probediag.Diagnose(ok, IntegrationMock, probediag.Rules), "%s: nothing to diagnose", name)
	}
	for name, bad := range map[string]probediag.FormResult{
		"wrong status":                {Expected: 200, Status: 201},
		"any answer, but refused":     {Status: 403},
		"any answer, but refused 404": {Status: 404, ErrorType: "MissingAuthenticationTokenException"},
		"any answer, but a 5xx":       {Status: 503},
		"no answer":                   {Failure: probediag.FailureConnect},
	} {
		assert.Falsef(t, probediag.AnswerOk(bad), name)
		assert.NotEmptyf(t, probediag.Diagnose(bad, IntegrationHTTPProxy, probediag.Rules), name)
	}
}

// TestProbeRulesAreUsable: every row names a cause and sets at least one
// condition, and the rows are distinct.
func TestProbeRulesAreUsable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range probediag.Rules {
		assert.NotEmpty(t, r.Cause, r.Name)
		assert.Falsef(t, seen[r.Name], "row %s twice", r.Name)
		seen[r.Name] = true
		conditions := r.Failure != "" || r.Status != 0 || r.StatusClass != 0 || r.ErrorType != "" || r.ResponseType != "" || r.BodyContains != "" || len(r.Forms) > 0 || r.Signed != nil
		assert.Truef(t, conditions, "row %s matches everything", r.Name)
		assert.Falsef(t, strings.HasSuffix(r.Cause, "."), "row %s: causes are phrases, the probe adds the punctuation", r.Name)
	}
}

// TestProbePendingIsANewDomainOnly: after its retries, the custom domain
// form refused with 403 ForbiddenException (no ready access association
// through this endpoint) is pending, with a diagnosis that gives AWS's
// time; a name that does not resolve (the zone and alias are in sync
// before the probe runs), a policy's refusal through the domain, any other
// failure of it, and every other form's answers are failures as before.
func TestProbePendingIsANewDomainOnly(t *testing.T) {
	forbidden := probediag.FormResult{Form: InvokeCustomDomain, Expected: 200, Status: 403, ErrorType: "ForbiddenException", Body: `{"message":"Forbidden"}`}
	unresolved := probediag.FormResult{Form: InvokeCustomDomain, Expected: 200, Failure: probediag.FailureDns}
	assert.True(t, probediag.Pending(forbidden, IntegrationMock, probediag.Rules))
	assert.False(t, probediag.AnswerOk(forbidden), "pending is not ok")
	assert.Contains(t, probediag.Diagnose(forbidden, IntegrationMock, probediag.Rules), "pending: ")
	assert.False(t, probediag.Pending(unresolved, IntegrationMock, probediag.Rules), "a custom domain that does not resolve fails")
	assert.Contains(t, probediag.Diagnose(forbidden, IntegrationMock, probediag.Rules), "AWS documents about 15 minutes for a new private custom domain name and for a new domain name access association to be ready")
	assert.Contains(t, probediag.Diagnose(forbidden, IntegrationMock, probediag.Rules), "pulumi up --replace")

	policyRefused := probediag.FormResult{Form: InvokeCustomDomain, Expected: 200, Status: 403, ErrorType: "AccessDeniedException",
		Body: `{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:111111111111:/domainnames/orders.example.com+abc"}`}
	forms := []string{InvokePrivateDns, InvokeRoute53Alias, InvokePublicDnsHostHeader, InvokePublicDnsApiIdHeader}
	notPending := map[string]probediag.FormResult{
		"a policy refusing through the domain": policyRefused,
		"no route through the domain":          {Form: InvokeCustomDomain, Expected: 200, Status: 403, ErrorType: "MissingAuthenticationTokenException", Body: `{"message":"Missing Authentication Token"}`},
		"a timeout through the domain":         {Form: InvokeCustomDomain, Expected: 200, Failure: probediag.FailureTimeout},
		"a 5xx through the domain":             {Form: InvokeCustomDomain, Expected: 200, Status: 500},
		"the domain answering":                 {Form: InvokeCustomDomain, Expected: 200, Status: 200},
		"403 expected through the domain":      {Form: InvokeCustomDomain, Expected: 403, Status: 403, ErrorType: "ForbiddenException"},
	}
	for _, form := range forms {
		f, u := forbidden, unresolved
		f.Form, u.Form = form, form
		notPending[form+" 403 Forbidden"], notPending[form+" no name"] = f, u
	}
	for name, r := range notPending {
		assert.Falsef(t, probediag.Pending(r, IntegrationMock, probediag.Rules), name)
	}
	assert.Contains(t, probediag.Diagnose(policyRefused, IntegrationMock, probediag.Rules), "does not list this endpoint")

	// The Lambda gets the pending rows as data.
	input, err := ProbeEventJSON(map[string]string{InvokeCustomDomain: "https://orders.example.com"}, nil, &ConnectivityProbeArgs{Region: "eu-west-1"})
	require.NoError(t, err)
	var ev probeEvent
	require.NoError(t, json.Unmarshal([]byte(input), &ev))
	var pendingRows []string
	for _, r := range ev.Rules {
		if r.Pending {
			pendingRows = append(pendingRows, r.Name)
		}
	}
	assert.Equal(t, []string{"domain-not-ready"}, pendingRows)
}

// TestProbePendingWarningGivesTheCommand: a run with a pending form warns
// with each such form, what came back, its diagnosis and the command that
// runs the probe again with the invocation's URN; a run without none.
func TestProbePendingWarningGivesTheCommand(t *testing.T) {
	urn := "urn:pulumi:dev::xaccount-api::xaccount:index:CrossAccountPrivateApi$xaccount:lambda:ConnectivityProbe$aws:lambda/invocation:Invocation::xaccount-api-app-probe-invocation"
	results := []probediag.FormResult{
		{Form: InvokePrivateDns, Status: 200, Ok: true},
		{Form: InvokeCustomDomain, Url: "https://orders.example.com/", Status: 403, ErrorType: "ForbiddenException",
			Attempts: 5, Pending: true, Diagnosis: "pending: the cause"},
	}
	w := probePendingWarning(results, urn)
	assert.Contains(t, w, "pulumi up --replace '"+urn+"'")
	assert.Contains(t, w, "customDomain: https://orders.example.com/ returned 403 ForbiddenException after 5 calls. Likely cause: pending: the cause")
	assert.Contains(t, w, "about 15 minutes")
	assert.NotContains(t, w, InvokePrivateDns)
	assert.Empty(t, probePendingWarning(results[:1], urn))
	assert.Equal(t, "pulumi up --replace '"+urn+"'", probediag.RerunCommand(urn))
}

// TestProbeKeepsNoMockBody: a MOCK's own answer (no x-amzn-ErrorType) is
// recorded without its body, which may be a secure value; API Gateway's
// own answers and a proxy's keep theirs for the diagnosis.
func TestProbeKeepsNoMockBody(t *testing.T) {
	mock := probediag.FormResult{Status: 200, Body: `{"token":"secret"}`}
	assert.Empty(t, probediag.RecordedBody(IntegrationMock, mock))
	refused := probediag.FormResult{Status: 403, ErrorType: "AccessDeniedException", Body: `{"message":"denied"}`}
	assert.Equal(t, refused.Body, probediag.RecordedBody(IntegrationMock, refused), "API Gateway's own answer is kept")
	assert.Equal(t, mock.Body, probediag.RecordedBody(IntegrationHTTPProxy, mock), "a backend's answer is kept")
}

// TestProbeRulesNameThisPackagesFormsAndIntegrations: the diagnostics table
// lives in internal/probediag, which names the invoke forms and integrations
// by their values; each must be one of this package's constants, or the row
// would never match a result.
func TestProbeRulesNameThisPackagesFormsAndIntegrations(t *testing.T) {
	forms := []string{InvokePrivateDns, InvokeRoute53Alias, InvokePublicDnsHostHeader, InvokePublicDnsApiIdHeader, InvokeCustomDomain}
	integrations := []string{IntegrationMock, IntegrationHTTPProxy, IntegrationLambda, IntegrationVpcLink}
	named := 0
	for _, rule := range probediag.Rules {
		for _, f := range rule.Forms {
			assert.Containsf(t, forms, f, "rule %s names invoke form %q", rule.Name, f)
			named++
		}
		if rule.Integration != "" {
			assert.Containsf(t, integrations, rule.Integration, "rule %s names integration %q", rule.Name, rule.Integration)
			named++
		}
	}
	assert.Positive(t, named, "some rules name a form or an integration")
}
