// Package secrettest holds what the secrecy tests of several packages share.
package secrettest

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// InClear lists where a value outside any secret contains one of needles:
// where names the value, and each hit is "<where>.<key>[i] holds "<needle>"
// in clear". A secret, or an output marked secret, hides what it holds.
func InClear(where string, v resource.PropertyValue, needles []string) []string {
	switch {
	case v.IsSecret():
		return nil
	case v.IsOutput():
		if v.OutputValue().Secret {
			return nil
		}
		return InClear(where, v.OutputValue().Element, needles)
	case v.IsObject():
		var out []string
		for k, e := range v.ObjectValue() {
			out = append(out, InClear(where+"."+string(k), e, needles)...)
		}
		return out
	case v.IsArray():
		var out []string
		for i, e := range v.ArrayValue() {
			out = append(out, InClear(fmt.Sprintf("%s[%d]", where, i), e, needles)...)
		}
		return out
	case v.IsString():
		var out []string
		for _, n := range needles {
			if strings.Contains(v.StringValue(), n) {
				out = append(out, fmt.Sprintf("%s holds %q in clear", where, n))
			}
		}
		return out
	}
	return nil
}
