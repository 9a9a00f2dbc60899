package components

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/policy"
)

const (
	testNetworkAccount = "777777777777"
)

// withHub adds a hub in the network account and two spokes in two more
// accounts (orders 10.40.0.0/24, billing 10.50.0.0/24 and 10.51.0.0/25) to
// the args of runCrossAccountWith, which keep their own-endpoint consumers.
func withHub(t *testing.T, authorization string) func(*CrossAccountPrivateApiArgs) {
	return func(a *CrossAccountPrivateApiArgs) {
		a.Authorization = authorization
		a.Hub = &HubArgs{AccountId: testNetworkAccount, Credentials: &AccountCredentials{RoleArn: pulumi.String("arn:aws:iam::" + testNetworkAccount + ":role/deployer")},
			VpcId: pulumi.String("vpc-0a1b2c3d4e5f60718"), SubnetIds: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60719", "subnet-0a1b2c3d4e5f6071a"}), Dns: HubDnsNone}
		a.Consumers = append(a.Consumers,
			ConsumerArgs{Name: "orders", AccountId: "555555555555", Via: ViaHub, VpcId: pulumi.String("vpc-0b1c2d3e4f5a60718"),
				AllowedCidrs: pulumi.ToStringArray([]string{"10.40.0.0/24"})},
			ConsumerArgs{Name: "billing", AccountId: "666666666666", Via: ViaHub, VpcId: pulumi.String("vpc-0c1d2e3f4a5b60718"),
				AllowedCidrs: pulumi.ToStringArray([]string{"10.50.0.0/24", "10.51.0.0/25"})},
		)
	}
}

// resolvedPolicy is the API's resource policy once the mocks have run.
func resolvedPolicy(t *testing.T, mocks *awsmock.Mocks) *policy.Document {
	t.Helper()
	r := mustNamed(t, mocks, typeRestApiPolicy, "xa-policy-policy")
	doc, err := policy.Parse(r.Inputs["policy"].StringValue())
	require.NoError(t, err)
	return doc
}

// TestHubSpokesAreToldApartByTheirRanges: through the hub endpoint each
// spoke is admitted from its own ranges only, an unlisted range (or none)
// is refused, and the own-endpoint consumers are admitted as before,
// through their endpoints only.
func TestHubSpokesAreToldApartByTheirRanges(t *testing.T) {
	mocks, res, err := runCrossAccountWith(t, testRegion, withHub(t, ""))
	require.NoError(t, err)
	doc := resolvedPolicy(t, mocks)
	hub := res.endpoints["orders"]
	require.Equal(t, hub, res.endpoints["billing"], "the spokes share the hub endpoint")
	require.NotEqual(t, hub, res.endpoints["app"])
	arn := res.api.ExecutionArn
	executionArn, _, err := awsmock.Await(arn)
	require.NoError(t, err)
	method := executionArn.(string) + "/dev/GET/"
	call := func(vpce, ip string) bool {
		ok, err := doc.Evaluate(policy.Request{Resource: method, SourceVpce: vpce, VpcSourceIp: ip})
		require.NoError(t, err)
		return ok
	}
	assert.True(t, call(hub, "10.40.0.9"), "orders from its range")
	assert.True(t, call(hub, "10.51.0.100"), "billing from its second range")
	assert.False(t, call(hub, "10.51.0.200"), "outside billing's /25")
	assert.False(t, call(hub, "10.60.0.1"), "an unlisted spoke's range")
	assert.False(t, call(hub, ""), "through the hub without a VPC source address")
	for _, own := range []string{res.endpoints["app"], res.endpoints["batch"], foreignEndpointId} {
		assert.Truef(t, call(own, "10.60.0.1"), "own endpoint %s admits its VPC as before", own)
	}
	assert.False(t, call("vpce-00000000000000000", "10.40.0.9"), "another endpoint, even from a spoke's range")

	ids := doc.DeniedUnlessSourceVpce()
	assert.Len(t, ids, 4, "the Deny lists every endpoint, the hub's once")
	assert.Contains(t, ids, hub)

	// The hub endpoint: in the network account, 443 from the spokes' ranges only, private DNS off.
	sg := mustNamed(t, mocks, typeSecurityGroup, "xa-hub-endpoint-sg")
	rule := sg.Inputs["ingress"].ArrayValue()[0].ObjectValue()
	var cidrs []string
	for _, c := range rule["cidrBlocks"].ArrayValue() {
		cidrs = append(cidrs, c.StringValue())
	}
	assert.Equal(t, []string{"10.40.0.0/24", "10.50.0.0/24", "10.51.0.0/25"}, cidrs)
	vpce := mustNamed(t, mocks, "aws:ec2/vpcEndpoint:VpcEndpoint", "xa-hub-endpoint-vpce")
	assert.Equal(t, testNetworkAccount, mocks.AccountOf(vpce))
	assert.False(t, vpce.Inputs["privateDnsEnabled"].BoolValue())
	attached := mustNamed(t, mocks, typeVpcEndpointPolicy, "xa-hub-endpoint-policy")
	assert.Equal(t, testNetworkAccount, mocks.AccountOf(attached))
	endpointDoc, err := policy.Parse(attached.Inputs["policy"].StringValue())
	require.NoError(t, err)
	ok, err := endpointDoc.Allows(method, "")
	require.NoError(t, err)
	assert.True(t, ok, "the hub endpoint's policy lets its spokes invoke this API")
	ok, err = endpointDoc.Allows("arn:aws:execute-api:eu-west-1:111111111111:otherapi99/dev/GET/", "")
	require.NoError(t, err)
	assert.False(t, ok, "and no other")

	// Spokes: the public-DNS forms through the hub, no private DNS form.
	assert.NotContains(t, res.urls["orders"], InvokePrivateDns)
	assert.Contains(t, res.urls["orders"][InvokePublicDnsHostHeader], "vpce-")
	assert.Contains(t, res.urls["orders"][InvokeRoute53Alias], "-"+hub+".execute-api.")
	for _, r := range mocks.Resources() {
		assert.NotContainsf(t, []string{"555555555555", "666666666666"}, mocks.AccountOf(r), "%s: nothing in a spoke's account", r.Name)
	}
}

// TestHubPolicyWithoutOwnEndpoints: with spokes only there is no Allow of
// own endpoints, so nothing comes in but the spokes from their ranges.
func TestHubPolicyWithoutOwnEndpoints(t *testing.T) {
	mocks, res, err := runCrossAccountWith(t, testRegion, func(a *CrossAccountPrivateApiArgs) {
		withHub(t, "")(a)
		a.Consumers = a.Consumers[3:]
	})
	require.NoError(t, err)
	doc := resolvedPolicy(t, mocks)
	executionArn, _, err := awsmock.Await(res.api.ExecutionArn)
	require.NoError(t, err)
	method := executionArn.(string) + "/dev/GET/"
	hub := res.endpoints["orders"]
	for ip, want := range map[string]bool{"10.40.0.1": true, "10.50.0.1": true, "10.9.0.1": false} {
		ok, err := doc.Evaluate(policy.Request{Resource: method, SourceVpce: hub, VpcSourceIp: ip})
		require.NoError(t, err)
		assert.Equal(t, want, ok, ip)
	}
	assert.Equal(t, []string{hub}, doc.DeniedUnlessSourceVpce())
}

// TestHubSpokesWithAwsIam: with AWS_IAM each spoke is admitted by its
// principals (its account root by default) from its ranges only: a spoke's
// role from another spoke's range is refused.
func TestHubSpokesWithAwsIam(t *testing.T) {
	mocks, res, err := runCrossAccountWith(t, testRegion, func(a *CrossAccountPrivateApiArgs) {
		withHub(t, AuthorizationIam)(a)
		a.Consumers[4].Principals = pulumi.ToStringArray([]string{"arn:aws:iam::666666666666:role/billing"})
	})
	require.NoError(t, err)
	doc := resolvedPolicy(t, mocks)
	executionArn, _, err := awsmock.Await(res.api.ExecutionArn)
	require.NoError(t, err)
	method := executionArn.(string) + "/dev/GET/"
	hub := res.endpoints["orders"]
	call := func(who, ip string) bool {
		ok, err := doc.Evaluate(policy.Request{Resource: method, SourceVpce: hub, VpcSourceIp: ip, Principal: who})
		require.NoError(t, err)
		return ok
	}
	assert.True(t, call("arn:aws:iam::555555555555:role/any", "10.40.0.1"), "orders' account root covers its roles")
	assert.True(t, call("arn:aws:iam::666666666666:role/billing", "10.50.0.1"))
	assert.False(t, call("arn:aws:iam::666666666666:role/other", "10.50.0.1"), "billing names its principals")
	assert.False(t, call("arn:aws:iam::666666666666:role/billing", "10.40.0.1"), "billing's role from orders' range")
	assert.False(t, call("arn:aws:iam::555555555555:role/any", "10.50.0.1"), "orders' role from billing's range")
	assert.False(t, call("arn:aws:iam::"+testConsumerAccount+":role/app", "10.40.0.1"), "an own-endpoint consumer's role through the hub")
	ok, err := doc.Evaluate(policy.Request{Resource: method, SourceVpce: res.endpoints["app"], Principal: "arn:aws:iam::" + testConsumerAccount + ":role/app"})
	require.NoError(t, err)
	assert.True(t, ok, "and through its own endpoint, as before")
}

// TestHubArgsAreChecked: every problem of a hub and its spokes, at once.
func TestHubArgsAreChecked(t *testing.T) {
	a := &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev",
		Hub: &HubArgs{AccountId: "7", VpcId: pulumi.String("vpc-0a1b2c3d4e5f60718"), Dns: "route53"},
		Consumers: []ConsumerArgs{
			{Name: "orders", AccountId: "555555555555", Via: ViaHub, AllowedCidrs: pulumi.ToStringArray([]string{"10.40.0.0/24"}), EndpointPolicy: EndpointPolicyFull, Probe: true},
			{Name: "billing", AccountId: "666666666666", Via: ViaHub, VpcId: pulumi.String("vpc-0c1d2e3f4a5b60718"), AllowedCidrs: pulumi.ToStringArray([]string{"10.40.0.128/25"})},
			{Name: "stray", AccountId: "666666666666", Via: "tgw", Vpc: &ConsumerVpcArgs{Cidr: "10.9.0.0/24"}},
		}}
	fields := fieldsOf(a.Validate())
	for _, want := range []string{"hub.accountId", "hub.subnetIds", "hub.dns", "consumers[0].vpcId", "consumers[0].endpointPolicy", "consumers[0].subnetIds",
		"consumers[1].allowedCidrs[0]", "consumers[2].via"} {
		assert.Contains(t, fields, want)
	}
	a.Hub = nil
	assert.Contains(t, fieldsOf(a.Validate()), "consumers[1].via", "via hub without a hub")
}

