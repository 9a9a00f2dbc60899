package components

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

// renamedStack registers a CrossAccountPrivateApi with an adopted API, a
// consumer whose endpoint the stack creates and one owned elsewhere, and the
// access logs and monitoring off; edit sets either the former names or the
// new ones.
func renamedStack(edit func(a *CrossAccountPrivateApiArgs)) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
		if err != nil {
			return err
		}
		app, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
		if err != nil {
			return err
		}
		args := &CrossAccountPrivateApiArgs{
			Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
			Consumers: []ConsumerArgs{
				{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}},
				{Name: "partner", AccountId: "444444444444"},
			},
			AccessLogs: &AccessLogsArgs{},
			Monitoring: &MonitoringArgs{},
		}
		edit(args)
		_, err = NewCrossAccountPrivateApi(ctx, "xa", args)
		return err
	}
}

// requireSameStack runs both programs under fresh mocks and requires the
// same resources, inputs, parents, providers and options.
func requireSameStack(t *testing.T, current, former pulumi.RunFunc, opts ...awsmock.Option) {
	t.Helper()
	run := func(program pulumi.RunFunc) []awsmock.Resource {
		mocks := awsmock.New("components-test", "test", opts...)
		require.NoError(t, mocks.Run(program))
		return mocks.Resources()
	}
	want := run(current)
	require.NotEmpty(t, want)
	assert.Equal(t, want, run(former), "the former names deploy exactly what the new ones do")
}

// TestFormerNamesBehaveAsTheNewOnes: each field kept under its former name
// (Deprecated) deploys exactly what its new name does.
func TestFormerNamesBehaveAsTheNewOnes(t *testing.T) {
	adopt := &AdoptApiArgs{RestApiId: "a1b2c3d4e5", ReplaceRoutes: true, ChangeEndpointType: true}
	t.Run("CrossAccountPrivateApiArgs and ConsumerArgs", func(t *testing.T) {
		requireSameStack(t, renamedStack(func(a *CrossAccountPrivateApiArgs) {
			a.Adopt = adopt
			a.Consumers[1].EndpointId = pulumi.String(foreignEndpointId)
			a.Consumers[1].EndpointDnsName = pulumi.String(foreignEndpointId + ".execute-api.eu-west-1.vpce.amazonaws.com")
			a.AccessLogs.Enabled = pulumi.BoolRef(false)
			a.Monitoring.Enabled = pulumi.BoolRef(false)
		}), renamedStack(func(a *CrossAccountPrivateApiArgs) {
			a.AdoptApi = adopt
			a.Consumers[1].ExistingEndpointId = pulumi.String(foreignEndpointId)
			a.Consumers[1].ExistingEndpointDnsName = pulumi.String(foreignEndpointId + ".execute-api.eu-west-1.vpce.amazonaws.com")
			a.AccessLogs.Disabled = true
			a.Monitoring.Disabled = true
		}), legacyRestApis)
	})

	endpoint := func(edit func(*ExecuteApiEndpointArgs)) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			p, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
			if err != nil {
				return err
			}
			args := endpointArgs()
			args.InvokeArns = nil
			edit(args)
			_, err = NewExecuteApiEndpoint(ctx, "app", args, pulumi.Provider(p))
			return err
		}
	}
	t.Run("ExecuteApiEndpointArgs.FullAccessPolicy", func(t *testing.T) {
		requireSameStack(t, endpoint(func(a *ExecuteApiEndpointArgs) { a.EndpointPolicy = EndpointPolicyFull }),
			endpoint(func(a *ExecuteApiEndpointArgs) { a.FullAccessPolicy = true }))
	})
	t.Run("ExecuteApiEndpointArgs.SkipPolicy", func(t *testing.T) {
		requireSameStack(t, endpoint(func(a *ExecuteApiEndpointArgs) { a.EndpointPolicy = EndpointPolicySeparate }),
			endpoint(func(a *ExecuteApiEndpointArgs) { a.SkipPolicy = true }))
	})

	extra := []map[string]any{{"Sid": "DenyDelete", "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/DELETE/*"}}
	producerSide := func(former bool) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			producer, err := newTestProvider(ctx, "producer", testProducerAccount, testRegion)
			if err != nil {
				return err
			}
			ids := pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"})
			api, err := NewPrivateRestApi(ctx, "shop", &PrivateRestApiArgs{VpcEndpointIds: ids}, pulumi.Provider(producer))
			if err != nil {
				return err
			}
			pa := &ResourcePolicyArgs{RestApiId: api.RestApiId, ExecutionArn: api.ExecutionArn, VpcEndpointIds: ids}
			sa := &StageDeploymentArgs{RestApiId: api.RestApiId, StageName: pulumi.String("dev"), VpcEndpointIds: ids}
			if former {
				pa.Revision, pa.ExtraStatements, sa.DefinitionHash = api.BodyHash, extra, api.BodyHash
			} else {
				pa.BodyHash, pa.ExtraPolicyStatements, sa.BodyHash = api.BodyHash, extra, api.BodyHash
			}
			policy, err := NewResourcePolicy(ctx, "shop-policy", pa, pulumi.Provider(producer))
			if err != nil {
				return err
			}
			sa.PolicyJson, sa.DependsOn = policy.PolicyJson, append(api.DeploymentDependencies(), policy.Policy)
			_, err = NewStageDeployment(ctx, "shop-stage", sa, pulumi.Provider(producer))
			return err
		}
	}
	t.Run("ResourcePolicyArgs.Revision, ExtraStatements and StageDeploymentArgs.DefinitionHash", func(t *testing.T) {
		requireSameStack(t, producerSide(false), producerSide(true))
	})

	t.Run("ConsumerApiAccessArgs: the consumer's ExistingEndpointId", func(t *testing.T) {
		refused := func(c ConsumerArgs) []string {
			return fieldsOf((&ConsumerApiAccessArgs{Region: testRegion, ProducerAccountId: testProducerAccount, Consumer: c}).Validate())
		}
		assert.Equal(t, []string{"consumer.endpointId"},
			refused(ConsumerArgs{Name: "app", AccountId: testConsumerAccount, EndpointId: pulumi.String(foreignEndpointId)}))
		assert.Equal(t, []string{"consumer.endpointId"},
			refused(ConsumerArgs{Name: "app", AccountId: testConsumerAccount, ExistingEndpointId: pulumi.String(foreignEndpointId)}),
			"refused as the new name is")
	})

	t.Run("ConsumerAccess.EndpointPolicy", func(t *testing.T) {
		runWithApp(t, testRegion, func(producer, app *aws.Provider) *CrossAccountPrivateApiArgs {
			return &CrossAccountPrivateApiArgs{Region: testRegion, ProducerAccountId: testProducerAccount, ProducerProvider: producer, StageName: "dev",
				Consumers: []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, Provider: app, Vpc: &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}}}}
		}, func(api *CrossAccountPrivateApi) error {
			v, _, err := awsmock.Await(pulumi.All(api.Consumers["app"].EndpointPolicyJson, api.Consumers["app"].EndpointPolicy))
			require.NoError(t, err)
			both := v.([]any)
			assert.Contains(t, both[0], "execute-api:Invoke")
			assert.Equal(t, both[0], both[1], "the former name holds the same document")
			return nil
		})
	})
}

