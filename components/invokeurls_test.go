package components

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestComputeInvokeForms(t *testing.T) {
	f := ComputeInvokeForms(InvokeTarget{
		ApiId: "abcde12345", Region: "eu-west-1", Stage: "dev", VpcEndpointId: "vpce-0aaaaaaaaaaaaaaaa",
		PublicDnsName: "vpce-0aaaaaaaaaaaaaaaa-1a2b3c4d.execute-api.eu-west-1.vpce.amazonaws.com", PrivateDns: true,
	})
	assert.Equal(t, map[string]string{
		InvokePrivateDns:           "https://abcde12345.execute-api.eu-west-1.amazonaws.com/dev",
		InvokeRoute53Alias:         "https://abcde12345-vpce-0aaaaaaaaaaaaaaaa.execute-api.eu-west-1.amazonaws.com/dev",
		InvokePublicDnsHostHeader:  "https://vpce-0aaaaaaaaaaaaaaaa-1a2b3c4d.execute-api.eu-west-1.vpce.amazonaws.com/dev",
		InvokePublicDnsApiIdHeader: "https://vpce-0aaaaaaaaaaaaaaaa-1a2b3c4d.execute-api.eu-west-1.vpce.amazonaws.com/dev",
	}, f.Urls)
	assert.Equal(t, "curl -sS https://vpce-0aaaaaaaaaaaaaaaa-1a2b3c4d.execute-api.eu-west-1.vpce.amazonaws.com/dev -H 'Host: abcde12345.execute-api.eu-west-1.amazonaws.com'", f.Curl[InvokePublicDnsHostHeader])
	assert.Equal(t, "curl -sS https://vpce-0aaaaaaaaaaaaaaaa-1a2b3c4d.execute-api.eu-west-1.vpce.amazonaws.com/dev -H 'x-apigw-api-id: abcde12345'", f.Curl[InvokePublicDnsApiIdHeader])
	assert.Equal(t, "curl -sS https://abcde12345.execute-api.eu-west-1.amazonaws.com/dev", f.Curl[InvokePrivateDns])
}

func TestComputeInvokeFormsLeavesOutWhatCannotWork(t *testing.T) {
	f := ComputeInvokeForms(InvokeTarget{ApiId: "abcde12345", Region: "eu-west-1", Stage: "dev", VpcEndpointId: "vpce-0aaaaaaaaaaaaaaaa"})
	assert.Equal(t, []string{InvokeRoute53Alias}, keys(f.Urls), "no private DNS form when private DNS is off, no public forms without a DNS name")
	assert.Equal(t, []string{InvokeRoute53Alias}, keys(f.Curl))
}

func keys(m map[string]string) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	return out
}
