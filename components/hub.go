package components

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// How a consumer reaches the API (ConsumerArgs.Via).
const (
	// ViaOwn gives the consumer an endpoint of its own (or names one it
	// has: EndpointId). The default.
	ViaOwn = "own"
	// ViaHub makes the consumer a spoke of the hub endpoint (HubArgs): its
	// VPC reaches the hub VPC over a Transit Gateway (or peering) and calls
	// through the hub's endpoint; nothing is placed in its VPC.
	ViaHub = "hub"
)

// How spokes resolve the API's names (HubArgs.Dns).
const (
	// HubDnsNone leaves DNS alone: spokes call the hub endpoint's regional
	// name with a Host or x-apigw-api-id header, or the API's
	// {api-id}-{vpce-id} alias name, which AWS's public DNS answers.
	HubDnsNone = "none"
	// HubDnsPhz is a private hosted zone in the network account named
	// {api-id}.execute-api.{region}.amazonaws.com, with an alias to the hub
	// endpoint, associated with every spoke VPC across accounts: spokes call
	// the API by its own name. Each spoke then needs its account's provider
	// (Provider or Credentials) for its zone association.
	HubDnsPhz = "phz"
	// HubDnsProfile puts that zone in a Route 53 Profile of the network
	// account, shared through RAM with the spokes' accounts and associated
	// with every spoke VPC (one Profile per VPC): spokes call the API by its
	// own name. Each spoke then needs its account's provider for its VPC's
	// Profile association, unless HubArgs.ProfileId names a Profile the
	// spoke VPCs have already.
	HubDnsProfile = "profile"
)

// HubArgs describe a hub: one execute-api endpoint in a shared network
// account's VPC that the spoke consumers (ConsumerArgs.Via ViaHub) reach
// over their Transit Gateway. Its security group opens 443 to the spokes'
// AllowedCidrs only, its policy allows invoking this API only, and the API's
// resource policy admits each spoke through it by aws:VpcSourceIp (its
// AllowedCidrs) and, with AWS_IAM, by its principals.
type HubArgs struct {
	// AccountId is the network account that holds the hub VPC: Provider
	// must act there. Required.
	AccountId string `pulumi:"accountId"`
	// Provider is the network account's AWS provider (see
	// ConsumerArgs.Provider). Exactly one of Provider and Credentials.
	Provider *aws.Provider
	// Credentials make the composition build the network account's provider
	// itself, pinned to AccountId and the region. Exactly one of Provider
	// and Credentials.
	Credentials *AccountCredentials `pulumi:"credentials,optional"`
	// VpcId and SubnetIds are the hub VPC and the subnets the endpoint gets
	// an interface in (one per zone). Required.
	VpcId     pulumi.StringInput      `pulumi:"vpcId"`
	SubnetIds pulumi.StringArrayInput `pulumi:"subnetIds"`
	// Dns is how spokes resolve the API's names: HubDnsNone, HubDnsPhz or
	// HubDnsProfile. Required.
	Dns string `pulumi:"dns"`
	// ProfileId, with HubDnsProfile, is an existing Route 53 Profile of the
	// network account (rp-…) that is shared with the spokes' accounts and
	// associated with every spoke VPC already: the hub's zone is added to
	// it and nothing else is created, in the network account or the
	// spokes' (a VPC holds one Profile, so a VPC that has one keeps it).
	// Optional: without it the hub creates a Profile, shares it and
	// associates it with each spoke VPC.
	ProfileId string `pulumi:"profileId,optional"`
	// SameOrganization, with HubDnsProfile and no ProfileId, says every
	// spoke account is in the network account's AWS Organization with RAM
	// sharing enabled: the Profile's share then admits no external
	// principals and RAM accepts it for the spokes, so no share accepter is
	// created. Optional, default false (each spoke account accepts the
	// share's invitation).
	SameOrganization bool `pulumi:"sameOrganization,optional"`
	// EndpointId is the hub endpoint of a hub deployed elsewhere: the hub's
	// own stack (SharedHub), whose endpointId output it is. The API lists
	// it and admits each spoke through it from its AllowedCidrs; nothing is
	// created in the network account or the spokes' (their own stacks
	// associate their VPCs and run their probes), so VpcId, SubnetIds, Dns,
	// ProfileId, SameOrganization, Provider and Credentials are not used,
	// nor the spokes' VpcId, SubnetIds, Probe and providers. Optional.
	EndpointId pulumi.StringInput `pulumi:"endpointId,optional"`
	// EndpointDnsName is that endpoint's regional DNS name (the hub stack's
	// publicDnsName output), for the spokes' invoke forms. Optional, with
	// EndpointId only.
	EndpointDnsName pulumi.StringInput `pulumi:"endpointDnsName,optional"`
}

