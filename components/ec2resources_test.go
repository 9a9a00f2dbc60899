package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
)

// TestEc2InputsLeaveUnsetFieldsOut: as a generated Args struct marshals
// them, an unset input is absent, never null (a null tags or policy would
// be a diff against state the generated SDK wrote).
func TestEc2InputsLeaveUnsetFieldsOut(t *testing.T) {
	var tags pulumi.StringMapInput
	var policy pulumi.StringInput
	in := ec2Inputs(map[string]pulumi.Input{"vpcId": pulumi.String("vpc-1"), "tags": tags, "policy": policy})
	assert.Equal(t, pulumi.Map{"vpcId": pulumi.String("vpc-1")}, in)
}

// TestEndpointRegisteredAsTheGeneratedSdkDid: the endpoint of a composition
// (its policy attached separately, retained on delete: the provider's
// delete would reset it to full access) is created invoking nothing and
// leaves its policy to that attachment, and the endpoint's DNS entries
// still give the regional name and its zone.
func TestEndpointRegisteredAsTheGeneratedSdkDid(t *testing.T) {
	mocks, res, err := runCrossAccount(t, testRegion)
	if !assert.NoError(t, err) {
		return
	}
	e := mustNamed(t, mocks, typeEc2VpcEndpoint, "xa-app-endpoint-vpce")
	assert.Equal(t, denyAllEndpointPolicy, e.Input("policy"), "never AWS's full-access default, even before the policy is attached")
	assert.Equal(t, []string{"policy"}, e.IgnoreChanges, "the policy is its own resource")
	attached := mustNamed(t, mocks, typeEc2VpcEndpointPolicy, "xa-app-endpoint-policy")
	assert.True(t, attached.RetainOnDelete, "its deletion never resets the endpoint to full access")
	assert.Equal(t, "Interface", e.Input("vpcEndpointType"))
	assert.Equal(t, "com.amazonaws.eu-west-1.execute-api", e.Input("serviceName"))
	assert.Contains(t, res.urls["app"][InvokePublicDnsHostHeader], res.endpoints["app"]+"-", "the regional name comes from the DNS entries")
}
