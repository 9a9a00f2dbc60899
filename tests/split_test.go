package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// splitDir holds a committed split topology: the producer's stack orders and
// the consumer stacks orders-app and orders-batch.
var splitDir = filepath.Join("testdata", "split")

// planSplit plans Pulumi.<name>.yaml of dir as the plan command does, with
// the stacks it references planned from their files beside it.
func planSplit(t *testing.T, dir, name string) *plan.Plan {
	t.Helper()
	raw, err := plan.ReadConfigFile(plan.StackFile(dir, name))
	require.NoError(t, err)
	p, err := plan.RunIn(dir, name, raw)
	require.NoError(t, err)
	return p
}

// singleStackOfSplit is the one-stack configuration of the committed split
// topology: the same accounts, consumers and API in stack "orders".
func singleStackOfSplit(t *testing.T) string {
	t.Helper()
	consumers := []any{}
	for _, c := range []struct{ name, account, cidr string }{{"app", "222222222222", "10.20.0.0/24"}, {"batch", "333333333333", "10.30.0.0/24"}} {
		consumers = append(consumers, map[string]any{
			"name": c.name, "accountId": c.account, "profile": "xaccount-orders-" + c.name,
			"vpc": map[string]any{"cidr": c.cidr}, "probe": true,
		})
	}
	cfg := map[string]any{"config": map[string]any{
		"pulumi:disable-default-providers": []any{"*"},
		"xaccount-api:region":              "eu-west-1",
		"xaccount-api:producer":            map[string]any{"accountId": "111111111111", "profile": "xaccount-orders-producer"},
		"xaccount-api:consumers":           consumers,
		"xaccount-api:api":                 map[string]any{"name": "orders"},
	}}
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(plan.StackFile(dir, "orders"), b, 0o600))
	return dir
}

var (
	dnsSuffix     = regexp.MustCompile(`>-[0-9a-f]{8}\b`)
	sha256Hex     = regexp.MustCompile(`\b[0-9a-f]{64}\b`)
	mockRequestId = regexp.MustCompile(`\b[0-9a-f]{8}-mock\b`)
	stackBoundary = regexp.MustCompile(`policy/xaccount-[A-Za-z0-9_.-]+-role-boundary\b`)
)

// canonical re-renders a JSON document with the JSON documents inside its
// strings (a policy, an OpenAPI body) decoded and every list of strings
// sorted: the components sort endpoint IDs, so with other IDs the same
// endpoints come in another order.
func canonical(t *testing.T, doc string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return doc // not JSON: a plain string
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			strs := []string{}
			for i, e := range x {
				x[i] = walk(e)
				if s, ok := x[i].(string); ok {
					strs = append(strs, s)
				}
			}
			if len(strs) == len(x) {
				sort.Strings(strs)
				for i, s := range strs {
					x[i] = s
				}
			}
		case string:
			var inner any
			if strings.HasPrefix(x, "{") && json.Unmarshal([]byte(x), &inner) == nil {
				return walk(inner)
			}
		}
		return v
	}
	b, err := json.Marshal(walk(v))
	require.NoError(t, err)
	return string(b)
}

