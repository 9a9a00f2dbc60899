package components

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// ExecuteApiEndpointArgs are the inputs of ExecuteApiEndpoint.
type ExecuteApiEndpointArgs struct {
	// Region of the endpoint; it must be the API's region. Required. An
	// input, so it may come from another resource (CrossAccountPrivateApiArgs.Region,
	// which is validated before anything is registered, is a plain string).
	Region pulumi.StringInput `pulumi:"region"`
	// VpcId is the VPC the endpoint is placed in. Required.
	VpcId pulumi.StringInput `pulumi:"vpcId"`
	// SubnetIds get one endpoint network interface each. Required.
	SubnetIds pulumi.StringArrayInput `pulumi:"subnetIds"`
	// AllowedCidrs may reach the endpoint on port 443; nothing else may. Required;
	// an open-world CIDR (0.0.0.0/0, ::/0) is refused.
	AllowedCidrs pulumi.StringArrayInput `pulumi:"allowedCidrs"`
	// PrivateDns turns on private DNS for execute-api in the VPC: every
	// *.execute-api.<region>.amazonaws.com name in the whole VPC then resolves
	// to this endpoint, so public and regional APIs become unreachable from it,
	// and a VPC holds one such endpoint at most. Optional, default false.
	PrivateDns *bool `pulumi:"privateDns,optional"`
	// EndpointPolicy is the endpoint's policy, as ConsumerArgs.EndpointPolicy
	// names it: EndpointPolicyRestricted (default), execute-api:Invoke on
	// InvokeArns and nothing else; EndpointPolicyFull, Invoke on every API of
	// the endpoint's region, in any account
	// (arn:<partition>:execute-api:<region>:*:*), for an endpoint that serves
	// APIs you cannot list; or EndpointPolicySeparate, a policy attached
	// separately (ec2.VpcEndpointPolicy). Optional.
	EndpointPolicy string `pulumi:"endpointPolicy,optional"`
	// InvokeArns are the execute-api ARNs (wildcards allowed) callers may
	// invoke through the endpoint with EndpointPolicyRestricted, and only
	// then. Required with it.
	InvokeArns pulumi.StringArrayInput `pulumi:"invokeArns,optional"`
	// FullAccessPolicy is EndpointPolicy EndpointPolicyFull by its former
	// name; it behaves as that. Setting it with EndpointPolicy is refused.
	//
	// Deprecated: use EndpointPolicy EndpointPolicyFull. Kept for one minor version.
	FullAccessPolicy bool `pulumi:"fullAccessPolicy,optional"`
	// SkipPolicy is EndpointPolicy EndpointPolicySeparate by its former
	// name; it behaves as that. Setting it with EndpointPolicy is refused.
	//
	// Deprecated: use EndpointPolicy EndpointPolicySeparate. Kept for one minor version.
	SkipPolicy bool `pulumi:"skipPolicy,optional"`
	// Tags are set on the endpoint and its security group. Optional.
	Tags pulumi.StringMapInput `pulumi:"tags,optional"`
	// Protect protects the endpoint and its security group against deletion.
	// Optional, default false.
	Protect bool `pulumi:"protect,optional"`
}

