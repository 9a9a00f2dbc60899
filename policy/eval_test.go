package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const arn = "arn:aws:execute-api:eu-west-1:111111111111:abcde12345"

func TestAllows(t *testing.T) {
	doc, err := Parse(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"` + arn + `/*",
		 "Condition":{"StringNotEquals":{"aws:SourceVpce":["vpce-0aaaaaaaaaaaaaaaa"]}}},
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"` + arn + `/*"}]}`)
	require.NoError(t, err)
	ok, err := doc.Allows(arn+"/dev/GET/", "vpce-0aaaaaaaaaaaaaaaa")
	require.NoError(t, err)
	assert.True(t, ok)
	for _, vpce := range []string{"", "vpce-0bbbbbbbbbbbbbbbb"} {
		ok, err = doc.Allows(arn+"/dev/GET/", vpce)
		require.NoError(t, err)
		assert.False(t, ok, vpce)
	}
	ok, err = doc.Allows("arn:aws:execute-api:eu-west-1:111111111111:otherapi99/dev/GET/", "vpce-0aaaaaaaaaaaaaaaa")
	require.NoError(t, err)
	assert.False(t, ok, "another API is not covered")
	assert.Equal(t, []string{"vpce-0aaaaaaaaaaaaaaaa"}, doc.DeniedUnlessSourceVpce())
	assert.Equal(t, []string{arn + "/*", arn + "/*"}, doc.Resources())
}

func TestAllowsNeedsAnAllow(t *testing.T) {
	doc, err := Parse(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0aaaaaaaaaaaaaaaa"}}}]}`)
	require.NoError(t, err)
	ok, err := doc.Allows(arn+"/dev/GET/", "vpce-0aaaaaaaaaaaaaaaa")
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestParseAndUnknownConditions(t *testing.T) {
	_, err := Parse("not json")
	assert.Error(t, err)
	_, err = Parse(`{"Statement":[]}`)
	assert.Error(t, err)
	doc, err := Parse(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"1.2.3.4"}}}]}`)
	require.NoError(t, err)
	_, err = doc.Allows(arn, "")
	assert.Error(t, err)
}

func TestMatches(t *testing.T) {
	assert.True(t, matches("a*c", "abbbc"))
	assert.True(t, matches("*", "anything"))
	assert.True(t, matches("a/*/b/*", "a/x/b/y"))
	assert.False(t, matches("a*c", "abbbd"))
	assert.False(t, matches("abc", "abcd"))
}

func TestEvaluateNamedPrincipalsAndOrganization(t *testing.T) {
	const role = "arn:aws:iam::222222222222:role/app"
	doc, err := Parse(`{"Statement":[
		{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"` + arn + `/*","Condition":{"StringNotEquals":{"aws:SourceVpce":["vpce-0aaaaaaaaaaaaaaaa"]}}},
		{"Effect":"Allow","Principal":{"AWS":["` + role + `","arn:aws:iam::333333333333:root"]},"Action":"execute-api:Invoke","Resource":"` + arn + `/*","Condition":{"StringEquals":{"aws:PrincipalOrgId":"o-abcdefghij"}}}]}`)
	require.NoError(t, err)
	method := arn + "/dev/GET/"
	cases := []struct {
		name string
		req  Request
		want bool
	}{
		{"the named role in the org through the endpoint", Request{method, "vpce-0aaaaaaaaaaaaaaaa", role, "o-abcdefghij"}, true},
		{"any role of an account named by its root", Request{method, "vpce-0aaaaaaaaaaaaaaaa", "arn:aws:iam::333333333333:role/x", "o-abcdefghij"}, true},
		{"another role of the first account", Request{method, "vpce-0aaaaaaaaaaaaaaaa", "arn:aws:iam::222222222222:role/other", "o-abcdefghij"}, false},
		{"anonymous", Request{method, "vpce-0aaaaaaaaaaaaaaaa", "", "o-abcdefghij"}, false},
		{"outside the organization", Request{method, "vpce-0aaaaaaaaaaaaaaaa", role, "o-zzzzzzzzzz"}, false},
		{"through another endpoint", Request{method, "vpce-0bbbbbbbbbbbbbbbb", role, "o-abcdefghij"}, false},
	}
	for _, tc := range cases {
		ok, err := doc.Evaluate(tc.req)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, ok, tc.name)
	}
}

// TestPackageAllowsAppliesTheEvaluationOrder: an explicit Deny wins over an
// Allow listed after it, a request no statement matches is denied, and a
// policy that is not JSON is an error rather than a verdict.
func TestPackageAllowsAppliesTheEvaluationOrder(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"` + arn + `/*"},
		{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"` + arn + `/*/DELETE/*"}]}`
	for method, want := range map[string]bool{"GET": true, "DELETE": false} {
		ok, err := Allows(doc, Request{Resource: arn + "/dev/" + method + "/orders"})
		require.NoError(t, err)
		assert.Equal(t, want, ok, method)
	}
	ok, err := Allows(doc, Request{Resource: "arn:aws:execute-api:eu-west-1:111111111111:other12345/dev/GET/"})
	require.NoError(t, err)
	assert.False(t, ok, "implicit deny")
	_, err = Allows(`{"Statement":`, Request{Resource: arn + "/dev/GET/"})
	assert.Error(t, err)
}
