package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// The orders spoke VPC's subnets for its probe: two in the range the spoke
// lists (10.30.0.0/25 in hubProbeConsumers), one outside it.
var (
	ordersListedSubnet  = "subnet-0b1c2d3e4f5a60719" // 10.30.0.0/26
	ordersListedSubnet2 = "subnet-0b1c2d3e4f5a6071a" // 10.30.0.64/26
	ordersOutsideSubnet = "subnet-0b1c2d3e4f5a6071b" // 10.30.0.128/26
)

func seedHubProbeNetworks(store *fakeaws.Store) error {
	if err := seedHubNetworks(store); err != nil {
		return err
	}
	orders := hubWorkload[0]
	return store.Seed(nil, []fakeaws.Subnet{
		{Scope: orders.scope, Id: ordersListedSubnet, VpcId: orders.vpc, CidrBlock: "10.30.0.0/26", AvailabilityZone: "eu-west-1a"},
		{Scope: orders.scope, Id: ordersListedSubnet2, VpcId: orders.vpc, CidrBlock: "10.30.0.64/26", AvailabilityZone: "eu-west-1b"},
		{Scope: orders.scope, Id: ordersOutsideSubnet, VpcId: orders.vpc, CidrBlock: "10.30.0.128/26", AvailabilityZone: "eu-west-1a"},
	})
}

// hubProbeConsumers are Pulumi.hub.yaml's consumers with the orders spoke
// listing 10.30.0.0/25 only and probing from subnets (vpc.subnetIds).
func hubProbeConsumers(t *testing.T, subnets ...string) []any {
	t.Helper()
	var doc map[string]any
	b, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.hub.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &doc))
	consumers := doc["config"].(map[string]any)["xaccount-api:consumers"].([]any)
	orders := consumers[1].(map[string]any)
	require.Equal(t, "orders", orders["name"])
	orders["allowedCidrs"] = []any{"10.30.0.0/25"}
	orders["probe"] = true
	var ids []any
	for _, id := range subnets {
		ids = append(ids, id)
	}
	orders["vpc"].(map[string]any)["subnetIds"] = ids
	return consumers
}

