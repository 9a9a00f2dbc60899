package fakeaws

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Resource type tokens of the API Gateway resources the fake serves.
const (
	TypeRestApi       = "aws:apigateway/restApi:RestApi"
	TypeRestApiPolicy = "aws:apigateway/restApiPolicy:RestApiPolicy"
	TypeDeployment    = "aws:apigateway/deployment:Deployment"
	TypeStage         = "aws:apigateway/stage:Stage"
)

// awsError is an error as the AWS SDK reports it: service exception and message.
func awsError(op, code, format string, args ...any) error {
	return fmt.Errorf("%s: operation error %s, https response error StatusCode: 400, %s: %s", op, op, code, fmt.Sprintf(format, args...))
}

// parsedBody is what PutRestApi takes from an OpenAPI body.
type parsedBody struct {
	routes []Route
	// policy is the embedded resource policy, "" when none.
	policy string
	// responses are the gateway responses: type -> application/json template.
	responses map[string]string
	// securityPolicy and accessMode are x-amazon-apigateway-security-policy
	// and x-amazon-apigateway-endpoint-access-mode.
	securityPolicy, accessMode string
	// authorizers are the security schemes with an
	// x-amazon-apigateway-authorizer; models the schemas (components.schemas,
	// or Swagger's definitions); validators the
	// x-amazon-apigateway-request-validators; binaryMediaTypes the
	// x-amazon-apigateway-binary-media-types.
	authorizers      []Authorizer
	models           []string
	validators       []string
	binaryMediaTypes []string
}