// ExecuteApiEndpoint is an interface VPC endpoint for execute-api with a
// security group of its own that opens port 443 to the allowed CIDRs only.
type ExecuteApiEndpoint struct {
	pulumi.ResourceState

	// EndpointId is the vpce- ID.
	EndpointId pulumi.StringOutput `pulumi:"endpointId"`
	// DnsNames are all of the endpoint's DNS entries (regional, zonal, private).
	DnsNames pulumi.StringArrayOutput `pulumi:"dnsNames"`
	// PublicDnsName is the regional vpce-….execute-api.<region>.vpce.amazonaws.com name.
	PublicDnsName pulumi.StringOutput `pulumi:"publicDnsName"`
	// PublicDnsZoneId is the hosted zone of that name, for a Route 53 alias to it.
	PublicDnsZoneId pulumi.StringOutput `pulumi:"publicDnsZoneId"`
	// SecurityGroupId is the endpoint's security group.
	SecurityGroupId pulumi.StringOutput `pulumi:"securityGroupId"`
	// AllowedCidrs are the ranges its security group lets in on 443.
	AllowedCidrs pulumi.StringArrayOutput `pulumi:"allowedCidrs"`
	// VpcId and SubnetIds are where the endpoint's network interfaces are.
	VpcId     pulumi.StringOutput      `pulumi:"vpcId"`
	SubnetIds pulumi.StringArrayOutput `pulumi:"subnetIds"`

	// Endpoint is the VpcEndpoint child.
	Endpoint *VpcEndpoint
	// SecurityGroup is the endpoint's security group child.
	SecurityGroup *SecurityGroup
}

// Validate checks the args and returns every problem as FieldErrors: the
// required inputs, and allowedCidrs when given as plain values (an output is
// checked once known, before the security group takes it).
func (a *ExecuteApiEndpointArgs) Validate() error {
	var f fieldErrs
	f.require(a.Region != nil, "region")
	f.require(a.VpcId != nil, "vpcId")
	f.require(a.SubnetIds != nil, "subnetIds")
	f.require(a.AllowedCidrs != nil, "allowedCidrs")
	a = a.resolved(&f)
	switch a.EndpointPolicy {
	case "", EndpointPolicyRestricted:
		if a.InvokeArns == nil {
			f.add("invokeArns", "missing; with endpointPolicy %s (the default) name the APIs callers may invoke through the endpoint, "+
				"or set endpointPolicy %s (every API of the region, in any account) or %s (a policy attached separately)",
				EndpointPolicyRestricted, EndpointPolicyFull, EndpointPolicySeparate)
		}
	case EndpointPolicyFull, EndpointPolicySeparate:
		if a.InvokeArns != nil {
			f.add("invokeArns", "set with endpointPolicy %s; invokeArns go with endpointPolicy %s only: remove one", a.EndpointPolicy, EndpointPolicyRestricted)
		}
	default:
		f.bad("endpointPolicy", a.EndpointPolicy, vocab.ExpectExecuteApiEndpointPolicy)
	}
	if cidrs, ok := plainStrings(a.AllowedCidrs); ok {
		if err := checkAllowedCidrs(cidrs); err != nil {
			f.add("allowedCidrs", "%v", err)
		}
	}
	return f.err()
}

