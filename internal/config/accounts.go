package config

import (
	"fmt"
	"regexp"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/vocab"
)

var (
	externalIdPattern  = regexp.MustCompile(`^[\w+=,.@:/-]{2,}$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	profilePattern     = regexp.MustCompile(`^[^\s]{1,128}$`)
	vpcIdPattern       = regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	subnetIdPattern    = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// maxCredentialLen bounds externalId (AWS allows 1224 characters).
const maxCredentialLen = 1224

const (
	expectAccountId = vocab.ExpectAccountId
	expectRoleArn   = "an IAM role ARN such as arn:aws:iam::111122223333:role/deployer"
)

// credentialKeys are the account keys shared by producer and consumers.
var credentialKeys = []string{"accountId", "roleArn", "externalId", "sessionName", "profile"}

// accountId reads an account ID; an unquoted YAML number of 12 digits is
// accepted. Its format is the component's rule (vocab.ValidAccountId),
// checked in validateArgs; only a number that lost its leading zeros gets the
// hint to quote it here.
func (r *reader) accountId(k key, m map[string]any) string {
	v, present := m["accountId"]
	if !present {
		r.missing(k.field("accountId"), expectAccountId)
		return ""
	}
	s := fmt.Sprint(v)
	if _, isString := v.(string); !isString && !isNumber(v) {
		r.bad(k.field("accountId"), v, expectAccountId)
		return ""
	}
	if r.needsPlain(k.field("accountId"), s) {
		return ""
	}
	if isNumber(v) && !vocab.ValidAccountId(s) { // a number has lost its leading zeros
		r.badString(k.field("accountId"), v, expectAccountId)
		return ""
	}
	return s
}

// credentials reads roleArn (with externalId, sessionName) or profile.
// needed says whether the program deploys into this account.
func (r *reader) credentials(k key, m map[string]any, acct *Account, needed bool, why string) {
	var roleOK, profileOK, externalOK, sessionOK bool
	acct.RoleArn, roleOK = r.optString(k, m, "roleArn", expectRoleArn)
	acct.Profile, profileOK = r.optString(k, m, "profile", "a profile name from the shared AWS config")
	acct.ExternalId, externalOK = r.optString(k, m, "externalId", "the external ID the role's trust policy requires")
	acct.SessionName, sessionOK = r.optString(k, m, "sessionName", "a session name of 2-64 characters [\\w+=,.@-]")
	acct.Secret = r.secretKeys[k.top()]
	_, hasRole := m["roleArn"]
	_, hasProfile := m["profile"]

	if !needed {
		for _, name := range []string{"roleArn", "profile", "externalId", "sessionName"} {
			if _, present := m[name]; present {
				r.fail(k.field(name), "not used: %s, so nothing is deployed in its account; remove it", why)
			}
		}
		return
	}
	switch {
	case hasRole && hasProfile:
		r.failAlone(k, "both roleArn and profile are set; expected exactly one of them")
	case !hasRole && !hasProfile:
		r.failAlone(k, "neither roleArn nor profile is set; expected exactly one of them")
	}
	if roleOK && !r.opaque(k, acct.RoleArn) {
		if account, ok := vocab.RoleArnAccount(acct.RoleArn); !ok {
			r.bad(k.field("roleArn"), acct.RoleArn, expectRoleArn)
		} else if acct.AccountId != "" && account != acct.AccountId {
			r.fail(k.field("roleArn"), "got %q, a role in account %s; expected a role in account %s (%s)", acct.RoleArn, account, acct.AccountId, k.field("accountId"))
		}
	}
	if profileOK && !profilePattern.MatchString(acct.Profile) {
		r.bad(k.field("profile"), acct.Profile, "a profile name of 1-128 characters without spaces")
	}
	for _, check := range []struct {
		name    string
		ok      bool
		value   string
		pattern *regexp.Regexp
		expect  string
	}{
		{"externalId", externalOK, acct.ExternalId, externalIdPattern, "2-1224 characters [\\w+=,.@:/-]"},
		{"sessionName", sessionOK, acct.SessionName, sessionNamePattern, "2-64 characters [\\w+=,.@-]"},
	} {
		if !check.ok {
			continue
		}
		if !hasRole {
			r.fail(k.field(check.name), "only applies with roleArn; remove it or set roleArn")
			continue
		}
		if !r.opaque(k, check.value) && (!check.pattern.MatchString(check.value) || len(check.value) > maxCredentialLen) {
			r.bad(k.field(check.name), check.value, check.expect)
		}
	}
}

func (r *reader) producer(raw map[string]string, role string) Account {
	k := key(fullKey(KeyProducer))
	expected := "an object with accountId and roleArn or profile"
	v, present := r.structured(raw, KeyProducer, expected)
	if !present {
		if _, given := raw[string(k)]; !given {
			r.missing(k, expected)
		}
		return Account{}
	}
	m, ok := r.object(k, v, append(credentialKeys, "stack")...)
	if !ok {
		return Account{}
	}
	acct := Account{AccountId: r.accountId(k, m)}
	acct.Stack = r.stackName(k, m, role, []string{RoleConsumer, RoleHub}, "the producer's stack a consumer or hub stack reads")
	why := "this is a consumer stack (the producer's stack deploys the API)"
	if role == RoleHub {
		why = "this is the hub's stack (the producer's stack deploys the API)"
	}
	r.credentials(k, m, &acct, role != RoleConsumer && role != RoleHub, why)
	return acct
}

var consumerKeys = append(append([]string{"name"}, credentialKeys...),
	"vpc", "privateDns", "allowedCidrs", "endpointId", "endpointDnsName", "endpointPolicy", "principals", "probe", "stack", "via")

func (r *reader) consumers(raw map[string]string, region, role string) []Consumer {
	k := key(fullKey(KeyConsumers))
	expected := "a list of at least one consumer {name, accountId, roleArn or profile, vpc or endpointId}"
	v, present := r.structured(raw, KeyConsumers, expected)
	if !present {
		if _, given := raw[string(k)]; !given {
			r.missing(k, expected)
		}
		return nil
	}
	items, ok := r.nonEmptyList(k, v, expected)
	if !ok {
		return nil
	}
	var out []Consumer
	for i, item := range items {
		c, ok := r.consumer(k.index(i), item, region, role)
		if !ok {
			continue
		}
		if _, set := item.(map[string]any)["probe"]; set {
			if r.probeSet == nil {
				r.probeSet = map[int]bool{}
			}
			r.probeSet[len(out)] = true
		}
		r.consumerIndex = append(r.consumerIndex, i)
		out = append(out, c)
	}
	return out
}

func (r *reader) consumer(k key, v any, region, role string) (Consumer, bool) {
	m, ok := r.object(k, v, consumerKeys...)
	if !ok {
		return Consumer{}, false
	}
	var c Consumer
	c.Name, _ = r.reqString(k, m, "name", vocab.ExpectConsumerName)
	c.AccountId = r.accountId(k, m)
	if via, ok := r.optString(k, m, "via", vocab.ExpectVia); ok {
		c.Via = via // its value is the component's rule (validateHub)
		if via == components.ViaHub {
			r.spoke(k, m, &c)
			return c, true
		}
	}
	var endpointOK bool
	c.EndpointId, endpointOK = r.optString(k, m, "endpointId", "a VPC endpoint ID such as vpce-0123456789abcdef0")
	_, hasEndpoint := m["endpointId"]
	_, hasVpc := m["vpc"]
	c.Stack = r.stackName(k, m, role, []string{RoleProducer}, "the consumer's own stack, which creates its endpoint")
	if c.Stack != "" {
		// Its endpoint is the consumer stack's: only what the API needs is read here.
		r.stackConsumer(k, m)
		if principals, ok := r.stringList(k, m, "principals", "an IAM role or user ARN"); ok {
			c.Principals = principals
		}
		return c, true
	}
	r.credentials(k, m, &c.Account, !hasEndpoint, "this consumer has endpointId")
	// Private DNS takes over every *.execute-api.<region>.amazonaws.com name in
	// the VPC: on by default only in a VPC this stack creates.
	vpcFields, _ := m["vpc"].(map[string]any)
	_, existingVpc := vpcFields["id"]
	c.PrivateDns = r.optBool(k, m, "privateDns", hasVpc && !existingVpc)
	c.EndpointPolicy = r.endpointPolicy(k, m, hasEndpoint)
	c.Probe = r.optBool(k, m, "probe", false)
	if principals, ok := r.stringList(k, m, "principals", "an IAM role or user ARN"); ok {
		c.Principals = principals
	}

	switch {
	case hasEndpoint && hasVpc:
		r.fail(k, "both vpc and endpointId are set; expected exactly one of them")
	case !hasEndpoint && !hasVpc:
		r.fail(k, "neither vpc nor endpointId is set; expected vpc {cidr, azCount} or {id, subnetIds}, or the endpointId of an existing endpoint")
	case hasEndpoint:
		r.existingEndpoint(k, m, &c, endpointOK, region)
	default:
		r.vpc(k.field("vpc"), m["vpc"], &c)
	}
	if !hasEndpoint {
		if _, given := m["endpointDnsName"]; given {
			r.fail(k.field("endpointDnsName"), "only applies with endpointId; remove it")
		}
	}
	if cidrs, ok := r.stringList(k, m, "allowedCidrs", "an IPv4 CIDR"); ok {
		switch {
		case hasEndpoint:
			r.fail(k.field("allowedCidrs"), "not used: this consumer has endpointId, so its security group is not managed here; remove it")
		default:
			c.AllowedCidrs = cidrs
		}
	}
	return c, true
}

// stackConsumer checks a producer stack's consumer that has a stack of its
// own: only its name, account and principals belong here; the rest is the
// consumer stack's (which publishes privateDns too).
func (r *reader) stackConsumer(k key, m map[string]any) {
	for _, name := range []string{"roleArn", "profile", "externalId", "sessionName", "vpc", "endpointId", "endpointDnsName", "allowedCidrs", "endpointPolicy", "probe", "privateDns"} {
		if _, present := m[name]; present {
			r.fail(k.field(name), "not used: this consumer has a stack of its own (stack), which deploys its endpoint; set it there, or remove it")
		}
	}
}

// endpointPolicy reads consumers[i].endpointPolicy: restricted (default) or full.
func (r *reader) endpointPolicy(k key, m map[string]any, hasEndpoint bool) string {
	v, ok := r.optString(k, m, "endpointPolicy", vocab.ExpectEndpointPolicy)
	if !ok {
		return components.EndpointPolicyRestricted
	}
	if hasEndpoint {
		r.fail(k.field("endpointPolicy"), "not used: this consumer has endpointId, so its endpoint policy is not managed here; remove it")
		return ""
	}
	return v
}

// existingEndpoint checks the endpoint of another team; idOK says endpointId was read as a string.
func (r *reader) existingEndpoint(k key, m map[string]any, c *Consumer, idOK bool, region string) {
	switch {
	case !idOK:
	case c.EndpointId == "": // given, but empty: the consumer would silently become one without an endpoint
		r.bad(k.field("endpointId"), "", vocab.ExpectEndpointId)
	default:
		r.needsPlain(k.field("endpointId"), c.EndpointId)
	}
	dns, ok := r.optString(k, m, "endpointDnsName", "the endpoint's regional DNS name")
	if !ok {
		return
	}
	want := regexp.MustCompile(`^vpce-[a-z0-9-]+\.execute-api\.` + regexp.QuoteMeta(region) + `\.vpce\.amazonaws\.com$`)
	if !r.needsPlain(k.field("endpointDnsName"), dns) && !want.MatchString(dns) {
		r.bad(k.field("endpointDnsName"), dns, "the endpoint's regional DNS name, vpce-….execute-api."+region+".vpce.amazonaws.com")
	}
	c.EndpointDnsName = dns
}

func (r *reader) vpc(k key, v any, c *Consumer) {
	m, ok := r.object(k, v, "cidr", "azCount", "id", "subnetIds")
	if !ok {
		return
	}
	_, hasCidr := m["cidr"]
	_, hasId := m["id"]
	switch {
	case hasCidr && hasId:
		r.fail(k, "both cidr and id are set; expected {cidr, azCount} for a new VPC or {id, subnetIds} for an existing one")
	case hasId:
		if _, given := m["azCount"]; given {
			r.fail(k.field("azCount"), "only applies with cidr (a new VPC); remove it")
		}
		c.ExistingVpc = r.existingVpc(k, m)
	case hasCidr:
		if _, given := m["subnetIds"]; given {
			r.fail(k.field("subnetIds"), "only applies with id (an existing VPC); remove it")
		}
		nv := &NewVpc{AzCount: r.optWhole(k, m, "azCount", components.DefaultAzCount)}
		nv.Cidr, _ = r.reqString(k, m, "cidr", "an IPv4 CIDR such as 10.20.0.0/24")
		c.NewVpc = nv
	default:
		r.fail(k, "expected {cidr, azCount} for a new VPC or {id, subnetIds} for an existing one")
	}
}

// vpcId reads the id of an existing VPC's object m at k.
func (r *reader) vpcId(k key, m map[string]any) string {
	id, idOK := r.reqString(k, m, "id", "a VPC ID such as vpc-0123456789abcdef0")
	if idOK && !r.needsPlain(k.field("id"), id) && !vpcIdPattern.MatchString(id) {
		r.bad(k.field("id"), id, "a VPC ID: vpc- and 8 or 17 lowercase hex digits")
	}
	return id
}

// existingVpc reads an existing VPC's object m at k: {id, subnetIds}.
func (r *reader) existingVpc(k key, m map[string]any) *ExistingVpc {
	ev := &ExistingVpc{Id: r.vpcId(k, m)}
	{
		subnets, ok := r.stringList(k, m, "subnetIds", "a subnet ID")
		if _, given := m["subnetIds"]; !given {
			r.missing(k.field("subnetIds"), "a list of subnet IDs in that VPC")
		} else if ok && len(subnets) == 0 {
			r.bad(k.field("subnetIds"), []any{}, "at least one subnet ID")
		}
		seen := map[string]bool{}
		for i, s := range subnets {
			switch {
			case r.needsPlain(k.field("subnetIds").index(i), s):
			case !subnetIdPattern.MatchString(s):
				r.bad(k.field("subnetIds").index(i), s, "a subnet ID: subnet- and 8 or 17 lowercase hex digits")
			case seen[s]:
				r.fail(k.field("subnetIds").index(i), "got %q twice; expected each subnet once", s)
			}
			seen[s] = true
		}
		ev.SubnetIds = subnets
	}
	return ev
}

// isNumber says whether v is a decoded JSON number.
func isNumber(v any) bool {
	_, ok := v.(interface{ Int64() (int64, error) })
	return ok
}
