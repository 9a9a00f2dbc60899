package components

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

// withHubProfile is withHub with hub.dns profile and a third spoke in
// orders' account: each spoke gets credentials for its VPC's Profile
// association.
func withHubProfile(t *testing.T) func(*CrossAccountPrivateApiArgs) {
	return func(a *CrossAccountPrivateApiArgs) {
		withHub(t, "")(a)
		a.Hub.Dns = HubDnsProfile
		a.Consumers = append(a.Consumers, ConsumerArgs{Name: "shipping", AccountId: "555555555555", Via: ViaHub, VpcId: pulumi.String("vpc-0d1e2f3a4b5c60718"),
			AllowedCidrs: pulumi.ToStringArray([]string{"10.60.0.0/24"})})
		for i := range a.Consumers {
			if a.Consumers[i].viaHub() {
				a.Consumers[i].Credentials = &AccountCredentials{RoleArn: pulumi.String("arn:aws:iam::" + a.Consumers[i].AccountId + ":role/deployer")}
			}
		}
	}
}

// TestHubProfileGivesSpokesTheApisName: with dns profile the network account
// holds the zone named for the API (on the hub VPC, its alias to the hub
// endpoint), a Route 53 Profile holding it and a RAM share of the Profile
// with one principal association per spoke account (orders and shipping
// share one); each spoke account accepts once (outside an organization) and
// associates its own VPC with the Profile after the share; no zone
// association or authorization is made; the spokes call the API by its own
// name.
func TestHubProfileGivesSpokesTheApisName(t *testing.T) {
	mocks, res, err := runCrossAccountWith(t, testRegion, withHubProfile(t))
	require.NoError(t, err)
	apiId, _, err := awsmock.Await(res.api.RestApiId)
	require.NoError(t, err)
	host := fmt.Sprintf("%s.execute-api.%s.amazonaws.com", apiId, testRegion)

	zone := mustNamed(t, mocks, typeZone, "xa-hub-zone")
	assert.Equal(t, testNetworkAccount, mocks.AccountOf(zone))
	assert.Equal(t, host, zone.Inputs["name"].StringValue())
	mustNamed(t, mocks, typeRecord, "xa-hub-zone-alias")

	profile := mustNamed(t, mocks, "aws:route53/profilesProfile:ProfilesProfile", "xa-hub-profile")
	assert.Equal(t, testNetworkAccount, mocks.AccountOf(profile), "the network account's Profile")
	inProfile := mustNamed(t, mocks, "aws:route53/profilesResourceAssociation:ProfilesResourceAssociation", "xa-hub-profile-zone")
	assert.Equal(t, testNetworkAccount, mocks.AccountOf(inProfile))
	assert.Equal(t, profile.Id, inProfile.Inputs["profileId"].StringValue())
	assert.Equal(t, zone.State["arn"].StringValue(), inProfile.Inputs["resourceArn"].StringValue(), "the hub's zone is in the Profile")

	share := mustNamed(t, mocks, "aws:ram/resourceShare:ResourceShare", "xa-hub-profile-share")
	assert.Equal(t, testNetworkAccount, mocks.AccountOf(share))
	assert.True(t, share.Inputs["allowExternalPrincipals"].BoolValue(), "accounts outside the organization by default")
	shared := mustNamed(t, mocks, "aws:ram/resourceAssociation:ResourceAssociation", "xa-hub-profile-share-profile")
	assert.Equal(t, profile.State["arn"].StringValue(), shared.Inputs["resourceArn"].StringValue(), "the Profile is what is shared")

	var principals []string
	for _, r := range mocks.Resources() {
		switch r.Type {
		case "aws:ram/principalAssociation:PrincipalAssociation":
			principals = append(principals, r.Inputs["principal"].StringValue())
			assert.Equal(t, testNetworkAccount, mocks.AccountOf(r))
			assert.True(t, r.DeleteBeforeReplace)
		case "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization", "aws:route53/zoneAssociation:ZoneAssociation":
			t.Errorf("%s %s: with dns profile the spokes get the zone through the Profile, not one association each", r.Type, r.Name)
		}
	}
	assert.ElementsMatch(t, []string{"555555555555", "666666666666"}, principals, "one principal association per spoke account: orders and shipping share one")

	accepters := map[string]awsmock.Resource{}
	for _, account := range []string{"555555555555", "666666666666"} {
		a := mustNamed(t, mocks, "aws:ram/resourceShareAccepter:ResourceShareAccepter", "xa-hub-profile-share-accepter-"+account)
		assert.Equal(t, account, mocks.AccountOf(a), "accepted in the spoke's account")
		assert.True(t, a.RetainOnDelete, "leaving the share would cut every spoke of the account off")
		assert.Contains(t, a.Dependencies, mustNamed(t, mocks, "aws:ram/principalAssociation:PrincipalAssociation", "xa-hub-profile-share-"+account).URN)
		accepters[account] = a
	}
	for _, s := range []struct{ name, account, vpc string }{
		{"orders", "555555555555", "vpc-0b1c2d3e4f5a60718"}, {"billing", "666666666666", "vpc-0c1d2e3f4a5b60718"}, {"shipping", "555555555555", "vpc-0d1e2f3a4b5c60718"},
	} {
		assoc := mustNamed(t, mocks, "aws:route53/profilesAssociation:ProfilesAssociation", "xa-"+s.vpc+"-hub-profile-association")
		assert.True(t, assoc.DeleteBeforeReplace, "a VPC holds one Profile: the old association goes first")
		assert.Equal(t, s.account, mocks.AccountOf(assoc), "the VPC's account associates")
		assert.Equal(t, s.vpc, assoc.Inputs["resourceId"].StringValue())
		assert.Equal(t, profile.Id, assoc.Inputs["profileId"].StringValue())
		assert.Contains(t, assoc.Dependencies, accepters[s.account].URN, "after its account accepted the share (and deleted before it)")
		assert.Contains(t, assoc.Dependencies, inProfile.URN, "after the zone is in the Profile")
		assert.Equal(t, fmt.Sprintf("https://%s/dev", host), res.urls[s.name][InvokePrivateDns], "%s calls the API by its name", s.name)
	}
}

