package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

// runPreflighted registers a CrossAccountPrivateApi whose one consumer puts
// a created endpoint with private DNS into the existing VPC vpcId, under
// mocks made with opts; mutate changes the args first (nil: unchanged).
func runPreflighted(t *testing.T, vpcId string, mutate func(*CrossAccountPrivateApiArgs), opts ...awsmock.Option) (*awsmock.Mocks, error) {
	t.Helper()
	mocks := awsmock.New("components-test", "test", opts...)
	err := mocks.Run(func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		app, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		on := true
		args := &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
			Consumers: []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Provider: app, VpcId: pulumi.String(vpcId),
				SubnetIds: pulumi.ToStringArray([]string{"subnet-0123456789abcdef1"}), PrivateDns: &on}},
		}
		if mutate != nil {
			mutate(args)
		}
		_, err = NewCrossAccountPrivateApi(ctx, "xa", args)
		return err
	})
	return mocks, err
}

// customResources are the registered resources other than providers and components.
func customResources(mocks *awsmock.Mocks) []string {
	var out []string
	for _, r := range mocks.Resources() {
		if r.Custom && r.Type != awsmock.ProviderType {
			out = append(out, r.URN)
		}
	}
	return out
}

// TestPreflightRefusesAccessLogsWithoutTheAccountRole: access logs on, the
// account role not created by the stack and none set in the producer
// account: refused on accessLogs.createAccountRole with API Gateway's error
// and the fixes, before any resource is registered.
func TestPreflightRefusesAccessLogsWithoutTheAccountRole(t *testing.T) {
	mocks, err := runPreflighted(t, "vpc-0123456789abcdef0", nil, awsmock.WithoutAccountLogRole(testProducerAccount))
	require.Error(t, err)
	fes := AsFieldErrors(err)
	require.Equal(t, []string{"accessLogs.createAccountRole"}, fieldsOf(err), "%v", err)
	msg := fes[0].Message
	assert.Contains(t, msg, "producer account "+testProducerAccount+" has no API Gateway CloudWatch Logs role in "+testRegion)
	assert.Contains(t, msg, AccessLogsRoleError)
	assert.Contains(t, msg, "accessLogs.createAccountRole: true")
	assert.Contains(t, msg, "api.accessLogs.enabled: false")
	assert.Empty(t, customResources(mocks), "nothing is registered")
}

// TestPreflightRefusesAnAccountThatNeverUsedApiGateway: Cloud Control finds
// no account settings at all (an account that never used API Gateway in the
// region): that is no role, refused like an empty setting, not a warning.
func TestPreflightRefusesAnAccountThatNeverUsedApiGateway(t *testing.T) {
	mocks, err := runPreflighted(t, "vpc-0123456789abcdef0", nil, awsmock.WithoutApiGatewaySettings(testProducerAccount))
	require.Error(t, err)
	require.Equal(t, []string{"accessLogs.createAccountRole"}, fieldsOf(err), "%v", err)
	assert.Contains(t, AsFieldErrors(err)[0].Message, "has no API Gateway CloudWatch Logs role")
	assert.Empty(t, customResources(mocks), "nothing is registered")
}

// TestPreflightLeavesTheAccountRoleAloneWhenNotNeeded: with the account role
// set, created by the stack, or access logs off, the preflight passes.
func TestPreflightLeavesTheAccountRoleAloneWhenNotNeeded(t *testing.T) {
	_, err := runPreflighted(t, "vpc-0123456789abcdef0", nil)
	require.NoError(t, err, "the account has a role")
	for name, logs := range map[string]*AccessLogsArgs{
		"created by the stack": {CreateAccountRole: true},
		"access logs off":      {Disabled: true},
	} {
		_, err := runPreflighted(t, "vpc-0123456789abcdef0", func(a *CrossAccountPrivateApiArgs) { a.AccessLogs = logs },
			awsmock.WithoutAccountLogRole(testProducerAccount))
		assert.NoError(t, err, name)
	}
}

