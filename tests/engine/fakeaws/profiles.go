package fakeaws

import (
	"fmt"
	"slices"
	"strings"
)

// Resource type tokens of Route 53 Profiles (the hub's zone with hub.dns
// profile).
const (
	TypeProfile                    = "aws:route53/profilesProfile:ProfilesProfile"
	TypeProfileResourceAssociation = "aws:route53/profilesResourceAssociation:ProfilesResourceAssociation"
	TypeProfileAssociation         = "aws:route53/profilesAssociation:ProfilesAssociation"
)

// Profile is a Route 53 Profile: the private hosted zones it holds (by
// zone ID) and the VPCs it is associated with (VPC ID to association ID).
type Profile struct {
	Scope
	Id    string            `json:"id"`
	Arn   string            `json:"arn"`
	Name  string            `json:"name"`
	Zones map[string]string `json:"zones"`
	Vpcs  map[string]string `json:"vpcs"`
}

// maxVpcsPerProfile is "a Profile can be associated with 1000 of VPCs"
// (AssociateProfile, Route 53 API reference).
const maxVpcsPerProfile = 1000

// createProfile is CreateProfile: an empty Profile of the caller's account
// and region.
func (p *Provider) createProfile(c *Cloud, in props) (string, props, error) {
	id := "rp-" + newHex(16)
	pr := &Profile{Scope: p.scope, Id: id, Name: in.str("name"), Zones: map[string]string{}, Vpcs: map[string]string{},
		Arn: fmt.Sprintf("arn:aws:route53profiles:%s:%s:profile/%s", p.scope.Region, p.scope.Account, id)}
	if c.Profiles == nil {
		c.Profiles = map[string]*Profile{}
	}
	c.Profiles[id] = pr
	c.record(p.scope, "CreateProfile", id)
	out := in.clone()
	out["id"], out["arn"], out["ownerId"], out["status"], out["shareStatus"] = id, pr.Arn, p.scope.Account, "COMPLETE", "NOT_SHARED"
	return id, out, nil
}

// deleteProfile is DeleteProfile: "Before you can delete a profile, you
// must first disassociate it from all VPCs" (DeleteProfile, Route 53 API
// reference; the error's code is imitated as ConflictException, "The
// request you submitted conflicts with an existing request"). A Profile
// already gone is no error to the provider (ResourceNotFoundException is
// ignored, profile.go Delete).
func (p *Provider) deleteProfile(c *Cloud, id string) error {
	pr, ok := c.Profiles[id]
	if !ok {
		return nil
	}
	if len(pr.Vpcs) > 0 {
		return awsError("DeleteProfile", "ConflictException", "Profile %s is associated with %d VPCs; disassociate it from every VPC first", id, len(pr.Vpcs))
	}
	delete(c.Profiles, id)
	c.record(p.scope, "DeleteProfile", id)
	return nil
}

// ownProfile is a Profile of the caller's, or ResourceNotFoundException
// ("The resource you are associating is not found"): only its owner
// changes what a Profile holds ("Working with shared Route 53 Profiles":
// the read-only permission of a share lets an account associate it, no
// more).
func (p *Provider) ownProfile(c *Cloud, op, id string) (*Profile, error) {
	pr, ok := c.Profiles[id]
	if !ok || pr.Scope != p.scope {
		return nil, awsError(op, "ResourceNotFoundException", "Profile %s not found in account %s, region %s", id, p.scope.Account, p.scope.Region)
	}
	return pr, nil
}

// associateResourceToProfile is AssociateResourceToProfile with a private
// hosted zone: the Profile and the zone are the caller's
// (ResourceNotFoundException), and a zone is in a Profile once
// (ResourceExistsException, "The resource you are trying to associate, has
// already been associated").
func (p *Provider) associateResourceToProfile(c *Cloud, in props) (string, props, error) {
	pr, err := p.ownProfile(c, "AssociateResourceToProfile", in.str("profileId"))
	if err != nil {
		return "", nil, err
	}
	arn := in.str("resourceArn")
	zoneId, isZone := strings.CutPrefix(arn, "arn:aws:route53:::hostedzone/")
	z, ok := c.Zones[zoneId]
	if !isZone || !ok || z.Account != p.scope.Account {
		return "", nil, awsError("AssociateResourceToProfile", "ResourceNotFoundException", "The resource you are associating is not found: %s", arn)
	}
	if _, in := pr.Zones[zoneId]; in {
		return "", nil, awsError("AssociateResourceToProfile", "ResourceExistsException", "The resource you are trying to associate, has already been associated: %s", arn)
	}
	id := "rpr-" + newHex(16)
	pr.Zones[zoneId] = id
	c.record(p.scope, "AssociateResourceToProfile", pr.Id+" "+zoneId)
	out := in.clone()
	out["id"], out["ownerId"], out["resourceType"], out["status"] = id, p.scope.Account, "PRIVATE_HOSTED_ZONE", "COMPLETE"
	return id, out, nil
}

