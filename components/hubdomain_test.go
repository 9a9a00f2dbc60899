package components

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/policy"
)

// TestHubCarriesTheCustomDomain: with a private custom domain and a hub of
// dns phz, the network account (the hub endpoint's owner) is invited to the
// domain's share and the spokes' accounts are not; it accepts the share,
// associates the hub endpoint with the domain, and holds a second zone,
// named the domain, aliasing the hub endpoint and associated with each
// spoke VPC from the spoke's account after its authorization; the hub
// endpoint's policy allows the domain; the domain's policy admits the hub
// endpoint; the spokes get the customDomain invoke form.
func TestHubCarriesTheCustomDomain(t *testing.T) {
	const domain = "orders.internal.example.com"
	mocks, res, err := runCrossAccountWith(t, testRegion, func(a *CrossAccountPrivateApiArgs) {
		withHubZone(t)(a)
		withDomain(CustomDomainArgs{Name: domain, CertificateArn: testCertificate})(a)
	})
	require.NoError(t, err)
	id, _, err := awsmock.Await(res.api.Hub.EndpointId)
	require.NoError(t, err)
	hubId := id.(string)

	var principals []string
	for _, p := range mocks.OfType(typePrincipalAssociation) {
		principals = append(principals, p.Input("principal").(string))
	}
	assert.Contains(t, principals, testNetworkAccount, "the hub endpoint's account is invited")
	assert.NotContains(t, principals, "555555555555", "a spoke's account holds no endpoint: not invited")
	assert.NotContains(t, principals, "666666666666", "a spoke's account holds no endpoint: not invited")

	accepter := mustNamed(t, mocks, typeShareAccepter, "xa-domain-share-accepter-"+testNetworkAccount)
	assert.Equal(t, testNetworkAccount, mocks.AccountOf(accepter))
	association := mustNamed(t, mocks, typeDomainAssociation, "xa-hub-domain-association")
	assert.Equal(t, testNetworkAccount, mocks.AccountOf(association), "only the endpoint's owner can associate it")
	assert.Equal(t, hubId, association.Input("accessAssociationSource"))
	assert.Contains(t, association.DependsOn, accepter.URN, "after the share is accepted")
	assert.Empty(t, findNamedPrefix(mocks, "xa-orders-domain"), "no domain association or zone of the spoke's own")

	zone := mustNamed(t, mocks, typeZone, "xa-hub-domain-zone")
	assert.Equal(t, testNetworkAccount, mocks.AccountOf(zone))
	assert.Equal(t, domain, zone.Input("name"))
	alias := mustNamed(t, mocks, typeRecord, "xa-hub-domain-zone-alias")
	target := alias.Input("aliases").([]any)[0].(map[string]any)
	assert.True(t, strings.HasPrefix(target["name"].(string), hubId+"-"), "the alias targets the hub endpoint's regional name, got %v", target["name"])
	for _, s := range []struct{ name, account, vpc string }{{"orders", "555555555555", "vpc-0b1c2d3e4f5a60718"}, {"billing", "666666666666", "vpc-0c1d2e3f4a5b60718"}} {
		auth := mustNamed(t, mocks, "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization", "xa-"+s.vpc+"-hub-domain-zone-authorization")
		assert.Equal(t, testNetworkAccount, mocks.AccountOf(auth))
		assoc := mustNamed(t, mocks, "aws:route53/zoneAssociation:ZoneAssociation", "xa-"+s.vpc+"-hub-domain-zone-association")
		assert.Equal(t, s.account, mocks.AccountOf(assoc))
		assert.Equal(t, s.vpc, assoc.Input("vpcId"))
		assert.Contains(t, assoc.DependsOn, auth.URN)
		assert.Equal(t, "https://"+domain, res.urls[s.name][InvokeCustomDomain], "%s calls the domain", s.name)
	}

	d := mustNamed(t, mocks, typeDomainName, "xa-domain")
	domainArn := "arn:aws:execute-api:eu-west-1:111111111111:/domainnames/" + domain + "+abc"
	doc, err := policy.Parse(strings.ReplaceAll(d.Input("policy").(string), `"execute-api:/`, `"`+domainArn+`/`))
	require.NoError(t, err)
	dec, err := doc.Decide(policy.Request{Resource: domainArn + "/GET/", SourceVpce: hubId})
	require.NoError(t, err)
	assert.Equal(t, policy.Allowed, dec, "the domain admits the hub endpoint")

	hubPolicy := mustNamed(t, mocks, typeEc2VpcEndpointPolicy, "xa-hub-endpoint-policy")
	arn, _, err := awsmock.Await(res.api.Domain.Arn)
	require.NoError(t, err)
	assert.Contains(t, hubPolicy.Input("policy"), domainInvokeArn(arn.(string)), "the hub endpoint's policy allows calls through the domain")
}

// TestHubCustomDomainNeedsTheZone: a custom domain beside a hub of dns none
// is refused on hub.dns (the spokes could not resolve the domain's name).
func TestHubCustomDomainNeedsTheZone(t *testing.T) {
	var args CrossAccountPrivateApiArgs
	withHub(t, "")(&args)
	withDomain(CustomDomainArgs{Name: "orders.internal.example.com", CertificateArn: testCertificate})(&args)
	args.Region, args.ProducerAccountId, args.StageName = testRegion, testProducerAccount, "dev"
	var f fieldErrs
	args.validateHub(&f)
	require.Error(t, f.err())
	assert.Contains(t, f.err().Error(), "hub.dns")
	assert.Contains(t, f.err().Error(), "api.customDomain")
}
