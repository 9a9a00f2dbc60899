package fakeaws

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Version is the pulumi-resource-aws version the fake stands in for.
const Version = "6.83.4"

// Provider is one simulated AWS provider process: one account and region,
// set by Configure, over the shared Store.
type Provider struct {
	pulumirpc.UnimplementedResourceProviderServer

	store   *Store
	scope   Scope
	session session
	// tagged: the provider has default tags, so every resource it creates
	// is tagged on create (and IAM checks the tagging action).
	tagged bool
	// defaultTags are the provider's default tags, which AWS counts with a
	// resource's own against its tag quota.
	defaultTags map[string]any
}

// New is a provider over store; it acts once Configure has run.
func New(store *Store) *Provider { return &Provider{store: store} }

// GetPluginInfo reports the version the fake stands in for.
func (p *Provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

// GetSchema returns a minimal package schema: the fake serves no SDK
// generation. It declares the provider settings a Pulumi YAML program gives
// an explicit aws provider (YAML checks a resource's properties against the
// schema), with the types of pulumi-aws's schema.
func (p *Provider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: `{"name":"aws","version":"` + Version + `","provider":{"inputProperties":{` +
		`"region":{"type":"string"},"profile":{"type":"string"},"allowedAccountIds":{"type":"array","items":{"type":"string"}}}}}`}, nil
}

