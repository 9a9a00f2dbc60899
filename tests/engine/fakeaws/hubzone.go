package fakeaws

import (
	"slices"
	"strings"
)

// Resource type tokens of a private hosted zone's cross-account association
// (the hub's zone, hub.dns phz).
const (
	TypeVpcAssociationAuthorization = "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization"
	TypeZoneAssociation             = "aws:route53/zoneAssociation:ZoneAssociation"
)

// authorizeVpcAssociation is CreateVPCAssociationAuthorization: only the
// zone's own account may authorize ("To submit a
// CreateVPCAssociationAuthorization request, you must use the account that
// created the hosted zone", Route 53 API reference; NoSuchHostedZone
// otherwise), at most 100 per zone (TooManyVPCAssociationAuthorizations,
// Route 53 quotas).
func (p *Provider) authorizeVpcAssociation(c *Cloud, in props) (string, props, error) {
	z, ok := c.Zones[in.str("zoneId")]
	if !ok || z.Account != p.scope.Account {
		return "", nil, awsError("CreateVPCAssociationAuthorization", "NoSuchHostedZone", "No hosted zone found with ID: %s", in.str("zoneId"))
	}
	vpc := in.str("vpcId")
	if !slices.Contains(z.Authorized, vpc) {
		if len(z.Authorized) >= 100 {
			return "", nil, awsError("CreateVPCAssociationAuthorization", "TooManyVPCAssociationAuthorizations", "You've created the maximum number of authorizations that can be created for the specified hosted zone.")
		}
		z.Authorized = append(z.Authorized, vpc)
	}
	c.record(p.scope, "CreateVPCAssociationAuthorization", z.Id+" "+vpc)
	out := in.clone()
	if out.str("vpcRegion") == "" {
		out["vpcRegion"] = p.scope.Region
	}
	id := z.Id + ":" + vpc
	out["id"] = id
	return id, out, nil
}

// deleteVpcAssociationAuthorization is DeleteVPCAssociationAuthorization: it
// leaves an association made with it in place ("won't disassociate the VPC
// from the hosted zone").
func (p *Provider) deleteVpcAssociationAuthorization(c *Cloud, olds props) error {
	if z, ok := c.Zones[olds.str("zoneId")]; ok {
		z.Authorized = slices.DeleteFunc(z.Authorized, func(v string) bool { return v == olds.str("vpcId") })
	}
	c.record(p.scope, "DeleteVPCAssociationAuthorization", olds.str("zoneId")+" "+olds.str("vpcId"))
	return nil
}

// associateZone is AssociateVPCWithHostedZone by the VPC's account: the VPC
// must be the caller's (InvalidVPCId), and a zone of another account must
// have authorized it first ("Associating an Amazon VPC and a private hosted
// zone that you created with different AWS accounts"; NotAuthorizedException
// otherwise, Route 53 API reference, AssociateVPCWithHostedZone errors); a
// VPC already on a zone of the same name is refused (ConflictingDomainExists),
// and a zone takes at most 300 VPCs (LimitsExceeded, Route 53 quotas).
func (p *Provider) associateZone(c *Cloud, in props) (string, props, error) {
	vpc := in.str("vpcId")
	if v, ok := c.Vpcs[vpc]; !ok || v.Scope != p.scope {
		return "", nil, awsError("AssociateVPCWithHostedZone", "InvalidVPCId", "The VPC %s does not exist in account %s, region %s", vpc, p.scope.Account, p.scope.Region)
	}
	z, ok := c.Zones[in.str("zoneId")]
	if !ok {
		return "", nil, awsError("AssociateVPCWithHostedZone", "NoSuchHostedZone", "No hosted zone found with ID: %s", in.str("zoneId"))
	}
	if z.Account != p.scope.Account && !slices.Contains(z.Authorized, vpc) {
		return "", nil, awsError("AssociateVPCWithHostedZone", "NotAuthorizedException",
			"User: arn:aws:sts::%s:assumed-role is not authorized to access this resource: the hosted zone %s of account %s has not authorized VPC %s", p.scope.Account, z.Id, z.Account, vpc)
	}
	for _, other := range c.Zones {
		if other != z && other.Name == z.Name && slices.Contains(other.Vpcs, vpc) {
			return "", nil, awsError("AssociateVPCWithHostedZone", "ConflictingDomainExists", "The VPC %s is already associated with another hosted zone named %s", vpc, z.Name)
		}
	}
	if !slices.Contains(z.Vpcs, vpc) {
		if len(z.Vpcs) >= 300 {
			return "", nil, awsError("AssociateVPCWithHostedZone", "LimitsExceeded", "Limits Exceeded: MAX_VPCS_ASSOCIATED_BY_ZONE")
		}
		z.Vpcs = append(z.Vpcs, vpc)
	}
	c.record(p.scope, "AssociateVPCWithHostedZone", z.Id+" "+vpc)
	out := in.clone()
	if out.str("vpcRegion") == "" {
		out["vpcRegion"] = p.scope.Region
	}
	id := z.Id + ":" + vpc + ":" + out.str("vpcRegion")
	out["id"], out["owningAccount"] = id, z.Account
	return id, out, nil
}

// disassociateZone is DisassociateVPCFromHostedZone (either account may
// submit it): never the zone's last VPC (LastVPCAssociation, "You can't
// disassociate the last Amazon VPC from a private hosted zone"); a zone or
// an association already gone is no error to the provider
// (resourceZoneAssociationDelete ignores NoSuchHostedZone and
// VPCAssociationNotFound).
func (p *Provider) disassociateZone(c *Cloud, olds props) error {
	z, ok := c.Zones[olds.str("zoneId")]
	vpc := olds.str("vpcId")
	if !ok || !slices.Contains(z.Vpcs, vpc) {
		return nil
	}
	if len(z.Vpcs) == 1 {
		return awsError("DisassociateVPCFromHostedZone", "LastVPCAssociation", "The VPC that you're trying to disassociate from the private hosted zone is the last VPC that is associated with the hosted zone.")
	}
	z.Vpcs = slices.DeleteFunc(z.Vpcs, func(v string) bool { return v == vpc })
	c.record(p.scope, "DisassociateVPCFromHostedZone", z.Id+" "+vpc)
	return nil
}

// apiByZone is the API and endpoint a private hosted zone of the function's
// VPC names for host when host is an API's own name,
// {api-id}.execute-api.{region}.amazonaws.com, with an alias to an
// endpoint's regional name (the hub's zone): the call reaches that endpoint
// with the API ID of the name, as private DNS would ("Private hosted zones"
// in the Route 53 developer guide: a zone answers in the VPCs associated with
// it). nil when no zone of the VPC has the name.
func (c *Cloud) apiByZone(f *Function, host string) *Endpoint {
	first, rest, _ := strings.Cut(host, ".")
	if first == "" || rest != "execute-api."+f.Region+".amazonaws.com" {
		return nil
	}
	return c.resolveDomain(f, host)
}
