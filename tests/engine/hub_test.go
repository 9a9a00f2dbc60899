package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// hubNetworks is what Pulumi.hub.yaml expects to exist: the hub VPC and
// its subnets in the network account, the two spokes' VPCs (each with a
// workload subnet in its allowedCidrs) and a third, unlisted VPC, each
// spoke and the unlisted VPC joined to the hub VPC over a Transit Gateway.
var (
	hubScope    = fakeaws.Scope{Account: "777777777777", Region: "eu-west-1"}
	hubVpc      = "vpc-0a1b2c3d4e5f60718"
	hubWorkload = []struct {
		name  string
		scope fakeaws.Scope
		vpc   string
		cidr  string
	}{
		{"orders", fakeaws.Scope{Account: "333333333333", Region: "eu-west-1"}, "vpc-0b1c2d3e4f5a60718", "10.30.0.0/24"},
		{"billing", fakeaws.Scope{Account: "444444444444", Region: "eu-west-1"}, "vpc-0c1d2e3f4a5b60718", "10.41.0.0/25"},
		{"unlisted", fakeaws.Scope{Account: "888888888888", Region: "eu-west-1"}, "vpc-0d1e2f3a4b5c60718", "10.60.0.0/24"},
	}
)

func seedHubNetworks(store *fakeaws.Store) error {
	vpcs := []fakeaws.Vpc{{Scope: hubScope, Id: hubVpc, CidrBlock: "10.90.0.0/24", EnableDnsSupport: true, EnableDnsHostnames: true}}
	subnets := []fakeaws.Subnet{
		{Scope: hubScope, Id: "subnet-0a1b2c3d4e5f60719", VpcId: hubVpc, CidrBlock: "10.90.0.0/25", AvailabilityZone: "eu-west-1a"},
		{Scope: hubScope, Id: "subnet-0a1b2c3d4e5f6071a", VpcId: hubVpc, CidrBlock: "10.90.0.128/25", AvailabilityZone: "eu-west-1b"},
	}
	for i, w := range hubWorkload {
		vpcs = append(vpcs, fakeaws.Vpc{Scope: w.scope, Id: w.vpc, CidrBlock: w.cidr, EnableDnsSupport: true, EnableDnsHostnames: true})
		subnets = append(subnets, fakeaws.Subnet{Scope: w.scope, Id: fmt.Sprintf("subnet-0%d1d2e3f4a5b6071", i+1), VpcId: w.vpc, CidrBlock: w.cidr, AvailabilityZone: "eu-west-1a"})
	}
	if err := store.Seed(vpcs, subnets); err != nil {
		return err
	}
	for _, w := range hubWorkload {
		if err := store.SeedTransitPath(w.scope, w.vpc, hubScope, hubVpc); err != nil {
			return err
		}
	}
	// billing lists 10.40.0.0/24 too, a range outside its VPC: the hub
	// routes it back to the Transit Gateway as well.
	return store.SeedRoute(hubVpc, "10.40.0.0/24", fakeaws.SeededTransitGateway(hubScope.Region))
}

