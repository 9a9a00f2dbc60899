package fakeaws

import (
	"fmt"
	"slices"
	"strings"
)

// Resource type tokens of the logging and IAM resources the fake serves.
const (
	TypeLogGroup          = "aws:cloudwatch/logGroup:LogGroup"
	TypeMethodSettings    = "aws:apigateway/methodSettings:MethodSettings"
	TypeApiGatewayAccount = "aws:apigateway/account:Account"
	TypeRole              = "aws:iam/role:Role"
)

// retentionDays are the periods PutRetentionPolicy accepts.
var retentionDays = []float64{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// createLogGroup is CreateLogGroup (and PutRetentionPolicy): names are unique
// per account and region ("ResourceAlreadyExistsException").
func (p *Provider) createLogGroup(c *Cloud, in props) (string, props, error) {
	name := in.str("name")
	if name == "" {
		name = "terraform-" + newHex(26)
	}
	key := p.scope.Account + "/" + p.scope.Region + "/" + name
	if _, exists := c.LogGroups[key]; exists {
		return "", nil, fmt.Errorf("CreateLogGroup: ResourceAlreadyExistsException: The specified log group already exists")
	}
	if err := checkRetention(in); err != nil {
		return "", nil, err
	}
	c.LogGroups[key] = p.scope
	c.record(p.scope, "CreateLogGroup", name)
	out := in.clone()
	out["id"] = name
	out["name"] = name
	out["arn"] = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", p.scope.Region, p.scope.Account, name)
	return name, out, nil
}

func (p *Provider) deleteLogGroup(c *Cloud, id string) error {
	delete(c.LogGroups, p.scope.Account+"/"+p.scope.Region+"/"+id)
	c.deleteGroupFilters(p.scope, id) // DeleteLogGroup takes the group's metric filters with it
	c.record(p.scope, "DeleteLogGroup", id)
	return nil
}

// logGroupExists says whether the log group an ARN names exists.
func (c *Cloud) logGroupExists(arn string) bool {
	parts := strings.SplitN(strings.TrimSuffix(arn, ":*"), ":", 7)
	if len(parts) != 7 || parts[2] != "logs" {
		return false
	}
	_, ok := c.LogGroups[parts[4]+"/"+parts[3]+"/"+parts[6]]
	return ok
}

// putMethodSettings is UpdateStage on /*/*/...: the stage must exist.
func (p *Provider) putMethodSettings(c *Cloud, in props) (string, props, error) {
	key := stageKey(in.str("restApi"), in.str("stageName"))
	if _, ok := c.Stages[key]; !ok {
		return "", nil, awsError("UpdateStage", "NotFoundException", "Invalid Stage identifier specified")
	}
	c.record(p.scope, "UpdateStage(method settings)", key)
	out := in.clone()
	id := key + "-" + in.str("methodPath")
	out["id"] = id
	return id, out, nil
}

// createRole is CreateRole; IAM is global, so the role lives in the account.
func (p *Provider) createRole(c *Cloud, in props) (string, props, error) {
	name := in.str("name")
	if name == "" {
		name = "terraform-" + newHex(26)
	}
	arn := fmt.Sprintf("arn:aws:iam::%s:role/%s", p.scope.Account, name)
	if _, exists := c.Roles[arn]; exists {
		return "", nil, fmt.Errorf("CreateRole: EntityAlreadyExists: Role with name %s already exists", name)
	}
	c.Roles[arn] = p.scope.Account
	c.RolePolicies[arn] = in.strs("managedPolicyArns")
	c.RoleInlinePolicies[arn] = inlinePolicies(in)
	c.RoleBoundaries[arn] = in.str("permissionsBoundary")
	c.record(p.scope, "CreateRole", name)
	out := in.clone()
	out["id"] = name
	out["name"] = name
	out["arn"] = arn
	out["uniqueId"] = "AROA" + strings.ToUpper(newId(17))
	return name, out, nil
}

// boundaryExists refuses a role's permissions boundary that names no
// managed policy, as IAM does after authorizing the call (CreateRole and
// PutRolePermissionsBoundary: NoSuchEntity; the wording is imitated). AWS
// managed policies (arn:aws:iam::aws:policy/…) are taken to exist.
func boundaryExists(c *Cloud, in props, op string) error {
	b := in.str("permissionsBoundary")
	if b == "" || strings.Contains(b, ":iam::aws:policy/") {
		return nil
	}
	if _, ok := c.ManagedPolicies[b]; !ok {
		return awsError(op, "NoSuchEntity", "Scope ARN: %s does not exist or is not attachable.", b)
	}
	return nil
}

// boundaryAllows says whether the permissions boundary of role, if it has
// one, allows action on resource (an identity's effective permissions are
// what both its policies and its boundary allow: "Permissions boundaries
// for IAM entities", IAM user guide); a boundary the cloud does not hold
// allows nothing.
func boundaryAllows(c *Cloud, role, action, resource string) verdict {
	b := c.RoleBoundaries[role]
	if b == "" {
		return allowed
	}
	parsed, err := parsePolicy(c.ManagedPolicies[b])
	if err != nil {
		return implicitDeny
	}
	return parsed.decide(request{Action: action, Resource: resource})
}

// PutManagedPolicies creates or replaces customer managed policies, by ARN
// (their documents).
func (s *Store) PutManagedPolicies(policies map[string]string) error {
	return s.Update(func(c *Cloud) error {
		for arn, doc := range policies {
			c.ManagedPolicies[arn] = doc
		}
		return nil
	})
}

func (p *Provider) deleteRole(c *Cloud, id string) error {
	// IAM does not know that API Gateway's account setting names the role:
	// deleting it succeeds and leaves the setting dangling, as in AWS.
	delete(c.Roles, fmt.Sprintf("arn:aws:iam::%s:role/%s", p.scope.Account, id))
	delete(c.RolePolicies, fmt.Sprintf("arn:aws:iam::%s:role/%s", p.scope.Account, id))
	delete(c.RoleInlinePolicies, fmt.Sprintf("arn:aws:iam::%s:role/%s", p.scope.Account, id))
	delete(c.RoleBoundaries, fmt.Sprintf("arn:aws:iam::%s:role/%s", p.scope.Account, id))
	c.record(p.scope, "DeleteRole", id)
	return nil
}

// putAccount is UpdateAccount of API Gateway: the CloudWatch role must exist
// in this account. The setting is one per account and region.
func (p *Provider) putAccount(c *Cloud, in props) (string, props, error) {
	arn := in.str("cloudwatchRoleArn")
	if arn != "" {
		if owner, ok := c.Roles[arn]; !ok || owner != p.scope.Account {
			return "", nil, awsError("UpdateAccount", "BadRequestException", "The role ARN does not have required permissions set to API Gateway")
		}
	}
	c.AccountRoles[p.scope.Account+"/"+p.scope.Region] = arn
	delete(c.ApiGatewayUnused, p.scope.Account+"/"+p.scope.Region)
	c.record(p.scope, "UpdateAccount", arn)
	out := in.clone()
	out["id"] = "api-gateway-account"
	return "api-gateway-account", out, nil
}

// deleteAccount leaves the account setting as it is unless resetOnDelete,
// as the provider does.
func (p *Provider) deleteAccount(c *Cloud, olds props) error {
	if olds.boolOr("resetOnDelete", false) {
		delete(c.AccountRoles, p.scope.Account+"/"+p.scope.Region)
		c.record(p.scope, "UpdateAccount(reset)", "")
	}
	return nil
}

// checkAccessLogs is the stage's rule for access logs: the account's API
// Gateway CloudWatch role must be set ("CloudWatch Logs role ARN must be set
// in account settings to enable logging"), and the destination must exist.
func (p *Provider) checkAccessLogs(c *Cloud, op string, in props) error {
	logs := in.obj("accessLogSettings")
	dest := logs.str("destinationArn")
	if dest == "" {
		return nil
	}
	if c.AccountRoles[p.scope.Account+"/"+p.scope.Region] == "" {
		return awsError(op, "BadRequestException", "CloudWatch Logs role ARN must be set in account settings to enable logging")
	}
	if !c.logGroupExists(dest) {
		return awsError(op, "BadRequestException", "Invalid ARN specified in the request: log group %s does not exist", dest)
	}
	return nil
}

// inlinePolicies are the documents of a role's inlinePolicies blocks
// (PutRolePolicy for each).
func inlinePolicies(in props) []string {
	var docs []string
	for _, b := range in.list("inlinePolicies") {
		if doc := props(b).str("policy"); doc != "" {
			docs = append(docs, doc)
		}
	}
	return docs
}

// checkRetention is PutRetentionPolicy's rule, on create and on every
// update that sets a period: only the listed periods are accepted
// (CloudWatch Logs API reference, PutRetentionPolicy).
func checkRetention(in props) error {
	if days, ok := in["retentionInDays"].(float64); ok && !slices.Contains(retentionDays, days) {
		return fmt.Errorf("PutRetentionPolicy: InvalidParameterException: 1 validation error detected: Value '%v' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: %v", days, retentionDays)
	}
	return nil
}
