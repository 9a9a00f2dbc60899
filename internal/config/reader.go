package config

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Problem is one thing wrong with the configuration.
type Problem struct {
	// Key is the full key path, e.g. xaccount-api:consumers[1].accountId.
	Key string
	// Message says what was found and what is expected.
	Message string
	// alone marks a problem of the key itself, not of its value's shape
	// (e.g. credentials missing from a consumer): it does not stand in for
	// problems of the fields below it.
	alone bool
}

// String renders "key: message".
func (p Problem) String() string { return p.Key + ": " + p.Message }

// Error lists every problem found in a configuration.
type Error struct {
	Problems []Problem
}

// Error renders one problem as "key: message", and several as their count
// followed by one bullet line per problem, each naming its key (as
// components.FieldErrors does).
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return e.Count() + ":\n" + Bullets(lines)
}

// Count is "1 problem" or "<n> problems".
func (e *Error) Count() string {
	if len(e.Problems) == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", len(e.Problems))
}

// Bullets renders lines as a bullet list, "  * " before each line.
func Bullets(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return "  * " + strings.Join(lines, "\n  * ")
}

// SecretPlaceholder stands for a secure config value that cannot be decrypted
// (offline plans). Such values are never format-checked.
const SecretPlaceholder = "[secret]"

// reader walks decoded config values and collects problems; it never stops at
// the first one, so a user sees everything that is wrong at once.
type reader struct {
	problems []Problem
	// secretKeys are the top-level keys (full, namespaced) whose values are secret.
	secretKeys map[string]bool
	// consumerIndex maps each read consumer to its index in the config's list.
	consumerIndex []int
	// probeSet marks the read consumers (by position) that set probe themselves.
	probeSet map[int]bool
	// hubDns is the hub's dns as read ("" without a hub): with
	// components.HubDnsPhz each spoke needs credentials.
	hubDns string
	// hubProfileId is the hub's profileId as read: with it, dns profile
	// creates nothing in the spokes' accounts.
	hubProfileId string
	// role is the stack's role as read (stackRole), and hubStack says the
	// hub lives in a stack of its own that this stack references
	// (hub.stack): a spoke then holds only what its role deploys.
	role     string
	hubStack bool
}

// key is a key path while walking.
type key string

func (k key) field(name string) key { return key(string(k) + "." + name) }
func (k key) index(i int) key       { return key(fmt.Sprintf("%s[%d]", k, i)) }

// top is the top-level key a path belongs to.
func (k key) top() string {
	s := string(k)
	if i := strings.IndexAny(s, ".["); i >= 0 {
		return s[:i]
	}
	return s
}

func (r *reader) fail(k key, format string, args ...any) {
	r.problems = append(r.problems, Problem{Key: string(k), Message: fmt.Sprintf(format, args...)})
}

// failAlone records a problem of k itself that says nothing about the
// fields below it: their own problems are still reported.
func (r *reader) failAlone(k key, format string, args ...any) {
	r.problems = append(r.problems, Problem{Key: string(k), Message: fmt.Sprintf(format, args...), alone: true})
}

// bad records a value that does not meet its expectation.
func (r *reader) bad(k key, got any, expected string) {
	r.fail(k, "got %s; expected %s", describe(got), expected)
}

// badString records a non-string where a string is needed. A number or a
// boolean usually comes from an unquoted YAML value or from
// `pulumi config set --path`, which stores 4711 as a number: say how to fix it.
func (r *reader) badString(k key, got any, expected string) {
	switch got.(type) {
	case json.Number, bool:
		r.fail(k, "got %s; expected %s, as a string: quote it in the stack file, or set it with pulumi config set --path --type string", describe(got), expected)
	default:
		r.bad(k, got, expected)
	}
}

// missing records a required key that is absent.
func (r *reader) missing(k key, expected string) {
	r.fail(k, "missing; expected %s", expected)
}

// opaque says whether v is an undecryptable secret that must not be checked.
func (r *reader) opaque(k key, v string) bool {
	return v == SecretPlaceholder && r.secretKeys[k.top()]
}

