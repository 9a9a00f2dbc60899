package components

import (
	"crypto/sha256"
	_ "embed" // the probe's code ships inside the component
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/probediag"
	"github.com/xaccount/xaccount-api/internal/vocab"
)

// probeSource is the probe's Lambda code: one Python file, standard library
// only, so nothing is built or downloaded at pulumi up.
//
//go:embed probe.py
var probeSource string

// probeRetryDelays are the waits, in seconds, before each retry of a call
// that failed in a way propagation explains: a DNS name not resolving yet
// (private DNS and the endpoint's names take minutes to appear) or a 403
// from a policy, stage or endpoint not yet in effect. 15 s of waiting in all;
// a timeout is not retried.
var probeRetryDelays = [...]int{1, 2, 4, 8}

// probeRetryDelaySeconds are the waits before each retry (a copy).
func probeRetryDelaySeconds() []int { return probeRetryDelays[:] }

// probeFunctionTimeout is the probe function's Lambda timeout for a per-call
// timeout: every form's calls, each bounded, with every wait, and the
// function's start; at most Lambda's 900 seconds. The probe stops retrying
// when its deadline (probeRetryDeadline) would be passed.
func probeFunctionTimeout(callTimeout int) int {
	waits := 0
	for _, d := range probeRetryDelays {
		waits += d
	}
	return min(900, probeForms*(ProbeMaxAttempts*callTimeout+waits)+10)
}

// probeRetryDeadline is when, in seconds after the function starts, the
// probe stops starting retries: room is left for one call of every form
// and the function's start, so the invocation never times out.
func probeRetryDeadline(callTimeout int) int {
	return probeFunctionTimeout(callTimeout) - probeForms*callTimeout - 10
}

// Probe defaults.
const (
	// DefaultProbeTimeoutSeconds bounds each call of the probe.
	DefaultProbeTimeoutSeconds = 5
	// probeForms is the most invoke forms one probe calls (the four
	// execute-api names and a custom domain).
	probeForms = 5
	// ProbeMaxAttempts bounds the calls per form: the first and up to
	// len(probeRetryDelaySeconds) retries.
	ProbeMaxAttempts = 1 + len(probeRetryDelays)
	// probeRuntime is the probe function's Lambda runtime.
	probeRuntime = "python3.12"
	// lambdaVpcAccessPolicy is the managed policy a function in a VPC needs
	// (its ENIs and logs), and the only one the probe's role gets.
	lambdaVpcAccessPolicy = "iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
)

