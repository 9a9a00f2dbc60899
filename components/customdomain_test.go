package components

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/policy"
)

const (
	typeDomainName           = "aws:apigateway/domainName:DomainName"
	typeBasePathMapping      = "aws:apigateway/basePathMapping:BasePathMapping"
	typeDomainAssociation    = "aws:apigateway/domainNameAccessAssociation:DomainNameAccessAssociation"
	typeResourceShare        = "aws:ram/resourceShare:ResourceShare"
	typeResourceAssociation  = "aws:ram/resourceAssociation:ResourceAssociation"
	typePrincipalAssociation = "aws:ram/principalAssociation:PrincipalAssociation"
	typeShareAccepter        = "aws:ram/resourceShareAccepter:ResourceShareAccepter"
	typeZone                 = "aws:route53/zone:Zone"
	typeRecord               = "aws:route53/record:Record"
	testCertificate          = "arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
)

// withDomain adds a custom domain to the args.
func withDomain(d CustomDomainArgs) func(*CrossAccountPrivateApiArgs) {
	return func(a *CrossAccountPrivateApiArgs) { a.CustomDomain = &d }
}

// TestCustomDomainProducerSide: the PRIVATE domain in the producer account
// with its certificate and TLS policy, a policy that admits exactly the
// consumers' endpoints, the stage's mapping by the domain's ID, and one RAM
// share of the domain with a principal association per consumer account.
func TestCustomDomainProducerSide(t *testing.T) {
	mocks, res, err := runCrossAccountWith(t, testRegion, withDomain(CustomDomainArgs{Name: "orders.internal.example.com", CertificateArn: testCertificate, BasePath: "v1"}))
	require.NoError(t, err)
	d := mustNamed(t, mocks, typeDomainName, "xa-domain")
	assert.Equal(t, "producer", mocks.ProviderName(d))
	assert.Equal(t, "orders.internal.example.com", d.Input("domainName"))
	assert.Equal(t, testCertificate, d.Input("certificateArn"))
	assert.Equal(t, SecurityPolicyTls12, d.Input("securityPolicy"), "TLS 1.2 at least by default")
	assert.Equal(t, map[string]any{"types": "PRIVATE"}, d.Input("endpointConfiguration"))
	// API Gateway reads the policy's "execute-api:/*" as the domain's own ARN.
	domainArn := "arn:aws:execute-api:eu-west-1:111111111111:/domainnames/orders.internal.example.com+abc"
	doc, err := policy.Parse(strings.ReplaceAll(d.Input("policy").(string), `"execute-api:/`, `"`+domainArn+`/`))
	require.NoError(t, err)
	resource := domainArn + "/GET/v1"
	for name, vpce := range res.endpoints {
		dec, err := doc.Decide(policy.Request{Resource: resource, SourceVpce: vpce})
		require.NoError(t, err)
		assert.Equal(t, policy.Allowed, dec, "the domain admits %s's endpoint", name)
	}
	dec, err := doc.Decide(policy.Request{Resource: resource, SourceVpce: "vpce-0123456789abcdef9"})
	require.NoError(t, err)
	assert.Equal(t, policy.ExplicitDeny, dec, "any other endpoint is denied")

	m := mustNamed(t, mocks, typeBasePathMapping, "xa-domain-mapping")
	assert.Equal(t, "producer", mocks.ProviderName(m))
	assert.Equal(t, "v1", m.Input("basePath"))
	assert.Equal(t, "dev", m.Input("stageName"))
	assert.Contains(t, m.InputDependencies["domainNameId"], d.URN, "a private domain is mapped by its ID")
	assert.Contains(t, m.DependsOn, mustNamed(t, mocks, "aws:apigateway/stage:Stage", "xa-stage-stage").URN, "after the stage exists")

	share := mustNamed(t, mocks, typeResourceShare, "xa-domain-share")
	assert.Equal(t, true, share.Input("allowExternalPrincipals"))
	assoc := mustNamed(t, mocks, typeResourceAssociation, "xa-domain-share-domain")
	assert.Contains(t, assoc.InputDependencies["resourceArn"], d.URN)
	var principals []string
	for _, p := range mocks.OfType(typePrincipalAssociation) {
		assert.Equal(t, "producer", mocks.ProviderName(p))
		assert.True(t, p.DeleteBeforeReplace, "the share and the account are its identity: a new one made first would be undone by the old one's delete")
		principals = append(principals, p.Input("principal").(string))
	}
	assert.ElementsMatch(t, []string{testConsumerAccount, testSecondConsumerAccount, "444444444444"}, principals, "one per consumer account")
}

