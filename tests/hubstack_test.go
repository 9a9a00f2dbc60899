package tests

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/internal/stack"
	"github.com/xaccount/xaccount-api/policy"
)

// hubSplitDir holds a split topology whose hub has a stack of its own: the
// hub's (shop-network, stackRole: hub), the producer's (shop, hub.stack)
// and spoke orders' (shop-orders, stackRole: consumer, via: hub).
var hubSplitDir = filepath.Join("testdata", "hubsplit")

// planHubSplit plans a stack of dir with the stacks it references planned
// from their files there.
func planHubSplit(t *testing.T, dir, stackName string) (*plan.Plan, error) {
	t.Helper()
	raw, err := plan.ReadConfigFile(plan.StackFile(dir, stackName))
	require.NoError(t, err)
	return plan.RunIn(dir, stackName, raw)
}

// hubSplitCopy copies the named stack files of the hubsplit folder into a
// new folder, changing the file of stack edited with edit, and returns it.
func hubSplitCopy(t *testing.T, names []string, edited string, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range names {
		b, err := os.ReadFile(plan.StackFile(hubSplitDir, name))
		require.NoError(t, err)
		if name == edited {
			b = []byte(edit(string(b)))
		}
		require.NoError(t, os.WriteFile(plan.StackFile(dir, name), b, 0o600))
	}
	return dir
}

// requireOneProblem: err is a config error with one problem, on key, whose
// message says said.
func requireOneProblem(t *testing.T, err error, key, said string) {
	t.Helper()
	var ce *config.Error
	require.True(t, errors.As(err, &ce), "%v", err)
	require.Len(t, ce.Problems, 1)
	assert.Equal(t, key, ce.Problems[0].Key)
	assert.Contains(t, ce.Problems[0].Message, said)
}

// resourceNamed is the plan's resource of a type and name, nil when absent.
func resourceNamed(p *plan.Plan, typ, name string) *plan.Resource {
	for i, r := range p.Resources {
		if r.Type == typ && r.Name == name {
			return &p.Resources[i]
		}
	}
	return nil
}