// TestHubRefusesStrictAccessMode: with STRICT, API Gateway answers only
// through private DNS or a custom domain, which spokes of dns: none do not
// use; BASIC passes.
func TestHubRefusesStrictAccessMode(t *testing.T) {
	a := &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev",
		Hub:       &HubArgs{AccountId: "777777777777", VpcId: pulumi.String("vpc-0a1b2c3d4e5f60718"), SubnetIds: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60719"}), Dns: HubDnsNone},
		Consumers: []ConsumerArgs{{Name: "orders", AccountId: "555555555555", Via: ViaHub, VpcId: pulumi.String("vpc-0c1d2e3f4a5b60718"), AllowedCidrs: pulumi.ToStringArray([]string{"10.40.0.0/24"})}},
		Tls:       &ApiTls{SecurityPolicy: "SecurityPolicy_TLS13_1_3_2025_09", EndpointAccessMode: EndpointAccessStrict}}
	assert.Contains(t, fieldsOf(a.Validate()), "tls.endpointAccessMode")
	a.Tls.EndpointAccessMode = EndpointAccessBasic
	assert.NotContains(t, fieldsOf(a.Validate()), "tls.endpointAccessMode")
}

// TestHubPolicyLengthCountsTheRanges: the planned policy grows with the
// spokes' ranges, each of which it names, and a policy past the quota says
// so before anything is registered.
func TestHubPolicyLengthCountsTheRanges(t *testing.T) {
	var args CrossAccountPrivateApiArgs
	withHub(t, "")(&args)
	args.Region, args.ProducerAccountId, args.StageName = testRegion, testProducerAccount, "dev"
	short, _, ok := args.plannedPolicyLength()
	require.True(t, ok)
	var many []string
	for i := range 600 {
		many = append(many, fmt.Sprintf("10.%d.%d.0/24", 60+i/256, i%256))
	}
	args.Consumers[1].AllowedCidrs = pulumi.ToStringArray(many)
	long, _, ok := args.plannedPolicyLength()
	require.True(t, ok)
	assert.GreaterOrEqual(t, long, short+600*len(`"10.60.0.0/24",`)-1, "every range is in the document")
	err := args.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2 spokes list 601 CIDRs")
}

