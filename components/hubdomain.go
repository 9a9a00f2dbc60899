package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The private custom domain through the hub (HubDnsPhz with a CustomDomain).
//
// Only the owner of a VPC endpoint can associate it with a private custom
// domain name (a domain name access association, "Custom domain names for
// private APIs in API Gateway": the API consumer creates it in its own
// account), so the network account, which owns the hub endpoint, is the
// domain's consumer: the producer shares the domain with it through AWS RAM
// (its spokes' accounts are not invited: they hold no endpoint), it accepts
// the share as any consumer account does, and associates the hub endpoint.
// Its second private hosted zone, named the domain, aliases the hub endpoint
// and is associated with every spoke VPC as the API's own name is
// (newSpokeZone). The domain's policy lists the hub endpoint among the
// endpoints it admits (the API's endpoint IDs); the API's resource policy,
// which API Gateway evaluates as well for a call through the domain, still
// tells the spokes apart by aws:VpcSourceIp; the hub endpoint's policy
// allows the domain's execute-api ARN beside the API's.

// newHubDomainAccess registers the network account's side of the domain d:
// the share's acceptance (unless one of its consumers' already accepts it,
// accepters, or RAM accepts it within one organization), the hub endpoint's
// access association, and the zone of the domain's name for the spokes. It
// returns what the spokes' calls through the domain wait for.
func newHubDomainAccess(ctx *pulumi.Context, name string, comp *CrossAccountPrivateApi, args *CrossAccountPrivateApiArgs, side consumerSide, d *privateDomain,
	accepters map[string]pulumi.Resource, consumersOf map[string][]string) (pulumi.StringOutput, error) {
	h := args.Hub
	pub := d.published(args.CustomDomain, h.AccountId)
	var deps []pulumi.Resource
	if p, ok := d.shared[h.AccountId]; ok {
		deps = append(deps, p)
	}
	if accepter, ok := accepters[h.AccountId]; ok {
		deps = append(deps, accepter)
	} else if pub.AcceptShare {
		accepter, err := side.newShareAccepter(ctx, h.AccountId, consumersOf[h.AccountId], pub.ShareArn, hubOpts(comp, h), deps)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		accepters[h.AccountId] = accepter
		deps = append(deps, accepter)
	}
	association, err := apigateway.NewDomainNameAccessAssociation(ctx, name+"-hub-domain-association", &apigateway.DomainNameAccessAssociationArgs{
		AccessAssociationSource:     comp.Hub.EndpointId,
		AccessAssociationSourceType: pulumi.String(domainAssociationSource),
		DomainNameArn:               pub.Arn,
		Tags:                        args.Tags,
	}, append(hubOpts(comp, h), pulumi.DependsOn(deps))...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	ready, err := newSpokeZone(ctx, spokeZone{
		name: hubDomainZoneName(name), spokeSuffix: "-hub-domain-zone", host: pub.Name,
		comment: pulumi.Sprintf("The API's private custom domain for the hub's spokes, to the hub endpoint %s", comp.Hub.EndpointId),
	}, name, comp, args, comp.Hub)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	ids := []any{association.ID()}
	for _, r := range ready {
		ids = append(ids, r.(pulumi.CustomResource).ID())
	}
	return pulumi.All(ids...).ApplyT(func(v []any) string { return fmt.Sprint(v...) }).(pulumi.StringOutput), nil
}
