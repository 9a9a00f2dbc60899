package components

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/policy"
)

// invokeAllowed evaluates a resource policy for an execute-api:Invoke of a
// method of the policy's API arriving through endpoint vpce.
func invokeAllowed(t *testing.T, policyJson, vpce string) bool {
	t.Helper()
	doc, err := policy.Parse(policyJson)
	require.NoError(t, err)
	method := strings.TrimSuffix(doc.Resources()[0], "*") + "dev/GET/orders"
	ok, err := doc.Allows(method, vpce)
	require.NoError(t, err)
	return ok
}

func TestBuildResourcePolicyDeniesEveryOtherEndpoint(t *testing.T) {
	ids := []string{"vpce-0bbbbbbbbbbbbbbbb", "vpce-0aaaaaaaaaaaaaaaa", "vpce-0bbbbbbbbbbbbbbbb"}
	policy, err := ResourcePolicyJson(testExecutionArn, ids, ResourcePolicyOptions{})
	require.NoError(t, err)

	var doc PolicyDocument
	require.NoError(t, json.Unmarshal([]byte(policy), &doc))
	require.Len(t, doc.Statement, 2)
	deny, allow := doc.Statement[0], doc.Statement[1]
	assert.Equal(t, "Deny", deny.Effect)
	assert.Equal(t, []string{"vpce-0aaaaaaaaaaaaaaaa", "vpce-0bbbbbbbbbbbbbbbb"}, deny.Condition["StringNotEquals"]["aws:SourceVpce"],
		"the Deny condition must hold exactly the endpoint IDs, de-duplicated and sorted")
	assert.Equal(t, "Allow", allow.Effect)
	assert.Empty(t, allow.Condition)
	for _, s := range doc.Statement {
		assert.Equal(t, testExecutionArn+"/*", s.Resource, "every Resource is the full execution ARN")
		assert.Equal(t, "execute-api:Invoke", s.Action)
	}
	assert.NotContains(t, policy, `"execute-api:/`, "the shorthand drifts; only full ARNs")

	assert.True(t, invokeAllowed(t, policy, "vpce-0aaaaaaaaaaaaaaaa"))
	assert.True(t, invokeAllowed(t, policy, "vpce-0bbbbbbbbbbbbbbbb"))
	assert.False(t, invokeAllowed(t, policy, "vpce-0cccccccccccccccc"))
	assert.False(t, invokeAllowed(t, policy, ""))
}

func TestBuildResourcePolicyIsStable(t *testing.T) {
	a, err := ResourcePolicyJson(testExecutionArn, []string{"vpce-0aaaaaaaaaaaaaaaa", "vpce-0bbbbbbbbbbbbbbbb"}, ResourcePolicyOptions{})
	require.NoError(t, err)
	b, err := ResourcePolicyJson(testExecutionArn, []string{"vpce-0bbbbbbbbbbbbbbbb", "vpce-0aaaaaaaaaaaaaaaa"}, ResourcePolicyOptions{})
	require.NoError(t, err)
	assert.Equal(t, a, b, "endpoint order must not change the document")
}

func TestBuildResourcePolicyRefusesBadInput(t *testing.T) {
	cases := map[string]struct {
		arn  string
		ids  []string
		want string
	}{
		"shorthand ARN":      {"execute-api:/*", []string{"vpce-0aaaaaaaaaaaaaaaa"}, "execution ARN"},
		"ARN with a stage":   {testExecutionArn + "/dev", []string{"vpce-0aaaaaaaaaaaaaaaa"}, "execution ARN"},
		"short account":      {"arn:aws:execute-api:eu-west-1:1111:abcde12345", []string{"vpce-0aaaaaaaaaaaaaaaa"}, "execution ARN"},
		"no endpoints":       {testExecutionArn, nil, "no VPC endpoint IDs"},
		"malformed endpoint": {testExecutionArn, []string{"vpce-XYZ"}, `"vpce-XYZ"`},
		"empty endpoint":     {testExecutionArn, []string{""}, `""`},
		"a wildcard":         {testExecutionArn, []string{"*"}, `"*"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := buildResourcePolicy(tc.arn, tc.ids)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestEndpointPolicyAllowsInvokeOnListedArnsOnly(t *testing.T) {
	policy, err := endpointPolicyJson([]string{"arn:aws:execute-api:eu-west-1:111111111111:*"})
	require.NoError(t, err)
	var doc struct {
		Statement []struct {
			Effect   string
			Action   string
			Resource []string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(policy), &doc))
	require.Len(t, doc.Statement, 1)
	assert.Equal(t, "Allow", doc.Statement[0].Effect)
	assert.Equal(t, "execute-api:Invoke", doc.Statement[0].Action)
	assert.Equal(t, []string{"arn:aws:execute-api:eu-west-1:111111111111:*"}, doc.Statement[0].Resource)
	assert.False(t, strings.Contains(policy, `"*:*"`))

	_, err = endpointPolicyJson(nil)
	assert.Error(t, err)
}

func TestExtraStatementsComeAfterTheDenyAndExpandTheShorthand(t *testing.T) {
	extra := []map[string]any{{"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/DELETE/*"}}
	policyJson, err := ResourcePolicyJson(testExecutionArn, []string{"vpce-0aaaaaaaaaaaaaaaa"}, ResourcePolicyOptions{ExtraStatements: extra})
	require.NoError(t, err)
	var doc struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(policyJson), &doc))
	require.Len(t, doc.Statement, 3)
	assert.Equal(t, "DenyUnlessFromAllowedVpcEndpoints", doc.Statement[0]["Sid"], "the SourceVpce Deny is always first")
	assert.Equal(t, testExecutionArn+"/*/DELETE/*", doc.Statement[2]["Resource"], "execute-api:/ is expanded to the full ARN")
	parsed, err := policy.Parse(policyJson)
	require.NoError(t, err)
	for method, want := range map[string]bool{"GET": true, "DELETE": false} {
		ok, err := parsed.Allows(testExecutionArn+"/dev/"+method+"/orders", "vpce-0aaaaaaaaaaaaaaaa")
		require.NoError(t, err)
		assert.Equal(t, want, ok, method)
	}
	_, err = ResourcePolicyJson(testExecutionArn, []string{"vpce-0aaaaaaaaaaaaaaaa"}, ResourcePolicyOptions{
		ExtraStatements: []map[string]any{{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}})
	assert.ErrorContains(t, err, "extra policy statement 0")
}
