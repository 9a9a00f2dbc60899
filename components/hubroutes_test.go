package components

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

// The hub's and the spokes' networks of withHub: the hub VPC with its two
// endpoint subnets; orders (consumers[1], 10.40.0.0/24) with one subnet;
// billing (consumers[2], 10.50.0.0/24 and 10.51.0.0/25) with a subnet in
// each range, the second on a table of its own, and a public subnet
// outside its ranges whose table has no route to the hub (not a source, so
// not checked).
const (
	hubVpcId      = "vpc-0a1b2c3d4e5f60718"
	ordersVpcId   = "vpc-0b1c2d3e4f5a60718"
	billingVpcId  = "vpc-0c1d2e3f4a5b60718"
	hubTgw        = "tgw-0123456789abcdef0"
	hubMainTable  = "rtb-0hub0000000000000"
	ordersTable   = "rtb-0orders000000000"
	billingMain   = "rtb-0billing00000000"
	billingSecond = "rtb-0billing00000001"
)

func hubNetworks(change func(map[string]awsmock.Network)) awsmock.Option {
	nets := map[string]awsmock.Network{
		hubVpcId: {Cidr: "10.90.0.0/24", Subnets: map[string]string{"subnet-0a1b2c3d4e5f60719": "10.90.0.0/25", "subnet-0a1b2c3d4e5f6071a": "10.90.0.128/25"},
			RouteTables: []awsmock.RouteTable{{Id: hubMainTable, Main: true, Routes: []awsmock.Route{{Cidr: "10.0.0.0/8", Target: hubTgw}}}}},
		ordersVpcId: {Cidr: "10.40.0.0/24", Subnets: map[string]string{"subnet-0orders00000000a": "10.40.0.0/25"},
			RouteTables: []awsmock.RouteTable{{Id: ordersTable, Main: true, Routes: []awsmock.Route{{Cidr: "10.90.0.0/24", Target: hubTgw}}}}},
		billingVpcId: {Cidr: "10.48.0.0/13", Subnets: map[string]string{"subnet-0billing0000000a": "10.50.0.0/24", "subnet-0billing0000000b": "10.51.0.0/25",
			"subnet-0billing0000000c": "10.52.0.0/24"},
			RouteTables: []awsmock.RouteTable{
				{Id: billingMain, Main: true, Routes: []awsmock.Route{{Cidr: "0.0.0.0/0", Target: hubTgw}}},
				{Id: billingSecond, SubnetIds: []string{"subnet-0billing0000000b"}, Routes: []awsmock.Route{{Cidr: "10.90.0.0/24", Target: "pcx-0123456789abcdef0"}}},
				{Id: "rtb-0public000000000", SubnetIds: []string{"subnet-0billing0000000c"}, Routes: []awsmock.Route{{Cidr: "0.0.0.0/0", Target: "igw-0123456789abcdef0"}}},
			}},
	}
	if change != nil {
		change(nets)
	}
	return awsmock.Networks(nets)
}

// setRoutes replaces the routes of table id in nets.
func setRoutes(nets map[string]awsmock.Network, id string, routes ...awsmock.Route) {
	for vpc, n := range nets {
		for i, t := range n.RouteTables {
			if t.Id == id {
				n.RouteTables[i].Routes = routes
				nets[vpc] = n
				return
			}
		}
	}
	panic("no route table " + id)
}

// runHubPreflight runs the composite with withHubZone's hub (dns, when
// not phz) under mocks made with opts, and returns the preflight's warnings.
func runHubPreflight(t *testing.T, dns string, opts ...awsmock.Option) (*awsmock.Mocks, []string, error) {
	t.Helper()
	var warnings []string
	mocks := awsmock.New("components-test", "test", opts...)
	err := mocks.Run(func(ctx *pulumi.Context) error {
		defer ObservePreflight(ctx, func(w string) { warnings = append(warnings, w) })()
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		app, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		args := &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
			Consumers: []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}},
		}
		withHubZone(t)(args)
		if dns == HubDnsNone {
			args.Hub.Dns = HubDnsNone
			for i := range args.Consumers {
				if args.Consumers[i].viaHub() {
					args.Consumers[i].Credentials = nil
				}
			}
		}
		_, err = NewCrossAccountPrivateApi(ctx, "xa", args)
		return err
	})
	return mocks, warnings, err
}

