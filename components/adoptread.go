package components

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// What an adoption reads of the existing API before anything is
// registered, through the producer's provider. PutRestApi in overwrite mode
// (the provider's default put_rest_api_mode, which the component sets)
// replaces the API's whole definition with the body: "overwrite" deletes
// what the body does not define (PutRestApi API reference, mode; "Import a
// REST API into API Gateway"). The body defines the routes, the resource
// policy and the DEFAULT_4XX and DEFAULT_5XX gateway responses, nothing
// else, so the API's authorizers, models, request validators and other
// customized gateway responses go, and the endpoint configuration the
// component sets makes a REGIONAL or EDGE API PRIVATE.
//
// pulumi-aws 6.83.4 reads a REST API by ID only through Cloud Control
// (aws:cloudcontrol/getResource, AWS::ApiGateway::RestApi, whose read
// handler needs apigateway:GET) and lists its authorizers
// (aws:apigateway/getAuthorizers, getAuthorizer); it has no data source
// that lists models, request validators or gateway responses.
const (
	invokeCloudControlResource = "aws:cloudcontrol/getResource:getResource"
	invokeGetAuthorizers       = "aws:apigateway/getAuthorizers:getAuthorizers"
	invokeGetAuthorizer        = "aws:apigateway/getAuthorizer:getAuthorizer"
	// cloudControlRestApiType is the Cloud Control type name of a REST API.
	cloudControlRestApiType = "AWS::ApiGateway::RestApi"
	// cloudControlNotFound is what the provider's Cloud Control data source
	// says of an identifier that names nothing (a NotFoundError without a
	// message: "couldn't find resource").
	cloudControlNotFound = "couldn't find resource"
)

// AdoptedApi is what an adoption read of the existing REST API.
type AdoptedApi struct {
	// RestApiId is the API read.
	RestApiId string
	// Missing says the API does not exist in the provider's account and region.
	Missing bool
	// Name is the API's name; EndpointTypes its endpoint types (REGIONAL,
	// EDGE or PRIVATE), nil when they could not be read; BinaryMediaTypes
	// its binary media types.
	Name             string
	EndpointTypes    []string
	BinaryMediaTypes []string
	// Authorizers are its authorizers as "name (TYPE)", sorted; nil when
	// they could not be read.
	Authorizers []string
	// Unread says, per part that could not be read, why: the error of the
	// read (a denied action, a region without Cloud Control).
	Unread map[string]string
}

// Parts of an API an adoption reads (AdoptedApi.Unread's keys).
const (
	adoptedPartApi         = "endpoint type and binary media types"
	adoptedPartAuthorizers = "authorizers"
)

// readAdoptedApi reads restApiId through the invoke options' provider
// (pulumi.Provider or pulumi.Parent): the API itself, then its authorizers.
// A read that fails is noted in Unread, not returned: the caller decides
// what an unread part means.
func readAdoptedApi(ctx *pulumi.Context, restApiId string, opts ...pulumi.InvokeOption) *AdoptedApi {
	opts = append([]pulumi.InvokeOption{pulumi.Version(awsPluginVersion)}, opts...)
	api := &AdoptedApi{RestApiId: restApiId, Unread: map[string]string{}}
	var res struct {
		Properties string `pulumi:"properties"`
	}
	err := ctx.Invoke(invokeCloudControlResource, map[string]any{"typeName": cloudControlRestApiType, "identifier": restApiId}, &res, opts...)
	switch {
	case err != nil && strings.Contains(err.Error(), cloudControlNotFound):
		api.Missing = true
		return api
	case err != nil:
		api.Unread[adoptedPartApi] = err.Error()
	default:
		var props struct {
			Name                  string `json:"Name"`
			EndpointConfiguration struct {
				Types []string `json:"Types"`
			} `json:"EndpointConfiguration"`
			BinaryMediaTypes []string `json:"BinaryMediaTypes"`
		}
		if err := json.Unmarshal([]byte(res.Properties), &props); err != nil {
			api.Unread[adoptedPartApi] = "reading Cloud Control's properties: " + err.Error()
			break
		}
		api.Name, api.EndpointTypes, api.BinaryMediaTypes = props.Name, props.EndpointConfiguration.Types, props.BinaryMediaTypes
		if api.EndpointTypes == nil {
			api.EndpointTypes = []string{}
		}
	}
	var ids struct {
		Ids []string `pulumi:"ids"`
	}
	if err := ctx.Invoke(invokeGetAuthorizers, map[string]any{"restApiId": restApiId}, &ids, opts...); err != nil {
		api.Unread[adoptedPartAuthorizers] = err.Error()
		return api
	}
	api.Authorizers = []string{}
	for _, id := range ids.Ids {
		var a struct {
			Name string `pulumi:"name"`
			Type string `pulumi:"type"`
		}
		if err := ctx.Invoke(invokeGetAuthorizer, map[string]any{"restApiId": restApiId, "authorizerId": id}, &a, opts...); err != nil {
			api.Authorizers = append(api.Authorizers, id+" (not read: "+err.Error()+")")
			continue
		}
		api.Authorizers = append(api.Authorizers, fmt.Sprintf("%s (%s)", a.Name, a.Type))
	}
	slices.Sort(api.Authorizers)
	return api
}