// TestHubStackHoldsTheNetworkAccountsPart: the hub's stack, once the
// producer's has published its API, holds in the network account only the
// hub endpoint (443 from the spokes' ranges), its policy scoped to that API,
// the zone named for it and one authorization per spoke VPC; nothing in the
// producer's or the spokes' accounts. It publishes what the producer and
// the spokes read.
func TestHubStackHoldsTheNetworkAccountsPart(t *testing.T) {
	hub, err := planHubSplit(t, hubSplitDir, "shop-network")
	require.NoError(t, err)
	producer, err := planHubSplit(t, hubSplitDir, "shop")
	require.NoError(t, err)
	for _, r := range hub.Resources {
		if strings.HasPrefix(r.Type, "aws:") {
			assert.Equalf(t, "777777777777", r.Account, "%s %s", r.Type, r.Name)
		}
	}
	apiId := producer.Outputs["restApiId"].(string)
	zone := resourceNamed(hub, "aws:route53/zone:Zone", "xaccount-api-hub-zone")
	require.NotNil(t, zone)
	assert.Equal(t, apiId+".execute-api.eu-west-1.amazonaws.com", zone.Inputs["name"])
	endpointPolicy := resourceNamed(hub, "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "xaccount-api-hub-endpoint-policy")
	require.NotNil(t, endpointPolicy)
	assert.Contains(t, endpointPolicy.Inputs["policy"], producer.Outputs["executionArn"].(string)+"/*")
	for spoke, vpc := range map[string]string{"orders": "vpc-0b1c2d3e4f5a60718", "billing": "vpc-0c1d2e3f4a5b60718"} { // named by the spoke's VPC
		assert.NotNil(t, resourceNamed(hub, "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization", "xaccount-api-"+vpc+"-hub-zone-authorization"), spoke)
		assert.Nil(t, resourceNamed(hub, "aws:route53/zoneAssociation:ZoneAssociation", "xaccount-api-"+vpc+"-hub-zone-association"), spoke)
	}
	sg := resourceNamed(hub, "aws:ec2/securityGroup:SecurityGroup", "xaccount-api-hub-endpoint-sg")
	require.NotNil(t, sg)
	assert.Contains(t, sg.Inputs["ingress"].([]any)[0].(map[string]any)["cidrBlocks"], "10.41.0.0/25")
	for _, out := range []string{"endpointId", "endpointDnsName", "accountId", "region", "spokes", "zoneId", "hubCidrs"} {
		assert.Contains(t, hub.Outputs, out)
	}
}

// TestProducerAdmitsTheSpokesThroughTheHubStacksEndpoint: the producer's
// stack lists the endpoint the hub's stack publishes, once, and admits each
// spoke through it from its own ranges only.
func TestProducerAdmitsTheSpokesThroughTheHubStacksEndpoint(t *testing.T) {
	producer, err := planHubSplit(t, hubSplitDir, "shop")
	require.NoError(t, err)
	raw, err := plan.ReadConfigFile(plan.StackFile(hubSplitDir, "shop-network"))
	require.NoError(t, err)
	firstRun, err := plan.Run("shop-network", raw) // what the producer reads: the hub's first run
	require.NoError(t, err)
	hubEndpoint := firstRun.Outputs["endpointId"].(string)
	assert.Equal(t, []any{hubEndpoint}, producer.Outputs["vpcEndpointIds"])
	doc := resourceNamed(producer, "aws:apigateway/restApiPolicy:RestApiPolicy", "xaccount-api-policy-policy")
	require.NotNil(t, doc)
	parsed, err := policy.Parse(doc.Inputs["policy"].(string))
	require.NoError(t, err)
	method := producer.Outputs["executionArn"].(string) + "/shop/GET/health"
	call := func(vpce, ip string) bool {
		ok, err := parsed.Evaluate(policy.Request{Resource: method, SourceVpce: vpce, VpcSourceIp: ip})
		require.NoError(t, err)
		return ok
	}
	assert.True(t, call(hubEndpoint, "10.30.0.9"), "orders")
	assert.True(t, call(hubEndpoint, "10.41.0.9"), "billing")
	assert.False(t, call(hubEndpoint, "10.50.0.9"), "an unlisted range")
	assert.False(t, call("vpce-00000000000000000", "10.30.0.9"), "another endpoint")
	for _, r := range producer.Resources {
		if strings.HasPrefix(r.Type, "aws:") {
			assert.Equalf(t, "111111111111", r.Account, "%s %s: only the producer's account", r.Type, r.Name)
		}
	}
}

// TestHubStackBootstrap: before the producer publishes its API the hub's
// stack creates only the endpoint and its group; before the hub's stack
// publishes its endpoint the producer's stops, naming hub.stack.
func TestHubStackBootstrap(t *testing.T) {
	raw, err := plan.ReadConfigFile(plan.StackFile(hubSplitDir, "shop-network"))
	require.NoError(t, err)
	hub, err := plan.Run("shop-network", raw)
	require.NoError(t, err)
	assert.NotNil(t, resourceNamed(hub, "aws:ec2/vpcEndpoint:VpcEndpoint", "xaccount-api-hub-endpoint-vpce"))
	policy := resourceNamed(hub, "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "xaccount-api-hub-endpoint-policy")
	require.NotNil(t, policy, "the endpoint is never left with AWS's default full-access policy")
	assert.Contains(t, policy.Inputs["policy"], `"Effect":"Deny"`, "it invokes nothing until the producer's stack has published the API")
	assert.Nil(t, resourceNamed(hub, "aws:route53/zone:Zone", "xaccount-api-hub-zone"))

	raw, err = plan.ReadConfigFile(plan.StackFile(hubSplitDir, "shop"))
	require.NoError(t, err)
	_, err = plan.Run("shop", raw)
	requireOneProblem(t, err, "xaccount-api:hub.stack", "has published no endpointId")
}

// TestProducerRefusesASpokeTheHubStackListsOtherwise: a spoke whose ranges,
// account or name differ from what the hub's stack publishes is refused on
// its consumers[i], with what the hub's stack says.
func TestProducerRefusesASpokeTheHubStackListsOtherwise(t *testing.T) {
	dir := hubSplitCopy(t, []string{"shop", "shop-network"}, "shop", func(f string) string {
		f = strings.Replace(f, "allowedCidrs: [10.40.0.0/24, 10.41.0.0/25]", "allowedCidrs: [10.40.0.0/24]", 1)
		return strings.Replace(f, `accountId: "333333333333"`, `accountId: "555555555555"`, 1)
	})
	_, err := planHubSplit(t, dir, "shop")
	var ce *config.Error
	require.True(t, errors.As(err, &ce), "%v", err)
	keys := map[string]string{}
	for _, p := range ce.Problems {
		keys[p.Key] = p.Message
	}
	assert.Contains(t, keys["xaccount-api:consumers[0]"], "publishes spoke orders in account 333333333333")
	assert.Contains(t, keys["xaccount-api:consumers[1]"], "from [10.40.0.0/24, 10.41.0.0/25]")
}

// TestSpokeStackHoldsItsAssociationAndProbe: a spoke's own stack holds, in
// its account only, the association of its VPC with the zone the hub's
// stack publishes and its probe, which calls the API by its own name
// through the hub endpoint and sends 443 to the hub VPC's range only.
func TestSpokeStackHoldsItsAssociationAndProbe(t *testing.T) {
	spoke, err := planHubSplit(t, hubSplitDir, "shop-orders")
	require.NoError(t, err)
	hub, err := planHubSplit(t, hubSplitDir, "shop-network")
	require.NoError(t, err)
	for _, r := range spoke.Resources {
		if strings.HasPrefix(r.Type, "aws:") {
			assert.Equalf(t, "333333333333", r.Account, "%s %s", r.Type, r.Name)
		}
	}
	association := resourceNamed(spoke, "aws:route53/zoneAssociation:ZoneAssociation", "xaccount-api-vpc-0b1c2d3e4f5a60718-hub-zone-association")
	require.NotNil(t, association)
	assert.Equal(t, hub.Outputs["zoneId"], association.Inputs["zoneId"])
	assert.Equal(t, "vpc-0b1c2d3e4f5a60718", association.Inputs["vpcId"])
	sg := resourceNamed(spoke, "aws:ec2/securityGroup:SecurityGroup", "xaccount-api-orders-probe-sg")
	require.NotNil(t, sg)
	assert.Equal(t, hub.Outputs["hubCidrs"], sg.Inputs["egress"].([]any)[0].(map[string]any)["cidrBlocks"])
	urls := spoke.Outputs["consumers"].(map[string]any)["orders"].(map[string]any)["invokeUrls"].(map[string]any)
	assert.Equal(t, "https://"+hub.Outputs["restApiId"].(string)+".execute-api.eu-west-1.amazonaws.com/shop", urls["privateDns"])
	assert.Contains(t, urls["publicDnsWithHostHeader"], hub.Outputs["endpointId"].(string))
	assert.Nil(t, spoke.HubCost, "the hub's stack shows the cost")
}

// TestSpokeStackRefusesASpokeTheHubStackDoesNotList: a spoke whose account
// the hub's stack lists otherwise is refused on consumers[0], before
// anything is registered.
func TestSpokeStackRefusesASpokeTheHubStackDoesNotList(t *testing.T) {
	dir := hubSplitCopy(t, []string{"shop", "shop-network", "shop-orders"}, "shop-orders", func(f string) string {
		return strings.Replace(f, "allowedCidrs: [10.30.0.0/24]", "allowedCidrs: [10.30.0.0/25]", 1)
	})
	_, err := planHubSplit(t, dir, "shop-orders")
	requireOneProblem(t, err, "xaccount-api:consumers[0]", "does not list it so")
}

// TestSpokeStackBeforeTheHubs: a spoke's stack whose hub's stack has
// published no endpoint stops, naming hub.stack, and registers nothing.
func TestSpokeStackBeforeTheHubs(t *testing.T) {
	raw, err := plan.ReadConfigFile(plan.StackFile(hubSplitDir, "shop-orders"))
	require.NoError(t, err)
	env, err := awsmock.ConfigEnv(raw.Values, raw.SecretKeys)
	require.NoError(t, err)
	for k, v := range env {
		t.Setenv(k, v)
	}
	mocks := awsmock.New(config.Namespace, "shop-orders")
	err = mocks.Run(stack.Program)
	require.ErrorIs(t, err, stack.ErrInvalidConfig)
	requireOneProblem(t, err, "xaccount-api:hub.stack", "has published no endpointId")
	for _, r := range mocks.Resources() {
		assert.Equal(t, "pulumi:pulumi:StackReference", r.Type, "nothing but the reference it read")
	}
}

// copyStackFiles copies stack files of dir into a new folder, each
// changed by edits (old -> new, each must apply), and returns the folder.
func copyStackFiles(t *testing.T, dir string, files map[string]string, edits map[string][][2]string) string {
	t.Helper()
	out := t.TempDir()
	for to, from := range files {
		b, err := os.ReadFile(plan.StackFile(dir, from))
		require.NoError(t, err)
		for _, e := range edits[to] {
			changed := strings.Replace(string(b), e[0], e[1], 1)
			require.NotEqualf(t, string(b), changed, "%s: edit %q applies", to, e[0])
			b = []byte(changed)
		}
		require.NoError(t, os.WriteFile(plan.StackFile(out, to), b, 0o600))
	}
	return out
}

// TestTopologyWithAHubStack: the split pipeline's topology (--topology)
// names the folder's hub stack (hub=) and lists it with the stacks.
func TestTopologyWithAHubStack(t *testing.T) {
	topo, err := plan.ReadTopology(hubSplitDir)
	require.NoError(t, err)
	assert.Equal(t, plan.Topology{Producer: "shop", Hub: "shop-network", Consumers: []string{"shop-orders"}}, topo)
	assert.Equal(t, []string{"shop", "shop-network", "shop-orders"}, topo.Stacks())
}

// TestTopologyRefusesAHubItCannotDeployInOrder: two hub stacks in a folder,
// a hub stack reading another producer, a producer or spoke stack whose
// hub.stack is not the folder's hub stack (or whose hub's stack is not in
// the folder, so it would miss its second run), and a producer that reads
// no hub beside a hub's stack are refused, each naming the stacks and
// keys, every problem in one run.
func TestTopologyRefusesAHubItCannotDeployInOrder(t *testing.T) {
	all := map[string]string{"shop": "shop", "shop-network": "shop-network", "shop-orders": "shop-orders"}
	const hubRef, producerRef = "stack: organization/xaccount-api/shop-network\n", "stack: organization/xaccount-api/shop\n"

	// Two hubs, the second reading another producer.
	files := map[string]string{"shop": "shop", "shop-network": "shop-network", "shop-network2": "shop-network", "shop-orders": "shop-orders"}
	dir := copyStackFiles(t, hubSplitDir, files, map[string][][2]string{"shop-network2": {{producerRef, "stack: organization/xaccount-api/payments\n"}}})
	_, err := plan.ReadTopology(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2 hub stacks, shop-network and shop-network2: one hub stack per project folder")
	assert.Contains(t, err.Error(), `hub stack shop-network2 reads organization/xaccount-api/payments (producer.stack), which is not this folder's producer stack "shop"`)

	// One hub; the producer and the spoke read another, the hub another
	// producer: three problems, one run.
	dir = copyStackFiles(t, hubSplitDir, all, map[string][][2]string{
		"shop":         {{hubRef, "stack: organization/xaccount-api/net-a\n"}},
		"shop-orders":  {{hubRef, "stack: organization/xaccount-api/net-b\n"}},
		"shop-network": {{producerRef, "stack: organization/xaccount-api/payments\n"}},
	})
	_, err = plan.ReadTopology(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `producer stack shop reads organization/xaccount-api/net-a (hub.stack), which is not this folder's hub stack "shop-network"`)
	assert.Contains(t, err.Error(), `spoke stack shop-orders reads organization/xaccount-api/net-b (hub.stack), which is not this folder's hub stack "shop-network"`)
	assert.Contains(t, err.Error(), `hub stack shop-network reads organization/xaccount-api/payments (producer.stack), which is not this folder's producer stack "shop"`)
	assert.Len(t, strings.Split(err.Error(), "\n"), 3, err.Error())

	// No hub's stack in the folder: the producer and the spoke would be
	// deployed without the hub's two runs.
	dir = copyStackFiles(t, hubSplitDir, map[string]string{"shop": "shop", "shop-orders": "shop-orders"}, nil)
	_, err = plan.ReadTopology(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "producer stack shop reads the hub stack organization/xaccount-api/shop-network (hub.stack), which is not in this folder")
	assert.Contains(t, err.Error(), "spoke stack shop-orders reads the hub stack organization/xaccount-api/shop-network (hub.stack), which is not in this folder")

	// A hub's stack beside a producer that reads none (the split example's,
	// whose consumers have endpoints of their own).
	dir = copyStackFiles(t, hubSplitDir, map[string]string{"shop-network": "shop-network"}, map[string][][2]string{"shop-network": {{producerRef, "stack: organization/xaccount-api/orders\n"}}})
	b, err := os.ReadFile(plan.StackFile(splitDir, "orders"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(plan.StackFile(dir, "orders"), b, 0o600))
	_, err = plan.ReadTopology(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "producer stack orders reads no hub stack (hub.stack), but this folder has the hub stack shop-network")
}

// TestProducerRefusesASpokeOnlyTheHubStackLists: a spoke the hub's stack
// publishes and the producer's file does not list is refused on hub.stack:
// the hub would admit its ranges and authorize its VPC while the API's
// policy refuses it.
func TestProducerRefusesASpokeOnlyTheHubStackLists(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"shop", "shop-network"} {
		b, err := os.ReadFile(plan.StackFile(hubSplitDir, name))
		require.NoError(t, err)
		if name == "shop-network" {
			b = append(b, []byte(`    - name: extra
      accountId: "999999999999"
      via: hub
      vpc:
        id: vpc-0e1f2a3b4c5d60718
      allowedCidrs: [10.99.0.0/24]
`)...)
		}
		require.NoError(t, os.WriteFile(plan.StackFile(dir, name), b, 0o600))
	}
	_, err := planHubSplit(t, dir, "shop")
	var ce *config.Error
	require.True(t, errors.As(err, &ce), "%v", err)
	var said string
	for _, p := range ce.Problems {
		if p.Key == "xaccount-api:hub.stack" {
			said = p.Message
		}
	}
	assert.Contains(t, said, "publishes spoke extra, which this file does not list")
}

// TestSpokeStackRefusesAVpcTheHubDoesNotAuthorize: a spoke's stack naming
// another VPC than the one the hub's stack authorizes on its zone is
// refused on consumers[0].vpc.id (its association would fail with
// NotAuthorizedException).
func TestSpokeStackRefusesAVpcTheHubDoesNotAuthorize(t *testing.T) {
	dir := hubSplitCopy(t, []string{"shop", "shop-network", "shop-orders"}, "shop-orders", func(f string) string {
		return strings.Replace(f, "vpc-0b1c2d3e4f5a60718", "vpc-0b1c2d3e4f5a6071f", 1)
	})
	_, err := planHubSplit(t, dir, "shop-orders")
	requireOneProblem(t, err, "xaccount-api:consumers[0].vpc.id", "authorizes VPC vpc-0b1c2d3e4f5a60718")
}
