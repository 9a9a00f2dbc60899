package fakeaws

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Resource type tokens of the EC2 resources the fake serves.
const (
	TypeVpc           = "aws:ec2/vpc:Vpc"
	TypeSubnet        = "aws:ec2/subnet:Subnet"
	TypeSecurityGroup = "aws:ec2/securityGroup:SecurityGroup"
	TypeVpcEndpoint   = "aws:ec2/vpcEndpoint:VpcEndpoint"
)

// ec2Error is an EC2 API error: code and message.
func ec2Error(op, code, format string, args ...any) error {
	return fmt.Errorf("%s: operation error EC2: %s, https response error StatusCode: 400, api error %s: %s", op, op, code, fmt.Sprintf(format, args...))
}

// createVpc is CreateVpc: a /16 to /28 IPv4 block (VPC user guide, "VPC CIDR blocks").
func (p *Provider) createVpc(c *Cloud, in props) (string, props, error) {
	cidr, err := netip.ParsePrefix(in.str("cidrBlock"))
	if err != nil || !cidr.Addr().Is4() || cidr.Bits() < 16 || cidr.Bits() > 28 {
		return "", nil, ec2Error("CreateVpc", "InvalidVpc.Range", "The CIDR '%s' is invalid.", in.str("cidrBlock"))
	}
	v := &Vpc{Scope: p.scope, Id: "vpc-" + newHex(17), CidrBlock: cidr.String(),
		EnableDnsSupport: in.boolOr("enableDnsSupport", true), EnableDnsHostnames: in.boolOr("enableDnsHostnames", false),
		DefaultSecurityGroupId: "sg-" + newHex(17), MainRouteTableId: "rtb-" + newHex(17)}
	c.Vpcs[v.Id] = v
	c.mainTable(v) // created with the VPC ("Route tables", VPC user guide)
	c.record(p.scope, "CreateVpc", v.Id+" "+v.CidrBlock)
	return v.Id, p.vpcOutputs(v, in), nil
}

