// Package policy evaluates API Gateway resource policies the way IAM does
// for one execute-api:Invoke request, so tests can prove who gets in.
//
// It implements AWS's evaluation order: an explicit Deny that matches wins;
// otherwise a matching Allow is needed; otherwise the request is implicitly
// denied. A statement matches when its Action or NotAction (without regard
// to case, as IAM compares actions), Resource or NotResource (with * and ?
// wildcards), Principal or NotPrincipal ("*", or {"AWS": [...]} naming
// roles, users, account roots or account IDs) and every condition match.
// The conditions understood are StringEquals, StringNotEquals, StringLike
// and StringNotLike on aws:SourceVpce and aws:PrincipalOrgID, and ArnEquals,
// ArnLike, ArnNotEquals and ArnNotLike on execute-api:viaDomainArn (the
// private custom domain a call came through), and IpAddress and
// NotIpAddress on aws:VpcSourceIp (the caller's address in its VPC, which
// a hub endpoint's spokes are told apart by; condition key names without
// regard to case, as IAM does). Any other element, operator or
// key is an error, never a guess. Only the resource policy is evaluated: a
// cross-account caller also needs its own identity policy to allow the
// call. See "How API Gateway resource policies affect authorization
// workflow" in the API Gateway developer guide and "Policy evaluation logic"
// in the IAM user guide.
//
//	ok, err := policy.Allows(policyJson, policy.Request{
//		Resource:   executionArn + "/dev/GET/orders",
//		SourceVpce: "vpce-0123456789abcdef0",
//	})
package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// statement is an IAM statement of a resource policy.
type statement struct {
	Sid          string
	Effect       string
	Principal    any
	NotPrincipal any
	Action       any
	NotAction    any
	Resource     any
	NotResource  any
	Condition    map[string]map[string]any
}

// elements are the statement elements IAM defines (names are case-sensitive).
var elements = map[string]bool{"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true, "Action": true,
	"NotAction": true, "Resource": true, "NotResource": true, "Condition": true}

// Document is a parsed policy.
type Document struct {
	Version   string
	Statement []statement
}

// Parse reads a policy document.
func Parse(policyJson string) (*Document, error) {
	var d Document
	if err := json.Unmarshal([]byte(policyJson), &d); err != nil {
		return nil, fmt.Errorf("policy is not valid JSON: %w", err)
	}
	if len(d.Statement) == 0 {
		return nil, fmt.Errorf("policy has no statements")
	}
	// encoding/json fills fields without regard to case and drops unknown
	// names; IAM does neither, so the names are checked as written.
	var raw struct{ Statement []map[string]json.RawMessage }
	if err := json.Unmarshal([]byte(policyJson), &raw); err != nil {
		return nil, fmt.Errorf("policy: Statement must be a list of objects: %w", err)
	}
	for i, st := range raw.Statement {
		for name := range st {
			if !elements[name] {
				return nil, fmt.Errorf("statement %d: element %q is not an IAM statement element (Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)", i, name)
			}
		}
	}
	return &d, nil
}

// stringList returns a string or list-of-strings field as a list.
func stringList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Resources lists every Resource of every statement.
func (d *Document) Resources() []string {
	var out []string
	for _, s := range d.Statement {
		out = append(out, stringList(s.Resource)...)
	}
	return out
}

// DeniedUnlessSourceVpce returns the aws:SourceVpce values of the Deny
// statements' StringNotEquals conditions.
func (d *Document) DeniedUnlessSourceVpce() []string {
	var out []string
	for _, s := range d.Statement {
		if s.Effect == "Deny" {
			out = append(out, stringList(s.Condition["StringNotEquals"]["aws:SourceVpce"])...)
		}
	}
	return out
}

// Match says whether an IAM pattern matches s: * stands for any run of
// characters (slashes included) and ? for one character, as in IAM's
// Action, Resource and String*Like matching; nothing else is special. It is
// case-sensitive: compare actions in one case.
func Match(pattern, s string) bool { return matches(pattern, s) }

