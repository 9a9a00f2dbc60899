package components

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// PublishedApi is what a producer's stack hands to each consumer's stack:
// the producer side of a CrossAccountPrivateApi, read from its outputs.
type PublishedApi struct {
	// RestApiId, ExecutionArn, StageName and DeploymentId are the producer's
	// outputs of the same names. Required.
	RestApiId    pulumi.StringInput `pulumi:"restApiId"`
	ExecutionArn pulumi.StringInput `pulumi:"executionArn"`
	StageName    pulumi.StringInput `pulumi:"stageName"`
	DeploymentId pulumi.StringInput `pulumi:"deploymentId"`
	// PolicyHash is TriggerHash of the API's resource policy (the producer's
	// policyHash output): a new policy re-runs the probe. Required.
	PolicyHash pulumi.StringInput `pulumi:"policyHash"`
	// Authorization is the API's (AuthorizationNone or AuthorizationIam):
	// AWS_IAM invoke forms are signed. Optional, default AuthorizationNone.
	Authorization string `pulumi:"authorization,optional"`
	// ProbeTarget is what this consumer's probe calls and expects (the
	// producer's consumers.<name>.probeTarget). Required for a probe.
	ProbeTarget *ProbeTarget `pulumi:"probeTarget,optional"`
	// ListsEndpoint says that the producer's stack lists this consumer (its
	// consumers output names it). Only then does the probe run, and the
	// ListedByProducer guard is protected while it holds, so the consumer's
	// stack cannot be destroyed while the producer still admits its
	// endpoint. Optional.
	ListsEndpoint bool `pulumi:"listsEndpoint,optional"`
	// EndpointAccessMode is the API's (the producer's endpointAccessMode
	// output): with STRICT the two invoke forms with a Host or
	// x-apigw-api-id header are not offered. Optional.
	EndpointAccessMode string `pulumi:"endpointAccessMode,optional"`
	// CustomDomain is the API's private custom domain (the producer's
	// customDomain output), nil without one. Once the producer lists this
	// endpoint, the consumer accepts the domain's share (when it says so),
	// associates the endpoint and resolves the name in its VPC. Optional.
	CustomDomain *PublishedDomain `pulumi:"customDomain,optional"`
}

// ConsumerApiAccessArgs are the inputs of ConsumerApiAccess.
type ConsumerApiAccessArgs struct {
	// Region of the API and the endpoint. Required. A plain string: it is
	// validated, and the provider checked against it, before anything is
	// registered.
	Region string `pulumi:"region"`
	// ProducerAccountId is the account of the API. Required.
	ProducerAccountId string `pulumi:"producerAccountId"`
	// Consumer is this account's endpoint, as in CrossAccountPrivateApiArgs;
	// an endpoint owned elsewhere (EndpointId) has nothing to deploy
	// here and is refused. Its Provider may be left out: the component's
	// provider option is used then. Required.
	Consumer ConsumerArgs `pulumi:"consumer"`
	// Api is the producer's published API; nil while the producer's stack
	// has not published one (the first run of the bootstrap): only the
	// endpoint is created then. Optional.
	Api *PublishedApi `pulumi:"api,optional"`
	// Protect protects the VPC, subnets, endpoint and its security group.
	// Optional, default false.
	Protect bool `pulumi:"protect,optional"`
	// ProbeFailOnError fails the update when the probe gets an unexpected
	// answer. Optional, default true.
	ProbeFailOnError *bool `pulumi:"probeFailOnError,optional"`
	// Tags are set on the resources that take tags. Optional.
	Tags pulumi.StringMapInput `pulumi:"tags,optional"`
	// RolePermissionsBoundary is the name (after its path, if any) of the
	// customer managed policy in the consumer account set as the
	// permissions boundary of the probe's role, as in
	// CrossAccountPrivateApiArgs. Optional.
	RolePermissionsBoundary string `pulumi:"rolePermissionsBoundary,optional"`
}

