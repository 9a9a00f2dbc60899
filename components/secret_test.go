package components

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/secrettest"
)

const (
	secretBackend  = "https://orders.internal-4711.example.com/{id}"
	secretMockBody = `{"token":"mock-secret-4711"}`
)

// secretSignature is the key of a secret in the engine's wire format: a
// replacement trigger sent as a secret arrives as an object with it.
const secretSignature = "4dabf18193072939515e22adb298388d"

// TestSecretRouteValuesStaySecretInEveryResource: a route whose uri and
// body are secrets (a secure config value) leaves nothing in clear in any
// resource's inputs or state: not the values, not the OpenAPI body that
// holds them (with its response descriptions), not the body's hash (the
// deployment's triggers, the policy's replacement trigger), which would let
// a guess be checked offline.
func TestSecretRouteValuesStaySecretInEveryResource(t *testing.T) {
	mocks, _, err := runCrossAccountWith(t, testRegion, func(a *CrossAccountPrivateApiArgs) {
		a.Routes = []Route{
			{Path: "/", Method: "GET", Integration: RouteIntegration{Type: IntegrationMock, Body: pulumi.ToSecret(pulumi.String(secretMockBody)).(pulumi.StringOutput)}},
			{Path: "/orders/{id}", Method: "GET", Integration: RouteIntegration{Type: IntegrationHTTPProxy, Uri: pulumi.ToSecret(pulumi.String(secretBackend)).(pulumi.StringOutput)}},
		}
		a.Consumers[0].Probe = true
	})
	require.NoError(t, err)
	api := mustNamed(t, mocks, typeRestApi, "xa-api-api")
	body, _ := api.Input("body").(string)
	require.Contains(t, body, secretBackend, "AWS gets the real uri")
	require.Contains(t, body, `"application/json":"{\"token\":\"mock-secret-4711\"}"`, "and the real body")
	assert.True(t, api.InputIsSecret("body"), "the OpenAPI body is a secret")
	needles := []string{secretBackend, "internal-4711", "mock-secret-4711", sha256Hex(body), TriggerHash(body)}
	for _, r := range mocks.Resources() {
		name := r.Type + " " + r.Name
		assert.Empty(t, secrettest.InClear(name+" inputs", resource.NewObjectProperty(r.Inputs), needles))
		assert.Empty(t, secrettest.InClear(name+" state", resource.NewObjectProperty(r.State), needles))
		if r.ReplacementTrigger != nil {
			trigger, _ := json.Marshal(r.ReplacementTrigger)
			if !strings.Contains(string(trigger), secretSignature) {
				for _, n := range needles {
					assert.NotContainsf(t, string(trigger), n, "%s: replacement trigger in clear", name)
				}
			}
		}
	}
	policy := mustNamed(t, mocks, "aws:apigateway/restApiPolicy:RestApiPolicy", "xa-policy-policy")
	trigger, _ := json.Marshal(policy.ReplacementTrigger)
	assert.Contains(t, string(trigger), secretSignature, "the policy's replacement trigger (the body's hash) is sent as a secret")
	deployment := mustNamed(t, mocks, "aws:apigateway/deployment:Deployment", "xa-stage-deployment")
	assert.True(t, deployment.InputIsSecret("triggers"), "the deployment's triggers hold the body's hash: secret")
}

// TestOpenApiDescriptionsHoldNoUri: a proxy route's uri is in its
// integration only; no description repeats it (a description is shown
// where an integration's uri is not, in the console and in exports).
func TestOpenApiDescriptionsHoldNoUri(t *testing.T) {
	for _, typ := range []string{IntegrationHTTPProxy, IntegrationVpcLink} {
		body, err := openApiBody(ApiDefinition{Title: "t", VpcEndpointIds: []string{"vpce-0aaaaaaaaaaaaaaaa"},
			Routes: []RouteDefinition{{Path: "/", Method: "GET", Type: typ, Uri: secretBackend, VpcLinkId: "abc123"}}})
		require.NoError(t, err)
		assert.Equalf(t, 1, strings.Count(body, "internal-4711"), "%s: the uri once, in the integration: %s", typ, body)
	}
}

// TestSecretRouteHashIsSecretAlone: PrivateRestApi's BodyHash, which other
// components take as triggers, is a secret when a route's value is.
func TestSecretRouteHashIsSecretAlone(t *testing.T) {
	for _, secret := range []bool{false, true} {
		var hashSecret bool
		runMocked(t, func(ctx *pulumi.Context) error {
			producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
			if err != nil {
				return err
			}
			var uri pulumi.StringInput = pulumi.String(secretBackend)
			if secret {
				uri = pulumi.ToSecret(uri).(pulumi.StringOutput)
			}
			api, err := NewPrivateRestApi(ctx, "shop", &PrivateRestApiArgs{
				VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"}),
				Routes:         []Route{{Path: "/", Method: "GET", Integration: RouteIntegration{Type: IntegrationHTTPProxy, Uri: uri}}},
			}, pulumi.Provider(producer))
			if err != nil {
				return err
			}
			_, hashSecret, err = awsmock.Await(api.BodyHash)
			return err
		})
		assert.Equalf(t, secret, hashSecret, "BodyHash is secret exactly when a route value is (secret route: %v)", secret)
	}
}

// TestProbeResultsAreAsSecretAsItsEvent: the probe's Results (what it
// called and what came back) are a secret exactly when something it was
// given is, e.g. invoke URLs built from an API ID another stack keeps
// secret; plain otherwise, so a team reads them with pulumi stack output.
func TestProbeResultsAreAsSecretAsItsEvent(t *testing.T) {
	for _, secret := range []bool{false, true} {
		var resultsSecret bool
		runMocked(t, func(ctx *pulumi.Context) error {
			app, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
			if err != nil {
				return err
			}
			var url pulumi.StringInput = pulumi.String("https://abcde12345-vpce-0123456789abcdef0.execute-api.eu-west-1.amazonaws.com/dev")
			if secret {
				url = pulumi.ToSecret(url).(pulumi.StringOutput)
			}
			probe, err := NewConnectivityProbe(ctx, "xa-app-probe", &ConnectivityProbeArgs{
				Region: testRegion, VpcId: pulumi.String("vpc-0123456789abcdef0"),
				SubnetIds:               pulumi.ToStringArray([]string{"subnet-0123456789abcdef1"}),
				EndpointSecurityGroupId: pulumi.String("sg-0123456789abcdef0"),
				InvokeUrls:              pulumi.StringMap{InvokeRoute53Alias: url},
				Triggers:                pulumi.StringMap{"deployment": pulumi.String("d1")},
			}, pulumi.Provider(app))
			if err != nil {
				return err
			}
			_, resultsSecret, err = awsmock.Await(probe.Results)
			return err
		})
		assert.Equalf(t, secret, resultsSecret, "Results are secret exactly when the event is (secret URL: %v)", secret)
	}
}
