package components

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/policy"
)

const (
	typeVpcEndpointPolicy     = "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy"
	testSecondConsumerAccount = "333333333333"
	foreignEndpointId         = "vpce-0fffffffffffffff0"
	foreignEndpointDns        = "vpce-0fffffffffffffff0-abcd1234.execute-api.eu-west-1.vpce.amazonaws.com"
)

// crossAccountResult holds the resolved per-consumer outputs.
type crossAccountResult struct {
	urls      map[string]map[string]string
	endpoints map[string]string
	api       *CrossAccountPrivateApi
}

// runCrossAccount registers a CrossAccountPrivateApi with two managed
// consumers (new VPC, existing VPC) and one existing endpoint; consumerRegion
// is the region of the managed consumers' providers.
func runCrossAccount(t *testing.T, consumerRegion string) (*awsmock.Mocks, *crossAccountResult, error) {
	t.Helper()
	return runCrossAccountWith(t, consumerRegion, nil)
}

// runCrossAccountWith is runCrossAccount with the args changed by mutate
// (nil: unchanged) before they are registered.
func runCrossAccountWith(t *testing.T, consumerRegion string, mutate func(*CrossAccountPrivateApiArgs)) (*awsmock.Mocks, *crossAccountResult, error) {
	t.Helper()
	res := &crossAccountResult{urls: map[string]map[string]string{}, endpoints: map[string]string{}}
	mocks := awsmock.New("components-test", "test")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		app, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, consumerRegion)
		if err != nil {
			return err
		}
		batch, err := newTestProvider(ctx, "consumer-batch", testSecondConsumerAccount, consumerRegion)
		if err != nil {
			return err
		}
		off := false
		args := &CrossAccountPrivateApiArgs{
			Region:            testRegion,
			ProducerAccountId: testProducerAccount,
			ProducerProvider:  producer,
			StageName:         "dev",
			Consumers: []ConsumerArgs{
				{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}},
				{Name: "batch", AccountId: testSecondConsumerAccount, Provider: batch, VpcId: pulumi.String("vpc-0123456789abcdef0"),
					SubnetIds: pulumi.ToStringArray([]string{"subnet-0123456789abcdef1"}), PrivateDns: &off},
				{Name: "partner", AccountId: "444444444444", EndpointId: pulumi.String(foreignEndpointId), EndpointDnsName: pulumi.String(foreignEndpointDns)},
			},
		}
		if mutate != nil {
			mutate(args)
		}
		api, err := NewCrossAccountPrivateApi(ctx, "xa", args)
		if err != nil {
			return err
		}
		res.api = api
		for name, access := range api.Consumers {
			v, _, err := awsmock.Await(pulumi.All(access.EndpointId, access.InvokeUrls))
			if err != nil {
				return err
			}
			res.endpoints[name] = v.([]any)[0].(string)
			res.urls[name] = v.([]any)[1].(map[string]string)
		}
		return nil
	})
	return mocks, res, err
}

func TestCrossAccountPutsEachResourceInItsAccount(t *testing.T) {
	mocks, _, err := runCrossAccount(t, testRegion)
	require.NoError(t, err)
	for _, r := range mocks.Resources() {
		if !r.Custom || r.Type == awsmock.ProviderType {
			continue
		}
		provider := mocks.ProviderName(r)
		switch {
		case strings.HasPrefix(r.Type, "aws:ec2/"):
			assert.Truef(t, strings.HasPrefix(provider, "consumer-"), "%s %s must be on a consumer provider, is on %q", r.Type, r.Name, provider)
			assert.Truef(t, strings.HasPrefix(r.Name, "xa-"+strings.TrimPrefix(provider, "consumer-")+"-"), "%s %s sits in its own consumer's account", r.Type, r.Name)
		case strings.HasPrefix(r.Type, "aws:apigateway/"), strings.HasPrefix(r.Type, "aws:lambda/"), strings.HasPrefix(r.Type, "aws:cloudwatch/"):
			assert.Equalf(t, "producer", provider, "%s %s must be on the producer provider", r.Type, r.Name)
		default:
			t.Errorf("unexpected resource %s %s", r.Type, r.Name)
		}
	}
	assert.Empty(t, findNamedPrefix(mocks, "xa-partner"), "nothing is created for an endpoint owned elsewhere")
}

