package config

import "regexp"

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
)

// ExpectStackRole describes the values of stackRole.
const ExpectStackRole = RoleAll + " (one stack for every account, the default), " + RoleProducer + " (the API's stack) or " + RoleConsumer + " (one consumer account's stack)"

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
	case RoleAll, RoleProducer, RoleConsumer:
		return v
	}
	r.bad(k, v, ExpectStackRole)
	return RoleAll
}

// stackName reads a stack reference's name from m[name]: required in want's
// role, refused in any other.
func (r *reader) stackName(k key, m map[string]any, role, want, purpose string) string {
	_, given := m["stack"]
	if role != want {
		if given {
			r.fail(k.field("stack"), "only applies to a stack with stackRole: %s (%s); remove it, or set stackRole", want, purpose)
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
			if c.Stack == "" && c.EndpointId == "" {
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
	}
}

// ProducerStackOf is the producer's stack a consumer stack reads, "" in
// other roles.
func (c *Config) ProducerStackOf() string {
	if c.StackRole != RoleConsumer {
		return ""
	}
	return c.Producer.Stack
}
