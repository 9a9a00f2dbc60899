package components

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
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
	// Authorization is AuthorizationNone (default) or AuthorizationIam: every
	// method then requires SigV4-signed calls. Optional.
	Authorization string `pulumi:"authorization,optional"`
	// Protect protects the RestApi (it holds the API's ID and so every URL)
	// against deletion. Lambda permissions, which a route change replaces,
	// are never protected. Optional, default false.
	Protect bool `pulumi:"protect,optional"`
	// Adopt takes over an existing API instead of creating one, replacing
	// its routes with Routes (see AdoptApiArgs). Optional.
	Adopt *AdoptApiArgs `pulumi:"adopt,optional"`
	// Quotas are the account's API Gateway quotas where AWS has raised them;
	// the routes' resources are checked against ResourcesPerApi. Optional,
	// nil is AWS's defaults.
	Quotas *ApiQuotas `pulumi:"quotas,optional"`
	// Tls is the API's security policy and endpoint access mode (see
	// ApiTls). Optional: nil is TLS_1_2 with no access mode.
	Tls *ApiTls `pulumi:"tls,optional"`
}

// PrivateRestApi is a REST API of endpoint type PRIVATE whose routes are one
// OpenAPI document (the RestApi's body, imported in overwrite mode), plus the
// Lambda permissions of lambda routes.
type PrivateRestApi struct {
	pulumi.ResourceState

	// RestApiId is the API's ID.
	RestApiId pulumi.StringOutput `pulumi:"restApiId"`
	// ExecutionArn is arn:<partition>:execute-api:<region>:<account>:<apiId>.
	ExecutionArn pulumi.StringOutput `pulumi:"executionArn"`
	// RootResourceId is the ID of the "/" resource.
	RootResourceId pulumi.StringOutput `pulumi:"rootResourceId"`
	// BodyHash is the SHA-256 of the OpenAPI body: it changes whenever a
	// route, an integration or the endpoint list changes.
	BodyHash pulumi.StringOutput `pulumi:"bodyHash"`

	// Api is the RestApi child.
	Api *apigateway.RestApi
	// VpcLinks are the VPC links created for vpc_link routes with an nlbArn.
	VpcLinks []*apigateway.VpcLink
	// Permissions are the Lambda permissions of lambda routes.
	Permissions []*lambda.Permission
}

// DeploymentDependencies are the children a deployment of this API must wait
// for besides the API itself: the Lambda permissions of lambda routes.
func (a *PrivateRestApi) DeploymentDependencies() []pulumi.Resource {
	deps := make([]pulumi.Resource, 0, len(a.Permissions)+1)
	deps = append(deps, a.Api)
	for _, p := range a.Permissions {
		deps = append(deps, p)
	}
	return deps
}

// Validate checks the args and returns every problem as FieldErrors.
func (a *PrivateRestApiArgs) Validate() error {
	var f fieldErrs
	f.require(a.VpcEndpointIds != nil, "vpcEndpointIds")
	if len(a.Routes) > 0 {
		f.nest("", ValidateRoutes(a.Routes))
	}
	if validateAuthorization(a.Authorization) != nil {
		f.bad("authorization", a.Authorization, vocab.ExpectAuthorization)
	}
	if a.Adopt != nil {
		f.nest("adopt", a.Adopt.Validate(a.Routes))
	}
	f.nest("tls", a.Tls.Validate())
	if err := a.Quotas.Validate(); err != nil {
		f.nest("quotas", err)
	} else {
		checkResourcesPerApi(&f, "routes", a.Routes, a.Quotas)
		checkVpcLinksPerRegion(&f, "routes", a.Routes, a.Quotas)
	}
	return f.err()
}

// NewPrivateRestApi registers a PrivateRestApi.
// Give it the producer account's provider with pulumi.Provider (or a parent
// that has one); without an AWS provider it registers nothing and fails,
// rather than leave its resources to the default provider.
func NewPrivateRestApi(ctx *pulumi.Context, name string, args *PrivateRestApiArgs, opts ...pulumi.ResourceOption) (*PrivateRestApi, error) {
	return newPrivateRestApi(ctx, name, args, nil, opts...)
}

