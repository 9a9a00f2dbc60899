package stack

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
)

// ProducerProviderName is the producer provider's resource name.
const ProducerProviderName = "producer"

// HubProviderName is the network account's provider's resource name (the hub).
const HubProviderName = "hub"

// ConsumerProviderName is the resource name of a consumer's provider.
func ConsumerProviderName(consumer string) string { return "consumer-" + consumer }

// Providers are the explicit AWS providers of a stack, one per account.
type Providers struct {
	// Producer deploys into the producer account.
	Producer *aws.Provider
	// Consumers maps each consumer name whose endpoint the stack manages to its provider.
	Consumers map[string]*aws.Provider
	// Hub deploys into the network account of the hub, nil without one.
	Hub *aws.Provider
}

// NewProviders registers one aws.Provider per account, each pinned to its
// region and, through allowedAccountIds, to its account: a wrong credential
// fails instead of deploying into another account. Consumers with an existing
// endpoint get none, and so do spokes unless hub.dns is phz.
func NewProviders(ctx *pulumi.Context, cfg *config.Config) (*Providers, error) {
	producer, err := newAccountProvider(ctx, ProducerProviderName, cfg, cfg.Producer)
	if err != nil {
		return nil, err
	}
	p := &Providers{Producer: producer, Consumers: map[string]*aws.Provider{}}
	for _, c := range cfg.Consumers {
		if !c.DeploysInAccount() {
			continue
		}
		provider, err := newAccountProvider(ctx, ConsumerProviderName(c.Name), cfg, c.Account)
		if err != nil {
			return nil, err
		}
		p.Consumers[c.Name] = provider
	}
	if cfg.Hub != nil && cfg.Hub.Stack == "" {
		if p.Hub, err = newAccountProvider(ctx, HubProviderName, cfg, cfg.Hub.Account); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// newAccountProvider registers the provider of one account through
// components.NewAccountProvider, which pins it (allowedAccountIds) and its
// region; secure config values stay Pulumi secrets.
func newAccountProvider(ctx *pulumi.Context, name string, cfg *config.Config, acct config.Account) (*aws.Provider, error) {
	args := &components.AccountProviderArgs{AccountId: acct.AccountId, Region: cfg.Region}
	if acct.RoleArn != "" {
		args.RoleArn = maybeSecret(acct.Secret, acct.RoleArn)
		if acct.ExternalId != "" {
			// The external ID is a shared secret with the role's owner: never in clear.
			args.ExternalId = pulumi.ToSecret(pulumi.String(acct.ExternalId)).(pulumi.StringOutput)
		}
		if acct.SessionName != "" {
			args.SessionName = maybeSecret(acct.Secret, acct.SessionName)
		}
	} else {
		args.Profile = maybeSecret(acct.Secret, acct.Profile)
	}
	if len(cfg.Tags) > 0 {
		var tags pulumi.StringMapInput = pulumi.ToStringMap(cfg.Tags)
		if cfg.TagsSecret {
			tags = pulumi.ToSecret(tags).(pulumi.StringMapOutput)
		}
		args.DefaultTags = tags
	}
	provider, err := components.NewAccountProvider(ctx, name, args)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %w", name, err)
	}
	return provider, nil
}

// maybeSecret wraps a value that came from secure config as a Pulumi secret.
func maybeSecret(secret bool, value string) pulumi.StringInput {
	if secret {
		return pulumi.ToSecret(pulumi.String(value)).(pulumi.StringOutput)
	}
	return pulumi.String(value)
}