// matches is Match.
func matches(pattern, s string) bool {
	// The classic linear scan: on a mismatch, let the last * take one more
	// character; no backtracking beyond it is needed.
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p, i = p+1, i+1
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			mark++
			p, i = star+1, mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// Request is one execute-api:Invoke as IAM sees it.
type Request struct {
	// Resource is the method ARN: <executionArn>/<stage>/<METHOD>/<path>.
	Resource string
	// SourceVpce is the endpoint the call came through, "" for none.
	SourceVpce string
	// Principal is the signing caller's ARN (a role or user), "" for an
	// anonymous (unsigned) call.
	Principal string
	// PrincipalOrgId is the caller's AWS Organizations ID, "" for none.
	PrincipalOrgId string
	// ViaDomainArn is the execute-api ARN of the private custom domain the
	// call came through (arn:aws:execute-api:<region>:<account>:/domainnames/<name>+<id>),
	// "" for a call to the API's own names. API Gateway sets the condition
	// key execute-api:viaDomainArn to it ("Use VPC endpoint policies for
	// private APIs in API Gateway", examples 4 and 5).
	ViaDomainArn string
	// VpcSourceIp is the caller's IP address in its VPC, "" for none. IAM
	// sets aws:VpcSourceIp only for a request made through a VPC endpoint
	// ("AWS global condition context keys"); API Gateway's private APIs
	// evaluate it in resource policies ("API Gateway resource policy
	// examples": "Deny API traffic based on source IP address or range when
	// using a private API").
	VpcSourceIp string
}

// Allows parses policyJson and evaluates req against it (see Evaluate).
func Allows(policyJson string, req Request) (bool, error) {
	d, err := Parse(policyJson)
	if err != nil {
		return false, err
	}
	return d.Evaluate(req)
}

// Allows evaluates an anonymous execute-api:Invoke of resourceArn arriving
// through the endpoint sourceVpce ("" for none).
func (d *Document) Allows(resourceArn, sourceVpce string) (bool, error) {
	return d.Evaluate(Request{Resource: resourceArn, SourceVpce: sourceVpce})
}

// Decision is the outcome of a policy's evaluation.
type Decision int

const (
	// ImplicitDeny means no statement allows the request and none denies it.
	ImplicitDeny Decision = iota
	// Allowed means an Allow matches and no Deny does.
	Allowed
	// ExplicitDeny means a Deny matches.
	ExplicitDeny
)

// Evaluate applies AWS's evaluation order to the request: a matching
// explicit Deny wins, otherwise a matching Allow is needed (see the package
// documentation for what a statement matches and what is an error). Only
// the resource policy is evaluated: a cross-account caller also needs its
// own identity policy to allow the call.
func (d *Document) Evaluate(req Request) (bool, error) {
	decision, err := d.Decide(req)
	return decision == Allowed, err
}

// Decide is Evaluate that tells an explicit Deny from no Allow (API
// Gateway's message says "with an explicit deny" for the first only).
func (d *Document) Decide(req Request) (Decision, error) {
	decision := ImplicitDeny
	for i, s := range d.Statement {
		applies, err := s.applies(req)
		if err != nil {
			return ImplicitDeny, fmt.Errorf("statement %d: %w", i, err)
		}
		if !applies {
			continue
		}
		switch s.Effect {
		case "Deny":
			return ExplicitDeny, nil
		case "Allow":
			decision = Allowed
		default:
			return ImplicitDeny, fmt.Errorf("statement %d: Effect %q: expected Allow or Deny", i, s.Effect)
		}
	}
	return decision, nil
}

// applies says whether the statement covers the request: its action,
// resource, principal and every condition.
func (s statement) applies(req Request) (bool, error) {
	action, err := either("Action", s.Action, s.NotAction, func(v any) bool { return anyMatchFold(stringList(v), invokeAction) })
	if err != nil || !action {
		return false, err
	}
	resource, err := either("Resource", s.Resource, s.NotResource, func(v any) bool { return anyMatch(stringList(v), req.Resource) })
	if err != nil || !resource {
		return false, err
	}
	var principalErr error
	who, err := either("Principal", s.Principal, s.NotPrincipal, func(v any) bool {
		ok, err := principalMatches(v, req.Principal)
		principalErr = err
		return ok
	})
	if err != nil || principalErr != nil {
		return false, errors.Join(err, principalErr)
	}
	if !who {
		return false, nil
	}
	for op, cond := range s.Condition {
		for key, v := range cond {
			ok, err := conditionHolds(op, key, stringList(v), req)
			if err != nil || !ok {
				return false, err
			}
		}
	}
	return true, nil
}

// invokeAction is the one action API Gateway evaluates resource policies for.
const invokeAction = "execute-api:Invoke"

// either evaluates an element that comes as Name or NotName (exactly one):
// in tells whether the request is among the element's values.
func either(name string, positive, negative any, in func(any) bool) (bool, error) {
	switch {
	case positive != nil && negative != nil:
		return false, fmt.Errorf("both %s and Not%s: IAM allows one", name, name)
	case positive != nil:
		return in(positive), nil
	case negative != nil:
		return !in(negative), nil
	}
	return false, fmt.Errorf("neither %s nor Not%s: a resource policy statement needs one", name, name)
}

// conditionHolds evaluates one condition operator and key on the request.
// A key the request lacks makes StringNotEquals and StringNotLike hold and
// the others fail, as IAM does.
func conditionHolds(op, key string, values []string, req Request) (bool, error) {
	var got string
	switch strings.ToLower(key) {
	case "aws:sourcevpce":
		got = req.SourceVpce
	case "aws:principalorgid":
		got = req.PrincipalOrgId
	case "execute-api:viadomainarn":
		got = req.ViaDomainArn
	case "aws:vpcsourceip":
		return ipConditionHolds(op, key, values, req.VpcSourceIp)
	default:
		return false, fmt.Errorf("condition key %s is not evaluated here", key)
	}
	equal := func(p, s string) bool { return p == s }
	var in bool
	switch op {
	case "StringEquals", "StringNotEquals":
		in = got != "" && anyOf(values, got, equal)
	case "StringLike", "StringNotLike":
		in = got != "" && anyMatch(values, got)
	case "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike":
		in = got != "" && anyOf(values, got, arnMatches)
	default:
		return false, fmt.Errorf("condition operator %s is not evaluated here", op)
	}
	if strings.HasPrefix(op, "StringNot") || strings.HasPrefix(op, "ArnNot") {
		return !in, nil
	}
	return in, nil
}

// ipConditionHolds evaluates IpAddress or NotIpAddress on an IP address
// key ("IAM JSON policy elements: Condition operators", IP address
// condition operators): a value is an address or a CIDR block; a request
// without the key fails IpAddress and passes NotIpAddress, as the negated
// operators do. Another operator on the key is an error.
func ipConditionHolds(op, key string, values []string, got string) (bool, error) {
	if op != "IpAddress" && op != "NotIpAddress" {
		return false, fmt.Errorf("condition operator %s on %s is not evaluated here: expected IpAddress or NotIpAddress", op, key)
	}
	in := false
	if got != "" {
		addr, err := netip.ParseAddr(got)
		if err != nil {
			return false, fmt.Errorf("%s %q of the request: not an IP address", key, got)
		}
		for _, v := range values {
			prefix, err := netip.ParsePrefix(v)
			if err != nil {
				a, aerr := netip.ParseAddr(v)
				if aerr != nil {
					return false, fmt.Errorf("%s %s %q: expected an IP address or a CIDR block", op, key, v)
				}
				prefix = netip.PrefixFrom(a, a.BitLen())
			}
			in = in || prefix.Contains(addr)
		}
	}
	if op == "NotIpAddress" {
		return !in, nil
	}
	return in, nil
}

// arnMatches is IAM's ArnEquals and ArnLike (the two behave alike): each of
// the six colon-delimited parts of the ARN is matched on its own, with *
// and ? wildcards ("IAM JSON policy elements: Condition operators", Amazon
// Resource Name (ARN) condition operators).
func arnMatches(pattern, arn string) bool {
	p, a := strings.SplitN(pattern, ":", 6), strings.SplitN(arn, ":", 6)
	if len(p) != 6 || len(a) != 6 {
		return false
	}
	for i := range p {
		if !matches(p[i], a[i]) {
			return false
		}
	}
	return true
}

// principalMatches says whether a statement's Principal covers the caller.
func principalMatches(principal any, caller string) (bool, error) {
	switch p := principal.(type) {
	case nil:
		return false, fmt.Errorf("statement without Principal: a resource policy needs one")
	case string:
		if p == "*" {
			return true, nil
		}
		return false, fmt.Errorf("principal %q is not evaluated here", p)
	case map[string]any:
		for kind, v := range p {
			if kind != "AWS" {
				return false, fmt.Errorf("principal type %s is not evaluated here", kind)
			}
			for _, who := range stringList(v) {
				if who == "*" || (caller != "" && (who == caller || accountOf(who) != "" && isAccountRoot(who) && accountOf(who) == accountOf(caller))) {
					return true, nil
				}
			}
		}
		return false, nil
	}
	return false, fmt.Errorf("principal %v is not evaluated here", principal)
}

// accountOf is the account of an IAM ARN, or the string itself when it is a
// bare 12-digit account ID.
func accountOf(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) >= 5 && strings.HasPrefix(arn, "arn:") {
		return parts[4]
	}
	if len(arn) == 12 && strings.Trim(arn, "0123456789") == "" {
		return arn
	}
	return ""
}

// isAccountRoot says whether a principal names a whole account.
func isAccountRoot(who string) bool {
	return strings.HasSuffix(who, ":root") || accountOf(who) == who
}

// anyMatch says whether any pattern (with * and ? wildcards) matches s.
func anyMatch(patterns []string, s string) bool {
	return anyOf(patterns, s, matches)
}

// anyMatchFold is anyMatch without regard to case (actions).
func anyMatchFold(patterns []string, s string) bool {
	return anyOf(patterns, s, func(p, s string) bool { return matches(strings.ToLower(p), strings.ToLower(s)) })
}

// anyOf says whether match(p, s) holds for any of patterns.
func anyOf(patterns []string, s string, match func(p, s string) bool) bool {
	for _, p := range patterns {
		if match(p, s) {
			return true
		}
	}
	return false
}
