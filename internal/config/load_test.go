package config_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/config/configtest"
)

func TestLoadValidConfig(t *testing.T) {
	cfg, err := config.Load(configtest.Raw(t, configtest.Valid()), nil, "dev")
	require.NoError(t, err)
	assert.Equal(t, "eu-west-1", cfg.Region)
	assert.Equal(t, "111111111111", cfg.Producer.AccountId)
	require.Len(t, cfg.Consumers, 2)
	assert.Equal(t, &config.NewVpc{Cidr: "10.20.0.0/24", AzCount: 2}, cfg.Consumers[0].NewVpc)
	assert.True(t, cfg.Consumers[0].PrivateDns, "private DNS defaults to on")
	assert.Equal(t, "batch", cfg.Consumers[1].Profile)
	assert.Equal(t, []string{"10.30.0.0/16"}, cfg.Consumers[1].AllowedCidrs)
	assert.Equal(t, "dev", cfg.Api.StageName, "the stage defaults to the stack name")
	assert.Len(t, cfg.Api.Routes, 3)
	assert.Equal(t, map[string]string{"team": "platform"}, cfg.Tags)
}

func TestLoadDefaults(t *testing.T) {
	c := configtest.Valid()
	delete(c, "api")
	delete(c, "tags")
	delete(configtest.At(c, "consumers", 0, "vpc"), "azCount")
	cfg, err := config.Load(configtest.Raw(t, c), nil, "staging")
	require.NoError(t, err)
	assert.Equal(t, "xaccount-api-staging", cfg.Api.Name)
	assert.Equal(t, "staging", cfg.Api.StageName)
	assert.Nil(t, cfg.Api.Routes, "no routes configured: the component applies components.DefaultRoutes, the one default")
	assert.Equal(t, 2, cfg.Consumers[0].NewVpc.AzCount)
	assert.False(t, cfg.Protect)
	assert.Equal(t, "restricted", cfg.Consumers[0].EndpointPolicy)
}

// TestLoadPrivateDnsDefaultsByKind: on only in a VPC the stack creates.
func TestLoadPrivateDnsDefaultsByKind(t *testing.T) {
	c := configtest.Valid()
	c["consumers"] = append(c["consumers"].([]any),
		map[string]any{"name": "partner", "accountId": "444444444444", "endpointId": "vpce-0fffffffffffffff0"},
		map[string]any{"name": "shared", "accountId": "444444444444", "endpointId": "vpce-0eeeeeeeeeeeeeee0", "privateDns": true})
	cfg, err := config.Load(configtest.Raw(t, c), nil, "dev")
	require.NoError(t, err)
	got := map[string]bool{}
	for _, cons := range cfg.Consumers {
		got[cons.Name] = cons.PrivateDns
	}
	assert.Equal(t, map[string]bool{"app": true, "batch": false, "partner": false, "shared": true}, got,
		"created VPC on; existing VPC and existing endpoint off unless asked for")
}

func TestLoadExistingEndpointNeedsNoCredentials(t *testing.T) {
	c := configtest.Valid()
	c["consumers"] = append(c["consumers"].([]any), map[string]any{
		"name": "partner", "accountId": "444444444444", "endpointId": "vpce-0fffffffffffffff0",
		"endpointDnsName": "vpce-0fffffffffffffff0-abcd1234.execute-api.eu-west-1.vpce.amazonaws.com",
	})
	cfg, err := config.Load(configtest.Raw(t, c), nil, "dev")
	require.NoError(t, err)
	assert.False(t, cfg.Consumers[2].ManagesEndpoint())
}

