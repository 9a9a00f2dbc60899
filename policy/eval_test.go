package policy

import (
	"strings"
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
		{"the named role in the org through the endpoint", Request{method, "vpce-0aaaaaaaaaaaaaaaa", role, "o-abcdefghij", "", ""}, true},
		{"any role of an account named by its root", Request{method, "vpce-0aaaaaaaaaaaaaaaa", "arn:aws:iam::333333333333:role/x", "o-abcdefghij", "", ""}, true},
		{"another role of the first account", Request{method, "vpce-0aaaaaaaaaaaaaaaa", "arn:aws:iam::222222222222:role/other", "o-abcdefghij", "", ""}, false},
		{"anonymous", Request{method, "vpce-0aaaaaaaaaaaaaaaa", "", "o-abcdefghij", "", ""}, false},
		{"outside the organization", Request{method, "vpce-0aaaaaaaaaaaaaaaa", role, "o-zzzzzzzzzz", "", ""}, false},
		{"through another endpoint", Request{method, "vpce-0bbbbbbbbbbbbbbbb", role, "o-abcdefghij", "", ""}, false},
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

// evaluate parses doc and evaluates req, failing the test on an error.
func evaluate(t *testing.T, doc string, req Request) bool {
	t.Helper()
	d, err := Parse(doc)
	require.NoError(t, err)
	ok, err := d.Evaluate(req)
	require.NoError(t, err)
	return ok
}

const allowAll = `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}`

func TestNotElementsAreEvaluatedAsIamDoes(t *testing.T) {
	get := Request{Resource: arn + "/dev/GET/orders", SourceVpce: "vpce-0aaaaaaaaaaaaaaaa"}
	post := Request{Resource: arn + "/dev/POST/orders", SourceVpce: "vpce-0aaaaaaaaaaaaaaaa"}
	// A Deny of everything but GET: AWS denies the POST.
	notResource := `{"Statement":[` + allowAll + `,{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","NotResource":"` + arn + `/*/GET/*"}]}`
	assert.True(t, evaluate(t, notResource, get))
	assert.False(t, evaluate(t, notResource, post), "a Deny with NotResource denies what it does not name")

	notAction := `{"Statement":[` + allowAll + `,{"Effect":"Deny","Principal":"*","NotAction":"execute-api:ManageConnections","Resource":"*"}]}`
	assert.False(t, evaluate(t, notAction, get), "Invoke is not ManageConnections: denied")

	notPrincipal := `{"Statement":[` + allowAll + `,{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"execute-api:Invoke","Resource":"*"}]}`
	signed := get
	signed.Principal = "arn:aws:iam::222222222222:role/app"
	assert.True(t, evaluate(t, notPrincipal, signed), "the named account is spared")
	signed.Principal = "arn:aws:iam::333333333333:role/app"
	assert.False(t, evaluate(t, notPrincipal, signed))
	assert.False(t, evaluate(t, notPrincipal, get), "an anonymous caller is not the named account")
}

func TestActionsAndConditionKeysIgnoreCase(t *testing.T) {
	req := Request{Resource: arn + "/dev/GET/", SourceVpce: "vpce-0bbbbbbbbbbbbbbbb", PrincipalOrgId: "o-abcdefghij"}
	lower := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"EXECUTE-API:invoke","Resource":"*"}]}`
	assert.True(t, evaluate(t, lower, req), "IAM compares actions without regard to case")
	wildcard := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:*","Resource":"*"}]}`
	assert.True(t, evaluate(t, wildcard, req))
	keys := `{"Statement":[` + allowAll + `,{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*",
		"Condition":{"StringNotEquals":{"AWS:SOURCEVPCE":"vpce-0aaaaaaaaaaaaaaaa"}}}]}`
	assert.False(t, evaluate(t, keys, req), "aws:SourceVpce in any case is the same key")
	org := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}]}`
	assert.True(t, evaluate(t, org, req), "aws:PrincipalOrgID as AWS spells it")
}

func TestConditionOperators(t *testing.T) {
	req := Request{Resource: arn + "/dev/GET/", SourceVpce: "vpce-0aaaaaaaaaaaaaaaa"}
	doc := func(op, value string) string {
		return `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"` + op + `":{"aws:SourceVpce":"` + value + `"}}}]}`
	}
	assert.False(t, evaluate(t, doc("StringEquals", "vpce-*"), req), "StringEquals takes * literally")
	assert.True(t, evaluate(t, doc("StringLike", "vpce-*"), req))
	assert.True(t, evaluate(t, doc("StringLike", "vpce-0aaaaaaaaaaaaaaa?"), req))
	assert.False(t, evaluate(t, doc("StringNotLike", "vpce-*"), req))
	assert.True(t, evaluate(t, doc("StringNotEquals", "vpce-0b"), Request{Resource: arn + "/dev/GET/"}) && !evaluate(t, doc("StringEquals", "vpce-0b"), Request{Resource: arn + "/dev/GET/"}),
		"a missing key: StringNotEquals holds, StringEquals does not")
}

func TestWhatIsNotUnderstoodIsAnError(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown element":         `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resources":"*"}]}`,
		"element in another case": `{"Statement":[{"effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}`,
	} {
		_, err := Parse(doc)
		assert.ErrorContains(t, err, "is not an IAM statement element", name)
	}
	req := Request{Resource: arn + "/dev/GET/"}
	for name, doc := range map[string]string{
		"both Resource and NotResource": `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*","NotResource":"*"}]}`,
		"no Action":                     `{"Statement":[{"Effect":"Deny","Principal":"*","Resource":"*"}]}`,
		"no Principal":                  `{"Statement":[{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"*"}]}`,
		"unknown key":                   `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringEquals":{"aws:SourceIp":"1.2.3.4"}}}]}`,
		"unknown operator":              `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"x"}}}]}`,
		"unknown effect":                `{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}`,
		"unknown principal type":        `{"Statement":[{"Effect":"Deny","Principal":{"Service":"lambda.amazonaws.com"},"Action":"execute-api:Invoke","Resource":"*"}]}`,
	} {
		d, err := Parse(doc)
		require.NoError(t, err, name)
		_, err = d.Evaluate(req)
		assert.Error(t, err, name)
	}
}

