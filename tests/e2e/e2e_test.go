package e2e

import (
	"context"
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
	"github.com/xaccount/xaccount-api/internal/config/configtest"
	"github.com/xaccount/xaccount-api/internal/probediag"
)

// Environment variables of the real-cloud test (CONTRIBUTING.md, "Real-cloud test").
const (
	envOptIn           = "XACCOUNT_E2E"
	envRegion          = "XACCOUNT_E2E_REGION"
	envProducerAccount = "XACCOUNT_E2E_PRODUCER_ACCOUNT"
	envProducerRole    = "XACCOUNT_E2E_PRODUCER_ROLE_ARN"
	envConsumerAccount = "XACCOUNT_E2E_CONSUMER_ACCOUNT"
	envConsumerRole    = "XACCOUNT_E2E_CONSUMER_ROLE_ARN"
	// envDeployerRoles=iam deploys as deployer roles the test creates from
	// `--iam` (the ROLE_ARN variables are then admin roles that create them).
	envDeployerRoles = "XACCOUNT_E2E_DEPLOYER_ROLES"
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
	// iamRoles deploys as the deployer roles printed by --iam, created by
	// the test as producerRole and consumerRole.
	iamRoles bool
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
	switch v := os.Getenv(envDeployerRoles); v {
	case "":
	case "iam":
		s.iamRoles = true
	default:
		return s, fmt.Sprintf("%s=%q: expected iam (deploy as the roles --iam prints) or nothing", envDeployerRoles, v)
	}
	if _, err := exec.LookPath("pulumi"); err != nil {
		return s, need + " (pulumi is not on PATH)"
	}
	return s, ""
}

// deployRoles are the roles the stack deploys as: the given ones, or with
// iamRoles the deployer roles --iam names for the stack.
func (s e2eSettings) deployRoles(stack string) (producer, consumer string) {
	if s.iamRoles {
		return DeployerRoleArn(s.producerAccount, stack), DeployerRoleArn(s.consumerAccount, stack)
	}
	return s.producerRole, s.consumerRole
}

// stackConfig is the throwaway stack's configuration: one consumer with a
// VPC created here and a probe, MOCK routes, and the API's authorization
// (components.AuthorizationNone or AuthorizationIam).
func stackConfig(s e2eSettings, stack string, routes []any, authorization string) map[string]any {
	producerRole, consumerRole := s.deployRoles(stack)
	return map[string]any{
		"region":   s.region,
		"producer": map[string]any{"accountId": s.producerAccount, "roleArn": producerRole},
		"consumers": []any{map[string]any{
			"name": "app", "accountId": s.consumerAccount, "roleArn": consumerRole,
			"vpc": map[string]any{"cidr": "10.77.0.0/24", "azCount": 2}, "probe": true,
		}},
		"api":   map[string]any{"routes": routes, "authorization": authorization, "accessLogs": map[string]any{"enabled": false}},
		"probe": map[string]any{"failOnError": true},
		"tags":  e2eTags,
	}
}

// e2eTags mark everything the test creates.
var e2eTags = map[string]any{"purpose": "xaccount-api-e2e"}

// mock is a GET route answered by a MOCK integration with 200.
func mock(path string) map[string]any {
	return map[string]any{"path": path, "method": "GET", "integration": map[string]any{"type": "mock", "statusCode": 200}}
}

// setConfig writes the configuration into the stack, objects as JSON.
func setConfig(ctx context.Context, st auto.Stack, cfg map[string]any) error {
	values, err := configtest.Encode(cfg)
	if err != nil {
		return err
	}
	all := auto.ConfigMap{"pulumi:disable-default-providers": auto.ConfigValue{Value: `["*"]`}}
	for k, v := range values {
		all[k] = auto.ConfigValue{Value: v}
	}
	return st.SetAllConfig(ctx, all)
}

