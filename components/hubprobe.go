package components

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The probe of a spoke (ConsumerArgs.Via ViaHub with Probe): a
// ConnectivityProbe in the spoke's account, in subnets of the spoke VPC
// (ConsumerArgs.SubnetIds), that calls the API through the hub endpoint in
// the network account's VPC, by the forms that work from a spoke (with
// HubDnsPhz the API's own name too). Its calls take the spoke's path: the
// Transit Gateway (or peering) to the hub VPC, the hub's security group
// (the spokes' ranges only) and the API's policy (this spoke's ranges by
// aws:VpcSourceIp), so a green probe proves the route, the ranges and the
// policy together, and a red one is diagnosed with the hub's causes first
// (probediag.HubRules).

// hubVpcCidr are the hub VPC's ranges (its primary block and every
// associated one: the endpoint's subnets may be in a secondary block), read
// with the network account's provider: a spoke's probe may send 443 there
// and nowhere else.
func hubVpcCidr(ctx *pulumi.Context, parent pulumi.Resource, h *HubArgs) pulumi.StringArrayOutput {
	vpc := lookupVpc(ctx, h.VpcId, pulumi.Parent(parent), pulumi.Provider(h.Provider))
	return vpc.ApplyT(func(v any) []string {
		var out []string
		for _, p := range vpcCidrs(v.(existingVpc)) {
			out = append(out, p.String())
		}
		return out
	}).(pulumi.StringArrayOutput)
}

// hubZoneReady resolves once the hub zone's alias and a spoke's
// association exist; it changes when either is replaced. ready is what
// newHubZone returns: the alias first, then with HubDnsPhz each spoke's
// association in spoke order; with HubDnsProfile what the Profile needs
// (the spoke's association among them), all of which it waits for.
func hubZoneReady(dns string, ready []pulumi.Resource, spoke int) pulumi.StringOutput {
	waits := ready
	if dns == HubDnsPhz {
		waits = []pulumi.Resource{ready[0], ready[1+spoke]}
	}
	var ids []any
	for _, r := range waits {
		ids = append(ids, r.(pulumi.CustomResource).ID())
	}
	return pulumi.All(ids...).ApplyT(func(v []any) string {
		out := make([]string, len(v))
		for i, id := range v {
			out[i] = string(id.(pulumi.ID))
		}
		return strings.Join(out, ",")
	}).(pulumi.StringOutput)
}

// newSpokeProbe registers a spoke's ConnectivityProbe in its account, in
// its subnets, allowed 443 out to hubCidrs (the hub VPC's range). It
// re-runs whenever the deployment, the resource policy, the hub endpoint,
// its policy or the ranges it admits, the probe's subnets or (HubDnsPhz)
// the spoke's zone association change.
func (s consumerSide) newSpokeProbe(ctx *pulumi.Context, c ConsumerArgs, access *ConsumerAccess, headers pulumi.StringMapMapOutput,
	target ProbeTarget, api deployedApi, failOnError *bool, hubCidrs pulumi.StringArrayOutput) (*ConnectivityProbe, error) {
	joined := func(v []string) string { return strings.Join(v, ",") }
	triggers := pulumi.StringMap{
		"deployment":     api.deploymentId,
		"policy":         api.policyHash,
		"endpoint":       access.EndpointId,
		"endpointPolicy": access.EndpointPolicyJson.ApplyT(TriggerHash).(pulumi.StringOutput),
		"allowedCidrs":   access.Hub.AllowedCidrs.ApplyT(joined).(pulumi.StringOutput),
		// Where the probe runs: a move to other subnets proves the call from there.
		"subnets": c.SubnetIds.ToStringArrayOutput().ApplyT(joined).(pulumi.StringOutput),
	}
	if access.hubZone {
		triggers["hubZone"] = access.hubZoneReady
	}
	return s.registerProbe(ctx, c, access, headers, target, api, failOnError, triggers, ConnectivityProbeArgs{
		VpcId:         c.VpcId,
		SubnetIds:     c.SubnetIds,
		EndpointCidrs: hubCidrs,
		ThroughHub:    true,
	})
}
