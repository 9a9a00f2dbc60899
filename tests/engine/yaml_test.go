package engine

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// YamlLanguageVersion is the Pulumi YAML language host the YAML example
// runs with (it is not bundled with a CLI built from source): this module's
// go.mod pins it as a tool, so it builds against the module's own pkg/v3,
// the CLI's, and shares its compiled packages (v1.25.0, which needed an
// older pkg/v3, compiled a second one: about 2 minutes cold).
const YamlLanguageVersion = "v1.38.0"

var yamlHostOnce sync.Once

// ensureYamlLanguageHost builds pulumi-language-yaml beside the tests' CLI,
// where the CLI looks for language hosts, once (.cache, gitignored); a host
// of another version there (its .version file) is rebuilt.
func ensureYamlLanguageHost(t testing.TB) {
	t.Helper()
	host := filepath.Join(cliRoot, "bin", "pulumi-language-yaml")
	yamlHostOnce.Do(func() {
		if v, err := os.ReadFile(host + ".version"); err == nil && strings.TrimSpace(string(v)) == YamlLanguageVersion {
			if _, err := os.Stat(host); err == nil {
				return
			}
		}
		cmd := goCmd(engineModuleDir(t), "build", "-o", host+".partial", "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build pulumi-language-yaml %s: %v\n%s", YamlLanguageVersion, err, out)
		}
		if err := os.Rename(host+".partial", host); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(host+".version", []byte(YamlLanguageVersion+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	})
	_, err := os.Stat(host)
	require.NoError(t, err, "pulumi-language-yaml beside the CLI")
}

// engineModuleDir is this module's folder (the tests run in it).
func engineModuleDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	return dir
}

// stateNames are the resources of s's state as qualifiedNames lists them.
func stateNames(t *testing.T, s *engineStack) []string {
	t.Helper()
	exported, err := s.stack.Export(testContext(t))
	require.NoError(t, err)
	return deploymentNames(t, exported.Deployment)
}

// TestYamlProgramLifecycle: examples/yaml, the dev topology in Pulumi
// YAML, runs the committed dev stack file through the YAML language host
// and the component provider: up, a no-change preview and destroy, with the
// roles the dev stack prints, with a preview first and a route added to the
// program; every resource in its account, the policy
// admitting exactly the endpoint, the same resources as the Go program.
func TestYamlProgramLifecycle(t *testing.T) {
	t.Parallel()
	ensureYamlLanguageHost(t)
	installComponentProvider(t)
	project := t.TempDir()
	copyFile(t, filepath.Join(repoRoot, "examples", "yaml", "Pulumi.yaml"), filepath.Join(project, "Pulumi.yaml"))
	s := newEngineStack(t, "dev", inProjectDir(project))

	preview := s.preview()
	require.NoErrorf(t, preview.err, "pulumi preview failed:\n%s\n%s", preview.out, preview.errOut)
	assert.Equal(t, []string{"create"}, preview.opsOf("xaccount:index:CrossAccountPrivateApi"), "the preview plans the component")
	assert.Equal(t, []string{"create"}, preview.opsOf("aws:apigateway/restApi:RestApi"), "and its children, through the component provider")
	s.cloudView(func(c *fakeaws.Cloud) { assert.Empty(t, c.RestApis, "a preview creates nothing") })

	s.mustUp()
	st := s.apiState()
	endpoints := st.api.VpcEndpointIds
	require.Len(t, endpoints, 1)
	requirePolicyAllowsExactly(t, st, endpoints)
	requireEndpointPoliciesScoped(t, s, st.api, "dev")
	assert.Equal(t, "111111111111", st.api.Account, "the API is in the producer account")
	s.cloudView(func(c *fakeaws.Cloud) {
		for _, e := range c.Endpoints {
			assert.Equal(t, "222222222222", e.Account, "the endpoint is in the consumer account")
		}
	})
	assert.Equal(t, map[string]any{"app": endpoints[0]}, s.outputs()["endpointIds"].Value)
	assert.Equal(t, 1, invokes(s), "the probe ran once, from the consumer's VPC")
	assert.Equal(t, goDevResources(t), stateNames(t, s), "the YAML stack has the Go dev stack's resources: same types, names and parents")

	s.step(t, "a route added to the program is deployed", func(t *testing.T) {
		program, err := os.ReadFile(filepath.Join(project, "Pulumi.yaml"))
		require.NoError(t, err)
		changed := strings.Replace(string(program), "      routes:\n", "      routes:\n        - path: /extra\n          method: GET\n          integration:\n            type: mock\n", 1)
		require.NotEqual(t, string(program), changed)
		require.NoError(t, os.WriteFile(filepath.Join(project, "Pulumi.yaml"), []byte(changed), 0o600))
		s.mustUp()
		st := s.apiState()
		assert.True(t, st.serves("GET", "/extra"))
		assert.True(t, st.serves("GET", "/"))
		requirePolicyAllowsExactly(t, st, endpoints)
	})
	s.step(t, "a second preview has no changes", func(t *testing.T) { requireNoChanges(t, s) })
	s.step(t, "destroy removes everything from both accounts", func(t *testing.T) {
		r := s.destroy()
		require.NoErrorf(t, r.err, "pulumi destroy failed:\n%s\n%s", r.out, r.errOut)
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.Empty(t, c.RestApis)
			assert.Empty(t, c.Endpoints)
			assert.Empty(t, c.Vpcs)
		})
	})
}

