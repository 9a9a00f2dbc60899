package components

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AccountCredentials say how a composition reaches one account when it
// builds that account's provider itself (a provider cannot cross the
// language boundary of the component package, so TypeScript, Python and YAML
// stacks hand these over instead). The provider is made by
// NewAccountProvider, pinned to the account and region the args name, as a
// child of the composition. Exactly one of RoleArn and Profile.
type AccountCredentials struct {
	// RoleArn is the IAM role to assume in the account.
	RoleArn pulumi.StringInput `pulumi:"roleArn,optional"`
	// ExternalId goes with RoleArn when the role's trust policy asks for one; pass it as a secret.
	ExternalId pulumi.StringInput `pulumi:"externalId,optional"`
	// SessionName goes with RoleArn: the name of the assumed role's session.
	SessionName pulumi.StringInput `pulumi:"sessionName,optional"`
	// Profile is a named profile of the shared AWS config on the machine that runs the deployment.
	Profile pulumi.StringInput `pulumi:"profile,optional"`
}

// providerArgs are the args of the pinned provider these credentials make.
func (c *AccountCredentials) providerArgs(account, region string) *AccountProviderArgs {
	return &AccountProviderArgs{AccountId: account, Region: region,
		RoleArn: c.RoleArn, ExternalId: c.ExternalId, SessionName: c.SessionName, Profile: c.Profile}
}

// validate reports the credentials' problems under field (the account and
// region are checked where the args name them).
func (c *AccountCredentials) validate(f *fieldErrs, field string) {
	if (c.RoleArn == nil) == (c.Profile == nil) {
		f.add(field, "set exactly one of roleArn and profile")
	}
	if c.RoleArn == nil && (c.ExternalId != nil || c.SessionName != nil) {
		f.add(joinField(field, "externalId"), "externalId and sessionName go with roleArn; set roleArn or remove them")
	}
}

// newProvider registers the pinned provider of these credentials as a child
// of parent.
func (c *AccountCredentials) newProvider(ctx *pulumi.Context, name, account, region string, parent pulumi.Resource) (*aws.Provider, error) {
	return NewAccountProvider(ctx, name, c.providerArgs(account, region), pulumi.Parent(parent))
}

// joinField is the path of a field under prefix ("" for the top level).
func joinField(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}
