package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ResourcePolicyArgs are the inputs of ResourcePolicy.
type ResourcePolicyArgs struct {
	// RestApiId is the API the policy is attached to. Required.
	RestApiId pulumi.StringInput `pulumi:"restApiId"`
	// ExecutionArn is the API's execution ARN (arn:aws:execute-api:<region>:<account>:<id>). Required.
	ExecutionArn pulumi.StringInput `pulumi:"executionArn"`
	// VpcEndpointIds are the only interface endpoints that may invoke the API. Required, at least one.
	VpcEndpointIds pulumi.StringArrayInput `pulumi:"vpcEndpointIds"`
	// BodyHash is the API's PrivateRestApi.BodyHash, which changes whenever
	// the API's definition is imported again. API Gateway clears the
	// resource policy on every PutRestApi in overwrite mode, so a new
	// BodyHash attaches the policy again; without it the first route change
	// would leave the API without its policy. Required (optional in the
	// schema only while Revision, its former name, is accepted).
	BodyHash pulumi.StringInput `pulumi:"bodyHash,optional"`
	// Revision is the former name of BodyHash; it behaves as BodyHash.
	// Setting both is refused.
	//
	// Deprecated: use BodyHash. Kept for one minor version.
	Revision pulumi.StringInput `pulumi:"revision,optional"`
	// Principals, when set, replace "*" in the Allow statement: only these
	// IAM roles, users or account roots (arn:<partition>:iam::<account>:root)
	// may invoke; use them with AWS_IAM methods. Optional.
	Principals pulumi.StringArrayInput `pulumi:"principals,optional"`
	// PrincipalOrgId adds an aws:PrincipalOrgId condition to the Allow. Optional.
	PrincipalOrgId pulumi.StringInput `pulumi:"principalOrgId,optional"`
	// ExtraPolicyStatements are appended after the Deny and the Allow; an
	// Allow may grant only execute-api:Invoke on this API, without
	// NotPrincipal, NotAction or NotResource. Optional.
	ExtraPolicyStatements []map[string]any `pulumi:"extraPolicyStatements,optional"`
	// ExtraStatements is the former name of ExtraPolicyStatements, which the
	// stack file's key (api.extraPolicyStatements) and
	// CrossAccountPrivateApiArgs have; it behaves as ExtraPolicyStatements.
	// Setting both is refused.
	//
	// Deprecated: use ExtraPolicyStatements. Kept for one minor version.
	ExtraStatements []map[string]any `pulumi:"extraStatements,optional"`
	// Quotas are the account's API Gateway quotas where AWS has raised them:
	// a document longer than ResourcePolicyLength fails the preview or update
	// once its inputs are known, before it is sent. Optional, nil is AWS's
	// default (8,192 characters).
	Quotas *ApiQuotas `pulumi:"quotas,optional"`
	// HubEndpointId is the hub endpoint among VpcEndpointIds that Spokes
	// call through (see CrossAccountPrivateApiArgs.Hub): the Allow of
	// Principals is then limited to the other endpoints, and each spoke
	// gets an Allow through the hub from its SourceCidrs. Optional; with
	// Spokes only.
	HubEndpointId pulumi.StringInput `pulumi:"hubEndpointId,optional"`
	// Spokes are the consumers that call through the hub endpoint. Required
	// with HubEndpointId.
	Spokes []PolicySpoke `pulumi:"spokes,optional"`
}

// PolicySpoke is one consumer that calls an API through the hub endpoint,
// as its resource policy admits it.
type PolicySpoke struct {
	// Name names the spoke's statement (AllowThroughHubFrom<Name>). Required.
	Name string `pulumi:"name"`
	// SourceCidrs are the spoke's source ranges as the hub endpoint sees
	// them (aws:VpcSourceIp). Required.
	SourceCidrs pulumi.StringArrayInput `pulumi:"sourceCidrs"`
	// Principals may call with AWS_IAM; anyone from SourceCidrs without
	// them. Optional.
	Principals pulumi.StringArrayInput `pulumi:"principals,optional"`
}

// ResourcePolicy attaches the resource policy of ResourcePolicyJson to a
// private REST API (an apigateway.RestApiPolicy in the producer account).
//
// The RestApiPolicy is replaced whenever Revision changes: PutRestApi in
// overwrite mode drops a policy that is not in the body (pulumi/pulumi-aws
// #4296, hashicorp/terraform-provider-aws#49672), and the replacement puts it
// back in the same update, before the deployment that depends on it. Its
// deletion is retained: deleting a RestApiPolicy detaches the policy, which
// would undo the new one attached just before (create-before-delete) and,
// for an API that outlives this component, leave it without the Deny.
// The policy goes when the API goes.
type ResourcePolicy struct {
	pulumi.ResourceState

	// PolicyJson is the attached policy document.
	PolicyJson pulumi.StringOutput `pulumi:"policyJson"`

	// Policy is the RestApiPolicy child, for DependsOn in Go programs.
	Policy *apigateway.RestApiPolicy
}

