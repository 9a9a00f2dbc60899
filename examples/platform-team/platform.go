// Package platform is how a platform team composes the xaccount-api
// components in a stack of its own: its own providers (one pinned by
// components.NewAccountProvider, one from the team's own factory with web
// identity and ignored tags, which the components check by asking AWS), its
// own API and routes, one consumer whose VPC the stack creates and one that
// brings its endpoint. It imports nothing internal of xaccount-api, only
// what any importer can.
package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/components"
)

// Accounts are the team's accounts and the role the pipeline assumes in each.
type Accounts struct {
	Region   string
	Producer string
	Payments string
	// PartnerEndpoint is the vpce- ID another team runs in its own account.
	PartnerEndpoint string
	// PartnerAccount owns that endpoint.
	PartnerAccount string
}

// deployerRole is the role the team's pipeline assumes in an account.
func deployerRole(account string) pulumi.StringInput {
	return pulumi.String("arn:aws:iam::" + account + ":role/platform-deployer")
}

// teamProvider is the team's own provider factory: web identity from the
// CI's token file, tags a tag policy manages ignored, pinned to the account
// (allowedAccountIds is good practice; the components ask AWS anyway).
func teamProvider(ctx *pulumi.Context, name, account, region string) (*aws.Provider, error) {
	return aws.NewProvider(ctx, name, &aws.ProviderArgs{
		Region:            pulumi.String(region),
		AllowedAccountIds: pulumi.StringArray{pulumi.String(account)},
		AssumeRoleWithWebIdentity: &aws.ProviderAssumeRoleWithWebIdentityArgs{
			RoleArn:              deployerRole(account),
			WebIdentityTokenFile: pulumi.String("/var/run/secrets/ci/token"),
			SessionName:          pulumi.String("platform-ledger"),
		},
		IgnoreTags: &aws.ProviderIgnoreTagsArgs{KeyPrefixes: pulumi.StringArray{pulumi.String("org:")}},
	})
}

// Ledger registers the team's ledger API: a Lambda-free MOCK health route and
// an HTTP proxy to the ledger service, reachable only from the payments VPC
// (which the stack creates) and the partner's existing endpoint.
func Ledger(ctx *pulumi.Context, acct Accounts) (*components.CrossAccountPrivateApi, error) {
	producer, err := components.NewAccountProvider(ctx, "ledger-producer", &components.AccountProviderArgs{
		AccountId: acct.Producer, Region: acct.Region, RoleArn: deployerRole(acct.Producer),
		DefaultTags: pulumi.StringMap{"team": pulumi.String("platform")},
	})
	if err != nil {
		return nil, err
	}
	payments, err := teamProvider(ctx, "ledger-payments", acct.Payments, acct.Region)
	if err != nil {
		return nil, err
	}
	return components.NewCrossAccountPrivateApi(ctx, "ledger", &components.CrossAccountPrivateApiArgs{
		Region:            acct.Region,
		ProducerAccountId: acct.Producer,
		ProducerProvider:  producer,
		ApiName:           pulumi.String("ledger"),
		StageName:         "v1",
		Routes: []components.Route{
			{Path: "/health", Method: "GET", Integration: components.RouteIntegration{Type: components.IntegrationMock}},
			{Path: "/entries/{id}", Method: "GET", Integration: components.RouteIntegration{
				Type: components.IntegrationHTTPProxy, Uri: pulumi.String("https://ledger.internal.example.com/entries/{id}"),
			}},
		},
		Consumers: []components.ConsumerArgs{
			{Name: "payments", AccountId: acct.Payments, Provider: payments, Vpc: &components.ConsumerVpcArgs{Cidr: "10.40.0.0/24"}},
			{Name: "partner", AccountId: acct.PartnerAccount, EndpointId: pulumi.String(acct.PartnerEndpoint)},
		},
		Protect: true,
	})
}