// NewExecuteApiEndpoint registers an ExecuteApiEndpoint.
// Give it the consumer account's provider with pulumi.Provider (or a parent
// that has one); without an AWS provider it registers nothing and fails,
// rather than leave its resources to the default provider.
func NewExecuteApiEndpoint(ctx *pulumi.Context, name string, args *ExecuteApiEndpointArgs, opts ...pulumi.ResourceOption) (*ExecuteApiEndpoint, error) {
	if args == nil {
		return nil, errors.New("execute-api endpoint " + name + ": args are required")
	}
	if err := checkSingleAccount("execute-api endpoint", name, "consumer", args.Validate(), opts); err != nil {
		return nil, err
	}
	args = args.resolved(&fieldErrs{}) // Validate has reported its conflicts
	privateDns := false
	if args.PrivateDns != nil {
		privateDns = *args.PrivateDns
	}

	comp := &ExecuteApiEndpoint{}
	if err := ctx.RegisterComponentResource(ExecuteApiEndpointType, name, comp, opts...); err != nil {
		return nil, err
	}
	child := pulumi.Parent(comp)

	cidrs := args.AllowedCidrs.ToStringArrayOutput().ApplyT(func(cidrs []string) ([]string, error) {
		if err := checkAllowedCidrs(cidrs); err != nil {
			return nil, fmt.Errorf("execute-api endpoint %s: allowedCidrs: %w", name, err)
		}
		return cidrs, nil
	}).(pulumi.StringArrayOutput)
	region := args.Region.ToStringOutput()
	vpcId := args.VpcId.ToStringOutput()
	sg, err := newEc2[SecurityGroup](ctx, typeEc2SecurityGroup, name+"-sg", map[string]pulumi.Input{
		"description": pulumi.String("HTTPS to the execute-api interface endpoint from allowed CIDRs only"),
		"vpcId":       vpcId,
		"ingress": pulumi.Array{securityGroupRule(map[string]pulumi.Input{
			"description": pulumi.String("HTTPS from allowed CIDRs"),
			"protocol":    pulumi.String("tcp"),
			"fromPort":    pulumi.Int(httpsPort),
			"toPort":      pulumi.Int(httpsPort),
			"cidrBlocks":  cidrs,
		})},
		// No egress rules: an interface endpoint answers on the connection it was
		// given and never opens one, and the provider removes AWS's allow-all default.
		"egress": pulumi.Array{},
		"tags":   args.Tags,
	}, child, protectWhen(args.Protect))
	if err != nil {
		return nil, fmt.Errorf("execute-api endpoint %s: %w", name, err)
	}

	// With a policy attached separately the endpoint is created with one
	// that invokes nothing, never AWS's full-access default ("If you don't
	// attach an endpoint policy, we attach the default endpoint policy",
	// "Control access to VPC endpoints using endpoint policies", PrivateLink
	// guide): an up that stops before the separate policy is attached leaves
	// the endpoint closed. The separate policy then owns it (ignoreChanges).
	var policy pulumi.StringInput = pulumi.String(denyAllEndpointPolicy)
	endpointOpts := []pulumi.ResourceOption{child, protectWhen(args.Protect)}
	if args.EndpointPolicy == EndpointPolicySeparate {
		endpointOpts = append(endpointOpts, pulumi.IgnoreChanges([]string{"policy"}))
	} else {
		invokeArns := args.InvokeArns
		if args.EndpointPolicy == EndpointPolicyFull {
			invokeArns = pulumi.StringArray{region.ApplyT(func(r string) string {
				return fmt.Sprintf("arn:%s:execute-api:%s:*:*", partitionOf(r), r)
			}).(pulumi.StringOutput)}
		}
		policy = invokeArns.ToStringArrayOutput().ApplyT(endpointPolicyJson).(pulumi.StringOutput)
	}
	if privateDns {
		if err := ctx.Log.Warn(privateDnsWarning, &pulumi.LogArgs{Resource: comp}); err != nil {
			return nil, fmt.Errorf("execute-api endpoint %s: %w", name, err)
		}
	}
	endpoint, err := newEc2[VpcEndpoint](ctx, typeEc2VpcEndpoint, name+"-vpce", map[string]pulumi.Input{
		"vpcId":             vpcId,
		"serviceName":       pulumi.Sprintf("com.amazonaws.%s.execute-api", region),
		"vpcEndpointType":   pulumi.String("Interface"),
		"subnetIds":         args.SubnetIds,
		"securityGroupIds":  pulumi.StringArray{sg.ID()},
		"privateDnsEnabled": pulumi.Bool(privateDns),
		"policy":            policy,
		"tags":              args.Tags,
	}, endpointOpts...)
	if err != nil {
		return nil, fmt.Errorf("execute-api endpoint %s: %w", name, err)
	}
	comp.Endpoint, comp.SecurityGroup = endpoint, sg
	comp.EndpointId = endpoint.ID().ToStringOutput()
	comp.SecurityGroupId = sg.ID().ToStringOutput()
	comp.VpcId, comp.SubnetIds = endpoint.VpcId, endpoint.SubnetIds
	comp.AllowedCidrs = cidrs
	comp.DnsNames = endpoint.DnsEntries.ApplyT(func(entries []map[string]any) []string {
		names := make([]string, 0, len(entries))
		for _, e := range entries {
			if name, ok := e["dnsName"].(string); ok {
				names = append(names, name)
			}
		}
		return names
	}).(pulumi.StringArrayOutput)
	comp.PublicDnsName = comp.DnsNames.ApplyT(RegionalDnsName).(pulumi.StringOutput)
	comp.PublicDnsZoneId = endpoint.DnsEntries.ApplyT(func(entries []map[string]any) string {
		var names []string
		zones := map[string]string{}
		for _, e := range entries {
			name, named := e["dnsName"].(string)
			zone, zoned := e["hostedZoneId"].(string)
			if named && zoned {
				names = append(names, name)
				zones[name] = zone
			}
		}
		return zones[RegionalDnsName(names)]
	}).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"endpointId":      comp.EndpointId,
		"dnsNames":        comp.DnsNames,
		"publicDnsName":   comp.PublicDnsName,
		"publicDnsZoneId": comp.PublicDnsZoneId,
		"securityGroupId": comp.SecurityGroupId,
		"vpcId":           comp.VpcId,
		"allowedCidrs":    comp.AllowedCidrs,
		"subnetIds":       comp.SubnetIds,
	}); err != nil {
		return nil, err
	}
	return comp, nil
}

