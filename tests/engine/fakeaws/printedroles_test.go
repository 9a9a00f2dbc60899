package fakeaws

import (
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/plan"
)

// TestPrintedRolesReachOnlyTheStacksResources: the deployer roles `--iam`
// prints for the prod stack (a producer with the private custom domain, two
// consumers with a zone and record each), evaluated by this package's IAM:
// a consumer may not write REST APIs (it deploys none), change a record
// other than the domain's name and type, or create a public zone; the
// producer may not touch another account's resource shares, nor share
// anything but its own API Gateway domain names, nor with an account other
// than the stack's consumers, nor update, tag, untag, disassociate or delete
// another share of its account (ram:ResourceShareName); a consumer may not leave any share (its
// accepter is retained on delete), nor change, delete or map any custom domain (it may only
// associate with the producer's).
func TestPrintedRolesReachOnlyTheStacksResources(t *testing.T) {
	const producer, consumer, stranger = "333333333333", "444444444444", "999999999999"
	deployerDoc := printedDeployers(t, "prod")
	deployer := func(account string) iamPolicy {
		t.Helper()
		parsed, err := parsePolicy(deployerDoc(account))
		require.NoError(t, err)
		return parsed
	}
	may := func(doc iamPolicy, action, resource string, context map[string][]string) bool {
		return doc.decide(request{Action: action, Resource: resource, Context: context}) == allowed
	}
	names := func(name, typ string) map[string][]string {
		return map[string][]string{
			"route53:changeresourcerecordsetsnormalizedrecordnames": {name},
			"route53:changeresourcerecordsetsrecordtypes":           {typ},
			"route53:changeresourcerecordsetsactions":               {"CREATE"},
		}
	}

	c := deployer(consumer)
	for _, action := range []string{"apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"} {
		assert.Falsef(t, may(c, action, "arn:aws:apigateway:eu-west-1::/restapis", nil), "the consumer deploys no REST API: %s /restapis", action)
		assert.Falsef(t, may(c, action, "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5", nil), "%s /restapis/{id}", action)
	}
	assert.True(t, may(c, "apigateway:POST", "arn:aws:apigateway:eu-west-1:"+consumer+":/domainnameaccessassociations", nil), "its access association")
	zone := "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"
	assert.True(t, may(c, "route53:ChangeResourceRecordSets", zone, names("api.internal.example.com", "A")), "the domain's alias")
	assert.False(t, may(c, "route53:ChangeResourceRecordSets", zone, names("www.example.com", "A")), "a record of an unrelated name, in any zone")
	assert.False(t, may(c, "route53:ChangeResourceRecordSets", zone, names("api.internal.example.com", "TXT")), "another type")
	assert.True(t, may(c, "route53:CreateHostedZone", "*", map[string][]string{"route53:vpcs": {"VPCId=vpc-0a1b2c3d4e5f60718,VPCRegion=eu-west-1"}}), "a private zone")
	assert.False(t, may(c, "route53:CreateHostedZone", "*", nil), "a public zone (no VPC in the request)")
	// The accepter is retained on delete (iampolicy.RetainedTypes): the
	// consumer never leaves a share, the producer's or another's.
	assert.False(t, may(c, "ram:DisassociateResourceShare", "arn:aws:ram:eu-west-1:"+producer+":resource-share/0f1e2d3c", nil), "leaving the producer's share")
	assert.False(t, may(c, "ram:DisassociateResourceShare", "arn:aws:ram:eu-west-1:"+stranger+":resource-share/0f1e2d3c", nil), "another account's share")
	assert.True(t, may(c, "ram:GetResourceShares", "*", nil), "reading the share it joined")
	assert.False(t, may(c, "ram:AcceptResourceShareInvitation", "arn:aws:ram:eu-west-1:"+stranger+":resource-share-invitation/0f1e2d3c", nil), "another account's invitation")

	ownDomain := "arn:aws:apigateway:eu-west-1:" + consumer + ":/domainnames/pay.internal.example.com+a1b2c3d4e5"
	producerDomain := "arn:aws:apigateway:eu-west-1:" + producer + ":/domainnames/api.internal.example.com+a1b2c3d4e5"
	for _, action := range []string{"apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE", "apigateway:GET"} {
		for _, domain := range []string{ownDomain, producerDomain, "arn:aws:apigateway:eu-west-1::/domainnames/www.example.com",
			"arn:aws:apigateway:eu-west-1::/domainnames/www.example.com/basepathmappings/v1", "arn:aws:apigateway:eu-west-1::/domainnames"} {
			assert.Falsef(t, may(c, action, domain, nil), "the consumer deploys no domain: %s %s", action, domain)
		}
	}
	assert.True(t, may(c, "apigateway:CreateAccessAssociation", producerDomain, nil), "associating with the producer's domain")
	assert.False(t, may(c, "apigateway:CreateAccessAssociation", ownDomain, nil), "a domain of its own account")
	assert.False(t, may(c, "apigateway:CreateAccessAssociation", "arn:aws:apigateway:eu-west-1:"+stranger+":/domainnames/x+y", nil), "another account's domain")
	assert.True(t, may(c, "apigateway:DELETE", "arn:aws:apigateway:eu-west-1:"+consumer+":/domainnameaccessassociations/domainname/x", nil), "deleting its association")

	pr := deployer(producer)
	own := "arn:aws:ram:eu-west-1:" + producer + ":resource-share/0f1e2d3c"
	// RAM authorizes each resource and each principal of a request with its
	// own keys (requestContext); the provider creates the share empty.
	subnet := "arn:aws:ec2:eu-west-1:" + producer + ":subnet/subnet-0a1b2c3d4e5f60718"
	// A request on an existing share also carries its name
	// (ram:ResourceShareName); CreateResourceShare has no share yet.
	named := func(keys map[string][]string, share string) map[string][]string {
		if share != "*" {
			keys["ram:resourcesharename"] = []string{"xaccount-api-prod-domain"}
		}
		return keys
	}
	resourceKeys := func(arn string) map[string][]string {
		return requestContext(Call{Type: TypeResourceAssociation, Action: "ram:AssociateResourceShare"}, callCtx{In: props{"resourceArn": arn}})
	}
	principalKeys := func(account string) map[string][]string {
		return requestContext(Call{Type: TypePrincipalAssociation, Action: "ram:AssociateResourceShare"}, callCtx{In: props{"principal": account}})
	}
	for action, share := range map[string]string{"ram:CreateResourceShare": "*", "ram:AssociateResourceShare": own} {
		assert.Truef(t, may(pr, action, share, named(resourceKeys(producerDomain), share)), "%s: the producer's domain", action)
		assert.Truef(t, may(pr, action, share, named(principalKeys(consumer), share)), "%s: a consumer account", action)
		assert.Falsef(t, may(pr, action, share, named(resourceKeys(subnet), share)), "%s: a subnet", action)
		assert.Falsef(t, may(pr, action, share, named(resourceKeys("arn:aws:ec2:eu-west-1:"+producer+":transit-gateway/tgw-0a1b2c3d4e5f60718"), share)), "%s: a transit gateway", action)
		assert.Falsef(t, may(pr, action, share, named(resourceKeys(strings.Replace(producerDomain, producer, stranger, 1)), share)), "%s: a domain of another account", action)
		assert.Falsef(t, may(pr, action, share, named(principalKeys(stranger), share)), "%s: an account outside the stack", action)
		assert.Falsef(t, may(pr, action, share, named(principalKeys("arn:aws:organizations::"+stranger+":organization/o-abcdefghij"), share)), "%s: an organization", action)
	}
	otherShare := principalKeys(consumer)
	otherShare["ram:resourcesharename"] = []string{"network-subnets"}
	assert.False(t, may(pr, "ram:AssociateResourceShare", own, otherShare), "a consumer account added to another share of the account")
	for _, action := range []string{"ram:UpdateResourceShare", "ram:DeleteResourceShare", "ram:TagResource", "ram:UntagResource", "ram:DisassociateResourceShare"} {
		assert.Falsef(t, may(pr, action, own, map[string][]string{"ram:resourcesharename": {"network-subnets"}}), "%s on another share of the account", action)
		assert.Falsef(t, may(pr, action, own, nil), "%s on a share whose name RAM does not give", action)
	}
	assert.True(t, may(pr, "ram:CreateResourceShare", "*", requestContext(Call{Type: TypeResourceShare, Action: "ram:CreateResourceShare"}, callCtx{In: props{"name": "s"}})),
		"the provider's empty share")

	foreign := "arn:aws:ram:eu-west-1:" + stranger + ":resource-share/0f1e2d3c"
	for _, action := range []string{"ram:AssociateResourceShare", "ram:DisassociateResourceShare", "ram:DeleteResourceShare", "ram:UpdateResourceShare", "ram:ListResourceSharePermissions"} {
		assert.Truef(t, may(pr, action, own, map[string][]string{"ram:resourcesharename": {"xaccount-api-prod-domain"}}), "%s on the producer's own share", action)
		assert.Falsef(t, may(pr, action, foreign, nil), "%s on another account's share", action)
		assert.Falsef(t, may(pr, action, "arn:aws:ram:us-east-1:"+producer+":resource-share/0f1e2d3c", nil), "%s on a share of another region", action)
	}
}

