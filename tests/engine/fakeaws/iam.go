package fakeaws

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/xaccount/xaccount-api/policy"
)

// IamRole is a role a provider may assume: its identity policy (what its
// sessions may do) and its trust policy (who may assume it). The tests put
// here exactly what `cmd/plan --iam` prints.
type IamRole struct {
	Account string `json:"account"`
	// Policy is the identity policy document (JSON).
	Policy string `json:"policy"`
	// Trust is the trust policy document (JSON); "" trusts nobody.
	Trust string `json:"trust"`
}

// EnvCaller names the ambient identity the provider processes start with
// (the pipeline role a job got through OIDC), as an ARN. AssumeRole checks
// the target role's trust policy against it.
const EnvCaller = "FAKEAWS_CALLER"

// EnvAwsConfigFile is the AWS SDK's variable for the shared config file,
// read for `[profile NAME]` sections as the SDK does.
const EnvAwsConfigFile = "AWS_CONFIG_FILE"

// session is who a provider acts as once configured.
type session struct {
	// Role is the assumed role's ARN; SessionName its session's name.
	Role, SessionName string
}

// principal is the ARN AWS prints for an assumed-role session.
func (s session) principal(account string) string {
	name := s.Role[strings.LastIndex(s.Role, "/")+1:]
	return fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", account, name, s.SessionName)
}

