package components

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PrivateRestApiArgs are the inputs of PrivateRestApi.
type PrivateRestApiArgs struct {
	// Name is the API's name in API Gateway. Optional, default: the component name.
	Name pulumi.StringInput `pulumi:"name,optional"`
	// Description is the API's description. Optional.
	Description pulumi.StringInput `pulumi:"description,optional"`
	// VpcEndpointIds are the interface endpoints associated with the API
	// (vpcEndpointIds of the PRIVATE endpoint configuration). Required.
	VpcEndpointIds pulumi.StringArrayInput `pulumi:"vpcEndpointIds"`
	// Routes are the methods of the API. Optional, default DefaultRoutes().
	Routes []Route `pulumi:"routes,optional"`
	// Tags are set on the RestApi. Optional.
	Tags pulumi.StringMapInput `pulumi:"tags,optional"`
}

// PrivateRestApi is a REST API of endpoint type PRIVATE with its resource tree,
// methods and integrations (and the Lambda permissions of lambda routes).
type PrivateRestApi struct {
	pulumi.ResourceState

	// RestApiId is the API's ID.
	RestApiId pulumi.StringOutput `pulumi:"restApiId"`
	// ExecutionArn is arn:aws:execute-api:<region>:<account>:<apiId>.
	ExecutionArn pulumi.StringOutput `pulumi:"executionArn"`
	// RootResourceId is the ID of the "/" resource.
	RootResourceId pulumi.StringOutput `pulumi:"rootResourceId"`
	// RoutesFingerprint is a hash of every route and integration definition.
	RoutesFingerprint pulumi.StringOutput `pulumi:"routesFingerprint"`

	// Api is the RestApi child.
	Api *apigateway.RestApi
	// Methods, Integrations and Responses are the children a deployment must wait for.
	Methods      []*apigateway.Method
	Integrations []*apigateway.Integration
	Responses    []pulumi.Resource
}

// DeploymentDependencies are the children a deployment of this API must depend
// on so that it captures every method with its integration and responses.
func (a *PrivateRestApi) DeploymentDependencies() []pulumi.Resource {
	deps := make([]pulumi.Resource, 0, len(a.Methods)+len(a.Integrations)+len(a.Responses))
	for _, m := range a.Methods {
		deps = append(deps, m)
	}
	for _, i := range a.Integrations {
		deps = append(deps, i)
	}
	return append(deps, a.Responses...)
}