// TestEndToEnd deploys a throwaway stack into two real accounts and proves:
// the probe reaches the API through every invoke form from the consumer VPC
// (200 each); a call from outside any VPC is refused with a status (a
// timeout is not proof); a call from the same VPC through a second endpoint
// that is not in the resource policy gets the policy's explicit deny; a
// route change replaces the deployment, moves the stage, keeps the probe
// green, and the removed route answers MissingAuthenticationToken or 404;
// with AWS_IAM the probe's signed calls pass and unsigned ones are refused;
// an up without changes changes nothing. With XACCOUNT_E2E_DEPLOYER_ROLES=iam
// every up and the destroy run as the deployer roles --iam prints. Every
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
	base, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(settings.region))
	require.NoError(t, err)

	// Registered first, so destroyed last: the stack is destroyed as them.
	grant := grantDeployerRoles(ctx, t, settings, base, stackName, env)

	st, err := auto.UpsertStackLocalSource(ctx, stackName, root, auto.EnvVars(env))
	require.NoError(t, err)
	destroyWhatever(t, st, backend, root)

	up := func(cfg map[string]any) (auto.UpResult, error) {
		if err := grant(cfg); err != nil {
			return auto.UpResult{}, err
		}
		if err := setConfig(ctx, st, cfg); err != nil {
			return auto.UpResult{}, err
		}
		return st.Up(ctx, optup.ProgressStreams(os.Stdout))
	}

	first, err := up(stackConfig(settings, stackName, []any{mock("/"), mock("/old")}, components.AuthorizationNone))
	require.NoError(t, err, "the first up (with the probe, which fails it on any unexpected answer)")
	outputs := plainOutputs(first.Outputs)
	results, err := ProbeResults(outputs, "app")
	require.NoError(t, err)
	require.NoError(t, RequireStatus(results, 200), "every invoke form answers 200 from the consumer VPC")

	t.Run("a caller outside any VPC is refused with a status", func(t *testing.T) {
		urls := outputs["consumers"].(map[string]any)["app"].(map[string]any)["invokeUrls"].(map[string]any)
		private, ok := urls[components.InvokePrivateDns].(string)
		require.True(t, ok, "the created VPC has private DNS on")
		a := Call(ctx, &http.Client{Timeout: 20 * time.Second}, private+"/", "", nil)
		require.NoError(t, RefusedExplicitly(a))
	})

	t.Run("a call through an endpoint not in the policy gets the explicit deny", func(t *testing.T) {
		app := outputs["consumers"].(map[string]any)["app"].(map[string]any)
		outsider := OutsiderEndpoint{Region: settings.region, Account: settings.consumerAccount, AdminRoleArn: settings.consumerRole,
			ConsumerEndpointId: fmt.Sprint(app["endpointId"]), Tags: map[string]string{"purpose": "xaccount-api-e2e"}}
		ost, err := auto.UpsertStackInlineSource(ctx, stackName+"-outsider", "xaccount-api-e2e-outsider", outsider.Program(), auto.EnvVars(env))
		require.NoError(t, err)
		destroyWhatever(t, ost, backend, "(inline program)")
		res, err := ost.Up(ctx, optup.ProgressStreams(os.Stdout))
		require.NoError(t, err)
		out := plainOutputs(res.Outputs)
		var names []string
		for _, n := range out["dnsNames"].([]any) {
			names = append(names, fmt.Sprint(n))
		}
		forms := OutsiderForms(fmt.Sprint(outputs["restApiId"]), settings.region, fmt.Sprint(outputs["stageName"]), fmt.Sprint(out["endpointId"]), names)
		got, err := invokeProbe(ctx, settings, base, outputs, forms, "/", http.StatusForbidden, false)
		require.NoError(t, err)
		require.Len(t, got, 2, "the host-header and api-id-header forms")
		for _, r := range got {
			assert.NoError(t, ExplicitDeny(r))
		}
	})

	t.Run("a route change replaces the deployment and the removed route is gone", func(t *testing.T) {
		second, err := up(stackConfig(settings, stackName, []any{mock("/"), mock("/new")}, components.AuthorizationNone))
		require.NoError(t, err)
		after := plainOutputs(second.Outputs)
		assert.NotEqual(t, outputs["deploymentId"], after["deploymentId"], "a new deployment")
		results, err := ProbeResults(after, "app")
		require.NoError(t, err)
		require.NoError(t, RequireStatus(results, 200), "the stage serves the new deployment, the probe is green")

		old, err := invokeProbe(ctx, settings, base, after, consumerForms(settings, after), "/old", http.StatusForbidden, false)
		require.NoError(t, err)
		for _, r := range old {
			assert.NoError(t, RouteGone(r))
		}
	})

	t.Run("with AWS_IAM signed calls pass and unsigned ones are refused", func(t *testing.T) {
		iamUp, err := up(stackConfig(settings, stackName, []any{mock("/"), mock("/new")}, components.AuthorizationIam))
		require.NoError(t, err)
		after := plainOutputs(iamUp.Outputs)
		results, err := ProbeResults(after, "app")
		require.NoError(t, err)
		for _, r := range results {
			assert.True(t, r.Signed, "%s: the probe signs its calls with AWS_IAM", r.Form)
		}
		require.NoError(t, RequireStatus(results, 200), "the probe's role is the consumer account's, which the policy allows")

		unsigned, err := invokeProbe(ctx, settings, base, after, consumerForms(settings, after), "/", http.StatusForbidden, false)
		require.NoError(t, err)
		for _, r := range unsigned {
			assert.NoError(t, UnsignedRefused(r))
		}
	})

	t.Run("an up without changes changes nothing", func(t *testing.T) {
		again, err := up(stackConfig(settings, stackName, []any{mock("/"), mock("/new")}, components.AuthorizationIam))
		require.NoError(t, err)
		summary := map[string]int{}
		if again.Summary.ResourceChanges != nil {
			summary = *again.Summary.ResourceChanges
		}
		assert.NoError(t, NoChanges(summary))
	})
}