// endpointAllows evaluates an endpoint policy for execute-api:Invoke on arn.
func endpointAllows(t *testing.T, policyJson, arn string) bool {
	t.Helper()
	doc, err := policy.Parse(policyJson)
	require.NoError(t, err)
	ok, err := doc.Allows(arn, "")
	require.NoError(t, err)
	return ok
}

// runWithApp runs a CrossAccountPrivateApi whose args build returns, given a
// producer and an "app" consumer provider pinned to region; after, when set,
// reads its outputs inside the program.
func runWithApp(t *testing.T, region string, build func(producer, app *aws.Provider) *CrossAccountPrivateApiArgs, after func(*CrossAccountPrivateApi) error) *awsmock.Mocks {
	t.Helper()
	return runMocked(t, func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, region)
		if err != nil {
			return err
		}
		app, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, region)
		if err != nil {
			return err
		}
		api, err := NewCrossAccountPrivateApi(ctx, "xa", build(producer, app))
		if err != nil || after == nil {
			return err
		}
		return after(api)
	})
}

func TestCrossAccountFullEndpointPolicyServesOtherApis(t *testing.T) {
	mocks := runWithApp(t, testRegion, func(producer, app *aws.Provider) *CrossAccountPrivateApiArgs {
		return &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
			Consumers: []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}, EndpointPolicy: EndpointPolicyFull}},
		}
	}, nil)
	doc := mustNamed(t, mocks, typeVpcEndpointPolicy, "xa-app-endpoint-policy").Input("policy").(string)
	assert.True(t, endpointAllows(t, doc, "arn:aws:execute-api:eu-west-1:999999999999:abcde12345/dev/GET/orders"), "any API")
	assert.Contains(t, doc, `"Action":"execute-api:Invoke"`, "still Invoke only")
	assert.Equal(t, true, mocks.OfType(typeVpcEndpoint)[0].Input("privateDnsEnabled"), "private DNS is on by default in a VPC created here")
}

func findNamedPrefix(mocks *awsmock.Mocks, prefix string) []string {
	var out []string
	for _, r := range mocks.Resources() {
		if strings.HasPrefix(r.Name, prefix) {
			out = append(out, r.Name)
		}
	}
	return out
}

func TestCrossAccountWiresEndpointsIntoApiAndPolicy(t *testing.T) {
	mocks, res, err := runCrossAccount(t, testRegion)
	require.NoError(t, err)
	var created []any
	for _, e := range mocks.OfType(typeVpcEndpoint) {
		created = append(created, e.Id)
	}
	require.Len(t, created, 2)
	want := append(created, foreignEndpointId)

	api := mustNamed(t, mocks, typeRestApi, "xa-api-api")
	assert.ElementsMatch(t, want, api.Input("endpointConfiguration").(map[string]any)["vpcEndpointIds"])

	policy := mustNamed(t, mocks, "aws:apigateway/restApiPolicy:RestApiPolicy", "xa-policy-policy").Input("policy").(string)
	for _, id := range want {
		assert.True(t, invokeAllowed(t, policy, id.(string)))
	}
	assert.False(t, invokeAllowed(t, policy, "vpce-0123456789abcdef0"))

	assert.Equal(t, foreignEndpointId, res.endpoints["partner"])
	assert.Len(t, res.urls["app"], 4, "all four invoke forms for a managed endpoint with private DNS")
	assert.NotContains(t, res.urls["batch"], InvokePrivateDns, "private DNS is off for batch")
	assert.Equal(t, "https://"+foreignEndpointDns+"/dev", res.urls["partner"][InvokePublicDnsApiIdHeader])
	for name, urls := range res.urls {
		assert.Containsf(t, urls[InvokeRoute53Alias], "-"+res.endpoints[name]+".execute-api.eu-west-1.amazonaws.com/dev", "consumer %s alias uses its own endpoint", name)
	}

	// Each created endpoint's policy, attached separately once the API
	// exists, lets callers invoke this API and no other.
	for _, e := range mocks.OfType(typeVpcEndpoint) {
		assert.Equal(t, []string{"policy"}, e.IgnoreChanges, "the endpoint leaves its policy to the separate attachment")
		assert.Equal(t, denyAllEndpointPolicy, e.Input("policy"), "and invokes nothing before it")
	}
	apiArn := api.State["executionArn"].StringValue()
	attachments := mocks.OfType(typeVpcEndpointPolicy)
	require.Len(t, attachments, 2, "one per created endpoint, none for partner's")
	for _, a := range attachments {
		consumer := strings.TrimSuffix(strings.TrimPrefix(a.Name, "xa-"), "-endpoint-policy")
		assert.Equal(t, res.endpoints[consumer], a.Input("vpcEndpointId"))
		assert.Equal(t, "consumer-"+consumer, mocks.ProviderName(a), "the attachment lives in the consumer account")
		doc := a.Input("policy").(string)
		assert.True(t, endpointAllows(t, doc, apiArn+"/dev/GET/orders"), "this API")
		assert.False(t, endpointAllows(t, doc, "arn:aws:execute-api:eu-west-1:111111111111:otherapi01/dev/GET/orders"), "another API of the producer")
		assert.False(t, endpointAllows(t, doc, "arn:aws:execute-api:eu-west-1:999999999999:abcde12345/dev/GET/orders"), "an API of another account")
	}
	// The default allowed CIDR of an existing VPC is its CIDR, looked up in the consumer account.
	sg := mustNamed(t, mocks, typeSecurityGroup, "xa-batch-endpoint-sg")
	assert.Equal(t, []any{awsmock.SimulatedVpcCidr("vpc-0123456789abcdef0")}, sg.Input("ingress").([]any)[0].(map[string]any)["cidrBlocks"])
}