// TestPreflightPassesSpokesThatRouteToTheHub: every source subnet of each
// spoke routes the hub endpoint's subnets through a Transit Gateway or a
// peering, and the hub routes every spoke's ranges back: nothing to say.
// A public subnet outside a spoke's ranges needs no route. The reads are
// made in each account with its own provider.
func TestPreflightPassesSpokesThatRouteToTheHub(t *testing.T) {
	mocks, warnings, err := runHubPreflight(t, HubDnsPhz, hubNetworks(nil))
	require.NoError(t, err)
	assert.Empty(t, warnings)
	for _, account := range []string{testNetworkAccount, "555555555555", "666666666666"} {
		assert.Contains(t, mocks.InvokesIn(account), invokeGetRouteTables, "route tables read in %s", account)
	}
	assert.Contains(t, mocks.InvokesIn("555555555555"), invokeGetSubnets, "the spoke's subnets read with its credentials")
	assert.NotContains(t, mocks.InvokesIn(testProducerAccount), invokeGetRouteTables)
}

// TestPreflightNamesEveryMissingRouteOfTheHub: a spoke table without a
// route to a hub endpoint subnet, a spoke table whose route to the hub goes
// to an internet gateway, and a hub table without the way back to a
// spoke's range: each is refused on its key (the spoke's vpcId, the hub's
// vpc id for the way back), naming the route table, the destination and
// what to route it through, all in one run, before anything is registered.
func TestPreflightNamesEveryMissingRouteOfTheHub(t *testing.T) {
	mocks, _, err := runHubPreflight(t, HubDnsPhz, hubNetworks(func(nets map[string]awsmock.Network) {
		setRoutes(nets, ordersTable, awsmock.Route{Cidr: "10.90.0.128/25", Target: hubTgw})
		setRoutes(nets, billingSecond, awsmock.Route{Cidr: "10.90.0.0/24", Target: "igw-0123456789abcdef0"})
		setRoutes(nets, hubMainTable, awsmock.Route{Cidr: "10.40.0.0/16", Target: hubTgw}, awsmock.Route{Cidr: "10.50.0.0/24", Target: hubTgw})
	}))
	require.Error(t, err)
	assert.Equal(t, []string{"hub.vpcId", "consumers[1].vpcId", "consumers[2].vpcId", "consumers[2].vpcId"}, fieldsOf(err),
		"one problem per table and destination: %v", err)
	byField := map[string]string{}
	for _, fe := range AsFieldErrors(err) {
		byField[fe.Field] += fe.Message + "\n"
	}
	orders := byField["consumers[1].vpcId"]
	assert.Contains(t, orders, "route table "+ordersTable+" of VPC "+ordersVpcId+" (used by subnet subnet-0orders00000000a, 10.40.0.0/25, in allowedCidrs)")
	assert.Contains(t, orders, "10.90.0.0/25 (hub subnet subnet-0a1b2c3d4e5f60719, where the hub endpoint has a network interface) has no route")
	assert.NotContains(t, orders, "10.90.0.128/25 (", "the other hub subnet is routed")
	assert.Contains(t, orders, "expected a route for 10.90.0.0/25 (or the hub VPC's 10.90.0.0/24) through a Transit Gateway (tgw-…) or a VPC peering connection (pcx-…)")
	billing := byField["consumers[2].vpcId"]
	assert.Contains(t, billing, "route table "+billingSecond)
	assert.Contains(t, billing, "10.90.0.0/25 (hub subnet subnet-0a1b2c3d4e5f60719, where the hub endpoint has a network interface) is routed by 10.90.0.0/24 to gateway igw-0123456789abcdef0")
	assert.Contains(t, billing, "10.90.0.128/25 (hub subnet subnet-0a1b2c3d4e5f6071a, where the hub endpoint has a network interface) is routed by 10.90.0.0/24 to gateway igw-0123456789abcdef0")
	assert.NotContains(t, billing, "rtb-0public", "a subnet outside the spoke's ranges is no source")
	assert.NotContains(t, billing, billingMain, "the main table routes everything to the Transit Gateway")
	back := byField["hub.vpcId"]
	assert.Contains(t, back, "route table "+hubMainTable+" of hub VPC "+hubVpcId)
	assert.Contains(t, back, "10.51.0.0/25 (allowedCidrs of spoke billing) has no route")
	assert.Contains(t, back, "answers never get back")
	assert.Equal(t, 1, strings.Count(back, "10.51.0.0/25 (allowedCidrs"), "one table serves both endpoint subnets: said once")
	assert.Empty(t, customResources(mocks), "nothing is registered")
}

