package components

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// StageDeploymentArgs are the inputs of StageDeployment.
type StageDeploymentArgs struct {
	// RestApiId is the API to deploy. Required.
	RestApiId pulumi.StringInput `pulumi:"restApiId"`
	// StageName is the stage that serves the deployment. Required. An input,
	// so it may come from another resource; a plain value is validated.
	StageName pulumi.StringInput `pulumi:"stageName"`
	// BodyHash is the API's PrivateRestApi.BodyHash: a new value redeploys.
	// Required (optional in the schema only while DefinitionHash, its former
	// name, is accepted).
	BodyHash pulumi.StringInput `pulumi:"bodyHash,optional"`
	// DefinitionHash is the former name of BodyHash; it behaves as
	// BodyHash. Setting both is refused.
	//
	// Deprecated: use BodyHash. Kept for one minor version.
	DefinitionHash pulumi.StringInput `pulumi:"definitionHash,optional"`
	// PolicyJson is the attached resource policy (ResourcePolicy.PolicyJson). Required.
	PolicyJson pulumi.StringInput `pulumi:"policyJson"`
	// VpcEndpointIds are the endpoints associated with the API. Required.
	VpcEndpointIds pulumi.StringArrayInput `pulumi:"vpcEndpointIds"`
	// Tags are set on the stage. Optional.
	Tags pulumi.StringMapInput `pulumi:"tags,optional"`
	// AccessLogDestinationArn is the CloudWatch log group (ARN) the stage
	// writes access logs to, one JSON line per request (request ID, API, stage,
	// source IP, vpceId, caller, method, path, status, latencies). The account's API Gateway
	// CloudWatch role must be set for it (see AccessLogsArgs). Optional.
	AccessLogDestinationArn pulumi.StringInput `pulumi:"accessLogDestinationArn,optional"`
	// Throttle sets stage-wide throttling and turns on CloudWatch metrics for
	// every method (an apigateway.MethodSettings on */*). Optional.
	Throttle *StageThrottle `pulumi:"throttle,optional"`
	// StageDependsOn are resources the stage must wait for, such as the
	// account's CloudWatch role setting. Go only; optional.
	StageDependsOn []pulumi.Resource
	// Protect protects the Stage (its name is in every URL) against deletion.
	// The Deployment is never protected: every change replaces it, and a
	// protected resource cannot be replaced. Optional, default false.
	Protect bool `pulumi:"protect,optional"`

	// DependsOn are the methods, integrations, responses and the policy the
	// deployment must capture (PrivateRestApi.DeploymentDependencies and
	// ResourcePolicy.Policy). Go only; required, at least the policy.
	DependsOn []pulumi.Resource
}

// DefaultStageThrottle is the throttling of a CrossAccountPrivateApi whose
// Throttle is nil, and of a stack file without api.throttle: 100 requests a
// second, bursts of 200, for every method of the stage.
var DefaultStageThrottle = StageThrottle{RateLimit: 100, BurstLimit: 200}

// StageThrottle is the stage-wide throttling of a StageDeployment.
type StageThrottle struct {
	// RateLimit is the steady-state requests per second. Required, > 0.
	RateLimit float64 `pulumi:"rateLimit"`
	// BurstLimit is the bucket size. Required, > 0.
	BurstLimit int `pulumi:"burstLimit"`
}

// accessLogFormat is the JSON line API Gateway writes per request: who came
// in through which endpoint, what it asked and what it got.
//
// apiId, stage and vpceId are the dimensions of the per-consumer metrics
// (MonitoringArgs); latencyMs is $context.responseLatency as a JSON number,
// because a metric filter's value must be numeric. "Variables for access
// logging for API Gateway" documents it as "The response latency in ms"
// and names no case where it has none. Were it ever logged as "-", that
// line would not be JSON and every metric filter (requests and errors too)
// would skip it: the one unquoted variable of the line rests on that page.
const accessLogFormat = `{"requestId":"$context.requestId","apiId":"$context.apiId","stage":"$context.stage","sourceIp":"$context.identity.sourceIp",` +
	`"vpceId":"$context.identity.vpceId","caller":"$context.identity.caller","user":"$context.identity.user",` +
	`"httpMethod":"$context.httpMethod","resourcePath":"$context.resourcePath","status":"$context.status",` +
	`"responseLatency":"$context.responseLatency","integrationLatency":"$context.integrationLatency",` +
	`"latencyMs":$context.responseLatency,"errorType":"$context.error.responseType"}`

// StageDeployment is an API Gateway Deployment that is replaced whenever the
// routes, the policy or the endpoints change, and a separate, stable Stage that
// is moved to each new deployment before the old one is deleted.
type StageDeployment struct {
	pulumi.ResourceState

	// DeploymentId is the current deployment.
	DeploymentId pulumi.StringOutput `pulumi:"deploymentId"`
	// StageName is the stage serving it.
	StageName pulumi.StringOutput `pulumi:"stageName"`

	// Deployment and Stage are the children.
	Deployment *apigateway.Deployment
	Stage      *apigateway.Stage
}

