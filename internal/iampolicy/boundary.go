package iampolicy

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/xaccount/xaccount-api/internal/awspartition"
)

// The IAM roles a stack creates (the probe's Lambda execution role, API
// Gateway's CloudWatch Logs role) are the deployer's only IAM writes, and
// without limits they are a way up: a deployer that may create any role,
// attach any policy and pass any role could create an administrator role and
// pass it to a Lambda function, so a stack change (unreviewed on dev) would
// own the account. The deployer policy therefore follows AWS's pattern for
// delegated role creation ("Permissions boundaries for IAM entities",
// "Delegating responsibility to others using permissions boundaries", IAM
// user guide):
//
//   - IAM writes only on the stack's own role names (RoleFact.Pattern);
//   - a role is created, and given policies, only with the account's
//     permissions boundary (iam:PermissionsBoundary, which CreateRole,
//     PutRolePermissionsBoundary, AttachRolePolicy and PutRolePolicy carry:
//     "Actions, resources, and condition keys for AWS Identity and Access
//     Management"), so nothing the stack creates can do more than the
//     boundary allows, whatever policy it is given;
//   - only the managed policies the stack attaches (iam:PolicyARN);
//   - iam:PassRole of a role only to the service its trust names
//     (iam:PassedToService: "Grant a user permissions to pass a role to an
//     AWS service", IAM user guide);
//   - explicit Denies: removing any role's boundary
//     (iam:DeleteRolePermissionsBoundary), creating a role or setting a
//     boundary other than the account's, and changing the boundary policy
//     itself (the guide's DenyPermBoundaryIAMPolicyAlteration and
//     DenyRemovalOfPermBoundaryFromAnyUserOrRole).
//
// The boundary is a customer managed policy per account, printed by --iam
// (AccountRoles.Boundary) for whoever creates the deployer role, and set on
// every role the components create (components.CrossAccountPrivateApiArgs
// RolePermissionsBoundary).

// BoundaryPolicyName is the name of the permissions boundary policy of a
// stack's roles, in every account where the stack creates IAM roles.
func BoundaryPolicyName(stack string) string { return "xaccount-" + stack + "-role-boundary" }

// RoleFact is an IAM role the stack creates in an account, as the plan
// shows it.
type RoleFact struct {
	// Pattern is the role's name as IAM's Resource matches it: the name
	// given, or "<logical name>-???????" for one pulumi-aws generates
	// (the logical name, "-" and 7 random hex digits).
	Pattern string
	// Services are the services its trust policy lets assume it: the only
	// ones it may be passed to.
	Services []string
	// ManagedPolicies are the managed policy ARNs attached to it.
	ManagedPolicies []string
	// Inline are its inline policy documents (JSON), "" where the plan
	// does not know them yet.
	Inline []string
}

// managedPolicyActions are the actions of the AWS managed policies the
// components attach, by the policy's name with its path (the AWS Managed
// Policy Reference: AWSLambdaVPCAccessExecutionRole v3,
// AmazonAPIGatewayPushToCloudWatchLogs v1). The boundary allows them, so the
// roles keep what these policies give them.
var managedPolicyActions = map[string][]string{
	"service-role/AWSLambdaVPCAccessExecutionRole": {
		"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
		"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
		"ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
	},
	"service-role/AmazonAPIGatewayPushToCloudWatchLogs": {
		"logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams",
		"logs:PutLogEvents", "logs:GetLogEvents", "logs:FilterLogEvents",
	},
}

// boundaryLeavesOut are actions of the attached managed policies that no
// role of the stack needs and the boundary does not allow: API Gateway's
// CloudWatch role only writes logs, and its managed policy's log reads would
// let any role the deployer creates under the boundary read every log group
// of the account and region.
var boundaryLeavesOut = []string{"logs:GetLogEvents", "logs:FilterLogEvents"}

