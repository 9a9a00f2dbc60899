package e2e

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/components"
)

// OutsiderEndpoint describes the second execute-api endpoint the test
// creates next to the consumer's: same VPC, subnets and security group (so
// the probe, whose group allows 443 only to that group, reaches it), private
// DNS off (the consumer's endpoint has it), and absent from the API's
// resource policy. A call through it differs from the probe's own calls in
// the endpoint alone, so its refusal is the aws:SourceVpce Deny's doing.
type OutsiderEndpoint struct {
	// Region and Account are the consumer's; AdminRoleArn is the role the
	// program assumes there.
	Region, Account, AdminRoleArn string
	// ConsumerEndpointId is the consumer's endpoint, whose VPC, subnets and
	// security groups the outsider copies.
	ConsumerEndpointId string
	// Tags are set on the endpoint.
	Tags map[string]string
}

// Program is the inline Pulumi program that creates the outsider endpoint
// and exports its ID and DNS names (endpointId, dnsNames).
func (o OutsiderEndpoint) Program() pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		provider, err := components.NewAccountProvider(ctx, "consumer", &components.AccountProviderArgs{
			AccountId: o.Account, Region: o.Region, RoleArn: pulumi.String(o.AdminRoleArn)})
		if err != nil {
			return err
		}
		// By token, as the components register their EC2 resources: the
		// generated ec2 package costs a minute and 3 GB to compile.
		var consumer struct {
			VpcId            string   `pulumi:"vpcId"`
			ServiceName      string   `pulumi:"serviceName"`
			SubnetIds        []string `pulumi:"subnetIds"`
			SecurityGroupIds []string `pulumi:"securityGroupIds"`
		}
		if err := ctx.Invoke("aws:ec2/getVpcEndpoint:getVpcEndpoint", map[string]any{"id": o.ConsumerEndpointId}, &consumer, pulumi.Provider(provider)); err != nil {
			return err
		}
		var endpoint struct {
			pulumi.CustomResourceState
			DnsEntries pulumi.MapArrayOutput `pulumi:"dnsEntries"`
		}
		if err := ctx.RegisterResource("aws:ec2/vpcEndpoint:VpcEndpoint", "outsider", pulumi.Map{
			"vpcId":             pulumi.String(consumer.VpcId),
			"serviceName":       pulumi.String(consumer.ServiceName),
			"vpcEndpointType":   pulumi.String("Interface"),
			"subnetIds":         pulumi.ToStringArray(consumer.SubnetIds),
			"securityGroupIds":  pulumi.ToStringArray(consumer.SecurityGroupIds),
			"privateDnsEnabled": pulumi.Bool(false),
			"tags":              pulumi.ToStringMap(o.Tags),
		}, &endpoint, pulumi.Provider(provider)); err != nil {
			return err
		}
		ctx.Export("endpointId", endpoint.ID())
		ctx.Export("dnsNames", endpoint.DnsEntries.ApplyT(func(entries []map[string]any) []string {
			names := make([]string, 0, len(entries))
			for _, e := range entries {
				if name, ok := e["dnsName"].(string); ok {
					names = append(names, name)
				}
			}
			return names
		}).(pulumi.StringArrayOutput))
		return nil
	}
}

// OutsiderForms are the invoke forms through an endpoint that is not
// associated with the API: the endpoint's public DNS name with a Host or an
// x-apigw-api-id header. The route53Alias name exists only for associated
// endpoints, and private DNS belongs to the consumer's endpoint.
func OutsiderForms(apiId, region, stage, endpointId string, dnsNames []string) components.InvokeForms {
	forms := components.ComputeInvokeForms(components.InvokeTarget{ApiId: apiId, Region: region, Stage: stage,
		VpcEndpointId: endpointId, PublicDnsName: components.RegionalDnsName(dnsNames)})
	for _, m := range []map[string]string{forms.Urls, forms.Curl} {
		delete(m, components.InvokeRoute53Alias)
	}
	return forms
}