func TestCrossAccountRefusesRegionMismatch(t *testing.T) {
	mocks, _, err := runCrossAccount(t, "us-east-1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "consumers[0].provider: provider region is us-east-1 but the API and every endpoint must be in eu-west-1")
	for _, r := range mocks.Resources() {
		assert.Equalf(t, awsmock.ProviderType, r.Type, "%s %s was registered although a provider is in the wrong region", r.Type, r.Name)
	}
}

func TestCrossAccountValidatesArgs(t *testing.T) {
	err := runMockedErr(func(ctx *pulumi.Context) error {
		_, err := NewCrossAccountPrivateApi(ctx, "xa", &CrossAccountPrivateApiArgs{
			ProducerAccountId: "1234",
			Consumers: []ConsumerArgs{
				{Name: "App"},
				{Name: "b", Provider: &aws.Provider{}, Vpc: &ConsumerVpcArgs{Cidr: "10.0.0.0/24"}, EndpointId: pulumi.String(foreignEndpointId)},
				{Name: "b", Provider: &aws.Provider{}, VpcId: pulumi.String("vpc-0123456789abcdef0")},
			},
		})
		return err
	})
	require.Error(t, err)
	fields := map[string]string{}
	for _, fe := range AsFieldErrors(err) {
		fields[fe.Field] += fe.Message + "|"
	}
	for field, says := range map[string]string{
		"region":                 `got ""; expected an AWS region`,
		"producerAccountId":      `got "1234"; expected a 12-digit AWS account ID`,
		"producerProvider":       "missing; expected the producer account's AWS provider",
		"stageName":              `got ""; expected a stage name`,
		"consumers[0].name":      `got "App"`,
		"consumers[0].accountId": `got ""; expected a 12-digit AWS account ID`,
		"consumers[0].provider":  "required unless endpointId is set",
		"consumers[1]":           "set exactly one of vpc",
		"consumers[2].name":      `got "b", already used by consumers[1]`,
		"consumers[2]":           "vpcId and subnetIds go together",
	} {
		assert.Containsf(t, fields[field], says, "field %s", field)
	}
}

// TestCrossAccountValidateBoundaries: each identifier pattern at its edges,
// reported with the field path the config layer maps to a key.
func TestCrossAccountValidateBoundaries(t *testing.T) {
	valid := func() *CrossAccountPrivateApiArgs {
		return &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, StageName: "dev",
			Consumers: []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}},
		}
	}
	require.NoError(t, valid().Validate())
	cases := []struct {
		name  string
		edit  func(a *CrossAccountPrivateApiArgs)
		field string
	}{
		{"producer 11 digits", func(a *CrossAccountPrivateApiArgs) { a.ProducerAccountId = "11111111111" }, "producerAccountId"},
		{"producer 13 digits", func(a *CrossAccountPrivateApiArgs) { a.ProducerAccountId = "1111111111111" }, "producerAccountId"},
		{"producer empty", func(a *CrossAccountPrivateApiArgs) { a.ProducerAccountId = "" }, "producerAccountId"},
		{"producer whitespace", func(a *CrossAccountPrivateApiArgs) { a.ProducerAccountId = " 111111111111" }, "producerAccountId"},
		{"consumer 11 digits", func(a *CrossAccountPrivateApiArgs) { a.Consumers[0].AccountId = "22222222222" }, "consumers[0].accountId"},
		{"consumer 13 digits", func(a *CrossAccountPrivateApiArgs) { a.Consumers[0].AccountId = "2222222222222" }, "consumers[0].accountId"},
		{"consumer whitespace", func(a *CrossAccountPrivateApiArgs) { a.Consumers[0].AccountId = "222222222222\n" }, "consumers[0].accountId"},
		{"name empty", func(a *CrossAccountPrivateApiArgs) { a.Consumers[0].Name = "" }, "consumers[0].name"},
		{"name 33 characters", func(a *CrossAccountPrivateApiArgs) { a.Consumers[0].Name = strings.Repeat("a", 33) }, "consumers[0].name"},
		{"name whitespace", func(a *CrossAccountPrivateApiArgs) { a.Consumers[0].Name = "app " }, "consumers[0].name"},
		{"region whitespace", func(a *CrossAccountPrivateApiArgs) { a.Region = "eu-west-1 " }, "region"},
		{"stage 129 characters", func(a *CrossAccountPrivateApiArgs) { a.StageName = strings.Repeat("s", 129) }, "stageName"},
		{"stage with a dash", func(a *CrossAccountPrivateApiArgs) { a.StageName = "my-stage" }, "stageName"},
		{"org id too short", func(a *CrossAccountPrivateApiArgs) {
			a.Authorization, a.PrincipalOrgId = AuthorizationIam, "o-abcdefghi"
		}, "principalOrgId"},
		{"principal of another account", func(a *CrossAccountPrivateApiArgs) {
			a.Authorization = AuthorizationIam
			a.Consumers[0].Principals = pulumi.StringArray{pulumi.String("arn:aws:iam::999999999999:role/app")}
		}, "consumers[0].principals[0]"},
		{"throttle above the account limit", func(a *CrossAccountPrivateApiArgs) { a.Throttle = &StageThrottle{RateLimit: 10001, BurstLimit: 1} }, "throttle.rateLimit"},
		{"lambda in another account", func(a *CrossAccountPrivateApiArgs) {
			a.Routes = []Route{{Path: "/", Method: "GET", Integration: RouteIntegration{Type: IntegrationLambda,
				FunctionArn: pulumi.String("arn:aws:lambda:eu-west-1:999999999999:function:f")}}}
		}, "routes[0].integration.functionArn"},
	}
	for _, tc := range cases {
		args := valid()
		tc.edit(args)
		errs := AsFieldErrors(args.Validate())
		require.Lenf(t, errs, 1, "%s: %v", tc.name, errs)
		assert.Equalf(t, tc.field, errs[0].Field, tc.name)
	}
	for _, edge := range []string{"000000000000", "999999999999"} {
		args := valid()
		args.ProducerAccountId = edge
		assert.NoErrorf(t, args.Validate(), "%s is a valid account ID", edge)
	}
}

