package components

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The hub's routes: the program creates no Transit Gateway, attachment or
// route, so before anything is registered the preflight reads, where the
// stack's credentials reach, the VPC route tables both ways of a call
// through the hub:
//
//   - each spoke VPC (with the spoke's credentials, so with hub.dns phz
//     only): the route table of every subnet of the VPC that lies in the
//     spoke's allowedCidrs (its sources) must send the hub endpoint's
//     subnets on to a Transit Gateway or a VPC peering connection;
//   - the hub VPC (with the network account's credentials): the route
//     table of every subnet the hub endpoint has an interface in must send
//     every spoke's allowedCidrs back the same way.
//
// A subnet uses the route table explicitly associated with it, or else the
// VPC's main route table; the most specific route that matches an address
// decides where it goes, and a VPC's local route (its own CIDR blocks)
// cannot be overridden by a more specific one to another VPC ("Route
// tables", "Subnet route tables" and "Route priority", Amazon VPC user
// guide). The route tables are read with the provider's data sources
// (aws_route_tables, then aws_route_table per table: terraform-provider-aws
// ec2/vpc_route_table_data_source.go, which leaves out the local routes, so
// they are taken from the VPC's CIDR blocks, and VGW-propagated ones). Its
// routes carry no state, so a route left in state blackhole (its Transit
// Gateway attachment or peering deleted) is found with a second
// aws_route_tables read filtered by route.state (DescribeRouteTables,
// Amazon EC2 API reference), per table, not per route.
//
// What is a problem (a FieldError: the call would certainly time out) and
// what is a warning (it may or may not get there):
//   - no route for the destination, the VPC's own range covering it, or a
//     route to an internet gateway: a problem, naming the route table, the
//     destination and the route to add;
//   - a route through an appliance (network interface, instance, Gateway
//     Load Balancer endpoint), a NAT gateway, a virtual private gateway or
//     a prefix list the preflight does not read, and a table holding a
//     route in state blackhole: a warning, as inspection and NAT designs
//     forward such traffic on to the Transit Gateway;
//   - a Transit Gateway's own route tables (in the account that owns the
//     gateway, which is in general none of the stack's) are not read: a
//     route to tgw-… in both VPCs is taken as a path, and a gateway whose
//     route tables do not join the two attachments still drops the call;
//   - with hub.dns none the stack holds no credentials for the spokes'
//     accounts: their routes are not read, and one warning says so.

// Route-table reads of the preflight (pulumi-aws 6.83.4 data sources).
const (
	invokeGetRouteTables = "aws:ec2/getRouteTables:getRouteTables"
	invokeGetRouteTable  = "aws:ec2/getRouteTable:getRouteTable"
	invokeGetSubnets     = "aws:ec2/getSubnets:getSubnets"
	invokeGetSubnet      = "aws:ec2/getSubnet:getSubnet"
)

// routeTargetHelp is what a route to the hub (or back) goes through, as
// every missing-route problem says it.
const routeTargetHelp = "through a Transit Gateway (tgw-…) or a VPC peering connection (pcx-…)"

// routeEntry is one route of a table (aws_route_table's routes).
type routeEntry struct {
	CidrBlock               string `pulumi:"cidrBlock"`
	DestinationPrefixListId string `pulumi:"destinationPrefixListId"`
	TransitGatewayId        string `pulumi:"transitGatewayId"`
	VpcPeeringConnectionId  string `pulumi:"vpcPeeringConnectionId"`
	CoreNetworkArn          string `pulumi:"coreNetworkArn"`
	GatewayId               string `pulumi:"gatewayId"`
	NatGatewayId            string `pulumi:"natGatewayId"`
	NetworkInterfaceId      string `pulumi:"networkInterfaceId"`
	InstanceId              string `pulumi:"instanceId"`
	VpcEndpointId           string `pulumi:"vpcEndpointId"`
	EgressOnlyGatewayId     string `pulumi:"egressOnlyGatewayId"`
	LocalGatewayId          string `pulumi:"localGatewayId"`
	CarrierGatewayId        string `pulumi:"carrierGatewayId"`
}

