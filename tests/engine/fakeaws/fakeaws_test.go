package fakeaws

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
)

const region = "eu-west-1"

func st(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(m)
	require.NoError(t, err)
	return s
}

// allowAll and trustAnyone make the role of the rule tests below all-powerful:
// the permission tests give it less.
const (
	allowAll    = `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	trustAnyone = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
)

// provider is a fake configured for account through an assumed role that
// may do everything.
func provider(t *testing.T, store *Store, account string) *Provider {
	t.Helper()
	return regionalProvider(t, store, account, region)
}

func create(p *Provider, t *testing.T, typ string, in map[string]any) (string, map[string]any, error) {
	t.Helper()
	resp, err := p.Create(context.Background(), &pulumirpc.CreateRequest{Type: typ, Properties: st(t, in)})
	if err != nil {
		return "", nil, err
	}
	return resp.GetId(), resp.GetProperties().AsMap(), nil
}

func mustCreate(p *Provider, t *testing.T, typ string, in map[string]any) (string, map[string]any) {
	t.Helper()
	id, out, err := create(p, t, typ, in)
	require.NoError(t, err)
	return id, out
}

func del(p *Provider, t *testing.T, typ, id string, olds map[string]any) error {
	t.Helper()
	_, err := p.Delete(context.Background(), &pulumirpc.DeleteRequest{Type: typ, Id: id, Properties: st(t, olds)})
	return err
}

func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := NewStore(t.TempDir())
	require.NoError(t, err)
	return s
}

const policyDoc = `{"Version":"2012-10-17","Statement":[]}`

func body(paths ...string) string {
	b := `{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{`
	for i, p := range paths {
		if i > 0 {
			b += ","
		}
		b += `"` + p + `":{"get":{"x-amazon-apigateway-integration":{"type":"mock"}}}`
	}
	return b + `}}`
}

func privateApi(paths ...string) map[string]any {
	return map[string]any{"name": "api", "body": body(paths...), "putRestApiMode": "overwrite",
		"endpointConfiguration": map[string]any{"types": "PRIVATE", "vpcEndpointIds": []any{"vpce-0123456789abcdef0"}}}
}

func TestConfigurePinsTheAccount(t *testing.T) {
	store := newStore(t)
	require.NoError(t, store.PutRoles(map[string]IamRole{"arn:aws:iam::999999999999:role/deployer": {Account: "999999999999", Policy: allowAll, Trust: trustAnyone}}))
	p := New(store)
	_, err := p.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: st(t, map[string]any{
		"region": region, "allowedAccountIds": []any{"111111111111"},
		"assumeRole": map[string]any{"roleArn": "arn:aws:iam::999999999999:role/deployer"},
	})})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AWS account ID not allowed: 999999999999")

	_, err = New(store).Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: st(t, map[string]any{"region": region})})
	assert.ErrorContains(t, err, "No valid credential sources found")

	cfgFile := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(cfgFile, []byte("[profile team]\nrole_arn = arn:aws:iam::555555555555:role/team-deployer\ncredential_source = Environment\n"), 0o600))
	t.Setenv(EnvAwsConfigFile, cfgFile)
	require.NoError(t, store.PutRoles(map[string]IamRole{"arn:aws:iam::555555555555:role/team-deployer": {Account: "555555555555", Policy: allowAll, Trust: trustAnyone}}))
	q := New(store)
	_, err = q.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: st(t, map[string]any{
		"region": region, "profile": "team", "allowedAccountIds": []any{"555555555555"},
	})})
	require.NoError(t, err)
	assert.Equal(t, Scope{Account: "555555555555", Region: region}, q.scope)
}

// TestProfileWithASourceProfile: a profile that assumes its role with the
// credentials of another profile (source_profile, as --iam --trust prints
// them for a trial) assumes it as the ambient caller when that profile
// holds the person's own credentials; the role's trust decides, and a
// source profile that assumes a role itself is refused, not guessed.
func TestProfileWithASourceProfile(t *testing.T) {
	store := newStore(t)
	const person = "arn:aws:iam::999988887777:role/alice"
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + person + `"},"Action":"sts:AssumeRole"}]}`
	require.NoError(t, store.PutRoles(map[string]IamRole{"arn:aws:iam::555555555555:role/trial-deployer": {Account: "555555555555", Policy: allowAll, Trust: trust}}))
	cfgFile := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(cfgFile, []byte(`[profile me]
region = eu-west-1

[profile trial]
role_arn = arn:aws:iam::555555555555:role/trial-deployer
source_profile = me

[profile chained]
role_arn = arn:aws:iam::555555555555:role/trial-deployer
source_profile = trial

[profile nowhere]
role_arn = arn:aws:iam::555555555555:role/trial-deployer
source_profile = missing
`), 0o600))
	t.Setenv(EnvAwsConfigFile, cfgFile)
	configure := func(profile string) error {
		_, err := New(store).Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: st(t, map[string]any{
			"region": region, "profile": profile, "allowedAccountIds": []any{"555555555555"},
		})})
		return err
	}
	t.Setenv(EnvCaller, person)
	require.NoError(t, configure("trial"), "the person the role trusts assumes it through their own profile")
	assert.ErrorContains(t, configure("chained"), "assumes a role itself")
	assert.ErrorContains(t, configure("nowhere"), "failed to get shared config profile, missing")
	t.Setenv(EnvCaller, "arn:aws:iam::999988887777:role/bob")
	assert.ErrorContains(t, configure("trial"), "is not authorized to perform: sts:AssumeRole", "someone else is refused by the trust")
}

