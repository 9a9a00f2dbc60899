package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// scaleConfig is a stack file's config with n consumers (each a VPC of its
// own; with principals, two named roles each under AWS_IAM) and routes
// distinct top-level paths.
func scaleConfig(n, routes int, principals bool) map[string]any {
	consumers := make([]any, n)
	for i := range consumers {
		account := fmt.Sprintf("%012d", 200000000000+i)
		c := map[string]any{
			"name": fmt.Sprintf("team-%d", i), "accountId": account,
			"roleArn": "arn:aws:iam::" + account + ":role/deployer",
			"vpc":     map[string]any{"cidr": "10.20.0.0/24"},
		}
		if principals {
			c["principals"] = []any{"arn:aws:iam::" + account + ":role/orders-reader", "arn:aws:iam::" + account + ":role/orders-writer"}
		}
		consumers[i] = c
	}
	api := map[string]any{}
	if principals {
		api["authorization"] = "AWS_IAM"
	}
	if routes > 0 {
		list := make([]any, routes)
		for i := range list {
			list[i] = map[string]any{"path": fmt.Sprintf("/r%d", i), "method": "GET", "integration": map[string]any{"type": "mock"}}
		}
		api["routes"] = list
	}
	return map[string]any{
		"pulumi:disable-default-providers": []any{"*"},
		"xaccount-api:region":              "eu-west-1",
		"xaccount-api:producer":            map[string]any{"accountId": "111111111111", "roleArn": "arn:aws:iam::111111111111:role/deployer"},
		"xaccount-api:consumers":           consumers,
		"xaccount-api:api":                 api,
	}
}

// writeStackFile writes cfg as a stack file (JSON is YAML) and returns its path.
func writeStackFile(t *testing.T, cfg map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"config": cfg})
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "Pulumi.scale.yaml")
	require.NoError(t, os.WriteFile(file, b, 0o600))
	return file
}

// TestQuotasAreCheckedAtPlanTime: the two configurations that AWS
// would refuse only after the consumer endpoints exist are refused by the
// plan (exit 2, each on the key that causes it, with the quota, the numbers
// and what fits), and by the program as the engine runs it, which then
// registers nothing.
func TestQuotasAreCheckedAtPlanTime(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  map[string]any
		key  string
		says []string
	}{
		{
			name: "120 AWS_IAM consumers with two principals each",
			cfg:  scaleConfig(120, 0, true),
			key:  "xaccount-api:consumers",
			says: []string{"120 consumers give a resource policy of ", "API Gateway allows 8,192", "L-8B81B02C", "fewer principals per consumer", "quotas.resourcePolicyLength"},
		},
		{
			name: "319 routes",
			cfg:  scaleConfig(1, 319, false),
			key:  "xaccount-api:api.routes",
			says: []string{"319 routes need 320 API resources", "API Gateway allows 300 per API", `"Resources per API"`, "quotas.resourcesPerApi"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeStackFile(t, tc.cfg)
			code, stdout, stderr := runCLI("--config", file)
			assert.Equal(t, 2, code, stderr)
			assert.Empty(t, stdout)
			var line string
			for _, l := range strings.Split(stderr, "\n") {
				if strings.HasPrefix(l, "  * "+tc.key+": ") {
					line = l
				}
			}
			require.NotEmptyf(t, line, "no problem on %s in:\n%s", tc.key, stderr)
			for _, want := range tc.says {
				assert.Contains(t, line, want)
			}
			raw, err := plan.ReadConfigFile(file)
			require.NoError(t, err)
			assertProgramRegistersNothing(t, raw)
		})
	}
}

// TestRaisedQuotasLetTheSamePlansThrough: with api.quotas set to what AWS
// granted, the same configurations plan; a raised quota below the need does
// not.
func TestRaisedQuotasLetTheSamePlansThrough(t *testing.T) {
	cfg := scaleConfig(120, 319, true)
	api := cfg["xaccount-api:api"].(map[string]any)
	api["quotas"] = map[string]any{"resourcePolicyLength": 20480, "resourcesPerApi": 320}
	code, _, stderr := runCLI("--config", writeStackFile(t, cfg), "--format", "json")
	assert.Equal(t, 0, code, stderr)

	api["quotas"] = map[string]any{"resourcePolicyLength": 9000, "resourcesPerApi": 319}
	code, _, stderr = runCLI("--config", writeStackFile(t, cfg))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "xaccount-api:consumers: 120 consumers give a resource policy of ")
	assert.Contains(t, stderr, "API Gateway allows 9,000")
	assert.Contains(t, stderr, "xaccount-api:api.routes: 319 routes need 320 API resources")

	api["quotas"] = map[string]any{"resourcePolicyLength": 100, "resourcesPerApi": "many"}
	code, _, stderr = runCLI("--config", writeStackFile(t, cfg))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "xaccount-api:api.quotas.resourcePolicyLength: got 100; expected the raised quota AWS granted, at least the default 8192")
	assert.Contains(t, stderr, `xaccount-api:api.quotas.resourcesPerApi: got "many"; expected a whole number`)
}

// TestTooManyDefaultTagsAreRefused: default tags land on every resource, so
// more than AWS's 50 per resource cannot be deployed.
func TestTooManyDefaultTagsAreRefused(t *testing.T) {
	cfg := scaleConfig(1, 0, false)
	tags := map[string]any{}
	for i := range 51 {
		tags[fmt.Sprintf("tag-%d", i)] = "v"
	}
	cfg["xaccount-api:tags"] = tags
	code, _, stderr := runCLI("--config", writeStackFile(t, cfg))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, config.Namespace+":tags: got 51 tags; AWS allows 50 user tags per resource")
	delete(tags, "tag-0")
	code, _, stderr = runCLI("--config", writeStackFile(t, cfg))
	assert.Equal(t, 0, code, stderr)
}
