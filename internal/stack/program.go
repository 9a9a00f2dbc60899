package stack

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/components"
)

// ErrInvalidConfig is returned by Program when the configuration is invalid,
// after each problem has been reported on a line of its own.
var ErrInvalidConfig = errors.New("invalid configuration")

// reportedConfigError is a ConfigError whose problems were logged already:
// its message only counts them, and errors.As still finds the ConfigError.
type reportedConfigError struct{ cfg *ConfigError }

func (e *reportedConfigError) Error() string {
	return fmt.Sprintf("%v: %d problem(s), each reported above", ErrInvalidConfig, len(e.cfg.Problems))
}

// Unwrap gives both ErrInvalidConfig and the ConfigError with every problem.
func (e *reportedConfigError) Unwrap() []error { return []error{ErrInvalidConfig, e.cfg} }

// Program is the Pulumi program of this project: main.go runs pulumi.Run(Program).
//
// An invalid configuration registers nothing. Each problem is logged as an
// error diagnostic of its own, so the engine prints one problem per line
// (returned as one error, the SDK would fold them all into a single
// "1 error occurred" bullet); the error returned only counts them.
func Program(ctx *pulumi.Context) error {
	exports, err := Deploy(ctx)
	var cfgErr *ConfigError
	if errors.As(err, &cfgErr) {
		for _, p := range cfgErr.Problems {
			if logErr := ctx.Log.Error(p.String(), nil); logErr != nil {
				return fmt.Errorf("%w: %w", err, logErr)
			}
		}
		return &reportedConfigError{cfg: cfgErr}
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
	raw, secretKeys := ConfigFromContext(ctx)
	cfg, err := Load(raw, secretKeys, ctx.Stack())
	if err != nil {
		return nil, err
	}
	return DeployConfig(ctx, cfg)
}

// ConfigFromContext collects the raw configuration: every key the program
// reads, plus any other key of this namespace the engine passed (so that a
// misspelt key is reported instead of silently ignored).
func ConfigFromContext(ctx *pulumi.Context) (map[string]string, []string) {
	raw := map[string]string{}
	var secretKeys []string
	add := func(k string) {
		if v, ok := ctx.GetConfig(k); ok {
			raw[k] = v
			if ctx.IsConfigSecret(k) {
				secretKeys = append(secretKeys, k)
			}
		}
	}
	for _, name := range Keys {
		add(fullKey(name))
	}
	for _, k := range EngineConfigKeys(ctx) {
		if _, seen := raw[k]; !seen && strings.HasPrefix(k, Namespace+":") {
			add(k)
		}
	}
	return raw, secretKeys
}

// DeployConfig registers the providers and the cross-account API for a
// validated configuration and returns the stack outputs.
func DeployConfig(ctx *pulumi.Context, cfg *Config) (pulumi.Map, error) {
	providers, err := NewProviders(ctx, cfg)
	if err != nil {
		return nil, err
	}
	args := &components.CrossAccountPrivateApiArgs{
		Region:                cfg.Region,
		ProducerAccountId:     cfg.Producer.AccountID,
		ProducerProvider:      providers.Producer,
		ApiName:               pulumi.String(cfg.API.Name),
		ApiDescription:        pulumi.String(cfg.API.Description),
		StageName:             cfg.API.StageName,
		Authorization:         cfg.API.Authorization,
		PrincipalOrgId:        cfg.API.PrincipalOrgID,
		ExtraPolicyStatements: cfg.API.ExtraPolicyStatements,
		AccessLogs:            cfg.API.AccessLogs,
		Throttle:              &cfg.API.Throttle,
		Protect:               cfg.Protect,
	}
	for _, r := range cfg.API.Routes {
		args.Routes = append(args.Routes, r.ToComponent())
	}
	for _, c := range cfg.Consumers {
		args.Consumers = append(args.Consumers, consumerArgs(c, providers))
	}
	api, err := components.NewCrossAccountPrivateApi(ctx, Namespace, args)
	if err != nil {
		return nil, err
	}
	return exports(cfg, api), nil
}

// consumerArgs maps one configured consumer onto the component's args.
func consumerArgs(c Consumer, providers *Providers) components.ConsumerArgs {
	privateDNS := c.PrivateDNS
	ca := components.ConsumerArgs{Name: c.Name, AccountId: c.AccountID, PrivateDns: &privateDNS, EndpointPolicy: c.EndpointPolicy}
	if len(c.Principals) > 0 {
		ca.Principals = pulumi.ToStringArray(c.Principals)
	}
	if !c.ManagesEndpoint() {
		ca.ExistingEndpointId = pulumi.String(c.EndpointID)
		if c.EndpointDNSName != "" {
			ca.ExistingEndpointDnsName = pulumi.String(c.EndpointDNSName)
		}
		return ca
	}
	ca.Provider = providers.Consumers[c.Name]
	if c.NewVpc != nil {
		ca.Vpc = &components.ConsumerVpcArgs{Cidr: c.NewVpc.Cidr, AzCount: c.NewVpc.AzCount}
	}
	if c.ExistingVpc != nil {
		ca.VpcId = pulumi.String(c.ExistingVpc.ID)
		ca.SubnetIds = pulumi.ToStringArray(c.ExistingVpc.SubnetIDs)
	}
	if len(c.AllowedCidrs) > 0 {
		ca.AllowedCidrs = pulumi.ToStringArray(c.AllowedCidrs)
	}
	return ca
}

// exports are the stack outputs: the producer side, then per consumer its
// account, endpoint, DNS names, invoke URLs and curl lines.
func exports(cfg *Config, api *components.CrossAccountPrivateApi) pulumi.Map {
	consumers := pulumi.Map{}
	for _, c := range cfg.Consumers {
		access := api.Consumers[c.Name]
		consumers[c.Name] = pulumi.Map{
			"accountId":        pulumi.String(c.AccountID),
			"endpointId":       access.EndpointId,
			"endpointDnsNames": access.DnsNames,
			"invokeUrls":       access.InvokeUrls,
			"curl":             access.CurlCommands,
		}
	}
	return pulumi.Map{
		"region":            pulumi.String(cfg.Region),
		"producerAccountId": pulumi.String(cfg.Producer.AccountID),
		"restApiId":         api.RestApiId,
		"executionArn":      api.ExecutionArn,
		"stageName":         api.StageName,
		"deploymentId":      api.DeploymentId,
		"consumers":         consumers,
	}
}