// TestSecurityGroupRulesAreCounted: an endpoint's group holds one inbound
// rule per allowed range; past "Inbound or outbound rules per security
// group" (60) the stack is refused on the consumer or on the hub (the
// spokes' ranges together), unless quotas.rulesPerSecurityGroup says AWS
// raised it.
func TestSecurityGroupRulesAreCounted(t *testing.T) {
	ranges := func(second byte, n int) pulumi.StringArray {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("10.%d.%d.0/24", second, i))
		}
		return pulumi.ToStringArray(out)
	}
	a := &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev",
		Hub: &HubArgs{AccountId: "777777777777", VpcId: pulumi.String("vpc-0a1b2c3d4e5f60718"), SubnetIds: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60719"}), Dns: HubDnsNone},
		Consumers: []ConsumerArgs{
			{Name: "app", AccountId: testConsumerAccount, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}, AllowedCidrs: ranges(20, 61)},
			{Name: "orders", AccountId: "555555555555", Via: ViaHub, VpcId: pulumi.String("vpc-0c1d2e3f4a5b60718"), AllowedCidrs: ranges(40, 31)},
			{Name: "billing", AccountId: "666666666666", Via: ViaHub, VpcId: pulumi.String("vpc-0c1d2e3f4a5b60719"), AllowedCidrs: ranges(41, 30)},
		}}
	fields := fieldsOf(a.Validate())
	assert.Contains(t, fields, "consumers[0].allowedCidrs", "61 ranges in one group")
	assert.Contains(t, fields, "hub", "61 spoke ranges in the hub's group")
	a.Consumers[0].AllowedCidrs = ranges(20, 60)
	a.Consumers[2].AllowedCidrs = ranges(41, 29)
	fields = fieldsOf(a.Validate())
	assert.NotContains(t, fields, "consumers[0].allowedCidrs", "60 fit")
	assert.NotContains(t, fields, "hub", "60 fit")
	a.Consumers[0].AllowedCidrs = ranges(20, 100)
	a.Quotas = &ApiQuotas{RulesPerSecurityGroup: 100}
	assert.NotContains(t, fieldsOf(a.Validate()), "consumers[0].allowedCidrs", "a raised quota")
	a.Quotas = &ApiQuotas{RulesPerSecurityGroup: 50}
	assert.Contains(t, fieldsOf(a.Validate()), "quotas.rulesPerSecurityGroup", "below the default")
}