// BoundaryPolicy is the permissions boundary of the roles the stack creates
// in the account a describes: the union of what they need (their managed
// policies' actions, and execute-api:Invoke on the producer's APIs for a
// signed probe's inline policy), within the account and region where AWS
// lets a resource say so. nil when the stack creates no role there.
func BoundaryPolicy(region string, a AccountInput) (*Document, error) {
	if len(a.Roles) == 0 {
		return nil, nil
	}
	env := scopeEnv{partition: awspartition.Of(region), region: region, in: a}
	var logs, ec2, invoke []string
	for _, r := range a.Roles {
		for _, arn := range r.ManagedPolicies {
			name := arn[strings.Index(arn, ":policy/")+len(":policy/"):]
			actions, ok := managedPolicyActions[name]
			if !strings.Contains(arn, ":iam::aws:policy/") || !ok {
				return nil, fmt.Errorf("account %s: role %s attaches %s, whose actions the permissions boundary does not know: add it to iampolicy.managedPolicyActions", a.Account, r.Pattern, arn)
			}
			for _, act := range actions {
				switch {
				case slices.Contains(boundaryLeavesOut, act):
					// A reader of every log group: no role of the stack reads logs.
				case strings.HasPrefix(act, "logs:"):
					logs = append(logs, act)
				default:
					ec2 = append(ec2, act)
				}
			}
		}
		for _, doc := range r.Inline {
			acts, err := inlineActions(doc)
			if err != nil {
				return nil, fmt.Errorf("account %s: role %s: %w", a.Account, r.Pattern, err)
			}
			for _, act := range acts {
				if !strings.EqualFold(act, "execute-api:Invoke") {
					return nil, fmt.Errorf("account %s: role %s has an inline policy with %s, which the permissions boundary does not allow", a.Account, r.Pattern, act)
				}
				invoke = append(invoke, "execute-api:Invoke")
			}
		}
	}
	doc := &Document{Version: "2012-10-17"}
	add := func(sid string, actions, resources []string) {
		if len(actions) == 0 {
			return
		}
		sort.Strings(actions)
		doc.Statement = append(doc.Statement, Statement{Sid: sid, Effect: "Allow", Action: slices.Compact(actions), Resource: resources})
	}
	add("BoundaryLogs", logs, []string{env.arn("logs", a.Account, "*")})
	// The ENI actions of a VPC function support no narrower resource for
	// Describe*; the region is the function's.
	add("BoundaryNetworkInterfaces", ec2, []string{"*"})
	var apis []string
	for _, p := range a.InvokeAccounts {
		apis = append(apis, env.arn("execute-api", p, "*"))
	}
	slices.Sort(apis)
	if len(invoke) > 0 && len(apis) == 0 {
		return nil, fmt.Errorf("account %s: a role invokes an API but the stack names no API account", a.Account)
	}
	add("BoundaryInvokeTheApi", invoke, slices.Compact(apis))
	return doc, nil
}

// inlineActions are the actions an inline policy document allows.
func inlineActions(doc string) ([]string, error) {
	if doc == "" {
		return []string{"execute-api:Invoke"}, nil // not known offline: the probe's invoke policy
	}
	var d struct {
		Statement []struct {
			Effect string
			Action any
		}
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, fmt.Errorf("inline policy: %w", err)
	}
	var out []string
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		switch a := s.Action.(type) {
		case string:
			out = append(out, a)
		case []any:
			for _, v := range a {
				if str, ok := v.(string); ok {
					out = append(out, str)
				}
			}
		}
	}
	return out, nil
}

