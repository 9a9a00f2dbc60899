package fakeaws

import (
	"encoding/json"
	"path/filepath"
	"runtime"
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
// producer may not touch another account's resource shares, nor a consumer
// leave a share other than the producer's.
func TestPrintedRolesReachOnlyTheStacksResources(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	stackFile := filepath.Join(filepath.Dir(file), "..", "..", "..", "Pulumi.prod.yaml")
	raw, err := plan.ReadConfigFile(stackFile)
	require.NoError(t, err)
	p, err := plan.Run("prod", raw)
	require.NoError(t, err)
	set, err := p.Roles(plan.IamOptions{Repo: "acme/xaccount-api"})
	require.NoError(t, err)
	const producer, consumer, stranger = "333333333333", "444444444444", "999999999999"
	deployer := func(account string) iamPolicy {
		t.Helper()
		doc, err := json.Marshal(set.Accounts[account].Roles["deployer"].Policy)
		require.NoError(t, err)
		parsed, err := parsePolicy(string(doc))
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
	assert.True(t, may(c, "ram:DisassociateResourceShare", "arn:aws:ram:eu-west-1:"+producer+":resource-share/0f1e2d3c", nil), "leaving the producer's share")
	assert.False(t, may(c, "ram:DisassociateResourceShare", "arn:aws:ram:eu-west-1:"+stranger+":resource-share/0f1e2d3c", nil), "another account's share")
	assert.False(t, may(c, "ram:AcceptResourceShareInvitation", "arn:aws:ram:eu-west-1:"+stranger+":resource-share-invitation/0f1e2d3c", nil), "another account's invitation")

	pr := deployer(producer)
	own, foreign := "arn:aws:ram:eu-west-1:"+producer+":resource-share/0f1e2d3c", "arn:aws:ram:eu-west-1:"+stranger+":resource-share/0f1e2d3c"
	for _, action := range []string{"ram:AssociateResourceShare", "ram:DisassociateResourceShare", "ram:DeleteResourceShare", "ram:UpdateResourceShare", "ram:ListResourceSharePermissions"} {
		assert.Truef(t, may(pr, action, own, nil), "%s on the producer's own share", action)
		assert.Falsef(t, may(pr, action, foreign, nil), "%s on another account's share", action)
		assert.Falsef(t, may(pr, action, "arn:aws:ram:us-east-1:"+producer+":resource-share/0f1e2d3c", nil), "%s on a share of another region", action)
	}
}
