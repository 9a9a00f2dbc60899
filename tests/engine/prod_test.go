package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// seedProdNetworks creates, in the simulated cloud, what Pulumi.prod.yaml
// expects to exist: the VPCs and subnets it names, each in its consumer's
// account (DNS attributes on, one subnet per zone), and the producer
// account's API Gateway CloudWatch role setting.
func seedProdNetworks(store *fakeaws.Store) error {
	b, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.prod.yaml"))
	if err != nil {
		return err
	}
	var doc struct {
		Config struct {
			Region    string `yaml:"xaccount-api:region"`
			Consumers []struct {
				AccountId string `yaml:"accountId"`
				Vpc       struct {
					Id        string   `yaml:"id"`
					SubnetIds []string `yaml:"subnetIds"`
				} `yaml:"vpc"`
			} `yaml:"xaccount-api:consumers"`
			Producer struct {
				AccountId string `yaml:"accountId"`
			} `yaml:"xaccount-api:producer"`
			Api struct {
				Routes []struct {
					Integration struct {
						VpcLinkId string `yaml:"vpcLinkId"`
					} `yaml:"integration"`
				} `yaml:"routes"`
			} `yaml:"xaccount-api:api"`
		} `yaml:"config"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return err
	}
	var vpcs []fakeaws.Vpc
	var subnets []fakeaws.Subnet
	for i, c := range doc.Config.Consumers {
		if c.Vpc.Id == "" {
			continue
		}
		scope := fakeaws.Scope{Account: c.AccountId, Region: doc.Config.Region}
		vpcs = append(vpcs, fakeaws.Vpc{Scope: scope, Id: c.Vpc.Id, CidrBlock: fmt.Sprintf("10.%d.0.0/16", 40+10*i),
			EnableDnsSupport: true, EnableDnsHostnames: true})
		for j, id := range c.Vpc.SubnetIds {
			subnets = append(subnets, fakeaws.Subnet{Scope: scope, Id: id, VpcId: c.Vpc.Id,
				CidrBlock: fmt.Sprintf("10.%d.%d.0/24", 40+10*i, j), AvailabilityZone: doc.Config.Region + string(rune('a'+j))})
		}
	}
	if err := store.Seed(vpcs, subnets); err != nil {
		return err
	}
	// The VPC links the routes name exist in the producer account, the
	// orders team's (the stack takes an existing link's ID).
	for _, r := range doc.Config.Api.Routes {
		if id := r.Integration.VpcLinkId; id != "" {
			link := fakeaws.VpcLink{Scope: fakeaws.Scope{Account: doc.Config.Producer.AccountId, Region: doc.Config.Region}, Id: id,
				TargetArns: []string{"arn:aws:elasticloadbalancing:" + doc.Config.Region + ":" + doc.Config.Producer.AccountId + ":loadbalancer/net/" + id + "/0123456789abcdef"}}
			if err := store.SeedVpcLinks(link); err != nil {
				return err
			}
		}
	}
	// The producer account has API Gateway's CloudWatch role set already
	// (prod does not create it), as access logging needs.
	return store.Update(func(c *fakeaws.Cloud) error {
		const role = "arn:aws:iam::333333333333:role/apigateway-cloudwatch"
		c.Roles[role] = "333333333333"
		c.AccountRoles["333333333333/"+doc.Config.Region] = role
		return nil
	})
}

// protectedTypes are what the prod stack must protect; replaceableTypes are
// what it must never protect, since route, policy and consumer changes
// replace them.
var (
	protectedTypes   = []string{"aws:apigateway/restApi:RestApi", "aws:apigateway/stage:Stage", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/securityGroup:SecurityGroup", "aws:cloudwatch/logGroup:LogGroup", "aws:apigateway/domainName:DomainName"}
	replaceableTypes = []string{"aws:apigateway/deployment:Deployment", "aws:apigateway/restApiPolicy:RestApiPolicy", "aws:lambda/permission:Permission"}
)

// stateProtect maps each resource type to the protect flags of its resources
// in the stack's state.
func (s *engineStack) stateProtect() map[string][]bool {
	s.t.Helper()
	dep, err := s.stack.Export(testContext(s.t))
	require.NoError(s.t, err)
	var state struct {
		Resources []struct {
			Type    string `json:"type"`
			Protect bool   `json:"protect"`
		} `json:"resources"`
	}
	require.NoError(s.t, json.Unmarshal(dep.Deployment, &state))
	out := map[string][]bool{}
	for _, r := range state.Resources {
		out[r.Type] = append(out[r.Type], r.Protect)
	}
	return out
}

// TestProdLifecycle: prod with protect on can still change its routes (the
// deployment and the Lambda permissions are replaced), has nothing left to do
// afterwards, and cannot be destroyed while protected.
func TestProdLifecycle(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "prod", withSeed(seedProdNetworks))

	up := s.mustUp()
	t.Logf("prod up: %v, %d provider processes", up.elapsed, up.processes)
	protect := s.stateProtect()
	for _, typ := range protectedTypes {
		require.NotEmptyf(t, protect[typ], "prod registers %s", typ)
		for _, p := range protect[typ] {
			assert.Truef(t, p, "%s must be protected in prod", typ)
		}
	}
	for _, typ := range replaceableTypes {
		require.NotEmptyf(t, protect[typ], "prod registers %s", typ)
		for _, p := range protect[typ] {
			assert.Falsef(t, p, "%s must never be protected: changes replace it", typ)
		}
	}
	var apiId string
	var prodApi fakeaws.RestApi
	s.cloudView(func(c *fakeaws.Cloud) {
		for id := range c.RestApis {
			apiId = id
		}
		assert.True(t, c.StageServes(apiId, "prod", "GET", "/orders/{id}"))
		orders, ok := c.StageRoute(apiId, "prod", "GET", "/orders/{id}")
		assert.True(t, ok)
		assert.Equal(t, "gim7c3", orders.ConnectionId, "the internal orders backend is reached through the VPC link, not the internet")
		assert.True(t, c.StageServes(apiId, "prod", "POST", "/ledger/{proxy+}"))
		prodApi = *c.RestApis[apiId]
	})
	requireEndpointPoliciesScoped(t, s, prodApi, "prod")
	s.cloudView(func(c *fakeaws.Cloud) {
		// The custom domain: shared with the three consumer accounts,
		// accepted and associated by the two whose endpoints the stack owns.
		require.Len(t, c.Domains, 1)
		for _, d := range c.Domains {
			assert.Equal(t, map[string]string{"v1": apiId + "/prod"}, d.Mappings)
		}
		require.Len(t, c.Shares, 1)
		for _, sh := range c.Shares {
			assert.ElementsMatch(t, []string{"444444444444", "555555555555", "666666666666"}, sh.Principals)
			assert.ElementsMatch(t, []string{"444444444444", "555555555555"}, sh.Accepted)
		}
		assert.Len(t, c.DomainAssociations, 2)
		assert.Len(t, c.Zones, 2)
		for _, a := range c.Alarms {
			assert.Equal(t, []string{"arn:aws:sns:eu-west-1:333333333333:xaccount-api-alarms"}, a.Actions, "alarm %s notifies the topic", a.Name)
		}
		assert.Len(t, c.Alarms, 6, "two per consumer")
	})
	// A workload of each consumer VPC reaches the API through the domain,
	// with the endpoint policies the stack attached (which AWS evaluates
	// against the domain's ARN too).
	s.cloudView(func(c *fakeaws.Cloud) {
		for _, w := range []struct{ account, vpc, cidr string }{
			{"444444444444", "vpc-0a1b2c3d4e5f60718", "10.40.8.0/22"},
			{"555555555555", "vpc-0f1e2d3c4b5a69788", "10.50.0.0/20"},
		} {
			status, failure := c.CallFromWorkload(fakeaws.Scope{Account: w.account, Region: "eu-west-1"}, w.vpc, w.cidr, "https://api.internal.example.com/v1/orders/42")
			assert.Equalf(t, 200, status, "account %s through the domain (failure %q)", w.account, failure)
		}
	})
	steps, _ := s.outputs()["consumers"].Value.(map[string]any)["analytics"].(map[string]any)["customDomainSteps"].([]any)
	require.Len(t, steps, 4, "the analytics team gets its steps")
	assert.Contains(t, steps[1], "--access-association-source vpce-0123456789abcdef0")
	assert.Contains(t, steps[2], ":execute-api:eu-west-1:333333333333:/domainnames/", "the endpoint policy must allow the domain")

	s.step(t, "a route change goes through with protect on", func(t *testing.T) {
		var doc map[string]any
		b, err := os.ReadFile(filepath.Join(s.workDir, "Pulumi.prod.yaml"))
		require.NoError(t, err)
		require.NoError(t, yaml.Unmarshal(b, &doc))
		api := doc["config"].(map[string]any)["xaccount-api:api"].(map[string]any)
		routes := api["routes"].([]any)
		routes[1].(map[string]any)["path"] = "/orders/{id}/status"       // renamed
		routes[2].(map[string]any)["path"] = "/payments/ledger/{proxy+}" // the Lambda permission is replaced
		s.editConfig("api", api)
		r := s.mustUp()
		t.Logf("prod route change: %v", r.elapsed)
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.True(t, c.StageServes(apiId, "prod", "GET", "/orders/{id}/status"))
			assert.False(t, c.StageServes(apiId, "prod", "GET", "/orders/{id}"), "the renamed path is gone")
			assert.False(t, c.StageServes(apiId, "prod", "GET", "/ledger/{proxy+}"))
			assert.Len(t, c.Permissions, 1, "the old Lambda permission is removed")
			for _, p := range c.Permissions {
				assert.Contains(t, p.SourceArn, "/payments/ledger/*")
			}
			policy, ok := c.StagePolicy(apiId, "prod")
			require.True(t, ok)
			assert.NotEmpty(t, policy, "the deployed snapshot keeps the resource policy")
		})
	})

	s.step(t, "then a preview has no changes", func(t *testing.T) { requireNoChanges(t, s) })

	s.step(t, "destroy is refused by protection", func(t *testing.T) {
		r := s.destroy()
		require.Error(t, r.err)
		assert.Contains(t, r.out+r.errOut+r.err.Error(), "protected")
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.Contains(t, c.RestApis, apiId, "the API survives")
			assert.NotEmpty(t, c.Stages, "the stage survives")
		})
	})
}

// TestPrivateDnsInAnExistingVpcNeedsItsDnsAttributes: asking for private DNS
// in an existing VPC whose DNS hostnames are off fails at preview and at up,
// naming the consumer, the VPC and the attribute, and no endpoint is created
// in that VPC.
func TestPrivateDnsInAnExistingVpcNeedsItsDnsAttributes(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	file := strings.Replace(string(b), "    - name: payments\n", "    - name: payments\n      privateDns: true\n", 1)
	require.NotEqual(t, string(b), file)
	s := newEngineStack(t, "prod", withStackFile([]byte(file)), withSeed(func(store *fakeaws.Store) error {
		if err := seedProdNetworks(store); err != nil {
			return err
		}
		return store.Update(func(c *fakeaws.Cloud) error {
			c.Vpcs["vpc-0a1b2c3d4e5f60718"].EnableDnsHostnames = false
			return nil
		})
	}))
	for _, op := range []func() result{s.preview, s.up} {
		r := op()
		require.Error(t, r.err)
		assert.Contains(t, r.out+r.errOut+r.err.Error(), "consumer payments: private DNS is on but VPC vpc-0a1b2c3d4e5f60718 has enableDnsHostnames off; turn them on")
	}
	s.cloudView(func(c *fakeaws.Cloud) {
		for _, e := range c.Endpoints {
			assert.NotEqual(t, "vpc-0a1b2c3d4e5f60718", e.VpcId, "no endpoint is created in that VPC")
		}
	})
}

// TestCustomDomainInAnExistingVpcNeedsItsDnsAttributes: the committed prod
// stack's custom domain resolves through a private hosted zone, so ledger's
// existing VPC (private DNS off) with DNS support off fails at preview,
// naming the consumer, the VPC and the attribute, before anything exists.
func TestCustomDomainInAnExistingVpcNeedsItsDnsAttributes(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "prod", withSeed(func(store *fakeaws.Store) error {
		if err := seedProdNetworks(store); err != nil {
			return err
		}
		return store.Update(func(c *fakeaws.Cloud) error {
			c.Vpcs["vpc-0f1e2d3c4b5a69788"].EnableDnsSupport = false
			return nil
		})
	}))
	r := s.preview()
	require.Error(t, r.err)
	assert.Contains(t, r.out+r.errOut+r.err.Error(), "consumer ledger: the API's custom domain resolves through a private hosted zone but VPC vpc-0f1e2d3c4b5a69788 has enableDnsSupport off; turn them on in the VPC")
	s.cloudView(func(c *fakeaws.Cloud) { assert.Empty(t, c.Calls, "nothing was created") })
}

// TestAccessLogsNeedTheAccountRole: prod does not create the account-wide
// API Gateway CloudWatch role; in a producer account without one, up fails
// before anything is created: the preflight reads the account setting and
// names the key to change with API Gateway's error, which the stage would
// otherwise give after the endpoints and the API exist.
func TestAccessLogsNeedTheAccountRole(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "prod", withSeed(func(store *fakeaws.Store) error {
		if err := seedProdNetworks(store); err != nil {
			return err
		}
		return store.Update(func(c *fakeaws.Cloud) error {
			c.AccountRoles = map[string]string{}
			return nil
		})
	}))
	r := s.up()
	require.Error(t, r.err)
	assert.Contains(t, r.out, "xaccount-api:api.accessLogs.createAccountRole: is false")
	assert.Contains(t, r.out, "CloudWatch Logs role ARN must be set in account settings to enable logging")
	requireNoResourcePlanned(t, s, r)
}
