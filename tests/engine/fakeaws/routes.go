package fakeaws

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
)

// The network between VPCs, which the program does not create (another
// team's): route tables, Transit Gateways and VPC peering connections,
// seeded by the tests. A call from a workload to an endpoint of another VPC
// is routed by them both ways (reachesOverRoutes), and the preflight reads
// the route tables and subnets through the provider's data sources
// (aws_route_tables, aws_route_table, aws_subnets, aws_subnet).
//
// The rules, from the Amazon VPC user guide ("Route tables": a subnet uses
// the route table explicitly associated with it, else the VPC's main route
// table; every table holds the local route for the VPC's CIDR blocks;
// "Route priority": the most specific route that matches the destination
// decides, and no route can be more specific than the local one for the
// VPC's own range; a route whose target is gone is in state blackhole and
// drops the traffic) and the Amazon VPC Transit Gateways guide ("How
// transit gateways work": an attachment is associated with, and propagates
// its VPC's CIDR to, the gateway's default route table by default, so every
// VPC attached to one gateway reaches every other whose route table sends
// the traffic to the gateway; a gateway and its attachments are regional).
// A Transit Gateway's own route tables are not simulated: every gateway
// here has the default association and propagation. A VPC peering
// connection joins exactly two VPCs ("VPC peering connections", VPC
// peering guide: no transitive routing).

// RouteTable is an EC2 route table of a VPC: the main one, or one
// explicitly associated with SubnetIds.
type RouteTable struct {
	Scope
	Id        string     `json:"id"`
	VpcId     string     `json:"vpcId"`
	Main      bool       `json:"main,omitempty"`
	SubnetIds []string   `json:"subnetIds,omitempty"`
	Routes    []VpcRoute `json:"routes,omitempty"`
}

// VpcRoute is one route of a table besides the local one: its IPv4
// destination and its target's ID (tgw-, pcx-, igw-, nat-, eni-, …),
// Blackhole when its target is gone.
type VpcRoute struct {
	DestinationCidrBlock string `json:"destinationCidrBlock"`
	Target               string `json:"target"`
	Blackhole            bool   `json:"blackhole,omitempty"`
}

// TransitGateway is a Transit Gateway and the VPCs attached to it, each by
// "account/region/vpc-id" (transitKey).
type TransitGateway struct {
	Scope
	Id          string   `json:"id"`
	Attachments []string `json:"attachments"`
	// Peers are the gateways (of other regions, or accounts) this one has an
	// accepted peering attachment with; a peering counts when both list each
	// other ("Transit gateway peering attachments", Amazon VPC Transit
	// Gateways guide: inter-region peering carries traffic between the VPCs
	// attached to either gateway). A peering attachment takes static routes
	// in the gateways' route tables, which are not simulated: every peering
	// here has them.
	Peers []string `json:"peers,omitempty"`
}

// PeeringConnection is an active VPC peering connection between two VPCs,
// each by transitKey.
type PeeringConnection struct {
	Id        string `json:"id"`
	Requester string `json:"requester"`
	Accepter  string `json:"accepter"`
	Deleted   bool   `json:"deleted,omitempty"`
}

// transitKey names a VPC across accounts and regions.
func transitKey(s Scope, vpc string) string { return s.Account + "/" + s.Region + "/" + vpc }

