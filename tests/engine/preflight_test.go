package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/iampolicy"
	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// withoutAccountLogRoles: a fresh producer account, whose API Gateway
// settings have no CloudWatch Logs role in any region; in eu-west-1 it has
// never used API Gateway at all (no settings for Cloud Control to find).
func withoutAccountLogRoles(store *fakeaws.Store) error {
	return store.Update(func(c *fakeaws.Cloud) error {
		c.AccountRoles = map[string]string{}
		c.ApiGatewayUnused = map[string]bool{"111111111111/eu-west-1": true}
		return nil
	})
}

// requireNoResourcePlanned: no step other than the stack, its providers and
// the components (which hold nothing in AWS) ran, and no AWS call changed
// anything in the simulated cloud (what a test seeded stays).
func requireNoResourcePlanned(t *testing.T, s *engineStack, r result) {
	t.Helper()
	for urn, op := range r.steps() {
		typ, _ := urnTypeName(urn)
		assert.Truef(t, typ == "pulumi:pulumi:Stack" || strings.HasPrefix(typ, "pulumi:providers:") || strings.HasPrefix(typ, "xaccount:"),
			"the preflight must stop the run before any resource, got %s %s", op, urn)
	}
	s.cloudView(func(c *fakeaws.Cloud) { assert.Empty(t, c.Calls, "no AWS call changed anything") })
}

// stateUrns are the URNs of the resources of the stack's state (none before its first update).
func stateUrns(t *testing.T, s *engineStack) []string {
	t.Helper()
	d, err := s.stack.Export(testContext(t))
	require.NoError(t, err)
	var state struct {
		Resources []struct {
			URN string `json:"urn"`
		} `json:"resources"`
	}
	if len(d.Deployment) > 0 {
		require.NoError(t, json.Unmarshal(d.Deployment, &state))
	}
	var urns []string
	for _, r := range state.Resources {
		urns = append(urns, r.URN)
	}
	return urns
}

// TestAFreshProducerAccountFailsAtPreview: the committed dev stack
// (accessLogs on, createAccountRole false) in a producer account without API
// Gateway's CloudWatch Logs role fails at pulumi preview, run with the
// printed preview roles, with the key to change and API Gateway's error,
// before any resource: the state holds none and the simulated cloud none.
// An up stops there too. Once the account has the role, preview passes.
func TestAFreshProducerAccountFailsAtPreview(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev", withSeed(withoutAccountLogRoles))
	s.roleKind = "preview"
	r := s.preview()
	require.Error(t, r.err, "preview must fail")
	out := r.out + r.errOut
	assert.Contains(t, out, "xaccount-api:api.accessLogs.createAccountRole: is false and producer account 111111111111 has no API Gateway CloudWatch Logs role in eu-west-1")
	assert.Contains(t, out, components.AccessLogsRoleError)
	assert.Contains(t, out, "accessLogs.createAccountRole: true")
	requireNoResourcePlanned(t, s, r)
	assert.Empty(t, stateUrns(t, s), "the state has no resource")
	s.cloudView(func(c *fakeaws.Cloud) {
		assert.Empty(t, c.Vpcs, "the simulated cloud has no VPC")
		assert.Empty(t, c.Endpoints, "no endpoint")
		assert.Empty(t, c.RestApis, "no API")
		assert.Empty(t, c.LogGroups, "no log group")
	})

	s.roleKind = "deployer"
	r = s.up()
	require.Error(t, r.err, "up must fail")
	assert.Contains(t, r.out+r.errOut, "xaccount-api:api.accessLogs.createAccountRole: is false")
	requireNoResourcePlanned(t, s, r)
	for _, urn := range stateUrns(t, s) {
		typ, _ := urnTypeName(urn)
		assert.Truef(t, typ == "pulumi:pulumi:Stack" || strings.HasPrefix(typ, "pulumi:providers:") || strings.HasPrefix(typ, "xaccount:"),
			"the failed up left only the stack, its providers and components in the state, got %s", urn)
	}

	require.NoError(t, s.cloud.Update(func(c *fakeaws.Cloud) error {
		role := "arn:aws:iam::111111111111:role/apigateway-cloudwatch"
		c.Roles[role] = "111111111111"
		c.AccountRoles["111111111111/eu-west-1"] = role // the owner's UpdateAccount
		delete(c.ApiGatewayUnused, "111111111111/eu-west-1")
		return nil
	}))
	s.roleKind = "preview"
	r = s.preview()
	require.NoErrorf(t, r.err, "with the account's role set, preview passes:\n%s\n%s", r.out, r.errOut)
	assert.NotContains(t, r.out+r.errOut, "preflight:")
}