// elsewhere says whether the hub is deployed by another stack (EndpointId).
func (h *HubArgs) elsewhere() bool { return h != nil && h.EndpointId != nil }

// hubZone says whether the hub resolves the API's name for the spokes
// through a private hosted zone: its own (HubDnsPhz) or in a Route 53
// Profile (HubDnsProfile).
func (a *CrossAccountPrivateApiArgs) hubZone() bool {
	return a.Hub != nil && (a.Hub.Dns == HubDnsPhz || a.Hub.Dns == HubDnsProfile)
}

// spokesDeploy says whether the spokes' accounts hold resources of the
// stack (and so need their providers): the zone's association (HubDnsPhz)
// or the Profile's (HubDnsProfile without an existing ProfileId).
func (a *CrossAccountPrivateApiArgs) spokesDeploy() bool {
	return a.Hub != nil && (a.Hub.Dns == HubDnsPhz || (a.Hub.Dns == HubDnsProfile && a.Hub.ProfileId == ""))
}

// spokeDeploys says whether something is created in a spoke's account,
// which then needs the spoke's provider: its VPC's association with the
// hub's zone or Profile (spokesDeploy), or its probe.
func (a *CrossAccountPrivateApiArgs) spokeDeploys(c ConsumerArgs) bool {
	return c.viaHub() && (a.spokesDeploy() || c.Probe)
}

// viaHub says whether the consumer is a spoke of the hub.
func (c ConsumerArgs) viaHub() bool { return c.Via == ViaHub }

// spokes are the consumers that reach the API through the hub.
func (a *CrossAccountPrivateApiArgs) spokes() []ConsumerArgs {
	var out []ConsumerArgs
	for _, c := range a.Consumers {
		if c.viaHub() {
			out = append(out, c)
		}
	}
	return out
}

// hubName is the hub endpoint's component name.
func hubName(name string) string { return name + "-hub-endpoint" }

