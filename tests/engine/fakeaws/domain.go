package fakeaws

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

// Resource type tokens of the private custom domain and its sharing.
const (
	TypeDomainName           = "aws:apigateway/domainName:DomainName"
	TypeBasePathMapping      = "aws:apigateway/basePathMapping:BasePathMapping"
	TypeDomainAssociation    = "aws:apigateway/domainNameAccessAssociation:DomainNameAccessAssociation"
	TypeResourceShare        = "aws:ram/resourceShare:ResourceShare"
	TypeResourceAssociation  = "aws:ram/resourceAssociation:ResourceAssociation"
	TypePrincipalAssociation = "aws:ram/principalAssociation:PrincipalAssociation"
	TypeShareAccepter        = "aws:ram/resourceShareAccepter:ResourceShareAccepter"
	TypeZone                 = "aws:route53/zone:Zone"
	TypeRecord               = "aws:route53/record:Record"
)

// DomainName is a PRIVATE custom domain name: its invoke policy and its
// base path mappings.
type DomainName struct {
	Scope
	Name     string `json:"name"`
	Id       string `json:"id"` // domainNameId
	Arn      string `json:"arn"`
	Policy   string `json:"policy"`
	Security string `json:"securityPolicy"`
	// Mappings map a base path ("" for the root) to "apiId/stage".
	Mappings map[string]string `json:"mappings"`
}

// executeApiArn is the domain's execute-api ARN, what its policy is about.
func (d *DomainName) executeApiArn() string {
	return fmt.Sprintf("arn:aws:execute-api:%s:%s:/domainnames/%s+%s", d.Region, d.Account, d.Name, d.Id)
}

// DomainAssociation is a domain name access association: a consumer's
// endpoint to a domain (of its own account or shared with it).
type DomainAssociation struct {
	Scope
	Arn       string `json:"arn"`
	DomainArn string `json:"domainArn"`
	Vpce      string `json:"vpce"`
}

// ResourceShare is a RAM resource share: its resources, principals and
// the accounts that have accepted it.
type ResourceShare struct {
	Scope
	Arn        string   `json:"arn"`
	Name       string   `json:"name"`
	External   bool     `json:"allowExternalPrincipals"`
	Resources  []string `json:"resources"`
	Principals []string `json:"principals"`
	Accepted   []string `json:"accepted"`
	// Invited is when each external principal was invited (Unix seconds):
	// the invitation expires 12 hours later.
	Invited map[string]int64 `json:"invited"`
}

// invitationLifetime is how long a RAM invitation stays pending: after 12
// hours "the invitation expires and the end user principal in the resource
// share is disassociated" (AWS RAM user guide, "Accepting and rejecting
// resource share invitations").
const invitationLifetime = 12 * 60 * 60

// expired says whether account's invitation to s expired unaccepted: the
// account is then no longer associated (a refresh of its principal
// association finds it gone, and a new association sends a new invitation).
func (s *ResourceShare) expired(account string, now int64) bool {
	at, invited := s.Invited[account]
	return invited && !slices.Contains(s.Accepted, account) && now-at > invitationLifetime
}

// drop takes account out of the share: no longer a principal, its
// acceptance gone (the owner disassociating it, or the account leaving).
func (s *ResourceShare) drop(account string) {
	is := func(a string) bool { return a == account }
	s.Principals = slices.DeleteFunc(s.Principals, is)
	s.Accepted = slices.DeleteFunc(s.Accepted, is)
	delete(s.Invited, account)
}

// HostedZone is a Route 53 private hosted zone with its VPCs and records
// (by "name type").
type HostedZone struct {
	Scope
	Id      string                 `json:"id"`
	Name    string                 `json:"name"`
	Vpcs    []string               `json:"vpcs"`
	Records map[string]*ZoneRecord `json:"records"`
	// Authorized are the VPCs of other accounts the zone's account has
	// authorized to associate (CreateVPCAssociationAuthorization).
	Authorized []string `json:"authorized"`
}

// ZoneRecord is a record set; an alias names its target. A routed record
// has a SetIdentifier and one routing policy: Failover (PRIMARY or
// SECONDARY) or LatencyRegion; HealthCheckId and EvaluateTargetHealth say
// when Route 53 takes it as healthy (answer).
type ZoneRecord struct {
	Name                 string `json:"name"`
	Type                 string `json:"type"`
	AliasName            string `json:"aliasName"`
	AliasZone            string `json:"aliasZone"`
	EvaluateTargetHealth bool   `json:"evaluateTargetHealth,omitempty"`
	SetIdentifier        string `json:"setIdentifier,omitempty"`
	Failover             string `json:"failover,omitempty"`
	LatencyRegion        string `json:"latencyRegion,omitempty"`
	HealthCheckId        string `json:"healthCheckId,omitempty"`
}

// recordKey is a record's key in its zone: name and type, and the set
// identifier of a routed record (Route 53 tells the records of one name and
// type apart by it: "SetIdentifier", ResourceRecordSet, Route 53 API
// reference).
func recordKey(name, typ, setId string) string {
	if setId == "" {
		return name + " " + typ
	}
	return name + " " + typ + " " + setId
}

// policy is the record's routing policy: "failover", "latency" or "" for
// a simple record.
func (r *ZoneRecord) policy() string {
	switch {
	case r.Failover != "":
		return "failover"
	case r.LatencyRegion != "":
		return "latency"
	}
	return ""
}

