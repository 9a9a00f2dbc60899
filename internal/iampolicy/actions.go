// Package iampolicy derives, from what a stack registers, the IAM policy each
// deployer role needs: exactly the actions of the resource types and data
// sources in the plan, from one table, and the trust policy of a pipeline
// role that assumes it through OIDC.
package iampolicy

// Actions are the IAM actions pulumi-aws (the Terraform AWS provider it
// bridges) calls to create, read, update, delete and tag each resource type,
// and to read each data source. Sources: the AWS Service Authorization
// Reference for API Gateway (apigateway:<HTTP verb> on resource paths, plus
// apigateway:UpdateRestApiPolicy for resource policies), EC2 and Lambda, and
// the calls of the aws_* resources. Never a wildcard action.
var Actions = map[string][]string{
	"aws:apigateway/restApi:RestApi": {
		"apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE",
	},
	// Attaching a resource policy is an UpdateRestApi on /policy, which IAM
	// also checks as apigateway:UpdateRestApiPolicy.
	"aws:apigateway/restApiPolicy:RestApiPolicy":   {"apigateway:GET", "apigateway:PATCH", "apigateway:UpdateRestApiPolicy"},
	"aws:apigateway/deployment:Deployment":         {"apigateway:GET", "apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"},
	"aws:apigateway/stage:Stage":                   {"apigateway:GET", "apigateway:POST", "apigateway:PATCH", "apigateway:PUT", "apigateway:DELETE"},
	"aws:lambda/permission:Permission":             {"lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"},
	"aws:apigateway/methodSettings:MethodSettings": {"apigateway:GET", "apigateway:PATCH"},
	// A REST API VPC link is an endpoint service of the load balancer that
	// API Gateway creates with the caller's permissions ("Set up IAM
	// permissions for a VPC link", API Gateway developer guide); tags are
	// PUT on /tags.
	"aws:apigateway/vpcLink:VpcLink": {
		"apigateway:GET", "apigateway:POST", "apigateway:PATCH", "apigateway:DELETE", "apigateway:PUT",
		"ec2:CreateVpcEndpointServiceConfiguration", "ec2:DeleteVpcEndpointServiceConfigurations",
		"ec2:DescribeVpcEndpointServiceConfigurations", "ec2:ModifyVpcEndpointServicePermissions",
		"elasticloadbalancing:DescribeLoadBalancers",
	},
	// The private custom domain (components.CustomDomainArgs). Its invoke
	// policy is apigateway:UpdateDomainNamePolicy, as a REST API's is
	// UpdateRestApiPolicy; sharing it through RAM updates its management
	// policy (apigateway:UpdateDomainNameManagementPolicy) as the sharer;
	// a consumer's access association is also checked as
	// apigateway:CreateAccessAssociation on the producer's domain.
	"aws:apigateway/domainName:DomainName": {
		"apigateway:GET", "apigateway:POST", "apigateway:PATCH", "apigateway:DELETE", "apigateway:PUT",
		"apigateway:UpdateDomainNamePolicy",
	},
	"aws:apigateway/basePathMapping:BasePathMapping": {"apigateway:GET", "apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"},
	"aws:apigateway/domainNameAccessAssociation:DomainNameAccessAssociation": {
		"apigateway:GET", "apigateway:POST", "apigateway:DELETE", "apigateway:PUT", "apigateway:CreateAccessAssociation",
	},
	// The share's read lists its permissions (permission_arns:
	// ListResourceSharePermissions, terraform-provider-aws
	// internal/service/ram/resource_share.go), after every create and update.
	"aws:ram/resourceShare:ResourceShare": {
		"ram:CreateResourceShare", "ram:GetResourceShares", "ram:ListResourceSharePermissions", "ram:UpdateResourceShare",
		"ram:DeleteResourceShare", "ram:TagResource", "ram:UntagResource",
	},
	"aws:ram/resourceAssociation:ResourceAssociation": {
		"ram:AssociateResourceShare", "ram:DisassociateResourceShare", "ram:GetResourceShareAssociations",
		"apigateway:UpdateDomainNameManagementPolicy",
	},
	"aws:ram/principalAssociation:PrincipalAssociation": {
		"ram:AssociateResourceShare", "ram:DisassociateResourceShare", "ram:GetResourceShareAssociations",
	},
	// The consumer accepts the invitation. Its delete, the account leaving
	// the share (ram:DisassociateResourceShare, resourceResourceShareAccepterDelete
	// in terraform-provider-aws internal/service/ram/resource_share_accepter.go),
	// is never called: see RetainedTypes.
	"aws:ram/resourceShareAccepter:ResourceShareAccepter": {
		"ram:GetResourceShareInvitations", "ram:AcceptResourceShareInvitation", "ram:GetResourceShares",
		"ram:ListResources",
	},
	// A private hosted zone is created with its VPC (ec2:DescribeVpcs, the
	// VPC association) and deleted only when empty.
	"aws:route53/zone:Zone": {
		"route53:CreateHostedZone", "route53:GetHostedZone", "route53:DeleteHostedZone", "route53:GetChange",
		"route53:ListTagsForResource", "route53:ChangeTagsForResource", "route53:UpdateHostedZoneComment",
		"route53:ListResourceRecordSets", "route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone",
		"ec2:DescribeVpcs",
	},
	// The hub's zone (hub.dns phz): the network account authorizes each
	// spoke VPC (terraform-provider-aws route53/vpc_association_authorization.go:
	// Create, List on read, Delete), the spoke's account associates it
	// (route53/zone_association.go: AssociateVPCWithHostedZone, which IAM
	// also checks as ec2:DescribeVpcs on the VPC, GetChange for the wait,
	// ListHostedZonesByVPC on read, DisassociateVPCFromHostedZone on delete).
	"aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization": {
		"route53:CreateVPCAssociationAuthorization", "route53:ListVPCAssociationAuthorizations", "route53:DeleteVPCAssociationAuthorization",
	},
	"aws:route53/zoneAssociation:ZoneAssociation": {
		"route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone", "route53:ListHostedZonesByVPC",
		"route53:GetChange", "ec2:DescribeVpcs",
	},
	// The hub's Route 53 Profile (hub.dns profile), from
	// terraform-provider-aws internal/service/route53profiles: profile.go
	// (CreateProfile with its tags, GetProfile for the waiters and the read,
	// DeleteProfile; tags read and changed by the transparent tagging on the
	// Profile's ARN), resource_association.go (AssociateResourceToProfile,
	// GetProfileResourceAssociation, DisassociateResourceFromProfile) and
	// association.go (AssociateProfile with its tags, GetProfileAssociation,
	// DisassociateProfile, tags as the Profile's). "Actions, resources, and
	// condition keys for Amazon Route 53 Profiles" gives resource types only
	// to TagResource and UntagResource.
	"aws:route53/profilesProfile:ProfilesProfile": {
		"route53profiles:CreateProfile", "route53profiles:GetProfile", "route53profiles:DeleteProfile",
		"route53profiles:ListTagsForResource", "route53profiles:TagResource", "route53profiles:UntagResource",
	},
	"aws:route53/profilesResourceAssociation:ProfilesResourceAssociation": {
		"route53profiles:AssociateResourceToProfile", "route53profiles:GetProfileResourceAssociation", "route53profiles:DisassociateResourceFromProfile",
	},
	"aws:route53/profilesAssociation:ProfilesAssociation": {
		"route53profiles:AssociateProfile", "route53profiles:GetProfileAssociation", "route53profiles:DisassociateProfile",
		"route53profiles:ListTagsForResource", "route53profiles:TagResource", "route53profiles:UntagResource",
	},
	"aws:route53/record:Record": {
		"route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:GetHostedZone", "route53:GetChange",
	},
	// The account-wide CloudWatch role setting: PATCH /account, and passing
	// the role to API Gateway.
	"aws:apigateway/account:Account": {"apigateway:GET", "apigateway:PATCH", "iam:PassRole", "iam:GetRole"},
	"aws:iam/role:Role": {
		"iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
		"iam:TagRole", "iam:UntagRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
		"iam:ListInstanceProfilesForRole", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
		// inlinePolicies: the signed probe's invoke permission (AWS_IAM stacks).
		"iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy",
		// permissionsBoundary set on a role created before it
		// (resourceRoleUpdate); CreateRole carries it on create.
		"iam:PutRolePermissionsBoundary",
	},
	"aws:cloudwatch/logGroup:LogGroup": {
		"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DescribeLogGroups", "logs:PutRetentionPolicy",
		"logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource",
	},
	// Per-consumer monitoring (components.MonitoringArgs): metric filters on
	// the access-log group (resource: the log group), alarms (PutMetricAlarm
	// with tags also checks TagResource) and the dashboard.
	"aws:cloudwatch/logMetricFilter:LogMetricFilter": {"logs:PutMetricFilter", "logs:DeleteMetricFilter", "logs:DescribeMetricFilters"},
	"aws:cloudwatch/metricAlarm:MetricAlarm": {
		"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms",
		"cloudwatch:ListTagsForResource", "cloudwatch:TagResource", "cloudwatch:UntagResource",
	},
	"aws:cloudwatch/dashboard:Dashboard": {"cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"},
	"aws:ec2/vpc:Vpc": {
		"ec2:CreateVpc", "ec2:DeleteVpc", "ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:ModifyVpcAttribute",
		"ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkAcls", "ec2:CreateTags", "ec2:DeleteTags",
	},
	// Before deleting a subnet or a security group the provider deletes the
	// network interfaces a deleted VPC Lambda left there
	// (deleteLingeringLambdaENIs: detach, then delete;
	// hashicorp/terraform-provider-aws #3099, #4884; pulumi/pulumi-aws #4382).
	"aws:ec2/subnet:Subnet": {
		"ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:DescribeSubnets", "ec2:ModifySubnetAttribute",
		"ec2:DescribeNetworkInterfaces", "ec2:DetachNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:CreateTags", "ec2:DeleteTags",
	},
	"aws:ec2/securityGroup:SecurityGroup": {
		"ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules",
		"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
		"ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress",
		"ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:DescribeNetworkInterfaces",
		"ec2:DetachNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:CreateTags", "ec2:DeleteTags",
	},
	// Private DNS on an interface endpoint associates the VPC with a hosted
	// zone AWS manages, which IAM checks as route53:AssociateVPCWithHostedZone.
	"aws:ec2/vpcEndpoint:VpcEndpoint": {
		"ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:DescribeVpcEndpoints", "ec2:ModifyVpcEndpoint",
		"ec2:DescribeVpcEndpointServices", "ec2:DescribePrefixLists", "ec2:CreateTags", "ec2:DeleteTags",
		"route53:AssociateVPCWithHostedZone",
	},
	"aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": {"ec2:ModifyVpcEndpoint", "ec2:DescribeVpcEndpoints"},
	// The connectivity probe's function: a VPC-attached function needs the
	// deployer to describe the subnets, groups and VPC and to pass the role;
	// replaceSecurityGroupsOnDestroy updates the configuration before delete.
	"aws:lambda/function:Function": {
		"lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration",
		"lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:ListVersionsByFunction",
		"lambda:GetFunctionCodeSigningConfig", "lambda:GetPolicy", "lambda:ListTags", "lambda:TagResource", "lambda:UntagResource",
		"iam:PassRole", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
	},
	// The invocation runs the probe during pulumi up.
	"aws:lambda/invocation:Invocation": {"lambda:InvokeFunction"},
}