// NewPrivateRestApi registers a PrivateRestApi. Give it the producer account's
// provider with pulumi.Provider.
func NewPrivateRestApi(ctx *pulumi.Context, name string, args *PrivateRestApiArgs, opts ...pulumi.ResourceOption) (*PrivateRestApi, error) {
	if args == nil {
		return nil, errors.New("private rest api " + name + ": args are required")
	}
	if args.VpcEndpointIds == nil {
		return nil, fmt.Errorf("private rest api %s: vpcEndpointIds is required", name)
	}
	routes := args.Routes
	if len(routes) == 0 {
		routes = DefaultRoutes()
	}
	if err := ValidateRoutes(routes); err != nil {
		return nil, fmt.Errorf("private rest api %s: %w", name, err)
	}
	apiName := args.Name
	if apiName == nil {
		apiName = pulumi.String(name)
	}

	comp := &PrivateRestApi{}
	if err := ctx.RegisterComponentResource(PrivateRestApiType, name, comp, opts...); err != nil {
		return nil, err
	}
	child := pulumi.Parent(comp)
	api, err := apigateway.NewRestApi(ctx, name+"-api", &apigateway.RestApiArgs{
		Name:        apiName,
		Description: args.Description,
		EndpointConfiguration: &apigateway.RestApiEndpointConfigurationArgs{
			Types:          pulumi.String("PRIVATE"),
			VpcEndpointIds: args.VpcEndpointIds,
		},
		// merge keeps the endpoint associations API Gateway manages for PRIVATE APIs.
		PutRestApiMode: pulumi.String("merge"),
		Tags:           args.Tags,
	}, child)
	if err != nil {
		return nil, fmt.Errorf("private rest api %s: %w", name, err)
	}
	comp.Api = api

	b := &routeBuilder{ctx: ctx, name: name, api: api, comp: comp, parent: child, resources: map[string]pulumi.StringOutput{"/": api.RootResourceId}}
	sorted := slices.Clone(routes)
	slices.SortStableFunc(sorted, func(x, y Route) int { return strings.Compare(x.Path+" "+x.Method, y.Path+" "+y.Method) })
	defs := make([]any, 0, len(sorted))
	for _, r := range sorted {
		if err := b.addRoute(r); err != nil {
			return nil, fmt.Errorf("private rest api %s: route %s %s: %w", name, r.Method, r.Path, err)
		}
		defs = append(defs, routeDefinitionOutput(r))
	}

	comp.RestApiId = api.ID().ToStringOutput()
	comp.ExecutionArn = api.ExecutionArn
	comp.RootResourceId = api.RootResourceId
	comp.RoutesFingerprint = pulumi.All(defs...).ApplyT(func(v []any) string {
		resolved := make([]RouteDefinition, len(v))
		for i, d := range v {
			resolved[i] = d.(RouteDefinition)
		}
		return FingerprintRoutes(resolved)
	}).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"restApiId":         comp.RestApiId,
		"executionArn":      comp.ExecutionArn,
		"rootResourceId":    comp.RootResourceId,
		"routesFingerprint": comp.RoutesFingerprint,
	}); err != nil {
		return nil, err
	}
	return comp, nil
}

// routeBuilder registers the resource tree and the per-route children of one API.
type routeBuilder struct {
	ctx       *pulumi.Context
	name      string
	api       *apigateway.RestApi
	comp      *PrivateRestApi
	parent    pulumi.ResourceOption
	resources map[string]pulumi.StringOutput // path -> resource ID, shared by every route below it
}

