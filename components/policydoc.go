package components

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// PolicyDocument is an IAM policy document as API Gateway stores it.
type PolicyDocument struct {
	Version   string            `json:"Version"`
	Statement []PolicyStatement `json:"Statement"`
}

// PolicyStatement is one statement of a PolicyDocument.
type PolicyStatement struct {
	Sid       string                         `json:"Sid,omitempty"`
	Effect    string                         `json:"Effect"`
	Principal any                            `json:"Principal"`
	Action    string                         `json:"Action"`
	Resource  string                         `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

var (
	executionArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:execute-api:[a-z]{2}(-[a-z]+)+-\d:` + vocab.AccountDigits + `:[a-z0-9]+$`)
	// vpcEndpointIdPattern matches an interface VPC endpoint ID (8 or 17 hex digits).
	vpcEndpointIdPattern = regexp.MustCompile(`^vpce-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// Authorization modes of a PrivateRestApi's methods.
const (
	// AuthorizationNone lets any caller that reaches the API through a listed
	// endpoint in (the default).
	AuthorizationNone = "NONE"
	// AuthorizationIam requires SigV4-signed calls; the resource policy then
	// allows only the named principals.
	AuthorizationIam = "AWS_IAM"
)

// ResourcePolicyOptions shape a resource policy beyond the endpoints.
type ResourcePolicyOptions struct {
	// Principals narrow the Allow to signed callers: IAM role or user ARNs,
	// or account roots arn:<partition>:iam::<account>:root.
	Principals []string
	// PrincipalOrgId adds an aws:PrincipalOrgId condition to the Allow.
	PrincipalOrgId string
	// ExtraStatements are appended after the SourceVpce Deny and the Allow,
	// each checked like ResourcePolicyArgs.ExtraPolicyStatements. A Resource written as
	// execute-api:/… is expanded to this API's ARN.
	ExtraStatements []map[string]any
	// HubEndpointId is the hub endpoint among the endpoints, "" for none.
	// With one, the Allow of Principals is limited to the other endpoints
	// (aws:SourceVpce) and each of Spokes gets an Allow of its own.
	HubEndpointId string
	// Spokes are the consumers that call through the hub endpoint.
	Spokes []SpokeSources
}

// SpokeSources is how a resource policy admits one hub spoke: through the
// hub endpoint (aws:SourceVpce) from its ranges (aws:VpcSourceIp, the
// address the caller has in its VPC: API Gateway's "Example: Deny API
// traffic based on source IP address or range when using a private API";
// IAM's "AWS global condition context keys", aws:VpcSourceIp, present only
// in a request made through a VPC endpoint), signed by one of its
// principals when there are any (AWS_IAM), by anyone otherwise.
type SpokeSources struct {
	Name       string
	Cidrs      []string
	Principals []string
}

// buildResourcePolicy returns the resource policy of a private REST API that
// only the given interface endpoints may invoke: a Deny of execute-api:Invoke
// on every method unless aws:SourceVpce is one of the endpoints, then an Allow.
// Resources are always full ARNs (executionArn/*), never the execute-api:/*
// shorthand, which AWS expands and which would then show up as drift.
// Endpoint IDs are de-duplicated and sorted so the document is stable.
func buildResourcePolicy(executionArn string, vpcEndpointIds []string) (PolicyDocument, error) {
	return buildResourcePolicyWith(executionArn, vpcEndpointIds, ResourcePolicyOptions{})
}

// buildResourcePolicyWith is buildResourcePolicy whose Allow names the
// callers of who instead of "*" (AWS_IAM). The SourceVpce Deny stays first.
func buildResourcePolicyWith(executionArn string, vpcEndpointIds []string, who ResourcePolicyOptions) (PolicyDocument, error) {
	if !executionArnPattern.MatchString(executionArn) {
		return PolicyDocument{}, fmt.Errorf("execution ARN %q: expected arn:aws:execute-api:<region>:<12-digit account>:<api id>", executionArn)
	}
	if len(vpcEndpointIds) == 0 {
		return PolicyDocument{}, fmt.Errorf("no VPC endpoint IDs: a private API needs at least one endpoint that may invoke it")
	}
	ids := slices.Clone(vpcEndpointIds)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		if !vpcEndpointIdPattern.MatchString(id) {
			return PolicyDocument{}, fmt.Errorf("VPC endpoint ID %q: expected vpce- followed by 8 or 17 lowercase hex digits", id)
		}
	}
	everyMethod := executionArn + "/*"
	var principal any = "*"
	var allowCondition map[string]map[string][]string
	if len(who.Principals) > 0 {
		principals, err := policyPrincipals(who.Principals)
		if err != nil {
			return PolicyDocument{}, err
		}
		principal = map[string][]string{"AWS": principals}
	}
	if who.PrincipalOrgId != "" {
		if !vocab.ValidOrgId(who.PrincipalOrgId) {
			return PolicyDocument{}, fmt.Errorf("organization ID %q: expected o- and 10-32 lowercase letters or digits", who.PrincipalOrgId)
		}
		allowCondition = map[string]map[string][]string{"StringEquals": {"aws:PrincipalOrgId": {who.PrincipalOrgId}}}
	}
	deny := PolicyStatement{
		Sid:       "DenyUnlessFromAllowedVpcEndpoints",
		Effect:    "Deny",
		Principal: "*",
		Action:    invokeAction,
		Resource:  everyMethod,
		Condition: map[string]map[string][]string{
			"StringNotEquals": {"aws:SourceVpce": ids},
		},
	}
	allow := PolicyStatement{
		Sid:       "AllowInvokeThroughAllowedVpcEndpoints",
		Effect:    "Allow",
		Principal: principal,
		Action:    invokeAction,
		Resource:  everyMethod,
		Condition: allowCondition,
	}
	if who.HubEndpointId == "" {
		return PolicyDocument{Version: "2012-10-17", Statement: []PolicyStatement{deny, allow}}, nil
	}
	return hubPolicy(deny, allow, ids, everyMethod, who)
}

// hubPolicy is the policy of an API with a hub: the Deny of every other
// endpoint, the Allow of the consumers' own endpoints (when there are any)
// limited to them, and an Allow per spoke through the hub from its ranges.
// Without the limit, the Allow of the own endpoints would admit any
// address through the hub too.
func hubPolicy(deny, allow PolicyStatement, ids []string, everyMethod string, who ResourcePolicyOptions) (PolicyDocument, error) {
	hub := who.HubEndpointId
	if !slices.Contains(ids, hub) {
		return PolicyDocument{}, fmt.Errorf("hub endpoint %q is not among the API's endpoints", hub)
	}
	if len(who.Spokes) == 0 {
		return PolicyDocument{}, fmt.Errorf("hub endpoint %q: no spokes call through it", hub)
	}
	doc := PolicyDocument{Version: "2012-10-17", Statement: []PolicyStatement{deny}}
	own := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == hub })
	if len(own) > 0 {
		cond := map[string]map[string][]string{"StringEquals": {"aws:SourceVpce": own}}
		for op, keys := range allow.Condition {
			for k, v := range keys {
				if cond[op] == nil {
					cond[op] = map[string][]string{}
				}
				cond[op][k] = v
			}
		}
		allow.Condition = cond
		doc.Statement = append(doc.Statement, allow)
	}
	spokes := slices.Clone(who.Spokes)
	slices.SortFunc(spokes, func(a, b SpokeSources) int { return strings.Compare(a.Name, b.Name) })
	for _, s := range spokes {
		if len(s.Cidrs) == 0 {
			return PolicyDocument{}, fmt.Errorf("spoke %s: no source ranges", s.Name)
		}
		cidrs := slices.Clone(s.Cidrs)
		slices.Sort(cidrs)
		cidrs = slices.Compact(cidrs)
		var principal any = "*"
		if len(s.Principals) > 0 {
			principals, err := policyPrincipals(s.Principals)
			if err != nil {
				return PolicyDocument{}, fmt.Errorf("spoke %s: %w", s.Name, err)
			}
			principal = map[string][]string{"AWS": principals}
		}
		cond := map[string]map[string][]string{
			"StringEquals": {"aws:SourceVpce": {hub}},
			"IpAddress":    {"aws:VpcSourceIp": cidrs},
		}
		if who.PrincipalOrgId != "" {
			cond["StringEquals"]["aws:PrincipalOrgId"] = []string{who.PrincipalOrgId}
		}
		doc.Statement = append(doc.Statement, PolicyStatement{
			Sid: spokeSid(s.Name), Effect: "Allow", Principal: principal, Action: invokeAction, Resource: everyMethod, Condition: cond,
		})
	}
	return doc, nil
}

// JSON renders the document as compact JSON.
func (d PolicyDocument) JSON() (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("render policy document: %w", err)
	}
	return string(b), nil
}

// ResourcePolicyJson builds the resource policy document and
// renders it, with the extra statements after the Deny and the Allow.
func ResourcePolicyJson(executionArn string, vpcEndpointIds []string, who ResourcePolicyOptions) (string, error) {
	doc, err := buildResourcePolicyWith(executionArn, vpcEndpointIds, who)
	if err != nil {
		return "", err
	}
	if len(who.ExtraStatements) == 0 {
		return doc.JSON()
	}
	statements := make([]any, 0, len(doc.Statement)+len(who.ExtraStatements))
	for _, st := range doc.Statement {
		statements = append(statements, st)
	}
	for i, extra := range who.ExtraStatements {
		if err := validateExtraStatement(extra); err != nil {
			return "", fmt.Errorf("extra policy statement %d: %w", i, err)
		}
		expanded := make(map[string]any, len(extra))
		for k, v := range extra {
			expanded[k] = v
		}
		for _, k := range []string{"Resource", "NotResource"} {
			if v, ok := expanded[k]; ok {
				expanded[k] = expandShorthand(v, executionArn)
			}
		}
		statements = append(statements, expanded)
	}
	b, err := json.Marshal(map[string]any{"Version": doc.Version, "Statement": statements})
	if err != nil {
		return "", fmt.Errorf("render policy document: %w", err)
	}
	return string(b), nil
}

// marshalPolicy renders a one-statement policy document.
func marshalPolicy(statement any) (string, error) {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{statement}})
	if err != nil {
		return "", fmt.Errorf("render policy document: %w", err)
	}
	return string(b), nil
}

// policyPrincipals are the IAM principals a statement names, sorted and
// without repeats, each checked to be a role, a user or an account root.
func policyPrincipals(in []string) ([]string, error) {
	principals := slices.Clone(in)
	slices.Sort(principals)
	principals = slices.Compact(principals)
	for _, p := range principals {
		if _, ok := vocab.PrincipalAccount(p); !ok {
			return nil, fmt.Errorf("principal %q: expected an IAM role or user ARN, or arn:aws:iam::<account>:root", p)
		}
	}
	return principals, nil
}
