package tests

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/policy"
)

// FuzzConfigFile feeds arbitrary stack files through parsing, validation and,
// when accepted, the whole program under the mock engine. It must never
// panic; every refusal names a key of the namespace; anything accepted yields
// a resource policy that parses and denies every endpoint it does not list.
// Seeds: every stack file and bad config. Run longer with
// go test ./tests -run '^$' -fuzz FuzzConfigFile -fuzztime 60s
func FuzzConfigFile(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(projectRoot, "Pulumi.*.yaml"))
	bad, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	for _, file := range append(append(seeds, bad...), filepath.Join("testdata", "secrets.yaml")) {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte("config:\n  xaccount-api:region: eu-west-1\n  xaccount-api:consumers: [{}]\n"))
	f.Add([]byte("config: {xaccount-api:api: {routes: [{path: /{a}/{b+}, method: ANY, integration: {type: mock, statusCode: 599}}]}}"))

	f.Fuzz(func(t *testing.T, data []byte) {
		raw, err := plan.ParseConfig(data)
		if err != nil {
			return // a file that is not YAML is refused before validation
		}
		if _, err := config.Load(raw.Values, raw.SecretKeys, "fuzz"); err != nil {
			var ce *config.Error
			require.True(t, errors.As(err, &ce), "a refusal is a ConfigError: %v", err)
			for _, p := range ce.Problems {
				require.Truef(t, strings.HasPrefix(p.Key, config.Namespace+":"), "problem without a key: %v", p)
				require.NotEmpty(t, p.Message)
			}
			return
		}
		p, err := plan.Run("fuzz", raw)
		require.NoError(t, err, "an accepted config must plan")
		checkPolicyOfPlan(t, p)
		checkProvidersOfPlan(t, p)
	})
}

// checkPolicyOfPlan checks the plan's resource policy against its endpoints.
func checkPolicyOfPlan(t *testing.T, p *plan.Plan) {
	t.Helper()
	var endpoints, policies []string
	for _, r := range p.Resources {
		switch r.Type {
		case typeRestApi:
			for _, id := range r.Inputs["endpointConfiguration"].(map[string]any)["vpcEndpointIds"].([]any) {
				endpoints = append(endpoints, id.(string))
			}
		case typePolicy:
			policies = append(policies, r.Inputs["policy"].(string))
		}
	}
	require.Len(t, policies, 1)
	doc, err := policy.Parse(policies[0])
	require.NoError(t, err)
	slices.Sort(endpoints)
	endpoints = slices.Compact(endpoints)
	deny := doc.DeniedUnlessSourceVpce()
	slices.Sort(deny)
	require.Equal(t, endpoints, deny)
	method := strings.TrimSuffix(doc.Resources()[0], "*") + "stage/GET/x"
	for _, stranger := range []string{"", "vpce-00000000000000000", "vpce-ffffffffffffffff0"} {
		if slices.Contains(endpoints, stranger) {
			continue
		}
		ok, err := doc.Allows(method, stranger)
		require.NoError(t, err)
		require.Falsef(t, ok, "%q is not listed and must be denied", stranger)
	}
}

// checkProvidersOfPlan: every provider of an accepted config is pinned to a
// 12-digit account and has credentials: a role ARN or a profile.
func checkProvidersOfPlan(t *testing.T, p *plan.Plan) {
	t.Helper()
	for _, r := range p.Resources {
		if r.Type != typeProvider {
			continue
		}
		require.Regexp(t, `^\d{12}$`, r.Account, "provider %s", r.Name)
		role, _ := r.Inputs["assumeRole"].(map[string]any)
		arn, _ := role["roleArn"].(string)
		profile, _ := r.Inputs["profile"].(string)
		require.Truef(t, strings.HasPrefix(arn, "arn:") || arn == config.SecretPlaceholder || profile != "",
			"provider %s has no credentials: %v", r.Name, r.Inputs)
	}
}

// FuzzResourcePolicy: for any execution ARN and endpoint list the builder
// either refuses or returns a policy that parses, lists exactly the endpoints
// and lets in exactly them.
func FuzzResourcePolicy(f *testing.F) {
	f.Add("arn:aws:execute-api:eu-west-1:111111111111:abcde12345", "vpce-0aaaaaaaaaaaaaaaa,vpce-0bbbbbbbbbbbbbbbb", "vpce-0cccccccccccccccc")
	f.Add("arn:aws:execute-api:eu-west-1:111111111111:abcde12345", "vpce-0aaaaaaaaaaaaaaaa", "vpce-0aaaaaaaaaaaaaaaa")
	f.Add("arn:aws-cn:execute-api:cn-north-1:111111111111:a", "vpce-12345678,vpce-12345678", "")
	f.Add("execute-api:/*", "vpce-0aaaaaaaaaaaaaaaa", "x")
	f.Add("arn:aws:execute-api:eu-west-1:111111111111:abcde12345", "", "vpce-0aaaaaaaaaaaaaaaa")
	f.Add("arn:aws:execute-api:eu-west-1:111111111111:abcde12345", "vpce-*", "vpce-0aaaaaaaaaaaaaaaa")
	f.Fuzz(func(t *testing.T, executionArn, idList, probe string) {
		var ids []string
		if idList != "" {
			ids = strings.Split(idList, ",")
		}
		policyJson, err := components.ResourcePolicyJson(executionArn, ids, components.ResourcePolicyOptions{})
		if err != nil {
			return
		}
		doc, err := policy.Parse(policyJson)
		require.NoError(t, err)
		want := slices.Clone(ids)
		slices.Sort(want)
		want = slices.Compact(want)
		assert.Equal(t, want, doc.DeniedUnlessSourceVpce())
		for _, res := range doc.Resources() {
			require.Equal(t, executionArn+"/*", res, "full ARNs only")
		}
		method := executionArn + "/stage/GET/x"
		ok, err := doc.Allows(method, probe)
		require.NoError(t, err)
		require.Equal(t, slices.Contains(want, probe), ok, "probe %q against %v", probe, want)
	})
}