// TestHubProfileInTheOrganizationOrAnExistingProfile: with sameOrganization
// the share admits no external principals and no spoke account accepts;
// with profileId the zone goes into that Profile and nothing else is
// created (no Profile, no share, nothing in the spokes' accounts).
func TestHubProfileInTheOrganizationOrAnExistingProfile(t *testing.T) {
	mocks, _, err := runCrossAccountWith(t, testRegion, func(a *CrossAccountPrivateApiArgs) {
		withHubProfile(t)(a)
		a.Hub.SameOrganization = true
	})
	require.NoError(t, err)
	share := mustNamed(t, mocks, "aws:ram/resourceShare:ResourceShare", "xa-hub-profile-share")
	assert.False(t, share.Inputs["allowExternalPrincipals"].BoolValue())
	for _, r := range mocks.Resources() {
		assert.NotEqual(t, "aws:ram/resourceShareAccepter:ResourceShareAccepter", r.Type, "RAM accepts within the organization")
	}

	mocks, res, err := runCrossAccountWith(t, testRegion, func(a *CrossAccountPrivateApiArgs) {
		withHub(t, "")(a)
		a.Hub.Dns, a.Hub.ProfileId = HubDnsProfile, "rp-4987774726example"
	})
	require.NoError(t, err)
	zone := mustNamed(t, mocks, typeZone, "xa-hub-zone")
	inProfile := mustNamed(t, mocks, "aws:route53/profilesResourceAssociation:ProfilesResourceAssociation", "xa-hub-profile-zone")
	assert.Equal(t, "rp-4987774726example", inProfile.Inputs["profileId"].StringValue(), "the zone goes into the named Profile")
	assert.Equal(t, zone.State["arn"].StringValue(), inProfile.Inputs["resourceArn"].StringValue())
	for _, r := range mocks.Resources() {
		switch r.Type {
		case "aws:route53/profilesProfile:ProfilesProfile", "aws:route53/profilesAssociation:ProfilesAssociation",
			"aws:ram/resourceShare:ResourceShare", "aws:ram/principalAssociation:PrincipalAssociation", "aws:ram/resourceShareAccepter:ResourceShareAccepter":
			t.Errorf("%s %s: the named Profile is shared and associated already", r.Type, r.Name)
		}
		if r.Custom {
			assert.NotContains(t, []string{"555555555555", "666666666666"}, mocks.AccountOf(r), "nothing in a spoke's account: %s", r.Name)
		}
	}
	apiId, _, err := awsmock.Await(res.api.RestApiId)
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/dev", apiId, testRegion), res.urls["orders"][InvokePrivateDns])
}

