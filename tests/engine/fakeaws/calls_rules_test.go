package fakeaws

import (
	"context"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/probediag"
)

// callWorld is a consumer function in a VPC with an execute-api endpoint it
// reaches, and a producer API whose stage serves routes under policy.
type callWorld struct {
	c        *Cloud
	fn       *Function
	endpoint *Endpoint
	api      string
}

const (
	producerAccount = "111111111111"
	consumerAccount = "222222222222"
	worldVpce       = "vpce-0aaaaaaaaaaaaaaaa"
	worldApi        = "abcde12345"
	worldProbeRole  = "arn:aws:iam::222222222222:role/probe"
)

// resourcePolicy is the components' shape: a Deny unless through the
// world's endpoint, then an Allow for who.
func resourcePolicy(who string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:111111111111:abcde12345/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"` + worldVpce + `"}}},` +
		`{"Effect":"Allow","Principal":` + who + `,"Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:111111111111:abcde12345/*"}]}`
}

func newCallWorld(routes []Route, policyJson string) *callWorld {
	c := newCloud()
	consumer := Scope{Account: consumerAccount, Region: region}
	producer := Scope{Account: producerAccount, Region: region}
	c.Vpcs["vpc-1"] = &Vpc{Scope: consumer, Id: "vpc-1", CidrBlock: "10.20.0.0/24", EnableDnsSupport: true, EnableDnsHostnames: true}
	c.Subnets["subnet-1"] = &Subnet{Scope: consumer, Id: "subnet-1", VpcId: "vpc-1", CidrBlock: "10.20.0.0/25", AvailabilityZone: region + "a"}
	c.SecurityGroups["sg-fn"] = &SecurityGroup{Scope: consumer, Id: "sg-fn", VpcId: "vpc-1", EgressGroups: []string{"sg-ep"}}
	c.SecurityGroups["sg-ep"] = &SecurityGroup{Scope: consumer, Id: "sg-ep", VpcId: "vpc-1", IngressCidrs: []string{"10.20.0.0/24"}}
	e := &Endpoint{Scope: consumer, Id: worldVpce, VpcId: "vpc-1", ServiceName: "com.amazonaws.eu-west-1.execute-api",
		SubnetIds: []string{"subnet-1"}, SecurityGroupIds: []string{"sg-ep"}, PrivateDns: true, DnsSuffix: "abcd"}
	c.Endpoints[e.Id] = e
	c.Roles[worldProbeRole] = consumerAccount
	f := &Function{Scope: consumer, Name: "probe", Role: worldProbeRole, VpcId: "vpc-1", SubnetIds: []string{"subnet-1"}, SecurityGroupIds: []string{"sg-fn"}}
	c.Functions[f.Name] = f
	c.RestApis[worldApi] = &RestApi{Scope: producer, Id: worldApi, VpcEndpointIds: []string{worldVpce}, Routes: routes, Policy: policyJson}
	c.Deployments["dep1"] = &Deployment{Scope: producer, Id: "dep1", RestApiId: worldApi, Routes: routes, Policy: policyJson}
	c.Stages[stageKey(worldApi, "dev")] = &Stage{Scope: producer, RestApiId: worldApi, Name: "dev", DeploymentId: "dep1"}
	return &callWorld{c: c, fn: f, endpoint: e, api: worldApi}
}

// call is a GET of path on the dev stage through private DNS.
func (w *callWorld) call(path string, signed bool) (int, string, string) {
	r := w.c.simulateCall(w.fn, "https://"+worldApi+".execute-api.eu-west-1.amazonaws.com/dev"+path, nil, signed)
	return r.Status, r.ErrorType, r.Body
}

var mockRoute = Route{Method: "GET", Path: "/", Authorization: "NONE", Integration: "mock", MockStatus: 200}

// TestHttpsRulesNeedTcp: a rule carries HTTPS only over TCP (or all
// traffic); UDP on 443 leaves the function without a way to the endpoint.
func TestHttpsRulesNeedTcp(t *testing.T) {
	for protocol, carries := range map[string]bool{"tcp": true, "6": true, "-1": true, "all": true, "udp": false, "17": false, "icmp": false} {
		g := &SecurityGroup{}
		g.setRules(props{"egress": []any{map[string]any{"protocol": protocol, "fromPort": 443.0, "toPort": 443.0, "securityGroups": []any{"sg-ep"}}}})
		assert.Equal(t, carries, len(g.EgressGroups) == 1, protocol)
	}
	w := newCallWorld([]Route{mockRoute}, resourcePolicy(`"*"`))
	status, _, _ := w.call("/", false)
	require.Equal(t, 200, status)
	w.c.SecurityGroups["sg-fn"].setRules(props{"egress": []any{map[string]any{"protocol": "udp", "fromPort": 443.0, "toPort": 443.0, "securityGroups": []any{"sg-ep"}}}})
	r := w.c.simulateCall(w.fn, "https://"+worldApi+".execute-api.eu-west-1.amazonaws.com/dev/", nil, false)
	assert.Equal(t, "timeout", r.Failure, "no TCP path to the endpoint")
}

// TestEndpointPolicyIsEvaluatedOnEveryCall: the endpoint refuses what its
// policy does not allow, before API Gateway, with AWS's message.
func TestEndpointPolicyIsEvaluatedOnEveryCall(t *testing.T) {
	w := newCallWorld([]Route{mockRoute}, resourcePolicy(`"*"`))
	w.endpoint.Policy = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:111111111111:otherapi99/*"}]}`
	status, errType, body := w.call("/", false)
	assert.Equal(t, 403, status)
	assert.Equal(t, "AccessDeniedException", errType)
	assert.Contains(t, body, "because no VPC endpoint policy allows the execute-api:Invoke action")
	w.endpoint.Policy = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:111111111111:abcde12345/*/GET/*"}]}`
	status, _, _ = w.call("/", false)
	assert.Equal(t, 200, status)
	w.endpoint.Policy = fullAccessPolicy
	status, _, _ = w.call("/", false)
	assert.Equal(t, 200, status, "AWS's default policy allows everything")
}

// TestSignedCallsNeedTheCallersIdentityPolicy: a signed call from another
// account needs an Allow in the resource policy and in the caller's identity
// policy; a Deny in either refuses; an unsigned call is refused without an
// explicit deny when no Allow names it.
func TestSignedCallsNeedTheCallersIdentityPolicy(t *testing.T) {
	iamRoute := mockRoute
	iamRoute.Authorization = "AWS_IAM"
	w := newCallWorld([]Route{iamRoute}, resourcePolicy(`{"AWS":"arn:aws:iam::222222222222:root"}`))
	invoke := func(effect string) string {
		return `{"Statement":[{"Effect":"` + effect + `","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:111111111111:abcde12345/dev/GET/"}]}`
	}
	status, errType, body := w.call("/", true)
	assert.Equal(t, 403, status, "cross-account: the resource policy alone is not enough")
	assert.Equal(t, "AccessDeniedException", errType)
	assert.NotContains(t, body, "explicit deny")
	assert.Contains(t, body, "assumed-role/probe/probe is not authorized")

	w.c.RoleInlinePolicies[worldProbeRole] = []string{invoke("Allow")}
	status, _, _ = w.call("/", true)
	assert.Equal(t, 200, status)

	w.c.RoleInlinePolicies[worldProbeRole] = []string{invoke("Allow"), invoke("Deny")}
	status, _, body = w.call("/", true)
	assert.Equal(t, 403, status)
	assert.Contains(t, body, "with an explicit deny")

	w.c.RoleInlinePolicies[worldProbeRole] = []string{invoke("Allow")}
	status, errType, body = w.call("/", false)
	assert.Equal(t, 403, status, "unsigned: the Allow names the account, not anonymous")
	assert.Equal(t, "AccessDeniedException", errType)
	assert.True(t, strings.Contains(body, "User: anonymous") && !strings.Contains(body, "explicit deny"), body)
}

// TestLambdaProxyNeedsPostAndAPermission: API Gateway invokes Lambda with
// POST and only under a permission whose source ARN covers the method ARN;
// otherwise the caller gets 500.
func TestLambdaProxyNeedsPostAndAPermission(t *testing.T) {
	fnArn := "arn:aws:lambda:eu-west-1:111111111111:function:orders"
	lambdaRoute := Route{Method: "GET", Path: "/orders", Authorization: "NONE", Integration: "aws_proxy", IntegrationMethod: "POST",
		IntegrationUri: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + fnArn + "/invocations"}
	permit := func(w *callWorld, sourceArn string) {
		w.c.Permissions["p"] = &Permission{Scope: Scope{Account: producerAccount, Region: region}, Id: "p", Function: fnArn, SourceArn: sourceArn}
	}
	w := newCallWorld([]Route{lambdaRoute}, resourcePolicy(`"*"`))
	status, errType, _ := w.call("/orders", false)
	assert.Equal(t, 500, status, "no permission")
	assert.Equal(t, "InternalServerErrorException", errType)
	permit(w, "arn:aws:execute-api:eu-west-1:111111111111:abcde12345/*/GET/orders")
	status, _, _ = w.call("/orders", false)
	assert.Equal(t, 200, status)
	permit(w, "arn:aws:execute-api:eu-west-1:111111111111:abcde12345/*/POST/orders")
	status, _, _ = w.call("/orders", false)
	assert.Equal(t, 500, status, "a permission for another method")

	get := lambdaRoute
	get.IntegrationMethod = "GET"
	w = newCallWorld([]Route{get}, resourcePolicy(`"*"`))
	permit(w, "arn:aws:execute-api:eu-west-1:111111111111:abcde12345/*/GET/orders")
	status, _, _ = w.call("/orders", false)
	assert.Equal(t, 500, status, "Lambda is invoked with POST only")
}

