package components

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// AWS quotas the components check before they register anything, from
// "Quotas for configuring and running a REST API in API Gateway" (API Gateway
// developer guide, api-gateway-execution-service-limits-table) and "Tagging
// your AWS resources" (tag quotas). The first two can be raised by AWS for one
// account; ApiQuotas then tells the components the raised value.
const (
	// defaultResourcePolicyLength is "Length, in characters, of API Gateway
	// resource policy" (Service Quotas L-8B81B02C): 8,192, adjustable.
	defaultResourcePolicyLength = 8192
	// defaultResourcesPerApi is "Resources per API": 300, adjustable. Every
	// path of the API is a resource, with each of its parent paths and the
	// root "/".
	defaultResourcesPerApi = 300
	// MaxTagsPerResource is the number of user tags one AWS resource may
	// carry (50, not adjustable); a provider's default tags count, as they are
	// set on every resource of that provider.
	MaxTagsPerResource = 50
	// MaxTagsPerHostedZone is Route 53's tag limit of a hosted zone: "You can
	// add a maximum of 10 tags to a health check or a hosted zone" (Route 53
	// API reference, ChangeTagsForResource). A custom domain's private hosted
	// zones carry the stack's tags, default tags included.
	MaxTagsPerHostedZone = 10
	// maxAccessAssociationsPerAccount is "Domain name access associations
	// per account" (API Gateway quotas, 100 by default, adjustable:
	// ApiQuotas.AccessAssociationsPerAccount): each created endpoint of a
	// custom domain's consumer has one in its account.
	maxAccessAssociationsPerAccount = 100
	// defaultRulesPerSecurityGroup is "Inbound or outbound rules per
	// security group": 60 by default, adjustable, enforced separately for
	// inbound and outbound and for IPv4 and IPv6 (Amazon VPC user guide,
	// "Amazon VPC quotas", Security groups). AuthorizeSecurityGroupIngress
	// past it fails with RulesPerSecurityGroupLimitExceeded.
	defaultRulesPerSecurityGroup = 60
)

// Names of the quotas in messages, as AWS's quota table names them.
const (
	quotaNamePolicyLength = `"Length, in characters, of API Gateway resource policy" (Service Quotas code L-8B81B02C)`
	quotaNameResources    = `"Resources per API"`
)

// ApiQuotas are the quotas of the API's account where AWS has raised them.
// A zero field means AWS's default. Setting a field below the default is
// refused: it can only be a typo, since AWS does not lower quotas on request.
type ApiQuotas struct {
	// ResourcePolicyLength is the most characters the resource policy may
	// have. Optional, default 8192.
	ResourcePolicyLength int `pulumi:"resourcePolicyLength,optional"`
	// ResourcesPerApi is the most API resources (paths) the API may have.
	// Optional, default 300.
	ResourcesPerApi int `pulumi:"resourcesPerApi,optional"`
	// VpcLinksPerRegion is the most REST API VPC links the producer account
	// may have in the region. Optional, default 20.
	VpcLinksPerRegion int `pulumi:"vpcLinksPerRegion,optional"`
	// AccessAssociationsPerAccount is the most domain name access
	// associations each consumer account may have ("Domain name access
	// associations per account", adjustable), when AWS raised it for the
	// consumer accounts. Optional, default 100.
	AccessAssociationsPerAccount int `pulumi:"accessAssociationsPerAccount,optional"`
	// RulesPerSecurityGroup is the most inbound rules a security group may
	// have in the consumer and network accounts ("Inbound or outbound rules
	// per security group", Amazon VPC quotas, adjustable), when AWS raised
	// it there: each allowedCidrs range of an endpoint the stack creates is
	// one rule of its group, and a hub's group holds every spoke's ranges.
	// Optional, default 60.
	RulesPerSecurityGroup int `pulumi:"rulesPerSecurityGroup,optional"`
}

// rulesPerSecurityGroup is the security-group rule quota in force.
func (q *ApiQuotas) rulesPerSecurityGroup() int {
	if q == nil || q.RulesPerSecurityGroup == 0 {
		return defaultRulesPerSecurityGroup
	}
	return q.RulesPerSecurityGroup
}

// accessAssociationsPerAccount is the access-association quota in force.
func (q *ApiQuotas) accessAssociationsPerAccount() int {
	if q == nil || q.AccessAssociationsPerAccount == 0 {
		return maxAccessAssociationsPerAccount
	}
	return q.AccessAssociationsPerAccount
}

// vpcLinksPerRegion is the VPC-link quota in force.
func (q *ApiQuotas) vpcLinksPerRegion() int {
	if q == nil || q.VpcLinksPerRegion == 0 {
		return defaultVpcLinksPerRegion
	}
	return q.VpcLinksPerRegion
}

// policyLength is the resource-policy quota in force.
func (q *ApiQuotas) policyLength() int {
	if q == nil || q.ResourcePolicyLength == 0 {
		return defaultResourcePolicyLength
	}
	return q.ResourcePolicyLength
}

