package fakeaws

import (
	"context"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAReadIsRefusedLikeACreate: the resource share's read lists its
// permissions (terraform-provider-aws resource_share.go,
// ListResourceSharePermissions); a role without that action cannot create a
// share (the provider reads after the create, and the failed create saves
// nothing) nor refresh one, with RAM's AccessDenied naming the action.
func TestAReadIsRefusedLikeACreate(t *testing.T) {
	store := newStore(t)
	noPermissions := `{"Statement":[{"Effect":"Allow","NotAction":"ram:ListResourceSharePermissions","Resource":"*"}]}`
	limited, err := configured(t, store, producerAccount, noPermissions, trustPipeline, nil)
	require.NoError(t, err)
	share := map[string]any{"name": "s", "allowExternalPrincipals": true}
	_, _, err = create(limited, t, TypeResourceShare, share)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "api error AccessDenied: User: arn:aws:sts::"+producerAccount+":assumed-role/limited/pulumi is not authorized to perform: ram:ListResourceSharePermissions on resource: arn:aws:ram:eu-west-1:"+producerAccount+":resource-share/")
	assert.Contains(t, err.Error(), "resourceResourceShareRead", "the error names the provider function that made the call")
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.Empty(t, c.Shares, "a create refused on its read leaves nothing behind")
		return nil
	}))

	id, out := mustCreate(provider(t, store, producerAccount), t, TypeResourceShare, share)
	_, err = limited.Read(context.Background(), &pulumirpc.ReadRequest{Id: id,
		Urn: "urn:pulumi:dev::xaccount-api::" + TypeResourceShare + "::share", Properties: st(t, out)})
	require.Error(t, err, "a refresh needs the read's every call")
	assert.Contains(t, err.Error(), "not authorized to perform: ram:ListResourceSharePermissions on resource: "+id)
}