// TestCustomDomainConsumerSide: each created endpoint's account accepts the
// share, associates its endpoint with the domain, and resolves the name in
// its VPC through a private hosted zone with an alias to the endpoint; the
// endpoint owned elsewhere gets the steps instead, and every consumer the
// customDomain invoke form.
func TestCustomDomainConsumerSide(t *testing.T) {
	mocks, res, err := runCrossAccountWith(t, testRegion, withDomain(CustomDomainArgs{Name: "orders.internal.example.com", CertificateArn: testCertificate}))
	require.NoError(t, err)
	accounts := map[string]string{"app": testConsumerAccount, "batch": testSecondConsumerAccount}
	for _, c := range []string{"app", "batch"} {
		provider := "consumer-" + c
		acc := mustNamed(t, mocks, typeShareAccepter, "xa-domain-share-accepter-"+accounts[c])
		assert.Equal(t, provider, mocks.ProviderName(acc), "the consumer accepts in its own account")
		assert.True(t, acc.RetainOnDelete, "deleting the accepter would take the whole account out of the share")
		assert.Contains(t, acc.InputDependencies["shareArn"], mustNamed(t, mocks, typeResourceShare, "xa-domain-share").URN)

		a := mustNamed(t, mocks, typeDomainAssociation, "xa-"+c+"-domain-association")
		assert.Equal(t, provider, mocks.ProviderName(a))
		assert.Equal(t, res.endpoints[c], a.Input("accessAssociationSource"))
		assert.Equal(t, "VPCE", a.Input("accessAssociationSourceType"))
		assert.Contains(t, a.InputDependencies["domainNameArn"], mustNamed(t, mocks, typeDomainName, "xa-domain").URN)
		assert.Contains(t, a.DependsOn, acc.URN, "the association waits for the accepted share")

		z := mustNamed(t, mocks, typeZone, "xa-"+c+"-domain-zone")
		assert.Equal(t, provider, mocks.ProviderName(z))
		assert.Equal(t, "orders.internal.example.com", z.Input("name"))
		vpcs := z.Input("vpcs").([]any)
		require.Len(t, vpcs, 1)
		endpoint := mustNamed(t, mocks, "aws:ec2/vpcEndpoint:VpcEndpoint", "xa-"+c+"-endpoint-vpce")
		assert.Equal(t, endpoint.Input("vpcId"), vpcs[0].(map[string]any)["vpcId"], "the zone is on the endpoint's VPC")

		r := mustNamed(t, mocks, typeRecord, "xa-"+c+"-domain-alias")
		assert.Equal(t, "A", r.Input("type"))
		alias := r.Input("aliases").([]any)[0].(map[string]any)
		assert.True(t, strings.HasPrefix(alias["name"].(string), res.endpoints[c]+"-"), "the alias targets %s's regional name, got %v", c, alias["name"])
		assert.NotEmpty(t, alias["zoneId"])
		assert.Equal(t, "https://orders.internal.example.com", res.urls[c][InvokeCustomDomain])
	}
	assert.Empty(t, findNamedPrefix(mocks, "xa-partner"), "nothing in an account the stack does not manage")
	assert.Equal(t, "https://orders.internal.example.com", res.urls["partner"][InvokeCustomDomain])
	steps, _, err := awsmock.Await(res.api.Consumers["partner"].DomainSteps)
	require.NoError(t, err)
	joined := strings.Join(steps.([]string), "\n")
	assert.Contains(t, joined, "accept-resource-share-invitation")
	assert.Contains(t, joined, "--access-association-source "+foreignEndpointId)
	assert.Contains(t, joined, "--domain-name-arn arn:aws:apigateway:")
	assert.Contains(t, joined, "policy (when it is not the default full access) allows execute-api:Invoke on arn:aws:execute-api:", "the steps say what the endpoint policy needs")
}

