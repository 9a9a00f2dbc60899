package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optremove"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
)

// Environment variables of the real-cloud test (README, "Real-cloud test").
const (
	envOptIn           = "XACCOUNT_E2E"
	envRegion          = "XACCOUNT_E2E_REGION"
	envProducerAccount = "XACCOUNT_E2E_PRODUCER_ACCOUNT"
	envProducerRole    = "XACCOUNT_E2E_PRODUCER_ROLE_ARN"
	envConsumerAccount = "XACCOUNT_E2E_CONSUMER_ACCOUNT"
	envConsumerRole    = "XACCOUNT_E2E_CONSUMER_ROLE_ARN"
)

// destroyBudget is kept back from the test's deadline for destroy: before it
// deletes the probe's subnets and security group, the provider waits up to
// 45 minutes for a deleted VPC function's network interfaces and deletes
// them (pulumi-aws#4382, terraform-provider-aws#37624), plus the rest.
const destroyBudget = 60 * time.Minute

// e2eSettings are the accounts the test deploys into.
type e2eSettings struct {
	region                        string
	producerAccount, producerRole string
	consumerAccount, consumerRole string
}

// settingsFromEnv reads the settings, or says in one line what is missing.
func settingsFromEnv() (e2eSettings, string) {
	s := e2eSettings{region: os.Getenv(envRegion), producerAccount: os.Getenv(envProducerAccount), producerRole: os.Getenv(envProducerRole),
		consumerAccount: os.Getenv(envConsumerAccount), consumerRole: os.Getenv(envConsumerRole)}
	if s.region == "" {
		s.region = "eu-west-1"
	}
	need := fmt.Sprintf("opt-in real-cloud test: set %s=1, %s, %s, %s and %s (two accounts, a role to assume in each), with AWS credentials that may assume both, the pulumi CLI and the AWS provider plugin",
		envOptIn, envProducerAccount, envProducerRole, envConsumerAccount, envConsumerRole)
	if os.Getenv(envOptIn) != "1" || s.producerAccount == "" || s.producerRole == "" || s.consumerAccount == "" || s.consumerRole == "" {
		return s, need
	}
	if _, err := exec.LookPath("pulumi"); err != nil {
		return s, need + " (pulumi is not on PATH)"
	}
	return s, ""
}

// stackConfig is the throwaway stack's configuration: one consumer with a
// VPC created here and a probe, and two MOCK routes; routes are passed in.
func stackConfig(s e2eSettings, routes []any) map[string]any {
	return map[string]any{
		"region":   s.region,
		"producer": map[string]any{"accountId": s.producerAccount, "roleArn": s.producerRole},
		"consumers": []any{map[string]any{
			"name": "app", "accountId": s.consumerAccount, "roleArn": s.consumerRole,
			"vpc": map[string]any{"cidr": "10.77.0.0/24", "azCount": 2}, "probe": true,
		}},
		"api":   map[string]any{"routes": routes, "accessLogs": map[string]any{"enabled": false}},
		"probe": map[string]any{"failOnError": true},
		"tags":  map[string]any{"purpose": "xaccount-api-e2e"},
	}
}

// mock is a GET route answered by a MOCK integration with 200.
func mock(path string) map[string]any {
	return map[string]any{"path": path, "method": "GET", "integration": map[string]any{"type": "mock", "statusCode": 200}}
}

// setConfig writes the configuration into the stack, objects as JSON.
func setConfig(ctx context.Context, st auto.Stack, cfg map[string]any) error {
	all := auto.ConfigMap{}
	for k, v := range cfg {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		value := string(b)
		if s, ok := v.(string); ok {
			value = s
		}
		all["xaccount-api:"+k] = auto.ConfigValue{Value: value}
	}
	all["pulumi:disable-default-providers"] = auto.ConfigValue{Value: `["*"]`}
	return st.SetAllConfig(ctx, all)
}