// TestConditionOperatorsAsIamEvaluatesThem: a single-valued operator needs
// the key; ForAllValues holds for a missing key and needs every value to
// match; ForAnyValue needs one; …IfExists holds without the key and
// compares it when present; an operator the evaluator does not
// implement is refused, not guessed.
func TestConditionOperatorsAsIamEvaluatesThem(t *testing.T) {
	decide := func(condition string, context map[string][]string) verdict {
		t.Helper()
		doc, err := parsePolicy(`{"Statement":[{"Effect":"Allow","Action":"route53:ChangeResourceRecordSets","Resource":"*","Condition":` + condition + `}]}`)
		require.NoError(t, err)
		return doc.decide(request{Action: "route53:ChangeResourceRecordSets", Resource: "arn:aws:route53:::hostedzone/Z1", Context: context})
	}
	const key = "route53:changeresourcerecordsetsnormalizedrecordnames"
	all := `{"ForAllValues:StringEquals":{"route53:ChangeResourceRecordSetsNormalizedRecordNames":["a.example.com","b.example.com"]}}`
	assert.Equal(t, allowed, decide(all, map[string][]string{key: {"a.example.com", "b.example.com"}}))
	assert.Equal(t, implicitDeny, decide(all, map[string][]string{key: {"a.example.com", "c.example.com"}}), "every value must match")
	assert.Equal(t, allowed, decide(all, nil), "ForAllValues holds for a missing key")
	anyOf := `{"ForAnyValue:StringLike":{"route53:ChangeResourceRecordSetsNormalizedRecordNames":"*.example.com"}}`
	assert.Equal(t, allowed, decide(anyOf, map[string][]string{key: {"x.other.com", "a.example.com"}}))
	assert.Equal(t, implicitDeny, decide(anyOf, nil), "ForAnyValue needs the key")
	single := `{"StringLike":{"route53:VPCs":"VPCId=*,VPCRegion=eu-west-1"}}`
	assert.Equal(t, allowed, decide(single, map[string][]string{"route53:vpcs": {"VPCId=vpc-1,VPCRegion=eu-west-1"}}))
	assert.Equal(t, implicitDeny, decide(single, map[string][]string{"route53:vpcs": {"VPCId=vpc-1,VPCRegion=us-east-1"}}))
	assert.Equal(t, implicitDeny, decide(single, nil), "a single-valued operator needs the key")
	ifExists := `{"StringLikeIfExists":{"route53:VPCs":"VPCId=*,VPCRegion=eu-west-1"}}`
	assert.Equal(t, allowed, decide(ifExists, nil), "…IfExists holds for a missing key")
	assert.Equal(t, allowed, decide(ifExists, map[string][]string{"route53:vpcs": {"VPCId=vpc-1,VPCRegion=eu-west-1"}}))
	assert.Equal(t, implicitDeny, decide(ifExists, map[string][]string{"route53:vpcs": {"VPCId=vpc-1,VPCRegion=us-east-1"}}), "…IfExists compares a present key")
	_, err := parsePolicy(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringNotEquals":{"k":"v"}}}]}`)
	assert.ErrorContains(t, err, "does not evaluate condition operator ForAllValues:StringNotEquals")
}

// TestRoute53CallsCarryTheirConditionKeys: a record change carries its
// normalized name, type and action, and a zone's create its VPC, so a
// policy that allows only the stack's record names and private zones
// refuses another record and a public zone.
func TestRoute53CallsCarryTheirConditionKeys(t *testing.T) {
	store := newStore(t)
	owner := provider(t, store, consumerAccount)
	vpc, _ := mustCreate(owner, t, TypeVpc, map[string]any{"cidrBlock": "10.20.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	scoped := `{"Statement":[
		{"Effect":"Allow","NotAction":["route53:ChangeResourceRecordSets","route53:CreateHostedZone"],"Resource":"*"},
		{"Effect":"Allow","Action":"route53:CreateHostedZone","Resource":"*","Condition":{"StringLike":{"route53:VPCs":"VPCId=*,VPCRegion=eu-west-1"}}},
		{"Effect":"Allow","Action":"route53:ChangeResourceRecordSets","Resource":"arn:aws:route53:::hostedzone/*","Condition":{"ForAllValues:StringEquals":{
			"route53:ChangeResourceRecordSetsNormalizedRecordNames":["orders.example.com"],"route53:ChangeResourceRecordSetsRecordTypes":["A"]}}}]}`
	p, err := configured(t, store, consumerAccount, scoped, trustPipeline, nil)
	require.NoError(t, err)

	// The simulated Route 53 has private zones only: a public zone's create
	// would carry no route53:VPCs.
	assert.Nil(t, requestContext(Call{Type: TypeZone, Op: "create", Action: "route53:CreateHostedZone"}, callCtx{In: props{"name": "public.example.com"}}))
	zone, _ := mustCreate(p, t, TypeZone, map[string]any{"name": "orders.example.com", "vpcs": []any{map[string]any{"vpcId": vpc}}})

	alias := []any{map[string]any{"name": "vpce-1-x.execute-api.eu-west-1.vpce.amazonaws.com", "zoneId": "Z1", "evaluateTargetHealth": false}}
	_, _, err = create(p, t, TypeRecord, map[string]any{"zoneId": zone, "name": "www.orders.example.com", "type": "A", "aliases": alias})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not authorized to perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/"+zone)
	_, _, err = create(p, t, TypeRecord, map[string]any{"zoneId": zone, "name": "orders.example.com", "type": "AAAA", "aliases": alias})
	require.Error(t, err, "another type of the same name")
	record := map[string]any{"zoneId": zone, "name": "orders.example.com", "type": "A", "aliases": alias}
	id, _ := mustCreate(p, t, TypeRecord, record)
	require.NoError(t, del(p, t, TypeRecord, id, record))
	assert.Equal(t, `\052.orders.example.com`, normalizedRecordName("*.Orders.Example.com."), "Route 53's normalized form")
}

// TestProfileCallsCarryTheirConditionKeys: AssociateProfile and
// DisassociateProfile have no resource type ("Actions, resources, and
// condition keys for Amazon Route 53 Profiles"): IAM authorizes them on
// "*", so a policy naming the Profile's ARN refuses them, and
// route53profiles:ResourceIds narrows them to the VPCs it lists;
// AssociateResourceToProfile carries route53profiles:ResourceTypes
// (HostedZone for a zone).
func TestProfileCallsCarryTheirConditionKeys(t *testing.T) {
	const vpcKey = "route53profiles:resourceids"
	in := callCtx{In: props{"profileId": "rp-1", "resourceId": "vpc-1"}}
	assert.Equal(t, map[string][]string{vpcKey: {"vpc-1"}},
		requestContext(Call{Type: TypeProfileAssociation, Op: "create", Action: "route53profiles:AssociateProfile"}, in))
	assert.Equal(t, map[string][]string{vpcKey: {"vpc-1"}},
		requestContext(Call{Type: TypeProfileAssociation, Op: "delete", Action: "route53profiles:DisassociateProfile"}, in))
	zone := callCtx{In: props{"resourceArn": "arn:aws:route53:::hostedzone/Z1"}}
	assert.Equal(t, []string{"HostedZone"},
		requestContext(Call{Type: TypeProfileResourceAssociation, Op: "create", Action: "route53profiles:AssociateResourceToProfile"}, zone)["route53profiles:resourcetypes"])
	for _, c := range Calls {
		if c.Action == "route53profiles:AssociateProfile" || c.Action == "route53profiles:DisassociateProfile" {
			assert.Equal(t, "*", c.Resource(in), "%s is authorized on *", c.Action)
		}
	}

	decide := func(policy string, resource string, context map[string][]string) verdict {
		t.Helper()
		doc, err := parsePolicy(policy)
		require.NoError(t, err)
		return doc.decide(request{Action: "route53profiles:AssociateProfile", Resource: resource, Context: context})
	}
	byArn := `{"Statement":[{"Effect":"Allow","Action":"route53profiles:AssociateProfile","Resource":"arn:aws:route53profiles:eu-west-1:111111111111:profile/*"}]}`
	assert.Equal(t, implicitDeny, decide(byArn, "*", map[string][]string{vpcKey: {"vpc-1"}}), "a Profile's ARN does not cover *")
	byVpc := `{"Statement":[{"Effect":"Allow","Action":"route53profiles:AssociateProfile","Resource":"*","Condition":{"StringEquals":{"route53profiles:ResourceIds":["vpc-1"]}}}]}`
	assert.Equal(t, allowed, decide(byVpc, "*", map[string][]string{vpcKey: {"vpc-1"}}))
	assert.Equal(t, implicitDeny, decide(byVpc, "*", map[string][]string{vpcKey: {"vpc-2"}}), "another VPC")
}
