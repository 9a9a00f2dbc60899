package components

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

const (
	typeRestApi    = "aws:apigateway/restApi:RestApi"
	typePermission = "aws:lambda/permission:Permission"
)

var testRoutes = []Route{
	{Path: "/", Method: "GET", Integration: RouteIntegration{Type: IntegrationMock, StatusCode: 202, Body: pulumi.String(`{"ok":true}`)}},
	{Path: "/orders/{id}", Method: "GET", Integration: RouteIntegration{Type: IntegrationHTTPProxy, Uri: pulumi.String("https://orders.example.com/orders/{id}")}},
	{Path: "/orders/{id}/items", Method: "POST", Integration: RouteIntegration{Type: IntegrationMock}},
	{Path: "/ledger/{proxy+}", Method: "ANY", Integration: RouteIntegration{Type: IntegrationLambda, FunctionArn: pulumi.String("arn:aws:lambda:eu-west-1:111111111111:function:ledger")}},
}

// runRestApi registers a PrivateRestApi with routes on a producer provider
// and returns the mocks and the API's body hash.
func runRestApi(t *testing.T, routes []Route) (*awsmock.Mocks, string) {
	t.Helper()
	var hash string
	mocks := runMocked(t, func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		api, err := NewPrivateRestApi(ctx, "shop", &PrivateRestApiArgs{
			VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0bbbbbbbbbbbbbbbb", "vpce-0aaaaaaaaaaaaaaaa"}),
			Routes:         routes,
		}, pulumi.Provider(producer))
		if err != nil {
			return err
		}
		v, _, err := awsmock.Await(api.BodyHash)
		hash, _ = v.(string)
		return err
	})
	return mocks, hash
}

// openApiDoc is the part of the body the tests read.
type openApiDoc struct {
	Info     map[string]string                    `json:"info"`
	Paths    map[string]map[string]map[string]any `json:"paths"`
	Endpoint struct {
		VpcEndpointIds []string `json:"vpcEndpointIds"`
	} `json:"x-amazon-apigateway-endpoint-configuration"`
	Policy any `json:"x-amazon-apigateway-policy"`
}

// apiBody decodes the body of the RestApi registered by runRestApi.
func apiBody(t *testing.T, mocks *awsmock.Mocks) openApiDoc {
	t.Helper()
	var doc openApiDoc
	require.NoError(t, json.Unmarshal([]byte(mustNamed(t, mocks, typeRestApi, "shop-api").Input("body").(string)), &doc))
	return doc
}

// integration is the x-amazon-apigateway-integration of one operation.
func integration(t *testing.T, doc openApiDoc, path, key string) map[string]any {
	t.Helper()
	op, ok := doc.Paths[path][key]
	require.Truef(t, ok, "no %s operation on %s in %v", key, path, doc.Paths)
	in, ok := op["x-amazon-apigateway-integration"].(map[string]any)
	require.True(t, ok, "every operation has an integration")
	return in
}

func TestPrivateRestApiIsPrivateWithTheEndpoints(t *testing.T) {
	mocks, _ := runRestApi(t, testRoutes)
	api := mustNamed(t, mocks, typeRestApi, "shop-api")
	cfg := api.Input("endpointConfiguration").(map[string]any)
	assert.Equal(t, "PRIVATE", cfg["types"])
	assert.ElementsMatch(t, []any{"vpce-0aaaaaaaaaaaaaaaa", "vpce-0bbbbbbbbbbbbbbbb"}, cfg["vpcEndpointIds"])
	assert.Equal(t, "shop", api.Input("name"), "the name defaults to the component name")
	assert.Equal(t, "overwrite", api.Input("putRestApiMode"), "the body is the whole API: removed routes go")
	doc := apiBody(t, mocks)
	assert.Equal(t, []string{"vpce-0aaaaaaaaaaaaaaaa", "vpce-0bbbbbbbbbbbbbbbb"}, doc.Endpoint.VpcEndpointIds, "the body carries the endpoints too, sorted")
	assert.Equal(t, "shop", doc.Info["title"])
	assert.Nil(t, doc.Policy, "the policy is attached by ResourcePolicy, not the body")

	comp := mustNamed(t, mocks, PrivateRestApiType, "shop")
	for _, r := range mocks.Resources() {
		if r.Custom && r.Type != awsmock.ProviderType {
			assert.Equalf(t, "producer", mocks.ProviderName(r), "%s %s must use the producer provider", r.Type, r.Name)
			assert.Equalf(t, testProducerAccount, mocks.AccountOf(r), "%s %s lands in the producer account", r.Type, r.Name)
			assert.Equalf(t, comp.URN, r.Parent, "%s %s is parented to the component", r.Type, r.Name)
		}
	}
}

func TestPrivateRestApiBodyHasExactlyTheRoutes(t *testing.T) {
	mocks, _ := runRestApi(t, testRoutes)
	doc := apiBody(t, mocks)
	got := map[string][]string{}
	for path, ops := range doc.Paths {
		for key := range ops {
			got[path] = append(got[path], key)
		}
	}
	assert.Equal(t, map[string][]string{
		"/":                  {"get"},
		"/orders/{id}":       {"get"},
		"/orders/{id}/items": {"post"},
		"/ledger/{proxy+}":   {"x-amazon-apigateway-any-method"},
	}, got)
	assert.Len(t, mocks.OfType(typeRestApi), 1)
	assert.Len(t, mocks.Resources(), 4, "provider, component, RestApi and one Lambda permission: no resource per method")
}