// TestHubRefusesAnExtraAllowForEveryone: beside a hub, an extra Allow must
// say which endpoints or ranges it is for; one without such a condition
// would admit any spoke as any other.
func TestHubRefusesAnExtraAllowForEveryone(t *testing.T) {
	a := &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev",
		Hub:       &HubArgs{AccountId: "777777777777", VpcId: pulumi.String("vpc-0a1b2c3d4e5f60718"), SubnetIds: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60719"}), Dns: HubDnsNone},
		Consumers: []ConsumerArgs{{Name: "orders", AccountId: "555555555555", Via: ViaHub, VpcId: pulumi.String("vpc-0c1d2e3f4a5b60718"), AllowedCidrs: pulumi.ToStringArray([]string{"10.40.0.0/24"})}},
		ExtraPolicyStatements: []map[string]any{
			{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
			{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
				"Condition": map[string]any{"IpAddress": map[string]any{"aws:vpcsourceip": "10.40.0.0/25"}}},
			{"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/DELETE/*"},
			{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
				"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceVpce": "vpce-0123456789abcdef0"}}},
		}}
	fields := fieldsOf(a.Validate())
	assert.Contains(t, fields, "extraPolicyStatements[0]", "an Allow for everyone")
	assert.Contains(t, fields, "extraPolicyStatements[3]", "an Allow by endpoint only: it may be the hub's, which every spoke shares")
	assert.NotContains(t, fields, "extraPolicyStatements[1]", "an Allow for a range")
	assert.NotContains(t, fields, "extraPolicyStatements[2]", "a Deny only narrows")
	a.Hub, a.Consumers = nil, []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}}
	assert.NotContains(t, fieldsOf(a.Validate()), "extraPolicyStatements[0]", "without a hub the SourceVpce Deny caps it")
}