// RetainedTypes are the resource types the components always register with
// RetainOnDelete, each with why: Pulumi never calls the provider's delete
// for them (not on removal, replacement or destroy), so Actions holds none
// of the calls only their delete makes (TestActionTableHoldsEveryCallOfTheProvider
// skips their delete rows; components/customdomain_test.go and
// hubprofile_test.go check the option, and the engine lifecycles remove
// consumers and destroy with roles that lack those calls).
var RetainedTypes = map[string]string{
	// components/domainaccess.go (newShareAccepter) and components/hubprofile.go:
	// leaving the share would take every endpoint or spoke of the account
	// off the shared domain or Profile; the owner's principal association
	// takes the account out once its last consumer goes.
	"aws:ram/resourceShareAccepter:ResourceShareAccepter": "leaving a share cuts every consumer of the account off",
}

// InvokeActions are the IAM actions of each data source the program reads.
// getRegion and getCallerIdentity need none.
var InvokeActions = map[string][]string{
	"aws:index/getAvailabilityZones:getAvailabilityZones": {"ec2:DescribeAvailabilityZones"},
	"aws:ec2/getVpcEndpointService:getVpcEndpointService": {"ec2:DescribeVpcEndpointServices"},
	"aws:ec2/getVpc:getVpc":                               {"ec2:DescribeVpcs", "ec2:DescribeVpcAttribute"},
	"aws:ec2/getSubnet:getSubnet":                         {"ec2:DescribeSubnets"},
	"aws:index/getRegion:getRegion":                       {},
	"aws:index/getCallerIdentity:getCallerIdentity":       {},
	// An adoption (api.adopt) reads the API before anything is registered:
	// Cloud Control's GetResource of AWS::ApiGateway::RestApi runs the type's
	// read handler with the caller's credentials (its schema's read
	// permissions: apigateway:GET); getAuthorizers and getAuthorizer are
	// GetAuthorizers and GetAuthorizer. The preflight reads the account's
	// API Gateway CloudWatch Logs role the same way (AWS::ApiGateway::Account,
	// read permissions apigateway:GET, on /account: scopes.go).
	"aws:cloudcontrol/getResource:getResource": {"cloudformation:GetResource", "apigateway:GET"},
	// The preflight's look for a private-DNS execute-api endpoint in an
	// existing VPC (aws_vpc_endpoint: FindVPCEndpoint, then
	// FindPrefixListByName for the endpoint it finds).
	"aws:ec2/getVpcEndpoint:getVpcEndpoint": {"ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"},
	// ... and the security group of the endpoint it finds (aws_security_group:
	// FindSecurityGroup), which tells the stack's own endpoint.
	"aws:ec2/getSecurityGroup:getSecurityGroup": {"ec2:DescribeSecurityGroups"},
	// The preflight's check of a hub's routes, both ways: a VPC's route
	// tables (aws_route_tables and aws_route_table: FindRouteTables, one
	// DescribeRouteTables; for a route to a network interface the read also
	// calls DescribeNetworkInterfaces and ignores a refusal, so the roles
	// leave it out) and its subnets (aws_subnets and aws_subnet:
	// FindSubnets, DescribeSubnets), in the network account and each spoke's.
	"aws:ec2/getRouteTables:getRouteTables":        {"ec2:DescribeRouteTables"},
	"aws:ec2/getRouteTable:getRouteTable":          {"ec2:DescribeRouteTables"},
	"aws:ec2/getSubnets:getSubnets":                {"ec2:DescribeSubnets"},
	"aws:apigateway/getAuthorizers:getAuthorizers": {"apigateway:GET"},
	"aws:apigateway/getAuthorizer:getAuthorizer":   {"apigateway:GET"},
}