// shortHash is n hex digits derived from s.
func shortHash(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

// routeTablesOf are the route tables of VPC v, its main one first: a VPC
// always has one (created with it), so a VPC seeded without its tables has
// an empty main table named by MainRouteTableId.
func (c *Cloud) routeTablesOf(v *Vpc) []*RouteTable {
	var out []*RouteTable
	for _, t := range c.RouteTables {
		if t.VpcId == v.Id && t.Scope == v.Scope {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Main != out[j].Main {
			return out[i].Main
		}
		return out[i].Id < out[j].Id
	})
	if len(out) == 0 || !out[0].Main {
		out = append([]*RouteTable{{Scope: v.Scope, Id: mainTableId(v), VpcId: v.Id, Main: true}}, out...)
	}
	return out
}

// mainTableId is the ID of VPC v's main route table.
func mainTableId(v *Vpc) string {
	if v.MainRouteTableId != "" {
		return v.MainRouteTableId
	}
	return "rtb-0" + shortHash(v.Id, 16)
}

// mainTable is VPC v's main route table, stored so routes can be added.
func (c *Cloud) mainTable(v *Vpc) *RouteTable {
	t := c.routeTablesOf(v)[0]
	if c.RouteTables == nil {
		c.RouteTables = map[string]*RouteTable{}
	}
	c.RouteTables[t.Id] = t
	return t
}

// tableOfSubnet is the route table subnet sn uses.
func (c *Cloud) tableOfSubnet(v *Vpc, subnet string) *RouteTable {
	tables := c.routeTablesOf(v)
	for _, t := range tables {
		if slices.Contains(t.SubnetIds, subnet) {
			return t
		}
	}
	return tables[0]
}

// nextHop is where VPC v's table for subnet sends dst: "local" for the
// VPC's own range, the most specific route's target otherwise, "" for no
// route or a blackhole.
func (c *Cloud) nextHop(v *Vpc, subnet string, dst netip.Addr) string {
	if own, err := netip.ParsePrefix(v.CidrBlock); err == nil && own.Contains(dst) {
		return "local"
	}
	best, bits := "", -1
	for _, r := range c.tableOfSubnet(v, subnet).Routes {
		p, err := netip.ParsePrefix(r.DestinationCidrBlock)
		if err != nil || !p.Contains(dst) || p.Bits() <= bits {
			continue
		}
		bits, best = p.Bits(), r.Target
		if r.Blackhole {
			best = ""
		}
	}
	return best
}

// joins says whether target (a tgw- or pcx- ID) carries traffic between
// the VPCs a and b (transitKeys).
func (c *Cloud) joins(target, a, b string) bool {
	switch {
	case strings.HasPrefix(target, "tgw-"):
		g := c.TransitGateways[target]
		if g == nil {
			return false
		}
		on := func(k string) bool { return slices.Contains(g.Attachments, k) }
		return (on(a) && (on(b) || c.viaPeer(g, b))) || (on(b) && c.viaPeer(g, a))
	case strings.HasPrefix(target, "pcx-"):
		p := c.PeeringConnections[target]
		return p != nil && !p.Deleted && ((p.Requester == a && p.Accepter == b) || (p.Requester == b && p.Accepter == a))
	}
	return false
}

// viaPeer says whether VPC k (a transitKey) is attached to a gateway g
// lists as a peer (TransitGateway.Peers). A call needs the way back as
// well (reachesOverRoutes), so the peering carries it only once both
// gateways list each other.
func (c *Cloud) viaPeer(g *TransitGateway, k string) bool {
	for _, id := range g.Peers {
		if p := c.TransitGateways[id]; p != nil && slices.Contains(p.Attachments, k) {
			return true
		}
	}
	return false
}

// firstAddress is the first address AWS hands out in a subnet (the first
// four are reserved: "Subnet CIDR blocks", Amazon VPC user guide).
func firstAddress(cidr string) (netip.Addr, bool) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return netip.Addr{}, false
	}
	a := p.Masked().Addr()
	for range 4 {
		a = a.Next()
	}
	return a, true
}

// reachesOverRoutes says whether a workload in subnet src of VPC from
// reaches an interface of the endpoint in subnet dst of VPC to, and its
// answer gets back: each VPC's table must send the other's address to a
// Transit Gateway both are attached to, or to a peering of the two.
func (c *Cloud) reachesOverRoutes(from *Vpc, src *Subnet, to *Vpc, dst *Subnet) bool {
	srcIp, ok1 := firstAddress(src.CidrBlock)
	dstIp, ok2 := firstAddress(dst.CidrBlock)
	if !ok1 || !ok2 {
		return false
	}
	a, b := transitKey(from.Scope, from.Id), transitKey(to.Scope, to.Id)
	there := c.nextHop(from, src.Id, dstIp)
	back := c.nextHop(to, dst.Id, srcIp)
	return c.joins(there, a, b) && c.joins(back, a, b)
}

