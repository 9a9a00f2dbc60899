package components

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// This file holds the consumer side of CrossAccountPrivateApi: each
// consumer's endpoint (in its own account and, for private DNS in an
// existing VPC, gated on the VPC's DNS attributes) and the
// endpoint's policy once the API exists.

// privateDnsOn applies the default to a consumer's optional flag: on only in
// a VPC created here.
func privateDnsOn(c ConsumerArgs) bool {
	if c.PrivateDns != nil {
		return *c.PrivateDns
	}
	return c.Vpc != nil
}

// newEndpointPolicy attaches the policy of a created endpoint: Invoke on this
// API only (restricted) or on any API (full). An existing endpoint gets none.
func newEndpointPolicy(ctx *pulumi.Context, name string, comp *CrossAccountPrivateApi, c ConsumerArgs, executionArn pulumi.StringOutput) error {
	access := comp.Consumers[c.Name]
	if access.Endpoint == nil {
		return nil
	}
	mode := c.EndpointPolicy
	doc := executionArn.ApplyT(func(arn string) (string, error) {
		if mode == EndpointPolicyFull {
			return EndpointPolicyJson([]string{"arn:" + strings.Split(arn, ":")[1] + ":execute-api:*:*:*"})
		}
		return EndpointPolicyJson([]string{arn + "/*"})
	}).(pulumi.StringOutput)
	// Replaced with its endpoint; never protected (a protected attachment would
	// block replacing the endpoint).
	attached, err := ec2.NewVpcEndpointPolicy(ctx, name+"-"+c.Name+"-endpoint-policy", &ec2.VpcEndpointPolicyArgs{
		VpcEndpointId: access.EndpointId,
		Policy:        doc,
	}, pulumi.Parent(comp), pulumi.Provider(c.Provider), pulumi.Protect(false))
	if err != nil {
		return err
	}
	// The attachment's output, so the probe runs once the policy is on.
	access.EndpointPolicy = attached.Policy
	return nil
}

// newConsumerEndpoint registers one consumer's side: nothing for an existing
// endpoint, else (optionally) a VPC and an ExecuteApiEndpoint on the consumer's
// provider, whose region must be the API's.
func newConsumerEndpoint(ctx *pulumi.Context, name string, comp *CrossAccountPrivateApi, args *CrossAccountPrivateApiArgs, c ConsumerArgs) (*ConsumerAccess, error) {
	if c.ExistingEndpointId != nil {
		dnsNames := pulumi.StringArray{}
		if c.ExistingEndpointDnsName != nil {
			dnsNames = append(dnsNames, c.ExistingEndpointDnsName)
		}
		return &ConsumerAccess{
			EndpointId: c.ExistingEndpointId.ToStringOutput(),
			DnsNames:   dnsNames.ToStringArrayOutput(),
		}, nil
	}
	consumer := []pulumi.ResourceOption{pulumi.Parent(comp), pulumi.Provider(c.Provider)}
	prefix := name + "-" + c.Name
	// checkPinned has already held the provider to the API's region.
	region := pulumi.String(args.Region)
	vpcId, subnetIds, allowed := c.VpcId, c.SubnetIds, c.AllowedCidrs
	if c.Vpc != nil {
		vpcArgs := *c.Vpc
		vpcArgs.Region = region
		vpcArgs.Protect = args.Protect
		vpc, err := NewConsumerVpc(ctx, prefix+"-network", &vpcArgs, consumer...)
		if err != nil {
			return nil, err
		}
		vpcId, subnetIds = vpc.VpcId, vpc.SubnetIds
		if allowed == nil {
			allowed = pulumi.StringArray{vpc.CidrBlock}
		}
	} else {
		existing := ec2.LookupVpcOutput(ctx, ec2.LookupVpcOutputArgs{Id: vpcId}, pulumi.Parent(comp), pulumi.Provider(c.Provider))
		if allowed == nil {
			allowed = pulumi.StringArray{existing.CidrBlock()}
		}
		if privateDnsOn(c) {
			vpcId = checkedDnsAttributes(c.Name, existing)
		}
	}
	endpoint, err := NewExecuteApiEndpoint(ctx, prefix+"-endpoint", &ExecuteApiEndpointArgs{
		Region:       region,
		VpcId:        vpcId,
		SubnetIds:    subnetIds,
		AllowedCidrs: allowed,
		PrivateDns:   pulumi.BoolRef(privateDnsOn(c)),
		SkipPolicy:   true,
		Tags:         args.Tags,
		Protect:      args.Protect,
	}, consumer...)
	if err != nil {
		return nil, err
	}
	return &ConsumerAccess{EndpointId: endpoint.EndpointId, DnsNames: endpoint.DnsNames, Endpoint: endpoint}, nil
}