// routeKind says where a route sends traffic, for the check.
type routeKind int

const (
	// routeOn goes to another VPC: a Transit Gateway, a VPC peering
	// connection or an AWS Cloud WAN core network.
	routeOn routeKind = iota
	// routeMaybe goes somewhere that may forward it on (an appliance, a NAT
	// gateway, a virtual private gateway).
	routeMaybe
	// routeNever cannot reach another VPC's private address (an internet
	// gateway, an egress-only one, a carrier or local gateway).
	routeNever
)

// kind and target describe the route's target.
func (r routeEntry) kind() (routeKind, string) {
	switch {
	case r.TransitGatewayId != "":
		return routeOn, "Transit Gateway " + r.TransitGatewayId
	case r.VpcPeeringConnectionId != "":
		return routeOn, "VPC peering connection " + r.VpcPeeringConnectionId
	case r.CoreNetworkArn != "":
		return routeOn, "core network " + r.CoreNetworkArn
	case r.NetworkInterfaceId != "":
		return routeMaybe, "network interface " + r.NetworkInterfaceId
	case r.InstanceId != "":
		return routeMaybe, "instance " + r.InstanceId
	case r.VpcEndpointId != "":
		return routeMaybe, "Gateway Load Balancer endpoint " + r.VpcEndpointId
	case r.NatGatewayId != "":
		return routeMaybe, "NAT gateway " + r.NatGatewayId
	case strings.HasPrefix(r.GatewayId, "vgw-"):
		return routeMaybe, "virtual private gateway " + r.GatewayId
	case r.GatewayId != "":
		return routeNever, "gateway " + r.GatewayId
	case r.EgressOnlyGatewayId != "":
		return routeNever, "egress-only internet gateway " + r.EgressOnlyGatewayId
	case r.LocalGatewayId != "":
		return routeNever, "local gateway " + r.LocalGatewayId
	case r.CarrierGatewayId != "":
		return routeNever, "carrier gateway " + r.CarrierGatewayId
	}
	return routeNever, "no target"
}

// routeTable is one route table of a VPC (aws_route_table).
type routeTable struct {
	Id           string       `pulumi:"routeTableId"`
	Routes       []routeEntry `pulumi:"routes"`
	Associations []struct {
		SubnetId string `pulumi:"subnetId"`
		Main     bool   `pulumi:"main"`
	} `pulumi:"associations"`
}

// vpcRoutes is what the preflight read of one VPC's routing.
type vpcRoutes struct {
	vpcId string
	// local are the VPC's own CIDR blocks (its local routes).
	local []netip.Prefix
	// tables by ID; main is the main table's ID, bySubnet a subnet's
	// explicitly associated table.
	tables   map[string]routeTable
	main     string
	bySubnet map[string]string
	// blackholed are the tables holding a route in state blackhole.
	blackholed map[string]bool
}

// tableOf is the route table subnet uses: its own, or the main one.
func (v vpcRoutes) tableOf(subnet string) (routeTable, bool) {
	id, ok := v.bySubnet[subnet]
	if !ok {
		id = v.main
	}
	t, ok := v.tables[id]
	return t, ok
}