// disassociateResourceFromProfile is DisassociateResourceFromProfile; one
// already gone is no error to the provider.
func (p *Provider) disassociateResourceFromProfile(c *Cloud, olds props) error {
	if pr, ok := c.Profiles[olds.str("profileId")]; ok {
		zoneId := strings.TrimPrefix(olds.str("resourceArn"), "arn:aws:route53:::hostedzone/")
		delete(pr.Zones, zoneId)
	}
	c.record(p.scope, "DisassociateResourceFromProfile", olds.str("profileId")+" "+olds.str("resourceArn"))
	return nil
}

// profileSharedWith says whether the Profile reaches account: its own, or
// through a RAM share holding it that account has accepted (RAM accepts
// for an account of the owner's organization).
func (c *Cloud) profileSharedWith(pr *Profile, account string) bool {
	if pr.Account == account {
		return true
	}
	for _, s := range c.Shares {
		if s.Scope == pr.Scope && slices.Contains(s.Resources, pr.Arn) && slices.Contains(s.Accepted, account) {
			return true
		}
	}
	return false
}

// associateProfile is AssociateProfile by the VPC's account: the VPC is the
// caller's, of the Profile's region; the Profile is the caller's or shared
// with it through RAM and accepted (AccessDeniedException otherwise, as for
// any resource not shared: "Working with shared Route 53 Profiles"); a VPC
// holds one Profile ("A VPC can have only one Profile associated with it",
// ResourceExistsException); a Profile takes 1000 VPCs (LimitExceededException).
func (p *Provider) associateProfile(c *Cloud, in props) (string, props, error) {
	vpc := in.str("resourceId")
	if v, ok := c.Vpcs[vpc]; !ok || v.Scope != p.scope {
		return "", nil, awsError("AssociateProfile", "ResourceNotFoundException", "The resource you are associating is not found: VPC %s in account %s, region %s", vpc, p.scope.Account, p.scope.Region)
	}
	pr, ok := c.Profiles[in.str("profileId")]
	if !ok || pr.Region != p.scope.Region {
		return "", nil, awsError("AssociateProfile", "ResourceNotFoundException", "The resource you are associating is not found: Profile %s", in.str("profileId"))
	}
	if !c.profileSharedWith(pr, p.scope.Account) {
		return "", nil, awsError("AssociateProfile", "AccessDeniedException",
			"User: arn:aws:sts::%s:assumed-role/deployer is not authorized to perform: route53profiles:AssociateProfile on resource: %s: the Profile is not shared with account %s", p.scope.Account, pr.Arn, p.scope.Account)
	}
	for _, other := range c.Profiles {
		if _, has := other.Vpcs[vpc]; has {
			return "", nil, awsError("AssociateProfile", "ResourceExistsException", "The resource you are trying to associate, has already been associated: VPC %s has Profile %s (a VPC can have only one Profile)", vpc, other.Id)
		}
	}
	if len(pr.Vpcs) >= maxVpcsPerProfile {
		return "", nil, awsError("AssociateProfile", "LimitExceededException", "The request caused one or more limits to be exceeded: %d VPCs per Profile", maxVpcsPerProfile)
	}
	id := "rpassoc-" + newHex(16)
	pr.Vpcs[vpc] = id
	c.record(p.scope, "AssociateProfile", pr.Id+" "+vpc)
	out := in.clone()
	out["id"], out["ownerId"], out["status"] = id, p.scope.Account, "COMPLETE"
	out["arn"] = fmt.Sprintf("arn:aws:route53profiles:%s:%s:profile-association/%s", p.scope.Region, p.scope.Account, id)
	return id, out, nil
}

// disassociateProfile is DisassociateProfile; an association already gone
// is no error to the provider (ResourceNotFoundException is ignored,
// association.go Delete).
func (p *Provider) disassociateProfile(c *Cloud, olds props) error {
	if pr, ok := c.Profiles[olds.str("profileId")]; ok {
		delete(pr.Vpcs, olds.str("resourceId"))
	}
	c.record(p.scope, "DisassociateProfile", olds.str("profileId")+" "+olds.str("resourceId"))
	return nil
}

// profileAssociationGone says whether a ProfilesAssociation of the state
// no longer exists: the provider's read (GetProfileAssociation) then
// removes it from the state (ResourceNotFoundException, association.go
// Read).
func (c *Cloud) profileAssociationGone(id string) bool {
	for _, pr := range c.Profiles {
		for _, a := range pr.Vpcs {
			if a == id {
				return false
			}
		}
	}
	return true
}

// zoneInVpc says whether z answers in vpc: associated with it directly, or
// held by a Profile associated with it and still shared with the VPC's
// account ("Route 53 Profiles", Route 53 developer guide: a Profile's
// private hosted zones apply to the VPCs the Profile is associated with).
func (c *Cloud) zoneInVpc(z *HostedZone, vpc string) bool {
	if slices.Contains(z.Vpcs, vpc) {
		return true
	}
	for _, pr := range c.Profiles {
		if _, held := pr.Zones[z.Id]; !held {
			continue
		}
		// A Profile no longer shared with the VPC's account stops applying
		// there (assumed: the pages read do not say what AWS does with a
		// consumer's associations once the owner stops sharing; the
		// association cannot be made without the share).
		if _, on := pr.Vpcs[vpc]; on && c.Vpcs[vpc] != nil && c.profileSharedWith(pr, c.Vpcs[vpc].Account) {
			return true
		}
	}
	return false
}
