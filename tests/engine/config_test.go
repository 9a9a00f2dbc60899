package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/stack"
	"github.com/xaccount/xaccount-api/policy"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// requireNothingCreated: no resource step ran, and the simulated cloud is empty.
func requireNothingCreated(t *testing.T, s *engineStack, r result) {
	t.Helper()
	for urn, op := range r.steps() {
		typ, _ := urnTypeName(urn)
		assert.Truef(t, typ == "pulumi:pulumi:Stack", "no resource may be planned for a bad config, got %s %s", op, urn)
	}
	s.cloudView(func(c *fakeaws.Cloud) {
		assert.Empty(t, c.Calls, "no AWS call may be made for a bad config")
	})
}

// devFileWith is the committed dev stack file with lines replaced.
func devFileWith(t *testing.T, replacements ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	s := string(b)
	for i := 0; i+1 < len(replacements); i += 2 {
		require.Containsf(t, s, replacements[i], "the dev stack file no longer has %q", replacements[i])
		s = strings.Replace(s, replacements[i], replacements[i+1], 1)
	}
	return []byte(s)
}

// TestBadConfigFailsBeforeAnyResource: invalid values, a misspelt key and a
// missing required key each stop the update before anything is registered,
// under the number of problems, one bullet line per problem, each naming its
// key.
func TestBadConfigFailsBeforeAnyResource(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		file []byte
		want []string
	}{
		{"invalid values", devFileWith(t, "xaccount-api:region: eu-west-1", "xaccount-api:region: mars-1",
			`accountId: "222222222222"`, `accountId: "22222222222"`),
			[]string{"xaccount-api:region: got \"mars-1\"", "xaccount-api:consumers[0].accountId: got \"22222222222\""}},
		{"three invalid values", devFileWith(t, "xaccount-api:region: eu-west-1", "xaccount-api:region: mars-1",
			`accountId: "222222222222"`, `accountId: "22222222222"`, "cidr: 10.20.0.0/24", "cidr: 10.20.0.0/99"),
			[]string{"xaccount-api:region: got \"mars-1\"", "xaccount-api:consumers[0].accountId: got \"22222222222\"", "xaccount-api:consumers[0].vpc.cidr: "}},
		{"misspelt key", devFileWith(t, "xaccount-api:tags:", "xaccount-api:tgas:"),
			[]string{"xaccount-api:tgas: unknown key"}},
		{"missing required key", devFileWith(t, "xaccount-api:region: eu-west-1", ""),
			[]string{"missing configuration value 'xaccount-api:region'"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newEngineStack(t, "dev", withStackFile(tc.file))
			r := s.up()
			require.Error(t, r.err, "up must fail")
			text := r.out + r.errOut + r.err.Error()
			for _, w := range tc.want {
				if strings.HasPrefix(w, "xaccount-api:") { // the program's
					assert.Truef(t, hasProblem(text, w), "want a bullet line of its own saying %q in:\n%s", w, r.out)
				} else { // the CLI's own
					assert.Truef(t, hasLineWith(text, "error: ", w), "want a diagnostic line saying %q in:\n%s", w, r.out)
				}
			}
			if strings.HasPrefix(tc.want[0], "xaccount-api:") {
				assert.Containsf(t, text, fmt.Sprintf("%d %s occurred:", len(tc.want), map[bool]string{true: "error", false: "errors"}[len(tc.want) == 1]),
					"the problems counted:\n%s", r.out)
			}
			requireNothingCreated(t, s, r)
		})
	}
}

// hasProblem: some line of text is a bullet ("* ") of a problem saying want.
func hasProblem(text, want string) bool { return hasLineWith(text, "* ", want) }

// hasLineWith: some line of text contains prefix followed (anywhere) by want.
func hasLineWith(text, prefix, want string) bool {
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, prefix); i >= 0 && strings.Contains(line[i:], want) {
			return true
		}
	}
	return false
}