// TestPreflightRefusesASecondPrivateDnsEndpoint: the existing VPC holds an
// execute-api endpoint with private DNS, so a created one with private DNS
// is refused on the consumer's privateDns, naming the endpoint to use.
func TestPreflightRefusesASecondPrivateDnsEndpoint(t *testing.T) {
	const vpc, vpce = "vpc-0123456789abcdef0", "vpce-0aaaaaaaaaaaaaaa1"
	theirs := awsmock.PrivateDnsEndpoints(map[string]awsmock.ExistingEndpoint{vpc: {Id: vpce, SecurityGroupName: "platform-execute-api"}})
	mocks, err := runPreflighted(t, vpc, nil, theirs)
	require.Error(t, err)
	require.Equal(t, []string{"consumers[0].privateDns"}, fieldsOf(err), "%v", err)
	msg := AsFieldErrors(err)[0].Message
	assert.Contains(t, msg, "VPC "+vpc+" has execute-api endpoint "+vpce+" with private DNS on already")
	assert.Contains(t, msg, endpointConflictError)
	assert.Contains(t, msg, "endpointId: "+vpce)
	assert.Empty(t, customResources(mocks), "nothing is registered")

	off := false
	_, err = runPreflighted(t, vpc, func(a *CrossAccountPrivateApiArgs) { a.Consumers[0].PrivateDns = &off }, theirs)
	assert.NoError(t, err, "without private DNS the endpoints do not conflict")

	// The stack's own endpoint, created by an earlier up, is no conflict:
	// its security group is the one ExecuteApiEndpoint named.
	ours := awsmock.PrivateDnsEndpoints(map[string]awsmock.ExistingEndpoint{vpc: {Id: vpce, SecurityGroupName: "xa-app-endpoint-sg-0a1b2c3"}})
	_, err = runPreflighted(t, vpc, nil, ours)
	assert.NoError(t, err, "the stack's own endpoint")
	lookalike := awsmock.PrivateDnsEndpoints(map[string]awsmock.ExistingEndpoint{vpc: {Id: vpce, SecurityGroupName: "xa-app-endpoint-sg-other"}})
	_, err = runPreflighted(t, vpc, nil, lookalike)
	assert.Equal(t, []string{"consumers[0].privateDns"}, fieldsOf(err), "a group named otherwise is another's: %v", err)
}

// TestPreflightReportsEveryProblemAtOnce: the account role, a VPC's DNS
// attributes and an adoption's refusal in one run.
func TestPreflightReportsEveryProblemAtOnce(t *testing.T) {
	mocks, err := runPreflighted(t, awsmock.VpcWithoutDnsHostnames+"00000001", func(a *CrossAccountPrivateApiArgs) {
		a.AdoptApi = &AdoptApiArgs{RestApiId: awsmock.MissingRestApi, ReplaceRoutes: true}
	}, awsmock.WithoutAccountLogRole(testProducerAccount))
	require.Error(t, err)
	assert.Equal(t, []string{"adopt.restApiId", "accessLogs.createAccountRole", "consumers[0].privateDns"}, fieldsOf(err), "%v", err)
	assert.Contains(t, err.Error(), "has enableDnsHostnames off")
	assert.Empty(t, customResources(mocks), "nothing is registered")
}

// TestConsumerApiAccessPreflightsItsVpc: a consumer's own stack checks its
// existing VPC before registering anything, as the composite does.
func TestConsumerApiAccessPreflightsItsVpc(t *testing.T) {
	const vpc, vpce = "vpc-0123456789abcdef0", "vpce-0aaaaaaaaaaaaaaa1"
	mocks := awsmock.New("components-test", "test", awsmock.PrivateDnsEndpoints(map[string]awsmock.ExistingEndpoint{vpc: {Id: vpce, SecurityGroupName: "theirs"}}))
	err := mocks.Run(func(ctx *pulumi.Context) error {
		app, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		on := true
		_, err = NewConsumerApiAccess(ctx, "xa", &ConsumerApiAccessArgs{Region: testRegion, ProducerAccountId: testProducerAccount,
			Consumer: ConsumerArgs{Name: "app", AccountId: testConsumerAccount, Provider: app, VpcId: pulumi.String(vpc),
				SubnetIds: pulumi.ToStringArray([]string{"subnet-0123456789abcdef1"}), PrivateDns: &on}})
		return err
	})
	require.Error(t, err)
	assert.Equal(t, []string{"consumer.privateDns"}, fieldsOf(err), "%v", err)
	assert.Empty(t, customResources(mocks), "nothing is registered")
}

