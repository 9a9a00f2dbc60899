package components

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ram"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The hub's Route 53 Profile (HubDnsProfile).
//
// The zone is the one of HubDnsPhz (named for the API, in the network
// account, created on the hub VPC, its alias to the hub endpoint), but the
// spoke VPCs get it through a Route 53 Profile instead of one association
// each: "Route 53 Profiles" (Route 53 developer guide) lets an account put
// private hosted zones in a Profile, share the Profile through AWS RAM and
// associate it with VPCs, where its zones then answer as if associated with
// each VPC.
//
//   - In the network account: the Profile (CreateProfile), the zone in it
//     (AssociateResourceToProfile, aws.route53.ProfilesResourceAssociation),
//     and, for spokes of other accounts, a RAM share of the Profile with one
//     principal association per spoke ACCOUNT ("Working with shared Route 53
//     Profiles": a Profile is shared with specific accounts, an OU or the
//     organization; only its owner shares it). Several spokes of one account
//     share one principal association, so removing one spoke leaves the
//     account in the share for the others.
//   - In a spoke's account: the share's acceptance, once per account and
//     only when sharing outside the organization (SameOrganization false:
//     "When you share resources in your organization, AWS RAM doesn't send
//     invitations to principals", AWS RAM user guide, "Sharing your AWS
//     resources"), retained on delete as the custom domain's accepter is
//     (newShareAccepter); then the Profile's association with the spoke VPC
//     (AssociateProfile, aws.route53.ProfilesAssociation on the spoke's
//     provider), after the principal association and the acceptance.
//
// A VPC holds one Profile ("A VPC can have only one Profile associated with
// it, but a Profile can be associated with 1000 of VPCs", AssociateProfile,
// Route 53 API reference; ResourceExistsException for a second). A spoke VPC
// that has a Profile already (an organization's) keeps it: name that Profile
// as HubArgs.ProfileId and the hub only adds its zone to it.
//
// Deletion runs the other way: the VPC associations (DisassociateProfile),
// the acceptances (retained), the principal associations, the share, the
// zone's resource association, the Profile ("Before you can delete a
// profile, you must first disassociate it from all VPCs", DeleteProfile),
// then the alias and the zone.

// maxVpcsPerProfile is "a Profile can be associated with 1000 of VPCs (and
// you can request a higher quota)" (AssociateProfile, Route 53 API
// reference; "Quotas on Route 53 Profiles", Route 53 developer guide).
const maxVpcsPerProfile = 1000

// profileIdPattern is a Route 53 Profile's ID as AWS prints it (rp-
// followed by lowercase letters and digits: GetProfile, ProfileId, at most
// 64 characters).
var profileIdPattern = regexp.MustCompile(`^rp-[0-9a-z]{1,61}$`)

// checkHubProfile checks hub.dns profile: the Profile's ID when one is
// named, that sameOrganization goes with a Profile the hub shares, the
// Profile's VPC quota, and the zone's tags.
func (a *CrossAccountPrivateApiArgs) checkHubProfile(f *fieldErrs) {
	h := a.Hub
	if h.ProfileId != "" {
		if !profileIdPattern.MatchString(h.ProfileId) {
			f.add("hub.profileId", "got %q; expected a Route 53 Profile ID of the network account, rp- and up to 61 lowercase letters and digits (aws route53profiles list-profiles)", h.ProfileId)
		}
		if h.SameOrganization {
			f.add("hub.sameOrganization", "set with hub.profileId; the hub shares no Profile of its own then (the named Profile is shared already): remove it")
		}
	}
	if n := len(a.spokes()); h.ProfileId == "" && n > maxVpcsPerProfile {
		f.add("consumers", "%d spokes make %d VPC associations of the hub's Route 53 Profile; a Profile is associated with at most %d VPCs "+
			"(AssociateProfile, Route 53 API reference); use fewer spokes, or ask AWS to raise the quota", n, n, maxVpcsPerProfile)
	}
	if tags, known := a.Tags.(pulumi.StringMap); known && len(tags) > MaxTagsPerHostedZone {
		f.add("tags", "got %d tags; with hub.dns %s the hub's Route 53 private hosted zone takes at most %d tags, and the providers' default tags count too; keep at most %d",
			len(tags), HubDnsProfile, MaxTagsPerHostedZone, MaxTagsPerHostedZone)
	}
}

// hubProfileName is the hub Profile's component-level name.
func hubProfileName(name string) string { return name + "-hub-profile" }

// profileShareAccepterName is the name of the Profile share's accepter in
// account: by account, never by spoke, so that removing, renaming or
// reordering an account's spokes leaves it where it is.
func profileShareAccepterName(name, account string) string {
	return hubProfileName(name) + "-share-accepter-" + account
}

// awsName is s cut to max characters: Route 53 Profiles names take at most
// 64 (CreateProfile, AssociateProfile, AssociateResourceToProfile: Name).
func awsName(s string, max int) string {
	if len(s) > max {
		return s[:max]
	}
	return s
}