func TestPrivateApiNeedsAPolicyToDeploy(t *testing.T) {
	p := provider(t, newStore(t), "111111111111")
	api, _ := mustCreate(p, t, TypeRestApi, privateApi("/a"))
	_, _, err := create(p, t, TypeDeployment, map[string]any{"restApi": api})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Private REST API doesn't have a resource policy attached to it")

	mustCreate(p, t, TypeRestApiPolicy, map[string]any{"restApiId": api, "policy": policyDoc})
	_, _, err = create(p, t, TypeDeployment, map[string]any{"restApi": api})
	assert.NoError(t, err)
}

func TestDeploymentIsASnapshotAndOverwriteDropsRoutesAndPolicy(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, "111111111111")
	in := privateApi("/a", "/b")
	api, out := mustCreate(p, t, TypeRestApi, in)
	mustCreate(p, t, TypeRestApiPolicy, map[string]any{"restApiId": api, "policy": policyDoc})
	dep, _ := mustCreate(p, t, TypeDeployment, map[string]any{"restApi": api})
	mustCreate(p, t, TypeStage, map[string]any{"restApi": api, "stageName": "dev", "deployment": dep})

	// /b removed from the body: the API loses it and its policy at once, the
	// stage keeps serving the old snapshot until it moves.
	news := privateApi("/a")
	_, err := p.Update(context.Background(), &pulumirpc.UpdateRequest{Type: TypeRestApi, Id: api, Olds: st(t, out), OldInputs: st(t, in), News: st(t, news)})
	require.NoError(t, err)
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.Equal(t, []Route{{Method: "GET", Path: "/a", Authorization: "NONE", Integration: "mock"}}, c.RestApis[api].Routes)
		assert.Empty(t, c.RestApis[api].Policy, "overwrite clears a policy that is not in the body")
		assert.True(t, c.StageServes(api, "dev", "GET", "/b"), "the stage serves its deployment's snapshot")
		return nil
	}))

	err = del(p, t, TypeDeployment, dep, map[string]any{"restApi": api})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Active stages pointing to this deployment must be moved or deleted")
}

func TestMergeKeepsRoutesAndPolicy(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, "111111111111")
	in := privateApi("/a", "/b")
	in["putRestApiMode"] = "merge"
	api, out := mustCreate(p, t, TypeRestApi, in)
	mustCreate(p, t, TypeRestApiPolicy, map[string]any{"restApiId": api, "policy": policyDoc})
	news := privateApi("/a")
	news["putRestApiMode"] = "merge"
	_, err := p.Update(context.Background(), &pulumirpc.UpdateRequest{Type: TypeRestApi, Id: api, Olds: st(t, out), OldInputs: st(t, in), News: st(t, news)})
	require.NoError(t, err)
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.Len(t, c.RestApis[api].Routes, 2, "merge never removes a route")
		assert.Equal(t, policyDoc, c.RestApis[api].Policy)
		return nil
	}))
}

