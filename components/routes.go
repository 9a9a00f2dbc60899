package components

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// Route is one method on one path of a PrivateRestApi.
type Route struct {
	// Path is "/" or "/seg/seg" where a segment is a literal, {param} or, last only, {param+}. Required.
	Path string `pulumi:"path"`
	// Method is one of HTTPMethods. Required.
	Method string `pulumi:"method"`
	// Integration says what answers the route. Required.
	Integration RouteIntegration `pulumi:"integration"`
}

// RouteIntegration is the backend of a Route. Type selects which other fields apply.
type RouteIntegration struct {
	// Type is IntegrationMock, IntegrationHTTPProxy, IntegrationVpcLink or IntegrationLambda. Required.
	Type string `pulumi:"type"`
	// StatusCode is the status a mock integration answers with. Optional (mock only), default 200.
	StatusCode int `pulumi:"statusCode,optional"`
	// Body is the JSON body a mock integration answers with. Optional (mock only), default DefaultMockBody.
	Body pulumi.StringInput `pulumi:"body,optional"`
	// Uri is the https URL an http_proxy integration forwards to, or the
	// http(s) URL of the backend a vpc_link integration reaches through the
	// link (its host is the Host the NLB's targets see, and for https the name
	// their certificate must carry). Required for http_proxy and vpc_link.
	Uri pulumi.StringInput `pulumi:"uri,optional"`
	// VpcLinkId is the ID of an existing REST API VPC link in the producer
	// account and region (aws apigateway get-vpc-links) whose NLB fronts the
	// backend. Exactly one of VpcLinkId and NlbArn for vpc_link.
	VpcLinkId pulumi.StringInput `pulumi:"vpcLinkId,optional"`
	// NlbArn is the Network Load Balancer (producer account and region) in
	// front of the backend: the API gets a VPC link to it, one per load
	// balancer, shared by the routes that name it. A known value. Exactly
	// one of VpcLinkId and NlbArn for vpc_link.
	NlbArn pulumi.StringInput `pulumi:"nlbArn,optional"`
	// FunctionArn is the Lambda function (producer account, same region) a lambda integration invokes. Required for lambda.
	FunctionArn pulumi.StringInput `pulumi:"functionArn,optional"`
}

// DefaultMockBody is the body of a mock integration that sets none.
const DefaultMockBody = `{"message":"hello from the private API"}`

// DefaultMockStatusCode is the status of a mock integration that sets none.
const DefaultMockStatusCode = 200

// DefaultRoutes is what an API gets when it is given no routes: ANY / answered
// by a MOCK integration with 200 and DefaultMockBody.
func DefaultRoutes() []Route {
	return []Route{{Path: "/", Method: "ANY", Integration: RouteIntegration{Type: IntegrationMock}}}
}

var (
	literalSegment = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)
	paramSegment   = regexp.MustCompile(`^\{[A-Za-z_][A-Za-z0-9_]*\}$`)
	greedySegment  = regexp.MustCompile(`^\{[A-Za-z_][A-Za-z0-9_]*\+\}$`)
	vpcLinkId      = regexp.MustCompile(`^[a-z0-9]{6,12}$`)
	lambdaArn      = regexp.MustCompile(`^arn:(aws[a-z-]*):lambda:([a-z]{2}(?:-[a-z]+)+-\d):` + vocab.AccountDigits + `:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9_$-]{1,128})?$`)
)

// validateRoutePath reports why path is not a valid resource path, or nil.
func validateRoutePath(path string) error {
	if path == "/" {
		return nil
	}
	if !strings.HasPrefix(path, "/") || strings.HasSuffix(path, "/") {
		return fmt.Errorf(`expected "/" or "/seg/seg" with no trailing slash`)
	}
	segs := pathSegments(path)
	for i, seg := range segs {
		switch {
		case literalSegment.MatchString(seg), paramSegment.MatchString(seg):
		case greedySegment.MatchString(seg):
			if i != len(segs)-1 {
				return fmt.Errorf("greedy segment %s must be the last one", seg)
			}
		default:
			return fmt.Errorf("segment %q: expected letters, digits, ._~-, {param} or a final {param+}", seg)
		}
	}
	return nil
}