// TestZoneFiltersAndState: DescribeAvailabilityZones narrows by state and
// each filter, lists an impaired zone unless asked not to, and refuses an
// unknown filter.
func TestZoneFiltersAndState(t *testing.T) {
	p := provider(t, newStore(t), "222222222222")
	zones := func(args map[string]any) ([]any, error) {
		t.Helper()
		r, err := p.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: InvokeAvailabilityZones, Args: st(t, args)})
		if err != nil {
			return nil, err
		}
		return r.GetReturn().AsMap()["names"].([]any), nil
	}
	optIn := func(v string) map[string]any { return map[string]any{"name": "opt-in-status", "values": []any{v}} }
	all, err := zones(map[string]any{})
	require.NoError(t, err)
	assert.Equal(t, []any{"eu-west-1-lon-1a", "eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d"}, all)
	ordinary, err := zones(map[string]any{"state": "available", "filters": []any{optIn("opt-in-not-required")}})
	require.NoError(t, err)
	assert.Equal(t, []any{"eu-west-1a", "eu-west-1b", "eu-west-1c"}, ordinary, "the program's query")
	opted, err := zones(map[string]any{"state": "available", "filters": []any{optIn("opted-in")}})
	require.NoError(t, err)
	assert.Equal(t, []any{"eu-west-1-lon-1a"}, opted)
	impaired, err := zones(map[string]any{"state": "impaired"})
	require.NoError(t, err)
	assert.Equal(t, []any{"eu-west-1d"}, impaired)
	_, err = zones(map[string]any{"filters": []any{map[string]any{"name": "zone-colour", "values": []any{"x"}}}})
	assert.ErrorContains(t, err, "InvalidParameterValue: The filter 'zone-colour' is invalid")
}

