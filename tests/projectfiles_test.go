package tests

import (
	"path/filepath"
	"testing"

	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/config"
)

// TestProjectFileDeclaresEveryKey loads Pulumi.yaml with Pulumi's own loader
// (schema and validation) and checks every key the program reads is declared.
func TestProjectFileDeclaresEveryKey(t *testing.T) {
	proj, err := workspace.LoadProject(filepath.Join(projectRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	assert.Equal(t, config.Namespace, proj.Name.String())
	assert.Equal(t, "go", proj.Runtime.Name())
	require.NotNil(t, proj.Description)
	assert.NotEmpty(t, *proj.Description)
	for _, key := range config.Keys {
		decl, ok := proj.Config[config.Namespace+":"+key]
		if assert.Truef(t, ok, "Pulumi.yaml declares %s", key) {
			assert.NotEmptyf(t, decl.Description, "%s has a description", key)
			assert.Truef(t, decl.IsExplicitlyTyped(), "%s has a type", key)
		}
	}
	disabled := proj.Config["pulumi:disable-default-providers"]
	assert.Equal(t, []any{"*"}, disabled.Value, "default providers are disabled for every stack")
}

// TestStackFilesDisableDefaultProviders loads each stack file with Pulumi's
// loader and checks it turns off every default provider itself.
func TestStackFilesDisableDefaultProviders(t *testing.T) {
	proj, err := workspace.LoadProject(filepath.Join(projectRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	for _, file := range stackFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ps, err := workspace.LoadProjectStack(nil, proj, file)
			require.NoError(t, err)
			v, ok := ps.Config[pulumiconfig.MustMakeKey("pulumi", "disable-default-providers")]
			require.True(t, ok, "the stack file sets pulumi:disable-default-providers")
			obj, err := v.ToObject()
			require.NoError(t, err)
			assert.Equal(t, []any{"*"}, obj)
		})
	}
}