// TestCrossAccountArnsFollowThePartition: in a China region every ARN the
// components build (resource policy, endpoint policy, Lambda integration)
// is in the aws-cn partition; none says arn:aws:.
func TestCrossAccountRefusesOtherPartitions(t *testing.T) {
	// Invoke URLs, the endpoint service's name and DNS suffixes are built for
	// amazonaws.com: aws-cn (amazonaws.com.cn) and aws-us-gov regions are
	// refused with a message that says so, before anything is registered.
	for _, region := range []string{"cn-north-1", "us-gov-west-1"} {
		args := &CrossAccountPrivateApiArgs{Region: region, ProducerAccountId: testProducerAccount, StageName: "dev",
			Consumers: []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}}}
		err := args.Validate()
		require.Error(t, err, region)
		assert.Contains(t, err.Error(), `region: got "`+region+`"; expected an AWS region of the aws partition`)
		assert.Contains(t, err.Error(), "aws-cn and aws-us-gov regions are not supported")
	}
}

// TestCrossAccountIamAllowsExactlyTheNamedPrincipals: with AWS_IAM every
// method needs SigV4, the Deny on other endpoints stays first, and the Allow
// names exactly the configured principals (a consumer without principals:
// its account root) within the organization.
func TestCrossAccountIamAllowsExactlyTheNamedPrincipals(t *testing.T) {
	const role = "arn:aws:iam::222222222222:role/app"
	var urls map[string]string
	var curls map[string]string
	mocks := runWithApp(t, testRegion, func(producer, app *aws.Provider) *CrossAccountPrivateApiArgs {
		return &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
			Authorization: AuthorizationIam, PrincipalOrgId: "o-abcdefghij",
			Routes: testRoutes,
			Consumers: []ConsumerArgs{
				{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"},
					Principals: pulumi.ToStringArray([]string{role})},
				{Name: "partner", AccountId: "444444444444", EndpointId: pulumi.String(foreignEndpointId)},
			},
		}
	}, func(api *CrossAccountPrivateApi) error {
		v, _, err := awsmock.Await(pulumi.All(api.Consumers["app"].InvokeUrls, api.Consumers["app"].CurlCommands))
		urls, curls = v.([]any)[0].(map[string]string), v.([]any)[1].(map[string]string)
		return err
	})
	var body openApiDoc
	require.NoError(t, json.Unmarshal([]byte(mustNamed(t, mocks, typeRestApi, "xa-api-api").Input("body").(string)), &body))
	for path, ops := range body.Paths {
		for key, op := range ops {
			assert.Equalf(t, []any{map[string]any{"sigv4": []any{}}}, op["security"], "%s %s needs SigV4", key, path)
		}
	}
	policyJson := mustNamed(t, mocks, typeRestApiPolicy, "xa-policy-policy").Input("policy").(string)
	doc, err := policy.Parse(policyJson)
	require.NoError(t, err)
	arn := mocks.OfType(typeRestApi)[0].State["executionArn"].StringValue()
	appEndpoint := mocks.OfType(typeVpcEndpoint)[0].Id
	method := arn + "/dev/GET/"
	cases := []struct {
		name string
		req  policy.Request
		want bool
	}{
		{"the named role through its endpoint", policy.Request{Resource: method, SourceVpce: appEndpoint, Principal: role, PrincipalOrgId: "o-abcdefghij"}, true},
		{"partner's account root covers its roles", policy.Request{Resource: method, SourceVpce: foreignEndpointId, Principal: "arn:aws:iam::444444444444:role/any", PrincipalOrgId: "o-abcdefghij"}, true},
		{"another role of the app account", policy.Request{Resource: method, SourceVpce: appEndpoint, Principal: "arn:aws:iam::222222222222:role/other", PrincipalOrgId: "o-abcdefghij"}, false},
		{"an unsigned call", policy.Request{Resource: method, SourceVpce: appEndpoint, PrincipalOrgId: "o-abcdefghij"}, false},
		{"the named role outside the organization", policy.Request{Resource: method, SourceVpce: appEndpoint, Principal: role, PrincipalOrgId: "o-zzzzzzzzzz"}, false},
		{"the named role through an unlisted endpoint", policy.Request{Resource: method, SourceVpce: "vpce-0123456789abcdef0", Principal: role, PrincipalOrgId: "o-abcdefghij"}, false},
	}
	for _, tc := range cases {
		ok, err := doc.Evaluate(tc.req)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, ok, tc.name)
	}
	assert.Contains(t, policyJson, `"Sid":"DenyUnlessFromAllowedVpcEndpoints","Effect":"Deny"`, "the Deny stays")
	assert.Less(t, strings.Index(policyJson, `"Effect":"Deny"`), strings.Index(policyJson, `"Effect":"Allow"`), "the Deny comes first")
	require.NotEmpty(t, urls)
	for form, line := range curls {
		assert.Containsf(t, line, `--aws-sigv4 "aws:amz:eu-west-1:execute-api"`, "the %s curl line is signed", form)
	}
}

