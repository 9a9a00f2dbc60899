package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// ConsumerArgs describe one consumer account of a CrossAccountPrivateApi.
// Exactly one of Vpc, VpcId (with SubnetIds) or EndpointId is set.
type ConsumerArgs struct {
	// Name identifies the consumer in child names and outputs ([a-z0-9-]+, unique). Required.
	Name string `pulumi:"name"`
	// AccountId is the consumer's account: its Provider must act there (the
	// gate refuses any other account before anything is registered), and an
	// AWS_IAM API allows its root unless Principals is set. Required.
	AccountId string `pulumi:"accountId"`
	// Principals are the IAM roles or users of this consumer that may call an
	// AWS_IAM API. Optional, default the account root.
	Principals pulumi.StringArrayInput `pulumi:"principals,optional"`
	// Provider is the consumer account's AWS provider: from NewAccountProvider
	// (checked by its pin) or of your own making (checked by asking AWS
	// through it which account it reaches); it must act in AccountId and the
	// API's region. Exactly one of Provider and Credentials unless
	// EndpointId is set.
	Provider *aws.Provider
	// Credentials make the composition build the consumer account's provider
	// itself, pinned to AccountId and the region (the way for stacks in other
	// languages, which cannot pass a provider). Exactly one of Provider and
	// Credentials unless EndpointId is set.
	Credentials *AccountCredentials `pulumi:"credentials,optional"`
	// Vpc creates a small VPC for the endpoint. Optional.
	Vpc *ConsumerVpcArgs `pulumi:"vpc,optional"`
	// VpcId and SubnetIds place the endpoint in an existing VPC. Optional.
	VpcId     pulumi.StringInput      `pulumi:"vpcId,optional"`
	SubnetIds pulumi.StringArrayInput `pulumi:"subnetIds,optional"`
	// AllowedCidrs may reach the endpoint on 443. Optional, default: the VPC's CIDR.
	AllowedCidrs pulumi.StringArrayInput `pulumi:"allowedCidrs,optional"`
	// PrivateDns turns on private DNS for the endpoint (see
	// ExecuteApiEndpointArgs.PrivateDns for what it does to the VPC).
	// For an existing VPC the VPC's DNS support and hostnames are checked.
	// For an existing endpoint it only says whether to print the private-DNS
	// URL. Optional, default true for a VPC created here (Vpc), else false.
	PrivateDns *bool `pulumi:"privateDns,optional"`
	// EndpointPolicy is EndpointPolicyRestricted (default: execute-api:Invoke on
	// this API only) or EndpointPolicyFull (Invoke on any API, for an endpoint
	// that serves others too). Attached as a separate ec2.VpcEndpointPolicy once
	// the API exists. Ignored for an existing endpoint. Optional.
	EndpointPolicy string `pulumi:"endpointPolicy,optional"`
	// EndpointId is the vpce- ID of an endpoint another team owns;
	// nothing is created in the consumer account then. Optional.
	EndpointId pulumi.StringInput `pulumi:"endpointId,optional"`
	// EndpointDnsName is that endpoint's regional DNS name, for the
	// public-DNS invoke forms. Optional.
	EndpointDnsName pulumi.StringInput `pulumi:"endpointDnsName,optional"`
	// ExistingEndpointId is the former name of EndpointId, which the stack
	// file's key has (consumers[].endpointId); it behaves as EndpointId.
	// Setting both is refused.
	//
	// Deprecated: use EndpointId. Kept for one minor version.
	ExistingEndpointId pulumi.StringInput `pulumi:"existingEndpointId,optional"`
	// ExistingEndpointDnsName is the former name of EndpointDnsName; it
	// behaves as EndpointDnsName. Setting both is refused.
	//
	// Deprecated: use EndpointDnsName. Kept for one minor version.
	ExistingEndpointDnsName pulumi.StringInput `pulumi:"existingEndpointDnsName,optional"`
	// Probe adds a ConnectivityProbe in this consumer's account and
	// endpoint subnets that calls the API through every invoke form on each
	// pulumi up that changes the deployment, the policy or the endpoint.
	// Only for an endpoint created here. Optional, default false.
	Probe bool `pulumi:"probe,optional"`
	// Via is ViaOwn (default: an endpoint of the consumer's own, or
	// EndpointId) or ViaHub: the consumer is a spoke of the hub endpoint
	// (CrossAccountPrivateApiArgs.Hub), VpcId its existing VPC and
	// AllowedCidrs (required) the source ranges the API's policy admits it
	// by (aws:VpcSourceIp); nothing is created in its account. Optional.
	Via string `pulumi:"via,optional"`
}