// deploymentTriggers are the Deployment triggers: the hash of the API
// definition (the OpenAPI body), and one hash each of the policy and the set of
// endpoints. Equal inputs give equal triggers; a
// change in any of them changes its trigger and so replaces the deployment.
func deploymentTriggers(definitionHash, policyJson string, vpcEndpointIds []string) map[string]string {
	ids := slices.Clone(vpcEndpointIds)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return map[string]string{
		"definition": definitionHash,
		"policy":     sha256Hex(policyJson),
		"endpoints":  sha256Hex(strings.Join(ids, ",")),
	}
}

// sha256Hex is the hex SHA-256 of s.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Validate checks the args and returns every problem as FieldErrors.
func (a *StageDeploymentArgs) Validate() error {
	var f fieldErrs
	a = a.resolved(&f)
	f.require(a.RestApiId != nil, "restApiId")
	f.require(a.StageName != nil, "stageName")
	f.require(a.BodyHash != nil, "bodyHash")
	f.require(a.PolicyJson != nil, "policyJson")
	f.require(a.VpcEndpointIds != nil, "vpcEndpointIds")
	if stage, ok := plainString(a.StageName); ok && !vocab.ValidStageName(stage) {
		f.bad("stageName", stage, vocab.ExpectStageName)
	}
	if t := a.Throttle; t != nil {
		f.nest("throttle", validateThrottle(*t))
	}
	if len(a.DependsOn) == 0 {
		f.add("dependsOn", "empty; expected the policy, methods and integrations, or the first deployment of a private API fails")
	}
	return f.err()
}

// NewStageDeployment registers a StageDeployment.
// Give it the producer account's provider with pulumi.Provider (or a parent
// that has one); without an AWS provider it registers nothing and fails,
// rather than leave its resources to the default provider.
func NewStageDeployment(ctx *pulumi.Context, name string, args *StageDeploymentArgs, opts ...pulumi.ResourceOption) (*StageDeployment, error) {
	if args == nil {
		return nil, errors.New("stage deployment " + name + ": args are required")
	}
	if err := checkSingleAccount("stage deployment", name, "producer", args.Validate(), opts); err != nil {
		return nil, err
	}
	args = args.resolved(&fieldErrs{}) // Validate has reported its conflicts
	comp := &StageDeployment{}
	if err := ctx.RegisterComponentResource(StageDeploymentType, name, comp, opts...); err != nil {
		return nil, err
	}
	triggers := pulumi.All(args.BodyHash, args.PolicyJson, args.VpcEndpointIds).ApplyT(func(v []any) map[string]string {
		return deploymentTriggers(v[0].(string), v[1].(string), v[2].([]string))
	}).(pulumi.StringMapOutput)
	// A trigger change replaces the deployment. Pulumi's default replacement is
	// create-before-delete: the new deployment is created, the stage is updated
	// in place to point at it, and only then is the old deployment deleted
	// (API Gateway refuses to delete a deployment a stage points at). It is
	// never protected, whatever the parent says: protect would forbid exactly
	// this replacement.
	deployment, err := apigateway.NewDeployment(ctx, name+"-deployment", &apigateway.DeploymentArgs{
		RestApi:     args.RestApiId,
		Description: pulumi.String("Managed by Pulumi; replaced when routes, policy or endpoints change"),
		Triggers:    triggers,
	}, pulumi.Parent(comp), pulumi.DependsOn(args.DependsOn), pulumi.DeleteBeforeReplace(false), pulumi.Protect(false))
	if err != nil {
		return nil, fmt.Errorf("stage deployment %s: %w", name, err)
	}
	stageArgs := &apigateway.StageArgs{
		RestApi:    args.RestApiId,
		StageName:  args.StageName,
		Deployment: deployment.ID(),
		Tags:       args.Tags,
	}
	if args.AccessLogDestinationArn != nil {
		stageArgs.AccessLogSettings = &apigateway.StageAccessLogSettingsArgs{
			DestinationArn: args.AccessLogDestinationArn,
			Format:         pulumi.String(accessLogFormat),
		}
	}
	stage, err := apigateway.NewStage(ctx, name+"-stage", stageArgs,
		pulumi.Parent(comp), protectWhen(args.Protect), pulumi.DependsOn(args.StageDependsOn))
	if err != nil {
		return nil, fmt.Errorf("stage deployment %s: %w", name, err)
	}
	if t := args.Throttle; t != nil {
		if _, err := apigateway.NewMethodSettings(ctx, name+"-settings", &apigateway.MethodSettingsArgs{
			RestApi:    args.RestApiId,
			StageName:  stage.StageName,
			MethodPath: pulumi.String("*/*"),
			Settings: &apigateway.MethodSettingsSettingsArgs{
				MetricsEnabled:       pulumi.Bool(true),
				ThrottlingRateLimit:  pulumi.Float64(t.RateLimit),
				ThrottlingBurstLimit: pulumi.Int(t.BurstLimit),
			},
		}, pulumi.Parent(comp), pulumi.Protect(false)); err != nil { // settings, not state
			return nil, fmt.Errorf("stage deployment %s: %w", name, err)
		}
	}
	comp.Deployment, comp.Stage = deployment, stage
	comp.DeploymentId = deployment.ID().ToStringOutput()
	comp.StageName = stage.StageName
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{
		"deploymentId": comp.DeploymentId,
		"stageName":    comp.StageName,
	}); err != nil {
		return nil, err
	}
	return comp, nil
}
