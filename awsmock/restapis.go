package awsmock

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// ExistingRestApi is a REST API that exists before the program runs, as the
// data sources an adoption reads answer about it (Cloud Control's
// AWS::ApiGateway::RestApi, getAuthorizers, getAuthorizer).
type ExistingRestApi struct {
	Name string
	// EndpointTypes are REGIONAL, EDGE or PRIVATE.
	EndpointTypes    []string
	BinaryMediaTypes []string
	// Authorizers maps each authorizer's ID to its name and type.
	Authorizers map[string][2]string
}

// RestApis gives the REST APIs that exist, by ID. An ID the mocks are not
// given is answered as a PRIVATE API with neither authorizers nor binary
// media types: an offline plan cannot read the real one (pulumi preview
// does), and MissingRestApi names one that does not exist.
func RestApis(apis map[string]ExistingRestApi) Option {
	return func(m *Mocks) {
		for id, api := range apis {
			m.restApis[id] = api
		}
	}
}

// MissingRestApi is an ID the mocks answer as Cloud Control answers one that
// names nothing.
const MissingRestApi = "m1ss1ngap1"

// restApi is the REST API of id as the mocks know it.
func (m *Mocks) restApi(id string) (ExistingRestApi, bool) {
	if id == MissingRestApi {
		return ExistingRestApi{}, false
	}
	if api, ok := m.restApis[id]; ok {
		return api, true
	}
	return ExistingRestApi{Name: "adopted", EndpointTypes: []string{"PRIVATE"}}, true
}

// callRestApi answers the data sources that read a REST API; ok is false
// for any other token.
func (m *Mocks) callRestApi(token string, args resource.PropertyMap) (out resource.PropertyMap, ok bool, err error) {
	switch token {
	case "aws:cloudcontrol/getResource:getResource":
		id, typ := str(args, "identifier"), str(args, "typeName")
		api, exists := m.restApi(id)
		if typ != "AWS::ApiGateway::RestApi" {
			return nil, true, fmt.Errorf("awsmock: Cloud Control type %s is not simulated", typ)
		}
		if !exists {
			return nil, true, fmt.Errorf("reading Cloud Control API (%s) Resource (%s): couldn't find resource", typ, id)
		}
		props, err := json.Marshal(map[string]any{"RestApiId": id, "Name": api.Name,
			"EndpointConfiguration": map[string]any{"Types": api.EndpointTypes}, "BinaryMediaTypes": api.BinaryMediaTypes})
		if err != nil {
			return nil, true, err
		}
		return resource.PropertyMap{"id": resource.NewProperty(id), "identifier": resource.NewProperty(id),
			"typeName": resource.NewProperty(typ), "properties": resource.NewProperty(string(props))}, true, nil
	case "aws:apigateway/getAuthorizers:getAuthorizers":
		id := str(args, "restApiId")
		api, _ := m.restApi(id)
		ids := []resource.PropertyValue{}
		for _, a := range sortedKeys(keysOf(api.Authorizers)) {
			ids = append(ids, resource.NewProperty(a))
		}
		return resource.PropertyMap{"id": resource.NewProperty(id), "restApiId": resource.NewProperty(id), "ids": resource.NewProperty(ids)}, true, nil
	case "aws:apigateway/getAuthorizer:getAuthorizer":
		api, _ := m.restApi(str(args, "restApiId"))
		a, found := api.Authorizers[str(args, "authorizerId")]
		if !found {
			return nil, true, fmt.Errorf("reading API Gateway Authorizer (%s): couldn't find resource", str(args, "authorizerId"))
		}
		return resource.PropertyMap{"id": resource.NewProperty(str(args, "authorizerId")), "name": resource.NewProperty(a[0]), "type": resource.NewProperty(a[1])}, true, nil
	}
	return nil, false, nil
}

// keysOf is the set of a map's keys.
func keysOf[V any](m map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}
