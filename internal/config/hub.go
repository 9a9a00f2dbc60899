package config

import (
	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/vocab"
)

// KeyHub is the hub: one execute-api endpoint in a shared network account
// that the consumers with via: hub (the spokes) call through.
const KeyHub = "hub"

// Hub is the hub endpoint's account, VPC and DNS mode.
type Hub struct {
	// Account is the network account and how the program reaches it.
	Account
	// Vpc is the hub VPC and the endpoint's subnets.
	Vpc ExistingVpc
	// Dns is components.HubDnsNone, components.HubDnsPhz or
	// components.HubDnsProfile.
	Dns string
	// ProfileId (dns profile) is an existing Route 53 Profile of the network
	// account that the spoke VPCs have already; SameOrganization (dns
	// profile without it) shares the hub's own Profile within the
	// organization, with no acceptance in the spokes' accounts.
	ProfileId        string
	SameOrganization bool
}

// hubKeys are the keys of the hub object.
var hubKeys = append(append([]string{}, credentialKeys...), "vpc", "dns", "profileId", "sameOrganization")

// spokeUnused are consumer keys that make no sense for a spoke (via: hub),
// with why.
var spokeUnused = []struct{ name, why string }{
	{"endpointId", "the spoke calls through the hub's endpoint"},
	{"endpointDnsName", "the spoke calls through the hub's endpoint"},
	{"privateDns", "the spoke has no endpoint of its own; hub.dns says how spokes resolve the API"},
	{"endpointPolicy", "the hub endpoint's policy serves every spoke"},
	{"stack", "a spoke is listed in the stack that holds the hub"},
}

// hub reads xaccount-api:hub; nil when it is absent or {} (Pulumi.yaml's
// default). In a stack that holds the hub (stackRole all or hub) it is the
// hub itself; in a producer or spoke stack of a hub with a stack of its own
// it is {accountId, stack}: the hub's stack, whose outputs it reads.
func (r *reader) hub(raw map[string]string, role string) *Hub {
	k := key(fullKey(KeyHub))
	expected := "an object {accountId, roleArn or profile, vpc: {id, subnetIds}, dns, profileId, sameOrganization}, or {accountId, stack} in a producer or consumer stack"
	v, present := r.structured(raw, KeyHub, expected)
	if !present {
		return nil
	}
	m, ok := r.object(k, v, append(hubKeys, "stack")...)
	if !ok || len(m) == 0 {
		return nil
	}
	h := &Hub{}
	h.AccountId = r.accountId(k, m)
	if role == RoleProducer || role == RoleConsumer {
		r.hubReference(k, m, h, role)
		return h
	}
	if _, given := m["stack"]; given {
		r.fail(k.field("stack"), "only applies to a stack with stackRole: %s or %s (the hub's own stack, which they read); this stack holds the hub: remove it", RoleProducer, RoleConsumer)
	}
	r.credentials(k, m, &h.Account, true, "")
	if _, given := m["vpc"]; !given {
		r.missing(k.field("vpc"), "the hub VPC {id, subnetIds}: an existing VPC of the network account that the spokes reach over their Transit Gateway")
	} else if vm, ok := r.object(k.field("vpc"), m["vpc"], "id", "subnetIds"); ok {
		if ev := r.existingVpc(k.field("vpc"), vm); ev != nil {
			h.Vpc = *ev
		}
	}
	dns, given := r.optString(k, m, "dns", vocab.ExpectHubDns)
	if _, present := m["dns"]; !present {
		r.missing(k.field("dns"), vocab.ExpectHubDns)
	} else if given {
		h.Dns = dns
		r.hubDns = dns
		if role == RoleHub && dns == components.HubDnsProfile {
			r.fail(k.field("dns"), "got %q in a stack with stackRole: %s; a hub stack offers %s or %s (a Route 53 Profile is built only where one stack holds the hub and the spokes, stackRole: %s)",
				dns, RoleHub, components.HubDnsNone, components.HubDnsPhz, RoleAll)
		}
	}
	if id, ok := r.optNonEmpty(k, m, "profileId", "an existing Route 53 Profile ID of the network account (rp-…), with dns: "+components.HubDnsProfile); ok {
		h.ProfileId = id
		r.hubProfileId = id
	}
	h.SameOrganization = r.optBool(k, m, "sameOrganization", false)
	return h
}

// hubReference reads the hub of a producer or spoke stack whose hub has a
// stack of its own: {accountId, stack}. The hub's VPC, DNS and credentials
// are that stack's.
func (r *reader) hubReference(k key, m map[string]any, h *Hub, role string) {
	h.Stack = r.stackName(k, m, role, []string{RoleProducer, RoleConsumer}, "the hub's stack")
	r.hubStack = h.Stack != ""
	for _, name := range []string{"roleArn", "profile", "externalId", "sessionName", "vpc", "dns", "profileId", "sameOrganization"} {
		if _, present := m[name]; present {
			r.fail(k.field(name), "not used in a stack with stackRole: %s: the hub is deployed by its own stack (stackRole: %s), and this stack reads it from hub.stack; set it in the hub's stack, or remove it", role, RoleHub)
		}
	}
}