// TestHubProbe: a spoke's probe runs in its own account, in a subnet of the
// spoke VPC, and proves the call through the hub endpoint by every form a
// spoke has (the API's own name through the hub's zone, the alias, the hub
// endpoint's name with either header), with the roles --iam prints. Moved
// to a subnet while the spoke VPC has no route to the hub, it fails the
// update with the hub's timeout diagnosis; a subnet outside the spoke's
// ranges is refused by the preflight; sent through a private NAT gateway
// whose address no spoke lists, with the hub's security group opened to it
// by hand, the API's policy refuses it (403) and the probe says the range
// is not this spoke's. Without the NAT gateway it is green again; destroy
// removes it.
func TestHubProbe(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "hub", withSeed(seedHubProbeNetworks))
	s.editConfig("consumers", hubProbeConsumers(t, ordersListedSubnet))
	s.mustUp()
	orders := hubWorkload[0]

	results := probeResults(t, s, "orders")
	forms := []string{"privateDns", "publicDnsWithApiIdHeader", "publicDnsWithHostHeader", "route53Alias"}
	var got []string
	for form, v := range results {
		got = append(got, form)
		res := v.(map[string]any)
		assert.Equalf(t, true, res["ok"], "%s through the hub: %v", form, res)
		assert.EqualValuesf(t, 200, res["status"], form)
	}
	slices.Sort(got)
	assert.Equal(t, forms, got, "every form a spoke of dns phz has")
	var hubGroup string
	s.cloudView(func(c *fakeaws.Cloud) {
		var probes []*fakeaws.Function
		for _, f := range c.Functions {
			probes = append(probes, f)
		}
		require.Len(t, probes, 1)
		assert.Equal(t, orders.scope, probes[0].Scope, "in the spoke's account")
		assert.Equal(t, orders.vpc, probes[0].VpcId)
		assert.Equal(t, []string{ordersListedSubnet}, probes[0].SubnetIds)
		g := c.SecurityGroups[probes[0].SecurityGroupIds[0]]
		assert.Equal(t, []string{"10.90.0.0/24"}, g.EgressCidrs, "443 out to the hub VPC's range only")
		assert.Empty(t, g.EgressGroups)
		for _, e := range c.Endpoints {
			if e.VpcId == hubVpc {
				hubGroup = e.SecurityGroupIds[0]
			}
		}
	})

	s.step(t, "no route to the hub: the probe times out and says to check the Transit Gateway routes", func(t *testing.T) {
		require.NoError(t, s.cloud.Update(func(c *fakeaws.Cloud) error {
			// The spoke's Transit Gateway attachment is gone: its route
			// table still names the gateway (which the preflight reads),
			// but the gateway no longer reaches the spoke VPC.
			for _, g := range c.TransitGateways {
				g.Attachments = slices.DeleteFunc(g.Attachments, func(a string) bool { return strings.HasSuffix(a, "/"+hubWorkload[0].vpc) })
			}
			return nil
		}))
		s.editConfig("consumers", hubProbeConsumers(t, ordersListedSubnet2))
		r := s.up()
		require.Error(t, r.err, "the probe fails the update")
		says := r.out + r.errOut
		assert.Contains(t, says, "connectivity probe failed")
		assert.Contains(t, says, "returned timeout")
		assert.Contains(t, says, "Likely cause: no answer from the hub endpoint in time: the spoke VPC's route tables must send the hub VPC's range to its Transit Gateway attachment")
		require.NoError(t, seedTransitPaths(s.cloud))
	})

	s.step(t, "a subnet outside the spoke's ranges is refused before anything changes", func(t *testing.T) {
		s.editConfig("consumers", hubProbeConsumers(t, ordersOutsideSubnet))
		r := s.up()
		require.Error(t, r.err)
		says := r.out + r.errOut
		assert.Contains(t, says, "subnetIds[0]")
		assert.Contains(t, says, `got "`+ordersOutsideSubnet+`" (10.30.0.128/26), outside allowedCidrs [10.30.0.0/25]`)
		s.cloudView(func(c *fakeaws.Cloud) {
			for _, f := range c.Functions {
				assert.Equal(t, []string{ordersListedSubnet2}, f.SubnetIds, "the probe stays where it was")
			}
		})
	})

	s.step(t, "through a private NAT gateway whose address no spoke lists, let through the hub's group by hand: the API's policy refuses it (403)", func(t *testing.T) {
		require.NoError(t, s.cloud.SeedSourceNat(orders.scope, orders.vpc, "10.30.0.200"))
		require.NoError(t, s.cloud.Update(func(c *fakeaws.Cloud) error {
			g := c.SecurityGroups[hubGroup]
			g.IngressCidrs = append(g.IngressCidrs, "10.30.0.200/32") // opened by hand, outside the stack
			return nil
		}))
		// The failed run's replacement left the invocation of subnet A in the
		// state; both listed subnets are a new place, which runs it again.
		s.editConfig("consumers", hubProbeConsumers(t, ordersListedSubnet, ordersListedSubnet2))
		r := s.up()
		require.Errorf(t, r.err, "the probe fails the update: %s", r.out)
		says := r.out + r.errOut
		assert.Contains(t, says, "returned 403 AccessDeniedException")
		assert.Contains(t, says, "Likely cause: the API's resource policy refused the call through the hub: it admits a spoke only from its own ranges (aws:VpcSourceIp in consumers[].allowedCidrs)")
	})

	s.step(t, "without the NAT gateway the probe is green again", func(t *testing.T) {
		require.NoError(t, s.cloud.SeedSourceNat(orders.scope, orders.vpc, ""))
		require.NoError(t, s.cloud.Update(func(c *fakeaws.Cloud) error {
			g := c.SecurityGroups[hubGroup]
			g.IngressCidrs = slices.DeleteFunc(g.IngressCidrs, func(c string) bool { return c == "10.30.0.200/32" })
			return nil
		}))
		s.editConfig("consumers", hubProbeConsumers(t, ordersListedSubnet))
		s.mustUp()
		for form, v := range probeResults(t, s, "orders") {
			assert.Equalf(t, true, v.(map[string]any)["ok"], "%s: %v", form, v)
		}
	})

	s.step(t, "destroy removes the probe from the spoke's account", func(t *testing.T) {
		r := s.destroy()
		require.NoErrorf(t, r.err, "destroy:\n%s\n%s", r.out, r.errOut)
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.Empty(t, c.Functions)
			assert.Empty(t, c.Zones)
			for id, g := range c.SecurityGroups {
				assert.NotEqualf(t, orders.scope, g.Scope, "group %s of the spoke's account is gone", id)
			}
		})
	})
}

// seedTransitPaths joins every hub workload VPC to the hub VPC again.
func seedTransitPaths(store *fakeaws.Store) error {
	for _, w := range hubWorkload {
		if err := store.SeedTransitPath(w.scope, w.vpc, hubScope, hubVpc); err != nil {
			return err
		}
	}
	return nil
}
