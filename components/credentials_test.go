package components

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

// roleOf is the deployer role ARN of an account, as credentials.
func roleOf(account string) *AccountCredentials {
	return &AccountCredentials{RoleArn: pulumi.String("arn:aws:iam::" + account + ":role/deployer")}
}

// TestCredentialsBuildPinnedProvidersAsChildren: a CrossAccountPrivateApi
// given credentials instead of providers (what a stack in another language
// does) builds one provider per account, pinned to it and the region, a
// child of the composition, and puts each account's resources on its own.
func TestCredentialsBuildPinnedProvidersAsChildren(t *testing.T) {
	mocks := runMocked(t, func(ctx *pulumi.Context) error {
		_, err := NewCrossAccountPrivateApi(ctx, "xa", &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev",
			ProducerCredentials: roleOf(testProducerAccount),
			Consumers: []ConsumerArgs{
				{Name: "app", AccountId: testConsumerAccount, Credentials: roleOf(testConsumerAccount), Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}},
				{Name: "partner", AccountId: "444444444444", EndpointId: pulumi.String(foreignEndpointId)},
			},
		})
		return err
	})
	providers := mocks.OfType(awsmock.ProviderType)
	require.Len(t, providers, 2, "one provider per account that gets resources")
	want := map[string]string{"xa-producer-provider": testProducerAccount, "xa-app-provider": testConsumerAccount}
	for _, p := range providers {
		account, ok := want[p.Name]
		require.Truef(t, ok, "unexpected provider %s", p.Name)
		assert.Equal(t, []any{account}, p.Input("allowedAccountIds"), "%s is pinned to its account", p.Name)
		assert.Equal(t, testRegion, p.Input("region"))
		assert.Contains(t, p.Parent, CrossAccountPrivateApiType, "%s is a child of the composition", p.Name)
	}
	api := mustNamed(t, mocks, typeRestApi, "xa-api-api")
	assert.Equal(t, "xa-producer-provider", mocks.ProviderName(api))
	endpoint := mustNamed(t, mocks, "aws:ec2/vpcEndpoint:VpcEndpoint", "xa-app-endpoint-vpce")
	assert.Equal(t, "xa-app-provider", mocks.ProviderName(endpoint))
	assert.Equal(t, testConsumerAccount, mocks.AccountOf(endpoint))
}

// TestCredentialsRefusals: a provider and credentials for one account,
// credentials for an endpoint owned elsewhere, credentials that name neither
// a role nor a profile, and no way to reach an account are each refused on
// their field before anything is registered.
func TestCredentialsRefusals(t *testing.T) {
	mocks := awsmock.New("components-test", "test")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		_, err = NewCrossAccountPrivateApi(ctx, "xa", &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev",
			ProducerProvider: producer, ProducerCredentials: roleOf(testProducerAccount),
			Consumers: []ConsumerArgs{
				{Name: "app", AccountId: testConsumerAccount, Credentials: &AccountCredentials{}, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}},
				{Name: "batch", AccountId: testSecondConsumerAccount, Credentials: &AccountCredentials{Profile: pulumi.String("b"), ExternalId: pulumi.String("x")}, Vpc: &ConsumerVpcArgs{Cidr: "10.21.0.0/24"}},
				{Name: "partner", AccountId: "444444444444", EndpointId: pulumi.String(foreignEndpointId), Credentials: roleOf("444444444444")},
				{Name: "none", AccountId: "555555555555", Vpc: &ConsumerVpcArgs{Cidr: "10.22.0.0/24"}},
			},
		})
		return err
	})
	require.Error(t, err)
	assert.ElementsMatch(t, []string{
		"producerCredentials", "consumers[0].credentials", "consumers[1].credentials.externalId",
		"consumers[2].credentials", "consumers[3].provider",
	}, fieldsOf(err))
	assert.Contains(t, err.Error(), "consumers[0].credentials: set exactly one of roleArn and profile")
	assert.Empty(t, mocks.OfType(CrossAccountPrivateApiType), "nothing registered")
}

// TestConsumerAccessCredentialsAndProviderOptions: ConsumerApiAccess takes
// its account's provider as credentials (built pinned, a child) or as the
// provider option of any provider resource, and refuses both at once.
func TestConsumerAccessCredentialsAndProviderOptions(t *testing.T) {
	consumer := ConsumerArgs{Name: "app", AccountId: testConsumerAccount, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"},
		Credentials: roleOf(testConsumerAccount)}
	mocks := runMocked(t, func(ctx *pulumi.Context) error {
		_, err := NewConsumerApiAccess(ctx, "xa", &ConsumerApiAccessArgs{Region: testRegion, ProducerAccountId: testProducerAccount, Consumer: consumer})
		return err
	})
	endpoint := mustNamed(t, mocks, "aws:ec2/vpcEndpoint:VpcEndpoint", "xa-app-endpoint-vpce")
	assert.Equal(t, "xa-app-provider", mocks.ProviderName(endpoint))
	assert.Equal(t, testConsumerAccount, mocks.AccountOf(endpoint))

	err := runMockedErr(func(ctx *pulumi.Context) error {
		p, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		_, err = NewConsumerApiAccess(ctx, "xa", &ConsumerApiAccessArgs{Region: testRegion, ProducerAccountId: testProducerAccount, Consumer: consumer}, pulumi.Provider(p))
		return err
	})
	require.Error(t, err)
	assert.Equal(t, []string{"consumer.credentials"}, fieldsOf(err))

	consumer.Credentials = nil
	err = runMockedErr(func(ctx *pulumi.Context) error {
		_, err := NewConsumerApiAccess(ctx, "xa", &ConsumerApiAccessArgs{Region: testRegion, ProducerAccountId: testProducerAccount, Consumer: consumer})
		return err
	})
	require.Error(t, err)
	assert.Equal(t, []string{"consumer.provider"}, fieldsOf(err))
	assert.Contains(t, err.Error(), "the provider resource option", "neither a provider nor credentials")
}

// TestCrossAccountPublishesPerConsumerMaps: the endpointIds and invokeUrls
// outputs (what SDKs in other languages read instead of Consumers) hold
// each consumer's endpoint and invoke URLs.
func TestCrossAccountPublishesPerConsumerMaps(t *testing.T) {
	runWithApp(t, testRegion, func(producer, app *aws.Provider) *CrossAccountPrivateApiArgs {
		return &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
			Consumers: []ConsumerArgs{
				{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}},
				{Name: "partner", AccountId: "444444444444", EndpointId: pulumi.String(foreignEndpointId)},
			}}
	}, func(api *CrossAccountPrivateApi) error {
		v, _, err := awsmock.Await(pulumi.All(api.EndpointIds, api.InvokeUrls, api.Consumers["app"].EndpointId, api.Consumers["app"].InvokeUrls))
		require.NoError(t, err)
		got := v.([]any)
		endpoints, urls := got[0].(map[string]string), got[1].(map[string]map[string]string)
		assert.Equal(t, map[string]string{"app": got[2].(string), "partner": foreignEndpointId}, endpoints)
		assert.Equal(t, got[3].(map[string]string), urls["app"])
		assert.NotEmpty(t, urls["app"][InvokePrivateDns])
		assert.Contains(t, urls["partner"], InvokeRoute53Alias)
		return nil
	})
}
