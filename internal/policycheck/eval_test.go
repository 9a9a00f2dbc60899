package policycheck

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
	doc, err := Parse(`{"Statement":[{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0aaaaaaaaaaaaaaaa"}}}]}`)
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
	doc, err := Parse(`{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"1.2.3.4"}}}]}`)
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