// checkRecord is the provider's plan-time validation of a record's routing
// arguments (aws_route53_record's schema, internal/service/route53/record.go):
// failover_routing_policy and latency_routing_policy conflict with each
// other (ConflictsWith) and each needs set_identifier (RequiredWith), and a
// failover type is PRIMARY or SECONDARY; the reasons are the plugin SDK's
// wording.
func checkRecord(news props) []*pulumirpc.CheckFailure {
	var out []*pulumirpc.CheckFailure
	failover, latency := len(news.list("failoverRoutingPolicies")) > 0, len(news.list("latencyRoutingPolicies")) > 0
	if failover && latency {
		out = append(out, &pulumirpc.CheckFailure{Property: "failoverRoutingPolicies", Reason: `"failover_routing_policy": conflicts with latency_routing_policy`})
	}
	_, hasSetId := news["setIdentifier"]
	for key, tf := range map[string]string{"failoverRoutingPolicies": "failover_routing_policy", "latencyRoutingPolicies": "latency_routing_policy"} {
		if len(news.list(key)) > 0 && !hasSetId {
			out = append(out, &pulumirpc.CheckFailure{Property: key, Reason: fmt.Sprintf("%q: all of `%s,set_identifier` must be specified", tf, tf)})
		}
	}
	if failover {
		if typ := news.obj("failoverRoutingPolicies").str("type"); typ != unknown && typ != "PRIMARY" && typ != "SECONDARY" {
			out = append(out, &pulumirpc.CheckFailure{Property: "failoverRoutingPolicies", Reason: fmt.Sprintf(`expected failover_routing_policy.0.type to be one of ["PRIMARY" "SECONDARY"], got %s`, typ)})
		}
	}
	return out
}

// createDomainName is CreateDomainName for a PRIVATE domain: its
// certificate must be an ACM certificate of the caller's account and region
// (a regional or private domain takes one of its own region, "Getting
// certificates ready in AWS Certificate Manager").
func (p *Provider) createDomainName(c *Cloud, in props) (string, props, error) {
	name, cert := in.str("domainName"), in.str("certificateArn")
	if types := in.obj("endpointConfiguration").str("types"); types != "PRIVATE" {
		return "", nil, fmt.Errorf("fakeaws: only PRIVATE domain names are simulated, got endpointConfiguration.types %q", types)
	}
	parts := strings.Split(cert, ":")
	if len(parts) != 6 || parts[2] != "acm" || parts[3] != p.scope.Region || parts[4] != p.scope.Account {
		return "", nil, awsError("CreateDomainName", "BadRequestException", "Certificate %s not found in account %s, region %s", cert, p.scope.Account, p.scope.Region)
	}
	// An enhanced policy needs an endpoint access mode, on a domain as on
	// an API (wording not documented; the REST API's rule, apigateway.go).
	if strings.HasPrefix(in.str("securityPolicy"), "SecurityPolicy_") && in.str("endpointAccessMode") == "" {
		return "", nil, awsError("CreateDomainName", "BadRequestException", "Security policy %s requires an endpoint access mode", in.str("securityPolicy"))
	}
	d := &DomainName{Scope: p.scope, Name: name, Id: newId(10), Policy: in.str("policy"), Security: in.str("securityPolicy"), Mappings: map[string]string{}}
	d.Arn = fmt.Sprintf("arn:aws:apigateway:%s:%s:/domainnames/%s+%s", d.Region, d.Account, d.Name, d.Id)
	if c.Domains == nil {
		c.Domains = map[string]*DomainName{}
	}
	c.Domains[d.Arn] = d
	c.record(p.scope, "CreateDomainName", d.Arn)
	out := in.clone()
	out["id"], out["arn"], out["domainNameId"] = d.Arn, d.Arn, d.Id
	return d.Arn, out, nil
}

// updateDomainName is UpdateDomainName: the policy and the security policy.
func (p *Provider) updateDomainName(c *Cloud, id string, in props) (props, error) {
	d, ok := c.Domains[id]
	if !ok {
		return nil, awsError("UpdateDomainName", "NotFoundException", "Invalid domain name identifier specified")
	}
	d.Policy, d.Security = in.str("policy"), in.str("securityPolicy")
	c.record(p.scope, "UpdateDomainName", id)
	return in, nil
}

func (p *Provider) deleteDomainName(c *Cloud, id string) error {
	delete(c.Domains, id)
	c.record(p.scope, "DeleteDomainName", id)
	return nil
}

// putBasePathMapping is CreateBasePathMapping (and UpdateBasePathMapping):
// a private domain is found by its name and ID together (without the ID the
// name is looked up among public domains: "Invalid domain name identifier
// specified"), the API must be a PRIVATE API of the caller's account and
// region, and its stage must exist.
func (p *Provider) putBasePathMapping(c *Cloud, in props) (string, props, error) {
	var d *DomainName
	for _, x := range c.Domains {
		if x.Scope == p.scope && x.Name == in.str("domainName") && x.Id == in.str("domainNameId") {
			d = x
		}
	}
	if d == nil {
		return "", nil, awsError("CreateBasePathMapping", "NotFoundException", "Invalid domain name identifier specified")
	}
	apiId, stage := in.str("restApi"), in.str("stageName")
	api, ok := c.RestApis[apiId]
	if !ok || api.Scope != p.scope {
		return "", nil, awsError("CreateBasePathMapping", "BadRequestException", "Invalid REST API identifier specified")
	}
	if !slices.Contains(api.Types, "PRIVATE") {
		return "", nil, awsError("CreateBasePathMapping", "BadRequestException", "Only PRIVATE APIs can be mapped to a private custom domain name")
	}
	if _, ok := c.Stages[stageKey(apiId, stage)]; !ok {
		return "", nil, awsError("CreateBasePathMapping", "BadRequestException", "Invalid stage identifier specified")
	}
	base := in.str("basePath")
	d.Mappings[base] = apiId + "/" + stage
	c.record(p.scope, "CreateBasePathMapping", d.Name+"/"+base)
	// The provider's ID: DOMAIN-NAME/BASEPATH/DOMAIN-NAME-ID
	// (terraform-provider-aws internal/service/apigateway/base_path_mapping.go,
	// basePathMappingCreateResourceID).
	id := strings.Join([]string{d.Name, base, d.Id}, "/")
	out := in.clone()
	out["id"] = id
	return id, out, nil
}