func (p *Provider) updateVpc(c *Cloud, id string, news props) (props, error) {
	v, ok := c.Vpcs[id]
	if !ok {
		return nil, ec2Error("ModifyVpcAttribute", "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
	}
	v.EnableDnsSupport = news.boolOr("enableDnsSupport", true)
	v.EnableDnsHostnames = news.boolOr("enableDnsHostnames", false)
	return p.vpcOutputs(v, news), nil
}

func (p *Provider) vpcOutputs(v *Vpc, in props) props {
	out := in.clone()
	out["id"] = v.Id
	out["cidrBlock"] = v.CidrBlock
	out["enableDnsSupport"] = v.EnableDnsSupport
	out["enableDnsHostnames"] = v.EnableDnsHostnames
	out["ownerId"] = v.Account
	out["arn"] = fmt.Sprintf("arn:aws:ec2:%s:%s:vpc/%s", v.Region, v.Account, v.Id)
	out["defaultSecurityGroupId"] = v.DefaultSecurityGroupId
	out["mainRouteTableId"] = v.MainRouteTableId
	return out
}

// deleteVpc is DeleteVpc: refused while subnets, security groups or
// endpoints remain in it ("DependencyViolation").
func (p *Provider) deleteVpc(c *Cloud, id string) error {
	for _, s := range c.Subnets {
		if s.VpcId == id {
			return ec2Error("DeleteVpc", "DependencyViolation", "The vpc '%s' has dependencies and cannot be deleted.", id)
		}
	}
	for _, g := range c.SecurityGroups {
		if g.VpcId == id {
			return ec2Error("DeleteVpc", "DependencyViolation", "The vpc '%s' has dependencies and cannot be deleted.", id)
		}
	}
	for _, e := range c.Endpoints {
		if e.VpcId == id {
			return ec2Error("DeleteVpc", "DependencyViolation", "The vpc '%s' has dependencies and cannot be deleted.", id)
		}
	}
	for tid, t := range c.RouteTables {
		if t.VpcId == id {
			delete(c.RouteTables, tid) // the main table goes with its VPC
		}
	}
	delete(c.Vpcs, id)
	c.record(p.scope, "DeleteVpc", id)
	return nil
}

// createSubnet is CreateSubnet: inside its VPC's block, in a zone of the
// provider's region, and overlapping no other subnet of that VPC
// ("InvalidSubnet.Conflict"; VPC user guide, "Subnet CIDR blocks").
func (p *Provider) createSubnet(c *Cloud, in props) (string, props, error) {
	vpcId := in.str("vpcId")
	v, ok := c.Vpcs[vpcId]
	if !ok || v.Scope != p.scope {
		return "", nil, ec2Error("CreateSubnet", "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", vpcId)
	}
	cidr, err := netip.ParsePrefix(in.str("cidrBlock"))
	vpcCidr := netip.MustParsePrefix(v.CidrBlock)
	if err != nil || cidr.Masked() != cidr || cidr.Bits() > 28 || cidr.Bits() < vpcCidr.Bits() || !vpcCidr.Contains(cidr.Addr()) {
		return "", nil, ec2Error("CreateSubnet", "InvalidSubnet.Range", "The CIDR '%s' is invalid.", in.str("cidrBlock"))
	}
	for _, other := range c.Subnets {
		if other.VpcId == vpcId && netip.MustParsePrefix(other.CidrBlock).Overlaps(cidr) {
			return "", nil, ec2Error("CreateSubnet", "InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet", cidr)
		}
	}
	az := in.str("availabilityZone")
	if az == "" {
		az = p.scope.Region + "a"
	}
	if !slices.Contains(p.zones(), az) {
		return "", nil, ec2Error("CreateSubnet", "InvalidParameterValue", "Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s.", az, strings.Join(p.zones(), ", "))
	}
	s := &Subnet{Scope: p.scope, Id: "subnet-" + newHex(17), VpcId: vpcId, CidrBlock: cidr.String(), AvailabilityZone: az}
	c.Subnets[s.Id] = s
	c.record(p.scope, "CreateSubnet", s.Id+" "+s.CidrBlock+" in "+vpcId)
	out := in.clone()
	out["id"] = s.Id
	out["availabilityZone"] = az
	out["ownerId"] = s.Account
	out["arn"] = fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", s.Region, s.Account, s.Id)
	return s.Id, out, nil
}

// deleteSubnet is DeleteSubnet: refused while an endpoint has a network
// interface in it. The provider first deletes the interfaces a deleted VPC
// function left there (deleteLingeringLambdaENIs: detach, then delete), each
// call under the session's policy.
func (p *Provider) deleteSubnet(c *Cloud, id string) error {
	for eni, subnet := range c.LingeringEnis {
		if subnet != id {
			continue
		}
		if err := p.authorizeList(c, lingeringEniCalls, eni, nil); err != nil {
			return err
		}
		delete(c.LingeringEnis, eni)
		c.record(p.scope, "DeleteNetworkInterface", eni)
	}
	for _, e := range c.Endpoints {
		if slices.Contains(e.SubnetIds, id) {
			return ec2Error("DeleteSubnet", "DependencyViolation", "The subnet '%s' has dependencies and cannot be deleted.", id)
		}
	}
	delete(c.Subnets, id)
	c.record(p.scope, "DeleteSubnet", id)
	return nil
}

// createSecurityGroup is CreateSecurityGroup in an existing VPC.
func (p *Provider) createSecurityGroup(c *Cloud, in props) (string, props, error) {
	vpcId := in.str("vpcId")
	if v, ok := c.Vpcs[vpcId]; !ok || v.Scope != p.scope {
		return "", nil, ec2Error("CreateSecurityGroup", "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", vpcId)
	}
	g := &SecurityGroup{Scope: p.scope, Id: "sg-" + newHex(17), VpcId: vpcId, Name: in.str("name")}
	if g.Name == "" {
		g.Name = "terraform-" + newHex(20)
	}
	g.setRules(in)
	c.SecurityGroups[g.Id] = g
	c.record(p.scope, "CreateSecurityGroup", g.Id+" in "+vpcId)
	out := in.clone()
	out["id"] = g.Id
	out["name"] = g.Name
	out["ownerId"] = g.Account
	out["arn"] = fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", g.Region, g.Account, g.Id)
	return g.Id, out, nil
}

// setRules records the group's HTTPS rules from its ingress and egress
// blocks: a rule carries HTTPS when its protocol is TCP ("tcp" or "6") and
// its ports hold 443, or when it allows all traffic ("-1" or "all", where
// the ports do not apply). A UDP or ICMP rule on 443 does not (EC2 user
// guide, "Security group rules": protocol, port range).
func (g *SecurityGroup) setRules(in props) {
	g.IngressCidrs, g.EgressGroups, g.EgressCidrs = nil, nil, nil
	https := func(rule props) bool {
		switch strings.ToLower(rule.str("protocol")) {
		case "-1", "all":
			return true
		case "tcp", "6":
			return rule.num("fromPort") <= 443 && rule.num("toPort") >= 443
		}
		return false
	}
	for _, r := range in.list("ingress") {
		if rule := props(r); https(rule) {
			g.IngressCidrs = append(g.IngressCidrs, rule.strs("cidrBlocks")...)
		}
	}
	for _, r := range in.list("egress") {
		if rule := props(r); https(rule) {
			g.EgressGroups = append(g.EgressGroups, rule.strs("securityGroups")...)
			g.EgressCidrs = append(g.EgressCidrs, rule.strs("cidrBlocks")...)
		}
	}
}

// deleteSecurityGroup is DeleteSecurityGroup: refused while an endpoint uses
// it, while another group's rule names it, and while a deleted VPC function's
// network interfaces still hold it (terraform-provider-aws#37046, #10329:
// "DependencyViolation: resource sg-… has a dependent object").
func (p *Provider) deleteSecurityGroup(c *Cloud, id string) error {
	if fn, held := c.HeldGroups[id]; held {
		return ec2Error("DeleteSecurityGroup", "DependencyViolation", "resource %s has a dependent object (network interfaces of the deleted Lambda function %s)", id, fn)
	}
	for _, g := range c.SecurityGroups {
		if g.Id != id && slices.Contains(g.EgressGroups, id) {
			return ec2Error("DeleteSecurityGroup", "DependencyViolation", "resource %s has a dependent object", id)
		}
	}
	for _, f := range c.Functions {
		if slices.Contains(f.SecurityGroupIds, id) {
			return ec2Error("DeleteSecurityGroup", "DependencyViolation", "resource %s has a dependent object", id)
		}
	}
	for _, e := range c.Endpoints {
		if slices.Contains(e.SecurityGroupIds, id) {
			return ec2Error("DeleteSecurityGroup", "DependencyViolation", "resource %s has a dependent object", id)
		}
	}
	delete(c.SecurityGroups, id)
	c.record(p.scope, "DeleteSecurityGroup", id)
	return nil
}

// putEndpoint is CreateVpcEndpoint or ModifyVpcEndpoint for an interface
// endpoint. Rules: the service must be this region's; subnets must exist in
// the VPC, one per zone ("DuplicateSubnetsInSameZone"); private DNS needs the
// VPC's DNS support and hostnames; and one VPC cannot hold two private-DNS
// endpoints for the same service ("private-dns-enabled cannot be set because
// there is already a conflicting DNS domain", hashicorp/terraform-provider-aws
// #17535).
func (p *Provider) putEndpoint(c *Cloud, id string, in props) (string, props, error) {
	op := "CreateVpcEndpoint"
	if id != "" {
		op = "ModifyVpcEndpoint"
	}
	vpcId := in.str("vpcId")
	v, ok := c.Vpcs[vpcId]
	if !ok || v.Scope != p.scope {
		return "", nil, ec2Error(op, "InvalidVpcId.NotFound", "The Vpc Id %s does not exist", vpcId)
	}
	service := in.str("serviceName")
	if service != "com.amazonaws."+p.scope.Region+".execute-api" {
		return "", nil, ec2Error(op, "InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist", service)
	}
	subnets := in.strs("subnetIds")
	zones := map[string]bool{}
	for _, sid := range subnets {
		s, ok := c.Subnets[sid]
		if !ok || s.VpcId != vpcId {
			return "", nil, ec2Error(op, "InvalidSubnetId.NotFound", "The subnet ID '%s' does not exist in vpc %s", sid, vpcId)
		}
		if !slices.Contains(p.serviceZones(), s.AvailabilityZone) {
			return "", nil, ec2Error(op, "InvalidParameter", "The VPC endpoint service %s does not support the availability zone of the subnet: %s.", service, sid)
		}
		if zones[s.AvailabilityZone] {
			return "", nil, ec2Error(op, "DuplicateSubnetsInSameZone", "Found another VPC endpoint subnet in the availability zone of %s. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service.", sid)
		}
		zones[s.AvailabilityZone] = true
	}
	groups := in.strs("securityGroupIds")
	for _, gid := range groups {
		if g, ok := c.SecurityGroups[gid]; !ok || g.VpcId != vpcId {
			return "", nil, ec2Error(op, "InvalidSecurityGroupId.NotFound", "The security group '%s' does not exist in vpc %s", gid, vpcId)
		}
	}
	privateDns := in.boolOr("privateDnsEnabled", false)
	if privateDns {
		if !v.EnableDnsSupport || !v.EnableDnsHostnames {
			return "", nil, ec2Error(op, "InvalidParameter", "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for %s", vpcId)
		}
		for _, e := range c.Endpoints {
			if e.Id != id && e.VpcId == vpcId && e.ServiceName == service && e.PrivateDns {
				return "", nil, ec2Error(op, "InvalidParameter", "private-dns-enabled cannot be set because there is already a conflicting DNS domain for execute-api.%s.amazonaws.com in the VPC %s", p.scope.Region, vpcId)
			}
		}
		// A private hosted zone of the service's own name on the VPC is the
		// same conflict (hashicorp/terraform-provider-aws#17269); a zone of
		// one API's name under it is not (sameNameZone).
		if c.zoneOfServiceName(p.scope.Region, vpcId) != "" {
			return "", nil, ec2Error(op, "InvalidParameter", "private-dns-enabled cannot be set because there is already a conflicting DNS domain for execute-api.%s.amazonaws.com in the VPC %s", p.scope.Region, vpcId)
		}
	}
	e, exists := c.Endpoints[id]
	if !exists {
		e = &Endpoint{Scope: p.scope, Id: "vpce-" + newHex(17), DnsSuffix: newId(8)}
		c.Endpoints[e.Id] = e
	}
	hadPrivateDns := e.PrivateDns
	e.VpcId, e.ServiceName, e.SubnetIds, e.SecurityGroupIds, e.PrivateDns = vpcId, service, subnets, groups, privateDns
	enis := map[string]string{}
	for _, sn := range subnets {
		if eni, kept := e.NetworkInterfaces[sn]; kept {
			enis[sn] = eni
		} else {
			enis[sn] = "eni-" + newHex(17)
		}
	}
	e.NetworkInterfaces = enis
	if e.PrivateDns && !hadPrivateDns {
		c.changed("dns:" + e.Id)
	}
	if _, given := in["policy"]; given || !exists {
		// ModifyVpcEndpoint leaves the policy alone unless one is given (a
		// separate VpcEndpointPolicy may own it).
		e.Policy = in.str("policy")
	}
	c.record(p.scope, op, e.Id+" in "+vpcId)
	return e.Id, p.endpointOutputs(c, e, in), nil
}

func (p *Provider) endpointOutputs(c *Cloud, e *Endpoint, in props) props {
	out := in.clone()
	out["id"] = e.Id
	host := func(zone string) string {
		return fmt.Sprintf("%s-%s%s.execute-api.%s.vpce.amazonaws.com", e.Id, e.DnsSuffix, zone, e.Region)
	}
	// The endpoint names live in the region's vpce zone; the private name
	// in a zone of the endpoint's own: both stay what they are.
	regionZone := "Z" + strings.ToUpper(stableHex(e.Region, 12))
	entries := []any{map[string]any{"dnsName": host(""), "hostedZoneId": regionZone}}
	for _, sid := range e.SubnetIds {
		if s, ok := c.Subnets[sid]; ok {
			entries = append(entries, map[string]any{"dnsName": host("-" + s.AvailabilityZone), "hostedZoneId": regionZone})
		}
	}
	if e.PrivateDns {
		entries = append(entries, map[string]any{"dnsName": "execute-api." + e.Region + ".amazonaws.com", "hostedZoneId": "Z" + strings.ToUpper(stableHex(e.Id, 12))})
	}
	out["dnsEntries"] = entries
	out["privateDnsEnabled"] = e.PrivateDns
	out["state"] = "available"
	out["ownerId"] = e.Account
	out["arn"] = fmt.Sprintf("arn:aws:ec2:%s:%s:vpc-endpoint/%s", e.Region, e.Account, e.Id)
	if e.Policy == "" {
		out["policy"] = fullAccessPolicy // without a policy AWS attaches the full-access default
	}
	eni := make([]any, 0, len(e.SubnetIds))
	for _, sn := range e.SubnetIds {
		eni = append(eni, e.NetworkInterfaces[sn])
	}
	out["networkInterfaceIds"] = eni
	return out
}

func (p *Provider) deleteEndpoint(c *Cloud, id string) error {
	if _, ok := c.Endpoints[id]; ok {
		delete(c.Endpoints, id)
		c.record(p.scope, "DeleteVpcEndpoints", id)
	}
	return nil
}

// zones are the zones a subnet may use in the provider's region: a, b and c,
// and a Local Zone the account has opted into. AWS lists them sorted by
// name, so the Local Zone comes first ("eu-west-1-lon-1a" < "eu-west-1a").
func (p *Provider) zones() []string {
	return []string{p.localZone(), p.scope.Region + "a", p.scope.Region + "b", p.scope.Region + "c"}
}

// zone is one zone as DescribeAvailabilityZones describes it.
type zone struct {
	Name, Id, State, OptInStatus, Type string
}

// regionZones are the provider region's zones: a, b and c available; d
// impaired (AWS lists an impaired zone unless the caller filters on state);
// and an opted-in Local Zone, where interface endpoints do not run. Sorted by
// name, as AWS lists them.
func (p *Provider) regionZones() []zone {
	r := p.scope.Region
	return []zone{
		{Name: p.localZone(), Id: "euw1-lon1-az1", State: "available", OptInStatus: "opted-in", Type: "local-zone"},
		{Name: r + "a", Id: "euw1-az1", State: "available", OptInStatus: "opt-in-not-required", Type: "availability-zone"},
		{Name: r + "b", Id: "euw1-az2", State: "available", OptInStatus: "opt-in-not-required", Type: "availability-zone"},
		{Name: r + "c", Id: "euw1-az3", State: "available", OptInStatus: "opt-in-not-required", Type: "availability-zone"},
		{Name: r + "d", Id: "euw1-az4", State: "impaired", OptInStatus: "opt-in-not-required", Type: "availability-zone"},
	}
}

// describeZones is DescribeAvailabilityZones as the data source calls it:
// the state argument and every filter (opt-in-status, state, zone-type,
// zone-name, zone-id, region-name) narrow the list, values within a filter
// are ORed, filters ANDed; an unknown filter name is AWS's
// InvalidParameterValue (EC2 API reference, DescribeAvailabilityZones).
func (p *Provider) describeZones(args props) ([]zone, error) {
	field := func(z zone, name string) (string, bool) {
		switch name {
		case "opt-in-status":
			return z.OptInStatus, true
		case "state":
			return z.State, true
		case "zone-type":
			return z.Type, true
		case "zone-name":
			return z.Name, true
		case "zone-id":
			return z.Id, true
		case "region-name":
			return p.scope.Region, true
		}
		return "", false
	}
	type filter struct {
		name   string
		values []string
	}
	var filters []filter
	if st := args.str("state"); st != "" {
		filters = append(filters, filter{"state", []string{st}})
	}
	for _, f := range args.list("filters") {
		fp := props(f)
		if _, ok := field(zone{}, fp.str("name")); !ok {
			return nil, ec2Error("DescribeAvailabilityZones", "InvalidParameterValue", "The filter '%s' is invalid", fp.str("name"))
		}
		filters = append(filters, filter{fp.str("name"), fp.strs("values")})
	}
	var out []zone
	for _, z := range p.regionZones() {
		keep := true
		for _, f := range filters {
			v, _ := field(z, f.name)
			keep = keep && slices.Contains(f.values, v)
		}
		if keep && !slices.Contains(args.strs("excludeNames"), z.Name) && !slices.Contains(args.strs("excludeZoneIds"), z.Id) {
			out = append(out, z)
		}
	}
	return out, nil
}

// localZone is an opted-in Local Zone, where interface endpoints do not run.
func (p *Provider) localZone() string { return p.scope.Region + "-lon-1a" }

// serviceZones are the zones the execute-api endpoint service offers: the
// region's ordinary zones, not its Local Zones.
func (p *Provider) serviceZones() []string {
	return []string{p.scope.Region + "a", p.scope.Region + "b", p.scope.Region + "c"}
}

// TypeVpcEndpointPolicy is the endpoint policy attachment resource type token.
const TypeVpcEndpointPolicy = "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy"

// fullAccessPolicy is the policy AWS gives an endpoint that has none.
const fullAccessPolicy = `{"Statement":[{"Action":"*","Effect":"Allow","Principal":"*","Resource":"*"}]}`

// putEndpointPolicy is ModifyVpcEndpoint with a policy document: the
// endpoint must exist in the provider's account and region.
func (p *Provider) putEndpointPolicy(c *Cloud, in props) (string, props, error) {
	id := in.str("vpcEndpointId")
	e, ok := c.Endpoints[id]
	if !ok || e.Scope != p.scope {
		return "", nil, ec2Error("ModifyVpcEndpoint", "InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '%s' does not exist", id)
	}
	e.Policy = in.str("policy")
	c.record(p.scope, "ModifyVpcEndpoint(policy)", id)
	out := in.clone()
	out["id"] = id
	return id, out, nil
}

// deleteEndpointPolicy resets the endpoint to the full-access default, as the
// provider does when the attachment is removed.
func (p *Provider) deleteEndpointPolicy(c *Cloud, id string) error {
	if e, ok := c.Endpoints[id]; ok {
		e.Policy = ""
		c.record(p.scope, "ModifyVpcEndpoint(reset policy)", id)
	}
	return nil
}

// stableHex is n hex digits derived from seed: an ID that stays the same
// every time it is read.
func stableHex(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])[:n]
}