// printedDeployers is the deployer policy `--iam` prints for the prod stack,
// per account, as JSON.
func printedDeployers(t *testing.T, stack string) func(account string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	stackFile := filepath.Join(filepath.Dir(file), "..", "..", "..", "Pulumi."+stack+".yaml")
	raw, err := plan.ReadConfigFile(stackFile)
	require.NoError(t, err)
	p, err := plan.Run(stack, raw)
	require.NoError(t, err)
	set, err := p.Roles(plan.IamOptions{Repo: "acme/xaccount-api"})
	require.NoError(t, err)
	return func(account string) string {
		t.Helper()
		doc, err := json.Marshal(set.Accounts[account].Roles["deployer"].Policy)
		require.NoError(t, err)
		return string(doc)
	}
}

// TestPrintedProducerRoleSharesTheDomainWithTheConsumersOnly: the producer's
// printed deployer, as the provider's role, creates the share, shares the
// domain and adds a consumer account, and is refused adding an account the
// stack does not name (RAM's AccessDenied on ram:AssociateResourceShare).
func TestPrintedProducerRoleSharesTheDomainWithTheConsumersOnly(t *testing.T) {
	const producer, consumer, stranger = "333333333333", "444444444444", "999999999999"
	store := newStore(t)
	domain, _ := mustCreate(provider(t, store, producer), t, TypeDomainName, privateDomain(strings.Replace(testCert, "111111111111", producer, 1)))
	p, err := configured(t, store, producer, printedDeployers(t, "prod")(producer), trustPipeline, nil)
	require.NoError(t, err)
	share, _ := mustCreate(p, t, TypeResourceShare, map[string]any{"name": "xaccount-api-prod-domain", "allowExternalPrincipals": true})
	mustCreate(p, t, TypeResourceAssociation, map[string]any{"resourceShareArn": share, "resourceArn": domain})
	mustCreate(p, t, TypePrincipalAssociation, map[string]any{"resourceShareArn": share, "principal": consumer})
	_, _, err = create(p, t, TypePrincipalAssociation, map[string]any{"resourceShareArn": share, "principal": stranger})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not authorized to perform: ram:AssociateResourceShare on resource: "+share)

	// Another share of the account (say, of its subnets, another team's): a request that
	// adds a consumer account carries no resource type, so only the share's
	// name (ram:ResourceShareName) keeps the consumers out of it.
	other, _ := mustCreate(provider(t, store, producer), t, TypeResourceShare, map[string]any{"name": "network-subnets", "allowExternalPrincipals": true})
	_, _, err = create(p, t, TypePrincipalAssociation, map[string]any{"resourceShareArn": other, "principal": consumer})
	require.Error(t, err, "a consumer account added to another share of the account")
	assert.Contains(t, err.Error(), "not authorized to perform: ram:AssociateResourceShare on resource: "+other)
}

