package fakeaws

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vpcLinkBody is an API with one route through VPC link id.
func vpcLinkBody(id string) string {
	return `{"openapi":"3.0.1","paths":{"/orders":{"get":{"x-amazon-apigateway-integration":{"type":"http_proxy","httpMethod":"GET",` +
		`"uri":"https://orders.internal.example.com/orders","connectionType":"VPC_LINK","connectionId":"` + id + `"}}}}}`
}

// TestVpcLinkIntegrationNeedsTheLinkInTheApisAccount: PutRestApi takes a
// VPC_LINK integration only through a link of the API's own account and
// region, and keeps the connection on the route.
func TestVpcLinkIntegrationNeedsTheLinkInTheApisAccount(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, producerAccount)
	require.NoError(t, store.SeedVpcLinks(
		VpcLink{Scope: Scope{Account: producerAccount, Region: region}, Id: "gim7c3", TargetArns: []string{"arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/net/orders/0123456789abcdef"}},
		VpcLink{Scope: Scope{Account: consumerAccount, Region: region}, Id: "other1"},
	))
	in := privateApi()
	for _, id := range []string{"nolink", "other1"} {
		in["body"] = vpcLinkBody(id)
		_, _, err := create(p, t, TypeRestApi, in)
		require.Errorf(t, err, "link %s", id)
		assert.Contains(t, err.Error(), "BadRequestException: Invalid VPC link identifier specified: "+id)
	}
	in["body"] = vpcLinkBody("gim7c3")
	id, _ := mustCreate(p, t, TypeRestApi, in)
	require.NoError(t, store.View(func(c *Cloud) error {
		require.Len(t, c.RestApis[id].Routes, 1)
		assert.Equal(t, "gim7c3", c.RestApis[id].Routes[0].ConnectionId)
		return nil
	}))
}
