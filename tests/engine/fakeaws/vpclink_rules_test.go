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

// TestVpcLinkQuotaAndDeletionInUse: the 21st link of an account and region
// is refused (LimitExceededException), a load balancer of another account
// too, and a link an API's route uses cannot be deleted until the API
// stops using it.
func TestVpcLinkQuotaAndDeletionInUse(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, producerAccount)
	lb := func(account string) string {
		return "arn:aws:elasticloadbalancing:eu-west-1:" + account + ":loadbalancer/net/lb/0123456789abcdef"
	}
	_, _, err := create(p, t, TypeVpcLink, map[string]any{"name": "x", "targetArn": lb(consumerAccount)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not in account "+producerAccount)
	var first string
	for i := range VpcLinksPerRegionQuota {
		id, _ := mustCreate(p, t, TypeVpcLink, map[string]any{"name": "link", "targetArn": lb(producerAccount)})
		if i == 0 {
			first = id
		}
	}
	_, _, err = create(p, t, TypeVpcLink, map[string]any{"name": "one-too-many", "targetArn": lb(producerAccount)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "LimitExceededException")

	in := privateApi()
	in["body"] = vpcLinkBody(first)
	api, _ := mustCreate(p, t, TypeRestApi, in)
	err = store.Update(func(c *Cloud) error { return p.deleteVpcLink(c, first) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Cannot delete vpc link. Vpc link '"+first+"', is referenced in [GET:"+api+"/orders]")
	require.NoError(t, store.Update(func(c *Cloud) error {
		c.RestApis[api].Routes = nil
		return p.deleteVpcLink(c, first)
	}))
}
