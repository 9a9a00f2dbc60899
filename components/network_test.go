package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

func TestSubnetCidrs(t *testing.T) {
	cases := map[string]struct {
		cidr  string
		count int
		want  []string
	}{
		"two halves":        {"10.20.0.0/24", 2, []string{"10.20.0.0/25", "10.20.0.128/25"}},
		"three in quarters": {"10.0.0.0/16", 3, []string{"10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"}},
		"one is a half":     {"10.0.0.0/26", 1, []string{"10.0.0.0/27"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := splitSubnetCidrs(tc.cidr, tc.count)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	for _, bad := range []struct {
		cidr  string
		count int
	}{{"10.0.0.0/8", 2}, {"10.0.0.1/24", 2}, {"fd00::/56", 2}, {"10.0.0.0/28", 2}, {"10.0.0.0/24", 0}, {"10.0.0.0/24", 7}, {"x", 2}} {
		_, err := splitSubnetCidrs(bad.cidr, bad.count)
		assert.Errorf(t, err, "%s x%d", bad.cidr, bad.count)
	}
}

func TestConsumerVpcPrivateSubnetsInDistinctZones(t *testing.T) {
	mocks := runMocked(t, func(ctx *pulumi.Context) error {
		consumer, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		_, err = NewConsumerVpc(ctx, "app-network", &ConsumerVpcArgs{Cidr: "10.20.0.0/24", AzCount: 3}, pulumi.Provider(consumer))
		return err
	})
	vpc := mustNamed(t, mocks, typeVpc, "app-network-10-20-0-0-24-az3-vpc")
	assert.Equal(t, true, vpc.Input("enableDnsSupport"))
	assert.Equal(t, true, vpc.Input("enableDnsHostnames"))
	subnets := mocks.OfType(typeSubnet)
	require.Len(t, subnets, 3)
	zones := map[any]bool{}
	for _, s := range subnets {
		zones[s.Input("availabilityZone")] = true
		assert.Equal(t, vpc.Id, s.Input("vpcId"))
		assert.Equal(t, false, s.Input("mapPublicIpOnLaunch"))
		assert.Equal(t, "consumer-app", mocks.ProviderName(s))
	}
	assert.Len(t, zones, 3)
	assert.Empty(t, mocks.OfType("aws:ec2/internetGateway:InternetGateway"), "private only")
	mustNamed(t, mocks, typeSubnet, "app-network-10-20-0-0-24-az3-private-3")
}

// A new layout must build under new names: subnets cannot be resized in
// place, and a replaced subnet would be created while the old one still
// holds its range (InvalidSubnet.Conflict; proven under the engine).
func TestVpcLayoutKeyNamesEveryLayoutApart(t *testing.T) {
	assert.Equal(t, "10-20-0-0-24-az2", vpcLayoutKey("10.20.0.0/24", 2))
	seen := map[string]bool{}
	for _, cidr := range []string{"10.20.0.0/24", "10.20.0.0/23", "10.21.0.0/24"} {
		for az := 1; az <= maxAzCount; az++ {
			k := vpcLayoutKey(cidr, az)
			assert.Falsef(t, seen[k], "layout %s %d collides", cidr, az)
			seen[k] = true
		}
	}
}

func TestConsumerVpcRefusesTooManyZones(t *testing.T) {
	err := runMockedErr(func(ctx *pulumi.Context) error {
		consumer, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		_, err = NewConsumerVpc(ctx, "app-network", &ConsumerVpcArgs{Cidr: "10.20.0.0/20", AzCount: 4}, pulumi.Provider(consumer))
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "azCount 4 but only 3 zones of eu-west-1 need no opt-in and offer the execute-api endpoint service")
}

func TestConsumerVpcChecksZonesAgainstItsRegion(t *testing.T) {
	mocks := awsmock.New("components-test", "test")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		consumer, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		_, err = NewConsumerVpc(ctx, "app-network", &ConsumerVpcArgs{Cidr: "10.20.0.0/24", Region: pulumi.String("us-east-1")}, pulumi.Provider(consumer))
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "zone eu-west-1a is not in region us-east-1")
	assert.Empty(t, mocks.OfType(typeSubnet), "no subnet outside the region")
}

// TestSubnetCidrsBoundsAreTheDocumentedOnes: /16 to /27 for 1-2 zones, /26
// for 3-4, /25 for 5-6 (subnets of /28 at the smallest); a /28 VPC never
// fits, and the message says the real bounds.
func TestSubnetCidrsBoundsAreTheDocumentedOnes(t *testing.T) {
	for cidr, zones := range map[string][]int{"10.0.0.0/16": {1, 2, 6}, "10.0.0.0/27": {1, 2}, "10.0.0.0/26": {3, 4}, "10.0.0.0/25": {5, 6}} {
		for _, n := range zones {
			_, err := splitSubnetCidrs(cidr, n)
			assert.NoErrorf(t, err, "%s with %d zones", cidr, n)
		}
	}
	for cidr, n := range map[string]int{"10.0.0.0/27": 3, "10.0.0.0/26": 5} {
		_, err := splitSubnetCidrs(cidr, n)
		assert.ErrorContainsf(t, err, "too small", "%s with %d zones", cidr, n)
	}
	for _, cidr := range []string{"10.0.0.0/28", "10.0.0.0/15"} {
		_, err := splitSubnetCidrs(cidr, 1)
		assert.ErrorContains(t, err, "expected a prefix from /16 to /27 (/26 for 3-4 zones, /25 for 5-6)", cidr)
	}
}