// validateHub checks the hub and every spoke: what a spoke needs (an
// existing VPC, its source ranges), what makes no sense for it, and that no
// two spokes' ranges overlap.
func (a *CrossAccountPrivateApiArgs) validateHub(f *fieldErrs) {
	spokes := 0
	for i, c := range a.Consumers {
		field := fmt.Sprintf("consumers[%d]", i)
		switch c.Via {
		case "", ViaOwn:
			continue
		case ViaHub:
		default:
			f.bad(field+".via", c.Via, vocab.ExpectVia)
			continue
		}
		spokes++
		if a.Hub == nil {
			f.add(field+".via", "got %q, but there is no hub to route through; expected %s, or a hub (hub: accountId, vpc, dns)", c.Via, ViaOwn)
		}
		a.validateSpoke(f, field, c)
	}
	if a.Hub == nil {
		return
	}
	h := a.Hub
	if spokes == 0 {
		f.add("hub", "no consumer has via %s; the hub endpoint would serve nobody: set via %s on the consumers that use it, or remove the hub", ViaHub, ViaHub)
	}
	if !vocab.ValidAccountId(h.AccountId) {
		f.bad("hub.accountId", h.AccountId, vocab.ExpectAccountId)
	}
	if h.elsewhere() {
		a.validateHubElsewhere(f)
		return
	}
	if h.EndpointDnsName != nil {
		f.add("hub.endpointDnsName", "only applies with hub.endpointId (a hub deployed elsewhere); remove it")
	}
	f.require(h.VpcId != nil, "hub.vpcId")
	if h.SubnetIds == nil {
		f.add("hub.subnetIds", "missing; expected the hub VPC's subnets the endpoint gets an interface in, one per zone")
	} else if ids, ok := plainStrings(h.SubnetIds); ok && len(ids) == 0 {
		f.add("hub.subnetIds", "got an empty list; expected at least one subnet ID")
	}
	switch h.Dns {
	case HubDnsNone:
	case HubDnsPhz:
		a.checkHubZoneQuotas(f)
	case HubDnsProfile:
		a.checkHubProfile(f)
	default:
		f.bad("hub.dns", h.Dns, vocab.ExpectHubDns)
	}
	if a.CustomDomain != nil && h.Dns != HubDnsPhz {
		f.add("hub.dns", "got %q with api.customDomain: the spokes resolve the domain's name through the hub's private hosted zone; expected %s", h.Dns, HubDnsPhz)
	}
	if a.Tls.Strict() && h.Dns == HubDnsNone {
		// "If you invoke a private API without using a custom domain name or
		// private DNS names and your APIs use a security policy that starts
		// with SecurityPolicy_, you must set the endpoint access mode to
		// BASIC" (API Gateway developer guide, "Invoke a private API"): the
		// spokes of dns: none have neither.
		f.add("tls.endpointAccessMode", "got %q with a hub of dns %s: API Gateway answers STRICT only through private DNS or a custom domain name, and the spokes call "+
			"the hub endpoint's own names; expected %s", EndpointAccessStrict, HubDnsNone, EndpointAccessBasic)
	}
	if h.Dns != HubDnsProfile {
		if h.ProfileId != "" {
			f.add("hub.profileId", "got %q with hub.dns %s; a Profile is used only with hub.dns %s: remove it or set hub.dns %s", h.ProfileId, h.Dns, HubDnsProfile, HubDnsProfile)
		}
		if h.SameOrganization {
			f.add("hub.sameOrganization", "set with hub.dns %s; only the Profile of hub.dns %s is shared through RAM: remove it", h.Dns, HubDnsProfile)
		}
	}
	a.checkSpokeOverlaps(f)
	if a.hubZone() {
		a.checkSpokeVpcs(f)
	}
}

// validateHubElsewhere checks a hub deployed elsewhere (EndpointId): none
// of what the hub's own stack deploys is set here, and the spokes' ranges
// do not overlap.
func (a *CrossAccountPrivateApiArgs) validateHubElsewhere(f *fieldErrs) {
	h := a.Hub
	notUsed := func(field string, set bool) {
		if set {
			f.add(field, "not used with hub.endpointId: the hub is deployed by its own stack; remove it")
		}
	}
	notUsed("hub.vpcId", h.VpcId != nil)
	notUsed("hub.subnetIds", h.SubnetIds != nil)
	notUsed("hub.dns", h.Dns != "")
	notUsed("hub.profileId", h.ProfileId != "")
	notUsed("hub.sameOrganization", h.SameOrganization)
	notUsed("hub.provider", h.Provider != nil || h.Credentials != nil)
	if a.CustomDomain != nil {
		f.add("hub.endpointId", "a hub deployed elsewhere with api.customDomain is not built: the spokes resolve the domain through the hub's second zone; keep the hub in this stack")
	}
	for i, c := range a.Consumers {
		if !c.viaHub() {
			continue
		}
		field := fmt.Sprintf("consumers[%d]", i)
		if c.Probe {
			f.add(field+".probe", "not used with hub.endpointId: a spoke's probe runs in its own stack; remove it")
		}
	}
	a.checkSpokeOverlaps(f)
}