// parseMappingId reads a mapping's ID as the provider does
// (basePathMappingParseResourceID: strings.SplitN(id, "/", 3)): a base
// path of more than one segment is split wrongly, its later segments taken
// for the domain's ID, so read, update and delete address a mapping that
// does not exist (components.CustomDomainArgs refuses such a base path).
func parseMappingId(id string) (domain, base, domainId string) {
	parts := strings.SplitN(id, "/", 3)
	if len(parts) != 3 {
		return "", "", ""
	}
	return parts[0], parts[1], parts[2]
}

// mapping finds the mapping the provider's ID addresses: its domain and
// base path, nil and "" when none.
func (c *Cloud) mapping(scope Scope, id string) (*DomainName, string) {
	name, base, domainId := parseMappingId(id)
	for _, d := range c.Domains {
		if d.Scope == scope && d.Name == name && d.Id == domainId {
			if _, ok := d.Mappings[base]; ok {
				return d, base
			}
		}
	}
	return nil, ""
}

// deleteBasePathMapping is DeleteBasePathMapping of the mapping the ID
// addresses; NotFoundException is success to the provider
// (resourceBasePathMappingDelete), so a mapping the ID misses stays.
func (p *Provider) deleteBasePathMapping(c *Cloud, id string) error {
	if d, base := c.mapping(p.scope, id); d != nil {
		delete(d.Mappings, base)
	}
	c.record(p.scope, "DeleteBasePathMapping", id)
	return nil
}

// createShare is CreateResourceShare.
func (p *Provider) createShare(c *Cloud, in props) (string, props, error) {
	s := &ResourceShare{Scope: p.scope, Name: in.str("name"), External: in.boolOr("allowExternalPrincipals", true)}
	s.Arn = fmt.Sprintf("arn:aws:ram:%s:%s:resource-share/%s-%s-%s", s.Region, s.Account, newHex(8), newHex(4), newHex(12))
	if c.Shares == nil {
		c.Shares = map[string]*ResourceShare{}
	}
	c.Shares[s.Arn] = s
	c.record(p.scope, "CreateResourceShare", s.Arn)
	out := in.clone()
	out["id"], out["arn"] = s.Arn, s.Arn
	return s.Arn, out, nil
}

// ownShare is a share of the caller's, or RAM's UnknownResourceException.
func (p *Provider) ownShare(c *Cloud, op, arn string) (*ResourceShare, error) {
	s, ok := c.Shares[arn]
	if !ok || s.Scope != p.scope {
		return nil, awsError(op, "UnknownResourceException", "ResourceShare %s could not be found.", arn)
	}
	return s, nil
}

// associateResource is AssociateResourceShare with a resource: one of the
// caller's own private domain names or Route 53 Profiles.
func (p *Provider) associateResource(c *Cloud, in props) (string, props, error) {
	s, err := p.ownShare(c, "AssociateResourceShare", in.str("resourceShareArn"))
	if err != nil {
		return "", nil, err
	}
	arn := in.str("resourceArn")
	// A private custom domain name of the caller's, or a Route 53 Profile of
	// the caller's ("To share a Route 53 Profile, you must own it in your AWS
	// account", "Working with shared Route 53 Profiles").
	owned := false
	if d, ok := c.Domains[arn]; ok && d.Scope == p.scope {
		owned = true
	}
	for _, pr := range c.Profiles {
		owned = owned || (pr.Arn == arn && pr.Scope == p.scope)
	}
	if !owned {
		return "", nil, awsError("AssociateResourceShare", "UnknownResourceException", "The resource %s does not exist or is not owned by account %s", arn, p.scope.Account)
	}
	if !slices.Contains(s.Resources, arn) {
		s.Resources = append(s.Resources, arn)
	}
	c.record(p.scope, "AssociateResourceShare", arn)
	id := s.Arn + "," + arn
	out := in.clone()
	out["id"] = id
	return id, out, nil
}

func (p *Provider) disassociateResource(c *Cloud, olds props) error {
	if s, ok := c.Shares[olds.str("resourceShareArn")]; ok {
		s.Resources = slices.DeleteFunc(s.Resources, func(r string) bool { return r == olds.str("resourceArn") })
	}
	c.record(p.scope, "DisassociateResourceShare", olds.str("resourceArn"))
	return nil
}

