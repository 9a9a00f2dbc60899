// Package config reads and validates the stack's configuration: it turns
// the raw values the engine hands a program into a typed Config, and reports
// every problem at once, each under its config key. Value rules live in the
// components (CrossAccountPrivateApiArgs.Validate); this package reads shapes
// and types, and maps the components' FieldErrors to config keys.
package config

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/components"
)

// Namespace is the config namespace of every key, the project's name.
const Namespace = "xaccount-api"

// Top-level config keys, without the namespace.
const (
	KeyRegion    = "region"
	KeyProducer  = "producer"
	KeyConsumers = "consumers"
	KeyApi       = "api"
	KeyTags      = "tags"
	KeyProtect   = "protect"
	KeyProbe     = "probe"
	// KeyStackRole chooses the part of the topology a stack holds (stackrole.go).
	KeyStackRole = "stackRole"
)

// Keys lists every top-level config key the program reads.
var Keys = []string{KeyRegion, KeyProducer, KeyConsumers, KeyHub, KeyApi, KeyTags, KeyProtect, KeyProbe, KeyStackRole}

// Config is the validated, typed configuration of one stack.
type Config struct {
	// Stack is the stack's name.
	Stack string
	// StackRole is RoleAll, RoleProducer or RoleConsumer.
	StackRole string
	// Region is the one region of the API and every endpoint.
	Region string
	// Producer is account B, which owns the API.
	Producer Account
	// Consumers are the accounts A whose VPCs may call the API.
	Consumers []Consumer
	// Hub is the shared endpoint the consumers with via: hub call
	// through, nil for none.
	Hub *Hub
	// Api configures the private REST API.
	Api Api
	// Tags are default tags on every provider.
	Tags map[string]string
	// TagsSecret marks tags that came from secure config.
	TagsSecret bool
	// Protect protects what holds state or identity against deletion (the
	// components' Protect: the API, the stage, the access-log group, VPCs,
	// subnets, endpoints and security groups; never what changes replace).
	Protect bool
	// Probe is the connectivity probes' stack-wide settings.
	Probe Probe
}

// Probe is the top-level probe key: the default for consumers that do not
// say, and whether an unexpected answer fails the update.
type Probe struct {
	// Enabled is the default of consumers[].probe (false unless set).
	Enabled bool
	// FailOnError fails the update on an unexpected answer (default true).
	FailOnError bool
}

// Account is how the program reaches one AWS account.
type Account struct {
	// AccountId is the 12-digit account the provider is pinned to.
	AccountId string
	// RoleArn is assumed when set; otherwise Profile is used.
	RoleArn string
	// ExternalId and SessionName go with RoleArn.
	ExternalId  string
	SessionName string
	// Profile is a named profile of the shared AWS config.
	Profile string
	// Secret marks values that came from secure config; they become Pulumi secrets.
	Secret bool
	// Stack is the stack this account's part lives in: the producer's stack
	// of a consumer stack, or a consumer's own stack in a producer stack.
	Stack string
}

// Consumer is one consumer account and where its endpoint lives.
type Consumer struct {
	// Name is unique, [a-z0-9-].
	Name string
	Account
	// NewVpc, when set, creates a VPC for the endpoint.
	NewVpc *NewVpc
	// ExistingVpc, when set, places the endpoint in an existing VPC.
	ExistingVpc *ExistingVpc
	// PrivateDns turns on private DNS for execute-api (default: true for a
	// VPC this stack creates, false otherwise).
	PrivateDns bool
	// EndpointPolicy is components.EndpointPolicyRestricted or ...Full.
	EndpointPolicy string
	// Principals may call an AWS_IAM API from this consumer (default: the account root).
	Principals []string
	// AllowedCidrs may reach the endpoint on 443; empty means the VPC's CIDR.
	AllowedCidrs []string
	// EndpointId is an endpoint another team owns; nothing is created then.
	EndpointId string
	// EndpointDnsName is that endpoint's regional DNS name, if known.
	EndpointDnsName string
	// Probe runs a connectivity probe in this consumer's account (for an
	// endpoint this stack creates, or a spoke's, in its vpc.subnetIds,
	// through the hub).
	Probe bool
	// Via is components.ViaOwn ("" too) or components.ViaHub: the consumer
	// calls through the hub endpoint, from ExistingVpc (its id only) and
	// AllowedCidrs.
	Via string
}

// DeploysInAccount says whether the program creates something in the
// consumer's account: its endpoint, or as a spoke with hub.dns phz its VPC's
// association with the hub's zone or its probe (a spoke has credentials
// only then).
func (c Consumer) DeploysInAccount() bool {
	return c.ManagesEndpoint() || (c.Via == components.ViaHub && (c.RoleArn != "" || c.Profile != ""))
}