// withHubZone is withHub with hub.dns phz: each spoke gets credentials for
// its zone association.
func withHubZone(t *testing.T) func(*CrossAccountPrivateApiArgs) {
	return func(a *CrossAccountPrivateApiArgs) {
		withHub(t, "")(a)
		a.Hub.Dns = HubDnsPhz
		for i := range a.Consumers {
			if a.Consumers[i].viaHub() {
				a.Consumers[i].Credentials = &AccountCredentials{RoleArn: pulumi.String("arn:aws:iam::" + a.Consumers[i].AccountId + ":role/deployer")}
			}
		}
	}
}

// TestHubZoneGivesSpokesTheApisName: with dns phz the network account holds
// a private hosted zone named exactly for the API, on the hub VPC, with an
// alias to the hub endpoint's regional name; each spoke's VPC is authorized
// there and associated from the spoke's own account after its
// authorization; the spokes' invoke forms include the API's own name, and
// the hub endpoint keeps private DNS off.
func TestHubZoneGivesSpokesTheApisName(t *testing.T) {
	mocks, res, err := runCrossAccountWith(t, testRegion, withHubZone(t))
	require.NoError(t, err)
	apiId, _, err := awsmock.Await(res.api.RestApiId)
	require.NoError(t, err)
	host := fmt.Sprintf("%s.execute-api.%s.amazonaws.com", apiId, testRegion)

	zone := mustNamed(t, mocks, typeZone, "xa-hub-zone")
	assert.Equal(t, testNetworkAccount, mocks.AccountOf(zone))
	assert.Equal(t, host, zone.Inputs["name"].StringValue(), "the API's own name, not execute-api.<region>.amazonaws.com")
	vpcs := zone.Inputs["vpcs"].ArrayValue()
	require.Len(t, vpcs, 1, "created with the hub VPC only")
	assert.Equal(t, "vpc-0a1b2c3d4e5f60718", vpcs[0].ObjectValue()["vpcId"].StringValue())

	alias := mustNamed(t, mocks, typeRecord, "xa-hub-zone-alias")
	assert.Equal(t, testNetworkAccount, mocks.AccountOf(alias))
	assert.Equal(t, host, alias.Inputs["name"].StringValue())
	assert.Equal(t, "A", alias.Inputs["type"].StringValue())
	target := alias.Inputs["aliases"].ArrayValue()[0].ObjectValue()
	hubDns, _, err := awsmock.Await(res.api.Hub.PublicDnsName)
	require.NoError(t, err)
	hubZoneId, _, err := awsmock.Await(res.api.Hub.PublicDnsZoneId)
	require.NoError(t, err)
	assert.Equal(t, hubDns, target["name"].StringValue(), "to the hub endpoint's regional name")
	assert.Equal(t, hubZoneId, target["zoneId"].StringValue(), "with its hosted zone ID from the endpoint's dns_entry")

	vpce := mustNamed(t, mocks, "aws:ec2/vpcEndpoint:VpcEndpoint", "xa-hub-endpoint-vpce")
	assert.False(t, vpce.Inputs["privateDnsEnabled"].BoolValue(), "private DNS off: it would conflict with the zone")

	for _, s := range []struct{ name, account, vpc string }{{"orders", "555555555555", "vpc-0b1c2d3e4f5a60718"}, {"billing", "666666666666", "vpc-0c1d2e3f4a5b60718"}} {
		auth := mustNamed(t, mocks, "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization", "xa-"+s.vpc+"-hub-zone-authorization")
		assert.Equal(t, testNetworkAccount, mocks.AccountOf(auth), "the zone's account authorizes")
		assert.Equal(t, s.vpc, auth.Inputs["vpcId"].StringValue())
		assoc := mustNamed(t, mocks, "aws:route53/zoneAssociation:ZoneAssociation", "xa-"+s.vpc+"-hub-zone-association")
		assert.Equal(t, s.account, mocks.AccountOf(assoc), "the VPC's account associates")
		assert.Equal(t, s.vpc, assoc.Inputs["vpcId"].StringValue())
		assert.Contains(t, assoc.Dependencies, auth.URN, "after its authorization (and deleted before it)")
		assert.True(t, assoc.DeleteBeforeReplace, "a zone of the same name cannot join the VPC while the old one holds it")
		assert.Contains(t, assoc.Dependencies, zone.URN)
		assert.Equal(t, fmt.Sprintf("https://%s/dev", host), res.urls[s.name][InvokePrivateDns], "%s calls the API by its name", s.name)
	}
	assert.NotContains(t, res.urls["app"], "orders", "own-endpoint consumers are unchanged")
}

