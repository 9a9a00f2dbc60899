package tests

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/internal/stack"
)

// Stack references of the hubsplit folder, as its files name them.
const (
	shopRef        = "organization/xaccount-api/shop"
	shopNetworkRef = "organization/xaccount-api/shop-network"
)

// referencingRun is one run of a stack of the split topology whose
// referenced stacks answer with the outputs given: what it registered, the
// warnings it logged and its error.
type referencingRun struct {
	mocks    *awsmock.Mocks
	warnings []string
	err      error
}

// runReferencing runs stack name, from its file in dir, under the mocks
// with the referenced stacks' outputs (by reference; a value made with
// resource.MakeSecret is one that stack keeps secret) and collects the
// warnings the program logs about them (stack.ObserveWarnings).
func runReferencing(t *testing.T, dir, name string, outputs map[string]map[string]any) referencingRun {
	t.Helper()
	raw, err := plan.ReadConfigFile(plan.StackFile(dir, name))
	require.NoError(t, err)
	cfg, err := config.Load(raw.Values, raw.SecretKeys, name)
	require.NoError(t, err)
	env, err := awsmock.ConfigEnv(raw.Values, raw.SecretKeys)
	require.NoError(t, err)
	for k, v := range env {
		t.Setenv(k, v)
	}
	run := referencingRun{mocks: awsmock.New(config.Namespace, name, awsmock.Profiles(cfg.ProfileAccounts()), awsmock.StackOutputs(outputs))}
	var mu sync.Mutex
	stop := func() {}
	run.err = run.mocks.Run(func(ctx *pulumi.Context) error {
		// Observed until the run is over: a warning may come from an
		// apply, after this function has returned.
		stop = stack.ObserveWarnings(ctx, func(w string) { mu.Lock(); defer mu.Unlock(); run.warnings = append(run.warnings, w) })
		_, err := stack.DeployConfig(ctx, cfg)
		return err
	})
	stop()
	return run
}

// hubSplitOutputs are the outputs of the hubsplit folder's hub and producer
// stacks once the bootstrap has converged, by reference.
func hubSplitOutputs(t *testing.T) map[string]map[string]any {
	t.Helper()
	hub, err := planHubSplit(t, hubSplitDir, "shop-network")
	require.NoError(t, err)
	producer, err := planHubSplit(t, hubSplitDir, "shop")
	require.NoError(t, err)
	return map[string]map[string]any{shopNetworkRef: hub.Outputs, shopRef: producer.Outputs}
}

// guardOf is the run's ListedByProducer guard.
func guardOf(t *testing.T, run referencingRun) awsmock.Resource {
	t.Helper()
	guards := run.mocks.OfType(components.ListedByProducerType)
	require.Len(t, guards, 1, "one guard")
	return guards[0]
}

// TestHubStackIsHeldWhileTheProducerListsIt: the hub's stack has a
// ListedByProducer guard that depends, directly or not, on every resource
// of the hub, protected once the producer's stack names this stack in its
// hub output (its API's policy admits the hub endpoint and the spokes), and
// not before its first run or when it names another hub's stack.
func TestHubStackIsHeldWhileTheProducerListsIt(t *testing.T) {
	converged, err := planHubSplit(t, hubSplitDir, "shop-network")
	require.NoError(t, err)
	assert.True(t, guardProtected(t, converged), "protected while the producer's stack lists the hub")
	onlyTheGuardIsHeld(t, converged)

	raw, err := plan.ReadConfigFile(plan.StackFile(hubSplitDir, "shop-network"))
	require.NoError(t, err)
	first, err := plan.Run("shop-network", raw)
	require.NoError(t, err)
	assert.False(t, guardProtected(t, first), "the producer has published nothing yet")

	outputs := hubSplitOutputs(t)
	outputs[shopRef]["hub"].(map[string]any)["stack"] = "organization/xaccount-api/other-network"
	run := runReferencing(t, hubSplitDir, "shop-network", outputs)
	require.NoError(t, run.err)
	assert.False(t, guardOf(t, run).Protect, "the producer lists another hub's stack")

	delete(outputs[shopRef], "hub")
	run = runReferencing(t, hubSplitDir, "shop-network", outputs)
	require.NoError(t, run.err)
	assert.False(t, guardOf(t, run).Protect, "the producer has dropped the hub")
}