// associatePrincipal is AssociateResourceShare with a principal account.
// A share without external principals takes accounts of the owner's
// organization only ("OperationNotPermittedException", shape imitated),
// and RAM accepts for them (sharing with AWS Organizations enabled); an
// external account gets an invitation to accept (within 12 hours).
func (p *Provider) associatePrincipal(c *Cloud, in props) (string, props, error) {
	s, err := p.ownShare(c, "AssociateResourceShare", in.str("resourceShareArn"))
	if err != nil {
		return "", nil, err
	}
	account := in.str("principal")
	if account == p.scope.Account {
		return "", nil, awsError("AssociateResourceShare", "InvalidParameterException", "The resource share owner %s cannot be a principal of its own share", account)
	}
	org, sameOrg := c.Organizations[account]
	sameOrg = sameOrg && org == c.Organizations[p.scope.Account]
	if !s.External && !sameOrg {
		return "", nil, awsError("AssociateResourceShare", "OperationNotPermittedException", "The resource share %s does not allow external principals; %s is not in the owner's organization", s.Arn, account)
	}
	if !slices.Contains(s.Principals, account) {
		s.Principals = append(s.Principals, account)
	}
	if sameOrg && !slices.Contains(s.Accepted, account) {
		s.Accepted = append(s.Accepted, account)
	}
	if !sameOrg && !slices.Contains(s.Accepted, account) {
		if s.Invited == nil {
			s.Invited = map[string]int64{}
		}
		s.Invited[account] = c.now()
	}
	c.record(p.scope, "AssociateResourceShare", account)
	id := s.Arn + "," + account
	out := in.clone()
	out["id"] = id
	return id, out, nil
}

// disassociatePrincipal removes the account from the share; a principal
// that already left (its accepter was deleted) is gone already.
func (p *Provider) disassociatePrincipal(c *Cloud, olds props) error {
	if s, ok := c.Shares[olds.str("resourceShareArn")]; ok {
		s.drop(olds.str("principal"))
	}
	c.record(p.scope, "DisassociateResourceShare", olds.str("principal"))
	return nil
}

// acceptShare is the accepter's AcceptResourceShareInvitation: the caller's
// account must have a pending invitation to the share (the provider's
// "No pending RAM Resource Share (%s) invitation found", internal/service/ram/resource_share_accepter.go).
func (p *Provider) acceptShare(c *Cloud, in props) (string, props, error) {
	arn := in.str("shareArn")
	s, ok := c.Shares[arn]
	// The provider looks for a PENDING invitation only
	// (findResourceShareInvitationByResourceShareARNAndStatus): one
	// accepted already, or expired 12 hours after it was sent, is not found.
	expired := ok && s.expired(p.scope.Account, c.now())
	if !ok || !slices.Contains(s.Principals, p.scope.Account) || slices.Contains(s.Accepted, p.scope.Account) || s.Region != p.scope.Region || expired {
		return "", nil, fmt.Errorf("No pending RAM Resource Share (%s) invitation found\n\n"+ //nolint:staticcheck // the provider's own wording
			"NOTE: If both AWS accounts are in the same AWS Organization and RAM Sharing with AWS Organizations is enabled, this resource is not necessary", arn)
	}
	s.Accepted = append(s.Accepted, p.scope.Account)
	c.record(p.scope, "AcceptResourceShareInvitation", arn)
	out := in.clone()
	out["id"] = arn
	out["invitationArn"] = fmt.Sprintf("arn:aws:ram:%s:%s:resource-share-invitation/%s", s.Region, s.Account, newHex(16))
	out["senderAccountId"], out["receiverAccountId"] = s.Account, p.scope.Account
	out["resources"] = toAny(s.Resources)
	return arn, out, nil
}

// leaveShare is the accepter's delete: DisassociateResourceShare by the
// receiver, which leaves the share.
func (p *Provider) leaveShare(c *Cloud, olds props) error {
	if s, ok := c.Shares[olds.str("shareArn")]; ok {
		s.drop(p.scope.Account)
	}
	c.record(p.scope, "DisassociateResourceShare", olds.str("shareArn"))
	return nil
}

// sharedWith says whether the domain reaches account: its own, or through
// a share holding it that account has accepted.
func (c *Cloud) sharedWith(d *DomainName, account string) bool {
	if d.Account == account {
		return true
	}
	for _, s := range c.Shares {
		if s.Scope == d.Scope && slices.Contains(s.Resources, d.Arn) && slices.Contains(s.Accepted, account) {
			return true
		}
	}
	return false
}

