package components

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ram"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// A PRIVATE custom domain name ("Custom domain names for private APIs in API
// Gateway", November 2024): the producer creates it with its own execute-api
// policy, maps the API's stage to it and shares it with each consumer
// account through AWS RAM; a consumer accepts the share (unless both are in
// one organization with RAM sharing on, where RAM accepts it), associates
// its endpoint with the domain (a domain name access association, which
// only the consumer can create) and resolves the name in its VPC with a
// Route 53 private hosted zone whose alias points at the endpoint. Both the
// domain's policy and the API's resource policy must admit the endpoint.

// CustomDomainArgs are the API's private custom domain name.
type CustomDomainArgs struct {
	// Name is the domain name, e.g. orders.internal.example.com: lowercase
	// DNS labels, at most 253 characters. It need not be unique across
	// accounts (the domain's ARN is). Required.
	Name string `pulumi:"name"`
	// CertificateArn is an ACM certificate of the producer account in the
	// API's region that covers Name (a private domain takes a regional
	// certificate): RSA with a 2048-bit key, or ECDSA P-256 or P-384, the
	// only key types a private custom domain supports. Required.
	CertificateArn string `pulumi:"certificateArn"`
	// BasePath maps the stage under https://{Name}/{BasePath}; "" maps it
	// at the root. One path segment: pulumi-aws 6.83.4's BasePathMapping
	// cannot read, update or delete a mapping of a private domain whose base
	// path has a "/". Optional.
	BasePath string `pulumi:"basePath,optional"`
	// SecurityPolicy is the domain's TLS policy: TLS_1_2 (TLS 1.2 and 1.3,
	// the default). TLS_1_0 is refused, and so are the enhanced
	// SecurityPolicy_… policies: they need the domain's endpoint access mode,
	// which pulumi-aws 6.83.4's DomainName cannot set. Optional.
	SecurityPolicy string `pulumi:"securityPolicy,optional"`
	// SameOrganization says every consumer account is in the producer's AWS
	// Organization with RAM sharing enabled for it: the share then admits
	// no external principals and RAM accepts it for the consumers, so no
	// share accepter is created. Optional, default false (external
	// principals allowed; each consumer account accepts the share).
	SameOrganization bool `pulumi:"sameOrganization,optional"`
}

// Invoke form of the custom domain.
const (
	// InvokeCustomDomain is https://{name}/{basePath}, through the domain.
	InvokeCustomDomain = "customDomain"
	// domainAssociationSource is the only access association source type.
	domainAssociationSource = "VPCE"
)

// Expectations of the custom domain's values.

var (
	domainLabel    = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	certificateArn = regexp.MustCompile(`^arn:aws:acm:([a-z0-9-]+):(\d{12}):certificate/[0-9a-f-]{36}$`)
	basePathShape  = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)
)

// validDomainName says whether name is a DNS name a private custom domain
// can have.
func validDomainName(name string) bool {
	labels := strings.Split(name, ".")
	if len(name) > 253 || len(labels) < 2 || strings.HasSuffix(name, ".amazonaws.com") || name == "amazonaws.com" {
		return false
	}
	for _, l := range labels {
		if !domainLabel.MatchString(l) {
			return false
		}
	}
	return true
}

// securityPolicy is the domain's TLS policy, with the default.
func (d *CustomDomainArgs) securityPolicy() string {
	if d.SecurityPolicy == "" {
		return SecurityPolicyTls12
	}
	return d.SecurityPolicy
}

