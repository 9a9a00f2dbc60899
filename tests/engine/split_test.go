package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// The split topology under the real engine: one producer stack and a stack
// per consumer account in one file backend, linked by real stack references
// (organization/xaccount-api/<stack>, the file backend's names), deploying
// into one simulated cloud.

// producerStackFile is the producer's stack file listing these consumer
// stacks (each consumer name's stack is orders-<name>).
func producerStackFile(consumers ...string) []byte {
	accounts := map[string]string{"app": "222222222222", "batch": "333333333333"}
	var b strings.Builder
	b.WriteString(`config:
  pulumi:disable-default-providers: ["*"]
  xaccount-api:stackRole: producer
  xaccount-api:region: eu-west-1
  xaccount-api:producer:
    accountId: "111111111111"
    profile: xaccount-orders-producer
  xaccount-api:api:
    stageName: dev
  xaccount-api:consumers:
`)
	for _, c := range consumers {
		fmt.Fprintf(&b, "    - name: %s\n      accountId: %q\n      stack: organization/xaccount-api/orders-%s\n", c, accounts[c], c)
	}
	return []byte(b.String())
}

// consumerStackFile is consumer name's own stack file.
func consumerStackFile(name, account, cidr string) []byte {
	return []byte(fmt.Sprintf(`config:
  pulumi:disable-default-providers: ["*"]
  xaccount-api:stackRole: consumer
  xaccount-api:region: eu-west-1
  xaccount-api:producer:
    accountId: "111111111111"
    stack: organization/xaccount-api/orders
  xaccount-api:consumers:
    - name: %s
      accountId: %q
      profile: xaccount-orders-%s
      vpc: {cidr: %s}
      probe: true
`, name, account, name, cidr))
}

// endpointOf is the endpoint ID a consumer stack published.
func endpointOf(t *testing.T, s *engineStack) string {
	t.Helper()
	id, _ := s.outputs()["endpointId"].Value.(string)
	require.NotEmpty(t, id, "stack %s publishes endpointId", s.name)
	return id
}

// requireAtMostTwoProviders: an operation of a split stack started at most
// two provider processes, the point of the split.
func requireAtMostTwoProviders(t *testing.T, r result, what string) {
	t.Helper()
	assert.LessOrEqualf(t, r.processes, 2, "%s started %d provider processes", what, r.processes)
}

