package platform

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/policy"
)

var accounts = Accounts{
	Region: "eu-west-1", Producer: "111111111111", Payments: "222222222222",
	PartnerAccount: "444444444444", PartnerEndpoint: "vpce-0123456789abcdef0",
}

// deploy runs Ledger under the public mock engine and returns the mocks and
// the API's resource policy.
func deploy(t *testing.T) (*awsmock.Mocks, string, string) {
	t.Helper()
	mocks := awsmock.New("platform", "test")
	var policyJSON, executionArn string
	require.NoError(t, mocks.Run(func(ctx *pulumi.Context) error {
		api, err := Ledger(ctx, accounts)
		if err != nil {
			return err
		}
		v, _, err := awsmock.Await(pulumi.All(api.PolicyJson, api.ExecutionArn))
		if err != nil {
			return err
		}
		policyJSON, executionArn = v.([]any)[0].(string), v.([]any)[1].(string)
		return nil
	}))
	return mocks, policyJSON, executionArn
}

// TestEachResourceLandsInItsAccount: AWS resources go to the producer or the
// payments account, each through a provider pinned to it; nothing is created
// in the partner's account, whose endpoint is only referenced.
func TestEachResourceLandsInItsAccount(t *testing.T) {
	mocks, _, _ := deploy(t)
	perAccount := map[string]int{}
	for _, r := range mocks.Resources() {
		if !r.Custom {
			continue
		}
		account := mocks.AccountOf(r)
		perAccount[account]++
		switch {
		case r.Type == awsmock.ProviderType:
			assert.Equalf(t, []any{account}, r.Input("allowedAccountIds"), "provider %s is pinned to the account its credentials reach", r.Name)
		case strings.HasPrefix(r.Type, "aws:ec2/"):
			assert.Equalf(t, accounts.Payments, account, "%s %s belongs in the consumer account", r.Type, r.Name)
		case strings.HasPrefix(r.Type, "aws:apigateway/"):
			assert.Equalf(t, accounts.Producer, account, "%s %s belongs in the producer account", r.Type, r.Name)
		}
	}
	assert.Zero(t, perAccount[accounts.PartnerAccount], "nothing is created in the partner's account")
	assert.Zero(t, perAccount[""], "no resource uses a default provider")
}

// TestOnlyTheTwoEndpointsGetIn proves who the resource policy lets in with
// the public evaluator: the payments endpoint and the partner's, nobody else.
func TestOnlyTheTwoEndpointsGetIn(t *testing.T) {
	mocks, policyJSON, executionArn := deploy(t)
	endpoints := mocks.OfType("aws:ec2/vpcEndpoint:VpcEndpoint")
	require.Len(t, endpoints, 1)
	method := executionArn + "/v1/GET/entries/42"
	for vpce, want := range map[string]bool{
		endpoints[0].Id:          true,
		accounts.PartnerEndpoint: true,
		"vpce-0fffffffffffffff0": false,
		"":                       false,
	} {
		ok, err := policy.Allows(policyJSON, policy.Request{Resource: method, SourceVpce: vpce})
		require.NoError(t, err)
		assert.Equalf(t, want, ok, "a call through %q", vpce)
	}
}

// TestProtectKeepsTheDeploymentReplaceable: protect holds the API, the stage
// and the endpoint, never the deployment a route change replaces.
func TestProtectKeepsTheDeploymentReplaceable(t *testing.T) {
	mocks, _, _ := deploy(t)
	for typ, protected := range map[string]bool{
		"aws:apigateway/restApi:RestApi":       true,
		"aws:apigateway/stage:Stage":           true,
		"aws:ec2/vpcEndpoint:VpcEndpoint":      true,
		"aws:apigateway/deployment:Deployment": false,
	} {
		for _, r := range mocks.OfType(typ) {
			assert.Equalf(t, protected, r.Protect, "%s %s", typ, r.Name)
		}
	}
}

// TestUsesNothingInternal: an importer cannot import xaccount-api's internal
// packages, and this module's code and tests must not need them (the
// components may use their own internal packages underneath).
func TestUsesNothingInternal(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}{{"\n"}}{{join .TestImports "\n"}}`, "./...").Output()
	require.NoError(t, err)
	for _, pkg := range strings.Fields(string(out)) {
		assert.Falsef(t, strings.HasPrefix(pkg, "github.com/xaccount/xaccount-api/internal"), "imports %s", pkg)
	}
	for _, public := range []string{"components", "awsmock", "policy"} {
		assert.Contains(t, string(out), "github.com/xaccount/xaccount-api/"+public)
	}
}

// TestTheTeamsOwnProviderIsTaken: the payments account's provider comes from
// the team's factory (web identity, ignored tags), not from
// components.NewAccountProvider, and the components take it after asking
// AWS which account it reaches.
func TestTheTeamsOwnProviderIsTaken(t *testing.T) {
	mocks, _, _ := deploy(t)
	var found bool
	for _, r := range mocks.OfType(awsmock.ProviderType) {
		if r.Name != "ledger-payments" {
			continue
		}
		found = true
		web, _ := r.Input("assumeRoleWithWebIdentity").(map[string]any)
		assert.Equal(t, "arn:aws:iam::222222222222:role/platform-deployer", web["roleArn"])
		assert.NotNil(t, r.Input("ignoreTags"))
	}
	assert.True(t, found, "the team's provider is registered")
	assert.Contains(t, mocks.InvokesIn(accounts.Payments), "aws:index/getCallerIdentity:getCallerIdentity", "the components asked AWS which account it reaches")
	assert.NotContains(t, mocks.InvokesIn(accounts.Producer), "aws:index/getCallerIdentity:getCallerIdentity", "a pinned provider needs no call")
}