// destroyWhatever destroys and removes st when the test (or subtest) ends,
// whatever happened, in its own budget; where says how to do it by hand.
func destroyWhatever(t *testing.T, st auto.Stack, backend, where string) {
	t.Cleanup(func() {
		// Its own context: the work's may be cancelled or spent.
		cleanup, done := context.WithTimeout(context.Background(), destroyBudget)
		defer done()
		_, err := st.Destroy(cleanup, optdestroy.ProgressStreams(os.Stdout), optdestroy.ContinueOnError())
		if !assert.NoErrorf(t, err, "destroy the e2e stack by hand: PULUMI_BACKEND_URL=file://%s pulumi destroy -s %s -C %s", backend, st.Name(), where) {
			return
		}
		assert.NoError(t, st.Workspace().RemoveStack(cleanup, st.Name(), optremove.Force()))
	})
}

// grantDeployerRoles returns what runs before every up of the stack: with
// iamRoles, it brings the deployer roles --iam prints for that stack
// configuration into being (an inline stack in the same backend, destroyed
// after the main stack) and waits until the runner can assume them;
// otherwise nothing.
func grantDeployerRoles(ctx context.Context, t *testing.T, s e2eSettings, base aws.Config, stack string, env map[string]string) func(map[string]any) error {
	if !s.iamRoles {
		return func(map[string]any) error { return nil }
	}
	caller, err := sts.NewFromConfig(base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	trust, err := RunnerTrust(aws.ToString(caller.Arn))
	require.NoError(t, err)
	admins := map[string]string{s.producerAccount: s.producerRole, s.consumerAccount: s.consumerRole}
	tags := map[string]string{"purpose": "xaccount-api-e2e"}
	rst, err := auto.UpsertStackInlineSource(ctx, stack+"-roles", "xaccount-api-e2e-roles", DeployerRolesProgram(s.region, admins, nil, tags), auto.EnvVars(env))
	require.NoError(t, err)
	destroyWhatever(t, rst, env["PULUMI_BACKEND_URL"], "(inline program)")
	return func(cfg map[string]any) error {
		roles, err := DeployerRoles(stack, cfg, trust)
		if err != nil {
			return err
		}
		rst.Workspace().SetProgram(DeployerRolesProgram(s.region, admins, roles, tags))
		res, err := rst.Up(ctx, optup.ProgressStreams(os.Stdout))
		if err != nil {
			return fmt.Errorf("create the deployer roles --iam prints: %w", err)
		}
		if res.Summary.ResourceChanges != nil && NoChanges(*res.Summary.ResourceChanges) == nil {
			return nil
		}
		for _, r := range roles {
			if err := waitAssumable(ctx, base, r.Arn); err != nil {
				return err
			}
		}
		// IAM is eventually consistent: a changed inline policy takes
		// seconds to apply everywhere; an assumable role is not proof of it.
		time.Sleep(15 * time.Second)
		return nil
	}
}

// waitAssumable retries sts:AssumeRole on role for up to two minutes: a new
// role and its trust take seconds to propagate.
func waitAssumable(ctx context.Context, base aws.Config, role string) error {
	client := sts.NewFromConfig(base)
	var err error
	for wait := time.Now().Add(2 * time.Minute); time.Now().Before(wait); time.Sleep(5 * time.Second) {
		if _, err = client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("xaccount-e2e-check")}); err == nil {
			return nil
		}
	}
	return fmt.Errorf("the runner cannot assume %s after two minutes: %w", role, err)
}