// CrossAccountPrivateApiArgs are the inputs of CrossAccountPrivateApi. It spans
// accounts, so it takes each account's provider as a field.
type CrossAccountPrivateApiArgs struct {
	// Region of the API and every endpoint. Required; each provider must act
	// in it. A plain string, not an input: it is validated, and every
	// provider checked against it, before anything is registered.
	Region string `pulumi:"region"`
	// ProducerAccountId is the producer account; endpoint policies allow invoking its APIs only. Required.
	ProducerAccountId string `pulumi:"producerAccountId"`
	// ProducerProvider is the producer account's AWS provider, acting in
	// ProducerAccountId and Region (see ConsumerArgs.Provider). Exactly one
	// of ProducerProvider and ProducerCredentials.
	ProducerProvider *aws.Provider
	// ProducerCredentials make the composition build the producer account's
	// provider itself, pinned to ProducerAccountId and Region (see
	// ConsumerArgs.Credentials). Exactly one of ProducerProvider and
	// ProducerCredentials.
	ProducerCredentials *AccountCredentials `pulumi:"producerCredentials,optional"`
	// Consumers are the accounts that may call the API. Required, at least one.
	Consumers []ConsumerArgs `pulumi:"consumers"`
	// Hub is one endpoint in a shared network account that the consumers
	// with Via ViaHub (the spokes) call through (see HubArgs). Optional.
	Hub *HubArgs `pulumi:"hub,optional"`
	// ApiName, ApiDescription and Routes configure the PrivateRestApi (see PrivateRestApiArgs).
	ApiName        pulumi.StringInput `pulumi:"apiName,optional"`
	ApiDescription pulumi.StringInput `pulumi:"apiDescription,optional"`
	Routes         []Route            `pulumi:"routes,optional"`
	// Adopt takes over an existing API in the producer account instead of
	// creating one; its routes become exactly Routes (see AdoptApiArgs).
	// Optional.
	Adopt *AdoptApiArgs `pulumi:"adopt,optional"`
	// AdoptApi is the former name of Adopt, which the stack file's key
	// (api.adopt) and PrivateRestApiArgs have; it behaves as Adopt. Setting
	// both is refused.
	//
	// Deprecated: use Adopt. Kept for one minor version.
	AdoptApi *AdoptApiArgs `pulumi:"adoptApi,optional"`
	// StageName is the stage to deploy. Required. A plain string, validated
	// before anything is registered (StageDeploymentArgs.StageName, an
	// input, may come from another resource).
	StageName string `pulumi:"stageName"`
	// Authorization is AuthorizationNone (default) or AuthorizationIam: every
	// method then needs SigV4-signed calls, and the resource policy's Allow
	// names the consumers' principals instead of "*". Optional.
	Authorization string `pulumi:"authorization,optional"`
	// PrincipalOrgId adds an aws:PrincipalOrgId condition to the Allow
	// (AWS_IAM only). Optional.
	PrincipalOrgId string `pulumi:"principalOrgId,optional"`
	// AccessLogs sends the stage's access logs to a CloudWatch log group in
	// the producer account. Optional: nil is DefaultAccessLogs (on, 30 days,
	// the account's existing CloudWatch role), the stack program's default
	// too; Disabled turns them off.
	AccessLogs *AccessLogsArgs `pulumi:"accessLogs,optional"`
	// Monitoring adds per-consumer metrics (from the access logs), two
	// alarms per consumer and a dashboard in the producer account (see
	// MonitoringArgs). Optional: nil is on wherever the access logs are on.
	Monitoring *MonitoringArgs `pulumi:"monitoring,optional"`
	// Throttle sets the throttling of every method of the stage and turns on
	// metrics. Optional: nil is DefaultStageThrottle (100/s, bursts of 200),
	// the stack program's default too.
	Throttle *StageThrottle `pulumi:"throttle,optional"`
	// ExtraPolicyStatements are added to the resource policy after the
	// SourceVpce Deny (always first) and the Allow. An Allow may grant only
	// execute-api:Invoke on this API, without NotPrincipal, NotAction or
	// NotResource; a Deny only narrows. Optional.
	ExtraPolicyStatements []map[string]any `pulumi:"extraPolicyStatements,optional"`
	// Tags are set on the resources that take tags. Optional (provider default tags apply anyway).
	Tags pulumi.StringMapInput `pulumi:"tags,optional"`
	// RolePermissionsBoundary is the name (after its path, if any) of the
	// customer managed policy set as the permissions boundary of every IAM
	// role the component creates (a consumer's probe role, API Gateway's
	// CloudWatch Logs role), in that role's account: a policy of that name
	// must exist in each such account. It lets a deployer that may create
	// roles only with that boundary deploy the stack (AWS's delegated role
	// creation; the project's --iam prints the policy and such a deployer).
	// Optional: without it the roles get no boundary.
	RolePermissionsBoundary string `pulumi:"rolePermissionsBoundary,optional"`
	// ProbeFailOnError fails the update when a consumer's probe gets an
	// unexpected answer; false records it in the probe's results only.
	// Optional, default true.
	ProbeFailOnError *bool `pulumi:"probeFailOnError,optional"`
	// CustomDomain gives the API a PRIVATE custom domain name in the
	// producer account, shared with each consumer account through AWS RAM;
	// each created endpoint gets its association, a private hosted zone and
	// an alias, and the customDomain invoke form (see CustomDomainArgs).
	// Optional.
	CustomDomain *CustomDomainArgs `pulumi:"customDomain,optional"`
	// Tls is the API's security policy and endpoint access mode (see
	// ApiTls; STRICT drops the two invoke forms with a Host or
	// x-apigw-api-id header). Optional: nil is TLS_1_2.
	Tls *ApiTls `pulumi:"tls,optional"`
	// Quotas are the producer account's API Gateway quotas where AWS has
	// raised them; the resource policy's length and the API's resources are
	// checked against them before anything is registered. Optional, nil is
	// AWS's defaults (8,192 characters of policy, 300 resources per API).
	Quotas *ApiQuotas `pulumi:"quotas,optional"`
	// Protect protects what holds state or identity (the API, the stage, VPCs,
	// subnets, endpoints and their security groups) against deletion. The
	// deployment, the policy attachment, Lambda permissions, the monitoring
	// and the custom domain's mapping, share and consumer side (association,
	// zone, alias) are never protected: route, policy and consumer changes
	// replace them. The custom domain itself is. Optional,
	// default false. Prefer it to a pulumi.Protect option on this component.
	Protect bool `pulumi:"protect,optional"`
}

