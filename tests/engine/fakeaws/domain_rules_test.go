package fakeaws

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/probediag"
)

const testCert = "arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"

// privateDomain is a PRIVATE domain with a policy admitting any endpoint.
func privateDomain(cert string) map[string]any {
	return map[string]any{"domainName": "orders.example.com", "certificateArn": cert, "securityPolicy": "TLS_1_2",
		"endpointConfiguration": map[string]any{"types": "PRIVATE"}, "policy": policyDoc}
}

// consumerEndpoint creates a VPC and an execute-api endpoint with p.
func consumerEndpoint(t *testing.T, p *Provider) (vpc, endpoint string) {
	t.Helper()
	vpc, _ = mustCreate(p, t, TypeVpc, map[string]any{"cidrBlock": "10.20.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	sub, _ := mustCreate(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.20.0.0/25", "availabilityZone": "eu-west-1a"})
	endpoint, _ = mustCreate(p, t, TypeVpcEndpoint, map[string]any{"vpcId": vpc, "serviceName": "com.amazonaws.eu-west-1.execute-api",
		"vpcEndpointType": "Interface", "subnetIds": []any{sub}})
	return vpc, endpoint
}

// TestPrivateDomainRules: the certificate is the caller's own in its
// region; a mapping finds a private domain by its ID and needs a PRIVATE
// API's existing stage.
func TestPrivateDomainRules(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, producerAccount)
	for _, cert := range []string{"arn:aws:acm:us-east-1:111111111111:certificate/x", "arn:aws:acm:eu-west-1:222222222222:certificate/x"} {
		_, _, err := create(p, t, TypeDomainName, privateDomain(cert))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "BadRequestException: Certificate "+cert+" not found")
	}
	enhanced := privateDomain(testCert)
	enhanced["securityPolicy"] = "SecurityPolicy_TLS13_1_3_2025_09"
	_, _, err := create(p, t, TypeDomainName, enhanced)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "requires an endpoint access mode")
	arn, out := mustCreate(p, t, TypeDomainName, privateDomain(testCert))
	assert.Contains(t, arn, ":111111111111:/domainnames/orders.example.com+")
	api, _ := mustCreate(p, t, TypeRestApi, privateApi("/"))
	mapping := map[string]any{"domainName": "orders.example.com", "restApi": api, "stageName": "dev"}
	_, _, err = create(p, t, TypeBasePathMapping, mapping)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NotFoundException: Invalid domain name identifier specified", "a private domain needs its ID")
	mapping["domainNameId"] = out["domainNameId"]
	_, _, err = create(p, t, TypeBasePathMapping, mapping)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Invalid stage identifier specified")
	mustCreate(p, t, TypeRestApiPolicy, map[string]any{"restApiId": api, "policy": policyDoc})
	dep, _ := mustCreate(p, t, TypeDeployment, map[string]any{"restApi": api})
	mustCreate(p, t, TypeStage, map[string]any{"restApi": api, "stageName": "dev", "deployment": dep})
	id, _ := mustCreate(p, t, TypeBasePathMapping, mapping)
	assert.Equal(t, "orders.example.com//"+out["domainNameId"].(string), id, "the provider's ID: domain/basePath/domainNameId")

	// A base path of two segments: the provider's ID parse takes "v1/<id>"
	// for the domain's ID, so its delete misses the mapping (NotFound is
	// success to it) and the mapping stays live.
	multi := map[string]any{"domainName": "orders.example.com", "domainNameId": out["domainNameId"], "restApi": api, "stageName": "dev", "basePath": "orders/v1"}
	id, _ = mustCreate(p, t, TypeBasePathMapping, multi)
	require.NoError(t, del(p, t, TypeBasePathMapping, id, multi))
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.Contains(t, c.Domains[arn].Mappings, "orders/v1", "the delete addressed orders on a domain ID of v1/<id>")
		return nil
	}))
}

