package provider

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/components"
)

// component serves one of the components' NewX functions under the type
// token X registers, so a stack in another language and a Go stack create
// resources of the same type (and state of the same shape).
type component[A any, R pulumi.ComponentResource] struct {
	token     string
	construct func(*pulumi.Context, string, *A, ...pulumi.ResourceOption) (R, error)
}

// Construct runs the component's NewX with the inputs the engine sent.
func (c component[A, R]) Construct(ctx *pulumi.Context, name, _ string, args A, opts pulumi.ResourceOption) (R, error) {
	return c.construct(ctx, name, &args, opts)
}

// Annotate gives the component the type token its NewX registers (infer
// also annotates a zero component, for descriptions, which finishSchema
// sets instead).
func (c component[A, R]) Annotate(a infer.Annotator) {
	parts := strings.Split(c.token, ":")
	if len(parts) != 3 {
		return
	}
	a.SetToken(tokens.ModuleName(parts[1]), tokens.TypeName(parts[2]))
}

// servedComponent is one component of the package, with the names of the
// Go structs of its inputs and of its outputs (their doc comments become
// the schema's descriptions).
type servedComponent struct {
	component      infer.InferredComponent
	token          string
	inputs, output string
}

// serve is the component NewX registers under token, its struct names
// read from its types.
func serve[A any, R pulumi.ComponentResource](token string, construct func(*pulumi.Context, string, *A, ...pulumi.ResourceOption) (R, error)) servedComponent {
	out := reflect.TypeFor[R]()
	for out.Kind() == reflect.Pointer {
		out = out.Elem()
	}
	return servedComponent{
		component: infer.Component(component[A, R]{token, construct}),
		token:     token, inputs: reflect.TypeFor[A]().Name(), output: out.Name(),
	}
}

// served lists every component of the package.
var served = []servedComponent{
	serve(components.ConsumerVpcType, components.NewConsumerVpc),
	serve(components.ExecuteApiEndpointType, components.NewExecuteApiEndpoint),
	serve(components.PrivateRestApiType, components.NewPrivateRestApi),
	serve(components.ResourcePolicyType, components.NewResourcePolicy),
	serve(components.StageDeploymentType, components.NewStageDeployment),
	serve(components.ConnectivityProbeType, components.NewConnectivityProbe),
	serve(components.CrossAccountPrivateApiType, components.NewCrossAccountPrivateApi),
	serve(components.ConsumerApiAccessType, newConsumerApiAccess),
}

// newConsumerApiAccess is NewConsumerApiAccess with the stack's aws provider,
// which the engine hands over in the providers option, passed as its
// provider option (the account gate checks it there).
func newConsumerApiAccess(ctx *pulumi.Context, name string, args *components.ConsumerApiAccessArgs, opts ...pulumi.ResourceOption) (*components.ConsumerApiAccess, error) {
	o, err := pulumi.NewResourceOptions(opts...)
	if err != nil {
		return nil, err
	}
	for _, p := range o.Providers {
		urn, err := resolvedURN(p)
		if err != nil {
			return nil, fmt.Errorf("consumer api access %s: %w", name, err)
		}
		if strings.Contains(urn, "::pulumi:providers:aws::") {
			opts = append(opts, pulumi.Provider(p))
		}
	}
	return components.NewConsumerApiAccess(ctx, name, args, opts...)
}

// resolvedURN waits for the URN of a provider reference the engine sent
// (known from the start: it names a registered provider).
func resolvedURN(p pulumi.ProviderResource) (string, error) {
	got := make(chan string, 1)
	p.URN().ApplyT(func(u pulumi.URN) int {
		got <- string(u)
		return 0
	})
	select {
	case u := <-got:
		return u, nil
	case <-time.After(30 * time.Second):
		return "", fmt.Errorf("the URN of a provider passed in the providers option did not resolve")
	}
}