// readRoutes reads the route tables of VPC vpcId whose own CIDR blocks are
// local; err is the first read that failed.
func (p *preflight) readRoutes(vpcId string, local []netip.Prefix, opts []pulumi.InvokeOption) (vpcRoutes, error) {
	v := vpcRoutes{vpcId: vpcId, local: local, tables: map[string]routeTable{}, bySubnet: map[string]string{}, blackholed: map[string]bool{}}
	var ids struct {
		Ids []string `pulumi:"ids"`
	}
	if err := p.ctx.Invoke(invokeGetRouteTables, map[string]any{"vpcId": vpcId}, &ids, invokeOpts(opts)...); err != nil {
		return v, err
	}
	for _, id := range ids.Ids {
		var t routeTable
		if err := p.ctx.Invoke(invokeGetRouteTable, map[string]any{"routeTableId": id}, &t, invokeOpts(opts)...); err != nil {
			return v, err
		}
		t.Id = id
		v.tables[id] = t
		for _, a := range t.Associations {
			switch {
			case a.Main:
				v.main = id
			case a.SubnetId != "":
				v.bySubnet[a.SubnetId] = id
			}
		}
	}
	var holes struct {
		Ids []string `pulumi:"ids"`
	}
	filters := []map[string]any{{"name": "route.state", "values": []string{"blackhole"}}}
	if err := p.ctx.Invoke(invokeGetRouteTables, map[string]any{"vpcId": vpcId, "filters": filters}, &holes, invokeOpts(opts)...); err != nil {
		return v, err
	}
	for _, id := range holes.Ids {
		v.blackholed[id] = true
	}
	return v, nil
}

// routeVerdict is what a route table does with a destination range.
type routeVerdict struct {
	// ok: every address of the range goes to another VPC (routeOn).
	ok bool
	// certain: when not ok, the call surely fails (a problem, not a warning).
	certain bool
	// why says what happens to the range, when not ok; via names the
	// route's target when ok.
	why, via string
}

// decide applies longest-prefix matching to dest in table t of VPC v: the
// most specific route that contains dest, and every more specific route
// inside dest, must all go to another VPC; the local route wins over any
// other for the VPC's own range.
func (v vpcRoutes) decide(t routeTable, dest netip.Prefix) routeVerdict {
	for _, l := range v.local {
		if l.Overlaps(dest) {
			return routeVerdict{certain: true, why: fmt.Sprintf("lies in the VPC's own range %s (its local route wins, and a VPC cannot route to an overlapping one)", l)}
		}
	}
	var best *routeEntry
	var bestPrefix netip.Prefix
	prefixLists := []string{}
	var verdict routeVerdict
	for i := range t.Routes {
		r := &t.Routes[i]
		if r.DestinationPrefixListId != "" {
			if k, _ := r.kind(); k == routeOn {
				prefixLists = append(prefixLists, r.DestinationPrefixListId)
			}
			continue
		}
		pfx, err := netip.ParsePrefix(r.CidrBlock)
		if err != nil || !pfx.Addr().Is4() {
			continue
		}
		pfx = pfx.Masked()
		switch {
		case pfx.Bits() <= dest.Bits() && pfx.Contains(dest.Addr()):
			if best == nil || pfx.Bits() > bestPrefix.Bits() {
				best, bestPrefix = r, pfx
			}
		case pfx.Bits() > dest.Bits() && dest.Contains(pfx.Addr()):
			// A more specific route takes part of the range.
			if k, target := r.kind(); k != routeOn && verdict.why == "" {
				verdict = routeVerdict{certain: k == routeNever, why: fmt.Sprintf("is partly routed by the more specific route %s to %s", pfx, target)}
			}
		}
	}
	switch {
	case best == nil:
		verdict = routeVerdict{certain: true, why: "has no route"}
	case verdict.why != "":
	default:
		k, target := best.kind()
		if k == routeOn {
			return routeVerdict{ok: true, via: target}
		}
		verdict = routeVerdict{certain: k == routeNever, why: fmt.Sprintf("is routed by %s to %s", bestPrefix, target)}
	}
	if len(prefixLists) > 0 && verdict.certain {
		verdict.certain = false
		verdict.why += fmt.Sprintf(" unless prefix list %s holds it (the preflight does not read prefix lists)", strings.Join(prefixLists, ", "))
	}
	return verdict
}

