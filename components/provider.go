package components

import (
	"errors"
	"fmt"
	"sync"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AccountProviderArgs describe the AWS provider of one account.
type AccountProviderArgs struct {
	// AccountId is the 12-digit account the provider may act in; any other
	// account its credentials reach is refused (allowedAccountIds). Required.
	AccountId string
	// Region is the provider's region. Required.
	Region string
	// RoleArn is the role to assume. Exactly one of RoleArn and Profile.
	RoleArn pulumi.StringInput
	// ExternalId and SessionName go with RoleArn. Optional; pass ExternalId
	// as a secret (pulumi.ToSecret).
	ExternalId  pulumi.StringInput
	SessionName pulumi.StringInput
	// Profile is a named profile of the shared AWS config. Exactly one of
	// RoleArn and Profile.
	Profile pulumi.StringInput
	// DefaultTags are set on every resource of the provider. Optional.
	DefaultTags pulumi.StringMapInput
}

// pinnedAccounts records the account each NewAccountProvider provider is
// pinned to, so CrossAccountPrivateApi can refuse any other provider.
var pinnedAccounts sync.Map // *aws.Provider -> string

// NewAccountProvider registers an AWS provider pinned to one account and
// region: allowedAccountIds is always [AccountId], so credentials that reach
// another account fail instead of deploying there. CrossAccountPrivateApi
// takes only providers made here.
func NewAccountProvider(ctx *pulumi.Context, name string, args *AccountProviderArgs, opts ...pulumi.ResourceOption) (*aws.Provider, error) {
	if args == nil {
		return nil, errors.New("account provider " + name + ": args are required")
	}
	if !ValidAccountID(args.AccountId) {
		return nil, fmt.Errorf("account provider %s: accountId %q: expected 12 digits", name, args.AccountId)
	}
	if args.Region == "" {
		return nil, fmt.Errorf("account provider %s: region is required", name)
	}
	if (args.RoleArn == nil) == (args.Profile == nil) {
		return nil, fmt.Errorf("account provider %s: set exactly one of roleArn and profile", name)
	}
	if args.RoleArn == nil && (args.ExternalId != nil || args.SessionName != nil) {
		return nil, fmt.Errorf("account provider %s: externalId and sessionName go with roleArn", name)
	}
	pa := &aws.ProviderArgs{
		Region:            pulumi.String(args.Region),
		AllowedAccountIds: pulumi.StringArray{pulumi.String(args.AccountId)},
		Profile:           args.Profile,
	}
	if args.RoleArn != nil {
		pa.AssumeRole = &aws.ProviderAssumeRoleArgs{RoleArn: args.RoleArn, ExternalId: args.ExternalId, SessionName: args.SessionName}
	}
	if args.DefaultTags != nil {
		pa.DefaultTags = &aws.ProviderDefaultTagsArgs{Tags: args.DefaultTags}
	}
	provider, err := aws.NewProvider(ctx, name, pa, opts...)
	if err != nil {
		return nil, fmt.Errorf("account provider %s: %w", name, err)
	}
	pinnedAccounts.Store(provider, args.AccountId)
	return provider, nil
}

// checkPinned reports a provider not made by NewAccountProvider, or pinned
// to another account than want ("" accepts any pinned account).
func checkPinned(field string, p *aws.Provider, want string) error {
	got, ok := pinnedAccounts.Load(p)
	switch {
	case !ok:
		return fmt.Errorf("%s: a provider from NewAccountProvider is required, so that it is pinned to its account", field)
	case want != "" && got.(string) != want:
		return fmt.Errorf("%s is pinned to account %s; expected %s", field, got, want)
	}
	return nil
}