// TestAnUnreadableAccountSettingIsAWarning: with GET on /account taken out
// of the printed preview role, the preflight cannot read the setting; the
// preview then warns, naming what it needs, and does not fail. The printed
// role as it is reads it (TestAFreshProducerAccountFailsAtPreview).
func TestAnUnreadableAccountSettingIsAWarning(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	s.roleKind = "preview"
	s.editPolicy = func(account, kind string, doc *iampolicy.Document) {
		if account != "111111111111" || kind != "preview" {
			return
		}
		doc.Statement = slices.DeleteFunc(doc.Statement, func(st iampolicy.Statement) bool { return st.Sid == "PreviewApigatewayAccountSetting" })
	}
	r := s.preview()
	require.NoErrorf(t, r.err, "an unread setting must not fail the preview:\n%s\n%s", r.out, r.errOut)
	out := r.out + r.errOut
	assert.Contains(t, out, "preflight: could not read the API Gateway CloudWatch Logs role of producer account 111111111111 in eu-west-1")
	assert.Contains(t, out, "not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:eu-west-1::/account")
}

// TestASecondPrivateDnsEndpointIsRefusedAtPreview: the committed prod stack
// with private DNS for consumer payments, whose existing VPC holds an
// execute-api endpoint with private DNS already (another team's), fails at
// preview on that consumer's privateDns, naming the endpoint, where the up
// would fail at the endpoint with EC2's "conflicting DNS domain".
func TestASecondPrivateDnsEndpointIsRefusedAtPreview(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	file := strings.Replace(string(b), "    - name: payments\n", "    - name: payments\n      privateDns: true\n", 1)
	require.NotEqual(t, string(b), file)
	const vpc, theirs = "vpc-0a1b2c3d4e5f60718", "vpce-0abcabcabcabcabc1"
	s := newEngineStack(t, "prod", withStackFile([]byte(file)), withSeed(func(store *fakeaws.Store) error {
		if err := seedProdNetworks(store); err != nil {
			return err
		}
		return store.Update(func(c *fakeaws.Cloud) error {
			v := c.Vpcs[vpc]
			c.Endpoints[theirs] = &fakeaws.Endpoint{Scope: v.Scope, Id: theirs, VpcId: vpc, ServiceName: "com.amazonaws.eu-west-1.execute-api", PrivateDns: true}
			return nil
		})
	}))
	s.roleKind = "preview"
	r := s.preview()
	require.Error(t, r.err)
	out := r.out + r.errOut
	assert.Contains(t, out, "privateDns: consumer payments: private DNS is on but VPC "+vpc+" has execute-api endpoint "+theirs+" with private DNS on already")
	assert.Contains(t, out, "endpointId: "+theirs)
	requireNoResourcePlanned(t, s, r)
}

// checkEnv is the environment of a pipeline job that runs the plan
// command's --check for s: the private PULUMI_HOME with the simulated
// plugin, the simulated cloud, the shared AWS config of the job's kind and
// its pipeline role, as grantPrintedRoles left them.
func checkEnv(t *testing.T, s *engineStack) []string {
	t.Helper()
	s.grantPrintedRoles()
	extra := map[string]string{fakeaws.EnvStateDir: s.cloud.Dir(), fakeaws.EnvAwsConfigFile: s.awsConfig}
	for k, v := range baseEnv {
		extra[k] = v
	}
	extra[fakeaws.EnvCaller] = s.stack.Workspace().GetEnvVars()[fakeaws.EnvCaller]
	require.NotEmpty(t, extra[fakeaws.EnvCaller])
	return environ(extra)
}

