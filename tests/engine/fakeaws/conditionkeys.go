package fakeaws

import (
	"fmt"
	"slices"
	"strings"
)

// requestContext is what IAM sees, besides action and resource, of one call:
// the service-specific condition keys AWS documents for its API, by
// lower-case name, each with its values. A call whose API has none of the
// keys below gets none, so a policy that requires them refuses it, as IAM
// does when a key is missing.
//
// Route 53 ("Using IAM policy conditions for fine-grained access control",
// Route 53 developer guide; "Actions, resources, and condition keys for
// Amazon Route 53"): ChangeResourceRecordSets carries the normalized record
// names, the record types and the change actions of its batch (the provider
// sends one change: CREATE on create, UPSERT on update, DELETE on delete;
// resourceRecordCreate, resourceRecordUpdate, resourceRecordDelete);
// CreateHostedZone carries route53:VPCs, "VPCId=<vpc-id>,VPCRegion=<region>"
// of the VPC a private zone is created with, and nothing for a public zone;
// the hub zone's authorizations and associations carry it for the VPC they
// name.
//
// Route 53 Profiles ("Actions, resources, and condition keys for Amazon
// Route 53 Profiles"): AssociateProfile and DisassociateProfile, which have
// no resource type (IAM authorizes them on "*", as calls.go's rows do),
// carry route53profiles:ResourceIds, the VPC; AssociateResourceToProfile
// and DisassociateResourceFromProfile route53profiles:ResourceArns and
// ResourceTypes of the resource.
//
// RAM ("Actions, resources, and condition keys for AWS Resource Access
// Manager"; "Example IAM policies for AWS RAM", AWS RAM user guide):
// AssociateResourceShare and DisassociateResourceShare carry, for a
// resource, ram:RequestedResourceType and ram:ResourceArn, and for a
// principal, ram:Principal; RAM authorizes each resource and each
// principal of a request on its own, so a resource's request has no
// ram:Principal and a principal's neither of the others. The provider
// creates a share empty (resourceResourceShareCreate sends name,
// allowExternalPrincipals, permissions and tags), so its
// CreateResourceShare carries only ram:RequestedAllowsExternalPrincipals.
//
// IAM: the role calls of boundaryActions carry iam:PermissionsBoundary
// when the role has one, AttachRolePolicy and DetachRolePolicy each
// iam:PolicyARN (authorizeList), and iam:PassRole carries
// iam:PassedToService, the service the role is passed to: Lambda for a
// function's execution role, API Gateway for the account's CloudWatch role
// ("Grant a user permissions to pass a role to an AWS service", IAM user
// guide).
func requestContext(call Call, x callCtx) map[string][]string {
	switch {
	case call.Type == TypeResourceShare && call.Action == "ram:CreateResourceShare":
		external := "true" // CreateResourceShare's default
		if v, ok := x.In["allowExternalPrincipals"].(bool); ok && !v {
			external = "false"
		}
		return map[string][]string{"ram:requestedallowsexternalprincipals": {external}}
	case call.Type == TypeResourceAssociation && (call.Action == "ram:AssociateResourceShare" || call.Action == "ram:DisassociateResourceShare"):
		arn := x.In.str("resourceArn")
		return map[string][]string{"ram:resourcearn": {arn}, "ram:requestedresourcetype": {ramResourceType(arn)}}
	case call.Type == TypePrincipalAssociation && (call.Action == "ram:AssociateResourceShare" || call.Action == "ram:DisassociateResourceShare"):
		return map[string][]string{"ram:principal": {x.In.str("principal")}}
	case call.Type == TypeRecord && call.Action == "route53:ChangeResourceRecordSets":
		action := map[string]string{"create": "CREATE", "update": "UPSERT", "delete": "DELETE"}[call.Op]
		return map[string][]string{
			"route53:changeresourcerecordsetsnormalizedrecordnames": {normalizedRecordName(x.In.str("name"))},
			"route53:changeresourcerecordsetsrecordtypes":           {strings.ToUpper(x.In.str("type"))},
			"route53:changeresourcerecordsetsactions":               {action},
		}
	case call.Type == TypeRole && slices.Contains(boundaryActions, call.Action):
		if b := x.In.str("permissionsBoundary"); b != "" {
			return map[string][]string{"iam:permissionsboundary": {b}}
		}
		return nil
	case call.Action == "iam:PassRole" && call.Type == TypeFunction:
		return map[string][]string{"iam:passedtoservice": {"lambda.amazonaws.com"}}
	case call.Action == "iam:PassRole" && call.Type == TypeApiGatewayAccount:
		return map[string][]string{"iam:passedtoservice": {"apigateway.amazonaws.com"}}
	case (call.Type == TypeVpcAssociationAuthorization || call.Type == TypeZoneAssociation) && slices.Contains(route53VpcActions, call.Action):
		// The VPC the request names ("VPC permissions", Route 53 developer
		// guide: AssociateVPCWithHostedZone, DisassociateVPCFromHostedZone,
		// Create/DeleteVPCAssociationAuthorization carry route53:VPCs).
		region := firstNonEmpty(x.In.str("vpcRegion"), x.Region)
		return map[string][]string{"route53:vpcs": {fmt.Sprintf("VPCId=%s,VPCRegion=%s", strings.ToLower(x.In.str("vpcId")), strings.ToLower(region))}}
	case call.Type == TypeProfileAssociation && (call.Action == "route53profiles:AssociateProfile" || call.Action == "route53profiles:DisassociateProfile"):
		// route53profiles:ResourceIds, "Filters access by given VPCs": the
		// VPC the request names.
		return map[string][]string{"route53profiles:resourceids": {x.In.str("resourceId")}}
	case call.Type == TypeProfileResourceAssociation &&
		(call.Action == "route53profiles:AssociateResourceToProfile" || call.Action == "route53profiles:DisassociateResourceFromProfile"):
		// route53profiles:ResourceArns and ResourceTypes, of the resource
		// the request puts in (or takes out of) the Profile.
		arn := x.In.str("resourceArn")
		return map[string][]string{"route53profiles:resourcearns": {arn}, "route53profiles:resourcetypes": {profileResourceType(arn)}}
	case call.Type == TypeZone && call.Action == "route53:CreateHostedZone":
		vpcs := x.In.list("vpcs")
		if len(vpcs) == 0 {
			return nil // a public zone
		}
		first := props(vpcs[0])
		region := firstNonEmpty(first.str("vpcRegion"), x.Region)
		return map[string][]string{"route53:vpcs": {fmt.Sprintf("VPCId=%s,VPCRegion=%s", strings.ToLower(first.str("vpcId")), strings.ToLower(region))}}
	}
	return nil
}

