package stack

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/config/configtest"
)

// runProgram runs Program under the AWS mocks with the given configuration,
// handed over in the environment variables the engine sets for a program.
func runProgram(t *testing.T, raw map[string]string, secretKeys ...string) (*awsmock.Mocks, error) {
	t.Helper()
	env, err := awsmock.ConfigEnv(raw, secretKeys)
	require.NoError(t, err)
	for k, v := range env {
		t.Setenv(k, v)
	}
	profiles := map[string]string{}
	if cfg, err := config.Load(raw, secretKeys, "dev"); err == nil {
		profiles = cfg.ProfileAccounts()
	}
	mocks := awsmock.New(config.Namespace, "dev", awsmock.Profiles(profiles))
	return mocks, mocks.Run(Program)
}

func TestProgramNeverUsesADefaultProvider(t *testing.T) {
	c := configtest.Valid()
	c["consumers"] = append(c["consumers"].([]any), map[string]any{
		"name": "partner", "accountId": "444444444444", "endpointId": "vpce-0fffffffffffffff0",
	})
	mocks, err := runProgram(t, configtest.Raw(t, c))
	require.NoError(t, err)
	resources := mocks.Resources()
	require.NotEmpty(t, resources)
	providers := map[string]bool{}
	for _, r := range mocks.OfType(awsmock.ProviderType) {
		providers[r.URN] = true
	}
	assert.Len(t, providers, 3, "producer, app and batch; none for the consumer whose endpoint is owned elsewhere")
	for _, r := range resources {
		if !r.Custom || r.Type == awsmock.ProviderType {
			continue
		}
		assert.Truef(t, strings.HasPrefix(r.Type, "aws:"), "unexpected resource %s", r.Type)
		assert.Truef(t, providers[r.Provider], "%s %s must name one of the stack's providers explicitly, has %q", r.Type, r.Name, r.Provider)
		assert.NotEmptyf(t, mocks.AccountOf(r), "%s %s must be pinned to an account", r.Type, r.Name)
	}
}

func TestProgramPinsEachProviderToItsAccount(t *testing.T) {
	c := configtest.Valid()
	configtest.At(c, "producer")["externalId"] = "shared-secret-123"
	configtest.At(c, "producer")["sessionName"] = "xaccount"
	mocks, err := runProgram(t, configtest.Raw(t, c))
	require.NoError(t, err)
	want := map[string]string{"producer": "111111111111", "consumer-app": "222222222222", "consumer-batch": "333333333333"}
	for _, p := range mocks.OfType(awsmock.ProviderType) {
		account, ok := want[p.Name]
		require.Truef(t, ok, "unexpected provider %s", p.Name)
		assert.Equal(t, []any{account}, p.Input("allowedAccountIds"))
		assert.Equal(t, "eu-west-1", p.Input("region"))
		assert.Equal(t, map[string]any{"tags": map[string]any{"team": "platform"}}, p.Input("defaultTags"))
	}
	producer, _ := mocks.Named(awsmock.ProviderType, "producer")
	role := producer.Input("assumeRole").(map[string]any)
	assert.Equal(t, "arn:aws:iam::111111111111:role/deployer", role["roleArn"])
	assert.Equal(t, "xaccount", role["sessionName"])
	assert.True(t, producer.InputIsSecret("assumeRole", "externalId"), "the external ID must be a Pulumi secret")
	batch, _ := mocks.Named(awsmock.ProviderType, "consumer-batch")
	assert.Equal(t, "batch", batch.Input("profile"))
	assert.Nil(t, batch.Input("assumeRole"))
}

func TestProgramRegistersNothingForBadConfig(t *testing.T) {
	for _, tc := range configtest.BadCases {
		t.Run(tc.Name, func(t *testing.T) {
			c := configtest.Valid()
			tc.Change(c)
			mocks, err := runProgram(t, configtest.Raw(t, c))
			require.ErrorIs(t, err, ErrInvalidConfig)
			var cfgErr *config.Error
			require.ErrorAs(t, err, &cfgErr, "the problems travel with the error")
			assert.Contains(t, cfgErr.Error(), tc.Key)
			lines := strings.Split(strings.TrimRight(err.Error(), "\n"), "\n")
			n := len(cfgErr.Problems)
			assert.Equal(t, map[bool]string{true: "1 error occurred:", false: fmt.Sprintf("%d errors occurred:", n)}[n == 1], lines[0],
				"pulumi.Run counts every problem")
			require.Len(t, lines, n+1, "one bullet per problem:\n%v", err)
			for i, p := range cfgErr.Problems {
				assert.Equal(t, "\t* "+p.String(), lines[i+1], "each problem a bullet naming its key")
			}
			assert.Empty(t, mocks.Resources(), "no resource may be registered for an invalid config")
		})
	}
}

// replaceable are the types a route, policy or consumer change replaces or
// deletes (protecting them would make every such change fail), and settings
// that hold no state.
var replaceable = map[string]bool{
	"aws:apigateway/deployment:Deployment":        true,
	"aws:apigateway/restApiPolicy:RestApiPolicy":  true,
	"aws:lambda/permission:Permission":            true,
	"aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": true,
	// Settings rather than state: never protected.
	"aws:apigateway/methodSettings:MethodSettings": true,
	"aws:apigateway/account:Account":               true,
	"aws:iam/role:Role":                            true,
	// Monitoring and the custom domain's sharing and resolution: settings,
	// or what a consumer change creates and deletes.
	"aws:cloudwatch/logMetricFilter:LogMetricFilter":                         true,
	"aws:cloudwatch/metricAlarm:MetricAlarm":                                 true,
	"aws:cloudwatch/dashboard:Dashboard":                                     true,
	"aws:apigateway/basePathMapping:BasePathMapping":                         true,
	"aws:apigateway/domainNameAccessAssociation:DomainNameAccessAssociation": true,
	"aws:ram/resourceShare:ResourceShare":                                    true,
	"aws:ram/resourceAssociation:ResourceAssociation":                        true,
	"aws:ram/principalAssociation:PrincipalAssociation":                      true,
	"aws:ram/resourceShareAccepter:ResourceShareAccepter":                    true,
	"aws:route53/zone:Zone":                                                  true,
	"aws:route53/record:Record":                                              true,
}