// TestSplitTopologyLifecycle: the three-step bootstrap, a second run that
// changes nothing, a consumer stack added, a producer change the consumers
// pick up on their next run, and a consumer removed in the documented order
// after its stack refused to go first.
func TestSplitTopologyLifecycle(t *testing.T) {
	t.Parallel()
	app := newEngineStack(t, "orders-app", withStackFile(consumerStackFile("app", "222222222222", "10.20.0.0/24")))
	app.step(t, "the producer's stack must exist first", func(t *testing.T) {
		r := app.up()
		require.Error(t, r.err, "a reference to a stack that does not exist fails")
		assert.Contains(t, r.out+r.errOut, `unknown stack "organization/xaccount-api/orders"`)
		app.cloudView(func(c *fakeaws.Cloud) { assert.Empty(t, c.Calls, "nothing was created") })
	})
	producer := newEngineStack(t, "orders", besides(app), withStackFile(producerStackFile("app")))

	appEndpoint := ""
	if !app.step(t, "bootstrap 1: the consumer stack creates only its endpoint", func(t *testing.T) {
		r := app.mustUp()
		requireAtMostTwoProviders(t, r, "the consumer's first up")
		assert.Contains(t, r.out, "has published no API yet")
		appEndpoint = endpointOf(t, app)
		app.cloudView(func(c *fakeaws.Cloud) {
			require.Contains(t, c.Endpoints, appEndpoint)
			policy := c.Endpoints[appEndpoint].Policy
			assert.Contains(t, policy, `"Effect":"Deny"`, "before the API exists the endpoint invokes nothing, never AWS's default full access")
			assert.NotContains(t, policy, `"Effect":"Allow"`)
			assert.Empty(t, c.Functions, "no probe before the API exists")
			assert.Empty(t, c.RestApis)
		})
	}) {
		return
	}
	if !producer.step(t, "bootstrap 2: the producer's stack creates the API for that endpoint", func(t *testing.T) {
		r := producer.mustUp()
		requireAtMostTwoProviders(t, r, "the producer's up")
		st := producer.apiState()
		assert.Equal(t, []string{appEndpoint}, st.api.VpcEndpointIds)
		requirePolicyAllowsExactly(t, st, []string{appEndpoint})
	}) {
		return
	}
	if !app.step(t, "bootstrap 3: the consumer stack adds its endpoint policy and probe", func(t *testing.T) {
		r := app.mustUp()
		requireAtMostTwoProviders(t, r, "the consumer's second up")
		requireProbeGreen(t, app, "app", 4)
		requireEndpointPoliciesScoped(t, app, app.apiState().api, "dev")
		assert.Equal(t, appEndpoint, endpointOf(t, app), "the same endpoint")
	}) {
		return
	}
	app.step(t, "a run with nothing new changes nothing", func(t *testing.T) {
		requireNoChanges(t, app)
		requireNoChanges(t, producer)
	})

	batch := newEngineStack(t, "orders-batch", besides(app), withStackFile(consumerStackFile("batch", "333333333333", "10.30.0.0/24")))
	before := invokes(app)
	if !batch.step(t, "a consumer stack is added", func(t *testing.T) {
		batch.mustUp()
		batchEndpoint := endpointOf(t, batch)
		producer.editStackFile(producerStackFile("app", "batch"))
		producer.mustUp()
		requirePolicyAllowsExactly(t, producer.apiState(), []string{appEndpoint, batchEndpoint})
		requireMonitoringFollows(t, producer, "111111111111", producer.apiState().api.Id, "dev", map[string]string{"app": appEndpoint, "batch": batchEndpoint})
		batch.mustUp()
		requireProbeGreen(t, batch, "batch", 4)
	}) {
		return
	}
	app.step(t, "the other consumer picks the producer's change up on its next run", func(t *testing.T) {
		r := app.preview()
		require.NoError(t, r.err, r.out)
		assert.Contains(t, r.opsOf("aws:lambda/invocation:Invocation"), "replace", "a new deployment re-runs the probe")
		app.mustUp()
		assert.Greater(t, invokes(app), before)
		requireProbeGreen(t, app, "app", 4)
	})

	batch.step(t, "a consumer stack refuses to go while the producer lists it", func(t *testing.T) {
		r := batch.destroy()
		require.Error(t, r.err, "destroy must fail")
		t.Logf("refused: %s", lastLines(r.out+r.errOut, 6))
		assert.Contains(t, r.out+r.errOut, "protected")
		batch.cloudView(func(c *fakeaws.Cloud) {
			assert.Len(t, c.Endpoints, 2, "both endpoints are still there")
			assert.Len(t, c.Functions, 2, "both probes too: nothing was deleted")
			for id, e := range c.Endpoints {
				assert.NotEmptyf(t, e.Policy, "endpoint %s keeps its policy", id)
			}
		})
		assert.NotRegexp(t, `\d+ deleted`, r.out, "no resource was deleted")
	})
	batch.step(t, "removed in the documented order: producer first, then the consumer's up, then its destroy", func(t *testing.T) {
		producer.editStackFile(producerStackFile("app"))
		producer.mustUp()
		requirePolicyAllowsExactly(t, producer.apiState(), []string{appEndpoint})
		requireMonitoringFollows(t, producer, "111111111111", producer.apiState().api.Id, "dev", map[string]string{"app": appEndpoint})
		batch.mustUp() // unprotects the endpoint and drops the probe
		r := batch.destroy()
		require.NoErrorf(t, r.err, "destroy:\n%s", r.out)
		batch.cloudView(func(c *fakeaws.Cloud) {
			assert.Len(t, c.Endpoints, 1)
			assert.Contains(t, c.Endpoints, appEndpoint)
		})
		app.mustUp()
		requireProbeGreen(t, app, "app", 4)
	})
}

// lastLines is the end of an engine output, for the log.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
