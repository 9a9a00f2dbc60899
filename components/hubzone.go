package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The hub's private hosted zone (HubDnsPhz).
//
// The zone is named exactly {api-id}.execute-api.{region}.amazonaws.com, the
// API's own name, with an alias A record at its apex to the hub endpoint's
// regional DNS name. A zone named execute-api.{region}.amazonaws.com (with a
// record for the API) would do the same for this API, but a VPC associated
// with it would resolve every other *.execute-api name through it too, and
// find nothing there: every other private API the spoke calls would stop
// resolving. A zone of the one name takes over that name only.
//
// The hub endpoint keeps private DNS off: with it on, AWS would associate the
// hub VPC with its own execute-api.{region}.amazonaws.com zone, and a zone of
// a name under it on the same VPC is refused (ConflictingDomainExists,
// "AssociateVPCWithHostedZone" and "CreateHostedZone" in the Route 53 API
// reference).
//
// Route 53 creates a private zone with one VPC of the zone's own account
// ("Creating a private hosted zone": "the VPC that you specify must have been
// created by using the same account"): the hub VPC. Each spoke VPC, of
// another account, is then associated in two steps ("Associating an Amazon VPC
// and a private hosted zone that you created with different AWS accounts"):
// the zone's account authorizes the VPC (CreateVPCAssociationAuthorization,
// aws.route53.VpcAssociationAuthorization on the hub's provider), and the
// VPC's account associates it (AssociateVPCWithHostedZone,
// aws.route53.ZoneAssociation on the spoke's provider), after the
// authorization. The zone ignores changes to its vpcs: the provider reads
// every associated VPC back into them (GetHostedZone), and in-line vpcs
// conflict with separate associations (terraform-provider-aws,
// route53_zone_association and route53_zone docs).
//
// Deletion runs the other way, as Pulumi deletes dependents first: the
// association (DisassociateVPCFromHostedZone, which either account may submit,
// and never the zone's last VPC: the hub VPC stays until the zone goes), then
// the authorization, then the record and the zone (DeleteHostedZone refuses a
// zone that still holds records: HostedZoneNotEmpty). Deleting the
// authorization first would not undo the association
// ("DeleteVPCAssociationAuthorization": it "won't disassociate the VPC from
// the hosted zone"); the order keeps the association from outliving the right
// to make it again.

// Route 53's quotas on a private hosted zone ("Quotas", Route 53 developer
// guide, "Quotas on hosted zones").
const (
	// maxVpcsPerPrivateZone is "Amazon VPCs that you can associate with a
	// private hosted zone per hosted zone": 300, can be raised.
	maxVpcsPerPrivateZone = 300
	// maxAuthorizationsPerZone is "Authorizations that you can create so you
	// can associate VPCs that were created by one account with a hosted zone
	// that was created by another account": 100 (TooManyVPCAssociationAuthorizations).
	maxAuthorizationsPerZone = 100
)

// checkHubZoneQuotas refuses a hub zone Route 53 would refuse to grow to:
// more VPCs than a private zone takes (the hub VPC and every spoke VPC), more
// authorizations than a zone holds (one per spoke VPC of another account),
// more tags than a hosted zone takes.
func (a *CrossAccountPrivateApiArgs) checkHubZoneQuotas(f *fieldErrs) {
	vpcs, authorizations := 1, 0
	for _, c := range a.spokes() {
		vpcs++
		if c.AccountId != a.Hub.AccountId {
			authorizations++
		}
	}
	if vpcs > maxVpcsPerPrivateZone {
		f.add("consumers", "%d spokes and the hub VPC make %d VPCs for the hub's private hosted zone; Route 53 associates at most %d with one zone "+
			"(\"Amazon VPCs that you can associate with a private hosted zone per hosted zone\"); use fewer spokes, or hub.dns %s, or ask AWS to raise the quota",
			vpcs-1, vpcs, maxVpcsPerPrivateZone, HubDnsNone)
	}
	if authorizations > maxAuthorizationsPerZone {
		f.add("consumers", "%d spokes in other accounts than the network account need %d VPC association authorizations on the hub's zone; Route 53 takes at most %d per zone "+
			"(\"Authorizations that you can create so you can associate VPCs that were created by one account with a hosted zone that was created by another account\"); use fewer spokes, or hub.dns %s",
			authorizations, authorizations, maxAuthorizationsPerZone, HubDnsNone)
	}
	if tags, known := a.Tags.(pulumi.StringMap); known && len(tags) > MaxTagsPerHostedZone {
		f.add("tags", "got %d tags; with hub.dns %s the hub's Route 53 private hosted zone takes at most %d tags, and the providers' default tags count too; keep at most %d",
			len(tags), HubDnsPhz, MaxTagsPerHostedZone, MaxTagsPerHostedZone)
	}
}

