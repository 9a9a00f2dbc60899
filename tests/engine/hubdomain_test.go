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

// hubApi is Pulumi.hub.yaml's xaccount-api:api.
func hubApi(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	b, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.hub.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &doc))
	return doc["config"].(map[string]any)["xaccount-api:api"].(map[string]any)
}

// TestHubCarriesTheCustomDomain: a private custom domain added to the hub
// stack is shared with the network account, which accepts it and
// associates the hub endpoint; each spoke VPC, associated with the hub's
// zone of the domain's name, calls https://<domain> through the hub and
// gets 200 with the printed roles; a VPC not on that zone cannot resolve
// it; destroy removes every account's part.
func TestHubCarriesTheCustomDomain(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "hub", withSeed(seedHubNetworks))
	api := hubApi(t)
	api["customDomain"] = map[string]any{"name": testDomain, "certificateArn": testCertificate}
	s.editConfig("api", api)
	up := s.mustUp()
	t.Logf("hub with a custom domain up: %v", up.elapsed)

	consumers := s.outputs()["consumers"].Value.(map[string]any)
	hubId := s.outputs()["hub"].Value.(map[string]any)["endpointId"].(string)
	d := domainState(s)
	assert.Equal(t, 1, d.domains)
	assert.ElementsMatch(t, []string{"222222222222", hubScope.Account}, d.principals, "the app's account and the network account; no spoke's")
	assert.Equal(t, hubScope.Account, d.associations[hubId], "the network account associated the hub endpoint")
	for _, w := range hubWorkload[:2] {
		urls := consumers[w.name].(map[string]any)["invokeUrls"].(map[string]any)
		assert.Equal(t, "https://"+testDomain, urls["customDomain"])
		s.cloudView(func(c *fakeaws.Cloud) {
			var status int
			var failure string
			for range 3 { // a new association answers after a few calls, as in AWS
				if status, failure = c.CallFromWorkload(w.scope, w.vpc, w.cidr, "https://"+testDomain+"/"); status == 200 {
					break
				}
			}
			assert.Equalf(t, 200, status, "%s calls the domain through the hub (failure %q)", w.name, failure)
		})
	}
	unlisted := hubWorkload[2]
	s.cloudView(func(c *fakeaws.Cloud) {
		_, failure := c.CallFromWorkload(unlisted.scope, unlisted.vpc, unlisted.cidr, "https://"+testDomain+"/")
		assert.Equal(t, "dns", failure, "a VPC not on the hub's zone of the domain cannot resolve it")
	})

	s.step(t, "a spoke renamed (same VPC) keeps the domain's zone in one up", func(t *testing.T) {
		requireSpokeRenameKeepsItsName(t, s, "hub", "https://"+testDomain+"/")
	})

	s.step(t, "destroy removes every account's part", func(t *testing.T) {
		r := s.destroy()
		require.NoErrorf(t, r.err, "destroy:\n%s\n%s", r.out, r.errOut)
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.Empty(t, c.Zones)
			assert.Empty(t, c.Domains)
			assert.Empty(t, c.DomainAssociations)
		})
	})
}