func TestLoadRejectsBadConfig(t *testing.T) {
	for _, tc := range configtest.BadCases {
		t.Run(tc.Name, func(t *testing.T) {
			c := configtest.Valid()
			tc.Change(c)
			cfg, err := config.Load(configtest.Raw(t, c), nil, "dev")
			require.Error(t, err)
			assert.Nil(t, cfg)
			var ce *config.Error
			require.True(t, errors.As(err, &ce))
			found := false
			for _, p := range ce.Problems {
				if p.Key == tc.Key && strings.Contains(p.Message, tc.Says) {
					found = true
				}
			}
			assert.Truef(t, found, "want a problem at %s saying %q; got:\n%v", tc.Key, tc.Says, err)
		})
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	c := configtest.Valid()
	c["region"] = "nowhere"
	configtest.At(c, "producer")["accountId"] = "1"
	configtest.At(c, "api")["stageName"] = "a-b"
	_, err := config.Load(configtest.Raw(t, c), nil, "dev")
	var ce *config.Error
	require.True(t, errors.As(err, &ce))
	keys := map[string]bool{}
	for _, p := range ce.Problems {
		keys[p.Key] = true
	}
	for _, k := range []string{"xaccount-api:region", "xaccount-api:producer.accountId", "xaccount-api:api.stageName"} {
		assert.Truef(t, keys[k], "missing problem for %s in:\n%v", k, err)
	}
	require.GreaterOrEqual(t, len(ce.Problems), 3, "%v", err)
	lines := strings.Split(err.Error(), "\n")
	assert.Equal(t, fmt.Sprintf("%d problems:", len(ce.Problems)), lines[0], "the count first")
	require.Len(t, lines, len(ce.Problems)+1, "then one line per problem:\n%v", err)
	for i, p := range ce.Problems {
		assert.Equal(t, "  * "+p.Key+": "+p.Message, lines[i+1], "each problem a bullet naming its key")
	}
}

func TestLoadDefaultStageFromInvalidStackName(t *testing.T) {
	c := configtest.Valid()
	delete(c, "api")
	_, err := config.Load(configtest.Raw(t, c), nil, "my-stack")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `xaccount-api:api.stageName: not set, and the default, the stack name "my-stack", is not valid`)
}

func TestLoadSecretPlaceholderIsNotChecked(t *testing.T) {
	c := configtest.Valid()
	configtest.At(c, "producer")["externalId"] = config.SecretPlaceholder
	_, err := config.Load(configtest.Raw(t, c), []string{"xaccount-api:producer"}, "dev")
	require.NoError(t, err)
	cfg, err := config.Load(configtest.Raw(t, c), []string{"xaccount-api:producer"}, "dev")
	require.NoError(t, err)
	assert.True(t, cfg.Producer.Secret)
}

func TestLoadIgnoresOtherNamespaces(t *testing.T) {
	raw := configtest.Raw(t, configtest.Valid())
	raw["aws:region"] = "us-east-1"
	raw["pulumi:disable-default-providers"] = `["*"]`
	_, err := config.Load(raw, nil, "dev")
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
		_, err := config.Load(raw, nil, "dev")
		assert.Error(t, err)
	}
}

// TestLoadAcceptsProjectDefaults: the engine applies Pulumi.yaml's defaults
// ({} for api and tags, false for protect) to a stack that omits them.
func TestLoadAcceptsProjectDefaults(t *testing.T) {
	raw := configtest.Raw(t, configtest.Valid())
	delete(raw, "xaccount-api:api")
	raw["xaccount-api:api"], raw["xaccount-api:tags"], raw["xaccount-api:protect"] = "{}", "{}", "false"
	cfg, err := config.Load(raw, nil, "dev")
	require.NoError(t, err)
	assert.Equal(t, "dev", cfg.Api.StageName)
	assert.Empty(t, cfg.Api.Routes, "none configured: the component applies its DefaultRoutes")
	assert.Empty(t, cfg.Tags)
	assert.False(t, cfg.Protect)
}

// TestLoadAcceptsANarrowingExtraStatement: a Deny on one method passes and
// reaches the config as written.
func TestLoadAcceptsANarrowingExtraStatement(t *testing.T) {
	c := configtest.Valid()
	stmt := map[string]any{"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/DELETE/*"}
	c["api"].(map[string]any)["extraPolicyStatements"] = []any{stmt}
	cfg, err := config.Load(configtest.Raw(t, c), nil, "dev")
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{stmt}, cfg.Api.ExtraPolicyStatements)
}

