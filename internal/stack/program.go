// Package stack is this repository's Pulumi program: one AWS provider per
// account, the wiring of the components for a loaded configuration
// (internal/config), and the stack outputs.
package stack

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/go-multierror"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
)

// ErrInvalidConfig is returned by Program when the configuration is invalid.
var ErrInvalidConfig = errors.New("invalid configuration")

// configProblem is one problem of an invalid configuration: errors.Is finds
// ErrInvalidConfig and errors.As the config.Error with every problem.
type configProblem struct {
	problem config.Problem
	cfg     *config.Error
}

func (e *configProblem) Error() string { return e.problem.String() }

// Unwrap gives ErrInvalidConfig and the config.Error.
func (e *configProblem) Unwrap() []error { return []error{ErrInvalidConfig, e.cfg} }

// invalidConfig is Program's error for an invalid configuration: a
// *multierror.Error of one error per problem, which pulumi.Run flattens into
// its own list (sdk/go/pulumi/run.go, RunWithContext), so the engine prints
// "<n> errors occurred:" and one bullet per problem, each naming its key.
// Printed as it is, it reads "invalid configuration: " and the problems as
// config.Error lists them.
func invalidConfig(cfg *config.Error) error {
	list := make([]error, len(cfg.Problems))
	for i, p := range cfg.Problems {
		list[i] = &configProblem{problem: p, cfg: cfg}
	}
	return &multierror.Error{
		Errors:      list,
		ErrorFormat: func([]error) string { return fmt.Sprintf("%v: %v", ErrInvalidConfig, cfg) },
	}
}

// Program is the Pulumi program of this project: main.go runs pulumi.Run(Program).
//
// An invalid configuration registers nothing; the error lists every problem
// (invalidConfig).
func Program(ctx *pulumi.Context) error {
	exports, err := Deploy(ctx)
	var cfgErr *config.Error
	if errors.As(err, &cfgErr) {
		return invalidConfig(cfgErr)
	}
	if err != nil {
		return err
	}
	for name, value := range exports {
		ctx.Export(name, value)
	}
	return nil
}

// Deploy reads and validates the stack's configuration, then registers
// everything; it registers nothing when the configuration is invalid.
func Deploy(ctx *pulumi.Context) (pulumi.Map, error) {
	raw, secretKeys := config.FromContext(ctx)
	cfg, err := config.Load(raw, secretKeys, ctx.Stack())
	if err != nil {
		return nil, err
	}
	return DeployConfig(ctx, cfg)
}

// DeployConfig registers the providers and the cross-account API for a
// validated configuration and returns the stack outputs.
func DeployConfig(ctx *pulumi.Context, cfg *config.Config) (pulumi.Map, error) {
	if cfg.TagsSecret {
		if err := keepTagsAllSecret(ctx); err != nil {
			return nil, err
		}
	}
	if cfg.StackRole == config.RoleHub {
		return deployHubStack(ctx, cfg)
	}
	if cfg.StackRole == config.RoleConsumer && cfg.HubStackOf() != "" {
		return deploySpokeStack(ctx, cfg)
	}
	if cfg.StackRole == config.RoleConsumer {
		return deployConsumerStack(ctx, cfg)
	}
	args := cfg.Args()
	if cfg.StackRole == config.RoleProducer {
		if err := readHubStack(ctx, cfg, args); err != nil {
			return nil, err
		}
		if err := readConsumerStacks(ctx, cfg, args); err != nil {
			return nil, err
		}
	}
	providers, err := NewProviders(ctx, cfg)
	if err != nil {
		return nil, err
	}
	args.ProducerProvider = providers.Producer
	for i := range args.Consumers {
		args.Consumers[i].Provider = providers.Consumers[args.Consumers[i].Name]
	}
	if args.Hub != nil && providers.Hub != nil {
		args.Hub.Provider = providers.Hub
	}
	api, err := components.NewCrossAccountPrivateApi(ctx, config.Namespace, args)
	if err != nil {
		// What the component checks once it can ask AWS (an adopted API's
		// existence and endpoint type) is reported on its config key, as
		// Load reports what it checks offline.
		return nil, cfg.ArgsProblems(err)
	}
	return exports(cfg, args, api), nil
}

