package stack

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/config/configtest"
	"github.com/xaccount/xaccount-api/internal/secrettest"
)

// TestSecureRouteValuesStaySecretThroughTheProgram: a stack whose api key
// holds secure values (a route's uri and body) registers nothing that holds
// them, or the OpenAPI body's hash, in clear, and exports nothing that does;
// AWS still gets the values.
func TestSecureRouteValuesStaySecretThroughTheProgram(t *testing.T) {
	const uri, body = "https://orders.internal-4711.example.com/{id}", `{"token":"mock-secret-4711"}`
	c := configtest.Valid()
	configtest.At(c, "api", "routes", 0, "integration")["body"] = body
	configtest.At(c, "api", "routes", 1, "integration")["uri"] = uri
	raw := configtest.Raw(t, c)
	secretKeys := []string{config.Key(config.KeyApi)}
	env, err := awsmock.ConfigEnv(raw, secretKeys)
	require.NoError(t, err)
	for k, v := range env {
		t.Setenv(k, v)
	}
	cfg, err := config.Load(raw, secretKeys, "dev")
	require.NoError(t, err)
	mocks := awsmock.New(config.Namespace, "dev", awsmock.Profiles(cfg.ProfileAccounts()))
	exported := map[string]any{}
	secretExports := map[string]bool{}
	require.NoError(t, mocks.Run(func(ctx *pulumi.Context) error {
		exports, err := Deploy(ctx)
		if err != nil {
			return err
		}
		for name, value := range exports {
			v, secret, err := awsmock.Await(pulumi.ToOutput(value))
			if err != nil {
				return err
			}
			exported[name], secretExports[name] = v, secret
		}
		return nil
	}))

	api, ok := mocks.Named("aws:apigateway/restApi:RestApi", "xaccount-api-api-api")
	require.True(t, ok)
	openApi, _ := api.Input("body").(string)
	require.Contains(t, openApi, uri, "AWS gets the uri")
	require.Contains(t, openApi, "mock-secret-4711", "and the body")
	sum := sha256.Sum256([]byte(openApi))
	needles := []string{"internal-4711", "mock-secret-4711", hex.EncodeToString(sum[:])}
	for _, r := range mocks.Resources() {
		name := r.Type + " " + r.Name
		assert.Empty(t, secrettest.InClear(name+" inputs", resource.NewObjectProperty(r.Inputs), needles))
		assert.Empty(t, secrettest.InClear(name+" state", resource.NewObjectProperty(r.State), needles))
	}
	for name, v := range exported {
		if secretExports[name] {
			continue
		}
		b, err := json.Marshal(v)
		require.NoError(t, err)
		for _, n := range needles {
			assert.NotContainsf(t, string(b), n, "stack output %s holds a secure value in clear", name)
		}
	}
}

// runSplit runs Program for a stack of the split topology under the mocks,
// the referenced stacks answering with outputs (a resource.MakeSecret value
// is an output that stack keeps secret), and returns the mocks and the
// exports with whether each is secret.
func runSplit(t *testing.T, stackName string, c map[string]any, outputs map[string]map[string]any) (*awsmock.Mocks, map[string]any, map[string]bool) {
	t.Helper()
	raw := configtest.Raw(t, c)
	env, err := awsmock.ConfigEnv(raw, nil)
	require.NoError(t, err)
	for k, v := range env {
		t.Setenv(k, v)
	}
	cfg, err := config.Load(raw, nil, stackName)
	require.NoError(t, err)
	mocks := awsmock.New(config.Namespace, stackName, awsmock.Profiles(cfg.ProfileAccounts()), awsmock.StackOutputs(outputs))
	exported, secret := map[string]any{}, map[string]bool{}
	require.NoError(t, mocks.Run(func(ctx *pulumi.Context) error {
		exports, err := DeployConfig(ctx, cfg)
		if err != nil {
			return err
		}
		for name, value := range exports {
			v, s, err := awsmock.Await(pulumi.ToOutput(value))
			if err != nil {
				return err
			}
			exported[name], secret[name] = v, s
		}
		return nil
	}))
	return mocks, exported, secret
}