// ConsumerAccess is what one consumer gets: its endpoint and the ways to call the API through it.
type ConsumerAccess struct {
	// EndpointId is the consumer's vpce- ID.
	EndpointId pulumi.StringOutput
	// DnsNames are the endpoint's DNS names (for an existing endpoint, its DNS name if given).
	DnsNames pulumi.StringArrayOutput
	// InvokeUrls maps each invoke form (InvokePrivateDns, …) to its URL.
	InvokeUrls pulumi.StringMapOutput
	// CurlCommands maps each invoke form to a ready curl line.
	CurlCommands pulumi.StringMapOutput
	// Endpoint is the created endpoint component, nil for an existing endpoint.
	Endpoint *ExecuteApiEndpoint
	// Hub is the hub endpoint a spoke (ConsumerArgs.Via ViaHub) calls
	// through, nil for other consumers.
	Hub *ExecuteApiEndpoint
	// Probe is the consumer's ConnectivityProbe, nil when it has none.
	Probe *ConnectivityProbe
	// EndpointPolicyJson is the policy document attached to a created
	// endpoint (unset for an existing endpoint): the probe re-runs when it
	// changes. (ConsumerArgs.EndpointPolicy is the policy's mode.)
	EndpointPolicyJson pulumi.StringOutput
	// EndpointPolicy is EndpointPolicyJson by its former name, which
	// ConsumerArgs.EndpointPolicy has for the mode; it holds the same.
	//
	// Deprecated: use EndpointPolicyJson. Kept for one minor version.
	EndpointPolicy pulumi.StringOutput
	// EndpointPolicyResource is that attachment; Network the VPC created
	// for the endpoint. Nil when there is none.
	EndpointPolicyResource *VpcEndpointPolicy
	Network                *ConsumerVpc
	// AlarmNames are the consumer's 5xx-rate and 4xx-rate alarms in the
	// producer account; empty without monitoring.
	AlarmNames pulumi.StringArrayOutput
	// Domain is the API's private custom domain as this consumer sees it,
	// nil without one. For an existing endpoint, DomainSteps are what its
	// owners run in their own account to use it.
	Domain      *PublishedDomain
	DomainSteps pulumi.StringArrayOutput
	// domainReady resolves once the consumer's domain association and
	// alias exist (nil without them): the probe waits for it.
	domainReady pulumi.StringOutput
	// hubZone says the spoke resolves the API's own name through the hub's
	// private hosted zone (HubDnsPhz, or in a Profile: HubDnsProfile).
	hubZone bool
	// hubZoneReady resolves once the zone's alias and the spoke's
	// association exist (HubDnsPhz): the spoke's probe waits for it.
	hubZoneReady pulumi.StringOutput
	// hubDnsName is the regional DNS name of a hub deployed elsewhere
	// (HubArgs.EndpointDnsName), for a spoke's invoke forms.
	hubDnsName pulumi.StringInput
}