// TestCustomDomainEndpointPolicyAllowsTheDomain: a created endpoint's
// restricted policy allows the domain's execute-api ARN (API Gateway
// evaluates the endpoint policy against it for a call through the domain)
// and the API behind it, and nothing else; the full policy covers both.
func TestCustomDomainEndpointPolicyAllowsTheDomain(t *testing.T) {
	mocks, _, err := runCrossAccountWith(t, testRegion, withDomain(CustomDomainArgs{Name: "orders.internal.example.com", CertificateArn: testCertificate}))
	require.NoError(t, err)
	d := mustNamed(t, mocks, typeDomainName, "xa-domain")
	p := mustNamed(t, mocks, "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "xa-app-endpoint-policy")
	assert.Contains(t, p.InputDependencies["policy"], d.URN, "the policy names the domain, so it waits for it")
	doc := p.Input("policy").(string)
	domainArn := domainInvokeArn(d.State["arn"].StringValue())
	require.True(t, strings.HasPrefix(domainArn, "arn:aws:execute-api:"+testRegion+":"), "got %s", domainArn)
	apiArn := mustNamed(t, mocks, typeRestApi, "xa-api-api").State["executionArn"].StringValue()
	for _, c := range []struct {
		req  policy.Request
		want bool
	}{
		{policy.Request{Resource: domainArn}, true},
		{policy.Request{Resource: apiArn + "/dev/GET/", ViaDomainArn: domainArn}, true},
		{policy.Request{Resource: strings.Replace(domainArn, "orders.internal", "other.internal", 1)}, false},
		{policy.Request{Resource: strings.TrimSuffix(apiArn, ":"+apiArn[strings.LastIndex(apiArn, ":")+1:]) + ":otherapi/dev/GET/"}, false},
	} {
		ok, err := policy.Allows(doc, c.req)
		require.NoError(t, err)
		assert.Equalf(t, c.want, ok, "%+v in %s", c.req, doc)
	}
}

// TestCustomDomainWithinOneOrganization: no external principals and no
// accepter; the association waits for the principal association instead.
func TestCustomDomainWithinOneOrganization(t *testing.T) {
	mocks, _, err := runCrossAccountWith(t, testRegion, withDomain(CustomDomainArgs{Name: "orders.internal.example.com", CertificateArn: testCertificate, SameOrganization: true}))
	require.NoError(t, err)
	assert.Equal(t, false, mustNamed(t, mocks, typeResourceShare, "xa-domain-share").Input("allowExternalPrincipals"))
	assert.Empty(t, mocks.OfType(typeShareAccepter))
	a := mustNamed(t, mocks, typeDomainAssociation, "xa-app-domain-association")
	assert.Contains(t, a.DependsOn, mustNamed(t, mocks, typePrincipalAssociation, "xa-domain-share-"+testConsumerAccount).URN)
}

// TestCustomDomainValidation names each bad value's field.
func TestCustomDomainValidation(t *testing.T) {
	for _, c := range []struct {
		d    CustomDomainArgs
		want []string
	}{
		{CustomDomainArgs{Name: "orders.internal.example.com", CertificateArn: testCertificate}, nil},
		{CustomDomainArgs{Name: "Orders.Example.com", CertificateArn: testCertificate}, []string{"name"}},
		{CustomDomainArgs{Name: "localhost", CertificateArn: testCertificate}, []string{"name"}},
		{CustomDomainArgs{Name: "x.execute-api.eu-west-1.amazonaws.com", CertificateArn: testCertificate}, []string{"name"}},
		{CustomDomainArgs{Name: "a-.example.com", CertificateArn: testCertificate}, []string{"name"}},
		{CustomDomainArgs{Name: "orders.example.com", CertificateArn: strings.Replace(testCertificate, "eu-west-1", "us-east-1", 1)}, []string{"certificateArn"}},
		{CustomDomainArgs{Name: "orders.example.com", CertificateArn: strings.Replace(testCertificate, "111111111111", "222222222222", 1)}, []string{"certificateArn"}},
		{CustomDomainArgs{Name: "orders.example.com", CertificateArn: "arn:aws:iam::111111111111:server-certificate/x"}, []string{"certificateArn"}},
		{CustomDomainArgs{Name: "orders.example.com", CertificateArn: testCertificate, BasePath: "/v1"}, []string{"basePath"}},
		{CustomDomainArgs{Name: "orders.example.com", CertificateArn: testCertificate, BasePath: "v1"}, nil},
		{CustomDomainArgs{Name: "orders.example.com", CertificateArn: testCertificate, BasePath: "v1/orders"}, []string{"basePath"}},
		{CustomDomainArgs{Name: "orders.example.com", CertificateArn: testCertificate, SecurityPolicy: SecurityPolicyTls10}, []string{"securityPolicy"}},
		{CustomDomainArgs{Name: "orders.example.com", CertificateArn: testCertificate, SecurityPolicy: "SecurityPolicy_TLS13_1_3_2025_09"}, []string{"securityPolicy"}},
		{CustomDomainArgs{Name: "orders.example.com", CertificateArn: testCertificate, SecurityPolicy: "TLS_9"}, []string{"securityPolicy"}},
	} {
		assert.Equal(t, c.want, fieldsOf(c.d.Validate(testRegion, testProducerAccount)), "%+v", c.d)
	}
	args := &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev",
		Consumers:    []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, EndpointId: pluralEndpoint(1)}},
		CustomDomain: &CustomDomainArgs{Name: "orders.example.com", CertificateArn: "nope"}}
	assert.Equal(t, []string{"customDomain.certificateArn"}, fieldsOf(args.Validate()))
	err := (&CustomDomainArgs{Name: "orders.example.com", CertificateArn: testCertificate, BasePath: "orders/v1"}).Validate(testRegion, testProducerAccount)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `got "orders/v1", a multi-level base path; a private custom domain's mapping takes one segment (e.g. "orders")`)
}