func TestSubnetsMayNotOverlapAndVpcDeleteWaitsForThem(t *testing.T) {
	p := provider(t, newStore(t), "222222222222")
	vpc, _ := mustCreate(p, t, TypeVpc, map[string]any{"cidrBlock": "10.20.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	sub, _ := mustCreate(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.20.0.0/25", "availabilityZone": "eu-west-1a"})
	_, _, err := create(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.20.0.0/26", "availabilityZone": "eu-west-1b"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InvalidSubnet.Conflict")
	_, _, err = create(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.99.0.0/26"})
	assert.ErrorContains(t, err, "InvalidSubnet.Range")

	assert.ErrorContains(t, del(p, t, TypeVpc, vpc, nil), "DependencyViolation")
	require.NoError(t, del(p, t, TypeSubnet, sub, nil))
	assert.NoError(t, del(p, t, TypeVpc, vpc, nil))
}

func TestOneVpcHoldsOnePrivateDnsEndpointPerService(t *testing.T) {
	p := provider(t, newStore(t), "222222222222")
	vpc, _ := mustCreate(p, t, TypeVpc, map[string]any{"cidrBlock": "10.20.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	sub, _ := mustCreate(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.20.0.0/25", "availabilityZone": "eu-west-1a"})
	endpoint := map[string]any{"vpcId": vpc, "serviceName": "com.amazonaws.eu-west-1.execute-api", "vpcEndpointType": "Interface",
		"subnetIds": []any{sub}, "privateDnsEnabled": true}
	_, out := mustCreate(p, t, TypeVpcEndpoint, endpoint)
	assert.NotEmpty(t, out["dnsEntries"])
	_, _, err := create(p, t, TypeVpcEndpoint, endpoint)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "private-dns-enabled cannot be set because there is already a conflicting DNS domain")

	endpoint["privateDnsEnabled"] = false
	_, _, err = create(p, t, TypeVpcEndpoint, endpoint)
	assert.NoError(t, err, "a second endpoint without private DNS is allowed")

	other := map[string]any{"vpcId": vpc, "serviceName": "com.amazonaws.us-east-1.execute-api", "subnetIds": []any{sub}}
	_, _, err = create(p, t, TypeVpcEndpoint, other)
	assert.ErrorContains(t, err, "InvalidServiceName", "an endpoint reaches its own region's service only")
}

func TestDiffReplacesOnForceNewOnly(t *testing.T) {
	p := provider(t, newStore(t), "111111111111")
	diff := func(olds, news map[string]any) *pulumirpc.DiffResponse {
		t.Helper()
		r, err := p.Diff(context.Background(), &pulumirpc.DiffRequest{Type: TypeDeployment, OldInputs: st(t, olds), Olds: st(t, olds), News: st(t, news)})
		require.NoError(t, err)
		return r
	}
	base := map[string]any{"restApi": "abc", "description": "d", "triggers": map[string]any{"definition": "1"}}
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_NONE, diff(base, base).GetChanges())
	changed := map[string]any{"restApi": "abc", "description": "d", "triggers": map[string]any{"definition": "2"}}
	assert.Equal(t, []string{"triggers"}, diff(base, changed).GetReplaces())
	described := map[string]any{"restApi": "abc", "description": "e", "triggers": map[string]any{"definition": "1"}}
	r := diff(base, described)
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_SOME, r.GetChanges())
	assert.Empty(t, r.GetReplaces(), "a description change updates in place")
}

func TestUnsimulatedTypesAreRefused(t *testing.T) {
	p := provider(t, newStore(t), "111111111111")
	_, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Type: "aws:s3/bucket:Bucket", News: st(t, map[string]any{})})
	assert.ErrorContains(t, err, "is not simulated")
}

func TestEndpointPolicyAttachmentAndServiceZones(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, "222222222222")
	vpc, _ := mustCreate(p, t, TypeVpc, map[string]any{"cidrBlock": "10.20.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	local, _ := mustCreate(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.20.0.128/26", "availabilityZone": "eu-west-1-lon-1a"})
	_, _, err := create(p, t, TypeVpcEndpoint, map[string]any{"vpcId": vpc, "serviceName": "com.amazonaws.eu-west-1.execute-api", "subnetIds": []any{local}})
	assert.ErrorContains(t, err, "does not support the availability zone", "interface endpoints do not run in a Local Zone")

	sub, _ := mustCreate(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.20.0.0/26", "availabilityZone": "eu-west-1a"})
	vpce, out := mustCreate(p, t, TypeVpcEndpoint, map[string]any{"vpcId": vpc, "serviceName": "com.amazonaws.eu-west-1.execute-api", "subnetIds": []any{sub}})
	assert.Equal(t, fullAccessPolicy, out["policy"], "no policy: AWS's full-access default")
	_, _, err = create(p, t, TypeVpcEndpointPolicy, map[string]any{"vpcEndpointId": "vpce-00000000000000000", "policy": policyDoc})
	assert.ErrorContains(t, err, "InvalidVpcEndpointId.NotFound")
	mustCreate(p, t, TypeVpcEndpointPolicy, map[string]any{"vpcEndpointId": vpce, "policy": policyDoc})
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.Equal(t, policyDoc, c.Endpoints[vpce].Policy)
		return nil
	}))
	require.NoError(t, del(p, t, TypeVpcEndpointPolicy, vpce, map[string]any{"vpcEndpointId": vpce}))
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.Empty(t, c.Endpoints[vpce].Policy, "removing the attachment restores the default")
		return nil
	}))

	zones := func(filters []any) []any {
		t.Helper()
		r, err := p.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: InvokeAvailabilityZones, Args: st(t, map[string]any{"filters": filters})})
		require.NoError(t, err)
		return r.GetReturn().AsMap()["names"].([]any)
	}
	assert.Equal(t, "eu-west-1-lon-1a", zones(nil)[0], "an opted-in Local Zone sorts first")
	assert.NotContains(t, zones([]any{map[string]any{"name": "opt-in-status", "values": []any{"opt-in-not-required"}}}), "eu-west-1-lon-1a")
}