// createDomainAssociation is CreateDomainNameAccessAssociation by the
// consumer: the endpoint is its own, and the domain is its own or shared
// with it and accepted (the domain's management policy, which RAM writes,
// grants apigateway:CreateAccessAssociation: "Tasks of API providers and
// API consumers for custom domain names for private APIs"). Only the
// consumer can create it.
func (p *Provider) createDomainAssociation(c *Cloud, in props) (string, props, error) {
	domainArn, vpce := in.str("domainNameArn"), in.str("accessAssociationSource")
	if in.str("accessAssociationSourceType") != "VPCE" {
		return "", nil, awsError("CreateDomainNameAccessAssociation", "BadRequestException", "Invalid access association source type %s", in.str("accessAssociationSourceType"))
	}
	d, ok := c.Domains[domainArn]
	if !ok || d.Region != p.scope.Region {
		return "", nil, awsError("CreateDomainNameAccessAssociation", "NotFoundException", "Invalid domain name identifier specified")
	}
	if e, ok := c.Endpoints[vpce]; !ok || e.Scope != p.scope {
		return "", nil, awsError("CreateDomainNameAccessAssociation", "BadRequestException", "VPC endpoint %s not found in account %s", vpce, p.scope.Account)
	}
	if !c.sharedWith(d, p.scope.Account) {
		return "", nil, awsError("CreateDomainNameAccessAssociation", "AccessDeniedException",
			"User: arn:aws:sts::%s:assumed-role/deployer is not authorized to perform: apigateway:CreateAccessAssociation on resource: %s because no resource-based policy allows the apigateway:CreateAccessAssociation action", p.scope.Account, domainArn)
	}
	for _, a := range c.DomainAssociations {
		if a.DomainArn == domainArn && a.Vpce == vpce {
			return "", nil, awsError("CreateDomainNameAccessAssociation", "ConflictException", "A domain name access association already exists for %s and %s", domainArn, vpce)
		}
	}
	a := &DomainAssociation{Scope: p.scope, DomainArn: domainArn, Vpce: vpce,
		Arn: fmt.Sprintf("arn:aws:apigateway:%s:%s:/domainnameaccessassociations/domainname/%s+%s/vpcesource/%s", p.scope.Region, p.scope.Account, d.Name, d.Id, vpce)}
	if c.DomainAssociations == nil {
		c.DomainAssociations = map[string]*DomainAssociation{}
	}
	c.DomainAssociations[a.Arn] = a
	c.changed("association:" + a.Arn) // an association takes a while to answer
	c.record(p.scope, "CreateDomainNameAccessAssociation", a.Arn)
	out := in.clone()
	out["id"], out["arn"] = a.Arn, a.Arn
	return a.Arn, out, nil
}

func (p *Provider) deleteDomainAssociation(c *Cloud, id string) error {
	delete(c.DomainAssociations, id)
	c.record(p.scope, "DeleteDomainNameAccessAssociation", id)
	return nil
}

// createZone is CreateHostedZone for a private zone: each VPC must be the
// caller's ("InvalidVPCId", Route 53 API reference) and hold no zone of the
// same name, an endpoint's private DNS zone included (ConflictingDomainExists:
// sameNameZone).
func (p *Provider) createZone(c *Cloud, in props) (string, props, error) {
	z := &HostedZone{Scope: p.scope, Id: "Z" + strings.ToUpper(newHex(20)), Name: strings.TrimSuffix(in.str("name"), "."), Records: map[string]*ZoneRecord{}}
	for _, v := range in.list("vpcs") {
		id := props(v).str("vpcId")
		if vpc, ok := c.Vpcs[id]; !ok || vpc.Scope != p.scope {
			return "", nil, awsError("CreateHostedZone", "InvalidVPCId", "The VPC %s does not exist in account %s, region %s", id, p.scope.Account, p.scope.Region)
		}
		if other := c.sameNameZone(z.Name, id, ""); other != "" {
			return "", nil, awsError("CreateHostedZone", "ConflictingDomainExists", "The VPC %s in region %s has already been associated with %s with the same domain name.", id, p.scope.Region, other)
		}
		z.Vpcs = append(z.Vpcs, id)
	}
	if len(z.Vpcs) == 0 {
		return "", nil, fmt.Errorf("fakeaws: only private hosted zones are simulated (vpcs is empty)")
	}
	// The provider tags a new zone with ChangeTagsForResource, which takes
	// "a maximum of 10 tags to a health check or a hosted zone" (Route 53 API
	// reference, ChangeTagsForResource, AddTags); default tags count. The
	// error's wording is not documented, only its code.
	if n := p.tagCount(in); n > maxZoneTags {
		return "", nil, awsError("ChangeTagsForResource", "InvalidInput", "a hosted zone takes at most %d tags, got %d", maxZoneTags, n)
	}
	if c.Zones == nil {
		c.Zones = map[string]*HostedZone{}
	}
	c.Zones[z.Id] = z
	c.record(p.scope, "CreateHostedZone", z.Id+" "+z.Name)
	out := in.clone()
	out["id"], out["zoneId"] = z.Id, z.Id
	out["arn"] = "arn:aws:route53:::hostedzone/" + z.Id
	out["nameServers"] = []any{}
	return z.Id, out, nil
}

// maxZoneTags is Route 53's tag limit of a hosted zone.
const maxZoneTags = 10

// deleteZone is DeleteHostedZone: refused while it holds records of its
// own ("HostedZoneNotEmpty: The specified hosted zone contains non-required
// resource record sets and so cannot be deleted.", Route 53 API reference).
func (p *Provider) deleteZone(c *Cloud, id string) error {
	if z, ok := c.Zones[id]; ok && len(z.Records) > 0 {
		return awsError("DeleteHostedZone", "HostedZoneNotEmpty", "The specified hosted zone contains non-required resource record sets and so cannot be deleted.")
	}
	delete(c.Zones, id)
	c.record(p.scope, "DeleteHostedZone", id)
	return nil
}