// validateMethod reports why method is not one of HTTPMethods, or nil.
func validateMethod(method string) error {
	if slices.Contains(HTTPMethods, method) {
		return nil
	}
	return fmt.Errorf("expected one of %s", strings.Join(HTTPMethods, ", "))
}

// parseLambdaArn returns partition, region and account of an unqualified or
// qualified Lambda function ARN.
func parseLambdaArn(arn string) (partition, region, account string, err error) {
	m := lambdaArn.FindStringSubmatch(arn)
	if m == nil {
		return "", "", "", fmt.Errorf("expected arn:aws:lambda:<region>:<12-digit account>:function:<name>[:<qualifier>]")
	}
	return m[1], m[2], m[3], nil
}

// lambdaInvocationUri is the API Gateway integration URI that invokes functionArn.
func lambdaInvocationUri(functionArn string) (string, error) {
	partition, region, _, err := parseLambdaArn(functionArn)
	if err != nil {
		return "", fmt.Errorf("function ARN %q: %w", functionArn, err)
	}
	return fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", partition, region, functionArn), nil
}

// pathSegments splits a resource path into its segments; "/" has none.
func pathSegments(path string) []string {
	trimmed := strings.Trim(path, "/")
	if trimmed == "" {
		return nil
	}
	return strings.Split(trimmed, "/")
}

// pathParams are the names of the {param} and {param+} segments of path.
func pathParams(path string) []string {
	var names []string
	for _, seg := range pathSegments(path) {
		if strings.HasPrefix(seg, "{") {
			names = append(names, strings.TrimSuffix(strings.Trim(seg, "{}"), "+"))
		}
	}
	return names
}

// sourceArnSuffix is the "/<stage>/<method>/<path>" part of an execute-api ARN
// matching this route on every stage; path parameters become wildcards.
func sourceArnSuffix(method, path string) string {
	verb := method
	if method == "ANY" {
		verb = "*"
	}
	segs := pathSegments(path)
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") {
			segs[i] = "*"
		}
	}
	return "/*/" + verb + "/" + strings.Join(segs, "/")
}

// ValidateRoutes checks a route list as PrivateRestApi needs it: valid paths
// and methods, no duplicate method on a path, a known integration type with its
// required fields, no two different parameter names at the same level, and a
// well-formed Lambda ARN where it is given as a plain value. It reports every
// problem, as FieldErrors under "routes".
func ValidateRoutes(routes []Route) error {
	var f fieldErrs
	if len(routes) == 0 {
		f.add("routes", "got an empty list; expected at least one route {path, method, integration}")
	}
	seen := map[string]int{}
	params := map[string]string{}
	for i, r := range routes {
		field := fmt.Sprintf("routes[%d]", i)
		pathOK, methodOK := false, false
		if err := validateRoutePath(r.Path); err != nil {
			f.add(field+".path", "got %s; %v", describeValue(r.Path), err)
		} else if err := checkParamSiblings(params, r.Path); err != nil {
			f.add(field+".path", "got %s; %v", describeValue(r.Path), err)
		} else {
			pathOK = true
		}
		if err := validateMethod(r.Method); err != nil {
			f.add(field+".method", "got %s; %v", describeValue(r.Method), err)
		} else {
			methodOK = true
		}
		if pathOK && methodOK {
			key := r.Method + " " + r.Path
			if first, dup := seen[key]; dup {
				f.add(field, "duplicate route %s, already defined by routes[%d]; expected each method and path once", key, first)
			} else {
				seen[key] = i
			}
		}
		validateIntegration(&f, field+".integration", r.Integration)
	}
	return f.err()
}

