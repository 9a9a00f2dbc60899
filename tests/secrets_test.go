package tests

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/config"
)

// TestSecureValuesAreNeverShown plans a file with secure: values, which cannot
// be decrypted offline: the plan completes and shows [secret], never the value.
func TestSecureValuesAreNeverShown(t *testing.T) {
	file := filepath.Join("testdata", "secrets.yaml")
	for _, format := range []string{"text", "json"} {
		code, stdout, stderr := runCLI("--config", file, "--format", format)
		require.Equal(t, 0, code, stderr)
		assert.NotContains(t, stdout, "CIPHERTEXT", format)
		assert.NotContains(t, stdout, "v1:", format)
		assert.Contains(t, stdout, "[secret]", format)
	}
	p := planJson(t, file)
	assert.Equal(t, "plan", p.Stack, "a file not named Pulumi.<stack>.yaml plans stack 'plan'")
	for _, r := range p.ofType(typeProvider) {
		role := r.Inputs["assumeRole"].(map[string]any)
		assert.Equalf(t, "[secret]", role["externalId"], "provider %s external ID", r.Name)
		assert.Equalf(t, "[secret]", r.Inputs["defaultTags"].(map[string]any)["tags"], "provider %s tags", r.Name)
		// Pulumi marks the whole key secret when a value inside it is secure,
		// so the role ARN beside the external ID is treated as secret too.
		assert.Equal(t, "[secret]", role["roleArn"])
		assert.Equal(t, "eu-west-1", r.Inputs["region"], "values of other keys stay readable")
	}
	// One secure value under api keeps every route's body and uri secret:
	// the OpenAPI body and the deployment's triggers built from them too.
	apis := p.ofType("aws:apigateway/restApi:RestApi")
	require.Len(t, apis, 1)
	assert.Equal(t, "[secret]", apis[0].Inputs["body"])
	for _, d := range p.ofType("aws:apigateway/deployment:Deployment") {
		assert.Equal(t, "[secret]", d.Inputs["triggers"], "the body's hash is secret too")
	}
}

// TestSecureRoleArnPlansOffline: a role ARN that is itself a secure value
// plans offline (the provider stands pinned to its account, the ARN shows
// as [secret]); --iam, whose roles are named by it, says why it cannot print
// them instead of printing [secret] as an ARN.
func TestSecureRoleArnPlansOffline(t *testing.T) {
	file := filepath.Join("testdata", "secret-role.yaml")
	code, stdout, stderr := runCLI("--config", file)
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, stdout, "CIPHERTEXT")
	p := planJson(t, file)
	providers := p.ofType(typeProvider)
	require.Len(t, providers, 2)
	for _, r := range providers {
		assert.Equalf(t, "[secret]", r.Inputs["assumeRole"].(map[string]any)["roleArn"], "provider %s", r.Name)
		assert.Lenf(t, r.Inputs["allowedAccountIds"], 1, "provider %s is pinned", r.Name)
	}
	code, _, stderr = runCLI("--config", file, "--iam", "--repo", "acme/xaccount-api")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, stderr, "account 111111111111 (producer): its roleArn is a secure value this offline run cannot read")
	assert.Equal(t, config.SecretPlaceholder, awsmock.UndecryptedSecret, "the mocks know the plan's placeholder")
}
