package components

// gatewayResponseBody is the body of every answer API Gateway gives itself
// (a refused call, a missing route, an integration that failed) on an API
// of these components: JSON with the message, the gateway response type
// and the request ID, so a caller, a human reading a log and the probe's
// diagnosis can tell a resource-policy refusal (ACCESS_DENIED) from a
// missing route (MISSING_AUTHENTICATION_TOKEN) or a broken integration
// (API_CONFIGURATION_ERROR, INTEGRATION_FAILURE, INTEGRATION_TIMEOUT) and
// find the call in the access logs. $context.error.messageString is the
// message already quoted for JSON ("Gateway response types for API
// Gateway", "Set up gateway responses to customize error responses").
const gatewayResponseBody = `{"message":$context.error.messageString,"errorType":"$context.error.responseType","requestId":"$context.requestId"}`

// gatewayResponseTypes are the responses the body customizes: the defaults
// that every 4XX and 5XX response type API Gateway returns falls back to
// when it is not customized itself, so each keeps its own status code.
var gatewayResponseTypes = []string{"DEFAULT_4XX", "DEFAULT_5XX"}

// gatewayResponses is the x-amazon-apigateway-gateway-responses extension
// of an API's OpenAPI body.
func gatewayResponses() map[string]any {
	out := map[string]any{}
	for _, t := range gatewayResponseTypes {
		out[t] = map[string]any{"responseTemplates": map[string]string{"application/json": gatewayResponseBody}}
	}
	return out
}
