package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/config/configtest"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// schemaDefaultCases are where each default the schema states sits in a
// stack file: the schema pointer, and the path in configtest.Valid() (a
// top-level key, then object keys and list indexes).
var schemaDefaultCases = map[string][]any{
	"/properties/config/properties/xaccount-api:tags":                                         {"tags"},
	"/properties/config/properties/xaccount-api:protect":                                      {"protect"},
	"/properties/config/properties/xaccount-api:stackRole":                                    {"stackRole"},
	"/properties/config/properties/xaccount-api:probe":                                        {"probe"},
	"/properties/config/properties/xaccount-api:hub":                                          {"hub"},
	"/$defs/consumer/properties/via":                                                          {"consumers", 0, "via"},
	"/properties/config/properties/xaccount-api:probe/properties/enabled":                     {"probe", "enabled"},
	"/properties/config/properties/xaccount-api:probe/properties/failOnError":                 {"probe", "failOnError"},
	"/$defs/consumer/properties/vpc/oneOf/0/properties/azCount":                               {"consumers", 0, "vpc", "azCount"},
	"/$defs/consumer/properties/endpointPolicy":                                               {"consumers", 0, "endpointPolicy"},
	"/$defs/api/properties/description":                                                       {"api", "description"},
	"/$defs/api/properties/routes":                                                            {"api", "routes"},
	"/$defs/api/properties/routes/items/properties/integration/oneOf/0/properties/statusCode": {"api", "routes", 0, "integration", "statusCode"},
	"/$defs/api/properties/routes/items/properties/integration/oneOf/0/properties/body":       {"api", "routes", 0, "integration", "body"},
	"/$defs/api/properties/authorization":                                                     {"api", "authorization"},
	"/$defs/api/properties/extraPolicyStatements":                                             {"api", "extraPolicyStatements"},
	"/$defs/api/properties/accessLogs":                                                        {"api", "accessLogs"},
	"/$defs/api/properties/accessLogs/properties/enabled":                                     {"api", "accessLogs", "enabled"},
	"/$defs/api/properties/accessLogs/properties/retentionDays":                               {"api", "accessLogs", "retentionDays"},
	"/$defs/api/properties/accessLogs/properties/createAccountRole":                           {"api", "accessLogs", "createAccountRole"},
	"/$defs/api/properties/monitoring/properties/serverErrorRatePercent":                      {"api", "monitoring", "serverErrorRatePercent"},
	"/$defs/api/properties/monitoring/properties/clientErrorRatePercent":                      {"api", "monitoring", "clientErrorRatePercent"},
	"/$defs/api/properties/monitoring/properties/periodSeconds":                               {"api", "monitoring", "periodSeconds"},
	"/$defs/api/properties/monitoring/properties/evaluationPeriods":                           {"api", "monitoring", "evaluationPeriods"},
	"/$defs/api/properties/throttle":                                                          {"api", "throttle"},
	"/$defs/api/properties/throttle/properties/rateLimit":                                     {"api", "throttle", "rateLimit"},
	"/$defs/api/properties/throttle/properties/burstLimit":                                    {"api", "throttle", "burstLimit"},
	"/$defs/api/properties/quotas":                                                            {"api", "quotas"},
	"/$defs/api/properties/quotas/properties/resourcePolicyLength":                            {"api", "quotas", "resourcePolicyLength"},
	"/$defs/api/properties/quotas/properties/resourcesPerApi":                                 {"api", "quotas", "resourcesPerApi"},
	"/$defs/api/properties/quotas/properties/vpcLinksPerRegion":                               {"api", "quotas", "vpcLinksPerRegion"},
	"/$defs/api/properties/quotas/properties/accessAssociationsPerAccount":                    {"api", "quotas", "accessAssociationsPerAccount"},
	"/$defs/api/properties/quotas/properties/rulesPerSecurityGroup":                           {"api", "quotas", "rulesPerSecurityGroup"},
	"/$defs/api/properties/tls":                                                               {"api", "tls"},
	"/$defs/api/properties/tls/properties/securityPolicy":                                     {"api", "tls", "securityPolicy"},
	"/properties/config/properties/pulumi:disable-default-providers":                          nil, // Pulumi's key, not the program's
}

