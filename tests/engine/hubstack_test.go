package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/iampolicy"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// hubSplitFile is a stack file of tests/testdata/hubsplit: the hub's
// (shop-network), the producer's (shop) and spoke orders' (shop-orders).
// Their accounts, VPCs and subnets are Pulumi.hub.yaml's, which
// seedHubProbeNetworks creates.
func hubSplitFile(t *testing.T, stack string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "tests", "testdata", "hubsplit", "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	return b
}

// TestHubInAStackOfItsOwn: the hub's, the producer's and a spoke's stacks,
// each with the roles --iam prints for it, deployed in the bootstrap's
// order (hub, producer, hub again, spoke): the spoke's probe calls the API
// by its own name through the hub endpoint and gets 200 by every form; a
// run with nothing new changes nothing; the spoke's and the hub's stacks
// refuse a destroy while the producer's lists them, with nothing deleted
// (their protected ListedByProducer guards); in the documented order (the
// producer, then the spoke's up and destroy, the hub's up and destroy) the
// stacks leave nothing behind.
func TestHubInAStackOfItsOwn(t *testing.T) {
	t.Parallel()
	producer := newEngineStack(t, "shop", withStackFile(hubSplitFile(t, "shop")), withSeed(seedHubProbeNetworks))
	hub := newEngineStack(t, "shop-network", besides(producer), withStackFile(hubSplitFile(t, "shop-network")))
	spoke := newEngineStack(t, "shop-orders", besides(producer), withStackFile(hubSplitFile(t, "shop-orders")))

	hubEndpoint := ""
	if !hub.step(t, "bootstrap 1: the hub's stack creates the hub endpoint, invoking nothing yet", func(t *testing.T) {
		r := hub.mustUp()
		assert.Contains(t, r.out, "has published no API yet")
		hubEndpoint, _ = hub.outputs()["endpointId"].Value.(string)
		require.NotEmpty(t, hubEndpoint)
		hub.cloudView(func(c *fakeaws.Cloud) {
			require.Contains(t, c.Endpoints, hubEndpoint)
			policy := c.Endpoints[hubEndpoint].Policy
			assert.Contains(t, policy, `"Effect":"Deny"`, "before the API exists the endpoint invokes nothing, never AWS's default full access")
			assert.NotContains(t, policy, `"Effect":"Allow"`)
			assert.Empty(t, c.Zones, "no zone before the API exists")
		})
	}) {
		return
	}
	if !producer.step(t, "bootstrap 2: the producer's stack lists the hub endpoint once", func(t *testing.T) {
		producer.mustUp()
		st := producer.apiState()
		assert.Equal(t, []string{hubEndpoint}, st.api.VpcEndpointIds)
	}) {
		return
	}
	if !hub.step(t, "bootstrap 3: the hub's stack scopes its policy and names its zone for the API", func(t *testing.T) {
		hub.mustUp()
		zoneId, _ := hub.outputs()["zoneId"].Value.(string)
		require.NotEmpty(t, zoneId)
		hub.cloudView(func(c *fakeaws.Cloud) {
			assert.NotEmpty(t, c.Endpoints[hubEndpoint].Policy)
			require.Contains(t, c.Zones, zoneId)
		})
	}) {
		return
	}
	if !spoke.step(t, "the spoke's stack associates its VPC and calls the API through the hub", func(t *testing.T) {
		spoke.mustUp()
		requireProbeGreen(t, spoke, "orders", 4)
		results := probeResults(t, spoke, "orders")
		assert.Contains(t, results, "privateDns", "by the API's own name, through the hub's zone")
	}) {
		return
	}
	spoke.step(t, "a run with nothing new changes nothing", func(t *testing.T) {
		requireNoChanges(t, hub)
		requireNoChanges(t, producer)
		requireNoChanges(t, spoke)
	})
	spoke.step(t, "the spoke's stack refuses to go while the producer lists it", func(t *testing.T) {
		assert.Equal(t, []bool{true}, spoke.stateProtect()["xaccount:index:ListedByProducer"], "the guard is protected")
		dep, err := spoke.stack.Export(testContext(t))
		require.NoError(t, err)
		var state struct {
			Resources []struct {
				Type         string   `json:"type"`
				Dependencies []string `json:"dependencies"`
			} `json:"resources"`
		}
		require.NoError(t, json.Unmarshal(dep.Deployment, &state))
		for _, r := range state.Resources {
			if r.Type == "xaccount:index:ListedByProducer" {
				assert.Len(t, r.Dependencies, 2, "the guard depends on the zone association and the probe's invocation: %v", r.Dependencies)
			}
		}
		r := spoke.destroy()
		require.Error(t, r.err, "destroy must fail")
		assert.Contains(t, r.out+r.errOut, "protected")
		assert.NotRegexp(t, `\d+ deleted`, r.out, "no resource was deleted")
	})
	hub.step(t, "the hub's stack refuses to go while the producer lists it", func(t *testing.T) {
		assert.Equal(t, []bool{true}, hub.stateProtect()["xaccount:index:ListedByProducer"], "the guard is protected")
		r := hub.destroy()
		require.Error(t, r.err, "destroy must fail")
		t.Logf("refused: %s", lastLines(r.out+r.errOut, 6))
		assert.Contains(t, r.out+r.errOut, "protected")
		assert.NotRegexp(t, `\d+ deleted`, r.out, "no resource was deleted")
		hub.cloudView(func(c *fakeaws.Cloud) {
			require.Contains(t, c.Endpoints, hubEndpoint, "the hub endpoint is still there")
			assert.NotEmpty(t, c.Endpoints[hubEndpoint].Policy, "with its policy")
			assert.Len(t, c.Zones, 1, "and its zone")
		})
	})
	hub.step(t, "removed in the documented order: the producer, then each stack's up and destroy (the spoke's, the hub's)", func(t *testing.T) {
		r := producer.destroy()
		require.NoError(t, r.err, lastLines(r.out+r.errOut, 12))
		spoke.mustUp() // the producer lists it no more: unprotects the spoke's guard
		assert.Equal(t, []bool{false}, spoke.stateProtect()["xaccount:index:ListedByProducer"])
		r = spoke.destroy()
		require.NoError(t, r.err, lastLines(r.out+r.errOut, 12))
		up := hub.mustUp() // the producer lists it no more: unprotects the guard
		assert.Contains(t, up.out, "has published no API yet")
		assert.Equal(t, []bool{false}, hub.stateProtect()["xaccount:index:ListedByProducer"])
		r = hub.destroy()
		require.NoError(t, r.err, lastLines(r.out+r.errOut, 12))
		hub.cloudView(func(c *fakeaws.Cloud) {
			assert.Empty(t, c.Endpoints)
			assert.Empty(t, c.RestApis)
			assert.Empty(t, c.Zones)
			assert.Empty(t, c.Functions)
		})
	})
}

