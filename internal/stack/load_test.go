package stack

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validConfig is a complete, valid configuration as decoded values.
func validConfig() map[string]any {
	return map[string]any{
		"region": "eu-west-1",
		"producer": map[string]any{
			"accountId": "111111111111",
			"roleArn":   "arn:aws:iam::111111111111:role/deployer",
		},
		"consumers": []any{
			map[string]any{
				"name": "app", "accountId": "222222222222",
				"roleArn": "arn:aws:iam::222222222222:role/deployer",
				"vpc":     map[string]any{"cidr": "10.20.0.0/24", "azCount": 2},
			},
			map[string]any{
				"name": "batch", "accountId": "333333333333", "profile": "batch",
				"vpc":          map[string]any{"id": "vpc-0123456789abcdef0", "subnetIds": []any{"subnet-0123456789abcdef1"}},
				"allowedCidrs": []any{"10.30.0.0/16"},
			},
		},
		"api": map[string]any{
			"name": "orders",
			"routes": []any{
				map[string]any{"path": "/", "method": "GET", "integration": map[string]any{"type": "mock", "statusCode": 200, "body": "{}"}},
				map[string]any{"path": "/orders/{id}", "method": "GET", "integration": map[string]any{"type": "http_proxy", "uri": "https://orders.example.com/{id}"}},
				map[string]any{"path": "/ledger/{proxy+}", "method": "ANY", "integration": map[string]any{"type": "lambda", "functionArn": "arn:aws:lambda:eu-west-1:111111111111:function:ledger"}},
			},
		},
		"tags": map[string]any{"team": "platform"},
	}
}

// rawOf encodes decoded values the way the engine passes them to a program.
func rawOf(t *testing.T, cfg map[string]any) map[string]string {
	t.Helper()
	raw := map[string]string{}
	for k, v := range cfg {
		full := k
		if !strings.Contains(k, ":") {
			full = Namespace + ":" + k
		}
		if s, ok := v.(string); ok {
			raw[full] = s
			continue
		}
		b, err := json.Marshal(v)
		require.NoError(t, err)
		raw[full] = string(b)
	}
	return raw
}

