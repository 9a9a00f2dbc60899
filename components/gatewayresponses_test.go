package components

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/probediag"
)

// TestEveryApiAnswersItsOwnErrorsAsJson: the OpenAPI body customizes
// DEFAULT_4XX and DEFAULT_5XX with gatewayResponseBody, which, filled in as
// API Gateway fills it, is JSON carrying the message, the response type and
// the request ID.
func TestEveryApiAnswersItsOwnErrorsAsJson(t *testing.T) {
	body, err := openApiBody(ApiDefinition{Title: "t", VpcEndpointIds: []string{"vpce-0123456789abcdef0"}, Routes: []RouteDefinition{{Path: "/", Method: "GET", Type: IntegrationMock, StatusCode: 200}}})
	require.NoError(t, err)
	var doc struct {
		Responses map[string]struct {
			StatusCode        string            `json:"statusCode"`
			ResponseTemplates map[string]string `json:"responseTemplates"`
		} `json:"x-amazon-apigateway-gateway-responses"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	require.Len(t, doc.Responses, 2)
	for _, typ := range []string{"DEFAULT_4XX", "DEFAULT_5XX"} {
		r, ok := doc.Responses[typ]
		require.True(t, ok, typ)
		assert.Empty(t, r.StatusCode, "%s keeps each response type's own status", typ)
		assert.Equal(t, gatewayResponseBody, r.ResponseTemplates["application/json"])
	}

	filled := strings.NewReplacer(
		"$context.error.messageString", `"User: anonymous is not authorized to perform: execute-api:Invoke"`,
		"$context.error.responseType", "ACCESS_DENIED",
		"$context.requestId", "c0ffee-1234",
	).Replace(gatewayResponseBody)
	var answer map[string]string
	require.NoError(t, json.Unmarshal([]byte(filled), &answer), filled)
	assert.Equal(t, map[string]string{
		"message": "User: anonymous is not authorized to perform: execute-api:Invoke", "errorType": "ACCESS_DENIED", "requestId": "c0ffee-1234",
	}, answer)
}

// TestParseGatewayAnswer: the response type and request ID come from API
// Gateway's own JSON answer only.
func TestParseGatewayAnswer(t *testing.T) {
	typ, id := probediag.ParseGatewayAnswer(`{"message":"Missing Authentication Token","errorType":"MISSING_AUTHENTICATION_TOKEN","requestId":"r-1"}`)
	assert.Equal(t, "MISSING_AUTHENTICATION_TOKEN", typ)
	assert.Equal(t, "r-1", id)
	for _, other := range []string{`{"message":"Missing Authentication Token"}`, `{"errorType":"X"}`, `not json`, `["errorType"]`, ``} {
		typ, id := probediag.ParseGatewayAnswer(other)
		assert.Empty(t, typ+id, other)
	}
}
