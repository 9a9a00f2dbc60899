package awsmock

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// What the components' preflight reads of a hub's and its spokes' routing:
// a VPC's subnets (getSubnets by vpc-id, getSubnet each) and route tables
// (getRouteTables by vpcId, getRouteTable each), answered from Networks.

// Network is an existing VPC's addressing and routing, as AWS would report
// them (offline the mocks cannot know the real ones).
type Network struct {
	// Cidr is the VPC's CIDR block; "" is SimulatedVpcCidr.
	Cidr string
	// Subnets maps each subnet's ID to its CIDR block.
	Subnets map[string]string
	// RouteTables are the VPC's route tables (none: DefaultRouteTable's).
	RouteTables []RouteTable
}

// RouteTable is one route table of a Network: the main one (which every
// subnet without a table of its own uses) or one associated with SubnetIds.
type RouteTable struct {
	Id        string
	Main      bool
	SubnetIds []string
	Routes    []Route
}

// Route is one route: its destination (a CIDR block, or a prefix list) and
// its target's ID (tgw-, pcx-, igw-, vgw-, nat-, eni-, i-, vpce-, eigw-),
// in state blackhole when its target is gone.
type Route struct {
	Cidr, PrefixListId, Target string
	Blackhole                  bool
}

// MockTransitGateway is the Transit Gateway the mocks' default route tables
// route the private ranges to.
const MockTransitGateway = "tgw-0a0a0a0a0a0a0a0a0"

// DefaultRouteTable is the route table of a VPC not given by Networks: its
// main table, sending the private ranges (RFC 1918) to MockTransitGateway,
// as a spoke or hub attached to a Transit Gateway typically does. Its own
// range stays local (the provider's data source does not list local routes).
func DefaultRouteTable(vpcId string) RouteTable {
	return RouteTable{Id: "rtb-" + digest(vpcId, 17), Main: true, Routes: []Route{
		{Cidr: "10.0.0.0/8", Target: MockTransitGateway}, {Cidr: "172.16.0.0/12", Target: MockTransitGateway}, {Cidr: "192.168.0.0/16", Target: MockTransitGateway},
	}}
}

// Networks gives existing VPCs, by ID, their range, subnets and route
// tables. A VPC not listed has SimulatedVpcCidr, no subnets and
// DefaultRouteTable; a subnet of no listed VPC has a /24 derived from its
// ID and no VPC.
func Networks(vpcs map[string]Network) Option {
	return func(m *Mocks) {
		for id, n := range vpcs {
			m.networks[id] = n
		}
	}
}

// VpcsInRegions gives, by VPC ID, the region an existing VPC is in: a
// provider of any other region does not find it (getVpc answers "no
// matching EC2 VPC found", as DescribeVpcs answers only for its own
// region). A VPC not listed is in every provider's region.
func VpcsInRegions(regions map[string]string) Option {
	return func(m *Mocks) {
		for id, r := range regions {
			m.vpcRegions[id] = r
		}
	}
}

// vpcCidr is the range the mocks report for VPC id.
func (m *Mocks) vpcCidr(id string) string {
	if n, ok := m.networks[id]; ok && n.Cidr != "" {
		return n.Cidr
	}
	return SimulatedVpcCidr(id)
}

// routeTables are VPC id's route tables.
func (m *Mocks) routeTables(id string) []RouteTable {
	if n, ok := m.networks[id]; ok && len(n.RouteTables) > 0 {
		return n.RouteTables
	}
	return []RouteTable{DefaultRouteTable(id)}
}

// filterValues are the values of the filter named name in args' filters.
func filterValues(args resource.PropertyMap, name string) []string {
	v := plain(args["filters"])
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, f := range v.ArrayValue() {
		f = plain(f)
		if !f.IsObject() || str(f.ObjectValue(), "name") != name {
			continue
		}
		if vals := plain(f.ObjectValue()["values"]); vals.IsArray() {
			for _, x := range vals.ArrayValue() {
				if x = plain(x); x.IsString() {
					out = append(out, x.StringValue())
				}
			}
		}
	}
	return out
}

// propStrings returns a property array of ss.
func propStrings(ss []string) resource.PropertyValue {
	out := make([]resource.PropertyValue, len(ss))
	for i, s := range ss {
		out[i] = resource.NewProperty(s)
	}
	return resource.NewProperty(out)
}

