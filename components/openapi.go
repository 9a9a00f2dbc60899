package components

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ApiDefinition is everything the OpenAPI body of a PrivateRestApi is built
// from, with every input resolved.
type ApiDefinition struct {
	// Title is the API's name (info.title).
	Title string
	// Description is the API's description (info.description).
	Description string
	// VpcEndpointIds are the endpoints associated with the API.
	VpcEndpointIds []string
	// Routes are the methods of the API.
	Routes []RouteDefinition
	// Authorization is AuthorizationNone ("" too) or AuthorizationIam.
	Authorization string
	// SecurityPolicy and EndpointAccessMode are the API's TLS set-up (ApiTls);
	// "" leaves each out of the body (AWS's default then).
	SecurityPolicy     string
	EndpointAccessMode string
}

// anyMethodKey is API Gateway's OpenAPI extension for the ANY method.
const anyMethodKey = "x-amazon-apigateway-any-method"

// sigv4Scheme names the security scheme of AWS_IAM methods.
const sigv4Scheme = "sigv4"

// openApiBody renders d as the OpenAPI 3.0 document PutRestApi imports in
// overwrite mode: the whole API (paths, methods, integrations, the endpoint
// configuration) in one document, so a route removed from d is removed from
// the API by the same update, before the next deployment snapshots it.
//
// The document carries no resource policy: API Gateway then clears the policy
// on every overwrite (pulumi/pulumi-aws#4296, hashicorp/terraform-provider-aws
// #49672), which is why ResourcePolicy re-attaches it whenever the body's hash
// changes. The output is deterministic: equal definitions give equal bytes.
func openApiBody(d ApiDefinition) (string, error) {
	if len(d.Routes) == 0 {
		return "", fmt.Errorf("openapi body: at least one route is required")
	}
	ids := slices.Clone(d.VpcEndpointIds)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	paths := map[string]map[string]any{}
	for _, r := range d.Routes {
		ops, ok := paths[r.Path]
		if !ok {
			ops = map[string]any{}
			paths[r.Path] = ops
		}
		key := strings.ToLower(r.Method)
		if r.Method == "ANY" {
			key = anyMethodKey
		}
		if _, dup := ops[key]; dup {
			return "", fmt.Errorf("openapi body: duplicate route %s %s", r.Method, r.Path)
		}
		op, err := openApiOperation(r)
		if err != nil {
			return "", err
		}
		if d.Authorization == AuthorizationIam {
			op["security"] = []any{map[string][]string{sigv4Scheme: {}}}
		}
		ops[key] = op
	}
	info := map[string]any{"title": d.Title, "version": "1.0"}
	if d.Description != "" {
		info["description"] = d.Description
	}
	doc := map[string]any{
		"openapi": "3.0.1",
		"info":    info,
		"paths":   paths,
		"x-amazon-apigateway-endpoint-configuration": map[string]any{"vpcEndpointIds": ids},
		"x-amazon-apigateway-gateway-responses":      gatewayResponses(),
	}
	// "OpenAPI extensions": x-amazon-apigateway-security-policy and
	// x-amazon-apigateway-endpoint-access-mode set them on the REST API.
	if d.SecurityPolicy != "" {
		doc["x-amazon-apigateway-security-policy"] = d.SecurityPolicy
	}
	if d.EndpointAccessMode != "" {
		doc["x-amazon-apigateway-endpoint-access-mode"] = d.EndpointAccessMode
	}
	switch d.Authorization {
	case "", AuthorizationNone:
	case AuthorizationIam:
		// API Gateway's extension for AWS_IAM authorization (SigV4).
		doc["components"] = map[string]any{"securitySchemes": map[string]any{sigv4Scheme: map[string]any{
			"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4",
		}}}
	default:
		return "", fmt.Errorf("openapi body: authorization %q: expected %s or %s", d.Authorization, AuthorizationNone, AuthorizationIam)
	}
	b, err := json.Marshal(doc) // maps marshal with sorted keys: stable bytes
	if err != nil {
		return "", fmt.Errorf("openapi body: %w", err)
	}
	return string(b), nil
}

// openApiOperation is one method of one path with its integration extension.
func openApiOperation(r RouteDefinition) (map[string]any, error) {
	op := map[string]any{}
	var params []any
	requestParams := map[string]string{}
	for _, p := range pathParams(r.Path) {
		params = append(params, map[string]any{"name": p, "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		requestParams["integration.request.path."+p] = "method.request.path." + p
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	switch r.Type {
	case IntegrationMock:
		status := strconv.Itoa(r.StatusCode)
		op["responses"] = map[string]any{status: map[string]any{"description": "answered by the MOCK integration"}}
		op["x-amazon-apigateway-integration"] = map[string]any{
			"type":                "mock",
			"passthroughBehavior": "when_no_match",
			"requestTemplates":    map[string]string{"application/json": fmt.Sprintf(`{"statusCode": %d}`, r.StatusCode)},
			"responses": map[string]any{"default": map[string]any{
				"statusCode":        status,
				"responseTemplates": map[string]string{"application/json": r.Body},
			}},
		}
	case IntegrationHTTPProxy, IntegrationVpcLink:
		// The uri is in the integration only: a description is shown where
		// the integration is not (exports, the console), and the uri may be
		// a secret.
		op["responses"] = map[string]any{"200": map[string]any{"description": "proxied to the backend"}}
		integration := map[string]any{
			"type":                "http_proxy",
			"httpMethod":          r.Method,
			"uri":                 r.Uri,
			"passthroughBehavior": "when_no_match",
		}
		if r.Type == IntegrationVpcLink {
			// Through the VPC link's NLB instead of the internet
			// ("x-amazon-apigateway-integration object": connectionType,
			// connectionId).
			integration["connectionType"] = "VPC_LINK"
			integration["connectionId"] = r.VpcLinkId
		}
		if len(requestParams) > 0 {
			integration["requestParameters"] = requestParams
		}
		op["x-amazon-apigateway-integration"] = integration
	case IntegrationLambda:
		uri, err := lambdaInvocationUri(r.FunctionArn)
		if err != nil {
			return nil, fmt.Errorf("openapi body: route %s %s: %w", r.Method, r.Path, err)
		}
		op["responses"] = map[string]any{"200": map[string]any{"description": "answered by the Lambda function"}}
		op["x-amazon-apigateway-integration"] = map[string]any{
			"type":                "aws_proxy",
			"httpMethod":          "POST",
			"uri":                 uri,
			"passthroughBehavior": "when_no_match",
		}
	default:
		return nil, fmt.Errorf("openapi body: route %s %s: unknown integration type %q", r.Method, r.Path, r.Type)
	}
	return op, nil
}
