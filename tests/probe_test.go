package tests

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestProbeOnlyWhereEnabled: the dev plan runs a probe function and its
// invocation in the consumer account that owns its endpoint; prod, which
// does not set probe, has none.
func TestProbeOnlyWhereEnabled(t *testing.T) {
	dev := planJson(t, filepath.Join(projectRoot, "Pulumi.dev.yaml"))
	for _, typ := range []string{typeFunction, typeInvocation} {
		rs := dev.ofType(typ)
		if assert.Lenf(t, rs, 1, "dev plans one %s", typ) {
			assert.Equal(t, "consumer:app", dev.Accounts[rs[0].Account])
		}
	}
	prod := planJson(t, filepath.Join(projectRoot, "Pulumi.prod.yaml"))
	assert.Empty(t, prod.ofType(typeProbe), "prod sets no probe")
	assert.Empty(t, prod.ofType(typeFunction))
	assert.Empty(t, prod.ofType(typeInvocation))
}