// hubRoutes checks the routes of a call through the hub, both ways (see
// above): the hub VPC and its endpoint subnets with the network account's
// credentials, each spoke's with its own (spokeVpcs: the spokes' VPCs the
// preflight read, by consumer index).
func (a *CrossAccountPrivateApiArgs) hubRoutes(p *preflight, spokeVpcs map[int]existingVpc, consumerOpts func(ConsumerArgs) []pulumi.InvokeOption) {
	h := a.Hub
	hubVpcId, plain := plainString(h.VpcId)
	if !plain || hubVpcId == "" {
		return
	}
	opts := []pulumi.InvokeOption{pulumi.Provider(h.Provider)}
	hubVpc, ok := p.readVpc("hub.vpcId", "network", h.AccountId, "hub", hubVpcId, a.Region, "the spokes' routes to it and its routes back are not checked", opts...)
	if !ok {
		return
	}
	// Where the hub endpoint has its interfaces: its subnets' ranges, the
	// destinations each spoke must route (the hub VPC's whole range when a
	// subnet cannot be read).
	var endpointSubnets []subnetRange
	subnetIds, _ := plainStrings(h.SubnetIds)
	for _, id := range subnetIds {
		var s struct {
			CidrBlock string `pulumi:"cidrBlock"`
			VpcId     string `pulumi:"vpcId"`
		}
		err := p.ctx.Invoke(invokeGetSubnet, map[string]any{"id": id}, &s, invokeOpts(opts)...)
		switch {
		case err != nil && strings.Contains(err.Error(), "no matching"):
			p.f.add("hub.subnetIds", "got %q; no such subnet in network account %s and %s (%v): expected a subnet of hub VPC %s, in the stack's region (subnet IDs are regional)",
				id, h.AccountId, a.Region, err, hubVpcId)
			continue
		case err != nil:
			p.warn("could not read subnet %s of the hub (%v); the spokes' routes to it are checked against the hub VPC's range", id, err)
			continue
		case s.VpcId != "" && s.VpcId != hubVpcId:
			p.f.add("hub.subnetIds", "got %q, a subnet of VPC %s; expected a subnet of hub VPC %s", id, s.VpcId, hubVpcId)
			continue
		}
		endpointSubnets = append(endpointSubnets, subnetRange{id, s.CidrBlock})
	}
	hubLocal := vpcCidrs(hubVpc)
	hubRange := strings.Join(prefixStrings(hubLocal), ", ")
	hub, err := p.readRoutes(hubVpcId, hubLocal, opts)
	if err != nil {
		p.warn("could not read the route tables of hub VPC %s (%v); the hub's routes back to the spokes are not checked (ec2:DescribeRouteTables, in the roles go run ./cmd/plan --iam prints)", hubVpcId, err)
	} else {
		a.hubReturnRoutes(p, hub, endpointSubnets)
	}

	// The way there, from each spoke.
	var unread []string
	for i, c := range a.Consumers {
		if !c.viaHub() {
			continue
		}
		vpcId, plain := plainString(c.VpcId)
		if !plain || vpcId == "" {
			continue
		}
		vpc, read := spokeVpcs[i]
		if h.Dns == HubDnsNone {
			unread = append(unread, c.Name+" ("+vpcId+")")
			continue
		}
		if !read {
			continue // readVpc said why
		}
		dests := []routeDest{}
		for _, s := range endpointSubnets {
			if pfx, err := netip.ParsePrefix(s.cidr); err == nil {
				dests = append(dests, routeDest{pfx.Masked(), "hub subnet " + s.id + ", where the hub endpoint has a network interface"})
			}
		}
		if len(dests) == 0 {
			for _, l := range hubLocal {
				dests = append(dests, routeDest{l, "hub VPC " + hubVpcId})
			}
		}
		a.spokeRoutes(p, i, c, vpc, dests, hubRange, consumerOpts(c))
	}
	if len(unread) > 0 {
		p.warn("with hub.dns %s the stack has no credentials for the spokes' accounts, so their routes to the hub are not checked: %s. Each must route the hub endpoint's subnets "+
			"(hub VPC %s: %s) %s from the subnets of its allowedCidrs (aws ec2 describe-route-tables --filters Name=vpc-id,Values=<spoke VPC>)",
			HubDnsNone, strings.Join(unread, ", "), hubVpcId, hubRange, routeTargetHelp)
	}
}

