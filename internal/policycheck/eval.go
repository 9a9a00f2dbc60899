// Package policycheck evaluates API Gateway resource policies the way IAM
// does for one execute-api:Invoke request, so tests can prove who gets in.
package policycheck

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
func Parse(policyJSON string) (*Document, error) {
	var d Document
	if err := json.Unmarshal([]byte(policyJSON), &d); err != nil {
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

// Allows evaluates an anonymous execute-api:Invoke of resourceArn arriving
// through the endpoint sourceVpce ("" for none): an explicit Deny wins,
// otherwise an Allow is needed. Unknown condition operators are an error.
func (d *Document) Allows(resourceArn, sourceVpce string) (bool, error) {
	allowed := false
	for _, s := range d.Statement {
		if !anyMatch(stringList(s.Action), "execute-api:Invoke") || !anyMatch(stringList(s.Resource), resourceArn) {
			continue
		}
		applies := true
		for op, cond := range s.Condition {
			for key, v := range cond {
				if key != "aws:SourceVpce" {
					return false, fmt.Errorf("condition key %s is not evaluated here", key)
				}
				in := sourceVpce != "" && anyMatch(stringList(v), sourceVpce)
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

// anyMatch says whether any pattern matches s.
func anyMatch(patterns []string, s string) bool {
	for _, p := range patterns {
		if matches(p, s) {
			return true
		}
	}
	return false
}