// parseBody reads an OpenAPI body as PutRestApi/ImportRestApi do. A body
// that is not a JSON OpenAPI document is refused like AWS refuses it, and
// an enhanced security policy without an endpoint access mode too ("you
// must also set the endpoint access mode": "x-amazon-apigateway-security-
// policy"; AWS documents no wording, so only the exception's shape is
// imitated).
func parseBody(op, body string) (parsedBody, error) {
	var doc struct {
		OpenAPI          string                                `json:"openapi"`
		Swagger          string                                `json:"swagger"`
		Paths            map[string]map[string]json.RawMessage `json:"paths"`
		Policy           json.RawMessage                       `json:"x-amazon-apigateway-policy"`
		SecurityPolicy   string                                `json:"x-amazon-apigateway-security-policy"`
		AccessMode       string                                `json:"x-amazon-apigateway-endpoint-access-mode"`
		GatewayResponses map[string]struct {
			ResponseTemplates map[string]string `json:"responseTemplates"`
		} `json:"x-amazon-apigateway-gateway-responses"`
		Components struct {
			SecuritySchemes map[string]securityScheme  `json:"securitySchemes"`
			Schemas         map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
		SecurityDefinitions map[string]securityScheme  `json:"securityDefinitions"`
		Definitions         map[string]json.RawMessage `json:"definitions"`
		Validators          map[string]json.RawMessage `json:"x-amazon-apigateway-request-validators"`
		BinaryMediaTypes    []string                   `json:"x-amazon-apigateway-binary-media-types"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil || (doc.OpenAPI == "" && doc.Swagger == "") {
		return parsedBody{}, awsError(op, "BadRequestException", "Invalid OpenAPI input.")
	}
	var routes []Route
	for path, ops := range doc.Paths {
		if !strings.HasPrefix(path, "/") {
			return parsedBody{}, awsError(op, "BadRequestException", "Errors found during import: Invalid resource path %s", path)
		}
		for key, raw := range ops {
			var method string
			switch key {
			case "x-amazon-apigateway-any-method":
				method = "ANY"
			case "get", "put", "post", "delete", "options", "head", "patch":
				method = strings.ToUpper(key)
			default:
				continue // parameters, summary, other extensions
			}
			var o struct {
				Integration json.RawMessage       `json:"x-amazon-apigateway-integration"`
				Security    []map[string][]string `json:"security"`
			}
			var integration struct {
				Type           string `json:"type"`
				HttpMethod     string `json:"httpMethod"`
				Uri            string `json:"uri"`
				ConnectionType string `json:"connectionType"`
				ConnectionId   string `json:"connectionId"`
				Responses      map[string]struct {
					StatusCode        string            `json:"statusCode"`
					ResponseTemplates map[string]string `json:"responseTemplates"`
				} `json:"responses"`
			}
			if err := json.Unmarshal(raw, &o); err != nil || len(o.Integration) == 0 {
				// A method without an integration cannot be deployed.
				return parsedBody{}, awsError(op, "BadRequestException", "Errors found during import: No integration defined for method %s %s", method, path)
			}
			_ = json.Unmarshal(o.Integration, &integration) // checked for presence above
			mockStatus, mockBody := 0, ""
			if d, ok := integration.Responses["default"]; ok {
				mockStatus, _ = strconv.Atoi(d.StatusCode)
				mockBody = d.ResponseTemplates["application/json"]
			}
			auth := "NONE"
			for _, requirement := range o.Security {
				for name := range requirement {
					scheme, ok := doc.Components.SecuritySchemes[name]
					if !ok {
						return parsedBody{}, awsError(op, "BadRequestException", "Errors found during import: Undefined security scheme %s on %s %s", name, method, path)
					}
					if scheme.AuthType == "awsSigv4" {
						auth = "AWS_IAM"
					}
				}
			}
			if integration.ConnectionType == "VPC_LINK" && integration.ConnectionId == "" {
				return parsedBody{}, awsError(op, "BadRequestException", "Errors found during import: connectionId is required for connectionType VPC_LINK on %s %s", method, path)
			}
			routes = append(routes, Route{Method: method, Path: path, Authorization: auth, Integration: integration.Type, MockStatus: mockStatus, MockBody: mockBody,
				IntegrationMethod: integration.HttpMethod, IntegrationUri: integration.Uri, ConnectionId: integration.ConnectionId})
		}
	}
	sortRoutes(routes)
	policy := ""
	if len(doc.Policy) > 0 && string(doc.Policy) != "null" {
		policy = string(doc.Policy)
	}
	responses := map[string]string{}
	for typ, r := range doc.GatewayResponses {
		if t, ok := r.ResponseTemplates["application/json"]; ok {
			responses[typ] = t
		}
	}
	if strings.HasPrefix(doc.SecurityPolicy, "SecurityPolicy_") && doc.AccessMode == "" {
		return parsedBody{}, awsError(op, "BadRequestException", "Endpoint access mode is required for security policy %s", doc.SecurityPolicy)
	}
	parsed := parsedBody{routes: routes, policy: policy, responses: responses, securityPolicy: doc.SecurityPolicy, accessMode: doc.AccessMode,
		binaryMediaTypes: doc.BinaryMediaTypes}
	for _, schemes := range []map[string]securityScheme{doc.Components.SecuritySchemes, doc.SecurityDefinitions} {
		for name, s := range schemes {
			if s.Authorizer != nil {
				parsed.authorizers = append(parsed.authorizers, Authorizer{Id: newId(6), Name: name, Type: strings.ToUpper(s.Authorizer.Type)})
			}
		}
	}
	parsed.models = append(slices.Collect(maps.Keys(doc.Components.Schemas)), slices.Collect(maps.Keys(doc.Definitions))...)
	parsed.validators = slices.Collect(maps.Keys(doc.Validators))
	slices.SortFunc(parsed.authorizers, func(a, b Authorizer) int { return strings.Compare(a.Name, b.Name) })
	slices.Sort(parsed.models)
	slices.Sort(parsed.validators)
	return parsed, nil
}

// securityScheme is an OpenAPI security scheme with API Gateway's extensions.
type securityScheme struct {
	AuthType   string `json:"x-amazon-apigateway-authtype"`
	Authorizer *struct {
		Type string `json:"type"`
	} `json:"x-amazon-apigateway-authorizer"`
}

// API Gateway's default quotas for a REST API that the simulated accounts
// have ("Quotas for configuring and running a REST API in API Gateway").
const (
	// ResourcePolicyLengthQuota is the longest resource policy, in characters.
	ResourcePolicyLengthQuota = 8192
	// ResourcesPerApiQuota is the most resources (paths, with every parent
	// path and the root) one API may have.
	ResourcesPerApiQuota = 300
)

// checkResourcesPerApi refuses routes that need more resources than
// ResourcesPerApiQuota, as ImportRestApi/PutRestApi answer then: a
// LimitExceededException "Maximum number of Resources for this API has been
// reached" (boto/boto3#1296 quotes it).
func checkResourcesPerApi(op string, routes []Route) error {
	paths := map[string]bool{"/": true}
	for _, r := range routes {
		segs := strings.Split(strings.Trim(r.Path, "/"), "/")
		for i := range segs {
			if segs[i] != "" {
				paths["/"+strings.Join(segs[:i+1], "/")] = true
			}
		}
	}
	if len(paths) > ResourcesPerApiQuota {
		return awsError(op, "LimitExceededException", "Maximum number of Resources for this API has been reached.  Please contact AWS if you need additional Resources.")
	}
	return nil
}

func sortRoutes(routes []Route) {
	sort.Slice(routes, func(i, j int) bool {
		if routes[i].Path != routes[j].Path {
			return routes[i].Path < routes[j].Path
		}
		return routes[i].Method < routes[j].Method
	})
}

// createRestApi is CreateRestApi, then PutRestApi of the body when there is one.
func (p *Provider) createRestApi(c *Cloud, in props) (string, props, error) {
	api := &RestApi{Scope: p.scope, Id: newId(10), Name: in.str("name")}
	if err := p.applyRestApi(c, api, in, true); err != nil {
		return "", nil, err
	}
	if bmt := in.strs("binaryMediaTypes"); len(bmt) > 0 {
		// CreateRestApi sets them; the provider patches them back after the
		// body's PutRestApi (resourceRestAPIWithBodyUpdateOperations).
		api.BinaryMediaTypes = bmt
	}
	c.RestApis[api.Id] = api
	c.record(p.scope, "CreateRestApi", api.Id)
	return api.Id, p.restApiOutputs(api, in), nil
}

// updateRestApi is UpdateRestApi, and PutRestApi when the body changed.
// priorBinaryMediaTypes are the binary media types in the resource's state
// (binary_media_types is Optional and Computed: without them in the
// inputs, the provider plans the state's).
func (p *Provider) updateRestApi(c *Cloud, id string, olds, news props, priorBinaryMediaTypes []string) (props, error) {
	api, ok := c.RestApis[id]
	if !ok || api.Scope != p.scope {
		return nil, notFoundRestApi("UpdateRestApi", p.scope, id)
	}
	api.Name = news.str("name")
	put := news.str("body") != olds.str("body")
	if err := p.applyRestApi(c, api, news, put); err != nil {
		return nil, err
	}
	planned := priorBinaryMediaTypes
	if _, given := news["binaryMediaTypes"]; given {
		planned = news.strs("binaryMediaTypes")
	}
	if put && news.str("body") != "" && len(planned) > 0 {
		// After PutRestApi the provider patches back what the resource
		// plans that the overwrite removed (terraform-provider-aws
		// rest_api.go, resourceRestAPIWithBodyUpdateOperations:
		// binary_media_types, among others).
		api.BinaryMediaTypes = slices.Clone(planned)
		c.record(p.scope, "UpdateRestApi(binaryMediaTypes)", api.Id)
	}
	c.record(p.scope, "UpdateRestApi", api.Id)
	return p.restApiOutputs(api, news), nil
}

// applyRestApi sets the endpoint configuration and, when put is set, imports
// the body. PutRestApi in overwrite mode replaces the whole definition: every
// route not in the body is gone, and so is a resource policy that the body
// does not carry (API Gateway PutRestApi reference, mode=overwrite;
// pulumi/pulumi-aws#4296, hashicorp/terraform-provider-aws#49672), and every
// authorizer, model, request validator, gateway response and binary media
// type it does not define (PutRestApi API reference, mode: "merge" or
// "overwrite", the API's own default being merge; "Import a REST API into
// API Gateway", overwrite mode: the imported definition replaces the API's;
// CloudFormation's AWS::ApiGateway::RestApi Mode: "For overwrite, the new
// API definition replaces the existing one"; the provider, whose
// put_rest_api_mode defaults to overwrite: "Overwrite mode will delete
// existing literal properties if they are not explicitly set in the OpenAPI
// definition", rest_api.go). The endpoint configuration the resource sets
// makes a REGIONAL or EDGE API PRIVATE.
func (p *Provider) applyRestApi(c *Cloud, api *RestApi, in props, put bool) error {
	cfg := in.obj("endpointConfiguration")
	api.Types = cfg.strs("types")
	if len(api.Types) == 0 {
		api.Types = []string{"EDGE"}
	}
	api.VpcEndpointIds = cfg.strs("vpcEndpointIds")
	if slices.Contains(api.Types, "PRIVATE") {
		for _, id := range api.VpcEndpointIds {
			if !strings.HasPrefix(id, "vpce-") {
				return awsError("UpdateRestApi", "BadRequestException", "Invalid VPC endpoint id %s", id)
			}
		}
	} else if len(api.VpcEndpointIds) > 0 {
		// vpcEndpointIds is only valid on PRIVATE APIs.
		return awsError("UpdateRestApi", "BadRequestException", "VPC endpoint ids are only allowed for PRIVATE endpoint type")
	}
	if !put {
		return nil
	}
	body := in.str("body")
	if body == "" {
		return nil
	}
	mode := in.str("putRestApiMode")
	if mode == "" {
		mode = "overwrite" // the provider's default
	}
	parsed, err := parseBody("PutRestApi", body)
	if err != nil {
		return err
	}
	routes, policy, responses := parsed.routes, parsed.policy, parsed.responses
	// An integration through a VPC link needs that link in the API's account
	// and region. AWS's wording for an unknown link is not documented; the
	// exception's shape is imitated.
	for _, r := range routes {
		if l, ok := c.VpcLinks[r.ConnectionId]; r.ConnectionId != "" && (!ok || l.Scope != api.Scope) {
			return awsError("PutRestApi", "BadRequestException", "Invalid VPC link identifier specified: %s (%s %s)", r.ConnectionId, r.Method, r.Path)
		}
	}
	// The API's TLS set-up is the API's own, not a deployment's.
	if parsed.securityPolicy != "" {
		api.SecurityPolicy = parsed.securityPolicy
	}
	api.EndpointAccessMode = parsed.accessMode
	switch mode {
	case "overwrite":
		if err := checkResourcesPerApi("PutRestApi", routes); err != nil {
			return err
		}
		api.Routes = routes
		api.Policy = policy
		api.GatewayResponses = responses
		api.Authorizers, api.Models, api.RequestValidators = parsed.authorizers, parsed.models, parsed.validators
		api.BinaryMediaTypes = parsed.binaryMediaTypes
	case "merge":
		// merge keeps what the body does not mention, including the policy.
		merged := slices.Clone(api.Routes)
		for _, r := range routes {
			if !slices.Contains(merged, r) {
				merged = append(merged, r)
			}
		}
		if err := checkResourcesPerApi("PutRestApi", merged); err != nil {
			return err
		}
		api.Routes = merged
		sortRoutes(api.Routes)
		if policy != "" {
			api.Policy = policy
		}
		if api.GatewayResponses == nil {
			api.GatewayResponses = map[string]string{}
		}
		for typ, t := range responses {
			api.GatewayResponses[typ] = t
		}
		for _, a := range parsed.authorizers {
			if !slices.ContainsFunc(api.Authorizers, func(x Authorizer) bool { return x.Name == a.Name }) {
				api.Authorizers = append(api.Authorizers, a)
			}
		}
		api.Models = union(api.Models, parsed.models)
		api.RequestValidators = union(api.RequestValidators, parsed.validators)
		api.BinaryMediaTypes = union(api.BinaryMediaTypes, parsed.binaryMediaTypes)
	default:
		return awsError("PutRestApi", "BadRequestException", "Invalid mode %s", mode)
	}
	c.record(p.scope, "PutRestApi("+mode+")", api.Id)
	return nil
}

// union is a's and b's strings, sorted, once each.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

func (p *Provider) restApiOutputs(api *RestApi, in props) props {
	out := in.clone()
	out["binaryMediaTypes"] = toAny(api.BinaryMediaTypes)
	out["id"] = api.Id
	out["rootResourceId"] = "root" + api.Id[:4]
	out["executionArn"] = fmt.Sprintf("arn:aws:execute-api:%s:%s:%s", api.Region, api.Account, api.Id)
	out["arn"] = fmt.Sprintf("arn:aws:apigateway:%s::/restapis/%s", api.Region, api.Id)
	out["policy"] = api.Policy
	return out
}

func (p *Provider) deleteRestApi(c *Cloud, id string) error {
	if _, ok := c.RestApis[id]; !ok {
		return nil // already gone: deleting is idempotent, as the provider makes it
	}
	delete(c.RestApis, id)
	for k, d := range c.Deployments {
		if d.RestApiId == id {
			delete(c.Deployments, k)
		}
	}
	for k, s := range c.Stages {
		if s.RestApiId == id {
			delete(c.Stages, k)
		}
	}
	c.record(p.scope, "DeleteRestApi", id)
	return nil
}

func notFoundRestApi(op string, s Scope, id string) error {
	return fmt.Errorf("%s: NotFoundException: Invalid API identifier specified %s:%s", op, s.Account, id)
}

// putPolicy is UpdateRestApi with a replace of /policy.
func (p *Provider) putPolicy(c *Cloud, in props) (string, props, error) {
	id := in.str("restApiId")
	api, ok := c.RestApis[id]
	if !ok || api.Scope != p.scope {
		return "", nil, notFoundRestApi("UpdateRestApi", p.scope, id)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(in.str("policy")), &doc); err != nil {
		return "", nil, awsError("UpdateRestApi", "BadRequestException", "Invalid policy document. Please check the policy syntax and try again.")
	}
	if n := utf8.RuneCountInString(in.str("policy")); n > ResourcePolicyLengthQuota {
		// "Length, in characters, of API Gateway resource policy", 8,192 by
		// default (API Gateway quotas for REST APIs, Service Quotas
		// L-8B81B02C). AWS does not document the refusal's wording; this is
		// its shape: a 400 naming the limit.
		return "", nil, awsError("UpdateRestApi", "BadRequestException", "Policy length %d exceeds the maximum allowed length of %d characters", n, ResourcePolicyLengthQuota)
	}
	api.Policy = in.str("policy")
	c.record(p.scope, "UpdateRestApi(policy)", id)
	out := in.clone()
	out["id"] = id
	return id, out, nil
}

// deletePolicy is UpdateRestApi with a remove of /policy: the API is left
// without a resource policy.
func (p *Provider) deletePolicy(c *Cloud, id string) error {
	if api, ok := c.RestApis[id]; ok {
		api.Policy = ""
		c.record(p.scope, "UpdateRestApi(remove policy)", id)
	}
	return nil
}

// createDeployment is CreateDeployment: a snapshot of the API's routes and
// policy at this moment. A PRIVATE API without a resource policy cannot be
// deployed ("Private REST API doesn't have a resource policy attached to it",
// hashicorp/terraform-provider-aws#14290), nor can an API without methods.
func (p *Provider) createDeployment(c *Cloud, in props) (string, props, error) {
	apiId := in.str("restApi")
	api, ok := c.RestApis[apiId]
	if !ok || api.Scope != p.scope {
		return "", nil, notFoundRestApi("CreateDeployment", p.scope, apiId)
	}
	if slices.Contains(api.Types, "PRIVATE") && api.Policy == "" {
		return "", nil, awsError("CreateDeployment", "BadRequestException", "Private REST API doesn't have a resource policy attached to it")
	}
	if len(api.Routes) == 0 {
		return "", nil, awsError("CreateDeployment", "BadRequestException", "The REST API doesn't contain any methods")
	}
	d := &Deployment{Scope: p.scope, Id: newId(6), RestApiId: apiId, Routes: slices.Clone(api.Routes), Policy: api.Policy,
		GatewayResponses: maps.Clone(api.GatewayResponses)}
	c.Deployments[d.Id] = d
	c.record(p.scope, "CreateDeployment", apiId+"/"+d.Id)
	out := in.clone()
	out["id"] = d.Id
	out["createdDate"] = "2026-01-01T00:00:00Z"
	out["executionArn"] = fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/", api.Region, api.Account, apiId)
	out["invokeUrl"] = fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/", apiId, api.Region)
	return d.Id, out, nil
}

// deleteDeployment is DeleteDeployment: refused while a stage points at it
// ("Active stages pointing to this deployment must be moved or deleted").
func (p *Provider) deleteDeployment(c *Cloud, id string) error {
	d, ok := c.Deployments[id]
	if !ok {
		return nil
	}
	for _, s := range c.Stages {
		if s.RestApiId == d.RestApiId && s.DeploymentId == id {
			return awsError("DeleteDeployment", "BadRequestException", "Active stages pointing to this deployment must be moved or deleted")
		}
	}
	delete(c.Deployments, id)
	c.record(p.scope, "DeleteDeployment", d.RestApiId+"/"+id)
	return nil
}

// putStage is CreateStage or UpdateStage: the deployment must exist in the API.
func (p *Provider) putStage(c *Cloud, in props, create bool) (string, props, error) {
	apiId, name, depId := in.str("restApi"), in.str("stageName"), in.str("deployment")
	op := "UpdateStage"
	if create {
		op = "CreateStage"
	}
	if api, ok := c.RestApis[apiId]; !ok || api.Scope != p.scope {
		return "", nil, notFoundRestApi(op, p.scope, apiId)
	}
	if d, ok := c.Deployments[depId]; !ok || d.RestApiId != apiId {
		return "", nil, awsError(op, "NotFoundException", "Invalid Deployment identifier specified")
	}
	if err := p.checkAccessLogs(c, op, in); err != nil {
		return "", nil, err
	}
	key := stageKey(apiId, name)
	if _, exists := c.Stages[key]; exists && create {
		return "", nil, awsError(op, "ConflictException", "Stage already exists")
	}
	st := &Stage{Scope: p.scope, RestApiId: apiId, Name: name, DeploymentId: depId}
	if old, exists := c.Stages[key]; exists {
		st.PreviousDeploymentId = old.PreviousDeploymentId
		if old.DeploymentId != depId {
			st.PreviousDeploymentId = old.DeploymentId
			c.changed("stage:" + key)
		}
	} else {
		c.changed("stage:" + key)
	}
	c.Stages[key] = st
	c.record(p.scope, op, key+" -> "+depId)
	id := "ags-" + apiId + "-" + name
	out := in.clone()
	out["id"] = id
	out["invokeUrl"] = fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/%s", apiId, p.scope.Region, name)
	out["executionArn"] = fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s", p.scope.Region, p.scope.Account, apiId, name)
	out["arn"] = fmt.Sprintf("arn:aws:apigateway:%s::/restapis/%s/stages/%s", p.scope.Region, apiId, name)
	return id, out, nil
}

func (p *Provider) deleteStage(c *Cloud, olds props) error {
	key := stageKey(olds.str("restApi"), olds.str("stageName"))
	if _, ok := c.Stages[key]; ok {
		delete(c.Stages, key)
		c.record(p.scope, "DeleteStage", key)
	}
	return nil
}

// readRestApiParts answers the data sources that read an existing REST API
// by ID. Cloud Control's GetResource runs AWS::ApiGateway::RestApi's read
// handler (GetRestApi) and answers its properties as JSON; an identifier
// that names nothing is the provider's NotFoundError ("reading Cloud Control
// API (<type>) Resource (<id>): couldn't find resource", cloudcontrol
// resource_data_source.go and find.go). getAuthorizers is GetAuthorizers
// (the IDs), getAuthorizer GetAuthorizer (name and type).
func (p *Provider) readRestApiParts(c *Cloud, tok string, args props) (props, error) {
	switch tok {
	case InvokeCloudControlResource:
		typ, id := args.str("typeName"), args.str("identifier")
		if typ == CloudControlAccountType {
			return p.readAccountSetting(c, id)
		}
		if typ != "AWS::ApiGateway::RestApi" {
			return nil, fmt.Errorf("fakeaws: Cloud Control type %s is not simulated", typ)
		}
		api, ok := c.RestApis[id]
		if !ok || api.Scope != p.scope {
			return nil, fmt.Errorf("reading Cloud Control API (%s) Resource (%s): couldn't find resource", typ, id)
		}
		b, err := json.Marshal(map[string]any{"RestApiId": api.Id, "Name": api.Name, "RootResourceId": "root" + api.Id[:4],
			"EndpointConfiguration": map[string]any{"Types": api.Types, "VpcEndpointIds": api.VpcEndpointIds},
			"BinaryMediaTypes":      api.BinaryMediaTypes})
		if err != nil {
			return nil, err
		}
		return props{"id": id, "identifier": id, "typeName": typ, "properties": string(b)}, nil
	case InvokeGetAuthorizers:
		id := args.str("restApiId")
		api, ok := c.RestApis[id]
		if !ok || api.Scope != p.scope {
			return nil, notFoundRestApi("GetAuthorizers", p.scope, id)
		}
		ids := []any{}
		for _, a := range api.Authorizers {
			ids = append(ids, a.Id)
		}
		return props{"id": id + ":authorizer", "restApiId": id, "ids": ids}, nil
	default: // InvokeGetAuthorizer
		id, authorizer := args.str("restApiId"), args.str("authorizerId")
		if api, ok := c.RestApis[id]; ok && api.Scope == p.scope {
			for _, a := range api.Authorizers {
				if a.Id == authorizer {
					return props{"id": a.Id, "restApiId": id, "authorizerId": a.Id, "name": a.Name, "type": a.Type}, nil
				}
			}
		}
		return nil, fmt.Errorf("reading API Gateway Authorizer (%s): %w", authorizer,
			awsError("GetAuthorizer", "NotFoundException", "Invalid Authorizer identifier specified"))
	}
}

// CloudControlAccountType is Cloud Control's type of API Gateway's account
// settings.
const CloudControlAccountType = "AWS::ApiGateway::Account"

// readAccountSetting is Cloud Control's GetResource of
// AWS::ApiGateway::Account: its read handler calls GetAccount, which takes
// no identifier and answers the caller's account and region (API Gateway
// API reference, GetAccount), so the setting comes back whatever the
// identifier; CloudWatchRoleArn is absent when none is set (the property is
// optional in the type's schema, aws-apigateway-account.json). The setting
// is what aws:apigateway/account:Account writes (putAccount).
//
// In an account that never used API Gateway in the region (ApiGatewayUnused)
// GetAccount answers NotFoundException, which Cloud Control passes on as
// ResourceNotFoundException and the provider as its NotFoundError
// ("couldn't find resource", terraform-provider-aws
// internal/service/cloudcontrol/find.go).
func (p *Provider) readAccountSetting(c *Cloud, id string) (props, error) {
	if c.ApiGatewayUnused[p.scope.Account+"/"+p.scope.Region] {
		return nil, fmt.Errorf("reading Cloud Control API (%s) Resource (%s): couldn't find resource", CloudControlAccountType, id)
	}
	model := map[string]any{"Id": id}
	if role := c.AccountRoles[p.scope.Account+"/"+p.scope.Region]; role != "" {
		model["CloudWatchRoleArn"] = role
	}
	b, err := json.Marshal(model)
	if err != nil {
		return nil, err
	}
	return props{"id": id, "identifier": id, "typeName": CloudControlAccountType, "properties": string(b)}, nil
}