// needsPlain reports an undecryptable secret where the program needs the
// plain value (IDs, ARNs and the region shape resources and URLs); it says
// whether v was such a secret.
func (r *reader) needsPlain(k key, v string) bool {
	if !r.opaque(k, v) {
		return false
	}
	r.fail(k, "is a secure value that cannot be decrypted offline; expected a plain value "+
		"(only roleArn, externalId, sessionName, profile, tag values and a route's body or uri may be secret)")
	return true
}

// describe renders a found value for a message.
func describe(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		if len(t) > 80 {
			t = t[:77] + "..."
		}
		return strconv.Quote(t)
	case json.Number:
		return "number " + t.String()
	case bool:
		return "boolean " + strconv.FormatBool(t)
	case []any:
		return fmt.Sprintf("a list of %d items", len(t))
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%v", t)
	}
}

// object returns v as an object and reports any key not in allowed.
func (r *reader) object(k key, v any, allowed ...string) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		r.bad(k, v, "an object with keys "+strings.Join(allowed, ", "))
		return nil, false
	}
	var unknown []string
	for name := range m {
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		r.fail(k.field(name), "unknown key; expected one of %s", strings.Join(allowed, ", "))
	}
	return m, true
}

// list returns v as a list.
func (r *reader) list(k key, v any, expected string) ([]any, bool) {
	l, ok := v.([]any)
	if !ok {
		r.bad(k, v, expected)
		return nil, false
	}
	return l, true
}

// nonEmptyList is list that also refuses an empty list.
func (r *reader) nonEmptyList(k key, v any, expected string) ([]any, bool) {
	l, ok := r.list(k, v, expected)
	if ok && len(l) == 0 {
		r.bad(k, v, expected)
		return nil, false
	}
	return l, ok
}

// optString returns m[name] as a string; ok is false when absent or wrong.
func (r *reader) optString(k key, m map[string]any, name, expected string) (string, bool) {
	v, present := m[name]
	if !present {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		r.badString(k.field(name), v, expected)
		return "", false
	}
	return s, true
}

// reqString is optString that reports an absent key.
func (r *reader) reqString(k key, m map[string]any, name, expected string) (string, bool) {
	if _, present := m[name]; !present {
		r.missing(k.field(name), expected)
		return "", false
	}
	return r.optString(k, m, name, expected)
}

// optNonEmpty is optString for a key whose "" the component reads as its
// default: a config that says "" is reported as a value it does not take.
func (r *reader) optNonEmpty(k key, m map[string]any, name, expected string) (string, bool) {
	s, ok := r.optString(k, m, name, expected)
	if ok && s == "" {
		r.bad(k.field(name), s, expected)
	}
	return s, ok
}

// optBool returns m[name] as a bool, or def when absent.
func (r *reader) optBool(k key, m map[string]any, name string, def bool) bool {
	v, present := m[name]
	if !present {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		r.bad(k.field(name), v, "true or false")
		return def
	}
	return b
}

// optWhole returns m[name] as a whole number, or def when absent. Its range
// is the component's rule, checked in validateArgs.
func (r *reader) optWhole(k key, m map[string]any, name string, def int) int {
	v, present := m[name]
	if !present {
		return def
	}
	n, ok := v.(json.Number)
	i, err := strconv.Atoi(n.String())
	if !ok || err != nil {
		r.bad(k.field(name), v, "a whole number")
		return def
	}
	return i
}

// optPercent returns m[name] as a number, or def when absent. Its range is
// the component's rule, checked in validateArgs.
func (r *reader) optPercent(k key, m map[string]any, name string, def float64) float64 {
	v, present := m[name]
	if !present {
		return def
	}
	n, ok := v.(json.Number)
	f, err := n.Float64()
	if !ok || err != nil {
		r.bad(k.field(name), v, "a number")
		return def
	}
	return f
}

// stringList returns m[name] as a list of strings (nil when absent).
func (r *reader) stringList(k key, m map[string]any, name, expected string) ([]string, bool) {
	v, present := m[name]
	if !present {
		return nil, false
	}
	l, ok := r.list(k.field(name), v, "a list of "+expected)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(l))
	good := true
	for i, item := range l {
		s, isString := item.(string)
		if !isString {
			r.bad(k.field(name).index(i), item, expected)
			good = false
			continue
		}
		out = append(out, s)
	}
	return out, good
}