// TestPlanCheckReadsWhatPreviewReads: the plan command's --check (plan.Check)
// runs the committed dev stack's preflight against the simulated accounts
// through the AWS provider plugin, with the printed preview roles: in a
// fresh producer account it reports the key to change, as preview does,
// and changes nothing; with the role set it passes; with the read denied it
// warns.
func TestPlanCheckReadsWhatPreviewReads(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev", withSeed(withoutAccountLogRoles))
	s.roleKind = "preview"
	raw, err := plan.ReadConfigFile(filepath.Join(s.workDir, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	env := checkEnv(t, s)

	_, err = plan.Check(s.workDir, "dev", raw, plan.CheckOptions{Env: env})
	var invalid *config.Error
	require.ErrorAs(t, err, &invalid, "%v", err)
	require.Len(t, invalid.Problems, 1)
	assert.Equal(t, "xaccount-api:api.accessLogs.createAccountRole", invalid.Problems[0].Key)
	assert.Contains(t, invalid.Problems[0].Message, components.AccessLogsRoleError)
	s.cloudView(func(c *fakeaws.Cloud) { assert.Empty(t, c.Calls, "the check changes nothing") })

	require.NoError(t, s.cloud.Update(func(c *fakeaws.Cloud) error {
		role := "arn:aws:iam::111111111111:role/apigateway-cloudwatch"
		c.Roles[role] = "111111111111"
		c.AccountRoles["111111111111/eu-west-1"] = role // the owner's UpdateAccount
		delete(c.ApiGatewayUnused, "111111111111/eu-west-1")
		return nil
	}))
	res, err := plan.Check(s.workDir, "dev", raw, plan.CheckOptions{Env: env})
	require.NoError(t, err)
	assert.Empty(t, res.Warnings)
	assert.Equal(t, 1, res.Reads, "the account setting (dev creates its VPC: nothing else to read)")

	s.editPolicy = func(account, kind string, doc *iampolicy.Document) {
		if account == "111111111111" && kind == "preview" {
			doc.Statement = slices.DeleteFunc(doc.Statement, func(st iampolicy.Statement) bool { return st.Sid == "PreviewApigatewayAccountSetting" })
		}
	}
	res, err = plan.Check(s.workDir, "dev", raw, plan.CheckOptions{Env: checkEnv(t, s)})
	require.NoError(t, err)
	require.Len(t, res.Warnings, 1)
	assert.Contains(t, res.Warnings[0], "preflight: could not read the API Gateway CloudWatch Logs role of producer account 111111111111")
	assert.Contains(t, res.Warnings[0], "not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:eu-west-1::/account")
}

// TestTheStacksOwnPrivateDnsEndpointIsNoConflict: once an up created
// consumer payments' private-DNS endpoint in its existing VPC, the next
// preview finds that endpoint and knows it as the stack's own (by its
// security group's name), so it passes.
func TestTheStacksOwnPrivateDnsEndpointIsNoConflict(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	file := strings.Replace(string(b), "    - name: payments\n", "    - name: payments\n      privateDns: true\n", 1)
	s := newEngineStack(t, "prod", withStackFile([]byte(file)), withSeed(seedProdNetworks))
	s.mustUp()
	s.roleKind = "preview"
	r := s.preview()
	require.NoErrorf(t, r.err, "the stack's own endpoint is no conflict:\n%s\n%s", r.out, r.errOut)
	assert.NotContains(t, r.out+r.errOut, "preflight:")
}

// TestPlanCheckReadsTheCheckedStacksAccountsOnly: in the split topology a
// consumer stack's check plans its producer's stack from the file beside
// it, offline: it reads nothing of the producer's (whose account here has
// no CloudWatch Logs role) and passes; the producer's own check reports it.
func TestPlanCheckReadsTheCheckedStacksAccountsOnly(t *testing.T) {
	t.Parallel()
	app := newEngineStack(t, "orders-app", withStackFile(consumerStackFile("app", "222222222222", "10.20.0.0/24")))
	producer := newEngineStack(t, "orders", besides(app), withStackFile(producerStackFile("app")), withSeed(withoutAccountLogRoles))
	check := func(s *engineStack) (*plan.CheckResult, error) {
		s.roleKind = "preview"
		raw, err := plan.ReadConfigFile(filepath.Join(s.workDir, "Pulumi."+s.name+".yaml"))
		require.NoError(t, err)
		return plan.Check(s.workDir, s.name, raw, plan.CheckOptions{Env: checkEnv(t, s)})
	}
	res, err := check(app)
	require.NoError(t, err, "the consumer stack's check does not read the producer's account")
	assert.Zero(t, res.Reads, "a consumer stack that creates its VPC has nothing to read")

	_, err = check(producer)
	var invalid *config.Error
	require.ErrorAs(t, err, &invalid, "%v", err)
	assert.Equal(t, "xaccount-api:api.accessLogs.createAccountRole", invalid.Problems[0].Key)
}