// ConsumerApiAccess is one consumer account's part of a CrossAccountPrivateApi,
// for a stack of its own (the split topology): the endpoint (and a VPC if
// asked), the endpoint's policy scoped to the producer's API, the invoke
// forms and the probe. Its children have the names CrossAccountPrivateApi
// gives them when both are named alike.
type ConsumerApiAccess struct {
	pulumi.ResourceState

	// EndpointId is the endpoint's vpce- ID: hand it to the producer's stack.
	EndpointId pulumi.StringOutput `pulumi:"endpointId"`
	// DnsNames are the endpoint's DNS names.
	DnsNames pulumi.StringArrayOutput `pulumi:"dnsNames"`
	// PublicDnsName is the endpoint's regional DNS name.
	PublicDnsName pulumi.StringOutput `pulumi:"publicDnsName"`
	// InvokeUrls and CurlCommands map each invoke form to its URL and curl
	// line; empty until the producer has published its API.
	InvokeUrls   pulumi.StringMapOutput `pulumi:"invokeUrls"`
	CurlCommands pulumi.StringMapOutput `pulumi:"curlCommands"`

	// Access is the consumer's endpoint, policy, probe and invoke forms.
	Access *ConsumerAccess
}

// Validate checks the args and returns every problem as FieldErrors.
func (a *ConsumerApiAccessArgs) Validate() error {
	var f fieldErrs
	a = a.resolved(&f)
	f.checkAccountArgs(a.Region, a.ProducerAccountId, a.RolePermissionsBoundary)
	if a.Consumer.EndpointId != nil {
		f.add("consumer.endpointId", "a consumer's own stack creates its endpoint; an endpoint owned elsewhere needs no consumer stack: list it in the producer's consumers instead")
	}
	switch a.Consumer.Via {
	case "", ViaOwn:
	case ViaHub:
		f.add("consumer.via", "got %q; a consumer stack with a hub is not built yet: list the spoke in the stack that holds the hub (CrossAccountPrivateApi)", a.Consumer.Via)
	default:
		f.bad("consumer.via", a.Consumer.Via, vocab.ExpectVia)
	}
	// The same rules as a consumer of CrossAccountPrivateApi, under "consumer".
	one := CrossAccountPrivateApiArgs{Region: a.Region, ProducerAccountId: a.ProducerAccountId, Consumers: []ConsumerArgs{a.Consumer}}
	if a.Api != nil {
		one.Authorization = a.Api.Authorization
	}
	var g fieldErrs
	one.validateConsumers(&g)
	for _, fe := range g.list {
		if a.Consumer.EndpointId != nil && strings.HasPrefix(fe.Field, "consumers[0].probe") {
			continue // follows from the refusal above
		}
		f.add(strings.Replace(fe.Field, "consumers[0]", "consumer", 1), "%s", fe.Message)
	}
	if a.Api != nil {
		f.require(a.Api.RestApiId != nil, "api.restApiId")
		f.require(a.Api.ExecutionArn != nil, "api.executionArn")
		f.require(a.Api.StageName != nil, "api.stageName")
		f.require(a.Api.DeploymentId != nil, "api.deploymentId")
		f.require(a.Api.PolicyHash != nil, "api.policyHash")
		if m := a.Api.EndpointAccessMode; m != "" && m != EndpointAccessStrict && m != EndpointAccessBasic {
			f.bad("api.endpointAccessMode", m, vocab.ExpectEndpointAccessMode)
		}
		if validateAuthorization(a.Api.Authorization) != nil {
			f.bad("api.authorization", a.Api.Authorization, vocab.ExpectAuthorization)
		}
		if arn, ok := plainString(a.Api.ExecutionArn); ok {
			if !executionArnPattern.MatchString(arn) {
				f.bad("api.executionArn", arn, "arn:aws:execute-api:<region>:<12-digit account>:<api id>")
			} else if parts := strings.Split(arn, ":"); parts[3] != a.Region || parts[4] != a.ProducerAccountId {
				f.add("api.executionArn", "got %q in region %s, account %s; expected the producer's API in %s, account %s", arn, parts[3], parts[4], a.Region, a.ProducerAccountId)
			}
		}
		if d := a.Api.CustomDomain; d != nil {
			f.require(d.Arn != nil, "api.customDomain.arn")
			f.require(d.Name != nil, "api.customDomain.name")
			if n, ok := plainString(d.Name); ok && !validDomainName(n) {
				f.bad("api.customDomain.name", n, vocab.ExpectDomainName)
			}
			if d.AcceptShare && d.ShareArn == nil {
				f.add("api.customDomain.shareArn", "missing; accepting the domain's share needs its ARN (the producer's customDomain.shareArn output)")
			}
		}
		if a.Consumer.Probe && a.Api.ListsEndpoint && a.Api.ProbeTarget == nil {
			f.add("api.probeTarget", "missing; the probe needs to know what to call (the producer's consumers.<name>.probeTarget output)")
		}
	}
	return f.err()
}