// CheckConfig accepts the provider configuration as given.
func (p *Provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// providerKeys are the provider settings whose change the engine must see.
var providerKeys = []string{"region", "allowedAccountIds", "assumeRole", "assumeRoleWithWebIdentity", "profile", "defaultTags", "ignoreTags"}

// DiffConfig reports a change of any setting the fake reads.
func (p *Provider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, news := props(req.GetOlds().AsMap()), props(req.GetNews().AsMap())
	var diffs []string
	for _, k := range providerKeys {
		if !reflect.DeepEqual(olds[k], news[k]) {
			diffs = append(diffs, k)
		}
	}
	changes := pulumirpc.DiffResponse_DIFF_NONE
	if len(diffs) > 0 {
		changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return &pulumirpc.DiffResponse{Changes: changes, Diffs: diffs}, nil
}

var roleAccount = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):role/`)

// Configure pins the provider to the account its credentials reach and to
// its region. The account comes from the assumed role's ARN, or from the
// profile through FAKEAWS_PROFILES; a provider with neither fails as the real
// one does without credentials. allowedAccountIds is enforced as the real
// provider enforces it ("AWS account ID not allowed").
func (p *Provider) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	args := props{}
	if req.GetArgs() != nil {
		args = plain(req.GetArgs().AsMap()).(map[string]any)
	} else {
		// Engines before structured args pass provider config as variables.
		for k, v := range req.GetVariables() { //nolint:staticcheck // the fallback for those engines
			args[strings.TrimPrefix(k, "aws:config:")] = v
		}
	}
	region := args.str("region")
	if region == "" || region == unknown {
		return nil, fmt.Errorf("fakeaws: missing region: the provider must be given one (no ambient configuration here)")
	}
	role := args.obj("assumeRole")
	fromJSON(args["assumeRole"], &role)
	var sess session
	caller := os.Getenv(EnvCaller)
	if caller == "" {
		caller = "arn:aws:iam::000000000000:user/ambient"
	}
	externalId := ""
	web := args.obj("assumeRoleWithWebIdentity")
	fromJSON(args["assumeRoleWithWebIdentity"], &web)
	webToken := ""
	switch {
	case web.str("roleArn") != "":
		token, err := webIdentityToken(web)
		if err != nil {
			return nil, fmt.Errorf("configuring the AWS provider: %w", err)
		}
		sess, webToken = session{Role: web.str("roleArn"), SessionName: web.str("sessionName")}, token
	case role.str("roleArn") != "":
		sess = session{Role: role.str("roleArn"), SessionName: role.str("sessionName")}
		externalId = role.str("externalId")
	case args.str("profile") != "":
		prof, err := sharedConfigProfile(args.str("profile"))
		if err != nil {
			return nil, err
		}
		sess = session{Role: prof["role_arn"], SessionName: prof["role_session_name"]}
		externalId = prof["external_id"]
	default:
		return nil, fmt.Errorf("fakeaws: No valid credential sources found: give the provider an assumeRole or a profile")
	}
	m := roleAccount.FindStringSubmatch(sess.Role)
	if m == nil {
		return nil, fmt.Errorf("fakeaws: assume role: ValidationError: %q is not a valid role ARN", sess.Role)
	}
	account := m[1]
	if sess.SessionName == "" {
		sess.SessionName = "pulumi"
	}
	if err := p.store.View(func(c *Cloud) error {
		if webToken != "" {
			return assumeRoleWithWebIdentity(c, sess.Role, webToken)
		}
		return assumeRole(c, caller, sess.Role, externalId)
	}); err != nil {
		return nil, fmt.Errorf("configuring the AWS provider: assume role %s: %w", sess.Role, err)
	}
	allowed := args.strs("allowedAccountIds")
	fromJSON(args["allowedAccountIds"], &allowed)
	if len(allowed) > 0 && !slices.Contains(allowed, account) {
		return nil, fmt.Errorf("AWS account ID not allowed: %s", account)
	}
	p.scope = Scope{Account: account, Region: region}
	p.session = sess
	p.defaultTags = args.obj("defaultTags").obj("tags")
	p.tagged = len(p.defaultTags) > 0
	return &pulumirpc.ConfigureResponse{SupportsPreview: true, AcceptResources: true}, nil
}

// fromJSON decodes a nested provider setting that older engines pass as a
// JSON string ("{...}" or "[...]") into dst; any other value leaves dst as
// it is.
func fromJSON(v any, dst any) {
	if s, ok := v.(string); ok && (strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")) {
		_ = json.Unmarshal([]byte(s), dst)
	}
}

// required are the arguments the real provider requires per type.
var required = map[string][]string{
	TypeRestApiPolicy:               {"restApiId", "policy"},
	TypeDeployment:                  {"restApi"},
	TypeStage:                       {"restApi", "stageName", "deployment"},
	TypeSubnet:                      {"vpcId"},
	TypeVpcEndpoint:                 {"vpcId", "serviceName"},
	TypeVpcEndpointPolicy:           {"vpcEndpointId"},
	TypePermission:                  {"action", "function", "principal"},
	TypeFunction:                    {"role"},
	TypeInvocation:                  {"functionName", "input"},
	TypeVpcLink:                     {"targetArn"},
	TypeLogMetricFilter:             {"logGroupName", "metricTransformation", "name", "pattern"},
	TypeMetricAlarm:                 {"comparisonOperator", "evaluationPeriods", "name"},
	TypeDashboard:                   {"dashboardBody", "dashboardName"},
	TypeDomainName:                  {"domainName"},
	TypeBasePathMapping:             {"domainName", "restApi"},
	TypeDomainAssociation:           {"accessAssociationSource", "accessAssociationSourceType", "domainNameArn"},
	TypeResourceShare:               {"name"},
	TypeResourceAssociation:         {"resourceArn", "resourceShareArn"},
	TypePrincipalAssociation:        {"principal", "resourceShareArn"},
	TypeShareAccepter:               {"shareArn"},
	TypeZone:                        {"name"},
	TypeVpcAssociationAuthorization: {"zoneId", "vpcId"},
	TypeZoneAssociation:             {"zoneId", "vpcId"},
	TypeRecord:                      {"name", "type", "zoneId"},
	TypeHealthCheck:                 {"type"},
}

// Check reports missing required arguments ("Missing required argument").
func (p *Provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	typ := resourceType(req.GetType(), req.GetUrn())
	if _, ok := forceNew[typ]; !ok {
		return nil, fmt.Errorf("fakeaws: resource type %s is not simulated", typ)
	}
	news, err := autoName(typ, req.GetUrn(), props(req.GetOlds().AsMap()), props(req.GetNews().AsMap()), req.GetRandomSeed())
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	for _, k := range required[typ] {
		if _, ok := news[k]; !ok {
			failures = append(failures, &pulumirpc.CheckFailure{Property: k, Reason: "Missing required argument: The argument \"" + k + "\" is required, but no definition was found."})
		}
	}
	switch typ {
	case TypeHealthCheck:
		failures = append(failures, checkHealthCheck(news)...)
	case TypeRecord:
		failures = append(failures, checkRecord(news)...)
	}
	inputs, err := structOf(news)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: inputs, Failures: failures}, nil
}

// Diff compares the old inputs with the new ones; a change of a ForceNew
// property replaces the resource.
func (p *Provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	typ := resourceType(req.GetType(), req.GetUrn())
	olds := props(req.GetOlds().AsMap())
	if oi := req.GetOldInputs(); oi != nil && len(oi.GetFields()) > 0 {
		olds = oi.AsMap()
	}
	news := props(req.GetNews().AsMap())
	keys := map[string]bool{}
	for k := range news {
		keys[k] = true
	}
	for k := range olds {
		if _, computedOnly := computed[typ][k]; !computedOnly {
			keys[k] = true
		}
	}
	var diffs, replaces []string
	for k := range keys {
		if strings.HasPrefix(k, "__") || slices.Contains(req.GetIgnoreChanges(), k) {
			continue
		}
		if news[k] == unknown || !reflect.DeepEqual(olds[k], news[k]) {
			diffs = append(diffs, k)
			if slices.Contains(forceNew[typ], k) {
				replaces = append(replaces, k)
			}
		}
	}
	sort.Strings(diffs)
	sort.Strings(replaces)
	changes := pulumirpc.DiffResponse_DIFF_NONE
	if len(diffs) > 0 {
		changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return &pulumirpc.DiffResponse{Changes: changes, Diffs: diffs, Replaces: replaces}, nil
}

// computed are the outputs each type computes, unknown during a preview.
var computed = map[string]map[string]bool{
	// binaryMediaTypes is Optional and Computed: left out of the inputs, the
	// state's value is no change.
	TypeRestApi:                     {"id": true, "rootResourceId": true, "executionArn": true, "arn": true, "policy": true, "binaryMediaTypes": true},
	TypeRestApiPolicy:               {"id": true},
	TypeDeployment:                  {"id": true, "createdDate": true, "executionArn": true, "invokeUrl": true},
	TypeStage:                       {"id": true, "invokeUrl": true, "executionArn": true, "arn": true},
	TypeVpc:                         {"id": true, "arn": true, "ownerId": true, "defaultSecurityGroupId": true, "mainRouteTableId": true},
	TypeSubnet:                      {"id": true, "arn": true, "ownerId": true},
	TypeSecurityGroup:               {"id": true, "arn": true, "ownerId": true, "name": true},
	TypeVpcEndpoint:                 {"id": true, "dnsEntries": true, "networkInterfaceIds": true, "state": true, "ownerId": true, "arn": true},
	TypePermission:                  {"id": true},
	TypeVpcEndpointPolicy:           {"id": true},
	TypeLogGroup:                    {"id": true, "arn": true},
	TypeMethodSettings:              {"id": true},
	TypeVpcLink:                     {"id": true, "arn": true},
	TypeLogMetricFilter:             {"id": true},
	TypeMetricAlarm:                 {"id": true, "arn": true},
	TypeDashboard:                   {"id": true, "dashboardArn": true},
	TypeDomainName:                  {"id": true, "arn": true, "domainNameId": true},
	TypeBasePathMapping:             {"id": true},
	TypeDomainAssociation:           {"id": true, "arn": true},
	TypeResourceShare:               {"id": true, "arn": true},
	TypeResourceAssociation:         {"id": true},
	TypePrincipalAssociation:        {"id": true},
	TypeShareAccepter:               {"id": true, "invitationArn": true, "senderAccountId": true, "receiverAccountId": true, "resources": true},
	TypeZone:                        {"id": true, "zoneId": true, "arn": true, "nameServers": true},
	TypeVpcAssociationAuthorization: {"id": true, "vpcRegion": true},
	TypeZoneAssociation:             {"id": true, "vpcRegion": true, "owningAccount": true},
	TypeRecord:                      {"id": true, "fqdn": true},
	TypeHealthCheck:                 {"id": true, "arn": true},
	TypeApiGatewayAccount:           {"id": true},
	TypeRole:                        {"id": true, "arn": true, "uniqueId": true, "name": true},
	TypeFunction:                    {"id": true, "arn": true, "name": true, "qualifiedArn": true, "invokeArn": true, "version": true},
	TypeInvocation:                  {"id": true, "result": true},
	TypeProfile:                     {"id": true, "arn": true, "ownerId": true, "status": true, "shareStatus": true, "statusMessage": true},
	TypeProfileResourceAssociation:  {"id": true, "ownerId": true, "resourceType": true, "status": true, "statusMessage": true},
	TypeProfileAssociation:          {"id": true, "arn": true, "ownerId": true, "status": true, "statusMessage": true},
}

// previewOutputs are the inputs with every computed output unknown.
func previewOutputs(typ string, in props) props {
	out := in.clone()
	for k := range computed[typ] {
		if _, given := out[k]; !given && k != "id" {
			out[k] = unknown
		}
	}
	return out
}

// Create creates the resource in the simulated cloud (or, during a preview,
// answers with its computed outputs unknown).
func (p *Provider) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	typ := resourceType(req.GetType(), req.GetUrn())
	in := props(req.GetProperties().AsMap())
	if req.GetPreview() {
		return createResponse("", p.withTagsAll(typ, previewOutputs(typ, in)))
	}
	if err := checkNameLength(typ, in); err != nil {
		return nil, err
	}
	var id string
	var out props
	err := p.store.Update(func(c *Cloud) error {
		var err error
		switch typ {
		case TypeRestApi:
			id, out, err = p.createRestApi(c, in)
		case TypeRestApiPolicy:
			id, out, err = p.putPolicy(c, in)
		case TypeDeployment:
			id, out, err = p.createDeployment(c, in)
		case TypeStage:
			id, out, err = p.putStage(c, in, true)
		case TypeVpc:
			id, out, err = p.createVpc(c, in)
		case TypeSubnet:
			id, out, err = p.createSubnet(c, in)
		case TypeSecurityGroup:
			id, out, err = p.createSecurityGroup(c, in)
		case TypeVpcEndpoint:
			id, out, err = p.putEndpoint(c, "", in)
		case TypeVpcEndpointPolicy:
			id, out, err = p.putEndpointPolicy(c, in)
		case TypePermission:
			id, out, err = p.addPermission(c, in)
		case TypeLogGroup:
			id, out, err = p.createLogGroup(c, in)
		case TypeMethodSettings:
			id, out, err = p.putMethodSettings(c, in)
		case TypeApiGatewayAccount:
			id, out, err = p.putAccount(c, in)
		case TypeRole:
			id, out, err = p.createRole(c, in)
		case TypeFunction:
			id, out, err = p.putFunction(c, "", in)
		case TypeInvocation:
			id, out, err = p.invoke(c, in)
		case TypeVpcLink:
			id, out, err = p.createVpcLink(c, in)
		case TypeLogMetricFilter:
			id, out, err = p.putMetricFilter(c, in)
		case TypeMetricAlarm:
			id, out, err = p.putMetricAlarm(c, in)
		case TypeDashboard:
			id, out, err = p.putDashboard(c, in)
		case TypeDomainName:
			id, out, err = p.createDomainName(c, in)
		case TypeBasePathMapping:
			id, out, err = p.putBasePathMapping(c, in)
		case TypeDomainAssociation:
			id, out, err = p.createDomainAssociation(c, in)
		case TypeResourceShare:
			id, out, err = p.createShare(c, in)
		case TypeResourceAssociation:
			id, out, err = p.associateResource(c, in)
		case TypePrincipalAssociation:
			id, out, err = p.associatePrincipal(c, in)
		case TypeShareAccepter:
			id, out, err = p.acceptShare(c, in)
		case TypeZone:
			id, out, err = p.createZone(c, in)
		case TypeVpcAssociationAuthorization:
			id, out, err = p.authorizeVpcAssociation(c, in)
		case TypeZoneAssociation:
			id, out, err = p.associateZone(c, in)
		case TypeRecord:
			id, out, err = p.putRecord(c, in, true)
		case TypeHealthCheck:
			id, out, err = p.putHealthCheck(c, "", in)
		case TypeProfile:
			id, out, err = p.createProfile(c, in)
		case TypeProfileResourceAssociation:
			id, out, err = p.associateResourceToProfile(c, in)
		case TypeProfileAssociation:
			id, out, err = p.associateProfile(c, in)
		default:
			err = fmt.Errorf("fakeaws: resource type %s is not simulated", typ)
		}
		if err != nil {
			return err
		}
		// Checked once the ID and generated names exist; a refused call
		// fails the whole operation, and nothing of it is saved.
		if err := p.authorizeCalls(c, typ, "create", id, p.withTags(out)); err != nil {
			return err
		}
		if typ == TypeRole {
			return boundaryExists(c, out, "CreateRole")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return createResponse(id, p.withTagsAll(typ, out))
}

func createResponse(id string, out props) (*pulumirpc.CreateResponse, error) {
	s, err := structpb.NewStruct(out)
	if err != nil {
		return nil, fmt.Errorf("fakeaws: outputs: %w", err)
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: s}, nil
}

// Update changes the resource in place.
func (p *Provider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	typ := resourceType(req.GetType(), req.GetUrn())
	olds, news := props(req.GetOlds().AsMap()), props(req.GetNews().AsMap())
	oldInputs := olds
	if oi := req.GetOldInputs(); oi != nil && len(oi.GetFields()) > 0 {
		oldInputs = oi.AsMap()
	}
	merged := olds.clone()
	for k, v := range news {
		merged[k] = v
	}
	if req.GetPreview() {
		return updateResponse(p.withTagsAll(typ, merged))
	}
	id := req.GetId()
	var out props
	err := p.store.Update(func(c *Cloud) error {
		var err error
		switch typ {
		case TypeRestApi:
			out, err = p.updateRestApi(c, id, oldInputs, news, olds.strs("binaryMediaTypes"))
			if err == nil {
				out["rootResourceId"] = olds["rootResourceId"]
			}
		case TypeRestApiPolicy:
			_, out, err = p.putPolicy(c, news)
		case TypeStage:
			_, out, err = p.putStage(c, news, false)
		case TypeVpc:
			out, err = p.updateVpc(c, id, news)
		case TypeVpcEndpoint:
			_, out, err = p.putEndpoint(c, id, news)
		case TypeVpcEndpointPolicy:
			_, out, err = p.putEndpointPolicy(c, news)
		case TypeMethodSettings:
			_, out, err = p.putMethodSettings(c, news)
		case TypeApiGatewayAccount:
			_, out, err = p.putAccount(c, news)
		case TypeLogGroup:
			err = checkRetention(news)
			out = merged
		case TypeRole:
			c.RolePolicies[olds.str("arn")] = news.strs("managedPolicyArns")
			c.RoleInlinePolicies[olds.str("arn")] = inlinePolicies(news)
			c.RoleBoundaries[olds.str("arn")] = news.str("permissionsBoundary")
			out = merged
		case TypeSecurityGroup:
			if g, ok := c.SecurityGroups[id]; ok {
				g.setRules(news)
				// Authorize/RevokeSecurityGroupIngress and Egress, as one step.
				c.record(p.scope, "ModifySecurityGroupRules", id)
			}
			out = merged
		case TypeFunction:
			_, out, err = p.putFunction(c, id, merged)
		case TypeLogMetricFilter:
			_, out, err = p.putMetricFilter(c, merged)
		case TypeMetricAlarm:
			_, out, err = p.putMetricAlarm(c, merged)
		case TypeDashboard:
			_, out, err = p.putDashboard(c, merged)
		case TypeDomainName:
			out, err = p.updateDomainName(c, id, merged)
		case TypeBasePathMapping:
			if err = p.deleteBasePathMapping(c, id); err == nil {
				_, out, err = p.putBasePathMapping(c, merged)
				out["id"] = id
			}
		case TypeRecord:
			_, out, err = p.putRecord(c, merged, false)
			if err == nil {
				out["id"] = id
			}
		case TypeHealthCheck:
			_, out, err = p.putHealthCheck(c, id, merged)
		case TypeZone:
			// resourceZoneUpdate associates the vpcs added and disassociates
			// those removed (route53/zone.go); a VPC associated separately
			// (ZoneAssociation) stays, as the zone ignores changes to vpcs.
			if z, ok := c.Zones[id]; ok {
				vpcsOf := func(in props) []string {
					var out []string
					for _, v := range in.list("vpcs") {
						out = append(out, props(v).str("vpcId"))
					}
					return out
				}
				before, after := vpcsOf(oldInputs), vpcsOf(merged)
				z.Vpcs = slices.DeleteFunc(z.Vpcs, func(v string) bool { return slices.Contains(before, v) && !slices.Contains(after, v) })
				for _, v := range after {
					if !slices.Contains(z.Vpcs, v) {
						z.Vpcs = append(z.Vpcs, v)
					}
				}
			}
			out = merged
		case TypeResourceShare:
			if s, ok := c.Shares[id]; ok {
				s.Name, s.External = merged.str("name"), merged.boolOr("allowExternalPrincipals", true)
			}
			out = merged
		case TypeDomainAssociation, TypeProfile, TypeProfileAssociation:
			out = merged // tags only: the rest replaces it (a Profile's update is a no-op but for its tags, profile.go)
		case TypeDeployment, TypeSubnet, TypeVpcLink:
			out = merged // descriptions, names and tags: nothing the fake checks
		default:
			err = fmt.Errorf("fakeaws: update of %s is not simulated", typ)
		}
		if err != nil {
			return err
		}
		if err := p.authorizeCalls(c, typ, "update", id, p.withTags(merged)); err != nil {
			return err
		}
		if typ == TypeRole && merged.str("permissionsBoundary") != olds.str("permissionsBoundary") {
			return boundaryExists(c, merged, "PutRolePermissionsBoundary")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return updateResponse(p.withTagsAll(typ, out))
}

func updateResponse(out props) (*pulumirpc.UpdateResponse, error) {
	s, err := structpb.NewStruct(out)
	if err != nil {
		return nil, fmt.Errorf("fakeaws: outputs: %w", err)
	}
	return &pulumirpc.UpdateResponse{Properties: s}, nil
}

// Delete removes the resource from the simulated cloud, where AWS allows it.
func (p *Provider) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	typ := resourceType(req.GetType(), req.GetUrn())
	olds := props(req.GetProperties().AsMap())
	id := req.GetId()
	err := p.store.Update(func(c *Cloud) error {
		if err := p.authorizeCalls(c, typ, "delete", id, olds); err != nil {
			return err
		}
		switch typ {
		case TypeRestApi:
			return p.deleteRestApi(c, id)
		case TypeRestApiPolicy:
			return p.deletePolicy(c, olds.str("restApiId"))
		case TypeDeployment:
			return p.deleteDeployment(c, id)
		case TypeStage:
			return p.deleteStage(c, olds)
		case TypeVpc:
			return p.deleteVpc(c, id)
		case TypeSubnet:
			return p.deleteSubnet(c, id)
		case TypeSecurityGroup:
			return p.deleteSecurityGroup(c, id)
		case TypeVpcEndpoint:
			return p.deleteEndpoint(c, id)
		case TypeVpcEndpointPolicy:
			return p.deleteEndpointPolicy(c, id)
		case TypeLogGroup:
			return p.deleteLogGroup(c, id)
		case TypeMethodSettings:
			return nil // UpdateStage removing the settings; the stage keeps serving
		case TypeApiGatewayAccount:
			return p.deleteAccount(c, olds)
		case TypeRole:
			return p.deleteRole(c, id)
		case TypePermission:
			return p.removePermission(c, id)
		case TypeFunction:
			return p.deleteFunction(c, id)
		case TypeInvocation:
			return nil // lifecycleScope CREATE_ONLY: nothing runs on delete
		case TypeVpcLink:
			return p.deleteVpcLink(c, id)
		case TypeLogMetricFilter:
			return p.deleteMetricFilter(c, olds)
		case TypeMetricAlarm:
			return p.deleteAlarm(c, id)
		case TypeDashboard:
			return p.deleteDashboard(c, id)
		case TypeDomainName:
			return p.deleteDomainName(c, id)
		case TypeBasePathMapping:
			return p.deleteBasePathMapping(c, id)
		case TypeDomainAssociation:
			return p.deleteDomainAssociation(c, id)
		case TypeResourceShare:
			delete(c.Shares, id)
			c.record(p.scope, "DeleteResourceShare", id)
			return nil
		case TypeResourceAssociation:
			return p.disassociateResource(c, olds)
		case TypePrincipalAssociation:
			return p.disassociatePrincipal(c, olds)
		case TypeShareAccepter:
			return p.leaveShare(c, olds)
		case TypeZone:
			return p.deleteZone(c, id)
		case TypeVpcAssociationAuthorization:
			return p.deleteVpcAssociationAuthorization(c, olds)
		case TypeZoneAssociation:
			return p.disassociateZone(c, olds)
		case TypeRecord:
			return p.deleteRecord(c, olds)
		case TypeHealthCheck:
			return p.deleteHealthCheck(c, id)
		case TypeProfile:
			return p.deleteProfile(c, id)
		case TypeProfileResourceAssociation:
			return p.disassociateResourceFromProfile(c, olds)
		case TypeProfileAssociation:
			return p.disassociateProfile(c, olds)
		}
		return fmt.Errorf("fakeaws: delete of %s is not simulated", typ)
	})
	if err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// Read (refresh) makes the type's read calls under the session's policy and
// returns the state as recorded, except where the simulated cloud keeps the
// truth a change outside Pulumi can alter: a REST API's resource policy
// (refresh reads it back with GetRestApi, so drift shows in the next diff)
// and the deployment a stage serves (GetStage); an import of a REST API
// gets what GetRestApi returns. A resource that is gone is reported gone
// (empty ID), as the provider does.
func (p *Provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	typ := resourceType("", req.GetUrn())
	state := props(req.GetProperties().AsMap())
	resp := &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}
	err := p.store.View(func(c *Cloud) error {
		if err := p.authorizeCalls(c, typ, "read", req.GetId(), state); err != nil {
			return err
		}
		switch typ {
		case TypeStage:
			return p.readStage(c, state, req.GetInputs(), resp)
		case TypeRestApi:
			return p.readRestApi(c, req.GetId(), state, resp)
		case TypeRestApiPolicy:
			return readRestApiPolicy(c, state, req.GetInputs(), resp)
		case TypePrincipalAssociation:
			// resourcePrincipalAssociationRead: an association whose
			// invitation expired is DISASSOCIATED, which the provider reads
			// as gone.
			if sh, ok := c.Shares[state.str("resourceShareArn")]; ok && sh.expired(state.str("principal"), c.now()) {
				resp.Id, resp.Properties, resp.Inputs = "", nil, nil
			}
		case TypeBasePathMapping:
			// resourceBasePathMappingRead: GetBasePathMapping by the parsed
			// ID; NotFound removes the resource from state.
			if d, _ := c.mapping(p.scope, req.GetId()); d == nil {
				resp.Id, resp.Properties, resp.Inputs = "", nil, nil
			}
		case TypeDashboard:
			p.readDashboard(c, req.GetId(), resp)
		case TypeHealthCheck:
			return p.readHealthCheck(c, req.GetId(), state, resp)
		case TypeRecord:
			return p.readRecord(c, state, resp)
		case TypeProfileAssociation:
			// Read (GetProfileAssociation): an association disassociated
			// outside Pulumi is removed from the state, and the next up
			// associates the VPC again.
			if c.profileAssociationGone(req.GetId()) {
				resp.Id, resp.Properties, resp.Inputs = "", nil, nil
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// readRestApiPolicy reads the policy back with GetRestApi: gone, changed
// outside Pulumi (drift in the next diff), or as recorded.
func readRestApiPolicy(c *Cloud, state props, inputs *structpb.Struct, resp *pulumirpc.ReadResponse) error {
	api, ok := c.RestApis[state.str("restApiId")]
	if !ok || api.Policy == "" {
		resp.Id = "" // the policy is gone: refresh drops it, up recreates it
		return nil
	}
	if api.Policy != state.str("policy") {
		return driftTo(resp, state, inputs, "policy", api.Policy)
	}
	return nil
}

// readRestApi is GetRestApi. An API that is gone, or not in the provider's
// account and region, is reported gone (an import then fails: "resource
// does not exist"). An import (no recorded state) gets the attributes the
// provider reads back: name, endpoint configuration, binary media types,
// policy, ARNs; never
// the body, which AWS cannot return (hashicorp/terraform-provider-aws#41375),
// so the program's body is always a diff after an import.
func (p *Provider) readRestApi(c *Cloud, id string, state props, resp *pulumirpc.ReadResponse) error {
	api, ok := c.RestApis[id]
	if !ok || api.Scope != p.scope {
		// What the bridge answers for a resource that is gone: no ID, no state.
		resp.Id, resp.Properties, resp.Inputs = "", nil, nil
		return nil
	}
	if len(state) > 0 {
		return nil // a refresh: the state as recorded
	}
	in := props{"name": api.Name, "endpointConfiguration": map[string]any{"types": toAny(api.Types), "vpcEndpointIds": toAny(api.VpcEndpointIds)},
		"binaryMediaTypes": toAny(api.BinaryMediaTypes)}
	out, err := structpb.NewStruct(p.restApiOutputs(api, in))
	if err != nil {
		return err
	}
	resp.Properties = out
	resp.Inputs, err = structpb.NewStruct(in)
	return err
}

// toAny converts strings for a structpb value.
func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// readStage reports the deployment the stage really serves.
func (p *Provider) readStage(c *Cloud, state props, inputs *structpb.Struct, resp *pulumirpc.ReadResponse) error {
	st, ok := c.Stages[stageKey(state.str("restApi"), state.str("stageName"))]
	if !ok {
		resp.Id = ""
		return nil
	}
	if st.DeploymentId == state.str("deployment") {
		return nil
	}
	return driftTo(resp, state, inputs, "deployment", st.DeploymentId)
}

// driftTo answers a refresh whose read found key changed outside Pulumi:
// in the outputs and, as the bridged provider extracts inputs from the
// state it read, in the inputs, so the next diff against the program sees it.
func driftTo(resp *pulumirpc.ReadResponse, state props, inputs *structpb.Struct, key, value string) error {
	state = state.clone()
	state[key] = value
	out, err := structpb.NewStruct(state)
	if err != nil {
		return err
	}
	resp.Properties = out
	in := props{}
	if inputs != nil {
		in = props(inputs.AsMap())
	}
	in[key] = value
	if resp.Inputs, err = structpb.NewStruct(in); err != nil {
		return err
	}
	return nil
}

// tagCount is how many tags a resource with inputs in carries in AWS: its
// own and the provider's default tags, a key counted once.
func (p *Provider) tagCount(in props) int {
	keys := map[string]bool{}
	for k := range p.defaultTags {
		keys[k] = true
	}
	for k := range in.obj("tags") {
		keys[k] = true
	}
	return len(keys)
}

// tagsAllTypes are the simulated types whose pulumi-aws schema has the
// computed tagsAll output: the provider's default tags merged with the
// resource's own tags.
var tagsAllTypes = map[string]bool{
	TypeRestApi: true, TypeStage: true, TypeVpcLink: true, TypeDomainName: true, TypeDomainAssociation: true,
	TypeLogGroup: true, TypeMetricAlarm: true, TypeVpc: true, TypeSubnet: true, TypeSecurityGroup: true,
	TypeVpcEndpoint: true, TypeRole: true, TypeFunction: true, TypeResourceShare: true, TypeZone: true,
	TypeProfile: true, TypeProfileAssociation: true, TypeHealthCheck: true,
}

// withTagsAll adds tagsAll to the outputs of a type that has it, as the
// provider computes it. It comes from the provider's configuration, not
// from an input of the same name, so the engine does not mark it secret
// when a default tag is (pulumi/pulumi-aws#2820, "Secret tags inherited
// from the default provider leak into the state", open): a program that
// keeps tags secret asks for it with additionalSecretOutputs.
func (p *Provider) withTagsAll(typ string, out props) props {
	if !tagsAllTypes[typ] || (len(p.defaultTags) == 0 && len(out.obj("tags")) == 0) {
		return out
	}
	all := map[string]any{}
	for k, v := range p.defaultTags {
		all[k] = v
	}
	for k, v := range out.obj("tags") {
		all[k] = v
	}
	out = out.clone()
	out["tagsAll"] = all
	return out
}

// withTags marks inputs as tagged when the provider adds default tags.
func (p *Provider) withTags(in props) props {
	if !p.tagged || len(in.obj("tags")) > 0 {
		return in
	}
	out := in.clone()
	out["tags"] = map[string]any{"default": "tags"}
	return out
}

// Cancel has nothing to stop.
func (p *Provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// resourceType is the type token of a request: its Type field, or the part
// of the URN before the name.
func resourceType(typ, urn string) string {
	if typ != "" {
		return typ
	}
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return ""
	}
	qualified := parts[len(parts)-2]
	if i := strings.LastIndex(qualified, "$"); i >= 0 {
		return qualified[i+1:]
	}
	return qualified
}
