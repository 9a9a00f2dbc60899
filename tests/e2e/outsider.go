package e2e

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
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
		id := o.ConsumerEndpointId
		consumer, err := ec2.LookupVpcEndpoint(ctx, &ec2.LookupVpcEndpointArgs{Id: &id}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		endpoint, err := ec2.NewVpcEndpoint(ctx, "outsider", &ec2.VpcEndpointArgs{
			VpcId:             pulumi.String(consumer.VpcId),
			ServiceName:       pulumi.String(consumer.ServiceName),
			VpcEndpointType:   pulumi.String("Interface"),
			SubnetIds:         pulumi.ToStringArray(consumer.SubnetIds),
			SecurityGroupIds:  pulumi.ToStringArray(consumer.SecurityGroupIds),
			PrivateDnsEnabled: pulumi.Bool(false),
			Tags:              pulumi.ToStringMap(o.Tags),
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export("endpointId", endpoint.ID())
		ctx.Export("dnsNames", endpoint.DnsEntries.ApplyT(func(entries []ec2.VpcEndpointDnsEntry) []string {
			names := make([]string, 0, len(entries))
			for _, e := range entries {
				if e.DnsName != nil {
					names = append(names, *e.DnsName)
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
