package tests

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/xaccount/xaccount-api/policy"
)

const (
	typeProvider    = "pulumi:providers:aws"
	typeRestApi     = "aws:apigateway/restApi:RestApi"
	typePolicy      = "aws:apigateway/restApiPolicy:RestApiPolicy"
	typeDeployment  = "aws:apigateway/deployment:Deployment"
	typeStage       = "aws:apigateway/stage:Stage"
	typePermission  = "aws:lambda/permission:Permission"
	typeVpcEndpoint = "aws:ec2/vpcEndpoint:VpcEndpoint"
	typeProbe       = "xaccount:lambda:ConnectivityProbe"
	typeFunction    = "aws:lambda/function:Function"
	typeInvocation  = "aws:lambda/invocation:Invocation"
)

var vpceId = regexp.MustCompile(`^vpce-[0-9a-f]{17}$|^vpce-[0-9a-f]{8}$`)

// TestEveryStackFileHoldsTheInvariants plans each Pulumi.<stack>.yaml and
// checks what a reviewer must be able to trust about it.
func TestEveryStackFileHoldsTheInvariants(t *testing.T) {
	for _, file := range stackFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			p := planJson(t, file)
			checkAccounts(t, p, spokesByVpc(t, file))
			endpointIds := checkConsumerEndpoints(t, p)
			checkPrivateApi(t, p, endpointIds)
			checkDeployment(t, p)
			checkInvokeUrls(t, p)
			checkIngress(t, p)
			checkStageHardening(t, p)
			checkEndpointPolicies(t, p)
			checkProbes(t, p)
		})
	}
}

