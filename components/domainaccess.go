package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ram"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// domainAccess is what a consumer holds of a private custom domain: its
// endpoint's access association, and the private hosted zone with the alias
// that resolves the name to its endpoint in its VPC (the share's accepter
// is its account's, newShareAccepter).
type domainAccess struct {
	// ready resolves once the association and the alias exist.
	ready pulumi.StringOutput
}

// shareAccepterName is the name of the RAM share accepter of a component
// named name in account: by account, never by consumer, so that removing,
// renaming or reordering the consumers of an account leaves it where it is.
func shareAccepterName(name, account string) string {
	return name + "-domain-share-accepter-" + account
}

// newShareAccepter registers, in account, the acceptance of the domain's
// RAM share for every consumer of that account (consumers, their names: an
// accepter named after one of them before is taken over through aliases).
// opts place it in the account (the first consumer's provider). Its delete
// is retained: the provider's delete is the receiver leaving the share
// (DisassociateResourceShare for its own account,
// terraform-provider-aws resource_share_accepter.go), which would cut every
// consumer of the account off the domain; the account stays in the share
// until the producer removes its principal association, which it does when
// the account's last consumer goes.
func (s consumerSide) newShareAccepter(ctx *pulumi.Context, account string, consumers []string, shareArn pulumi.StringInput, opts []pulumi.ResourceOption, after []pulumi.Resource) (pulumi.Resource, error) {
	var aliases []pulumi.Alias
	for _, c := range consumers {
		aliases = append(aliases, pulumi.Alias{Name: pulumi.String(s.name + "-" + c + "-domain-share-accepter")})
	}
	return ram.NewResourceShareAccepter(ctx, shareAccepterName(s.name, account), &ram.ResourceShareAccepterArgs{
		ShareArn: shareArn,
	}, append(opts, pulumi.DependsOn(after), pulumi.Aliases(aliases), pulumi.RetainOnDelete(true))...)
}

// newDomainAccess registers a consumer's side of the domain d, for a
// created endpoint: in its account, the access association, the zone on
// the endpoint's VPC and the alias. accepter is its account's share
// accepter (nil when RAM accepts or nothing is shared); after are what must
// exist first (the producer's principal association).
func (s consumerSide) newDomainAccess(ctx *pulumi.Context, c ConsumerArgs, access *ConsumerAccess, d *PublishedDomain, accepter pulumi.Resource, after []pulumi.Resource) (*domainAccess, error) {
	opts := s.consumerOpts(c)
	prefix := s.name + "-" + c.Name + "-domain"
	out := &domainAccess{}
	deps := append([]pulumi.Resource{}, after...)
	if accepter != nil {
		deps = append(deps, accepter)
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