// private says whether the API read is PRIVATE.
func (api *AdoptedApi) private() bool { return slices.Contains(api.EndpointTypes, "PRIVATE") }

// CheckExisting checks the adoption against what was read of the API, as
// FieldErrors (restApiId, changeEndpointType): the API must exist, and
// making a REGIONAL or EDGE API PRIVATE (or one whose type could not be
// read) needs ChangeEndpointType.
func (a *AdoptApiArgs) CheckExisting(api *AdoptedApi) error {
	var f fieldErrs
	switch {
	case api.Missing:
		f.add("restApiId", "got %q; no REST API of that ID exists in the producer account and the stack's region "+
			"(Cloud Control GetResource: %s): expected the ID of an existing API (aws apigateway get-rest-apis lists them)", a.RestApiId, cloudControlNotFound)
	case a.ChangeEndpointType:
	case api.EndpointTypes == nil:
		f.add("changeEndpointType", "is false and the endpoint type of REST API %s could not be read (%s); adopting a REGIONAL or EDGE API makes it PRIVATE, "+
			"which cuts off every caller that does not come through the consumers' VPC endpoints. Let the preview read it "+
			"(cloudformation:GetResource and apigateway:GET, which go run ./cmd/plan --iam prints), or set changeEndpointType to true to adopt it whatever its type",
			a.RestApiId, api.Unread[adoptedPartApi])
	case !api.private():
		f.add("changeEndpointType", "is false; REST API %s is %s: adopting it makes it PRIVATE, and every caller that reaches it today other than through "+
			"the consumers' VPC endpoints (its public execute-api URL) is cut off. Set changeEndpointType to true to accept that",
			a.RestApiId, strings.Join(api.EndpointTypes, ", "))
	}
	return f.err()
}

// adoptionLosses is what a preview and an up print, besides AdoptionNotice,
// while an API is adopted: what the overwrite deletes or changes, as read
// from the API, and what could not be read.
func adoptionLosses(api *AdoptedApi) string {
	var parts []string
	switch {
	case api.Authorizers == nil:
		parts = append(parts, fmt.Sprintf("its authorizers, which could not be read (%s)", api.Unread[adoptedPartAuthorizers]))
	case len(api.Authorizers) == 0:
		parts = append(parts, "no authorizer (it has none)")
	default:
		parts = append(parts, fmt.Sprintf("its %s %s", plural(len(api.Authorizers), "authorizer"), strings.Join(api.Authorizers, ", ")))
	}
	parts = append(parts, "its models, request validators and gateway responses other than "+strings.Join(gatewayResponseTypes, " and ")+
		" (no data source of the provider lists them: aws apigateway get-models, get-request-validators and get-gateway-responses --rest-api-id "+api.RestApiId+" do)")
	msg := fmt.Sprintf("adopting REST API %s deletes what the component's OpenAPI body does not define: %s", api.RestApiId, strings.Join(parts, "; "))
	switch {
	case api.EndpointTypes == nil:
		msg += fmt.Sprintf(". Its endpoint type could not be read (%s): a REGIONAL or EDGE API becomes PRIVATE, cutting off every caller outside the consumers' VPC endpoints", api.Unread[adoptedPartApi])
	case !api.private():
		msg += fmt.Sprintf(". Its endpoint type %s becomes PRIVATE (changeEndpointType): every caller outside the consumers' VPC endpoints is cut off", strings.Join(api.EndpointTypes, ", "))
	}
	if len(api.BinaryMediaTypes) > 0 {
		msg += fmt.Sprintf(". Its binary media types %s are removed by the overwrite and put back by the provider from what it read at import", strings.Join(api.BinaryMediaTypes, ", "))
	}
	return msg
}

// plural is "1 authorizer" or "n authorizers".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
