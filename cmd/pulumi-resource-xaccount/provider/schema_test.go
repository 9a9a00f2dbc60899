package provider

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/cmd/pulumi-resource-xaccount/internal/fielddocs"
)

// property is the part of a schema property the tests read.
type property struct {
	Description string          `json:"description"`
	Type        string          `json:"type"`
	Ref         string          `json:"$ref"`
	Plain       bool            `json:"plain"`
	Items       *property       `json:"items"`
	Additional  *property       `json:"additionalProperties"`
	Deprecation string          `json:"deprecationMessage"`
	Raw         json.RawMessage `json:"-"`
}

// schemaObject is a resource or schemaObject type of the schema.
type schemaObject struct {
	Description     string              `json:"description"`
	IsComponent     bool                `json:"isComponent"`
	Properties      map[string]property `json:"properties"`
	Required        []string            `json:"required"`
	InputProperties map[string]property `json:"inputProperties"`
	RequiredInputs  []string            `json:"requiredInputs"`
}

// packageSchema is the part of the package schema the tests read.
type packageSchema struct {
	Name      string                  `json:"name"`
	Version   string                  `json:"version"`
	Resources map[string]schemaObject `json:"resources"`
	Types     map[string]schemaObject `json:"types"`
	Language  map[string]any          `json:"language"`
}

// readSchema asks the provider for its schema, as the engine does.
func readSchema(t *testing.T) (packageSchema, string) {
	t.Helper()
	prov, err := New()
	require.NoError(t, err)
	spec, err := p.GetSchema(context.Background(), Name, "1.2.3", prov)
	require.NoError(t, err)
	raw, err := json.Marshal(spec)
	require.NoError(t, err)
	var s packageSchema
	require.NoError(t, json.Unmarshal(raw, &s))
	return s, string(raw)
}

func TestSchemaServesEveryComponentUnderItsGoToken(t *testing.T) {
	s, _ := readSchema(t)
	assert.Equal(t, Name, s.Name)
	assert.Equal(t, "1.2.3", s.Version)
	var tokens []string
	for token, r := range s.Resources {
		tokens = append(tokens, token)
		assert.True(t, r.IsComponent, "%s is a component", token)
	}
	sort.Strings(tokens)
	assert.Equal(t, []string{
		"xaccount:apigateway:PrivateRestApi", "xaccount:apigateway:ResourcePolicy", "xaccount:apigateway:StageDeployment",
		"xaccount:ec2:ConsumerVpc", "xaccount:ec2:ExecuteApiEndpoint",
		"xaccount:index:ConsumerApiAccess", "xaccount:index:CrossAccountPrivateApi",
		"xaccount:lambda:ConnectivityProbe",
	}, tokens)
}

func TestSchemaInputsOutputsAndRequiredFields(t *testing.T) {
	s, _ := readSchema(t)
	cases := []struct {
		token            string
		required, inputs []string
		outputs          []string
	}{
		{"xaccount:index:CrossAccountPrivateApi", []string{"region", "producerAccountId", "consumers", "stageName"},
			[]string{"producerCredentials", "routes", "authorization", "extraPolicyStatements", "quotas", "protect"},
			[]string{"restApiId", "executionArn", "stageName", "deploymentId", "policyJson", "vpcEndpointIds"}},
		{"xaccount:index:ConsumerApiAccess", []string{"region", "producerAccountId", "consumer"},
			[]string{"api", "protect", "probeFailOnError", "tags"},
			[]string{"endpointId", "dnsNames", "publicDnsName", "invokeUrls", "curlCommands"}},
		{"xaccount:ec2:ConsumerVpc", []string{"cidr"}, []string{"azCount", "region", "tags", "protect"}, []string{"vpcId"}},
		{"xaccount:apigateway:PrivateRestApi", []string{"vpcEndpointIds"}, []string{"routes", "adopt", "quotas"},
			[]string{"restApiId", "executionArn", "rootResourceId", "bodyHash"}},
		{"xaccount:lambda:ConnectivityProbe", []string{"region", "vpcId", "subnetIds", "invokeUrls", "triggers"},
			[]string{"endpointSecurityGroupId", "endpointCidrs", "throughHub", "sign", "failOnError"}, []string{"functionName", "securityGroupId", "results"}},
	}
	for _, c := range cases {
		r, ok := s.Resources[c.token]
		require.True(t, ok, c.token)
		assert.ElementsMatch(t, c.required, r.RequiredInputs, "%s: required inputs", c.token)
		for _, in := range append(c.required, c.inputs...) {
			assert.Contains(t, r.InputProperties, in, "%s: input %s", c.token, in)
		}
		for _, out := range c.outputs {
			assert.Contains(t, r.Properties, out, "%s: output %s", c.token, out)
			assert.Contains(t, r.Required, out, "%s: output %s is always set", c.token, out)
		}
	}
	// Plain Go fields are plain in every SDK: they are validated before
	// anything is registered, so they cannot wait for another resource.
	cross := s.Resources["xaccount:index:CrossAccountPrivateApi"]
	assert.True(t, cross.InputProperties["region"].Plain)
	assert.False(t, cross.InputProperties["apiName"].Plain, "an input")
	// Providers never cross the boundary: credentials do.
	consumer := s.Types["xaccount:index:Consumer"]
	assert.Contains(t, consumer.Properties, "credentials")
	assert.NotContains(t, consumer.Properties, "provider")
	assert.Equal(t, "#/types/xaccount:index:AccountCredentials", consumer.Properties["credentials"].Ref)
	assert.Equal(t, "#/types/xaccount:index:AccountCredentials", cross.InputProperties["producerCredentials"].Ref)
}

