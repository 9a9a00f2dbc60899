package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/stack"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// Secure route values of the secret-route tests: each carries a token found
// nowhere else, so a search for it finds every copy.
const (
	secretUri      = "https://orders.internal-7c2f.example.com/orders/{id}"
	secretUriToken = "internal-7c2f"
	secretBody     = `{"token":"mock-body-5e8a"}`
	secretToken    = "mock-body-5e8a"
	nextUri        = "https://orders.internal-9d41.example.com/orders/{id}"
	nextUriToken   = "internal-9d41"
)

// secretRouteApi is the dev api with a MOCK route at GET / (the one the
// probe calls) and a proxy route; their body and uri are set as secure
// values by setSecure.
func secretRouteApi() map[string]any {
	api := devApi()
	api["routes"] = []any{
		map[string]any{"path": "/", "method": "GET", "integration": map[string]any{"type": "mock", "statusCode": 200}},
		map[string]any{"path": "/orders/{id}", "method": "GET", "integration": map[string]any{"type": "http_proxy", "uri": "https://placeholder.example.com"}},
	}
	return api
}

// setSecure is `pulumi config set --secret --path <key> <value>`.
func (s *engineStack) setSecure(key, value string) {
	s.t.Helper()
	require.NoError(s.t, s.stack.SetConfigWithOptions(testContext(s.t), key, auto.ConfigValue{Value: value, Secret: true}, &auto.ConfigOptions{Path: true}))
}

// stackExport is `pulumi stack export` (without --show-secrets) of s, run
// with the CLI as a user runs it.
func (s *engineStack) stackExport() string {
	s.t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(cliBinary(), "stack", "export", "--stack", s.name, "--cwd", s.workDir, "--non-interactive") //nolint:gosec // the CLI the tests built
	cmd.Env = stackEnv(s.t, s)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	require.NoErrorf(s.t, cmd.Run(), "pulumi stack export: %s", errOut.String())
	return out.String()
}

// openApiBodyHashes are the hashes the components take of the API's
// OpenAPI body (sha256 hex: BodyHash, the deployment's definition trigger,
// the policy's replacement trigger), read from the decrypted state.
func (s *engineStack) openApiBodyHashes() []string {
	s.t.Helper()
	d, err := s.stack.Export(testContext(s.t)) // --show-secrets
	require.NoError(s.t, err)
	var state struct {
		Resources []struct {
			Type   string         `json:"type"`
			Inputs map[string]any `json:"inputs"`
		} `json:"resources"`
	}
	require.NoError(s.t, json.Unmarshal(d.Deployment, &state))
	for _, r := range state.Resources {
		if r.Type == fakeaws.TypeRestApi {
			// --show-secrets keeps a secret's wrapper, its value JSON in
			// "plaintext"; a body in clear is found by the caller's search.
			body, _ := r.Inputs["body"].(string)
			if wrapped, ok := r.Inputs["body"].(map[string]any); ok {
				plaintext, _ := wrapped["plaintext"].(string)
				require.NoError(s.t, json.Unmarshal([]byte(plaintext), &body))
			}
			require.NotEmpty(s.t, body, "the state holds the body")
			sum := sha256.Sum256([]byte(body))
			return []string{hex.EncodeToString(sum[:])}
		}
	}
	s.t.Fatal("no RestApi in the state")
	return nil
}

// ownRawState is rawState of this stack's files only (its checkpoint,
// backups and history), in a backend sibling stacks share.
func (s *engineStack) ownRawState() string {
	s.t.Helper()
	var all strings.Builder
	err := filepath.WalkDir(s.backend, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(s.backend, path)
		parts := strings.Split(rel, string(filepath.Separator))
		if !slices.Contains(parts[:len(parts)-1], s.name) && !strings.HasPrefix(parts[len(parts)-1], s.name+".") {
			return nil
		}
		b, err := os.ReadFile(path)
		all.Write(b)
		return err
	})
	require.NoError(s.t, err)
	require.NotEmpty(s.t, all.String(), "the stack's files were found")
	return all.String()
}

// requireNowhereInClear: none of needles is in the state on disk (every
// checkpoint and backup file), in `pulumi stack export`, in the stack's
// outputs or in what the operation printed.
func requireNowhereInClear(t *testing.T, s *engineStack, r result, needles ...string) {
	t.Helper()
	raw, export := s.ownRawState(), s.stackExport()
	require.Contains(t, raw, `"ciphertext"`, "the state holds secrets, encrypted")
	plainOutputs := map[string]any{}
	for name, v := range s.outputs() {
		if !v.Secret {
			plainOutputs[name] = v.Value
		}
	}
	outputs, err := json.Marshal(plainOutputs)
	require.NoError(t, err)
	for _, n := range needles {
		for what, text := range map[string]string{"the state on disk": raw, "pulumi stack export": export,
			"the stack outputs": string(outputs), "what the operation printed": r.out + r.errOut} {
			assert.Emptyf(t, around(text, n), "%s holds %q in clear", what, n)
		}
	}
}

