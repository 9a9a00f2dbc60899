package fakeaws

import "fmt"

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