// ManagesEndpoint says whether the program creates this consumer's endpoint
// (and so needs a provider for its account).
func (c Consumer) ManagesEndpoint() bool {
	return c.EndpointId == "" && c.Stack == "" && c.Via != components.ViaHub
}

// NewVpc asks for a small VPC with private subnets.
type NewVpc struct {
	Cidr    string
	AzCount int
}

// ExistingVpc names a VPC and subnets that already exist.
type ExistingVpc struct {
	Id        string
	SubnetIds []string
}

// Api configures the private REST API.
type Api struct {
	Name        string
	Description string
	StageName   string
	Routes      []RouteConfig
	// Authorization is components.AuthorizationNone or ...IAM.
	Authorization string
	// PrincipalOrgId, with AWS_IAM, adds an aws:PrincipalOrgId condition.
	PrincipalOrgId string
	// ExtraPolicyStatements are added after the SourceVpce Deny and the Allow.
	ExtraPolicyStatements []map[string]any
	// AccessLogs are the stage's access logs; nil is the components' default
	// (components.DefaultAccessLogs), Disabled turns them off.
	AccessLogs *components.AccessLogsArgs
	// Monitoring are the per-consumer metrics, alarms and dashboard
	// (api.monitoring); nil is the components' default, on wherever the
	// access logs are on.
	Monitoring *components.MonitoringArgs
	// CustomDomain is the API's private custom domain (api.customDomain), nil for none.
	CustomDomain *components.CustomDomainArgs
	// Throttle is the throttling of every method of the stage (metrics are
	// always on); components.DefaultStageThrottle unless the file sets it.
	Throttle components.StageThrottle
	// Adopt takes over an existing REST API (api.adopt); nil creates one.
	Adopt *components.AdoptApiArgs
	// Quotas are the producer account's raised API Gateway quotas
	// (api.quotas); nil is AWS's defaults.
	Quotas *components.ApiQuotas
	// Tls is the API's security policy and endpoint access mode (api.tls);
	// nil is TLS_1_2.
	Tls *components.ApiTls
}

// RouteConfig is one route as configured; plain values, no Pulumi inputs.
type RouteConfig struct {
	Path        string
	Method      string
	Type        string
	StatusCode  int
	Body        string
	Uri         string
	FunctionArn string
	// VpcLinkId is a vpc_link route's existing VPC link; NlbArn the load
	// balancer of the one the stack creates instead.
	VpcLinkId string
	NlbArn    string
	// Secret marks a route read from an api key that holds a secure value.
	// The engine tells a program only which top-level keys are secret (an
	// object with one secure value in it is secret as a whole), so every
	// value of a route that may be secure (its body and uri) is kept a
	// Pulumi secret then; the others must be plain and stay so.
	Secret bool
}

// ToComponent turns the configured route into a components.Route. A body or
// uri of a Secret route becomes a Pulumi secret: everything built from it
// (the OpenAPI body, its hash, the deployment's triggers) stays secret in
// the state, in previews and in outputs.
func (r RouteConfig) ToComponent() components.Route {
	value := func(s string) pulumi.StringInput {
		if r.Secret {
			return pulumi.ToSecret(pulumi.String(s)).(pulumi.StringOutput)
		}
		return pulumi.String(s)
	}
	in := components.RouteIntegration{Type: r.Type, StatusCode: r.StatusCode}
	switch r.Type {
	case components.IntegrationMock:
		in.Body = value(r.Body)
	case components.IntegrationHTTPProxy:
		in.Uri = value(r.Uri)
	case components.IntegrationVpcLink:
		in.Uri = value(r.Uri)
		if r.VpcLinkId != "" {
			in.VpcLinkId = pulumi.String(r.VpcLinkId)
		}
		if r.NlbArn != "" {
			in.NlbArn = pulumi.String(r.NlbArn)
		}
	case components.IntegrationLambda:
		in.FunctionArn = pulumi.String(r.FunctionArn)
	}
	return components.Route{Path: r.Path, Method: r.Method, Integration: in}
}

// ProfileAccounts maps each profile the config names to the account it says
// that profile reaches: what an offline run (awsmock.Profiles) must assume,
// since only AWS can tell which account a profile's credentials reach.
func (c *Config) ProfileAccounts() map[string]string {
	out := map[string]string{}
	accounts := append([]Account{c.Producer}, c.consumerAccounts()...)
	if c.Hub != nil {
		accounts = append(accounts, c.Hub.Account)
	}
	for _, acct := range accounts {
		if acct.Profile != "" {
			out[acct.Profile] = acct.AccountId
		}
	}
	return out
}

func (c *Config) consumerAccounts() []Account {
	out := make([]Account, 0, len(c.Consumers))
	for _, consumer := range c.Consumers {
		out = append(out, consumer.Account)
	}
	return out
}
