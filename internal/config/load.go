package config

import (
	"bytes"
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/vocab"
)

var (
	tagKeyPattern   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$`)
	tagValuePattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$`)
)

// fullKey is the namespaced form of a top-level key.
func fullKey(name string) string { return Namespace + ":" + name }

// Load turns raw stack configuration into a validated Config. raw maps full
// keys ("xaccount-api:region") to values as the Pulumi engine passes them:
// strings as they are, objects and lists as JSON. Keys of other namespaces
// are ignored; unknown keys of this namespace are problems. secretKeys are the
// full keys whose values are secret. Every problem is reported, in a
// *Error, and nothing else is returned then.
func Load(raw map[string]string, secretKeys []string, stackName string) (*Config, error) {
	r := &reader{secretKeys: map[string]bool{}}
	for _, k := range secretKeys {
		r.secretKeys[k] = true
	}
	r.unknownKeys(raw)

	cfg := &Config{Stack: stackName}
	cfg.StackRole = r.stackRole(raw)
	r.role = cfg.StackRole
	cfg.Region = r.region(raw)
	cfg.Producer = r.producer(raw, cfg.StackRole)
	// The hub first: its dns says whether a spoke deploys in its account.
	cfg.Hub = r.hub(raw, cfg.StackRole)
	cfg.Consumers = r.consumers(raw, cfg.Region, cfg.StackRole)
	cfg.Api = r.api(raw, cfg, stackName)
	cfg.Tags = r.tags(raw)
	cfg.TagsSecret = r.secretKeys[fullKey(KeyTags)]
	cfg.Protect = r.protect(raw)
	cfg.Probe = r.probe(raw)
	r.checkZoneTags(cfg)
	r.consumerProbes(cfg)
	r.checkRoleShape(cfg, raw)
	r.validateArgs(cfg)
	if len(r.problems) > 0 {
		return nil, &Error{Problems: r.problems}
	}
	return cfg, nil
}

// checkZoneTags refuses default tags the private hosted zones cannot carry:
// the hub's with hub.dns phz, or with a custom domain one per created
// endpoint; each gets every default tag, and Route 53 takes at most
// components.MaxTagsPerHostedZone.
func (r *reader) checkZoneTags(cfg *Config) {
	if len(cfg.Tags) <= components.MaxTagsPerHostedZone {
		return
	}
	if cfg.Hub != nil && (cfg.Hub.Dns == components.HubDnsPhz || cfg.Hub.Dns == components.HubDnsProfile) {
		r.fail(key(fullKey(KeyTags)), "got %d tags; with %s.dns %s the hub's Route 53 private hosted zone gets every default tag, and a hosted zone takes at most %d tags; keep at most %d",
			len(cfg.Tags), KeyHub, cfg.Hub.Dns, components.MaxTagsPerHostedZone, components.MaxTagsPerHostedZone)
		return
	}
	if cfg.Api.CustomDomain == nil {
		return
	}
	for _, c := range cfg.Consumers {
		if c.ManagesEndpoint() {
			r.fail(key(fullKey(KeyTags)), "got %d tags; with %s.customDomain each created endpoint gets a Route 53 private hosted zone, which takes at most %d tags (these default tags included); keep at most %d", len(cfg.Tags), KeyApi, components.MaxTagsPerHostedZone, components.MaxTagsPerHostedZone)
			return
		}
	}
}

// unknownKeys reports keys of this namespace the program does not read.
func (r *reader) unknownKeys(raw map[string]string) {
	var unknown []string
	for k := range raw {
		name, ok := strings.CutPrefix(k, Namespace+":")
		if !ok {
			continue
		}
		known := false
		for _, want := range Keys {
			known = known || name == want
		}
		if !known {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		r.fail(key(k), "unknown key; expected one of %s", strings.Join(Keys, ", "))
	}
}

// structured decodes the JSON value of an object- or list-valued key; absent gives nil.
func (r *reader) structured(raw map[string]string, name, expected string) (any, bool) {
	s, present := raw[fullKey(name)]
	if !present {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		r.bad(key(fullKey(name)), s, expected)
		return nil, false
	}
	return v, true
}

func (r *reader) region(raw map[string]string) string {
	k := key(fullKey(KeyRegion))
	v, present := raw[string(k)]
	if !present {
		r.missing(k, vocab.ExpectRegion)
	} else {
		r.needsPlain(k, v) // its shape is the component's rule (vocab.ValidRegion)
	}
	return v
}

func (r *reader) tags(raw map[string]string) map[string]string {
	k := key(fullKey(KeyTags))
	v, present := r.structured(raw, KeyTags, "an object of tag names to string values")
	if !present {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		r.bad(k, v, "an object of tag names to string values")
		return nil
	}
	tags := make(map[string]string, len(m))
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !tagKeyPattern.MatchString(name) || strings.HasPrefix(strings.ToLower(name), "aws:") {
			r.fail(k, "tag name %q: expected 1-128 letters, digits, spaces or _.:/=+-@, not starting with aws:", name)
			continue
		}
		s, isString := m[name].(string)
		if !isString {
			r.badString(k.field(name), m[name], "a tag value")
			continue
		}
		if !tagValuePattern.MatchString(s) && !r.opaque(k, s) {
			r.bad(k.field(name), s, "up to 256 letters, digits, spaces or _.:/=+-@")
			continue
		}
		tags[name] = s
	}
	if len(m) > components.MaxTagsPerResource {
		// Default tags land on every resource of the provider, and AWS
		// counts them with the resource's own ("Tagging your AWS resources").
		r.fail(k, "got %d tags; AWS allows %d user tags per resource, and these are set on every resource; keep at most %d", len(m), components.MaxTagsPerResource, components.MaxTagsPerResource)
	}
	if len(tags) == 0 {
		return nil // {} (Pulumi.yaml's default) and no key mean the same: no default tags
	}
	return tags
}

func (r *reader) protect(raw map[string]string) bool {
	k := key(fullKey(KeyProtect))
	v, present := raw[string(k)]
	if !present {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil || (v != "true" && v != "false") {
		r.bad(k, v, "true or false")
		return false
	}
	return b
}

// probe reads the top-level probe key {enabled, failOnError}.
func (r *reader) probe(raw map[string]string) Probe {
	out := Probe{FailOnError: true}
	k := key(fullKey(KeyProbe))
	v, present := r.structured(raw, KeyProbe, "an object {enabled, failOnError}")
	if !present {
		return out
	}
	m, ok := r.object(k, v, "enabled", "failOnError")
	if !ok {
		return out
	}
	out.Enabled = r.optBool(k, m, "enabled", false)
	out.FailOnError = r.optBool(k, m, "failOnError", true)
	return out
}

// consumerProbes applies the stack-wide probe default to consumers that do
// not set consumers[].probe; a consumer with an endpoint another team owns
// gets no probe from the default (an explicit true is refused by the component).
func (r *reader) consumerProbes(cfg *Config) {
	for i := range cfg.Consumers {
		if !r.probeSet[i] {
			cfg.Consumers[i].Probe = cfg.Probe.Enabled && cfg.Consumers[i].ManagesEndpoint()
		}
	}
}