// requireNothingInClear: no registered resource and no export that is not
// secret holds one of needles.
func requireNothingInClear(t *testing.T, mocks *awsmock.Mocks, exported map[string]any, secret map[string]bool, needles ...string) {
	t.Helper()
	for _, r := range mocks.Resources() {
		if r.Type == awsmock.StackReferenceType {
			continue // the engine keeps the referenced stack's secrets encrypted
		}
		name := r.Type + " " + r.Name
		assert.Empty(t, secrettest.InClear(name+" inputs", resource.NewObjectProperty(r.Inputs), needles))
	}
	for name, v := range exported {
		if secret[name] {
			continue
		}
		b, err := json.Marshal(v)
		require.NoError(t, err)
		for _, n := range needles {
			assert.NotContainsf(t, string(b), n, "stack output %s holds %q in clear", name, n)
		}
	}
}

// TestReferencedSecretsStaySecretInAConsumerStack: what a producer's stack
// keeps secret (here its API's ID and execution ARN) stays secret in a
// consumer stack: its endpoint policy, invoke URLs, curl lines, the probe's
// event and its outputs hold the ID only as secrets.
func TestReferencedSecretsStaySecretInAConsumerStack(t *testing.T) {
	const apiId = "q7x9secret"
	c := map[string]any{
		"stackRole": "consumer", "region": "eu-west-1",
		"producer": map[string]any{"accountId": "111111111111", "stack": "organization/xaccount-api/orders"},
		"consumers": []any{map[string]any{"name": "app", "accountId": "222222222222", "roleArn": "arn:aws:iam::222222222222:role/deployer",
			"vpc": map[string]any{"cidr": "10.20.0.0/24"}, "probe": true}},
	}
	producer := map[string]any{
		"restApiId":    resource.MakeSecret(resource.NewStringProperty(apiId)),
		"executionArn": resource.MakeSecret(resource.NewStringProperty("arn:aws:execute-api:eu-west-1:111111111111:" + apiId)),
		"stageName":    "orders", "deploymentId": "dep123", "policyHash": "abc", "authorization": "NONE", "endpointAccessMode": "",
		"producerAccountId": "111111111111", "region": "eu-west-1",
		"consumers": map[string]any{"app": map[string]any{"accountId": "222222222222",
			"probeTarget": map[string]any{"path": "/", "integration": "mock", "expectedStatus": 200.0, "sign": false}}},
	}
	mocks, exported, secret := runSplit(t, "orders-app", c, map[string]map[string]any{"organization/xaccount-api/orders": producer})
	policy, ok := mocks.Named("aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "xaccount-api-app-endpoint-policy")
	require.True(t, ok, "the endpoint policy is registered")
	require.Contains(t, policy.Input("policy"), apiId, "AWS gets the API's ARN")
	assert.True(t, secret["restApiId"], "the consumer stack republishes the API's ID as a secret")
	requireNothingInClear(t, mocks, exported, secret, apiId)
}

// TestReferencedSecretsStaySecretInAProducerStack: an endpoint ID a
// consumer's stack keeps secret stays secret in the producer's stack: the
// API's endpoint list, its OpenAPI body, its resource policy and the
// per-consumer monitoring hold it only as secrets.
func TestReferencedSecretsStaySecretInAProducerStack(t *testing.T) {
	const vpce = "vpce-0123456789abcdef7"
	c := configtest.Valid()
	c["stackRole"] = "producer"
	c["consumers"] = []any{map[string]any{"name": "app", "accountId": "222222222222", "stack": "organization/xaccount-api/orders-app"}}
	consumer := map[string]any{
		"endpointId":      resource.MakeSecret(resource.NewStringProperty(vpce)),
		"endpointDnsName": "vpce-0fedcba9876543210-abcd1234.execute-api.eu-west-1.vpce.amazonaws.com",
		"privateDns":      true,
		"consumers":       map[string]any{"app": map[string]any{"accountId": "222222222222"}},
	}
	mocks, exported, secret := runSplit(t, "orders", c, map[string]map[string]any{"organization/xaccount-api/orders-app": consumer})
	api, ok := mocks.Named("aws:apigateway/restApi:RestApi", "xaccount-api-api-api")
	require.True(t, ok)
	require.Contains(t, api.Input("body"), vpce, "AWS gets the endpoint")
	requireNothingInClear(t, mocks, exported, secret, vpce)
}
