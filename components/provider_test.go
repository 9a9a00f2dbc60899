package components

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

func TestNewAccountProviderAlwaysPinsAccountAndRegion(t *testing.T) {
	mocks := awsmock.New("components-test", "test", awsmock.Profiles(map[string]string{"deploy": testProducerAccount}))
	require.NoError(t, mocks.Run(func(ctx *pulumi.Context) error {
		_, err := NewAccountProvider(ctx, "producer", &AccountProviderArgs{
			AccountId: testProducerAccount, Region: testRegion, Profile: pulumi.String("deploy"),
		})
		return err
	}))
	p := mustNamed(t, mocks, awsmock.ProviderType, "producer")
	assert.Equal(t, []any{testProducerAccount}, p.Input("allowedAccountIds"), "credentials for any other account are refused")
	assert.Equal(t, testRegion, p.Input("region"))
	assert.Equal(t, "deploy", p.Input("profile"))
	assert.Equal(t, testProducerAccount, mocks.AccountOf(p))
}

// TestNewAccountProviderRefusesCredentialsOfAnotherAccount: the account
// comes from the credentials (a role, or what a profile reaches), and the
// provider refuses it when it is not AccountId. Without allowedAccountIds the
// provider would deploy into the other account and this test fails.
func TestNewAccountProviderRefusesCredentialsOfAnotherAccount(t *testing.T) {
	for name, args := range map[string]*AccountProviderArgs{
		"role of another account": {AccountId: testProducerAccount, Region: testRegion,
			RoleArn: pulumi.String("arn:aws:iam::999999999999:role/deployer")},
		"profile that reaches another account": {AccountId: testProducerAccount, Region: testRegion,
			Profile: pulumi.String("stale")},
	} {
		mocks := awsmock.New("components-test", "test", awsmock.Profiles(map[string]string{"stale": "999999999999"}))
		err := mocks.Run(func(ctx *pulumi.Context) error {
			p, err := NewAccountProvider(ctx, "producer", args)
			if err != nil {
				return err
			}
			_, err = NewConsumerVpc(ctx, "net", &ConsumerVpcArgs{Cidr: "10.20.0.0/24", Region: pulumi.String(testRegion)}, pulumi.Provider(p))
			return err
		})
		require.Errorf(t, err, name)
		assert.Containsf(t, err.Error(), "AWS account ID not allowed: 999999999999", name)
		for _, r := range mocks.Resources() {
			assert.NotEqualf(t, "999999999999", mocks.AccountOf(r), "%s: %s %s landed in the account the credentials reach", name, r.Type, r.Name)
		}
	}
}

func TestNewAccountProviderRefusesBadArgs(t *testing.T) {
	role := pulumi.String("arn:aws:iam::111111111111:role/deployer")
	cases := map[string]struct {
		args *AccountProviderArgs
		says string
	}{
		"11 digits":                {&AccountProviderArgs{AccountId: "11111111111", Region: testRegion, RoleArn: role}, `accountId: got "11111111111"`},
		"no region":                {&AccountProviderArgs{AccountId: testProducerAccount, RoleArn: role}, `region: got ""`},
		"role and profile":         {&AccountProviderArgs{AccountId: testProducerAccount, Region: testRegion, RoleArn: role, Profile: pulumi.String("p")}, "exactly one of roleArn and profile"},
		"neither":                  {&AccountProviderArgs{AccountId: testProducerAccount, Region: testRegion}, "exactly one of roleArn and profile"},
		"external id without role": {&AccountProviderArgs{AccountId: testProducerAccount, Region: testRegion, Profile: pulumi.String("p"), ExternalId: pulumi.String("x")}, "go with roleArn"},
	}
	for name, tc := range cases {
		mocks := awsmock.New("components-test", "test")
		err := mocks.Run(func(ctx *pulumi.Context) error {
			_, err := NewAccountProvider(ctx, "p", tc.args)
			return err
		})
		if assert.Errorf(t, err, name) {
			assert.Containsf(t, err.Error(), tc.says, name)
		}
		assert.Emptyf(t, mocks.Resources(), "%s: nothing is registered", name)
	}
}

// TestCrossAccountTakesOnlyPinnedProviders: a provider not made by
// NewAccountProvider, or pinned to another account than the one the
// composite is told, is refused before anything is registered.
func TestCrossAccountChecksEveryProvidersAccount(t *testing.T) {
	run := func(mk func(ctx *pulumi.Context) (producer, consumer *aws.Provider, err error), consumerAccount string) (*awsmock.Mocks, error) {
		mocks := awsmock.New("components-test", "test")
		err := mocks.Run(func(ctx *pulumi.Context) error {
			producer, consumer, err := mk(ctx)
			if err != nil {
				return err
			}
			_, err = NewCrossAccountPrivateApi(ctx, "xa", &CrossAccountPrivateApiArgs{
				Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
				Consumers: []ConsumerArgs{{Name: "app", AccountId: consumerAccount, Provider: consumer, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}},
			})
			return err
		})
		return mocks, err
	}
	unpinned := func(ctx *pulumi.Context) (*aws.Provider, *aws.Provider, error) {
		producer, err := aws.NewProvider(ctx, "producer", &aws.ProviderArgs{Region: pulumi.String(testRegion),
			AssumeRole: &aws.ProviderAssumeRoleArgs{RoleArn: pulumi.String("arn:aws:iam::" + testProducerAccount + ":role/deployer")}})
		if err != nil {
			return nil, nil, err
		}
		consumer, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		return producer, consumer, err
	}
	_, err := run(unpinned, testConsumerAccount)
	assert.NoError(t, err, "a provider of your own making that reaches the producer account is taken")

	elsewhere := func(ctx *pulumi.Context) (*aws.Provider, *aws.Provider, error) {
		producer, err := aws.NewProvider(ctx, "producer", &aws.ProviderArgs{Region: pulumi.String(testRegion),
			AssumeRole: &aws.ProviderAssumeRoleArgs{RoleArn: pulumi.String("arn:aws:iam::999999999999:role/deployer")}})
		if err != nil {
			return nil, nil, err
		}
		consumer, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		return producer, consumer, err
	}
	refused, err := run(elsewhere, testConsumerAccount)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "producerProvider: its credentials reach account 999999999999; expected a provider for account "+testProducerAccount)
	for _, r := range refused.Resources() {
		assert.Equalf(t, awsmock.ProviderType, r.Type, "refused before anything: got %s %s", r.Type, r.Name)
	}

	pinned := func(ctx *pulumi.Context) (*aws.Provider, *aws.Provider, error) {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return nil, nil, err
		}
		consumer, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		return producer, consumer, err
	}
	mocks, err := run(pinned, "999999999999")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "consumers[0].provider: pinned to account 222222222222; expected a provider for account 999999999999")
	for _, r := range mocks.Resources() {
		assert.Equalf(t, awsmock.ProviderType, r.Type, "only the providers exist, got %s %s", r.Type, r.Name)
	}
	_, err = run(pinned, testConsumerAccount)
	assert.NoError(t, err)
}