// ConnectivityProbeArgs are the inputs of ConnectivityProbe.
type ConnectivityProbeArgs struct {
	// Region of the API and the endpoint. Required. A plain string: it is
	// validated before anything is registered.
	Region string `pulumi:"region"`
	// VpcId and SubnetIds are the endpoint's VPC and subnets; the probe runs there. Required.
	VpcId     pulumi.StringInput      `pulumi:"vpcId"`
	SubnetIds pulumi.StringArrayInput `pulumi:"subnetIds"`
	// EndpointSecurityGroupId is the endpoint's security group: the probe's
	// own group allows 443 out to it and nothing else. Exactly one of
	// EndpointSecurityGroupId and EndpointCidrs.
	EndpointSecurityGroupId pulumi.StringInput `pulumi:"endpointSecurityGroupId,optional"`
	// EndpointCidrs are the ranges of an endpoint in another VPC (a hub's,
	// reached over a Transit Gateway or peering): the probe's group allows
	// 443 out to them and nothing else. A rule naming a security group of
	// another VPC does not apply across a Transit Gateway unless the gateway
	// has security group referencing turned on, which is off by default
	// (EC2 API reference, TransitGatewayOptions.SecurityGroupReferencingSupport).
	// Exactly one of EndpointSecurityGroupId and EndpointCidrs.
	EndpointCidrs pulumi.StringArrayInput `pulumi:"endpointCidrs,optional"`
	// ThroughHub says the probe calls through a hub endpoint (a spoke's
	// probe): its diagnostics name the hub's causes first
	// (probediag.HubRules). Optional.
	ThroughHub bool `pulumi:"throughHub,optional"`
	// InvokeUrls maps each invoke form to its URL (the stage's root), and
	// InvokeHeaders the forms that need a header to that header (see
	// InvokeForms). Required.
	InvokeUrls    pulumi.StringMapInput    `pulumi:"invokeUrls"`
	InvokeHeaders pulumi.StringMapMapInput `pulumi:"invokeHeaders,optional"`
	// Path is the route the probe calls below the stage, "/" or "/health".
	// Optional, default "/".
	Path string `pulumi:"path,optional"`
	// ExpectedStatus is the status every form must return; 0 accepts any
	// answer API Gateway did not refuse. Optional.
	ExpectedStatus int `pulumi:"expectedStatus,optional"`
	// Integration is the type of the route the probe calls, for the
	// diagnostics. Optional.
	Integration string `pulumi:"integration,optional"`
	// Sign makes SigV4-signed calls (an AWS_IAM API) with the probe's role,
	// which is then allowed execute-api:Invoke on ExecutionArn, StageName and
	// Path (GET) only. Optional.
	Sign bool `pulumi:"sign,optional"`
	// ExecutionArn and StageName name what a signed probe may invoke.
	// Required with Sign.
	ExecutionArn pulumi.StringInput `pulumi:"executionArn,optional"`
	StageName    pulumi.StringInput `pulumi:"stageName,optional"`
	// Triggers re-run the probe whenever one of them changes (the
	// deployment, the policy, the endpoint and who may reach it). Required.
	Triggers pulumi.StringMapInput `pulumi:"triggers"`
	// FailOnError fails the update when a form does not answer as expected
	// and is not pending (a new custom domain not ready yet, which is a
	// warning instead). Optional, default true.
	FailOnError *bool `pulumi:"failOnError,optional"`
	// TimeoutSeconds bounds each call. Optional, default DefaultProbeTimeoutSeconds.
	TimeoutSeconds int `pulumi:"timeoutSeconds,optional"`
	// Tags are set on the role, the security group and the function. Optional.
	Tags pulumi.StringMapInput `pulumi:"tags,optional"`
	// PermissionsBoundary is the ARN of the customer managed policy set as
	// the permissions boundary of the probe's role, in the consumer account
	// (a deployer allowed to create roles only with it can then deploy the
	// probe). Optional.
	PermissionsBoundary string `pulumi:"permissionsBoundary,optional"`
}

// ConnectivityProbe is a small Lambda function in the consumer account, in
// the endpoint's subnets, that calls the API through every invoke form
// during pulumi up (an aws.lambda.Invocation, re-run when Triggers change)
// and records what came back. Give it the consumer account's provider with
// pulumi.Provider. It holds no state and is never protected.
type ConnectivityProbe struct {
	pulumi.ResourceState

	// FunctionName is the probe function's name.
	FunctionName pulumi.StringOutput `pulumi:"functionName"`
	// SecurityGroupId is the probe's own security group.
	SecurityGroupId pulumi.StringOutput `pulumi:"securityGroupId"`
	// Results maps each invoke form to what the last run recorded
	// (status, latencyMs, requestId, errorType, body, none for a MOCK's own
	// answer, ok, pending, diagnosis, …); a
	// secret when anything the probe was given is.
	Results pulumi.MapOutput `pulumi:"results"`

	// Function and Invocation are the Lambda children.
	Function   *lambda.Function
	Invocation *lambda.Invocation
}

// Validate checks the args and returns every problem as FieldErrors.
func (a *ConnectivityProbeArgs) Validate() error {
	var f fieldErrs
	if !vocab.ValidRegion(a.Region) {
		f.bad("region", a.Region, vocab.ExpectRegion)
	}
	if a.PermissionsBoundary != "" && !vocab.ValidPolicyArn(a.PermissionsBoundary) {
		f.bad("permissionsBoundary", a.PermissionsBoundary, vocab.ExpectPolicyArn)
	}
	f.require(a.VpcId != nil, "vpcId")
	f.require(a.SubnetIds != nil, "subnetIds")
	switch {
	case a.EndpointSecurityGroupId == nil && a.EndpointCidrs == nil:
		f.add("endpointSecurityGroupId", "missing; expected the endpoint's security group, or endpointCidrs for an endpoint in another VPC")
	case a.EndpointSecurityGroupId != nil && a.EndpointCidrs != nil:
		f.add("endpointCidrs", "set with endpointSecurityGroupId; expected one of them: the group of an endpoint in the probe's VPC, or the ranges of one in another VPC")
	}
	f.require(a.InvokeUrls != nil, "invokeUrls")
	f.require(a.Triggers != nil, "triggers")
	if a.Path != "" {
		if err := validateRoutePath(a.Path); err != nil || strings.Contains(a.Path, "{") {
			f.bad("path", a.Path, `a concrete path such as "/" or "/health" (no {parameters})`)
		}
	}
	if a.ExpectedStatus != 0 && (a.ExpectedStatus < 100 || a.ExpectedStatus > 599) {
		f.bad("expectedStatus", a.ExpectedStatus, "a status code from 100 to 599, or 0 for any answer API Gateway did not refuse")
	}
	if a.Sign && (a.ExecutionArn == nil || a.StageName == nil) {
		f.add("executionArn", "missing; a signed probe needs executionArn and stageName for its role's policy")
	}
	if a.TimeoutSeconds < 0 || a.TimeoutSeconds > 60 {
		f.bad("timeoutSeconds", a.TimeoutSeconds, "1 to 60 seconds, or 0 for the default")
	}
	return f.err()
}

