package fakeaws

import (
	"fmt"
	"slices"
)

// TypePermission is the Lambda permission resource type token.
const TypePermission = "aws:lambda/permission:Permission"

// addPermission is AddPermission: a statement on the function's resource
// policy. The function itself is not simulated; its ARN must be in the
// provider's account and region, as AWS answers ResourceNotFoundException
// for a function it cannot find there.
func (p *Provider) addPermission(c *Cloud, in props) (string, props, error) {
	fn := in.str("function")
	want := fmt.Sprintf("arn:aws:lambda:%s:%s:function:", p.scope.Region, p.scope.Account)
	if len(fn) <= len(want) || fn[:len(want)] != want {
		return "", nil, fmt.Errorf("AddPermission: ResourceNotFoundException: Function not found: %s", fn)
	}
	id := in.str("statementId")
	if id == "" {
		id = "terraform-" + newHex(26)
	}
	c.Permissions[id] = &Permission{Scope: p.scope, Id: id, Function: fn, SourceArn: in.str("sourceArn")}
	c.record(p.scope, "AddPermission", id)
	out := in.clone()
	out["id"] = id
	out["statementId"] = id
	return id, out, nil
}

func (p *Provider) removePermission(c *Cloud, id string) error {
	if _, ok := c.Permissions[id]; ok {
		delete(c.Permissions, id)
		c.record(p.scope, "RemovePermission", id)
	}
	return nil
}

// Lambda resource types the fake simulates.
const (
	TypeFunction   = "aws:lambda/function:Function"
	TypeInvocation = "aws:lambda/invocation:Invocation"
)

// lambdaVpcAccess is the managed policy whose EC2 network-interface actions
// a function in a VPC needs.
const lambdaVpcAccess = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"

// Function is a Lambda function, here always one attached to a VPC.
type Function struct {
	Scope
	Name             string   `json:"name"`
	Role             string   `json:"role"`
	VpcId            string   `json:"vpcId"`
	SubnetIds        []string `json:"subnetIds"`
	SecurityGroupIds []string `json:"securityGroupIds"`
	// ReleaseGroupsOnDelete is replaceSecurityGroupsOnDestroy: the provider
	// swaps the VPC's default group in before deleting the function.
	ReleaseGroupsOnDelete bool `json:"releaseGroupsOnDelete"`
}

// putFunction is CreateFunction or UpdateFunctionConfiguration. Rules: the
// role must exist in the account ("InvalidParameterValueException: The role
// defined for the function cannot be assumed by Lambda."); a function in a
// VPC needs the role to allow creating network interfaces ("The provided
// execution role does not have permissions to call CreateNetworkInterface on
// EC2", Lambda developer guide, "Giving Lambda functions access to resources
// in an Amazon VPC"); its subnets and groups must exist in one VPC of the
// account.
func (p *Provider) putFunction(c *Cloud, name string, in props) (string, props, error) {
	op := "CreateFunction"
	if name != "" {
		op = "UpdateFunctionConfiguration"
	} else if name = in.str("name"); name == "" {
		name = "probe-" + newHex(12)
	}
	role := in.str("role")
	if c.Roles[role] != p.scope.Account {
		return "", nil, awsError(op, "InvalidParameterValueException", "The role defined for the function cannot be assumed by Lambda.")
	}
	vpc := in.obj("vpcConfig")
	f := &Function{Scope: p.scope, Name: name, Role: role, SubnetIds: vpc.strs("subnetIds"), SecurityGroupIds: vpc.strs("securityGroupIds"),
		ReleaseGroupsOnDelete: in.boolOr("replaceSecurityGroupsOnDestroy", false)}
	if len(f.SubnetIds) > 0 {
		// The role's managed policy gives it the network interface calls,
		// and its permissions boundary, if any, must allow them too.
		if !slices.Contains(c.RolePolicies[role], lambdaVpcAccess) || boundaryAllows(c, role, "ec2:CreateNetworkInterface", "*") != allowed {
			return "", nil, awsError(op, "InvalidParameterValueException", "The provided execution role does not have permissions to call CreateNetworkInterface on EC2")
		}
		for _, id := range f.SubnetIds {
			s, ok := c.Subnets[id]
			if !ok || s.Scope != p.scope || (f.VpcId != "" && s.VpcId != f.VpcId) {
				return "", nil, awsError(op, "InvalidParameterValueException", "Subnet %s does not exist or is not in the function's VPC", id)
			}
			f.VpcId = s.VpcId
		}
		for _, id := range f.SecurityGroupIds {
			if g, ok := c.SecurityGroups[id]; !ok || g.Scope != p.scope || g.VpcId != f.VpcId {
				return "", nil, awsError(op, "InvalidParameterValueException", "Security group %s does not exist or is not in VPC %s", id, f.VpcId)
			}
		}
	}
	c.Functions[name] = f
	c.record(p.scope, op, name)
	out := in.clone()
	out["id"] = name
	out["name"] = name
	out["arn"] = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", p.scope.Region, p.scope.Account, name)
	out["qualifiedArn"] = out["arn"].(string) + ":$LATEST"
	out["invokeArn"] = fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", p.scope.Region, out["arn"])
	out["version"] = "$LATEST"
	return name, out, nil
}

// deleteFunction is DeleteFunction. Its network interfaces stay in its
// subnets, holding its security groups unless the provider swapped the VPC's
// default group in first (replaceSecurityGroupsOnDestroy; pulumi-aws#2642).
func (p *Provider) deleteFunction(c *Cloud, name string) error {
	f, ok := c.Functions[name]
	if !ok {
		return nil
	}
	if !f.ReleaseGroupsOnDelete {
		for _, g := range f.SecurityGroupIds {
			c.HeldGroups[g] = name
		}
	}
	// Either way its network interfaces stay in its subnets until they
	// are deleted (terraform-provider-aws #3099; pulumi-aws #4382).
	for _, sn := range f.SubnetIds {
		c.LingeringEnis["eni-"+newHex(17)] = sn
	}
	delete(c.Functions, name)
	c.record(p.scope, "DeleteFunction", name)
	return nil
}