// validateIntegration checks one route's integration.
func validateIntegration(f *fieldErrs, field string, in RouteIntegration) {
	switch in.Type {
	case IntegrationMock:
		if in.StatusCode != 0 && (in.StatusCode < 100 || in.StatusCode > 599) {
			f.bad(field+".statusCode", in.StatusCode, "a status code from 100 to 599")
		}
	case IntegrationHTTPProxy:
		if in.Uri == nil {
			f.add(field+".uri", "missing; expected an https:// URL (required for type %s)", IntegrationHTTPProxy)
		}
	case IntegrationVpcLink:
		if in.Uri == nil {
			f.add(field+".uri", "missing; expected the backend's http:// or https:// URL (required for type %s)", IntegrationVpcLink)
		}
		switch {
		case in.VpcLinkId == nil && in.NlbArn == nil:
			f.add(field+".vpcLinkId", "missing; expected %s, or nlbArn to create one (one of them is required for type %s)", vocab.ExpectVpcLinkId, IntegrationVpcLink)
		case in.VpcLinkId != nil && in.NlbArn != nil:
			f.add(field+".nlbArn", "set with vpcLinkId; give an existing link's vpcLinkId or the nlbArn to create one, not both")
		case in.NlbArn != nil:
			if arn, ok := plainString(in.NlbArn); !ok {
				f.add(field+".nlbArn", "not a known value; expected %s as a plain value (the stack creates one VPC link per load balancer)", vocab.ExpectNlbArn)
			} else if _, _, err := parseNlbArn(arn); err != nil {
				f.add(field+".nlbArn", "got %s; %v", describeValue(arn), err)
			}
		default:
			if id, ok := plainString(in.VpcLinkId); ok && !vpcLinkId.MatchString(id) {
				f.bad(field+".vpcLinkId", id, vocab.ExpectVpcLinkId)
			}
		}
	case IntegrationLambda:
		if in.FunctionArn == nil {
			f.add(field+".functionArn", "missing; expected a Lambda function ARN (required for type %s)", IntegrationLambda)
		} else if arn, ok := plainString(in.FunctionArn); ok {
			if _, _, _, err := parseLambdaArn(arn); err != nil {
				f.add(field+".functionArn", "got %s; %v", describeValue(arn), err)
			}
		}
	default:
		f.bad(field+".type", in.Type, vocab.ExpectIntegrationType)
	}
}

// checkParamSiblings records the parameter segments of path in params (parent
// path -> segment) and reports a second, different parameter segment under the
// same parent, which API Gateway refuses.
func checkParamSiblings(params map[string]string, path string) error {
	parent := ""
	for _, seg := range pathSegments(path) {
		if strings.HasPrefix(seg, "{") {
			if other, ok := params[parent]; ok && other != seg {
				return fmt.Errorf("segment %s conflicts with %s under %q: one parameter per level", seg, other, parent+"/")
			}
			params[parent] = seg
		}
		parent += "/" + seg
	}
	return nil
}

// RouteDefinition is a Route with every input resolved, as it goes into the OpenAPI body.
type RouteDefinition struct {
	Path        string `json:"path"`
	Method      string `json:"method"`
	Type        string `json:"type"`
	StatusCode  int    `json:"statusCode,omitempty"`
	Body        string `json:"body,omitempty"`
	Uri         string `json:"uri,omitempty"`
	FunctionArn string `json:"functionArn,omitempty"`
	VpcLinkId   string `json:"vpcLinkId,omitempty"`
}

// routeDefinitionOutput resolves a route's inputs into a RouteDefinition.
func routeDefinitionOutput(r Route) pulumi.AnyOutput {
	in := r.Integration
	return pulumi.All(optionalString(in.Body), optionalString(in.Uri), optionalString(in.FunctionArn), optionalString(in.VpcLinkId)).ApplyT(func(v []any) RouteDefinition {
		d := RouteDefinition{Path: r.Path, Method: r.Method, Type: in.Type}
		switch in.Type {
		case IntegrationMock:
			d.StatusCode = mockStatus(in)
			d.Body = v[0].(string)
			if d.Body == "" {
				d.Body = DefaultMockBody
			}
		case IntegrationHTTPProxy:
			d.Uri = v[1].(string)
		case IntegrationVpcLink:
			d.Uri, d.VpcLinkId = v[1].(string), v[3].(string)
		case IntegrationLambda:
			d.FunctionArn = v[2].(string)
		}
		return d
	}).(pulumi.AnyOutput)
}

// optionalString turns a nil input into an empty string output.
func optionalString(in pulumi.StringInput) pulumi.StringOutput {
	if in == nil {
		return pulumi.String("").ToStringOutput()
	}
	return in.ToStringOutput()
}

// mockStatus is the status code of a mock integration, defaulted.
func mockStatus(in RouteIntegration) int {
	if in.StatusCode == 0 {
		return DefaultMockStatusCode
	}
	return in.StatusCode
}
