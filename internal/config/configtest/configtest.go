// Package configtest holds the fixtures the config and stack tests share:
// a complete, valid configuration and its encoding as the engine passes it.
package configtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/config"
)

// Valid is a complete, valid configuration as decoded values.
func Valid() map[string]any {
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

// Raw encodes decoded values the way the engine passes them to a program
// (Encode), failing the test on a value JSON cannot hold.
func Raw(t testing.TB, cfg map[string]any) map[string]string {
	t.Helper()
	raw, err := Encode(cfg)
	require.NoError(t, err)
	return raw
}

// Encode encodes decoded values the way the engine passes them to a
// program: a key without a namespace gets the project's; strings stay as
// they are, everything else becomes JSON.
func Encode(cfg map[string]any) (map[string]string, error) {
	raw := map[string]string{}
	for k, v := range cfg {
		full := k
		if !strings.Contains(k, ":") {
			full = config.Namespace + ":" + k
		}
		if s, ok := v.(string); ok {
			raw[full] = s
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("config %s: %w", full, err)
		}
		raw[full] = string(b)
	}
	return raw, nil
}

// At walks decoded values by keys and list indexes to the object there.
func At(cfg map[string]any, path ...any) map[string]any {
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

// UseExternalEndpoint turns consumer i into one whose endpoint, id, is owned elsewhere.
func UseExternalEndpoint(c map[string]any, i int, id string) {
	cons := At(c, "consumers", i)
	for _, k := range []string{"vpc", "profile", "roleArn", "allowedCidrs"} {
		delete(cons, k)
	}
	cons["endpointId"] = id
}

// AddHub gives Valid() a hub in network account 777777777777 and two
// spokes (consumers[2] orders and consumers[3] billing) in two more accounts.
func AddHub(c map[string]any) {
	c["hub"] = map[string]any{
		"accountId": "777777777777", "profile": "network",
		"vpc": map[string]any{"id": "vpc-0a1b2c3d4e5f60718", "subnetIds": []any{"subnet-0a1b2c3d4e5f60719", "subnet-0a1b2c3d4e5f6071a"}},
		"dns": "none",
	}
	c["consumers"] = append(c["consumers"].([]any),
		map[string]any{"name": "orders", "accountId": "444444444444", "via": "hub",
			"vpc": map[string]any{"id": "vpc-0b1c2d3e4f5a60718"}, "allowedCidrs": []any{"10.40.0.0/24"}},
		map[string]any{"name": "billing", "accountId": "555555555555", "via": "hub",
			"vpc": map[string]any{"id": "vpc-0c1d2e3f4a5b60718"}, "allowedCidrs": []any{"10.50.0.0/24", "10.51.0.0/25"}},
	)
}

// BadCase is one invalid configuration and the problem it must produce.
type BadCase struct {
	// Name describes the mistake.
	Name string
	// Change turns Valid() into the bad configuration.
	Change func(c map[string]any)
	// Key is the full config key the problem names.
	Key string
	// Says is part of the problem's message.
	Says string
}

// BadCases are the invalid configurations every layer must refuse.
var BadCases = []BadCase{
	{"log retention CloudWatch refuses", func(c map[string]any) {
		c["api"].(map[string]any)["accessLogs"] = map[string]any{"retentionDays": 10}
	}, "xaccount-api:api.accessLogs.retentionDays", "expected one of the periods CloudWatch Logs accepts"},
	{"throttle out of range", func(c map[string]any) { c["api"].(map[string]any)["throttle"] = map[string]any{"rateLimit": 0} }, "xaccount-api:api.throttle.rateLimit", "expected a rate from 1 to 10000"},
	{"multi-level base path of a private custom domain", func(c map[string]any) {
		c["api"].(map[string]any)["customDomain"] = map[string]any{"name": "orders.internal.example.com",
			"certificateArn": "arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "basePath": "orders/v1"}
	}, "xaccount-api:api.customDomain.basePath", "a multi-level base path"},
	{"more default tags than a custom domain's hosted zone takes", func(c map[string]any) {
		c["api"].(map[string]any)["customDomain"] = map[string]any{"name": "orders.internal.example.com",
			"certificateArn": "arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"}
		tags := map[string]any{}
		for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"} {
			tags[k] = "v"
		}
		c["tags"] = tags
	}, "xaccount-api:tags", "takes at most 10 tags"},
	{"unknown access log key", func(c map[string]any) { c["api"].(map[string]any)["accessLogs"] = map[string]any{"bucket": "x"} }, "xaccount-api:api.accessLogs.bucket", "unknown key"},
	{"extra statement that allows around the Deny", func(c map[string]any) {
		c["api"].(map[string]any)["extraPolicyStatements"] = []any{map[string]any{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "NotResource": "execute-api:/*/DELETE/*"}}
	}, "xaccount-api:api.extraPolicyStatements[0]", "NotResource in an Allow"},
	{"extra statement that allows every action", func(c map[string]any) {
		c["api"].(map[string]any)["extraPolicyStatements"] = []any{map[string]any{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}
	}, "xaccount-api:api.extraPolicyStatements[0]", "only execute-api:Invoke"},
	{"extra statements not a list", func(c map[string]any) { c["api"].(map[string]any)["extraPolicyStatements"] = "deny all" }, "xaccount-api:api.extraPolicyStatements", "a list of IAM policy statements"},
	{"unknown authorization", func(c map[string]any) { c["api"].(map[string]any)["authorization"] = "IAM" }, "xaccount-api:api.authorization", `got "IAM"`},
	{"region of another partition", func(c map[string]any) { c["region"] = "cn-north-1" }, "xaccount-api:region", "aws-cn and aws-us-gov regions are not supported"},
	{"organization without AWS_IAM", func(c map[string]any) { c["api"].(map[string]any)["principalOrgId"] = "o-abcdefghij" }, "xaccount-api:api.principalOrgId", "AWS_IAM only"},
	{"malformed organization", func(c map[string]any) {
		c["api"].(map[string]any)["authorization"] = "AWS_IAM"
		c["api"].(map[string]any)["principalOrgId"] = "org-1"
	}, "xaccount-api:api.principalOrgId", `got "org-1"`},
	{"principals without AWS_IAM", func(c map[string]any) {
		At(c, "consumers", 0)["principals"] = []any{"arn:aws:iam::222222222222:role/app"}
	}, "xaccount-api:consumers[0].principals", "AWS_IAM only"},
	{"principal of another account", func(c map[string]any) {
		c["api"].(map[string]any)["authorization"] = "AWS_IAM"
		At(c, "consumers", 0)["principals"] = []any{"arn:aws:iam::999999999999:role/app"}
	}, "xaccount-api:consumers[0].principals[0]", "expected a principal of this consumer's account 222222222222"},
	{"principal not a role or user", func(c map[string]any) {
		c["api"].(map[string]any)["authorization"] = "AWS_IAM"
		At(c, "consumers", 0)["principals"] = []any{"arn:aws:iam::222222222222:group/devs"}
	}, "xaccount-api:consumers[0].principals[0]", "an IAM role or user ARN"},
	{"unknown endpoint policy", func(c map[string]any) { At(c, "consumers", 0)["endpointPolicy"] = "open" }, "xaccount-api:consumers[0].endpointPolicy", `got "open"`},
	{"endpoint policy with an existing endpoint", func(c map[string]any) {
		UseExternalEndpoint(c, 0, "vpce-0fffffffffffffff0")
		At(c, "consumers", 0)["endpointPolicy"] = "full"
	}, "xaccount-api:consumers[0].endpointPolicy", "not used"},
	{"missing region", func(c map[string]any) { delete(c, "region") }, "xaccount-api:region", "missing"},
	{"bad region", func(c map[string]any) { c["region"] = "Europe" }, "xaccount-api:region", `got "Europe"`},
	{"missing producer", func(c map[string]any) { delete(c, "producer") }, "xaccount-api:producer", "missing"},
	{"producer not an object", func(c map[string]any) { c["producer"] = []any{1} }, "xaccount-api:producer", "expected an object"},
	{"missing consumers", func(c map[string]any) { delete(c, "consumers") }, "xaccount-api:consumers", "missing"},
	{"empty consumers", func(c map[string]any) { c["consumers"] = []any{} }, "xaccount-api:consumers", "at least one"},
	{"missing producer account", func(c map[string]any) { delete(At(c, "producer"), "accountId") }, "xaccount-api:producer.accountId", "missing"},
	{"short account id", func(c map[string]any) { At(c, "consumers", 1)["accountId"] = "12345" }, "xaccount-api:consumers[1].accountId", `got "12345"`},
	{"account id with letters", func(c map[string]any) { At(c, "producer")["accountId"] = "11111111111a" }, "xaccount-api:producer.accountId", "12-digit"},
	{"role and profile", func(c map[string]any) { At(c, "producer")["profile"] = "p" }, "xaccount-api:producer", "both roleArn and profile"},
	{"neither role nor profile", func(c map[string]any) { delete(At(c, "consumers", 0), "roleArn") }, "xaccount-api:consumers[0]", "neither roleArn nor profile"},
	{"role in another account", func(c map[string]any) {
		At(c, "producer")["roleArn"] = "arn:aws:iam::999999999999:role/deployer"
	}, "xaccount-api:producer.roleArn", "expected a role in account 111111111111"},
	{"malformed role", func(c map[string]any) { At(c, "producer")["roleArn"] = "deployer" }, "xaccount-api:producer.roleArn", "IAM role ARN"},
	{"externalId without role", func(c map[string]any) { At(c, "consumers", 1)["externalId"] = "abc" }, "xaccount-api:consumers[1].externalId", "only applies with roleArn"},
	{"bad session name", func(c map[string]any) { At(c, "producer")["sessionName"] = "a b" }, "xaccount-api:producer.sessionName", `got "a b"`},
	{"bad vpc cidr", func(c map[string]any) { At(c, "consumers", 0, "vpc")["cidr"] = "10.20.0.0/33" }, "xaccount-api:consumers[0].vpc.cidr", "10.20.0.0/33"},
	{"vpc cidr with host bits", func(c map[string]any) { At(c, "consumers", 0, "vpc")["cidr"] = "10.20.0.1/24" }, "xaccount-api:consumers[0].vpc.cidr", "no host bits"},
	{"vpc too large", func(c map[string]any) { At(c, "consumers", 0, "vpc")["cidr"] = "10.0.0.0/8" }, "xaccount-api:consumers[0].vpc.cidr", "/16 to /28"},
	{"azCount out of range", func(c map[string]any) { At(c, "consumers", 0, "vpc")["azCount"] = 9 }, "xaccount-api:consumers[0].vpc.azCount", "1 to 6"},
	{"azCount not a number", func(c map[string]any) { At(c, "consumers", 0, "vpc")["azCount"] = "two" }, "xaccount-api:consumers[0].vpc.azCount", "whole number"},
	{"bad allowed cidr", func(c map[string]any) { At(c, "consumers", 1)["allowedCidrs"] = []any{"10.30.0.0/16", "300.0.0.0/8"} }, "xaccount-api:consumers[1].allowedCidrs[1]", "300.0.0.0/8"},
	{"open-world cidr", func(c map[string]any) { At(c, "consumers", 1)["allowedCidrs"] = []any{"0.0.0.0/0"} }, "xaccount-api:consumers[1].allowedCidrs[0]", "open to the world"},
	{"malformed vpc id", func(c map[string]any) { At(c, "consumers", 1, "vpc")["id"] = "vpc-123" }, "xaccount-api:consumers[1].vpc.id", `got "vpc-123"`},
	{"malformed subnet id", func(c map[string]any) { At(c, "consumers", 1, "vpc")["subnetIds"] = []any{"subnet-xyz"} }, "xaccount-api:consumers[1].vpc.subnetIds[0]", `got "subnet-xyz"`},
	{"missing subnets", func(c map[string]any) { delete(At(c, "consumers", 1, "vpc"), "subnetIds") }, "xaccount-api:consumers[1].vpc.subnetIds", "missing"},
	{"cidr and id", func(c map[string]any) { At(c, "consumers", 1, "vpc")["cidr"] = "10.0.0.0/24" }, "xaccount-api:consumers[1].vpc", "both cidr and id"},
	{"malformed endpoint id", func(c map[string]any) { UseExternalEndpoint(c, 1, "vpce-nothex") }, "xaccount-api:consumers[1].endpointId", `got "vpce-nothex"`},
	{"vpc and endpoint", func(c map[string]any) { At(c, "consumers", 0)["endpointId"] = "vpce-0fffffffffffffff0" }, "xaccount-api:consumers[0]", "both vpc and endpointId"},
	{"neither vpc nor endpoint", func(c map[string]any) { delete(At(c, "consumers", 0), "vpc") }, "xaccount-api:consumers[0]", "neither vpc nor endpointId"},
	{"duplicate consumer names", func(c map[string]any) { At(c, "consumers", 1)["name"] = "app" }, "xaccount-api:consumers[1].name", "already used by consumers[0]"},
	{"bad consumer name", func(c map[string]any) { At(c, "consumers", 0)["name"] = "App_1" }, "xaccount-api:consumers[0].name", `got "App_1"`},
	{"bad stage name", func(c map[string]any) { At(c, "api")["stageName"] = "my-stage" }, "xaccount-api:api.stageName", `got "my-stage"`},
	{"bad route path", func(c map[string]any) { At(c, "api", "routes", 1)["path"] = "/orders/" }, "xaccount-api:api.routes[1].path", `got "/orders/"`},
	{"greedy not last", func(c map[string]any) { At(c, "api", "routes", 2)["path"] = "/{proxy+}/x" }, "xaccount-api:api.routes[2].path", "last"},
	{"bad route method", func(c map[string]any) { At(c, "api", "routes", 0)["method"] = "FETCH" }, "xaccount-api:api.routes[0].method", `got "FETCH"`},
	{"duplicate routes", func(c map[string]any) {
		At(c, "api")["routes"] = append(At(c, "api")["routes"].([]any), map[string]any{"path": "/", "method": "GET", "integration": map[string]any{"type": "mock"}})
	}, "xaccount-api:api.routes[3]", "duplicate route GET /"},
	{"unknown integration type", func(c map[string]any) { At(c, "api", "routes", 0, "integration")["type"] = "grpc" }, "xaccount-api:api.routes[0].integration.type", `got "grpc"`},
	{"non-https proxy", func(c map[string]any) { At(c, "api", "routes", 1, "integration")["uri"] = "http://orders.example.com" }, "xaccount-api:api.routes[1].integration.uri", "https"},
	{"lambda in another account", func(c map[string]any) {
		At(c, "api", "routes", 2, "integration")["functionArn"] = "arn:aws:lambda:eu-west-1:999999999999:function:ledger"
	}, "xaccount-api:api.routes[2].integration.functionArn", "producer account 111111111111"},
	{"lambda in another region", func(c map[string]any) {
		At(c, "api", "routes", 2, "integration")["functionArn"] = "arn:aws:lambda:us-east-1:111111111111:function:ledger"
	}, "xaccount-api:api.routes[2].integration.functionArn", "region us-east-1"},
	{"integration key of another type", func(c map[string]any) { At(c, "api", "routes", 0, "integration")["uri"] = "https://x" }, "xaccount-api:api.routes[0].integration.uri", "unknown key"},
	{"status out of range", func(c map[string]any) { At(c, "api", "routes", 0, "integration")["statusCode"] = 42 }, "xaccount-api:api.routes[0].integration.statusCode", "100 to 599"},
	{"unknown top-level key", func(c map[string]any) { c["regoin"] = "eu-west-1" }, "xaccount-api:regoin", "unknown key"},
	{"unknown consumer key", func(c map[string]any) { At(c, "consumers", 0)["vpcId"] = "vpc-0123456789abcdef0" }, "xaccount-api:consumers[0].vpcId", "unknown key"},
	{"account id with a leading zero stored as a number", func(c map[string]any) { c["producer"].(map[string]any)["accountId"] = int64(12345678901) }, "xaccount-api:producer.accountId", "pulumi config set --path --type string"},
	{"tag value not a string", func(c map[string]any) { c["tags"] = map[string]any{"cost": 12} }, "xaccount-api:tags.cost", "set it with pulumi config set --path --type string"},
	{"aws: tag", func(c map[string]any) { c["tags"] = map[string]any{"aws:owner": "x"} }, "xaccount-api:tags", "aws:"},
	{"empty roleArn", func(c map[string]any) { At(c, "producer")["roleArn"] = "" }, "xaccount-api:producer.roleArn", `got ""`},
	{"empty profile", func(c map[string]any) { At(c, "consumers", 1)["profile"] = "" }, "xaccount-api:consumers[1].profile", `got ""`},
	{"empty vpc id", func(c map[string]any) { At(c, "consumers", 1, "vpc")["id"] = "" }, "xaccount-api:consumers[1].vpc.id", `got ""`},
	{"empty vpc cidr", func(c map[string]any) { At(c, "consumers", 0, "vpc")["cidr"] = "" }, "xaccount-api:consumers[0].vpc.cidr", `got ""`},
	{"empty endpoint id", func(c map[string]any) { UseExternalEndpoint(c, 1, "") }, "xaccount-api:consumers[1].endpointId", `got ""`},
	{"protect not a bool", func(c map[string]any) { c["protect"] = "yes" }, "xaccount-api:protect", "true or false"},
	{"via hub without a hub", func(c map[string]any) {
		AddHub(c)
		delete(c, "hub")
	}, "xaccount-api:consumers[2].via", "there is no hub to route through"},
	{"unknown via", func(c map[string]any) { At(c, "consumers", 0)["via"] = "tgw" }, "xaccount-api:consumers[0].via", `got "tgw"`},
	{"overlapping spoke ranges", func(c map[string]any) {
		AddHub(c)
		At(c, "consumers", 3)["allowedCidrs"] = []any{"10.40.0.128/25"}
	}, "xaccount-api:consumers[3].allowedCidrs[0]", "overlaps \"10.40.0.0/24\" of consumers[2] (orders)"},
	{"spoke without its ranges", func(c map[string]any) {
		AddHub(c)
		delete(At(c, "consumers", 2), "allowedCidrs")
	}, "xaccount-api:consumers[2].allowedCidrs", "aws:VpcSourceIp"},
	{"spoke without its vpc", func(c map[string]any) {
		AddHub(c)
		delete(At(c, "consumers", 2), "vpc")
	}, "xaccount-api:consumers[2].vpc", "missing"},
	{"spoke with its own endpoint's private DNS", func(c map[string]any) {
		AddHub(c)
		At(c, "consumers", 2)["privateDns"] = true
	}, "xaccount-api:consumers[2].privateDns", "not used with via: hub"},
	{"spoke with an endpoint id", func(c map[string]any) {
		AddHub(c)
		At(c, "consumers", 2)["endpointId"] = "vpce-0fffffffffffffff0"
	}, "xaccount-api:consumers[2].endpointId", "not used with via: hub"},
	{"spoke with subnets", func(c map[string]any) {
		AddHub(c)
		At(c, "consumers", 2, "vpc")["subnetIds"] = []any{"subnet-0123456789abcdef1"}
	}, "xaccount-api:consumers[2].vpc.subnetIds", "not used with via: hub"},
	{"spoke with credentials", func(c map[string]any) {
		AddHub(c)
		At(c, "consumers", 2)["profile"] = "orders"
	}, "xaccount-api:consumers[2].profile", "nothing is deployed in its account"},
	{"spoke probe without subnets", func(c map[string]any) {
		AddHub(c)
		At(c, "consumers", 2)["probe"] = true
		At(c, "consumers", 2)["profile"] = "orders"
	}, "xaccount-api:consumers[2].vpc.subnetIds", "the spoke VPC's subnets its probe runs in"},
	{"spoke probe without credentials", func(c map[string]any) {
		AddHub(c)
		At(c, "consumers", 2)["probe"] = true
		At(c, "consumers", 2, "vpc")["subnetIds"] = []any{"subnet-0b1c2d3e4f5a60719"}
	}, "xaccount-api:consumers[2]", "neither roleArn nor profile"},
	{"hub without spokes", func(c map[string]any) {
		AddHub(c)
		c["consumers"] = c["consumers"].([]any)[:2]
	}, "xaccount-api:hub", "the hub endpoint would serve nobody"},
	{"hub profile spoke without credentials", func(c map[string]any) {
		AddHub(c)
		At(c, "hub")["dns"] = "profile"
		At(c, "consumers", 3)["profile"] = "billing"
	}, "xaccount-api:consumers[2]", "neither roleArn nor profile"},
	{"hub profile spoke with credentials beside an existing profile", func(c map[string]any) {
		AddHub(c)
		At(c, "hub")["dns"] = "profile"
		At(c, "hub")["profileId"] = "rp-4987774726example"
		At(c, "consumers", 2)["profile"] = "orders"
	}, "xaccount-api:consumers[2].profile", "nothing is deployed in its account"},
	{"hub profile id of another form", func(c map[string]any) {
		AddHub(c)
		At(c, "hub")["dns"] = "profile"
		At(c, "hub")["profileId"] = "profile-1"
	}, "xaccount-api:hub.profileId", "expected a Route 53 Profile ID"},
	{"hub profile id without dns profile", func(c map[string]any) {
		AddHub(c)
		At(c, "hub")["profileId"] = "rp-4987774726example"
	}, "xaccount-api:hub.profileId", "a Profile is used only with hub.dns profile"},
	{"hub same organization beside an existing profile", func(c map[string]any) {
		AddHub(c)
		At(c, "hub")["dns"] = "profile"
		At(c, "hub")["profileId"] = "rp-4987774726example"
		At(c, "hub")["sameOrganization"] = true
	}, "xaccount-api:hub.sameOrganization", "set with hub.profileId"},
	{"hub zone spoke without credentials", func(c map[string]any) {
		AddHub(c)
		At(c, "hub")["dns"] = "phz"
		At(c, "consumers", 3)["profile"] = "billing"
	}, "xaccount-api:consumers[2]", "neither roleArn nor profile"},
	{"hub zone spoke credentials of another account", func(c map[string]any) {
		AddHub(c)
		At(c, "hub")["dns"] = "phz"
		At(c, "consumers", 2)["roleArn"] = "arn:aws:iam::555555555555:role/deployer"
		At(c, "consumers", 3)["profile"] = "billing"
	}, "xaccount-api:consumers[2].roleArn", "expected a role in account 444444444444"},
	{"hub zone with too many default tags", func(c map[string]any) {
		AddHub(c)
		At(c, "hub")["dns"] = "phz"
		At(c, "consumers", 2)["profile"] = "orders"
		At(c, "consumers", 3)["profile"] = "billing"
		tags := map[string]any{}
		for i := range 11 {
			tags[fmt.Sprintf("t%d", i)] = "v"
		}
		c["tags"] = tags
	}, "xaccount-api:tags", "a hosted zone takes at most 10 tags"},
	{"hub dns unknown", func(c map[string]any) {
		AddHub(c)
		At(c, "hub")["dns"] = "route53"
	}, "xaccount-api:hub.dns", `got "route53"`},
	{"hub without dns", func(c map[string]any) {
		AddHub(c)
		delete(At(c, "hub"), "dns")
	}, "xaccount-api:hub.dns", "missing"},
	{"hub without credentials", func(c map[string]any) {
		AddHub(c)
		delete(At(c, "hub"), "profile")
	}, "xaccount-api:hub", "neither roleArn nor profile"},
	{"hub bad account", func(c map[string]any) {
		AddHub(c)
		At(c, "hub")["accountId"] = "7777"
	}, "xaccount-api:hub.accountId", `got "7777"`},
	{"hub without subnets", func(c map[string]any) {
		AddHub(c)
		delete(At(c, "hub", "vpc"), "subnetIds")
	}, "xaccount-api:hub.vpc.subnetIds", "missing"},
	{"hub bad vpc id", func(c map[string]any) {
		AddHub(c)
		At(c, "hub", "vpc")["id"] = "vpc-1"
	}, "xaccount-api:hub.vpc.id", `got "vpc-1"`},
	{"hub unknown key", func(c map[string]any) {
		AddHub(c)
		At(c, "hub")["region"] = "eu-west-2"
	}, "xaccount-api:hub.region", "unknown key"},
	{"consumer named like the hub's alarms", func(c map[string]any) {
		AddHub(c)
		At(c, "consumers", 0)["name"] = "hub"
	}, "xaccount-api:consumers[0].name", "the hub endpoint's alarms"},
}