// NewConsumerApiAccess registers a ConsumerApiAccess in the consumer account:
// give it that account's provider with pulumi.Provider (or as
// Consumer.Provider); it must act in Consumer.AccountId and Region.
func NewConsumerApiAccess(ctx *pulumi.Context, name string, args *ConsumerApiAccessArgs, opts ...pulumi.ResourceOption) (*ConsumerApiAccess, error) {
	if args == nil {
		return nil, errors.New("consumer api access " + name + ": args are required")
	}
	errs := AsFieldErrors(args.Validate())
	args = args.resolved(&fieldErrs{}) // Validate has reported its conflicts
	c := args.Consumer
	provider, err := consumerProvider(c, opts)
	switch {
	case err != nil:
		errs = append(errs, &FieldError{Field: "consumer.credentials", Message: err.Error()})
	case provider == nil && c.Credentials == nil:
		errs = append(errs, &FieldError{Field: "consumer.provider", Message: "missing; expected the consumer account's AWS provider: the provider resource option " +
			"(pulumi.Provider(p) in Go, or a parent component that has one; the provider or providers option in other languages), Consumer.Provider, " +
			"or consumer.credentials to have one built"})
	case provider != nil:
		if _, pinned := pinnedProviders.Load(provider); pinned || len(errs) == 0 {
			if err := checkProvider(ctx, provider, c.AccountId, args.Region); err != nil {
				errs = append(errs, &FieldError{Field: "consumer.provider", Message: err.Error()})
			}
		}
	default:
		var f fieldErrs
		c.Credentials.validate(&f, "consumer.credentials")
		errs = append(errs, f.list...)
	}
	if len(errs) > 0 {
		return nil, invalidArgs("consumer api access", name, errs)
	}
	comp := &ConsumerApiAccess{}
	if err := ctx.RegisterComponentResource(ConsumerApiAccessType, name, comp, opts...); err != nil {
		return nil, err
	}
	if ap, ok := provider.(*aws.Provider); ok {
		c.Provider = ap // placed on every child, as before
	} else if provider == nil {
		if c.Provider, err = c.Credentials.newProvider(ctx, name+"-"+c.Name+"-provider", c.AccountId, args.Region, comp); err != nil {
			return nil, fmt.Errorf("consumer api access %s: %w", name, err)
		}
	}
	api := args.Api
	side := consumerSide{name: name, parent: comp, region: args.Region, tags: args.Tags, protect: args.Protect,
		customDomain: api != nil && api.CustomDomain != nil, boundary: args.RolePermissionsBoundary}
	// The preflight reads the consumer's existing VPC before anything is registered.
	checked := &preflight{ctx: ctx}
	checked.consumerVpc("consumer", c, endpointName(name, c), args.Region, side.customDomain, side.consumerInvokeOpts(c)...)
	checked.log(comp)
	if err := checked.f.err(); err != nil {
		return nil, fmt.Errorf("consumer api access %s: %w", name, err)
	}
	access, err := side.newConsumerEndpoint(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("consumer api access %s: %w", name, err)
	}
	access.InvokeUrls = pulumi.StringMap{}.ToStringMapOutput()
	access.CurlCommands = pulumi.StringMap{}.ToStringMapOutput()
	if api != nil {
		var domainArn pulumi.StringInput
		if api.CustomDomain != nil {
			domainArn = api.CustomDomain.Arn
		}
		if err := side.newEndpointPolicy(ctx, c, access, api.ExecutionArn.ToStringOutput(), domainArn); err != nil {
			return nil, fmt.Errorf("consumer api access %s: %w", name, err)
		}
		if d := api.CustomDomain; d != nil && api.ListsEndpoint {
			// The producer has shared the domain with this account once it lists the endpoint.
			var accepter pulumi.Resource
			if d.AcceptShare {
				if accepter, err = side.newShareAccepter(ctx, c.AccountId, []string{c.Name}, d.ShareArn, side.consumerOpts(c), nil); err != nil {
					return nil, fmt.Errorf("consumer api access %s: %w", name, err)
				}
			}
			da, err := side.newDomainAccess(ctx, c, access, d, accepter, nil)
			if err != nil {
				return nil, fmt.Errorf("consumer api access %s: %w", name, err)
			}
			access.Domain, access.domainReady = d, da.ready
		}
		headers := setInvokeForms(access, c, api.RestApiId, args.Region, api.StageName, api.Authorization == AuthorizationIam, api.EndpointAccessMode == EndpointAccessStrict)
		if c.Probe && api.ListsEndpoint {
			deployed := deployedApi{executionArn: api.ExecutionArn.ToStringOutput(), stageName: api.StageName.ToStringOutput(),
				deploymentId: api.DeploymentId.ToStringOutput(), policyHash: api.PolicyHash.ToStringOutput()}
			probe, err := side.newConsumerProbe(ctx, c, access, headers, *api.ProbeTarget, deployed, args.ProbeFailOnError)
			if err != nil {
				return nil, fmt.Errorf("consumer api access %s: %w", name, err)
			}
			access.Probe = probe
		}
	}
	if err := newListedGuard(ctx, name, comp, c, access, api != nil && api.ListsEndpoint); err != nil {
		return nil, fmt.Errorf("consumer api access %s: %w", name, err)
	}
	comp.Access = access
	comp.EndpointId, comp.DnsNames = access.EndpointId, access.DnsNames
	comp.PublicDnsName = access.Endpoint.PublicDnsName
	comp.InvokeUrls, comp.CurlCommands = access.InvokeUrls, access.CurlCommands
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"endpointId":    comp.EndpointId,
		"dnsNames":      comp.DnsNames,
		"publicDnsName": comp.PublicDnsName,
		"invokeUrls":    comp.InvokeUrls,
		"curlCommands":  comp.CurlCommands,
	}); err != nil {
		return nil, err
	}
	return comp, nil
}

