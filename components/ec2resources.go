package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The few EC2 resources and data sources the components use, registered by
// their pulumi-aws tokens with the inputs the generated SDK would send,
// instead of importing pulumi-aws's generated ec2 package: that package is
// about 125,000 lines, 50 s and a 3.1 GB compiler process on a cold build
// (BENCHMARKS.md), and every importer of the components pays for it. The
// type tokens, inputs and outputs are pulumi-aws 6.83.4's, so state, URNs and
// plans are what they were (the golden plans pin it).

// awsPluginVersion is the pulumi-aws version the generated SDK stamps on
// every registration and invoke (its PkgResourceDefaultOpts): the go.mod's.
const awsPluginVersion = "6.83.4"

// EC2 type tokens and data sources of pulumi-aws.
const (
	typeEc2Vpc               = "aws:ec2/vpc:Vpc"
	typeEc2Subnet            = "aws:ec2/subnet:Subnet"
	typeEc2SecurityGroup     = "aws:ec2/securityGroup:SecurityGroup"
	typeEc2VpcEndpoint       = "aws:ec2/vpcEndpoint:VpcEndpoint"
	typeEc2VpcEndpointPolicy = "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy"
	invokeGetVpc             = "aws:ec2/getVpc:getVpc"
	invokeEndpointService    = "aws:ec2/getVpcEndpointService:getVpcEndpointService"
)

// Vpc is an aws:ec2/vpc:Vpc.
type Vpc struct {
	pulumi.CustomResourceState

	// CidrBlock is the VPC's range.
	CidrBlock pulumi.StringOutput `pulumi:"cidrBlock"`
}

// Subnet is an aws:ec2/subnet:Subnet.
type Subnet struct {
	pulumi.CustomResourceState
}

// SecurityGroup is an aws:ec2/securityGroup:SecurityGroup.
type SecurityGroup struct {
	pulumi.CustomResourceState
}

// VpcEndpoint is an aws:ec2/vpcEndpoint:VpcEndpoint.
type VpcEndpoint struct {
	pulumi.CustomResourceState

	// VpcId and SubnetIds are where its network interfaces are.
	VpcId     pulumi.StringOutput      `pulumi:"vpcId"`
	SubnetIds pulumi.StringArrayOutput `pulumi:"subnetIds"`
	// DnsEntries are its DNS names, each {dnsName, hostedZoneId}.
	DnsEntries pulumi.MapArrayOutput `pulumi:"dnsEntries"`
}

// VpcEndpointPolicy is an aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy.
type VpcEndpointPolicy struct {
	pulumi.CustomResourceState

	// Policy is the attached document.
	Policy pulumi.StringOutput `pulumi:"policy"`
}

// ec2Inputs are a registration's inputs: the set ones only, as the
// generated Args structs marshal them (an unset field is absent, not null).
func ec2Inputs(kv map[string]pulumi.Input) pulumi.Map {
	out := pulumi.Map{}
	for k, v := range kv {
		if v != nil {
			out[k] = v
		}
	}
	return out
}

// registerEc2 registers a resource of typ with the generated SDK's version option.
func registerEc2(ctx *pulumi.Context, typ, name string, inputs map[string]pulumi.Input, state pulumi.CustomResource, opts []pulumi.ResourceOption) error {
	opts = append([]pulumi.ResourceOption{pulumi.Version(awsPluginVersion)}, opts...)
	return ctx.RegisterResource(typ, name, ec2Inputs(inputs), state, opts...)
}

// newEc2 registers an EC2 resource of typ as a T (Vpc, Subnet, …).
func newEc2[T any, P interface {
	*T
	pulumi.CustomResource
}](ctx *pulumi.Context, typ, name string, inputs map[string]pulumi.Input, opts ...pulumi.ResourceOption) (P, error) {
	r := P(new(T))
	return r, registerEc2(ctx, typ, name, inputs, r, opts)
}

// securityGroupRule is one ingress or egress rule as the provider takes it.
func securityGroupRule(kv map[string]pulumi.Input) pulumi.Map { return ec2Inputs(kv) }

// existingVpc is what the getVpc data source answers about a VPC.
type existingVpc struct {
	Id                 string `pulumi:"id"`
	CidrBlock          string `pulumi:"cidrBlock"`
	EnableDnsSupport   bool   `pulumi:"enableDnsSupport"`
	EnableDnsHostnames bool   `pulumi:"enableDnsHostnames"`
	// OwnerId is the account that created the VPC (a VPC shared through
	// RAM is another account's).
	OwnerId string `pulumi:"ownerId"`
	// CidrBlockAssociations are its IPv4 CIDR blocks, the primary one
	// included (aws_vpc's cidr_block_associations).
	CidrBlockAssociations []struct {
		CidrBlock string `pulumi:"cidrBlock"`
		State     string `pulumi:"state"`
	} `pulumi:"cidrBlockAssociations"`
}

// lookupVpc reads an existing VPC once its ID is known (unknown during a
// preview that has no ID yet), as ec2.LookupVpcOutput does.
func lookupVpc(ctx *pulumi.Context, id pulumi.StringInput, opts ...pulumi.InvokeOption) pulumi.AnyOutput {
	opts = append([]pulumi.InvokeOption{pulumi.Version(awsPluginVersion)}, opts...)
	return id.ToStringOutput().ApplyT(func(id string) (existingVpc, error) {
		var v existingVpc
		err := ctx.Invoke(invokeGetVpc, map[string]any{"id": id}, &v, opts...)
		return v, err
	}).(pulumi.AnyOutput)
}

// endpointServiceZones are the zones the region's execute-api endpoint
// service offers (getVpcEndpointService), once the service name is known.
func endpointServiceZones(ctx *pulumi.Context, serviceName pulumi.StringOutput, opts ...pulumi.InvokeOption) pulumi.StringArrayOutput {
	opts = append([]pulumi.InvokeOption{pulumi.Version(awsPluginVersion)}, opts...)
	return serviceName.ApplyT(func(name string) ([]string, error) {
		var r struct {
			AvailabilityZones []string `pulumi:"availabilityZones"`
		}
		err := ctx.Invoke(invokeEndpointService, map[string]any{"serviceName": name}, &r, opts...)
		return r.AvailabilityZones, err
	}).(pulumi.StringArrayOutput)
}