// putRecord is ChangeResourceRecordSets CREATE (UPSERT on update): the zone
// must be the caller's ("NoSuchHostedZone") and the name within it; a
// routed record follows Route 53's rules for failover and latency records
// (routingRules).
func (p *Provider) putRecord(c *Cloud, in props, create bool) (string, props, error) {
	z, ok := c.Zones[in.str("zoneId")]
	if !ok || z.Account != p.scope.Account {
		return "", nil, awsError("ChangeResourceRecordSets", "NoSuchHostedZone", "No hosted zone found with ID: %s", in.str("zoneId"))
	}
	name := strings.TrimSuffix(in.str("name"), ".")
	if name != z.Name && !strings.HasSuffix(name, "."+z.Name) {
		return "", nil, awsError("ChangeResourceRecordSets", "InvalidChangeBatch", "[RRSet with DNS name %s. is not permitted in zone %s.]", name, z.Name)
	}
	for _, other := range []string{"weightedRoutingPolicies", "geolocationRoutingPolicies", "geoproximityRoutingPolicy", "cidrRoutingPolicy", "multivalueAnswerRoutingPolicy"} {
		if len(in.list(other)) > 0 || len(in.obj(other)) > 0 || in.boolOr(other, false) {
			return "", nil, fmt.Errorf("fakeaws: %s is not simulated (failover and latency routing are)", other)
		}
	}
	r := &ZoneRecord{Name: name, Type: in.str("type"), SetIdentifier: in.str("setIdentifier"), HealthCheckId: in.str("healthCheckId"),
		Failover: in.obj("failoverRoutingPolicies").str("type"), LatencyRegion: in.obj("latencyRoutingPolicies").str("region")}
	if aliases := in.list("aliases"); len(aliases) > 0 {
		a := props(aliases[0])
		r.AliasName, r.AliasZone = strings.TrimSuffix(a.str("name"), "."), a.str("zoneId")
		r.EvaluateTargetHealth = a.boolOr("evaluateTargetHealth", false)
	}
	key := recordKey(name, r.Type, r.SetIdentifier)
	if _, exists := z.Records[key]; exists && create {
		if r.SetIdentifier != "" {
			return "", nil, awsError("ChangeResourceRecordSets", "InvalidChangeBatch", "[Tried to create resource record set [name='%s.', type='%s', set-identifier='%s'] but it already exists]", name, r.Type, r.SetIdentifier)
		}
		return "", nil, awsError("ChangeResourceRecordSets", "InvalidChangeBatch", "[Tried to create resource record set [name='%s.', type='%s'] but it already exists]", name, in.str("type"))
	}
	if err := c.routingRules(z, key, r); err != nil {
		return "", nil, err
	}
	z.Records[key] = r
	c.record(p.scope, "ChangeResourceRecordSets", key)
	id := z.Id + "_" + name + "_" + r.Type
	if r.SetIdentifier != "" {
		id += "_" + r.SetIdentifier // the provider's ID: ZONEID_NAME_TYPE_SET-IDENTIFIER (record.go, recordParseResourceID)
	}
	out := in.clone()
	out["id"], out["fqdn"] = id, name
	return id, out, nil
}

// routingRules are ChangeResourceRecordSets' rules for record r (key) among
// the zone's records of its name and type:
//
//   - a set identifier needs a routing policy, and the reverse ("SetIdentifier:
//     Resource record sets that have a routing policy other than simple",
//     ResourceRecordSet, Route 53 API reference; the provider asks for it
//     at plan time, checkRecord; the wording of Route 53's refusal is a guess);
//   - the health check must exist (NoSuchHealthCheck, "No health check
//     exists with the specified ID.", ChangeResourceRecordSets errors); it
//     may be another account's: "You can associate a Route 53 health check
//     with a record set even if they aren't in the same AWS account"
//     (AWS re:Post knowledge center, "How do I associate a Route 53 health
//     check in a different AWS account with my record set?": by the API or
//     the CLI, which the provider uses; the console does not show it);
//   - a name and type have one routing policy: "You can't create
//     non-failover resource record sets that have the same values for the
//     Name and Type elements as failover resource record sets", and the same
//     of latency (ResourceRecordSet, Failover and Region), a simple record
//     included (InvalidChangeBatch; the wording imitates Route 53's "cannot be
//     created as a non-weighted set exists", AWS documents none);
//   - one PRIMARY and one SECONDARY ("For one resource record set, you
//     specify PRIMARY as the value for Failover; for the other resource
//     record set, you specify SECONDARY", ResourceRecordSet, Failover) and
//     one latency record per region ("You can only create one latency
//     resource record set for each Amazon EC2 Region", ResourceRecordSet,
//     Region); both refusals' wording is a guess.
//
// Private hosted zones take failover and latency records ("Failover
// routing", "Latency-based routing", "Considerations when working with a
// private hosted zone": supported routing policies, Route 53 developer guide).
func (c *Cloud) routingRules(z *HostedZone, key string, r *ZoneRecord) error {
	bad := func(code, format string, args ...any) error {
		return awsError("ChangeResourceRecordSets", code, format, args...)
	}
	switch {
	case r.SetIdentifier != "" && r.policy() == "":
		return bad("InvalidInput", "Invalid request: SetIdentifier %q given for a record without a routing policy [name='%s.', type='%s']", r.SetIdentifier, r.Name, r.Type)
	case r.SetIdentifier == "" && r.policy() != "":
		return bad("InvalidInput", "Invalid request: Missing field 'SetIdentifier' in a %s record [name='%s.', type='%s']", r.policy(), r.Name, r.Type)
	}
	if r.HealthCheckId != "" {
		if _, ok := c.HealthChecks[r.HealthCheckId]; !ok {
			return bad("NoSuchHealthCheck", "No health check exists with the specified ID %s.", r.HealthCheckId)
		}
	}
	for k, o := range z.Records {
		if k == key || o.Name != r.Name || o.Type != r.Type {
			continue
		}
		switch {
		case o.policy() != r.policy():
			kind := r.policy()
			if kind == "" {
				kind = o.policy()
			}
			return bad("InvalidChangeBatch", "[RRSet with DNS name %s., type %s cannot be created as a non-%s set exists with the same name and type.]", r.Name, r.Type, kind)
		case r.Failover != "" && o.Failover == r.Failover:
			return bad("InvalidChangeBatch", "[Tried to create resource record set [name='%s.', type='%s', set-identifier='%s'] but a %s failover record [set-identifier='%s'] already exists]", r.Name, r.Type, r.SetIdentifier, r.Failover, o.SetIdentifier)
		case r.LatencyRegion != "" && o.LatencyRegion == r.LatencyRegion:
			return bad("InvalidChangeBatch", "[Tried to create resource record set [name='%s.', type='%s', set-identifier='%s'] but a latency record for region %s [set-identifier='%s'] already exists]", r.Name, r.Type, r.SetIdentifier, r.LatencyRegion, o.SetIdentifier)
		}
	}
	return nil
}