func TestMatchesWildcards(t *testing.T) {
	assert.True(t, matches("a?c", "abc"))
	assert.False(t, matches("a?c", "ac"))
	assert.True(t, matches("*/GET/*", "x/dev/GET/orders"))
	assert.False(t, matches("*/GET/*", "x/dev/POST/orders"))
	assert.True(t, matches("**", ""))
	assert.False(t, matches(strings.Repeat("*a", 30)+"b", strings.Repeat("a", 200)), "no exponential backtracking")
}

func TestDecideTellsAnExplicitDenyFromNoAllow(t *testing.T) {
	d, err := Parse(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0aaaaaaaaaaaaaaaa"}}},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"execute-api:Invoke","Resource":"*"}]}`)
	require.NoError(t, err)
	got, err := d.Decide(Request{Resource: arn + "/dev/GET/", SourceVpce: "vpce-0bbbbbbbbbbbbbbbb"})
	require.NoError(t, err)
	assert.Equal(t, ExplicitDeny, got)
	got, err = d.Decide(Request{Resource: arn + "/dev/GET/", SourceVpce: "vpce-0aaaaaaaaaaaaaaaa"})
	require.NoError(t, err)
	assert.Equal(t, ImplicitDeny, got, "anonymous, through the right endpoint: no Allow names it")
	got, err = d.Decide(Request{Resource: arn + "/dev/GET/", SourceVpce: "vpce-0aaaaaaaaaaaaaaaa", Principal: "arn:aws:iam::222222222222:role/app"})
	require.NoError(t, err)
	assert.Equal(t, Allowed, got)
}

// TestViaDomainArnConditions: AWS's example 4 ("Use VPC endpoint policies
// for private APIs in API Gateway") allows any API reached through one
// private custom domain, by ArnEquals on execute-api:viaDomainArn; a call
// without a domain, or through another, is not allowed; ArnNotLike holds
// when the key is absent, as IAM's negated operators do.
func TestViaDomainArnConditions(t *testing.T) {
	domain := "arn:aws:execute-api:us-west-2:111122223333:/domainnames/private.test.com+f4g5h6"
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"execute-api:Invoke","Resource":["*"],
		"Condition":{"ArnEquals":{"execute-api:viaDomainArn":"` + domain + `"}}}]}`
	for _, c := range []struct {
		via  string
		want bool
	}{{domain, true}, {"", false}, {strings.Replace(domain, "f4g5h6", "zzzzzz", 1), false}} {
		ok, err := Allows(doc, Request{Resource: arn + "/dev/GET/", ViaDomainArn: c.via})
		require.NoError(t, err)
		assert.Equalf(t, c.want, ok, "via %q", c.via)
	}
	like := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"ArnLike":{"execute-api:viaDomainArn":"arn:aws:execute-api:*:111122223333:/domainnames/*"}}}]}`
	ok, err := Allows(like, Request{Resource: arn + "/dev/GET/", ViaDomainArn: domain})
	require.NoError(t, err)
	assert.True(t, ok, "ArnLike matches each ARN part with wildcards")
	notLike := strings.Replace(like, "ArnLike", "ArnNotLike", 1)
	ok, err = Allows(notLike, Request{Resource: arn + "/dev/GET/"})
	require.NoError(t, err)
	assert.True(t, ok, "a negated operator holds when the request has no domain")
	assert.False(t, arnMatches("arn:aws:execute-api:*", domain), "an ARN pattern has six parts")
}