// checkProbes: each probe runs in its consumer's account, in its endpoint's
// subnets, behind a group that allows 443 out to the endpoint's group only,
// with a role that has the VPC-access managed policy only, and re-runs on
// the deployment, the policy and the endpoint; its results are an output.
func checkProbes(t *testing.T, p *jsonPlan) {
	consumers := p.Outputs["consumers"].(map[string]any)
	for _, fn := range p.ofType(typeFunction) {
		probe := strings.TrimSuffix(fn.Name, "-function")
		consumer := strings.TrimSuffix(strings.TrimPrefix(probe, "xaccount-api-"), "-probe")
		assert.Equalf(t, "consumer:"+consumer, p.Accounts[fn.Account], "probe %s runs in its consumer's account", probe)
		endpoint := p.named(typeVpcEndpoint, "xaccount-api-"+consumer+"-endpoint-vpce")
		require.NotNilf(t, endpoint, "probe %s belongs to a created endpoint", probe)
		vpcConfig := fn.Inputs["vpcConfig"].(map[string]any)
		assert.Equal(t, endpoint.Inputs["subnetIds"], vpcConfig["subnetIds"], "the probe runs in the endpoint's subnets")
		probeSg := p.named("aws:ec2/securityGroup:SecurityGroup", probe+"-sg")
		endpointSg := p.named("aws:ec2/securityGroup:SecurityGroup", "xaccount-api-"+consumer+"-endpoint-sg")
		require.NotNil(t, probeSg)
		require.NotNil(t, endpointSg)
		assert.Equal(t, []any{probeSg.Id}, vpcConfig["securityGroupIds"])
		assert.Empty(t, probeSg.Inputs["ingress"], "nothing may call the probe")
		egress := probeSg.Inputs["egress"].([]any)
		require.Len(t, egress, 1)
		rule := egress[0].(map[string]any)
		assert.Equal(t, []any{endpointSg.Id}, rule["securityGroups"], "443 out to the endpoint's group only")
		assert.Nil(t, rule["cidrBlocks"])
		assert.Equal(t, 443.0, rule["fromPort"])
		assert.Equal(t, 443.0, rule["toPort"])
		role := p.named("aws:iam/role:Role", probe+"-role")
		require.NotNil(t, role)
		assert.Equal(t, []any{"arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}, role.Inputs["managedPolicyArns"])
		inv := p.named(typeInvocation, probe+"-invocation")
		require.NotNil(t, inv)
		assert.Equal(t, fn.Id, inv.Inputs["functionName"])
		triggers := inv.Inputs["triggers"].(map[string]any)
		assert.Equal(t, p.Outputs["deploymentId"], triggers["deployment"])
		assert.Equal(t, endpoint.Id, triggers["endpoint"])
		assert.Regexp(t, `^[0-9a-f]{64}$`, triggers["policy"])
		results, ok := consumers[consumer].(map[string]any)["probe"].(map[string]any)
		require.Truef(t, ok, "consumers.%s.probe is an output", consumer)
		assert.Len(t, results, len(consumers[consumer].(map[string]any)["invokeUrls"].(map[string]any)), "one result per invoke form")
	}
	for name, v := range consumers {
		_, hasProbe := v.(map[string]any)["probe"]
		assert.Equalf(t, hasProbe, p.named(typeFunction, "xaccount-api-"+name+"-probe-function") != nil, "consumer %s: a probe output exactly when a probe exists", name)
	}
}

// checkEndpointPolicies: each endpoint the stack creates has a policy
// attachment in its consumer's account that lets callers invoke this API
// (restricted) and nothing but execute-api:Invoke in any case.
func checkEndpointPolicies(t *testing.T, p *jsonPlan) {
	arn := p.Outputs["executionArn"].(string)
	attachments := p.ofType("aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy")
	assert.Len(t, attachments, len(p.ofType(typeVpcEndpoint)), "one policy per created endpoint")
	for _, a := range attachments {
		doc, err := policy.Parse(a.Inputs["policy"].(string))
		require.NoError(t, err)
		ok, err := doc.Allows(arn+"/"+p.Outputs["stageName"].(string)+"/GET/", "")
		require.NoError(t, err)
		assert.Truef(t, ok, "%s lets callers invoke this API", a.Name)
		assert.Contains(t, a.Inputs["policy"], `"Action":"execute-api:Invoke"`)
		if a.Name == "xaccount-api-hub-endpoint-policy" {
			assert.Contains(t, strings.Split(p.Accounts[a.Account], ","), "hub", "%s in the network account", a.Name)
			continue
		}
		assert.Truef(t, strings.HasPrefix(p.Accounts[a.Account], "consumer:") || strings.Contains(p.Accounts[a.Account], ",consumer:"), "%s in a consumer account", a.Name)
	}
}

// checkStageHardening: the stage logs every request (with the endpoint it
// came through) to a log group in the producer account that keeps them for a
// bounded time, and every method has metrics and throttling.
func checkStageHardening(t *testing.T, p *jsonPlan) {
	stages := p.ofType(typeStage)
	require.Len(t, stages, 1)
	logs, _ := stages[0].Inputs["accessLogSettings"].(map[string]any)
	require.NotNil(t, logs, "the stage has access logs")
	assert.Contains(t, logs["format"], "$context.identity.vpceId")
	groups := p.ofType("aws:cloudwatch/logGroup:LogGroup")
	require.Len(t, groups, 1)
	assert.Positive(t, groups[0].Inputs["retentionInDays"], "logs are not kept forever")
	assert.Equal(t, "producer", p.Accounts[groups[0].Account])
	settings := p.ofType("aws:apigateway/methodSettings:MethodSettings")
	require.Len(t, settings, 1)
	s := settings[0].Inputs["settings"].(map[string]any)
	assert.Equal(t, true, s["metricsEnabled"])
	assert.Positive(t, s["throttlingRateLimit"])
	assert.Positive(t, s["throttlingBurstLimit"])
	assert.Equal(t, "*/*", settings[0].Inputs["methodPath"])
}

// checkIngress: every endpoint's security group opens 443 only, never to
// the world (no /0 in IPv4 or IPv6), and has no egress. (A probe's group is
// the opposite, no ingress and 443 out to its endpoint's group: checkProbes.)
func checkIngress(t *testing.T, p *jsonPlan) {
	groups := p.ofType("aws:ec2/securityGroup:SecurityGroup")
	for _, g := range groups {
		if strings.Contains(g.Parent, "$"+typeProbe+"::") {
			continue
		}
		rules, _ := g.Inputs["ingress"].([]any)
		require.NotEmptyf(t, rules, "security group %s has an ingress rule", g.Name)
		for _, rule := range rules {
			r := rule.(map[string]any)
			assert.Equal(t, float64(443), r["fromPort"], g.Name)
			assert.Equal(t, float64(443), r["toPort"], g.Name)
			for _, field := range []string{"cidrBlocks", "ipv6CidrBlocks"} {
				cidrs, _ := r[field].([]any)
				for _, c := range cidrs {
					assert.Falsef(t, strings.HasSuffix(c.(string), "/0"), "security group %s opens 443 to the world (%s)", g.Name, c)
				}
			}
		}
		assert.Empty(t, g.Inputs["egress"], "security group %s has no egress", g.Name)
	}
}

// spokesByVpc maps each consumer's vpc.id in the stack file to its name:
// a spoke's per-VPC resources are named by its VPC, not by its name.
func spokesByVpc(t *testing.T, file string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var doc struct {
		Config struct {
			Consumers []struct {
				Name string `yaml:"name"`
				Vpc  struct {
					Id string `yaml:"id"`
				} `yaml:"vpc"`
			} `yaml:"xaccount-api:consumers"`
		} `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(b, &doc), file)
	out := map[string]string{}
	for _, c := range doc.Config.Consumers {
		if c.Vpc.Id != "" {
			out[c.Vpc.Id] = c.Name
		}
	}
	return out
}

// checkAccounts: every resource sits on the right account's provider, each
// provider pinned to its account; a spoke's association of its VPC (named
// by the VPC) on its spoke's provider (spokes maps VPCs to spokes).
func checkAccounts(t *testing.T, p *jsonPlan, spokes map[string]string) {
	providers := map[string]jsonResource{}
	for _, r := range p.ofType(typeProvider) {
		providers[r.URN] = r
		role, ok := p.Accounts[r.Account]
		require.Truef(t, ok, "provider %s is pinned to %q, not one of the stack's accounts", r.Name, r.Account)
		assert.Equal(t, []any{r.Account}, r.Inputs["allowedAccountIds"], "provider %s pins allowedAccountIds", r.Name)
		assert.Equal(t, p.Region, r.Inputs["region"])
		switch r.Name {
		case "producer":
			assert.Equal(t, "producer", role)
		case "hub":
			assert.Contains(t, strings.Split(role, ","), "hub")
		default:
			assert.Contains(t, strings.Split(role, ","), "consumer:"+strings.TrimPrefix(r.Name, "consumer-"))
		}
	}
	for _, r := range p.Resources {
		switch {
		case r.Type == typeProvider:
		case strings.HasPrefix(r.Type, "xaccount:"):
			assert.Emptyf(t, r.Provider, "component %s has no provider of its own", r.Name)
			assert.Empty(t, r.Account)
		case strings.HasPrefix(r.Type, "aws:ec2/") && strings.HasPrefix(r.Name, "xaccount-api-hub-endpoint-"),
			strings.HasPrefix(r.Type, "aws:route53/") && strings.HasPrefix(r.Name, "xaccount-api-hub-zone"),
			r.Type == "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization",
			strings.HasPrefix(r.Name, "xaccount-api-hub-profile") && r.Type != "aws:ram/resourceShareAccepter:ResourceShareAccepter":
			// The hub's endpoint, its zone and alias, the zone's
			// authorizations of the spokes' VPCs, and the hub's Route 53
			// Profile with the zone in it and its RAM share: the network
			// account's.
			prov, ok := providers[r.Provider]
			require.Truef(t, ok, "%s %s has no explicit provider", r.Type, r.Name)
			assert.Equalf(t, "hub", prov.Name, "%s %s must be on the hub's provider", r.Type, r.Name)
			assert.Contains(t, strings.Split(p.Accounts[r.Account], ","), "hub", "%s %s lands in the network account", r.Type, r.Name)
		case r.Type == "aws:route53/zoneAssociation:ZoneAssociation":
			// A spoke's VPC on the hub's zone: made by the spoke's own account.
			prov, ok := providers[r.Provider]
			require.Truef(t, ok, "%s %s has no explicit provider", r.Type, r.Name)
			spoke, ok := spokes[fmt.Sprint(r.Inputs["vpcId"])]
			require.Truef(t, ok, "%s %s associates a VPC no consumer names", r.Type, r.Name)
			assert.Equalf(t, "consumer-"+spoke, prov.Name, "%s %s must be on its spoke's provider", r.Type, r.Name)
			assert.Contains(t, strings.Split(p.Accounts[r.Account], ","), "consumer:"+spoke, "%s %s lands in the spoke's account", r.Type, r.Name)
		case r.Type == "aws:route53/profilesAssociation:ProfilesAssociation":
			// A spoke's VPC on the hub's Profile: made by the spoke's own account.
			prov, ok := providers[r.Provider]
			require.Truef(t, ok, "%s %s has no explicit provider", r.Type, r.Name)
			spoke, ok := spokes[fmt.Sprint(r.Inputs["resourceId"])]
			require.Truef(t, ok, "%s %s associates a VPC no consumer names", r.Type, r.Name)
			assert.Equalf(t, "consumer-"+spoke, prov.Name, "%s %s must be on its spoke's provider", r.Type, r.Name)
			assert.Contains(t, strings.Split(p.Accounts[r.Account], ","), "consumer:"+spoke, "%s %s lands in the spoke's account", r.Type, r.Name)
		case strings.HasPrefix(r.Type, "aws:ec2/"), strings.Contains(r.Parent, "$"+typeProbe+"::"), consumerSideTypes[r.Type]:
			prov, ok := providers[r.Provider]
			require.Truef(t, ok, "%s %s has no explicit provider", r.Type, r.Name)
			assert.Truef(t, strings.HasPrefix(prov.Name, "consumer-"), "%s %s must be on a consumer provider, is on %s", r.Type, r.Name, prov.Name)
			assert.Truef(t, strings.HasPrefix(p.Accounts[r.Account], "consumer:") || strings.Contains(p.Accounts[r.Account], ",consumer:"), "%s %s lands in a consumer account", r.Type, r.Name)
		case strings.HasPrefix(r.Type, "aws:apigateway/"), strings.HasPrefix(r.Type, "aws:lambda/"),
			strings.HasPrefix(r.Type, "aws:cloudwatch/"), strings.HasPrefix(r.Type, "aws:iam/"), strings.HasPrefix(r.Type, "aws:ram/"):
			prov, ok := providers[r.Provider]
			require.Truef(t, ok, "%s %s has no explicit provider", r.Type, r.Name)
			assert.Equalf(t, "producer", prov.Name, "%s %s must be on the producer provider", r.Type, r.Name)
			assert.Equal(t, "producer", p.Accounts[r.Account])
		default:
			t.Errorf("unexpected resource type %s (%s): extend the invariants", r.Type, r.Name)
		}
	}
}

// consumerSideTypes are the custom domain's resources each consumer holds
// in its own account: only the consumer can accept the share, associate its
// endpoint with the domain and resolve the name in its VPC.
var consumerSideTypes = map[string]bool{
	"aws:apigateway/domainNameAccessAssociation:DomainNameAccessAssociation": true,
	"aws:ram/resourceShareAccepter:ResourceShareAccepter":                    true,
	"aws:route53/zone:Zone":     true,
	"aws:route53/record:Record": true,
}

// checkConsumerEndpoints returns every consumer endpoint ID: created ones and
// the endpoint IDs of consumers whose endpoint is owned elsewhere.
func checkConsumerEndpoints(t *testing.T, p *jsonPlan) []string {
	consumers := p.Outputs["consumers"].(map[string]any)
	var ids []string
	created := map[string]bool{}
	for _, e := range p.ofType(typeVpcEndpoint) {
		assert.Equal(t, "com.amazonaws."+p.Region+".execute-api", e.Inputs["serviceName"])
		assert.Equal(t, "Interface", e.Inputs["vpcEndpointType"])
		created[e.Id] = true
	}
	for name, v := range consumers {
		c := v.(map[string]any)
		id := c["endpointId"].(string)
		assert.Regexpf(t, vpceId, id, "consumer %s endpoint ID", name)
		assert.Equal(t, "consumer:"+name, roleOf(p, c["accountId"].(string), name))
		if c["via"] == "hub" {
			hub := p.Outputs["hub"].(map[string]any)
			assert.Equalf(t, hub["endpointId"], id, "spoke %s calls through the hub endpoint", name)
		}
		ids = append(ids, id)
	}
	for id := range created {
		assert.Containsf(t, ids, id, "created endpoint %s belongs to a consumer", id)
	}
	slices.Sort(ids)
	return slices.Compact(ids) // the spokes share the hub's
}

// spokeRanges maps the hub endpoint's ID to its spokes' ranges, from the
// outputs (empty without a hub).
func spokeRanges(p *jsonPlan) (hubId string, ranges map[string][]string) {
	ranges = map[string][]string{}
	hub, ok := p.Outputs["hub"].(map[string]any)
	if !ok {
		return "", ranges
	}
	for name, v := range p.Outputs["consumers"].(map[string]any) {
		c := v.(map[string]any)
		if c["via"] != "hub" {
			continue
		}
		for _, cidr := range c["sourceCidrs"].([]any) {
			ranges[name] = append(ranges[name], cidr.(string))
		}
	}
	return hub["endpointId"].(string), ranges
}

// roleOf returns the role of account for consumer name.
func roleOf(p *jsonPlan, account, name string) string {
	for _, role := range strings.Split(p.Accounts[account], ",") {
		if role == "consumer:"+name {
			return role
		}
	}
	return p.Accounts[account]
}

// checkPrivateApi: PRIVATE with exactly the endpoint IDs; the policy denies
// every other source and names full ARNs only.
func checkPrivateApi(t *testing.T, p *jsonPlan, endpointIds []string) {
	apis := p.ofType(typeRestApi)
	require.Len(t, apis, 1)
	api := apis[0]
	cfg := api.Inputs["endpointConfiguration"].(map[string]any)
	assert.Equal(t, "PRIVATE", cfg["types"])
	var got []string
	for _, id := range cfg["vpcEndpointIds"].([]any) {
		got = append(got, id.(string))
	}
	slices.Sort(got)
	assert.Equal(t, endpointIds, got, "the API lists exactly the consumer endpoints")
	var body struct {
		Paths    map[string]any `json:"paths"`
		Endpoint struct {
			VpcEndpointIds []string `json:"vpcEndpointIds"`
		} `json:"x-amazon-apigateway-endpoint-configuration"`
	}
	require.NoError(t, json.Unmarshal([]byte(api.Inputs["body"].(string)), &body), "the routes are one OpenAPI body")
	assert.Equal(t, endpointIds, body.Endpoint.VpcEndpointIds, "the body lists exactly the consumer endpoints too")
	assert.NotEmpty(t, body.Paths)
	assert.Equal(t, "overwrite", api.Inputs["putRestApiMode"], "overwrite: a route removed from the config leaves the API")

	policies := p.ofType(typePolicy)
	require.Len(t, policies, 1)
	assert.Equal(t, api.Id, policies[0].Inputs["restApiId"])
	doc, err := policy.Parse(policies[0].Inputs["policy"].(string))
	require.NoError(t, err)
	deny := doc.DeniedUnlessSourceVpce()
	slices.Sort(deny)
	assert.Equal(t, endpointIds, deny, "the Deny condition lists exactly the endpoint IDs")
	executionArn := p.Outputs["executionArn"].(string)
	assert.Regexp(t, `^arn:aws:execute-api:`+p.Region+`:\d{12}:`+api.Id+`$`, executionArn)
	for _, res := range doc.Resources() {
		assert.Truef(t, strings.HasPrefix(res, executionArn+"/"), "policy resource %q is a full ARN of this API", res)
	}
	method := executionArn + "/" + p.Outputs["stageName"].(string) + "/GET/"
	hubId, ranges := spokeRanges(p)
	for _, id := range endpointIds {
		if id == hubId {
			continue
		}
		ok, err := doc.Allows(method, id)
		require.NoError(t, err)
		assert.Truef(t, ok, "endpoint %s may invoke", id)
		ok, err = doc.Evaluate(policy.Request{Resource: method, SourceVpce: id, VpcSourceIp: "192.0.2.1"})
		require.NoError(t, err)
		assert.Truef(t, ok, "endpoint %s may invoke from any address of its VPC", id)
	}
	// Through the hub: each spoke from its own ranges only, nobody else.
	for name, cidrs := range ranges {
		for _, cidr := range cidrs {
			first := netip.MustParsePrefix(cidr).Addr().String()
			ok, err := doc.Evaluate(policy.Request{Resource: method, SourceVpce: hubId, VpcSourceIp: first})
			require.NoError(t, err)
			assert.Truef(t, ok, "spoke %s may invoke through the hub from %s", name, first)
		}
	}
	if hubId != "" {
		for _, source := range []string{"", "192.0.2.1"} {
			ok, err := doc.Evaluate(policy.Request{Resource: method, SourceVpce: hubId, VpcSourceIp: source})
			require.NoError(t, err)
			assert.Falsef(t, ok, "no Allow through the hub from %q, outside every spoke's ranges", source)
		}
		sg := p.named("aws:ec2/securityGroup:SecurityGroup", "xaccount-api-hub-endpoint-sg")
		require.NotNil(t, sg)
		var want []any
		for _, cidrs := range ranges {
			for _, c := range cidrs {
				want = append(want, c)
			}
		}
		got := sg.Inputs["ingress"].([]any)[0].(map[string]any)["cidrBlocks"].([]any)
		assert.ElementsMatch(t, want, got, "the hub's security group admits the spokes' ranges and nothing else")
	}
	for _, other := range []string{"", "vpce-00000000000000000"} {
		ok, err := doc.Allows(method, other)
		require.NoError(t, err)
		assert.Falsef(t, ok, "source %q must be denied", other)
	}
}

// checkDeployment: a separate stage points at a deployment that depends on
// the API, the policy and every Lambda permission.
func checkDeployment(t *testing.T, p *jsonPlan) {
	deployments := p.ofType(typeDeployment)
	require.Len(t, deployments, 1)
	d := deployments[0]
	assert.Nil(t, d.Inputs["stageName"], "the stage is not created by the deployment")
	require.NotEmpty(t, p.ofType(typePolicy))
	for _, typ := range []string{typeRestApi, typePolicy, typePermission} {
		for _, r := range p.ofType(typ) {
			assert.Containsf(t, d.Dependencies, r.URN, "the deployment must depend on %s %s", typ, r.Name)
		}
	}
	stages := p.ofType(typeStage)
	require.Len(t, stages, 1)
	assert.Equal(t, d.Id, stages[0].Inputs["deployment"])
	assert.Equal(t, p.Outputs["stageName"], stages[0].Inputs["stageName"])
	assert.Contains(t, stages[0].Dependencies, d.URN)
}

// checkInvokeUrls: each consumer's invoke URLs are well formed and use its endpoint.
func checkInvokeUrls(t *testing.T, p *jsonPlan) {
	apiId, stage, region := p.Outputs["restApiId"].(string), p.Outputs["stageName"].(string), p.Region
	for name, v := range p.Outputs["consumers"].(map[string]any) {
		c := v.(map[string]any)
		endpoint := c["endpointId"].(string)
		urls := c["invokeUrls"].(map[string]any)
		curl := c["curl"].(map[string]any)
		for form, u := range urls {
			parsed, err := url.Parse(u.(string))
			require.NoError(t, err)
			assert.Equal(t, "https", parsed.Scheme, "%s %s", name, form)
			assert.Containsf(t, curl[form], u, "the %s curl line calls the URL", form)
			if form == "customDomain" {
				// The domain's name and base path: the mapping stands for the stage.
				d := p.Outputs["customDomain"].(map[string]any)
				want := "https://" + d["name"].(string)
				if base := d["basePath"].(string); base != "" {
					want += "/" + base
				}
				assert.Equal(t, want, u, "%s %s", name, form)
				continue
			}
			assert.Equal(t, "/"+stage, parsed.Path, "%s %s", name, form)
		}
		assert.Equal(t, fmt.Sprintf("https://%s-%s.execute-api.%s.amazonaws.com/%s", apiId, endpoint, region, stage), urls["route53Alias"])
		if private, ok := urls["privateDns"]; ok {
			assert.Equal(t, fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/%s", apiId, region, stage), private)
		}
		if public, ok := urls["publicDnsWithHostHeader"]; ok {
			host := regexp.MustCompile(`^https://(` + endpoint + `-[a-z0-9]+\.execute-api\.` + region + `\.vpce\.amazonaws\.com)/`).FindStringSubmatch(public.(string))
			require.NotNilf(t, host, "%s: public DNS form %s uses the consumer's endpoint", name, public)
			assert.Equal(t, public, urls["publicDnsWithApiIdHeader"])
			assert.Contains(t, curl["publicDnsWithHostHeader"], "-H 'Host: "+apiId+".execute-api."+region+".amazonaws.com'")
			assert.Contains(t, curl["publicDnsWithApiIdHeader"], "-H 'x-apigw-api-id: "+apiId+"'")
		}
	}
}

// TestDevStackHasAllFourFormsForEveryConsumer is the acceptance check
// for the dev stack: it creates its endpoints with private DNS on.
func TestDevStackHasAllFourFormsForEveryConsumer(t *testing.T) {
	p := planJson(t, filepath.Join(projectRoot, "Pulumi.dev.yaml"))
	for name, v := range p.Outputs["consumers"].(map[string]any) {
		urls := v.(map[string]any)["invokeUrls"].(map[string]any)
		for _, form := range []string{"privateDns", "route53Alias", "publicDnsWithHostHeader", "publicDnsWithApiIdHeader"} {
			assert.Containsf(t, urls, form, "consumer %s", name)
		}
	}
}
