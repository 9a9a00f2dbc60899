package components

import (
	"maps"
	"slices"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
)

const (
	typeDeployment    = "aws:apigateway/deployment:Deployment"
	typeStage         = "aws:apigateway/stage:Stage"
	typeRestApiPolicy = "aws:apigateway/restApiPolicy:RestApiPolicy"
)

func TestDeploymentTriggers(t *testing.T) {
	ids := []string{"vpce-0aaaaaaaaaaaaaaaa", "vpce-0bbbbbbbbbbbbbbbb"}
	base := deploymentTriggers("body-1", `{"policy":1}`, ids)
	assert.Equal(t, base, deploymentTriggers("body-1", `{"policy":1}`, []string{ids[1], ids[0]}), "equal inputs, equal triggers")
	assert.Equal(t, []string{"definition", "endpoints", "policy"}, slices.Sorted(maps.Keys(base)))

	assert.NotEqual(t, base["definition"], deploymentTriggers("body-2", `{"policy":1}`, ids)["definition"], "a definition change")
	assert.NotEqual(t, base["policy"], deploymentTriggers("body-1", `{"policy":2}`, ids)["policy"], "a policy change")
	assert.NotEqual(t, base["endpoints"], deploymentTriggers("body-1", `{"policy":1}`, ids[:1])["endpoints"], "an endpoint change")
	changedPolicy := deploymentTriggers("body-1", `{"policy":2}`, ids)
	assert.Equal(t, base["definition"], changedPolicy["definition"])
	assert.Equal(t, base["endpoints"], changedPolicy["endpoints"])
}

func TestStageDeploymentDependsOnEverythingAndKeepsAStableStage(t *testing.T) {
	mocks := runMocked(t, func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		api, err := NewPrivateRestApi(ctx, "shop", &PrivateRestApiArgs{
			VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"}),
			Routes:         testRoutes,
		}, pulumi.Provider(producer))
		if err != nil {
			return err
		}
		policy, err := NewResourcePolicy(ctx, "shop-policy", &ResourcePolicyArgs{
			RestApiId: api.RestApiId, ExecutionArn: api.ExecutionArn,
			VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"}),
			BodyHash:       api.BodyHash,
		}, pulumi.Provider(producer))
		if err != nil {
			return err
		}
		_, err = NewStageDeployment(ctx, "shop-stage", &StageDeploymentArgs{
			RestApiId:      api.RestApiId,
			StageName:      pulumi.String("dev"),
			BodyHash:       api.BodyHash,
			PolicyJson:     policy.PolicyJson,
			VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"}),
			Protect:        true,
			DependsOn:      append(api.DeploymentDependencies(), policy.Policy),
		}, pulumi.Provider(producer), pulumi.Protect(true))
		return err
	})
	dep := mustNamed(t, mocks, typeDeployment, "shop-stage-deployment")
	for _, typ := range []string{typeRestApi, typePermission, typeRestApiPolicy} {
		for _, r := range mocks.OfType(typ) {
			assert.Containsf(t, dep.Dependencies, r.URN, "the deployment must depend on %s %s", typ, r.Name)
		}
	}
	triggers := dep.Input("triggers").(map[string]any)
	assert.Len(t, triggers, 3)
	assert.False(t, dep.Protect, "a protected deployment could never be replaced: never protected, even under a protected parent")
	policy := mustNamed(t, mocks, typeRestApiPolicy, "shop-policy-policy")
	assert.False(t, policy.Protect, "the policy attachment is replaced with the body: never protected")
	assert.True(t, policy.RetainOnDelete, "deleting the replaced attachment would detach the new policy")
	api := mustNamed(t, mocks, typeRestApi, "shop-api")
	assert.Equal(t, sha256Hex(api.Input("body").(string)), policy.ReplacementTrigger, "the policy is re-attached whenever the body changes")
	assert.Equal(t, sha256Hex(api.Input("body").(string)), triggers["definition"], "the deployment is replaced whenever the body changes")
	assert.Nil(t, dep.Input("stageName"), "the stage is a separate resource, not the deployment's stageName")

	stage := mustNamed(t, mocks, typeStage, "shop-stage-stage")
	assert.True(t, stage.Protect, "the stage holds the URL: protected when asked")
	assert.Equal(t, dep.Id, stage.Input("deployment"))
	assert.Equal(t, "dev", stage.Input("stageName"))
	assert.Equal(t, mustNamed(t, mocks, typeRestApi, "shop-api").Id, stage.Input("restApi"))
	for _, r := range []string{dep.Provider, stage.Provider} {
		assert.Contains(t, r, "::producer")
	}
}

func TestStageDeploymentRequiresDependencies(t *testing.T) {
	err := runMockedErr(func(ctx *pulumi.Context) error {
		_, err := NewStageDeployment(ctx, "s", &StageDeploymentArgs{
			RestApiId: pulumi.String("abc"), StageName: pulumi.String("dev"), BodyHash: pulumi.String("f"),
			PolicyJson: pulumi.String("{}"), VpcEndpointIds: pulumi.StringArray{},
		})
		return err
	})
	assert.ErrorContains(t, err, "dependsOn: empty; expected the policy, methods and integrations")
	err = runMockedErr(func(ctx *pulumi.Context) error {
		_, err := NewStageDeployment(ctx, "s", &StageDeploymentArgs{DependsOn: []pulumi.Resource{&apigateway.RestApi{}}})
		return err
	})
	assert.Equal(t, []string{"restApiId", "stageName", "bodyHash", "policyJson", "vpcEndpointIds", "provider"}, fieldsOf(err),
		"every problem at once, the missing provider too")
}

func TestResourcePolicyComponent(t *testing.T) {
	mocks := runMocked(t, func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		_, err = NewResourcePolicy(ctx, "p", &ResourcePolicyArgs{
			RestApiId:      pulumi.String("abcde12345"),
			ExecutionArn:   pulumi.String(testExecutionArn),
			VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"}),
			BodyHash:       pulumi.String("body-hash-1"),
		}, pulumi.Provider(producer))
		return err
	})
	pol := mustNamed(t, mocks, "aws:apigateway/restApiPolicy:RestApiPolicy", "p-policy")
	assert.Equal(t, "abcde12345", pol.Input("restApiId"))
	assert.Equal(t, "producer", mocks.ProviderName(pol))
	assert.True(t, invokeAllowed(t, pol.Input("policy").(string), "vpce-0aaaaaaaaaaaaaaaa"))
	assert.False(t, invokeAllowed(t, pol.Input("policy").(string), "vpce-0bbbbbbbbbbbbbbbb"))
	assert.Equal(t, mustNamed(t, mocks, ResourcePolicyType, "p").URN, pol.Parent)

	// Without BodyHash the first body import after a route change would
	// leave the API without its policy: refused.
	noRevision := runMockedErr(func(ctx *pulumi.Context) error {
		_, err := NewResourcePolicy(ctx, "p", &ResourcePolicyArgs{
			RestApiId: pulumi.String("abcde12345"), ExecutionArn: pulumi.String(testExecutionArn),
			VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"}),
		})
		return err
	})
	assert.ErrorContains(t, noRevision, "bodyHash: required: pass the API's PrivateRestApi.BodyHash")

	err := runMockedErr(func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		_, err = NewResourcePolicy(ctx, "p", &ResourcePolicyArgs{
			RestApiId: pulumi.String("abcde12345"), ExecutionArn: pulumi.String("execute-api:/*"),
			VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"}), BodyHash: pulumi.String("body-hash-1"),
		}, pulumi.Provider(producer))
		return err
	})
	assert.ErrorContains(t, err, "execution ARN")
}