// plainOutputs drops the secret wrappers of the Automation API's outputs.
func plainOutputs(out auto.OutputMap) map[string]any {
	m := map[string]any{}
	for k, v := range out {
		m[k] = v.Value
	}
	return m
}

// consumerForms are the invoke forms of the consumer's own endpoint, from
// the same source as the stack's outputs, headers included.
func consumerForms(s e2eSettings, outputs map[string]any) components.InvokeForms {
	app := outputs["consumers"].(map[string]any)["app"].(map[string]any)
	_, privateDns := app["invokeUrls"].(map[string]any)[components.InvokePrivateDns]
	var dnsNames []string
	for _, n := range app["endpointDnsNames"].([]any) {
		dnsNames = append(dnsNames, fmt.Sprint(n))
	}
	return components.ComputeInvokeForms(components.InvokeTarget{
		ApiId: fmt.Sprint(outputs["restApiId"]), Region: s.region, Stage: fmt.Sprint(outputs["stageName"]),
		VpcEndpointId: fmt.Sprint(app["endpointId"]), PublicDnsName: components.RegionalDnsName(dnsNames), PrivateDns: privateDns,
	})
}

// invokeProbe runs the consumer's probe function again, as the consumer's
// role, calling path through forms and expecting expected (a 403 is then
// not retried), signed or not; it returns what each form got.
func invokeProbe(ctx context.Context, s e2eSettings, base aws.Config, outputs map[string]any, forms components.InvokeForms, path string, expected int, sign bool) (map[string]probediag.FormResult, error) {
	app := outputs["consumers"].(map[string]any)["app"].(map[string]any)
	fn, _ := app["probeFunction"].(string)
	if fn == "" {
		return nil, fmt.Errorf("no probeFunction output")
	}
	off := false
	args := &components.ConnectivityProbeArgs{Region: s.region, Path: path, ExpectedStatus: expected, FailOnError: &off, TimeoutSeconds: 10, Sign: sign}
	event, err := components.ProbeEventJSON(forms.Urls, forms.Headers, args)
	if err != nil {
		return nil, err
	}
	cfg := base.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(base), s.consumerRole))
	resp, err := lambda.NewFromConfig(cfg).Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: []byte(event)})
	if err != nil {
		return nil, err
	}
	if resp.FunctionError != nil {
		return nil, fmt.Errorf("the probe failed: %s", resp.Payload)
	}
	parsed, err := probediag.ParseResult(string(resp.Payload))
	if err != nil {
		return nil, err
	}
	return ProbeResults(map[string]any{"consumers": map[string]any{"app": map[string]any{"probe": parsed}}}, "app")
}
