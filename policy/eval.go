// Package policy evaluates API Gateway resource policies the way IAM does
// for one execute-api:Invoke request, so tests can prove who gets in.
//
// It implements AWS's evaluation order for the operators the components
// emit: an explicit Deny that matches wins; otherwise a matching Allow is
// needed; otherwise the request is implicitly denied. A statement matches
// when its Action, Resource (with * wildcards), Principal ("*", or
// {"AWS": [...]} naming roles, users, account roots or account IDs) and every
// condition match; the conditions understood are StringEquals and
// StringNotEquals on aws:SourceVpce and aws:PrincipalOrgId. Anything else is
// an error, never a guess. Only the resource policy is evaluated: a
// cross-account caller also needs its own identity policy to allow the call.
// See "How API Gateway resource policies affect authorization workflow" in
// the API Gateway developer guide.
//
//	ok, err := policy.Allows(policyJson, policy.Request{
//		Resource:   executionArn + "/dev/GET/orders",
//		SourceVpce: "vpce-0123456789abcdef0",
//	})
package policy

import (
	"encoding/json"
	"fmt"
	"strings"
)

// statement is the subset of an IAM statement API Gateway resource policies use.
type statement struct {
	Effect    string
	Principal any
	Action    any
	Resource  any
	Condition map[string]map[string]any
}

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

// matches says whether pattern (with * wildcards) matches s.
func matches(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
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

// Evaluate applies AWS's evaluation order to the request for the operators
// the project emits: a matching explicit Deny wins, otherwise a matching
// Allow is needed. A statement matches when its Action, Resource, Principal
// ("*", or {"AWS": [role/user ARNs, account roots or IDs]}) and every
// condition (StringEquals, StringNotEquals on aws:SourceVpce and
// aws:PrincipalOrgId) match. Anything else is an error, never a guess. Only
// the resource policy is evaluated: a cross-account caller also needs its own
// identity policy to allow the call.
func (d *Document) Evaluate(req Request) (bool, error) {
	allowed := false
	for _, s := range d.Statement {
		if !anyMatch(stringList(s.Action), "execute-api:Invoke") || !anyMatch(stringList(s.Resource), req.Resource) {
			continue
		}
		who, err := principalMatches(s.Principal, req.Principal)
		if err != nil {
			return false, err
		}
		applies := who
		for op, cond := range s.Condition {
			for key, v := range cond {
				var got string
				switch key {
				case "aws:SourceVpce":
					got = req.SourceVpce
				case "aws:PrincipalOrgId":
					got = req.PrincipalOrgId
				default:
					return false, fmt.Errorf("condition key %s is not evaluated here", key)
				}
				in := got != "" && anyMatch(stringList(v), got)
				switch op {
				case "StringNotEquals":
					applies = applies && !in
				case "StringEquals":
					applies = applies && in
				default:
					return false, fmt.Errorf("condition operator %s is not evaluated here", op)
				}
			}
		}
		if !applies {
			continue
		}
		switch s.Effect {
		case "Deny":
			return false, nil
		case "Allow":
			allowed = true
		}
	}
	return allowed, nil
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

// anyMatch says whether any pattern matches s.
func anyMatch(patterns []string, s string) bool {
	for _, p := range patterns {
		if matches(p, s) {
			return true
		}
	}
	return false
}
