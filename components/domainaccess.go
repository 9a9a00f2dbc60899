package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ram"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// domainAccess is what a consumer holds of a private custom domain: the
// share accepted for its account (shared by the consumers of one account in
// one stack), its endpoint's access association, and the private hosted
// zone with the alias that resolves the name to its endpoint in its VPC.
type domainAccess struct {
	accepter pulumi.Resource
	// ready resolves once the association and the alias exist.
	ready pulumi.StringOutput
}

// newDomainAccess registers a consumer's side of the domain d, for a
// created endpoint: in its account, the share accepter (when d says so and
// accepted is nil: the first consumer of its account accepts for all), the
// access association, the zone on the endpoint's VPC and the alias. after
// are what must exist first (the producer's principal association).
func (s consumerSide) newDomainAccess(ctx *pulumi.Context, c ConsumerArgs, access *ConsumerAccess, d *PublishedDomain, accepted pulumi.Resource, after []pulumi.Resource) (*domainAccess, error) {
	opts := s.consumerOpts(c)
	prefix := s.name + "-" + c.Name + "-domain"
	out := &domainAccess{accepter: accepted}
	if d.AcceptShare && accepted == nil {
		accepter, err := ram.NewResourceShareAccepter(ctx, prefix+"-share-accepter", &ram.ResourceShareAccepterArgs{
			ShareArn: d.ShareArn,
		}, append(opts, pulumi.DependsOn(after))...)
		if err != nil {
			return nil, err
		}
		out.accepter = accepter
	}
	deps := append([]pulumi.Resource{}, after...)
	if out.accepter != nil {
		deps = append(deps, out.accepter)
	}
	association, err := apigateway.NewDomainNameAccessAssociation(ctx, prefix+"-association", &apigateway.DomainNameAccessAssociationArgs{
		AccessAssociationSource:     access.EndpointId,
		AccessAssociationSourceType: pulumi.String(domainAssociationSource),
		DomainNameArn:               d.Arn,
		Tags:                        s.tags,
	}, append(opts, pulumi.DependsOn(deps))...)
	if err != nil {
		return nil, err
	}
	zone, err := route53.NewZone(ctx, prefix+"-zone", &route53.ZoneArgs{
		Name:    d.Name,
		Comment: pulumi.Sprintf("Private custom domain of the API, to the execute-api endpoint %s", access.EndpointId),
		Vpcs:    route53.ZoneVpcArray{route53.ZoneVpcArgs{VpcId: access.Endpoint.VpcId, VpcRegion: pulumi.String(s.region)}},
		Tags:    s.tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	alias, err := route53.NewRecord(ctx, prefix+"-alias", &route53.RecordArgs{
		ZoneId: zone.ZoneId,
		Name:   d.Name,
		Type:   pulumi.String("A"),
		Aliases: route53.RecordAliasArray{route53.RecordAliasArgs{
			Name: access.Endpoint.PublicDnsName, ZoneId: access.Endpoint.PublicDnsZoneId, EvaluateTargetHealth: pulumi.Bool(false),
		}},
	}, opts...)
	if err != nil {
		return nil, err
	}
	out.ready = pulumi.All(association.ID(), alias.ID()).ApplyT(func(v []any) string {
		return fmt.Sprintf("%v %v", v[0], v[1])
	}).(pulumi.StringOutput)
	return out, nil
}
