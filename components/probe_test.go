package components

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/probediag"
	"github.com/xaccount/xaccount-api/internal/vocab"
)

const (
	typeFunction   = "aws:lambda/function:Function"
	typeInvocation = "aws:lambda/invocation:Invocation"
	typeRole       = "aws:iam/role:Role"
)

// probeStack registers the composite with probes on the created-VPC and
// existing-VPC consumers and a partner with its own endpoint; edit changes
// the args before registration. It returns the mocks and each consumer's
// probe results.
func probeStack(t *testing.T, edit func(*CrossAccountPrivateApiArgs)) (*awsmock.Mocks, map[string]map[string]any, error) {
	t.Helper()
	results := map[string]map[string]any{}
	mocks := awsmock.New("components-test", "test")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		app, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		batch, err := newTestProvider(ctx, "consumer-batch", testSecondConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		args := &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
			Consumers: []ConsumerArgs{
				{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}, Probe: true},
				{Name: "batch", AccountId: testSecondConsumerAccount, Provider: batch, VpcId: pulumi.String("vpc-0123456789abcdef0"),
					SubnetIds: pulumi.ToStringArray([]string{"subnet-0123456789abcdef1", "subnet-0123456789abcdef2"}), Probe: true},
				{Name: "partner", AccountId: "444444444444", EndpointId: pulumi.String(foreignEndpointId), EndpointDnsName: pulumi.String(foreignEndpointDns)},
			},
		}
		if edit != nil {
			edit(args)
		}
		api, err := NewCrossAccountPrivateApi(ctx, "xa", args)
		if err != nil {
			return err
		}
		for name, access := range api.Consumers {
			if access.Probe == nil {
				continue
			}
			v, _, err := awsmock.Await(access.Probe.Results)
			if err != nil {
				return err
			}
			results[name] = v.(map[string]any)
		}
		return nil
	})
	return mocks, results, err
}

// probeEventOf decodes an invocation's input.
func probeEventOf(t *testing.T, inv awsmock.Resource) probeEvent {
	t.Helper()
	var ev probeEvent
	require.NoError(t, json.Unmarshal([]byte(inv.Input("input").(string)), &ev))
	return ev
}