// exports are the stack outputs: the producer side (with what consumer
// stacks read: policyHash, authorization, vpcEndpointIds), then per consumer
// its account, endpoint, DNS names, invoke URLs, curl lines and probe target.
func exports(cfg *config.Config, args *components.CrossAccountPrivateApiArgs, api *components.CrossAccountPrivateApi) pulumi.Map {
	consumers := pulumi.Map{}
	targets := probeTargets(args)
	for _, c := range cfg.Consumers {
		access := api.Consumers[c.Name]
		out := pulumi.Map{
			"accountId":        pulumi.String(c.AccountId),
			"endpointId":       access.EndpointId,
			"endpointDnsNames": access.DnsNames,
			"invokeUrls":       access.InvokeUrls,
			"curl":             access.CurlCommands,
			"probeTarget":      targets[c.Name],
		}
		if c.Via == components.ViaHub {
			// Through the hub: its endpoint, from the spoke's ranges (README, "Hub").
			out["via"] = pulumi.String(components.ViaHub)
			out["sourceCidrs"] = pulumi.ToStringArray(c.AllowedCidrs)
		}
		if access.Domain != nil && access.Endpoint == nil && access.Hub == nil {
			// What the owners of an existing endpoint run to use the custom domain.
			out["customDomainSteps"] = access.DomainSteps
		}
		if args.MonitoringOn() {
			// Where the consumer's team finds its metrics (docs/monitoring.md).
			out["metrics"] = pulumi.Map{
				"namespace": pulumi.String(components.MetricNamespace),
				"dimensions": pulumi.StringMap{
					components.DimensionApiId: api.RestApiId, components.DimensionStage: api.StageName,
					components.DimensionVpceId: access.EndpointId,
				},
				"alarms": access.AlarmNames,
			}
		}
		if access.Probe != nil {
			// What the last probe run got per invoke form (docs/probe.md).
			out["probe"] = access.Probe.Results
			// To run it again by hand: aws lambda invoke --function-name <this> (docs/probe.md).
			out["probeFunction"] = access.Probe.FunctionName
		}
		consumers[c.Name] = out
	}
	outputs := pulumi.Map{
		"region":            pulumi.String(cfg.Region),
		"producerAccountId": pulumi.String(cfg.Producer.AccountId),
		"restApiId":         api.RestApiId,
		"executionArn":      api.ExecutionArn,
		"stageName":         api.StageName,
		"deploymentId":      api.DeploymentId,
		"policyHash":        api.PolicyJson.ApplyT(components.TriggerHash),
		"authorization":     pulumi.String(authorizationOf(args)),
		// STRICT or BASIC, "" for none: a consumer stack offers the invoke forms it allows.
		"endpointAccessMode": pulumi.String(args.Tls.AccessMode()),
		"vpcEndpointIds":     api.VpcEndpointIds,
		"consumers":          consumers,
	}
	if args.MonitoringOn() {
		outputs["dashboard"] = api.DashboardName
	}
	if api.Domain != nil {
		outputs[OutputCustomDomain] = customDomainOutput(cfg.Stack, api.Domain)
	}
	if s := cfg.HubStackOf(); s != "" {
		outputs["hub"] = pulumi.Map{"accountId": pulumi.String(cfg.Hub.AccountId), "endpointId": args.Hub.EndpointId, "stack": pulumi.String(s)}
	}
	if api.Hub != nil {
		outputs["hub"] = pulumi.Map{
			"accountId":       pulumi.String(cfg.Hub.AccountId),
			"endpointId":      api.Hub.EndpointId,
			"dnsNames":        api.Hub.DnsNames,
			"securityGroupId": api.Hub.SecurityGroupId,
			"allowedCidrs":    api.Hub.AllowedCidrs,
			"dns":             pulumi.String(cfg.Hub.Dns),
		}
	}
	return outputs
}

// authorizationOf is the API's authorization with the default applied.
func authorizationOf(args *components.CrossAccountPrivateApiArgs) string {
	if args.Authorization == "" {
		return components.AuthorizationNone
	}
	return args.Authorization
}

// keepTagsAllSecret marks the tagsAll output of every AWS resource as a
// secret. Secure tags reach the resources as the providers' default tags,
// a secret input of the provider; a resource's tagsAll merges them in, but
// the engine marks an output secret only where an input of the same name
// is, and pulumi-aws does not for default tags of an explicit provider
// (pulumi/pulumi-aws#2820, open). Where the provider already marks it, this
// changes nothing.
func keepTagsAllSecret(ctx *pulumi.Context) error {
	return ctx.RegisterResourceTransform(func(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
		if !args.Custom || !strings.HasPrefix(args.Type, "aws:") || slices.Contains(args.Opts.AdditionalSecretOutputs, "tagsAll") {
			return nil
		}
		args.Opts.AdditionalSecretOutputs = append(args.Opts.AdditionalSecretOutputs, "tagsAll")
		return &pulumi.ResourceTransformResult{Props: args.Props, Opts: args.Opts}
	})
}