// privateDnsWarning is said once per endpoint with private DNS on.
const privateDnsWarning = "private DNS for execute-api is on: in this VPC every *.execute-api.<region>.amazonaws.com name " +
	"now resolves to this endpoint, so public and regional API Gateway APIs become unreachable from the VPC, " +
	"and the VPC cannot hold a second execute-api endpoint with private DNS"

// checkAllowedCidrs refuses an empty list, malformed CIDRs, IPv6 ranges and
// open-world ranges.
func checkAllowedCidrs(cidrs []string) error {
	if len(cidrs) == 0 {
		return errors.New("at least one CIDR is required")
	}
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil || p.Masked() != p {
			return fmt.Errorf("%q: expected a CIDR such as 10.0.0.0/16 (network address, no host bits)", c)
		}
		if !p.Addr().Is4() {
			// The endpoint is IPv4 (no ipAddressType) and its security group
			// opens cidrBlocks, which EC2 takes as IPv4 ranges only
			// (ipv6CidrBlocks hold IPv6: EC2 API reference, IpRange and
			// Ipv6Range): an IPv6 range would fail the up at the group.
			return fmt.Errorf("%q: expected an IPv4 CIDR such as 10.0.0.0/16 (the endpoint and its security group are IPv4)", c)
		}
		if p.Bits() == 0 {
			return fmt.Errorf("%q: open to the world; name the client ranges instead", c)
		}
	}
	return nil
}

// RegionalDnsName picks the regional vpce-….vpce.amazonaws.com name out of an
// endpoint's DNS entries: the shortest one, since zonal names add "-<az>".
// It returns "" when there is none.
func RegionalDnsName(names []string) string {
	best := ""
	for _, n := range names {
		if !strings.HasPrefix(n, "vpce-") || !strings.HasSuffix(n, ".vpce.amazonaws.com") {
			continue
		}
		if best == "" || len(n) < len(best) {
			best = n
		}
	}
	return best
}

// endpointPolicyJson is the endpoint policy that allows execute-api:Invoke on
// the given ARNs and nothing else.
func endpointPolicyJson(invokeArns []string) (string, error) {
	if len(invokeArns) == 0 {
		return "", errors.New("endpoint policy: at least one execute-api ARN is required")
	}
	arns := slices.Clone(invokeArns)
	slices.Sort(arns)
	arns = slices.Compact(arns)
	stmt := struct {
		Sid       string   `json:"Sid"`
		Effect    string   `json:"Effect"`
		Principal string   `json:"Principal"`
		Action    string   `json:"Action"`
		Resource  []string `json:"Resource"`
	}{"AllowInvokeOfListedApisOnly", "Allow", "*", invokeAction, arns}
	return marshalPolicy(stmt)
}