// checkSpokeVpcs refuses, with dns phz or profile, two spokes on one VPC
// and a spoke on the hub VPC: the zone's (or the Profile's) association is
// one per VPC (a second
// AssociateVPCWithHostedZone of the same pair is refused, and removing
// either spoke would take the name from the other), and the hub VPC is the
// zone's own from its creation.
func (a *CrossAccountPrivateApiArgs) checkSpokeVpcs(f *fieldErrs) {
	hubVpc, _ := plainString(a.Hub.VpcId)
	seen := map[string]int{}
	for i, c := range a.Consumers {
		if !c.viaHub() || c.VpcId == nil {
			continue
		}
		vpc, ok := plainString(c.VpcId)
		if !ok || vpc == "" {
			continue
		}
		field := fmt.Sprintf("consumers[%d].vpcId", i)
		if vpc == hubVpc {
			f.add(field, "got %q, the hub VPC, whose workloads the hub's zone answers already; expected a spoke VPC, or no spoke for the hub VPC", vpc)
		} else if j, dup := seen[vpc]; dup {
			once := "the hub's zone is associated once per VPC"
			if a.Hub.Dns == HubDnsProfile {
				once = "a VPC holds one Route 53 Profile association"
			}
			f.add(field, "got %q, the VPC of consumers[%d] (%s) too; %s, so removing either spoke would take the API's name from the other: "+
				"expected one spoke per VPC (list both ranges on one spoke)", vpc, j, a.Consumers[j].Name, once)
		} else {
			seen[vpc] = i
		}
	}
}

// validateSpoke checks one spoke (field is its path): an existing VPC
// (VpcId) and its source ranges are required; what belongs to an endpoint
// of its own is refused.
func (a *CrossAccountPrivateApiArgs) validateSpoke(f *fieldErrs, field string, c ConsumerArgs) {
	if c.VpcId == nil && !a.Hub.elsewhere() {
		f.add(field+".vpcId", "missing; expected the spoke's existing VPC (vpc-…), attached to the Transit Gateway that reaches the hub VPC")
	}
	if c.AllowedCidrs == nil {
		f.add(field+".allowedCidrs", "missing; with via %s the API's policy tells this spoke from the others by the source addresses the hub endpoint sees "+
			"(aws:VpcSourceIp), and the hub's security group admits them: name the spoke's ranges", ViaHub)
	}
	notUsed := func(name, why string) {
		f.add(field+"."+name, "not used with via %s: %s; remove it", ViaHub, why)
	}
	if c.Vpc != nil {
		notUsed("vpc", "a spoke's VPC must exist and reach the hub VPC over its Transit Gateway; give vpcId")
	}
	switch {
	case c.Probe && c.SubnetIds == nil:
		f.add(field+".subnetIds", "missing; a spoke's probe runs in subnets of the spoke VPC: name them (their addresses must lie in allowedCidrs, the ranges the API's policy admits for this spoke)")
	case c.Probe:
		if ids, ok := plainStrings(c.SubnetIds); ok && len(ids) == 0 {
			f.add(field+".subnetIds", "got an empty list; expected at least one subnet of the spoke VPC for the probe")
		}
	case c.SubnetIds != nil:
		notUsed("subnetIds", "no endpoint is placed in the spoke VPC; subnets are only for the spoke's probe (probe: true)")
	}
	if c.EndpointId != nil {
		notUsed("endpointId", "the spoke calls through the hub's endpoint")
	}
	if c.EndpointDnsName != nil {
		notUsed("endpointDnsName", "the spoke calls through the hub's endpoint")
	}
	if c.PrivateDns != nil {
		notUsed("privateDns", "the spoke has no endpoint of its own; hub.dns says how spokes resolve the API")
	}
	if c.EndpointPolicy != "" {
		notUsed("endpointPolicy", "the hub endpoint's policy serves every spoke")
	}
	if c.Probe {
		if _, ok := probeRoute(a.Routes); !ok {
			f.add(field+".probe", "needs a GET or ANY route to call; add one (e.g. GET /health with a mock integration) or turn the probe off")
		}
	}
	if (c.Provider != nil || c.Credentials != nil) && !a.spokeDeploys(c) {
		why := "with hub.dns " + HubDnsNone + " and no probe nothing is created in the spoke's account"
		if a.Hub != nil && a.Hub.Dns == HubDnsProfile {
			why = "with hub.profileId and no probe the spoke's VPC has that Profile already and nothing is created in the spoke's account"
		}
		notUsed("provider", why)
	}
}