func (p *Provider) deleteRecord(c *Cloud, olds props) error {
	if z, ok := c.Zones[olds.str("zoneId")]; ok {
		delete(z.Records, recordKey(strings.TrimSuffix(olds.str("name"), "."), olds.str("type"), olds.str("setIdentifier")))
	}
	c.record(p.scope, "ChangeResourceRecordSets", "DELETE "+olds.str("name"))
	return nil
}

// readRecord is the provider's read (findResourceRecordSetByFourPartKey:
// zone, name, type and set identifier): a record that is gone is reported
// gone; otherwise its routing as Route 53 holds it (set identifier, failover
// or latency policy, health check), so a change outside Pulumi shows.
func (p *Provider) readRecord(c *Cloud, state props, resp *pulumirpc.ReadResponse) error {
	z, ok := c.Zones[state.str("zoneId")]
	var r *ZoneRecord
	if ok {
		r = z.Records[recordKey(strings.TrimSuffix(state.str("name"), "."), state.str("type"), state.str("setIdentifier"))]
	}
	if r == nil {
		resp.Id, resp.Properties, resp.Inputs = "", nil, nil
		return nil
	}
	out := state.clone()
	delete(out, "failoverRoutingPolicies")
	delete(out, "latencyRoutingPolicies")
	delete(out, "setIdentifier")
	delete(out, "healthCheckId")
	if r.SetIdentifier != "" {
		out["setIdentifier"] = r.SetIdentifier
	}
	if r.HealthCheckId != "" {
		out["healthCheckId"] = r.HealthCheckId
	}
	if r.Failover != "" {
		out["failoverRoutingPolicies"] = []any{map[string]any{"type": r.Failover}}
	}
	if r.LatencyRegion != "" {
		out["latencyRoutingPolicies"] = []any{map[string]any{"region": r.LatencyRegion}}
	}
	s, err := structpb.NewStruct(out)
	if err != nil {
		return err
	}
	resp.Properties = s
	return nil
}

// resolveDomain is the VPC resolver for a name of a private hosted zone
// associated with the function's VPC: the endpoint an alias A record
// points at, nil when the name has none. A name with failover or latency
// records answers the record Route 53 chooses (answer).
func (c *Cloud) resolveDomain(f *Function, host string) *Endpoint {
	for _, z := range c.Zones {
		if !c.zoneInVpc(z, f.VpcId) {
			continue
		}
		r := c.answer(z, host, "A", f.Region)
		if r == nil {
			continue
		}
		if e := c.aliasEndpoint(r); e != nil {
			return e
		}
	}
	return nil
}

// aliasEndpoint is the interface endpoint a record's alias names, nil when
// none.
func (c *Cloud) aliasEndpoint(r *ZoneRecord) *Endpoint {
	for _, e := range c.Endpoints {
		if strings.HasPrefix(r.AliasName, e.Id+"-"+e.DnsSuffix+".") {
			return e
		}
	}
	return nil
}

// recordHealthy says whether Route 53 takes record r of zone z as healthy
// ("How Amazon Route 53 chooses records when health checking is
// configured": a record with a health check is as healthy as its health
// check; an alias with Evaluate target health is as healthy as its target;
// "Records without a health check are always healthy"). AWS does not say
// what makes an interface endpoint healthy as an alias target: here it is
// healthy while it exists.
func (c *Cloud) recordHealthy(z *HostedZone, r *ZoneRecord) bool {
	if r.HealthCheckId != "" && !c.healthCheckHealthy(r.HealthCheckId) {
		return false
	}
	return !r.EvaluateTargetHealth || c.aliasEndpoint(r) != nil
}

