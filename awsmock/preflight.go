package awsmock

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// What the components' preflight reads (components.PreflightInvokes) beyond
// an existing VPC: API Gateway's account setting through Cloud Control and
// the execute-api endpoint of an existing VPC.

// cloudControlAccountType is Cloud Control's type of API Gateway's account settings.
const cloudControlAccountType = "AWS::ApiGateway::Account"

// WithoutAccountLogRole names accounts whose API Gateway account setting has
// no CloudWatch Logs role. Every other account answers with one, as the
// committed stacks expect (accessLogs.createAccountRole false): an offline
// plan cannot read the real setting (pulumi preview and plan --check do).
func WithoutAccountLogRole(accounts ...string) Option {
	return func(m *Mocks) {
		for _, a := range accounts {
			m.noLogRole[a] = true
		}
	}
}

// WithoutApiGatewaySettings names accounts that have never used API Gateway
// in the region: API Gateway's GetAccount answers NotFoundException there
// (reported by AWS users: cloud-custodian issues #2033 and #9861), which
// Cloud Control passes on as ResourceNotFoundException and the provider's
// data source as "couldn't find resource" (terraform-provider-aws
// internal/service/cloudcontrol/find.go). Such an account has no CloudWatch
// Logs role either.
func WithoutApiGatewaySettings(accounts ...string) Option {
	return func(m *Mocks) {
		for _, a := range accounts {
			m.noApiGatewaySettings[a] = true
		}
	}
}

// SharedVpcs names, by VPC ID, the account that owns an existing VPC the
// program reads through another account's provider (a VPC shared through
// RAM: getVpc answers its owner's ID). Every other VPC is the reading
// account's own.
func SharedVpcs(owners map[string]string) Option {
	return func(m *Mocks) {
		for vpc, owner := range owners {
			m.vpcOwners[vpc] = owner
		}
	}
}

// ExistingSubnet is a subnet the mocks know: its VPC and its range.
type ExistingSubnet struct {
	VpcId     string
	CidrBlock string
}

// Subnets tells the mocks the VPC and range of existing subnets (getSubnet
// answers them); any other subnet is answered from the Networks, else with a
// range of its own and no VPC.
func Subnets(subnets map[string]ExistingSubnet) Option {
	return func(m *Mocks) {
		for id, s := range subnets {
			m.subnets[id] = s
		}
	}
}

// ExistingEndpoint is an execute-api endpoint with private DNS that exists
// before the program runs: its ID, and the name of its security group
// (getSecurityGroup reads it), which tells the components' own endpoint
// from another's.
type ExistingEndpoint struct {
	Id, SecurityGroupName string
}

// PrivateDnsEndpoints gives, by VPC ID, the execute-api endpoint with
// private DNS that exists in that VPC already (getVpcEndpoint finds it).
// Every other VPC has none ("no matching EC2 VPC Endpoint found", as the
// provider's singular data source says).
func PrivateDnsEndpoints(endpoints map[string]ExistingEndpoint) Option {
	return func(m *Mocks) {
		for vpc, e := range endpoints {
			m.privateDnsEndpoints[vpc] = e
		}
	}
}

// knowsSubnet says whether Subnets gave subnet id; any other is answered
// from the Networks (callRoutes).
func (m *Mocks) knowsSubnet(id string) bool {
	_, ok := m.subnets[id]
	return ok
}

// endpointGroupPrefix starts the ID of the security group the mocks give an
// ExistingEndpoint.
const endpointGroupPrefix = "sg-of-"

// callPreflight answers the preflight's reads; ok is false for any other.
func (m *Mocks) callPreflight(invoke string, args resource.PropertyMap, pins providerInfo) (out resource.PropertyMap, ok bool, err error) {
	switch {
	case invoke == "aws:ec2/getSubnet:getSubnet" && m.knowsSubnet(str(args, "id")):
		id := str(args, "id")
		s := m.subnets[id]
		return resource.PropertyMap{"id": resource.NewProperty(id), "vpcId": resource.NewProperty(s.VpcId),
			"cidrBlock": resource.NewProperty(s.CidrBlock)}, true, nil
	case invoke == "aws:cloudcontrol/getResource:getResource" && str(args, "typeName") == cloudControlAccountType:
		if m.noApiGatewaySettings[pins.account] {
			return nil, true, fmt.Errorf("reading Cloud Control API (%s) resource (%s): couldn't find resource", cloudControlAccountType, str(args, "identifier"))
		}
		props := map[string]any{"Id": str(args, "identifier")}
		if !m.noLogRole[pins.account] {
			props["CloudWatchRoleArn"] = fmt.Sprintf("arn:aws:iam::%s:role/apigateway-cloudwatch", pins.account)
		}
		b, err := json.Marshal(props)
		if err != nil {
			return nil, true, err
		}
		return resource.PropertyMap{"id": resource.NewProperty(str(args, "identifier")), "identifier": resource.NewProperty(str(args, "identifier")),
			"typeName": resource.NewProperty(cloudControlAccountType), "properties": resource.NewProperty(string(b))}, true, nil
	case invoke == "aws:ec2/getVpcEndpoint:getVpcEndpoint":
		e, found := m.privateDnsEndpoints[str(args, "vpcId")]
		if !found {
			return nil, true, fmt.Errorf("no matching EC2 VPC Endpoint found")
		}
		return resource.PropertyMap{"id": resource.NewProperty(e.Id), "vpcId": resource.NewProperty(str(args, "vpcId")),
			"serviceName": resource.NewProperty(str(args, "serviceName")), "privateDnsEnabled": resource.NewProperty(true),
			"securityGroupIds": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(endpointGroupPrefix + e.Id)}),
			"state":            resource.NewProperty("available")}, true, nil
	case invoke == "aws:ec2/getSecurityGroup:getSecurityGroup":
		id := str(args, "id")
		for _, e := range m.privateDnsEndpoints {
			if endpointGroupPrefix+e.Id == id {
				return resource.PropertyMap{"id": resource.NewProperty(id), "name": resource.NewProperty(e.SecurityGroupName)}, true, nil
			}
		}
		return nil, true, fmt.Errorf("no matching EC2 Security Group found")
	}
	return nil, false, nil
}