// hubZoneName is the hub zone's component-level name.
func hubZoneName(name string) string { return name + "-hub-zone" }

// hubDomainZoneName is the component-level name of the hub's zone for the
// private custom domain.
func hubDomainZoneName(name string) string { return name + "-hub-domain-zone" }

// apiHostname is the API's own name, {api-id}.execute-api.{region}.amazonaws.com.
func apiHostname(restApiId pulumi.StringInput, region string) pulumi.StringOutput {
	return pulumi.Sprintf("%s.execute-api.%s.amazonaws.com", restApiId, region)
}

// newHubZone registers, for HubDnsPhz and HubDnsProfile, the hub's private
// hosted zone in the network account with its alias to the hub endpoint,
// and per spoke the authorization (network account) and the association
// (spoke account) that put the spoke's VPC on it, or with HubDnsProfile the
// zone's Route 53 Profile (newHubProfile). It returns what must exist before
// a spoke can resolve the name: the alias first, then (HubDnsPhz) each
// spoke's association in the order of args.spokes() (hubZoneReady reads
// them so).
func newHubZone(ctx *pulumi.Context, name string, parent pulumi.Resource, args *CrossAccountPrivateApiArgs, hub *ExecuteApiEndpoint, restApiId pulumi.StringInput) ([]pulumi.Resource, error) {
	return newSpokeZone(ctx, spokeZone{
		name: hubZoneName(name), spokeSuffix: "-hub-zone", host: apiHostname(restApiId, args.Region),
		comment: pulumi.Sprintf("The API's name for the hub's spokes, to the hub endpoint %s", hub.EndpointId),
	}, name, parent, args, hub)
}

// spokeVpcName is what names a spoke's per-VPC resources (the zone's
// authorization and association, the Profile's association): its VPC's ID
// when the args give it as a plain value (a stack file always does), else
// the spoke's name. By the VPC, renaming a spoke (same VPC) leaves them as
// they are: named by the spoke, Pulumi would make the renamed one before
// deleting the old one, and Route 53 refuses a second association of a VPC
// with the zone (ConflictingDomainExists, AssociateVPCWithHostedZone) or a
// second Profile on a VPC (ResourceExistsException, AssociateProfile). A
// spoke moved to another VPC gets new ones for the new VPC, made before
// the old VPC's go. Names are per VPC because checkSpokeVpcs allows one
// spoke per VPC. A VPC ID given as an output (not a plain string) is not
// known when the names are chosen: those resources are named by the spoke,
// a rename of such a spoke fails as above, and checkSpokeVpcs cannot tell
// two such spokes on one VPC apart; give spokes plain VPC IDs.
func spokeVpcName(c ConsumerArgs) string {
	if vpc, ok := plainString(c.VpcId); ok && vpc != "" {
		return vpc
	}
	return c.Name
}

// spokeZone is one private hosted zone of the hub: its resource names and
// the name it answers for.
type spokeZone struct {
	// name is the zone's resource name (its alias is name-alias);
	// spokeSuffix ends the names of each spoke's authorization and
	// association, after {component}-{spoke VPC} (spokeVpcName).
	name, spokeSuffix string
	// host is the zone's name and its alias record's; comment the zone's.
	host, comment pulumi.StringInput
	// authorizeOnly registers per spoke the authorization only: each
	// spoke's own stack associates its VPC (SharedHub).
	authorizeOnly bool
	// zone receives the zone once registered, when set.
	zone **route53.Zone
}