// Validate checks the domain of an API in region and producer account, as
// FieldErrors (name, certificateArn, basePath, securityPolicy).
func (d *CustomDomainArgs) Validate(region, producerAccount string) error {
	var f fieldErrs
	if d == nil {
		return nil
	}
	if !validDomainName(d.Name) {
		f.bad("name", d.Name, vocab.ExpectDomainName)
	}
	switch parts := certificateArn.FindStringSubmatch(d.CertificateArn); {
	case parts == nil:
		f.bad("certificateArn", d.CertificateArn, vocab.ExpectCertificateArn)
	case parts[1] != region:
		f.add("certificateArn", "got a certificate in %s; a private custom domain takes an ACM certificate in the API's region, %s", parts[1], region)
	case parts[2] != producerAccount:
		f.add("certificateArn", "got a certificate of account %s; the domain is the producer's, so its certificate must be in account %s", parts[2], producerAccount)
	}
	switch {
	case d.BasePath != "" && strings.Contains(strings.Trim(d.BasePath, "/"), "/"):
		// AWS does not support multi-level base path mappings for private
		// custom domains ("Custom domain names for private APIs in API
		// Gateway", considerations), and the provider could not manage one:
		// its mapping ID is DOMAIN/BASEPATH/DOMAIN-ID, read back with
		// strings.SplitN(id, "/", 3) (terraform-provider-aws
		// internal/service/apigateway/base_path_mapping.go,
		// basePathMappingParseResourceID), so a second segment is taken for
		// the domain's ID and its reads, updates and deletes address a
		// mapping that does not exist.
		f.add("basePath", "got %q, a multi-level base path; a private custom domain's mapping takes one segment (e.g. %q), as pulumi-aws 6.83.4 cannot read, update or delete a private domain's mapping whose base path has a /", d.BasePath, strings.SplitN(strings.Trim(d.BasePath, "/"), "/", 2)[0])
	case d.BasePath != "" && (!basePathShape.MatchString(d.BasePath) || len(d.BasePath) > 255):
		f.bad("basePath", d.BasePath, vocab.ExpectBasePath)
	}
	switch p := d.securityPolicy(); {
	case p == SecurityPolicyTls10:
		f.add("securityPolicy", "got %q, which admits TLS 1.0 and 1.1; expected %s (TLS 1.2 at least)", p, SecurityPolicyTls12)
	case enhancedPolicy.MatchString(p):
		f.add("securityPolicy", "got %q; an enhanced policy needs the domain's endpoint access mode, which pulumi-aws 6.83.4 cannot set on a domain name: expected %s", p, SecurityPolicyTls12)
	case p != SecurityPolicyTls12:
		f.bad("securityPolicy", p, SecurityPolicyTls12)
	}
	return f.err()
}

// domainPolicyJson is the domain's execute-api policy: Deny unless the call
// comes through one of the endpoints, then Allow (the Deny bounds it, so
// the endpoints are listed once), on the domain
// ("execute-api:/*", which API Gateway reads as the domain's own ARN: the
// ARN carries the domain's ID, which does not exist before the domain).
func domainPolicyJson(endpoints []string) (string, error) {
	vpces := append([]string{}, endpoints...)
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{
			{"Sid": "DenyUnlessListedEndpoint", "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
				"Resource": "execute-api:/*", "Condition": map[string]any{"StringNotEquals": map[string]any{"aws:SourceVpce": vpces}}},
			{"Sid": "AllowThroughListedEndpoints", "Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
				"Resource": "execute-api:/*"},
		},
	}
	b, err := json.Marshal(doc)
	return string(b), err
}

// domainInvokeArn is the execute-api ARN of a private custom domain, given
// its apigateway ARN (arn:<partition>:apigateway:<region>:<account>:/domainnames/<name>+<id>):
// arn:<partition>:execute-api:<region>:<account>:/domainnames/<name>+<id>, the
// resource a VPC endpoint policy must allow for calls through the domain
// ("Use VPC endpoint policies for private APIs in API Gateway", examples 4
// and 5; the Service Authorization Reference's execute-api-domain type).
func domainInvokeArn(domainArn string) string {
	parts := strings.SplitN(domainArn, ":", 6)
	if len(parts) != 6 {
		return domainArn
	}
	parts[2] = "execute-api"
	return strings.Join(parts, ":")
}

