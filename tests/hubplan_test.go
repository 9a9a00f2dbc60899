package tests

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/plan"
)

// TestHubPlanSaysHowSpokesCall: the text plan says a spoke calls through the
// hub endpoint, in the hub's account, instead of naming an endpoint owned
// elsewhere with no ID.
func TestHubPlanSaysHowSpokesCall(t *testing.T) {
	raw, err := plan.ReadConfigFile(filepath.Join(projectRoot, "Pulumi.hub.yaml"))
	require.NoError(t, err)
	p, err := plan.Run("hub", raw)
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, p.WriteText(&b))
	text := b.String()
	assert.Contains(t, text, "consumer orders calls through the hub endpoint in account 777777777777")
	assert.NotContains(t, text, "uses endpoint , owned outside")
}