// TestHubZoneOrdersAMove: each spoke's association waits for the hub
// endpoint's security group (once associated, the spoke's calls go to the
// hub, which must admit its ranges by then), and the stage serves a new
// deployment only after every spoke's association: a consumer moving from
// an endpoint of its own to the hub resolves the API's name to the hub
// before the policy that admits it only there is served (docs/hub.md,
// "Moving a consumer between its own endpoint and the hub").
func TestHubZoneOrdersAMove(t *testing.T) {
	mocks, _, err := runCrossAccountWith(t, testRegion, withHubZone(t))
	require.NoError(t, err)
	sg := mustNamed(t, mocks, typeSecurityGroup, "xa-hub-endpoint-sg")
	stage := mustNamed(t, mocks, typeStage, "xa-stage-stage")
	for name, vpc := range map[string]string{"orders": "vpc-0b1c2d3e4f5a60718", "billing": "vpc-0c1d2e3f4a5b60718"} {
		assoc := mustNamed(t, mocks, "aws:route53/zoneAssociation:ZoneAssociation", "xa-"+vpc+"-hub-zone-association")
		assert.Containsf(t, assoc.Dependencies, sg.URN, "%s's association after the hub's security group", name)
		assert.Containsf(t, stage.Dependencies, assoc.URN, "the stage after %s's association", name)
	}
}

