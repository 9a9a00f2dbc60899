package fakeaws

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReachabilityFollowsTheRouteTables: a workload of a spoke VPC reaches
// the hub's endpoint only when its subnet's route table sends the
// endpoint's address to a Transit Gateway both VPCs are attached to (or a
// peering of the two) and the endpoint subnet's table sends the workload's
// address back the same way ("Route tables", "Route priority", Amazon VPC
// user guide; "How transit gateways work", Transit Gateways guide): the most
// specific route decides, a blackhole route drops, a subnet's own table
// replaces the main one, and a gateway the other VPC is not attached to
// leads nowhere.
func TestReachabilityFollowsTheRouteTables(t *testing.T) {
	call := func(w *callWorld, f *Function) string {
		r := w.c.simulateCall(f, aliasUrl, nil, false)
		if r.Status == 200 {
			return "200"
		}
		return r.Failure
	}
	type world struct {
		w          *callWorld
		f          *Function
		spoke, hub *Vpc
		tgw        string
	}
	fresh := func() world {
		w, f := spokeWorld(t, resourcePolicy(`"*"`))
		spoke, hub := w.c.Vpcs["vpc-2"], w.c.Vpcs["vpc-1"]
		tgw := w.c.joinOverTransitGateway(spoke, hub)
		require.Equal(t, "200", call(w, f), "joined both ways")
		return world{w, f, spoke, hub, tgw}
	}
	for name, c := range map[string]struct {
		change func(world)
		want   string
	}{
		"the spoke's route is gone": {func(x world) { x.w.c.mainTable(x.spoke).Routes = nil }, "timeout"},
		"the way back is gone":      {func(x world) { x.w.c.mainTable(x.hub).Routes = nil }, "timeout"},
		"a more specific route to the internet wins": {func(x world) {
			addRoute(x.w.c.mainTable(x.spoke), "10.20.0.0/25", "igw-0123456789abcdef0")
		}, "timeout"},
		"a wider route to the Transit Gateway serves": {func(x world) {
			x.w.c.mainTable(x.spoke).Routes = []VpcRoute{{DestinationCidrBlock: "0.0.0.0/0", Target: x.tgw}}
		}, "200"},
		"a blackhole route drops": {func(x world) { x.w.c.mainTable(x.spoke).Routes[0].Blackhole = true }, "timeout"},
		"the subnet's own table has no route": {func(x world) {
			x.w.c.RouteTables["rtb-0own"] = &RouteTable{Scope: x.spoke.Scope, Id: "rtb-0own", VpcId: x.spoke.Id, SubnetIds: []string{"subnet-2"}}
		}, "timeout"},
		"the hub VPC is not attached to that gateway": {func(x world) {
			g := x.w.c.TransitGateways[x.tgw]
			g.Attachments = g.Attachments[:1]
		}, "timeout"},
		"a peering of the two serves": {func(x world) {
			x.w.c.PeeringConnections["pcx-1"] = &PeeringConnection{Id: "pcx-1", Requester: transitKey(x.spoke.Scope, x.spoke.Id), Accepter: transitKey(x.hub.Scope, x.hub.Id)}
			addRoute(x.w.c.mainTable(x.spoke), x.hub.CidrBlock, "pcx-1")
			addRoute(x.w.c.mainTable(x.hub), x.spoke.CidrBlock, "pcx-1")
		}, "200"},
		"a peering of other VPCs leads nowhere": {func(x world) {
			x.w.c.PeeringConnections["pcx-1"] = &PeeringConnection{Id: "pcx-1", Requester: transitKey(x.spoke.Scope, x.spoke.Id), Accepter: "111111111111/eu-west-1/vpc-9"}
			addRoute(x.w.c.mainTable(x.spoke), x.hub.CidrBlock, "pcx-1")
		}, "timeout"},
	} {
		x := fresh()
		c.change(x)
		assert.Equal(t, c.want, call(x.w, x.f), name)
	}
}