// CrossAccountPrivateApi lets workloads in one or more consumer accounts call a
// PRIVATE REST API in the producer account through interface endpoints, and
// nobody else. It composes ExecuteApiEndpoint, PrivateRestApi, ResourcePolicy
// and StageDeployment in the order of the manual procedure.
type CrossAccountPrivateApi struct {
	pulumi.ResourceState

	// RestApiId, ExecutionArn, StageName and DeploymentId describe the producer side.
	RestApiId    pulumi.StringOutput `pulumi:"restApiId"`
	ExecutionArn pulumi.StringOutput `pulumi:"executionArn"`
	StageName    pulumi.StringOutput `pulumi:"stageName"`
	DeploymentId pulumi.StringOutput `pulumi:"deploymentId"`
	// PolicyJson is the API's resource policy.
	PolicyJson pulumi.StringOutput `pulumi:"policyJson"`
	// VpcEndpointIds are every consumer's endpoint, in consumer order.
	VpcEndpointIds pulumi.StringArrayOutput `pulumi:"vpcEndpointIds"`
	// EndpointIds maps each consumer's name to its endpoint's vpce- ID.
	EndpointIds pulumi.StringMapOutput `pulumi:"endpointIds"`
	// InvokeUrls maps each consumer's name to its invoke forms and their
	// URLs (what Consumers[name].InvokeUrls holds, for SDKs in other languages).
	InvokeUrls pulumi.StringMapMapOutput `pulumi:"invokeUrls"`
	// DashboardName is the CloudWatch dashboard of the stage, "" without
	// monitoring.
	DashboardName pulumi.StringOutput `pulumi:"dashboardName"`
	// Domain is the private custom domain, nil without one.
	Domain *DomainOutputs

	// Hub is the hub endpoint in the network account, nil without a hub.
	Hub *ExecuteApiEndpoint
	// hubElsewhere is the endpoint ID of a hub deployed elsewhere
	// (HubArgs.EndpointId), nil otherwise.
	hubElsewhere pulumi.StringInput

	// Consumers maps each consumer name to what it gets.
	Consumers map[string]*ConsumerAccess
	// Api, Policy and Stage are the producer-side components.
	Api    *PrivateRestApi
	Policy *ResourcePolicy
	Stage  *StageDeployment
}