// routeDest is a range a table must route, and what it is.
type routeDest struct {
	prefix netip.Prefix
	what   string
}

// hubReturnRoutes checks that the route table of every hub endpoint subnet
// sends each spoke's allowedCidrs back to another VPC (the endpoint answers
// the caller's own address).
func (a *CrossAccountPrivateApiArgs) hubReturnRoutes(p *preflight, hub vpcRoutes, endpointSubnets []subnetRange) {
	seen := map[string]bool{}
	for _, s := range endpointSubnets {
		t, ok := hub.tableOf(s.id)
		if !ok {
			p.warn("hub subnet %s has no route table the preflight could read (no explicit association and no main table among the VPC's); its routes back to the spokes are not checked", s.id)
			continue
		}
		for _, c := range a.Consumers {
			if !c.viaHub() {
				continue
			}
			cidrs, _ := plainStrings(c.AllowedCidrs)
			for _, cidr := range cidrs {
				dest, err := netip.ParsePrefix(cidr)
				if err != nil || seen[t.Id+" "+cidr] {
					continue
				}
				seen[t.Id+" "+cidr] = true
				v := hub.decide(t, dest.Masked())
				usedBy := fmt.Sprintf("route table %s of hub VPC %s (used by hub subnet %s, where the hub endpoint has a network interface)", t.Id, hub.vpcId, s.id)
				p.reportRoute("hub.vpcId", v, hub, t, usedBy, fmt.Sprintf("%s (allowedCidrs of spoke %s)", cidr, c.Name), cidr,
					"so the hub endpoint's answers never get back to the spoke", "")
			}
		}
	}
}

// spokeRoutes checks, for spoke c (consumers[i]) in its VPC vpc, that the
// route table of every subnet in its allowedCidrs sends each destination
// (the hub endpoint's subnets) to another VPC.
func (a *CrossAccountPrivateApiArgs) spokeRoutes(p *preflight, i int, c ConsumerArgs, vpc existingVpc, dests []routeDest, hubRange string, opts []pulumi.InvokeOption) {
	field := fmt.Sprintf("consumers[%d].vpcId", i)
	// The route tables first: what the reads need does not depend on what
	// they find (the printed roles come from the offline plan's reads).
	routes, err := p.readRoutes(vpc.Id, vpcCidrs(vpc), opts)
	if err != nil {
		p.warn("could not read the route tables of VPC %s of spoke %s (%v); its routes to the hub are not checked (ec2:DescribeRouteTables, in the roles go run ./cmd/plan --iam prints)", vpc.Id, c.Name, err)
		return
	}
	sources, err := p.sourceSubnets(c, vpc.Id, opts)
	if err != nil {
		p.warn("could not read the subnets of VPC %s of spoke %s (%v); its routes to the hub are not checked (ec2:DescribeSubnets, in the roles go run ./cmd/plan --iam prints)", vpc.Id, c.Name, err)
		return
	}
	if len(sources) == 0 {
		p.warn("no subnet of VPC %s of spoke %s lies in its allowedCidrs, so its routes to the hub are not checked; calls come from the subnets of those ranges", vpc.Id, c.Name)
		return
	}
	seen := map[string]bool{}
	for _, s := range sources {
		t, ok := routes.tableOf(s.id)
		if !ok {
			p.warn("subnet %s of spoke %s has no route table the preflight could read; its route to the hub is not checked", s.id, c.Name)
			continue
		}
		for _, d := range dests {
			if seen[t.Id+" "+d.prefix.String()] {
				continue
			}
			seen[t.Id+" "+d.prefix.String()] = true
			v := routes.decide(t, d.prefix)
			usedBy := fmt.Sprintf("route table %s of VPC %s (used by subnet %s, %s, in allowedCidrs)", t.Id, vpc.Id, s.id, s.cidr)
			p.reportRoute(field, v, routes, t, usedBy, fmt.Sprintf("%s (%s)", d.prefix, d.what), d.prefix.String(),
				"so its calls to the hub endpoint time out", fmt.Sprintf(" (or the hub VPC's %s)", hubRange))
		}
	}
}

