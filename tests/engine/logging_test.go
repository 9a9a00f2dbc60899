package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// TestAccountLogRoleIsOptInWarnedAndRetained: createAccountRole takes over
// the account-wide setting only when asked, says so on every run, and a
// destroy leaves both the role and the setting, so no API of the account is
// left logging through a deleted role.
func TestAccountLogRoleIsOptInWarnedAndRetained(t *testing.T) {
	t.Parallel()
	const account = "111111111111/eu-west-1"
	s := newEngineStack(t, "dev", withSeed(func(store *fakeaws.Store) error {
		return store.Update(func(c *fakeaws.Cloud) error {
			c.AccountRoles = map[string]string{} // a fresh account: no role yet
			return nil
		})
	}))
	api := devApi()
	api["accessLogs"] = map[string]any{"createAccountRole": true}
	s.editConfig("api", api)
	r := s.mustUp()
	assert.Contains(t, r.out+r.errOut, "accessLogs.createAccountRole: this stack sets API Gateway's CloudWatch Logs role for the whole producer account")
	var role string
	s.cloudView(func(c *fakeaws.Cloud) { role = c.AccountRoles[account] })
	require.NotEmpty(t, role, "the stack set the account's role")
	s.cloudView(func(c *fakeaws.Cloud) {
		assert.Equal(t, "arn:aws:iam::111111111111:policy/xaccount-dev-role-boundary", c.RoleBoundaries[role],
			"the printed deployer created it with the printed boundary")
	})

	d := s.destroy()
	require.NoErrorf(t, d.err, "destroy failed:\n%s\n%s", d.out, d.errOut)
	s.cloudView(func(c *fakeaws.Cloud) {
		assert.Equal(t, role, c.AccountRoles[account], "the account setting is retained")
		assert.Contains(t, c.Roles, role, "the role it names still exists")
	})
	assert.NotEmpty(t, components.AccountRoleWarning)
}

// TestCommittedDevStackLeavesTheAccountSettingAlone: the committed dev stack
// does not manage the account-wide role (the safe default) and logs through
// the one the account has.
func TestCommittedDevStackLeavesTheAccountSettingAlone(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	r := s.preview()
	require.NoErrorf(t, r.err, "preview failed:\n%s\n%s", r.out, r.errOut)
	for urn := range r.steps() {
		typ, _ := urnTypeName(urn)
		assert.NotEqualf(t, fakeaws.TypeApiGatewayAccount, typ, "dev must not plan %s", urn)
	}
	assert.NotContains(t, r.out+r.errOut, "accessLogs.createAccountRole:")
}