// TestPrintedHubRoleChangesOnlyAnApisOwnName: the network account's
// printed deployer of Pulumi.hub.yaml changes, in the account's zones, the
// A record of one API's own name and nothing else. The API's ID is not
// known when the roles are printed (the API is created by the same up), so
// the name is a pattern of one 10-character label under the region's
// execute-api name: any API ID of the region is admitted (another hub
// zone's alias in the same account too), a longer or shorter label, a name
// under it, another region's, a custom domain or another type are refused.
func TestPrintedHubRoleChangesOnlyAnApisOwnName(t *testing.T) {
	parsed, err := parsePolicy(printedDeployers(t, "hub")("777777777777"))
	require.NoError(t, err)
	change := func(name, typ, action string) verdict {
		return parsed.decide(request{Action: "route53:ChangeResourceRecordSets", Resource: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ", Context: map[string][]string{
			"route53:changeresourcerecordsetsnormalizedrecordnames": {normalizedRecordName(name)},
			"route53:changeresourcerecordsetsrecordtypes":           {typ},
			"route53:changeresourcerecordsetsactions":               {action},
		}})
	}
	for _, action := range []string{"CREATE", "UPSERT", "DELETE"} {
		assert.Equal(t, allowed, change("a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", "A", action), "the API's own name, %s", action)
	}
	assert.Equal(t, allowed, change("zz9y8x7w6v.execute-api.eu-west-1.amazonaws.com", "A", "CREATE"), "any API ID of the region: the ID is not known before the API exists")
	for _, name := range []string{
		"a1b2c3d4e.execute-api.eu-west-1.amazonaws.com", "a1b2c3d4e5f.execute-api.eu-west-1.amazonaws.com",
		"x.a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
		"execute-api.eu-west-1.amazonaws.com", "api.internal.example.com",
	} {
		assert.Equalf(t, implicitDeny, change(name, "A", "CREATE"), "%s is not an API's own name of the region", name)
	}
	assert.Equal(t, implicitDeny, change("a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", "TXT", "CREATE"), "another type")
	// IAM's ? matches any one character, a dot too: ten characters with
	// dots are admitted as well (in a zone named for an API only its apex
	// has ten characters before .execute-api).
	assert.Equal(t, allowed, change("ab.cd.efgh.execute-api.eu-west-1.amazonaws.com", "A", "CREATE"))
}
