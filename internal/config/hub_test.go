package config_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/config/configtest"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// TestHubLoads: a hub and two spokes load into Config and the components'
// args: the spokes carry their VPC, ranges and via; nothing of an endpoint
// of their own, and no provider is needed for their accounts.
func TestHubLoads(t *testing.T) {
	c := configtest.Valid()
	configtest.AddHub(c)
	cfg, err := config.Load(configtest.Raw(t, c), nil, "dev")
	require.NoError(t, err)
	require.NotNil(t, cfg.Hub)
	assert.Equal(t, "777777777777", cfg.Hub.AccountId)
	assert.Equal(t, "network", cfg.Hub.Profile)
	assert.Equal(t, config.ExistingVpc{Id: "vpc-0a1b2c3d4e5f60718", SubnetIds: []string{"subnet-0a1b2c3d4e5f60719", "subnet-0a1b2c3d4e5f6071a"}}, cfg.Hub.Vpc)
	assert.Equal(t, components.HubDnsNone, cfg.Hub.Dns)
	orders := cfg.Consumers[2]
	assert.Equal(t, components.ViaHub, orders.Via)
	assert.False(t, orders.ManagesEndpoint(), "no endpoint, so no provider, in a spoke's account")
	assert.False(t, orders.Probe)
	assert.Equal(t, []string{"10.40.0.0/24"}, orders.AllowedCidrs)
	assert.Equal(t, "777777777777", cfg.ProfileAccounts()["network"])

	args := cfg.Args()
	require.NotNil(t, args.Hub)
	assert.Equal(t, components.HubDnsNone, args.Hub.Dns)
	assert.Equal(t, components.ViaHub, args.Consumers[2].Via)
	assert.Nil(t, args.Consumers[2].PrivateDns, "a spoke has no private DNS of its own")
	assert.NoError(t, args.Validate())

	// Pulumi.yaml's default {} is no hub.
	c = configtest.Valid()
	c["hub"] = map[string]any{}
	cfg, err = config.Load(configtest.Raw(t, c), nil, "dev")
	require.NoError(t, err)
	assert.Nil(t, cfg.Hub)
}

// TestHubZoneLoads: with hub.dns phz each spoke takes its account's
// credentials (its VPC's association with the hub's zone is made there):
// it deploys in its account, its profile maps to it, and the args validate.
func TestHubZoneLoads(t *testing.T) {
	c := configtest.Valid()
	configtest.AddHub(c)
	configtest.At(c, "hub")["dns"] = "phz"
	configtest.At(c, "consumers", 2)["profile"] = "orders"
	configtest.At(c, "consumers", 3)["roleArn"] = "arn:aws:iam::555555555555:role/deployer"
	cfg, err := config.Load(configtest.Raw(t, c), nil, "dev")
	require.NoError(t, err)
	assert.Equal(t, components.HubDnsPhz, cfg.Hub.Dns)
	orders, billing := cfg.Consumers[2], cfg.Consumers[3]
	assert.False(t, orders.ManagesEndpoint(), "still no endpoint of its own")
	assert.True(t, orders.DeploysInAccount(), "its zone association")
	assert.True(t, billing.DeploysInAccount())
	assert.Equal(t, "444444444444", cfg.ProfileAccounts()["orders"])
	assert.Equal(t, "arn:aws:iam::555555555555:role/deployer", billing.RoleArn)
	assert.NoError(t, cfg.Args().Validate())

	configtest.At(c, "hub")["dns"] = "none"
	_, err = config.Load(configtest.Raw(t, c), nil, "dev")
	require.Error(t, err, "with dns none a spoke takes no credentials")
	assert.Contains(t, err.Error(), "xaccount-api:consumers[2].profile")
}

// TestHubProblemsAreReportedAtOnce: every problem of a bad hub
// configuration is reported in one run, each on its key.
func TestHubProblemsAreReportedAtOnce(t *testing.T) {
	c := configtest.Valid()
	configtest.AddHub(c)
	configtest.At(c, "hub")["dns"] = "route53"
	delete(configtest.At(c, "hub", "vpc"), "subnetIds")
	configtest.At(c, "consumers", 3)["allowedCidrs"] = []any{"10.40.0.0/16"}
	configtest.At(c, "consumers", 2)["privateDns"] = true
	configtest.At(c, "consumers", 2)["endpointPolicy"] = "full"
	configtest.At(c, "consumers", 2)["roleArn"] = "arn:aws:iam::444444444444:role/deployer"
	c["consumers"] = append(c["consumers"].([]any), map[string]any{"name": "stray", "accountId": "666666666666", "via": "hub",
		"vpc": map[string]any{"id": "vpc-0d1d2e3f4a5b60718", "cidr": "10.60.0.0/24"}})
	_, err := config.Load(configtest.Raw(t, c), nil, "dev")
	var ce *config.Error
	require.True(t, errors.As(err, &ce), "%v", err)
	keys := map[string]bool{}
	for _, p := range ce.Problems {
		keys[p.Key] = true
	}
	for _, k := range []string{
		"xaccount-api:hub.dns",
		"xaccount-api:hub.vpc.subnetIds",
		"xaccount-api:consumers[3].allowedCidrs[0]",
		"xaccount-api:consumers[2].privateDns",
		"xaccount-api:consumers[2].endpointPolicy",
		"xaccount-api:consumers[2].roleArn",
		"xaccount-api:consumers[4].vpc.cidr",
		"xaccount-api:consumers[4].allowedCidrs",
	} {
		assert.Truef(t, keys[k], "a problem at %s; got:\n%v", k, err)
	}
}