// newPrivateRestApi is NewPrivateRestApi with what the caller has read of
// the adopted API already (nil: it reads the API itself).
func newPrivateRestApi(ctx *pulumi.Context, name string, args *PrivateRestApiArgs, adopted *AdoptedApi, opts ...pulumi.ResourceOption) (*PrivateRestApi, error) {
	if args == nil {
		return nil, errors.New("private rest api " + name + ": args are required")
	}
	if err := checkSingleAccount("private rest api", name, "producer", args.Validate(), opts); err != nil {
		return nil, err
	}
	routes := args.Routes
	if len(routes) == 0 {
		routes = DefaultRoutes()
	}
	apiName := args.Name
	if apiName == nil {
		apiName = pulumi.String(name)
	}
	description := optionalString(args.Description)

	comp := &PrivateRestApi{}
	if err := ctx.RegisterComponentResource(PrivateRestApiType, name, comp, opts...); err != nil {
		return nil, err
	}
	routes, links, err := newVpcLinks(ctx, name, comp, routes, args.Tags)
	if err != nil {
		return nil, fmt.Errorf("private rest api %s: %w", name, err)
	}
	comp.VpcLinks = links
	sorted := slices.Clone(routes)
	slices.SortStableFunc(sorted, func(x, y Route) int { return strings.Compare(x.Path+" "+x.Method, y.Path+" "+y.Method) })
	inputs := []any{apiName, description, args.VpcEndpointIds}
	for _, r := range sorted {
		inputs = append(inputs, routeDefinitionOutput(r))
	}
	body := pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		d := ApiDefinition{Title: v[0].(string), Description: v[1].(string), VpcEndpointIds: v[2].([]string), Authorization: args.Authorization,
			SecurityPolicy: args.Tls.securityPolicy(), EndpointAccessMode: args.Tls.AccessMode()}
		for _, r := range v[3:] {
			d.Routes = append(d.Routes, r.(RouteDefinition))
		}
		return openApiBody(d)
	}).(pulumi.StringOutput)

	apiOpts := []pulumi.ResourceOption{pulumi.Parent(comp), protectWhen(args.Protect)}
	if args.Adopt != nil {
		// Read the API before any child is registered: a missing API or an
		// endpoint type the caller has not accepted changing stops here.
		if adopted == nil {
			adopted = readAdoptedApi(ctx, args.Adopt.RestApiId, pulumi.Parent(comp))
			if err := args.Adopt.CheckExisting(adopted); err != nil {
				var f fieldErrs
				f.nest("adopt", err)
				return nil, invalidArgs("private rest api", name, f.err())
			}
		}
		// Import, then update with the body: the engine reads the API into
		// the stack and diffs it like any other (a no-op once it is in the
		// stack under this ID). The warnings are the preview's list of
		// routes and of what else goes.
		apiOpts = append(apiOpts, pulumi.Import(pulumi.ID(args.Adopt.RestApiId)))
		for _, w := range []string{AdoptionNotice(args.Adopt.RestApiId, routes), adoptionLosses(adopted)} {
			if err := ctx.Log.Warn(w, &pulumi.LogArgs{Resource: comp}); err != nil {
				return nil, err
			}
		}
	}
	api, err := apigateway.NewRestApi(ctx, name+"-api", &apigateway.RestApiArgs{
		Name:        apiName,
		Description: args.Description,
		Body:        body,
		// The endpoint configuration goes in the argument as well as in the
		// body: the argument is what makes the API PRIVATE, and the provider
		// lets it override the body's vpcEndpointIds (aws_api_gateway_rest_api docs).
		EndpointConfiguration: &apigateway.RestApiEndpointConfigurationArgs{
			Types:          pulumi.String("PRIVATE"),
			VpcEndpointIds: args.VpcEndpointIds,
		},
		// overwrite: the body is the whole API, so a removed route is removed.
		PutRestApiMode: pulumi.String("overwrite"),
		Tags:           args.Tags,
	}, apiOpts...)
	if err != nil {
		return nil, fmt.Errorf("private rest api %s: %w", name, err)
	}
	comp.Api = api

	for _, r := range sorted {
		if r.Integration.Type != IntegrationLambda {
			continue
		}
		// Replaced whenever its route changes, so never protected.
		perm, err := lambda.NewPermission(ctx, name+"-"+strings.ToLower(r.Method)+"-"+routeSlug(r.Path)+"-permission", &lambda.PermissionArgs{
			Action:    pulumi.String("lambda:InvokeFunction"),
			Function:  r.Integration.FunctionArn,
			Principal: pulumi.String(apiGatewayPrincipal),
			SourceArn: pulumi.Sprintf("%s%s", api.ExecutionArn, sourceArnSuffix(r.Method, r.Path)),
		}, pulumi.Parent(comp), pulumi.Protect(false))
		if err != nil {
			return nil, fmt.Errorf("private rest api %s: route %s %s: %w", name, r.Method, r.Path, err)
		}
		comp.Permissions = append(comp.Permissions, perm)
	}

	comp.RestApiId = api.ID().ToStringOutput()
	comp.ExecutionArn = api.ExecutionArn
	comp.RootResourceId = api.RootResourceId
	comp.BodyHash = body.ApplyT(sha256Hex).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"restApiId":      comp.RestApiId,
		"executionArn":   comp.ExecutionArn,
		"rootResourceId": comp.RootResourceId,
		"bodyHash":       comp.BodyHash,
	}); err != nil {
		return nil, err
	}
	return comp, nil
}

// validateAuthorization reports an authorization mode other than "",
// AuthorizationNone or AuthorizationIam.
func validateAuthorization(mode string) error {
	switch mode {
	case "", AuthorizationNone, AuthorizationIam:
		return nil
	}
	return fmt.Errorf("authorization %q: expected %s or %s", mode, AuthorizationNone, AuthorizationIam)
}

// routeSlug names a path in child resource names: "root" for "/", else the
// path without its leading slash ("orders/{id}").
func routeSlug(path string) string {
	if path == "/" {
		return "root"
	}
	return strings.TrimPrefix(path, "/")
}