// around is the text around the first occurrence of n in text, "" for none.
func around(text, n string) string {
	i := strings.Index(text, n)
	if i < 0 {
		return ""
	}
	return text[max(0, i-200):min(len(text), i+len(n)+100)]
}

// TestSecureRouteValuesStaySecretUnderTheEngine: a dev stack whose route
// uri and MOCK body are `pulumi config set --secret` values. After up, the
// state (the raw checkpoint and its backups, `pulumi stack export`), the
// outputs and what up printed never hold them, nor the hash of the OpenAPI
// body that carries them; the simulated API Gateway gets the real values
// and its stage answers with the real body. A new secret uri previews
// (--diff) and updates without showing either value, redeploys the stage
// with the new uri and re-attaches the policy; then nothing changes.
func TestSecureRouteValuesStaySecretUnderTheEngine(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	s.editConfig("api", secretRouteApi())
	s.setSecure("xaccount-api:api.routes[0].integration.body", secretBody)
	s.setSecure("xaccount-api:api.routes[1].integration.uri", secretUri)

	var hashes []string
	if !s.step(t, "up", func(t *testing.T) {
		r := s.mustUp()
		hashes = s.openApiBodyHashes()
		requireNowhereInClear(t, s, r, append([]string{secretUriToken, secretToken}, hashes...)...)
		st := s.apiState()
		require.Len(t, st.api.Routes, 2)
		assert.Equal(t, secretBody, st.api.Routes[0].MockBody, "API Gateway gets the real body")
		assert.Equal(t, secretUri, st.api.Routes[1].IntegrationUri, "and the real uri")
		assert.NotEmpty(t, st.api.Policy, "the policy is attached")
		requireProbeGreen(t, s, "app", 4)
		s.cloudView(func(c *fakeaws.Cloud) {
			route, ok := c.StageRoute(st.api.Id, "dev", "GET", "/")
			require.True(t, ok, "the stage serves GET /")
			assert.Equal(t, secretBody, route.MockBody, "with the secure body")
		})
		for form, v := range probeResults(t, s, "app") {
			assert.NotContainsf(t, v.(map[string]any)["body"], secretToken, "%s: the probe keeps no copy of the MOCK's secure body", form)
		}
	}) {
		return
	}

	s.step(t, "a new secret uri: preview --diff and up keep both values hidden", func(t *testing.T) {
		before := s.apiState()
		s.setSecure("xaccount-api:api.routes[1].integration.uri", nextUri)
		p := s.preview()
		require.NoErrorf(t, p.err, "preview failed:\n%s\n%s", p.out, p.errOut)
		assert.Equal(t, "update", p.steps()["urn:pulumi:dev::xaccount-api::xaccount:index:CrossAccountPrivateApi$xaccount:apigateway:PrivateRestApi$aws:apigateway/restApi:RestApi::xaccount-api-api-api"],
			"the body changes")
		assert.Contains(t, p.opsOf(fakeaws.TypeDeployment), "create-replacement", "a new uri redeploys the stage (the definition trigger)")
		assert.Contains(t, p.opsOf(fakeaws.TypeRestApiPolicy), "create-replacement", "and re-attaches the policy (its replacement trigger)")
		assert.Contains(t, p.out, "[secret]", "the diff shows the changed values as [secret]")
		for _, n := range []string{secretUriToken, nextUriToken, secretToken} {
			assert.Emptyf(t, around(p.out+p.errOut, n), "preview --diff printed %q", n)
		}

		r := s.mustUp()
		next := s.openApiBodyHashes()
		requireNowhereInClear(t, s, r, append([]string{secretUriToken, nextUriToken, secretToken}, append(hashes, next...)...)...)
		after := s.apiState()
		assert.Equal(t, nextUri, after.api.Routes[1].IntegrationUri, "API Gateway gets the new uri")
		assert.Equal(t, before.deployments, after.deployments, "the new deployment replaced the old one")
		s.cloudView(func(c *fakeaws.Cloud) {
			route, ok := c.StageRoute(after.api.Id, "dev", "GET", "/orders/42")
			require.True(t, ok)
			assert.Equal(t, nextUri, route.IntegrationUri, "the stage serves the new uri: the secret trigger redeployed it")
		})
		assert.NotEmpty(t, after.api.Policy, "the policy is attached again after the overwrite")
		assert.Equal(t, after.api.Policy, after.stagePolicy, "and the stage serves it")
		requireNoChanges(t, s)
	})
}