// TestAutoNamingAndNameLimits: a name pulumi-aws generates is the logical
// name, "-" and 7 hex digits, kept on update; one that cannot fit is
// refused as the bridge refuses it; an explicit name over the limit fails
// with the service's validation error.
func TestAutoNamingAndNameLimits(t *testing.T) {
	p := provider(t, newStore(t), "222222222222")
	check := func(logical string, olds map[string]any) (string, error) {
		r, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Type: TypeFunction, Urn: "urn:pulumi:dev::xaccount-api::aws:lambda/function:Function::" + logical,
			Olds: st(t, olds), News: st(t, map[string]any{"role": "r"}), RandomSeed: []byte("seed")})
		if err != nil {
			return "", err
		}
		return r.GetInputs().AsMap()["name"].(string), nil
	}
	name, err := check("app-probe-function", map[string]any{})
	require.NoError(t, err)
	assert.Regexp(t, `^app-probe-function-[0-9a-f]{7}$`, name)
	kept, err := check("app-probe-function", map[string]any{"name": "app-probe-function-abcdef0"})
	require.NoError(t, err)
	assert.Equal(t, "app-probe-function-abcdef0", kept, "an update keeps the generated name")
	long := "xaccount-api-" + strings.Repeat("a", 32) + "-probe-function"
	_, err = check(long, map[string]any{})
	assert.ErrorContains(t, err, "plus 7 random chars is longer than maximum length 64")

	_, _, err = create(p, t, TypeRole, map[string]any{"name": strings.Repeat("r", 65), "assumeRolePolicy": "{}"})
	assert.ErrorContains(t, err, "ValidationError: 1 validation error detected: Value '"+strings.Repeat("r", 65)+"' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64")
	_, _, err = create(p, t, TypeRole, map[string]any{"name": strings.Repeat("r", 64), "assumeRolePolicy": "{}"})
	assert.NoError(t, err, "64 characters fit")
}

