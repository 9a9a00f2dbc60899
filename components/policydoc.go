package components

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
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
	Principal string                         `json:"Principal"`
	Action    string                         `json:"Action"`
	Resource  string                         `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

var (
	executionArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:execute-api:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[a-z0-9]+$`)
	// VpcEndpointIDPattern matches an interface VPC endpoint ID (8 or 17 hex digits).
	VpcEndpointIDPattern = regexp.MustCompile(`^vpce-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// BuildResourcePolicy returns the resource policy of a private REST API that
// only the given interface endpoints may invoke: a Deny of execute-api:Invoke
// on every method unless aws:SourceVpce is one of the endpoints, then an Allow.
// Resources are always full ARNs (executionArn/*), never the execute-api:/*
// shorthand, which AWS expands and which would then show up as drift.
// Endpoint IDs are de-duplicated and sorted so the document is stable.
func BuildResourcePolicy(executionArn string, vpcEndpointIDs []string) (PolicyDocument, error) {
	if !executionArnPattern.MatchString(executionArn) {
		return PolicyDocument{}, fmt.Errorf("execution ARN %q: expected arn:aws:execute-api:<region>:<12-digit account>:<api id>", executionArn)
	}
	if len(vpcEndpointIDs) == 0 {
		return PolicyDocument{}, fmt.Errorf("no VPC endpoint IDs: a private API needs at least one endpoint that may invoke it")
	}
	ids := slices.Clone(vpcEndpointIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		if !VpcEndpointIDPattern.MatchString(id) {
			return PolicyDocument{}, fmt.Errorf("VPC endpoint ID %q: expected vpce- followed by 8 or 17 lowercase hex digits", id)
		}
	}
	everyMethod := executionArn + "/*"
	return PolicyDocument{
		Version: "2012-10-17",
		Statement: []PolicyStatement{
			{
				Sid:       "DenyUnlessFromAllowedVpcEndpoints",
				Effect:    "Deny",
				Principal: "*",
				Action:    invokeAction,
				Resource:  everyMethod,
				Condition: map[string]map[string][]string{
					"StringNotEquals": {"aws:SourceVpce": ids},
				},
			},
			{
				Sid:       "AllowInvokeThroughAllowedVpcEndpoints",
				Effect:    "Allow",
				Principal: "*",
				Action:    invokeAction,
				Resource:  everyMethod,
			},
		},
	}, nil
}

// JSON renders the document as compact JSON.
func (d PolicyDocument) JSON() (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("render policy document: %w", err)
	}
	return string(b), nil
}

// ResourcePolicyJSON builds the document of BuildResourcePolicy and renders it.
func ResourcePolicyJSON(executionArn string, vpcEndpointIDs []string) (string, error) {
	doc, err := BuildResourcePolicy(executionArn, vpcEndpointIDs)
	if err != nil {
		return "", err
	}
	return doc.JSON()
}

// marshalPolicy renders a one-statement policy document.
func marshalPolicy(statement any) (string, error) {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{statement}})
	if err != nil {
		return "", fmt.Errorf("render policy document: %w", err)
	}
	return string(b), nil
}
