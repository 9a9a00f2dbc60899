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
	AccountId string `pulumi:"accountId"`
	// Region is the provider's region. Required.
	Region string `pulumi:"region"`
	// RoleArn is the role to assume. Exactly one of RoleArn and Profile.
	RoleArn pulumi.StringInput `pulumi:"roleArn,optional"`
	// ExternalId and SessionName go with RoleArn. Optional; pass ExternalId
	// as a secret (pulumi.ToSecret).
	ExternalId  pulumi.StringInput `pulumi:"externalId,optional"`
	SessionName pulumi.StringInput `pulumi:"sessionName,optional"`
	// Profile is a named profile of the shared AWS config. Exactly one of
	// RoleArn and Profile.
	Profile pulumi.StringInput `pulumi:"profile,optional"`
	// DefaultTags are set on every resource of the provider. Optional.
	DefaultTags pulumi.StringMapInput `pulumi:"defaultTags,optional"`
}

// Validate checks the args and returns every problem as FieldErrors.
func (a *AccountProviderArgs) Validate() error {
	var f fieldErrs
	if !ValidAccountId(a.AccountId) {
		f.bad("accountId", a.AccountId, ExpectAccountId)
	}
	if !ValidRegion(a.Region) {
		f.bad("region", a.Region, ExpectRegion)
	}
	if (a.RoleArn == nil) == (a.Profile == nil) {
		f.add("", "set exactly one of roleArn and profile")
	}
	if a.RoleArn == nil && (a.ExternalId != nil || a.SessionName != nil) {
		f.add("externalId", "externalId and sessionName go with roleArn; set roleArn or remove them")
	}
	return f.err()
}

// pin is what a provider from NewAccountProvider is pinned to.
type pin struct{ account, region string }

// pinnedProviders records the account and region of each NewAccountProvider
// provider, so CrossAccountPrivateApi can refuse any other provider before
// anything is registered.
var pinnedProviders sync.Map // *aws.Provider -> pin

// NewAccountProvider registers an AWS provider pinned to one account and
// region: allowedAccountIds is always [AccountId], so credentials that reach
// another account fail instead of deploying there. CrossAccountPrivateApi
// takes only providers made here.
func NewAccountProvider(ctx *pulumi.Context, name string, args *AccountProviderArgs, opts ...pulumi.ResourceOption) (*aws.Provider, error) {
	if args == nil {
		return nil, errors.New("account provider " + name + ": args are required")
	}
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("account provider %s: %w", name, err)
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
	pinnedProviders.Store(provider, pin{account: args.AccountId, region: args.Region})
	return provider, nil
}

// checkPinned is the account and region gate of the components: it reports
// a provider not made by NewAccountProvider, one pinned to another account
// than wantAccount ("" accepts any), or to another region than wantRegion (an
// execute-api endpoint only reaches APIs of its own region). It runs before
// anything is registered, so nothing lands in a wrong account or region.
func checkPinned(p *aws.Provider, wantAccount, wantRegion string) error {
	v, ok := pinnedProviders.Load(p)
	if !ok {
		return errors.New("not from NewAccountProvider; expected a provider from NewAccountProvider, so that it is pinned to its account")
	}
	got := v.(pin)
	switch {
	case wantAccount != "" && got.account != wantAccount:
		return fmt.Errorf("pinned to account %s; expected a provider pinned to %s", got.account, wantAccount)
	case got.region != wantRegion:
		return fmt.Errorf("provider region is %s but the API and every endpoint must be in %s: an execute-api endpoint only reaches APIs of its own region", got.region, wantRegion)
	}
	return nil
}
