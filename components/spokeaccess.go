package components

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// SpokeAccessType is the type token of SpokeAccess.
const SpokeAccessType = "xaccount:index:SpokeAccess"

// PublishedHub is a hub deployed by a stack of its own (SharedHub), as it
// publishes itself for the spokes' stacks.
type PublishedHub struct {
	// EndpointId and EndpointDnsName are the hub endpoint's. Required.
	EndpointId      pulumi.StringInput `pulumi:"endpointId"`
	EndpointDnsName pulumi.StringInput `pulumi:"endpointDnsName"`
	// ZoneId is the hub's zone for the API's name (HubDnsPhz), nil with
	// HubDnsNone or before the hub's stack knows the API.
	ZoneId pulumi.StringInput `pulumi:"zoneId,optional"`
	// HubCidrs is the hub VPC's range: the only destination of the probe's
	// 443. Required for a probe.
	HubCidrs pulumi.StringArrayInput `pulumi:"hubCidrs,optional"`
}

// SpokeAccessArgs describe a spoke's own stack: the association of its VPC
// with the hub's zone and its probe, in the spoke's account.
type SpokeAccessArgs struct {
	// Region of the API and the hub. Required.
	Region string `pulumi:"region"`
	// Spoke is the spoke: Name, AccountId, VpcId, AllowedCidrs and, for
	// its probe (Probe), SubnetIds. Its account's provider is the
	// component's. Required.
	Spoke ConsumerArgs `pulumi:"spoke"`
	// Hub is the hub's stack's. Required.
	Hub PublishedHub `pulumi:"hub"`
	// Api is the producer's published API, nil while it has published
	// none: then nothing is associated and no probe runs.
	Api *PublishedApi `pulumi:"api,optional"`
	// ProbeFailOnError, Tags and RolePermissionsBoundary as in
	// CrossAccountPrivateApiArgs.
	ProbeFailOnError        *bool                 `pulumi:"probeFailOnError,optional"`
	Tags                    pulumi.StringMapInput `pulumi:"tags,optional"`
	RolePermissionsBoundary string                `pulumi:"rolePermissionsBoundary,optional"`
	// ListedByProducer says that the producer's stack lists this spoke (its
	// API's policy admits the spoke's ranges through the hub): the stack's
	// ListedByProducer guard is protected while it holds, also while the
	// probe waits for the producer to list a replaced hub endpoint.
	ListedByProducer bool `pulumi:"listedByProducer,optional"`
}

// SpokeAccess is a spoke's own stack's part: its zone association and probe.
type SpokeAccess struct {
	pulumi.ResourceState
	// Association is the spoke VPC's association with the hub's zone, nil
	// without one.
	Association *route53.ZoneAssociation
	// Probe is the spoke's probe, nil without one.
	Probe *ConnectivityProbe
	// InvokeUrls and CurlCommands are the ways the spoke calls the API.
	InvokeUrls   pulumi.StringMapOutput
	CurlCommands pulumi.StringMapOutput
}

// Validate checks the spoke (field paths consumer.…).
func (a *SpokeAccessArgs) Validate() error {
	var f fieldErrs
	if !vocab.ValidRegion(a.Region) {
		f.bad("region", a.Region, vocab.ExpectRegion)
	}
	c := a.Spoke
	if c.VpcId == nil {
		f.add("consumer.vpcId", "missing; expected the spoke's existing VPC (vpc-…)")
	}
	if c.AllowedCidrs == nil {
		f.add("consumer.allowedCidrs", "missing; expected the spoke's ranges, as the hub's and the producer's stacks list them")
	}
	if c.Probe && c.SubnetIds == nil {
		f.add("consumer.subnetIds", "missing; a spoke's probe runs in subnets of the spoke VPC: name them")
	}
	if a.Hub.EndpointId == nil {
		f.add("hub.endpointId", "missing; expected the hub stack's endpointId")
	}
	return f.err()
}

