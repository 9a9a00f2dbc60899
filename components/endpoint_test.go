package components

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

const (
	typeVpcEndpoint   = "aws:ec2/vpcEndpoint:VpcEndpoint"
	typeSecurityGroup = "aws:ec2/securityGroup:SecurityGroup"
	typeVpc           = "aws:ec2/vpc:Vpc"
	typeSubnet        = "aws:ec2/subnet:Subnet"
)

// endpointOutputs are the resolved outputs of one ExecuteApiEndpoint.
type endpointOutputs struct {
	id, publicDns, sg string
	dnsNames          []string
}

func runEndpoint(t *testing.T, args *ExecuteApiEndpointArgs) (*awsmock.Mocks, *endpointOutputs, error) {
	t.Helper()
	out := &endpointOutputs{}
	mocks := awsmock.New("components-test", "test")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		consumer, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		e, err := NewExecuteApiEndpoint(ctx, "app", args, pulumi.Provider(consumer))
		if err != nil {
			return err
		}
		v, _, err := awsmock.Await(pulumi.All(e.EndpointId, e.PublicDnsName, e.SecurityGroupId, e.DnsNames))
		if err != nil {
			return err
		}
		all := v.([]any)
		out.id, out.publicDns, out.sg, out.dnsNames = all[0].(string), all[1].(string), all[2].(string), all[3].([]string)
		return nil
	})
	return mocks, out, err
}

func endpointArgs() *ExecuteApiEndpointArgs {
	return &ExecuteApiEndpointArgs{
		Region:       pulumi.String(testRegion),
		VpcId:        pulumi.String("vpc-0123456789abcdef0"),
		SubnetIds:    pulumi.ToStringArray([]string{"subnet-0123456789abcdef1", "subnet-0123456789abcdef2"}),
		AllowedCidrs: pulumi.ToStringArray([]string{"10.20.0.0/24"}),
		InvokeArns:   pulumi.ToStringArray([]string{"arn:aws:execute-api:eu-west-1:111111111111:abcde12345/*"}),
	}
}

func TestExecuteApiEndpointInConsumerAccount(t *testing.T) {
	mocks, out, err := runEndpoint(t, endpointArgs())
	require.NoError(t, err)
	vpce := mustNamed(t, mocks, typeVpcEndpoint, "app-vpce")
	assert.Equal(t, "com.amazonaws.eu-west-1.execute-api", vpce.Input("serviceName"))
	assert.Equal(t, "Interface", vpce.Input("vpcEndpointType"))
	assert.Equal(t, false, vpce.Input("privateDnsEnabled"), "private DNS defaults to off: it takes over the whole VPC's execute-api names")
	assert.Equal(t, []any{"subnet-0123456789abcdef1", "subnet-0123456789abcdef2"}, vpce.Input("subnetIds"))
	sg := mustNamed(t, mocks, typeSecurityGroup, "app-sg")
	assert.Equal(t, []any{sg.Id}, vpce.Input("securityGroupIds"))

	for _, r := range []awsmock.Resource{vpce, sg} {
		assert.Equal(t, "consumer-app", mocks.ProviderName(r))
		assert.Equal(t, testConsumerAccount, mocks.AccountOf(r))
	}

	assert.Equal(t, vpce.Id, out.id)
	assert.Equal(t, sg.Id, out.sg)
	assert.Regexp(t, `^vpce-[0-9a-f]{17}-[0-9a-f]{8}\.execute-api\.eu-west-1\.vpce\.amazonaws\.com$`, out.publicDns, "the regional name, not a zonal one")
	assert.Contains(t, out.dnsNames, out.publicDns)
	assert.Greater(t, len(out.dnsNames), 1, "every DNS entry is exported")
}

func TestExecuteApiEndpointSecurityGroupOpensOnly443(t *testing.T) {
	mocks, _, err := runEndpoint(t, endpointArgs())
	require.NoError(t, err)
	sg := mustNamed(t, mocks, typeSecurityGroup, "app-sg")
	ingress := sg.Input("ingress").([]any)
	require.Len(t, ingress, 1)
	rule := ingress[0].(map[string]any)
	assert.Equal(t, "tcp", rule["protocol"])
	assert.EqualValues(t, 443, rule["fromPort"])
	assert.EqualValues(t, 443, rule["toPort"])
	assert.Equal(t, []any{"10.20.0.0/24"}, rule["cidrBlocks"])
	assert.Empty(t, sg.Input("egress"), "an endpoint needs no egress")
}

func TestExecuteApiEndpointPolicyAllowsInvokeOnly(t *testing.T) {
	args := endpointArgs()
	args.InvokeArns = pulumi.ToStringArray([]string{"arn:aws:execute-api:eu-west-1:111111111111:*"})
	mocks, _, err := runEndpoint(t, args)
	require.NoError(t, err)
	var doc struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(mustNamed(t, mocks, typeVpcEndpoint, "app-vpce").Input("policy").(string)), &doc))
	require.Len(t, doc.Statement, 1)
	assert.Equal(t, "execute-api:Invoke", doc.Statement[0]["Action"])
	assert.Equal(t, []any{"arn:aws:execute-api:eu-west-1:111111111111:*"}, doc.Statement[0]["Resource"])
}