func TestCrossAccountIamNeedsAccountOrPrincipals(t *testing.T) {
	err := runMockedErr(func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		_, err = NewCrossAccountPrivateApi(ctx, "xa", &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
			Authorization: AuthorizationIam,
			Consumers:     []ConsumerArgs{{Name: "partner", EndpointId: pulumi.String(foreignEndpointId)}},
		})
		return err
	})
	assert.ErrorContains(t, err, "consumers[0].accountId")
}

// TestCrossAccountDefaultsAreTheProgramsDefaults: nil AccessLogs and nil
// Throttle give an importer what a stack file without api.accessLogs and
// api.throttle gets: access logs kept 30 days, 100/s with bursts of 200;
// Enabled false turns the logs off.
func TestCrossAccountDefaultsAreTheProgramsDefaults(t *testing.T) {
	run := func(logs *AccessLogsArgs) *awsmock.Mocks {
		return runWithApp(t, testRegion, func(producer, app *aws.Provider) *CrossAccountPrivateApiArgs {
			return &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
				AccessLogs: logs, Consumers: []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}}}
		}, nil)
	}
	mocks := run(nil)
	group := mustNamed(t, mocks, "aws:cloudwatch/logGroup:LogGroup", "xa-access-logs")
	assert.EqualValues(t, DefaultLogRetentionDays, group.Input("retentionInDays"))
	stage := mustNamed(t, mocks, typeStage, "xa-stage-stage")
	assert.NotNil(t, stage.Input("accessLogSettings"), "the stage logs to the group")
	settings := mustNamed(t, mocks, "aws:apigateway/methodSettings:MethodSettings", "xa-stage-settings").Input("settings").(map[string]any)
	assert.EqualValues(t, DefaultStageThrottle.RateLimit, settings["throttlingRateLimit"])
	assert.EqualValues(t, DefaultStageThrottle.BurstLimit, settings["throttlingBurstLimit"])

	off := run(&AccessLogsArgs{Enabled: pulumi.BoolRef(false)})
	assert.Empty(t, off.OfType("aws:cloudwatch/logGroup:LogGroup"), "Enabled false: no log group")
}

