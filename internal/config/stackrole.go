package config

import (
	"regexp"
	"slices"
	"strings"

	"github.com/xaccount/xaccount-api/components"
)

// Stack roles (xaccount-api:stackRole): which part of the topology a stack
// holds. The components are the same in every role; the split topology
// runs one producer stack and one stack per consumer account, linked by
// stack references, so that no stack needs more than two provider processes.
const (
	// RoleAll is one stack with the producer and every consumer (the default).
	RoleAll = "all"
	// RoleProducer is the producer's stack: the API, its policy, deployment,
	// stage and logs; its consumers are consumer stacks (consumers[i].stack)
	// or endpoints owned elsewhere (consumers[i].endpointId).
	RoleProducer = "producer"
	// RoleConsumer is one consumer account's stack: its endpoint, the
	// endpoint's policy and the probe, reading the producer's stack
	// (producer.stack).
	RoleConsumer = "consumer"
	// RoleHub is the hub's stack: the hub endpoint in the network account,
	// its security group, its endpoint policy scoped to the API and, with
	// hub.dns phz, the zone for the API's name with its authorizations for
	// the spoke VPCs, reading the producer's stack (producer.stack). Its
	// spokes (consumers with via: hub) have stacks of their own
	// (stackRole: consumer, hub.stack) that hold their zone association and
	// probe.
	RoleHub = "hub"
)

// ExpectStackRole describes the values of stackRole.
const ExpectStackRole = RoleAll + " (one stack for every account, the default), " + RoleProducer + " (the API's stack), " + RoleConsumer + " (one consumer account's stack) or " + RoleHub + " (the hub endpoint's stack, in the network account)"

// expectStackName describes a stack reference's name.
const expectStackName = "a stack name: <stack>, <project>/<stack> or <organization>/<project>/<stack>"

var stackNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}(/[A-Za-z0-9_.-]{1,100}){0,2}$`)

// stackRole reads xaccount-api:stackRole.
func (r *reader) stackRole(raw map[string]string) string {
	k := key(fullKey(KeyStackRole))
	v, present := raw[string(k)]
	if !present {
		return RoleAll
	}
	switch v {
	case RoleAll, RoleProducer, RoleConsumer, RoleHub:
		return v
	}
	r.bad(k, v, ExpectStackRole)
	return RoleAll
}

// stackName reads a stack reference's name from m[name]: required in the
// roles of want, refused in any other.
func (r *reader) stackName(k key, m map[string]any, role string, want []string, purpose string) string {
	_, given := m["stack"]
	if !slices.Contains(want, role) {
		if given {
			r.fail(k.field("stack"), "only applies to a stack with stackRole: %s (%s); remove it, or set stackRole", strings.Join(want, " or "), purpose)
		}
		return ""
	}
	name, ok := r.reqString(k, m, "stack", expectStackName)
	if ok && !r.needsPlain(k.field("stack"), name) && !stackNamePattern.MatchString(name) {
		r.bad(k.field("stack"), name, expectStackName)
	}
	return name
}

// checkRoleShape reports what a stack of its role cannot hold: a producer
// stack creates nothing in a consumer account, a consumer stack holds one
// consumer whose endpoint it creates and sets nothing of the API.
func (r *reader) checkRoleShape(cfg *Config, raw map[string]string) {
	ck := key(fullKey(KeyConsumers))
	switch cfg.StackRole {
	case RoleProducer:
		stackIn := map[string]string{}
		for i, c := range cfg.Consumers {
			if c.Stack == "" && c.EndpointId == "" && c.Via != components.ViaHub {
				r.fail(ck.index(r.consumerIndex[i]), "a producer stack creates nothing in a consumer account; expected stack (the consumer's own stack, which creates its endpoint) or endpointId (an endpoint owned elsewhere)")
			}
			// Each consumer stack accepts the custom domain's RAM share in its
			// account, and RAM gives an account one invitation: the second
			// stack's accepter would find none ("No pending RAM Resource Share (...)
			// invitation found"). Within one organization RAM accepts, and no
			// stack does.
			d := cfg.Api.CustomDomain
			if d == nil || d.SameOrganization || c.Stack == "" || c.AccountId == cfg.Producer.AccountId {
				continue
			}
			if first, taken := stackIn[c.AccountId]; taken {
				r.fail(ck.index(r.consumerIndex[i]).field("accountId"), "got %q, the account of consumer stack %s too; with %s.customDomain each consumer stack accepts the domain's RAM share in its account, and RAM invites an account once, so a second stack's acceptance would fail; "+
					"expected one consumer stack per account, or %s.customDomain.sameOrganization: true (RAM accepts within an organization)", c.AccountId, first, KeyApi, KeyApi)
				continue
			}
			stackIn[c.AccountId] = c.Stack
		}
	case RoleConsumer:
		if len(cfg.Consumers) != 1 {
			r.fail(ck, "got %d consumers; a consumer stack holds exactly one, its own account's (the producer's stack lists them all)", len(cfg.Consumers))
		}
		for i, c := range cfg.Consumers {
			if c.EndpointId != "" {
				r.fail(ck.index(r.consumerIndex[i]).field("endpointId"), "a consumer stack creates its endpoint; an endpoint owned elsewhere needs no consumer stack: list it in the producer's stack instead")
			}
			if c.Principals != nil {
				r.fail(ck.index(r.consumerIndex[i]).field("principals"), "the API's resource policy is the producer's: set principals on this consumer in the producer's stack")
			}
		}
		if v, present := raw[fullKey(KeyApi)]; present && v != "{}" && v != "" {
			r.fail(key(fullKey(KeyApi)), "the API is the producer's: set it in the producer's stack (producer.stack); a consumer stack reads it from there")
		}
		r.checkSpokeStack(cfg)
	case RoleHub:
		r.checkHubStack(cfg, raw)
	}
}

// checkSpokeStack checks a consumer stack against the hub: a spoke (via:
// hub) reads the hub's stack (hub.stack), and only a spoke does.
func (r *reader) checkSpokeStack(cfg *Config) {
	if len(cfg.Consumers) != 1 {
		return
	}
	c := cfg.Consumers[0]
	ck := key(fullKey(KeyConsumers)).index(r.consumerIndex[0])
	switch {
	case c.Via == components.ViaHub && cfg.Hub == nil:
		r.missing(key(fullKey(KeyHub)), "{accountId, stack}: the hub's stack (stackRole: "+RoleHub+") whose endpoint and zone this spoke (via: hub) uses")
	case c.Via != components.ViaHub && cfg.Hub != nil:
		r.fail(key(fullKey(KeyHub)), "not used: %s has an endpoint of its own (via is not hub); set via: hub on it to make it a spoke of the hub's stack, or remove %s", ck, KeyHub)
	}
}

// checkHubStack checks what a hub's stack (stackRole: hub) holds: the hub,
// and its spokes only; the API is the producer's.
func (r *reader) checkHubStack(cfg *Config, raw map[string]string) {
	if cfg.Hub == nil {
		if _, given := raw[fullKey(KeyHub)]; !given || raw[fullKey(KeyHub)] == "{}" {
			r.missing(key(fullKey(KeyHub)), "the hub {accountId, roleArn or profile, vpc: {id, subnetIds}, dns}: a hub's stack deploys the hub endpoint")
		}
	}
	ck := key(fullKey(KeyConsumers))
	for i, c := range cfg.Consumers {
		if c.Via != components.ViaHub {
			r.fail(ck.index(r.consumerIndex[i]), "a hub's stack lists only the hub's spokes (via: hub); a consumer with an endpoint of its own goes in the producer's stack or a consumer stack of its own")
		}
	}
	if v, present := raw[fullKey(KeyApi)]; present && v != "{}" && v != "" {
		r.fail(key(fullKey(KeyApi)), "the API is the producer's: set it in the producer's stack (producer.stack); a hub's stack reads it from there")
	}
}

// ProducerStackOf is the producer's stack a consumer or hub stack reads,
// "" in other roles.
func (c *Config) ProducerStackOf() string {
	if c.StackRole != RoleConsumer && c.StackRole != RoleHub {
		return ""
	}
	return c.Producer.Stack
}

// HubStackOf is the hub's stack a producer or spoke stack reads
// (hub.stack), "" when there is none.
func (c *Config) HubStackOf() string {
	if c.Hub == nil {
		return ""
	}
	return c.Hub.Stack
}
