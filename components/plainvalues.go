package components

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// plainString returns the value of an input given as a plain pulumi.String,
// so the args can be checked before anything is registered; an output is
// only known later, and is checked by AWS then.
func plainString(in pulumi.StringInput) (string, bool) {
	if s, ok := in.(pulumi.String); ok {
		return string(s), true
	}
	return "", false
}

// plainStrings returns the values of a pulumi.StringArray whose items are
// all plain pulumi.String values.
func plainStrings(in pulumi.StringArrayInput) ([]string, bool) {
	arr, ok := in.(pulumi.StringArray)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(arr))
	for _, item := range arr {
		s, ok := plainString(item)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}
