package plan

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
)

// hubConfig is a stack with a hub of the given DNS mode in zones
// Availability Zones, spokes spokes and one consumer with its own endpoint.
func hubConfig(dns string, zones, spokes int) *config.Config {
	cfg := &config.Config{Hub: &config.Hub{Dns: dns}}
	for range zones {
		cfg.Hub.Vpc.SubnetIds = append(cfg.Hub.Vpc.SubnetIds, "subnet-x")
	}
	cfg.Consumers = append(cfg.Consumers, config.Consumer{Name: "own"})
	for range spokes {
		cfg.Consumers = append(cfg.Consumers, config.Consumer{Via: components.ViaHub})
	}
	return cfg
}

// TestHubCostComparesTheHubWithEndpointsOfTheSpokesOwn: the hub's fixed
// cost is one endpoint in its zones (and its zone with dns phz), the
// alternative one endpoint per spoke (the consumer with its own endpoint
// pays either way), and the break-even is the saving over Transit Gateway's
// per-GB price.
func TestHubCostComparesTheHubWithEndpointsOfTheSpokesOwn(t *testing.T) {
	cases := []struct {
		name                 string
		dns                  string
		zones, spokes        int
		hub, own, saving, gb float64
	}{
		{"two spokes, phz", components.HubDnsPhz, 2, 2, 14.60, 29.20, 14.10, 705},
		{"five spokes in three zones, no zone", components.HubDnsNone, 3, 5, 21.90, 109.50, 87.60, 4380},
		{"one spoke: no saving", components.HubDnsPhz, 2, 1, 14.60, 14.60, -0.50, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := hubCost(hubConfig(tc.dns, tc.zones, tc.spokes))
			if c.Spokes != tc.spokes || c.Zones != tc.zones {
				t.Errorf("spokes %d zones %d, want %d and %d", c.Spokes, c.Zones, tc.spokes, tc.zones)
			}
			if c.HubEndpoint != tc.hub || c.OwnEndpoints != tc.own || c.FixedSaving != tc.saving || c.BreakEvenGb != tc.gb {
				t.Errorf("got hub %.2f own %.2f saving %.2f break-even %.0f GB, want %.2f %.2f %.2f %.0f",
					c.HubEndpoint, c.OwnEndpoints, c.FixedSaving, c.BreakEvenGb, tc.hub, tc.own, tc.saving, tc.gb)
			}
			if (c.HostedZone > 0) != (tc.dns != components.HubDnsNone) {
				t.Errorf("hosted zone %.2f with dns %s", c.HostedZone, tc.dns)
			}
		})
	}
	if c := hubCost(hubConfig(components.HubDnsProfile, 2, 2)); !strings.Contains(c.NotCounted, "Profile-VPC association") || c.BreakEvenGb != 0 {
		t.Errorf("with dns profile the comparison must say it leaves out the Profile's charge and give no break-even: %q, %.0f GB", c.NotCounted, c.BreakEvenGb)
	}
	withDomain := hubConfig(components.HubDnsPhz, 2, 2)
	withDomain.Api.CustomDomain = &components.CustomDomainArgs{Name: "orders.internal.example.com"}
	if c := hubCost(withDomain); c.HostedZone != 1.00 {
		t.Errorf("with a custom domain the hub has two zones (1.00 a month), got %.2f", c.HostedZone)
	}
	if c := hubCost(hubConfig(components.HubDnsPhz, 2, 2)); c.NotCounted != "" {
		t.Errorf("with dns phz nothing is left out, got %q", c.NotCounted)
	}
	if hubCost(&config.Config{}) != nil {
		t.Error("a stack without a hub got a hub cost")
	}
}

// TestHubCostTextSaysWhereTheHubStopsPaying: the text names the break-even
// volume, or says there is no saving.
func TestHubCostTextSaysWhereTheHubStopsPaying(t *testing.T) {
	for _, tc := range []struct {
		spokes int
		want   string
	}{{2, "the hub costs less below 705 GB a month"}, {1, "the hub costs more at any traffic"}} {
		var buf bytes.Buffer
		hubCost(hubConfig(components.HubDnsPhz, 2, tc.spokes)).write(&textWriter{w: &buf})
		if !strings.Contains(buf.String(), tc.want) {
			t.Errorf("%d spoke(s): text does not say %q:\n%s", tc.spokes, tc.want, buf.String())
		}
	}
}
