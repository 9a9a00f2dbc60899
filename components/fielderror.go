package components

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// FieldError is one invalid argument of a component. Field is its path in
// the component's args, in the args' pulumi tag names ("consumers[1].accountId",
// "routes[0].integration.type"); Message says what was found and what is
// expected. The stack's config layer maps Field to a config key, so both
// report the same rule in the same words.
type FieldError struct {
	Field   string
	Message string
}

// Error renders "field: message".
func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// FieldErrors is every invalid argument found, in the order of the args.
type FieldErrors []*FieldError

// Error renders one problem per line.
func (es FieldErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each FieldError.
func (es FieldErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// AsFieldErrors returns the FieldErrors in err (nil when there are none).
func AsFieldErrors(err error) FieldErrors {
	var es FieldErrors
	if errors.As(err, &es) {
		return es
	}
	var e *FieldError
	if errors.As(err, &e) {
		return FieldErrors{e}
	}
	return nil
}

// fieldErrs collects FieldErrors while walking args.
type fieldErrs struct{ list FieldErrors }

// add records a free-form problem.
func (f *fieldErrs) add(field, format string, args ...any) {
	f.list = append(f.list, &FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// require records a required argument that was not given.
func (f *fieldErrs) require(given bool, field string) {
	if !given {
		f.add(field, "missing; it is required")
	}
}

// bad records a value that does not meet its expectation.
func (f *fieldErrs) bad(field string, got any, expected string) {
	f.add(field, "got %s; expected %s", describeValue(got), expected)
}

// nest records every problem of a part of the args under prefix.
func (f *fieldErrs) nest(prefix string, err error) {
	for _, e := range AsFieldErrors(err) {
		field := prefix
		switch {
		case prefix == "":
			field = e.Field
		case e.Field == "":
		case strings.HasPrefix(e.Field, "["):
			field += e.Field
		default:
			field += "." + e.Field
		}
		f.list = append(f.list, &FieldError{Field: field, Message: e.Message})
	}
}

// err is nil without problems, else the FieldErrors.
func (f *fieldErrs) err() error {
	if len(f.list) == 0 {
		return nil
	}
	return f.list
}

// describeValue renders a found value for a message: strings quoted (and cut
// at 80 characters), anything else as Go prints it.
func describeValue(v any) string {
	if s, ok := v.(string); ok {
		if len(s) > 80 {
			s = s[:77] + "..."
		}
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}