// spoke reads a consumer with via: hub: its account, its existing VPC's
// id, its source ranges and principals; what belongs to an endpoint of its
// own is refused. Credentials are required with hub.dns phz (the spoke's
// account associates its VPC with the hub's zone), profile (its VPC with
// the hub's Profile) or a probe (it runs in the spoke's account, in
// vpc.subnetIds), and refused otherwise: nothing is created in a spoke's
// account with hub.dns none or a hub.profileId the spoke VPCs have, and no
// probe.
func (r *reader) spoke(k key, m map[string]any, c *Consumer) {
	switch r.role {
	case RoleHub, RoleProducer:
		r.listedSpoke(k, m, c)
		return
	}
	c.Probe = r.optBool(k, m, "probe", false)
	deploys := r.hubDns == components.HubDnsPhz || (r.hubDns == components.HubDnsProfile && r.hubProfileId == "")
	why := "this consumer calls through the hub (via: hub), hub.dns is " + components.HubDnsNone + " and it has no probe"
	if r.hubDns == components.HubDnsProfile {
		why = "this consumer calls through the hub (via: hub), its VPC has hub.profileId's Profile already and it has no probe"
	}
	// A spoke's own stack (stackRole: consumer) deploys in its account: the
	// association of its VPC with the hub's zone, and its probe.
	deploys = deploys || r.role == RoleConsumer
	r.credentials(k, m, &c.Account, deploys || c.Probe, why)
	r.spokeUnused(k, m)
	r.spokeRanges(k, m, c)
	if _, given := m["vpc"]; !given {
		r.missing(k.field("vpc"), "the spoke's existing VPC {id}, attached to the Transit Gateway that reaches the hub VPC")
		return
	}
	vm, ok := r.object(k.field("vpc"), m["vpc"], "id", "subnetIds", "cidr", "azCount")
	if !ok {
		return
	}
	for _, name := range []string{"cidr", "azCount"} {
		if _, present := vm[name]; present {
			r.fail(k.field("vpc").field(name), "not used with via: hub: a spoke's VPC exists already and gets no endpoint; give vpc.id (and vpc.subnetIds for its probe)")
		}
	}
	_, subnets := vm["subnetIds"]
	switch {
	case c.Probe && !subnets:
		r.missing(k.field("vpc").field("subnetIds"), "the spoke VPC's subnets its probe runs in (probe: true), with addresses in allowedCidrs")
	case c.Probe:
		// The probe runs in these subnets of the spoke VPC.
		c.ExistingVpc = r.existingVpc(k.field("vpc"), vm)
		return
	case subnets:
		r.fail(k.field("vpc").field("subnetIds"), "not used with via: hub without a probe: a spoke's VPC gets no endpoint; subnets are only where the spoke's probe runs (probe: true)")
	}
	c.ExistingVpc = &ExistingVpc{}
	c.ExistingVpc.Id = r.vpcId(k.field("vpc"), vm)
}

// spokeUnused refuses a spoke's keys that belong to an endpoint of its own.
func (r *reader) spokeUnused(k key, m map[string]any) {
	for _, u := range spokeUnused {
		if _, present := m[u.name]; present {
			r.fail(k.field(u.name), "not used with via: hub: %s; remove it", u.why)
		}
	}
}

// spokeRanges reads a spoke's principals and source ranges.
func (r *reader) spokeRanges(k key, m map[string]any, c *Consumer) {
	if principals, ok := r.stringList(k, m, "principals", "an IAM role or user ARN"); ok {
		c.Principals = principals
	}
	if cidrs, ok := r.stringList(k, m, "allowedCidrs", "an IPv4 CIDR"); ok {
		c.AllowedCidrs = cidrs
	}
}

// listedSpoke reads a spoke as the hub's stack or the producer's stack of a
// hub with a stack of its own lists it: nothing is deployed in its account
// there (its own stack, stackRole: consumer, holds its zone association and
// probe). The hub's stack needs its VPC's id (the zone's authorization for
// it, with hub.dns phz) and ranges (the security group); the producer's its
// ranges and principals (the API's policy), which must be the ones the
// hub's stack publishes.
func (r *reader) listedSpoke(k key, m map[string]any, c *Consumer) {
	where := "the hub's stack"
	if r.role == RoleProducer {
		where = "the producer's stack"
	}
	r.credentials(k, m, &c.Account, false, "this spoke is listed in "+where+"; its own stack (stackRole: consumer, hub.stack) associates its VPC and runs its probe")
	if _, present := m["probe"]; present {
		r.fail(k.field("probe"), "not used in %s: a spoke's probe runs in its own stack (stackRole: consumer, hub.stack); set it there, or remove it", where)
	}
	r.spokeUnused(k, m)
	r.spokeRanges(k, m, c)
	if r.role == RoleHub && c.Principals != nil {
		r.fail(k.field("principals"), "the API's resource policy is the producer's: set principals on this spoke in the producer's stack")
	}
	_, given := m["vpc"]
	switch {
	case r.role == RoleProducer && given:
		r.fail(k.field("vpc"), "not used in the producer's stack: the spoke's VPC is listed in the hub's stack (its zone's authorization) and the spoke's own; remove it")
	case r.role == RoleProducer:
	case !given:
		r.missing(k.field("vpc"), "the spoke's existing VPC {id}, attached to the Transit Gateway that reaches the hub VPC")
	default:
		vm, ok := r.object(k.field("vpc"), m["vpc"], "id", "subnetIds", "cidr", "azCount")
		if !ok {
			return
		}
		for _, name := range []string{"subnetIds", "cidr", "azCount"} {
			if _, present := vm[name]; present {
				r.fail(k.field("vpc").field(name), "not used in the hub's stack: it needs only the spoke VPC's id (vpc.id); the probe's subnets go in the spoke's own stack")
			}
		}
		c.ExistingVpc = &ExistingVpc{Id: r.vpcId(k.field("vpc"), vm)}
	}
}