// TestAReplacedHubEndpointIsNotListed: when the hub's stack publishes a new
// endpoint and the producer's still lists the old one, the spoke's stack
// does not count as listed (no probe) and says which stacks to run; the
// hub's stack says so too. Neither refuses: a pipeline's first pass goes
// through this state.
func TestAReplacedHubEndpointIsNotListed(t *testing.T) {
	outputs := hubSplitOutputs(t)
	run := runReferencing(t, hubSplitDir, "shop-orders", outputs)
	require.NoError(t, run.err)
	assert.NotEmpty(t, run.mocks.OfType("aws:lambda/invocation:Invocation"), "listed: the probe runs")
	assert.Empty(t, run.warnings)

	const old = "vpce-0123456789abcdef0"
	outputs[shopRef]["hub"].(map[string]any)["endpointId"] = old
	run = runReferencing(t, hubSplitDir, "shop-orders", outputs)
	require.NoError(t, run.err, "no refusal")
	assert.Empty(t, run.mocks.OfType("aws:lambda/invocation:Invocation"), "the probe waits for the producer")
	require.Len(t, run.warnings, 1)
	current := outputs[shopNetworkRef]["endpointId"].(string)
	for _, said := range []string{"stack " + shopRef + " lists hub endpoint " + old, "hub stack " + shopNetworkRef + " now publishes " + current, "run pulumi up in stack " + shopRef} {
		assert.Contains(t, run.warnings[0], said)
	}

	run = runReferencing(t, hubSplitDir, "shop-network", outputs)
	require.NoError(t, run.err, "no refusal")
	require.Len(t, run.warnings, 1)
	for _, said := range []string{"stack " + shopRef + " lists hub endpoint " + old, "this stack's hub endpoint is now " + current, "run pulumi up in stack " + shopRef} {
		assert.Contains(t, run.warnings[0], said)
	}
	assert.True(t, guardOf(t, run).Protect, "still named by the producer: still held")
}

// TestSpokeStackReportsBothStacksProblemsInOneRun: a spoke's stack whose
// hub's stack lists it otherwise and whose producer's stack is in another
// account reports both problems in one run.
func TestSpokeStackReportsBothStacksProblemsInOneRun(t *testing.T) {
	outputs := hubSplitOutputs(t)
	outputs[shopRef]["producerAccountId"] = "999999999999"
	outputs[shopNetworkRef]["spokes"].(map[string]any)["orders"].(map[string]any)["allowedCidrs"] = []any{"10.30.0.0/25"}
	run := runReferencing(t, hubSplitDir, "shop-orders", outputs)
	var ce *config.Error
	require.True(t, errors.As(run.err, &ce), "%v", run.err)
	keys := map[string]string{}
	for _, p := range ce.Problems {
		keys[p.Key] = p.Message
	}
	assert.Contains(t, keys["xaccount-api:consumers[0]"], "does not list it so (it lists billing in account 444444444444, orders in account 333333333333)", "the hub's stack's problem")
	assert.Contains(t, keys["xaccount-api:producer.accountId"], "publishes an API in account 999999999999", "and the producer's")
	for _, r := range run.mocks.Resources() {
		assert.Equal(t, awsmock.StackReferenceType, r.Type, "nothing registered but the references")
	}
}