// callRoutes answers the route and subnet reads; ok is false for any other.
func (m *Mocks) callRoutes(invoke string, args resource.PropertyMap) (out resource.PropertyMap, ok bool, err error) {
	switch invoke {
	case "aws:ec2/getSubnets:getSubnets":
		var ids []string
		for _, vpc := range filterValues(args, "vpc-id") {
			for id := range m.networks[vpc].Subnets {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		return resource.PropertyMap{"id": resource.NewProperty("subnets"), "ids": propStrings(ids)}, true, nil
	case "aws:ec2/getSubnet:getSubnet":
		id := str(args, "id")
		for vpc, n := range m.networks {
			if cidr, found := n.Subnets[id]; found {
				return resource.PropertyMap{"id": resource.NewProperty(id), "vpcId": resource.NewProperty(vpc), "cidrBlock": resource.NewProperty(cidr)}, true, nil
			}
		}
		h := digest(id, 4)
		var a, b int
		_, _ = fmt.Sscanf(h, "%02x%02x", &a, &b)
		return resource.PropertyMap{"id": resource.NewProperty(id), "cidrBlock": resource.NewProperty(fmt.Sprintf("10.%d.%d.0/24", a, b))}, true, nil
	case "aws:ec2/getRouteTables:getRouteTables":
		vpc := str(args, "vpcId")
		blackholeOnly := slices.Contains(filterValues(args, "route.state"), "blackhole")
		var ids []string
		if _, given := m.networks[vpc]; !given || len(m.networks[vpc].RouteTables) == 0 {
			m.mu.Lock()
			m.defaultTables[DefaultRouteTable(vpc).Id] = vpc
			m.mu.Unlock()
		}
		for _, t := range m.routeTables(vpc) {
			if !blackholeOnly || slices.ContainsFunc(t.Routes, func(r Route) bool { return r.Blackhole }) {
				ids = append(ids, t.Id)
			}
		}
		return resource.PropertyMap{"id": resource.NewProperty(vpc), "vpcId": resource.NewProperty(vpc), "ids": propStrings(ids)}, true, nil
	case "aws:ec2/getRouteTable:getRouteTable":
		id := str(args, "routeTableId")
		for vpc, n := range m.networks {
			for _, t := range n.RouteTables {
				if t.Id == id {
					return routeTableProps(vpc, t), true, nil
				}
			}
		}
		m.mu.Lock()
		vpc, listed := m.defaultTables[id]
		m.mu.Unlock()
		if listed {
			return routeTableProps(vpc, DefaultRouteTable(vpc)), true, nil
		}
		return nil, true, fmt.Errorf("reading EC2 VPC Route Table: query returned no results. Please change your search criteria and try again")
	}
	return nil, false, nil
}

// routeTableProps is getRouteTable's answer for table t of VPC vpc: routes
// with their target in the field the provider sets for its kind, and the
// main and subnet associations.
func routeTableProps(vpc string, t RouteTable) resource.PropertyMap {
	var routes, assocs []resource.PropertyValue
	for _, r := range t.Routes {
		route := resource.PropertyMap{}
		if r.Cidr != "" {
			route["cidrBlock"] = resource.NewProperty(r.Cidr)
		}
		if r.PrefixListId != "" {
			route["destinationPrefixListId"] = resource.NewProperty(r.PrefixListId)
		}
		route[routeTargetField(r.Target)] = resource.NewProperty(r.Target)
		routes = append(routes, resource.NewProperty(route))
	}
	if t.Main {
		assocs = append(assocs, resource.NewProperty(resource.PropertyMap{"routeTableId": resource.NewProperty(t.Id), "main": resource.NewProperty(true)}))
	}
	for _, s := range t.SubnetIds {
		assocs = append(assocs, resource.NewProperty(resource.PropertyMap{"routeTableId": resource.NewProperty(t.Id), "subnetId": resource.NewProperty(s),
			"main": resource.NewProperty(false)}))
	}
	return resource.PropertyMap{"id": resource.NewProperty(t.Id), "routeTableId": resource.NewProperty(t.Id), "vpcId": resource.NewProperty(vpc),
		"routes": resource.NewProperty(routes), "associations": resource.NewProperty(assocs)}
}

// routeTargetField is the field of aws_route_table's routes that holds a
// target of this ID's kind (terraform-provider-aws
// ec2/vpc_route_table_data_source.go, dataSourceRoutesRead).
func routeTargetField(target string) resource.PropertyKey {
	for prefix, field := range map[string]resource.PropertyKey{"tgw-": "transitGatewayId", "pcx-": "vpcPeeringConnectionId", "nat-": "natGatewayId",
		"eni-": "networkInterfaceId", "i-": "instanceId", "vpce-": "vpcEndpointId", "eigw-": "egressOnlyGatewayId"} {
		if strings.HasPrefix(target, prefix) {
			return field
		}
	}
	return "gatewayId"
}