// SeededTransitGateway is the ID of the Transit Gateway SeedTransitPath
// attaches the VPCs of region to.
func SeededTransitGateway(region string) string { return "tgw-0" + shortHash(region, 16) }

// SeedTransitPath joins two VPCs of one region over a Transit Gateway (see
// the rules above): both attached to the region's seeded gateway
// (SeededTransitGateway), and each VPC's main route table sending the
// other's CIDR block to it. Another team's network, which the program does
// not create.
func (s *Store) SeedTransitPath(a Scope, vpcA string, b Scope, vpcB string) error {
	return s.Update(func(c *Cloud) error {
		if a.Region != b.Region {
			return fmt.Errorf("fakeaws: a Transit Gateway is regional: %s and %s (SeedInterRegionTransitPath peers two)", a.Region, b.Region)
		}
		va, vb := c.Vpcs[vpcA], c.Vpcs[vpcB]
		if va == nil || vb == nil || va.Scope != a || vb.Scope != b {
			return fmt.Errorf("fakeaws: seed the VPCs %s and %s before their transit path", vpcA, vpcB)
		}
		c.joinOverTransitGateway(va, vb)
		return nil
	})
}

// SeedInterRegionTransitPath joins two VPCs of different regions over
// their regions' Transit Gateways and a peering attachment between the two
// ("Transit gateway peering attachments", Amazon VPC Transit Gateways
// guide): each VPC attached to its region's seeded gateway
// (SeededTransitGateway), the gateways peered, and each VPC's main route
// table sending the other's CIDR block to its own region's gateway (a
// gateway and its VPC attachments are regional). Another team's network,
// which the program does not create.
func (s *Store) SeedInterRegionTransitPath(a Scope, vpcA string, b Scope, vpcB string) error {
	return s.Update(func(c *Cloud) error {
		va, vb := c.Vpcs[vpcA], c.Vpcs[vpcB]
		if va == nil || vb == nil || va.Scope != a || vb.Scope != b {
			return fmt.Errorf("fakeaws: seed the VPCs %s and %s before their transit path", vpcA, vpcB)
		}
		ga, gb := c.attachToRegionGateway(va), c.attachToRegionGateway(vb)
		if ga.Id != gb.Id {
			for _, p := range [][2]*TransitGateway{{ga, gb}, {gb, ga}} {
				if !slices.Contains(p[0].Peers, p[1].Id) {
					p[0].Peers = append(p[0].Peers, p[1].Id)
				}
			}
		}
		addRoute(c.mainTable(va), vb.CidrBlock, ga.Id)
		addRoute(c.mainTable(vb), va.CidrBlock, gb.Id)
		return nil
	})
}

// attachToRegionGateway attaches VPC v to its region's seeded Transit
// Gateway, created in v's scope when the region has none yet.
func (c *Cloud) attachToRegionGateway(v *Vpc) *TransitGateway {
	tgw := SeededTransitGateway(v.Region)
	if c.TransitGateways == nil {
		c.TransitGateways = map[string]*TransitGateway{}
	}
	g := c.TransitGateways[tgw]
	if g == nil {
		g = &TransitGateway{Scope: v.Scope, Id: tgw}
		c.TransitGateways[tgw] = g
	}
	if k := transitKey(v.Scope, v.Id); !slices.Contains(g.Attachments, k) {
		g.Attachments = append(g.Attachments, k)
	}
	return g
}