// TestInvokeFormsOfACustomDomain: the form has no stage in its path, and
// the base path when there is one.
func TestInvokeFormsOfACustomDomain(t *testing.T) {
	base := InvokeTarget{ApiId: "abcde12345", Region: testRegion, Stage: "dev", VpcEndpointId: "vpce-0123456789abcdef0"}
	assert.NotContains(t, ComputeInvokeForms(base).Urls, InvokeCustomDomain, "no domain, no form")
	base.CustomDomain = "orders.example.com"
	f := ComputeInvokeForms(base)
	assert.Equal(t, "https://orders.example.com", f.Urls[InvokeCustomDomain])
	assert.Equal(t, "curl -sS https://orders.example.com", f.Curl[InvokeCustomDomain])
	base.BasePath = "v1"
	assert.Equal(t, "https://orders.example.com/v1", ComputeInvokeForms(base).Urls[InvokeCustomDomain])
}

// TestCustomDomainQuotas: a created endpoint's private hosted zone takes
// at most 10 tags (Route 53), and an account at most 100 domain name
// access associations (API Gateway); neither applies without a domain or
// without a created endpoint.
func TestCustomDomainQuotas(t *testing.T) {
	eleven := pulumi.StringMap{}
	for i := range 11 {
		eleven[fmt.Sprintf("t%d", i)] = pulumi.String("v")
	}
	domain := &CustomDomainArgs{Name: "orders.example.com", CertificateArn: testCertificate}
	created := ConsumerArgs{Name: "app", AccountId: testConsumerAccount, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}, Credentials: &AccountCredentials{Profile: pulumi.String("app")}}
	args := &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev",
		Consumers: []ConsumerArgs{created}, CustomDomain: domain, Tags: eleven}
	err := args.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "take at most 10 tags")
	args.CustomDomain = nil
	assert.NotContains(t, fmt.Sprint(args.Validate()), "take at most 10 tags", "no domain, no zone")
	args.CustomDomain = domain
	args.Consumers = []ConsumerArgs{{Name: "partner", AccountId: testConsumerAccount, EndpointId: pluralEndpoint(1)}}
	assert.NotContains(t, fmt.Sprint(args.Validate()), "take at most 10 tags", "an endpoint owned elsewhere gets no zone here")

	args.Tags = nil
	args.Consumers = nil
	for i := range maxAccessAssociationsPerAccount + 1 {
		c := created
		c.Name = fmt.Sprintf("c%d", i)
		args.Consumers = append(args.Consumers, c)
	}
	err = args.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "gets 101 domain name access associations")
	args.Quotas = &ApiQuotas{AccessAssociationsPerAccount: 150}
	assert.NoError(t, args.Validate(), "a raised quota admits them")
	args.Quotas = &ApiQuotas{AccessAssociationsPerAccount: 50}
	assert.Contains(t, fmt.Sprint(args.Validate()), "quotas.accessAssociationsPerAccount")
}

