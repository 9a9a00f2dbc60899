package awsmock

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type component struct{ pulumi.ResourceState }

// TestAliasesResolveToTheOldURN: an alias spec (a new name, or a move out of
// a parent) resolves to the URN the resource had before, as the engine does.
func TestAliasesResolveToTheOldURN(t *testing.T) {
	m := New("proj", "dev")
	require.NoError(t, m.Run(func(ctx *pulumi.Context) error {
		parent := &component{}
		if err := ctx.RegisterComponentResource("xaccount:index:Thing", "thing", parent); err != nil {
			return err
		}
		var renamed, moved component
		if err := ctx.RegisterComponentResource("xaccount:index:Part", "new-name", &renamed, pulumi.Parent(parent),
			pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("old-name")}})); err != nil {
			return err
		}
		return ctx.RegisterComponentResource("xaccount:index:Part", "moved", &moved, pulumi.Parent(parent),
			pulumi.Aliases([]pulumi.Alias{{NoParent: pulumi.Bool(true)}}))
	}))
	renamed, ok := m.Named("xaccount:index:Part", "new-name")
	require.True(t, ok)
	assert.Contains(t, renamed.Aliases, "urn:pulumi:dev::proj::xaccount:index:Thing$xaccount:index:Part::old-name")
	moved, ok := m.Named("xaccount:index:Part", "moved")
	require.True(t, ok)
	assert.Contains(t, moved.Aliases, "urn:pulumi:dev::proj::xaccount:index:Part::moved")
}
