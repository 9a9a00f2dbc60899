package components

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/mockaws"
)

const (
	typeRestApi             = "aws:apigateway/restApi:RestApi"
	typeResource            = "aws:apigateway/resource:Resource"
	typeMethod              = "aws:apigateway/method:Method"
	typeIntegration         = "aws:apigateway/integration:Integration"
	typeMethodResponse      = "aws:apigateway/methodResponse:MethodResponse"
	typeIntegrationResponse = "aws:apigateway/integrationResponse:IntegrationResponse"
	typePermission          = "aws:lambda/permission:Permission"
)

var testRoutes = []Route{
	{Path: "/", Method: "GET", Integration: RouteIntegration{Type: IntegrationMock, StatusCode: 202, Body: pulumi.String(`{"ok":true}`)}},
	{Path: "/orders/{id}", Method: "GET", Integration: RouteIntegration{Type: IntegrationHTTPProxy, Uri: pulumi.String("https://orders.example.com/orders/{id}")}},
	{Path: "/orders/{id}/items", Method: "POST", Integration: RouteIntegration{Type: IntegrationMock}},
	{Path: "/ledger/{proxy+}", Method: "ANY", Integration: RouteIntegration{Type: IntegrationLambda, FunctionArn: pulumi.String("arn:aws:lambda:eu-west-1:111111111111:function:ledger")}},
}

// runRestApi registers a PrivateRestApi with routes on a producer provider.
func runRestApi(t *testing.T, routes []Route) (*mockaws.Mocks, string) {
	t.Helper()
	var fingerprint string
	mocks := runMocked(t, func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		api, err := NewPrivateRestApi(ctx, "shop", &PrivateRestApiArgs{
			VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa", "vpce-0bbbbbbbbbbbbbbbb"}),
			Routes:         routes,
		}, pulumi.Provider(producer))
		if err != nil {
			return err
		}
		v, _, err := mockaws.Await(api.RoutesFingerprint)
		fingerprint, _ = v.(string)
		return err
	})
	return mocks, fingerprint
}

func TestPrivateRestApiIsPrivateWithTheEndpoints(t *testing.T) {
	mocks, _ := runRestApi(t, testRoutes)
	api := mustNamed(t, mocks, typeRestApi, "shop-api")
	cfg := api.Input("endpointConfiguration").(map[string]any)
	assert.Equal(t, "PRIVATE", cfg["types"])
	assert.ElementsMatch(t, []any{"vpce-0aaaaaaaaaaaaaaaa", "vpce-0bbbbbbbbbbbbbbbb"}, cfg["vpcEndpointIds"])
	assert.Equal(t, "shop", api.Input("name"), "the name defaults to the component name")

	comp := mustNamed(t, mocks, PrivateRestApiType, "shop")
	for _, r := range mocks.Resources() {
		if r.Custom && r.Type != mockaws.ProviderType {
			assert.Equalf(t, "producer", mocks.ProviderName(r), "%s %s must use the producer provider", r.Type, r.Name)
			assert.Equalf(t, testProducerAccount, mocks.AccountOf(r), "%s %s lands in the producer account", r.Type, r.Name)
			assert.Equalf(t, comp.URN, r.Parent, "%s %s is parented to the component", r.Type, r.Name)
		}
	}
}

func TestPrivateRestApiSharesResourcesPerSegment(t *testing.T) {
	mocks, _ := runRestApi(t, testRoutes)
	var parts []string
	byID := map[string]mockaws.Resource{}
	for _, r := range mocks.OfType(typeResource) {
		parts = append(parts, r.Input("pathPart").(string))
		byID[r.ID] = r
	}
	// /orders, /orders/{id}, /orders/{id}/items, /ledger, /ledger/{proxy+}: once each.
	assert.ElementsMatch(t, []string{"orders", "{id}", "items", "ledger", "{proxy+}"}, parts)

	api := mustNamed(t, mocks, typeRestApi, "shop-api")
	items := mustNamed(t, mocks, typeResource, "shop-resource-orders/{id}/items")
	id := byID[items.Input("parentId").(string)]
	assert.Equal(t, "{id}", id.Input("pathPart"))
	orders := byID[id.Input("parentId").(string)]
	assert.Equal(t, "orders", orders.Input("pathPart"))
	assert.Equal(t, api.Output("rootResourceId"), orders.Input("parentId"), "top segments hang off the root resource")
}

func TestPrivateRestApiMockAnswersItsStatus(t *testing.T) {
	mocks, _ := runRestApi(t, testRoutes)
	integ := mustNamed(t, mocks, typeIntegration, "shop-get-root-integration")
	assert.Equal(t, "MOCK", integ.Input("type"))
	assert.Equal(t, map[string]any{"application/json": `{"statusCode": 202}`}, integ.Input("requestTemplates"))

	mr := mustNamed(t, mocks, typeMethodResponse, "shop-get-root-method-response")
	assert.Equal(t, "202", mr.Input("statusCode"))
	ir := mustNamed(t, mocks, typeIntegrationResponse, "shop-get-root-integration-response")
	assert.Equal(t, "202", ir.Input("statusCode"))
	assert.Equal(t, map[string]any{"application/json": `{"ok":true}`}, ir.Input("responseTemplates"))
	assert.Contains(t, ir.Dependencies, integ.URN, "the integration response waits for its integration")

	defaulted := mustNamed(t, mocks, typeIntegrationResponse, "shop-post-orders/{id}/items-integration-response")
	assert.Equal(t, "200", defaulted.Input("statusCode"))
	assert.Equal(t, map[string]any{"application/json": DefaultMockBody}, defaulted.Input("responseTemplates"))
}