// TestSecretStaysCiphertext: a secret external ID never appears in clear in
// the state or in what up prints, and it reaches the provider: the deployer
// role's trust requires it (sts:ExternalId), so without it up fails.
func TestSecretStaysCiphertext(t *testing.T) {
	t.Parallel()
	const secret = "very-secret-external-id-4711"
	s := newEngineStack(t, "dev")
	s.editConfig("producer", map[string]any{"accountId": "111111111111"})
	// The role ARN a secure value too: the engine decrypts it for the
	// provider (the offline plan shows [secret], tests/secrets_test.go).
	require.NoError(t, s.stack.SetConfigWithOptions(testContext(t), "xaccount-api:producer.roleArn",
		auto.ConfigValue{Value: "arn:aws:iam::111111111111:role/xaccount-deployer", Secret: true}, &auto.ConfigOptions{Path: true}))
	require.NoError(t, s.stack.SetConfigWithOptions(testContext(t), "xaccount-api:producer.externalId",
		auto.ConfigValue{Value: secret, Secret: true}, &auto.ConfigOptions{Path: true}))
	file, err := os.ReadFile(filepath.Join(s.workDir, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	assert.NotContains(t, string(file), secret, "the stack file holds ciphertext")
	assert.NotContains(t, string(file), "role/xaccount-deployer", "the role ARN too")
	assert.Contains(t, string(file), "secure:")

	r := s.mustUp()
	assert.False(t, strings.Contains(r.out+r.errOut, secret), "up must not print the secret")
	state := s.rawState()
	require.Contains(t, state, `"urn:pulumi:dev::xaccount-api::pulumi:providers:aws::producer"`, "the state was found")
	assert.False(t, strings.Contains(state, secret), "the state on disk must hold ciphertext only")
	assert.Contains(t, state, `"ciphertext"`, "the provider's credentials are encrypted in state")
	out := s.outputs()
	for k, v := range out {
		assert.Falsef(t, strings.Contains(fmt.Sprint(v.Value), secret), "output %s must not hold the secret", k)
	}

	// The pipeline keeps a passphrase per stack, each in the stack's GitHub
	// environments: a job holding another stack's passphrase (a pull
	// request's, dev's) or none cannot preview this one. The engine needs
	// the decryption before the program runs (the stack file's secure
	// config, the state's ciphertext), so nothing is read in clear.
	t.Run("another stack's passphrase previews nothing", func(t *testing.T) {
		ws := s.stack.Workspace()
		// The roles stay as granted: reading the config to print them
		// needs the passphrase too.
		s.keepRoles = true
		t.Cleanup(func() {
			ws.SetEnvVar("PULUMI_CONFIG_PASSPHRASE", baseEnv["PULUMI_CONFIG_PASSPHRASE"])
			s.keepRoles = false
		})
		ws.SetEnvVar("PULUMI_CONFIG_PASSPHRASE", "dev-passphrase-a-pull-request-holds")
		_, err := s.stack.GetAllConfig(testContext(t))
		require.Error(t, err, "not even the config reads")
		assert.Contains(t, err.Error(), "incorrect passphrase")
		for _, phrase := range []string{"dev-passphrase-a-pull-request-holds", ""} {
			ws.SetEnvVar("PULUMI_CONFIG_PASSPHRASE", phrase)
			r := s.preview()
			require.Errorf(t, r.err, "a preview with passphrase %q", phrase)
			assert.Contains(t, r.out+r.errOut+r.err.Error(), "incorrect passphrase")
			assert.NotContains(t, r.out+r.errOut+r.err.Error(), secret)
			assert.NotContains(t, r.out+r.errOut, "xaccount-api-api-api", "stopped before the program registered anything")
		}
	})

	t.Run("the role's trust requires the external ID", func(t *testing.T) {
		require.NoError(t, s.stack.SetConfigWithOptions(testContext(t), "xaccount-api:producer.externalId",
			auto.ConfigValue{Value: "another-external-id", Secret: true}, &auto.ConfigOptions{Path: true}))
		s.editPolicy = nil
		// The role keeps the trust printed for the first ID; the provider now
		// presents another one.
		s.keepRoles = true
		r := s.preview()
		require.Error(t, r.err)
		// The engine masks the secret role ARN in the message too.
		assert.Contains(t, r.out+r.errOut, "is not authorized to perform: sts:AssumeRole on resource: [secret]")
	})
}

// deleteBeforeReplaceDeployment is the real program with the Deployment
// forced to delete-before-replace: a negative control, so the harness shows
// it sees the class of failure create-before-delete avoids.
func deleteBeforeReplaceDeployment(ctx *pulumi.Context) error {
	if err := ctx.RegisterResourceTransform(func(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
		if args.Type != fakeaws.TypeDeployment {
			return nil
		}
		args.Opts.DeleteBeforeReplace = true
		return &pulumi.ResourceTransformResult{Props: args.Props, Opts: args.Opts}
	}); err != nil {
		return err
	}
	return stack.Program(ctx)
}

func TestNegativeControlDeleteBeforeReplaceFails(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev", withProgram(deleteBeforeReplaceDeployment))
	s.mustUp()
	s.editConfig("api", devApi(mockRoute("GET", "/extra")))
	r := s.up()
	require.Error(t, r.err, "deleting the deployment the stage points at must fail")
	assert.Contains(t, r.out+r.errOut, "Active stages pointing to this deployment must be moved or deleted")
}

// TestThroughTheGoLanguageHost runs main.go as `pulumi up` in a project folder
// does: started by the Go language host, which hands the configuration over
// in PULUMI_CONFIG. The committed dev stack previews, and a misspelt key is
// refused before any resource, on lines of its own.
func TestThroughTheGoLanguageHost(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev", throughLanguageHost())
	r := s.preview()
	require.NoErrorf(t, r.err, "preview through the language host failed:\n%s\n%s", r.out, r.errOut)
	t.Logf("dev preview through the language host (prebuilt program): %v, %d provider processes", r.elapsed, r.processes)
	assert.Len(t, r.steps(), len(inlineDevSteps(t)), "the same resources as the inline program")

	bad := newEngineStack(t, "dev", throughLanguageHost(), withStackFile(devFileWith(t, "xaccount-api:tags:", "xaccount-api:tgas:")))
	r = bad.up()
	require.Error(t, r.err)
	assert.Truef(t, hasProblem(r.out, "xaccount-api:tgas: unknown key"), "the misspelt key is reported on a line of its own:\n%s", r.out)
	requireNothingCreated(t, bad, r)
	t.Logf("what a user sees:\n%s", r.out)
}

// inlineDevSteps previews the committed dev stack inline.
func inlineDevSteps(t *testing.T) map[string]string {
	t.Helper()
	r := newEngineStack(t, "dev").preview()
	require.NoError(t, r.err)
	return r.steps()
}

// TestIamAuthorizationUnderTheEngine: with AWS_IAM the deployed stage serves
// every route with SigV4 only, and the policy it enforces lets in exactly the
// configured principal through the stack's endpoint, minus what an extra
// Deny statement takes away.
func TestIamAuthorizationUnderTheEngine(t *testing.T) {
	t.Parallel()
	const role = "arn:aws:iam::222222222222:role/app"
	s := newEngineStack(t, "dev")
	api := devApi(mockRoute("GET", "/orders"))
	api["authorization"] = "AWS_IAM"
	api["principalOrgId"] = "o-abcdefghij"
	api["extraPolicyStatements"] = []any{map[string]any{"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/DELETE/*"}}
	s.editConfig("api", api)
	consumer := devConsumer("app", "222222222222", "10.20.0.0/24", 2)
	consumer["principals"] = []any{role}
	s.editConfig("consumers", []any{consumer})
	s.mustUp()
	st := s.apiState()
	var routes []fakeaws.Route
	s.cloudView(func(c *fakeaws.Cloud) { routes = c.StageRoutes(st.api.Id, "dev") })
	require.Len(t, routes, 2)
	for _, r := range routes {
		assert.Equalf(t, "AWS_IAM", r.Authorization, "%s %s", r.Method, r.Path)
	}
	doc, err := policy.Parse(st.stagePolicy)
	require.NoError(t, err)
	endpoint := st.api.VpcEndpointIds[0]
	method := fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/dev/GET/orders", st.api.Region, st.api.Account, st.api.Id)
	for req, want := range map[policy.Request]bool{
		{Resource: method, SourceVpce: endpoint, Principal: role, PrincipalOrgId: "o-abcdefghij"}:                               true,
		{Resource: method, SourceVpce: endpoint, PrincipalOrgId: "o-abcdefghij"}:                                                false,
		{Resource: method, SourceVpce: endpoint, Principal: "arn:aws:iam::222222222222:role/x", PrincipalOrgId: "o-abcdefghij"}: false,
		{Resource: method, SourceVpce: "vpce-00000000000000000", Principal: role, PrincipalOrgId: "o-abcdefghij"}:               false,
	} {
		ok, err := doc.Evaluate(req)
		require.NoError(t, err)
		assert.Equalf(t, want, ok, "%+v", req)
	}
	requireEndpointPoliciesScoped(t, s, st.api, "dev")
	// The probe's role is not the named principal: it expects 403, and the
	// 403 must be the resource policy's refusal of that caller, not any 403
	// (a missing route or an unsigned call answer 403 too).
	for form, v := range probeResults(t, s, "app") {
		r := v.(map[string]any)
		assert.Equalf(t, float64(403), r["status"], "%s", form)
		assert.Equalf(t, "AccessDeniedException", r["errorType"], "%s", form)
		assert.Containsf(t, r["body"], "assumed-role/", "%s: refused as the signed probe role", form)
		assert.NotContainsf(t, r["body"], "explicit deny", "%s: no Allow names it; nothing denies it", form)
	}
	out := s.outputs()
	curl := out["consumers"].Value.(map[string]any)["app"].(map[string]any)["curl"].(map[string]any)
	for form, line := range curl {
		assert.Containsf(t, line, "--aws-sigv4", "the %s curl line signs its call", form)
	}
}

// quotaRoutes is the dev stack's api with n routes on distinct paths, the
// first GET / for the probe.
func quotaRoutes(n int, quotas map[string]any) map[string]any {
	routes := []any{map[string]any{"path": "/", "method": "GET", "integration": map[string]any{"type": "mock"}}}
	for i := 1; i < n; i++ {
		routes = append(routes, map[string]any{"path": fmt.Sprintf("/r%d", i), "method": "GET", "integration": map[string]any{"type": "mock"}})
	}
	api := map[string]any{"routes": routes}
	if quotas != nil {
		api["quotas"] = quotas
	}
	return api
}

// TestQuotasStopTheUpdateBeforeAnything: a configuration over an API Gateway
// quota fails preview and up before anything is created (a new stack) or
// changed (a running one), naming the key; the same change with a quota the
// account does not have reaches AWS, which refuses it mid-update, after other
// resources changed: what the check exists to prevent.
func TestQuotasStopTheUpdateBeforeAnything(t *testing.T) {
	t.Parallel()
	fresh := newEngineStack(t, "dev")
	fresh.editConfig("api", quotaRoutes(301, nil))
	r := fresh.up()
	require.Error(t, r.err)
	assert.Truef(t, hasProblem(r.out+r.errOut, "xaccount-api:api.routes: 301 routes need 301 API resources"), "the quota problem on a line of its own:\n%s", r.out)
	requireNothingCreated(t, fresh, r)

	s := newEngineStack(t, "dev")
	s.mustUp()
	var before int
	s.cloudView(func(c *fakeaws.Cloud) { before = len(c.Calls) })
	s.step(t, "over the quota on a running stack", func(t *testing.T) {
		s.editConfig("api", quotaRoutes(301, nil))
		for _, r := range []result{s.preview(), s.up()} {
			require.Error(t, r.err)
			assert.True(t, hasProblem(r.out+r.errOut, "xaccount-api:api.routes: 301 routes need 301 API resources"), r.out)
			for urn, op := range r.steps() {
				typ, _ := urnTypeName(urn)
				assert.Truef(t, typ == "pulumi:pulumi:Stack" || op == "same", "nothing may change: %s %s", op, urn)
			}
		}
		s.cloudView(func(c *fakeaws.Cloud) { assert.Len(t, c.Calls, before, "no AWS call changed anything") })
	})
	s.step(t, "a quota the account does not have", func(t *testing.T) {
		s.editConfig("api", quotaRoutes(301, map[string]any{"resourcesPerApi": 400}))
		r := s.up()
		require.Error(t, r.err)
		assert.Contains(t, r.out+r.errOut, "LimitExceededException: Maximum number of Resources for this API has been reached.")
	})
}
