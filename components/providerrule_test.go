package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/awsmock"
)

// singleAccountConstructors call each single-account component's
// constructor with valid args and the options given.
var singleAccountConstructors = map[string]func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error{
	"PrivateRestApi": func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
		_, err := NewPrivateRestApi(ctx, "shop", &PrivateRestApiArgs{VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"})}, opts...)
		return err
	},
	"ResourcePolicy": func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
		_, err := NewResourcePolicy(ctx, "shop-policy", &ResourcePolicyArgs{
			RestApiId: pulumi.String("abcde12345"), ExecutionArn: pulumi.String(testExecutionArn),
			VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"}), BodyHash: pulumi.String("body-hash-1"),
		}, opts...)
		return err
	},
	"StageDeployment": func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
		var policy pulumi.ResourceState
		_, err := NewStageDeployment(ctx, "shop-stage", &StageDeploymentArgs{
			RestApiId: pulumi.String("abcde12345"), StageName: pulumi.String("dev"), BodyHash: pulumi.String("f"),
			PolicyJson: pulumi.String("{}"), VpcEndpointIds: pulumi.ToStringArray([]string{"vpce-0aaaaaaaaaaaaaaaa"}),
			DependsOn: []pulumi.Resource{&policy},
		}, opts...)
		return err
	},
	"ExecuteApiEndpoint": func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
		_, err := NewExecuteApiEndpoint(ctx, "app", &ExecuteApiEndpointArgs{
			Region: pulumi.String(testRegion), VpcId: pulumi.String("vpc-0123456789abcdef0"),
			SubnetIds:    pulumi.ToStringArray([]string{"subnet-0123456789abcdef1"}),
			AllowedCidrs: pulumi.ToStringArray([]string{"10.20.0.0/24"}),
			InvokeArns:   pulumi.ToStringArray([]string{testExecutionArn + "/*"}),
		}, opts...)
		return err
	},
	"ConsumerVpc": func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
		_, err := NewConsumerVpc(ctx, "app-network", &ConsumerVpcArgs{Cidr: "10.20.0.0/24"}, opts...)
		return err
	},
	"ConnectivityProbe": func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
		_, err := NewConnectivityProbe(ctx, "app-probe", &ConnectivityProbeArgs{
			Region: testRegion, VpcId: pulumi.String("vpc-0123456789abcdef0"),
			SubnetIds:               pulumi.ToStringArray([]string{"subnet-0123456789abcdef1"}),
			EndpointSecurityGroupId: pulumi.String("sg-0123456789abcdef0"),
			InvokeUrls:              pulumi.StringMap{InvokeRoute53Alias: pulumi.String("https://abcde12345-vpce-0123456789abcdef0.execute-api.eu-west-1.amazonaws.com/dev")},
			Triggers:                pulumi.StringMap{"deployment": pulumi.String("d1")},
		}, opts...)
		return err
	},
}

// TestSingleAccountComponentsRefuseNoProvider: each single-account
// component given no AWS provider (none at all, or only another package's)
// registers nothing and fails naming the option, as CrossAccountPrivateApi
// refuses a missing provider: its resources would otherwise go to the
// default provider, in whatever account the ambient credentials reach.
func TestSingleAccountComponentsRefuseNoProvider(t *testing.T) {
	for name, construct := range singleAccountConstructors {
		t.Run(name, func(t *testing.T) {
			mocks := awsmock.New("components-test", "test")
			err := mocks.Run(func(ctx *pulumi.Context) error { return construct(ctx) })
			require.Error(t, err)
			assert.Equal(t, []string{"provider"}, fieldsOf(err))
			assert.Contains(t, err.Error(), "provider: missing; expected the ")
			assert.Contains(t, err.Error(), "pulumi.Provider(p) in Go, or a parent component that has one; the provider or providers option in other languages")
			assert.Empty(t, mocks.Resources(), "nothing is registered")

			mocks = awsmock.New("components-test", "test")
			err = mocks.Run(func(ctx *pulumi.Context) error {
				var other pulumi.ProviderResourceState
				if err := ctx.RegisterResource("pulumi:providers:random", "random", nil, &other); err != nil {
					return err
				}
				return construct(ctx, pulumi.Provider(&other), pulumi.Providers(&other))
			})
			assert.Equal(t, []string{"provider"}, fieldsOf(err), "another package's provider is no AWS provider")
			for _, r := range mocks.Resources() {
				assert.Equal(t, "pulumi:providers:random", r.Type, "nothing but the other provider is registered")
			}
		})
	}
}

