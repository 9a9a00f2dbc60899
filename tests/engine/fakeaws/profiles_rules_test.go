package fakeaws

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAProfileIsSharedByRamAndHeldOncePerVpc: a spoke account associates
// its VPC with the network account's Profile only once the Profile is
// shared with it and the share accepted (AccessDeniedException before);
// only the Profile's owner puts a zone in it and shares it; a VPC holds one
// Profile (ResourceExistsException for a second); a Profile with VPCs is
// not deleted (ConflictException); the 1001st VPC of a Profile is refused
// (LimitExceededException); a share within the organization needs no
// acceptance.
func TestAProfileIsSharedByRamAndHeldOncePerVpc(t *testing.T) {
	store := newStore(t)
	network := provider(t, store, producerAccount)
	spoke := provider(t, store, consumerAccount)
	hubVpc, _ := mustCreate(network, t, TypeVpc, map[string]any{"cidrBlock": "10.90.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	spokeVpc, _ := mustCreate(spoke, t, TypeVpc, map[string]any{"cidrBlock": "10.30.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	zone, zoneOut := mustCreate(network, t, TypeZone, map[string]any{"name": "abcde12345.execute-api.eu-west-1.amazonaws.com", "vpcs": []any{map[string]any{"vpcId": hubVpc}}})
	profile, profileOut := mustCreate(network, t, TypeProfile, map[string]any{"name": "hub"})
	inProfile := map[string]any{"name": "zone", "profileId": profile, "resourceArn": zoneOut["arn"]}

	_, _, err := create(spoke, t, TypeProfileResourceAssociation, inProfile)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ResourceNotFoundException", "only the Profile's owner puts a zone in it")
	rpr, _ := mustCreate(network, t, TypeProfileResourceAssociation, inProfile)
	_, _, err = create(network, t, TypeProfileResourceAssociation, inProfile)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ResourceExistsException", "a zone is in a Profile once")

	association := map[string]any{"name": "orders", "profileId": profile, "resourceId": spokeVpc}
	_, _, err = create(spoke, t, TypeProfileAssociation, association)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AccessDeniedException", "not shared with the spoke's account")
	_, _, err = create(network, t, TypeProfileAssociation, association)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ResourceNotFoundException", "only the VPC's account associates it")

	share, _ := mustCreate(network, t, TypeResourceShare, map[string]any{"name": "hub-profile", "allowExternalPrincipals": true})
	_, _, err = create(spoke, t, TypeResourceAssociation, map[string]any{"resourceArn": profileOut["arn"], "resourceShareArn": share})
	require.Error(t, err)
	mustCreate(network, t, TypeResourceAssociation, map[string]any{"resourceArn": profileOut["arn"], "resourceShareArn": share})
	principal := map[string]any{"principal": consumerAccount, "resourceShareArn": share}
	principalId, _ := mustCreate(network, t, TypePrincipalAssociation, principal)
	_, _, err = create(spoke, t, TypeProfileAssociation, association)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AccessDeniedException", "invited, not accepted yet")
	mustCreate(spoke, t, TypeShareAccepter, map[string]any{"shareArn": share})
	assocId, _ := mustCreate(spoke, t, TypeProfileAssociation, association)

	other, _ := mustCreate(network, t, TypeProfile, map[string]any{"name": "other"})
	otherShare, _ := mustCreate(network, t, TypeResourceShare, map[string]any{"name": "other", "allowExternalPrincipals": false})
	require.NoError(t, store.Update(func(c *Cloud) error {
		c.Organizations[producerAccount], c.Organizations[consumerAccount] = "o-1", "o-1"
		return nil
	}))
	mustCreate(network, t, TypeResourceAssociation, map[string]any{"resourceArn": fmt.Sprintf("arn:aws:route53profiles:%s:%s:profile/%s", region, producerAccount, other), "resourceShareArn": otherShare})
	mustCreate(network, t, TypePrincipalAssociation, map[string]any{"principal": consumerAccount, "resourceShareArn": otherShare})
	_, _, err = create(spoke, t, TypeProfileAssociation, map[string]any{"name": "again", "profileId": other, "resourceId": spokeVpc})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ResourceExistsException", "a VPC holds one Profile, shared within the organization or not")

	err = del(network, t, TypeProfile, profile, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ConflictException", "a Profile with VPCs stays")

	require.NoError(t, store.Update(func(c *Cloud) error {
		for i := len(c.Profiles[other].Vpcs); i < 1000; i++ {
			c.Profiles[other].Vpcs[fmt.Sprintf("vpc-%d", i)] = fmt.Sprintf("rpassoc-%d", i)
		}
		return nil
	}))
	require.NoError(t, del(spoke, t, TypeProfileAssociation, assocId, association))
	_, _, err = create(spoke, t, TypeProfileAssociation, map[string]any{"name": "again", "profileId": other, "resourceId": spokeVpc})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "LimitExceededException", "a Profile takes 1000 VPCs")
	_, _, err = create(spoke, t, TypeProfileAssociation, association)
	require.NoError(t, err, "the VPC is free again for the hub's Profile")
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.True(t, c.zoneInVpc(c.Zones[zone], spokeVpc), "the Profile's zone answers in its VPCs")
		return nil
	}))
	require.NoError(t, del(network, t, TypePrincipalAssociation, principalId, principal))
	require.NoError(t, del(network, t, TypeProfileResourceAssociation, rpr, inProfile))
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.False(t, c.zoneInVpc(c.Zones[zone], spokeVpc), "a zone out of the Profile no longer answers there")
		return nil
	}))
}

