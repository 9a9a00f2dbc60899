package components

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Length limits of names AWS checks (Lambda quotas: function name 64; IAM
// quotas: role name 64).
const (
	maxLambdaFunctionName = 64
	maxIamRoleName        = 64
)

// autoNameSuffix is what pulumi-aws appends to a logical name when it names
// a resource: "-" and 7 random hex digits.
const autoNameSuffix = 8

// fittedName is the physical name of a child whose generated name
// ("<logical>-<7 hex>") would be longer than max, which pulumi-aws refuses
// ("plus 7 random chars is longer than maximum length"): the logical name
// cut to fit, "-" and 8 hex digits of a hash of the project, stack and
// logical name, so the name is stable and differs between stacks of one
// account. When the generated name fits it returns nil and the provider
// names the resource as before. A fixed name cannot be created beside its
// predecessor: use the returned option, which deletes before a replacement.
func fittedName(ctx *pulumi.Context, logical string, max int) (pulumi.StringInput, pulumi.ResourceOption) {
	if len(logical)+autoNameSuffix <= max {
		return nil, pulumi.DeleteBeforeReplace(false)
	}
	return pulumi.String(fittedNameFor(ctx.Project(), ctx.Stack(), logical, max)), pulumi.DeleteBeforeReplace(true)
}

// fittedNameFor is the name fittedName gives logical in project and stack.
func fittedNameFor(project, stack, logical string, max int) string {
	sum := sha256.Sum256([]byte(project + "/" + stack + "/" + logical))
	suffix := "-" + hex.EncodeToString(sum[:])[:8]
	if keep := max - len(suffix); len(logical) > keep {
		logical = logical[:keep]
	}
	return logical + suffix
}
