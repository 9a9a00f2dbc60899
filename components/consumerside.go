package components

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// This file holds the consumer side that CrossAccountPrivateApi (one stack,
// every account) and ConsumerApiAccess (a consumer's own stack) share: each
// consumer's endpoint (in its own account and, for private DNS in an
// existing VPC, gated on the VPC's DNS attributes), the endpoint's policy
// once the API exists, the invoke forms and the probe. Children are named
// name-<consumer>-…, so both compositions name them alike.

// consumerSide is what the consumer's pieces need of their composition.
type consumerSide struct {
	// name prefixes every child; parent parents them.
	name   string
	parent pulumi.Resource
	region string
	tags   pulumi.StringMapInput
	// protect protects the VPC, subnets, endpoint and its security group.
	protect bool
	// customDomain says the API has a private custom domain: its private
	// hosted zone needs the VPC's DNS attributes, as private DNS does.
	customDomain bool
	// boundary is the name of the permissions boundary policy of the roles
	// created in a consumer's account ("" for none).
	boundary string
}

// consumerOpts parents a consumer's child and, when the consumer names its
// provider, puts it there; otherwise the child inherits its parent's.
func (s consumerSide) consumerOpts(c ConsumerArgs) []pulumi.ResourceOption {
	opts := []pulumi.ResourceOption{}
	for _, o := range s.placement(c) {
		opts = append(opts, o)
	}
	return opts
}

// consumerInvokeOpts are consumerOpts for a data source.
func (s consumerSide) consumerInvokeOpts(c ConsumerArgs) []pulumi.InvokeOption {
	opts := []pulumi.InvokeOption{}
	for _, o := range s.placement(c) {
		opts = append(opts, o)
	}
	return opts
}

// placement is the parent and, when the consumer names one, the provider.
func (s consumerSide) placement(c ConsumerArgs) []pulumi.ResourceOrInvokeOption {
	opts := []pulumi.ResourceOrInvokeOption{pulumi.Parent(s.parent)}
	if c.Provider != nil {
		opts = append(opts, pulumi.Provider(c.Provider))
	}
	return opts
}

// privateDnsOn applies the default to a consumer's optional flag: on only in
// a VPC created here.
func privateDnsOn(c ConsumerArgs) bool {
	if c.PrivateDns != nil {
		return *c.PrivateDns
	}
	return c.Vpc != nil
}

// newEndpointPolicy attaches the policy of a created endpoint: Invoke on this
// API only (restricted) or on any API (full). With a private custom domain
// (domainArn, the domain's apigateway ARN; nil without one) the restricted
// policy also allows the domain itself: API Gateway evaluates the endpoint's
// policy against the domain name's execute-api ARN for a call through the
// domain, and against the API's ARN for the API behind it ("Use VPC endpoint
// policies for private APIs in API Gateway", example 5). An existing
// endpoint gets none.
func (s consumerSide) newEndpointPolicy(ctx *pulumi.Context, c ConsumerArgs, access *ConsumerAccess, executionArn pulumi.StringOutput, domainArn pulumi.StringInput) error {
	if access.Endpoint == nil {
		return nil
	}
	mode := c.EndpointPolicy
	if domainArn == nil {
		domainArn = pulumi.String("")
	}
	doc := pulumi.All(executionArn, domainArn).ApplyT(func(v []any) (string, error) {
		arn, domain := v[0].(string), v[1].(string)
		if mode == EndpointPolicyFull {
			return endpointPolicyJson([]string{"arn:" + strings.Split(arn, ":")[1] + ":execute-api:*:*:*"})
		}
		arns := []string{arn + "/*"}
		if domain != "" {
			arns = append(arns, domainInvokeArn(domain))
		}
		return endpointPolicyJson(arns)
	}).(pulumi.StringOutput)
	// Replaced with its endpoint; never protected (a protected attachment would
	// block replacing the endpoint).
	attached, err := newEc2[VpcEndpointPolicy](ctx, typeEc2VpcEndpointPolicy, s.name+"-"+c.Name+"-endpoint-policy", map[string]pulumi.Input{
		"vpcEndpointId": access.EndpointId,
		"policy":        doc,
	}, append(s.consumerOpts(c), pulumi.Protect(false), keepPolicyOnDelete)...)
	if err != nil {
		return err
	}
	// The attachment's output, so the probe runs once the policy is on.
	access.EndpointPolicyJson = attached.Policy
	access.EndpointPolicy = access.EndpointPolicyJson
	access.EndpointPolicyResource = attached
	return nil
}