// newSpokeZone registers, in the network account, the zone z on the hub VPC
// with its alias to the hub endpoint, and per spoke the authorization
// (network account) and the association (spoke account) that put the
// spoke's VPC on it. It returns the alias and every association.
func newSpokeZone(ctx *pulumi.Context, z spokeZone, name string, parent pulumi.Resource, args *CrossAccountPrivateApiArgs, hub *ExecuteApiEndpoint) ([]pulumi.Resource, error) {
	h := args.Hub
	zone, err := route53.NewZone(ctx, z.name, &route53.ZoneArgs{
		Name:    z.host,
		Comment: z.comment,
		Vpcs:    route53.ZoneVpcArray{route53.ZoneVpcArgs{VpcId: h.VpcId, VpcRegion: pulumi.String(args.Region)}},
		Tags:    args.Tags,
	}, append(hubOpts(parent, h), pulumi.IgnoreChanges([]string{"vpcs"}))...)
	if err != nil {
		return nil, err
	}
	if z.zone != nil {
		*z.zone = zone
	}
	alias, err := route53.NewRecord(ctx, z.name+"-alias", &route53.RecordArgs{
		ZoneId: zone.ZoneId,
		Name:   z.host,
		Type:   pulumi.String("A"),
		Aliases: route53.RecordAliasArray{route53.RecordAliasArgs{
			Name: hub.PublicDnsName, ZoneId: hub.PublicDnsZoneId, EvaluateTargetHealth: pulumi.Bool(false),
		}},
	}, hubOpts(parent, h)...)
	if err != nil {
		return nil, err
	}
	ready := []pulumi.Resource{alias}
	if h.Dns == HubDnsProfile {
		more, err := newHubProfile(ctx, name, parent, args, zone)
		if err != nil {
			return nil, err
		}
		return append(ready, more...), nil
	}
	for _, c := range args.spokes() {
		// The hub endpoint (its security group) first: once associated, the
		// spoke resolves the API's name to the hub, whose group must admit
		// its ranges by then (a consumer moving from its own endpoint).
		after := []pulumi.Resource{hub.SecurityGroup, hub.Endpoint} // concrete resources: a component's children may not all be registered yet
		if c.AccountId != h.AccountId {
			authorization, err := route53.NewVpcAssociationAuthorization(ctx, name+"-"+spokeVpcName(c)+z.spokeSuffix+"-authorization", &route53.VpcAssociationAuthorizationArgs{
				ZoneId:    zone.ZoneId,
				VpcId:     c.VpcId,
				VpcRegion: pulumi.String(args.Region),
			}, hubOpts(parent, h)...)
			if err != nil {
				return nil, fmt.Errorf("spoke %s: %w", c.Name, err)
			}
			after = append(after, authorization)
			if z.authorizeOnly {
				ready = append(ready, authorization)
			}
		}
		if z.authorizeOnly {
			continue
		}
		association, err := route53.NewZoneAssociation(ctx, name+"-"+spokeVpcName(c)+z.spokeSuffix+"-association", &route53.ZoneAssociationArgs{
			ZoneId:    zone.ZoneId,
			VpcId:     c.VpcId,
			VpcRegion: pulumi.String(args.Region),
			// Deleted before it is replaced: a zone replaced by one of the
			// same name (hub.accountId changed) cannot join a VPC that is
			// still on the old one (ConflictingDomainExists,
			// AssociateVPCWithHostedZone).
		}, pulumi.Parent(parent), pulumi.Provider(c.Provider), pulumi.DependsOn(after), pulumi.DeleteBeforeReplace(true))
		if err != nil {
			return nil, fmt.Errorf("spoke %s: %w", c.Name, err)
		}
		ready = append(ready, association)
	}
	return ready, nil
}