func TestProgramProtectsWhatHoldsStateWhenAsked(t *testing.T) {
	for _, protect := range []bool{true, false} {
		c := configtest.Valid()
		c["protect"] = fmt.Sprint(protect)
		mocks, err := runProgram(t, configtest.Raw(t, c))
		require.NoError(t, err)
		seen := map[string]bool{}
		for _, r := range mocks.Resources() {
			if !r.Custom || r.Type == awsmock.ProviderType {
				assert.Falsef(t, r.Protect, "%s %s: components and providers are never protected", r.Type, r.Name)
				continue
			}
			seen[r.Type] = true
			want := protect && !replaceable[r.Type]
			assert.Equalf(t, want, r.Protect, "%s %s protect with protect=%v", r.Type, r.Name, protect)
		}
		for _, typ := range []string{"aws:apigateway/restApi:RestApi", "aws:apigateway/stage:Stage", "aws:ec2/vpcEndpoint:VpcEndpoint",
			"aws:ec2/securityGroup:SecurityGroup", "aws:apigateway/deployment:Deployment", "aws:apigateway/restApiPolicy:RestApiPolicy",
			"aws:cloudwatch/logGroup:LogGroup", "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet"} {
			assert.Truef(t, seen[typ], "the config registers a %s", typ)
		}
	}
}

func TestDeployExportsEveryInvokeForm(t *testing.T) {
	var outputs map[string]any
	mocks := awsmock.New(config.Namespace, "dev", awsmock.Profiles(map[string]string{"batch": "333333333333"}))
	err := mocks.Run(func(ctx *pulumi.Context) error {
		exports, err := Deploy(ctx)
		if err != nil {
			return err
		}
		v, _, err := awsmock.Await(exports.ToMapOutput())
		outputs, _ = v.(map[string]any)
		return err
	}, awsmock.WithConfig(configtest.Raw(t, configtest.Valid()), nil))
	require.NoError(t, err)
	for _, k := range []string{"region", "producerAccountId", "restApiId", "executionArn", "stageName", "consumers"} {
		assert.Containsf(t, outputs, k, "stack output %s", k)
	}
	app := outputs["consumers"].(map[string]any)["app"].(map[string]any)
	assert.Equal(t, "222222222222", app["accountId"])
	assert.Len(t, app["invokeUrls"], 4)
	assert.Len(t, app["curl"], 4)
	assert.NotEmpty(t, app["endpointDnsNames"])
}

// deploymentTriggers runs the program and returns the deployment's triggers.
func deploymentTriggers(t *testing.T, c map[string]any) map[string]any {
	t.Helper()
	mocks, err := runProgram(t, configtest.Raw(t, c))
	require.NoError(t, err)
	deployments := mocks.OfType("aws:apigateway/deployment:Deployment")
	require.Len(t, deployments, 1)
	return deployments[0].Input("triggers").(map[string]any)
}

func TestDeploymentTriggersFollowTheDefinition(t *testing.T) {
	base := deploymentTriggers(t, configtest.Valid())
	assert.Equal(t, base, deploymentTriggers(t, configtest.Valid()), "an unchanged stack must not redeploy")

	changes := map[string]struct {
		change  func(c map[string]any)
		trigger string
	}{
		"a route":        {func(c map[string]any) { configtest.At(c, "api", "routes", 1)["path"] = "/orders/{id}/lines" }, "definition"},
		"an integration": {func(c map[string]any) { configtest.At(c, "api", "routes", 0, "integration")["body"] = `{"v":2}` }, "definition"},
		"the policy and endpoints": {func(c map[string]any) {
			c["consumers"] = append(c["consumers"].([]any), map[string]any{"name": "partner", "accountId": "444444444444", "endpointId": "vpce-0fffffffffffffff0"})
		}, "policy"},
	}
	for name, tc := range changes {
		t.Run(name, func(t *testing.T) {
			c := configtest.Valid()
			tc.change(c)
			got := deploymentTriggers(t, c)
			assert.NotEqual(t, base[tc.trigger], got[tc.trigger], "changing %s must change the %s trigger", name, tc.trigger)
		})
	}
	t.Run("tags only", func(t *testing.T) {
		c := configtest.Valid()
		c["tags"] = map[string]any{"team": "other"}
		assert.Equal(t, base, deploymentTriggers(t, c), "tags do not change what is deployed to the stage")
	})
}

func TestProgramRefusesMisspeltKeyFromRunInfo(t *testing.T) {
	t.Setenv(pulumi.EnvConfig, "")
	raw := configtest.Raw(t, configtest.Valid())
	raw["xaccount-api:protcet"] = "true"
	mocks := awsmock.New(config.Namespace, "dev")
	err := mocks.Run(Program, awsmock.WithConfig(raw, nil))
	var cfgErr *config.Error
	require.ErrorAs(t, err, &cfgErr)
	assert.Contains(t, cfgErr.Error(), "xaccount-api:protcet: unknown key")
	assert.Empty(t, mocks.Resources(), "nothing is registered for a misspelt key")
}