// TestEndToEnd deploys a throwaway stack into two real accounts and proves:
// the probe reaches the API through every invoke form from the consumer VPC
// (200 each); an outsider's call to the private-DNS name is refused with a
// status (a timeout is not proof); a route change replaces the deployment,
// moves the stage, keeps the probe green, and the removed route answers 403
// or 404 from inside the VPC; an up without changes changes nothing. The
// stack is destroyed and removed whatever happens, within destroyBudget.
//
//	XACCOUNT_E2E=1 XACCOUNT_E2E_PRODUCER_ACCOUNT=… XACCOUNT_E2E_PRODUCER_ROLE_ARN=… \
//	XACCOUNT_E2E_CONSUMER_ACCOUNT=… XACCOUNT_E2E_CONSUMER_ROLE_ARN=… \
//	go test ./tests/e2e -run TestEndToEnd -timeout 120m -v
func TestEndToEnd(t *testing.T) {
	settings, missing := settingsFromEnv()
	if missing != "" {
		t.Skip(missing)
	}
	deadline, ok := t.Deadline()
	if !ok {
		deadline = time.Now().Add(120 * time.Minute)
	}
	workBudget, err := Budgets(time.Now(), deadline, destroyBudget)
	require.NoError(t, err)
	// An interrupt stops the work, never the clean-up.
	interrupted, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	ctx, cancel := context.WithTimeout(interrupted, workBudget)
	defer cancel()

	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	backend := t.TempDir()
	// Letters and digits only: the stage defaults to the stack name.
	stackName := fmt.Sprintf("e2e%d", time.Now().Unix())
	env := map[string]string{"PULUMI_BACKEND_URL": "file://" + backend, "PULUMI_CONFIG_PASSPHRASE": "e2e-throwaway"}
	st, err := auto.UpsertStackLocalSource(ctx, stackName, root, auto.EnvVars(env))
	require.NoError(t, err)
	t.Cleanup(func() {
		// Its own context: the work's may be cancelled or spent.
		cleanup, done := context.WithTimeout(context.Background(), destroyBudget)
		defer done()
		_, err := st.Destroy(cleanup, optdestroy.ProgressStreams(os.Stdout), optdestroy.ContinueOnError())
		if !assert.NoErrorf(t, err, "destroy the e2e stack by hand: PULUMI_BACKEND_URL=file://%s pulumi destroy -s %s -C %s", backend, stackName, root) {
			return
		}
		assert.NoError(t, st.Workspace().RemoveStack(cleanup, stackName, optremove.Force()))
	})

	require.NoError(t, setConfig(ctx, st, stackConfig(settings, []any{mock("/"), mock("/old")})))
	first, err := st.Up(ctx, optup.ProgressStreams(os.Stdout))
	require.NoError(t, err, "the first up (with the probe, which fails it on any unexpected answer)")
	outputs := plainOutputs(first.Outputs)
	results, err := ProbeResults(outputs, "app")
	require.NoError(t, err)
	require.NoError(t, RequireStatus(results, 200), "every invoke form answers 200 from the consumer VPC")

	t.Run("an outsider is refused with a status", func(t *testing.T) {
		urls := outputs["consumers"].(map[string]any)["app"].(map[string]any)["invokeUrls"].(map[string]any)
		private, ok := urls[components.InvokePrivateDns].(string)
		require.True(t, ok, "the created VPC has private DNS on")
		a := Call(ctx, &http.Client{Timeout: 20 * time.Second}, private+"/", "", nil)
		require.NoError(t, RefusedExplicitly(a))
	})

	t.Run("a route change replaces the deployment and the removed route is gone", func(t *testing.T) {
		require.NoError(t, setConfig(ctx, st, stackConfig(settings, []any{mock("/"), mock("/new")})))
		second, err := st.Up(ctx, optup.ProgressStreams(os.Stdout))
		require.NoError(t, err)
		after := plainOutputs(second.Outputs)
		assert.NotEqual(t, outputs["deploymentId"], after["deploymentId"], "a new deployment")
		results, err := ProbeResults(after, "app")
		require.NoError(t, err)
		require.NoError(t, RequireStatus(results, 200), "the stage serves the new deployment, the probe is green")

		old, err := invokeProbe(ctx, settings, after, "/old")
		require.NoError(t, err)
		for _, r := range old {
			assert.NoError(t, RouteGone(r))
		}
	})

	t.Run("an up without changes changes nothing", func(t *testing.T) {
		again, err := st.Up(ctx, optup.ProgressStreams(os.Stdout))
		require.NoError(t, err)
		summary := map[string]int{}
		if again.Summary.ResourceChanges != nil {
			summary = *again.Summary.ResourceChanges
		}
		assert.NoError(t, NoChanges(summary))
	})
}

// plainOutputs drops the secret wrappers of the Automation API's outputs.
func plainOutputs(out auto.OutputMap) map[string]any {
	m := map[string]any{}
	for k, v := range out {
		m[k] = v.Value
	}
	return m
}

// invokeProbe runs the consumer's probe function again, as the consumer's
// role, against path instead of its own route, expecting nothing: it
// returns what each form got.
func invokeProbe(ctx context.Context, s e2eSettings, outputs map[string]any, path string) (map[string]components.ProbeFormResult, error) {
	app := outputs["consumers"].(map[string]any)["app"].(map[string]any)
	fn, _ := app["probeFunction"].(string)
	if fn == "" {
		return nil, fmt.Errorf("no probeFunction output")
	}
	// The forms from the same source as the stack's outputs, headers included.
	_, privateDns := app["invokeUrls"].(map[string]any)[components.InvokePrivateDns]
	var dnsNames []string
	for _, n := range app["endpointDnsNames"].([]any) {
		dnsNames = append(dnsNames, fmt.Sprint(n))
	}
	forms := components.ComputeInvokeForms(components.InvokeTarget{
		ApiId: fmt.Sprint(outputs["restApiId"]), Region: s.region, Stage: fmt.Sprint(outputs["stageName"]),
		VpcEndpointId: fmt.Sprint(app["endpointId"]), PublicDnsName: components.RegionalDnsName(dnsNames), PrivateDns: privateDns,
	})
	off := false
	event, err := components.ProbeEventJSON(forms.Urls, forms.Headers, &components.ConnectivityProbeArgs{Region: s.region, Path: path, FailOnError: &off, TimeoutSeconds: 10})
	if err != nil {
		return nil, err
	}
	base, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(s.region))
	if err != nil {
		return nil, err
	}
	base.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), s.consumerRole))
	resp, err := lambda.NewFromConfig(base).Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: []byte(event)})
	if err != nil {
		return nil, err
	}
	if resp.FunctionError != nil {
		return nil, fmt.Errorf("the probe failed: %s", resp.Payload)
	}
	parsed, err := components.ParseProbeResult(string(resp.Payload))
	if err != nil {
		return nil, err
	}
	return ProbeResults(map[string]any{"consumers": map[string]any{"app": map[string]any{"probe": parsed}}}, "app")
}
