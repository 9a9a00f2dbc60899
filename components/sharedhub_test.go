package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

// sharedHubArgs is a hub of dns phz with spokes orders and billing, before
// (api false) or after (api true) the producer has published its API.
func sharedHubArgs(ctx *pulumi.Context, t *testing.T, api bool) *SharedHubArgs {
	network, err := newTestProvider(ctx, "network", testNetworkAccount, testRegion)
	require.NoError(t, err)
	a := &SharedHubArgs{
		Region: testRegion,
		Hub: &HubArgs{AccountId: testNetworkAccount, Provider: network, VpcId: pulumi.String("vpc-0a1b2c3d4e5f60718"),
			SubnetIds: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60719"}), Dns: HubDnsPhz},
		Spokes: []ConsumerArgs{
			{Name: "orders", AccountId: "555555555555", VpcId: pulumi.String("vpc-0b1c2d3e4f5a60718"), AllowedCidrs: pulumi.ToStringArray([]string{"10.40.0.0/24"})},
			{Name: "billing", AccountId: "666666666666", VpcId: pulumi.String("vpc-0c1d2e3f4a5b60718"), AllowedCidrs: pulumi.ToStringArray([]string{"10.50.0.0/24"})},
		},
	}
	if api {
		a.RestApiId = pulumi.String("a1b2c3d4e5")
		a.ExecutionArn = pulumi.String("arn:aws:execute-api:" + testRegion + ":" + testProducerAccount + ":a1b2c3d4e5")
	}
	return a
}

// TestSharedHubHoldsTheNetworkAccountsPart: the hub of a stack of its own
// registers the endpoint (443 from the spokes' ranges only), its policy
// scoped to the one API, the zone named for the API and one authorization
// per spoke VPC, all in the network account, and no association (the
// spokes' own stacks make them).
func TestSharedHubHoldsTheNetworkAccountsPart(t *testing.T) {
	mocks := runMocked(t, func(ctx *pulumi.Context) error {
		_, err := NewSharedHub(ctx, "xa", sharedHubArgs(ctx, t, true))
		return err
	})
	sg := mustNamed(t, mocks, typeSecurityGroup, "xa-hub-endpoint-sg")
	ingress := sg.Inputs["ingress"].ArrayValue()
	require.Len(t, ingress, 1)
	var cidrs []string
	for _, c := range ingress[0].ObjectValue()["cidrBlocks"].ArrayValue() {
		cidrs = append(cidrs, c.StringValue())
	}
	assert.ElementsMatch(t, []string{"10.40.0.0/24", "10.50.0.0/24"}, cidrs)
	policyDoc := mustNamed(t, mocks, typeEc2VpcEndpointPolicy, "xa-hub-endpoint-policy").Inputs["policy"].StringValue()
	assert.Contains(t, policyDoc, "arn:aws:execute-api:"+testRegion+":"+testProducerAccount+":a1b2c3d4e5/*")
	zone := mustNamed(t, mocks, typeZone, "xa-hub-zone")
	assert.Equal(t, "a1b2c3d4e5.execute-api."+testRegion+".amazonaws.com", zone.Inputs["name"].StringValue())
	for spoke, vpc := range map[string]string{"orders": "vpc-0b1c2d3e4f5a60718", "billing": "vpc-0c1d2e3f4a5b60718"} {
		mustNamed(t, mocks, "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization", "xa-"+vpc+"-hub-zone-authorization")
		_, associated := mocks.Named("aws:route53/zoneAssociation:ZoneAssociation", "xa-"+vpc+"-hub-zone-association")
		assert.False(t, associated, "%s: its own stack associates its VPC", spoke)
	}
	for _, r := range mocks.Resources() {
		if r.Custom && r.Type != "pulumi:providers:aws" {
			assert.Contains(t, r.Provider, "::network", "%s %s is the network account's", r.Type, r.Name)
		}
	}
}

// TestSharedHubBeforeTheApi: before the producer publishes its API only
// the endpoint and its security group exist: no policy, no zone.
func TestSharedHubBeforeTheApi(t *testing.T) {
	mocks := runMocked(t, func(ctx *pulumi.Context) error {
		_, err := NewSharedHub(ctx, "xa", sharedHubArgs(ctx, t, false))
		return err
	})
	mustNamed(t, mocks, typeSecurityGroup, "xa-hub-endpoint-sg")
	policy := mustNamed(t, mocks, typeEc2VpcEndpointPolicy, "xa-hub-endpoint-policy")
	doc, err := policy.Input("policy").(string)
	require.True(t, err, "a policy document")
	assert.Contains(t, doc, `"Effect":"Deny"`, "never AWS's default full access: the endpoint invokes nothing until the API is known")
	assert.NotContains(t, doc, `"Effect":"Allow"`)
	_, zone := mocks.Named(typeZone, "xa-hub-zone")
	assert.False(t, zone)
}

// TestSharedHubRefusesBadSpokes: overlapping ranges and dns profile are
// refused by field, before anything is registered.
func TestSharedHubRefusesBadSpokes(t *testing.T) {
	mocks := awsmock.New("components-test", "test")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		a := sharedHubArgs(ctx, t, true)
		a.Hub.Dns = HubDnsProfile
		a.Spokes[1].AllowedCidrs = pulumi.ToStringArray([]string{"10.40.0.128/25"})
		_, err := NewSharedHub(ctx, "xa", a)
		return err
	})
	require.Error(t, err)
	assert.Contains(t, fieldsOf(err), "hub.dns")
	assert.Contains(t, fieldsOf(err), "consumers[1].allowedCidrs[0]")
	for _, r := range mocks.Resources() {
		assert.Equal(t, "pulumi:providers:aws", r.Type, "nothing but the provider is registered")
	}
}