// TestFormerAndNewNameTogetherAreRefused: a field set under both its former
// and its new name is a problem of the former name, reported with every
// other problem before anything is registered.
func TestFormerAndNewNameTogetherAreRefused(t *testing.T) {
	adopt := &AdoptApiArgs{RestApiId: "a1b2c3d4e5", ReplaceRoutes: true, ChangeEndpointType: true}
	mocks := awsmock.New("components-test", "test", legacyRestApis)
	err := mocks.Run(renamedStack(func(a *CrossAccountPrivateApiArgs) {
		a.Adopt, a.AdoptApi = adopt, adopt
		a.Consumers[1].EndpointId, a.Consumers[1].ExistingEndpointId = pulumi.String(foreignEndpointId), pulumi.String(foreignEndpointId)
		a.Consumers[1].EndpointDnsName, a.Consumers[1].ExistingEndpointDnsName = pulumi.String("a"), pulumi.String("a")
		a.AccessLogs.Enabled, a.AccessLogs.Disabled = pulumi.BoolRef(false), true
		a.Monitoring.Enabled, a.Monitoring.Disabled = pulumi.BoolRef(false), true
	}))
	assert.Equal(t, []string{"adoptApi", "accessLogs.disabled", "monitoring.disabled", "consumers[1].existingEndpointId", "consumers[1].existingEndpointDnsName"}, fieldsOf(err))
	assert.Contains(t, err.Error(), "adoptApi: set with adopt, its new name; set only adopt (adoptApi is deprecated)")
	for _, r := range mocks.Resources() {
		assert.Equal(t, awsmock.ProviderType, r.Type, "nothing but the providers is registered")
	}

	endpoint := endpointArgs()
	endpoint.InvokeArns = nil
	endpoint.EndpointPolicy, endpoint.FullAccessPolicy = EndpointPolicyFull, true
	assert.Equal(t, []string{"fullAccessPolicy"}, fieldsOf(endpoint.Validate()))
	endpoint.EndpointPolicy, endpoint.SkipPolicy = "", true
	assert.Equal(t, []string{"skipPolicy"}, fieldsOf(endpoint.Validate()), "two former modes at once")
	assert.Contains(t, endpoint.Validate().Error(), "skipPolicy: set with fullAccessPolicy")

	hash := pulumi.String("h")
	policy := &ResourcePolicyArgs{RestApiId: hash, ExecutionArn: pulumi.String(testExecutionArn), VpcEndpointIds: pulumi.StringArray{},
		BodyHash: hash, Revision: hash, ExtraPolicyStatements: []map[string]any{}, ExtraStatements: []map[string]any{}}
	assert.Equal(t, []string{"revision", "extraStatements"}, fieldsOf(policy.Validate()))
	stage := &StageDeploymentArgs{RestApiId: hash, StageName: pulumi.String("dev"), PolicyJson: hash, VpcEndpointIds: pulumi.StringArray{},
		BodyHash: hash, DefinitionHash: hash, DependsOn: []pulumi.Resource{&team{}}}
	assert.Equal(t, []string{"definitionHash"}, fieldsOf(stage.Validate()))
	assert.Equal(t, []string{"disabled"}, fieldsOf(MonitoringArgs{Enabled: pulumi.BoolRef(true), Disabled: true}.Validate(testRegion)))
}