// TestASpokeWithoutARouteToTheHubStopsThePreview: with the printed preview
// roles, a preview of the hub stack reads the route tables in the network
// account and each spoke's: a spoke VPC that does not route the hub
// endpoint's subnets, a hub VPC that does not route a spoke's range back,
// and a spoke VPC of another region stop it on their keys (the spokes'
// vpc.id, the hub's vpc.id), naming the route table and the range or the
// region, in one run and before anything is planned; with the VPC in the
// stack's region and the routes added the preview passes.
func TestASpokeWithoutARouteToTheHubStopsThePreview(t *testing.T) {
	t.Parallel()
	orders, billing := hubWorkload[0], hubWorkload[1]
	s := newEngineStack(t, "hub", withSeed(func(store *fakeaws.Store) error {
		if err := seedHubNetworks(store); err != nil {
			return err
		}
		if err := store.RemoveRoute(orders.vpc, "10.90.0.0/24"); err != nil {
			return err
		}
		if err := store.RemoveRoute(hubVpc, "10.40.0.0/24"); err != nil {
			return err
		}
		return moveVpc(store, billing.vpc, "us-east-1")
	}))
	s.roleKind = "preview"
	r := s.preview()
	require.Error(t, r.err)
	out := r.out + r.errOut
	var ordersTable, hubTable string
	s.cloudView(func(c *fakeaws.Cloud) {
		ordersTable, hubTable = c.Vpcs[orders.vpc].MainRouteTableId, c.Vpcs[hubVpc].MainRouteTableId
	})
	assert.Contains(t, out, "consumers[1].vpc.id")
	assert.Contains(t, out, "of VPC "+orders.vpc+" (used by subnet")
	assert.Contains(t, out, "10.90.0.0/25 (hub subnet subnet-0a1b2c3d4e5f60719, where the hub endpoint has a network interface) has no route")
	assert.Contains(t, out, "through a Transit Gateway (tgw-…) or a VPC peering connection (pcx-…)")
	assert.Contains(t, out, "hub.vpc.id")
	assert.Contains(t, out, "10.40.0.0/24 (allowedCidrs of spoke billing) has no route")
	assert.Contains(t, out, "route table "+ordersTable+" of VPC "+orders.vpc)
	assert.Contains(t, out, "route table "+hubTable+" of hub VPC "+hubVpc)
	assert.Contains(t, out, "consumers[2].vpc.id")
	assert.Contains(t, out, "no such VPC in spoke account "+billing.scope.Account+" and eu-west-1")
	assert.Contains(t, out, "VPC IDs are regional: a VPC of another region is not found in eu-west-1")
	requireNoResourcePlanned(t, s, r)

	require.NoError(t, moveVpc(s.cloud, billing.vpc, "eu-west-1"))
	tgw := fakeaws.SeededTransitGateway(hubScope.Region)
	require.NoError(t, s.cloud.SeedRoute(orders.vpc, "10.90.0.0/24", tgw))
	require.NoError(t, s.cloud.SeedRoute(hubVpc, "10.40.0.0/24", tgw))
	r = s.preview()
	require.NoError(t, r.err, "%s%s", r.out, r.errOut)
}