// consumerProvider is the consumer account's provider of a ConsumerApiAccess:
// Consumer.Provider, else the AWS provider of its resource options as the
// single-account components read it (awsProviderOf: the pulumi.Provider or
// providers option, or a parent's; the component package passes a stack's
// aws provider this way); nil when only Credentials are given. An error
// when credentials are given with a provider.
func consumerProvider(c ConsumerArgs, opts []pulumi.ResourceOption) (pulumi.ProviderResource, error) {
	var p pulumi.ProviderResource
	if c.Provider != nil {
		p = c.Provider
	} else {
		// A provider it cannot see (one a parent in another language holds)
		// is not enough: the account gate asks AWS through the provider.
		p, _ = awsProviderOf(opts)
	}
	if p != nil && c.Credentials != nil {
		return nil, errors.New("set with a provider; give the consumer's provider or its credentials, not both")
	}
	return p, nil
}

// ListedByProducerType is the type token of the guard that holds a consumer
// stack, or a hub's stack, while its producer lists it.
const ListedByProducerType = "xaccount:index:ListedByProducer"

// listedGuard is a resource with no cloud side: a consumer's or a hub's
// ListedByProducer.
type listedGuard struct{ pulumi.ResourceState }

// newListedGuard registers the guard of a consumer stack: a component that
// depends on the consumer's last resources (the interface endpoint, its
// policy, the probe's invocation), and through them on every other, so
// that a destroy deletes it first; it is protected while the producer lists
// the consumer. A destroy out of order then stops on it before anything is
// deleted (the engine deletes a resource only after everything that depends
// on it); once the producer has dropped the consumer, the next update
// unprotects it. The dependencies are custom resources, whose URNs the SDK
// awaits: a component's children are known only as they register.
func newListedGuard(ctx *pulumi.Context, name string, parent pulumi.Resource, c ConsumerArgs, access *ConsumerAccess, listed bool) error {
	deps := []pulumi.Resource{access.Endpoint.Endpoint}
	if access.EndpointPolicyResource != nil {
		deps = append(deps, access.EndpointPolicyResource)
	}
	if access.Probe != nil {
		deps = append(deps, access.Probe.Invocation)
	}
	return registerListedGuard(ctx, name+"-"+c.Name+"-listed-by-producer", parent, deps, listed)
}

// registerListedGuard registers a ListedByProducer guard named name under
// parent, depending on deps (custom resources) and protected while listed:
// the consumer stack's (newListedGuard) and the hub stack's (SharedHub).
func registerListedGuard(ctx *pulumi.Context, name string, parent pulumi.Resource, deps []pulumi.Resource, listed bool) error {
	return ctx.RegisterComponentResource(ListedByProducerType, name, &listedGuard{},
		pulumi.Parent(parent), pulumi.DependsOn(deps), pulumi.Protect(listed))
}