// TestProbeSitsInTheConsumerVpcAndReachesOnlyTheEndpoint: a probe per
// consumer whose endpoint is created here, none for the partner's; in the
// consumer's account and the endpoint's subnets; its group allows 443 out to
// the endpoint's group and nothing in; its role has the VPC-access policy
// only; its code is the embedded file.
func TestProbeSitsInTheConsumerVpcAndReachesOnlyTheEndpoint(t *testing.T) {
	mocks, results, err := probeStack(t, nil)
	require.NoError(t, err)
	assert.Len(t, mocks.OfType(ConnectivityProbeType), 2)
	_, partner := mocks.Named(ConnectivityProbeType, "xa-partner-probe")
	assert.False(t, partner, "no probe for an endpoint another team owns")

	for consumer, account := range map[string]string{"app": testConsumerAccount, "batch": testSecondConsumerAccount} {
		probe := "xa-" + consumer + "-probe"
		for _, typ := range []string{typeFunction, typeInvocation, typeRole, typeSecurityGroup} {
			suffix := map[string]string{typeFunction: "-function", typeInvocation: "-invocation", typeRole: "-role", typeSecurityGroup: "-sg"}[typ]
			r := mustNamed(t, mocks, typ, probe+suffix)
			assert.Equalf(t, account, mocks.AccountOf(r), "%s %s in the consumer's account", typ, r.Name)
			assert.Falsef(t, r.Protect, "%s holds no state and is never protected", r.Name)
		}
		endpoint := mustNamed(t, mocks, typeVpcEndpoint, "xa-"+consumer+"-endpoint-vpce")
		endpointSg := mustNamed(t, mocks, typeSecurityGroup, "xa-"+consumer+"-endpoint-sg")
		fn := mustNamed(t, mocks, typeFunction, probe+"-function")
		sg := mustNamed(t, mocks, typeSecurityGroup, probe+"-sg")
		vpcConfig := fn.Input("vpcConfig").(map[string]any)
		assert.Equal(t, endpoint.Input("subnetIds"), vpcConfig["subnetIds"], "the endpoint's subnets")
		assert.Equal(t, []any{sg.Id}, vpcConfig["securityGroupIds"])
		assert.Equal(t, endpoint.Input("vpcId"), sg.Input("vpcId"))
		assert.Empty(t, sg.Input("ingress"))
		egress := sg.Input("egress").([]any)
		require.Len(t, egress, 1)
		rule := egress[0].(map[string]any)
		assert.Equal(t, []any{endpointSg.Id}, rule["securityGroups"])
		assert.Nil(t, rule["cidrBlocks"], "no CIDR: only the endpoint's group")
		assert.Equal(t, 443.0, rule["fromPort"])

		role := mustNamed(t, mocks, typeRole, probe+"-role")
		assert.Equal(t, []any{"arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}, role.Input("managedPolicyArns"))
		assert.Nil(t, role.Input("inlinePolicies"), "no other permission without AWS_IAM")
		assert.Contains(t, role.Input("assumeRolePolicy"), `"Service":"lambda.amazonaws.com"`)

		code := fn.Inputs["code"]
		require.True(t, code.IsArchive())
		file, ok := code.ArchiveValue().Assets["probe.py"].(*resource.Asset)
		require.True(t, ok, "the archive holds probe.py as a text asset")
		assert.Equal(t, probeSource, file.Text, "the embedded code, nothing built or downloaded")
		assert.Equal(t, probeRuntime, fn.Input("runtime"))
		assert.Equal(t, "probe.handler", fn.Input("handler"))
		assert.Equal(t, true, fn.Input("replaceSecurityGroupsOnDestroy"))

		inv := mustNamed(t, mocks, typeInvocation, probe+"-invocation")
		assert.Equal(t, fn.Id, inv.Input("functionName"))
		require.Contains(t, results, consumer)
	}

	// The forms follow the consumer: private DNS on for a created VPC only.
	app := probeEventOf(t, mustNamed(t, mocks, typeInvocation, "xa-app-probe-invocation"))
	batch := probeEventOf(t, mustNamed(t, mocks, typeInvocation, "xa-batch-probe-invocation"))
	assert.Len(t, app.Targets, 4)
	assert.Len(t, batch.Targets, 3)
	for _, target := range app.Targets {
		assert.Truef(t, strings.HasSuffix(target.Url, "/dev/"), "%s calls the default route / of the stage: %s", target.Form, target.Url)
		assert.Equal(t, 200, target.Expect, "the default MOCK route answers 200")
		assert.False(t, target.Sign)
		switch target.Form {
		case InvokePublicDnsHostHeader:
			assert.Contains(t, target.Headers["Host"], ".execute-api.eu-west-1.amazonaws.com")
		case InvokePublicDnsApiIdHeader:
			assert.NotEmpty(t, target.Headers["x-apigw-api-id"])
		default:
			assert.Empty(t, target.Headers)
		}
	}
	assert.Equal(t, probediag.Rules, app.Rules, "the Lambda gets the diagnostics table as data")
	assert.True(t, app.FailOnError)
	assert.Len(t, results["app"], 4, "one result per form")
}

// TestProbeRerunsOnDeploymentPolicyAndEndpoint: the invocation's triggers
// come from the deployment, the policy and the endpoint; a policy change
// (another consumer) changes the trigger and so replaces the invocation.
func TestProbeRerunsOnDeploymentPolicyAndEndpoint(t *testing.T) {
	mocks, _, err := probeStack(t, nil)
	require.NoError(t, err)
	inv := mustNamed(t, mocks, typeInvocation, "xa-app-probe-invocation")
	deployment := mustNamed(t, mocks, typeDeployment, "xa-stage-deployment")
	endpoint := mustNamed(t, mocks, typeVpcEndpoint, "xa-app-endpoint-vpce")
	triggers := inv.Input("triggers").(map[string]any)
	assert.Equal(t, deployment.Id, triggers["deployment"])
	assert.Equal(t, endpoint.Id, triggers["endpoint"])
	assert.Contains(t, inv.InputDependencies["triggers"], deployment.URN, "a new deployment re-runs the probe")
	assert.Contains(t, inv.InputDependencies["triggers"], endpoint.URN)

	fewer, _, err := probeStack(t, func(a *CrossAccountPrivateApiArgs) { a.Consumers = a.Consumers[:2] })
	require.NoError(t, err)
	after := mustNamed(t, fewer, typeInvocation, "xa-app-probe-invocation").Input("triggers").(map[string]any)
	assert.NotEqual(t, triggers["policy"], after["policy"], "the policy changed, so the trigger does")
	assert.Equal(t, triggers["endpoint"], after["endpoint"])

	// An endpoint policy change (restricted -> full) re-runs the probe, after
	// the new policy is attached.
	attachment := mustNamed(t, mocks, "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "xa-app-endpoint-policy")
	assert.Contains(t, inv.InputDependencies["triggers"], attachment.URN, "the probe waits for the endpoint policy")
	require.NotEmpty(t, triggers["endpointPolicy"])
	full, _, err := probeStack(t, func(a *CrossAccountPrivateApiArgs) { a.Consumers[0].EndpointPolicy = EndpointPolicyFull })
	require.NoError(t, err)
	afterFull := mustNamed(t, full, typeInvocation, "xa-app-probe-invocation").Input("triggers").(map[string]any)
	assert.NotEqual(t, triggers["endpointPolicy"], afterFull["endpointPolicy"], "a new endpoint policy re-runs the probe")
	assert.Equal(t, triggers["policy"], afterFull["policy"])
}

func TestProbeRefusesWhatItCannotDo(t *testing.T) {
	_, _, err := probeStack(t, func(a *CrossAccountPrivateApiArgs) { a.Consumers[2].Probe = true })
	assert.Contains(t, fieldsOf(err), "consumers[2].probe", "no probe for an endpoint owned elsewhere")

	_, _, err = probeStack(t, func(a *CrossAccountPrivateApiArgs) {
		a.Routes = []Route{{Path: "/orders", Method: "POST", Integration: RouteIntegration{Type: IntegrationMock}}}
	})
	assert.Contains(t, fieldsOf(err), "consumers[0].probe", "the probe needs a GET or ANY route")
}

// TestProbeCallsTheFirstGetRoute: parameters become "probe"; a proxy route
// expects any answer API Gateway does not refuse.
func TestProbeCallsTheFirstGetRoute(t *testing.T) {
	mocks, _, err := probeStack(t, func(a *CrossAccountPrivateApiArgs) {
		a.Routes = []Route{
			{Path: "/orders", Method: "POST", Integration: RouteIntegration{Type: IntegrationMock}},
			{Path: "/orders/{id}", Method: "GET", Integration: RouteIntegration{Type: IntegrationHTTPProxy, Uri: pulumi.String("https://orders.example.com/{id}")}},
		}
	})
	require.NoError(t, err)
	ev := probeEventOf(t, mustNamed(t, mocks, typeInvocation, "xa-app-probe-invocation"))
	for _, target := range ev.Targets {
		assert.True(t, strings.HasSuffix(target.Url, "/dev/orders/probe"), target.Url)
		assert.Zero(t, target.Expect)
	}
	assert.Equal(t, IntegrationHTTPProxy, ev.Integration)
}

// TestSignedProbeUnderAwsIam: with AWS_IAM the probe signs, its role may
// invoke GET on the probe route of this stage only, and where the consumer
// names principals (so not the probe's role) the API must refuse it.
func TestSignedProbeUnderAwsIam(t *testing.T) {
	off := false
	mocks, _, err := probeStack(t, func(a *CrossAccountPrivateApiArgs) {
		a.Authorization = AuthorizationIam
		a.ProbeFailOnError = &off
		a.Consumers[1].Principals = pulumi.ToStringArray([]string{"arn:aws:iam::" + testSecondConsumerAccount + ":role/batch"})
	})
	require.NoError(t, err)
	api := mustNamed(t, mocks, typeRestApi, "xa-api-api")
	role := mustNamed(t, mocks, typeRole, "xa-app-probe-role")
	inline := role.Input("inlinePolicies").([]any)
	require.Len(t, inline, 1)
	doc := inline[0].(map[string]any)["policy"].(string)
	assert.Contains(t, doc, `"Resource":"`+api.Output("executionArn").(string)+`/dev/GET/"`)
	assert.Contains(t, doc, `"Action":"execute-api:Invoke"`)

	app := probeEventOf(t, mustNamed(t, mocks, typeInvocation, "xa-app-probe-invocation"))
	batch := probeEventOf(t, mustNamed(t, mocks, typeInvocation, "xa-batch-probe-invocation"))
	assert.False(t, app.FailOnError)
	for _, target := range app.Targets {
		assert.True(t, target.Sign)
		assert.Equal(t, 200, target.Expect, "the account root covers the probe's role")
	}
	for _, target := range batch.Targets {
		assert.Equal(t, 403, target.Expect, "named principals leave the probe's role out")
	}
}

// TestProbeNamesFitAwsLimits: pulumi-aws names a function
// "<logical>-<7 hex>" and refuses one longer than Lambda's 64 characters, so
// the program's probe of a consumer name of the longest valid length (32)
// gets a fitted, stable name; a short one keeps the provider's generated name.
func TestProbeNamesFitAwsLimits(t *testing.T) {
	long := strings.Repeat("a", 32)
	require.True(t, vocab.ValidConsumerName(long), "32 characters is a valid consumer name")
	mocks := awsmock.New("components-test", "test")
	err := mocks.Run(func(ctx *pulumi.Context) error {
		app, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		for _, consumer := range []string{long, "app"} {
			// The name the program's composite ("xaccount-api") gives a consumer's probe.
			if _, err := NewConnectivityProbe(ctx, "xaccount-api-"+consumer+"-probe", &ConnectivityProbeArgs{
				Region: testRegion, VpcId: pulumi.String("vpc-0123456789abcdef0"),
				SubnetIds:               pulumi.ToStringArray([]string{"subnet-0123456789abcdef1"}),
				EndpointSecurityGroupId: pulumi.String("sg-0123456789abcdef0"),
				InvokeUrls:              pulumi.StringMap{InvokeRoute53Alias: pulumi.String("https://abcde12345-vpce-0123456789abcdef0.execute-api.eu-west-1.amazonaws.com/dev")},
				Triggers:                pulumi.StringMap{"deployment": pulumi.String("d1")},
			}, pulumi.Provider(app)); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	logical := "xaccount-api-" + long + "-probe-function"
	require.Greater(t, len(logical)+8, maxLambdaFunctionName, "the generated name would not fit")
	fn := mustNamed(t, mocks, typeFunction, logical)
	name, _ := fn.Input("name").(string)
	assert.Equal(t, fittedNameFor("components-test", "test", logical, maxLambdaFunctionName), name)
	assert.Len(t, name, maxLambdaFunctionName)
	assert.True(t, strings.HasPrefix(name, "xaccount-api-"+long), name)
	assert.NotEqual(t, name, fittedNameFor("components-test", "prod", logical, maxLambdaFunctionName), "another stack, another name")
	role := mustNamed(t, mocks, typeRole, "xaccount-api-"+long+"-probe-role")
	assert.Nil(t, role.Input("name"), "the role's generated name (56 and 8) fits in 64: the provider names it")
	short := mustNamed(t, mocks, typeFunction, "xaccount-api-app-probe-function")
	assert.Nil(t, short.Input("name"), "a short name is left to the provider")
	assert.Regexp(t, `^short-[0-9a-f]{8}$`, fittedNameFor("p", "s", "short", 64), "a short logical name is kept whole")
}
