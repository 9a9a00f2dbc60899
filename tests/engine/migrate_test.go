package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// ordersSubnet is a subnet of the orders VPC, for the endpoint orders has
// while it is a consumer of its own (via: own in an existing VPC).
const ordersSubnet = "subnet-0b1c2d3e4f5a60719"

// seedMigrationNetworks is seedHubNetworks with a subnet in the orders VPC
// for its own endpoint.
func seedMigrationNetworks(store *fakeaws.Store) error {
	if err := seedHubNetworks(store); err != nil {
		return err
	}
	orders := hubWorkload[0]
	return store.Seed(nil, []fakeaws.Subnet{{Scope: orders.scope, Id: ordersSubnet, VpcId: orders.vpc, CidrBlock: "10.30.0.0/25", AvailabilityZone: "eu-west-1a"}})
}

// hubConsumers are Pulumi.hub.yaml's consumers (app, orders, billing).
func hubConsumers(t *testing.T) []any {
	t.Helper()
	var doc map[string]any
	b, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.hub.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &doc))
	return doc["config"].(map[string]any)["xaccount-api:consumers"].([]any)
}

// withOrders is the consumers with orders replaced.
func withOrders(consumers []any, orders map[string]any) []any {
	out := append([]any{}, consumers...)
	out[1] = orders
	return out
}