// TestPreflightRouteVerdicts: longest-prefix matching on one table, as
// "Route priority" (Amazon VPC user guide) has it: the most specific route
// that holds the destination decides, a more specific route inside it
// takes its part, and the VPC's own range is local whatever else is there;
// routes through an appliance, a NAT gateway or a prefix list are warnings
// (they may lead on), a route to an internet gateway or none a problem.
func TestPreflightRouteVerdicts(t *testing.T) {
	dest := netip.MustParsePrefix("10.90.0.0/25")
	v := vpcRoutes{local: []netip.Prefix{netip.MustParsePrefix("10.40.0.0/24")}}
	tgw := routeEntry{CidrBlock: "10.0.0.0/8", TransitGatewayId: hubTgw}
	for name, c := range map[string]struct {
		routes        []routeEntry
		ok, certain   bool
		why           string
		localOverlaps bool
	}{
		"a wide route to the Transit Gateway": {routes: []routeEntry{tgw}, ok: true},
		"a peering":                           {routes: []routeEntry{{CidrBlock: "10.90.0.0/24", VpcPeeringConnectionId: "pcx-1"}}, ok: true},
		"a more specific route to the internet wins": {routes: []routeEntry{tgw, {CidrBlock: "10.90.0.0/24", GatewayId: "igw-1"}}, certain: true,
			why: "is routed by 10.90.0.0/24 to gateway igw-1"},
		"a more specific route to the Transit Gateway wins": {routes: []routeEntry{{CidrBlock: "0.0.0.0/0", GatewayId: "igw-1"}, {CidrBlock: "10.90.0.0/24", TransitGatewayId: hubTgw}}, ok: true},
		"part of the range to the internet": {routes: []routeEntry{tgw, {CidrBlock: "10.90.0.64/26", GatewayId: "igw-1"}}, certain: true,
			why: "is partly routed by the more specific route 10.90.0.64/26 to gateway igw-1"},
		"part of the range to a firewall": {routes: []routeEntry{tgw, {CidrBlock: "10.90.0.0/26", NetworkInterfaceId: "eni-1"}},
			why: "is partly routed by the more specific route 10.90.0.0/26 to network interface eni-1"},
		"a NAT gateway": {routes: []routeEntry{{CidrBlock: "10.90.0.0/16", NatGatewayId: "nat-1"}}, why: "is routed by 10.90.0.0/16 to NAT gateway nat-1"},
		"no route":      {routes: []routeEntry{{CidrBlock: "10.91.0.0/16", TransitGatewayId: hubTgw}}, certain: true, why: "has no route"},
		"no route but a prefix list": {routes: []routeEntry{{DestinationPrefixListId: "pl-1", TransitGatewayId: hubTgw}},
			why: "has no route unless prefix list pl-1 holds it"},
		"the VPC's own range": {routes: []routeEntry{tgw}, localOverlaps: true, certain: true, why: "lies in the VPC's own range 10.90.0.0/16"},
	} {
		vv := v
		if c.localOverlaps {
			vv.local = append(vv.local, netip.MustParsePrefix("10.90.0.0/16"))
		}
		got := vv.decide(routeTable{Id: "rtb-1", Routes: c.routes}, dest)
		assert.Equal(t, c.ok, got.ok, name)
		assert.Equal(t, c.certain, got.certain, name)
		assert.True(t, strings.HasPrefix(got.why, c.why), "%s: %q", name, got.why)
	}
}

// TestPreflightWarnsWhatItCannotTell: a route through a firewall's network
// interface or a table holding a blackhole route is a warning naming the
// table, not a refusal; a spoke VPC without a subnet in its ranges is not
// checked, and says so.
func TestPreflightWarnsWhatItCannotTell(t *testing.T) {
	_, warnings, err := runHubPreflight(t, HubDnsPhz, hubNetworks(func(nets map[string]awsmock.Network) {
		setRoutes(nets, ordersTable, awsmock.Route{Cidr: "10.90.0.0/24", Target: "eni-0123456789abcdef0"})
		setRoutes(nets, billingMain, awsmock.Route{Cidr: "0.0.0.0/0", Target: hubTgw}, awsmock.Route{Cidr: "10.77.0.0/16", Target: "tgw-0gone", Blackhole: true})
	}))
	require.NoError(t, err)
	joined := strings.Join(warnings, "\n")
	assert.Contains(t, joined, "route table "+ordersTable+" of VPC "+ordersVpcId)
	assert.Contains(t, joined, "is routed by 10.90.0.0/24 to network interface eni-0123456789abcdef0")
	assert.Contains(t, joined, "route table "+billingMain)
	assert.Contains(t, joined, "state blackhole")

	_, warnings, err = runHubPreflight(t, HubDnsPhz, hubNetworks(func(nets map[string]awsmock.Network) {
		n := nets[ordersVpcId]
		n.Subnets = map[string]string{"subnet-0orders00000000a": "10.41.0.0/25"}
		nets[ordersVpcId] = n
	}))
	require.NoError(t, err)
	assert.Contains(t, strings.Join(warnings, "\n"), "no subnet of VPC "+ordersVpcId+" of spoke orders lies in its allowedCidrs")
}