// resourcesPerApi is the resources-per-API quota in force.
func (q *ApiQuotas) resourcesPerApi() int {
	if q == nil || q.ResourcesPerApi == 0 {
		return defaultResourcesPerApi
	}
	return q.ResourcesPerApi
}

// Validate refuses a quota set below AWS's default, as FieldErrors
// (resourcePolicyLength, resourcesPerApi).
func (q *ApiQuotas) Validate() error {
	var f fieldErrs
	if q == nil {
		return nil
	}
	if q.ResourcePolicyLength != 0 && q.ResourcePolicyLength < defaultResourcePolicyLength {
		f.bad("resourcePolicyLength", q.ResourcePolicyLength, fmt.Sprintf("the raised quota AWS granted, at least the default %d (leave it out for the default)", defaultResourcePolicyLength))
	}
	if q.ResourcesPerApi != 0 && q.ResourcesPerApi < defaultResourcesPerApi {
		f.bad("resourcesPerApi", q.ResourcesPerApi, fmt.Sprintf("the raised quota AWS granted, at least the default %d (leave it out for the default)", defaultResourcesPerApi))
	}
	if q.AccessAssociationsPerAccount != 0 && q.AccessAssociationsPerAccount < maxAccessAssociationsPerAccount {
		f.bad("accessAssociationsPerAccount", q.AccessAssociationsPerAccount, fmt.Sprintf("the raised quota AWS granted, at least the default %d (leave it out for the default)", maxAccessAssociationsPerAccount))
	}
	if q.RulesPerSecurityGroup != 0 && q.RulesPerSecurityGroup < defaultRulesPerSecurityGroup {
		f.bad("rulesPerSecurityGroup", q.RulesPerSecurityGroup, fmt.Sprintf("the raised quota AWS granted, at least the default %d (leave it out for the default)", defaultRulesPerSecurityGroup))
	}
	if q.VpcLinksPerRegion != 0 && q.VpcLinksPerRegion < defaultVpcLinksPerRegion {
		f.bad("vpcLinksPerRegion", q.VpcLinksPerRegion, fmt.Sprintf("the raised quota AWS granted, at least the default %d (leave it out for the default)", defaultVpcLinksPerRegion))
	}
	return f.err()
}

// apiResourceCount is the number of API Gateway resources the routes create:
// every distinct path, each of its parent paths, and the root "/" (which
// every API has). "/a/b" and "/a/c" make four: /, /a, /a/b, /a/c.
func apiResourceCount(routes []Route) int {
	paths := map[string]bool{"/": true}
	for _, r := range routes {
		segs := pathSegments(r.Path)
		for i := range segs {
			paths["/"+strings.Join(segs[:i+1], "/")] = true
		}
	}
	return len(paths)
}

// checkResourcesPerApi reports, under field, routes that need more API
// resources than the quota allows.
func checkResourcesPerApi(f *fieldErrs, field string, routes []Route, q *ApiQuotas) {
	if len(routes) == 0 {
		return
	}
	count, limit := apiResourceCount(routes), q.resourcesPerApi()
	if count <= limit {
		return
	}
	f.add(field, "%s routes need %s API resources (each path, its parent paths and the root); API Gateway allows %s per API (quota %s). What fits: fewer distinct paths, e.g. one greedy path /{proxy+} to a backend that routes by itself (one resource per level), or the routes split across two APIs; or ask AWS to raise the quota for the producer account and set quotas.resourcesPerApi to the new value",
		thousands(len(routes)), thousands(count), thousands(limit), quotaNameResources)
}

// CheckResourcePolicyLength refuses a policy document longer than the
// quota, counting characters as AWS does (the JSON exactly as sent; the
// components send it compact). It is the check ResourcePolicy makes once every
// input is known; NewCrossAccountPrivateApi makes it before registering
// anything.
func CheckResourcePolicyLength(policyJson string, q *ApiQuotas) error {
	n, limit := utf8.RuneCountInString(policyJson), q.policyLength()
	if n <= limit {
		return nil
	}
	return fmt.Errorf("the resource policy is %s characters; API Gateway allows %s (quota %s)", thousands(n), thousands(limit), quotaNamePolicyLength)
}

// placeholderEndpointId is the i-th stand-in for an endpoint ID not known
// before the endpoint exists. It has the length of every ID AWS gives an
// interface endpoint (vpce- and 17 hex digits), so a policy built with it is
// exactly as long as the one sent later; each is distinct, as the real ones
// are (the policy de-duplicates IDs).
func placeholderEndpointId(i int) string { return fmt.Sprintf("vpce-%017x", i) }

// placeholderRestApiId stands in for the API's ID, always 10 characters.
const placeholderRestApiId = "a0b1c2d3e4"

