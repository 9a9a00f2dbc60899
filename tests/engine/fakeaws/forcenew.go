package fakeaws

// forceNew lists, per resource type, the properties whose change replaces the
// resource instead of updating it, as pulumi-aws 6.83.4 (the Terraform AWS
// provider schema it bridges, "ForceNew") declares them: see each resource's
// page of the pulumi-aws docs ("Changes to this property will trigger
// replacement") and the Terraform aws_* resource docs.
var forceNew = map[string][]string{
	TypeRestApi:       {},
	TypeRestApiPolicy: {"restApiId"},
	// aws_api_gateway_deployment: rest_api_id, triggers, stage_name,
	// stage_description and variables force a new deployment.
	TypeDeployment: {"restApi", "triggers", "stageName", "stageDescription", "variables"},
	TypeStage:      {"restApi", "stageName"},
	TypeVpc:        {"cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"},
	TypeSubnet:     {"vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "outpostArn"},
	// aws_security_group: name, name_prefix, description and vpc_id.
	TypeSecurityGroup: {"name", "namePrefix", "description", "vpcId"},
	// aws_vpc_endpoint: vpc_id, service_name, vpc_endpoint_type, service_region.
	TypeVpcEndpoint:    {"vpcId", "serviceName", "vpcEndpointType", "serviceRegion"},
	TypeLogGroup:       {"name", "namePrefix", "logGroupClass"},
	TypeMethodSettings: {"restApi", "stageName", "methodPath"},
	TypeVpcLink:        {"targetArn"}, // target_arns ForceNew (internal/service/apigateway/vpc_link.go)
	// aws_cloudwatch_log_metric_filter: name and log_group_name;
	// aws_cloudwatch_metric_alarm: alarm_name; aws_cloudwatch_dashboard:
	// dashboard_name.
	TypeLogMetricFilter: {"name", "logGroupName"},
	TypeMetricAlarm:     {"name"},
	TypeDashboard:       {"dashboardName"},
	// aws_api_gateway_domain_name: domain_name, endpoint type and the
	// certificate's upload fields; aws_api_gateway_base_path_mapping:
	// domain_name and domain_name_id; aws_api_gateway_domain_name_access_association:
	// every argument but tags; aws_ram_*: the associations' arguments and
	// the accepter's share_arn; aws_route53_zone: name; aws_route53_record:
	// name, type, zone_id and set_identifier.
	TypeDomainName:           {"domainName", "endpointConfiguration"},
	TypeBasePathMapping:      {"domainName", "domainNameId"},
	TypeDomainAssociation:    {"accessAssociationSource", "accessAssociationSourceType", "domainNameArn"},
	TypeResourceShare:        {},
	TypeResourceAssociation:  {"resourceArn", "resourceShareArn"},
	TypePrincipalAssociation: {"principal", "resourceShareArn"},
	TypeShareAccepter:        {"shareArn"},
	TypeZone:                 {"name", "delegationSetId"},
	// aws_route53_vpc_association_authorization, aws_route53_zone_association:
	// every argument (neither has an update).
	TypeVpcAssociationAuthorization: {"zoneId", "vpcId", "vpcRegion"},
	TypeZoneAssociation:             {"zoneId", "vpcId", "vpcRegion"},
	TypeRecord:                      {"name", "type", "zoneId", "setIdentifier"},
	// aws_route53_health_check: type, reference_name, measure_latency,
	// request_interval and routing_control_arn (internal/service/route53/health_check.go).
	TypeHealthCheck: {"type", "referenceName", "measureLatency", "requestInterval", "routingControlArn"},
	// aws_route53profiles_profile: name; aws_route53profiles_association:
	// name, profile_id, resource_id; aws_route53profiles_resource_association:
	// name, profile_id, resource_arn (RequiresReplace,
	// internal/service/route53profiles).
	TypeProfile:                    {"name"},
	TypeProfileAssociation:         {"name", "profileId", "resourceId"},
	TypeProfileResourceAssociation: {"name", "profileId", "resourceArn"},
	TypeApiGatewayAccount:          {},
	TypeRole:                       {"name", "namePrefix", "path"},
	// aws_vpc_endpoint_policy: vpc_endpoint_id.
	TypeVpcEndpointPolicy: {"vpcEndpointId"},
	// aws_lambda_permission: every argument.
	TypePermission: {"action", "function", "principal", "sourceArn", "sourceAccount", "statementId",
		"statementIdPrefix", "qualifier", "eventSourceToken", "functionUrlAuthType", "principalOrgId"},
	// aws_lambda_function: function_name and package_type.
	TypeFunction: {"name", "packageType"},
	// aws_lambda_invocation: function_name, qualifier and triggers, and input
	// with the default lifecycle_scope CREATE_ONLY (customizeDiff).
	TypeInvocation: {"functionName", "qualifier", "triggers", "input"},
}
