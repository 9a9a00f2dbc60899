package components

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// badArgs are valid CrossAccountPrivateApiArgs with the first n of three
// problems: a region, a stage name and a consumer's account ID.
func badArgs(n int) *CrossAccountPrivateApiArgs {
	a := &CrossAccountPrivateApiArgs{
		Region: "mars-1", ProducerAccountId: testProducerAccount, StageName: "dev",
		ProducerCredentials: &AccountCredentials{Profile: pulumi.String("producer")},
		Consumers:           []ConsumerArgs{{Name: "app", AccountId: testConsumerAccount, EndpointId: pulumi.String("vpce-0123456789abcdef0")}},
	}
	if n >= 2 {
		a.StageName = "no spaces"
	}
	if n >= 3 {
		a.Consumers[0].AccountId = "2222"
	}
	return a
}

// TestConstructorErrorListsEveryProblem: a program that returns a
// constructor's error fails (under pulumi.Run, as pulumi.RunErr here) with
// the number of problems and one bullet per problem, each naming the
// component and the field; wrapped, the error still counts them and bullets
// each, and AsFieldErrors finds them all.
func TestConstructorErrorListsEveryProblem(t *testing.T) {
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var returned error
			err := runMockedErr(func(ctx *pulumi.Context) error {
				_, returned = NewCrossAccountPrivateApi(ctx, "orders", badArgs(n))
				return returned
			})
			require.Error(t, err)
			fields := []string{"region", "stageName", "consumers[0].accountId"}[:n]
			lines := strings.Split(strings.TrimRight(err.Error(), "\n"), "\n")
			assert.Equal(t, fmt.Sprintf("%d errors occurred:", n), lines[0], "pulumi.Run counts every problem:\n%v", err)
			require.Len(t, lines, n+1, "one line per problem:\n%v", err)
			for i, field := range fields {
				assert.Truef(t, strings.HasPrefix(lines[i+1], "\t* cross-account private api orders: "+field+": got "),
					"problem %d is a bullet naming %s: %q", i, field, lines[i+1])
			}
			assert.Equal(t, fields, fieldsOf(err), "AsFieldErrors finds each through the SDK's list")

			wrapped := fmt.Errorf("deploying: %w", returned)
			lines = strings.Split(wrapped.Error(), "\n")
			assert.Equal(t, fmt.Sprintf("deploying: cross-account private api orders: %d problems:", n), lines[0])
			require.Len(t, lines, n+1, "%v", wrapped)
			for i, field := range fields {
				assert.Truef(t, strings.HasPrefix(lines[i+1], "  * "+field+": got "), "%q", lines[i+1])
			}
			assert.Equal(t, fields, fieldsOf(wrapped))
		})
	}
}

func TestFieldErrorsRendering(t *testing.T) {
	one := FieldErrors{{Field: "region", Message: "got x"}}
	assert.Equal(t, "region: got x", one.Error(), "one problem on its line")
	two := append(one, &FieldError{Field: "stageName", Message: "got y"})
	assert.Equal(t, "2 problems:\n  * region: got x\n  * stageName: got y", two.Error())
	assert.Equal(t, "private rest api shop: region: got x", invalidArgs("private rest api", "shop", one).Error())
	assert.Len(t, AsFieldErrors(fmt.Errorf("a: %w; b: %w", one, two)), 3, "every FieldError of a multi-wrap")
}