// plannedPolicyLength is the length of the resource policy the args will
// send, computed before anything exists: the real document built with
// stand-ins of the exact length for the IDs AWS assigns (the API's, each
// created endpoint's). known is false when a principal is an output: the
// length is then a lower bound, and ResourcePolicy checks the real one once
// it is known. ok is false when the args are too broken to build a policy
// (their problems are reported elsewhere).
func (a *CrossAccountPrivateApiArgs) plannedPolicyLength() (length int, known, ok bool) {
	executionArn := fmt.Sprintf("arn:%s:execute-api:%s:%s:%s", partitionOf(a.Region), a.Region, a.ProducerAccountId, placeholderRestApiId)
	known = true
	ids := make([]string, 0, len(a.Consumers)+1)
	var principals []string
	var spokes []SpokeSources
	for i, c := range a.Consumers {
		if c.viaHub() {
			s := SpokeSources{Name: c.Name}
			if cidrs, isPlain := plainStrings(c.AllowedCidrs); isPlain {
				s.Cidrs = cidrs
			} else {
				known = false
			}
			if a.Authorization == AuthorizationIam {
				switch listed, isPlain := plainStrings(c.Principals); {
				case c.Principals == nil:
					s.Principals = []string{accountRootArn(a.Region, c.AccountId)}
				case isPlain:
					s.Principals = listed
				default:
					known = false
				}
			}
			spokes = append(spokes, s)
			continue
		}
		id := placeholderEndpointId(i)
		if c.EndpointId != nil {
			if plain, isPlain := plainString(c.EndpointId); isPlain {
				id = plain
			}
		}
		ids = append(ids, id)
		if a.Authorization != AuthorizationIam {
			continue
		}
		switch listed, isPlain := plainStrings(c.Principals); {
		case c.Principals == nil:
			principals = append(principals, accountRootArn(a.Region, c.AccountId))
		case isPlain:
			principals = append(principals, listed...)
		default:
			known = false
		}
	}
	opts := ResourcePolicyOptions{Principals: principals, PrincipalOrgId: a.PrincipalOrgId, ExtraStatements: a.ExtraPolicyStatements}
	if a.Hub != nil && len(spokes) > 0 {
		opts.HubEndpointId, opts.Spokes = placeholderEndpointId(len(a.Consumers)), spokes
		ids = append(ids, opts.HubEndpointId)
	}
	doc, err := ResourcePolicyJson(executionArn, ids, opts)
	if err != nil {
		return 0, false, false
	}
	return utf8.RuneCountInString(doc), known, true
}

// validatePolicyLength reports, under consumers, a resource policy that
// would exceed its quota, with what makes it long and the designs that fit.
func (a *CrossAccountPrivateApiArgs) validatePolicyLength(f *fieldErrs) {
	length, known, ok := a.plannedPolicyLength()
	limit := a.Quotas.policyLength()
	if !ok || length <= limit {
		return
	}
	atLeast := ""
	if !known {
		atLeast = "at least "
	}
	principals := 0
	for _, c := range a.Consumers {
		if listed, isPlain := plainStrings(c.Principals); isPlain {
			principals += len(listed)
		}
	}
	var fits []string
	if a.Authorization == AuthorizationIam && principals > 0 {
		fits = append(fits, fmt.Sprintf("fewer principals per consumer (%s are listed; a consumer without principals is allowed as its account root, one ARN)", thousands(principals)))
	}
	if len(a.ExtraPolicyStatements) > 0 {
		fits = append(fits, fmt.Sprintf("fewer or shorter extraPolicyStatements (%d)", len(a.ExtraPolicyStatements)))
	}
	if spokes, cidrs := a.spokeCidrCount(); spokes > 0 {
		fits = append(fits, fmt.Sprintf("fewer, wider source ranges for the hub's spokes (%d spokes list %d CIDRs, each in its own statement; a spoke's ranges may be aggregated into a covering prefix of its own)", spokes, cidrs))
	}
	fits = append(fits,
		"the consumers split across APIs (a stack each), each API's policy listing only its own endpoints",
		"or ask AWS to raise the quota for the producer account and set quotas.resourcePolicyLength to the new value")
	f.add("consumers", "%s consumers give a resource policy of %s%s characters; API Gateway allows %s (quota %s). What fits: %s",
		thousands(len(a.Consumers)), atLeast, thousands(length), thousands(limit), quotaNamePolicyLength, strings.Join(fits, "; "))
}

// thousands renders n with a comma between each group of three digits.
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// spokeCidrCount counts the hub's spokes and the plain CIDRs they list,
// each of which the resource policy names (validatePolicyLength).
func (a *CrossAccountPrivateApiArgs) spokeCidrCount() (spokes, cidrs int) {
	if a.Hub == nil {
		return 0, 0
	}
	for _, c := range a.Consumers {
		if c.viaHub() {
			spokes++
			if listed, isPlain := plainStrings(c.AllowedCidrs); isPlain {
				cidrs += len(listed)
			}
		}
	}
	return spokes, cidrs
}