// TestSpokeOfAHubWithoutAZoneIsNotWarned: a hub with dns: none publishes no
// zone, and its spokes' stacks do not warn that it has not yet; a hub with
// dns: phz that has not published its zone is warned of.
func TestSpokeOfAHubWithoutAZoneIsNotWarned(t *testing.T) {
	outputs := hubSplitOutputs(t)
	delete(outputs[shopNetworkRef], "zoneId")
	run := runReferencing(t, hubSplitDir, "shop-orders", outputs)
	require.NoError(t, run.err)
	require.Len(t, run.warnings, 1, "dns: phz and no zone yet")
	assert.Contains(t, run.warnings[0], "has published no zone for the API yet")

	outputs[shopNetworkRef]["dns"] = components.HubDnsNone
	run = runReferencing(t, hubSplitDir, "shop-orders", outputs)
	require.NoError(t, run.err)
	assert.Empty(t, run.warnings, "dns: none publishes no zone")
	assert.Empty(t, run.mocks.OfType("aws:route53/zoneAssociation:ZoneAssociation"))
}

// TestASecretSpokesOutputIsRefusedByBothReaders: a hub stack that keeps its
// spokes output secret is refused by the producer's stack (on each spoke)
// and by a spoke's stack (on consumers[0]), saying so, rather than read as
// if it listed nothing or read in secret.
func TestASecretSpokesOutputIsRefusedByBothReaders(t *testing.T) {
	outputs := hubSplitOutputs(t)
	hub := outputs[shopNetworkRef]
	hub["spokes"] = resource.MakeSecret(resource.NewPropertyValue(hub["spokes"]))
	for _, name := range []string{"shop", "shop-orders"} {
		run := runReferencing(t, hubSplitDir, name, outputs)
		var ce *config.Error
		require.Truef(t, errors.As(run.err, &ce), "%s: %v", name, run.err)
		require.NotEmpty(t, ce.Problems)
		for _, p := range ce.Problems {
			assert.True(t, strings.HasPrefix(p.Key, "xaccount-api:consumers["), p.Key)
			assert.Contains(t, p.Message, "publishes a secret value", name)
		}
	}
}

// TestSpokeStackIsHeldWhileTheProducerListsIt: a spoke's own stack has a
// ListedByProducer guard on its zone association and probe, protected while
// the producer's stack lists the spoke (its API's policy admits the spoke's
// ranges through the hub), not when the producer lists it no more.
func TestSpokeStackIsHeldWhileTheProducerListsIt(t *testing.T) {
	converged, err := planHubSplit(t, hubSplitDir, "shop-orders")
	require.NoError(t, err)
	assert.True(t, guardProtected(t, converged), "protected while the producer's stack lists the spoke")
	onlyTheGuardIsHeld(t, converged)

	outputs := hubSplitOutputs(t)
	outputs[shopRef]["hub"].(map[string]any)["endpointId"] = "vpce-0123456789abcdef0"
	run := runReferencing(t, hubSplitDir, "shop-orders", outputs)
	require.NoError(t, run.err)
	assert.Empty(t, run.mocks.OfType("aws:lambda/invocation:Invocation"), "the probe waits for the producer to list the new hub endpoint")
	assert.True(t, guardOf(t, run).Protect, "the producer still lists the spoke: still held")

	outputs = hubSplitOutputs(t)
	delete(outputs[shopRef]["consumers"].(map[string]any), "orders")
	run = runReferencing(t, hubSplitDir, "shop-orders", outputs)
	require.NoError(t, run.err)
	assert.False(t, guardOf(t, run).Protect, "the producer lists the spoke no more")
}

// onlyTheGuardIsHeld: no resource of the plan but its ListedByProducer guard
// is protected; the others stay replaceable.
func onlyTheGuardIsHeld(t *testing.T, p *plan.Plan) {
	t.Helper()
	for _, r := range p.Resources {
		if r.Type != components.ListedByProducerType {
			assert.Falsef(t, r.Protect, "%s %s: only the guard is held; the stack's resources stay replaceable", r.Type, r.Name)
		}
	}
}