// assumeRole is sts:AssumeRole of role by caller: the role must exist and its
// trust policy must allow caller (IAM user guide, "How to use trust policies
// with IAM roles"); the error is STS's.
func assumeRole(c *Cloud, caller, role, externalId string) error {
	r, ok := c.AssumableRoles[role]
	if !ok {
		return fmt.Errorf("operation error STS: AssumeRole, https response error StatusCode: 403, api error AccessDenied: User: %s is not authorized to perform: sts:AssumeRole on resource: %s (the role does not exist)", caller, role)
	}
	doc, err := parsePolicy(r.Trust)
	if err != nil {
		return fmt.Errorf("fakeaws: trust policy of %s: %w", role, err)
	}
	context := map[string][]string{}
	if externalId != "" {
		context["sts:externalid"] = []string{externalId}
	}
	if doc.decide(request{Action: "sts:AssumeRole", Resource: role, Principal: caller, Context: context}) != allowed {
		return fmt.Errorf("operation error STS: AssumeRole, https response error StatusCode: 403, api error AccessDenied: User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller, role)
	}
	return nil
}

// authorize checks one AWS call against the identity policy of the role the
// provider assumed, with the request's condition keys (lower-case names,
// see requestContext), and fails as that service fails (see deniedError).
func (p *Provider) authorize(c *Cloud, action, resource string, context map[string][]string) error {
	r, ok := c.AssumableRoles[p.session.Role]
	verdict := implicitDeny
	if ok {
		doc, err := parsePolicy(r.Policy)
		if err != nil {
			return fmt.Errorf("fakeaws: policy of %s: %w", p.session.Role, err)
		}
		verdict = doc.decide(request{Action: action, Resource: resource, Context: context})
	}
	if verdict == allowed {
		return nil
	}
	return deniedError(action, resource, p.session.principal(p.scope.Account), verdict == explicitDeny)
}

// deniedError is the error each service returns when IAM refuses a call:
// EC2 answers UnauthorizedOperation, API Gateway, Lambda and CloudWatch Logs
// AccessDeniedException, IAM, STS and Route 53 AccessDenied (IAM user guide,
// "Troubleshoot access denied error messages").
func deniedError(action, resource, principal string, explicit bool) error {
	service, _, _ := strings.Cut(action, ":")
	why := "because no identity-based policy allows the " + action + " action"
	if explicit {
		why = "with an explicit deny in an identity-based policy"
	}
	msg := fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s %s", principal, action, resource, why)
	switch service {
	case "ec2":
		return fmt.Errorf("operation error EC2, https response error StatusCode: 403, api error UnauthorizedOperation: You are not authorized to perform this operation. %s", msg)
	case "apigateway", "lambda", "logs":
		return fmt.Errorf("operation error %s, https response error StatusCode: 403, AccessDeniedException: %s", service, msg)
	default:
		return fmt.Errorf("operation error %s, https response error StatusCode: 403, api error AccessDenied: %s", strings.ToUpper(service), msg)
	}
}

// verdict is the outcome of IAM's policy evaluation logic.
type verdict int

const (
	implicitDeny verdict = iota
	allowed
	explicitDeny
)

// request is one call as IAM evaluates it.
type request struct {
	Action, Resource string
	// Principal is the caller, for trust policies ("" for identity policies).
	Principal string
	// Context holds the request's condition keys by lower-case name, each
	// with its values (e.g. an OIDC token's sub and aud, one value each; the
	// record names of a Route 53 change batch, several).
	Context map[string][]string
}

// iamPolicy is a parsed IAM policy.
type iamPolicy struct {
	Statement []iamStatement
}

type iamStatement struct {
	Effect    string
	Principal map[string][]string
	Action    []string
	NotAction []string
	Resource  []string
	Condition map[string]map[string][]string
}

// conditionOperators are the condition operators this evaluator implements
// ("IAM JSON policy elements: Condition operators" and "Set operators for
// multivalued context keys", IAM user guide): string equality and wildcard
// matching, alone for a key of one value (also as …IfExists, which holds
// when the request lacks the key: "...IfExists condition operators") or
// under ForAllValues and ForAnyValue for a key of several; StringNotEquals
// for a key of one value (true when the request lacks the key: "If the
// policy condition requires that the key is not matched, such as
// StringNotLike or ArnNotLike, and the right key is not present, the
// condition is true"); ArnEquals and ArnLike, which match each of an ARN's
// six colon-separated parts on its own with * and ? ("Amazon Resource Name
// (ARN) condition operators"). Any other is refused.
var conditionOperators = []string{
	"StringEquals", "StringLike", "StringEqualsIfExists", "StringLikeIfExists", "StringNotEquals", "ArnEquals", "ArnLike",
	"ForAllValues:StringEquals", "ForAllValues:StringLike",
	"ForAnyValue:StringEquals", "ForAnyValue:StringLike",
}

// parsePolicy reads a policy whose elements may each be a string or a list,
// and refuses what this evaluator does not implement (NotResource,
// NotPrincipal, unknown condition operators) instead of guessing.
func parsePolicy(doc string) (iamPolicy, error) {
	var raw struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return iamPolicy{}, fmt.Errorf("MalformedPolicyDocument: %w", err)
	}
	var stmts []map[string]any
	if err := json.Unmarshal(raw.Statement, &stmts); err != nil {
		var one map[string]any
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return iamPolicy{}, fmt.Errorf("MalformedPolicyDocument: Statement: %w", err)
		}
		stmts = []map[string]any{one}
	}
	var out iamPolicy
	for _, s := range stmts {
		for k := range s {
			if !slices.Contains([]string{"Sid", "Effect", "Principal", "Action", "NotAction", "Resource", "Condition"}, k) {
				return iamPolicy{}, fmt.Errorf("the simulated IAM does not evaluate %s", k)
			}
		}
		if _, principal := s["Principal"]; !principal && len(strList(s["Resource"])) == 0 {
			// An identity policy's statement must name its resources: IAM
			// refuses the policy otherwise ("IAM JSON policy elements:
			// Resource": "Each statement must include either a Resource or a
			// NotResource element"; MalformedPolicyDocument, "Policy
			// statement must contain resources").
			return iamPolicy{}, fmt.Errorf("MalformedPolicyDocument: Policy statement must contain resources")
		}
		st := iamStatement{Effect: str(s["Effect"]), Action: strList(s["Action"]), NotAction: strList(s["NotAction"]), Resource: strList(s["Resource"])}
		if pr, ok := s["Principal"].(map[string]any); ok {
			st.Principal = map[string][]string{}
			for k, v := range pr {
				st.Principal[k] = strList(v)
			}
		} else if s["Principal"] == "*" {
			st.Principal = map[string][]string{"AWS": {"*"}}
		}
		if cond, ok := s["Condition"].(map[string]any); ok {
			st.Condition = map[string]map[string][]string{}
			for op, kv := range cond {
				if !slices.Contains(conditionOperators, op) {
					return iamPolicy{}, fmt.Errorf("the simulated IAM does not evaluate condition operator %s", op)
				}
				m := map[string][]string{}
				for k, v := range kv.(map[string]any) {
					m[strings.ToLower(k)] = strList(v)
				}
				st.Condition[op] = m
			}
		}
		out.Statement = append(out.Statement, st)
	}
	return out, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, str(e))
		}
		return out
	}
	return nil
}

