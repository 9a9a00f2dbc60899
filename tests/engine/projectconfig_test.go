package engine

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	pkgworkspace "github.com/pulumi/pulumi/pkg/v3/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/esc"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStackFilesPassPulumiConfigValidation runs Pulumi's own validation of
// stack config against the project's declarations over every committed stack
// file: what `pulumi preview` does before anything else. A key declared in
// Pulumi.yaml with a type and no default is required there, whatever the
// docs say (the first defect this suite was written for).
func TestStackFilesPassPulumiConfigValidation(t *testing.T) {
	t.Parallel()
	project, err := workspace.LoadProject(filepath.Join(repoRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join(repoRoot, "Pulumi.*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ps, err := workspace.LoadProjectStack(sink, project, file)
			require.NoError(t, err)
			name := filepath.Base(file)
			name = name[len("Pulumi.") : len(name)-len(".yaml")]
			cfg := ps.Config
			err = pkgworkspace.ValidateStackConfigAndApplyProjectConfig(context.Background(), name, project,
				esc.Value{}, cfg, config.NopEncrypter, config.NewBlindingDecrypter())
			require.NoError(t, err, "Pulumi's own config validation must accept the committed stack file")
			for _, key := range []string{"xaccount-api:api", "xaccount-api:tags", "xaccount-api:protect"} {
				k, err := config.ParseKey(key)
				require.NoError(t, err)
				_, ok, err := cfg.Get(k, false)
				require.NoError(t, err)
				assert.Truef(t, ok, "%s has a value after the project defaults are applied", key)
			}
		})
	}
}

// TestOptionalKeysWithoutDefaultsAreRequired is the control: a copy of the
// project file whose optional key has no default makes Pulumi refuse a stack
// that omits it, with the error a user saw before the defaults were added.
func TestOptionalKeysWithoutDefaultsAreRequired(t *testing.T) {
	t.Parallel()
	project, err := workspace.LoadProject(filepath.Join(repoRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	protect := project.Config["xaccount-api:protect"]
	protect.Default = nil
	project.Config["xaccount-api:protect"] = protect
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, project, filepath.Join(repoRoot, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	err = pkgworkspace.ValidateStackConfigAndApplyProjectConfig(context.Background(), "dev", project,
		esc.Value{}, ps.Config, config.NopEncrypter, config.NewBlindingDecrypter())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing configuration value 'xaccount-api:protect'")
}
