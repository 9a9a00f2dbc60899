package components

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// AdoptApiArgs adopts a REST API that exists already instead of creating
// one: the RestApi is registered with the import option, so the first
// `pulumi up` reads it into the stack and then updates it as any other
// (the engine's import-then-update, pulumi/pulumi#19335).
//
// The update puts the component's OpenAPI body in overwrite mode, so the
// API's routes become exactly the component's: every method the API has
// and the config does not list is deleted, and so are its authorizers,
// models, request validators and gateway responses other than the
// component's (PutRestApi, mode overwrite). AWS cannot say beforehand which
// routes those are (a REST API's definition is not readable, only a stage's
// export: hashicorp/terraform-provider-aws#41375), so the component refuses
// to adopt unless ReplaceRoutes says the caller accepts it; before
// registering anything it reads the API (readAdoptedApi) and warns with its
// authorizers, and refuses to make a REGIONAL or EDGE API PRIVATE unless
// ChangeEndpointType says so.
type AdoptApiArgs struct {
	// RestApiId is the ID of the API to adopt, in the producer account and
	// the component's region. Required.
	RestApiId string `pulumi:"restApiId"`
	// ReplaceRoutes accepts that the API's definition becomes exactly the
	// component's: its routes, and none of its authorizers, models, request
	// validators or other gateway responses. Required to be true.
	ReplaceRoutes bool `pulumi:"replaceRoutes"`
	// ChangeEndpointType accepts that a REGIONAL or EDGE API becomes
	// PRIVATE, cutting off every caller outside the consumers' VPC
	// endpoints. Required to be true for such an API (and for one whose
	// endpoint type cannot be read). Optional, default false.
	ChangeEndpointType bool `pulumi:"changeEndpointType,optional"`
}

var restApiIdPattern = regexp.MustCompile(`^[a-z0-9]{10}$`)

// validRestApiId reports whether id looks like an API Gateway REST API ID.
func validRestApiId(id string) bool { return restApiIdPattern.MatchString(id) }

// Validate checks the adoption against the routes the API will have (nil or
// empty: DefaultRoutes), as FieldErrors (restApiId, replaceRoutes).
func (a *AdoptApiArgs) Validate(routes []Route) error {
	var f fieldErrs
	if !validRestApiId(a.RestApiId) {
		f.bad("restApiId", a.RestApiId, vocab.ExpectRestApiId)
	}
	if !a.ReplaceRoutes {
		f.add("replaceRoutes", "is false; adopting REST API %s replaces its whole definition: afterwards it has exactly %s, "+
			"and every other method it has is deleted, with its authorizers, models, request validators and gateway responses other than %s "+
			"(PutRestApi in overwrite mode). Set replaceRoutes to true to accept that (first add any route to keep to the API's routes); "+
			"pulumi preview then reads the API and names its authorizers before anything changes, and refuses a REGIONAL or EDGE API without changeEndpointType",
			a.RestApiId, routeList(routes), strings.Join(gatewayResponseTypes, " and "))
	}
	return f.err()
}

// AdoptionNotice is what a preview and the offline plan print while an API
// is adopted: its ID and the routes it will have.
func AdoptionNotice(restApiId string, routes []Route) string {
	return fmt.Sprintf("adopting REST API %s: the first update replaces all of its routes; it will have exactly %s", restApiId, routeList(routes))
}

// routeList names routes as "the 2 routes GET /, POST /orders" (sorted;
// nil or empty: DefaultRoutes).
func routeList(routes []Route) string {
	if len(routes) == 0 {
		routes = DefaultRoutes()
	}
	names := make([]string, len(routes))
	for i, r := range routes {
		names[i] = r.Method + " " + r.Path
	}
	slices.Sort(names)
	if len(names) == 1 {
		return "the route " + names[0]
	}
	return fmt.Sprintf("the %d routes %s", len(names), strings.Join(names, ", "))
}