// TestRouteTableDataSourcesAnswerAsTheProvider: aws_route_tables lists a
// VPC's tables (the main one, created with the VPC, included) and filters
// them by route.state; aws_route_table gives a table's routes without the
// local one, each target in the field of its kind, and its main and subnet
// associations, or "query returned no results"; aws_subnets lists a VPC's
// subnets and aws_subnet reads one, or "no matching EC2 Subnet found"; a
// role without ec2:DescribeRouteTables is refused with EC2's
// UnauthorizedOperation.
func TestRouteTableDataSourcesAnswerAsTheProvider(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, consumerAccount)
	vpc, _ := mustCreate(p, t, TypeVpc, map[string]any{"cidrBlock": "10.30.0.0/24"})
	subnet, _ := mustCreate(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.30.0.0/25", "availabilityZone": region + "a"})
	require.NoError(t, store.SeedRoute(vpc, "10.90.0.0/24", "tgw-0123456789abcdef0"))
	require.NoError(t, store.Update(func(c *Cloud) error {
		v := c.Vpcs[vpc]
		c.RouteTables["rtb-0second"] = &RouteTable{Scope: v.Scope, Id: "rtb-0second", VpcId: vpc, SubnetIds: []string{subnet},
			Routes: []VpcRoute{{DestinationCidrBlock: "0.0.0.0/0", Target: "igw-0123456789abcdef0"}, {DestinationCidrBlock: "10.77.0.0/16", Target: "pcx-0gone", Blackhole: true}}}
		return nil
	}))
	var main string
	require.NoError(t, store.View(func(c *Cloud) error { main = c.Vpcs[vpc].MainRouteTableId; return nil }))

	tables, err := invoke(t, p, InvokeGetRouteTables, map[string]any{"vpcId": vpc})
	require.NoError(t, err)
	assert.ElementsMatch(t, []any{main, "rtb-0second"}, tables["ids"])
	holes, err := invoke(t, p, InvokeGetRouteTables, map[string]any{"vpcId": vpc, "filters": []any{map[string]any{"name": "route.state", "values": []any{"blackhole"}}}})
	require.NoError(t, err)
	assert.Equal(t, []any{"rtb-0second"}, holes["ids"])

	mainOut, err := invoke(t, p, InvokeGetRouteTable, map[string]any{"routeTableId": main})
	require.NoError(t, err)
	assert.Equal(t, []any{map[string]any{"cidrBlock": "10.90.0.0/24", "transitGatewayId": "tgw-0123456789abcdef0"}}, mainOut["routes"], "no local route")
	assert.Equal(t, []any{map[string]any{"routeTableId": main, "main": true}}, mainOut["associations"])
	second, err := invoke(t, p, InvokeGetRouteTable, map[string]any{"routeTableId": "rtb-0second"})
	require.NoError(t, err)
	assert.Contains(t, second["routes"], map[string]any{"cidrBlock": "0.0.0.0/0", "gatewayId": "igw-0123456789abcdef0"})
	assert.Contains(t, second["routes"], map[string]any{"cidrBlock": "10.77.0.0/16", "vpcPeeringConnectionId": "pcx-0gone"}, "no state on a route")
	assert.Equal(t, []any{map[string]any{"routeTableId": "rtb-0second", "subnetId": subnet, "main": false}}, second["associations"])
	_, err = invoke(t, p, InvokeGetRouteTable, map[string]any{"routeTableId": "rtb-0missing"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "query returned no results")

	subnets, err := invoke(t, p, InvokeGetSubnets, map[string]any{"filters": []any{map[string]any{"name": "vpc-id", "values": []any{vpc}}}})
	require.NoError(t, err)
	assert.Equal(t, []any{subnet}, subnets["ids"])
	one, err := invoke(t, p, InvokeGetSubnet, map[string]any{"id": subnet})
	require.NoError(t, err)
	assert.Equal(t, "10.30.0.0/25", one["cidrBlock"])
	assert.Equal(t, vpc, one["vpcId"])
	other := provider(t, store, producerAccount)
	_, err = invoke(t, other, InvokeGetSubnet, map[string]any{"id": subnet})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no matching EC2 Subnet found", "another account's subnet")

	noRoutes := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"ec2:DescribeRouteTables","Resource":"*"}]}`
	limited, err := configured(t, store, consumerAccount, noRoutes, trustPipeline, nil)
	require.NoError(t, err)
	_, err = invoke(t, limited, InvokeGetRouteTables, map[string]any{"vpcId": vpc})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "UnauthorizedOperation")
}