// TestDomainShareAndAssociationRules: the consumer's association needs the
// domain shared with its account and accepted; the invitation exists only
// for a principal; a share without external principals reaches only the
// owner's organization, where RAM accepts; a zone with records cannot be
// deleted.
func TestDomainShareAndAssociationRules(t *testing.T) {
	store := newStore(t)
	producer := provider(t, store, producerAccount)
	consumer := provider(t, store, consumerAccount)
	domain, _ := mustCreate(producer, t, TypeDomainName, privateDomain(testCert))
	vpc, endpoint := consumerEndpoint(t, consumer)
	association := map[string]any{"domainNameArn": domain, "accessAssociationSource": endpoint, "accessAssociationSourceType": "VPCE"}
	_, _, err := create(consumer, t, TypeDomainAssociation, association)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AccessDeniedException", "not shared yet")

	share, _ := mustCreate(producer, t, TypeResourceShare, map[string]any{"name": "s", "allowExternalPrincipals": true})
	mustCreate(producer, t, TypeResourceAssociation, map[string]any{"resourceShareArn": share, "resourceArn": domain})
	_, _, err = create(consumer, t, TypeShareAccepter, map[string]any{"shareArn": share})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invitation found", "no invitation before the principal association")
	mustCreate(producer, t, TypePrincipalAssociation, map[string]any{"resourceShareArn": share, "principal": consumerAccount})
	_, _, err = create(consumer, t, TypeDomainAssociation, association)
	require.Error(t, err, "shared but not accepted")
	mustCreate(consumer, t, TypeShareAccepter, map[string]any{"shareArn": share})
	mustCreate(consumer, t, TypeDomainAssociation, association)

	inner, _ := mustCreate(producer, t, TypeResourceShare, map[string]any{"name": "org", "allowExternalPrincipals": false})
	_, _, err = create(producer, t, TypePrincipalAssociation, map[string]any{"resourceShareArn": inner, "principal": consumerAccount})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "OperationNotPermittedException")
	require.NoError(t, store.Update(func(c *Cloud) error {
		c.Organizations[producerAccount], c.Organizations[consumerAccount] = "o-abcdefghij", "o-abcdefghij"
		return nil
	}))
	mustCreate(producer, t, TypePrincipalAssociation, map[string]any{"resourceShareArn": inner, "principal": consumerAccount})
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.Contains(t, c.Shares[inner].Accepted, consumerAccount, "RAM accepts within the organization")
		return nil
	}))

	zone, _ := mustCreate(consumer, t, TypeZone, map[string]any{"name": "orders.example.com", "vpcs": []any{map[string]any{"vpcId": vpc}}})
	_, _, err = create(consumer, t, TypeZone, map[string]any{"name": "x.example.com", "vpcs": []any{map[string]any{"vpcId": "vpc-0000000000000000f"}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InvalidVPCId")
	record := map[string]any{"zoneId": zone, "name": "orders.example.com", "type": "A",
		"aliases": []any{map[string]any{"name": endpoint + "-x.execute-api.eu-west-1.vpce.amazonaws.com", "zoneId": "Z1", "evaluateTargetHealth": false}}}
	recordId, _ := mustCreate(consumer, t, TypeRecord, record)
	_, _, err = create(consumer, t, TypeRecord, record)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "but it already exists")
	outside := map[string]any{"zoneId": zone, "name": "orders.other.com", "type": "A"}
	_, _, err = create(consumer, t, TypeRecord, outside)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not permitted in zone")
	err = del(consumer, t, TypeZone, zone, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "HostedZoneNotEmpty")
	require.NoError(t, del(consumer, t, TypeRecord, recordId, record))
	require.NoError(t, del(consumer, t, TypeZone, zone, nil))
}

// domainWorld is the call world with a private custom domain mapped at the
// root to its API's dev stage, the endpoint associated, and a zone on the
// function's VPC whose alias points at the endpoint.
func domainWorld(t *testing.T, domainPolicy string) (*callWorld, *DomainName, *DomainAssociation) {
	t.Helper()
	w := newCallWorld([]Route{mockRoute}, resourcePolicy(`"*"`))
	producer := Scope{Account: producerAccount, Region: region}
	d := &DomainName{Scope: producer, Name: "orders.example.com", Id: "abc123defg", Policy: domainPolicy, Mappings: map[string]string{"": worldApi + "/dev"}}
	d.Arn = "arn:aws:apigateway:eu-west-1:111111111111:/domainnames/orders.example.com+abc123defg"
	w.c.Domains[d.Arn] = d
	a := &DomainAssociation{Scope: w.endpoint.Scope, Arn: "arn:aws:apigateway:eu-west-1:222222222222:/domainnameaccessassociations/x", DomainArn: d.Arn, Vpce: worldVpce}
	w.c.DomainAssociations[a.Arn] = a
	w.c.Zones["Z1"] = &HostedZone{Scope: w.endpoint.Scope, Id: "Z1", Name: d.Name, Vpcs: []string{"vpc-1"},
		Records: map[string]*ZoneRecord{d.Name + " A": {Name: d.Name, Type: "A", AliasName: worldVpce + "-abcd.execute-api.eu-west-1.vpce.amazonaws.com"}}}
	return w, d, a
}

// domainPolicyFor is the components' domain policy shape for one endpoint.
func domainPolicyFor(vpce string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringNotEquals":{"aws:SourceVpce":["` + vpce + `"]}}},` +
		`{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}`
}

// TestCallsThroughACustomDomain: the name resolves through the VPC's zone
// to the endpoint; the endpoint's association, the domain's policy, a
// mapping for the path and the API's policy must each let the call through.
func TestCallsThroughACustomDomain(t *testing.T) {
	call := func(w *callWorld, url string) (int, string, string) {
		r := w.c.simulateCall(w.fn, url, nil, false)
		return r.Status, r.ErrorType, r.Failure
	}
	w, d, a := domainWorld(t, domainPolicyFor(worldVpce))
	status, _, _ := call(w, "https://orders.example.com/")
	assert.Equal(t, 200, status, "through the domain to the stage's / route")

	w2, _, _ := domainWorld(t, domainPolicyFor("vpce-0bbbbbbbbbbbbbbbb"))
	status, errType, _ := call(w2, "https://orders.example.com/")
	assert.Equal(t, 403, status)
	assert.Equal(t, "AccessDeniedException", errType, "the domain's policy must admit the endpoint")

	w3, _, _ := domainWorld(t, domainPolicyFor(worldVpce))
	w3.c.Deployments["dep1"].Policy = strings.ReplaceAll(resourcePolicy(`"*"`), worldVpce, "vpce-0bbbbbbbbbbbbbbbb")
	status, errType, _ = call(w3, "https://orders.example.com/")
	assert.Equal(t, 403, status)
	assert.Equal(t, "AccessDeniedException", errType, "and so must the API's")

	d.Mappings = map[string]string{"v1": worldApi + "/dev"}
	status, _, _ = call(w, "https://orders.example.com/")
	assert.Equal(t, 403, status, "no mapping for the path")
	status, _, _ = call(w, "https://orders.example.com/v1")
	assert.Equal(t, 200, status, "the base path stands for the stage")

	delete(w.c.DomainAssociations, a.Arn)
	status, errType, _ = call(w, "https://orders.example.com/v1")
	assert.Equal(t, 403, status, "no association, no answer")
	assert.Equal(t, "ForbiddenException", errType)
	delete(w.c.Zones, "Z1")
	_, _, failure := call(w, "https://orders.example.com/v1")
	assert.Equal(t, "dns", failure, "without the zone the name does not resolve in the VPC")
}

// TestTheEndpointPolicyMustAllowTheDomain: through a custom domain, the
// endpoint's policy is evaluated against the domain name's execute-api ARN
// and, for the API behind it, against the API's ARN with
// execute-api:viaDomainArn ("Use VPC endpoint policies for private APIs in
// API Gateway", examples 4 and 5): an endpoint policy naming only the API
// refuses the call, one naming the domain and the API lets it through, and
// one allowing any API via that domain alone (example 4) does too.
func TestTheEndpointPolicyMustAllowTheDomain(t *testing.T) {
	domain := "arn:aws:execute-api:eu-west-1:111111111111:/domainnames/orders.example.com+abc123defg"
	api := "arn:aws:execute-api:eu-west-1:111111111111:" + worldApi + "/*"
	endpointPolicy := func(resources string, condition string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":` + resources + condition + `}]}`
	}
	for _, c := range []struct {
		name, policy string
		status       int
	}{
		{"the API only", endpointPolicy(`["`+api+`"]`, ""), 403},
		{"the domain and the API", endpointPolicy(`["`+domain+`","`+api+`"]`, ""), 200},
		{"the domain only", endpointPolicy(`["`+domain+`"]`, ""), 403},
		{"any API via the domain", endpointPolicy(`["*"]`, `,"Condition":{"ArnEquals":{"execute-api:viaDomainArn":"`+domain+`"}}`), 200},
	} {
		w, _, _ := domainWorld(t, domainPolicyFor(worldVpce))
		w.endpoint.Policy = c.policy
		r := w.c.simulateCall(w.fn, "https://orders.example.com/", nil, false)
		assert.Equalf(t, c.status, r.Status, "%s: %s", c.name, r.Body)
		if c.status == 403 {
			assert.Containsf(t, r.Body, "because no VPC endpoint policy allows", "%s", c.name)
		}
	}
}

// TestTheProbeWaitsForANewAssociationOrSaysSo: a new association answers
// after PropagationCalls calls (AssociationPropagationCalls when set, AWS's
// "about 15 minutes"); the probe's retries ride a short delay out, and a
// longer one leaves the domain form pending, which does not fail the run
// even with failOnError. A refusal by the domain's policy is no such delay:
// not pending, and it fails the run.
func TestTheProbeWaitsForANewAssociationOrSaysSo(t *testing.T) {
	rules, err := json.Marshal(probediag.Rules)
	require.NoError(t, err)
	consumer := &Provider{scope: Scope{Account: consumerAccount, Region: region}}
	invoke := func(w *callWorld, failOnError bool) (map[string]any, error) {
		t.Helper()
		input := `{"targets":[{"form":"customDomain","url":"https://orders.example.com/","expect":200}],` +
			`"retryDelaysSeconds":[1,2,4,8],"retryDeadlineSeconds":60,"failOnError":` + strconv.FormatBool(failOnError) + `,"integration":"mock","rules":` + string(rules) + `}`
		_, out, err := consumer.invoke(w.c, props{"functionName": "probe", "input": input})
		if err != nil {
			return nil, err
		}
		results, err := probediag.ParseResult(out.str("result"))
		require.NoError(t, err)
		return results["customDomain"].(map[string]any), nil
	}
	probe := func(propagation, associationPropagation int) map[string]any {
		t.Helper()
		w, _, a := domainWorld(t, domainPolicyFor(worldVpce))
		w.c.PropagationCalls, w.c.AssociationPropagationCalls = propagation, associationPropagation
		w.c.changed("association:" + a.Arn)
		r, err := invoke(w, true)
		require.NoError(t, err, "a pending form does not fail the run")
		return r
	}
	rode := probe(3, 0)
	assert.Equal(t, float64(200), rode["status"])
	assert.Equal(t, float64(4), rode["attempts"], "three refused calls, then the answer")
	assert.Equal(t, false, rode["pending"])
	for name, never := range map[string]map[string]any{"PropagationCalls": probe(10, 0), "AssociationPropagationCalls": probe(1, 10)} {
		assert.Equalf(t, float64(403), never["status"], name)
		assert.Equalf(t, "ForbiddenException", never["errorType"], name)
		assert.Equalf(t, float64(5), never["attempts"], name)
		assert.Equalf(t, false, never["ok"], name)
		assert.Equalf(t, true, never["pending"], "%s: AWS documents about 15 minutes for a new association", name)
		assert.Containsf(t, never["diagnosis"], "about 15 minutes", name)
	}

	w, _, _ := domainWorld(t, domainPolicyFor("vpce-0bbbbbbbbbbbbbbbb"))
	_, err = invoke(w, true)
	require.Error(t, err, "the domain's policy refusing the endpoint fails the run")
	assert.Contains(t, err.Error(), "customDomain: https://orders.example.com/ returned 403 AccessDeniedException")
	refused, err := invoke(w, false)
	require.NoError(t, err)
	assert.Equal(t, false, refused["pending"], "a refusal is not propagation")
	assert.Contains(t, refused["diagnosis"], "does not list this endpoint")
}

// TestAssociationPropagationIsItsOwn: AssociationPropagationCalls applies
// to a new association only; every other change keeps PropagationCalls.
func TestAssociationPropagationIsItsOwn(t *testing.T) {
	c := &Cloud{Stale: map[string]int{}, PropagationCalls: 1, AssociationPropagationCalls: 7}
	c.changed("association:arn")
	c.changed("stage:api/dev")
	assert.Equal(t, map[string]int{"association:arn": 7, "stage:api/dev": 1}, c.Stale)
}

// TestAHostedZoneTakesTenTags: Route 53 takes at most 10 tags on a hosted
// zone (ChangeTagsForResource), the provider's default tags counted with
// the zone's own.
func TestAHostedZoneTakesTenTags(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, consumerAccount)
	vpc, _ := consumerEndpoint(t, p)
	tags := func(n int, prefix string) map[string]any {
		m := map[string]any{}
		for i := range n {
			m[fmt.Sprintf("%s%d", prefix, i)] = "v"
		}
		return m
	}
	n := 0
	zone := func(own map[string]any) map[string]any {
		n++ // a name of its own each: Route 53 takes one zone of a name on a VPC (ConflictingDomainExists)
		return map[string]any{"name": fmt.Sprintf("orders%d.example.com", n), "vpcs": []any{map[string]any{"vpcId": vpc}}, "tags": own}
	}
	mustCreate(p, t, TypeZone, zone(tags(10, "own")))
	_, _, err := create(p, t, TypeZone, zone(tags(11, "own")))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InvalidInput")
	p.defaultTags = tags(8, "default")
	_, _, err = create(p, t, TypeZone, zone(tags(3, "own")))
	require.Error(t, err, "8 default tags and 3 of its own are 11")
	mustCreate(p, t, TypeZone, zone(tags(2, "own")))
}