// TestHubProfileArgsAreChecked: with dns profile a spoke needs its
// account's provider unless hub.profileId names a Profile its VPC has
// (then it may not have one); the Profile's ID, sameOrganization and
// profileId beside another dns, two spokes on one VPC, the Profile's VPC
// quota and the zone's tags are refused before anything is registered.
func TestHubProfileArgsAreChecked(t *testing.T) {
	var args CrossAccountPrivateApiArgs
	withHub(t, "")(&args)
	args.Region, args.ProducerAccountId, args.StageName = testRegion, testProducerAccount, "dev"
	args.Hub.Dns = HubDnsProfile
	assert.NotContains(t, fieldsOf(args.Validate()), "hub.dns", "profile is built")
	var fields []string
	for _, fe := range args.checkProviders(&pulumi.Context{}, false) {
		fields = append(fields, fe.Field)
	}
	assert.Contains(t, fields, "consumers[0].provider", "a spoke without credentials, with a Profile to associate")
	args.Hub.ProfileId = "rp-4987774726example"
	fields = nil
	for _, fe := range args.checkProviders(&pulumi.Context{}, false) {
		fields = append(fields, fe.Field)
	}
	assert.NotContains(t, fields, "consumers[0].provider", "the named Profile is on the spoke VPC already")

	args.Consumers = nil
	withHubProfile(t)(&args)
	args.Hub.ProfileId = "rp-4987774726example"
	assert.Contains(t, fieldsOf(args.Validate()), "consumers[0].provider", "credentials beside an existing Profile")
	args.Hub.ProfileId = "profile-1"
	args.Hub.SameOrganization = true
	fields = fieldsOf(args.Validate())
	assert.Contains(t, fields, "hub.profileId", "not a Profile ID")
	assert.Contains(t, fields, "hub.sameOrganization", "nothing is shared with a named Profile")
	args.Hub.ProfileId, args.Hub.SameOrganization = "", false
	assert.Empty(t, fieldsOf(args.Validate()))

	args.Hub.Dns = HubDnsPhz
	args.Hub.ProfileId, args.Hub.SameOrganization = "rp-4987774726example", true
	fields = fieldsOf(args.Validate())
	assert.Contains(t, fields, "hub.profileId", "a Profile only with dns profile")
	assert.Contains(t, fields, "hub.sameOrganization")
	args.Hub.Dns, args.Hub.ProfileId, args.Hub.SameOrganization = HubDnsProfile, "", false

	args.Consumers[2].VpcId = args.Consumers[0].VpcId
	err := args.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a VPC holds one Route 53 Profile association", "two spokes on one VPC")
	args.Consumers = args.Consumers[:2]

	tags := pulumi.StringMap{}
	for i := range MaxTagsPerHostedZone + 1 {
		tags[fmt.Sprintf("t%d", i)] = pulumi.String("v")
	}
	args.Tags = tags
	assert.Contains(t, fieldsOf(args.Validate()), "tags", "the zone takes at most 10 tags")
	args.Tags = nil

	spoke := args.Consumers[0]
	args.Consumers = nil
	for i := range maxVpcsPerProfile + 1 {
		s := spoke
		s.Name = fmt.Sprintf("s%d", i)
		s.VpcId = pulumi.String(fmt.Sprintf("vpc-%017x", i+1))
		s.AllowedCidrs = pulumi.ToStringArray([]string{fmt.Sprintf("10.%d.%d.0/24", 100+i/256, i%256)})
		args.Consumers = append(args.Consumers, s)
	}
	err = args.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "1001 spokes make 1001 VPC associations of the hub's Route 53 Profile")
	args.Consumers = args.Consumers[:maxVpcsPerProfile]
	assert.NotContains(t, fmt.Sprint(args.Validate()), "VPC associations of the hub's Route 53 Profile", "1000 fit")
}