// decide is IAM's evaluation: an explicit Deny wins, else an Allow allows,
// else the call is implicitly denied. Actions match case-insensitively,
// resources case-sensitively, both with * and ? wildcards.
func (d iamPolicy) decide(r request) verdict {
	out := implicitDeny
	for _, s := range d.Statement {
		if !s.matches(r) {
			continue
		}
		if s.Effect == "Deny" {
			return explicitDeny
		}
		if s.Effect == "Allow" {
			out = allowed
		}
	}
	return out
}

func (s iamStatement) matches(r request) bool {
	actionOK := anyMatch(s.Action, r.Action, true)
	if len(s.NotAction) > 0 {
		actionOK = !anyMatch(s.NotAction, r.Action, true)
	}
	if !actionOK {
		return false
	}
	if r.Principal != "" {
		if !awsPrincipalMatches(s.Principal["AWS"], r.Principal) && !anyMatch(s.Principal["Federated"], r.Principal, false) {
			return false
		}
	} else if !anyMatch(s.Resource, r.Resource, false) {
		return false
	}
	for op, kv := range s.Condition {
		for key, want := range kv {
			got, ok := r.Context[key]
			if !conditionHolds(op, want, got, ok) {
				return false
			}
		}
	}
	return true
}

// awsPrincipalMatches says whether an AWS principal element names the
// caller: the caller's own ARN (or a pattern of it), or its account, as
// arn:<partition>:iam::<account>:root or the bare account ID, which names
// every principal of that account (IAM user guide, "AWS JSON policy
// elements: Principal", AWS account principals).
func awsPrincipalMatches(principals []string, caller string) bool {
	if anyMatch(principals, caller, false) {
		return true
	}
	callerAccount := ""
	if parts := strings.SplitN(caller, ":", 6); len(parts) == 6 && parts[0] == "arn" {
		callerAccount = parts[4]
	}
	for _, p := range principals {
		parts := strings.SplitN(p, ":", 6)
		root := len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[5] == "root"
		if callerAccount != "" && (root && parts[4] == callerAccount || p == callerAccount) {
			return true
		}
	}
	return false
}

// conditionHolds evaluates one condition key against the request's values
// (present says whether the request has the key at all), as IAM does: a
// single-valued operator needs the key with one value that matches one of
// the policy's (a missing key does not match; a key of several values is
// not guessed at and does not match either); ForAllValues holds when every
// value matches one of the policy's, and so when the key is missing or
// empty; ForAnyValue holds when at least one value matches, so never for a
// missing key. An …IfExists operator holds for a missing key and is its
// base operator for a present one; StringNotEquals holds for a missing key,
// and for a present one when StringEquals does not. Values match
// case-sensitively: StringEquals exactly, StringLike with * and ?
// wildcards, ArnEquals and ArnLike part by part (arnMatches).
func conditionHolds(op string, want, got []string, present bool) bool {
	set, base, isSet := strings.Cut(op, ":")
	if !isSet {
		base = set
	}
	if b, ifExists := strings.CutSuffix(base, "IfExists"); ifExists {
		if !present {
			return true
		}
		base = b
	}
	negated := false
	if b, ok := strings.CutPrefix(base, "StringNot"); ok {
		base, negated = "String"+b, true
	}
	match := func(v string) bool {
		switch base {
		case "StringLike":
			return anyMatch(want, v, false)
		case "ArnEquals", "ArnLike":
			return slices.ContainsFunc(want, func(p string) bool { return arnMatches(p, v) })
		}
		return slices.Contains(want, v)
	}
	switch {
	case !isSet && negated:
		return !present || len(got) != 1 || !match(got[0])
	case !isSet:
		return present && len(got) == 1 && match(got[0])
	case set == "ForAllValues":
		for _, v := range got {
			if !match(v) {
				return false
			}
		}
		return true
	default: // ForAnyValue
		return slices.ContainsFunc(got, match)
	}
}

// arnMatches is ArnEquals and ArnLike: each of the six colon-separated
// parts of the ARN matched on its own, with * and ? wildcards.
func arnMatches(pattern, arn string) bool {
	p, a := strings.SplitN(pattern, ":", 6), strings.SplitN(arn, ":", 6)
	if len(p) != 6 || len(a) != 6 {
		return false
	}
	for i := range p {
		if !policy.Match(p[i], a[i]) {
			return false
		}
	}
	return true
}

