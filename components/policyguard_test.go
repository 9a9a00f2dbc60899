package components

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/policy"
)

func TestValidateExtraStatement(t *testing.T) {
	allowGet := map[string]any{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/*"}
	require.NoError(t, validateExtraStatement(allowGet))
	require.NoError(t, validateExtraStatement(map[string]any{"Effect": "Deny", "Principal": "*", "Action": "*", "NotResource": "x"}), "a Deny only narrows")
	refused := map[string]struct {
		stmt map[string]any
		says string
	}{
		"NotResource":        {map[string]any{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "NotResource": "execute-api:/*/DELETE/*"}, "NotResource in an Allow"},
		"NotPrincipal":       {map[string]any{"Effect": "Allow", "NotPrincipal": map[string]any{"AWS": "arn:aws:iam::1:root"}, "Action": "execute-api:Invoke", "Resource": "*"}, "NotPrincipal in an Allow"},
		"NotAction":          {map[string]any{"Effect": "Allow", "Principal": "*", "NotAction": "execute-api:ManageConnections", "Resource": "*"}, "NotAction in an Allow"},
		"any action":         {map[string]any{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}, `Action "*"`},
		"all of execute-api": {map[string]any{"Effect": "Allow", "Principal": "*", "Action": []any{"execute-api:Invoke", "execute-api:*"}, "Resource": "*"}, `Action "execute-api:*"`},
		"another service":    {map[string]any{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "arn:aws:s3:::bucket/*"}, "Resource"},
		"no principal":       {map[string]any{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}, "Principal is required"},
		"bad effect":         {map[string]any{"Effect": "Maybe", "Principal": "*"}, "expected Allow or Deny"},
		"unknown field":      {map[string]any{"Effect": "Deny", "Principal": "*", "Actions": "x"}, "unknown field Actions"},
	}
	for name, tc := range refused {
		err := validateExtraStatement(tc.stmt)
		if assert.Errorf(t, err, name) {
			assert.Containsf(t, err.Error(), tc.says, name)
		}
	}
}

// The guard's promise, checked with the evaluator that implements IAM's
// rules (Not* elements, actions and condition keys in any case): whatever
// extra statement it accepts, a call through an endpoint not in the policy
// stays denied, and the statement is evaluated, not ignored.
func TestGuardAndEvaluatorAgree(t *testing.T) {
	const (
		apiArn  = "arn:aws:execute-api:eu-west-1:111111111111:abcde12345"
		allowed = "vpce-0aaaaaaaaaaaaaaaa"
		other   = "vpce-0bbbbbbbbbbbbbbbb"
	)
	get := policy.Request{Resource: apiArn + "/dev/GET/orders", SourceVpce: allowed}
	post := policy.Request{Resource: apiArn + "/dev/POST/orders", SourceVpce: allowed}
	cases := map[string]struct {
		stmt          map[string]any
		getOk, postOk bool
	}{
		"Deny with NotResource denies what it does not name": {
			map[string]any{"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "NotResource": "execute-api:/*/GET/*"}, true, false},
		"Deny with NotAction": {
			map[string]any{"Effect": "Deny", "Principal": "*", "NotAction": "execute-api:ManageConnections", "Resource": "execute-api:/*/POST/*"}, true, false},
		"Deny with NotPrincipal covers the anonymous caller": {
			map[string]any{"Effect": "Deny", "NotPrincipal": map[string]any{"AWS": "arn:aws:iam::222222222222:root"}, "Action": "execute-api:Invoke", "Resource": "execute-api:/*/POST/*"}, true, false},
		"an action in lower case is Invoke": {
			map[string]any{"Effect": "Deny", "Principal": "*", "Action": "execute-api:invoke", "Resource": "execute-api:/*/POST/*"}, true, false},
		"a condition key in another case is the same key": {
			map[string]any{"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/POST/*",
				"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SOURCEVPCE": allowed}}}, true, false},
		"an Allow in lower case only repeats the Allow": {
			map[string]any{"Effect": "Allow", "Principal": "*", "Action": "EXECUTE-API:INVOKE", "Resource": "execute-api:/*/GET/*"}, true, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, validateExtraStatement(tc.stmt), "the guard accepts it")
			doc, err := ResourcePolicyJson(apiArn, []string{allowed}, ResourcePolicyOptions{ExtraStatements: []map[string]any{tc.stmt}})
			require.NoError(t, err)
			got, err := policy.Allows(doc, get)
			require.NoError(t, err)
			assert.Equal(t, tc.getOk, got, "GET through the allowed endpoint")
			got, err = policy.Allows(doc, post)
			require.NoError(t, err)
			assert.Equal(t, tc.postOk, got, "POST through the allowed endpoint")
			for _, r := range []policy.Request{get, post} {
				r.SourceVpce = other
				got, err = policy.Allows(doc, r)
				require.NoError(t, err)
				assert.False(t, got, "through an endpoint not in the policy: denied")
			}
		})
	}
}