// TestRolesGetThePermissionsBoundaryOfTheirAccount: with
// RolePermissionsBoundary, each IAM role the component creates has the named
// policy of its own account as permissions boundary (the probe's role in
// the consumer account, API Gateway's CloudWatch role in the producer's);
// without it, none; a name IAM would refuse is a FieldError.
func TestRolesGetThePermissionsBoundaryOfTheirAccount(t *testing.T) {
	for _, boundary := range []string{"team/xaccount-boundary", ""} {
		mocks, _, err := runCrossAccountWith(t, testRegion, func(a *CrossAccountPrivateApiArgs) {
			a.RolePermissionsBoundary = boundary
			a.Consumers[0].Probe = true
			a.AccessLogs = &AccessLogsArgs{CreateAccountRole: true}
		})
		require.NoError(t, err)
		roles := 0
		for _, r := range mocks.Resources() {
			if r.Type != "aws:iam/role:Role" {
				continue
			}
			roles++
			account := testConsumerAccount
			if strings.Contains(r.Name, "apigateway-logs") {
				account = testProducerAccount
			}
			if boundary == "" {
				assert.NotContainsf(t, r.Inputs, "permissionsBoundary", "%s", r.Name)
				continue
			}
			assert.Equalf(t, "arn:aws:iam::"+account+":policy/team/xaccount-boundary", r.Inputs["permissionsBoundary"].V, "%s", r.Name)
		}
		assert.Equal(t, 2, roles, "the probe's role and the CloudWatch role")
	}
	_, _, err := runCrossAccountWith(t, testRegion, func(a *CrossAccountPrivateApiArgs) { a.RolePermissionsBoundary = "arn:aws:iam::1:policy/x" })
	require.Error(t, err)
	assert.Contains(t, fieldsOf(err), "rolePermissionsBoundary")
}
