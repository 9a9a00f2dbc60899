package engine

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// adoptedApiId is the REST API another tool created before the stack.
const adoptedApiId = "a1b2c3d4e5"

// legacyAuthorizer is the seeded API's authorizer, which the stack's body
// does not define.
var legacyAuthorizer = fakeaws.Authorizer{Id: "au1234", Name: "tokens", Type: "TOKEN"}

// TestAdoptExistingApi: a REGIONAL REST API with a route, an authorizer, a
// model, a request validator, a customized gateway response and a binary
// media type the stack file does not list exists in the producer account.
// Naming it in api.adopt without replaceRoutes is refused before anything
// is created, by preview and by up; an ID that names nothing is refused on
// restApiId; with replaceRoutes but without changeEndpointType the REGIONAL
// API is refused on changeEndpointType, again before anything is created.
// With both the preview imports it and its warning names the routes it
// will have, its authorizer, what no data source lists and the endpoint
// type it loses; up keeps the API's ID while its definition becomes
// exactly the stack's: the route, authorizer, model, validator and gateway
// response are gone, it is PRIVATE, and the provider put its binary media
// type back.
func TestAdoptExistingApi(t *testing.T) {
	t.Parallel()
	legacy := fakeaws.Route{Method: "GET", Path: "/legacy", Authorization: "NONE", Integration: "mock", MockStatus: 200}
	s := newEngineStack(t, "dev", withSeed(func(store *fakeaws.Store) error {
		return store.SeedRestApis(fakeaws.RestApi{
			Scope: fakeaws.Scope{Account: "111111111111", Region: "eu-west-1"},
			Id:    adoptedApiId, Name: "orders-api", Types: []string{"REGIONAL"},
			Routes:      []fakeaws.Route{{Method: "ANY", Path: "/", Authorization: "NONE", Integration: "mock", MockStatus: 200}, legacy},
			Authorizers: []fakeaws.Authorizer{legacyAuthorizer}, Models: []string{"Order"}, RequestValidators: []string{"body-only"},
			GatewayResponses: map[string]string{"UNAUTHORIZED": `{"message":"sign in"}`}, BinaryMediaTypes: []string{"image/png"},
		})
	}))
	seededOnly := func(t *testing.T) {
		t.Helper()
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.Len(t, c.RestApis, 1, "no API but the seeded one")
			assert.Empty(t, c.Endpoints, "no endpoint created")
			assert.Empty(t, c.Vpcs, "no VPC created")
			api := c.RestApis[adoptedApiId]
			assert.Contains(t, api.Routes, legacy, "the seeded API keeps its routes")
			assert.Equal(t, []string{"REGIONAL"}, api.Types, "and its endpoint type")
			assert.Equal(t, []fakeaws.Authorizer{legacyAuthorizer}, api.Authorizers, "and its authorizer")
		})
	}
	api := devApi()

	s.step(t, "refused without replaceRoutes", func(t *testing.T) {
		api["adopt"] = map[string]any{"restApiId": adoptedApiId}
		s.editConfig("api", api)
		for op, r := range map[string]result{"preview": s.preview(), "up": s.up()} {
			require.Errorf(t, r.err, "%s must refuse an adoption that does not accept the route replacement", op)
			all := r.out + r.errOut
			assert.Containsf(t, all, "xaccount-api:api.adopt.replaceRoutes", "%s names the key", op)
			assert.Containsf(t, all, "the route ANY /", "%s names the routes the API would have", op)
			assert.Containsf(t, all, "with its authorizers, models, request validators and gateway responses other than DEFAULT_4XX and DEFAULT_5XX", "%s says what else goes", op)
		}
		seededOnly(t)
	})

	s.step(t, "a missing API is refused", func(t *testing.T) {
		api["adopt"] = map[string]any{"restApiId": "zzzzzzzzzz", "replaceRoutes": true, "changeEndpointType": true}
		s.editConfig("api", api)
		r := s.preview()
		require.Error(t, r.err, "an API that does not exist cannot be adopted")
		assert.Contains(t, r.out+r.errOut, `xaccount-api:api.adopt.restApiId: got "zzzzzzzzzz"; no REST API of that ID exists`)
		seededOnly(t)
	})

	s.step(t, "a REGIONAL API is refused without changeEndpointType", func(t *testing.T) {
		api["adopt"] = map[string]any{"restApiId": adoptedApiId, "replaceRoutes": true}
		s.editConfig("api", api)
		for op, r := range map[string]result{"preview": s.preview(), "up": s.up()} {
			require.Errorf(t, r.err, "%s must refuse making a REGIONAL API PRIVATE unacknowledged", op)
			assert.Containsf(t, r.out+r.errOut, "xaccount-api:api.adopt.changeEndpointType: is false; REST API "+adoptedApiId+" is REGIONAL: adopting it makes it PRIVATE",
				"%s names the key, the API and its type", op)
		}
		seededOnly(t)
	})

	s.step(t, "acknowledged: preview imports and lists what goes", func(t *testing.T) {
		api["adopt"] = map[string]any{"restApiId": adoptedApiId, "replaceRoutes": true, "changeEndpointType": true}
		s.editConfig("api", api)
		r := s.preview()
		require.NoErrorf(t, r.err, "preview failed:\n%s\n%s", r.out, r.errOut)
		all := r.out + r.errOut
		assert.Contains(t, all, components.AdoptionNotice(adoptedApiId, nil), "the preview says what the API will have")
		for _, want := range []string{
			"its 1 authorizer tokens (TOKEN)",
			"its models, request validators and gateway responses other than DEFAULT_4XX and DEFAULT_5XX",
			"get-models, get-request-validators and get-gateway-responses --rest-api-id " + adoptedApiId,
			"Its endpoint type REGIONAL becomes PRIVATE",
			"Its binary media types image/png are removed by the overwrite and put back",
		} {
			assert.Contains(t, all, want, "the preview's warning, read from the API")
		}
		ops := r.opsOf(fakeaws.TypeRestApi)
		assert.Contains(t, ops, "import", "the RestApi is imported, not created: %v", ops)
		assert.NotContains(t, ops, "create")
		seededOnly(t)
	})

	s.step(t, "up adopts it and replaces its definition", func(t *testing.T) {
		s.mustUp()
		st := s.apiState() // fails unless there is exactly one API
		assert.Equal(t, adoptedApiId, st.api.Id, "the adopted API keeps its ID")
		assert.Equal(t, []string{"PRIVATE"}, st.api.Types, "and becomes PRIVATE")
		var routes []string
		for _, r := range st.api.Routes {
			routes = append(routes, r.Method+" "+r.Path)
		}
		assert.Equal(t, []string{"ANY /"}, routes, "its routes are exactly the configured ones: GET /legacy is deleted")
		assert.Empty(t, st.api.Authorizers, "the authorizer the warning named is deleted")
		assert.Empty(t, st.api.Models, "so is the model")
		assert.Empty(t, st.api.RequestValidators, "and the request validator")
		assert.NotContains(t, st.api.GatewayResponses, "UNAUTHORIZED", "and the customized gateway response")
		assert.Contains(t, st.api.GatewayResponses, "DEFAULT_4XX", "the stack's own gateway responses are set")
		assert.Equal(t, []string{"image/png"}, st.api.BinaryMediaTypes, "the provider put the binary media type back")
		assert.True(t, st.serves("ANY", "/"), "the stage serves the configured route")
		assert.False(t, st.serves("GET", "/legacy"), "and not the replaced one")
		assert.NotEmpty(t, st.api.Policy, "the resource policy is attached")
		assert.Equal(t, adoptedApiId, s.outputs()["restApiId"].Value)
		requireProbeGreen(t, s, "app", 4)
	})

	s.step(t, "nothing changes afterwards, with or without api.adopt", func(t *testing.T) {
		requireNoChanges(t, s)
		delete(api, "adopt")
		s.editConfig("api", api)
		requireNoChanges(t, s)
		r := s.preview()
		assert.False(t, strings.Contains(r.out, "adopting REST API"), "no adoption notice once api.adopt is gone")
	})
}