// DomainOutputs are the producer's private custom domain, as a stack
// publishes it for its consumer stacks.
type DomainOutputs struct {
	// Name and Arn are the domain's; ShareArn its RAM share ("" when no
	// consumer is in another account).
	Name, Arn, ShareArn pulumi.StringOutput
	// BasePath is the stage's mapping; SameOrganization the args' flag.
	BasePath         string
	SameOrganization bool
	// InvitedAccounts are the consumer accounts the share invites (one
	// principal association each), sorted: a refresh and up of the producer
	// sends each a new invitation once one has expired (RAM invitations
	// expire 12 hours after they are sent).
	InvitedAccounts []string
}

// PublishedDomain is what a consumer needs of the producer's private custom
// domain: its name and ARN, the mapping's base path, the RAM share and
// whether the consumer must accept it.
type PublishedDomain struct {
	// Name, Arn and BasePath are the domain's.
	Name     pulumi.StringInput `pulumi:"name"`
	Arn      pulumi.StringInput `pulumi:"arn"`
	BasePath string             `pulumi:"basePath,optional"`
	// ShareArn is the RAM resource share of the domain, "" when the
	// consumer is in the producer's own account (nothing is shared then).
	ShareArn pulumi.StringInput `pulumi:"shareArn,optional"`
	// AcceptShare says the consumer accepts the share itself (external
	// principals); false within one organization.
	AcceptShare bool `pulumi:"acceptShare,optional"`
}

// privateDomain is the producer side of a custom domain.
type privateDomain struct {
	domain *apigateway.DomainName
	// shareArn is the RAM share's ARN ("" when no consumer is in another account).
	shareArn pulumi.StringOutput
	// shared are the principal associations, by consumer account.
	shared map[string]pulumi.Resource
}

// domainInputs is what newPrivateDomain builds on.
type domainInputs struct {
	name, stageName, producerAccount string
	args                             *CustomDomainArgs
	endpointIds                      pulumi.StringArrayOutput
	restApiId                        pulumi.StringOutput
	consumerAccounts                 []string
	stage                            pulumi.Resource
	tags                             pulumi.StringMapInput
	protect                          bool
}

