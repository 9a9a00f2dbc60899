package components

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
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
	if !vocab.ValidAccountId(a.AccountId) {
		f.bad("accountId", a.AccountId, vocab.ExpectAccountId)
	}
	if !vocab.ValidRegion(a.Region) {
		f.bad("region", a.Region, vocab.ExpectRegion)
	}
	creds := AccountCredentials{RoleArn: a.RoleArn, ExternalId: a.ExternalId, SessionName: a.SessionName, Profile: a.Profile}
	creds.validate(&f, "")
	return f.err()
}

// pin is what a provider from NewAccountProvider is pinned to.
type pin struct{ account, region string }

// pinnedProviders records the account and region of each NewAccountProvider
// provider, so CrossAccountPrivateApi can check it without asking AWS.
var pinnedProviders sync.Map // *aws.Provider -> pin

// NewAccountProvider registers an AWS provider pinned to one account and
// region: allowedAccountIds is always [AccountId], so credentials that reach
// another account fail instead of deploying there. CrossAccountPrivateApi
// checks a provider made here by its pin, without a call; it takes providers
// of your own making too, and asks AWS through them.
func NewAccountProvider(ctx *pulumi.Context, name string, args *AccountProviderArgs, opts ...pulumi.ResourceOption) (*aws.Provider, error) {
	if args == nil {
		return nil, errors.New("account provider " + name + ": args are required")
	}
	if err := args.Validate(); err != nil {
		return nil, invalidArgs("account provider", name, err)
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

// checkProvider is the account and region gate of the components, run
// before anything is registered, so nothing lands in a wrong account or
// region (an execute-api endpoint only reaches APIs of its own region). A
// provider from NewAccountProvider is checked by its pin; any other provider
// (your own factory, web identity, custom endpoints) by asking AWS through
// it: sts:GetCallerIdentity, which needs no permission, names the account its
// credentials reach, and the provider's region is read with it.
func checkProvider(ctx *pulumi.Context, p pulumi.ProviderResource, wantAccount, wantRegion string) error {
	if v, ok := pinnedProviders.Load(p); ok {
		got := v.(pin)
		return checkPlace(got.account, got.region, wantAccount, wantRegion, "pinned to")
	}
	who, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, pulumi.Provider(p))
	if err != nil {
		return fmt.Errorf("not from NewAccountProvider, and asking AWS through it which account its credentials reach (sts:GetCallerIdentity) failed: %w", err)
	}
	region, err := aws.GetRegion(ctx, &aws.GetRegionArgs{}, pulumi.Provider(p))
	if err != nil {
		return fmt.Errorf("reading the provider's region: %w", err)
	}
	return checkPlace(who.AccountId, region.Name, wantAccount, wantRegion, "its credentials reach")
}

// checkPlace compares where a provider acts with where it must.
func checkPlace(account, region, wantAccount, wantRegion, how string) error {
	switch {
	case account != wantAccount:
		return fmt.Errorf("%s account %s; expected a provider for account %s", how, account, wantAccount)
	case region != wantRegion:
		return fmt.Errorf("provider region is %s but the API and every endpoint must be in %s: an execute-api endpoint only reaches APIs of its own region", region, wantRegion)
	}
	return nil
}

// awsProviderType is the type token of AWS provider resources.
const awsProviderType = "pulumi:providers:aws"

// awsProviderOf is the AWS provider a component registered with opts hands
// its children, as the Go SDK merges them (context.go, mergeProviders): the
// pulumi.Provider option, else the aws entry of pulumi.Providers or
// pulumi.ProviderMap, else its parent's (pulumi.Parent), which a component
// keeps from its own options and its parent. Nil when there is none.
//
// A component served to another language gets the providers option the
// caller gave it with the construct request, and its parent only as a
// reference (engineParent). The engine resolves the providers a child of
// the caller's own component inherits, but (Pulumi v3.274.1, proven under
// the engine with the YAML host) does not send them with the request; so
// engineParent says that the parent is such a resource, not the stack,
// whose providers cannot be read here.
func awsProviderOf(opts []pulumi.ResourceOption) (p pulumi.ProviderResource, engineParent bool) {
	o, err := pulumi.NewResourceOptions(opts...)
	if err != nil {
		return nil, false
	}
	candidates := append([]pulumi.ProviderResource{o.Provider}, o.Providers...)
	for _, p := range candidates {
		if isAwsProvider(p) {
			return p, false
		}
	}
	if o.Parent == nil {
		return nil, false
	}
	if o.Parent.PulumiResourceType() == "" {
		// A reference (the SDK's dependency resource): its URN is known.
		typ, known := urnType(o.Parent)
		return nil, known && typ != "pulumi:pulumi:Stack"
	}
	// ResourceState.GetProvider reads the parent's merged providers by a
	// type token's package.
	if parent, ok := o.Parent.(interface {
		GetProvider(token string) pulumi.ProviderResource
	}); ok {
		if p := parent.GetProvider("aws:index:any"); p != nil {
			return p, false
		}
	}
	return nil, false
}

// urnType is the type in the URN of a resource referenced by URN, whose
// URN is known when it is created; false if it does not resolve at once.
func urnType(r pulumi.Resource) (string, bool) {
	got := make(chan string, 1)
	r.URN().ApplyT(func(u pulumi.URN) int {
		got <- string(u)
		return 0
	})
	select {
	case u := <-got:
		parts := strings.Split(u, "::")
		if len(parts) < 4 {
			return "", false
		}
		types := strings.Split(parts[2], "$")
		return types[len(types)-1], true
	case <-time.After(10 * time.Second):
		return "", false
	}
}

// isAwsProvider says whether p is an AWS provider: one of this SDK's, or a
// provider resource registered or referenced under the AWS provider's type.
func isAwsProvider(p pulumi.ProviderResource) bool {
	if p == nil {
		return false
	}
	if _, ok := p.(*aws.Provider); ok {
		return true
	}
	return p.PulumiResourceType() == awsProviderType
}

// missingProvider is the problem of a single-account component given no AWS
// provider (awsProviderOf; a child of another language's component, whose
// inherited providers the engine resolves, is given the benefit), nil
// otherwise: the rule CrossAccountPrivateApi
// applies to its providers. Without one its resources would go to the
// default provider, in whatever account the ambient credentials reach;
// account names whose provider is expected ("producer" or "consumer").
func missingProvider(opts []pulumi.ResourceOption, account string) *FieldError {
	if p, engineParent := awsProviderOf(opts); p != nil || engineParent {
		return nil
	}
	return &FieldError{Field: "provider", Message: fmt.Sprintf("missing; expected the %s account's AWS provider as a resource option: "+
		"pulumi.Provider(p) in Go, or a parent component that has one; the provider or providers option in other languages. "+
		"Without it the resources would go to the default provider, in whatever account the ambient credentials reach", account)}
}

// checkSingleAccount is the error of a single-account component's
// constructor before it registers anything: the problems of its args
// (invalid, the result of their Validate) and a missing AWS provider
// (missingProvider, for the account named), all at once; nil without any.
func checkSingleAccount(component, name, account string, invalid error, opts []pulumi.ResourceOption) error {
	errs := AsFieldErrors(invalid)
	if invalid != nil && len(errs) == 0 {
		return invalidArgs(component, name, invalid)
	}
	if fe := missingProvider(opts, account); fe != nil {
		errs = append(errs, fe)
	}
	if len(errs) == 0 {
		return nil
	}
	return invalidArgs(component, name, errs)
}
