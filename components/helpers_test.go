package components

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

const (
	testRegion          = "eu-west-1"
	testProducerAccount = "111111111111"
	testConsumerAccount = "222222222222"
	testExecutionArn    = "arn:aws:execute-api:eu-west-1:111111111111:abcde12345"
)

// newTestProvider registers an AWS provider pinned to account and region.
func newTestProvider(ctx *pulumi.Context, name, account, region string) (*aws.Provider, error) {
	return NewAccountProvider(ctx, name, &AccountProviderArgs{
		AccountId: account, Region: region, RoleArn: pulumi.String("arn:aws:iam::" + account + ":role/deployer"),
	})
}

// runMocked runs program under fresh mocks and fails the test on error.
func runMocked(t *testing.T, program pulumi.RunFunc) *awsmock.Mocks {
	t.Helper()
	mocks := awsmock.New("components-test", "test")
	require.NoError(t, mocks.Run(program))
	return mocks
}

// mustNamed returns the resource of type and name or fails the test.
func mustNamed(t *testing.T, mocks *awsmock.Mocks, typ, name string) awsmock.Resource {
	t.Helper()
	r, ok := mocks.Named(typ, name)
	require.Truef(t, ok, "no %s named %s was registered", typ, name)
	return r
}

// runMockedErr runs program under fresh mocks and returns its error.
func runMockedErr(program pulumi.RunFunc) error {
	return awsmock.New("components-test", "test").Run(program)
}

// fieldsOf lists the field paths of the FieldErrors in err, in order.
func fieldsOf(err error) []string {
	var out []string
	for _, fe := range AsFieldErrors(err) {
		out = append(out, fe.Field)
	}
	return out
}
