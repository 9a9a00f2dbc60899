package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SharedHubType is the type token of SharedHub.
const SharedHubType = "xaccount:index:SharedHub"

// SharedHubArgs describe the hub of a stack of its own: the part of a hub
// (HubArgs) that lives in the network account, for spokes whose own stacks
// associate their VPCs and run their probes, beside an API of another
// stack.
type SharedHubArgs struct {
	// Region of the hub and the API. Required.
	Region string `pulumi:"region"`
	// Hub is the network account, the hub VPC and Dns (HubDnsNone or
	// HubDnsPhz); its Provider is the network account's. Required.
	Hub *HubArgs `pulumi:"hub"`
	// Spokes are the consumers that call through the hub: Name, AccountId,
	// AllowedCidrs (what the security group admits) and, with HubDnsPhz,
	// VpcId (the zone's authorization for it). Required, at least one.
	Spokes []ConsumerArgs `pulumi:"spokes"`
	// RestApiId and ExecutionArn are the API's, as the producer's stack
	// publishes them: the endpoint's policy allows invoking it only, and
	// the zone (HubDnsPhz) is named for it. Optional: until the producer
	// has published its API, only the endpoint and its security group are
	// created.
	RestApiId    pulumi.StringInput `pulumi:"restApiId,optional"`
	ExecutionArn pulumi.StringInput `pulumi:"executionArn,optional"`
	// Tags and Protect as in CrossAccountPrivateApiArgs.
	Tags    pulumi.StringMapInput `pulumi:"tags,optional"`
	Protect bool                  `pulumi:"protect,optional"`
	// ListedByProducer says that the producer's stack lists this hub (its
	// hub output names the hub's stack and its endpoint). The hub's
	// ListedByProducer guard, which depends on every resource of the hub,
	// is protected while it holds, so the hub's stack cannot be destroyed
	// while the API's policy admits the hub endpoint and its spokes; once
	// the producer has dropped the hub, the next update unprotects it.
	// Optional.
	ListedByProducer bool `pulumi:"listedByProducer,optional"`
}

// SharedHub is the hub endpoint of a hub stack, its policy and, with
// HubDnsPhz, the zone for the API's name with an authorization per spoke
// VPC.
type SharedHub struct {
	pulumi.ResourceState
	// Endpoint is the hub endpoint.
	Endpoint *ExecuteApiEndpoint
	// ZoneId is the zone the spokes associate their VPCs with (HubDnsPhz,
	// once the API is known); nil otherwise.
	ZoneId pulumi.StringOutput
	// HubCidrs is the hub VPC's range: where a spoke's probe may send 443.
	HubCidrs pulumi.StringArrayOutput
}

// shim is the hub as CrossAccountPrivateApiArgs hold it, so the hub's
// parts are registered by the same code in either topology.
func (a *SharedHubArgs) shim() *CrossAccountPrivateApiArgs {
	out := &CrossAccountPrivateApiArgs{Region: a.Region, Hub: a.Hub, Tags: a.Tags, Protect: a.Protect}
	for _, s := range a.Spokes {
		s.Via = ViaHub
		out.Consumers = append(out.Consumers, s)
	}
	return out
}

// Validate checks the hub and its spokes with the rules of
// CrossAccountPrivateApiArgs (field paths hub.… and consumers[i].…).
func (a *SharedHubArgs) Validate() error {
	var f fieldErrs
	if a.Hub == nil {
		f.add("hub", "missing; expected the hub (HubArgs)")
		return f.err()
	}
	if a.Hub.Dns == HubDnsProfile {
		f.add("hub.dns", "got %q; a hub of a stack of its own offers %s or %s", a.Hub.Dns, HubDnsNone, HubDnsPhz)
	}
	if len(a.Spokes) == 0 {
		f.add("consumers", "missing; expected the hub's spokes")
	}
	shim := a.shim()
	shim.validateHub(&f)
	shim.validateConsumers(&f)
	return f.err()
}

// NewSharedHub registers the hub of a stack of its own in the network
// account (a.Hub.Provider).
func NewSharedHub(ctx *pulumi.Context, name string, args *SharedHubArgs, opts ...pulumi.ResourceOption) (*SharedHub, error) {
	if args == nil {
		return nil, errors.New("shared hub " + name + ": args are required")
	}
	if err := args.Validate(); err != nil {
		return nil, invalidArgs("shared hub", name, err)
	}
	comp := &SharedHub{}
	if err := ctx.RegisterComponentResource(SharedHubType, name, comp, opts...); err != nil {
		return nil, err
	}
	shim := args.shim()
	endpoint, err := newHubEndpoint(ctx, name, comp, shim)
	if err != nil {
		return nil, fmt.Errorf("shared hub %s: %w", name, err)
	}
	comp.Endpoint = endpoint
	comp.HubCidrs = hubVpcCidr(ctx, comp, args.Hub)
	outputs := pulumi.Map{"endpointId": endpoint.EndpointId, "hubCidrs": comp.HubCidrs}
	// The hub's last resources, on which its guard depends (custom
	// resources: a component's children are known only as they register).
	last := []pulumi.Resource{endpoint.SecurityGroup, endpoint.Endpoint}
	if args.RestApiId == nil || args.ExecutionArn == nil {
		// No API yet (the first up, or the producer's stack gone): the
		// endpoint is never left with AWS's default full-access policy,
		// which would let the spokes reach any private API of the region
		// that admits the endpoint; it invokes nothing until the API is
		// known.
		policy, err := newEc2[VpcEndpointPolicy](ctx, typeEc2VpcEndpointPolicy, hubName(name)+"-policy", map[string]pulumi.Input{
			"vpcEndpointId": endpoint.EndpointId,
			"policy":        pulumi.String(denyAllEndpointPolicy),
		}, append(hubOpts(comp, args.Hub), pulumi.Protect(false), keepPolicyOnDelete)...)
		if err != nil {
			return nil, fmt.Errorf("shared hub %s: %w", name, err)
		}
		last = append(last, policy)
	} else {
		policy, err := newHubEndpointPolicy(ctx, name, comp, args.Hub, endpoint, args.ExecutionArn.ToStringOutput(), nil)
		if err != nil {
			return nil, fmt.Errorf("shared hub %s: %w", name, err)
		}
		last = append(last, policy)
		if args.Hub.Dns == HubDnsPhz {
			var zone *route53.Zone
			ready, err := newSpokeZone(ctx, spokeZone{
				name: hubZoneName(name), spokeSuffix: "-hub-zone", host: apiHostname(args.RestApiId, args.Region),
				comment:       pulumi.Sprintf("The API's name for the hub's spokes, to the hub endpoint %s", endpoint.EndpointId),
				authorizeOnly: true, zone: &zone,
			}, name, comp, shim, endpoint)
			if err != nil {
				return nil, fmt.Errorf("shared hub %s: %w", name, err)
			}
			last = append(last, ready...) // the alias and each authorization, after the zone
			comp.ZoneId = zone.ZoneId
			outputs["zoneId"] = zone.ZoneId
		}
	}
	// Destroyed first (it depends on every resource of the hub) and
	// protected while the producer lists the hub: a destroy out of order
	// stops on it before anything is deleted, as a consumer stack's does.
	if err := registerListedGuard(ctx, name+"-hub-listed-by-producer", comp, last, args.ListedByProducer); err != nil {
		return nil, fmt.Errorf("shared hub %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(comp, outputs); err != nil {
		return nil, err
	}
	return comp, nil
}