// TestAProfileGivesItsZonesToItsVpcs: an API's own name in a private hosted
// zone that a Profile holds answers in the VPCs the Profile is associated
// with while it is shared with their account, and nowhere else.
func TestAProfileGivesItsZonesToItsVpcs(t *testing.T) {
	w, f := spokeWorld(t, resourcePolicy(`"*"`))
	w.c.joinOverTransitGateway(w.c.Vpcs["vpc-2"], w.c.Vpcs["vpc-1"])
	w.endpoint.PrivateDns = false
	name := worldApi + ".execute-api.eu-west-1.amazonaws.com"
	zone := &HostedZone{Scope: w.endpoint.Scope, Id: "ZHUB", Name: name, Vpcs: []string{"vpc-1"}, Records: map[string]*ZoneRecord{
		name + " A": {Name: name, Type: "A", AliasName: worldVpce + "-abcd.execute-api.eu-west-1.vpce.amazonaws.com"},
	}}
	w.c.Zones = map[string]*HostedZone{zone.Id: zone}
	profile := &Profile{Scope: w.endpoint.Scope, Id: "rp-1", Arn: "arn:aws:route53profiles:eu-west-1:" + w.endpoint.Account + ":profile/rp-1",
		Zones: map[string]string{}, Vpcs: map[string]string{"vpc-2": "rpassoc-1"}}
	w.c.Profiles = map[string]*Profile{profile.Id: profile}
	share := &ResourceShare{Scope: w.endpoint.Scope, Arn: "arn:aws:ram:eu-west-1:" + w.endpoint.Account + ":resource-share/1",
		Resources: []string{profile.Arn}, Principals: []string{f.Account}, Accepted: []string{f.Account}}
	w.c.Shares = map[string]*ResourceShare{share.Arn: share}
	r := w.c.simulateCall(f, "https://"+name+"/dev/", nil, false)
	assert.Equal(t, "dns", r.Failure, "the Profile on the spoke VPC does not hold the zone yet")
	profile.Zones[zone.Id] = "rpr-1"
	r = w.c.simulateCall(f, "https://"+name+"/dev/", nil, false)
	assert.Equal(t, 200, r.Status, "through the Profile's zone to the hub endpoint (%s %s)", r.Failure, r.Detail)
	share.drop(f.Account)
	r = w.c.simulateCall(f, "https://"+name+"/dev/", nil, false)
	assert.Equal(t, "dns", r.Failure, "a Profile no longer shared with the VPC's account stops applying there")
	share.Principals, share.Accepted = []string{f.Account}, []string{f.Account}
	delete(profile.Vpcs, "vpc-2")
	r = w.c.simulateCall(f, "https://"+name+"/dev/", nil, false)
	assert.Equal(t, "dns", r.Failure, "the VPC no longer has the Profile")
}