// TestPreflightWithoutSpokeCredentialsChecksTheHubOnly: with dns none the
// stack has no credentials in the spokes' accounts: their routes are not
// read (one warning names them all), and the hub's way back still is.
func TestPreflightWithoutSpokeCredentialsChecksTheHubOnly(t *testing.T) {
	mocks, warnings, err := runHubPreflight(t, HubDnsNone, hubNetworks(nil))
	require.NoError(t, err)
	require.Len(t, warnings, 1, "%v", warnings)
	assert.Contains(t, warnings[0], "with hub.dns none the stack has no credentials for the spokes' accounts, so their routes to the hub are not checked: orders ("+ordersVpcId+"), billing ("+billingVpcId+")")
	assert.Contains(t, warnings[0], "hub VPC "+hubVpcId+": 10.90.0.0/24")
	assert.Empty(t, mocks.InvokesIn("555555555555"), "nothing read in a spoke's account")

	_, _, err = runHubPreflight(t, HubDnsNone, hubNetworks(func(nets map[string]awsmock.Network) {
		setRoutes(nets, hubMainTable, awsmock.Route{Cidr: "10.48.0.0/13", Target: hubTgw})
	}))
	require.Error(t, err)
	assert.Equal(t, []string{"hub.vpcId"}, fieldsOf(err), "%v", err)
	assert.Contains(t, err.Error(), "10.40.0.0/24 (allowedCidrs of spoke orders) has no route")
}

// TestPreflightRefusesVpcsOfAnotherRegion: the hub VPC and a spoke VPC
// that the stack's region does not hold (VPC IDs are regional) are each
// refused on their key, with the region, in one run.
func TestPreflightRefusesVpcsOfAnotherRegion(t *testing.T) {
	mocks, _, err := runHubPreflight(t, HubDnsPhz, hubNetworks(nil), awsmock.VpcsInRegions(map[string]string{hubVpcId: "eu-central-1", billingVpcId: "us-east-1"}))
	require.Error(t, err)
	assert.Equal(t, []string{"consumers[2].vpcId", "hub.vpcId"}, fieldsOf(err), "%v", err)
	for _, fe := range AsFieldErrors(err) {
		assert.Contains(t, fe.Message, "no such VPC in")
		assert.Contains(t, fe.Message, "VPC IDs are regional: a VPC of another region is not found in "+testRegion)
	}
	assert.Contains(t, err.Error(), "network account "+testNetworkAccount)
	assert.Empty(t, customResources(mocks), "nothing is registered")
}

// TestPreflightRefusesAHubSubnetOfAnotherVpc: the hub endpoint's subnets
// must be the hub VPC's (their ranges are where the spokes route to): a
// subnet of another VPC is refused on hub.subnetIds.
func TestPreflightRefusesAHubSubnetOfAnotherVpc(t *testing.T) {
	_, _, err := runHubPreflight(t, HubDnsPhz, hubNetworks(func(nets map[string]awsmock.Network) {
		hub, orders := nets[hubVpcId], nets[ordersVpcId]
		delete(hub.Subnets, "subnet-0a1b2c3d4e5f6071a")
		orders.Subnets["subnet-0a1b2c3d4e5f6071a"] = "10.40.0.128/25"
		nets[hubVpcId], nets[ordersVpcId] = hub, orders
	}))
	require.Error(t, err)
	assert.Equal(t, []string{"hub.subnetIds"}, fieldsOf(err), "%v", err)
	assert.Contains(t, err.Error(), `got "subnet-0a1b2c3d4e5f6071a", a subnet of VPC `+ordersVpcId+"; expected a subnet of hub VPC "+hubVpcId)
}