// TestPropagationAndTheProbesRetries: with PropagationCalls set, a moved
// stage serves its previous deployment and a new endpoint's private name
// does not resolve for that many calls; the probe's retries (the event's
// delays, within its deadline) ride it out and record their attempts.
func TestPropagationAndTheProbesRetries(t *testing.T) {
	newRoute := Route{Method: "GET", Path: "/new", Authorization: "NONE", Integration: "mock", MockStatus: 200}
	w := newCallWorld([]Route{mockRoute}, resourcePolicy(`"*"`))
	w.c.PropagationCalls = 1
	producer := &Provider{scope: Scope{Account: producerAccount, Region: region}}
	move := func(dep string) {
		t.Helper()
		w.c.Deployments[dep] = &Deployment{Scope: producer.scope, Id: dep, RestApiId: worldApi, Routes: []Route{mockRoute, newRoute}, Policy: resourcePolicy(`"*"`)}
		_, _, err := producer.putStage(w.c, props{"restApi": worldApi, "stageName": "dev", "deployment": dep}, false)
		require.NoError(t, err)
	}
	move("dep2")
	status, errType, _ := w.call("/new", false)
	assert.Equal(t, 403, status, "the first call meets the previous deployment")
	assert.Equal(t, "MissingAuthenticationTokenException", errType)
	status, _, _ = w.call("/new", false)
	assert.Equal(t, 200, status, "then the new one")

	w.c.changed("dns:" + worldVpce)
	r := w.c.simulateCall(w.fn, "https://"+worldApi+".execute-api.eu-west-1.amazonaws.com/dev/", nil, false)
	assert.Equal(t, "dns", r.Failure, "a new endpoint's private name resolves a little later")

	consumer := &Provider{scope: Scope{Account: consumerAccount, Region: region}}
	probe := func(delays string) map[string]any {
		t.Helper()
		w.c.Deployments["dep1"].Routes = []Route{mockRoute} // the previous deployment lacks /new
		w.c.Stages[stageKey(worldApi, "dev")].DeploymentId = "dep1"
		move("dep3")
		input := `{"targets":[{"form":"privateDns","url":"https://` + worldApi + `.execute-api.eu-west-1.amazonaws.com/dev/new"}],` +
			`"retryDelaysSeconds":` + delays + `,"retryDeadlineSeconds":20,"failOnError":false}`
		_, out, err := consumer.invoke(w.c, props{"functionName": "probe", "input": input})
		require.NoError(t, err)
		results, err := probediag.ParseResult(out.str("result"))
		require.NoError(t, err)
		return results["privateDns"].(map[string]any)
	}
	retried := probe(`[1,2]`)
	assert.Equal(t, float64(200), retried["status"])
	assert.Equal(t, float64(2), retried["attempts"], "one stale answer, one retry")
	once := probe(`[]`)
	assert.Equal(t, float64(403), once["status"], "no retries: the stale answer is the result")
	assert.Equal(t, float64(1), once["attempts"])
}

// TestMockAnswersWithItsTemplate: a MOCK answers with its integration
// response's application/json template, as the body imported it ("Set up
// mock integrations in API Gateway"); the fake renders no VTL.
func TestMockAnswersWithItsTemplate(t *testing.T) {
	parsed, err := parseBody("PutRestApi", `{"openapi":"3.0.1","paths":{"/":{"get":{"x-amazon-apigateway-integration":{"type":"mock",`+
		`"responses":{"default":{"statusCode":"202","responseTemplates":{"application/json":"{\"token\":\"t-1\"}"}}}}}}}}`)
	require.NoError(t, err)
	require.Len(t, parsed.routes, 1)
	w := newCallWorld(parsed.routes, resourcePolicy(`"*"`))
	status, errType, body := w.call("/", false)
	assert.Equal(t, 202, status)
	assert.Empty(t, errType, "an integration's answer carries no x-amzn-ErrorType")
	assert.Equal(t, `{"token":"t-1"}`, body)
}
