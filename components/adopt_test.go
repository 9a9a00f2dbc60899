package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAdoptionRefusedWithoutReplaceRoutes: adopting an API is refused
// unless replaceRoutes accepts that its routes are replaced; the message
// names the API and every route it would have.
func TestAdoptionRefusedWithoutReplaceRoutes(t *testing.T) {
	err := (&AdoptApiArgs{RestApiId: "a1b2c3d4e5"}).Validate(testRoutes)
	require.Error(t, err)
	assert.Equal(t, []string{"replaceRoutes"}, fieldsOf(err))
	assert.Contains(t, err.Error(), "a1b2c3d4e5")
	assert.Contains(t, err.Error(), "the 4 routes ANY /ledger/{proxy+}, GET /, GET /orders/{id}, POST /orders/{id}/items")

	assert.NoError(t, (&AdoptApiArgs{RestApiId: "a1b2c3d4e5", ReplaceRoutes: true}).Validate(testRoutes))
	assert.Contains(t, (&AdoptApiArgs{RestApiId: "a1b2c3d4e5"}).Validate(nil).Error(), "the route ANY /", "no routes: the default route")

	for _, id := range []string{"", "A1B2C3D4E5", "a1b2c3d4e", "a1b2c3d4e5f", "a1b2c3-4e5"} {
		err := (&AdoptApiArgs{RestApiId: id, ReplaceRoutes: true}).Validate(nil)
		assert.Equalf(t, []string{"restApiId"}, fieldsOf(err), "%q is not a REST API ID", id)
	}
}

// TestAdoptedApiIsImported: with Adopt, the RestApi is registered with the
// import option naming the API (so the engine reads it instead of creating
// one); without it, no import. Both components refuse an adoption without
// replaceRoutes before registering anything.
func TestAdoptedApiIsImported(t *testing.T) {
	register := func(adopt *AdoptApiArgs) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
			if err != nil {
				return err
			}
			_, err = NewPrivateRestApi(ctx, "shop", &PrivateRestApiArgs{
				VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"}),
				Adopt:          adopt,
			}, pulumi.Provider(producer))
			return err
		}
	}
	mocks := runMocked(t, register(&AdoptApiArgs{RestApiId: "a1b2c3d4e5", ReplaceRoutes: true}))
	api := mustNamed(t, mocks, typeRestApi, "shop-api")
	assert.Equal(t, "a1b2c3d4e5", api.ImportId, "the import option names the adopted API")
	assert.Equal(t, "a1b2c3d4e5", api.Id)

	mocks = runMocked(t, register(nil))
	assert.Empty(t, mustNamed(t, mocks, typeRestApi, "shop-api").ImportId, "no adoption, no import")

	err := runMockedErr(register(&AdoptApiArgs{RestApiId: "a1b2c3d4e5"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "adopt.replaceRoutes")

	args := &CrossAccountPrivateApiArgs{
		Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev",
		Consumers: []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}},
		AdoptApi:  &AdoptApiArgs{RestApiId: "a1b2c3d4e5"},
	}
	assert.Equal(t, []string{"adoptApi.replaceRoutes"}, fieldsOf(args.Validate()))
}