// comparable is a plan's AWS resources and providers keyed by type, name and
// account, with every ID AWS assigns replaced by the resource it names (the
// IDs differ between topologies only because the URNs hold the stack and
// the parent component).
func comparable(t *testing.T, plans ...*plan.Plan) (map[string]string, func(string) string) {
	t.Helper()
	ids := map[string]string{}
	for _, p := range plans {
		for _, r := range p.Resources {
			if r.Id != "" && r.Type != "pulumi:pulumi:StackReference" {
				ids[r.Id] = "<" + r.Type + "::" + r.Name + ">"
			}
		}
	}
	// Longest first, so an ID inside another (a vpce ID in its DNS name) is
	// replaced after the longer one.
	keys := make([]string, 0, len(ids))
	for id := range ids {
		keys = append(keys, id)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	normalize := func(s string) string {
		for _, id := range keys {
			s = strings.ReplaceAll(s, id, ids[id])
		}
		// What is derived from those IDs differs with them: an endpoint's DNS
		// suffix, and the SHA-256 triggers of documents that hold IDs (the
		// documents themselves are compared above, as inputs).
		s = dnsSuffix.ReplaceAllString(s, ">-<dns>")
		s = mockRequestId.ReplaceAllString(s, "<request-id>")
		// Each stack's roles get that stack's permissions boundary
		// (iampolicy.BoundaryPolicyName), the policy its deployer may
		// create roles with.
		s = stackBoundary.ReplaceAllString(s, "policy/<the stack's role boundary>")
		return canonical(t, sha256Hex.ReplaceAllString(s, "<sha256>"))
	}
	out := map[string]string{}
	for _, p := range plans {
		for _, r := range p.Resources {
			if strings.HasPrefix(r.Type, "xaccount:index:") || r.Type == "pulumi:pulumi:StackReference" {
				continue // the composition itself: CrossAccountPrivateApi or ConsumerApiAccess
			}
			k := r.Type + "::" + r.Name + "@" + r.Account
			_, dup := out[k]
			require.Falsef(t, dup, "%s twice", k)
			b, err := json.Marshal(r.Inputs)
			require.NoError(t, err)
			out[k] = normalize(string(b))
		}
	}
	return out, normalize
}

// TestSplitTopologyIsTheSingleStack: the producer's plan and the consumers'
// plans together hold the resources of the single-stack plan (types, names,
// accounts and inputs, policies included, modulo the IDs AWS assigns), and
// the same outputs.
func TestSplitTopologyIsTheSingleStack(t *testing.T) {
	single := planSplit(t, singleStackOfSplit(t), "orders")
	producer := planSplit(t, splitDir, "orders")
	app := planSplit(t, splitDir, "orders-app")
	batch := planSplit(t, splitDir, "orders-batch")

	want, normSingle := comparable(t, single)
	got, normSplit := comparable(t, producer, app, batch)
	assert.ElementsMatch(t, sortedKeys(want), sortedKeys(got), "the same resources in the same accounts")
	for k, inputs := range want {
		if other, ok := got[k]; ok {
			assert.JSONEqf(t, inputs, other, "the inputs of %s", k)
		}
	}

	outputs := func(p *plan.Plan, norm func(string) string) map[string]any {
		b, err := json.Marshal(p.Outputs)
		require.NoError(t, err)
		var out map[string]any
		require.NoError(t, json.Unmarshal([]byte(norm(string(b))), &out))
		return out
	}
	s, prod := outputs(single, normSingle), outputs(producer, normSplit)
	for _, k := range []string{"region", "producerAccountId", "restApiId", "executionArn", "stageName", "deploymentId", "policyHash", "authorization", "vpcEndpointIds"} {
		require.Containsf(t, s, k, "single-stack output %s", k)
		assert.Equalf(t, s[k], prod[k], "output %s", k)
	}
	for name, consumer := range map[string]*plan.Plan{"app": app, "batch": batch} {
		want := s["consumers"].(map[string]any)[name].(map[string]any)
		mine := outputs(consumer, normSplit)["consumers"].(map[string]any)[name].(map[string]any)
		listed := prod["consumers"].(map[string]any)[name].(map[string]any)
		assert.Equalf(t, want["probeTarget"], listed["probeTarget"], "consumer %s: its probe target, in the producer's outputs", name)
		// The metrics and alarms are the producer's: in its outputs only.
		assert.Equalf(t, want["metrics"], listed["metrics"], "consumer %s: its metrics, in the producer's outputs", name)
		assert.NotNilf(t, listed["metrics"], "consumer %s: the producer lists its metrics", name)
		delete(want, "probeTarget")
		delete(want, "metrics")
		assert.Equalf(t, want, mine, "consumer %s: its outputs, in its own stack", name)
		for _, k := range []string{"accountId", "endpointId", "invokeUrls", "curl"} {
			assert.Equalf(t, want[k], listed[k], "consumer %s: %s in the producer's outputs too", name, k)
		}
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestSplitPlansHoldAtMostTwoProviders: each stack of the split topology
// registers at most two AWS providers (one, in fact): the point of splitting.
func TestSplitPlansHoldAtMostTwoProviders(t *testing.T) {
	for _, name := range []string{"orders", "orders-app", "orders-batch"} {
		providers := 0
		for _, r := range planSplit(t, splitDir, name).Resources {
			if r.Type == "pulumi:providers:aws" {
				providers++
			}
		}
		assert.Equalf(t, 1, providers, "stack %s", name)
	}
}

// TestConsumerStackBootstrap: before the producer's stack has published
// (no file to plan it from), a consumer stack creates only its VPC and
// endpoint, unprotected, and publishes the endpoint; with the producer
// published and listing it, the endpoint policy and probe follow and the
// endpoint is protected while the producer lists it.
func TestConsumerStackBootstrap(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(plan.StackFile(splitDir, "orders-app"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(plan.StackFile(dir, "orders-app"), b, 0o600))

	types := func(p *plan.Plan) map[string]bool {
		out := map[string]bool{}
		for _, r := range p.Resources {
			out[r.Type] = true
		}
		return out
	}
	first := planSplit(t, dir, "orders-app")
	assert.True(t, types(first)["aws:ec2/vpcEndpoint:VpcEndpoint"])
	for _, typ := range []string{"aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "aws:lambda/function:Function", "aws:lambda/invocation:Invocation"} {
		assert.Falsef(t, types(first)[typ], "%s waits for the producer", typ)
	}
	assert.NotEmpty(t, first.Outputs["endpointId"], "the endpoint is published for the producer")
	assert.NotContains(t, first.Outputs, "restApiId")
	assert.False(t, guardProtected(t, first), "the producer does not list the consumer yet")

	converged := planSplit(t, splitDir, "orders-app")
	for _, typ := range []string{"aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "aws:lambda/invocation:Invocation"} {
		assert.Truef(t, types(converged)[typ], "%s once the producer lists the endpoint", typ)
	}
	assert.Equal(t, first.Outputs["endpointId"], converged.Outputs["endpointId"], "the same endpoint")
	assert.True(t, guardProtected(t, converged), "protected while the producer lists it")
	for _, r := range converged.Resources {
		if r.Type == "aws:ec2/vpcEndpoint:VpcEndpoint" {
			assert.False(t, r.Protect, "the endpoint itself stays replaceable")
		}
	}

	// The producer's stack without its consumer stacks' files: refused, naming each.
	pdir := t.TempDir()
	b, err = os.ReadFile(plan.StackFile(splitDir, "orders"))
	require.NoError(t, err)
	file := plan.StackFile(pdir, "orders")
	require.NoError(t, os.WriteFile(file, b, 0o600))
	code, stdout, stderr := runCLI("--config", file)
	assert.Equal(t, 2, code, stderr)
	assert.Empty(t, stdout)
	for i, c := range []string{"orders-app", "orders-batch"} {
		assert.Contains(t, stderr, fmt.Sprintf("xaccount-api:consumers[%d].stack: stack organization/xaccount-api/%s has published no endpointId yet; run its pulumi up first", i, c))
	}
}

// guardProtected says whether the stack's ListedByProducer guard (a
// consumer's or a hub's) is protected, and checks that it depends on every
// resource the stack deploys, so that a destroy must delete it first.
func guardProtected(t *testing.T, p *plan.Plan) bool {
	t.Helper()
	var guard *plan.Resource
	custom := map[string]bool{}
	for i, r := range p.Resources {
		switch {
		case r.Type == "xaccount:index:ListedByProducer":
			guard = &p.Resources[i]
		case !strings.HasPrefix(r.Type, "xaccount:") && !strings.HasPrefix(r.Type, "pulumi:"):
			custom[r.URN] = true
		}
	}
	require.NotNil(t, guard, "the stack has its guard")
	deps := map[string][]string{}
	for _, r := range p.Resources {
		deps[r.URN] = r.Dependencies
	}
	for _, d := range closure(guard.Dependencies, deps) {
		delete(custom, d)
	}
	assert.Empty(t, custom, "the guard depends, directly or not, on every resource of the stack")
	return guard.Protect
}

// closure is every URN reachable from start through deps.
func closure(start []string, deps map[string][]string) []string {
	seen := map[string]bool{}
	var out []string
	for queue := append([]string{}, start...); len(queue) > 0; queue = queue[1:] {
		if seen[queue[0]] {
			continue
		}
		seen[queue[0]] = true
		out = append(out, queue[0])
		queue = append(queue, deps[queue[0]]...)
	}
	return out
}

// TestHundredConsumerStacksPlan: a producer stack with 100 consumer stacks
// plans offline, each stack with one AWS provider, the API admitting all 100
// endpoints within the resource policy's quota; a consumer stack at either
// end of the list plans its whole side.
func TestHundredConsumerStacksPlan(t *testing.T) {
	const n = 100
	dir := t.TempDir()
	var producer strings.Builder
	producer.WriteString("config:\n  pulumi:disable-default-providers: [\"*\"]\n  xaccount-api:stackRole: producer\n  xaccount-api:region: eu-west-1\n")
	producer.WriteString("  xaccount-api:producer: {accountId: \"111111111111\", profile: producer}\n  xaccount-api:consumers:\n")
	for i := range n {
		account := fmt.Sprintf("%012d", 200000000000+i)
		fmt.Fprintf(&producer, "    - {name: c%d, accountId: %q, stack: organization/xaccount-api/team-%d}\n", i, account, i)
		consumer := fmt.Sprintf("config:\n  pulumi:disable-default-providers: [\"*\"]\n  xaccount-api:stackRole: consumer\n  xaccount-api:region: eu-west-1\n"+
			"  xaccount-api:producer: {accountId: \"111111111111\", stack: organization/xaccount-api/api}\n"+
			"  xaccount-api:consumers:\n    - {name: c%d, accountId: %q, profile: c%d, vpc: {cidr: 10.%d.%d.0/24}, probe: true}\n", i, account, i, i/256, i%256)
		require.NoError(t, os.WriteFile(plan.StackFile(dir, fmt.Sprintf("team-%d", i)), []byte(consumer), 0o600))
	}
	require.NoError(t, os.WriteFile(plan.StackFile(dir, "api"), []byte(producer.String()), 0o600))

	providers := func(p *plan.Plan) int {
		count := 0
		for _, r := range p.Resources {
			if r.Type == "pulumi:providers:aws" {
				count++
			}
		}
		return count
	}
	api := planSplit(t, dir, "api")
	assert.Equal(t, 1, providers(api))
	endpoints, _ := api.Outputs["vpcEndpointIds"].([]any)
	assert.Len(t, endpoints, n, "the API admits every consumer stack's endpoint")
	for _, r := range api.Resources {
		if r.Type == "aws:apigateway/restApiPolicy:RestApiPolicy" {
			doc, _ := r.Inputs["policy"].(string)
			assert.NoError(t, components.CheckResourcePolicyLength(doc, nil), "within the quota")
		}
	}
	for _, name := range []string{"team-0", "team-99"} {
		p := planSplit(t, dir, name)
		assert.Equalf(t, 1, providers(p), "stack %s", name)
		assert.Truef(t, guardProtected(t, p), "stack %s is listed by its producer", name)
	}
}

// TestConsumerStackRolesNeedTheProducersFile: --iam of a consumer stack
// plans its producer's stack file too, and refuses, naming producer.stack,
// when it is not beside it (the roles would miss what the API decides).
func TestConsumerStackRolesNeedTheProducersFile(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(plan.StackFile(splitDir, "orders-app"))
	require.NoError(t, err)
	file := plan.StackFile(dir, "orders-app")
	require.NoError(t, os.WriteFile(file, b, 0o600))
	code, stdout, stderr := runCLI("--config", file, "--iam", "--repo", "acme/xaccount-api")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, `xaccount-api:producer.stack: got "organization/xaccount-api/orders", whose stack file`)

	code, stdout, stderr = runCLI("--config", plan.StackFile(splitDir, "orders-app"), "--iam", "--repo", "acme/xaccount-api")
	require.Equal(t, 0, code, stderr)
	for _, action := range []string{"ec2:CreateVpcEndpoint", "lambda:CreateFunction", "iam:CreateRole"} {
		assert.Contains(t, stdout, action, "the roles cover the probe and the endpoint policy before the producer lists the consumer")
	}
}

// TestProducerChecksItsConsumerStacks: a producer whose consumers[i] names
// another account (or name) than the consumer stack it points at deploys is
// refused on consumers[i].stack: an AWS_IAM policy would allow the wrong
// account's root.
func TestProducerChecksItsConsumerStacks(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"orders", "orders-app", "orders-batch"} {
		b, err := os.ReadFile(plan.StackFile(splitDir, name))
		require.NoError(t, err)
		if name == "orders-batch" {
			b = []byte(strings.Replace(string(b), `accountId: "333333333333"`, `accountId: "555555555555"`, 1))
		}
		require.NoError(t, os.WriteFile(plan.StackFile(dir, name), b, 0o600))
	}
	code, _, stderr := runCLI("--config", plan.StackFile(dir, "orders"))
	assert.Equal(t, 2, code, stderr)
	assert.Contains(t, stderr, "xaccount-api:consumers[1].stack: stack organization/xaccount-api/orders-batch publishes consumer batch in account 555555555555; expected consumer batch in account 333333333333, as consumers[1] says")
	assert.NotContains(t, stderr, "consumers[0]", "the other consumer is fine")
}

// TestConsumerStackFollowsTheProducersAccessMode: a producer stack with
// STRICT publishes endpointAccessMode, and its consumer stacks offer only
// the invoke forms STRICT lets through.
func TestConsumerStackFollowsTheProducersAccessMode(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"orders", "orders-app", "orders-batch"} {
		b, err := os.ReadFile(plan.StackFile(splitDir, name))
		require.NoError(t, err)
		if name == "orders" {
			strict := strings.Replace(string(b), "  xaccount-api:api:\n", "  xaccount-api:api:\n    tls: {securityPolicy: SecurityPolicy_TLS13_1_3_2025_09, endpointAccessMode: STRICT}\n", 1)
			require.NotEqual(t, string(b), strict)
			b = []byte(strict)
		}
		require.NoError(t, os.WriteFile(plan.StackFile(dir, name), b, 0o600))
	}
	producer := planSplit(t, dir, "orders")
	assert.Equal(t, "STRICT", producer.Outputs["endpointAccessMode"])
	consumer := planSplit(t, dir, "orders-app")
	js, err := json.Marshal(consumer.Outputs)
	require.NoError(t, err)
	assert.Contains(t, string(js), "route53Alias")
	assert.NotContains(t, string(js), "publicDnsWithHostHeader", "STRICT refuses the header forms: the consumer stack does not offer them")
	assert.NotContains(t, string(js), "publicDnsWithApiIdHeader")
	committed := planSplit(t, splitDir, "orders-app")
	js, err = json.Marshal(committed.Outputs)
	require.NoError(t, err)
	assert.Contains(t, string(js), "publicDnsWithHostHeader", "without STRICT all forms are offered")
}