// TestYamlHostIsTheModulesTool: the version the tests name is the one this
// module's go.mod pins (and builds) as a tool.
func TestYamlHostIsTheModulesTool(t *testing.T) {
	t.Parallel()
	mod, err := os.ReadFile(filepath.Join(engineModuleDir(t), "go.mod"))
	require.NoError(t, err)
	assert.Contains(t, string(mod), "github.com/pulumi/pulumi-yaml "+YamlLanguageVersion)
	assert.Contains(t, string(mod), "tool github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml")
}

// singleAccountYaml is a Pulumi YAML program of two single-account
// components from the component package: a ConsumerVpc given the consumer
// account's AWS provider (options), and an ExecuteApiEndpoint in it whose
// only AWS provider is its parent's, which the engine merges into the
// providers it sends with the construct request.
const singleAccountYaml = `name: xaccount-api
runtime: yaml
resources:
  xaccount:
    type: pulumi:providers:xaccount
  consumer:
    type: pulumi:providers:aws
    properties:
      region: ${region}
      profile: ${consumers[0].profile}
      allowedAccountIds:
        - ${consumers[0].accountId}
  network:
    type: xaccount:ec2:ConsumerVpc
    options:
      provider: ${xaccount}
AWS_PROVIDERS    properties:
      cidr: 10.20.0.0/24
  endpoint:
    type: xaccount:ec2:ExecuteApiEndpoint
    options:
      provider: ${xaccount}
      parent: ${network}
    properties:
      region: ${region}
      vpcId: ${network.vpcId}
      subnetIds: ${network.subnetIds}
      allowedCidrs:
        - 10.20.0.0/24
      invokeArns:
        - arn:aws:execute-api:eu-west-1:111111111111:*
`

// TestYamlSingleAccountComponentsNeedAnAwsProvider: through the component
// package, a single-account component takes its account's AWS provider in
// the providers option, or from its parent component, and lands there; one
// with no AWS provider is refused at preview, naming the option, and nothing
// is created.
func TestYamlSingleAccountComponentsNeedAnAwsProvider(t *testing.T) {
	t.Parallel()
	ensureYamlLanguageHost(t)
	installComponentProvider(t)
	write := func(program string) string {
		project := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(project, "Pulumi.yaml"), []byte(program), 0o600))
		return project
	}

	t.Run("given, and inherited from the parent", func(t *testing.T) {
		t.Parallel()
		project := write(strings.Replace(singleAccountYaml, "AWS_PROVIDERS", "      providers:\n        - ${consumer}\n", 1))
		s := newEngineStack(t, "dev", inProjectDir(project))
		r := s.up()
		require.NoErrorf(t, r.err, "pulumi up failed:\n%s\n%s", r.out, r.errOut)
		s.cloudView(func(c *fakeaws.Cloud) {
			require.Len(t, c.Vpcs, 1)
			require.Len(t, c.Endpoints, 1, "the nested endpoint was created, on its parent's provider")
			for _, v := range c.Vpcs {
				assert.Equal(t, "222222222222", v.Account)
			}
			for _, e := range c.Endpoints {
				assert.Equal(t, "222222222222", e.Account, "the endpoint is in the consumer account")
			}
		})
	})

	t.Run("missing", func(t *testing.T) {
		t.Parallel()
		s := newEngineStack(t, "dev", inProjectDir(write(strings.Replace(singleAccountYaml, "AWS_PROVIDERS", "", 1))))
		r := s.preview()
		require.Error(t, r.err, "preview must fail")
		text := r.out + r.errOut + r.err.Error()
		assert.Containsf(t, text, "consumer vpc network: provider: missing; expected the consumer account's AWS provider as a resource option", "%s", text)
		assert.Contains(t, text, "the provider or providers option in other languages")
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.Empty(t, c.Vpcs)
			assert.Empty(t, c.Endpoints)
		})
	})
}