// profileResourceType is route53profiles:ResourceTypes of a resource ARN
// ("Filters access by specific resource type. Possible options include
// 'HostedZone', 'FirewallRuleGroup', 'ResolverQueryLoggingConfig',
// 'ResolverRule', and 'VpcEndpoint'", "Actions, resources, and condition
// keys for Amazon Route 53 Profiles"): HostedZone for a hosted zone's ARN,
// which is all the simulated Route 53 puts in a Profile; any other ARN
// gets a type no policy names.
func profileResourceType(arn string) string {
	if strings.HasPrefix(arn, "arn:aws:route53:::hostedzone/") {
		return "HostedZone"
	}
	return "unknown:" + arn
}

// boundaryActions are the role actions that carry iam:PermissionsBoundary
// ("Actions, resources, and condition keys for AWS Identity and Access
// Management": CreateRole the boundary of the request, the others the
// role's; the provider sets a new boundary before it changes policies,
// resourceRoleUpdate, so both are the role's permissionsBoundary input).
var boundaryActions = []string{
	"iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
	"iam:PutRolePolicy", "iam:DeleteRolePolicy",
}

// normalizedRecordName is a DNS name as Route 53's condition key holds it:
// lower case, without the trailing dot, every character other than a-z,
// 0-9, '-', '_' and '.' as a backslash and its three-digit octal code
// (\052 for *).
func normalizedRecordName(name string) string {
	var b strings.Builder
	for _, r := range strings.TrimSuffix(strings.ToLower(name), ".") {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			for _, c := range []byte(string(r)) {
				fmt.Fprintf(&b, "\\%03o", c)
			}
		}
	}
	return b.String()
}

// ramResourceType is the RAM resource type of a resource ARN, as
// ram:RequestedResourceType holds it ("Shareable AWS resources", AWS RAM
// user guide): apigateway:Domainnames for a private custom domain name
// ("Custom domain names for private APIs in API Gateway": aws ram
// list-resources --resource-type apigateway:Domainnames),
// route53profiles:Profile for a Route 53 Profile (terraform-provider-aws
// aws_ram_permission docs), ec2:Subnet and
// ec2:TransitGateway for the two most often shared. Any other ARN gets a
// type no policy names, so a policy that allows some type refuses it
// rather than this package guessing.
func ramResourceType(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return "unknown:" + arn
	}
	switch service, resource := parts[2], parts[5]; {
	case service == "apigateway" && strings.HasPrefix(resource, "/domainnames/"):
		return "apigateway:Domainnames"
	case service == "ec2" && strings.HasPrefix(resource, "subnet/"):
		return "ec2:Subnet"
	case service == "ec2" && strings.HasPrefix(resource, "transit-gateway/"):
		return "ec2:TransitGateway"
	case service == "route53profiles" && strings.HasPrefix(resource, "profile/"):
		return "route53profiles:Profile"
	}
	return "unknown:" + arn
}

// withShareName adds ram:ResourceShareName to the keys of a RAM call on a
// share (its resourceShareArn input): a condition key of RAM's
// resource-share resource type, so IAM has it for every action on a share
// ("Actions, resources, and condition keys for AWS Resource Access
// Manager", resource types). The name is the share's as the cloud holds it.
func withShareName(c *Cloud, call Call, x callCtx, keys map[string][]string) map[string][]string {
	arn := x.In.str("resourceShareArn")
	if call.Type == TypeResourceShare {
		arn = x.Id // a call on the share itself
	}
	share, ok := c.Shares[arn]
	if !strings.HasPrefix(call.Action, "ram:") || arn == "" || !ok {
		return keys
	}
	out := map[string][]string{"ram:resourcesharename": {share.Name}}
	for k, v := range keys {
		out[k] = v
	}
	return out
}

// route53VpcActions are the Route 53 calls on a zone that name one VPC.
var route53VpcActions = []string{"route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone",
	"route53:CreateVPCAssociationAuthorization", "route53:DeleteVPCAssociationAuthorization"}
