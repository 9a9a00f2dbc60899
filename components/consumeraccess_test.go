package components

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

// publishedApi is a producer's published API as a consumer stack reads it.
func publishedApi(listed bool) *PublishedApi {
	return &PublishedApi{
		RestApiId: pulumi.String("abcde12345"), ExecutionArn: pulumi.String(testExecutionArn),
		StageName: pulumi.String("dev"), DeploymentId: pulumi.String("dep123"), PolicyHash: pulumi.String("hash"),
		Authorization: AuthorizationNone, ListsEndpoint: listed,
		ProbeTarget: &ProbeTarget{Path: "/", Integration: IntegrationMock, ExpectedStatus: 200},
	}
}

// runConsumerAccess registers a ConsumerApiAccess with a probe and a VPC in
// the consumer account, its provider given as a resource option.
func runConsumerAccess(t *testing.T, api *PublishedApi, providerAccount string) (*awsmock.Mocks, error) {
	t.Helper()
	mocks := awsmock.New("components-test", "test")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		p, err := newTestProvider(ctx, "consumer-app", providerAccount, testRegion)
		if err != nil {
			return err
		}
		_, err = NewConsumerApiAccess(ctx, "xa", &ConsumerApiAccessArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, Api: api,
			Consumer: ConsumerArgs{Name: "app", AccountId: testConsumerAccount, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}, Probe: true},
		}, pulumi.Provider(p))
		return err
	})
	return mocks, err
}

// guardOf is the consumer's ListedByProducer guard.
func guardOf(t *testing.T, mocks *awsmock.Mocks) awsmock.Resource {
	t.Helper()
	guards := mocks.OfType(ListedByProducerType)
	require.Len(t, guards, 1)
	return guards[0]
}

// TestConsumerAccessBeforeTheProducerPublishes: only the VPC and the
// endpoint, in the consumer's account, and an unprotected guard.
func TestConsumerAccessBeforeTheProducerPublishes(t *testing.T) {
	mocks, err := runConsumerAccess(t, nil, testConsumerAccount)
	require.NoError(t, err)
	endpoint := mustNamed(t, mocks, "aws:ec2/vpcEndpoint:VpcEndpoint", "xa-app-endpoint-vpce")
	assert.Equal(t, testConsumerAccount, mocks.AccountOf(endpoint))
	assert.Empty(t, mocks.OfType(typeVpcEndpointPolicy), "no endpoint policy before the API exists")
	assert.Empty(t, mocks.OfType("aws:lambda/function:Function"), "no probe before the API exists")
	assert.False(t, guardOf(t, mocks).Protect)
}

// TestConsumerAccessOncePublished: the endpoint policy allows this API only,
// the probe waits until the producer lists the endpoint, and then the guard
// is protected and depends on every resource the consumer deploys.
func TestConsumerAccessOncePublished(t *testing.T) {
	mocks, err := runConsumerAccess(t, publishedApi(false), testConsumerAccount)
	require.NoError(t, err)
	policies := mocks.OfType(typeVpcEndpointPolicy)
	require.Len(t, policies, 1)
	assert.Equal(t, "xa-app-endpoint-policy", policies[0].Name, "named as CrossAccountPrivateApi names it")
	var doc struct{ Statement []struct{ Resource []string } }
	require.NoError(t, json.Unmarshal([]byte(policies[0].Input("policy").(string)), &doc))
	assert.Equal(t, []string{testExecutionArn + "/*"}, doc.Statement[0].Resource)
	assert.Empty(t, mocks.OfType("aws:lambda/function:Function"), "no probe while the producer does not list the endpoint")
	assert.False(t, guardOf(t, mocks).Protect)

	mocks, err = runConsumerAccess(t, publishedApi(true), testConsumerAccount)
	require.NoError(t, err)
	fn := mustNamed(t, mocks, "aws:lambda/function:Function", "xa-app-probe-function")
	assert.Equal(t, testConsumerAccount, mocks.AccountOf(fn))
	guard := guardOf(t, mocks)
	assert.True(t, guard.Protect, "protected while listed")
	deps := map[string][]string{}
	for _, r := range mocks.Resources() {
		deps[r.URN] = r.Dependencies
	}
	reached := map[string]bool{}
	for queue := append([]string{}, guard.Dependencies...); len(queue) > 0; queue = queue[1:] {
		if !reached[queue[0]] {
			reached[queue[0]] = true
			queue = append(queue, deps[queue[0]]...)
		}
	}
	for _, r := range mocks.Resources() {
		if r.Custom && r.Type != awsmock.ProviderType {
			assert.Truef(t, reached[r.URN], "the guard depends, directly or not, on %s", r.Name)
		}
	}
	endpoint := mustNamed(t, mocks, "aws:ec2/vpcEndpoint:VpcEndpoint", "xa-app-endpoint-vpce")
	assert.False(t, endpoint.Protect, "the endpoint itself stays replaceable")
}

// TestConsumerAccessRefusals: an endpoint owned elsewhere, a provider of
// another account and an API of another account are refused before
// anything is registered.
func TestConsumerAccessRefusals(t *testing.T) {
	mocks, err := runConsumerAccess(t, nil, testSecondConsumerAccount)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "consumer.provider: pinned to account 333333333333; expected a provider for account 222222222222")
	assert.Empty(t, mocks.OfType(ConsumerApiAccessType))

	api := publishedApi(true)
	api.ExecutionArn = pulumi.String("arn:aws:execute-api:eu-west-1:999999999999:abcde12345")
	api.ProbeTarget = nil
	args := &ConsumerApiAccessArgs{Region: testRegion, ProducerAccountId: testProducerAccount, Api: api,
		Consumer: ConsumerArgs{Name: "app", AccountId: testConsumerAccount, EndpointId: pulumi.String(foreignEndpointId), Probe: true}}
	fields := map[string]string{}
	for _, fe := range AsFieldErrors(args.Validate()) {
		fields[fe.Field] += fe.Message
	}
	assert.Contains(t, fields["consumer.endpointId"], "list it in the producer's consumers instead")
	assert.Contains(t, fields["api.executionArn"], "account 999999999999; expected the producer's API in eu-west-1, account 111111111111")
	assert.Contains(t, fields["api.probeTarget"], "missing")
	assert.NotContains(t, fields, "consumers[0].probe", "field paths are the component's own")
}