// TestPreflightChecksTheSpokeVpcs: with the hub's zone, a spoke's VPC must be
// its own account's (Route 53 associates only at the VPC owner's request)
// and have its DNS attributes on; each problem names the spoke's vpcId,
// before anything is registered. With dns none nothing is read.
func TestPreflightChecksTheSpokeVpcs(t *testing.T) {
	const shared, noDns = "vpc-0b1c2d3e4f5a60718", awsmock.VpcWithoutDnsHostnames + "00000000"
	spokes := func(dns string) func(*CrossAccountPrivateApiArgs) {
		return func(a *CrossAccountPrivateApiArgs) {
			withHub(t, "")(a)
			a.Hub.Dns = dns
			a.Consumers[1].VpcId, a.Consumers[2].VpcId = pulumi.String(shared), pulumi.String(noDns)
			for i := range a.Consumers {
				if a.Consumers[i].viaHub() && dns != HubDnsNone {
					a.Consumers[i].Credentials = &AccountCredentials{RoleArn: pulumi.String("arn:aws:iam::" + a.Consumers[i].AccountId + ":role/deployer")}
				}
			}
		}
	}
	mocks, err := runPreflighted(t, "vpc-0123456789abcdef0", spokes(HubDnsPhz), awsmock.SharedVpcs(map[string]string{shared: testNetworkAccount}))
	require.Error(t, err)
	assert.ElementsMatch(t, []string{"consumers[1].vpcId", "consumers[2].vpcId"}, fieldsOf(err), "%v", err)
	assert.Contains(t, err.Error(), "belongs to account "+testNetworkAccount)
	assert.Contains(t, err.Error(), "enableDnsHostnames off")
	assert.Empty(t, customResources(mocks), "nothing is registered")

	// A Route 53 Profile answers in a VPC only with its DNS attributes on,
	// and only the VPC's owner associates it (AssociateProfile).
	_, err = runPreflighted(t, "vpc-0123456789abcdef0", spokes(HubDnsProfile), awsmock.SharedVpcs(map[string]string{shared: testNetworkAccount}))
	require.Error(t, err)
	assert.ElementsMatch(t, []string{"consumers[1].vpcId", "consumers[2].vpcId"}, fieldsOf(err), "dns profile: %v", err)

	_, err = runPreflighted(t, "vpc-0123456789abcdef0", spokes(HubDnsNone), awsmock.SharedVpcs(map[string]string{shared: testNetworkAccount}))
	assert.NoError(t, err, "dns none associates nothing")

	// With an existing Profile (hub.profileId) the spokes' VPCs have it
	// already: the stack deploys nothing in their accounts and has no
	// credentials there to read with.
	_, err = runPreflighted(t, "vpc-0123456789abcdef0", func(a *CrossAccountPrivateApiArgs) {
		spokes(HubDnsProfile)(a)
		a.Hub.ProfileId = "rp-0123456789abcdef"
		for i := range a.Consumers {
			if a.Consumers[i].viaHub() {
				a.Consumers[i].Credentials = nil
			}
		}
	}, awsmock.SharedVpcs(map[string]string{shared: testNetworkAccount}))
	assert.NoError(t, err, "hub.profileId reads nothing in the spokes' accounts")
}

// TestPreflightChecksTheSpokeProbeSubnets: a spoke's probe must run in a
// subnet of the spoke VPC whose range lies in the spoke's allowedCidrs (the
// hub's group and the API's policy admit nothing else); each problem names
// the subnet's key, before anything is registered. A subnet whose VPC and
// range are not known is not judged.
func TestPreflightChecksTheSpokeProbeSubnets(t *testing.T) {
	const inRange, outside, otherVpc, unknown = "subnet-0b1c2d3e4f5a60719", "subnet-0b1c2d3e4f5a6071b", "subnet-0c1d2e3f4a5b60719", "subnet-0b1c2d3e4f5a6071c"
	probe := func(subnets ...string) func(*CrossAccountPrivateApiArgs) {
		return func(a *CrossAccountPrivateApiArgs) {
			withHub(t, "")(a)
			a.Consumers[1].Probe = true
			a.Consumers[1].SubnetIds = pulumi.ToStringArray(subnets)
			a.Consumers[1].Credentials = &AccountCredentials{RoleArn: pulumi.String("arn:aws:iam::555555555555:role/deployer")}
		}
	}
	known := awsmock.Subnets(map[string]awsmock.ExistingSubnet{
		inRange:  {VpcId: "vpc-0b1c2d3e4f5a60718", CidrBlock: "10.40.0.0/26"},
		outside:  {VpcId: "vpc-0b1c2d3e4f5a60718", CidrBlock: "10.41.0.0/26"},
		otherVpc: {VpcId: "vpc-0c1d2e3f4a5b60718", CidrBlock: "10.40.0.64/26"},
	})
	mocks, err := runPreflighted(t, "vpc-0123456789abcdef0", probe(inRange, outside, otherVpc, unknown), known)
	require.Error(t, err)
	assert.ElementsMatch(t, []string{"consumers[1].subnetIds[1]", "consumers[1].subnetIds[2]"}, fieldsOf(err), "%v", err)
	assert.Contains(t, err.Error(), "outside allowedCidrs [10.40.0.0/24]")
	assert.Contains(t, err.Error(), "a subnet of VPC vpc-0c1d2e3f4a5b60718; expected a subnet of the spoke VPC vpc-0b1c2d3e4f5a60718")
	assert.Empty(t, customResources(mocks), "nothing is registered")

	_, err = runPreflighted(t, "vpc-0123456789abcdef0", probe(inRange, unknown), known)
	assert.NoError(t, err)
}