// TestSchemaDefaultsAreTheReadersDefaults: each default the schema states
// is what the program does without the key: a stack file with the key set to
// the schema's default plans exactly like one without it. Every default in
// the schema is in the table; every property has a description; every
// optional property of the program's keys states its default, or that it
// has none.
func TestSchemaDefaultsAreTheReadersDefaults(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(projectRoot, "schema", "stack.schema.json"))
	require.NoError(t, err)
	var schema map[string]any
	require.NoError(t, json.Unmarshal(b, &schema))

	pointers := map[string]any{}
	var walk func(node any, ptr string)
	walk = func(node any, ptr string) {
		switch n := node.(type) {
		case map[string]any:
			if d, ok := n["default"]; ok {
				pointers[ptr] = d
			}
			// Conditions (if, dependentSchemas, not) restate keys; they are not keys.
			conditional := strings.Contains(ptr, "/if") || strings.Contains(ptr, "/dependentSchemas") || strings.Contains(ptr, "/not")
			if props, ok := n["properties"].(map[string]any); ok && !conditional {
				required := map[string]bool{}
				for _, r := range asList(n["required"]) {
					required[r.(string)] = true
				}
				for k, v := range props {
					p, _ := v.(map[string]any)
					if _, ref := p["$ref"]; ref || p == nil {
						continue
					}
					desc, _ := p["description"].(string)
					assert.NotEmptyf(t, desc, "%s/properties/%s has a description", ptr, k)
					ours := strings.HasPrefix(ptr, "/$defs/") || strings.HasPrefix(k, "xaccount-api:")
					_, hasDefault := p["default"]
					if ours && !required[k] && !hasDefault {
						assert.Truef(t, strings.Contains(desc, "Default:") || strings.Contains(desc, "No default") || strings.Contains(desc, "no default"),
							"%s/properties/%s states its default or that it has none: %q", ptr, k, desc)
					}
				}
			}
			for k, v := range n {
				walk(v, ptr+"/"+strings.ReplaceAll(k, "/", "~1"))
			}
		case []any:
			for i, v := range n {
				walk(v, ptr+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(schema, "")
	for ptr := range pointers {
		_, listed := schemaDefaultCases[ptr]
		assert.Truef(t, listed, "the schema's default at %s is checked here: add it to schemaDefaultCases", ptr)
	}

	without := func(path []any) string {
		c := configtest.Valid()
		setAt(c, path, nil)
		return planOf(t, c)
	}
	with := func(path []any, v any) string {
		c := configtest.Valid()
		setAt(c, path, v)
		return planOf(t, c)
	}
	for ptr, path := range schemaDefaultCases {
		if path == nil {
			continue
		}
		def, ok := pointers[ptr]
		if !assert.Truef(t, ok, "the schema states a default at %s", ptr) {
			continue
		}
		assert.Equalf(t, without(path), with(path, def), "%s: the schema's default %v must plan like the key left out", ptr, def)
	}
}

// setAt sets (or with nil, removes) the value at path in a decoded config.
func setAt(cfg map[string]any, path []any, v any) {
	var cur any = cfg
	for i, step := range path {
		last := i == len(path)-1
		switch k := step.(type) {
		case string:
			m := cur.(map[string]any)
			if last {
				if v == nil {
					delete(m, k)
				} else {
					m[k] = v
				}
				return
			}
			if _, ok := m[k]; !ok {
				m[k] = map[string]any{}
			}
			cur = m[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
}

// planOf is the JSON plan of a decoded config, as stack dev.
func planOf(t *testing.T, cfg map[string]any) string {
	t.Helper()
	p, err := plan.Run("dev", plan.RawConfig{Values: configtest.Raw(t, cfg)})
	require.NoError(t, err)
	j, err := p.JSON()
	require.NoError(t, err)
	return string(j)
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