// at walks a decoded config by keys and list indexes.
func at(cfg map[string]any, path ...any) map[string]any {
	var cur any = cfg
	for _, p := range path {
		switch k := p.(type) {
		case string:
			cur = cur.(map[string]any)[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
	return cur.(map[string]any)
}

func TestLoadValidConfig(t *testing.T) {
	cfg, err := Load(rawOf(t, validConfig()), nil, "dev")
	require.NoError(t, err)
	assert.Equal(t, "eu-west-1", cfg.Region)
	assert.Equal(t, "111111111111", cfg.Producer.AccountID)
	require.Len(t, cfg.Consumers, 2)
	assert.Equal(t, &NewVpc{Cidr: "10.20.0.0/24", AzCount: 2}, cfg.Consumers[0].NewVpc)
	assert.True(t, cfg.Consumers[0].PrivateDNS, "private DNS defaults to on")
	assert.Equal(t, "batch", cfg.Consumers[1].Profile)
	assert.Equal(t, []string{"10.30.0.0/16"}, cfg.Consumers[1].AllowedCidrs)
	assert.Equal(t, "dev", cfg.API.StageName, "the stage defaults to the stack name")
	assert.Len(t, cfg.API.Routes, 3)
	assert.Equal(t, map[string]string{"team": "platform"}, cfg.Tags)
}

func TestLoadDefaults(t *testing.T) {
	c := validConfig()
	delete(c, "api")
	delete(c, "tags")
	delete(at(c, "consumers", 0, "vpc"), "azCount")
	cfg, err := Load(rawOf(t, c), nil, "staging")
	require.NoError(t, err)
	assert.Equal(t, "xaccount-api-staging", cfg.API.Name)
	assert.Equal(t, "staging", cfg.API.StageName)
	assert.Equal(t, defaultRouteConfigs(), cfg.API.Routes)
	assert.Equal(t, 2, cfg.Consumers[0].NewVpc.AzCount)
	assert.False(t, cfg.Protect)
	assert.Equal(t, "restricted", cfg.Consumers[0].EndpointPolicy)
}

// TestLoadPrivateDnsDefaultsByKind: on only in a VPC the stack creates.
func TestLoadPrivateDnsDefaultsByKind(t *testing.T) {
	c := validConfig()
	c["consumers"] = append(c["consumers"].([]any),
		map[string]any{"name": "partner", "accountId": "444444444444", "endpointId": "vpce-0fffffffffffffff0"},
		map[string]any{"name": "shared", "accountId": "444444444444", "endpointId": "vpce-0eeeeeeeeeeeeeee0", "privateDns": true})
	cfg, err := Load(rawOf(t, c), nil, "dev")
	require.NoError(t, err)
	got := map[string]bool{}
	for _, cons := range cfg.Consumers {
		got[cons.Name] = cons.PrivateDNS
	}
	assert.Equal(t, map[string]bool{"app": true, "batch": false, "partner": false, "shared": true}, got,
		"created VPC on; existing VPC and existing endpoint off unless asked for")
}

func TestLoadExistingEndpointNeedsNoCredentials(t *testing.T) {
	c := validConfig()
	c["consumers"] = append(c["consumers"].([]any), map[string]any{
		"name": "partner", "accountId": "444444444444", "endpointId": "vpce-0fffffffffffffff0",
		"endpointDnsName": "vpce-0fffffffffffffff0-abcd1234.execute-api.eu-west-1.vpce.amazonaws.com",
	})
	cfg, err := Load(rawOf(t, c), nil, "dev")
	require.NoError(t, err)
	assert.False(t, cfg.Consumers[2].ManagesEndpoint())
}

// useExternalEndpoint turns consumer i into one whose endpoint, id, is owned elsewhere.
func useExternalEndpoint(c map[string]any, i int, id string) {
	cons := at(c, "consumers", i)
	for _, k := range []string{"vpc", "profile", "roleArn", "allowedCidrs"} {
		delete(cons, k)
	}
	cons["endpointId"] = id
}

// badCase is one invalid configuration and the key its problem must name.
type badCase struct {
	name   string
	change func(c map[string]any)
	key    string
	says   string
}

var badCases = []badCase{
	{"log retention CloudWatch refuses", func(c map[string]any) {
		c["api"].(map[string]any)["accessLogs"] = map[string]any{"retentionDays": 10}
	}, "xaccount-api:api.accessLogs.retentionDays", "expected one of the periods CloudWatch Logs accepts"},
	{"throttle out of range", func(c map[string]any) { c["api"].(map[string]any)["throttle"] = map[string]any{"rateLimit": 0} }, "xaccount-api:api.throttle.rateLimit", "a whole number from 1"},
	{"unknown access log key", func(c map[string]any) { c["api"].(map[string]any)["accessLogs"] = map[string]any{"bucket": "x"} }, "xaccount-api:api.accessLogs.bucket", "unknown key"},
	{"extra statement that allows around the Deny", func(c map[string]any) {
		c["api"].(map[string]any)["extraPolicyStatements"] = []any{map[string]any{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "NotResource": "execute-api:/*/DELETE/*"}}
	}, "xaccount-api:api.extraPolicyStatements[0]", "NotResource in an Allow"},
	{"extra statement that allows every action", func(c map[string]any) {
		c["api"].(map[string]any)["extraPolicyStatements"] = []any{map[string]any{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}
	}, "xaccount-api:api.extraPolicyStatements[0]", "only execute-api:Invoke"},
	{"extra statements not a list", func(c map[string]any) { c["api"].(map[string]any)["extraPolicyStatements"] = "deny all" }, "xaccount-api:api.extraPolicyStatements", "a list of IAM policy statements"},
	{"unknown authorization", func(c map[string]any) { c["api"].(map[string]any)["authorization"] = "IAM" }, "xaccount-api:api.authorization", `got "IAM"`},
	{"organization without AWS_IAM", func(c map[string]any) { c["api"].(map[string]any)["principalOrgId"] = "o-abcdefghij" }, "xaccount-api:api.principalOrgId", "AWS_IAM only"},
	{"malformed organization", func(c map[string]any) {
		c["api"].(map[string]any)["authorization"] = "AWS_IAM"
		c["api"].(map[string]any)["principalOrgId"] = "org-1"
	}, "xaccount-api:api.principalOrgId", `got "org-1"`},
	{"principals without AWS_IAM", func(c map[string]any) {
		at(c, "consumers", 0)["principals"] = []any{"arn:aws:iam::222222222222:role/app"}
	}, "xaccount-api:consumers[0].principals", "AWS_IAM only"},
	{"principal of another account", func(c map[string]any) {
		c["api"].(map[string]any)["authorization"] = "AWS_IAM"
		at(c, "consumers", 0)["principals"] = []any{"arn:aws:iam::999999999999:role/app"}
	}, "xaccount-api:consumers[0].principals[0]", "expected a principal of this consumer's account 222222222222"},
	{"principal not a role or user", func(c map[string]any) {
		c["api"].(map[string]any)["authorization"] = "AWS_IAM"
		at(c, "consumers", 0)["principals"] = []any{"arn:aws:iam::222222222222:group/devs"}
	}, "xaccount-api:consumers[0].principals[0]", "an IAM role or user ARN"},
	{"unknown endpoint policy", func(c map[string]any) { at(c, "consumers", 0)["endpointPolicy"] = "open" }, "xaccount-api:consumers[0].endpointPolicy", `got "open"`},
	{"endpoint policy with an existing endpoint", func(c map[string]any) {
		useExternalEndpoint(c, 0, "vpce-0fffffffffffffff0")
		at(c, "consumers", 0)["endpointPolicy"] = "full"
	}, "xaccount-api:consumers[0].endpointPolicy", "not used"},
	{"missing region", func(c map[string]any) { delete(c, "region") }, "xaccount-api:region", "missing"},
	{"bad region", func(c map[string]any) { c["region"] = "Europe" }, "xaccount-api:region", `got "Europe"`},
	{"missing producer", func(c map[string]any) { delete(c, "producer") }, "xaccount-api:producer", "missing"},
	{"producer not an object", func(c map[string]any) { c["producer"] = []any{1} }, "xaccount-api:producer", "expected an object"},
	{"missing consumers", func(c map[string]any) { delete(c, "consumers") }, "xaccount-api:consumers", "missing"},
	{"empty consumers", func(c map[string]any) { c["consumers"] = []any{} }, "xaccount-api:consumers", "at least one"},
	{"missing producer account", func(c map[string]any) { delete(at(c, "producer"), "accountId") }, "xaccount-api:producer.accountId", "missing"},
	{"short account id", func(c map[string]any) { at(c, "consumers", 1)["accountId"] = "12345" }, "xaccount-api:consumers[1].accountId", `got "12345"`},
	{"account id with letters", func(c map[string]any) { at(c, "producer")["accountId"] = "11111111111a" }, "xaccount-api:producer.accountId", "12-digit"},
	{"role and profile", func(c map[string]any) { at(c, "producer")["profile"] = "p" }, "xaccount-api:producer", "both roleArn and profile"},
	{"neither role nor profile", func(c map[string]any) { delete(at(c, "consumers", 0), "roleArn") }, "xaccount-api:consumers[0]", "neither roleArn nor profile"},
	{"role in another account", func(c map[string]any) {
		at(c, "producer")["roleArn"] = "arn:aws:iam::999999999999:role/deployer"
	}, "xaccount-api:producer.roleArn", "expected a role in account 111111111111"},
	{"malformed role", func(c map[string]any) { at(c, "producer")["roleArn"] = "deployer" }, "xaccount-api:producer.roleArn", "IAM role ARN"},
	{"externalId without role", func(c map[string]any) { at(c, "consumers", 1)["externalId"] = "abc" }, "xaccount-api:consumers[1].externalId", "only applies with roleArn"},
	{"bad session name", func(c map[string]any) { at(c, "producer")["sessionName"] = "a b" }, "xaccount-api:producer.sessionName", `got "a b"`},
	{"bad vpc cidr", func(c map[string]any) { at(c, "consumers", 0, "vpc")["cidr"] = "10.20.0.0/33" }, "xaccount-api:consumers[0].vpc.cidr", "10.20.0.0/33"},
	{"vpc cidr with host bits", func(c map[string]any) { at(c, "consumers", 0, "vpc")["cidr"] = "10.20.0.1/24" }, "xaccount-api:consumers[0].vpc.cidr", "no host bits"},
	{"vpc too large", func(c map[string]any) { at(c, "consumers", 0, "vpc")["cidr"] = "10.0.0.0/8" }, "xaccount-api:consumers[0].vpc.cidr", "/16 to /28"},
	{"azCount out of range", func(c map[string]any) { at(c, "consumers", 0, "vpc")["azCount"] = 9 }, "xaccount-api:consumers[0].vpc.azCount", "1 to 6"},
	{"azCount not a number", func(c map[string]any) { at(c, "consumers", 0, "vpc")["azCount"] = "two" }, "xaccount-api:consumers[0].vpc.azCount", "whole number"},
	{"bad allowed cidr", func(c map[string]any) { at(c, "consumers", 1)["allowedCidrs"] = []any{"10.30.0.0/16", "300.0.0.0/8"} }, "xaccount-api:consumers[1].allowedCidrs[1]", "300.0.0.0/8"},
	{"open-world cidr", func(c map[string]any) { at(c, "consumers", 1)["allowedCidrs"] = []any{"0.0.0.0/0"} }, "xaccount-api:consumers[1].allowedCidrs[0]", "open to the world"},
	{"malformed vpc id", func(c map[string]any) { at(c, "consumers", 1, "vpc")["id"] = "vpc-123" }, "xaccount-api:consumers[1].vpc.id", `got "vpc-123"`},
	{"malformed subnet id", func(c map[string]any) { at(c, "consumers", 1, "vpc")["subnetIds"] = []any{"subnet-xyz"} }, "xaccount-api:consumers[1].vpc.subnetIds[0]", `got "subnet-xyz"`},
	{"missing subnets", func(c map[string]any) { delete(at(c, "consumers", 1, "vpc"), "subnetIds") }, "xaccount-api:consumers[1].vpc.subnetIds", "missing"},
	{"cidr and id", func(c map[string]any) { at(c, "consumers", 1, "vpc")["cidr"] = "10.0.0.0/24" }, "xaccount-api:consumers[1].vpc", "both cidr and id"},
	{"malformed endpoint id", func(c map[string]any) { useExternalEndpoint(c, 1, "vpce-nothex") }, "xaccount-api:consumers[1].endpointId", `got "vpce-nothex"`},
	{"vpc and endpoint", func(c map[string]any) { at(c, "consumers", 0)["endpointId"] = "vpce-0fffffffffffffff0" }, "xaccount-api:consumers[0]", "both vpc and endpointId"},
	{"neither vpc nor endpoint", func(c map[string]any) { delete(at(c, "consumers", 0), "vpc") }, "xaccount-api:consumers[0]", "neither vpc nor endpointId"},
	{"duplicate consumer names", func(c map[string]any) { at(c, "consumers", 1)["name"] = "app" }, "xaccount-api:consumers[1].name", "already used by xaccount-api:consumers[0]"},
	{"bad consumer name", func(c map[string]any) { at(c, "consumers", 0)["name"] = "App_1" }, "xaccount-api:consumers[0].name", `got "App_1"`},
	{"bad stage name", func(c map[string]any) { at(c, "api")["stageName"] = "my-stage" }, "xaccount-api:api.stageName", `got "my-stage"`},
	{"bad route path", func(c map[string]any) { at(c, "api", "routes", 1)["path"] = "/orders/" }, "xaccount-api:api.routes[1].path", `got "/orders/"`},
	{"greedy not last", func(c map[string]any) { at(c, "api", "routes", 2)["path"] = "/{proxy+}/x" }, "xaccount-api:api.routes[2].path", "last"},
	{"bad route method", func(c map[string]any) { at(c, "api", "routes", 0)["method"] = "FETCH" }, "xaccount-api:api.routes[0].method", `got "FETCH"`},
	{"duplicate routes", func(c map[string]any) {
		at(c, "api")["routes"] = append(at(c, "api")["routes"].([]any), map[string]any{"path": "/", "method": "GET", "integration": map[string]any{"type": "mock"}})
	}, "xaccount-api:api.routes[3]", "duplicate route GET /"},
	{"unknown integration type", func(c map[string]any) { at(c, "api", "routes", 0, "integration")["type"] = "grpc" }, "xaccount-api:api.routes[0].integration.type", `got "grpc"`},
	{"non-https proxy", func(c map[string]any) { at(c, "api", "routes", 1, "integration")["uri"] = "http://orders.example.com" }, "xaccount-api:api.routes[1].integration.uri", "https"},
	{"lambda in another account", func(c map[string]any) {
		at(c, "api", "routes", 2, "integration")["functionArn"] = "arn:aws:lambda:eu-west-1:999999999999:function:ledger"
	}, "xaccount-api:api.routes[2].integration.functionArn", "producer account 111111111111"},
	{"lambda in another region", func(c map[string]any) {
		at(c, "api", "routes", 2, "integration")["functionArn"] = "arn:aws:lambda:us-east-1:111111111111:function:ledger"
	}, "xaccount-api:api.routes[2].integration.functionArn", "region us-east-1"},
	{"integration key of another type", func(c map[string]any) { at(c, "api", "routes", 0, "integration")["uri"] = "https://x" }, "xaccount-api:api.routes[0].integration.uri", "unknown key"},
	{"status out of range", func(c map[string]any) { at(c, "api", "routes", 0, "integration")["statusCode"] = 42 }, "xaccount-api:api.routes[0].integration.statusCode", "100 to 599"},
	{"unknown top-level key", func(c map[string]any) { c["regoin"] = "eu-west-1" }, "xaccount-api:regoin", "unknown key"},
	{"unknown consumer key", func(c map[string]any) { at(c, "consumers", 0)["vpcId"] = "vpc-0123456789abcdef0" }, "xaccount-api:consumers[0].vpcId", "unknown key"},
	{"account id with a leading zero stored as a number", func(c map[string]any) { c["producer"].(map[string]any)["accountId"] = int64(12345678901) }, "xaccount-api:producer.accountId", "pulumi config set --path --type string"},
	{"tag value not a string", func(c map[string]any) { c["tags"] = map[string]any{"cost": 12} }, "xaccount-api:tags.cost", "set it with pulumi config set --path --type string"},
	{"aws: tag", func(c map[string]any) { c["tags"] = map[string]any{"aws:owner": "x"} }, "xaccount-api:tags", "aws:"},
	{"empty roleArn", func(c map[string]any) { at(c, "producer")["roleArn"] = "" }, "xaccount-api:producer.roleArn", `got ""`},
	{"empty profile", func(c map[string]any) { at(c, "consumers", 1)["profile"] = "" }, "xaccount-api:consumers[1].profile", `got ""`},
	{"empty vpc id", func(c map[string]any) { at(c, "consumers", 1, "vpc")["id"] = "" }, "xaccount-api:consumers[1].vpc.id", `got ""`},
	{"empty vpc cidr", func(c map[string]any) { at(c, "consumers", 0, "vpc")["cidr"] = "" }, "xaccount-api:consumers[0].vpc.cidr", `got ""`},
	{"empty endpoint id", func(c map[string]any) { useExternalEndpoint(c, 1, "") }, "xaccount-api:consumers[1].endpointId", `got ""`},
	{"protect not a bool", func(c map[string]any) { c["protect"] = "yes" }, "xaccount-api:protect", "true or false"},
}

func TestLoadRejectsBadConfig(t *testing.T) {
	for _, tc := range badCases {
		t.Run(tc.name, func(t *testing.T) {
			c := validConfig()
			tc.change(c)
			cfg, err := Load(rawOf(t, c), nil, "dev")
			require.Error(t, err)
			assert.Nil(t, cfg)
			var ce *ConfigError
			require.True(t, errors.As(err, &ce))
			found := false
			for _, p := range ce.Problems {
				if p.Key == tc.key && strings.Contains(p.Message, tc.says) {
					found = true
				}
			}
			assert.Truef(t, found, "want a problem at %s saying %q; got:\n%v", tc.key, tc.says, err)
		})
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	c := validConfig()
	c["region"] = "nowhere"
	at(c, "producer")["accountId"] = "1"
	at(c, "api")["stageName"] = "a-b"
	_, err := Load(rawOf(t, c), nil, "dev")
	var ce *ConfigError
	require.True(t, errors.As(err, &ce))
	keys := map[string]bool{}
	for _, p := range ce.Problems {
		keys[p.Key] = true
	}
	for _, k := range []string{"xaccount-api:region", "xaccount-api:producer.accountId", "xaccount-api:api.stageName"} {
		assert.Truef(t, keys[k], "missing problem for %s in:\n%v", k, err)
	}
	assert.Equal(t, len(ce.Problems), strings.Count(err.Error(), "\n")+1, "one problem per line")
}

func TestLoadDefaultStageFromInvalidStackName(t *testing.T) {
	c := validConfig()
	delete(c, "api")
	_, err := Load(rawOf(t, c), nil, "my-stack")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `xaccount-api:api.stageName: not set, and the default, the stack name "my-stack", is not valid`)
}

func TestLoadSecretPlaceholderIsNotChecked(t *testing.T) {
	c := validConfig()
	at(c, "producer")["externalId"] = SecretPlaceholder
	_, err := Load(rawOf(t, c), []string{"xaccount-api:producer"}, "dev")
	require.NoError(t, err)
	cfg, err := Load(rawOf(t, c), []string{"xaccount-api:producer"}, "dev")
	require.NoError(t, err)
	assert.True(t, cfg.Producer.Secret)
}

func TestLoadIgnoresOtherNamespaces(t *testing.T) {
	raw := rawOf(t, validConfig())
	raw["aws:region"] = "us-east-1"
	raw["pulumi:disable-default-providers"] = `["*"]`
	_, err := Load(raw, nil, "dev")
	assert.NoError(t, err)
}

func TestLoadNeverPanicsOnOddValues(t *testing.T) {
	for _, raw := range []map[string]string{
		{},
		{"xaccount-api:producer": "not json"},
		{"xaccount-api:consumers": "null"},
		{"xaccount-api:consumers": "[null, 1, \"x\", []]"},
		{"xaccount-api:api": `{"routes": [null, {"integration": 5}, {"path": 1, "method": true}]}`},
		{"xaccount-api:tags": "[]"},
		{"xaccount-api:producer": `{"accountId": 111111111111, "roleArn": 5}`},
	} {
		_, err := Load(raw, nil, "dev")
		assert.Error(t, err)
	}
}

// TestLoadAcceptsProjectDefaults: the engine applies Pulumi.yaml's defaults
// ({} for api and tags, false for protect) to a stack that omits them.
func TestLoadAcceptsProjectDefaults(t *testing.T) {
	raw := rawOf(t, validConfig())
	delete(raw, "xaccount-api:api")
	raw["xaccount-api:api"], raw["xaccount-api:tags"], raw["xaccount-api:protect"] = "{}", "{}", "false"
	cfg, err := Load(raw, nil, "dev")
	require.NoError(t, err)
	assert.Equal(t, "dev", cfg.API.StageName)
	assert.Len(t, cfg.API.Routes, 1, "the default route")
	assert.Empty(t, cfg.Tags)
	assert.False(t, cfg.Protect)
}

// TestLoadAcceptsANarrowingExtraStatement: a Deny on one method passes and
// reaches the config as written.
func TestLoadAcceptsANarrowingExtraStatement(t *testing.T) {
	c := validConfig()
	stmt := map[string]any{"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/DELETE/*"}
	c["api"].(map[string]any)["extraPolicyStatements"] = []any{stmt}
	cfg, err := Load(rawOf(t, c), nil, "dev")
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{stmt}, cfg.API.ExtraPolicyStatements)
}

func TestLoadStageHardeningDefaultsAndOptOut(t *testing.T) {
	cfg, err := Load(rawOf(t, validConfig()), nil, "dev")
	require.NoError(t, err)
	require.NotNil(t, cfg.API.AccessLogs, "access logs are on by default")
	assert.Equal(t, 30, cfg.API.AccessLogs.RetentionDays)
	assert.False(t, cfg.API.AccessLogs.CreateAccountRole, "the account-wide role only when asked for")
	assert.Equal(t, float64(DefaultRateLimit), cfg.API.Throttle.RateLimit)

	c := validConfig()
	c["api"].(map[string]any)["accessLogs"] = map[string]any{"enabled": false}
	cfg, err = Load(rawOf(t, c), nil, "dev")
	require.NoError(t, err)
	assert.Nil(t, cfg.API.AccessLogs)
}
