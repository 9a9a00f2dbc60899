package awsmock

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Run runs a program under these mocks.
func (m *Mocks) Run(program pulumi.RunFunc, opts ...pulumi.RunOption) error {
	return pulumi.RunErr(program, append([]pulumi.RunOption{m.RunOption()}, opts...)...)
}

// OfType returns the registered resources of one type token, sorted by URN.
func (m *Mocks) OfType(typ string) []Resource {
	var out []Resource
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Named returns the resource of type typ and name, if registered.
func (m *Mocks) Named(typ, name string) (Resource, bool) {
	for _, r := range m.OfType(typ) {
		if r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

// ProviderName is the name of the resource's explicit provider, "" for none.
func (m *Mocks) ProviderName(r Resource) string {
	if r.Provider == "" {
		return ""
	}
	return resource.URN(r.Provider).Name()
}

// Input reads a top-level input as a plain Go value (secrets unwrapped).
func (r Resource) Input(key string) any {
	v := plain(r.Inputs[resource.PropertyKey(key)])
	if v.IsNull() {
		return nil
	}
	return v.Mappable()
}

// Output reads a state property as a plain Go value.
func (r Resource) Output(key string) any {
	v := plain(r.State[resource.PropertyKey(key)])
	if v.IsNull() {
		return nil
	}
	return v.Mappable()
}

// InputIsSecret says whether a nested input (path of object keys) is secret.
func (r Resource) InputIsSecret(path ...string) bool {
	v := resource.NewObjectProperty(r.Inputs)
	for _, k := range path {
		v = plain(v)
		if !v.IsObject() {
			return false
		}
		v = v.ObjectValue()[resource.PropertyKey(k)]
	}
	return v.IsSecret()
}
