package components

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVpcLinkRouteGoesThroughTheLink: a vpc_link route is an HTTP proxy
// whose connection is the VPC link, with the path parameters mapped.
func TestVpcLinkRouteGoesThroughTheLink(t *testing.T) {
	body, err := OpenApiBody(ApiDefinition{Title: "t", VpcEndpointIds: []string{"vpce-0123456789abcdef0"}, Routes: []RouteDefinition{
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