// answer is the record of zone z Route 53 answers a query for name and typ
// with, from a VPC of region; nil when there is none.
//
// A simple record answers as it is. Failover (ResourceRecordSet, Failover,
// Route 53 API reference): "When the primary resource record set is
// healthy, Route 53 responds to DNS queries with the applicable value from
// the primary resource record set regardless of the health of the secondary
// resource record set. When the primary resource record set is unhealthy
// and the secondary resource record set is healthy, Route 53 responds ...
// from the secondary ... When the secondary resource record set is
// unhealthy, Route 53 responds ... from the primary resource record set
// regardless of the health of the primary", so with both unhealthy the
// primary answers. Latency ("Latency-based routing"): the record of the
// region with the lowest latency among the healthy ones, and when none is
// healthy all count as healthy ("How Amazon Route 53 chooses records when
// health checking is configured"). The simulation has no latency to
// measure: the querying VPC's own region is taken as the nearest, and the
// other regions in the order of their names; real Route 53 measures latency
// between networks, so a region's next-nearest is not modelled.
func (c *Cloud) answer(z *HostedZone, name, typ, region string) *ZoneRecord {
	var group []*ZoneRecord
	for _, r := range z.Records {
		if r.Name == name && r.Type == typ {
			group = append(group, r)
		}
	}
	if len(group) == 0 {
		return nil
	}
	switch group[0].policy() {
	case "failover":
		var primary, secondary *ZoneRecord
		for _, r := range group {
			if r.Failover == "PRIMARY" {
				primary = r
			} else {
				secondary = r
			}
		}
		switch {
		case primary == nil:
			return secondary
		case c.recordHealthy(z, primary) || secondary == nil || !c.recordHealthy(z, secondary):
			return primary
		}
		return secondary
	case "latency":
		sort.Slice(group, func(i, j int) bool {
			ri, rj := group[i].LatencyRegion == region, group[j].LatencyRegion == region
			if ri != rj {
				return ri
			}
			return group[i].LatencyRegion < group[j].LatencyRegion
		})
		for _, r := range group {
			if c.recordHealthy(z, r) {
				return r
			}
		}
		return group[0]
	}
	return group[0]
}

// domainFor is the domain the endpoint's association for host names, nil
// when the endpoint has none (or it is still propagating).
func (c *Cloud) domainFor(endpoint *Endpoint, host string) *DomainName {
	for _, a := range c.DomainAssociations {
		d, ok := c.Domains[a.DomainArn]
		if !ok || a.Vpce != endpoint.Id || d.Name != host {
			continue
		}
		if n := c.Stale["association:"+a.Arn]; n > 0 {
			c.Stale["association:"+a.Arn] = n - 1
			return nil
		}
		return d
	}
	return nil
}

// mappingFor is the longest base path of d that prefixes path: the API,
// the stage and the rest of the path; false when none maps it.
func (d *DomainName) mappingFor(path string) (apiId, stage, rest string, ok bool) {
	trimmed := strings.TrimPrefix(path, "/")
	best := -1
	for base, target := range d.Mappings {
		if base != "" && trimmed != base && !strings.HasPrefix(trimmed, base+"/") {
			continue
		}
		if len(base) > best {
			best = len(base)
			apiId, stage, _ = strings.Cut(target, "/")
			rest = "/" + strings.TrimPrefix(strings.TrimPrefix(trimmed, base), "/")
		}
	}
	return apiId, stage, rest, best >= 0
}

// CallFrom answers one HTTPS GET of url made by the function named name,
// as the probe's calls are answered: for tests that ask whether a consumer
// still gets through.
func (c *Cloud) CallFrom(name, url string) (status int, failure string) {
	f, ok := c.Functions[name]
	if !ok {
		return 0, "no function " + name
	}
	r := c.simulateCall(f, url, nil, false)
	return r.Status, r.Failure
}

// CallFromWorkload answers one HTTPS GET of url made, as the probe's calls
// are answered, by a workload of account's VPC vpcId at an address in cidr
// (its own subnet) whose security group allows 443 out anywhere: for tests
// of a stack without a probe. The workload is not kept.
func (c *Cloud) CallFromWorkload(scope Scope, vpcId, cidr, url string) (status int, failure string) {
	return c.CallFromWorkloadWith(scope, vpcId, cidr, url, nil)
}

// CallFromWorkloadWith is CallFromWorkload with request headers (the Host
// or x-apigw-api-id of the public-DNS invoke forms).
func (c *Cloud) CallFromWorkloadWith(scope Scope, vpcId, cidr, url string, headers map[string]string) (status int, failure string) {
	a := c.AnswerWorkload(scope, vpcId, cidr, url, headers)
	return a.Status, a.Failure
}

// CallAnswer is a workload call's answer (an HTTP status, or a failure:
// "dns", "timeout") and where it went: the endpoint the name led to, the
// region whose API Gateway answered (the endpoint's; "" when the call did
// not get there) and the API it reached.
type CallAnswer struct {
	Status   int    `json:"status"`
	Failure  string `json:"failure,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
	Region   string `json:"region,omitempty"`
	ApiId    string `json:"apiId,omitempty"`
}

// AnswerWorkload is CallFromWorkloadWith telling where the call went: a
// call to a private custom domain whose records fail over or route by
// latency reaches the endpoint, and the region, that the VPC's resolver
// answers with (resolveDomain).
func (c *Cloud) AnswerWorkload(scope Scope, vpcId, cidr, url string, headers map[string]string) CallAnswer {
	const subnet, group = "subnet-0workload0000000", "sg-0workload000000000"
	c.Subnets[subnet] = &Subnet{Scope: scope, Id: subnet, VpcId: vpcId, CidrBlock: cidr}
	c.SecurityGroups[group] = &SecurityGroup{Scope: scope, Id: group, VpcId: vpcId, EgressCidrs: []string{"0.0.0.0/0"}}
	defer func() { delete(c.Subnets, subnet); delete(c.SecurityGroups, group) }()
	f := &Function{Scope: scope, Name: "workload", VpcId: vpcId, SubnetIds: []string{subnet}, SecurityGroupIds: []string{group}}
	var trace callTrace
	r := c.traceCall(f, url, headers, false, &trace)
	a := CallAnswer{Status: r.Status, Failure: r.Failure, Endpoint: trace.Endpoint, ApiId: trace.ApiId}
	if r.Failure == "" {
		a.Region = trace.Region
	}
	return a
}