// anyMatch says whether value matches one of the patterns, with IAM's
// wildcards (policy.Match), without regard to case when fold is set.
func anyMatch(patterns []string, value string, fold bool) bool {
	for _, p := range patterns {
		if fold {
			p, value = strings.ToLower(p), strings.ToLower(value)
		}
		if policy.Match(p, value) {
			return true
		}
	}
	return false
}

// EvaluateTrust says whether a trust policy lets principal (an ARN, or a
// federated provider's ARN with the web-identity token's claims in context)
// perform action. Exported for the trust-chain tests.
func EvaluateTrust(trust, action, principal string, context map[string]string) (bool, error) {
	doc, err := parsePolicy(trust)
	if err != nil {
		return false, err
	}
	lower := map[string][]string{}
	for k, v := range context {
		lower[strings.ToLower(k)] = []string{v}
	}
	return doc.decide(request{Action: action, Principal: principal, Context: lower}) == allowed, nil
}

// EvaluateIdentity says whether an identity policy allows action on resource.
// Exported for the trust-chain tests.
func EvaluateIdentity(policy, action, resource string) (bool, error) {
	doc, err := parsePolicy(policy)
	if err != nil {
		return false, err
	}
	return doc.decide(request{Action: action, Resource: resource}) == allowed, nil
}

// sharedConfigProfile reads `[profile NAME]` from the shared config file
// (AWS_CONFIG_FILE), as the SDK does. The simulated AWS has no long-term
// keys, so a profile must assume a role (role_arn) with the ambient
// credentials (FAKEAWS_CALLER): credential_source = Environment, or a
// source_profile that names a profile of the file without a role_arn of its
// own (in a real config, one with the person's keys: the SDK assumes the
// role with them, "Assume a role with source_profile", AWS SDKs and Tools
// reference guide). A source profile that assumes a role itself (a chain)
// is not simulated and is refused.
func sharedConfigProfile(name string) (map[string]string, error) {
	file := os.Getenv(EnvAwsConfigFile)
	if file == "" {
		return nil, fmt.Errorf("fakeaws: failed to get shared config profile, %s (no %s)", name, EnvAwsConfigFile)
	}
	profiles, err := readSharedConfig(file)
	if err != nil {
		return nil, fmt.Errorf("fakeaws: failed to get shared config profile, %s: %w", name, err)
	}
	found, ok := profiles[name]
	if !ok {
		return nil, fmt.Errorf("fakeaws: failed to get shared config profile, %s", name)
	}
	if found["role_arn"] == "" {
		return nil, fmt.Errorf("fakeaws: profile %s: expected role_arn with credential_source = Environment or a source_profile (the simulated AWS has no long-term keys)", name)
	}
	switch source := found["source_profile"]; {
	case found["credential_source"] == "Environment" && source == "":
	case source != "" && found["credential_source"] == "":
		from, ok := profiles[source]
		if !ok {
			return nil, fmt.Errorf("fakeaws: failed to get shared config profile, %s (the source_profile of %s)", source, name)
		}
		if from["role_arn"] != "" {
			return nil, fmt.Errorf("fakeaws: profile %s: its source_profile %s assumes a role itself, a chain the simulated AWS does not simulate", name, source)
		}
	default:
		return nil, fmt.Errorf("fakeaws: profile %s: expected role_arn with credential_source = Environment or a source_profile (the simulated AWS has no long-term keys)", name)
	}
	return found, nil
}

// readSharedConfig reads every `[profile NAME]` section of a shared config
// file into its keys and values.
func readSharedConfig(file string) (map[string]map[string]string, error) {
	f, err := os.Open(file) //nolint:gosec // the test's own config file
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	profiles := map[string]map[string]string{}
	var section map[string]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = nil
			if name, ok := strings.CutPrefix(strings.TrimSpace(strings.Trim(line, "[]")), "profile "); ok {
				section = map[string]string{}
				profiles[strings.TrimSpace(name)] = section
			}
			continue
		}
		if section == nil {
			continue
		}
		if k, v, isKV := strings.Cut(line, "="); isKV {
			section[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return profiles, sc.Err()
}

// PutRoles creates or replaces roles providers may assume, by ARN.
func (s *Store) PutRoles(roles map[string]IamRole) error {
	return s.Update(func(c *Cloud) error {
		for arn, r := range roles {
			c.AssumableRoles[arn] = &r
		}
		return nil
	})
}