// TestAnEndpointStoppedBeforeItsPolicyInvokesNothing: an up that stops
// between creating the hub endpoint and attaching its separate policy (here:
// the network account's deployer may not ModifyVpcEndpoint) leaves the
// endpoint invoking nothing, never with AWS's full-access default, which
// would let every spoke, its security group already open, reach any private
// API of the region that admits the endpoint.
func TestAnEndpointStoppedBeforeItsPolicyInvokesNothing(t *testing.T) {
	t.Parallel()
	producer := newEngineStack(t, "shop", withStackFile(hubSplitFile(t, "shop")), withSeed(seedHubProbeNetworks))
	hub := newEngineStack(t, "shop-network", besides(producer), withStackFile(hubSplitFile(t, "shop-network")))
	hub.editPolicy = func(account, kind string, doc *iampolicy.Document) {
		if account != "777777777777" || kind != "deployer" {
			return
		}
		for i := range doc.Statement {
			doc.Statement[i].Action = slices.DeleteFunc(doc.Statement[i].Action, func(a string) bool { return a == "ec2:ModifyVpcEndpoint" })
		}
	}
	r := hub.up()
	require.Error(t, r.err, "the policy's attachment is refused")
	assert.Contains(t, r.out+r.errOut, "ec2:ModifyVpcEndpoint")
	hub.cloudView(func(c *fakeaws.Cloud) {
		require.Len(t, c.Endpoints, 1, "the endpoint was created")
		for _, e := range c.Endpoints {
			assert.Contains(t, e.Policy, `"Effect":"Deny"`, "it invokes nothing")
			assert.NotContains(t, e.Policy, `"Effect":"Allow"`)
		}
	})
}