// TestAnInvitationExpiresAfterTwelveHours: an external account's
// invitation is pending 12 hours ("If the invitation isn't accepted within
// 12 hours, it expires", AWS RAM user guide); the accepter then finds none,
// and the owner's new principal association sends a new one.
func TestAnInvitationExpiresAfterTwelveHours(t *testing.T) {
	store := newStore(t)
	producer := provider(t, store, producerAccount)
	consumer := provider(t, store, consumerAccount)
	share, _ := mustCreate(producer, t, TypeResourceShare, map[string]any{"name": "s", "allowExternalPrincipals": true})
	principal := map[string]any{"resourceShareArn": share, "principal": consumerAccount}
	id, _ := mustCreate(producer, t, TypePrincipalAssociation, principal)
	skew := func(hours int64) {
		require.NoError(t, store.Update(func(c *Cloud) error { c.ClockSkewSeconds = hours * 3600; return nil }))
	}
	read := func() string {
		t.Helper()
		resp, err := producer.Read(context.Background(), &pulumirpc.ReadRequest{Id: id, Urn: "urn:pulumi:dev::p::" + TypePrincipalAssociation + "::a", Properties: st(t, principal)})
		require.NoError(t, err)
		return resp.GetId()
	}
	require.Equal(t, id, read(), "pending: still associated")
	skew(13)
	_, _, err := create(consumer, t, TypeShareAccepter, map[string]any{"shareArn": share})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "No pending RAM Resource Share", "expired after 12 hours")
	assert.Empty(t, read(), "an expired invitation's principal is disassociated: a refresh finds the association gone")
	mustCreate(producer, t, TypePrincipalAssociation, principal)
	skew(24)
	mustCreate(consumer, t, TypeShareAccepter, map[string]any{"shareArn": share})
}