// path is the route the probe calls, "/" by default.
func (a *ConnectivityProbeArgs) path() string {
	if a.Path == "" {
		return "/"
	}
	return a.Path
}

// timeout bounds each call, DefaultProbeTimeoutSeconds by default.
func (a *ConnectivityProbeArgs) timeout() int {
	if a.TimeoutSeconds == 0 {
		return DefaultProbeTimeoutSeconds
	}
	return a.TimeoutSeconds
}

// probeTarget is one call the probe makes, as its event carries it.
type probeTarget struct {
	Form    string            `json:"form"`
	Url     string            `json:"url"`
	Headers map[string]string `json:"headers,omitempty"`
	Expect  int               `json:"expect"`
	Sign    bool              `json:"sign"`
}

// probeEvent is the probe function's input.
type probeEvent struct {
	Targets        []probeTarget `json:"targets"`
	Region         string        `json:"region"`
	Integration    string        `json:"integration"`
	TimeoutSeconds int           `json:"timeoutSeconds"`
	// RetryDelaysSeconds are the waits before each retry; RetryDeadlineSeconds
	// is when, after the start, no retry is started any more.
	RetryDelaysSeconds   []int            `json:"retryDelaysSeconds"`
	RetryDeadlineSeconds int              `json:"retryDeadlineSeconds"`
	FailOnError          bool             `json:"failOnError"`
	Rules                []probediag.Rule `json:"rules"`
	Refusals             []string         `json:"refusals"`
}

// ProbeEventJSON renders the probe's input for the given forms: a call per
// form, in form order, to url+path with the form's headers, and the
// diagnostics table.
func ProbeEventJSON(urls map[string]string, headers map[string]map[string]string, a *ConnectivityProbeArgs) (string, error) {
	ev := probeEvent{Region: a.Region, Integration: a.Integration, TimeoutSeconds: a.timeout(),
		RetryDelaysSeconds: probeRetryDelaySeconds(), RetryDeadlineSeconds: probeRetryDeadline(a.timeout()),
		FailOnError: a.FailOnError == nil || *a.FailOnError, Rules: probediag.Rules, Refusals: probediag.Refusals}
	if a.ThroughHub {
		ev.Rules = append(append([]probediag.Rule{}, probediag.HubRules...), probediag.Rules...)
	}
	forms := make([]string, 0, len(urls))
	for form := range urls {
		forms = append(forms, form)
	}
	sort.Strings(forms)
	for _, form := range forms {
		url := strings.TrimSuffix(urls[form], "/") + a.path()
		ev.Targets = append(ev.Targets, probeTarget{Form: form, Url: url, Headers: headers[form], Expect: a.ExpectedStatus, Sign: a.Sign})
	}
	if len(ev.Targets) == 0 {
		return "", errors.New("no invoke form to probe")
	}
	b, err := json.Marshal(ev)
	return string(b), err
}

// probePendingWarning is the warning of a probe run with pending forms
// (probediag.FormResult.Pending), one line per such form with what came back and
// its diagnosis, in form order, and the command that runs the probe again
// (probediag.RerunCommand); "" when no form is pending.
func probePendingWarning(results []probediag.FormResult, invocationUrn string) string {
	var lines []string
	for _, r := range slices.SortedFunc(slices.Values(results), func(a, b probediag.FormResult) int { return strings.Compare(a.Form, b.Form) }) {
		if !r.Pending {
			continue
		}
		got := fmt.Sprintf("%d %s", r.Status, probediag.OrDash(r.ErrorType))
		if r.Failure != "" {
			got = fmt.Sprintf("%s (%s)", r.Failure, r.Detail)
		}
		lines = append(lines, fmt.Sprintf("%s: %s returned %s after %d calls. Likely cause: %s", r.Form, r.Url, got, r.Attempts, r.Diagnosis))
	}
	if len(lines) == 0 {
		return ""
	}
	return "connectivity probe: pending, not failed (AWS documents up to about " + strconv.Itoa(probediag.DomainReadyMinutes) +
		" minutes before a new private custom domain answers); run the probe again after that with\n    " +
		probediag.RerunCommand(invocationUrn) + "\n" + strings.Join(lines, "\n")
}

