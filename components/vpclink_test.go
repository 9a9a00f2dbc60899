package components

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVpcLinkRouteGoesThroughTheLink: a vpc_link route is an HTTP proxy
// whose connection is the VPC link, with the path parameters mapped.
func TestVpcLinkRouteGoesThroughTheLink(t *testing.T) {
	body, err := openApiBody(ApiDefinition{Title: "t", VpcEndpointIds: []string{"vpce-0123456789abcdef0"}, Routes: []RouteDefinition{
		{Path: "/orders/{id}", Method: "GET", Type: IntegrationVpcLink, Uri: "https://orders.internal.example.com/orders/{id}", VpcLinkId: "gim7c3"},
	}})
	require.NoError(t, err)
	var doc struct {
		Paths map[string]map[string]struct {
			Integration map[string]any `json:"x-amazon-apigateway-integration"`
		} `json:"paths"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	in := doc.Paths["/orders/{id}"]["get"].Integration
	assert.Equal(t, "http_proxy", in["type"])
	assert.Equal(t, "VPC_LINK", in["connectionType"])
	assert.Equal(t, "gim7c3", in["connectionId"])
	assert.Equal(t, "https://orders.internal.example.com/orders/{id}", in["uri"])
	assert.Equal(t, map[string]any{"integration.request.path.id": "method.request.path.id"}, in["requestParameters"])
}

// TestVpcLinkRouteNeedsItsLinkAndUri: each missing or malformed field is
// refused on its path.
func TestVpcLinkRouteNeedsItsLinkAndUri(t *testing.T) {
	err := ValidateRoutes([]Route{
		{Path: "/a", Method: "GET", Integration: RouteIntegration{Type: IntegrationVpcLink}},
		{Path: "/b", Method: "GET", Integration: RouteIntegration{Type: IntegrationVpcLink, Uri: pulumi.String("http://b.internal"), VpcLinkId: pulumi.String("NOT-A-LINK")}},
		{Path: "/c", Method: "GET", Integration: RouteIntegration{Type: IntegrationVpcLink, Uri: pulumi.String("http://c.internal"), VpcLinkId: pulumi.String("abc123")}},
	})
	assert.Equal(t, []string{"routes[0].integration.uri", "routes[0].integration.vpcLinkId", "routes[1].integration.vpcLinkId"}, fieldsOf(err))
}

// nlb is a Network Load Balancer ARN in account.
func nlb(account, name string) string {
	return "arn:aws:elasticloadbalancing:eu-west-1:" + account + ":loadbalancer/net/" + name + "/0123456789abcdef"
}

// vpcLinkRoute is a GET route to an internal backend through the load balancer arn.
func vpcLinkRoute(path, arn string) Route {
	return Route{Path: path, Method: "GET", Integration: RouteIntegration{Type: IntegrationVpcLink,
		Uri: pulumi.String("https://orders.internal.example.com" + path), NlbArn: pulumi.String(arn)}}
}

// TestNlbArnCreatesOneLinkPerLoadBalancer: routes naming a load balancer
// get a VPC link to it in the producer account, one per load balancer,
// and the body connects each route through its link.
func TestNlbArnCreatesOneLinkPerLoadBalancer(t *testing.T) {
	orders, stock := nlb(testProducerAccount, "orders"), nlb(testProducerAccount, "stock")
	mocks := runWithApp(t, testRegion, func(producer, app *aws.Provider) *CrossAccountPrivateApiArgs {
		return &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
			Routes:    []Route{vpcLinkRoute("/orders", orders), vpcLinkRoute("/orders/{id}", orders), vpcLinkRoute("/stock", stock)},
			Consumers: []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}}}
	}, nil)
	links := mocks.OfType("aws:apigateway/vpcLink:VpcLink")
	require.Len(t, links, 2, "one link per load balancer")
	byTarget := map[string]string{}
	for _, l := range links {
		assert.Equal(t, "producer", mocks.ProviderName(l), "the link is in the producer account")
		assert.Contains(t, l.Parent, PrivateRestApiType)
		byTarget[l.Input("targetArn").(string)] = l.Id
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Integration map[string]any `json:"x-amazon-apigateway-integration"`
		} `json:"paths"`
	}
	api := mustNamed(t, mocks, typeRestApi, "xa-api-api")
	require.NoError(t, json.Unmarshal([]byte(api.Input("body").(string)), &doc))
	for path, arn := range map[string]string{"/orders": orders, "/orders/{id}": orders, "/stock": stock} {
		in := doc.Paths[path]["get"].Integration
		assert.Equal(t, "VPC_LINK", in["connectionType"], path)
		assert.Equal(t, byTarget[arn], in["connectionId"], "%s goes through its load balancer's link", path)
	}
}

// TestVpcLinkQuotaAndPlacement: more load balancers than the quota, one in
// another account and one that is not an NLB ARN are refused before
// anything is registered, each on its field.
func TestVpcLinkQuotaAndPlacement(t *testing.T) {
	var routes []Route
	for i := range defaultVpcLinksPerRegion + 1 {
		routes = append(routes, vpcLinkRoute(fmt.Sprintf("/r%d", i), nlb(testProducerAccount, fmt.Sprintf("lb%d", i))))
	}
	args := CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev", Routes: routes,
		Consumers: []ConsumerArgs{{Name: "partner", AccountId: "444444444444", EndpointId: pulumi.String(foreignEndpointId)}}}
	err := args.Validate()
	assert.Equal(t, []string{"routes"}, fieldsOf(err))
	assert.Contains(t, err.Error(), `"VPC links per account per Region" is 20`)
	args.Quotas = &ApiQuotas{VpcLinksPerRegion: 25}
	assert.NoError(t, args.Validate(), "a raised quota admits them")

	args.Quotas = nil
	args.Routes = []Route{vpcLinkRoute("/a", nlb(testConsumerAccount, "a")), vpcLinkRoute("/b", "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/b/0123456789abcdef"),
		{Path: "/c", Method: "GET", Integration: RouteIntegration{Type: IntegrationVpcLink, Uri: pulumi.String("http://c"), VpcLinkId: pulumi.String("abc123"), NlbArn: pulumi.String(nlb(testProducerAccount, "c"))}}}
	assert.ElementsMatch(t, []string{"routes[0].integration.nlbArn", "routes[1].integration.nlbArn", "routes[2].integration.nlbArn"}, fieldsOf(args.Validate()))
}
