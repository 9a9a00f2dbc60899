package fakeaws

import (
	"context"
	"encoding/json"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// legacyApi is a REGIONAL REST API another tool made: a route, an
// authorizer, a model, a request validator, a customized gateway response
// and a binary media type, none of which a component's body defines.
func legacyApi(id string) RestApi {
	return RestApi{
		Scope: Scope{Account: "111111111111", Region: region}, Id: id, Name: "legacy", Types: []string{"REGIONAL"},
		Routes:      []Route{{Method: "GET", Path: "/legacy", Authorization: "NONE", Integration: "mock", MockStatus: 200}},
		Authorizers: []Authorizer{{Id: "au1234", Name: "tokens", Type: "TOKEN"}}, Models: []string{"Order"},
		RequestValidators: []string{"body-only"}, GatewayResponses: map[string]string{"UNAUTHORIZED": `{"m":"no"}`},
		BinaryMediaTypes: []string{"image/png"},
	}
}

func invoke(t *testing.T, p *Provider, tok string, args map[string]any) (map[string]any, error) {
	t.Helper()
	r, err := p.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: tok, Args: st(t, args)})
	if err != nil {
		return nil, err
	}
	return r.GetReturn().AsMap(), nil
}

// TestAdoptionReadsTheApi: Cloud Control's GetResource of
// AWS::ApiGateway::RestApi answers the API's endpoint types and binary media
// types as JSON properties, and for an ID that names nothing the provider's
// "couldn't find resource"; getAuthorizers lists the authorizers' IDs and
// getAuthorizer reads each one's name and type.
func TestAdoptionReadsTheApi(t *testing.T) {
	store := newStore(t)
	require.NoError(t, store.SeedRestApis(legacyApi("a1b2c3d4e5")))
	p := provider(t, store, "111111111111")

	out, err := invoke(t, p, InvokeCloudControlResource, map[string]any{"typeName": "AWS::ApiGateway::RestApi", "identifier": "a1b2c3d4e5"})
	require.NoError(t, err)
	var got struct {
		EndpointConfiguration struct{ Types []string }
		BinaryMediaTypes      []string
	}
	require.NoError(t, json.Unmarshal([]byte(out["properties"].(string)), &got))
	assert.Equal(t, []string{"REGIONAL"}, got.EndpointConfiguration.Types)
	assert.Equal(t, []string{"image/png"}, got.BinaryMediaTypes)

	_, err = invoke(t, p, InvokeCloudControlResource, map[string]any{"typeName": "AWS::ApiGateway::RestApi", "identifier": "zzzzzzzzzz"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "reading Cloud Control API (AWS::ApiGateway::RestApi) Resource (zzzzzzzzzz): couldn't find resource")

	out, err = invoke(t, p, InvokeGetAuthorizers, map[string]any{"restApiId": "a1b2c3d4e5"})
	require.NoError(t, err)
	assert.Equal(t, []any{"au1234"}, out["ids"])
	out, err = invoke(t, p, InvokeGetAuthorizer, map[string]any{"restApiId": "a1b2c3d4e5", "authorizerId": "au1234"})
	require.NoError(t, err)
	assert.Equal(t, "tokens", out["name"])
	assert.Equal(t, "TOKEN", out["type"])
}

// TestOverwriteKeepsOnlyWhatTheBodyDefines: PutRestApi in overwrite mode
// deletes the routes, authorizers, models, request validators, gateway
// responses and binary media types the body does not define, and the
// resource's endpoint configuration makes the REGIONAL API PRIVATE; the
// provider then patches back the binary media types the resource's state
// holds (resourceRestAPIWithBodyUpdateOperations). Merge mode keeps them.
func TestOverwriteKeepsOnlyWhatTheBodyDefines(t *testing.T) {
	store := newStore(t)
	require.NoError(t, store.SeedRestApis(legacyApi("a1b2c3d4e5"), legacyApi("b1b2c3d4e5")))
	p := provider(t, store, "111111111111")
	imported := map[string]any{"name": "legacy", "endpointConfiguration": map[string]any{"types": []any{"REGIONAL"}}}

	_, err := update(p, t, TypeRestApi, "a1b2c3d4e5", imported, privateApi("/a"))
	require.NoError(t, err)
	merge := privateApi("/a")
	merge["putRestApiMode"] = "merge"
	_, err = update(p, t, TypeRestApi, "b1b2c3d4e5", imported, merge)
	require.NoError(t, err)
	require.NoError(t, store.View(func(c *Cloud) error {
		api := c.RestApis["a1b2c3d4e5"]
		assert.Equal(t, []string{"PRIVATE"}, api.Types, "the endpoint configuration makes it PRIVATE")
		assert.Len(t, api.Routes, 1, "GET /legacy is gone")
		assert.Empty(t, api.Authorizers, "the authorizer is gone")
		assert.Empty(t, api.Models, "the model is gone")
		assert.Empty(t, api.RequestValidators, "the request validator is gone")
		assert.Empty(t, api.GatewayResponses, "the customized gateway response is gone")
		assert.Empty(t, api.BinaryMediaTypes, "without them in the state, the binary media types are gone")

		kept := c.RestApis["b1b2c3d4e5"]
		assert.Len(t, kept.Routes, 2, "merge keeps GET /legacy")
		assert.Equal(t, []Authorizer{{Id: "au1234", Name: "tokens", Type: "TOKEN"}}, kept.Authorizers)
		assert.Equal(t, []string{"Order"}, kept.Models)
		return nil
	}))

	// The state of an import holds what the provider read: its binary
	// media types come back after the overwrite.
	require.NoError(t, store.SeedRestApis(legacyApi("c1b2c3d4e5")))
	r, err := p.Update(context.Background(), &pulumirpc.UpdateRequest{Type: TypeRestApi, Id: "c1b2c3d4e5",
		Olds: st(t, map[string]any{"name": "legacy", "binaryMediaTypes": []any{"image/png"}}), OldInputs: st(t, imported), News: st(t, privateApi("/a"))})
	require.NoError(t, err)
	assert.Equal(t, []any{"image/png"}, r.GetProperties().AsMap()["binaryMediaTypes"])
	require.NoError(t, store.View(func(c *Cloud) error {
		api := c.RestApis["c1b2c3d4e5"]
		assert.Equal(t, []string{"image/png"}, api.BinaryMediaTypes)
		assert.Empty(t, api.Authorizers)
		return nil
	}))
}
