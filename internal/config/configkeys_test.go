package config_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/config"
)

// TestEngineConfigKeys: the keys are found whether the engine hands them
// over in the run info (Automation API inline) or in PULUMI_CONFIG (the Go
// language host). If an SDK upgrade moves RunInfo.Config, the first case fails.
func TestEngineConfigKeys(t *testing.T) {
	keys := func(t *testing.T, opts ...pulumi.RunOption) []string {
		t.Helper()
		var got []string
		require.NoError(t, awsmock.New(config.Namespace, "dev").Run(func(ctx *pulumi.Context) error {
			got = config.EngineConfigKeys(ctx)
			return nil
		}, opts...))
		return got
	}
	t.Run("run info only", func(t *testing.T) {
		t.Setenv(pulumi.EnvConfig, "")
		got := keys(t, awsmock.WithConfig(map[string]string{"xaccount-api:regoin": "eu-west-1", "aws:region": "x"}, nil))
		assert.Equal(t, []string{"aws:region", "xaccount-api:regoin"}, got)
	})
	t.Run("environment only", func(t *testing.T) {
		t.Setenv(pulumi.EnvConfig, `{"xaccount-api:consumer":"[]"}`)
		assert.Contains(t, keys(t), "xaccount-api:consumer")
	})
}