// checkedDnsAttributes resolves to the existing VPC's ID only when its DNS
// support and DNS hostnames are on, which private DNS for an interface
// endpoint needs; otherwise it fails with what to change, before the
// endpoint is created.
func checkedDnsAttributes(consumer string, vpc ec2.LookupVpcResultOutput) pulumi.StringOutput {
	return pulumi.All(vpc.Id(), vpc.EnableDnsSupport(), vpc.EnableDnsHostnames()).ApplyT(func(v []any) (string, error) {
		id, support, hostnames := v[0].(string), v[1].(bool), v[2].(bool)
		var off []string
		if !support {
			off = append(off, "enableDnsSupport")
		}
		if !hostnames {
			off = append(off, "enableDnsHostnames")
		}
		if len(off) > 0 {
			return "", fmt.Errorf("consumer %s: private DNS is on but VPC %s has %s off; turn them on in the VPC, or set privateDns: false and use the route53Alias or public-DNS invoke forms", consumer, id, strings.Join(off, " and "))
		}
		return id, nil
	}).(pulumi.StringOutput)
}

// newConsumerProbe registers a consumer's ConnectivityProbe in its account,
// in the endpoint's subnets, calling the first GET or ANY route. It re-runs
// whenever the deployment, the resource policy, the endpoint or its policy
// changes.
func newConsumerProbe(ctx *pulumi.Context, name string, comp *CrossAccountPrivateApi, args *CrossAccountPrivateApiArgs, c ConsumerArgs,
	access *ConsumerAccess, headers pulumi.StringMapMapOutput, api *PrivateRestApi, policy *ResourcePolicy, stage *StageDeployment) (*ConnectivityProbe, error) {
	route, _ := probeRoute(args.Routes)
	expected := 0
	if route.Integration.Type == IntegrationMock {
		expected = mockStatus(route.Integration)
	}
	sign := args.Authorization == AuthorizationIam
	if sign && !principalsCoverRoot(c) {
		// The probe's role is not among the named principals: the API must refuse it.
		expected = 403
	}
	return NewConnectivityProbe(ctx, name+"-"+c.Name+"-probe", &ConnectivityProbeArgs{
		Region:                  args.Region,
		VpcId:                   access.Endpoint.VpcId,
		SubnetIds:               access.Endpoint.SubnetIds,
		EndpointSecurityGroupId: access.Endpoint.SecurityGroupId,
		InvokeUrls:              access.InvokeUrls,
		InvokeHeaders:           headers,
		Path:                    probePath(route.Path),
		ExpectedStatus:          expected,
		Integration:             route.Integration.Type,
		Sign:                    sign,
		ExecutionArn:            api.ExecutionArn,
		StageName:               stage.StageName,
		Triggers: pulumi.StringMap{
			"deployment": stage.DeploymentId,
			"policy":     policy.PolicyJson.ApplyT(TriggerHash).(pulumi.StringOutput),
			"endpoint":   access.EndpointId,
			// A new endpoint policy (e.g. full -> restricted) may refuse the
			// probe's calls: run it again.
			"endpointPolicy": access.EndpointPolicy.ApplyT(TriggerHash).(pulumi.StringOutput),
			// A change of who may reach the endpoint re-runs the probe too.
			"allowedCidrs": access.Endpoint.AllowedCidrs.ApplyT(func(c []string) string { return strings.Join(c, ",") }).(pulumi.StringOutput),
		},
		FailOnError: args.ProbeFailOnError,
		Tags:        args.Tags,
	}, pulumi.Parent(comp), pulumi.Provider(c.Provider))
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
	segs := PathSegments(path)
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
