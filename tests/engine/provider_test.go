package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// webRole is a producer role a team's CI assumes with its OIDC token.
const webRole = "arn:aws:iam::111111111111:role/platform-web"

// ownProviderProgram is a platform team's stack: the producer's provider
// from the team's own factory (web identity from a token file, ignored
// tags), the consumer's from NewAccountProvider as the dev stack file names
// it (the printed deployer role).
func ownProviderProgram(tokenFile, role string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		producer, err := aws.NewProvider(ctx, "team-producer", &aws.ProviderArgs{
			Region: pulumi.String("eu-west-1"),
			AssumeRoleWithWebIdentity: &aws.ProviderAssumeRoleWithWebIdentityArgs{
				RoleArn: pulumi.String(role), WebIdentityTokenFile: pulumi.String(tokenFile), SessionName: pulumi.String("team"),
			},
			IgnoreTags: &aws.ProviderIgnoreTagsArgs{KeyPrefixes: pulumi.StringArray{pulumi.String("org:")}},
		})
		if err != nil {
			return err
		}
		consumer, err := components.NewAccountProvider(ctx, "app", &components.AccountProviderArgs{
			AccountId: "222222222222", Region: "eu-west-1", Profile: pulumi.String("xaccount-dev-app")})
		if err != nil {
			return err
		}
		off := false
		_, err = components.NewCrossAccountPrivateApi(ctx, "team", &components.CrossAccountPrivateApiArgs{
			Region: "eu-west-1", ProducerAccountId: "111111111111", ProducerProvider: producer, StageName: "dev",
			AccessLogs: &components.AccessLogsArgs{Enabled: pulumi.BoolRef(false)},
			Consumers: []components.ConsumerArgs{{Name: "app", AccountId: "222222222222", Provider: consumer,
				Vpc: &components.ConsumerVpcArgs{Cidr: "10.20.0.0/24"}, PrivateDns: &off}},
		})
		return err
	}
}

// TestOwnProviderWithWebIdentity: the components take a provider of the
// team's own making (web identity, ignored tags) after asking AWS through it
// which account it reaches; one whose credentials reach another account is
// refused, naming both accounts, before any resource exists.
func TestOwnProviderWithWebIdentity(t *testing.T) {
	t.Parallel()
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(fakeaws.Token("https://token.actions.githubusercontent.com", "repo:acme/team:environment:dev", "sts.amazonaws.com")), 0o600))
	trust := `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::%s:oidc-provider/token.actions.githubusercontent.com"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:acme/team:environment:dev","token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}]}`
	allowAll := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	const elsewhere = "arn:aws:iam::999999999999:role/platform-web"
	seed := withSeed(func(store *fakeaws.Store) error {
		return store.PutRoles(map[string]fakeaws.IamRole{
			webRole:   {Account: "111111111111", Policy: allowAll, Trust: fmtTrust(trust, "111111111111")},
			elsewhere: {Account: "999999999999", Policy: allowAll, Trust: fmtTrust(trust, "999999999999")},
		})
	})

	s := newEngineStack(t, "dev", withProgram(ownProviderProgram(tokenFile, webRole)), seed)
	s.mustUp()
	s.cloudView(func(c *fakeaws.Cloud) {
		require.Len(t, c.RestApis, 1)
		for _, api := range c.RestApis {
			assert.Equal(t, "111111111111", api.Account, "the API is where the team's provider acts")
		}
	})

	wrong := newEngineStack(t, "dev", withProgram(ownProviderProgram(tokenFile, elsewhere)), seed)
	r := wrong.up()
	require.Error(t, r.err)
	assert.Contains(t, r.out+r.errOut, "producerProvider: its credentials reach account 999999999999; expected a provider for account 111111111111")
	wrong.cloudView(func(c *fakeaws.Cloud) {
		assert.Empty(t, c.RestApis, "refused before any resource")
		assert.Empty(t, c.Vpcs, "in any account")
	})
}

// fmtTrust puts the role's account into its OIDC trust.
func fmtTrust(format, account string) string {
	return fmt.Sprintf(format, account)
}