// hubStackFiles are the split topology with a hub of its own stack:
// the hub's (shop-network), the producer's (shop) and spoke orders' stack.
func loadHubSplit(t *testing.T, stack string) *config.Config {
	t.Helper()
	raw, err := plan.ReadConfigFile(filepath.Join("..", "..", "tests", "testdata", "hubsplit", "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	cfg, err := config.Load(raw.Values, raw.SecretKeys, stack)
	require.NoError(t, err)
	return cfg
}

// TestHubStackTopologyLoads: the hub's stack (stackRole: hub), a producer
// and a spoke's stack that read it (hub.stack) are read as such.
func TestHubStackTopologyLoads(t *testing.T) {
	hub := loadHubSplit(t, "shop-network")
	assert.Equal(t, config.RoleHub, hub.StackRole)
	assert.Equal(t, "organization/xaccount-api/shop", hub.ProducerStackOf())
	require.NotNil(t, hub.Hub)
	assert.Equal(t, "phz", hub.Hub.Dns)
	assert.Equal(t, "xaccount-shop-network", hub.Hub.Profile)
	require.Len(t, hub.Consumers, 2)
	for _, c := range hub.Consumers {
		assert.Equal(t, "hub", c.Via)
		assert.False(t, c.DeploysInAccount(), "%s: the hub's stack deploys nothing in a spoke's account", c.Name)
		assert.NotEmpty(t, c.ExistingVpc.Id, "%s: its VPC's id, for the zone's authorization", c.Name)
	}

	producer := loadHubSplit(t, "shop")
	assert.Equal(t, "organization/xaccount-api/shop-network", producer.HubStackOf())
	assert.Equal(t, "777777777777", producer.Hub.AccountId)
	assert.Empty(t, producer.Hub.Vpc.Id)
	for _, c := range producer.Consumers {
		assert.False(t, c.DeploysInAccount(), c.Name)
		assert.Nil(t, c.ExistingVpc, c.Name)
		assert.NotEmpty(t, c.AllowedCidrs, c.Name)
	}

	spoke := loadHubSplit(t, "shop-orders")
	assert.Equal(t, config.RoleConsumer, spoke.StackRole)
	assert.Equal(t, "organization/xaccount-api/shop-network", spoke.HubStackOf())
	assert.Equal(t, "organization/xaccount-api/shop", spoke.ProducerStackOf())
	require.Len(t, spoke.Consumers, 1)
	assert.True(t, spoke.Consumers[0].DeploysInAccount(), "the spoke's stack associates its VPC and runs its probe in its account")
	assert.True(t, spoke.Consumers[0].Probe)
}

// TestHubStackKeysOutsideTheirRoles: hub.stack only in a producer or
// consumer stack, and nothing of the hub beside it; a hub's stack names
// its producer's stack.
func TestHubStackKeysOutsideTheirRoles(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c map[string]any)
		key    string
		says   string
	}{
		{"hub.stack in a one-stack topology", func(c map[string]any) {
			configtest.AddHub(c)
			configtest.At(c, "hub")["stack"] = "organization/xaccount-api/network"
		}, "xaccount-api:hub.stack", "only applies to a stack with stackRole: producer or consumer"},
		{"a producer's hub without its stack", func(c map[string]any) {
			c["stackRole"] = "producer"
			c["hub"] = map[string]any{"accountId": "777777777777"}
		}, "xaccount-api:hub.stack", "missing"},
		{"a producer's hub with its dns", func(c map[string]any) {
			c["stackRole"] = "producer"
			c["hub"] = map[string]any{"accountId": "777777777777", "stack": "network", "dns": "phz"}
		}, "xaccount-api:hub.dns", "the hub is deployed by its own stack"},
		{"a hub's stack without its producer's stack", func(c map[string]any) {
			configtest.AddHub(c)
			c["stackRole"] = "hub"
		}, "xaccount-api:producer.stack", "missing"},
		{"a hub's stack with producer credentials", func(c map[string]any) {
			configtest.AddHub(c)
			c["stackRole"] = "hub"
			configtest.At(c, "producer")["stack"] = "shop"
		}, "xaccount-api:producer.roleArn", "this is the hub's stack"},
		{"a hub's stack without a hub", func(c map[string]any) {
			configtest.AddHub(c)
			delete(c, "hub")
			c["stackRole"] = "hub"
		}, "xaccount-api:hub", "a hub's stack deploys the hub endpoint"},
		{"a consumer stack with its own endpoint and a hub", func(c map[string]any) {
			c["stackRole"] = "consumer"
			c["consumers"] = c["consumers"].([]any)[:1]
			c["producer"] = map[string]any{"accountId": "111111111111", "stack": "shop"}
			c["hub"] = map[string]any{"accountId": "777777777777", "stack": "network"}
		}, "xaccount-api:hub", "has an endpoint of its own"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := configtest.Valid()
			tc.change(c)
			_, err := config.Load(configtest.Raw(t, c), nil, "dev")
			var ce *config.Error
			require.Truef(t, errors.As(err, &ce), "%v", err)
			found := false
			for _, p := range ce.Problems {
				found = found || p.Key == tc.key && strings.Contains(p.Message, tc.says)
			}
			assert.Truef(t, found, "a problem at %s saying %q; got:\n%v", tc.key, tc.says, err)
		})
	}
}
