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

// stackConsumers is the xaccount-api:consumers list of the committed stack
// file Pulumi.<stack>.yaml, each entry a fresh copy.
func stackConsumers(t *testing.T, stack string) []any {
	t.Helper()
	var doc map[string]any
	b, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, &doc))
	return doc["config"].(map[string]any)["xaccount-api:consumers"].([]any)
}

// renameConsumer returns consumers with the one named from called to, its
// VPC, account and ranges unchanged.
func renameConsumer(t *testing.T, consumers []any, from, to string) []any {
	t.Helper()
	out := make([]any, 0, len(consumers))
	renamed := false
	for _, c := range consumers {
		m := map[string]any{}
		for k, v := range c.(map[string]any) {
			m[k] = v
		}
		if m["name"] == from {
			m["name"], renamed = to, true
		}
		out = append(out, m)
	}
	require.Truef(t, renamed, "no consumer named %s", from)
	return out
}

// requireSpokeRenameKeepsItsName renames the spoke orders of the stack to
// orders-eu (same account, VPC and ranges) in one up with the roles the new
// file prints, and checks that the up succeeds and that orders' VPC still
// calls url (the API's name, or the custom domain's) through the hub, as
// billing does. The spoke's per-VPC DNS resources (the zone's authorization
// and association, or the Profile's association) are named by the VPC, so
// the rename leaves them where they are: named by the spoke, the new one
// would be made before the old one went, and AWS refuses a second
// association of a VPC with the zone (ConflictingDomainExists) or a second
// Profile on a VPC (ResourceExistsException).
func requireSpokeRenameKeepsItsName(t *testing.T, s *engineStack, stack, url string) {
	t.Helper()
	s.editConfig("consumers", renameConsumer(t, stackConsumers(t, stack), "orders", "orders-eu"))
	r := s.up()
	require.NoErrorf(t, r.err, "up renaming orders:\n%s\n%s", r.out, r.errOut)
	s.cloudView(func(c *fakeaws.Cloud) {
		for _, w := range hubWorkload[:2] {
			var status int
			var failure string
			for range 3 { // a custom domain's new association answers after a few calls
				if status, failure = c.CallFromWorkload(w.scope, w.vpc, w.cidr, url); status == 200 {
					break
				}
			}
			assert.Equalf(t, 200, status, "%s (orders renamed orders-eu) still calls %s through the hub (failure %q)", w.name, url, failure)
		}
	})
	if t.Failed() {
		return
	}
	requireNoChanges(t, s)
}