// NewCrossAccountPrivateApi registers a CrossAccountPrivateApi. Providers come
// from the args; protection from args.Protect.
func NewCrossAccountPrivateApi(ctx *pulumi.Context, name string, args *CrossAccountPrivateApiArgs, opts ...pulumi.ResourceOption) (*CrossAccountPrivateApi, error) {
	if args == nil {
		return nil, errors.New("cross-account private api " + name + ": args are required")
	}
	errs := AsFieldErrors(args.Validate())
	args = args.resolved(&fieldErrs{}) // Validate has reported its conflicts
	errs = append(errs, args.checkProviders(ctx, len(errs) == 0)...)
	if len(errs) > 0 {
		return nil, invalidArgs("cross-account private api", name, errs)
	}
	comp := &CrossAccountPrivateApi{Consumers: map[string]*ConsumerAccess{}}
	if err := ctx.RegisterComponentResource(CrossAccountPrivateApiType, name, comp, opts...); err != nil {
		return nil, err
	}
	args, err := args.withCredentialProviders(ctx, name, comp)
	if err != nil {
		return nil, fmt.Errorf("cross-account private api %s: %w", name, err)
	}
	producer := []pulumi.ResourceOption{pulumi.Parent(comp), pulumi.Provider(args.ProducerProvider)}
	// An adopted API, and what a first up would trip over (the preflight),
	// are read before anything is registered in any account; every problem
	// found is reported at once.
	var f fieldErrs
	var adopted *AdoptedApi
	if args.Adopt != nil {
		adopted = readAdoptedApi(ctx, args.Adopt.RestApiId, pulumi.Provider(args.ProducerProvider))
		if err := args.Adopt.CheckExisting(adopted); err != nil {
			f.nest("adopt", err)
		}
	}
	side := consumerSide{name: name, parent: comp, region: args.Region, tags: args.Tags, protect: args.Protect, customDomain: args.CustomDomain != nil,
		boundary: args.RolePermissionsBoundary}
	checked := args.preflight(ctx, name, side.consumerInvokeOpts)
	checked.log(comp)
	f.list = append(f.list, checked.f.list...)
	if err := f.err(); err != nil {
		return nil, invalidArgs("cross-account private api", name, err)
	}

	// Step 1 (account A): an interface endpoint for execute-api in each consumer VPC.
	endpointIds := make(pulumi.StringArray, 0, len(args.Consumers)+1)
	for _, c := range args.Consumers {
		if c.viaHub() {
			continue
		}
		access, err := side.newConsumerEndpoint(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("cross-account private api %s: consumer %s: %w", name, c.Name, err)
		}
		comp.Consumers[c.Name] = access
		endpointIds = append(endpointIds, access.EndpointId)
	}
	// Step 1b (network account): the hub endpoint its spokes call through,
	// listed once among the API's endpoints, after the consumers' own.
	if args.Hub.elsewhere() {
		// Deployed by the hub's own stack: listed once, as it is.
		comp.hubElsewhere = args.Hub.EndpointId
		for _, c := range args.spokes() {
			comp.Consumers[c.Name] = &ConsumerAccess{EndpointId: args.Hub.EndpointId.ToStringOutput(), DnsNames: pulumi.ToStringArray(nil).ToStringArrayOutput(),
				hubDnsName: args.Hub.EndpointDnsName}
		}
		endpointIds = append(endpointIds, args.Hub.EndpointId)
	} else if args.Hub != nil {
		hub, err := newHubEndpoint(ctx, name, comp, args)
		if err != nil {
			return nil, fmt.Errorf("cross-account private api %s: hub: %w", name, err)
		}
		comp.Hub = hub
		for _, c := range args.spokes() {
			comp.Consumers[c.Name] = &ConsumerAccess{EndpointId: hub.EndpointId, DnsNames: hub.DnsNames, Hub: hub}
		}
		endpointIds = append(endpointIds, hub.EndpointId)
	}
	comp.VpcEndpointIds = endpointIds.ToStringArrayOutput()

	// Steps 2 and 4 (account B): the PRIVATE REST API associated with the endpoints, with its methods.
	api, err := newPrivateRestApi(ctx, name+"-api", &PrivateRestApiArgs{
		Name:           args.ApiName,
		Description:    args.ApiDescription,
		VpcEndpointIds: comp.VpcEndpointIds,
		Routes:         args.Routes,
		Tags:           args.Tags,
		Authorization:  args.Authorization,
		Protect:        args.Protect,
		Adopt:          args.Adopt,
		Quotas:         args.Quotas,
		Tls:            args.Tls,
	}, adopted, producer...)
	if err != nil {
		return nil, fmt.Errorf("cross-account private api %s: %w", name, err)
	}

	// Step 3 (account B): the resource policy that denies every other source.
	policy, err := NewResourcePolicy(ctx, name+"-policy", &ResourcePolicyArgs{
		RestApiId:             api.RestApiId,
		ExecutionArn:          api.ExecutionArn,
		VpcEndpointIds:        comp.VpcEndpointIds,
		BodyHash:              api.BodyHash,
		Principals:            allowedPrincipals(args),
		PrincipalOrgId:        pulumi.String(args.PrincipalOrgId),
		ExtraPolicyStatements: args.ExtraPolicyStatements,
		Quotas:                args.Quotas,
		HubEndpointId:         comp.hubEndpointId(),
		Spokes:                policySpokes(args),
	}, producer...)
	if err != nil {
		return nil, fmt.Errorf("cross-account private api %s: %w", name, err)
	}

	// Step 5 (account B): deploy a stage, after the policy and every method
	// exist, with its access logs and throttling.
	var logGroupArn pulumi.StringInput
	var logGroup *cloudwatch.LogGroup
	var stageDeps []pulumi.Resource
	if logs := args.accessLogs(); logs.on() {
		boundary := ""
		if args.RolePermissionsBoundary != "" {
			boundary = vocab.PolicyArn(args.Region, args.ProducerAccountId, args.RolePermissionsBoundary)
		}
		group, deps, err := newAccessLogs(ctx, name, comp, args.Region, args.StageName, &logs, args.Protect, boundary, pulumi.Provider(args.ProducerProvider))
		if err != nil {
			return nil, fmt.Errorf("cross-account private api %s: %w", name, err)
		}
		logGroup, logGroupArn, stageDeps = group, group.Arn, deps
	}
	// Step 4b (network and spoke accounts): the API's own name for the
	// spokes, through the hub's private hosted zone. The stage serves a new
	// deployment only once every spoke's VPC is on the zone: a consumer
	// moving from an endpoint of its own to the hub resolves the API's name
	// to the hub before the policy that admits it only there is served
	// (docs/hub.md, "Moving a consumer between its own endpoint and the
	// hub").
	if args.hubZone() {
		onZone, err := newHubZone(ctx, name, comp, args, comp.Hub, api.RestApiId)
		if err != nil {
			return nil, fmt.Errorf("cross-account private api %s: hub: %w", name, err)
		}
		stageDeps = append(stageDeps, onZone...)
		for i, c := range args.spokes() {
			comp.Consumers[c.Name].hubZone = true
			comp.Consumers[c.Name].hubZoneReady = hubZoneReady(args.Hub.Dns, onZone, i)
		}
	}
	stage, err := NewStageDeployment(ctx, name+"-stage", &StageDeploymentArgs{
		AccessLogDestinationArn: logGroupArn,
		Throttle:                args.throttle(),
		StageDependsOn:          stageDeps,
		RestApiId:               api.RestApiId,
		StageName:               pulumi.String(args.StageName),
		BodyHash:                api.BodyHash,
		PolicyJson:              policy.PolicyJson,
		VpcEndpointIds:          comp.VpcEndpointIds,
		Tags:                    args.Tags,
		Protect:                 args.Protect,
		DependsOn:               append(api.DeploymentDependencies(), policy.Policy),
	}, producer...)
	if err != nil {
		return nil, fmt.Errorf("cross-account private api %s: %w", name, err)
	}

	// Step 5b (both): the private custom domain, shared with each consumer
	// account, associated with each created endpoint and resolved in its VPC.
	if args.CustomDomain != nil {
		if err := newCrossAccountDomain(ctx, name, comp, args, side, api, stage); err != nil {
			return nil, fmt.Errorf("cross-account private api %s: %w", name, err)
		}
	}

	// Step 5c (account A): each created endpoint's policy, now that the API's
	// ARN and the domain's exist (the API and the domain need the endpoint
	// IDs first).
	var domainArn pulumi.StringInput
	if comp.Domain != nil {
		domainArn = comp.Domain.Arn
	}
	for _, c := range args.Consumers {
		if err := side.newEndpointPolicy(ctx, c, comp.Consumers[c.Name], api.ExecutionArn, domainArn); err != nil {
			return nil, fmt.Errorf("cross-account private api %s: consumer %s: %w", name, c.Name, err)
		}
	}
	if comp.Hub != nil {
		attached, err := newHubEndpointPolicy(ctx, name, comp, args.Hub, comp.Hub, api.ExecutionArn, domainArn)
		if err != nil {
			return nil, fmt.Errorf("cross-account private api %s: hub: %w", name, err)
		}
		for _, c := range args.spokes() {
			access := comp.Consumers[c.Name]
			access.EndpointPolicyJson, access.EndpointPolicy = attached.Policy, attached.Policy
		}
	}

	// Step 6 (account A): the ways to call it from each consumer VPC.
	deployed := deployedApi{executionArn: api.ExecutionArn, stageName: stage.StageName, deploymentId: stage.DeploymentId,
		policyHash: policy.PolicyJson.ApplyT(TriggerHash).(pulumi.StringOutput)}
	var hubCidrs pulumi.StringArrayOutput
	for _, c := range args.spokes() {
		if c.Probe {
			hubCidrs = hubVpcCidr(ctx, comp, args.Hub)
			break
		}
	}
	for _, c := range args.Consumers {
		access := comp.Consumers[c.Name]
		headers := setInvokeForms(access, c, api.RestApiId, args.Region, stage.StageName, args.Authorization == AuthorizationIam, args.Tls.Strict())

		// Step 7 (account A, or a spoke's account): prove the call from
		// inside the consumer VPC, a spoke's through the hub.
		if c.Probe && c.viaHub() {
			probe, err := side.newSpokeProbe(ctx, c, access, headers, ProbeTargetFor(args.Routes, args.Authorization, c), deployed, args.ProbeFailOnError, hubCidrs)
			if err != nil {
				return nil, fmt.Errorf("cross-account private api %s: consumer %s: %w", name, c.Name, err)
			}
			access.Probe = probe
		} else if c.Probe {
			probe, err := side.newConsumerProbe(ctx, c, access, headers, ProbeTargetFor(args.Routes, args.Authorization, c), deployed, args.ProbeFailOnError)
			if err != nil {
				return nil, fmt.Errorf("cross-account private api %s: consumer %s: %w", name, c.Name, err)
			}
			access.Probe = probe
		}
	}

	// Step 8 (account B): per-consumer metrics, alarms and a dashboard.
	comp.DashboardName = pulumi.String("").ToStringOutput()
	if args.MonitoringOn() && logGroup != nil {
		in := monitoringInputs{name: name, stageName: args.StageName, logGroupName: logGroup.Name, apiId: api.RestApiId,
			region: args.Region, args: args.monitoring(), tags: args.Tags}
		for _, c := range args.Consumers {
			if !c.viaHub() {
				in.consumers = append(in.consumers, monitoredConsumer{name: c.Name, accountId: c.AccountId, endpointId: comp.Consumers[c.Name].EndpointId})
			}
		}
		if args.Hub != nil {
			// The metrics tell endpoints apart (vpceId): the spokes share the hub's.
			in.consumers = append(in.consumers, monitoredConsumer{name: hubMonitoringName, accountId: args.Hub.AccountId, endpointId: comp.hubEndpointId().ToStringOutput()})
		}
		mon, err := newMonitoring(ctx, comp, in, pulumi.Provider(args.ProducerProvider))
		if err != nil {
			return nil, fmt.Errorf("cross-account private api %s: %w", name, err)
		}
		comp.DashboardName = mon.DashboardName
		for c, alarms := range mon.Alarms {
			if c == hubMonitoringName && args.Hub != nil {
				for _, s := range args.spokes() {
					comp.Consumers[s.Name].AlarmNames = pulumi.ToStringArrayOutput(alarms)
				}
				continue
			}
			comp.Consumers[c].AlarmNames = pulumi.ToStringArrayOutput(alarms)
		}
	}

	comp.Api, comp.Policy, comp.Stage = api, policy, stage
	comp.RestApiId, comp.ExecutionArn = api.RestApiId, api.ExecutionArn
	comp.StageName, comp.DeploymentId = stage.StageName, stage.DeploymentId
	comp.PolicyJson = policy.PolicyJson
	endpoints, urls := pulumi.StringMap{}, pulumi.StringMapMap{}
	for name, access := range comp.Consumers {
		endpoints[name], urls[name] = access.EndpointId, access.InvokeUrls
	}
	comp.EndpointIds, comp.InvokeUrls = endpoints.ToStringMapOutput(), urls.ToStringMapMapOutput()
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"endpointIds":    comp.EndpointIds,
		"invokeUrls":     comp.InvokeUrls,
		"restApiId":      comp.RestApiId,
		"executionArn":   comp.ExecutionArn,
		"stageName":      comp.StageName,
		"deploymentId":   comp.DeploymentId,
		"policyJson":     comp.PolicyJson,
		"vpcEndpointIds": comp.VpcEndpointIds,
		"dashboardName":  comp.DashboardName,
	}); err != nil {
		return nil, err
	}
	return comp, nil
}

