package fakeaws

import (
	"fmt"
	"slices"
	"strings"
)

// The AWS calls the real provider makes, per resource type and operation,
// one row per call, with the IAM action AWS authorizes it as and the
// resource ARN it is checked on. Written from terraform-provider-aws v5
// (the provider pulumi-aws 6.83.x bridges), function by function, and from
// the Service Authorization Reference for the action and ARN of each API;
// never from internal/iampolicy, so that the printed policies and this table
// can disagree and a test sees it (TestActionTableHoldsEveryCallOfTheProvider).
// pulumi-aws 6.x bridges the provider's v5 line (pulumi-aws 7 moved to its
// v6); the provider files were read as the public copies stored them, not
// pinned to the exact tag, so a call that differs between v5 releases is
// noted where it is known.
//
// Ops: create, read, update, delete (a resource's CRUD; the provider reads
// after every create and update, so those rows apply there too) and invoke
// (a data source). When a row has When, it applies only then.

// callCtx is what a row's resource ARN and condition are computed from.
type callCtx struct {
	Scope
	// Id is the resource's ID; In its inputs (or old state on delete).
	Id string
	In props
}

// Call is one AWS API call of the provider.
type Call struct {
	Type, Op, Action string
	Resource         func(x callCtx) string
	When             func(x callCtx) bool
	// Source is the terraform-provider-aws function that makes the call.
	Source string
}

