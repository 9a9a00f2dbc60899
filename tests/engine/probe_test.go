package engine

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// TestProbeFailsTheUpdateAndSaysWhy: the endpoint's security group lets
// nobody from the VPC in, so the probe's calls time out. The update fails
// naming each form, what came back and the likely cause; with
// probe.failOnError false the same result is recorded in the output instead;
// fixing the group re-runs the probe (its allowed ranges are a trigger) and
// it is green again. Destroy removes the function and releases its group.
func TestProbeFailsTheUpdateAndSaysWhy(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	blocked := devConsumer("app", "222222222222", "10.20.0.0/24", 2)
	blocked["allowedCidrs"] = []any{"10.99.0.0/24"}
	s.editConfig("consumers", []any{blocked})

	r := s.up()
	require.Error(t, r.err, "an unexpected answer fails the update")
	says := r.out + r.errOut
	for _, want := range []string{
		"connectivity probe failed",
		"publicDnsWithHostHeader: https://",
		"returned timeout",
		"Likely cause: no answer in time: the endpoint's security group must allow 443 from the probe",
	} {
		assert.Contains(t, says, want)
	}
	exported, err := s.stack.Export(testContext(t))
	require.NoError(t, err)
	var deployment struct {
		Resources []struct {
			Type string `json:"type"`
		} `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(exported.Deployment, &deployment))
	require.NotEmpty(t, deployment.Resources)
	for _, r := range deployment.Resources {
		assert.NotEqual(t, "aws:lambda/invocation:Invocation", r.Type, "the failed invocation is not a resource of the stack, so the next up runs it again")
	}

	s.editConfig("probe", map[string]any{"failOnError": false})
	s.mustUp()
	results := probeResults(t, s, "app")
	require.Len(t, results, 4)
	for form, v := range results {
		res := v.(map[string]any)
		assert.Equalf(t, false, res["ok"], form)
		assert.Equalf(t, "timeout", res["failure"], form)
		assert.Containsf(t, res["diagnosis"], "security group must allow 443", form)
	}

	s.editConfig("consumers", []any{devConsumer("app", "222222222222", "10.20.0.0/24", 2)})
	before := invokes(s)
	s.mustUp()
	assert.Equal(t, before+1, invokes(s), "a change of who may reach the endpoint re-runs the probe")
	requireProbeGreen(t, s, "app", 4)

	d := s.destroy()
	require.NoErrorf(t, d.err, "destroy failed (a deleted function's group must be released):\n%s\n%s", d.out, d.errOut)
	s.cloudView(func(c *fakeaws.Cloud) {
		assert.Empty(t, c.Functions)
		assert.Empty(t, c.SecurityGroups)
	})
}