// TestVpcSourceIpWithIpAddressOperators: IpAddress and NotIpAddress on
// aws:VpcSourceIp match addresses inside a CIDR block (or equal to a bare
// address), a request without the key fails IpAddress and passes
// NotIpAddress, and other operators on the key are errors.
func TestVpcSourceIpWithIpAddressOperators(t *testing.T) {
	doc := func(op, values string) string {
		return `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"` + op + `":{"aws:VpcSourceIp":` + values + `}}}]}`
	}
	at := func(ip string) Request {
		return Request{Resource: arn + "/dev/GET/", SourceVpce: "vpce-0aaaaaaaaaaaaaaaa", VpcSourceIp: ip}
	}
	ranges := `["10.30.0.0/24","10.41.0.0/25"]`
	assert.True(t, evaluate(t, doc("IpAddress", ranges), at("10.30.0.17")))
	assert.True(t, evaluate(t, doc("IpAddress", ranges), at("10.41.0.127")))
	assert.False(t, evaluate(t, doc("IpAddress", ranges), at("10.41.0.128")), "outside the /25")
	assert.False(t, evaluate(t, doc("IpAddress", ranges), at("10.31.0.1")))
	assert.True(t, evaluate(t, doc("IpAddress", `"10.30.0.5"`), at("10.30.0.5")), "a bare address is a /32")
	assert.False(t, evaluate(t, doc("IpAddress", `"10.30.0.5"`), at("10.30.0.6")))
	assert.True(t, evaluate(t, doc("NotIpAddress", ranges), at("10.31.0.1")))
	assert.False(t, evaluate(t, doc("NotIpAddress", ranges), at("10.30.0.1")))
	assert.False(t, evaluate(t, doc("IpAddress", ranges), at("")), "no key (a call not through an endpoint): IpAddress fails")
	assert.True(t, evaluate(t, doc("NotIpAddress", ranges), at("")), "and NotIpAddress holds")
	assert.True(t, evaluate(t, strings.Replace(doc("IpAddress", ranges), "aws:VpcSourceIp", "AWS:vpcsourceip", 1), at("10.30.0.1")), "key names without regard to case")
	for name, d := range map[string]string{
		"string operator": doc("StringEquals", `"10.30.0.1"`),
		"bad range":       doc("IpAddress", `"10.30.0.0/33"`),
	} {
		parsed, err := Parse(d)
		require.NoError(t, err, name)
		_, err = parsed.Evaluate(at("10.30.0.1"))
		assert.Error(t, err, name)
	}
}
