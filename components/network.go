package components

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultAzCount is how many availability zones a ConsumerVpc spans by default.
const DefaultAzCount = 2

// ConsumerVpcArgs are the inputs of ConsumerVpc.
type ConsumerVpcArgs struct {
	// Cidr is the VPC's IPv4 range, /16 to /26; it is split evenly into the subnets. Required.
	Cidr string `pulumi:"cidr"`
	// AzCount is how many private subnets (one per availability zone) to create. Optional, default 2.
	AzCount int `pulumi:"azCount,optional"`
	// Region, when set, is the region the VPC must be in: nothing is created
	// until it resolves (a failed region check creates nothing), and every
	// zone used must belong to it. Optional.
	Region pulumi.StringInput `pulumi:"region,optional"`
	// Tags are set on the VPC and subnets. Optional.
	Tags pulumi.StringMapInput `pulumi:"tags,optional"`
	// Protect protects the VPC and its subnets against deletion. Optional, default false.
	Protect bool `pulumi:"protect,optional"`
}

// ConsumerVpc is a small VPC with private subnets only (no internet gateway,
// no NAT) and DNS support and hostnames on, as private DNS for execute-api needs.
//
// Its children are named after the layout (its CIDR and zone
// count). Subnets cannot be resized in place, and a replaced subnet is created
// before the old one is deleted, so a new layout in the same VPC would overlap
// the old subnets (InvalidSubnet.Conflict). A new layout therefore builds a
// whole new VPC under new names; the endpoint moves to it and the old VPC is
// deleted at the end of the same update.
type ConsumerVpc struct {
	pulumi.ResourceState

	// VpcId is the VPC's ID.
	VpcId pulumi.StringOutput `pulumi:"vpcId"`
	// CidrBlock is the VPC's range.
	CidrBlock pulumi.StringOutput `pulumi:"cidrBlock"`
	// SubnetIds are the private subnets, one per availability zone.
	SubnetIds pulumi.StringArrayOutput `pulumi:"subnetIds"`
}

// Validate checks the args and returns every problem as FieldErrors.
func (a *ConsumerVpcArgs) Validate() error {
	var f fieldErrs
	azCount := a.AzCount
	if azCount == 0 {
		azCount = DefaultAzCount
	}
	if azCount < 1 || azCount > maxAzCount {
		f.bad("azCount", a.AzCount, fmt.Sprintf("a whole number from 1 to %d", maxAzCount))
	} else if _, err := splitSubnetCidrs(a.Cidr, azCount); err != nil {
		f.add("cidr", "%v", err)
	}
	return f.err()
}

// NewConsumerVpc registers a ConsumerVpc.
// Give it the consumer account's provider with pulumi.Provider (or a parent
// that has one); without an AWS provider it registers nothing and fails,
// rather than leave its resources to the default provider.
func NewConsumerVpc(ctx *pulumi.Context, name string, args *ConsumerVpcArgs, opts ...pulumi.ResourceOption) (*ConsumerVpc, error) {
	if args == nil {
		return nil, errors.New("consumer vpc " + name + ": args are required")
	}
	if err := checkSingleAccount("consumer vpc", name, "consumer", args.Validate(), opts); err != nil {
		return nil, err
	}
	azCount := args.AzCount
	if azCount == 0 {
		azCount = DefaultAzCount
	}
	subnetCidrs, err := splitSubnetCidrs(args.Cidr, azCount)
	if err != nil {
		return nil, fmt.Errorf("consumer vpc %s: %w", name, err)
	}
	comp := &ConsumerVpc{}
	if err := ctx.RegisterComponentResource(ConsumerVpcType, name, comp, opts...); err != nil {
		return nil, err
	}
	child := pulumi.Parent(comp)
	layout := name + "-" + vpcLayoutKey(args.Cidr, azCount)
	var cidrBlock pulumi.StringInput = pulumi.String(args.Cidr)
	if args.Region != nil {
		cidrBlock = args.Region.ToStringOutput().ApplyT(func(string) string { return args.Cidr }).(pulumi.StringOutput)
	}
	vpc, err := newEc2[Vpc](ctx, typeEc2Vpc, layout+"-vpc", map[string]pulumi.Input{
		"cidrBlock":          cidrBlock,
		"enableDnsSupport":   pulumi.Bool(true),
		"enableDnsHostnames": pulumi.Bool(true),
		"tags":               args.Tags,
	}, child, protectWhen(args.Protect))
	if err != nil {
		return nil, fmt.Errorf("consumer vpc %s: %w", name, err)
	}
	zones := endpointZones(ctx, name, args.Region, azCount, child)
	subnetIds := make(pulumi.StringArray, 0, azCount)
	for i, cidr := range subnetCidrs {
		subnet, err := newEc2[Subnet](ctx, typeEc2Subnet, fmt.Sprintf("%s-private-%d", layout, i+1), map[string]pulumi.Input{
			"vpcId":               vpc.ID(),
			"cidrBlock":           pulumi.String(cidr),
			"availabilityZone":    zones.Index(pulumi.Int(i)),
			"mapPublicIpOnLaunch": pulumi.Bool(false),
			"tags":                args.Tags,
		}, child, protectWhen(args.Protect))
		if err != nil {
			return nil, fmt.Errorf("consumer vpc %s: %w", name, err)
		}
		subnetIds = append(subnetIds, subnet.ID())
	}
	comp.VpcId = vpc.ID().ToStringOutput()
	comp.CidrBlock = vpc.CidrBlock
	comp.SubnetIds = subnetIds.ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"vpcId":     comp.VpcId,
		"cidrBlock": comp.CidrBlock,
		"subnetIds": comp.SubnetIds,
	}); err != nil {
		return nil, err
	}
	return comp, nil
}

