package fakeaws

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// TypeVpcLink is a REST API VPC link (aws_api_gateway_vpc_link).
const TypeVpcLink = "aws:apigateway/vpcLink:VpcLink"

// VpcLinksPerRegionQuota is API Gateway's "VPC links per account per
// Region" for REST APIs ("Quotas for configuring and running a REST API in
// API Gateway").
const VpcLinksPerRegionQuota = 20

// createVpcLink is CreateVpcLink (the provider then waits for AVAILABLE;
// the fake's links are available at once). The target must be a Network
// Load Balancer of the caller's account and region.
func (p *Provider) createVpcLink(c *Cloud, in props) (string, props, error) {
	target := in.str("targetArn")
	parts := strings.Split(target, ":")
	if len(parts) != 6 || parts[2] != "elasticloadbalancing" || !strings.HasPrefix(parts[5], "loadbalancer/net/") {
		return "", nil, awsError("CreateVpcLink", "BadRequestException", "Invalid target ARN %s: a Network Load Balancer is required", target)
	}
	if parts[3] != p.scope.Region || parts[4] != p.scope.Account {
		return "", nil, awsError("CreateVpcLink", "BadRequestException", "NLB %s is not in account %s, region %s", target, p.scope.Account, p.scope.Region)
	}
	if c.VpcLinks == nil {
		c.VpcLinks = map[string]*VpcLink{}
	}
	n := 0
	for _, l := range c.VpcLinks {
		if l.Scope == p.scope {
			n++
		}
	}
	if n >= VpcLinksPerRegionQuota {
		return "", nil, awsError("CreateVpcLink", "LimitExceededException", "Maximum number of VpcLinks for this account in this region has been reached")
	}
	l := &VpcLink{Scope: p.scope, Id: strings.ToLower(newId(6)), TargetArns: []string{target}}
	c.VpcLinks[l.Id] = l
	c.record(p.scope, "CreateVpcLink", l.Id)
	out := in.clone()
	out["id"] = l.Id
	out["arn"] = fmt.Sprintf("arn:aws:apigateway:%s::/vpclinks/%s", p.scope.Region, l.Id)
	return l.Id, out, nil
}

// deleteVpcLink is DeleteVpcLink: refused while an integration of an API
// or of a deployment a stage serves uses the link (API Gateway answers
// "Cannot delete vpc link. Vpc link '<id>', is referenced in [...] in
// format of [Method:Resource]."; the exact list is imitated in shape).
func (p *Provider) deleteVpcLink(c *Cloud, id string) error {
	var users []string
	for _, api := range c.RestApis {
		for _, r := range api.Routes {
			if r.ConnectionId == id {
				users = append(users, r.Method+":"+api.Id+r.Path)
			}
		}
	}
	for _, st := range c.Stages {
		if d, ok := c.Deployments[st.DeploymentId]; ok {
			for _, r := range d.Routes {
				if r.ConnectionId == id && !slices.Contains(users, r.Method+":"+d.RestApiId+r.Path) {
					users = append(users, r.Method+":"+d.RestApiId+r.Path)
				}
			}
		}
	}
	if len(users) > 0 {
		sort.Strings(users)
		return awsError("DeleteVpcLink", "BadRequestException", "Cannot delete vpc link. Vpc link '%s', is referenced in [%s] in format of [Method:Resource].", id, strings.Join(users, ", "))
	}
	delete(c.VpcLinks, id)
	c.record(p.scope, "DeleteVpcLink", id)
	return nil
}