// newPrivateDomain registers, in the producer account, the PRIVATE domain
// with its policy, the stage's base path mapping (by the domain's ID, which
// a private domain needs) and, for consumers of other accounts, the RAM
// share of the domain with one principal association per account.
func newPrivateDomain(ctx *pulumi.Context, parent pulumi.Resource, in domainInputs, producer pulumi.ResourceOption) (*privateDomain, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(parent), producer}
	policy := in.endpointIds.ApplyT(func(ids []string) (string, error) { return domainPolicyJson(ids) }).(pulumi.StringOutput)
	domain, err := apigateway.NewDomainName(ctx, in.name+"-domain", &apigateway.DomainNameArgs{
		DomainName:            pulumi.String(in.args.Name),
		CertificateArn:        pulumi.String(in.args.CertificateArn),
		SecurityPolicy:        pulumi.String(in.args.securityPolicy()),
		EndpointConfiguration: &apigateway.DomainNameEndpointConfigurationArgs{Types: pulumi.String("PRIVATE")},
		Policy:                policy,
		Tags:                  in.tags,
	}, append(opts, protectWhen(in.protect))...)
	if err != nil {
		return nil, err
	}
	mapping := &apigateway.BasePathMappingArgs{
		DomainName:   domain.DomainName,
		DomainNameId: domain.DomainNameId,
		RestApi:      in.restApiId,
		StageName:    pulumi.String(in.stageName),
	}
	if in.args.BasePath != "" {
		mapping.BasePath = pulumi.String(in.args.BasePath)
	}
	if _, err := apigateway.NewBasePathMapping(ctx, in.name+"-domain-mapping", mapping, append(opts, pulumi.DependsOn([]pulumi.Resource{in.stage}))...); err != nil {
		return nil, err
	}
	out := &privateDomain{domain: domain, shareArn: pulumi.String("").ToStringOutput(), shared: map[string]pulumi.Resource{}}
	var others []string
	for _, a := range in.consumerAccounts {
		if a != in.producerAccount && !slices.Contains(others, a) {
			others = append(others, a)
		}
	}
	if len(others) == 0 {
		return out, nil
	}
	share, err := ram.NewResourceShare(ctx, in.name+"-domain-share", &ram.ResourceShareArgs{
		Name:                    pulumi.String(fmt.Sprintf("%s-%s-domain", in.name, in.stageName)),
		AllowExternalPrincipals: pulumi.Bool(!in.args.SameOrganization),
		Tags:                    in.tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	shared, err := ram.NewResourceAssociation(ctx, in.name+"-domain-share-domain", &ram.ResourceAssociationArgs{
		ResourceArn:      domain.Arn,
		ResourceShareArn: share.Arn,
	}, opts...)
	if err != nil {
		return nil, err
	}
	for _, a := range others {
		// Deleted before it is replaced: the association is the share and
		// the account, so a new one made first would be undone by the old
		// one's DisassociateResourceShare; a replacement (pulumi up
		// --replace) sends a new invitation.
		p, err := ram.NewPrincipalAssociation(ctx, in.name+"-domain-share-"+a, &ram.PrincipalAssociationArgs{
			Principal:        pulumi.String(a),
			ResourceShareArn: share.Arn,
		}, append(opts, pulumi.DependsOn([]pulumi.Resource{shared}), pulumi.DeleteBeforeReplace(true))...)
		if err != nil {
			return nil, err
		}
		out.shared[a] = p
	}
	out.shareArn = share.Arn
	return out, nil
}

// published is the domain as a consumer in account sees it.
func (d *privateDomain) published(args *CustomDomainArgs, account string) *PublishedDomain {
	p := &PublishedDomain{Name: d.domain.DomainName, Arn: d.domain.Arn, BasePath: args.BasePath, ShareArn: pulumi.String("")}
	if _, other := d.shared[account]; other {
		p.ShareArn, p.AcceptShare = d.shareArn, !args.SameOrganization
	}
	return p
}

// domainSteps are the steps the team that owns an existing endpoint takes
// in its own account to call the API by the custom domain: accept the
// share, associate the endpoint, allow the domain in the endpoint's policy
// (API Gateway evaluates it against the domain's execute-api ARN, and
// against the API's ARN for the API behind the domain), resolve the name in
// its VPC. executionArn is the API's.
func domainSteps(region, domainName, domainArn, shareArn, vpce, executionArn string, acceptShare bool) []string {
	var steps []string
	if acceptShare {
		steps = append(steps, fmt.Sprintf("aws ram get-resource-share-invitations --region %s --resource-share-arns %s, then aws ram accept-resource-share-invitation --region %s --resource-share-invitation-arn <its invitation ARN> (within 12 hours of the share)", region, shareArn, region))
	}
	steps = append(steps,
		fmt.Sprintf("aws apigateway create-domain-name-access-association --region %s --domain-name-arn %s --access-association-source %s --access-association-source-type VPCE", region, domainArn, vpce),
		fmt.Sprintf("the endpoint %s's policy (when it is not the default full access) allows execute-api:Invoke on %s (the domain) and on %s/* (the API behind it)", vpce, domainInvokeArn(domainArn), executionArn),
		fmt.Sprintf("a Route 53 private hosted zone %s associated with the endpoint's VPC (enableDnsSupport and enableDnsHostnames on), with an alias A record %s to the endpoint %s's regional DNS name", domainName, domainName, vpce),
	)
	return steps
}

// newCrossAccountDomain registers the domain of a CrossAccountPrivateApi:
// the producer's side, then each consumer's (one share accepter per
// account, for all its consumers); an existing endpoint gets the share and
// its steps in DomainSteps.
func newCrossAccountDomain(ctx *pulumi.Context, name string, comp *CrossAccountPrivateApi, args *CrossAccountPrivateApiArgs, side consumerSide, api *PrivateRestApi, stage *StageDeployment) error {
	var accounts []string
	byAccount := map[string][]string{}
	for _, c := range args.Consumers {
		if c.viaHub() {
			continue // the network account holds its endpoint
		}
		accounts = append(accounts, c.AccountId)
		byAccount[c.AccountId] = append(byAccount[c.AccountId], c.Name)
	}
	if args.Hub != nil {
		accounts = append(accounts, args.Hub.AccountId)
	}
	domain, err := newPrivateDomain(ctx, comp, domainInputs{
		name: name, stageName: args.StageName, producerAccount: args.ProducerAccountId, args: args.CustomDomain,
		endpointIds: comp.VpcEndpointIds, restApiId: api.RestApiId, consumerAccounts: accounts, stage: stage.Stage,
		tags: args.Tags, protect: args.Protect,
	}, pulumi.Provider(args.ProducerProvider))
	if err != nil {
		return err
	}
	comp.Domain = &DomainOutputs{Name: domain.domain.DomainName, Arn: domain.domain.Arn, ShareArn: domain.shareArn,
		BasePath: args.CustomDomain.BasePath, SameOrganization: args.CustomDomain.SameOrganization,
		InvitedAccounts: slices.Sorted(maps.Keys(domain.shared))}
	accepters := map[string]pulumi.Resource{}
	// An account with an endpoint created here accepts the share itself; the
	// team of an endpoint owned elsewhere in that account must not (RAM
	// invites an account once: the second acceptance finds no invitation).
	acceptsHere := map[string]bool{}
	for _, c := range args.Consumers {
		if comp.Consumers[c.Name].Endpoint != nil {
			acceptsHere[c.AccountId] = true
		}
	}
	if args.Hub != nil {
		acceptsHere[args.Hub.AccountId] = true
	}
	var spokesReady pulumi.StringOutput
	for _, c := range args.Consumers {
		access := comp.Consumers[c.Name]
		if c.viaHub() {
			// The spoke calls the domain's name through the hub (newHubDomainAccess).
			access.Domain = &PublishedDomain{Name: domain.domain.DomainName, Arn: domain.domain.Arn, BasePath: args.CustomDomain.BasePath, ShareArn: pulumi.String("")}
			continue
		}
		pub := domain.published(args.CustomDomain, c.AccountId)
		access.Domain = pub
		if access.Endpoint == nil {
			accept := pub.AcceptShare && !acceptsHere[c.AccountId]
			access.DomainSteps = pulumi.All(pub.Name, pub.Arn, pub.ShareArn, access.EndpointId, api.ExecutionArn).ApplyT(func(v []any) []string {
				return domainSteps(args.Region, v[0].(string), v[1].(string), v[2].(string), v[3].(string), v[4].(string), accept)
			}).(pulumi.StringArrayOutput)
			continue
		}
		var after []pulumi.Resource
		if p, ok := domain.shared[c.AccountId]; ok {
			after = append(after, p)
		}
		accepter, ok := accepters[c.AccountId]
		if !ok && pub.AcceptShare {
			if accepter, err = side.newShareAccepter(ctx, c.AccountId, byAccount[c.AccountId], pub.ShareArn, side.consumerOpts(c), after); err != nil {
				return fmt.Errorf("consumer %s: %w", c.Name, err)
			}
			accepters[c.AccountId] = accepter
		}
		da, err := side.newDomainAccess(ctx, c, access, pub, accepter, after)
		if err != nil {
			return fmt.Errorf("consumer %s: %w", c.Name, err)
		}
		access.domainReady = da.ready
	}
	if args.Hub == nil {
		return nil
	}
	spokesReady, err = newHubDomainAccess(ctx, name, comp, args, side, domain, accepters, byAccount)
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	for _, c := range args.spokes() {
		comp.Consumers[c.Name].domainReady = spokesReady
	}
	return nil
}
