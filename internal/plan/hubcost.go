package plan

import (
	"fmt"
	"math"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
)

// List prices in USD of US East (N. Virginia), which the hub's cost
// comparison is computed with; other regions' prices differ.
const (
	// endpointZoneHourUsd is an interface endpoint's price per Availability
	// Zone per hour ("AWS PrivateLink pricing": billed per endpoint per AZ
	// while it is provisioned, whatever its traffic).
	endpointZoneHourUsd = 0.01
	// transitGatewayGbUsd is Transit Gateway's data processing price per GB
	// ("AWS Transit Gateway pricing": charged for each GB sent from a VPC to
	// the Transit Gateway, so a call's request from the spoke and its
	// response from the hub VPC are both counted).
	transitGatewayGbUsd = 0.02
	// hostedZoneMonthUsd is a hosted zone's monthly price ("Amazon Route 53
	// pricing": the first 25 hosted zones of an account).
	hostedZoneMonthUsd = 0.50
	// hoursPerMonth is the month AWS's pricing pages count with.
	hoursPerMonth = 730
)

// HubCost compares, for a stack file with a hub, the hub's monthly fixed
// cost with what the spokes' own endpoints would cost, and says at what
// traffic Transit Gateway data processing eats the difference. Amounts are
// USD a month at US East (N. Virginia) list prices.
type HubCost struct {
	// Spokes is the number of consumers with via: hub.
	Spokes int `json:"spokes"`
	// Zones is the number of Availability Zones of the hub endpoint (one
	// per subnet in hub.vpc.subnetIds); each spoke's own endpoint is counted
	// in as many.
	Zones int `json:"zones"`
	// HubEndpoint is the hub endpoint's monthly price.
	HubEndpoint float64 `json:"hubEndpointUsd"`
	// HostedZone is the monthly price of the hub's private hosted zones (0
	// with dns: none; two with a custom domain).
	HostedZone float64 `json:"hostedZoneUsd"`
	// OwnEndpoints is what one endpoint per spoke would cost a month.
	OwnEndpoints float64 `json:"ownEndpointsUsd"`
	// FixedSaving is OwnEndpoints less the hub's endpoint and zone; negative
	// when the hub costs more before any traffic.
	FixedSaving float64 `json:"fixedSavingUsd"`
	// TransitGatewayPerGb is the Transit Gateway data processing price per
	// GB the spokes exchange with the API through the hub.
	TransitGatewayPerGb float64 `json:"transitGatewayPerGbUsd"`
	// BreakEvenGb is the monthly traffic, requests and responses of all
	// spokes together, above which endpoints of their own cost less; 0 when
	// the hub never costs less, or a charge is not counted (NotCounted).
	BreakEvenGb float64 `json:"breakEvenGbPerMonth"`
	// NotCounted names a charge of the stack's DNS mode the comparison
	// leaves out ("" when none): with dns profile, Route 53 Profiles'
	// charge per Profile-VPC association.
	NotCounted string `json:"notCounted,omitempty"`
}

// hubCost computes the comparison for cfg; nil without a hub, and in a
// producer's or spoke's stack of a hub with a stack of its own (the hub's
// stack shows it).
func hubCost(cfg *config.Config) *HubCost {
	if cfg == nil || cfg.Hub == nil || cfg.HubStackOf() != "" {
		return nil
	}
	c := &HubCost{Zones: len(cfg.Hub.Vpc.SubnetIds), TransitGatewayPerGb: transitGatewayGbUsd}
	for _, consumer := range cfg.Consumers {
		if consumer.Via == components.ViaHub {
			c.Spokes++
		}
	}
	endpoint := endpointZoneHourUsd * hoursPerMonth * float64(c.Zones)
	c.HubEndpoint = cents(endpoint)
	if cfg.Hub.Dns != components.HubDnsNone {
		c.HostedZone = hostedZoneMonthUsd
		if cfg.Api.CustomDomain != nil {
			c.HostedZone += hostedZoneMonthUsd // the zone of the domain's name
		}
	}
	if cfg.Hub.Dns == components.HubDnsProfile {
		c.NotCounted = "Route 53 Profiles bills each Profile-VPC association by the hour (\"Amazon Route 53 pricing\"), " +
			"one per spoke VPC, which can exceed the endpoint-hours saved: check it before choosing hub.dns profile"
	}
	c.OwnEndpoints = cents(endpoint * float64(c.Spokes))
	c.FixedSaving = cents(c.OwnEndpoints - c.HubEndpoint - c.HostedZone)
	if c.FixedSaving > 0 && c.NotCounted == "" {
		c.BreakEvenGb = math.Floor(c.FixedSaving / transitGatewayGbUsd)
	}
	return c
}

// cents rounds an amount to whole cents.
func cents(usd float64) float64 { return math.Round(usd*100) / 100 }

// write prints the comparison in the text format.
func (c *HubCost) write(tw *textWriter) {
	tw.line(0, "")
	tw.line(0, "Hub cost (USD a month at US East (N. Virginia) list prices; other regions differ)")
	zone := ""
	if c.HostedZone > 0 {
		zone = fmt.Sprintf(", and its private hosted zone %.2f", c.HostedZone)
	}
	tw.line(1, "the hub: one endpoint in %d zones, %.2f%s", c.Zones, c.HubEndpoint, zone)
	tw.line(1, "instead of: %d endpoints of their own (one per spoke, %d zones each), %.2f", c.Spokes, c.Zones, c.OwnEndpoints)
	tw.line(1, "Transit Gateway data processing: %.2f per GB the spokes exchange with the API through the hub (requests and responses), which endpoints of their own do not pay; "+
		"endpoint data processing is the same either way", c.TransitGatewayPerGb)
	if c.NotCounted != "" {
		tw.line(1, "not counted: %s", c.NotCounted)
	}
	if c.BreakEvenGb > 0 {
		tw.line(1, "fixed saving %.2f: the hub costs less below %.0f GB a month across all spokes, endpoints of their own above it", c.FixedSaving, c.BreakEvenGb)
		return
	}
	if c.NotCounted != "" {
		tw.line(1, "no break-even computed: %.2f a month before the charge not counted above, which may exceed it", c.FixedSaving)
		return
	}
	tw.line(1, "no fixed saving (%.2f): with %d spoke(s) the hub costs more at any traffic; choose it for one place of DNS and policy, not for cost", c.FixedSaving, c.Spokes)
}
