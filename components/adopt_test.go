package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
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
		Adopt:     &AdoptApiArgs{RestApiId: "a1b2c3d4e5"},
	}
	assert.Equal(t, []string{"adopt.replaceRoutes"}, fieldsOf(args.Validate()))
}

// legacyRestApis is what the mocks answer of a1b2c3d4e5 (REGIONAL, with two
// authorizers and a binary media type) and b1b2c3d4e5 (PRIVATE, nothing
// else).
var legacyRestApis = awsmock.RestApis(map[string]awsmock.ExistingRestApi{
	"a1b2c3d4e5": {Name: "legacy", EndpointTypes: []string{"REGIONAL"}, BinaryMediaTypes: []string{"image/png"},
		Authorizers: map[string][2]string{"au1": {"tokens", "TOKEN"}, "au2": {"pool", "COGNITO_USER_POOLS"}}},
	"b1b2c3d4e5": {Name: "private", EndpointTypes: []string{"PRIVATE"}},
})

// crossAccountAdopting registers a CrossAccountPrivateApi adopting adopt.
func crossAccountAdopting(adopt *AdoptApiArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		consumer, err := newTestProvider(ctx, "app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		_, err = NewCrossAccountPrivateApi(ctx, "xa", &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev", ProducerProvider: producer,
			Consumers: []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Provider: consumer, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}},
			Adopt:     adopt,
		})
		return err
	}
}

// TestAdoptingARegionalApiNeedsChangeEndpointType: the component reads the
// adopted API through the producer's provider before registering anything;
// a REGIONAL API is refused on adoptApi.changeEndpointType (naming the API
// and its type), an ID that names nothing on adoptApi.restApiId, and
// neither registers a resource in any account. With changeEndpointType, or
// for a PRIVATE API, the API is imported.
func TestAdoptingARegionalApiNeedsChangeEndpointType(t *testing.T) {
	for _, c := range []struct {
		adopt  AdoptApiArgs
		field  string
		saying string
	}{
		{AdoptApiArgs{RestApiId: "a1b2c3d4e5", ReplaceRoutes: true}, "adopt.changeEndpointType", "REST API a1b2c3d4e5 is REGIONAL: adopting it makes it PRIVATE"},
		{AdoptApiArgs{RestApiId: awsmock.MissingRestApi, ReplaceRoutes: true, ChangeEndpointType: true}, "adopt.restApiId", "no REST API of that ID exists"},
	} {
		mocks := awsmock.New("components-test", "test", legacyRestApis)
		err := mocks.Run(crossAccountAdopting(&c.adopt))
		require.Error(t, err, c.adopt.RestApiId)
		assert.Equal(t, []string{c.field}, fieldsOf(err))
		assert.Contains(t, err.Error(), c.saying)
		for _, r := range mocks.Resources() {
			assert.Truef(t, r.Type == awsmock.ProviderType || !r.Custom, "nothing but providers is registered before the refusal, got %s %s", r.Type, r.Name)
		}
		assert.Contains(t, mocks.InvokesIn(testProducerAccount), "aws:cloudcontrol/getResource:getResource", "read through the producer's provider")
	}
	for _, adopt := range []AdoptApiArgs{
		{RestApiId: "a1b2c3d4e5", ReplaceRoutes: true, ChangeEndpointType: true},
		{RestApiId: "b1b2c3d4e5", ReplaceRoutes: true},
	} {
		mocks := awsmock.New("components-test", "test", legacyRestApis)
		require.NoError(t, mocks.Run(crossAccountAdopting(&adopt)))
		assert.Equal(t, adopt.RestApiId, mustNamed(t, mocks, typeRestApi, "xa-api-api").ImportId)
	}
}

// TestAdoptionLossesNameWhatGoes: the warning names the authorizers read,
// the parts no data source lists (with the commands that list them), the
// endpoint type that becomes PRIVATE and the binary media types the
// provider puts back; what could not be read is said, not hidden.
func TestAdoptionLossesNameWhatGoes(t *testing.T) {
	w := adoptionLosses(&AdoptedApi{RestApiId: "a1b2c3d4e5", EndpointTypes: []string{"REGIONAL"}, BinaryMediaTypes: []string{"image/png"},
		Authorizers: []string{"pool (COGNITO_USER_POOLS)", "tokens (TOKEN)"}})
	for _, want := range []string{
		"adopting REST API a1b2c3d4e5 deletes what the component's OpenAPI body does not define",
		"its 2 authorizers pool (COGNITO_USER_POOLS), tokens (TOKEN)",
		"its models, request validators and gateway responses other than DEFAULT_4XX and DEFAULT_5XX",
		"aws apigateway get-models, get-request-validators and get-gateway-responses --rest-api-id a1b2c3d4e5",
		"Its endpoint type REGIONAL becomes PRIVATE",
		"Its binary media types image/png are removed by the overwrite and put back by the provider",
	} {
		assert.Contains(t, w, want)
	}
	unread := adoptionLosses(&AdoptedApi{RestApiId: "a1b2c3d4e5", Unread: map[string]string{
		adoptedPartApi: "AccessDenied: cloudformation:GetResource", adoptedPartAuthorizers: "AccessDenied: apigateway:GET"}})
	assert.Contains(t, unread, "its authorizers, which could not be read (AccessDenied: apigateway:GET)")
	assert.Contains(t, unread, "Its endpoint type could not be read (AccessDenied: cloudformation:GetResource)")
	private := adoptionLosses(&AdoptedApi{RestApiId: "b1b2c3d4e5", EndpointTypes: []string{"PRIVATE"}, Authorizers: []string{}})
	assert.Contains(t, private, "no authorizer (it has none)")
	assert.NotContains(t, private, "becomes PRIVATE")

	err := (&AdoptApiArgs{RestApiId: "a1b2c3d4e5", ReplaceRoutes: true}).CheckExisting(&AdoptedApi{RestApiId: "a1b2c3d4e5",
		Unread: map[string]string{adoptedPartApi: "AccessDenied"}})
	assert.Equal(t, []string{"changeEndpointType"}, fieldsOf(err), "a type that cannot be read needs the acknowledgement too")
}