// withCredentialProviders returns the args with a pinned provider, child of
// comp, for the producer and each consumer given by credentials; the args
// are not changed.
func (a *CrossAccountPrivateApiArgs) withCredentialProviders(ctx *pulumi.Context, name string, comp pulumi.Resource) (*CrossAccountPrivateApiArgs, error) {
	out := *a
	if a.ProducerCredentials != nil {
		p, err := a.ProducerCredentials.newProvider(ctx, name+"-producer-provider", a.ProducerAccountId, a.Region, comp)
		if err != nil {
			return nil, err
		}
		out.ProducerProvider = p
	}
	if a.Hub != nil && a.Hub.Credentials != nil {
		hub := *a.Hub
		p, err := a.Hub.Credentials.newProvider(ctx, name+"-hub-provider", a.Hub.AccountId, a.Region, comp)
		if err != nil {
			return nil, err
		}
		hub.Provider = p
		out.Hub = &hub
	}
	out.Consumers = append([]ConsumerArgs(nil), a.Consumers...)
	for i, c := range out.Consumers {
		if c.Credentials == nil || c.EndpointId != nil || (c.viaHub() && !a.spokeDeploys(c)) {
			continue
		}
		p, err := c.Credentials.newProvider(ctx, name+"-"+c.Name+"-provider", c.AccountId, a.Region, comp)
		if err != nil {
			return nil, err
		}
		out.Consumers[i].Provider = p
	}
	return &out, nil
}