// TestSecureValueProblemsNameTheKeyNotTheValue: a secure uri that is not
// a URL is refused, naming its key, and what the engine prints does not
// show the value.
func TestSecureValueProblemsNameTheKeyNotTheValue(t *testing.T) {
	t.Parallel()
	const bad = "not-a-url-3f7a"
	s := newEngineStack(t, "dev")
	s.editConfig("api", secretRouteApi())
	s.setSecure("xaccount-api:api.routes[1].integration.uri", bad)
	r := s.preview()
	require.Error(t, r.err)
	text := r.out + r.errOut + r.err.Error()
	assert.Containsf(t, text, "* xaccount-api:api.routes[1].integration.uri: ", "the problem names its key, one bullet per problem:\n%s", text)
	assert.Empty(t, around(text, bad), "the secure value is not shown")
	t.Logf("what a user sees:\n%s", text)
}

// producerPublishingSecrets is the program of a producer's stack that
// keeps every output it publishes secret (its API's ID and ARN among them),
// as a team's own program may.
func producerPublishingSecrets(ctx *pulumi.Context) error {
	exports, err := stack.Deploy(ctx)
	if err != nil {
		return err
	}
	for name, value := range exports {
		ctx.Export(name, pulumi.ToSecret(value))
	}
	return nil
}

// TestReferencedSecretsStaySecretInTheConsumerStack: a consumer stack of
// the split topology whose producer's stack publishes its outputs as
// secrets. The consumer's bootstrap works as ever (its endpoint policy
// names the API, its probe calls it and answers green), and nothing the
// consumer's state, stack export, outputs or updates hold shows the API's
// ID in clear: the endpoint policy, the invoke URLs, the probe's event and
// result, the republished restApiId are secrets. A second run changes nothing.
func TestReferencedSecretsStaySecretInTheConsumerStack(t *testing.T) {
	t.Parallel()
	app := newEngineStack(t, "orders-app", withStackFile(consumerStackFile("app", "222222222222", "10.20.0.0/24")))
	producer := newEngineStack(t, "orders", besides(app), withStackFile(producerStackFile("app")), withProgram(producerPublishingSecrets))
	if !app.step(t, "bootstrap 1", func(t *testing.T) { app.mustUp() }) ||
		!producer.step(t, "bootstrap 2", func(t *testing.T) { producer.mustUp() }) {
		return
	}
	apiId := producer.apiState().api.Id
	require.NotEmpty(t, apiId)
	app.step(t, "bootstrap 3: the consumer keeps the producer's secrets", func(t *testing.T) {
		r := app.mustUp()
		requireProbeGreen(t, app, "app", 4)
		requireEndpointPoliciesScoped(t, app, app.apiState().api, "dev")
		out := app.outputs()
		assert.True(t, out["restApiId"].Secret, "the consumer republishes the API's ID as a secret")
		assert.Equal(t, apiId, out["restApiId"].Value)
		assert.True(t, out["consumers"].Secret, "its invoke URLs hold the ID: secret")
		requireNowhereInClear(t, app, r, apiId)
		requireNoChanges(t, app)
	})
}

// TestSecureTagsAndCredentialsStaySecretUnderTheEngine: the other values
// the reader accepts as secure, a tag value and a profile, never show in
// the state, stack export, outputs or what up prints: the providers take
// them as secrets, and every resource's tagsAll (the provider's default
// tags merged in) is stored as a secret.
func TestSecureTagsAndCredentialsStaySecretUnderTheEngine(t *testing.T) {
	t.Parallel()
	const tag = "owner-6b1d"
	s := newEngineStack(t, "dev")
	s.setSecure("xaccount-api:tags.owner", tag)
	s.setSecure("xaccount-api:producer.profile", "xaccount-dev-producer")
	r := s.mustUp()
	requireNowhereInClear(t, s, r, tag, "xaccount-dev-producer")
	s.cloudView(func(c *fakeaws.Cloud) {
		require.NotEmpty(t, c.RestApis)
		for _, a := range c.RestApis {
			assert.Equal(t, "111111111111", a.Account, "the secure profile reached the producer's account")
		}
	})
	requireNoChanges(t, s)
}