// Validate checks the args and returns every problem as FieldErrors.
func (a *ResourcePolicyArgs) Validate() error {
	var f fieldErrs
	a = a.resolved(&f)
	f.require(a.RestApiId != nil, "restApiId")
	f.require(a.ExecutionArn != nil, "executionArn")
	f.require(a.VpcEndpointIds != nil, "vpcEndpointIds")
	if a.BodyHash == nil {
		f.add("bodyHash", "required: pass the API's PrivateRestApi.BodyHash, so the policy is attached again after every import of the body (which clears it)")
	}
	for i, extra := range a.ExtraPolicyStatements {
		if err := validateExtraStatement(extra); err != nil {
			f.add(fmt.Sprintf("extraPolicyStatements[%d]", i), "%v", err)
		}
	}
	f.nest("quotas", a.Quotas.Validate())
	switch {
	case a.HubEndpointId != nil && len(a.Spokes) == 0:
		f.add("spokes", "missing; with hubEndpointId name the spokes that call through it")
	case a.HubEndpointId == nil && len(a.Spokes) > 0:
		f.add("hubEndpointId", "missing; spokes call through a hub endpoint: name it")
	}
	for i, s := range a.Spokes {
		if s.Name == "" {
			f.add(fmt.Sprintf("spokes[%d].name", i), "missing; expected the spoke's name")
		}
		if s.SourceCidrs == nil {
			f.add(fmt.Sprintf("spokes[%d].sourceCidrs", i), "missing; expected the spoke's source ranges")
		} else if cidrs, ok := plainStrings(s.SourceCidrs); ok {
			if err := checkAllowedCidrs(cidrs); err != nil {
				f.add(fmt.Sprintf("spokes[%d].sourceCidrs", i), "%v", err)
			}
		}
	}
	return f.err()
}

// NewResourcePolicy registers a ResourcePolicy.
// Give it the producer account's provider with pulumi.Provider (or a parent
// that has one); without an AWS provider it registers nothing and fails,
// rather than leave its resources to the default provider.
func NewResourcePolicy(ctx *pulumi.Context, name string, args *ResourcePolicyArgs, opts ...pulumi.ResourceOption) (*ResourcePolicy, error) {
	if args == nil {
		return nil, errors.New("resource policy " + name + ": args are required")
	}
	if err := checkSingleAccount("resource policy", name, "producer", args.Validate(), opts); err != nil {
		return nil, err
	}
	args = args.resolved(&fieldErrs{}) // Validate has reported its conflicts
	comp := &ResourcePolicy{}
	if err := ctx.RegisterComponentResource(ResourcePolicyType, name, comp, opts...); err != nil {
		return nil, err
	}
	var principals pulumi.StringArrayInput = pulumi.StringArray{}
	if args.Principals != nil {
		principals = args.Principals
	}
	doc := pulumi.All(args.ExecutionArn, args.VpcEndpointIds, principals, optionalString(args.PrincipalOrgId), optionalString(args.HubEndpointId), spokeSources(args.Spokes)).ApplyT(func(v []any) (string, error) {
		arn, _ := v[0].(string)
		ids, _ := v[1].([]string)
		who, _ := v[2].([]string)
		org, _ := v[3].(string)
		hub, _ := v[4].(string)
		spokes, _ := v[5].([]SpokeSources)
		doc, err := ResourcePolicyJson(arn, ids, ResourcePolicyOptions{Principals: who, PrincipalOrgId: org, ExtraStatements: args.ExtraPolicyStatements,
			HubEndpointId: hub, Spokes: spokes})
		if err != nil {
			return "", err
		}
		if err := CheckResourcePolicyLength(doc, args.Quotas); err != nil {
			return "", fmt.Errorf("resource policy %s: %w", name, err)
		}
		return doc, nil
	}).(pulumi.StringOutput)
	policy, err := apigateway.NewRestApiPolicy(ctx, name+"-policy", &apigateway.RestApiPolicyArgs{
		RestApiId: args.RestApiId,
		Policy:    doc,
	}, pulumi.Parent(comp), pulumi.ReplacementTrigger(args.BodyHash), pulumi.RetainOnDelete(true), pulumi.Protect(false))
	if err != nil {
		return nil, fmt.Errorf("resource policy %s: %w", name, err)
	}
	comp.Policy = policy
	comp.PolicyJson = policy.Policy
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{"policyJson": comp.PolicyJson}); err != nil {
		return nil, err
	}
	return comp, nil
}

// spokeSources resolves the spokes' inputs into what the policy document
// is built from.
func spokeSources(spokes []PolicySpoke) pulumi.AnyOutput {
	values := make([]any, 0, 2*len(spokes))
	for _, s := range spokes {
		var principals pulumi.StringArrayInput = pulumi.StringArray{}
		if s.Principals != nil {
			principals = s.Principals
		}
		values = append(values, s.SourceCidrs, principals)
	}
	return pulumi.All(values...).ApplyT(func(v []any) []SpokeSources {
		out := make([]SpokeSources, len(spokes))
		for i, s := range spokes {
			cidrs, _ := v[2*i].([]string)
			who, _ := v[2*i+1].([]string)
			out[i] = SpokeSources{Name: s.Name, Cidrs: cidrs, Principals: who}
		}
		return out
	}).(pulumi.AnyOutput)
}
