package components

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Renamed fields keep their former name for one minor version (CHANGELOG,
// "Renamed, old names deprecated"). A field of the former name behaves as
// the one that replaces it: Validate and the constructors work on a copy of
// the args with each former field's value moved into its replacement
// (resolved), and setting both is a FieldError under the former name.

// alias moves a former field's value (old, named oldName) into its
// replacement (new, newName) and clears it, or reports under prefix+oldName
// that both are set; set says whether a value is given.
func alias[T any](f *fieldErrs, prefix, oldName, newName string, old, new *T, set func(T) bool) {
	if !set(*old) {
		return
	}
	if set(*new) {
		f.add(prefix+oldName, "set with %s, its new name; set only %s (%s is deprecated)", newName, newName, oldName)
		return
	}
	*new = *old
	var zero T
	*old = zero
}

// given is set for pointers, interfaces, slices and maps: not nil.
func given[T comparable](v T) bool {
	var zero T
	return v != zero
}

// resolved is the consumer with its former fields moved into their
// replacements; problems under prefix ("consumers[1].").
func (c ConsumerArgs) resolved(f *fieldErrs, prefix string) ConsumerArgs {
	alias(f, prefix, "existingEndpointId", "endpointId", &c.ExistingEndpointId, &c.EndpointId, given)
	alias(f, prefix, "existingEndpointDnsName", "endpointDnsName", &c.ExistingEndpointDnsName, &c.EndpointDnsName, given)
	return c
}

// resolved is a copy of the args with every former field moved into its
// replacement, the consumers' too.
func (a *CrossAccountPrivateApiArgs) resolved(f *fieldErrs) *CrossAccountPrivateApiArgs {
	r := *a
	alias(f, "", "adoptApi", "adopt", &r.AdoptApi, &r.Adopt, given)
	if a.AccessLogs != nil {
		logs := *a.AccessLogs
		disabled(f, "accessLogs.", &logs.Enabled, &logs.Disabled)
		r.AccessLogs = &logs
	}
	if a.Monitoring != nil {
		m := a.Monitoring.resolved(f, "monitoring.")
		r.Monitoring = &m
	}
	r.Consumers = make([]ConsumerArgs, len(a.Consumers))
	for i, c := range a.Consumers {
		r.Consumers[i] = c.resolved(f, fmt.Sprintf("consumers[%d].", i))
	}
	return &r
}

// resolved is a copy of the args with the consumer's former fields moved
// into their replacements.
func (a *ConsumerApiAccessArgs) resolved(f *fieldErrs) *ConsumerApiAccessArgs {
	r := *a
	r.Consumer = a.Consumer.resolved(f, "consumer.")
	return &r
}

// resolved is a copy of the args with FullAccessPolicy and SkipPolicy moved
// into EndpointPolicy.
func (a *ExecuteApiEndpointArgs) resolved(f *fieldErrs) *ExecuteApiEndpointArgs {
	r := *a
	for _, former := range []struct {
		name, mode string
		set        *bool
	}{{"fullAccessPolicy", EndpointPolicyFull, &r.FullAccessPolicy}, {"skipPolicy", EndpointPolicySeparate, &r.SkipPolicy}} {
		if !*former.set {
			continue
		}
		switch {
		case a.EndpointPolicy != "":
			f.add(former.name, "set with endpointPolicy %q; set only endpointPolicy (%s is deprecated: endpointPolicy %s)", a.EndpointPolicy, former.name, former.mode)
		case r.EndpointPolicy != "":
			f.add(former.name, "set with fullAccessPolicy; set only endpointPolicy, to one mode (both are deprecated)")
		default:
			r.EndpointPolicy, *former.set = former.mode, false
		}
	}
	return &r
}

// resolved is a copy of the args with Revision and ExtraStatements moved
// into BodyHash and ExtraPolicyStatements.
func (a *ResourcePolicyArgs) resolved(f *fieldErrs) *ResourcePolicyArgs {
	r := *a
	alias(f, "", "revision", "bodyHash", &r.Revision, &r.BodyHash, given)
	alias(f, "", "extraStatements", "extraPolicyStatements", &r.ExtraStatements, &r.ExtraPolicyStatements,
		func(s []map[string]any) bool { return s != nil })
	return &r
}

// resolved is a copy of the args with DefinitionHash moved into BodyHash.
func (a *StageDeploymentArgs) resolved(f *fieldErrs) *StageDeploymentArgs {
	r := *a
	alias(f, "", "definitionHash", "bodyHash", &r.DefinitionHash, &r.BodyHash, given)
	return &r
}

// disabled moves a former Disabled into Enabled (false), or reports under
// field that both are set.
func disabled(f *fieldErrs, field string, enabled **bool, disabled *bool) {
	switch {
	case !*disabled:
	case *enabled != nil:
		f.add(field+"disabled", "set with enabled, which replaces it; set only enabled (false turns it off; disabled is deprecated)")
	default:
		*enabled, *disabled = pulumi.BoolRef(false), false
	}
}

// resolved is the monitoring with Disabled moved into Enabled; problems
// under prefix ("monitoring.").
func (m MonitoringArgs) resolved(f *fieldErrs, prefix string) MonitoringArgs {
	disabled(f, prefix, &m.Enabled, &m.Disabled)
	return m
}
