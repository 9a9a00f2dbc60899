package components

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/probediag"
)

// withSpokeProbe gives the orders spoke of withHubZone a probe in one of
// its subnets.
func withSpokeProbe(t *testing.T) func(*CrossAccountPrivateApiArgs) {
	return func(a *CrossAccountPrivateApiArgs) {
		withHubZone(t)(a)
		for i := range a.Consumers {
			if a.Consumers[i].Name == "orders" {
				a.Consumers[i].Probe = true
				a.Consumers[i].SubnetIds = pulumi.ToStringArray([]string{"subnet-0b1c2d3e4f5a60719"})
			}
		}
	}
}

// TestSpokeProbeCallsThroughTheHub: a spoke's probe runs in the spoke's
// account and subnets, may send 443 only to the hub VPC's range (a rule
// naming the hub's group would not cross the Transit Gateway), calls every
// form a spoke of dns phz has (the API's own name included) and carries the
// hub's diagnostics first; it re-runs when its subnets or the spoke's zone
// association change. The other spoke gets no probe.
func TestSpokeProbeCallsThroughTheHub(t *testing.T) {
	mocks, _, err := runCrossAccountWith(t, testRegion, withSpokeProbe(t))
	require.NoError(t, err)
	fn := mustNamed(t, mocks, typeFunction, "xa-orders-probe-function")
	assert.Equal(t, "555555555555", mocks.AccountOf(fn), "in the spoke's account")
	vpcConfig := fn.Inputs["vpcConfig"].ObjectValue()
	assert.Equal(t, "subnet-0b1c2d3e4f5a60719", vpcConfig["subnetIds"].ArrayValue()[0].StringValue())

	sg := mustNamed(t, mocks, typeEc2SecurityGroup, "xa-orders-probe-sg")
	assert.Equal(t, "vpc-0b1c2d3e4f5a60718", sg.Inputs["vpcId"].StringValue(), "in the spoke VPC")
	egress := sg.Input("egress").([]any)
	require.Len(t, egress, 1)
	rule := egress[0].(map[string]any)
	assert.Equal(t, []any{awsmock.SimulatedVpcCidr("vpc-0a1b2c3d4e5f60718")}, rule["cidrBlocks"], "443 to the hub VPC's range only")
	assert.Nil(t, rule["securityGroups"], "no group reference across the Transit Gateway")
	assert.EqualValues(t, 443, rule["fromPort"])

	inv := mustNamed(t, mocks, typeInvocation, "xa-orders-probe-invocation")
	var ev probeEvent
	require.NoError(t, json.Unmarshal([]byte(inv.Inputs["input"].StringValue()), &ev))
	var forms []string
	for _, target := range ev.Targets {
		forms = append(forms, target.Form)
		assert.Equal(t, 200, target.Expect, target.Form)
	}
	assert.Equal(t, []string{InvokePrivateDns, InvokePublicDnsApiIdHeader, InvokePublicDnsHostHeader, InvokeRoute53Alias}, forms)
	require.Greater(t, len(ev.Rules), len(probediag.HubRules))
	assert.Equal(t, probediag.HubRules, ev.Rules[:len(probediag.HubRules)], "the hub's causes first")
	triggers := inv.Inputs["triggers"].ObjectValue()
	for _, k := range []string{"subnets", "hubZone", "endpoint", "allowedCidrs", "policy", "deployment"} {
		assert.Containsf(t, triggers, resource.PropertyKey(k), "trigger %s", k)
	}
	assert.Equal(t, "subnet-0b1c2d3e4f5a60719", triggers["subnets"].StringValue())
	_, ok := mocks.Named(typeFunction, "xa-billing-probe-function")
	assert.False(t, ok, "billing has no probe")
}

// TestSpokeProbeArgsAreChecked: a spoke's probe needs subnets of the spoke
// VPC and, even with dns none, the spoke's provider or credentials; a
// spoke without a probe may have neither.
func TestSpokeProbeArgsAreChecked(t *testing.T) {
	var args CrossAccountPrivateApiArgs
	withHub(t, "")(&args)
	args.Region, args.ProducerAccountId, args.StageName = testRegion, testProducerAccount, "dev"
	orders, billing := &args.Consumers[0], &args.Consumers[1]
	orders.Probe = true // no subnets
	assert.Contains(t, fieldsOf(args.Validate()), "consumers[0].subnetIds")
	assert.Contains(t, fieldsOf(args.checkProviders(nil, false)), "consumers[0].provider", "the probe runs in the spoke's account")
	assert.NotContains(t, fieldsOf(args.checkProviders(nil, false)), "consumers[1].provider", "nothing runs in billing's")
	orders.SubnetIds = pulumi.ToStringArray([]string{"subnet-0b1c2d3e4f5a60719"})
	orders.Credentials = &AccountCredentials{RoleArn: pulumi.String("arn:aws:iam::555555555555:role/deployer")}
	assert.NotContains(t, fieldsOf(args.Validate()), "consumers[0].subnetIds")
	assert.NotContains(t, fieldsOf(args.Validate()), "consumers[0].provider", "a spoke with a probe may have credentials with dns none")
	billing.SubnetIds = pulumi.ToStringArray([]string{"subnet-0c1d2e3f4a5b60719"})
	billing.Credentials = &AccountCredentials{RoleArn: pulumi.String("arn:aws:iam::666666666666:role/deployer")}
	fields := fieldsOf(args.Validate())
	assert.Contains(t, fields, "consumers[1].subnetIds", "subnets without a probe")
	assert.Contains(t, fields, "consumers[1].provider", "credentials without a probe or a zone")
}

// TestSpokeProbeWithoutZone: with dns none a spoke's probe calls the
// forms that work from any VPC with a route to the hub (the alias name and
// the hub endpoint's name with either header), not the API's own name, and
// waits for no zone association.
func TestSpokeProbeWithoutZone(t *testing.T) {
	mocks, _, err := runCrossAccountWith(t, testRegion, func(a *CrossAccountPrivateApiArgs) {
		withHub(t, "")(a)
		for i := range a.Consumers {
			if a.Consumers[i].Name == "orders" {
				a.Consumers[i].Probe = true
				a.Consumers[i].SubnetIds = pulumi.ToStringArray([]string{"subnet-0b1c2d3e4f5a60719"})
				a.Consumers[i].Credentials = &AccountCredentials{RoleArn: pulumi.String("arn:aws:iam::555555555555:role/deployer")}
			}
		}
	})
	require.NoError(t, err)
	fn := mustNamed(t, mocks, typeFunction, "xa-orders-probe-function")
	assert.Equal(t, "555555555555", mocks.AccountOf(fn), "in the spoke's account, with dns none too")
	inv := mustNamed(t, mocks, typeInvocation, "xa-orders-probe-invocation")
	var ev probeEvent
	require.NoError(t, json.Unmarshal([]byte(inv.Inputs["input"].StringValue()), &ev))
	var forms []string
	for _, target := range ev.Targets {
		forms = append(forms, target.Form)
	}
	assert.Equal(t, []string{InvokePublicDnsApiIdHeader, InvokePublicDnsHostHeader, InvokeRoute53Alias}, forms)
	assert.NotContains(t, inv.Inputs["triggers"].ObjectValue(), resource.PropertyKey("hubZone"))
	for _, r := range mocks.Resources() {
		assert.NotEqual(t, "aws:route53/zoneAssociation:ZoneAssociation", r.Type, "no zone with dns none")
	}
}