// TestVpcFunctionRules: a function in a VPC needs a role with the VPC-access
// policy; once deleted, its network interfaces hold its security group
// unless the provider swapped the default group in first.
func TestVpcFunctionRules(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, "222222222222")
	vpc, _ := mustCreate(p, t, TypeVpc, map[string]any{"cidrBlock": "10.20.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	subnet, _ := mustCreate(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.20.0.0/25", "availabilityZone": region + "a"})
	sg, _ := mustCreate(p, t, TypeSecurityGroup, map[string]any{"vpcId": vpc, "description": "probe"})
	_, bare := mustCreate(p, t, TypeRole, map[string]any{"assumeRolePolicy": "{}"})
	_, vpcRole := mustCreate(p, t, TypeRole, map[string]any{"assumeRolePolicy": "{}", "managedPolicyArns": []any{lambdaVpcAccess}})
	fn := func(role any, release bool) map[string]any {
		return map[string]any{"role": role, "vpcConfig": map[string]any{"subnetIds": []any{subnet}, "securityGroupIds": []any{sg}},
			"replaceSecurityGroupsOnDestroy": release}
	}
	_, _, err := create(p, t, TypeFunction, fn(bare["arn"], true))
	assert.ErrorContains(t, err, "does not have permissions to call CreateNetworkInterface on EC2")
	_, _, err = create(p, t, TypeFunction, fn("arn:aws:iam::222222222222:role/nobody", true))
	assert.ErrorContains(t, err, "cannot be assumed by Lambda")

	held, _ := mustCreate(p, t, TypeFunction, fn(vpcRole["arn"], false))
	require.NoError(t, del(p, t, TypeFunction, held, nil))
	assert.ErrorContains(t, del(p, t, TypeSecurityGroup, sg, nil), "DependencyViolation", "the deleted function's interfaces still hold the group")

	sg2, _ := mustCreate(p, t, TypeSecurityGroup, map[string]any{"vpcId": vpc, "description": "probe 2"})
	released := fn(vpcRole["arn"], true)
	released["vpcConfig"].(map[string]any)["securityGroupIds"] = []any{sg2}
	fnId, _ := mustCreate(p, t, TypeFunction, released)
	require.NoError(t, del(p, t, TypeFunction, fnId, nil))
	assert.NoError(t, del(p, t, TypeSecurityGroup, sg2, nil), "replaceSecurityGroupsOnDestroy releases the group")
}

// TestApiGatewayQuotas: a body whose paths need more than 300 resources is
// refused as PutRestApi refuses it, in both modes, and a resource policy over
// 8,192 characters as UpdateRestApi refuses it; one at the limit is taken.
func TestApiGatewayQuotas(t *testing.T) {
	p := provider(t, newStore(t), "111111111111")
	paths := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("/r%d", i)
		}
		return out
	}
	_, _, err := create(p, t, TypeRestApi, privateApi(paths(300)...))
	assert.ErrorContains(t, err, "LimitExceededException: Maximum number of Resources for this API has been reached.")
	_, _, err = create(p, t, TypeRestApi, privateApi("/a/b/c/d"))
	require.NoError(t, err, "a nested path counts its parents: 5 resources")
	api, out := mustCreate(p, t, TypeRestApi, privateApi(paths(299)...))

	in := privateApi("/extra")
	in["putRestApiMode"] = "merge"
	_, err = p.Update(context.Background(), &pulumirpc.UpdateRequest{Type: TypeRestApi, Id: api, Olds: st(t, out), OldInputs: st(t, privateApi(paths(299)...)), News: st(t, in)})
	assert.ErrorContains(t, err, "LimitExceededException", "merge counts the routes the API keeps")

	padded := func(length int) string {
		doc := `{"Version":"2012-10-17","Statement":[],"Id":""}`
		return doc[:len(doc)-2] + strings.Repeat("x", length-len(doc)) + `"}`
	}
	require.Len(t, padded(ResourcePolicyLengthQuota), ResourcePolicyLengthQuota)
	_, _, err = create(p, t, TypeRestApiPolicy, map[string]any{"restApiId": api, "policy": padded(ResourcePolicyLengthQuota + 1)})
	assert.ErrorContains(t, err, "BadRequestException: Policy length 8193 exceeds the maximum allowed length of 8192 characters")
	_, _, err = create(p, t, TypeRestApiPolicy, map[string]any{"restApiId": api, "policy": padded(ResourcePolicyLengthQuota)})
	assert.NoError(t, err)
}