// TestHubLifecycle: the hub stack (a consumer with its own endpoint, two
// spokes in two accounts through the hub endpoint of a network account, the
// API's name given to the spokes by the hub's private hosted zone) deploys
// with the printed roles; a workload of each spoke calls the API through the
// hub by its own name and by the alias name; a VPC not associated with the
// zone cannot resolve the API's name; a tag change updates the zone and
// keeps the spokes on it; a spoke removed loses the name and the other
// keeps it; a VPC whose range is not
// listed is kept out by the hub's security group and, with the group
// opened by hand, by the API's policy (aws:VpcSourceIp); a preview then has
// nothing to do and destroy removes everything in every account.
func TestHubLifecycle(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "hub", withSeed(seedHubNetworks))
	up := s.mustUp()
	t.Logf("hub up: %v, %d provider processes", up.elapsed, up.processes)

	consumers := s.outputs()["consumers"].Value.(map[string]any)
	hub := s.outputs()["hub"].Value.(map[string]any)
	hubId := hub["endpointId"].(string)
	var hubGroup string
	s.cloudView(func(c *fakeaws.Cloud) {
		e := c.Endpoints[hubId]
		require.NotNil(t, e, "the hub endpoint exists")
		assert.Equal(t, hubScope, e.Scope, "in the network account")
		assert.Equal(t, hubVpc, e.VpcId)
		assert.False(t, e.PrivateDns)
		hubGroup = e.SecurityGroupIds[0]
		assert.ElementsMatch(t, []string{"10.30.0.0/24", "10.40.0.0/24", "10.41.0.0/25"}, c.SecurityGroups[hubGroup].IngressCidrs)
		for _, api := range c.RestApis {
			assert.Contains(t, api.VpcEndpointIds, hubId, "the API lists the hub endpoint")
			assert.Len(t, api.VpcEndpointIds, 2, "the app's endpoint and the hub's, once")
		}
		for _, w := range hubWorkload {
			for _, e := range c.Endpoints {
				assert.NotEqualf(t, w.scope, e.Scope, "no endpoint in %s's account", w.name)
			}
		}
	})
	apiName := consumers["orders"].(map[string]any)["invokeUrls"].(map[string]any)["privateDns"].(string)
	s.cloudView(func(c *fakeaws.Cloud) {
		var zone *fakeaws.HostedZone
		for _, z := range c.Zones {
			if "https://"+z.Name+"/hub" == apiName {
				zone = z
			}
		}
		require.NotNil(t, zone, "a zone named exactly for the API: %s", apiName)
		assert.Equal(t, hubScope.Account, zone.Account, "in the network account")
		assert.ElementsMatch(t, []string{hubVpc, hubWorkload[0].vpc, hubWorkload[1].vpc}, zone.Vpcs, "the hub VPC and each spoke's, not the unlisted one")
	})
	for _, w := range hubWorkload[:2] {
		urls := consumers[w.name].(map[string]any)["invokeUrls"].(map[string]any)
		require.Contains(t, urls, "route53Alias")
		assert.Equal(t, apiName, urls["privateDns"], "the API's own name, through the hub's zone")
		curl := consumers[w.name].(map[string]any)["curl"].(map[string]any)
		s.cloudView(func(c *fakeaws.Cloud) {
			for _, form := range []string{"privateDns", "route53Alias"} {
				status, failure := c.CallFromWorkload(w.scope, w.vpc, w.cidr, urls[form].(string))
				assert.Equalf(t, 200, status, "%s through the hub by %s (failure %q)", w.name, form, failure)
			}
			for _, form := range []string{"publicDnsWithHostHeader", "publicDnsWithApiIdHeader"} {
				require.Containsf(t, urls, form, "%s's outputs give the %s form", w.name, form)
				status, failure := c.CallFromWorkloadWith(w.scope, w.vpc, w.cidr, urls[form].(string), curlHeader(t, curl[form].(string)))
				assert.Equalf(t, 200, status, "%s through the hub by %s (failure %q)", w.name, form, failure)
			}
		})
	}
	unlisted := hubWorkload[2]
	alias := consumers["orders"].(map[string]any)["invokeUrls"].(map[string]any)["route53Alias"].(string)
	s.cloudView(func(c *fakeaws.Cloud) {
		_, failure := c.CallFromWorkload(unlisted.scope, unlisted.vpc, unlisted.cidr, apiName)
		assert.Equal(t, "dns", failure, "a VPC not associated with the hub's zone cannot resolve the API's name")
		_, failure = c.CallFromWorkload(unlisted.scope, unlisted.vpc, unlisted.cidr, alias)
		assert.Equal(t, "timeout", failure, "the hub's security group keeps an unlisted range out")
	})
	require.NoError(t, s.cloud.Update(func(c *fakeaws.Cloud) error {
		g := c.SecurityGroups[hubGroup]
		g.IngressCidrs = append(g.IngressCidrs, unlisted.cidr) // opened by hand, outside the stack
		return nil
	}))
	s.cloudView(func(c *fakeaws.Cloud) {
		status, failure := c.CallFromWorkload(unlisted.scope, unlisted.vpc, unlisted.cidr, alias)
		assert.Equalf(t, 403, status, "the API's policy refuses a range no spoke lists (failure %q)", failure)
		status, _ = c.CallFromWorkload(hubWorkload[0].scope, hubWorkload[0].vpc, hubWorkload[0].cidr, alias)
		assert.Equal(t, 200, status, "and still admits the spoke")
	})
	require.NoError(t, s.cloud.Update(func(c *fakeaws.Cloud) error {
		g := c.SecurityGroups[hubGroup]
		g.IngressCidrs = g.IngressCidrs[:len(g.IngressCidrs)-1]
		return nil
	}))

	s.step(t, "then a preview has no changes", func(t *testing.T) { requireNoChanges(t, s) })

	zoneOf := func(c *fakeaws.Cloud) *fakeaws.HostedZone {
		for _, z := range c.Zones {
			if "https://"+z.Name+"/hub" == apiName {
				return z
			}
		}
		return nil
	}
	var zoneId string
	s.cloudView(func(c *fakeaws.Cloud) { zoneId = zoneOf(c).Id })

	s.step(t, "a tag change updates the zone in place and keeps the spokes' associations", func(t *testing.T) {
		s.editConfig("tags", map[string]any{"project": "xaccount-api", "environment": "hub", "team": "network"})
		s.mustUp()
		s.cloudView(func(c *fakeaws.Cloud) {
			z := zoneOf(c)
			require.NotNil(t, z)
			assert.Equal(t, zoneId, z.Id, "the same zone")
			assert.ElementsMatch(t, []string{hubVpc, hubWorkload[0].vpc, hubWorkload[1].vpc}, z.Vpcs, "the zone ignores changes to its vpcs")
			status, failure := c.CallFromWorkload(hubWorkload[1].scope, hubWorkload[1].vpc, hubWorkload[1].cidr, apiName)
			assert.Equalf(t, 200, status, "billing still calls by name (failure %q)", failure)
		})
	})

	s.step(t, "a spoke renamed (same VPC) keeps its association in one up", func(t *testing.T) {
		requireSpokeRenameKeepsItsName(t, s, "hub", apiName)
	})

	s.step(t, "a spoke removed: its association and authorization go, the zone and the other spoke stay", func(t *testing.T) {
		var doc map[string]any
		b, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.hub.yaml"))
		require.NoError(t, err)
		require.NoError(t, yaml.Unmarshal(b, &doc))
		consumers := doc["config"].(map[string]any)["xaccount-api:consumers"].([]any)
		// Billing's association is deleted with billing's credentials, which
		// the new file no longer names: the roles and profiles are the ones
		// `--iam --deployed <the file as deployed>` prints.
		s.transitionRoles = true
		s.editConfig("consumers", consumers[:2]) // app and orders; billing goes
		s.mustUp()
		s.cloudView(func(c *fakeaws.Cloud) {
			z := zoneOf(c)
			require.NotNil(t, z)
			assert.ElementsMatch(t, []string{hubVpc, hubWorkload[0].vpc}, z.Vpcs)
			assert.NotContains(t, z.Authorized, hubWorkload[1].vpc, "its authorization is gone too")
			_, failure := c.CallFromWorkload(hubWorkload[1].scope, hubWorkload[1].vpc, hubWorkload[1].cidr, apiName)
			assert.Equal(t, "dns", failure, "billing no longer resolves the API's name")
			status, _ := c.CallFromWorkload(hubWorkload[0].scope, hubWorkload[0].vpc, hubWorkload[0].cidr, apiName)
			assert.Equal(t, 200, status, "orders still does")
		})
	})

	s.step(t, "destroy removes every account's part", func(t *testing.T) {
		r := s.destroy()
		require.NoErrorf(t, r.err, "destroy:\n%s\n%s", r.out, r.errOut)
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.Empty(t, c.Endpoints)
			assert.Empty(t, c.RestApis)
			assert.Empty(t, c.Zones, "the association, the authorization, then the alias and the zone")
			for id, g := range c.SecurityGroups {
				assert.NotEqualf(t, hubScope, g.Scope, "group %s of the network account is gone", id)
			}
		})
	})
}

// curlHeader is the header of a printed curl line (-H 'Name: value').
func curlHeader(t *testing.T, line string) map[string]string {
	t.Helper()
	_, h, ok := strings.Cut(line, " -H '")
	require.Truef(t, ok, "a header in %q", line)
	name, value, ok := strings.Cut(strings.TrimSuffix(h, "'"), ": ")
	require.Truef(t, ok, "a header in %q", line)
	return map[string]string{name: value}
}

// moveVpc puts VPC vpc, its subnets and route tables in region: a VPC
// another team created elsewhere.
func moveVpc(store *fakeaws.Store, vpc, region string) error {
	return store.Update(func(c *fakeaws.Cloud) error {
		c.Vpcs[vpc].Region = region
		for _, sn := range c.Subnets {
			if sn.VpcId == vpc {
				sn.Region = region
			}
		}
		for _, t := range c.RouteTables {
			if t.VpcId == vpc {
				t.Region = region
			}
		}
		return nil
	})
}
