package awsmock

import (
	"errors"
	"regexp"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// provider registers an AWS provider with a role in roleAccount, pinned (when
// allowed is not empty) to allowed.
func provider(ctx *pulumi.Context, name, roleAccount string, allowed ...string) (*aws.Provider, error) {
	args := &aws.ProviderArgs{
		Region:     pulumi.String("eu-west-1"),
		AssumeRole: &aws.ProviderAssumeRoleArgs{RoleArn: pulumi.String("arn:aws:iam::" + roleAccount + ":role/deployer")},
	}
	if len(allowed) > 0 {
		args.AllowedAccountIds = pulumi.ToStringArray(allowed)
	}
	return aws.NewProvider(ctx, name, args)
}

// TestAccountComesFromTheCredentials: a role's account, or what a profile is
// mapped to, is where resources land; allowedAccountIds is only a guard.
func TestAccountComesFromTheCredentials(t *testing.T) {
	m := New("proj", "dev", Profiles(map[string]string{"ops": "333333333333"}))
	require.NoError(t, m.Run(func(ctx *pulumi.Context) error {
		if _, err := provider(ctx, "unguarded", "222222222222"); err != nil {
			return err
		}
		_, err := aws.NewProvider(ctx, "profiled", &aws.ProviderArgs{Region: pulumi.String("eu-west-1"), Profile: pulumi.String("ops")})
		return err
	}))
	unguarded, _ := m.Named(ProviderType, "unguarded")
	assert.Equal(t, "222222222222", m.AccountOf(unguarded), "no allowedAccountIds, and still the role's account")
	profiled, _ := m.Named(ProviderType, "profiled")
	assert.Equal(t, "333333333333", m.AccountOf(profiled))
}

func TestAllowedAccountIdsIsEnforcedLikeTheProvider(t *testing.T) {
	m := New("proj", "dev")
	err := m.Run(func(ctx *pulumi.Context) error {
		_, err := provider(ctx, "wrong", "999999999999", "111111111111")
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AWS account ID not allowed: 999999999999")

	for name, args := range map[string]*aws.ProviderArgs{
		"no credentials":   {Region: pulumi.String("eu-west-1")},
		"unmapped profile": {Region: pulumi.String("eu-west-1"), Profile: pulumi.String("nobody")},
	} {
		err := New("proj", "dev").Run(func(ctx *pulumi.Context) error {
			_, err := aws.NewProvider(ctx, "p", args)
			return err
		})
		assert.Errorf(t, err, "%s: the real provider fails without credentials", name)
	}
}

// TestRecordsWhatATestAsserts: AWS-shaped IDs and outputs, the provider and
// its account, the parent, and explicit dependencies apart from input ones.
func TestRecordsWhatATestAsserts(t *testing.T) {
	m := New("proj", "dev")
	require.NoError(t, m.Run(func(ctx *pulumi.Context) error {
		p, err := provider(ctx, "consumer", "222222222222", "222222222222")
		if err != nil {
			return err
		}
		parent := &component{}
		if err := ctx.RegisterComponentResource("xaccount:index:Thing", "thing", parent); err != nil {
			return err
		}
		opts := []pulumi.ResourceOption{pulumi.Provider(p), pulumi.Parent(parent)}
		// By token, as the components register their EC2 resources.
		var vpc, marker, subnet ec2Resource
		if err := ctx.RegisterResource("aws:ec2/vpc:Vpc", "vpc", pulumi.Map{"cidrBlock": pulumi.String("10.0.0.0/24")}, &vpc, opts...); err != nil {
			return err
		}
		if err := ctx.RegisterResource("aws:ec2/vpc:Vpc", "marker", pulumi.Map{"cidrBlock": pulumi.String("10.1.0.0/24")}, &marker, opts...); err != nil {
			return err
		}
		return ctx.RegisterResource("aws:ec2/subnet:Subnet", "subnet", pulumi.Map{"vpcId": vpc.ID(), "cidrBlock": pulumi.String("10.0.0.0/25")}, &subnet,
			append(opts, pulumi.DependsOn([]pulumi.Resource{&marker}))...)
	}))
	vpc, ok := m.Named("aws:ec2/vpc:Vpc", "vpc")
	require.True(t, ok)
	assert.Regexp(t, regexp.MustCompile(`^vpc-[0-9a-f]{17}$`), vpc.Id)
	assert.Equal(t, "arn:aws:ec2:eu-west-1:222222222222:vpc/"+vpc.Id, vpc.Output("arn"))
	assert.Equal(t, "222222222222", m.AccountOf(vpc))
	assert.Equal(t, "consumer", m.ProviderName(vpc))
	assert.Equal(t, "urn:pulumi:dev::proj::xaccount:index:Thing::thing", vpc.Parent)

	subnet, _ := m.Named("aws:ec2/subnet:Subnet", "subnet")
	marker, _ := m.Named("aws:ec2/vpc:Vpc", "marker")
	assert.Equal(t, []string{marker.URN}, subnet.DependsOn, "DependsOn holds only the explicit dependency")
	assert.Equal(t, []string{vpc.URN}, subnet.InputDependencies["vpcId"])
	assert.ElementsMatch(t, []string{marker.URN, vpc.URN}, subnet.Dependencies)
}

// TestAwaitReportsARejectedOutput: the output's own error comes back (the
// earlier version waited on a timer and returned a generic error instead).
func TestAwaitReportsARejectedOutput(t *testing.T) {
	cause := errors.New("no such VPC")
	var got error
	err := New("proj", "dev").Run(func(ctx *pulumi.Context) error {
		rejected := pulumi.String("x").ToStringOutput().ApplyT(func(string) (string, error) { return "", cause })
		_, _, got = Await(rejected)
		v, secret, err := Await(pulumi.ToSecret(pulumi.String("s")))
		if err != nil {
			return err
		}
		assert.Equal(t, "s", v)
		assert.True(t, secret)
		return nil
	})
	require.NoError(t, err)
	require.ErrorIs(t, got, cause)
}

// ec2Resource is any EC2 resource registered by its token.
type ec2Resource struct{ pulumi.CustomResourceState }
