package fakeaws

import (
	"context"
	"fmt"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

// Invoke tokens (data sources) the fake answers.
const (
	InvokeAvailabilityZones = "aws:index/getAvailabilityZones:getAvailabilityZones"
	InvokeGetVpc            = "aws:ec2/getVpc:getVpc"
	InvokeGetRegion         = "aws:index/getRegion:getRegion"
	InvokeCallerIdentity    = "aws:index/getCallerIdentity:getCallerIdentity"
	InvokeEndpointService   = "aws:ec2/getVpcEndpointService:getVpcEndpointService"
	// InvokeCloudControlResource reads a resource by its Cloud Control
	// identifier (aws_cloudcontrolapi_resource); InvokeGetAuthorizers and
	// InvokeGetAuthorizer list and read a REST API's authorizers.
	InvokeCloudControlResource = "aws:cloudcontrol/getResource:getResource"
	InvokeGetAuthorizers       = "aws:apigateway/getAuthorizers:getAuthorizers"
	InvokeGetAuthorizer        = "aws:apigateway/getAuthorizer:getAuthorizer"
	// InvokeGetVpcEndpoint finds one VPC endpoint by its filters
	// (aws_vpc_endpoint).
	InvokeGetVpcEndpoint = "aws:ec2/getVpcEndpoint:getVpcEndpoint"
	// InvokeGetSecurityGroup reads a security group (aws_security_group).
	InvokeGetSecurityGroup = "aws:ec2/getSecurityGroup:getSecurityGroup"
	// InvokeGetSubnet reads a subnet (aws_subnet).
	InvokeGetSubnet = "aws:ec2/getSubnet:getSubnet"
)

// Invoke answers the data sources the program reads.
func (p *Provider) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	args := props(req.GetArgs().AsMap())
	var out props
	if err := p.store.View(func(c *Cloud) error { return p.authorizeCalls(c, req.GetTok(), "invoke", "", args) }); err != nil {
		return nil, err
	}
	switch req.GetTok() {
	case InvokeAvailabilityZones:
		zones, err := p.describeZones(args)
		if err != nil {
			return nil, err
		}
		names, ids := []any{}, []any{}
		for _, z := range zones {
			names = append(names, z.Name)
			ids = append(ids, z.Id)
		}
		out = props{"id": p.scope.Region, "names": names, "zoneIds": ids, "groupNames": []any{p.scope.Region}}
	case InvokeEndpointService:
		service := args.str("serviceName")
		if service != "com.amazonaws."+p.scope.Region+".execute-api" {
			return nil, fmt.Errorf("reading EC2 VPC Endpoint Service: no matching service %q in %s", service, p.scope.Region)
		}
		zones := []any{}
		for _, z := range p.serviceZones() {
			zones = append(zones, z)
		}
		out = props{"id": p.scope.Region, "serviceName": service, "availabilityZones": zones, "serviceType": "Interface",
			"privateDnsName": "execute-api." + p.scope.Region + ".amazonaws.com", "owner": "amazon"}
	case InvokeGetVpc:
		id := args.str("id")
		err := p.store.View(func(c *Cloud) error {
			v, ok := c.Vpcs[id]
			if !ok || v.Scope != p.scope {
				return fmt.Errorf("reading EC2 VPC: no matching EC2 VPC found (id %s in %s %s)", id, p.scope.Account, p.scope.Region)
			}
			out = props{"id": v.Id, "cidrBlock": v.CidrBlock, "enableDnsSupport": v.EnableDnsSupport,
				"enableDnsHostnames": v.EnableDnsHostnames, "ownerId": v.Account, "state": "available"}
			return nil
		})
		if err != nil {
			return nil, err
		}
	case InvokeGetSubnet:
		id := args.str("id")
		err := p.store.View(func(c *Cloud) error {
			s, ok := c.Subnets[id]
			if !ok || s.Scope != p.scope {
				// data source aws_subnet: "no matching EC2 Subnet found"
				// (terraform-provider-aws ec2/vpc_subnet_data_source.go, tfresource.SingularDataSourceFindError).
				return fmt.Errorf("reading EC2 Subnets: no matching EC2 Subnet found (id %s in %s %s)", id, p.scope.Account, p.scope.Region)
			}
			out = props{"id": s.Id, "vpcId": s.VpcId, "cidrBlock": s.CidrBlock, "availabilityZone": s.AvailabilityZone, "ownerId": s.Account}
			return nil
		})
		if err != nil {
			return nil, err
		}
	case InvokeCloudControlResource, InvokeGetAuthorizers, InvokeGetAuthorizer:
		err := p.store.View(func(c *Cloud) error {
			var err error
			out, err = p.readRestApiParts(c, req.GetTok(), args)
			return err
		})
		if err != nil {
			return nil, err
		}
	case InvokeGetVpcEndpoint:
		err := p.store.View(func(c *Cloud) error {
			var err error
			out, err = p.findVpcEndpoint(c, args)
			return err
		})
		if err != nil {
			return nil, err
		}
	case InvokeGetSecurityGroup:
		err := p.store.View(func(c *Cloud) error {
			var err error
			out, err = p.findSecurityGroup(c, args)
			return err
		})
		if err != nil {
			return nil, err
		}
	case InvokeGetRegion:
		out = props{"id": p.scope.Region, "name": p.scope.Region, "region": p.scope.Region}
	case InvokeCallerIdentity:
		out = props{"id": p.scope.Account, "accountId": p.scope.Account, "arn": "arn:aws:sts::" + p.scope.Account + ":assumed-role/fake/session", "userId": "AROAFAKE:session"}
	default:
		return nil, fmt.Errorf("fakeaws: invoke %s is not simulated", req.GetTok())
	}
	s, err := structpb.NewStruct(out)
	if err != nil {
		return nil, fmt.Errorf("fakeaws: invoke result: %w", err)
	}
	return &pulumirpc.InvokeResponse{Return: s}, nil
}