func TestPrivateRestApiHTTPProxyMapsPathParameters(t *testing.T) {
	mocks, _ := runRestApi(t, testRoutes)
	m := mustNamed(t, mocks, typeMethod, "shop-get-orders/{id}-method")
	assert.Equal(t, map[string]any{"method.request.path.id": true}, m.Input("requestParameters"))
	assert.Equal(t, "NONE", m.Input("authorization"))
	i := mustNamed(t, mocks, typeIntegration, "shop-get-orders/{id}-integration")
	assert.Equal(t, "HTTP_PROXY", i.Input("type"))
	assert.Equal(t, "GET", i.Input("integrationHttpMethod"))
	assert.Equal(t, "https://orders.example.com/orders/{id}", i.Input("uri"))
	assert.Equal(t, map[string]any{"integration.request.path.id": "method.request.path.id"}, i.Input("requestParameters"))
}

func TestPrivateRestApiLambdaGetsScopedPermission(t *testing.T) {
	mocks, _ := runRestApi(t, testRoutes)
	i := mustNamed(t, mocks, typeIntegration, "shop-any-ledger/{proxy+}-integration")
	assert.Equal(t, "AWS_PROXY", i.Input("type"))
	assert.Equal(t, "POST", i.Input("integrationHttpMethod"))
	assert.Equal(t, "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:ledger/invocations", i.Input("uri"))

	perms := mocks.OfType(typePermission)
	require.Len(t, perms, 1, "one permission per lambda route, none for others")
	p := perms[0]
	api := mustNamed(t, mocks, typeRestApi, "shop-api")
	assert.Equal(t, "lambda:InvokeFunction", p.Input("action"))
	assert.Equal(t, "apigateway.amazonaws.com", p.Input("principal"))
	assert.Equal(t, "arn:aws:lambda:eu-west-1:111111111111:function:ledger", p.Input("function"))
	assert.Equal(t, api.Output("executionArn").(string)+"/*/*/ledger/*", p.Input("sourceArn"), "scoped to this API's execution ARN")
	assert.Equal(t, "producer", mocks.ProviderName(p))
}

func TestPrivateRestApiOneMethodAndIntegrationPerRoute(t *testing.T) {
	mocks, _ := runRestApi(t, testRoutes)
	assert.Len(t, mocks.OfType(typeMethod), len(testRoutes))
	assert.Len(t, mocks.OfType(typeIntegration), len(testRoutes))
	assert.Len(t, mocks.OfType(typeMethodResponse), 2, "one per mock route")
	for _, m := range mocks.OfType(typeIntegration) {
		method := mustNamed(t, mocks, typeMethod, strings.TrimSuffix(m.Name, "-integration")+"-method")
		assert.Contains(t, m.Dependencies, method.URN)
	}
}

func TestPrivateRestApiDefaultRoute(t *testing.T) {
	mocks, _ := runRestApi(t, nil)
	m := mustNamed(t, mocks, typeMethod, "shop-any-root-method")
	assert.Equal(t, "ANY", m.Input("httpMethod"))
	assert.Equal(t, "MOCK", mustNamed(t, mocks, typeIntegration, "shop-any-root-integration").Input("type"))
	assert.Equal(t, "200", mustNamed(t, mocks, typeMethodResponse, "shop-any-root-method-response").Input("statusCode"))
}

func TestPrivateRestApiFingerprintFollowsRoutes(t *testing.T) {
	_, base := runRestApi(t, testRoutes)
	_, again := runRestApi(t, testRoutes)
	require.NotEmpty(t, base)
	assert.Equal(t, base, again)

	changed := append([]Route{}, testRoutes...)
	changed[0].Integration.Body = pulumi.String(`{"ok":false}`)
	_, other := runRestApi(t, changed)
	assert.NotEqual(t, base, other, "a different mock body must change the fingerprint")
}

func TestPrivateRestApiRefusesBadArgs(t *testing.T) {
	mocks := mockaws.New("components-test", "test")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		_, err := NewPrivateRestApi(ctx, "shop", &PrivateRestApiArgs{
			VpcEndpointIds: pulumi.StringArray{pulumi.String("vpce-0aaaaaaaaaaaaaaaa")},
			Routes:         []Route{{Path: "/a", Method: "GET", Integration: RouteIntegration{Type: "soap"}}},
		})
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `integration.type "soap"`)
	assert.Empty(t, mocks.Resources(), "nothing is registered for bad args")

	err = mockaws.New("p", "s").Run(func(ctx *pulumi.Context) error {
		_, err := NewPrivateRestApi(ctx, "shop", &PrivateRestApiArgs{})
		return err
	})
	assert.ErrorContains(t, err, "vpcEndpointIds is required")
}