// iamStatements are the deployer's IAM statements in account a: what
// actions (the IAM actions of its types) it may do, on the stack's own roles
// only, with the account's boundary. Roles that exist without the boundary
// (created before it) get it on the next update (PutRolePermissionsBoundary,
// allowed with the account's boundary only); reading, tagging, detaching and
// deleting the stack's roles need no boundary condition.
func (e scopeEnv) iamStatements(sid string, actions []string) []Statement {
	a := e.in
	boundary := e.boundaryArn()
	var roles []string
	for _, r := range a.Roles {
		roles = append(roles, fmt.Sprintf("arn:%s:iam::%s:role/%s", e.partition, a.Account, r.Pattern))
	}
	slices.Sort(roles)
	roles = slices.Compact(roles)
	has := func(act string) bool { return slices.Contains(actions, act) }
	pick := func(acts ...string) []string {
		var out []string
		for _, act := range acts {
			if has(act) {
				out = append(out, act)
			}
		}
		return out
	}
	var out []Statement
	stmt := func(name string, acts, resources []string, cond map[string]map[string]any) {
		if len(acts) == 0 || len(resources) == 0 {
			return
		}
		sort.Strings(acts)
		out = append(out, Statement{Sid: sid + "Iam" + name, Effect: "Allow", Action: acts, Resource: resources, Condition: cond})
	}
	withBoundary := map[string]map[string]any{"StringEquals": {"iam:PermissionsBoundary": boundary}}
	stmt("StackRoles", pick("iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
		"iam:GetRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
		"iam:DetachRolePolicy", "iam:DeleteRolePolicy", "iam:DeleteRole"), roles, nil)
	stmt("StackRolesWithBoundary", pick("iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"), roles, withBoundary)
	if has("iam:AttachRolePolicy") {
		// Per role, only its own managed policies.
		for i, r := range a.Roles {
			if len(r.ManagedPolicies) == 0 {
				continue
			}
			policies := slices.Sorted(slices.Values(r.ManagedPolicies))
			stmt(fmt.Sprintf("ManagedPolicies%d", i+1), []string{"iam:AttachRolePolicy"},
				[]string{fmt.Sprintf("arn:%s:iam::%s:role/%s", e.partition, a.Account, r.Pattern)},
				map[string]map[string]any{
					"StringEquals": {"iam:PermissionsBoundary": boundary},
					"ArnEquals":    {"iam:PolicyARN": slices.Compact(policies)},
				})
		}
	}
	if has("iam:PassRole") {
		byService := map[string][]string{}
		for _, r := range a.Roles {
			for _, s := range r.Services {
				byService[s] = append(byService[s], fmt.Sprintf("arn:%s:iam::%s:role/%s", e.partition, a.Account, r.Pattern))
			}
		}
		for _, s := range slices.Sorted(maps.Keys(byService)) {
			name := strings.TrimSuffix(s, ".amazonaws.com")
			stmt("PassRoleTo"+strings.ToUpper(name[:1])+name[1:], []string{"iam:PassRole"}, slices.Compact(slices.Sorted(slices.Values(byService[s]))),
				map[string]map[string]any{"StringEquals": {"iam:PassedToService": s}})
		}
	}
	if len(pick("iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:PutRolePolicy")) == 0 {
		return out // the preview role changes nothing
	}
	// The boundary stays: no role's may be removed, no other set, and the
	// policy itself is not the deployer's to change.
	out = append(out,
		Statement{Sid: sid + "DenyBoundaryRemoval", Effect: "Deny", Action: []string{"iam:DeleteRolePermissionsBoundary"},
			Resource: []string{fmt.Sprintf("arn:%s:iam::%s:role/*", e.partition, a.Account)}},
		Statement{Sid: sid + "DenyOtherBoundaries", Effect: "Deny", Action: []string{"iam:CreateRole", "iam:PutRolePermissionsBoundary"},
			Resource:  []string{fmt.Sprintf("arn:%s:iam::%s:role/*", e.partition, a.Account)},
			Condition: map[string]map[string]any{"StringNotEquals": {"iam:PermissionsBoundary": boundary}}},
		Statement{Sid: sid + "DenyBoundaryPolicyChange", Effect: "Deny",
			Action:   []string{"iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"},
			Resource: []string{boundary}})
	return out
}

func (e scopeEnv) boundaryArn() string {
	return fmt.Sprintf("arn:%s:iam::%s:policy/%s", e.partition, e.in.Account, e.in.BoundaryName)
}
