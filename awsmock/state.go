package awsmock

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/xaccount/xaccount-api/internal/awspartition"
)

// fixedTimestamp keeps created dates in plans stable.
const fixedTimestamp = "2026-01-01T00:00:00Z"

// awsState returns the ID and the state (inputs plus AWS-computed outputs)
// AWS would report for a new resource of type typ, or for the existing one
// importId names (the import option: the resource keeps that ID).
func awsState(typ, urn, importId string, inputs resource.PropertyMap, pins providerInfo) (string, resource.PropertyMap) {
	state := inputs.Copy()
	set := func(k string, v any) { state[resource.PropertyKey(k)] = resource.NewPropertyValue(v) }
	region, account := pins.region, pins.account
	part := awspartition.Of(region)
	var id string
	switch typ {
	case ProviderType:
		id = digest(urn, 8) + "-" + digest(urn+"/1", 4) + "-" + digest(urn+"/2", 4) + "-" + digest(urn+"/3", 4) + "-" + digest(urn+"/4", 12)
	case "aws:ec2/vpc:Vpc":
		id = "vpc-" + digest(urn, 17)
		set("arn", fmt.Sprintf("arn:%s:ec2:%s:%s:vpc/%s", part, region, account, id))
		set("ownerId", account)
		set("defaultSecurityGroupId", "sg-"+digest(urn+"/sg", 17))
		set("mainRouteTableId", "rtb-"+digest(urn+"/rtb", 17))
	case "aws:ec2/subnet:Subnet":
		id = "subnet-" + digest(urn, 17)
		set("arn", fmt.Sprintf("arn:%s:ec2:%s:%s:subnet/%s", part, region, account, id))
		set("ownerId", account)
	case "aws:ec2/securityGroup:SecurityGroup":
		id = "sg-" + digest(urn, 17)
		set("arn", fmt.Sprintf("arn:%s:ec2:%s:%s:security-group/%s", part, region, account, id))
		set("ownerId", account)
		set("name", "terraform-"+digest(urn+"/name", 26))
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		id = "vpce-" + digest(urn, 17)
		set("arn", fmt.Sprintf("arn:%s:ec2:%s:%s:vpc-endpoint/%s", part, region, account, id))
		set("ownerId", account)
		set("state", "available")
		set("dnsEntries", endpointDnsEntries(id, urn, region, inputs))
		var enis []any
		for i := range subnetCount(inputs) {
			enis = append(enis, "eni-"+digest(fmt.Sprintf("%s/eni/%d", urn, i), 17))
		}
		set("networkInterfaceIds", enis)
	case "aws:apigateway/restApi:RestApi":
		id = alnum(urn, 10)
		if importId != "" {
			id = importId
		}
		set("rootResourceId", alnum(urn+"/root", 10))
		set("executionArn", fmt.Sprintf("arn:%s:execute-api:%s:%s:%s", part, region, account, id))
		set("arn", fmt.Sprintf("arn:%s:apigateway:%s::/restapis/%s", part, region, id))
		set("createdDate", fixedTimestamp)
	case "aws:apigateway/restApiPolicy:RestApiPolicy":
		id = str(inputs, "restApiId")
	case "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy":
		id = str(inputs, "vpcEndpointId")
	case "aws:cloudwatch/logGroup:LogGroup":
		id = str(inputs, "name")
		set("arn", fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", part, region, account, id))
	case "aws:iam/role:Role":
		id = "xaccount-" + digest(urn, 8)
		set("arn", fmt.Sprintf("arn:%s:iam::%s:role/%s", part, account, id))
		set("name", id)
	case "aws:apigateway/account:Account":
		id = "api-gateway-account"
	case "aws:apigateway/methodSettings:MethodSettings":
		id = fmt.Sprintf("%s-%s-%s", str(inputs, "restApi"), str(inputs, "stageName"), str(inputs, "methodPath"))
	case "aws:apigateway/deployment:Deployment":
		id = alnum(urn, 6)
		set("createdDate", fixedTimestamp)
	case "aws:apigateway/stage:Stage":
		api, stage := str(inputs, "restApi"), str(inputs, "stageName")
		id = fmt.Sprintf("ags-%s-%s", api, stage)
		set("invokeUrl", fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/%s", api, region, stage))
		set("executionArn", fmt.Sprintf("arn:%s:execute-api:%s:%s:%s/%s", part, region, account, api, stage))
		set("arn", fmt.Sprintf("arn:%s:apigateway:%s::/restapis/%s/stages/%s", part, region, api, stage))
	case "aws:lambda/function:Function":
		name := str(inputs, "name")
		if name == "" { // Pulumi's auto-name: the resource name and a random suffix
			name = resource.URN(urn).Name() + "-" + digest(urn+"/name", 7)
		}
		id = name
		set("name", name)
		set("arn", fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", part, region, account, name))
		set("qualifiedArn", fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s:$LATEST", part, region, account, name))
		set("invokeArn", fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/arn:%s:lambda:%s:%s:function:%s/invocations", part, region, part, region, account, name))
		set("version", "$LATEST")
	case "aws:lambda/invocation:Invocation":
		input := str(inputs, "input")
		id = str(inputs, "functionName") + "_$LATEST_" + digest(input, 32)
		set("result", invocationResult(input))
	case "aws:lambda/permission:Permission":
		id = "terraform-" + digest(urn, 26)
		set("statementId", id)
	case "aws:cloudwatch/metricAlarm:MetricAlarm":
		id = str(inputs, "name")
		set("arn", fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:%s", part, region, account, id))
	case "aws:cloudwatch/dashboard:Dashboard":
		id = str(inputs, "dashboardName")
		set("dashboardArn", fmt.Sprintf("arn:%s:cloudwatch::%s:dashboard/%s", part, account, id))
	case "aws:cloudwatch/logMetricFilter:LogMetricFilter":
		id = str(inputs, "name")
	case "aws:apigateway/domainName:DomainName":
		domainId := alnum(urn, 10)
		id = fmt.Sprintf("arn:%s:apigateway:%s:%s:/domainnames/%s+%s", part, region, account, str(inputs, "domainName"), domainId)
		set("arn", id)
		set("domainNameId", domainId)
	case "aws:apigateway/domainNameAccessAssociation:DomainNameAccessAssociation":
		id = fmt.Sprintf("arn:%s:apigateway:%s:%s:/domainnameaccessassociations/domainname/%s/vpcesource/%s", part, region, account, digest(urn, 10), str(inputs, "accessAssociationSource"))
		set("arn", id)
	case "aws:ram/resourceShare:ResourceShare":
		id = fmt.Sprintf("arn:%s:ram:%s:%s:resource-share/%s-%s-%s-%s-%s", part, region, account, digest(urn, 8), digest(urn+"/1", 4), digest(urn+"/2", 4), digest(urn+"/3", 4), digest(urn+"/4", 12))
		set("arn", id)
	case "aws:route53/zone:Zone":
		id = "Z" + alnum(urn, 20)
		set("zoneId", id)
		set("arn", fmt.Sprintf("arn:%s:route53:::hostedzone/%s", part, id))
	case "aws:route53/profilesProfile:ProfilesProfile":
		id = "rp-" + digest(urn, 17)
		set("arn", fmt.Sprintf("arn:%s:route53profiles:%s:%s:profile/%s", part, region, account, id))
		set("ownerId", account)
		set("status", "COMPLETE")
	case "aws:route53/profilesAssociation:ProfilesAssociation":
		id = "rpassoc-" + digest(urn, 17)
		set("arn", fmt.Sprintf("arn:%s:route53profiles:%s:%s:profile-association/%s", part, region, account, id))
		set("ownerId", account)
		set("status", "COMPLETE")
	case "aws:route53/profilesResourceAssociation:ProfilesResourceAssociation":
		id = "rpr-" + digest(urn, 17)
		set("ownerId", account)
		set("resourceType", "AWS::Route53::HostedZone")
		set("status", "COMPLETE")
	default:
		id = digest(urn, 16)
	}
	if importId != "" {
		id = importId // a type whose outputs name its ID is handled above
	}
	return id, state
}

// endpointDnsEntries are the entries AWS lists for an execute-api interface
// endpoint: regional first, then one per zone, then the private DNS name.
func endpointDnsEntries(id, urn, region string, inputs resource.PropertyMap) []any {
	suffix := digest(urn+"/dns", 8)
	entry := func(name string) map[string]any {
		return map[string]any{"dnsName": name, "hostedZoneId": "Z" + alnum(urn+name, 13)}
	}
	entries := []any{entry(fmt.Sprintf("%s-%s.execute-api.%s.vpce.amazonaws.com", id, suffix, region))}
	for i := range subnetCount(inputs) {
		az := region + string(rune('a'+i))
		entries = append(entries, entry(fmt.Sprintf("%s-%s-%s.execute-api.%s.vpce.amazonaws.com", id, suffix, az, region)))
	}
	if v := plain(inputs["privateDnsEnabled"]); v.IsBool() && v.BoolValue() {
		entries = append(entries, entry(fmt.Sprintf("execute-api.%s.amazonaws.com", region)), entry(fmt.Sprintf("*.execute-api.%s.amazonaws.com", region)))
	}
	return entries
}

// subnetCount is how many subnets an endpoint is placed in.
func subnetCount(inputs resource.PropertyMap) int {
	if v := plain(inputs["subnetIds"]); v.IsArray() {
		return len(v.ArrayValue())
	}
	return 0
}

// invocationResult is what the mocks believe a connectivity probe answers:
// every target its expected status (200 when it expects any), so a test of
// the wiring sees the shape of a green run. Only the engine tests (a
// simulated cloud) and a real deployment show other answers.
func invocationResult(input string) string {
	var event struct {
		Targets []struct {
			Form   string `json:"form"`
			Url    string `json:"url"`
			Expect int    `json:"expect"`
			Sign   bool   `json:"sign"`
		} `json:"targets"`
	}
	if err := json.Unmarshal([]byte(input), &event); err != nil || event.Targets == nil {
		return "{}"
	}
	results := make([]map[string]any, 0, len(event.Targets))
	for _, t := range event.Targets {
		status := t.Expect
		if status == 0 {
			status = 200
		}
		results = append(results, map[string]any{
			"form": t.Form, "url": t.Url, "signed": t.Sign, "expected": t.Expect, "status": status,
			"latencyMs": 1, "requestId": digest(t.Url, 8) + "-mock", "errorType": "", "body": "", "failure": "",
			"detail": "", "ok": true, "diagnosis": "",
		})
	}
	b, _ := json.Marshal(map[string]any{"results": results}) // plain values always encode
	return string(b)
}
