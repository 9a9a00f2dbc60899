package components

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestDiagnoseNamesTheLikelyCause: one case per row the README's table
// promises, and the answers that are not failures.
func TestDiagnoseNamesTheLikelyCause(t *testing.T) {
	cases := []struct {
		name   string
		result ProbeFormResult
		integ  string
		says   string
	}{
		{"endpoint not in the policy", ProbeFormResult{Form: InvokePrivateDns, Expected: 200, Status: 403, ErrorType: "AccessDeniedException",
			Body: `{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:111111111111:abc/dev/GET/ with an explicit deny"}`},
			IntegrationMock, "not in the API's resource policy"},
		{"alias form, endpoint not associated", ProbeFormResult{Form: InvokeRoute53Alias, Expected: 200, Status: 403, ErrorType: "ForbiddenException", Body: `{"message":"Forbidden"}`},
			IntegrationMock, "not associated with the API"},
		{"timeout", ProbeFormResult{Form: InvokePublicDnsHostHeader, Expected: 200, Failure: ProbeFailureTimeout},
			IntegrationMock, "security group must allow 443"},
		{"private name does not resolve", ProbeFormResult{Form: InvokePrivateDns, Expected: 200, Failure: ProbeFailureDns},
			IntegrationMock, "private DNS must be on"},
		{"mock without integration response", ProbeFormResult{Form: InvokePrivateDns, Expected: 200, Status: 500, ErrorType: "InternalServerErrorException"},
			IntegrationMock, "integration response"},
		{"signed and refused", ProbeFormResult{Form: InvokePrivateDns, Expected: 200, Status: 403, Signed: true, ErrorType: "AccessDeniedException",
			Body: `{"Message":"User: arn:aws:sts::222222222222:assumed-role/probe/x is not authorized"}`},
			IntegrationMock, "signing role is not among the resource policy's principals"},
		{"unsigned call to an AWS_IAM method", ProbeFormResult{Form: InvokePrivateDns, Expected: 200, Status: 403, ErrorType: "MissingAuthenticationTokenException",
			Body: `{"message":"Missing Authentication Token"}`},
			IntegrationMock, "needs AWS_IAM and the call was not signed"},
		{"backend error", ProbeFormResult{Form: InvokePrivateDns, Status: 502, ErrorType: "BadGatewayException"},
			IntegrationHTTPProxy, "the backend"},
		{"other 403", ProbeFormResult{Form: InvokePublicDnsApiIdHeader, Expected: 200, Status: 403, ErrorType: "ForbiddenException"},
			IntegrationMock, "API Gateway refused the call"},
	}
	for _, tc := range cases {
		got := Diagnose(tc.result, tc.integ, ProbeRules)
		assert.Containsf(t, got, tc.says, "%s: got %q", tc.name, got)
	}

	for name, ok := range map[string]ProbeFormResult{
		"expected status":             {Expected: 200, Status: 200},
		"any answer, a backend's 404": {Status: 404},
		"refused, as configured":      {Expected: 403, Status: 403, Signed: true},
	} {
		assert.Truef(t, ProbeAnswerOk(ok), name)
		assert.Emptyf(t, Diagnose(ok, IntegrationMock, ProbeRules), "%s: nothing to diagnose", name)
	}
	for name, bad := range map[string]ProbeFormResult{
		"wrong status":                {Expected: 200, Status: 201},
		"any answer, but refused":     {Status: 403},
		"any answer, but refused 404": {Status: 404, ErrorType: "MissingAuthenticationTokenException"},
		"any answer, but a 5xx":       {Status: 503},
		"no answer":                   {Failure: ProbeFailureConnect},
	} {
		assert.Falsef(t, ProbeAnswerOk(bad), name)
		assert.NotEmptyf(t, Diagnose(bad, IntegrationHTTPProxy, ProbeRules), name)
	}
}

// TestProbeRulesAreUsable: every row names a cause and sets at least one
// condition, and the rows are distinct.
func TestProbeRulesAreUsable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range ProbeRules {
		assert.NotEmpty(t, r.Cause, r.Name)
		assert.Falsef(t, seen[r.Name], "row %s twice", r.Name)
		seen[r.Name] = true
		conditions := r.Failure != "" || r.Status != 0 || r.StatusClass != 0 || r.ErrorType != "" || r.ResponseType != "" || r.BodyContains != "" || len(r.Forms) > 0 || r.Signed != nil
		assert.Truef(t, conditions, "row %s matches everything", r.Name)
		assert.Falsef(t, strings.HasSuffix(r.Cause, "."), "row %s: causes are phrases, the probe adds the punctuation", r.Name)
	}
}