// resourceID returns the ID of the resource at path, registering it and its
// missing ancestors once.
func (b *routeBuilder) resourceID(path string) (pulumi.StringOutput, error) {
	if id, ok := b.resources[path]; ok {
		return id, nil
	}
	segs := PathSegments(path)
	parentPath := "/" + strings.Join(segs[:len(segs)-1], "/")
	parentID, err := b.resourceID(parentPath)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	res, err := apigateway.NewResource(b.ctx, b.name+"-resource-"+routeSlug(path), &apigateway.ResourceArgs{
		RestApi:  b.api.ID(),
		ParentId: parentID,
		PathPart: pulumi.String(segs[len(segs)-1]),
	}, b.parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	id := res.ID().ToStringOutput()
	b.resources[path] = id
	return id, nil
}

// addRoute registers the method, integration and, per type, the responses or
// Lambda permission of one route.
func (b *routeBuilder) addRoute(r Route) error {
	resourceID, err := b.resourceID(r.Path)
	if err != nil {
		return err
	}
	child := b.name + "-" + strings.ToLower(r.Method) + "-" + routeSlug(r.Path)
	in := r.Integration

	methodArgs := &apigateway.MethodArgs{
		RestApi:       b.api.ID(),
		ResourceId:    resourceID,
		HttpMethod:    pulumi.String(r.Method),
		Authorization: pulumi.String("NONE"),
	}
	integrationArgs := &apigateway.IntegrationArgs{
		RestApi:    b.api.ID(),
		ResourceId: resourceID,
		HttpMethod: pulumi.String(r.Method),
	}
	switch in.Type {
	case IntegrationMock:
		integrationArgs.Type = pulumi.String("MOCK")
		integrationArgs.PassthroughBehavior = pulumi.String("WHEN_NO_MATCH")
		integrationArgs.RequestTemplates = pulumi.StringMap{
			"application/json": pulumi.Sprintf(`{"statusCode": %d}`, mockStatus(in)),
		}
	case IntegrationHTTPProxy:
		integrationArgs.Type = pulumi.String("HTTP_PROXY")
		integrationArgs.IntegrationHttpMethod = pulumi.String(r.Method)
		integrationArgs.Uri = in.Uri
		if params := pathParams(r.Path); len(params) > 0 {
			methodParams := pulumi.BoolMap{}
			integrationParams := pulumi.StringMap{}
			for _, p := range params {
				methodParams["method.request.path."+p] = pulumi.Bool(true)
				integrationParams["integration.request.path."+p] = pulumi.String("method.request.path." + p)
			}
			methodArgs.RequestParameters = methodParams
			integrationArgs.RequestParameters = integrationParams
		}
	case IntegrationLambda:
		integrationArgs.Type = pulumi.String("AWS_PROXY")
		integrationArgs.IntegrationHttpMethod = pulumi.String("POST")
		integrationArgs.Uri = in.FunctionArn.ToStringOutput().ApplyT(LambdaInvocationURI).(pulumi.StringOutput)
	}

	method, err := apigateway.NewMethod(b.ctx, child+"-method", methodArgs, b.parent)
	if err != nil {
		return err
	}
	integration, err := apigateway.NewIntegration(b.ctx, child+"-integration", integrationArgs, b.parent, pulumi.DependsOn([]pulumi.Resource{method}))
	if err != nil {
		return err
	}
	b.comp.Methods = append(b.comp.Methods, method)
	b.comp.Integrations = append(b.comp.Integrations, integration)

	switch in.Type {
	case IntegrationMock:
		return b.addMockResponses(child, r, resourceID, method, integration)
	case IntegrationLambda:
		perm, err := lambda.NewPermission(b.ctx, child+"-permission", &lambda.PermissionArgs{
			Action:    pulumi.String("lambda:InvokeFunction"),
			Function:  in.FunctionArn,
			Principal: pulumi.String(apiGatewayPrincipal),
			SourceArn: pulumi.Sprintf("%s%s", b.api.ExecutionArn, sourceArnSuffix(r.Method, r.Path)),
		}, b.parent)
		if err != nil {
			return err
		}
		b.comp.Responses = append(b.comp.Responses, perm)
	}
	return nil
}

// addMockResponses registers the MethodResponse and IntegrationResponse a MOCK
// integration needs to answer with its status code and body.
func (b *routeBuilder) addMockResponses(child string, r Route, resourceID pulumi.StringOutput, method *apigateway.Method, integration *apigateway.Integration) error {
	status := pulumi.String(strconv.Itoa(mockStatus(r.Integration)))
	body := r.Integration.Body
	if body == nil {
		body = pulumi.String(DefaultMockBody)
	}
	methodResponse, err := apigateway.NewMethodResponse(b.ctx, child+"-method-response", &apigateway.MethodResponseArgs{
		RestApi:        b.api.ID(),
		ResourceId:     resourceID,
		HttpMethod:     method.HttpMethod,
		StatusCode:     status,
		ResponseModels: pulumi.StringMap{"application/json": pulumi.String("Empty")},
	}, b.parent)
	if err != nil {
		return err
	}
	integrationResponse, err := apigateway.NewIntegrationResponse(b.ctx, child+"-integration-response", &apigateway.IntegrationResponseArgs{
		RestApi:           b.api.ID(),
		ResourceId:        resourceID,
		HttpMethod:        method.HttpMethod,
		StatusCode:        methodResponse.StatusCode,
		ResponseTemplates: pulumi.StringMap{"application/json": body},
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{integration}))
	if err != nil {
		return err
	}
	b.comp.Responses = append(b.comp.Responses, methodResponse, integrationResponse)
	return nil
}

// routeSlug names a path in child resource names: "root" for "/", else the
// path without its leading slash ("orders/{id}").
func routeSlug(path string) string {
	if path == "/" {
		return "root"
	}
	return strings.TrimPrefix(path, "/")
}