// TestLoadStageHardeningDefaultsAreTheComponents: the program's defaults
// are the components' (one place defines them): a file without
// api.accessLogs and api.throttle hands the components nil AccessLogs (their
// default) and their default throttle; an empty accessLogs object is that
// default spelled out; enabled: false turns the logs off.
func TestLoadStageHardeningDefaultsAreTheComponents(t *testing.T) {
	cfg, err := config.Load(configtest.Raw(t, configtest.Valid()), nil, "dev")
	require.NoError(t, err)
	args := cfg.Args()
	assert.Nil(t, args.AccessLogs, "nil: the components' DefaultAccessLogs")
	require.NotNil(t, args.Throttle)
	assert.Equal(t, components.DefaultStageThrottle, *args.Throttle)

	c := configtest.Valid()
	c["api"].(map[string]any)["accessLogs"] = map[string]any{}
	cfg, err = config.Load(configtest.Raw(t, c), nil, "dev")
	require.NoError(t, err)
	assert.Equal(t, components.DefaultAccessLogs(), *cfg.Args().AccessLogs)
	assert.Nil(t, components.DefaultAccessLogs().Enabled, "on by default")
	assert.False(t, components.DefaultAccessLogs().CreateAccountRole, "the account-wide role only when asked for")

	c["api"].(map[string]any)["accessLogs"] = map[string]any{"enabled": false}
	cfg, err = config.Load(configtest.Raw(t, c), nil, "dev")
	require.NoError(t, err)
	assert.Equal(t, pulumi.BoolRef(false), cfg.Args().AccessLogs.Enabled)
}

// TestLoadReportsEveryProblemOfOneConsumer: a missing credential (a problem
// of the consumer as a whole) does not hide the problems of its fields:
// four problems, four lines, each with its key.
func TestLoadReportsEveryProblemOfOneConsumer(t *testing.T) {
	c := configtest.Valid()
	app := configtest.At(c, "consumers", 0)
	delete(app, "roleArn")
	app["name"] = "Bad_Name"
	app["accountId"] = "12"
	app["vpc"] = map[string]any{"cidr": "300.0.0.0/8"}
	_, err := config.Load(configtest.Raw(t, c), nil, "dev")
	var ce *config.Error
	require.True(t, errors.As(err, &ce), err)
	got := map[string]string{}
	for _, p := range ce.Problems {
		got[p.Key] = p.Message
	}
	for k, says := range map[string]string{
		"xaccount-api:consumers[0]":           "neither roleArn nor profile is set",
		"xaccount-api:consumers[0].name":      `"Bad_Name"`,
		"xaccount-api:consumers[0].accountId": `"12"`,
		"xaccount-api:consumers[0].vpc.cidr":  `"300.0.0.0/8"`,
	} {
		assert.Containsf(t, got[k], says, "%s in:\n%v", k, err)
	}
	assert.Len(t, ce.Problems, 4, "%v", err)
}

// TestArgsProblemsNameTheConfigKeys: what the components find once they read
// AWS (the preflight) is reported on the stack file's keys, an existing
// VPC's ID and subnets included.
func TestArgsProblemsNameTheConfigKeys(t *testing.T) {
	cfg, err := config.Load(configtest.Raw(t, configtest.Valid()), nil, "dev")
	require.NoError(t, err)
	err = cfg.ArgsProblems(components.FieldErrors{
		{Field: "accessLogs.createAccountRole", Message: "a"},
		{Field: "consumers[0].vpcId", Message: "b"},
		{Field: "consumers[0].subnetIds", Message: "c"},
		{Field: "consumers[0].privateDns", Message: "d"},
	})
	var invalid *config.Error
	require.ErrorAs(t, err, &invalid)
	var keys []string
	for _, p := range invalid.Problems {
		keys = append(keys, p.Key)
	}
	assert.Equal(t, []string{"xaccount-api:api.accessLogs.createAccountRole", "xaccount-api:consumers[0].vpc.id",
		"xaccount-api:consumers[0].vpc.subnetIds", "xaccount-api:consumers[0].privateDns"}, keys)
}