// TestOneShareAccepterPerAccount: two consumers in one account share one
// accepter, named by the account and known by each consumer's former
// accepter name, so removing or reordering either keeps it where it is.
func TestOneShareAccepterPerAccount(t *testing.T) {
	names := func(consumers ...string) []string {
		mocks, _, err := runCrossAccountWith(t, testRegion, func(a *CrossAccountPrivateApiArgs) {
			withDomain(CustomDomainArgs{Name: "orders.internal.example.com", CertificateArn: testCertificate})(a)
			var kept []ConsumerArgs
			appProvider := a.Consumers[0].Provider // the consumers share app's account and provider
			for _, want := range consumers {
				for _, c := range a.Consumers {
					if c.Name == want {
						c.AccountId, c.Provider = testConsumerAccount, appProvider
						kept = append(kept, c)
					}
				}
			}
			a.Consumers = kept
		})
		require.NoError(t, err)
		var got []string
		for _, r := range mocks.OfType(typeShareAccepter) {
			got = append(got, r.Name)
			assert.Contains(t, r.Aliases, "urn:pulumi:test::components-test::xaccount:index:CrossAccountPrivateApi$aws:ram/resourceShareAccepter:ResourceShareAccepter::xa-"+consumers[0]+"-domain-share-accepter")
		}
		return got
	}
	want := []string{"xa-domain-share-accepter-" + testConsumerAccount}
	assert.Equal(t, want, names("app", "batch"))
	assert.Equal(t, want, names("batch", "app"), "reordered: the same accepter")
	assert.Equal(t, want, names("batch"), "the first consumer removed: the same accepter")
}

// TestDomainStepsLeaveTheAcceptanceToTheStack: the team of an endpoint owned
// elsewhere in an account where the stack creates an endpoint is not told
// to accept the share (the stack's accepter does, and RAM invites an
// account once); in an account of its own it is.
func TestDomainStepsLeaveTheAcceptanceToTheStack(t *testing.T) {
	steps := func(partnerAccount string) string {
		_, res, err := runCrossAccountWith(t, testRegion, func(a *CrossAccountPrivateApiArgs) {
			withDomain(CustomDomainArgs{Name: "orders.internal.example.com", CertificateArn: testCertificate})(a)
			for i := range a.Consumers {
				if a.Consumers[i].Name == "partner" {
					a.Consumers[i].AccountId = partnerAccount
				}
			}
		})
		require.NoError(t, err)
		v, _, err := awsmock.Await(res.api.Consumers["partner"].DomainSteps)
		require.NoError(t, err)
		return strings.Join(v.([]string), "\n")
	}
	assert.Contains(t, steps("444444444444"), "accept-resource-share-invitation", "an account of its own accepts")
	assert.NotContains(t, steps(testConsumerAccount), "accept-resource-share-invitation", "app's accepter accepts for its account")
}
