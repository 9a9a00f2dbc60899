package e2e

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/iampolicy"
)

// recorder is a mock engine that keeps what a program registers and answers
// the consumer endpoint's lookup.
type recorder struct {
	mu        sync.Mutex
	resources map[string]resource.PropertyMap // type/name -> inputs
	providers map[string]string               // provider URN suffix -> allowed account
	lookedUp  string
}

func newRecorder() *recorder {
	return &recorder{resources: map[string]resource.PropertyMap{}, providers: map[string]string{}}
}

func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.resources[args.TypeToken+"/"+args.Name] = args.Inputs
	out := args.Inputs.Copy()
	if args.TypeToken == "aws:iam/role:Role" {
		out["arn"] = resource.NewProperty("arn:aws:iam::x:role/" + args.Inputs["name"].StringValue())
	}
	if args.TypeToken == "aws:ec2/vpcEndpoint:VpcEndpoint" {
		out["dnsEntries"] = resource.NewProperty([]resource.PropertyValue{
			resource.NewProperty(resource.PropertyMap{"dnsName": resource.NewProperty("vpce-0outsider-abcd.execute-api.eu-west-1.vpce.amazonaws.com")}),
		})
	}
	return args.Name + "-id", out, nil
}

func (r *recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lookedUp = args.Args["id"].StringValue()
	return resource.PropertyMap{
		"id":               resource.NewProperty(r.lookedUp),
		"vpcId":            resource.NewProperty("vpc-0consumer"),
		"serviceName":      resource.NewProperty("com.amazonaws.eu-west-1.execute-api"),
		"subnetIds":        resource.NewProperty([]resource.PropertyValue{resource.NewProperty("subnet-a"), resource.NewProperty("subnet-b")}),
		"securityGroupIds": resource.NewProperty([]resource.PropertyValue{resource.NewProperty("sg-0endpoint")}),
	}, nil
}

func (r *recorder) inputs(t *testing.T, key string) resource.PropertyMap {
	t.Helper()
	in, ok := r.resources[key]
	require.True(t, ok, "registered %s", key)
	return in
}

func strs(v resource.PropertyValue) []string {
	var out []string
	for _, e := range v.ArrayValue() {
		out = append(out, e.StringValue())
	}
	return out
}

func TestOutsiderEndpointCopiesTheConsumersEndpointWithoutPrivateDns(t *testing.T) {
	rec := newRecorder()
	o := OutsiderEndpoint{Region: "eu-west-1", Account: "444455556666", AdminRoleArn: "arn:aws:iam::444455556666:role/admin",
		ConsumerEndpointId: "vpce-0consumer", Tags: map[string]string{"purpose": "xaccount-api-e2e"}}
	err := pulumi.RunErr(o.Program(), pulumi.WithMocks("e2e", "outsider", rec))
	require.NoError(t, err)
	assert.Equal(t, "vpce-0consumer", rec.lookedUp)
	ep := rec.inputs(t, "aws:ec2/vpcEndpoint:VpcEndpoint/outsider")
	assert.Equal(t, "vpc-0consumer", ep["vpcId"].StringValue())
	assert.Equal(t, []string{"subnet-a", "subnet-b"}, strs(ep["subnetIds"]))
	assert.Equal(t, []string{"sg-0endpoint"}, strs(ep["securityGroupIds"]), "the group the probe may reach on 443")
	assert.False(t, ep["privateDnsEnabled"].BoolValue(), "the consumer's endpoint holds the private DNS name")
	assert.Equal(t, "Interface", ep["vpcEndpointType"].StringValue())
	provider := rec.inputs(t, "pulumi:providers:aws/consumer")
	assert.Equal(t, []string{"444455556666"}, strs(provider["allowedAccountIds"]), "pinned to the consumer account")
}

func TestOutsiderFormsGoThroughTheOutsiderEndpointOnly(t *testing.T) {
	forms := OutsiderForms("abcde12345", "eu-west-1", "e2e1", "vpce-0outsider",
		[]string{"vpce-0outsider-abcd.execute-api.eu-west-1.vpce.amazonaws.com", "vpce-0outsider-abcd-eu-west-1a.execute-api.eu-west-1.vpce.amazonaws.com"})
	assert.Equal(t, map[string]string{
		components.InvokePublicDnsHostHeader:  "https://vpce-0outsider-abcd.execute-api.eu-west-1.vpce.amazonaws.com/e2e1",
		components.InvokePublicDnsApiIdHeader: "https://vpce-0outsider-abcd.execute-api.eu-west-1.vpce.amazonaws.com/e2e1",
	}, forms.Urls)
	assert.Equal(t, "abcde12345.execute-api.eu-west-1.amazonaws.com", forms.Headers[components.InvokePublicDnsHostHeader]["Host"])
	assert.Equal(t, "abcde12345", forms.Headers[components.InvokePublicDnsApiIdHeader]["x-apigw-api-id"])
	assert.NotContains(t, forms.Curl, components.InvokeRoute53Alias)
}

// e2eTestSettings are two made-up accounts, deploying as the --iam roles.
func e2eTestSettings() e2eSettings {
	return e2eSettings{region: "eu-west-1", producerAccount: "111122223333", producerRole: "arn:aws:iam::111122223333:role/admin",
		consumerAccount: "444455556666", consumerRole: "arn:aws:iam::444455556666:role/admin", iamRoles: true}
}