// vpcLayoutKey names a VPC layout in child names: the CIDR with its dots and
// slash as dashes, and the zone count ("10-20-0-0-24-az2").
func vpcLayoutKey(cidr string, azCount int) string {
	return strings.NewReplacer(".", "-", "/", "-").Replace(cidr) + fmt.Sprintf("-az%d", azCount)
}

// endpointZones are the first azCount zones where both a subnet and the
// execute-api interface endpoint can live: zones that need no opt-in (a Local
// or Wavelength Zone the account opted into is listed by
// DescribeAvailabilityZones and sorts before the ordinary zones, but
// interface endpoints do not run there), intersected with the zones the
// endpoint service offers (getVpcEndpointService). With region set,
// every zone must also belong to it.
func endpointZones(ctx *pulumi.Context, name string, region pulumi.StringInput, azCount int, opts ...pulumi.InvokeOption) pulumi.StringArrayOutput {
	regionName := aws.GetRegionOutput(ctx, aws.GetRegionOutputArgs{}, opts...).Name()
	if region != nil {
		regionName = region.ToStringOutput()
	}
	available := aws.GetAvailabilityZonesOutput(ctx, aws.GetAvailabilityZonesOutputArgs{
		State: pulumi.String("available"),
		Filters: aws.GetAvailabilityZonesFilterArray{aws.GetAvailabilityZonesFilterArgs{
			Name: pulumi.String("opt-in-status"), Values: pulumi.StringArray{pulumi.String("opt-in-not-required")},
		}},
	}, opts...).Names()
	offered := endpointServiceZones(ctx, pulumi.Sprintf("com.amazonaws.%s.execute-api", regionName), opts...)
	return pulumi.All(regionName, available, offered).ApplyT(func(v []any) ([]string, error) {
		region, names, service := v[0].(string), v[1].([]string), v[2].([]string)
		var usable []string
		for _, z := range names {
			if !strings.HasPrefix(z, region) {
				return nil, fmt.Errorf("consumer vpc %s: zone %s is not in region %s", name, z, region)
			}
			if slices.Contains(service, z) {
				usable = append(usable, z)
			}
		}
		if len(usable) < azCount {
			return nil, fmt.Errorf("consumer vpc %s: azCount %d but only %d zones of %s need no opt-in and offer the execute-api endpoint service (%s)",
				name, azCount, len(usable), region, strings.Join(usable, ", "))
		}
		return usable[:azCount], nil
	}).(pulumi.StringArrayOutput)
}

// Bounds of a ConsumerVpc.
const (
	// minVpcPrefix is the largest VPC AWS allows (/16).
	minVpcPrefix = 16
	// maxSubnetPrefix is the smallest subnet AWS allows (/28).
	maxSubnetPrefix = 28
	// maxAzCount is the most subnets a ConsumerVpc creates.
	maxAzCount = 6
)

// splitSubnetCidrs splits an IPv4 VPC range into count equal subnets (the next
// power of two, at least two halves), in order.
func splitSubnetCidrs(cidr string, count int) ([]string, error) {
	vpc, err := netip.ParsePrefix(cidr)
	if err != nil || !vpc.Addr().Is4() || vpc.Masked() != vpc {
		return nil, fmt.Errorf("got %q; expected an IPv4 network such as 10.20.0.0/24 (no host bits)", cidr)
	}
	if vpc.Bits() < minVpcPrefix || vpc.Bits() > maxSubnetPrefix-1 {
		return nil, fmt.Errorf("got %q; expected a prefix from /%d to /%d (/%d for 3-4 zones, /%d for 5-6): AWS allows VPCs of /%d to /%d and subnets of /%d at the smallest, and the range is split in at least two",
			cidr, minVpcPrefix, maxSubnetPrefix-1, maxSubnetPrefix-2, maxSubnetPrefix-3, minVpcPrefix, maxSubnetPrefix, maxSubnetPrefix)
	}
	if count < 1 || count > maxAzCount {
		return nil, fmt.Errorf("azCount %d: expected 1 to %d", count, maxAzCount)
	}
	newBits := max(1, bits.Len(uint(count-1)))
	prefix := vpc.Bits() + newBits
	if prefix > maxSubnetPrefix {
		return nil, fmt.Errorf("got %q, too small for %d subnets (each would be /%d); expected a range whose subnets are /%d or larger", cidr, count, prefix, maxSubnetPrefix)
	}
	base := vpc.Addr().As4()
	start := binary.BigEndian.Uint32(base[:])
	size := uint32(1) << (32 - prefix)
	out := make([]string, count)
	for i := range uint32(count) { //nolint:gosec // count is 1 to maxAzCount, checked above
		var addr [4]byte
		binary.BigEndian.PutUint32(addr[:], start+i*size)
		out[i] = netip.PrefixFrom(netip.AddrFrom4(addr), prefix).String()
	}
	return out, nil
}