// TestHubMigration: orders, a consumer with an endpoint of its own (private
// DNS on, in its existing VPC) calling the API by its name, moves to the hub
// (dns: phz) in one up and back in another. In each, the simulated AWS makes
// the call again after every change it makes (Cloud.Watches): the name
// resolves at every step, no step meets ConflictingDomainExists, and the call
// is refused only in the step this test names (the order is in docs/hub.md,
// "Moving a consumer between its own endpoint and the hub"). Then a third
// spoke is added and removed (its call refused once it is gone), and
// destroy removes everything.
func TestHubMigration(t *testing.T) {
	t.Parallel()
	start := time.Now()
	s := newEngineStack(t, "hub", withSeed(seedMigrationNetworks))
	orders := hubWorkload[0]
	consumers := hubConsumers(t)
	spoke := consumers[1].(map[string]any)
	own := map[string]any{"name": "orders", "accountId": spoke["accountId"], "profile": spoke["profile"],
		"vpc": map[string]any{"id": orders.vpc, "subnetIds": []any{ordersSubnet}}, "privateDns": true}
	s.editConfig("consumers", withOrders(consumers, own))
	s.mustUp()

	var ownEndpoint string
	s.cloudView(func(c *fakeaws.Cloud) {
		for id, e := range c.Endpoints {
			if e.Scope == orders.scope {
				ownEndpoint = id
				assert.True(t, e.PrivateDns, "orders' own endpoint has private DNS on")
			}
		}
	})
	require.NotEmpty(t, ownEndpoint, "orders has an endpoint of its own")
	urls := s.outputs()["consumers"].Value.(map[string]any)["orders"].(map[string]any)["invokeUrls"].(map[string]any)
	apiName := urls["privateDns"].(string)
	s.cloudView(func(c *fakeaws.Cloud) {
		status, failure := c.CallFromWorkload(orders.scope, orders.vpc, orders.cidr, apiName)
		require.Equalf(t, 200, status, "orders calls by name through its own endpoint (failure %q)", failure)
	})

	// watch makes orders' call again after every change of the next up and
	// returns what it met, step by step.
	watch := func(run func()) []fakeaws.Watched {
		require.NoError(t, s.cloud.Update(func(c *fakeaws.Cloud) error {
			c.Watches = []fakeaws.Watch{{Scope: orders.scope, VpcId: orders.vpc, Cidr: orders.cidr, Url: apiName}}
			c.Watched = nil
			return nil
		}))
		run()
		var seen []fakeaws.Watched
		require.NoError(t, s.cloud.Update(func(c *fakeaws.Cloud) error {
			seen, c.Watches, c.Watched = c.Watched, nil, nil
			return nil
		}))
		require.NotEmpty(t, seen)
		return seen
	}
	// refused are the steps after which orders' call did not get 200.
	refused := func(seen []fakeaws.Watched) []string {
		var out []string
		for _, w := range seen {
			assert.NotEqualf(t, "dns", w.Failure, "the API's name resolves after %s", w.After)
			if w.Status != 200 {
				out = append(out, op(w.After)+" → "+answer(w))
			}
		}
		return out
	}

	s.transitionRoles = true // orders' endpoint is deleted with the roles of the file as deployed
	s.step(t, "own to hub in one up", func(t *testing.T) {
		seen := watch(func() { s.editConfig("consumers", consumers); s.mustUp() })
		t.Logf("orders' call after each change:\n%s", watchLog(seen))
		// The one step the policy cannot cover: from the association (the
		// name now goes to the hub, whose group already admits orders) to
		// the stage serving the deployment that admits orders there.
		bad := refused(seen)
		require.Lenf(t, bad, 1, "orders' call is refused in one step only: %v", bad)
		assert.Equal(t, "AssociateVPCWithHostedZone", strings.Fields(bad[0])[0], "the association comes before the stage serves the new policy")
		assert.Contains(t, bad[0], "403", "by the policy the stage still serves, not by the hub's security group")
		i := slices.IndexFunc(seen, func(w fakeaws.Watched) bool { return strings.HasPrefix(op(w.After), "AssociateVPCWithHostedZone") })
		require.Less(t, i+1, len(seen))
		assert.Equal(t, "UpdateStage", strings.Fields(op(seen[i+1].After))[0], "the next step serves the policy that admits orders through the hub")
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.NotContains(t, c.Endpoints, ownEndpoint, "its own endpoint is gone")
			status, failure := c.CallFromWorkload(orders.scope, orders.vpc, orders.cidr, apiName)
			assert.Equalf(t, 200, status, "orders calls by name through the hub (failure %q)", failure)
		})
	})

	s.step(t, "hub to own in one up", func(t *testing.T) {
		seen := watch(func() { s.editConfig("consumers", withOrders(consumers, own)); s.mustUp() })
		t.Logf("orders' call after each change:\n%s", watchLog(seen))
		// The name stays with the hub's zone (the most specific) until the
		// association goes, which Pulumi deletes last; the hub's group and
		// policy stop admitting orders before that, as updates.
		bad := refused(seen)
		require.NotEmpty(t, bad)
		t.Logf("orders' call refused in %d of %d steps", len(bad), len(seen))
		gone := slices.IndexFunc(seen, func(w fakeaws.Watched) bool { return strings.HasPrefix(op(w.After), "DisassociateVPCFromHostedZone") })
		require.GreaterOrEqual(t, gone, 0, "orders' VPC leaves the hub's zone")
		for _, w := range seen[gone:] {
			assert.Equalf(t, 200, w.Status, "from the disassociation on, orders calls through its own endpoint (after %s: %s)", op(w.After), answer(w))
		}
		assert.Equal(t, 200, seen[0].Status, "until the hub's group changes, through the hub")
		s.cloudView(func(c *fakeaws.Cloud) {
			for _, z := range c.Zones {
				assert.NotContains(t, z.Vpcs, orders.vpc, "orders' VPC is off the hub's zone")
			}
			status, failure := c.CallFromWorkload(orders.scope, orders.vpc, orders.cidr, apiName)
			assert.Equalf(t, 200, status, "orders calls by name through its own endpoint again (failure %q)", failure)
		})
	})

	third := hubWorkload[2]
	s.step(t, "a third spoke added, then removed", func(t *testing.T) {
		audit := map[string]any{"name": "audit", "accountId": third.scope.Account, "profile": "xaccount-hub-audit", "via": "hub",
			"vpc": map[string]any{"id": third.vpc}, "allowedCidrs": []any{third.cidr}}
		s.editConfig("consumers", append(withOrders(consumers, own), audit))
		s.mustUp()
		s.cloudView(func(c *fakeaws.Cloud) {
			status, failure := c.CallFromWorkload(third.scope, third.vpc, third.cidr, apiName)
			assert.Equalf(t, 200, status, "the third spoke calls by name through the hub (failure %q)", failure)
		})
		s.editConfig("consumers", withOrders(consumers, own))
		s.mustUp()
		s.cloudView(func(c *fakeaws.Cloud) {
			_, failure := c.CallFromWorkload(third.scope, third.vpc, third.cidr, apiName)
			assert.Equal(t, "dns", failure, "a removed spoke no longer resolves the API's name")
			billing := hubWorkload[1]
			status, _ := c.CallFromWorkload(billing.scope, billing.vpc, billing.cidr, apiName)
			assert.Equal(t, 200, status, "billing still does")
		})
	})

	s.step(t, "destroy", func(t *testing.T) {
		r := s.destroy()
		require.NoErrorf(t, r.err, "destroy:\n%s\n%s", r.out, r.errOut)
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.Empty(t, c.Endpoints)
			assert.Empty(t, c.Zones)
		})
	})
	t.Logf("TestHubMigration: %v", time.Since(start).Round(time.Second))
}

// op is the operation of a recorded call ("account region Operation target").
func op(call string) string {
	f := strings.Fields(call)
	if len(f) < 3 {
		return call
	}
	return strings.Join(f[2:], " ")
}

// watchLog is seen, one line a step.
func watchLog(seen []fakeaws.Watched) string {
	var b strings.Builder
	for _, w := range seen {
		b.WriteString("  " + op(w.After) + " → " + answer(w) + "\n")
	}
	return b.String()
}

// answer is what a watched call met: its failure, or its status.
func answer(w fakeaws.Watched) string {
	if w.Failure != "" {
		return w.Failure
	}
	return strconv.Itoa(w.Status)
}