// newHubProfile registers, for HubDnsProfile, the zone's place in a Route 53
// Profile: in the network account the Profile (unless HubArgs.ProfileId
// names one), the zone's resource association, the RAM share with a
// principal association per spoke account of another account, and in each
// spoke's account the acceptance (outside one organization) and the
// Profile's association with its VPC. It returns what must exist before a
// spoke can resolve the name.
func newHubProfile(ctx *pulumi.Context, name string, parent pulumi.Resource, args *CrossAccountPrivateApiArgs, zone *route53.Zone) ([]pulumi.Resource, error) {
	h := args.Hub
	opts := hubOpts(parent, h)
	profileId := pulumi.String(h.ProfileId).ToStringOutput()
	var profile *route53.ProfilesProfile
	if h.ProfileId == "" {
		var err error
		profile, err = route53.NewProfilesProfile(ctx, hubProfileName(name), &route53.ProfilesProfileArgs{
			Name: pulumi.String(awsName(name+"-hub", 64)),
			Tags: args.Tags,
		}, opts...)
		if err != nil {
			return nil, err
		}
		profileId = profile.ID().ToStringOutput()
	}
	inProfile, err := route53.NewProfilesResourceAssociation(ctx, hubProfileName(name)+"-zone", &route53.ProfilesResourceAssociationArgs{
		Name:        pulumi.String(awsName(name+"-api-zone", 64)),
		ProfileId:   profileId,
		ResourceArn: zone.Arn,
	}, opts...)
	if err != nil {
		return nil, err
	}
	ready := []pulumi.Resource{inProfile}
	if profile == nil {
		return ready, nil // the named Profile is shared and associated already
	}
	var others []string
	for _, c := range args.spokes() {
		if c.AccountId != h.AccountId && !slices.Contains(others, c.AccountId) {
			others = append(others, c.AccountId)
		}
	}
	shared := map[string]pulumi.Resource{}
	var shareArn pulumi.StringOutput
	if len(others) > 0 {
		share, err := ram.NewResourceShare(ctx, hubProfileName(name)+"-share", &ram.ResourceShareArgs{
			Name:                    pulumi.String(name + "-hub-profile"),
			AllowExternalPrincipals: pulumi.Bool(!h.SameOrganization),
			Tags:                    args.Tags,
		}, opts...)
		if err != nil {
			return nil, err
		}
		inShare, err := ram.NewResourceAssociation(ctx, hubProfileName(name)+"-share-profile", &ram.ResourceAssociationArgs{
			ResourceArn:      profile.Arn,
			ResourceShareArn: share.Arn,
		}, opts...)
		if err != nil {
			return nil, err
		}
		for _, account := range others {
			// By account: every spoke of the account uses it, so removing
			// one spoke leaves the others in the share. Deleted before it
			// is replaced (see newPrivateDomain).
			p, err := ram.NewPrincipalAssociation(ctx, hubProfileName(name)+"-share-"+account, &ram.PrincipalAssociationArgs{
				Principal:        pulumi.String(account),
				ResourceShareArn: share.Arn,
			}, append(opts, pulumi.DependsOn([]pulumi.Resource{inShare}), pulumi.DeleteBeforeReplace(true))...)
			if err != nil {
				return nil, err
			}
			shared[account] = p
		}
		shareArn = share.Arn
	}
	accepters := map[string]pulumi.Resource{}
	for _, c := range args.spokes() {
		var after []pulumi.Resource
		if p, ok := shared[c.AccountId]; ok {
			after = append(after, p)
			accepter, accepted := accepters[c.AccountId]
			if !accepted && !h.SameOrganization {
				// Retained on delete, as the custom domain's accepter: its
				// delete is the account leaving the share, which would cut
				// every spoke of the account off; the network account's
				// principal association takes the account out once its
				// last spoke goes.
				accepter, err = ram.NewResourceShareAccepter(ctx, profileShareAccepterName(name, c.AccountId), &ram.ResourceShareAccepterArgs{
					ShareArn: shareArn,
				}, pulumi.Parent(parent), pulumi.Provider(c.Provider), pulumi.DependsOn(after), pulumi.RetainOnDelete(true))
				if err != nil {
					return nil, fmt.Errorf("spoke %s: %w", c.Name, err)
				}
				accepters[c.AccountId] = accepter
			}
			if accepter != nil {
				after = append(after, accepter)
			}
		}
		// Named by the VPC (spokeVpcName), in Pulumi and in AWS: a renamed
		// spoke keeps its association.
		association, err := route53.NewProfilesAssociation(ctx, name+"-"+spokeVpcName(c)+"-hub-profile-association", &route53.ProfilesAssociationArgs{
			Name:       pulumi.String(awsName(name+"-"+spokeVpcName(c), 64)),
			ProfileId:  profile.ID(),
			ResourceId: c.VpcId,
			Tags:       args.Tags,
			// Deleted before it is replaced (a new Profile): a
			// VPC holds one Profile ("A VPC can have only one Profile
			// associated with it", AssociateProfile), so a new association
			// made first would be refused.
		}, pulumi.Parent(parent), pulumi.Provider(c.Provider), pulumi.DependsOn(append(after, inProfile)), pulumi.DeleteBeforeReplace(true))
		if err != nil {
			return nil, fmt.Errorf("spoke %s: %w", c.Name, err)
		}
		ready = append(ready, association)
	}
	return ready, nil
}