// NewConnectivityProbe registers a ConnectivityProbe.
// Give it the consumer account's provider with pulumi.Provider (or a parent
// that has one); without an AWS provider it registers nothing and fails,
// rather than leave its resources to the default provider.
func NewConnectivityProbe(ctx *pulumi.Context, name string, args *ConnectivityProbeArgs, opts ...pulumi.ResourceOption) (*ConnectivityProbe, error) {
	if args == nil {
		return nil, errors.New("connectivity probe " + name + ": args are required")
	}
	if err := checkSingleAccount("connectivity probe", name, "consumer", args.Validate(), opts); err != nil {
		return nil, err
	}
	comp := &ConnectivityProbe{}
	if err := ctx.RegisterComponentResource(ConnectivityProbeType, name, comp, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(comp), pulumi.Protect(false)}
	partition := partitionOf(args.Region)

	roleArgs := &iam.RoleArgs{
		Description:       pulumi.String("Connectivity probe of a private API: VPC access for its Lambda function only"),
		AssumeRolePolicy:  pulumi.String(lambdaTrustPolicy),
		ManagedPolicyArns: pulumi.StringArray{pulumi.String("arn:" + partition + ":" + lambdaVpcAccessPolicy)},
		Tags:              args.Tags,
	}
	if args.PermissionsBoundary != "" {
		roleArgs.PermissionsBoundary = pulumi.String(args.PermissionsBoundary)
	}
	if args.Sign {
		invoke := pulumi.All(args.ExecutionArn, args.StageName).ApplyT(func(v []any) (string, error) {
			return probeInvokePolicy(v[0].(string), v[1].(string), args.path())
		}).(pulumi.StringOutput)
		roleArgs.InlinePolicies = iam.RoleInlinePolicyArray{&iam.RoleInlinePolicyArgs{
			Name: pulumi.String("invoke-probe-route"), Policy: invoke,
		}}
	}
	roleName, roleReplace := fittedName(ctx, name+"-role", maxIamRoleName)
	roleArgs.Name = roleName
	role, err := iam.NewRole(ctx, name+"-role", roleArgs, append(child, roleReplace)...)
	if err != nil {
		return nil, fmt.Errorf("connectivity probe %s: %w", name, err)
	}
	// One egress rule, 443 to the endpoint's group. Name resolution needs no
	// rule: security groups do not filter traffic to the VPC's Amazon DNS
	// server (VPC user guide, "Security group rules"; confirmed in practice,
	// classmethod "security-group-outbound-rule-cannot-filter-traffic-to-amazon-dns-server").
	egress := map[string]pulumi.Input{
		"description":    pulumi.String("HTTPS to the execute-api endpoint's security group"),
		"protocol":       pulumi.String("tcp"),
		"fromPort":       pulumi.Int(httpsPort),
		"toPort":         pulumi.Int(httpsPort),
		"securityGroups": pulumi.StringArray{args.EndpointSecurityGroupId},
	}
	if args.EndpointCidrs != nil {
		delete(egress, "securityGroups")
		egress["description"] = pulumi.String("HTTPS to the execute-api endpoint's VPC (a hub, over the Transit Gateway)")
		egress["cidrBlocks"] = args.EndpointCidrs
	}
	sg, err := newEc2[SecurityGroup](ctx, typeEc2SecurityGroup, name+"-sg", map[string]pulumi.Input{
		"description": pulumi.String("Connectivity probe: HTTPS out to the execute-api endpoint only"),
		"vpcId":       args.VpcId,
		"ingress":     pulumi.Array{},
		"egress":      pulumi.Array{securityGroupRule(egress)},
		"tags":        args.Tags,
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("connectivity probe %s: %w", name, err)
	}
	fnName, fnReplace := fittedName(ctx, name+"-function", maxLambdaFunctionName)
	fn, err := lambda.NewFunction(ctx, name+"-function", &lambda.FunctionArgs{
		Name:        fnName,
		Description: pulumi.String("Calls the private API through each invoke form from inside the consumer VPC"),
		Runtime:     pulumi.String(probeRuntime),
		Handler:     pulumi.String("probe.handler"),
		Role:        role.Arn,
		Code:        pulumi.NewAssetArchive(map[string]any{"probe.py": pulumi.NewStringAsset(probeSource)}),
		MemorySize:  pulumi.Int(128),
		// Every form's bounded calls and retries, and the function's start.
		Timeout: pulumi.Int(probeFunctionTimeout(args.timeout())),
		VpcConfig: &lambda.FunctionVpcConfigArgs{
			SubnetIds:        args.SubnetIds,
			SecurityGroupIds: pulumi.StringArray{sg.ID()},
		},
		// Lambda's ENIs hold the security group for up to 20 minutes after the
		// function is deleted (pulumi-aws#2642, terraform-provider-aws#10329):
		// swap in the VPC's default group first, so the probe's group can go.
		ReplaceSecurityGroupsOnDestroy: pulumi.Bool(true),
		Tags:                           args.Tags,
	}, append(child, fnReplace)...)
	if err != nil {
		return nil, fmt.Errorf("connectivity probe %s: %w", name, err)
	}
	input := pulumi.All(args.InvokeUrls, args.InvokeHeaders).ApplyT(func(v []any) (string, error) {
		urls := v[0].(map[string]string)
		headers, _ := v[1].(map[string]map[string]string)
		return ProbeEventJSON(urls, headers, args)
	}).(pulumi.StringOutput)
	// An Invocation runs on create and replace only; triggers and input
	// replace it (terraform-provider-aws internal/service/lambda/invocation.go:
	// triggers ForceNew, input ForceNew with lifecycle CREATE_ONLY), and a
	// function error fails it with the function's message.
	//
	// Its result is what the probe called and what came back: the engine
	// stores it as a secret (a provider marks an output secret only where
	// an input of the same name is), and Results below are as secret as the
	// event (input) the probe was given, e.g. invoke URLs built from an API
	// ID a producer's stack keeps secret.
	inv, err := lambda.NewInvocation(ctx, name+"-invocation", &lambda.InvocationArgs{
		FunctionName: fn.Name,
		Input:        input,
		Triggers:     args.Triggers,
	}, append(child, pulumi.AdditionalSecretOutputs([]string{"result"}))...)
	if err != nil {
		return nil, fmt.Errorf("connectivity probe %s: %w", name, err)
	}
	comp.Function, comp.Invocation = fn, inv
	comp.FunctionName = fn.Name
	comp.SecurityGroupId = sg.ID().ToStringOutput()
	// A pending form does not fail the update; it is surfaced as a warning
	// naming the command that runs the probe again, on this update and on
	// every later one until a run finds it answering.
	comp.Results = pulumi.All(pulumi.Unsecret(inv.Result), inv.URN(), input).ApplyT(func(v []any) (map[string]any, error) {
		forms, err := probediag.ParseResult(v[0].(string))
		if err != nil {
			return nil, err
		}
		var typed struct {
			Results []probediag.FormResult `json:"results"`
		}
		if err := json.Unmarshal([]byte(v[0].(string)), &typed); err != nil {
			return nil, fmt.Errorf("probe result is not the probe's JSON: %w", err)
		}
		if warning := probePendingWarning(typed.Results, string(v[1].(pulumi.URN))); warning != "" {
			if err := ctx.Log.Warn(warning, &pulumi.LogArgs{Resource: inv}); err != nil {
				return nil, err
			}
		}
		return forms, nil
	}).(pulumi.MapOutput)
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"functionName":    comp.FunctionName,
		"securityGroupId": comp.SecurityGroupId,
		"results":         comp.Results,
	}); err != nil {
		return nil, err
	}
	return comp, nil
}

// lambdaTrustPolicy lets Lambda assume the probe's role.
const lambdaTrustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// probeInvokePolicy allows execute-api:Invoke of GET path on one stage only.
func probeInvokePolicy(executionArn, stage, path string) (string, error) {
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Effect":   "Allow",
			"Action":   "execute-api:Invoke",
			"Resource": fmt.Sprintf("%s/%s/GET%s", executionArn, stage, path),
		}},
	}
	b, err := json.Marshal(doc)
	return string(b), err
}

// TriggerHash shortens a value that should re-run the probe when it changes.
func TriggerHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}