// allowedPrincipals are the callers an AWS_IAM API allows: each consumer's
// Principals, or its account root; nil (anyone through a listed endpoint)
// without AWS_IAM.
func allowedPrincipals(args *CrossAccountPrivateApiArgs) pulumi.StringArrayInput {
	if args.Authorization != AuthorizationIam {
		return nil
	}
	lists := make([]any, 0, len(args.Consumers))
	for _, c := range args.Consumers {
		if c.viaHub() {
			continue // allowed by its own statement (policySpokes)
		}
		if c.Principals != nil {
			lists = append(lists, c.Principals)
		} else {
			lists = append(lists, pulumi.StringArray{pulumi.String(accountRootArn(args.Region, c.AccountId))})
		}
	}
	return pulumi.All(lists...).ApplyT(func(v []any) []string {
		var all []string
		for _, l := range v {
			all = append(all, l.([]string)...)
		}
		return all
	}).(pulumi.StringArrayOutput)
}

// accountRootArn is the root principal of an account, what an AWS_IAM API
// allows for a consumer without principals.
func accountRootArn(region, account string) string {
	return fmt.Sprintf("arn:%s:iam::%s:root", partitionOf(region), account)
}

// accessLogs are the args' access logs with the default for nil.
func (a *CrossAccountPrivateApiArgs) accessLogs() AccessLogsArgs {
	if a.AccessLogs == nil {
		return DefaultAccessLogs()
	}
	return *a.AccessLogs
}

// throttle is the args' throttle with the default for nil.
func (a *CrossAccountPrivateApiArgs) throttle() *StageThrottle {
	if a.Throttle == nil {
		t := DefaultStageThrottle
		return &t
	}
	return a.Throttle
}