// TestSchemaDeprecatesFormerNames: every field kept under its former name
// (a "Deprecated:" paragraph in its doc comment) is deprecated in the
// schema, so the SDKs mark it, and its new name is an input beside it.
func TestSchemaDeprecatesFormerNames(t *testing.T) {
	s, _ := readSchema(t)
	cases := []struct{ object, former, current string }{
		{"xaccount:index:CrossAccountPrivateApi", "adoptApi", "adopt"},
		{"xaccount:index:Consumer", "existingEndpointId", "endpointId"},
		{"xaccount:index:Consumer", "existingEndpointDnsName", "endpointDnsName"},
		{"xaccount:ec2:ExecuteApiEndpoint", "fullAccessPolicy", "endpointPolicy"},
		{"xaccount:ec2:ExecuteApiEndpoint", "skipPolicy", "endpointPolicy"},
		{"xaccount:apigateway:ResourcePolicy", "extraStatements", "extraPolicyStatements"},
		{"xaccount:apigateway:ResourcePolicy", "revision", "bodyHash"},
		{"xaccount:apigateway:StageDeployment", "definitionHash", "bodyHash"},
		{"xaccount:index:AccessLogs", "disabled", "enabled"},
		{"xaccount:index:Monitoring", "disabled", "enabled"},
	}
	deprecated := 0
	for _, o := range append(maps(s.Resources), maps(s.Types)...) {
		for _, p := range o {
			if p.Deprecation != "" {
				deprecated++
			}
		}
	}
	assert.Equal(t, len(cases), deprecated, "the deprecated properties are exactly the former names")
	for _, c := range cases {
		props := s.Types[c.object].Properties
		if r, ok := s.Resources[c.object]; ok {
			props = r.InputProperties
		}
		require.Contains(t, props, c.former, c.object)
		assert.Truef(t, strings.HasPrefix(props[c.former].Deprecation, "use "), "%s.%s: %q", c.object, c.former, props[c.former].Deprecation)
		assert.Containsf(t, props[c.former].Deprecation, "Kept for one minor version", "%s.%s", c.object, c.former)
		require.Contains(t, props, c.current, c.object)
		assert.Empty(t, props[c.current].Deprecation)
	}
}

// maps lists the input and output properties of each object.
func maps(objects map[string]schemaObject) []map[string]property {
	var out []map[string]property
	for _, o := range objects {
		out = append(out, o.Properties, o.InputProperties)
	}
	return out
}

func TestSchemaDescribesEverything(t *testing.T) {
	s, raw := readSchema(t)
	var missing []string
	check := func(where string, o schemaObject) {
		if o.Description == "" {
			missing = append(missing, where)
		}
		for name, p := range o.Properties {
			if p.Description == "" {
				missing = append(missing, where+" output "+name)
			}
		}
		for name, p := range o.InputProperties {
			if p.Description == "" {
				missing = append(missing, where+" input "+name)
			}
		}
	}
	for token, r := range s.Resources {
		check(token, r)
	}
	for token, typ := range s.Types {
		check(token, typ)
		assert.False(t, strings.HasSuffix(token, "Args"), "%s: SDKs add their own Args suffix", token)
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "every component, type, input and output has a description")
	// Every reference names a type of the schema.
	for _, ref := range strings.Split(raw, `"$ref":"#/types/`)[1:] {
		token := ref[:strings.Index(ref, `"`)]
		assert.Contains(t, s.Types, token, "a $ref to %s", token)
	}
}

func TestDocsJsonIsFresh(t *testing.T) {
	docs, err := fielddocs.Extract("../../../components")
	require.NoError(t, err)
	var committed fielddocs.Docs
	require.NoError(t, json.Unmarshal(docsJson, &committed))
	assert.Equal(t, docs, committed, "provider/docs.json is stale: run make sdk")
}
