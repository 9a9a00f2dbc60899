package tests

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/internal/stack"
)

// hubSplitDir holds a split topology whose hub has a stack of its own: the
// hub's (shop-network, stackRole: hub), the producer's (shop, hub.stack)
// and spoke orders' (shop-orders, stackRole: consumer, via: hub).
var hubSplitDir = filepath.Join("testdata", "hubsplit")

// TestHubStackIsRefusedBeforeAnythingIsRegistered: the stacks of a hub
// with a stack of its own are read and checked, but the program that
// deploys them is not built: it refuses them, naming the key that asks for
// it, and registers nothing.
func TestHubStackIsRefusedBeforeAnythingIsRegistered(t *testing.T) {
	for stackName, key := range map[string]string{
		"shop-network": "xaccount-api:stackRole",
		"shop":         "xaccount-api:hub.stack",
		"shop-orders":  "xaccount-api:hub.stack",
	} {
		t.Run(stackName, func(t *testing.T) {
			raw, err := plan.ReadConfigFile(plan.StackFile(hubSplitDir, stackName))
			require.NoError(t, err)
			_, err = config.Load(raw.Values, raw.SecretKeys, stackName)
			require.NoError(t, err, "the file itself is valid")
			env, err := awsmock.ConfigEnv(raw.Values, raw.SecretKeys)
			require.NoError(t, err)
			for k, v := range env {
				t.Setenv(k, v)
			}
			mocks := awsmock.New(config.Namespace, stackName)
			err = mocks.Run(stack.Program)
			require.ErrorIs(t, err, stack.ErrInvalidConfig)
			var ce *config.Error
			require.True(t, errors.As(err, &ce), "%v", err)
			require.Len(t, ce.Problems, 1)
			assert.Equal(t, key, ce.Problems[0].Key)
			assert.Contains(t, ce.Problems[0].Message, "cannot be deployed yet")
			assert.Empty(t, mocks.Resources())
		})
	}
}
