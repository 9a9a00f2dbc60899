package fakeaws

import (
	"fmt"
	"slices"
	"strings"
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

// ZoneRecord is a record set; an alias names its target.
type ZoneRecord struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	AliasName string `json:"aliasName"`
	AliasZone string `json:"aliasZone"`
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
// must be the caller's ("NoSuchHostedZone") and the name within it.
func (p *Provider) putRecord(c *Cloud, in props, create bool) (string, props, error) {
	z, ok := c.Zones[in.str("zoneId")]
	if !ok || z.Account != p.scope.Account {
		return "", nil, awsError("ChangeResourceRecordSets", "NoSuchHostedZone", "No hosted zone found with ID: %s", in.str("zoneId"))
	}
	name := strings.TrimSuffix(in.str("name"), ".")
	if name != z.Name && !strings.HasSuffix(name, "."+z.Name) {
		return "", nil, awsError("ChangeResourceRecordSets", "InvalidChangeBatch", "[RRSet with DNS name %s. is not permitted in zone %s.]", name, z.Name)
	}
	key := name + " " + in.str("type")
	if _, exists := z.Records[key]; exists && create {
		return "", nil, awsError("ChangeResourceRecordSets", "InvalidChangeBatch", "[Tried to create resource record set [name='%s.', type='%s'] but it already exists]", name, in.str("type"))
	}
	r := &ZoneRecord{Name: name, Type: in.str("type")}
	if aliases := in.list("aliases"); len(aliases) > 0 {
		r.AliasName, r.AliasZone = strings.TrimSuffix(props(aliases[0]).str("name"), "."), props(aliases[0]).str("zoneId")
	}
	z.Records[key] = r
	c.record(p.scope, "ChangeResourceRecordSets", key)
	id := z.Id + "_" + name + "_" + r.Type
	out := in.clone()
	out["id"], out["fqdn"] = id, name
	return id, out, nil
}

func (p *Provider) deleteRecord(c *Cloud, olds props) error {
	if z, ok := c.Zones[olds.str("zoneId")]; ok {
		delete(z.Records, strings.TrimSuffix(olds.str("name"), ".")+" "+olds.str("type"))
	}
	c.record(p.scope, "ChangeResourceRecordSets", "DELETE "+olds.str("name"))
	return nil
}

// resolveDomain is the VPC resolver for a name of a private hosted zone
// associated with the function's VPC: the endpoint an alias A record
// points at, nil when the name has none.
func (c *Cloud) resolveDomain(f *Function, host string) *Endpoint {
	for _, z := range c.Zones {
		if !c.zoneInVpc(z, f.VpcId) {
			continue
		}
		r, ok := z.Records[host+" A"]
		if !ok {
			continue
		}
		for _, e := range c.Endpoints {
			if strings.HasPrefix(r.AliasName, e.Id+"-"+e.DnsSuffix+".") {
				return e
			}
		}
	}
	return nil
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
	const subnet, group = "subnet-0workload0000000", "sg-0workload000000000"
	c.Subnets[subnet] = &Subnet{Scope: scope, Id: subnet, VpcId: vpcId, CidrBlock: cidr}
	c.SecurityGroups[group] = &SecurityGroup{Scope: scope, Id: group, VpcId: vpcId, EgressCidrs: []string{"0.0.0.0/0"}}
	defer func() { delete(c.Subnets, subnet); delete(c.SecurityGroups, group) }()
	f := &Function{Scope: scope, Name: "workload", VpcId: vpcId, SubnetIds: []string{subnet}, SecurityGroupIds: []string{group}}
	r := c.simulateCall(f, url, headers, false)
	return r.Status, r.Failure
}
