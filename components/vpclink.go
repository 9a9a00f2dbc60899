package components

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// defaultVpcLinksPerRegion is API Gateway's quota "VPC links per account per
// Region" for REST APIs ("Quotas for configuring and running a REST API in
// API Gateway"): the links a stack creates from nlbArn count against it.
const defaultVpcLinksPerRegion = 20

// nlbArn matches a Network Load Balancer's ARN: partition, region, account.
var nlbArn = regexp.MustCompile(`^arn:(aws[a-z-]*):elasticloadbalancing:([a-z]{2}(?:-[a-z]+)+-\d):` + vocab.AccountDigits + `:loadbalancer/net/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$`)

// parseNlbArn returns region and account of a Network Load Balancer ARN.
func parseNlbArn(arn string) (region, account string, err error) {
	m := nlbArn.FindStringSubmatch(arn)
	if m == nil {
		return "", "", fmt.Errorf("expected %s", vocab.ExpectNlbArn)
	}
	return m[2], m[3], nil
}

// vpcLinkTargets are the distinct Network Load Balancer ARNs the routes'
// vpc_link integrations create links to, in route order (plain values
// only: Validate refuses outputs).
func vpcLinkTargets(routes []Route) []string {
	var out []string
	for _, r := range routes {
		if r.Integration.Type != IntegrationVpcLink || r.Integration.NlbArn == nil {
			continue
		}
		if arn, ok := plainString(r.Integration.NlbArn); ok && !slices.Contains(out, arn) {
			out = append(out, arn)
		}
	}
	return out
}

// checkVpcLinksPerRegion reports, under field, routes that would create more
// VPC links than the quota allows.
func checkVpcLinksPerRegion(f *fieldErrs, field string, routes []Route, q *ApiQuotas) {
	if n, limit := len(vpcLinkTargets(routes)), q.vpcLinksPerRegion(); n > limit {
		f.add(field, "%d vpc_link routes name %d different Network Load Balancers (nlbArn), one VPC link each; API Gateway's quota \"VPC links per account per Region\" is %d, "+
			"and links other stacks created count too: share a load balancer between routes, give an existing link's vpcLinkId, or set quotas.vpcLinksPerRegion after AWS raises it",
			countVpcLinkRoutes(routes), n, limit)
	}
}

// countVpcLinkRoutes counts the vpc_link routes that name an nlbArn.
func countVpcLinkRoutes(routes []Route) int {
	n := 0
	for _, r := range routes {
		if r.Integration.Type == IntegrationVpcLink && r.Integration.NlbArn != nil {
			n++
		}
	}
	return n
}

// newVpcLinks creates a VPC link per Network Load Balancer the routes name,
// a child of parent in the producer account, and returns the routes with
// each such integration's VpcLinkId set to its link's ID (so the body, and
// through it the API, depends on the link: a link is created before the
// API uses it and deleted after the API stops using it).
func newVpcLinks(ctx *pulumi.Context, name string, parent pulumi.Resource, routes []Route, tags pulumi.StringMapInput) ([]Route, []*apigateway.VpcLink, error) {
	ids := map[string]pulumi.StringOutput{}
	var links []*apigateway.VpcLink
	for _, arn := range vpcLinkTargets(routes) {
		suffix := TriggerHash(arn)[:8]
		link, err := apigateway.NewVpcLink(ctx, name+"-link-"+suffix, &apigateway.VpcLinkArgs{
			Name:        pulumi.String(name + "-" + suffix),
			Description: pulumi.String("VPC link of " + name + " to " + arn[strings.LastIndex(arn, ":")+1:]),
			TargetArn:   pulumi.String(arn),
			Tags:        tags,
		}, pulumi.Parent(parent))
		if err != nil {
			return nil, nil, err
		}
		ids[arn] = link.ID().ToStringOutput()
		links = append(links, link)
	}
	out := make([]Route, len(routes))
	copy(out, routes)
	for i, r := range out {
		if r.Integration.Type != IntegrationVpcLink || r.Integration.NlbArn == nil {
			continue
		}
		if arn, ok := plainString(r.Integration.NlbArn); ok {
			out[i].Integration.VpcLinkId = ids[arn]
		}
	}
	return out, links, nil
}