// TestExecuteApiEndpointPolicyIsNeverImplicit: used alone, the endpoint
// names what may be invoked through it (restricted, the default), or says
// explicitly that it is every API of the region (full) or a policy attached
// separately; invokeArns go with restricted only.
func TestExecuteApiEndpointPolicyIsNeverImplicit(t *testing.T) {
	none := endpointArgs()
	none.InvokeArns = nil
	_, _, err := runEndpoint(t, none)
	assert.ErrorContains(t, err, "invokeArns: missing; with endpointPolicy restricted (the default) name the APIs")
	both := endpointArgs()
	both.EndpointPolicy = EndpointPolicyFull
	_, _, err = runEndpoint(t, both)
	assert.ErrorContains(t, err, "invokeArns: set with endpointPolicy full")
	unknown := endpointArgs()
	unknown.EndpointPolicy = "open"
	_, _, err = runEndpoint(t, unknown)
	assert.Equal(t, []string{"endpointPolicy"}, fieldsOf(err))

	full := endpointArgs()
	full.InvokeArns, full.EndpointPolicy = nil, EndpointPolicyFull
	mocks, _, err := runEndpoint(t, full)
	require.NoError(t, err)
	assert.Contains(t, mustNamed(t, mocks, typeVpcEndpoint, "app-vpce").Input("policy"), `"arn:aws:execute-api:eu-west-1:*:*"`)

	separate := endpointArgs()
	separate.InvokeArns, separate.EndpointPolicy = nil, EndpointPolicySeparate
	mocks, _, err = runEndpoint(t, separate)
	require.NoError(t, err)
	e := mustNamed(t, mocks, typeVpcEndpoint, "app-vpce")
	assert.Equal(t, denyAllEndpointPolicy, e.Input("policy"), "created invoking nothing until the separate policy is attached, never with AWS's full-access default")
	assert.Equal(t, []string{"policy"}, e.IgnoreChanges, "the separate policy owns it then")
}

func TestExecuteApiEndpointPrivateDnsOff(t *testing.T) {
	args := endpointArgs()
	off := false
	args.PrivateDns = &off
	mocks, _, err := runEndpoint(t, args)
	require.NoError(t, err)
	assert.Equal(t, false, mustNamed(t, mocks, typeVpcEndpoint, "app-vpce").Input("privateDnsEnabled"))
}

func TestExecuteApiEndpointRefusesOpenWorld(t *testing.T) {
	args := endpointArgs()
	args.AllowedCidrs = pulumi.ToStringArray([]string{"10.0.0.0/8", "0.0.0.0/0"})
	_, _, err := runEndpoint(t, args)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"0.0.0.0/0": open to the world`)
}

func TestExecuteApiEndpointRequiresArgs(t *testing.T) {
	_, _, err := runEndpoint(t, &ExecuteApiEndpointArgs{Region: pulumi.String(testRegion)})
	require.Error(t, err)
	assert.Equal(t, []string{"vpcId", "subnetIds", "allowedCidrs", "invokeArns"}, fieldsOf(err))
	_, _, err = runEndpoint(t, nil)
	assert.ErrorContains(t, err, "args are required")
}

// TestCheckAllowedCidrs: IPv4 client ranges only; an IPv6 range would land
// in the security group's IPv4 cidrBlocks and fail at AWS.
func TestCheckAllowedCidrs(t *testing.T) {
	assert.NoError(t, checkAllowedCidrs([]string{"10.0.0.0/16", "192.168.1.0/24", "10.1.2.3/32"}))
	for _, bad := range [][]string{nil, {"0.0.0.0/0"}, {"::/0"}, {"10.0.0.1/16"}, {"10.0.0.0"}, {"banana"}} {
		assert.Errorf(t, checkAllowedCidrs(bad), "%v", bad)
	}
	for _, v6 := range []string{"fd00:30::/64", "2001:db8::/32"} {
		assert.ErrorContainsf(t, checkAllowedCidrs([]string{v6}), "expected an IPv4 CIDR", "%s", v6)
	}
}

func TestRegionalDnsName(t *testing.T) {
	names := []string{
		"vpce-0abc-1234.execute-api.eu-west-1.vpce.amazonaws.com",
		"vpce-0abc-1234-eu-west-1a.execute-api.eu-west-1.vpce.amazonaws.com",
		"execute-api.eu-west-1.amazonaws.com",
	}
	assert.Equal(t, names[0], RegionalDnsName(names))
	assert.Equal(t, names[0], RegionalDnsName([]string{names[2], names[1], names[0]}))
	assert.Equal(t, "", RegionalDnsName([]string{"execute-api.eu-west-1.amazonaws.com"}))
}