func TestPrivateRestApiMockAnswersItsStatus(t *testing.T) {
	mocks, _ := runRestApi(t, testRoutes)
	doc := apiBody(t, mocks)
	in := integration(t, doc, "/", "get")
	assert.Equal(t, "mock", in["type"])
	assert.Equal(t, map[string]any{"application/json": `{"statusCode": 202}`}, in["requestTemplates"])
	assert.Equal(t, map[string]any{"default": map[string]any{
		"statusCode": "202", "responseTemplates": map[string]any{"application/json": `{"ok":true}`},
	}}, in["responses"])
	assert.Contains(t, doc.Paths["/"]["get"]["responses"], "202", "the method declares the status it answers")

	defaulted := integration(t, doc, "/orders/{id}/items", "post")
	assert.Equal(t, map[string]any{"default": map[string]any{
		"statusCode": "200", "responseTemplates": map[string]any{"application/json": DefaultMockBody},
	}}, defaulted["responses"])
}

func TestPrivateRestApiHTTPProxyMapsPathParameters(t *testing.T) {
	mocks, _ := runRestApi(t, testRoutes)
	doc := apiBody(t, mocks)
	op := doc.Paths["/orders/{id}"]["get"]
	assert.Equal(t, []any{map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}}, op["parameters"])
	in := integration(t, doc, "/orders/{id}", "get")
	assert.Equal(t, "http_proxy", in["type"])
	assert.Equal(t, "GET", in["httpMethod"])
	assert.Equal(t, "https://orders.example.com/orders/{id}", in["uri"])
	assert.Equal(t, map[string]any{"integration.request.path.id": "method.request.path.id"}, in["requestParameters"])
}

func TestPrivateRestApiLambdaGetsScopedPermission(t *testing.T) {
	mocks, _ := runRestApi(t, testRoutes)
	in := integration(t, apiBody(t, mocks), "/ledger/{proxy+}", "x-amazon-apigateway-any-method")
	assert.Equal(t, "aws_proxy", in["type"])
	assert.Equal(t, "POST", in["httpMethod"])
	assert.Equal(t, "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:ledger/invocations", in["uri"])

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

func TestPrivateRestApiDefaultRoute(t *testing.T) {
	mocks, _ := runRestApi(t, nil)
	doc := apiBody(t, mocks)
	require.Len(t, doc.Paths, 1)
	in := integration(t, doc, "/", "x-amazon-apigateway-any-method")
	assert.Equal(t, "mock", in["type"])
	assert.Equal(t, map[string]any{"application/json": `{"statusCode": 200}`}, in["requestTemplates"])
}

func TestPrivateRestApiBodyHashFollowsRoutes(t *testing.T) {
	_, base := runRestApi(t, testRoutes)
	_, again := runRestApi(t, testRoutes)
	require.NotEmpty(t, base)
	assert.Equal(t, base, again)
	reordered := []Route{testRoutes[3], testRoutes[2], testRoutes[1], testRoutes[0]}
	_, same := runRestApi(t, reordered)
	assert.Equal(t, base, same, "route order must not matter")

	changes := map[string]func(r []Route){
		"mock body":   func(r []Route) { r[0].Integration.Body = pulumi.String(`{"ok":false}`) },
		"mock status": func(r []Route) { r[0].Integration.StatusCode = 201 },
		"path":        func(r []Route) { r[1].Path = "/orders/{id}/x" },
		"method":      func(r []Route) { r[1].Method = "PUT" },
		"uri":         func(r []Route) { r[1].Integration.Uri = pulumi.String("https://other.example.com/") },
		"function": func(r []Route) {
			r[3].Integration.FunctionArn = pulumi.String("arn:aws:lambda:eu-west-1:111111111111:function:other")
		},
		"removed": func(r []Route) { r[2] = r[0]; r[2].Path = "/only" },
	}
	for name, change := range changes {
		changed := append([]Route{}, testRoutes...)
		change(changed)
		_, other := runRestApi(t, changed)
		assert.NotEqualf(t, base, other, "a different %s must change the body hash", name)
	}
}

func TestPrivateRestApiProtectsOnlyTheApi(t *testing.T) {
	mocks := runMocked(t, func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		_, err = NewPrivateRestApi(ctx, "shop", &PrivateRestApiArgs{
			VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"}),
			Routes:         testRoutes,
			Protect:        true,
		}, pulumi.Provider(producer), pulumi.Protect(true))
		return err
	})
	assert.True(t, mustNamed(t, mocks, typeRestApi, "shop-api").Protect)
	for _, p := range mocks.OfType(typePermission) {
		assert.False(t, p.Protect, "a Lambda permission is replaced by route changes: never protected, even under a protected parent")
	}
}

func TestPrivateRestApiRefusesBadArgs(t *testing.T) {
	mocks := awsmock.New("components-test", "test")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		_, err := NewPrivateRestApi(ctx, "shop", &PrivateRestApiArgs{
			VpcEndpointIds: pulumi.StringArray{pulumi.String("vpce-0aaaaaaaaaaaaaaaa")},
			Routes:         []Route{{Path: "/a", Method: "GET", Integration: RouteIntegration{Type: "soap"}}},
		})
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `routes[0].integration.type: got "soap"`)
	assert.Empty(t, mocks.Resources(), "nothing is registered for bad args")

	err = awsmock.New("p", "s").Run(func(ctx *pulumi.Context) error {
		_, err := NewPrivateRestApi(ctx, "shop", &PrivateRestApiArgs{})
		return err
	})
	assert.Equal(t, []string{"vpcEndpointIds", "provider"}, fieldsOf(err), "every problem at once, the missing provider too")
}
