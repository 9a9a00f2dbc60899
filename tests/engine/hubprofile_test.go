package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// shippingSpoke is a second spoke VPC in orders' account (333333333333),
// joined to the hub VPC over the Transit Gateway: two spokes of one account
// share the account's one principal association of the Profile's share.
var shippingSpoke = struct {
	scope fakeaws.Scope
	vpc   string
	cidr  string
}{fakeaws.Scope{Account: "333333333333", Region: "eu-west-1"}, "vpc-0e1f2a3b4c5d60718", "10.31.0.0/24"}

func seedHubProfileNetworks(store *fakeaws.Store) error {
	if err := seedHubNetworks(store); err != nil {
		return err
	}
	s := shippingSpoke
	if err := store.Seed([]fakeaws.Vpc{{Scope: s.scope, Id: s.vpc, CidrBlock: s.cidr, EnableDnsSupport: true, EnableDnsHostnames: true}}, nil); err != nil {
		return err
	}
	return store.SeedTransitPath(s.scope, s.vpc, hubScope, hubVpc)
}

// TestHubProfileLifecycle: Pulumi.hub-profile.yaml (the hub stack with
// hub.dns profile) deploys with the printed roles: the network account
// holds the zone named for the API on the hub VPC only, a Route 53 Profile
// holding it and a RAM share of the Profile that each spoke account
// accepted; each spoke VPC has the Profile and calls the API by its own
// name through the hub (200); a VPC without the Profile cannot resolve it.
// A third spoke in orders' account gets the Profile through the account's
// one principal association; removing orders (with the roles --deployed
// prints) takes the Profile off its VPC only: shipping, of the same
// account, and billing keep the name, and the account stays in the share.
// A preview then has nothing to do, and destroy removes everything in
// every account.
func TestHubProfileLifecycle(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "hub-profile", withSeed(seedHubProfileNetworks))
	up := s.mustUp()
	t.Logf("hub-profile up: %v, %d provider processes", up.elapsed, up.processes)

	consumers := s.outputs()["consumers"].Value.(map[string]any)
	apiName := consumers["orders"].(map[string]any)["invokeUrls"].(map[string]any)["privateDns"].(string)
	zoneOf := func(c *fakeaws.Cloud) *fakeaws.HostedZone {
		for _, z := range c.Zones {
			if "https://"+z.Name+"/hub_profile" == apiName {
				return z
			}
		}
		return nil
	}
	profileOf := func(c *fakeaws.Cloud) *fakeaws.Profile {
		require.Len(t, c.Profiles, 1, "one Profile")
		for _, p := range c.Profiles {
			return p
		}
		return nil
	}
	vpcsOf := func(p *fakeaws.Profile) []string {
		var out []string
		for v := range p.Vpcs {
			out = append(out, v)
		}
		return out
	}
	shareOf := func(c *fakeaws.Cloud, p *fakeaws.Profile) *fakeaws.ResourceShare {
		for _, sh := range c.Shares {
			for _, r := range sh.Resources {
				if r == p.Arn {
					return sh
				}
			}
		}
		return nil
	}
	s.cloudView(func(c *fakeaws.Cloud) {
		z := zoneOf(c)
		require.NotNil(t, z, "a zone named exactly for the API: %s", apiName)
		assert.Equal(t, hubScope.Account, z.Account, "in the network account")
		assert.Equal(t, []string{hubVpc}, z.Vpcs, "associated with the hub VPC only: the spokes get it through the Profile")
		p := profileOf(c)
		assert.Equal(t, hubScope, p.Scope, "the network account's Profile")
		assert.Contains(t, p.Zones, z.Id, "holding the hub's zone")
		assert.ElementsMatch(t, []string{hubWorkload[0].vpc, hubWorkload[1].vpc}, vpcsOf(p), "on each spoke VPC")
		sh := shareOf(c, p)
		require.NotNil(t, sh, "the Profile is shared through RAM")
		assert.ElementsMatch(t, []string{"333333333333", "444444444444"}, sh.Principals, "with each spoke account")
		assert.ElementsMatch(t, []string{"333333333333", "444444444444"}, sh.Accepted, "and each accepted it (outside an organization)")
		for _, w := range hubWorkload[:2] {
			status, failure := c.CallFromWorkload(w.scope, w.vpc, w.cidr, apiName)
			assert.Equalf(t, 200, status, "%s calls the API by its name through the Profile's zone (failure %q)", w.name, failure)
		}
		unlisted := hubWorkload[2]
		_, failure := c.CallFromWorkload(unlisted.scope, unlisted.vpc, unlisted.cidr, apiName)
		assert.Equal(t, "dns", failure, "a VPC without the Profile cannot resolve the API's name")
	})

	var doc map[string]any
	b, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.hub-profile.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &doc))
	fileConsumers := doc["config"].(map[string]any)["xaccount-api:consumers"].([]any)
	shipping := map[string]any{"name": "shipping", "accountId": "333333333333", "profile": "xaccount-hub-orders", "via": "hub",
		"vpc": map[string]any{"id": shippingSpoke.vpc}, "allowedCidrs": []any{shippingSpoke.cidr}}

	s.step(t, "a spoke renamed (same VPC) keeps its Profile association in one up", func(t *testing.T) {
		requireSpokeRenameKeepsItsName(t, s, "hub-profile", apiName) // the next step names it orders again
	})

	s.step(t, "a second spoke of orders' account gets the Profile through the account's principal association", func(t *testing.T) {
		s.editConfig("consumers", append(append([]any{}, fileConsumers...), shipping))
		s.mustUp()
		s.cloudView(func(c *fakeaws.Cloud) {
			p := profileOf(c)
			assert.ElementsMatch(t, []string{hubWorkload[0].vpc, hubWorkload[1].vpc, shippingSpoke.vpc}, vpcsOf(p))
			assert.ElementsMatch(t, []string{"333333333333", "444444444444"}, shareOf(c, p).Principals, "one principal per account")
			status, failure := c.CallFromWorkload(shippingSpoke.scope, shippingSpoke.vpc, shippingSpoke.cidr, apiName)
			assert.Equalf(t, 200, status, "shipping calls by name (failure %q)", failure)
		})
	})

	s.step(t, "orders removed: its VPC loses the Profile, shipping of the same account and billing keep the name", func(t *testing.T) {
		// Orders' association is deleted with orders' credentials, which the
		// new file names only through shipping (the same account): the roles
		// are the ones `--iam --deployed <the file as deployed>` prints.
		s.transitionRoles = true
		s.editConfig("consumers", []any{fileConsumers[0], fileConsumers[2], shipping}) // app, billing, shipping
		s.mustUp()
		s.cloudView(func(c *fakeaws.Cloud) {
			p := profileOf(c)
			assert.ElementsMatch(t, []string{hubWorkload[1].vpc, shippingSpoke.vpc}, vpcsOf(p))
			sh := shareOf(c, p)
			assert.Contains(t, sh.Principals, "333333333333", "orders' account stays in the share for shipping")
			assert.Contains(t, sh.Accepted, "333333333333")
			_, failure := c.CallFromWorkload(hubWorkload[0].scope, hubWorkload[0].vpc, hubWorkload[0].cidr, apiName)
			assert.Equal(t, "dns", failure, "orders no longer resolves the API's name")
			for _, w := range []struct {
				name      string
				scope     fakeaws.Scope
				vpc, cidr string
			}{{"billing", hubWorkload[1].scope, hubWorkload[1].vpc, hubWorkload[1].cidr}, {"shipping", shippingSpoke.scope, shippingSpoke.vpc, shippingSpoke.cidr}} {
				status, failure := c.CallFromWorkload(w.scope, w.vpc, w.cidr, apiName)
				assert.Equalf(t, 200, status, "%s still calls by name (failure %q)", w.name, failure)
			}
		})
	})

	s.step(t, "then a preview has no changes", func(t *testing.T) { requireNoChanges(t, s) })

	s.step(t, "destroy removes every account's part", func(t *testing.T) {
		r := s.destroy()
		require.NoErrorf(t, r.err, "destroy:\n%s\n%s", r.out, r.errOut)
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.Empty(t, c.Profiles, "the VPC associations, the zone's place, then the Profile")
			assert.Empty(t, c.Zones, "then the alias and the zone")
			assert.Empty(t, c.Shares, "the share and its principals")
			assert.Empty(t, c.Endpoints)
			assert.Empty(t, c.RestApis)
		})
	})
}