func TestDeployerRolesAreWhatIamPrintsForEachPhase(t *testing.T) {
	s := e2eTestSettings()
	trust, err := RunnerTrust("arn:aws:iam::999988887777:user/ci")
	require.NoError(t, err)
	for _, auth := range []string{components.AuthorizationNone, components.AuthorizationIam} {
		t.Run(auth, func(t *testing.T) {
			roles, err := DeployerRoles("e2e1", stackConfig(s, "e2e1", []any{mock("/"), mock("/old")}, auth), trust)
			require.NoError(t, err)
			require.Len(t, roles, 2)
			assert.Equal(t, "111122223333", roles[0].Account)
			assert.Equal(t, "arn:aws:iam::111122223333:role/xaccount-e2e1-deployer", roles[0].Arn)
			assert.Equal(t, "xaccount-e2e1-deployer", roles[0].Name)
			assert.Equal(t, DeployerRoleArn("444455556666", "e2e1"), roles[1].Arn)
			assert.Contains(t, roles[0].Policy, `"apigateway:POST"`, "the producer creates the API")
			assert.NotContains(t, roles[0].Policy, "ec2:CreateVpcEndpoint", "the producer account has no endpoint")
			for _, action := range []string{"ec2:CreateVpcEndpoint", "ec2:CreateSubnet", "lambda:CreateFunction", "lambda:InvokeFunction", "iam:PassRole"} {
				assert.Contains(t, roles[1].Policy, `"`+action+`"`, "the consumer's VPC, endpoint and probe")
			}
			var doc iampolicy.Document
			require.NoError(t, json.Unmarshal([]byte(roles[1].Trust), &doc))
			assert.Equal(t, trust, doc, "the runner's trust, not the pipeline's")
		})
	}

	// Deploying as given roles, --iam prints those: the test must not
	// overwrite a role it did not name.
	given := s
	given.iamRoles = false
	_, err = DeployerRoles("e2e1", stackConfig(given, "e2e1", []any{mock("/")}, components.AuthorizationNone), trust)
	assert.ErrorContains(t, err, "account 111122223333: the stack configuration deploys as arn:aws:iam::111122223333:role/admin; the test creates only arn:aws:iam::111122223333:role/xaccount-e2e1-deployer")

	broken := stackConfig(s, "e2e1", []any{mock("/")}, "SIGNED")
	_, err = DeployerRoles("e2e1", broken, trust)
	assert.ErrorContains(t, err, "does not plan")
}

func TestDeployerRolesProgramCreatesEachRoleInItsAccount(t *testing.T) {
	s := e2eTestSettings()
	trust, err := RunnerTrust("arn:aws:iam::999988887777:user/ci")
	require.NoError(t, err)
	roles, err := DeployerRoles("e2e1", stackConfig(s, "e2e1", []any{mock("/")}, components.AuthorizationNone), trust)
	require.NoError(t, err)
	admins := map[string]string{s.producerAccount: s.producerRole, s.consumerAccount: s.consumerRole}
	rec := newRecorder()
	require.NoError(t, pulumi.RunErr(DeployerRolesProgram("eu-west-1", admins, roles, nil), pulumi.WithMocks("e2e", "roles", rec)))
	for _, r := range roles {
		role := rec.inputs(t, "aws:iam/role:Role/xaccount-e2e1-deployer-"+r.Account)
		assert.Equal(t, "xaccount-e2e1-deployer", role["name"].StringValue())
		assert.Equal(t, r.Trust, role["assumeRolePolicy"].StringValue())
		policy := rec.inputs(t, "aws:iam/rolePolicy:RolePolicy/xaccount-e2e1-deployer-"+r.Account)
		assert.Equal(t, r.Policy, policy["policy"].StringValue())
		provider := rec.inputs(t, "pulumi:providers:aws/admin-"+r.Account)
		assert.Equal(t, []string{r.Account}, strs(provider["allowedAccountIds"]))
		assert.Equal(t, admins[r.Account], provider["assumeRole"].ObjectValue()["roleArn"].StringValue())
	}

	err = pulumi.RunErr(DeployerRolesProgram("eu-west-1", map[string]string{}, roles, nil), pulumi.WithMocks("e2e", "roles", newRecorder()))
	assert.ErrorContains(t, err, "no admin role for account 111122223333")
}

func TestRunnerTrustNamesOnlyTheRunner(t *testing.T) {
	doc, err := RunnerTrust("arn:aws:sts::999988887777:assumed-role/ci-runner/session-1")
	require.NoError(t, err)
	st := doc.Statement[0]
	assert.Equal(t, map[string]string{"AWS": "arn:aws:iam::999988887777:root"}, st.Principal)
	assert.Equal(t, []string{"arn:aws:iam::999988887777:role/ci-runner", "arn:aws:iam::999988887777:role/*/ci-runner"},
		st.Condition["ArnLike"]["aws:PrincipalArn"], "the runner's role, with or without a path, and no other role")

	doc, err = RunnerTrust("arn:aws:iam::999988887777:user/ops/ci")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"AWS": "arn:aws:iam::999988887777:user/ops/ci"}, doc.Statement[0].Principal)
	assert.Empty(t, doc.Statement[0].Condition)

	for _, bad := range []string{"", "ci", "arn:aws:sts::999988887777:federated-user/x", "arn:aws:sts::999988887777:assumed-role/onlyrole", "arn:aws:iam::12:user/x"} {
		_, err := RunnerTrust(bad)
		assert.Error(t, err, bad)
		if err != nil {
			assert.True(t, strings.Contains(err.Error(), "caller"), err.Error())
		}
	}
}