// reportRoute turns a verdict on table t into a problem on field, a
// warning, or nothing; usedBy names the table, dest the destination, route
// the range to route, fails the consequence and also a wider alternative.
func (p *preflight) reportRoute(field string, v routeVerdict, routes vpcRoutes, t routeTable, usedBy, dest, route, fails, also string) {
	switch {
	case v.ok && routes.blackholed[t.Id]:
		p.warn("%s routes %s to %s, and holds a route in state blackhole (its target deleted): if it is that one, traffic is dropped; "+
			"aws ec2 describe-route-tables --route-table-ids %s shows it", usedBy, dest, v.via, t.Id)
	case v.ok:
	case v.certain:
		p.f.add(field, "%s: %s %s, %s; expected a route for %s%s %s (aws ec2 create-route --route-table-id %s --destination-cidr-block %s --transit-gateway-id tgw-…)",
			usedBy, dest, v.why, fails, route, also, routeTargetHelp, t.Id, route)
	default:
		p.warn("%s: %s %s; if that does not lead %s to the other VPC, %s", usedBy, dest, v.why, routeTargetHelp, fails)
	}
}

// subnetRange is a subnet and its IPv4 range.
type subnetRange struct{ id, cidr string }

// sourceSubnets are the subnets of VPC vpcId that overlap c's allowedCidrs
// (aws_subnets by vpc-id, then aws_subnet each for its range).
func (p *preflight) sourceSubnets(c ConsumerArgs, vpcId string, opts []pulumi.InvokeOption) ([]subnetRange, error) {
	allowed := []netip.Prefix{}
	cidrs, _ := plainStrings(c.AllowedCidrs)
	for _, cidr := range cidrs {
		if pfx, err := netip.ParsePrefix(cidr); err == nil {
			allowed = append(allowed, pfx.Masked())
		}
	}
	var ids struct {
		Ids []string `pulumi:"ids"`
	}
	filters := []map[string]any{{"name": "vpc-id", "values": []string{vpcId}}}
	if err := p.ctx.Invoke(invokeGetSubnets, map[string]any{"filters": filters}, &ids, invokeOpts(opts)...); err != nil {
		return nil, err
	}
	sort.Strings(ids.Ids)
	var out []subnetRange
	for _, id := range ids.Ids {
		var s struct {
			CidrBlock string `pulumi:"cidrBlock"`
		}
		if err := p.ctx.Invoke(invokeGetSubnet, map[string]any{"id": id}, &s, invokeOpts(opts)...); err != nil {
			return nil, err
		}
		pfx, err := netip.ParsePrefix(s.CidrBlock)
		if err != nil {
			continue
		}
		if slices.ContainsFunc(allowed, func(a netip.Prefix) bool { return a.Overlaps(pfx) }) {
			out = append(out, subnetRange{id, s.CidrBlock})
		}
	}
	return out, nil
}

// vpcCidrs are a VPC's IPv4 CIDR blocks: its primary one and every
// associated one.
func vpcCidrs(v existingVpc) []netip.Prefix {
	var out []netip.Prefix
	add := func(cidr string) {
		if pfx, err := netip.ParsePrefix(cidr); err == nil && !slices.Contains(out, pfx.Masked()) {
			out = append(out, pfx.Masked())
		}
	}
	add(v.CidrBlock)
	for _, a := range v.CidrBlockAssociations {
		if a.State == "" || a.State == "associated" {
			add(a.CidrBlock)
		}
	}
	return out
}

// prefixStrings renders prefixes.
func prefixStrings(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