// TestAdoptOnAStackWithItsOwnApi: api.adopt set on a stack that created its
// own API previews as an import-replacement of the RestApi (docs/adopting.md says
// so): the adopted API comes in and the stack's own API is replaced.
func TestAdoptOnAStackWithItsOwnApi(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev", withSeed(func(store *fakeaws.Store) error {
		return store.SeedRestApis(fakeaws.RestApi{
			Scope: fakeaws.Scope{Account: "111111111111", Region: "eu-west-1"},
			Id:    adoptedApiId, Name: "orders-api", Types: []string{"REGIONAL"},
			Routes: []fakeaws.Route{{Method: "GET", Path: "/legacy", Authorization: "NONE", Integration: "mock", MockStatus: 200}},
		})
	}))
	s.mustUp()
	api := devApi()
	api["adopt"] = map[string]any{"restApiId": adoptedApiId, "replaceRoutes": true, "changeEndpointType": true}
	s.editConfig("api", api)
	r := s.preview()
	require.NoErrorf(t, r.err, "preview failed:\n%s\n%s", r.out, r.errOut)
	ops := r.opsOf(fakeaws.TypeRestApi)
	assert.Contains(t, ops, "import-replacement", "the preview shows the stack's API replaced by the adopted one: %v", ops)
}