// findVpcEndpoint is the aws_vpc_endpoint data source: DescribeVpcEndpoints
// filtered by vpc-id, service-name and vpc-endpoint-state (the fake's
// endpoints are all available), answered as the provider's singular data
// sources answer none or several (tfresource.SingularDataSourceFindError:
// "no matching EC2 VPC Endpoint found", "multiple EC2 VPC Endpoints matched;
// use additional constraints to reduce matches to a single EC2 VPC
// Endpoint"; internal/service/ec2/vpc_endpoint_data_source.go).
func (p *Provider) findVpcEndpoint(c *Cloud, args props) (props, error) {
	vpcId, service, state := args.str("vpcId"), args.str("serviceName"), args.str("state")
	var found []*Endpoint
	for _, e := range c.Endpoints {
		if e.Scope != p.scope || (vpcId != "" && e.VpcId != vpcId) || (service != "" && e.ServiceName != service) || (state != "" && state != "available") {
			continue
		}
		found = append(found, e)
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no matching EC2 VPC Endpoint found")
	case 1:
	default:
		return nil, fmt.Errorf("multiple EC2 VPC Endpoints matched; use additional constraints to reduce matches to a single EC2 VPC Endpoint")
	}
	e := found[0]
	groups := []any{}
	for _, g := range e.SecurityGroupIds {
		groups = append(groups, g)
	}
	return props{"id": e.Id, "vpcId": e.VpcId, "serviceName": e.ServiceName, "privateDnsEnabled": e.PrivateDns,
		"securityGroupIds": groups, "state": "available", "vpcEndpointType": "Interface", "ownerId": e.Account}, nil
}

// findSecurityGroup is the aws_security_group data source by ID
// (DescribeSecurityGroups; "no matching EC2 Security Group found" for none,
// ec2/vpc_security_group_data_source.go).
func (p *Provider) findSecurityGroup(c *Cloud, args props) (props, error) {
	g, ok := c.SecurityGroups[args.str("id")]
	if !ok || g.Scope != p.scope {
		return nil, fmt.Errorf("no matching EC2 Security Group found")
	}
	return props{"id": g.Id, "name": g.Name, "vpcId": g.VpcId, "arn": fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", g.Region, g.Account, g.Id)}, nil
}
