package components

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// This file holds the guardrails of extra resource-policy statements: what a
// caller may add after the SourceVpce Deny without opening a way around it.

// validateExtraStatement refuses a statement that could let anyone around
// the SourceVpce Deny: an Allow may only grant execute-api:Invoke, to named
// or all principals, on this API (Resource "*", execute-api:/… or the API's
// ARNs), and never with NotPrincipal, NotAction or NotResource. A Deny only
// narrows and is accepted as long as it is well formed.
func validateExtraStatement(stmt map[string]any) error {
	effect, _ := stmt["Effect"].(string)
	if effect != "Allow" && effect != "Deny" {
		return fmt.Errorf("field Effect %v: expected Allow or Deny", stmt["Effect"])
	}
	for k := range stmt {
		switch k {
		case "Sid", "Effect", "Principal", "Action", "Resource", "Condition":
		case "NotPrincipal", "NotAction", "NotResource":
			if effect == "Allow" {
				return fmt.Errorf("%s in an Allow grants everything it does not name, around the SourceVpce Deny; name what to allow instead", k)
			}
		default:
			return fmt.Errorf("unknown field %s: expected Sid, Effect, Principal, Action, Resource, Condition", k)
		}
	}
	if _, ok := stmt["Principal"]; !ok && stmt["NotPrincipal"] == nil {
		return errors.New("field Principal is required in a resource policy statement")
	}
	if effect == "Deny" {
		return nil
	}
	actions, ok := stringOrList(stmt["Action"])
	if !ok || len(actions) == 0 {
		return errors.New("field Action: expected execute-api:Invoke")
	}
	for _, a := range actions {
		if !strings.EqualFold(a, invokeAction) { // IAM compares actions without regard to case
			return fmt.Errorf("field Action %q in an Allow: only %s may be allowed", a, invokeAction)
		}
	}
	resources, ok := stringOrList(stmt["Resource"])
	if !ok || len(resources) == 0 {
		return errors.New("field Resource: expected \"*\", execute-api:/… or this API's ARN")
	}
	for _, r := range resources {
		if r != "*" && !strings.HasPrefix(r, "execute-api:/") && !executionResourcePattern.MatchString(r) {
			return fmt.Errorf("field Resource %q: expected \"*\", execute-api:/… or arn:<partition>:execute-api:… of this API", r)
		}
	}
	return nil
}

var executionResourcePattern = regexp.MustCompile(`^arn:aws[a-z-]*:execute-api:[a-z0-9-]+:` + vocab.AccountDigits + `:[a-z0-9]+/`)

// stringOrList reads an IAM string-or-list field.
func stringOrList(v any) ([]string, bool) {
	switch t := v.(type) {
	case string:
		return []string{t}, true
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	case []string:
		return t, true
	}
	return nil, false
}

// expandShorthand rewrites execute-api:/… resources to full ARNs of the API.
func expandShorthand(v any, executionArn string) any {
	switch t := v.(type) {
	case string:
		if rest, ok := strings.CutPrefix(t, "execute-api:/"); ok {
			return executionArn + "/" + rest
		}
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = expandShorthand(e, executionArn)
		}
		return out
	}
	return v
}