// newConsumerEndpoint registers one consumer's side: nothing for an existing
// endpoint, else (optionally) a VPC and an ExecuteApiEndpoint on the consumer's
// provider, whose region must be the API's.
func (s consumerSide) newConsumerEndpoint(ctx *pulumi.Context, c ConsumerArgs) (*ConsumerAccess, error) {
	if c.EndpointId != nil {
		dnsNames := pulumi.StringArray{}
		if c.EndpointDnsName != nil {
			dnsNames = append(dnsNames, c.EndpointDnsName)
		}
		return &ConsumerAccess{
			EndpointId: c.EndpointId.ToStringOutput(),
			DnsNames:   dnsNames.ToStringArrayOutput(),
		}, nil
	}
	consumer := s.consumerOpts(c)
	prefix := s.name + "-" + c.Name
	// checkPinned has already held the provider to the API's region.
	region := pulumi.String(s.region)
	vpcId, subnetIds, allowed := c.VpcId, c.SubnetIds, c.AllowedCidrs
	var network *ConsumerVpc
	if c.Vpc != nil {
		vpcArgs := *c.Vpc
		vpcArgs.Region = region
		vpcArgs.Protect = s.protect
		vpc, err := NewConsumerVpc(ctx, prefix+"-network", &vpcArgs, consumer...)
		if err != nil {
			return nil, err
		}
		vpcId, subnetIds, network = vpc.VpcId, vpc.SubnetIds, vpc
		if allowed == nil {
			allowed = pulumi.StringArray{vpc.CidrBlock}
		}
	} else {
		existing := lookupVpc(ctx, vpcId, s.consumerInvokeOpts(c)...)
		if allowed == nil {
			allowed = pulumi.StringArray{existing.ApplyT(func(v any) string { return v.(existingVpc).CidrBlock }).(pulumi.StringOutput)}
		}
		switch {
		case privateDnsOn(c):
			vpcId = checkedDnsAttributes(c.Name, existing, "private DNS is on",
				"turn them on in the VPC, or set privateDns: false and use the route53Alias or public-DNS invoke forms")
		case s.customDomain:
			vpcId = checkedDnsAttributes(c.Name, existing, "the API's custom domain resolves through a private hosted zone", "turn them on in the VPC")
		}
	}
	endpoint, err := NewExecuteApiEndpoint(ctx, endpointName(s.name, c), &ExecuteApiEndpointArgs{
		Region:         region,
		VpcId:          vpcId,
		SubnetIds:      subnetIds,
		AllowedCidrs:   allowed,
		PrivateDns:     pulumi.BoolRef(privateDnsOn(c)),
		EndpointPolicy: EndpointPolicySeparate,
		Tags:           s.tags,
		Protect:        s.protect,
	}, consumer...)
	if err != nil {
		return nil, err
	}
	return &ConsumerAccess{EndpointId: endpoint.EndpointId, DnsNames: endpoint.DnsNames, Endpoint: endpoint, Network: network}, nil
}

// checkedDnsAttributes resolves to the existing VPC's ID only when its DNS
// support and DNS hostnames are on, which private DNS for an interface
// endpoint and a private hosted zone need (why says which); otherwise it
// fails with what to change (fix), before the endpoint is created.
func checkedDnsAttributes(consumer string, vpc pulumi.AnyOutput, why, fix string) pulumi.StringOutput {
	return vpc.ApplyT(func(v any) (string, error) {
		existing := v.(existingVpc)
		if off := dnsAttributesOff(existing); len(off) > 0 {
			return "", fmt.Errorf("consumer %s: %s but VPC %s has %s off; %s", consumer, why, existing.Id, strings.Join(off, " and "), fix)
		}
		return existing.Id, nil
	}).(pulumi.StringOutput)
}

