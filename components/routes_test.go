package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateRoutePath(t *testing.T) {
	for _, good := range []string{"/", "/a", "/a/b", "/{id}", "/items/{id}", "/{proxy+}", "/v1/{proxy+}", "/a.b_c~d-e"} {
		assert.NoErrorf(t, validateRoutePath(good), "path %q", good)
	}
	for _, bad := range []string{"", "a", "/a/", "//", "/a//b", "/{proxy+}/x", "/{id", "/{}", "/a b", "/{1id}", "/?q=1"} {
		assert.Errorf(t, validateRoutePath(bad), "path %q", bad)
	}
}

func TestValidateMethod(t *testing.T) {
	for _, m := range HTTPMethods {
		assert.NoError(t, validateMethod(m))
	}
	for _, m := range []string{"get", "TRACE", "", "CONNECT"} {
		assert.Errorf(t, validateMethod(m), "method %q", m)
	}
}

func TestValidateRoutes(t *testing.T) {
	mock := RouteIntegration{Type: IntegrationMock}
	cases := map[string]struct {
		routes []Route
		want   string
	}{
		"none":                {nil, "at least one route"},
		"duplicate":           {[]Route{{"/a", "GET", mock}, {"/a", "GET", mock}}, "routes[1]: duplicate route GET /a"},
		"bad method":          {[]Route{{"/a", "FETCH", mock}}, "routes[0].method"},
		"bad path":            {[]Route{{"a", "GET", mock}}, "routes[0].path"},
		"unknown type":        {[]Route{{"/a", "GET", RouteIntegration{Type: "grpc"}}}, "routes[0].integration.type: got \"grpc\""},
		"proxy without uri":   {[]Route{{"/a", "GET", RouteIntegration{Type: IntegrationHTTPProxy}}}, "routes[0].integration.uri: missing"},
		"lambda without arn":  {[]Route{{"/a", "GET", RouteIntegration{Type: IntegrationLambda}}}, "routes[0].integration.functionArn: missing"},
		"bad status":          {[]Route{{"/a", "GET", RouteIntegration{Type: IntegrationMock, StatusCode: 42}}}, "routes[0].integration.statusCode: got 42"},
		"sibling param names": {[]Route{{"/a/{id}", "GET", mock}, {"/a/{name}", "GET", mock}}, "routes[1].path: got \"/a/{name}\"; segment {name} conflicts"},
		"malformed lambda":    {[]Route{{"/a", "GET", RouteIntegration{Type: IntegrationLambda, FunctionArn: pulumi.String("arn:aws:lambda:eu-west-1:1111:function:f")}}}, "routes[0].integration.functionArn: got"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := ValidateRoutes(tc.routes)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	every := AsFieldErrors(ValidateRoutes([]Route{{"a", "FETCH", RouteIntegration{Type: "grpc"}}}))
	require.Len(t, every, 3, "every problem is reported, not the first only")
	assert.Equal(t, []string{"routes[0].path", "routes[0].method", "routes[0].integration.type"}, []string{every[0].Field, every[1].Field, every[2].Field})
	assert.NoError(t, ValidateRoutes([]Route{{"/a", "GET", mock}, {"/a", "POST", mock}, {"/a/{id}", "GET", mock}, {"/a/{id}/b", "GET", mock}}))
}

func TestLambdaInvocationUri(t *testing.T) {
	uri, err := lambdaInvocationUri("arn:aws:lambda:eu-west-1:111111111111:function:orders:live")
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:orders:live/invocations", uri)
	_, err = lambdaInvocationUri("arn:aws:lambda:eu-west-1:1111:function:orders")
	assert.Error(t, err)
}

func TestSourceArnSuffix(t *testing.T) {
	assert.Equal(t, "/*/*/", sourceArnSuffix("ANY", "/"))
	assert.Equal(t, "/*/GET/orders/*", sourceArnSuffix("GET", "/orders/{id}"))
	assert.Equal(t, "/*/*/v1/*", sourceArnSuffix("ANY", "/v1/{proxy+}"))
}
