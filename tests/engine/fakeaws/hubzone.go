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
// VPC already on a zone of the same name, an interface endpoint's private
// DNS zone included, is refused (ConflictingDomainExists: sameNameZone), as
// is a VPC already on this zone (ConflictingDomainExists), and a zone takes
// at most 300 VPCs (LimitsExceeded, Route 53 quotas).
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
	if other := c.sameNameZone(z.Name, vpc, z.Id); other != "" {
		return "", nil, awsError("AssociateVPCWithHostedZone", "ConflictingDomainExists", "The VPC %s is already associated with another hosted zone named %s (%s)", vpc, z.Name, other)
	}
	if slices.Contains(z.Vpcs, vpc) {
		// The pair associated already: Route 53 refuses it rather than
		// answer as if it made it (ConflictingDomainExists, "The VPC … has
		// already been associated with the hosted zone … with the same domain
		// name"; saltstack/salt#47480 handles that error for this reason), and
		// resourceZoneAssociationCreate returns the error. An inference, not
		// AWS's words: the API reference documents ConflictingDomainExists for
		// a VPC associated with "another hosted zone that has the same name",
		// and the zone itself has that name.
		return "", nil, awsError("AssociateVPCWithHostedZone", "ConflictingDomainExists", "The VPC %s in region %s has already been associated with the hosted zone %s with the same domain name.", vpc, p.scope.Region, z.Id)
	}
	if len(z.Vpcs) >= 300 {
		return "", nil, awsError("AssociateVPCWithHostedZone", "LimitsExceeded", "Limits Exceeded: MAX_VPCS_ASSOCIATED_BY_ZONE")
	}
	z.Vpcs = append(z.Vpcs, vpc)
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

// privateDnsZoneName is the name of the private hosted zone AWS creates and
// associates with an interface endpoint's VPC when the endpoint has private
// DNS on ("Indicates whether to associate a private hosted zone with the
// specified VPC. The private hosted zone contains a record set for the
// default public DNS name for the service for the Region", CreateVpcEndpoint,
// PrivateDnsEnabled, EC2 API reference): for execute-api,
// execute-api.{region}.amazonaws.com, every API's name under it.
func privateDnsZoneName(region string) string { return "execute-api." + region + ".amazonaws.com" }

// sameNameZone is what already gives name in vpc, other than the zone
// except: a private hosted zone of that exact name associated with the VPC,
// or, for execute-api.{region}.amazonaws.com, an execute-api endpoint of the
// VPC with private DNS on (its zone is AWS's, not listed in Zones). "" when
// nothing does.
//
// Route 53 refuses a second zone of the same name on a VPC
// (ConflictingDomainExists: "Create a private hosted zone: A hosted zone with
// the specified name already exists and is already associated with the
// Amazon VPC that you specified. Associate VPCs with a private hosted zone:
// The VPC that you specified is already associated with another hosted zone
// that has the same name", Route 53 API reference), and an endpoint's private
// DNS zone counts: a CreateHostedZone of sns.ap-southeast-1.amazonaws.com on a
// VPC whose SNS endpoint has private DNS on fails with "ConflictingDomainExists:
// The VPC … has already been associated with the hosted zone … with the same
// domain name" (hashicorp/terraform-provider-aws#37783). A zone whose name is
// under another's (the hub's {api-id}.execute-api.{region}.amazonaws.com
// beside an endpoint's execute-api.{region}.amazonaws.com) is no conflict:
// Route 53 takes private zones of overlapping namespaces on one VPC and the
// Resolver answers from the most specific ("Private hosted zones that have
// overlapping namespaces", "Considerations when working with a private hosted
// zone", Route 53 developer guide; the rule that namespaces "must not
// overlap" is gone from the current guide), so it is not refused here.
func (c *Cloud) sameNameZone(name, vpc, except string) string {
	name = strings.TrimSuffix(name, ".")
	for _, other := range c.Zones {
		if other.Id != except && other.Name == name && slices.Contains(other.Vpcs, vpc) {
			return "hosted zone " + other.Id
		}
	}
	for _, e := range c.Endpoints {
		if e.VpcId == vpc && e.PrivateDns && strings.HasSuffix(e.ServiceName, ".execute-api") && name == privateDnsZoneName(e.Region) {
			return "the private DNS of endpoint " + e.Id
		}
	}
	return ""
}

// zoneOfServiceName is a private hosted zone associated with vpc named for
// the execute-api service of region itself, execute-api.{region}.amazonaws.com
// (a zone someone made to route every API name), "" when there is none: an
// endpoint's private DNS cannot come on beside it ("private-dns-enabled
// cannot be set because there is already a conflicting DNS domain for … in the
// VPC", EC2's InvalidParameter, hashicorp/terraform-provider-aws#17269). A zone
// of one API's name, under it, is no conflict (sameNameZone).
func (c *Cloud) zoneOfServiceName(region, vpc string) string {
	for _, z := range c.Zones {
		if z.Name == privateDnsZoneName(region) && slices.Contains(z.Vpcs, vpc) {
			return z.Id
		}
	}
	return ""
}