// checkSpokeOverlaps refuses ranges of two spokes that overlap: the API's
// policy tells spokes apart by aws:VpcSourceIp only (every spoke arrives
// through the hub's aws:SourceVpce), so an address in both would be
// admitted as either.
func (a *CrossAccountPrivateApiArgs) checkSpokeOverlaps(f *fieldErrs) {
	type owned struct {
		prefix   netip.Prefix
		consumer int
		index    int
	}
	var seen []owned
	for i, c := range a.Consumers {
		if !c.viaHub() {
			continue
		}
		cidrs, ok := plainStrings(c.AllowedCidrs)
		if !ok {
			continue
		}
		for j, cidr := range cidrs {
			p, err := netip.ParsePrefix(cidr)
			if err != nil || p.Masked() != p || p.Bits() == 0 {
				continue // reported by validateConsumers
			}
			for _, o := range seen {
				if o.consumer != i && o.prefix.Overlaps(p) {
					f.add(fmt.Sprintf("consumers[%d].allowedCidrs[%d]", i, j),
						"got %q, which overlaps %q of consumers[%d] (%s); expected ranges of this spoke only: the API's policy tells hub spokes apart by the source address the hub endpoint sees (aws:VpcSourceIp), so an address in both would be admitted as either",
						cidr, o.prefix.String(), o.consumer, a.Consumers[o.consumer].Name)
					break
				}
			}
			seen = append(seen, owned{p, i, j})
		}
	}
}

