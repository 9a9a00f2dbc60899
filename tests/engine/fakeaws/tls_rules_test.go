package fakeaws

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStrictAccessModeRefusesTheHeaderForms: with STRICT, a call to the
// endpoint's public name (the Host and x-apigw-api-id forms) is refused,
// while the API's own names still answer; BASIC refuses nothing.
func TestStrictAccessModeRefusesTheHeaderForms(t *testing.T) {
	w := newCallWorld([]Route{mockRoute}, resourcePolicy(`"*"`))
	public := "https://" + worldVpce + "-abcd.execute-api.eu-west-1.vpce.amazonaws.com/dev/"
	forms := map[string]map[string]string{
		"host":  {"Host": worldApi + ".execute-api.eu-west-1.amazonaws.com"},
		"apiId": {"x-apigw-api-id": worldApi},
	}
	for mode, refused := range map[string]bool{"": false, "BASIC": false, "STRICT": true} {
		w.c.RestApis[worldApi].EndpointAccessMode = mode
		for form, headers := range forms {
			r := w.c.simulateCall(w.fn, public, headers, false)
			if refused {
				assert.Equalf(t, 403, r.Status, "%s %s", mode, form)
				assert.Equalf(t, "ForbiddenException", r.ErrorType, "%s %s", mode, form)
			} else {
				assert.Equalf(t, 200, r.Status, "%s %s", mode, form)
			}
		}
		status, _, _ := w.call("/", false)
		assert.Equalf(t, 200, status, "%s: the private DNS name is the API's own", mode)
		alias := w.c.simulateCall(w.fn, "https://"+worldApi+"-"+worldVpce+".execute-api.eu-west-1.amazonaws.com/dev/", nil, false)
		assert.Equalf(t, 200, alias.Status, "%s: the alias name names the API", mode)
	}
}

// TestEnhancedSecurityPolicyNeedsAnAccessMode: PutRestApi refuses a body
// with a SecurityPolicy_ policy and no endpoint access mode, and reads both
// otherwise.
func TestEnhancedSecurityPolicyNeedsAnAccessMode(t *testing.T) {
	body := func(extra string) string {
		return `{"openapi":"3.0.1","paths":{"/":{"get":{"x-amazon-apigateway-integration":{"type":"mock"}}}}` + extra + `}`
	}
	_, err := parseBody("PutRestApi", body(`,"x-amazon-apigateway-security-policy":"SecurityPolicy_TLS13_1_3_2025_09"`))
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "BadRequestException"), err.Error())
	parsed, err := parseBody("PutRestApi", body(`,"x-amazon-apigateway-security-policy":"SecurityPolicy_TLS13_1_3_2025_09","x-amazon-apigateway-endpoint-access-mode":"STRICT"`))
	require.NoError(t, err)
	assert.Equal(t, "SecurityPolicy_TLS13_1_3_2025_09", parsed.securityPolicy)
	assert.Equal(t, "STRICT", parsed.accessMode)
}