// joinOverTransitGateway attaches VPCs va and vb (of one region) to the
// region's seeded Transit Gateway and routes each one's CIDR block to it
// from the other's main table; it returns the gateway's ID.
func (c *Cloud) joinOverTransitGateway(va, vb *Vpc) string {
	tgw := SeededTransitGateway(va.Region)
	if c.TransitGateways == nil {
		c.TransitGateways = map[string]*TransitGateway{}
	}
	g := c.TransitGateways[tgw]
	if g == nil {
		g = &TransitGateway{Scope: vb.Scope, Id: tgw}
		c.TransitGateways[tgw] = g
	}
	for _, k := range []string{transitKey(va.Scope, va.Id), transitKey(vb.Scope, vb.Id)} {
		if !slices.Contains(g.Attachments, k) {
			g.Attachments = append(g.Attachments, k)
		}
	}
	addRoute(c.mainTable(va), vb.CidrBlock, tgw)
	addRoute(c.mainTable(vb), va.CidrBlock, tgw)
	return tgw
}

// SeedRoute adds (or replaces) the route for cidr to target in the main
// route table of VPC vpc.
func (s *Store) SeedRoute(vpc, cidr, target string) error {
	return s.Update(func(c *Cloud) error {
		v := c.Vpcs[vpc]
		if v == nil {
			return fmt.Errorf("fakeaws: no VPC %s to route from", vpc)
		}
		addRoute(c.mainTable(v), cidr, target)
		return nil
	})
}

// RemoveRoute takes the route for cidr out of every route table of VPC vpc.
func (s *Store) RemoveRoute(vpc, cidr string) error {
	return s.Update(func(c *Cloud) error {
		for _, t := range c.RouteTables {
			if t.VpcId == vpc {
				t.Routes = slices.DeleteFunc(t.Routes, func(r VpcRoute) bool { return r.DestinationCidrBlock == cidr })
			}
		}
		return nil
	})
}

// addRoute sets t's route for cidr to target.
func addRoute(t *RouteTable, cidr, target string) {
	t.Routes = slices.DeleteFunc(t.Routes, func(r VpcRoute) bool { return r.DestinationCidrBlock == cidr })
	t.Routes = append(t.Routes, VpcRoute{DestinationCidrBlock: cidr, Target: target})
}

// describeFilters are the filters of a data source's arguments
// (filter blocks: name and values), by name.
func describeFilters(args props) map[string][]string {
	out := map[string][]string{}
	for _, f := range args.list("filters") {
		fp := props(f)
		out[fp.str("name")] = append(out[fp.str("name")], fp.strs("values")...)
	}
	return out
}

// readRouteTables is aws_route_tables: the IDs of the caller's route
// tables of vpcId (FindRouteTables, DescribeRouteTables), filtered by
// vpc-id and route.state as DescribeRouteTables filters them (Amazon EC2
// API reference); another filter is not simulated.
func (p *Provider) readRouteTables(c *Cloud, args props) (props, error) {
	filters := describeFilters(args)
	vpcs := filters["vpc-id"]
	if v := args.str("vpcId"); v != "" {
		vpcs = append(vpcs, v)
	}
	for name := range filters {
		if name != "vpc-id" && name != "route.state" {
			return nil, fmt.Errorf("fakeaws: route table filter %s is not simulated", name)
		}
	}
	ids := []any{}
	for _, v := range c.Vpcs {
		if v.Scope != p.scope || (len(vpcs) > 0 && !slices.Contains(vpcs, v.Id)) {
			continue
		}
		for _, t := range c.routeTablesOf(v) {
			if states, ok := filters["route.state"]; ok && !slices.ContainsFunc(t.Routes, func(r VpcRoute) bool {
				state := "active"
				if r.Blackhole {
					state = "blackhole"
				}
				return slices.Contains(states, state)
			}) {
				continue
			}
			ids = append(ids, t.Id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].(string) < ids[j].(string) })
	return props{"id": p.scope.Region, "ids": ids, "vpcId": args.str("vpcId")}, nil
}