// NewSpokeAccess registers a spoke's own stack's part in its account (the
// provider option): once the producer's API and the hub's zone are known,
// the association of its VPC with the zone (the hub's stack has authorized
// it), with Spoke.Probe the probe through the hub, and a ListedByProducer
// guard on both, protected while ListedByProducer holds.
func NewSpokeAccess(ctx *pulumi.Context, name string, args *SpokeAccessArgs, opts ...pulumi.ResourceOption) (*SpokeAccess, error) {
	if args == nil {
		return nil, errors.New("spoke access " + name + ": args are required")
	}
	if err := args.Validate(); err != nil {
		return nil, invalidArgs("spoke access", name, err)
	}
	comp := &SpokeAccess{}
	if err := ctx.RegisterComponentResource(SpokeAccessType, name, comp, opts...); err != nil {
		return nil, err
	}
	c := args.Spoke
	child := pulumi.Parent(comp)
	access := &ConsumerAccess{EndpointId: args.Hub.EndpointId.ToStringOutput(), hubDnsName: args.Hub.EndpointDnsName}
	outputs := pulumi.Map{}
	if args.Api == nil {
		comp.InvokeUrls = pulumi.StringMap{}.ToStringMapOutput()
		comp.CurlCommands = comp.InvokeUrls
		// No API (yet, or any more): the guard is kept unprotected, so that
		// the next destroy can delete it.
		if err := registerListedGuard(ctx, name+"-spoke-listed-by-producer", comp, nil, false); err != nil {
			return nil, fmt.Errorf("spoke access %s: %w", name, err)
		}
		return comp, ctx.RegisterResourceOutputs(comp, outputs)
	}
	triggers := pulumi.StringMap{
		"deployment": args.Api.DeploymentId.ToStringOutput(),
		"policy":     args.Api.PolicyHash.ToStringOutput(),
		"endpoint":   access.EndpointId,
	}
	if c.SubnetIds != nil {
		// Where the probe runs: a move to other subnets proves the call from there.
		triggers["subnets"] = c.SubnetIds.ToStringArrayOutput().ApplyT(func(v []string) string { return strings.Join(v, ",") }).(pulumi.StringOutput)
	}
	if args.Hub.ZoneId != nil {
		association, err := route53.NewZoneAssociation(ctx, name+"-"+spokeVpcName(c)+"-hub-zone-association", &route53.ZoneAssociationArgs{
			ZoneId:    args.Hub.ZoneId,
			VpcId:     c.VpcId,
			VpcRegion: pulumi.String(args.Region),
		}, child)
		if err != nil {
			return nil, fmt.Errorf("spoke access %s: %w", name, err)
		}
		comp.Association = association
		access.hubZone = true
		triggers["hubZone"] = association.ID().ToStringOutput()
		outputs["zoneAssociation"] = association.ID()
	}
	sigv4 := args.Api.Authorization == AuthorizationIam
	strict := args.Api.EndpointAccessMode == EndpointAccessStrict
	headers := setInvokeForms(access, c, args.Api.RestApiId, args.Region, args.Api.StageName, sigv4, strict)
	comp.InvokeUrls, comp.CurlCommands = access.InvokeUrls, access.CurlCommands
	outputs["invokeUrls"] = access.InvokeUrls
	if c.Probe && args.Api.ListsEndpoint && args.Api.ProbeTarget != nil {
		t := *args.Api.ProbeTarget
		boundary := ""
		if args.RolePermissionsBoundary != "" {
			boundary = vocab.PolicyArn(args.Region, c.AccountId, args.RolePermissionsBoundary)
		}
		probe, err := NewConnectivityProbe(ctx, name+"-"+c.Name+"-probe", &ConnectivityProbeArgs{
			Region: args.Region, VpcId: c.VpcId, SubnetIds: c.SubnetIds, EndpointCidrs: args.Hub.HubCidrs, ThroughHub: true,
			InvokeUrls: access.InvokeUrls, InvokeHeaders: headers,
			Path: t.Path, ExpectedStatus: t.ExpectedStatus, Integration: t.Integration, Sign: t.Sign,
			ExecutionArn: args.Api.ExecutionArn, StageName: args.Api.StageName,
			Triggers: triggers, FailOnError: args.ProbeFailOnError, Tags: args.Tags, PermissionsBoundary: boundary,
		}, child)
		if err != nil {
			return nil, fmt.Errorf("spoke access %s: %w", name, err)
		}
		comp.Probe = probe
		outputs["probe"] = probe.Results
	}
	// The spoke's stack is held, as a consumer's is, while the producer's
	// lists it: its API's policy admits the spoke's ranges through the hub.
	var deps []pulumi.Resource
	if comp.Association != nil {
		deps = append(deps, comp.Association)
	}
	if comp.Probe != nil {
		deps = append(deps, comp.Probe.Invocation)
	}
	if err := registerListedGuard(ctx, name+"-spoke-listed-by-producer", comp, deps, args.ListedByProducer); err != nil {
		return nil, fmt.Errorf("spoke access %s: %w", name, err)
	}
	return comp, ctx.RegisterResourceOutputs(comp, outputs)
}