func arnf(format string) func(x callCtx) string {
	return func(x callCtx) string {
		r := strings.NewReplacer("{region}", x.Region, "{account}", x.Account, "{id}", x.Id,
			"{restApi}", firstNonEmpty(x.In.str("restApi"), x.In.str("restApiId")), "{stage}", x.In.str("stageName"),
			"{name}", x.In.str("name"), "{function}", x.In.str("function"), "{functionName}", x.In.str("functionName"),
			"{vpcId}", x.In.str("vpcId"), "{endpoint}", x.In.str("vpcEndpointId"),
			"{resourceArn}", x.In.str("resourceArn"), "{shareArn}", x.In.str("shareArn"),
			"{identifier}", x.In.str("identifier"), "{authorizerId}", x.In.str("authorizerId"))
		return r.Replace(format)
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Resource ARN formats (Service Authorization Reference, "Resource types").
var (
	apisArn       = arnf("arn:aws:apigateway:{region}::/restapis")
	apiArn        = arnf("arn:aws:apigateway:{region}::/restapis/{id}")
	apiOfArn      = arnf("arn:aws:apigateway:{region}::/restapis/{restApi}")
	deploymentsOf = arnf("arn:aws:apigateway:{region}::/restapis/{restApi}/deployments")
	deploymentArn = arnf("arn:aws:apigateway:{region}::/restapis/{restApi}/deployments/{id}")
	stagesOf      = arnf("arn:aws:apigateway:{region}::/restapis/{restApi}/stages")
	stageArn      = arnf("arn:aws:apigateway:{region}::/restapis/{restApi}/stages/{stage}")
	accountArn    = arnf("arn:aws:apigateway:{region}::/account")
	vpcLinksArn   = arnf("arn:aws:apigateway:{region}::/vpclinks")
	vpcLinkArn    = arnf("arn:aws:apigateway:{region}::/vpclinks/{id}")
	anyArn        = func(callCtx) string { return "*" }
	ec2Any        = arnf("*") // EC2 Describe* calls support no resource-level permissions
	vpcsArn       = arnf("arn:aws:ec2:{region}:{account}:vpc/*")
	vpcArn        = arnf("arn:aws:ec2:{region}:{account}:vpc/{id}")
	subnetArn     = arnf("arn:aws:ec2:{region}:{account}:subnet/*")
	groupArn      = arnf("arn:aws:ec2:{region}:{account}:security-group/*")
	endpointArn   = arnf("arn:aws:ec2:{region}:{account}:vpc-endpoint/*")
	eniArn        = arnf("arn:aws:ec2:{region}:{account}:network-interface/{id}")
	logGroupArn   = func(x callCtx) string {
		return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", x.Region, x.Account, firstNonEmpty(x.In.str("name"), x.Id))
	}
	logGroupsArn = arnf("arn:aws:logs:{region}:{account}:log-group:*")
	// filterGroupArn is the log group a metric filter belongs to.
	filterGroupArn = func(x callCtx) string {
		return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", x.Region, x.Account, x.In.str("logGroupName"))
	}
	alarmArn = arnf("arn:aws:cloudwatch:{region}:{account}:alarm:{name}")
	// idArn is the resource's ID, where that is its ARN.
	idArn = arnf("{id}")
	// mappingsArn are a private domain's base path mappings.
	mappingsArn = func(x callCtx) string {
		return fmt.Sprintf("arn:aws:apigateway:%s:%s:/domainnames/%s+%s/basepathmappings", x.Region, x.Account, x.In.str("domainName"), x.In.str("domainNameId"))
	}
	// domainOfAssociation is the (producer's) domain an association names.
	domainOfAssociation = func(x callCtx) string { return x.In.str("domainNameArn") }
	shareOf             = func(x callCtx) string { return x.In.str("resourceShareArn") }
	// invitationArn is an invitation of the share's owner account.
	invitationArn = func(x callCtx) string {
		parts := strings.Split(x.In.str("shareArn"), ":")
		if len(parts) < 5 {
			return "*"
		}
		return fmt.Sprintf("arn:aws:ram:%s:%s:resource-share-invitation/*", parts[3], parts[4])
	}
	zoneArn = arnf("arn:aws:route53:::hostedzone/{id}")
	// changeArn is a Route 53 change the provider waits for; its ID is
	// Route 53's, never the resource's.
	changeArn     = func(callCtx) string { return "arn:aws:route53:::change/C" + strings.ToUpper(newHex(13)) }
	recordZoneArn = func(x callCtx) string { return "arn:aws:route53:::hostedzone/" + x.In.str("zoneId") }
	// healthCheckArn is a health check (healthCheckARN in route53/health_check.go).
	healthCheckArn = arnf("arn:aws:route53:::healthcheck/{id}")
	dashboardArn   = func(x callCtx) string {
		return fmt.Sprintf("arn:aws:cloudwatch::%s:dashboard/%s", x.Account, x.In.str("dashboardName"))
	}
	// ccRestApiArn is the REST API a Cloud Control read names; authorizersOf
	// and authorizerArn are a REST API's authorizers.
	ccRestApiArn  = arnf("arn:aws:apigateway:{region}::/restapis/{identifier}")
	authorizersOf = arnf("arn:aws:apigateway:{region}::/restapis/{restApi}/authorizers")
	authorizerArn = arnf("arn:aws:apigateway:{region}::/restapis/{restApi}/authorizers/{authorizerId}")
	roleArn       = func(x callCtx) string {
		return fmt.Sprintf("arn:aws:iam::%s:role/%s", x.Account, firstNonEmpty(x.In.str("name"), x.Id))
	}
	functionArn = func(x callCtx) string {
		name := firstNonEmpty(x.In.str("functionName"), x.In.str("name"), x.Id)
		if strings.HasPrefix(name, "arn:") {
			return name
		}
		return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", x.Region, x.Account, name)
	}
	permissionFunctionArn = func(x callCtx) string { return x.In.str("function") }
	passedLambdaRole      = func(x callCtx) string { return x.In.str("role") }
	passedLogsRole        = func(x callCtx) string { return x.In.str("cloudwatchRoleArn") }
	anyResource           = arnf("*")
)

// ccType says a Cloud Control read is of type typ.
func ccType(typ string) func(x callCtx) bool {
	return func(x callCtx) bool { return x.In.str("typeName") == typ }
}

func tagged(x callCtx) bool {
	return len(x.In.obj("tags")) > 0 || len(x.In.obj("tagsAll")) > 0
}

// sharesDomain says a RAM resource association shares a private custom
// domain name (not a Route 53 Profile).
func sharesDomain(x callCtx) bool {
	return ramResourceType(x.In.str("resourceArn")) == "apigateway:Domainnames"
}

func has(key string) func(x callCtx) bool {
	return func(x callCtx) bool {
		v, ok := x.In[key]
		if !ok || v == nil || v == false || v == "" {
			return false
		}
		if l, isList := v.([]any); isList {
			return len(l) > 0
		}
		if m, isMap := v.(map[string]any); isMap {
			return len(m) > 0
		}
		return true
	}
}

// Calls is the table. Conditional calls that depend on the cloud (network
// interfaces a deleted function left behind) are in lingeringEniCalls.
var Calls = []Call{
	// API Gateway REST API (internal/service/apigateway/rest_api.go).
	{TypeRestApi, "create", "apigateway:POST", apisArn, nil, "resourceRestAPICreate (CreateRestApi)"},
	{TypeRestApi, "create", "apigateway:PUT", apiArn, has("body"), "resourceRestAPICreate (PutRestApi of body)"},
	{TypeRestApi, "update", "apigateway:PATCH", apiArn, nil, "resourceRestAPIUpdate (UpdateRestApi)"},
	{TypeRestApi, "update", "apigateway:PUT", apiArn, has("body"), "resourceRestAPIUpdate (PutRestApi when body changed)"},
	{TypeRestApi, "read", "apigateway:GET", apiArn, nil, "resourceRestAPIRead (GetRestApi, GetResources)"},
	{TypeRestApi, "delete", "apigateway:DELETE", apiArn, nil, "resourceRestAPIDelete (DeleteRestApi)"},
	// rest_api_policy.go: UpdateRestApi with a /policy patch, which IAM also
	// checks as apigateway:UpdateRestApiPolicy.
	{TypeRestApiPolicy, "create", "apigateway:PATCH", apiOfArn, nil, "resourceRestAPIPolicyPut (UpdateRestApi /policy)"},
	{TypeRestApiPolicy, "create", "apigateway:UpdateRestApiPolicy", apiOfArn, nil, "resourceRestAPIPolicyPut (UpdateRestApi /policy)"},
	{TypeRestApiPolicy, "update", "apigateway:PATCH", apiOfArn, nil, "resourceRestAPIPolicyPut"},
	{TypeRestApiPolicy, "update", "apigateway:UpdateRestApiPolicy", apiOfArn, nil, "resourceRestAPIPolicyPut"},
	{TypeRestApiPolicy, "read", "apigateway:GET", apiOfArn, nil, "resourceRestAPIPolicyRead (GetRestApi)"},
	{TypeRestApiPolicy, "delete", "apigateway:PATCH", apiOfArn, nil, "resourceRestAPIPolicyDelete (UpdateRestApi remove /policy)"},
	{TypeRestApiPolicy, "delete", "apigateway:UpdateRestApiPolicy", apiOfArn, nil, "resourceRestAPIPolicyDelete"},
	// deployment.go
	{TypeDeployment, "create", "apigateway:POST", deploymentsOf, nil, "resourceDeploymentCreate (CreateDeployment)"},
	{TypeDeployment, "read", "apigateway:GET", deploymentArn, nil, "resourceDeploymentRead (GetDeployment)"},
	{TypeDeployment, "update", "apigateway:PATCH", deploymentArn, nil, "resourceDeploymentUpdate (UpdateDeployment)"},
	{TypeDeployment, "delete", "apigateway:GET", stagesOf, nil, "resourceDeploymentDelete (GetStages: a stage still on it)"},
	{TypeDeployment, "delete", "apigateway:DELETE", deploymentArn, nil, "resourceDeploymentDelete (DeleteDeployment)"},
	// stage.go: CreateStage cannot set access logs; the provider patches them in.
	{TypeStage, "create", "apigateway:POST", stagesOf, nil, "resourceStageCreate (CreateStage)"},
	{TypeStage, "create", "apigateway:PATCH", stageArn, has("accessLogSettings"), "resourceStageCreate (UpdateStage for access_log_settings)"},
	{TypeStage, "read", "apigateway:GET", stageArn, nil, "resourceStageRead (GetStage)"},
	{TypeStage, "update", "apigateway:PATCH", stageArn, nil, "resourceStageUpdate (UpdateStage)"},
	{TypeStage, "delete", "apigateway:DELETE", stageArn, nil, "resourceStageDelete (DeleteStage)"},
	// method_settings.go: UpdateStage patches of /*/*/...
	// REST API VPC link (internal/service/apigateway/vpc_link.go); API
	// Gateway creates the load balancer's endpoint service with the
	// caller's permissions ("Set up IAM permissions for a VPC link").
	{TypeVpcLink, "create", "apigateway:POST", vpcLinksArn, nil, "resourceVPCLinkCreate (CreateVpcLink)"},
	{TypeVpcLink, "create", "elasticloadbalancing:DescribeLoadBalancers", anyArn, nil, "CreateVpcLink (API Gateway reads the NLB as the caller)"},
	{TypeVpcLink, "create", "ec2:CreateVpcEndpointServiceConfiguration", anyArn, nil, "CreateVpcLink (the NLB's endpoint service, as the caller)"},
	{TypeVpcLink, "create", "ec2:DescribeVpcEndpointServiceConfigurations", anyArn, nil, "CreateVpcLink"},
	{TypeVpcLink, "create", "ec2:ModifyVpcEndpointServicePermissions", anyArn, nil, "CreateVpcLink"},
	{TypeVpcLink, "create", "apigateway:PUT", arnf("arn:aws:apigateway:{region}::/tags/*"), tagged, "resourceVPCLinkCreate (CreateVpcLink with tags)"},
	{TypeVpcLink, "read", "apigateway:GET", vpcLinkArn, nil, "resourceVPCLinkRead (GetVpcLink, waiting for AVAILABLE)"},
	{TypeVpcLink, "update", "apigateway:PATCH", vpcLinkArn, nil, "resourceVPCLinkUpdate (UpdateVpcLink)"},
	{TypeVpcLink, "delete", "apigateway:DELETE", vpcLinkArn, nil, "resourceVPCLinkDelete (DeleteVpcLink)"},
	{TypeVpcLink, "delete", "ec2:DeleteVpcEndpointServiceConfigurations", anyArn, nil, "DeleteVpcLink (the NLB's endpoint service, as the caller)"},
	{TypeVpcLink, "delete", "apigateway:GET", vpcLinkArn, nil, "resourceVPCLinkDelete (waiting for DELETED)"},
	{TypeMethodSettings, "create", "apigateway:PATCH", stageArn, nil, "resourceMethodSettingsUpdate (UpdateStage)"},
	{TypeMethodSettings, "update", "apigateway:PATCH", stageArn, nil, "resourceMethodSettingsUpdate (UpdateStage)"},
	{TypeMethodSettings, "read", "apigateway:GET", stageArn, nil, "resourceMethodSettingsRead (GetStage)"},
	{TypeMethodSettings, "delete", "apigateway:PATCH", stageArn, nil, "resourceMethodSettingsDelete (UpdateStage remove)"},
	// account.go: UpdateAccount passes the CloudWatch role to API Gateway.
	{TypeApiGatewayAccount, "create", "apigateway:PATCH", accountArn, nil, "resourceAccountUpdate (UpdateAccount)"},
	{TypeApiGatewayAccount, "create", "iam:PassRole", passedLogsRole, has("cloudwatchRoleArn"), "resourceAccountUpdate (cloudwatch_role_arn is passed)"},
	{TypeApiGatewayAccount, "update", "apigateway:PATCH", accountArn, nil, "resourceAccountUpdate (UpdateAccount)"},
	{TypeApiGatewayAccount, "update", "iam:PassRole", passedLogsRole, has("cloudwatchRoleArn"), "resourceAccountUpdate"},
	{TypeApiGatewayAccount, "read", "apigateway:GET", accountArn, nil, "resourceAccountRead (GetAccount)"},
	{TypeApiGatewayAccount, "delete", "apigateway:PATCH", accountArn, has("resetOnDelete"), "resourceAccountDelete (UpdateAccount reset, only with reset_on_delete)"},

	// Lambda permission (internal/service/lambda/permission.go).
	{TypePermission, "create", "lambda:AddPermission", permissionFunctionArn, nil, "resourcePermissionCreate (AddPermission)"},
	{TypePermission, "read", "lambda:GetPolicy", permissionFunctionArn, nil, "resourcePermissionRead (GetPolicy)"},
	{TypePermission, "delete", "lambda:RemovePermission", permissionFunctionArn, nil, "resourcePermissionDelete (RemovePermission)"},
	// Lambda function (function.go). A function in a VPC: Lambda checks the
	// caller's ec2:Describe* on the subnets and groups it is given.
	{TypeFunction, "create", "lambda:CreateFunction", functionArn, nil, "resourceFunctionCreate (CreateFunction)"},
	{TypeFunction, "create", "iam:PassRole", passedLambdaRole, nil, "resourceFunctionCreate (the execution role is passed)"},
	{TypeFunction, "create", "ec2:DescribeSecurityGroups", ec2Any, has("vpcConfig"), "CreateFunction with VpcConfig (Lambda developer guide, 'VPC permissions')"},
	{TypeFunction, "create", "ec2:DescribeSubnets", ec2Any, has("vpcConfig"), "CreateFunction with VpcConfig"},
	{TypeFunction, "create", "ec2:DescribeVpcs", ec2Any, has("vpcConfig"), "CreateFunction with VpcConfig"},
	{TypeFunction, "read", "lambda:GetFunction", functionArn, nil, "resourceFunctionRead (GetFunction)"},
	{TypeFunction, "read", "lambda:GetFunctionCodeSigningConfig", functionArn, nil, "resourceFunctionRead (GetFunctionCodeSigningConfig)"},
	{TypeFunction, "read", "lambda:ListVersionsByFunction", functionArn, nil, "resourceFunctionRead (ListVersionsByFunction, for version)"},
	{TypeFunction, "update", "lambda:UpdateFunctionConfiguration", functionArn, nil, "resourceFunctionUpdate (UpdateFunctionConfiguration)"},
	{TypeFunction, "update", "lambda:UpdateFunctionCode", functionArn, nil, "resourceFunctionUpdate (UpdateFunctionCode)"},
	{TypeFunction, "update", "iam:PassRole", passedLambdaRole, nil, "resourceFunctionUpdate (role)"},
	{TypeFunction, "delete", "ec2:DescribeSecurityGroups", ec2Any, has("replaceSecurityGroupsOnDestroy"), "replaceSecurityGroups (finds the VPC's default group)"},
	{TypeFunction, "delete", "lambda:UpdateFunctionConfiguration", functionArn, has("replaceSecurityGroupsOnDestroy"), "replaceSecurityGroups (swaps the groups before delete)"},
	{TypeFunction, "delete", "lambda:DeleteFunction", functionArn, nil, "resourceFunctionDelete (DeleteFunction)"},
	// invocation.go: lifecycle_scope CREATE_ONLY invokes on create only.
	{TypeInvocation, "create", "lambda:InvokeFunction", functionArn, nil, "resourceInvocationCreate (Invoke)"},

	// CloudWatch Logs (internal/service/logs/group.go). Tags on create need
	// logs:TagResource too (CreateLogGroup API reference).
	{TypeLogGroup, "create", "logs:CreateLogGroup", logGroupArn, nil, "resourceGroupCreate (CreateLogGroup)"},
	{TypeLogGroup, "create", "logs:TagResource", logGroupArn, tagged, "resourceGroupCreate (CreateLogGroup with tags)"},
	{TypeLogGroup, "create", "logs:PutRetentionPolicy", logGroupArn, has("retentionInDays"), "resourceGroupCreate (PutRetentionPolicy)"},
	{TypeLogGroup, "read", "logs:DescribeLogGroups", logGroupsArn, nil, "resourceGroupRead (DescribeLogGroups)"},
	{TypeLogGroup, "read", "logs:ListTagsForResource", logGroupArn, nil, "resourceGroupRead (tags: ListTagsForResource)"},
	{TypeLogGroup, "update", "logs:PutRetentionPolicy", logGroupArn, has("retentionInDays"), "resourceGroupUpdate (PutRetentionPolicy)"},
	{TypeLogGroup, "delete", "logs:DeleteLogGroup", logGroupArn, nil, "resourceGroupDelete (DeleteLogGroup)"},
	// metric_filter.go: every call is on the filter's log group.
	{TypeLogMetricFilter, "create", "logs:PutMetricFilter", filterGroupArn, nil, "resourceMetricFilterPut (PutMetricFilter)"},
	{TypeLogMetricFilter, "read", "logs:DescribeMetricFilters", filterGroupArn, nil, "resourceMetricFilterRead (FindMetricFilterByTwoPartKey)"},
	{TypeLogMetricFilter, "update", "logs:PutMetricFilter", filterGroupArn, nil, "resourceMetricFilterPut (PutMetricFilter)"},
	{TypeLogMetricFilter, "delete", "logs:DeleteMetricFilter", filterGroupArn, nil, "resourceMetricFilterDelete (DeleteMetricFilter)"},

	// CloudWatch (internal/service/cloudwatch): PutMetricAlarm with Tags is
	// also checked as cloudwatch:TagResource; tags are read with
	// ListTagsForResource.
	{TypeMetricAlarm, "create", "cloudwatch:PutMetricAlarm", alarmArn, nil, "resourceMetricAlarmCreate (PutMetricAlarm)"},
	{TypeMetricAlarm, "create", "cloudwatch:TagResource", alarmArn, tagged, "resourceMetricAlarmCreate (PutMetricAlarm with Tags)"},
	{TypeMetricAlarm, "read", "cloudwatch:DescribeAlarms", alarmArn, nil, "resourceMetricAlarmRead (FindMetricAlarmByName)"},
	{TypeMetricAlarm, "read", "cloudwatch:ListTagsForResource", alarmArn, nil, "resourceMetricAlarmRead (tags)"},
	{TypeMetricAlarm, "update", "cloudwatch:PutMetricAlarm", alarmArn, nil, "resourceMetricAlarmUpdate (PutMetricAlarm)"},
	{TypeMetricAlarm, "update", "cloudwatch:TagResource", alarmArn, tagged, "resourceMetricAlarmUpdate (tags)"},
	{TypeMetricAlarm, "delete", "cloudwatch:DeleteAlarms", alarmArn, nil, "resourceMetricAlarmDelete (DeleteAlarms)"},
	{TypeDashboard, "create", "cloudwatch:PutDashboard", dashboardArn, nil, "resourceDashboardPut (PutDashboard)"},
	{TypeDashboard, "read", "cloudwatch:GetDashboard", dashboardArn, nil, "resourceDashboardRead (GetDashboard)"},
	{TypeDashboard, "update", "cloudwatch:PutDashboard", dashboardArn, nil, "resourceDashboardPut (PutDashboard)"},
	{TypeDashboard, "delete", "cloudwatch:DeleteDashboards", dashboardArn, nil, "resourceDashboardDelete (DeleteDashboards)"},

	// The private custom domain (internal/service/apigateway/domain_name.go,
	// base_path_mapping.go, domain_name_access_association.go). A private
	// domain's ARN carries the account; its invoke policy is checked as
	// apigateway:UpdateDomainNamePolicy.
	{TypeDomainName, "create", "apigateway:POST", arnf("arn:aws:apigateway:{region}::/domainnames"), nil, "resourceDomainNameCreate (CreateDomainName)"},
	{TypeDomainName, "create", "apigateway:UpdateDomainNamePolicy", idArn, has("policy"), "CreateDomainName with a policy"},
	{TypeDomainName, "create", "apigateway:PUT", arnf("arn:aws:apigateway:{region}::/tags/*"), tagged, "resourceDomainNameCreate (CreateDomainName with tags)"},
	{TypeDomainName, "read", "apigateway:GET", idArn, nil, "resourceDomainNameRead (GetDomainName with domainNameId)"},
	{TypeDomainName, "update", "apigateway:PATCH", idArn, nil, "resourceDomainNameUpdate (UpdateDomainName)"},
	{TypeDomainName, "update", "apigateway:UpdateDomainNamePolicy", idArn, has("policy"), "UpdateDomainName of /policy"},
	{TypeDomainName, "delete", "apigateway:DELETE", idArn, nil, "resourceDomainNameDelete (DeleteDomainName)"},
	{TypeBasePathMapping, "create", "apigateway:POST", mappingsArn, nil, "resourceBasePathMappingCreate (CreateBasePathMapping)"},
	{TypeBasePathMapping, "read", "apigateway:GET", mappingsArn, nil, "resourceBasePathMappingRead (GetBasePathMapping)"},
	{TypeBasePathMapping, "update", "apigateway:PATCH", mappingsArn, nil, "resourceBasePathMappingUpdate (UpdateBasePathMapping)"},
	{TypeBasePathMapping, "delete", "apigateway:DELETE", mappingsArn, nil, "resourceBasePathMappingDelete (DeleteBasePathMapping)"},
	{TypeDomainAssociation, "create", "apigateway:POST", arnf("arn:aws:apigateway:{region}:{account}:/domainnameaccessassociations"), nil, "Create (CreateDomainNameAccessAssociation)"},
	{TypeDomainAssociation, "create", "apigateway:CreateAccessAssociation", domainOfAssociation, nil, "CreateDomainNameAccessAssociation, on the producer's domain"},
	{TypeDomainAssociation, "create", "apigateway:PUT", arnf("arn:aws:apigateway:{region}::/tags/*"), tagged, "Create (with tags)"},
	{TypeDomainAssociation, "read", "apigateway:GET", arnf("arn:aws:apigateway:{region}:{account}:/domainnameaccessassociations"), nil, "Read (GetDomainNameAccessAssociations)"},
	{TypeDomainAssociation, "delete", "apigateway:DELETE", idArn, nil, "Delete (DeleteDomainNameAccessAssociation)"},

	// RAM (internal/service/ram: resource_share.go, resource_association.go,
	// principal_association.go, resource_share_accepter.go). CreateResourceShare,
	// GetResourceShares, GetResourceShareAssociations,
	// GetResourceShareInvitations and ListResources take no resource ("Actions,
	// resources, and condition keys for AWS Resource Access Manager"); the
	// others are checked on the share's ARN (the accepter's invitation on the
	// invitation's). The provider waits after each change by reading again:
	// the share until ACTIVE or DELETED, an association until ASSOCIATED or
	// gone, an invitation until ACCEPTED.
	{TypeResourceShare, "create", "ram:CreateResourceShare", anyArn, nil, "resourceResourceShareCreate (CreateResourceShare)"},
	{TypeResourceShare, "create", "ram:TagResource", idArn, tagged, "CreateResourceShare with tags"},
	{TypeResourceShare, "read", "ram:GetResourceShares", anyArn, nil, "resourceResourceShareRead (findResourceShareOwnerSelfByARN: GetResourceShares)"},
	{TypeResourceShare, "read", "ram:ListResourceSharePermissions", idArn, nil, "resourceResourceShareRead (permission_arns: ListResourceSharePermissions)"},
	{TypeResourceShare, "update", "ram:UpdateResourceShare", idArn, nil, "resourceResourceShareUpdate (UpdateResourceShare)"},
	{TypeResourceShare, "delete", "ram:DeleteResourceShare", idArn, nil, "resourceResourceShareDelete (DeleteResourceShare)"},
	{TypeResourceShare, "delete", "ram:GetResourceShares", anyArn, nil, "resourceResourceShareDelete (waitResourceShareOwnedBySelfDeleted)"},
	{TypeResourceAssociation, "create", "ram:GetResourceShareAssociations", anyArn, nil, "resourceResourceAssociationCreate (findResourceAssociationByTwoPartKey: not associated yet)"},
	{TypeResourceAssociation, "create", "ram:AssociateResourceShare", shareOf, nil, "resourceResourceAssociationCreate (AssociateResourceShare)"},
	{TypeResourceAssociation, "create", "apigateway:UpdateDomainNameManagementPolicy", arnf("{resourceArn}"), sharesDomain, "AssociateResourceShare: RAM writes the domain's management policy as the caller"},
	{TypeResourceAssociation, "read", "ram:GetResourceShareAssociations", anyArn, nil, "resourceResourceAssociationRead (GetResourceShareAssociations)"},
	{TypeResourceAssociation, "delete", "ram:DisassociateResourceShare", shareOf, nil, "resourceResourceAssociationDelete (DisassociateResourceShare)"},
	{TypeResourceAssociation, "delete", "ram:GetResourceShareAssociations", anyArn, nil, "resourceResourceAssociationDelete (waitResourceAssociationDeleted)"},
	{TypePrincipalAssociation, "create", "ram:GetResourceShareAssociations", anyArn, nil, "resourcePrincipalAssociationCreate (findPrincipalAssociationByTwoPartKey: not associated yet)"},
	{TypePrincipalAssociation, "create", "ram:AssociateResourceShare", shareOf, nil, "resourcePrincipalAssociationCreate (AssociateResourceShare)"},
	{TypePrincipalAssociation, "read", "ram:GetResourceShareAssociations", anyArn, nil, "resourcePrincipalAssociationRead (GetResourceShareAssociations)"},
	{TypePrincipalAssociation, "delete", "ram:DisassociateResourceShare", shareOf, nil, "resourcePrincipalAssociationDelete (DisassociateResourceShare)"},
	{TypePrincipalAssociation, "delete", "ram:GetResourceShareAssociations", anyArn, nil, "resourcePrincipalAssociationDelete (waitPrincipalAssociationDeleted)"},
	{TypeShareAccepter, "create", "ram:GetResourceShareInvitations", anyArn, nil, "resourceResourceShareAccepterCreate (findResourceShareInvitationByResourceShareARN, then waitResourceShareInvitationAccepted)"},
	{TypeShareAccepter, "create", "ram:AcceptResourceShareInvitation", invitationArn, nil, "resourceResourceShareAccepterCreate (AcceptResourceShareInvitation)"},
	{TypeShareAccepter, "read", "ram:GetResourceShareInvitations", anyArn, nil, "resourceResourceShareAccepterRead (the accepted invitation: invitation_arn, receiver_account_id)"},
	{TypeShareAccepter, "read", "ram:GetResourceShares", anyArn, nil, "resourceResourceShareAccepterRead (findResourceShareOwnerOtherAccountsByARN: GetResourceShares)"},
	{TypeShareAccepter, "read", "ram:ListResources", anyArn, nil, "resourceResourceShareAccepterRead (resources: ListResources)"},
	{TypeShareAccepter, "delete", "ram:DisassociateResourceShare", arnf("{shareArn}"), nil, "resourceResourceShareAccepterDelete (DisassociateResourceShare: the receiver leaves)"},
	{TypeShareAccepter, "delete", "ram:GetResourceShares", anyArn, nil, "resourceResourceShareAccepterDelete (waitResourceShareOwnedBySelfDisassociated)"},

	// Route 53 (internal/service/route53/zone.go, record.go): a private zone
	// is created with its VPC, which IAM also checks as ec2:DescribeVpcs
	// and route53:AssociateVPCWithHostedZone ("Actions, resources, and
	// condition keys for Amazon Route 53"); reading a private zone lists its
	// NS record for name_servers. A record's every operation first reads
	// its zone (findHostedZoneByID, for the zone's name), and waits for the
	// change with GetChange (on arn:aws:route53:::change/<id>). The
	// condition keys of CreateHostedZone and ChangeResourceRecordSets are in
	// requestContext.
	{TypeZone, "create", "route53:CreateHostedZone", anyArn, nil, "resourceZoneCreate (CreateHostedZone)"},
	{TypeZone, "create", "ec2:DescribeVpcs", ec2Any, nil, "CreateHostedZone with a VPC"},
	{TypeZone, "create", "route53:AssociateVPCWithHostedZone", zoneArn, nil, "CreateHostedZone with a VPC"},
	{TypeZone, "create", "route53:GetChange", changeArn, nil, "resourceZoneCreate (waitChangeInsync)"},
	{TypeZone, "create", "route53:ChangeTagsForResource", zoneArn, tagged, "resourceZoneCreate (tags)"},
	{TypeZone, "read", "route53:GetHostedZone", zoneArn, nil, "resourceZoneRead (GetHostedZone)"},
	{TypeZone, "read", "route53:ListResourceRecordSets", zoneArn, has("vpcs"), "resourceZoneRead (a private zone's name_servers: its NS record)"},
	{TypeZone, "read", "route53:ListTagsForResource", zoneArn, nil, "resourceZoneRead (tags)"},
	{TypeZone, "update", "route53:UpdateHostedZoneComment", zoneArn, nil, "resourceZoneUpdate (comment)"},
	{TypeZone, "update", "route53:AssociateVPCWithHostedZone", zoneArn, nil, "resourceZoneUpdate (vpc)"},
	{TypeZone, "update", "route53:DisassociateVPCFromHostedZone", zoneArn, nil, "resourceZoneUpdate (vpc)"},
	{TypeZone, "delete", "route53:DeleteHostedZone", zoneArn, nil, "resourceZoneDelete (DeleteHostedZone)"},
	// The hub's zone across accounts (route53/vpc_association_authorization.go,
	// zone_association.go): the zone's account authorizes, lists on read
	// and deletes; the VPC's account associates (IAM also checks
	// ec2:DescribeVpcs, "Actions, resources, and condition keys for Amazon
	// Route 53"), waits for the change (a cross-account AccessDenied on
	// GetChange is ignored: resourceZoneAssociationRefreshFunc), reads with
	// ListHostedZonesByVPC (no resource type) and disassociates on delete.
	{TypeVpcAssociationAuthorization, "create", "route53:CreateVPCAssociationAuthorization", recordZoneArn, nil, "resourceVPCAssociationAuthorizationCreate"},
	{TypeVpcAssociationAuthorization, "read", "route53:ListVPCAssociationAuthorizations", recordZoneArn, nil, "resourceVPCAssociationAuthorizationRead"},
	{TypeVpcAssociationAuthorization, "delete", "route53:DeleteVPCAssociationAuthorization", recordZoneArn, nil, "resourceVPCAssociationAuthorizationDelete"},
	{TypeZoneAssociation, "create", "route53:AssociateVPCWithHostedZone", recordZoneArn, nil, "resourceZoneAssociationCreate (AssociateVPCWithHostedZone)"},
	{TypeZoneAssociation, "create", "ec2:DescribeVpcs", ec2Any, nil, "AssociateVPCWithHostedZone (dependent action)"},
	{TypeZoneAssociation, "create", "route53:GetChange", changeArn, nil, "resourceZoneAssociationCreate (wait; AccessDenied ignored)"},
	{TypeZoneAssociation, "read", "route53:ListHostedZonesByVPC", anyArn, nil, "resourceZoneAssociationRead (GetZoneAssociation)"},
	{TypeZoneAssociation, "delete", "route53:DisassociateVPCFromHostedZone", recordZoneArn, nil, "resourceZoneAssociationDelete"},
	{TypeZoneAssociation, "delete", "ec2:DescribeVpcs", ec2Any, nil, "DisassociateVPCFromHostedZone (dependent action)"},
	{TypeRecord, "create", "route53:GetHostedZone", recordZoneArn, nil, "resourceRecordCreate (findHostedZoneByID)"},
	{TypeRecord, "create", "route53:ChangeResourceRecordSets", recordZoneArn, nil, "resourceRecordCreate (ChangeResourceRecordSets CREATE)"},
	{TypeRecord, "create", "route53:GetChange", changeArn, nil, "resourceRecordCreate (waitChangeInsync)"},
	{TypeRecord, "read", "route53:GetHostedZone", recordZoneArn, nil, "resourceRecordRead (findResourceRecordSetByFourPartKey: findHostedZoneByID)"},
	{TypeRecord, "read", "route53:ListResourceRecordSets", recordZoneArn, nil, "resourceRecordRead (findResourceRecordSetByFourPartKey)"},
	{TypeRecord, "update", "route53:GetHostedZone", recordZoneArn, nil, "resourceRecordUpdate (findHostedZoneByID)"},
	{TypeRecord, "update", "route53:ChangeResourceRecordSets", recordZoneArn, nil, "resourceRecordUpdate (UPSERT)"},
	{TypeRecord, "update", "route53:GetChange", changeArn, nil, "resourceRecordUpdate (waitChangeInsync)"},
	{TypeRecord, "delete", "route53:GetHostedZone", recordZoneArn, nil, "resourceRecordDelete (findResourceRecordSetByFourPartKey: findHostedZoneByID)"},
	{TypeRecord, "delete", "route53:ListResourceRecordSets", recordZoneArn, nil, "resourceRecordDelete (findResourceRecordSetByFourPartKey)"},
	{TypeRecord, "delete", "route53:ChangeResourceRecordSets", recordZoneArn, nil, "resourceRecordDelete (DELETE)"},
	{TypeRecord, "delete", "route53:GetChange", changeArn, nil, "resourceRecordDelete (waitChangeInsync)"},
	// health_check.go: CreateHealthCheck (the Service Authorization Reference
	// gives it no resource type), then its tags with ChangeTagsForResource
	// (createTags), and the read with GetHealthCheck; tags are read with
	// ListTagsForResource (transparent tagging, resourceType healthcheck).
	{TypeHealthCheck, "create", "route53:CreateHealthCheck", anyArn, nil, "resourceHealthCheckCreate (CreateHealthCheck)"},
	{TypeHealthCheck, "create", "route53:ChangeTagsForResource", healthCheckArn, tagged, "resourceHealthCheckCreate (createTags)"},
	{TypeHealthCheck, "read", "route53:GetHealthCheck", healthCheckArn, nil, "resourceHealthCheckRead (findHealthCheckByID)"},
	{TypeHealthCheck, "read", "route53:ListTagsForResource", healthCheckArn, nil, "transparent tagging: listTags (healthcheck)"},
	{TypeHealthCheck, "update", "route53:UpdateHealthCheck", healthCheckArn, nil, "resourceHealthCheckUpdate (UpdateHealthCheck)"},
	{TypeHealthCheck, "update", "route53:ChangeTagsForResource", healthCheckArn, tagged, "transparent tagging: updateTags (healthcheck)"},
	{TypeHealthCheck, "delete", "route53:DeleteHealthCheck", healthCheckArn, nil, "resourceHealthCheckDelete (DeleteHealthCheck)"},

	// Route 53 Profiles (internal/service/route53profiles: profile.go,
	// resource_association.go, association.go; framework resources whose
	// create waits with the read's Get until COMPLETE and whose delete waits
	// until it is gone). The Profile and the VPC association are tagged
	// transparently (@Tags on their ARN): tags go in the create request,
	// the read lists them, an update tags. "Actions, resources, and
	// condition keys for Amazon Route 53 Profiles" gives resource types to
	// TagResource and UntagResource only: every other call is on "*".
	{TypeProfile, "create", "route53profiles:CreateProfile", anyArn, nil, "profileResource.Create (CreateProfile, its tags in the request)"},
	{TypeProfile, "create", "route53profiles:GetProfile", anyArn, nil, "profileResource.Create (waitProfileCreated: findProfileByID)"},
	{TypeProfile, "read", "route53profiles:GetProfile", anyArn, nil, "profileResource.Read (findProfileByID)"},
	{TypeProfile, "read", "route53profiles:ListTagsForResource", anyArn, nil, "transparent tagging: listTags on the arn"},
	{TypeProfile, "update", "route53profiles:TagResource", arnf("arn:aws:route53profiles:{region}:{account}:profile/{id}"), tagged, "transparent tagging: updateTags (WithNoOpUpdate otherwise)"},
	{TypeProfile, "delete", "route53profiles:DeleteProfile", anyArn, nil, "profileResource.Delete (DeleteProfile)"},
	{TypeProfile, "delete", "route53profiles:GetProfile", anyArn, nil, "profileResource.Delete (waitProfileDeleted)"},
	{TypeProfileResourceAssociation, "create", "route53profiles:AssociateResourceToProfile", anyArn, nil, "resourceResourceAssociation.Create (AssociateResourceToProfile)"},
	{TypeProfileResourceAssociation, "create", "route53profiles:GetProfileResourceAssociation", anyArn, nil, "resourceResourceAssociation.Create (waitResourceAssociationCreated)"},
	{TypeProfileResourceAssociation, "read", "route53profiles:GetProfileResourceAssociation", anyArn, nil, "resourceResourceAssociation.Read (findResourceAssociationByID)"},
	{TypeProfileResourceAssociation, "delete", "route53profiles:DisassociateResourceFromProfile", anyArn, nil, "resourceResourceAssociation.Delete (DisassociateResourceFromProfile)"},
	{TypeProfileResourceAssociation, "delete", "route53profiles:GetProfileResourceAssociation", anyArn, nil, "resourceResourceAssociation.Delete (waitResourceAssociationDeleted)"},
	{TypeProfileAssociation, "create", "route53profiles:AssociateProfile", anyArn, nil, "resourceAssociation.Create (AssociateProfile, its tags in the request)"},
	{TypeProfileAssociation, "create", "route53profiles:GetProfileAssociation", anyArn, nil, "resourceAssociation.Create (waitAssociationCreated)"},
	{TypeProfileAssociation, "read", "route53profiles:GetProfileAssociation", anyArn, nil, "resourceAssociation.Read (findAssociationByID)"},
	{TypeProfileAssociation, "read", "route53profiles:ListTagsForResource", anyArn, nil, "transparent tagging: listTags on the arn"},
	{TypeProfileAssociation, "update", "route53profiles:TagResource", arnf("arn:aws:route53profiles:{region}:{account}:profile-association/{id}"), tagged, "transparent tagging: updateTags"},
	{TypeProfileAssociation, "delete", "route53profiles:DisassociateProfile", anyArn, nil, "resourceAssociation.Delete (DisassociateProfile)"},
	{TypeProfileAssociation, "delete", "route53profiles:GetProfileAssociation", anyArn, nil, "resourceAssociation.Delete (waitAssociationDeleted)"},

	// IAM role (internal/service/iam/role.go). Tags on create need
	// iam:TagRole; managed_policy_arns are attached one by one.
	{TypeRole, "create", "iam:CreateRole", roleArn, nil, "resourceRoleCreate (CreateRole)"},
	{TypeRole, "create", "iam:TagRole", roleArn, tagged, "resourceRoleCreate (CreateRole with tags)"},
	{TypeRole, "create", "iam:AttachRolePolicy", roleArn, has("managedPolicyArns"), "resourceRoleCreate (addRoleManagedPolicies)"},
	{TypeRole, "create", "iam:PutRolePolicy", roleArn, has("inlinePolicies"), "resourceRoleCreate (addRoleInlinePolicies)"},
	{TypeRole, "read", "iam:GetRole", roleArn, nil, "resourceRoleRead (GetRole)"},
	{TypeRole, "read", "iam:ListRolePolicies", roleArn, nil, "resourceRoleRead (inline_policy)"},
	{TypeRole, "read", "iam:ListAttachedRolePolicies", roleArn, nil, "resourceRoleRead (managed_policy_arns)"},
	{TypeRole, "read", "iam:GetRolePolicy", roleArn, has("inlinePolicies"), "resourceRoleRead (readRoleInlinePolicies)"},
	{TypeRole, "update", "iam:PutRolePermissionsBoundary", roleArn, has("permissionsBoundary"), "resourceRoleUpdate (permissions_boundary, before the policies)"},
	{TypeRole, "update", "iam:AttachRolePolicy", roleArn, has("managedPolicyArns"), "resourceRoleUpdate (managed_policy_arns)"},
	{TypeRole, "update", "iam:DetachRolePolicy", roleArn, has("managedPolicyArns"), "resourceRoleUpdate (managed_policy_arns)"},
	{TypeRole, "delete", "iam:ListInstanceProfilesForRole", roleArn, nil, "DeleteRole (deleteRoleInstanceProfiles)"},
	{TypeRole, "delete", "iam:ListRolePolicies", roleArn, nil, "DeleteRole (deleteRolePolicies)"},
	{TypeRole, "delete", "iam:DeleteRolePolicy", roleArn, has("inlinePolicies"), "DeleteRole (deleteRolePolicies)"},
	{TypeRole, "delete", "iam:ListAttachedRolePolicies", roleArn, nil, "DeleteRole (deleteRolePolicyAttachments)"},
	{TypeRole, "delete", "iam:DetachRolePolicy", roleArn, has("managedPolicyArns"), "DeleteRole (deleteRolePolicyAttachments)"},
	{TypeRole, "delete", "iam:DeleteRole", roleArn, nil, "resourceRoleDelete (DeleteRole)"},

	// EC2 (internal/service/ec2). Tags on create are TagSpecifications,
	// which IAM checks as ec2:CreateTags.
	{TypeVpc, "create", "ec2:CreateVpc", vpcsArn, nil, "resourceVPCCreate (CreateVpc)"},
	{TypeVpc, "create", "ec2:CreateTags", vpcsArn, tagged, "resourceVPCCreate (TagSpecifications)"},
	{TypeVpc, "create", "ec2:ModifyVpcAttribute", vpcArn, has("enableDnsHostnames"), "resourceVPCCreate (modifyVPCDNSHostnames)"},
	{TypeVpc, "read", "ec2:DescribeVpcs", ec2Any, nil, "resourceVPCRead (FindVPCByID)"},
	{TypeVpc, "read", "ec2:DescribeVpcAttribute", ec2Any, nil, "resourceVPCRead (enableDnsHostnames, enableDnsSupport, enableNetworkAddressUsageMetrics)"},
	{TypeVpc, "read", "ec2:DescribeRouteTables", ec2Any, nil, "resourceVPCRead (main_route_table_id)"},
	{TypeVpc, "read", "ec2:DescribeSecurityGroups", ec2Any, nil, "resourceVPCRead (default_security_group_id)"},
	{TypeVpc, "read", "ec2:DescribeNetworkAcls", ec2Any, nil, "resourceVPCRead (default_network_acl_id)"},
	{TypeVpc, "update", "ec2:ModifyVpcAttribute", vpcArn, nil, "resourceVPCUpdate (ModifyVpcAttribute)"},
	{TypeVpc, "delete", "ec2:DeleteVpc", vpcArn, nil, "resourceVPCDelete (DeleteVpc)"},
	{TypeSubnet, "create", "ec2:CreateSubnet", subnetArn, nil, "resourceSubnetCreate (CreateSubnet)"},
	{TypeSubnet, "create", "ec2:CreateTags", subnetArn, tagged, "resourceSubnetCreate (TagSpecifications)"},
	{TypeSubnet, "read", "ec2:DescribeSubnets", ec2Any, nil, "resourceSubnetRead (FindSubnetByID)"},
	{TypeSubnet, "delete", "ec2:DescribeNetworkInterfaces", ec2Any, nil, "resourceSubnetDelete (deleteLingeringLambdaENIs subnet-id)"},
	{TypeSubnet, "delete", "ec2:DeleteSubnet", subnetArn, nil, "resourceSubnetDelete (DeleteSubnet)"},
	{TypeSecurityGroup, "create", "ec2:CreateSecurityGroup", groupArn, nil, "resourceSecurityGroupCreate (CreateSecurityGroup)"},
	{TypeSecurityGroup, "create", "ec2:CreateTags", groupArn, tagged, "resourceSecurityGroupCreate (TagSpecifications)"},
	{TypeSecurityGroup, "create", "ec2:RevokeSecurityGroupEgress", groupArn, nil, "resourceSecurityGroupCreate (revokes the default egress rule)"},
	{TypeSecurityGroup, "create", "ec2:AuthorizeSecurityGroupIngress", groupArn, has("ingress"), "resourceSecurityGroupUpdateRules (ingress)"},
	{TypeSecurityGroup, "create", "ec2:AuthorizeSecurityGroupEgress", groupArn, has("egress"), "resourceSecurityGroupUpdateRules (egress)"},
	{TypeSecurityGroup, "read", "ec2:DescribeSecurityGroups", ec2Any, nil, "resourceSecurityGroupRead (FindSecurityGroupByID)"},
	{TypeSecurityGroup, "update", "ec2:AuthorizeSecurityGroupIngress", groupArn, nil, "resourceSecurityGroupUpdateRules (ingress)"},
	{TypeSecurityGroup, "update", "ec2:RevokeSecurityGroupIngress", groupArn, nil, "resourceSecurityGroupUpdateRules (ingress)"},
	{TypeSecurityGroup, "update", "ec2:AuthorizeSecurityGroupEgress", groupArn, nil, "resourceSecurityGroupUpdateRules (egress)"},
	{TypeSecurityGroup, "update", "ec2:RevokeSecurityGroupEgress", groupArn, nil, "resourceSecurityGroupUpdateRules (egress)"},
	{TypeSecurityGroup, "delete", "ec2:DescribeNetworkInterfaces", ec2Any, nil, "resourceSecurityGroupDelete (deleteLingeringLambdaENIs group-id)"},
	{TypeSecurityGroup, "delete", "ec2:DeleteSecurityGroup", groupArn, nil, "resourceSecurityGroupDelete (DeleteSecurityGroup)"},
	// vpc_endpoint.go: private DNS associates the VPC with the service's
	// private hosted zone (route53:AssociateVPCWithHostedZone, PrivateLink
	// guide "Identity and access management").
	{TypeVpcEndpoint, "create", "ec2:CreateVpcEndpoint", endpointArn, nil, "resourceVPCEndpointCreate (CreateVpcEndpoint)"},
	{TypeVpcEndpoint, "create", "ec2:CreateTags", endpointArn, tagged, "resourceVPCEndpointCreate (TagSpecifications)"},
	{TypeVpcEndpoint, "create", "route53:AssociateVPCWithHostedZone", anyResource, has("privateDnsEnabled"), "CreateVpcEndpoint with PrivateDnsEnabled"},
	{TypeVpcEndpoint, "read", "ec2:DescribeVpcEndpoints", ec2Any, nil, "resourceVPCEndpointRead (FindVPCEndpointByID)"},
	{TypeVpcEndpoint, "read", "ec2:DescribePrefixLists", ec2Any, nil, "resourceVPCEndpointRead (FindPrefixListByName, for prefix_list_id)"},
	{TypeVpcEndpoint, "update", "ec2:ModifyVpcEndpoint", endpointArn, nil, "resourceVPCEndpointUpdate (ModifyVpcEndpoint)"},
	{TypeVpcEndpoint, "update", "route53:AssociateVPCWithHostedZone", anyResource, has("privateDnsEnabled"), "ModifyVpcEndpoint with PrivateDnsEnabled"},
	{TypeVpcEndpoint, "delete", "ec2:DeleteVpcEndpoints", endpointArn, nil, "resourceVPCEndpointDelete (DeleteVpcEndpoints)"},
	// vpc_endpoint_policy.go
	{TypeVpcEndpointPolicy, "create", "ec2:ModifyVpcEndpoint", endpointArn, nil, "resourceVPCEndpointPolicyPut (ModifyVpcEndpoint)"},
	{TypeVpcEndpointPolicy, "read", "ec2:DescribeVpcEndpoints", ec2Any, nil, "resourceVPCEndpointPolicyRead (FindVPCEndpointByID)"},
	{TypeVpcEndpointPolicy, "update", "ec2:ModifyVpcEndpoint", endpointArn, nil, "resourceVPCEndpointPolicyPut (ModifyVpcEndpoint)"},
	{TypeVpcEndpointPolicy, "delete", "ec2:ModifyVpcEndpoint", endpointArn, nil, "resourceVPCEndpointPolicyDelete (ResetPolicy)"},

	// Data sources.
	{InvokeAvailabilityZones, "invoke", "ec2:DescribeAvailabilityZones", ec2Any, nil, "dataSourceAvailabilityZonesRead (DescribeAvailabilityZones)"},
	{InvokeEndpointService, "invoke", "ec2:DescribeVpcEndpointServices", ec2Any, nil, "dataSourceVPCEndpointServiceRead (DescribeVpcEndpointServices)"},
	{InvokeGetVpc, "invoke", "ec2:DescribeVpcs", ec2Any, nil, "dataSourceVPCRead (FindVPC)"},
	{InvokeGetVpc, "invoke", "ec2:DescribeVpcAttribute", ec2Any, nil, "dataSourceVPCRead (enable_dns_*)"},
	// An adoption's reads (the components' readAdoptedApi). Cloud Control runs
	// the type's read handler with the caller's credentials: the
	// AWS::ApiGateway::RestApi schema's handlers.read permissions are
	// apigateway:GET; Cloud Control API defines no resource types.
	{InvokeCloudControlResource, "invoke", "cloudformation:GetResource", anyArn, nil, "dataSourceResourceRead (GetResource)"},
	{InvokeCloudControlResource, "invoke", "apigateway:GET", ccRestApiArn, ccType("AWS::ApiGateway::RestApi"), "GetResource of AWS::ApiGateway::RestApi (its read handler: GetRestApi)"},
	// The preflight's read of the account's CloudWatch Logs role: the
	// AWS::ApiGateway::Account schema's read permissions are apigateway:GET
	// (aws-apigateway-account.json), GetAccount on /account.
	{InvokeCloudControlResource, "invoke", "apigateway:GET", accountArn, ccType(CloudControlAccountType), "GetResource of AWS::ApiGateway::Account (its read handler: GetAccount)"},
	// The preflight's look for a private-DNS execute-api endpoint in an
	// existing VPC. The provider lists the prefix list of the service only
	// for an endpoint it found; the fake asks for both on every read.
	{InvokeGetVpcEndpoint, "invoke", "ec2:DescribeVpcEndpoints", ec2Any, nil, "dataSourceVPCEndpointRead (FindVPCEndpoint)"},
	{InvokeGetVpcEndpoint, "invoke", "ec2:DescribePrefixLists", ec2Any, nil, "dataSourceVPCEndpointRead (FindPrefixListByName)"},
	// The preflight reads the found endpoint's security group, to tell the
	// stack's own endpoint by its group's name.
	{InvokeGetSecurityGroup, "invoke", "ec2:DescribeSecurityGroups", ec2Any, nil, "dataSourceSecurityGroupRead (FindSecurityGroup)"},
	// The hub's routes: a route to a network interface also makes the
	// read call DescribeNetworkInterfaces, whose refusal it ignores (no row).
	{InvokeGetRouteTables, "invoke", "ec2:DescribeRouteTables", ec2Any, nil, "dataSourceRouteTablesRead (FindRouteTables)"},
	{InvokeGetRouteTable, "invoke", "ec2:DescribeRouteTables", ec2Any, nil, "dataSourceRouteTableRead (DescribeRouteTables)"},
	{InvokeGetSubnets, "invoke", "ec2:DescribeSubnets", ec2Any, nil, "dataSourceSubnetsRead (FindSubnets)"},
	{InvokeGetSubnet, "invoke", "ec2:DescribeSubnets", ec2Any, nil, "dataSourceSubnetRead (FindSubnet)"},
	{InvokeGetAuthorizers, "invoke", "apigateway:GET", authorizersOf, nil, "dataSourceAuthorizersRead (GetAuthorizers)"},
	{InvokeGetAuthorizer, "invoke", "apigateway:GET", authorizerArn, nil, "dataSourceAuthorizerRead (GetAuthorizer)"},
	// getRegion and getCallerIdentity: sts:GetCallerIdentity needs no
	// permission ("No permissions are required", STS API reference);
	// aws_region reads the provider's own configuration.
}

// lingeringEniCalls are made once per network interface a deleted VPC
// function left in a subnet or group that is being deleted
// (deleteLingeringLambdaENIs in internal/service/ec2/vpc_network_interface.go:
// detach when attached, then delete; hashicorp/terraform-provider-aws #3099,
// #4884; pulumi/pulumi-aws #4382).
var lingeringEniCalls = []Call{
	{"", "delete", "ec2:DetachNetworkInterface", eniArn, nil, "deleteLingeringLambdaENIs (DetachNetworkInterface)"},
	{"", "delete", "ec2:DeleteNetworkInterface", eniArn, nil, "deleteLingeringLambdaENIs (DeleteNetworkInterface)"},
}

// authorizeCalls checks every call of the type's op (and, for create and
// update, the read that follows) against the session's policy.
func (p *Provider) authorizeCalls(c *Cloud, typ, op, id string, in props) error {
	x := callCtx{Scope: p.scope, Id: id, In: in}
	ops := []string{op}
	if op == "create" || op == "update" {
		ops = append(ops, "read")
	}
	var calls []Call
	for _, o := range ops {
		for _, call := range Calls {
			if call.Type == typ && call.Op == o && (call.When == nil || call.When(x)) {
				calls = append(calls, call)
			}
		}
	}
	return p.authorizeList(c, calls, id, in)
}

// perPolicy are the role calls IAM authorizes once per managed policy, each
// with its iam:PolicyARN (AttachRolePolicy and DetachRolePolicy take one
// PolicyArn; the provider calls them for each of managed_policy_arns).
var perPolicy = []string{"iam:AttachRolePolicy", "iam:DetachRolePolicy"}

// authorizeList checks a fixed list of calls.
func (p *Provider) authorizeList(c *Cloud, calls []Call, id string, in props) error {
	x := callCtx{Scope: p.scope, Id: id, In: in}
	for _, call := range calls {
		keys := withShareName(c, call, x, requestContext(call, x))
		if call.Type == TypeRole && slices.Contains(perPolicy, call.Action) {
			for _, arn := range in.strs("managedPolicyArns") {
				withArn := map[string][]string{"iam:policyarn": {arn}}
				for k, v := range keys {
					withArn[k] = v
				}
				if err := p.authorize(c, call.Action, call.Resource(x), withArn); err != nil {
					return fmt.Errorf("%s: %w", call.Source, err)
				}
			}
			continue
		}
		if err := p.authorize(c, call.Action, call.Resource(x), keys); err != nil {
			return fmt.Errorf("%s: %w", call.Source, err)
		}
	}
	return nil
}
