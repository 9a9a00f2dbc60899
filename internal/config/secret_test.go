package config_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/config/configtest"
)

// TestSecureRouteValuesBecomeSecrets: with a secure value under api (the
// engine marks the whole key secret), every route's body and uri reaches the
// component as a Pulumi secret with its value; without one they stay plain.
func TestSecureRouteValuesBecomeSecrets(t *testing.T) {
	c := configtest.Valid()
	configtest.At(c, "api", "routes", 0, "integration")["body"] = `{"token":"mock-4711"}`
	raw := configtest.Raw(t, c)

	for _, secret := range []bool{false, true} {
		var keys []string
		if secret {
			keys = []string{config.Key(config.KeyApi)}
		}
		cfg, err := config.Load(raw, keys, "dev")
		require.NoError(t, err)
		routes := cfg.Args().Routes
		require.Len(t, routes, 3)
		for _, check := range []struct {
			name  string
			input pulumi.StringInput
			want  string
		}{
			{"mock body", routes[0].Integration.Body, `{"token":"mock-4711"}`},
			{"http_proxy uri", routes[1].Integration.Uri, "https://orders.example.com/{id}"},
		} {
			require.NotNilf(t, check.input, "%s", check.name)
			v, isSecret, err := awsmock.Await(check.input.ToStringOutput())
			require.NoError(t, err)
			assert.Equalf(t, check.want, v, "%s keeps its value", check.name)
			assert.Equalf(t, secret, isSecret, "%s is a secret exactly when api holds a secure value", check.name)
		}
		// The Lambda ARN must be plain (the reader says so): it stays a plain value.
		_, plain := routes[2].Integration.FunctionArn.(pulumi.String)
		assert.True(t, plain, "a function ARN is never wrapped")
	}
}