// spokeSid is the Sid of a spoke's Allow: its name in CamelCase (a Sid is
// [A-Za-z0-9]).
func spokeSid(name string) string {
	var b strings.Builder
	b.WriteString("AllowThroughHubFrom")
	for _, part := range strings.Split(name, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// spokeCidrs are every spoke's ranges, sorted and each once: what the hub's
// security group admits.
func spokeCidrs(spokes []ConsumerArgs) pulumi.StringArrayOutput {
	lists := make([]any, 0, len(spokes))
	for _, c := range spokes {
		lists = append(lists, c.AllowedCidrs)
	}
	return pulumi.All(lists...).ApplyT(func(v []any) []string {
		var all []string
		for _, l := range v {
			all = append(all, l.([]string)...)
		}
		slices.Sort(all)
		return slices.Compact(all)
	}).(pulumi.StringArrayOutput)
}

// hubOpts parents a child of the hub and puts it on the network account's provider.
func hubOpts(parent pulumi.Resource, h *HubArgs) []pulumi.ResourceOption {
	return []pulumi.ResourceOption{pulumi.Parent(parent), pulumi.Provider(h.Provider)}
}

// newHubEndpoint registers the hub endpoint in the network account: an
// ExecuteApiEndpoint in the hub VPC whose security group admits the spokes'
// ranges on 443 and nothing else, private DNS off (it would answer in the
// hub VPC only: "Access a private API through an interface VPC endpoint"
// and "Private DNS for interface endpoints" in the PrivateLink guide), its
// policy attached once the API exists (newHubEndpointPolicy).
func newHubEndpoint(ctx *pulumi.Context, name string, parent pulumi.Resource, args *CrossAccountPrivateApiArgs) (*ExecuteApiEndpoint, error) {
	h := args.Hub
	return NewExecuteApiEndpoint(ctx, hubName(name), &ExecuteApiEndpointArgs{
		Region:         pulumi.String(args.Region),
		VpcId:          h.VpcId,
		SubnetIds:      h.SubnetIds,
		AllowedCidrs:   spokeCidrs(args.spokes()),
		PrivateDns:     pulumi.BoolRef(false),
		EndpointPolicy: EndpointPolicySeparate,
		Tags:           args.Tags,
		Protect:        args.Protect,
	}, hubOpts(parent, h)...)
}

// newHubEndpointPolicy attaches the hub endpoint's policy: Invoke on this
// API only, the union of what its spokes may call (every spoke may call
// every method; the API's resource policy tells them apart).
//
// With a private custom domain (domainArn, the domain's apigateway ARN; nil
// without one) it also allows the domain's execute-api ARN, which API
// Gateway evaluates the endpoint's policy against for a call through the
// domain ("Use VPC endpoint policies for private APIs in API Gateway",
// example 5).
func newHubEndpointPolicy(ctx *pulumi.Context, name string, parent pulumi.Resource, h *HubArgs, endpoint *ExecuteApiEndpoint, executionArn pulumi.StringOutput, domainArn pulumi.StringInput) (*VpcEndpointPolicy, error) {
	if domainArn == nil {
		domainArn = pulumi.String("")
	}
	doc := pulumi.All(executionArn, domainArn).ApplyT(func(v []any) (string, error) {
		arns := []string{v[0].(string) + "/*"}
		if domain := v[1].(string); domain != "" {
			arns = append(arns, domainInvokeArn(domain))
		}
		return endpointPolicyJson(arns)
	}).(pulumi.StringOutput)
	return newEc2[VpcEndpointPolicy](ctx, typeEc2VpcEndpointPolicy, hubName(name)+"-policy", map[string]pulumi.Input{
		"vpcEndpointId": endpoint.EndpointId,
		"policy":        doc,
	}, append(hubOpts(parent, h), pulumi.Protect(false), keepPolicyOnDelete)...)
}

// keepPolicyOnDelete is the option of every separate endpoint policy
// (ec2.VpcEndpointPolicy): its deletion leaves the policy as it is, where
// the provider's delete would reset it to AWS's full-access default
// (terraform-provider-aws vpc_endpoint_policy.go,
// resourceVPCEndpointPolicyDelete: ModifyVpcEndpoint with ResetPolicy). It
// goes when its endpoint is deleted or replaced; a removed consumer's or
// producer's policy stays on the endpoint, scoped as it was.
var keepPolicyOnDelete = pulumi.RetainOnDelete(true)

// denyAllEndpointPolicy is an endpoint's policy before its separate policy
// is attached (EndpointPolicySeparate) and the hub endpoint's while no API
// is known (a hub in a stack of its own, before the producer's stack has
// published its API): execute-api:Invoke on nothing.
const denyAllEndpointPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"InvokeNothingUntilTheApiIsKnown","Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}`

// hubMonitoringName is the name the hub endpoint's alarms and dashboard row
// go by: the metrics tell endpoints apart (the vpceId of each access-log
// line), and every spoke arrives through the hub's. A consumer may not be
// called so when there is a hub.
const hubMonitoringName = "hub"

// hubEndpointId is the hub endpoint's ID, nil without a hub.
func (c *CrossAccountPrivateApi) hubEndpointId() pulumi.StringInput {
	if c.Hub == nil {
		return c.hubElsewhere
	}
	return c.Hub.EndpointId
}

// policySpokes are the spokes as the API's resource policy admits them:
// each by its ranges and, with AWS_IAM, its principals (its account root
// unless it names some).
func policySpokes(args *CrossAccountPrivateApiArgs) []PolicySpoke {
	var out []PolicySpoke
	for _, c := range args.spokes() {
		s := PolicySpoke{Name: c.Name, SourceCidrs: c.AllowedCidrs}
		if args.Authorization == AuthorizationIam {
			s.Principals = c.Principals
			if s.Principals == nil {
				s.Principals = pulumi.StringArray{pulumi.String(accountRootArn(args.Region, c.AccountId))}
			}
		}
		out = append(out, s)
	}
	return out
}