// ProbeTarget is what a consumer's probe calls and expects: the route, the
// status it expects and whether it signs its calls.
type ProbeTarget struct {
	// Path is the path called, each {param} as "probe".
	Path string `pulumi:"path"`
	// Integration is the route's integration type.
	Integration string `pulumi:"integration"`
	// ExpectedStatus is the status expected (0: any answer API Gateway did
	// not refuse, for a proxy or Lambda route).
	ExpectedStatus int `pulumi:"expectedStatus"`
	// Sign says whether the calls are SigV4-signed (AWS_IAM).
	Sign bool `pulumi:"sign"`
}

// ProbeTargetFor is the probe target of consumer c of an API with these
// routes and authorization: the first GET or ANY route (path parameters as
// "probe"), its MOCK status, and with AWS_IAM and named principals that
// leave out the account root (and so the probe's role) 403.
func ProbeTargetFor(routes []Route, authorization string, c ConsumerArgs) ProbeTarget {
	route, _ := probeRoute(routes)
	expected := 0
	if route.Integration.Type == IntegrationMock {
		expected = mockStatus(route.Integration)
	}
	sign := authorization == AuthorizationIam
	if sign && !principalsCoverRoot(c) {
		// The probe's role is not among the named principals: the API must refuse it.
		expected = 403
	}
	return ProbeTarget{Path: probePath(route.Path), Integration: route.Integration.Type, ExpectedStatus: expected, Sign: sign}
}

// deployedApi is what a probe needs of the producer side: where to call, and
// what re-runs it (a new deployment, a new resource policy).
type deployedApi struct {
	executionArn, stageName, deploymentId pulumi.StringOutput
	// policyHash is TriggerHash of the resource policy.
	policyHash pulumi.StringOutput
}

// newConsumerProbe registers a consumer's ConnectivityProbe in its account,
// in the endpoint's subnets. It re-runs whenever the deployment, the
// resource policy, the endpoint or its policy changes.
func (s consumerSide) newConsumerProbe(ctx *pulumi.Context, c ConsumerArgs, access *ConsumerAccess, headers pulumi.StringMapMapOutput,
	target ProbeTarget, api deployedApi, failOnError *bool) (*ConnectivityProbe, error) {
	triggers := pulumi.StringMap{
		"deployment": api.deploymentId,
		"policy":     api.policyHash,
		"endpoint":   access.EndpointId,
		// A new endpoint policy (e.g. full -> restricted) may refuse the
		// probe's calls: run it again.
		"endpointPolicy": access.EndpointPolicyJson.ApplyT(TriggerHash).(pulumi.StringOutput),
		// A change of who may reach the endpoint re-runs the probe too.
		"allowedCidrs": access.Endpoint.AllowedCidrs.ApplyT(func(c []string) string { return strings.Join(c, ",") }).(pulumi.StringOutput),
	}
	if access.Domain != nil {
		// A new domain association or alias: call the domain once they exist.
		triggers["customDomain"] = access.domainReady
	}
	return s.registerProbe(ctx, c, access, headers, target, api, failOnError, triggers, ConnectivityProbeArgs{
		VpcId:                   access.Endpoint.VpcId,
		SubnetIds:               access.Endpoint.SubnetIds,
		EndpointSecurityGroupId: access.Endpoint.SecurityGroupId,
	})
}