// readRouteTable is aws_route_table by routeTableId: its routes without
// the local one (dataSourceRoutesRead leaves it out, and gives a route no
// state), each target in the field of its kind, and its associations.
func (p *Provider) readRouteTable(c *Cloud, args props) (props, error) {
	id := args.str("routeTableId")
	for _, v := range c.Vpcs {
		if v.Scope != p.scope {
			continue
		}
		for _, t := range c.routeTablesOf(v) {
			if t.Id != id {
				continue
			}
			routes, assocs := []any{}, []any{}
			for _, r := range t.Routes {
				routes = append(routes, map[string]any{"cidrBlock": r.DestinationCidrBlock, routeTargetField(r.Target): r.Target})
			}
			if t.Main {
				assocs = append(assocs, map[string]any{"routeTableId": t.Id, "main": true})
			}
			for _, s := range t.SubnetIds {
				assocs = append(assocs, map[string]any{"routeTableId": t.Id, "subnetId": s, "main": false})
			}
			return props{"id": t.Id, "routeTableId": t.Id, "vpcId": v.Id, "ownerId": v.Account, "routes": routes, "associations": assocs}, nil
		}
	}
	return nil, fmt.Errorf("reading EC2 VPC Route Table: query returned no results. Please change your search criteria and try again")
}

// routeTargetField is the field of aws_route_table's routes holding a
// target of this ID's kind (dataSourceRoutesRead).
func routeTargetField(target string) string {
	for _, k := range []struct{ prefix, field string }{{"tgw-", "transitGatewayId"}, {"pcx-", "vpcPeeringConnectionId"}, {"nat-", "natGatewayId"},
		{"eni-", "networkInterfaceId"}, {"i-", "instanceId"}, {"vpce-", "vpcEndpointId"}, {"eigw-", "egressOnlyGatewayId"}} {
		if strings.HasPrefix(target, k.prefix) {
			return k.field
		}
	}
	return "gatewayId"
}

// readSubnets is aws_subnets: the IDs of the caller's subnets, filtered by
// vpc-id (FindSubnets); none is an empty list, not an error.
func (p *Provider) readSubnets(c *Cloud, args props) (props, error) {
	filters := describeFilters(args)
	for name := range filters {
		if name != "vpc-id" {
			return nil, fmt.Errorf("fakeaws: subnet filter %s is not simulated", name)
		}
	}
	ids := []any{}
	for _, s := range c.Subnets {
		if s.Scope == p.scope && (len(filters["vpc-id"]) == 0 || slices.Contains(filters["vpc-id"], s.VpcId)) {
			ids = append(ids, s.Id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].(string) < ids[j].(string) })
	return props{"id": p.scope.Region, "ids": ids}, nil
}

// readSubnet is aws_subnet by id (FindSubnet): "no matching EC2 Subnet
// found" for a subnet the caller's account and region do not hold.
func (p *Provider) readSubnet(c *Cloud, args props) (props, error) {
	s, ok := c.Subnets[args.str("id")]
	if !ok || s.Scope != p.scope {
		return nil, fmt.Errorf("reading EC2 Subnet: no matching EC2 Subnet found")
	}
	return props{"id": s.Id, "vpcId": s.VpcId, "cidrBlock": s.CidrBlock, "availabilityZone": s.AvailabilityZone, "ownerId": s.Account}, nil
}

// routedBetween says whether function f's VPC and endpoint e's VPC route to
// each other (reachesOverRoutes) from one of f's subnets to one of e's.
func (c *Cloud) routedBetween(f *Function, e *Endpoint) bool {
	from, to := c.Vpcs[f.VpcId], c.Vpcs[e.VpcId]
	if from == nil || to == nil || from.Scope != f.Scope || to.Scope != e.Scope {
		return false
	}
	for _, sid := range f.SubnetIds {
		for _, did := range e.SubnetIds {
			src, dst := c.Subnets[sid], c.Subnets[did]
			if src != nil && dst != nil && c.reachesOverRoutes(from, src, to, dst) {
				return true
			}
		}
	}
	return false
}