// TestHubZoneArgsAreChecked: with dns phz a spoke needs its account's
// provider or credentials; with dns none it may not have them; the zone's
// quotas (VPCs, authorizations, tags) are checked before anything is
// registered.
func TestHubZoneArgsAreChecked(t *testing.T) {
	var args CrossAccountPrivateApiArgs
	withHub(t, "")(&args)
	args.Region, args.ProducerAccountId, args.StageName = testRegion, testProducerAccount, "dev"
	args.Hub.Dns = HubDnsPhz
	assert.NotContains(t, fieldsOf(args.Validate()), "hub.dns", "phz is built")
	ctx := &pulumi.Context{}
	fields := []string{}
	for _, fe := range args.checkProviders(ctx, false) {
		fields = append(fields, fe.Field)
	}
	assert.Contains(t, fields, "consumers[0].provider", "a spoke without credentials, with phz")
	assert.Contains(t, fields, "consumers[1].provider")

	args.Consumers = nil
	withHubZone(t)(&args)
	args.Hub.Dns = HubDnsNone
	assert.Contains(t, fieldsOf(args.Validate()), "consumers[0].provider", "credentials on a spoke with dns none")
	args.Hub.Dns = HubDnsPhz
	assert.NotContains(t, fieldsOf(args.Validate()), "consumers[0].provider")

	tags := pulumi.StringMap{}
	for i := range MaxTagsPerHostedZone + 1 {
		tags[fmt.Sprintf("t%d", i)] = pulumi.String("v")
	}
	args.Tags = tags
	assert.Contains(t, fieldsOf(args.Validate()), "tags", "the zone takes at most 10 tags")
	args.Tags = nil

	spokes := args.Consumers
	args.Consumers = nil
	for i := range maxAuthorizationsPerZone + 1 {
		s := spokes[0]
		s.Name = fmt.Sprintf("s%d", i)
		s.AllowedCidrs = pulumi.ToStringArray([]string{fmt.Sprintf("10.%d.%d.0/24", 100+i/256, i%256)})
		args.Consumers = append(args.Consumers, s)
	}
	err := args.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "101 spokes in other accounts than the network account need 101 VPC association authorizations")
	assert.NotContains(t, err.Error(), "VPCs for the hub's private hosted zone")
	for i := range maxVpcsPerPrivateZone - maxAuthorizationsPerZone {
		s := spokes[0]
		s.Name = fmt.Sprintf("n%d", i)
		s.AccountId = testNetworkAccount // in the network account: no authorization
		s.AllowedCidrs = pulumi.ToStringArray([]string{fmt.Sprintf("10.%d.%d.0/24", 200+i/256, i%256)})
		args.Consumers = append(args.Consumers, s)
	}
	err = args.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "301 spokes and the hub VPC make 302 VPCs")
}

// TestHubZoneRefusesSharedSpokeVpcs: with dns phz, two spokes on one VPC and
// a spoke on the hub VPC are refused (one zone association per VPC).
func TestHubZoneRefusesSharedSpokeVpcs(t *testing.T) {
	spoke := func(name, account, vpc, cidr string) ConsumerArgs {
		return ConsumerArgs{Name: name, AccountId: account, Via: ViaHub, VpcId: pulumi.String(vpc), AllowedCidrs: pulumi.ToStringArray([]string{cidr}),
			Credentials: &AccountCredentials{RoleArn: pulumi.String("arn:aws:iam::" + account + ":role/deployer")}}
	}
	a := &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev",
		Hub: &HubArgs{AccountId: "777777777777", VpcId: pulumi.String("vpc-0a1b2c3d4e5f60718"), SubnetIds: pulumi.ToStringArray([]string{"subnet-0a1b2c3d4e5f60719"}), Dns: HubDnsPhz},
		Consumers: []ConsumerArgs{
			spoke("orders", "555555555555", "vpc-0c1d2e3f4a5b60718", "10.40.0.0/25"),
			spoke("billing", "555555555555", "vpc-0c1d2e3f4a5b60718", "10.40.0.128/25"),
			spoke("ops", "777777777777", "vpc-0a1b2c3d4e5f60718", "10.50.0.0/24"),
		}}
	fields := fieldsOf(a.Validate())
	assert.NotContains(t, fields, "consumers[0].vpcId")
	assert.Contains(t, fields, "consumers[1].vpcId", "the VPC of orders too")
	assert.Contains(t, fields, "consumers[2].vpcId", "the hub VPC")
	a.Consumers[1] = spoke("billing", "555555555555", "vpc-0c1d2e3f4a5b60719", "10.40.0.128/25")
	a.Consumers = a.Consumers[:2]
	assert.NotContains(t, fieldsOf(a.Validate()), "consumers[1].vpcId", "one spoke per VPC")
}