// registerProbe registers c's ConnectivityProbe in its account: where is
// where it runs and what it may reach (VpcId, SubnetIds, and the endpoint's
// security group or, through the hub, EndpointCidrs and ThroughHub); the
// rest (the calls, their expectations, triggers, tags and the permissions
// boundary) is the same for a consumer's probe and a spoke's.
func (s consumerSide) registerProbe(ctx *pulumi.Context, c ConsumerArgs, access *ConsumerAccess, headers pulumi.StringMapMapOutput,
	target ProbeTarget, api deployedApi, failOnError *bool, triggers pulumi.StringMap, where ConnectivityProbeArgs) (*ConnectivityProbe, error) {
	args := where
	args.Region = s.region
	args.InvokeUrls = access.InvokeUrls
	args.InvokeHeaders = headers
	args.Path, args.ExpectedStatus, args.Integration, args.Sign = target.Path, target.ExpectedStatus, target.Integration, target.Sign
	args.ExecutionArn, args.StageName = api.executionArn, api.stageName
	args.Triggers = triggers
	args.FailOnError = failOnError
	args.Tags = s.tags
	if s.boundary != "" {
		args.PermissionsBoundary = vocab.PolicyArn(s.region, c.AccountId, s.boundary)
	}
	return NewConnectivityProbe(ctx, s.name+"-"+c.Name+"-probe", &args, s.consumerOpts(c)...)
}

// setInvokeForms fills the access's invoke URLs and curl lines for an API
// (and its custom domain, access.Domain) and returns the headers of each
// form, for the probe.
func setInvokeForms(access *ConsumerAccess, c ConsumerArgs, restApiId pulumi.StringInput, region string, stageName pulumi.StringInput, sigv4, strict bool) pulumi.StringMapMapOutput {
	publicDns := pulumi.String("").ToStringOutput()
	switch {
	case access.Endpoint != nil:
		publicDns = access.Endpoint.PublicDnsName
	case access.Hub != nil:
		publicDns = access.Hub.PublicDnsName
	case access.hubDnsName != nil:
		publicDns = access.hubDnsName.ToStringOutput()
	case c.EndpointDnsName != nil:
		publicDns = c.EndpointDnsName.ToStringOutput()
	}
	var domain pulumi.StringInput = pulumi.String("")
	basePath := ""
	if access.Domain != nil {
		domain, basePath = access.Domain.Name, access.Domain.BasePath
	}
	// Through the hub's private hosted zone a spoke resolves the API's own
	// name, as private DNS would in the endpoint's VPC.
	privateDns := privateDnsOn(c) || access.hubZone
	forms := invokeFormsOutput(restApiId, pulumi.String(region), stageName, access.EndpointId, publicDns, domain, basePath, privateDns, sigv4, strict)
	access.InvokeUrls = forms.ApplyT(func(f any) map[string]string { return f.(InvokeForms).Urls }).(pulumi.StringMapOutput)
	access.CurlCommands = forms.ApplyT(func(f any) map[string]string { return f.(InvokeForms).Curl }).(pulumi.StringMapOutput)
	return forms.ApplyT(func(f any) map[string]map[string]string { return f.(InvokeForms).Headers }).(pulumi.StringMapMapOutput)
}

// probeRoute picks the route a probe calls: the first GET or ANY route
// (DefaultRoutes when none are given); false when there is none.
func probeRoute(routes []Route) (Route, bool) {
	if len(routes) == 0 {
		routes = DefaultRoutes()
	}
	for _, r := range routes {
		if r.Method == "GET" || r.Method == "ANY" {
			return r, true
		}
	}
	return Route{}, false
}

// probePath turns a route path into one the probe can call: each {param}
// or {param+} becomes "probe".
func probePath(path string) string {
	segs := pathSegments(path)
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") {
			segs[i] = "probe"
		}
	}
	return "/" + strings.Join(segs, "/")
}

// principalsCoverRoot says whether an AWS_IAM consumer's allowed principals
// include its account root (the default), which covers the probe's role.
func principalsCoverRoot(c ConsumerArgs) bool {
	if c.Principals == nil {
		return true
	}
	principals, ok := plainStrings(c.Principals)
	if !ok {
		return true // unknown until deployed: expect the call to pass
	}
	for _, p := range principals {
		if strings.HasSuffix(p, ":root") {
			return true
		}
	}
	return false
}