// team is a component of a stack's own that parents single-account components.
type team struct{ pulumi.ResourceState }

// TestSingleAccountComponentsTakeInheritedProviders: an AWS provider in the
// providers option, or on a parent or grandparent component, is the
// component's provider as the SDK hands it to children; the resources land
// on it. ConsumerApiAccess takes its provider the same way.
func TestSingleAccountComponentsTakeInheritedProviders(t *testing.T) {
	cases := map[string]func(ctx *pulumi.Context, p pulumi.ProviderResource) ([]pulumi.ResourceOption, error){
		"providers option": func(_ *pulumi.Context, p pulumi.ProviderResource) ([]pulumi.ResourceOption, error) {
			return []pulumi.ResourceOption{pulumi.Providers(p)}, nil
		},
		"provider map": func(_ *pulumi.Context, p pulumi.ProviderResource) ([]pulumi.ResourceOption, error) {
			return []pulumi.ResourceOption{pulumi.ProviderMap(map[string]pulumi.ProviderResource{"aws": p})}, nil
		},
		"parent component with the provider": func(ctx *pulumi.Context, p pulumi.ProviderResource) ([]pulumi.ResourceOption, error) {
			var parent team
			err := ctx.RegisterComponentResource("test:index:Team", "team", &parent, pulumi.Provider(p))
			return []pulumi.ResourceOption{pulumi.Parent(&parent)}, err
		},
		"grandparent component with the provider": func(ctx *pulumi.Context, p pulumi.ProviderResource) ([]pulumi.ResourceOption, error) {
			var grandparent, parent team
			if err := ctx.RegisterComponentResource("test:index:Team", "org", &grandparent, pulumi.Providers(p)); err != nil {
				return nil, err
			}
			err := ctx.RegisterComponentResource("test:index:Team", "team", &parent, pulumi.Parent(&grandparent))
			return []pulumi.ResourceOption{pulumi.Parent(&parent)}, err
		},
	}
	for name, opts := range cases {
		t.Run(name, func(t *testing.T) {
			mocks := runMocked(t, func(ctx *pulumi.Context) error {
				p, err := newTestProvider(ctx, "consumer-app", testConsumerAccount, testRegion)
				if err != nil {
					return err
				}
				o, err := opts(ctx, p)
				if err != nil {
					return err
				}
				if err := singleAccountConstructors["ConsumerVpc"](ctx, o...); err != nil {
					return err
				}
				if err := singleAccountConstructors["ExecuteApiEndpoint"](ctx, o...); err != nil {
					return err
				}
				_, err = NewConsumerApiAccess(ctx, "xa", &ConsumerApiAccessArgs{Region: testRegion, ProducerAccountId: testProducerAccount,
					Consumer: ConsumerArgs{Name: "app", AccountId: testConsumerAccount, Vpc: &ConsumerVpcArgs{Cidr: "10.30.0.0/24"}}}, o...)
				return err
			})
			assert.Len(t, mocks.OfType("aws:ec2/vpc:Vpc"), 2, "ConsumerVpc's and ConsumerApiAccess's")
			assert.Len(t, mocks.OfType("aws:ec2/vpcEndpoint:VpcEndpoint"), 2, "ExecuteApiEndpoint's and ConsumerApiAccess's")
			for _, r := range mocks.Resources() {
				if r.Custom && r.Type != awsmock.ProviderType {
					assert.Equalf(t, "consumer-app", mocks.ProviderName(r), "%s %s is on the inherited provider", r.Type, r.Name)
				}
			}
		})
	}
}
