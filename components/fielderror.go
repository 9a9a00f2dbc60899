package components

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/go-multierror"
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

// Error renders one problem as "field: message", and several as their
// count followed by one bullet line per problem, each naming its field:
//
//	2 problems:
//	  * region: got "mars-1"; expected ...
//	  * stageName: got "a b"; expected ...
func (es FieldErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return bulletList(lines)
}

// bulletList renders problems as FieldErrors.Error does: a single one
// alone, several as "<n> problems:" and a "  * " line for each.
func bulletList(problems []string) string {
	switch len(problems) {
	case 0:
		return ""
	case 1:
		return problems[0]
	}
	return fmt.Sprintf("%d problems:\n  * %s", len(problems), strings.Join(problems, "\n  * "))
}

// Unwrap lets errors.As find each FieldError.
func (es FieldErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// AsFieldErrors returns every FieldError in err, in order, however it was
// wrapped (fmt.Errorf, errors.Join, a constructor's error, the list
// pulumi.Run makes of a program's error); nil when there are none.
func AsFieldErrors(err error) FieldErrors {
	var out FieldErrors
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) { //nolint:errorlint // it walks every level of the wrapping itself
		case nil:
		case FieldErrors:
			out = append(out, e...)
		case *FieldError:
			out = append(out, e)
		case *multierror.Error:
			// Its Unwrap walks a chain of its errors; each is walked here instead.
			for _, inner := range e.Errors {
				walk(inner)
			}
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}

// componentProblem is one problem of a constructor's args, named with the
// component ("cross-account private api orders: region: got ...").
type componentProblem struct {
	component string
	problem   *FieldError
}

func (p *componentProblem) Error() string { return p.component + ": " + p.problem.Error() }

// Unwrap gives the FieldError.
func (p *componentProblem) Unwrap() error { return p.problem }

// invalidArgs is the error a constructor returns for the problems of its
// args, err's FieldErrors (component is e.g. "cross-account private api",
// name the resource's name). It reads "<component> <name>: " and
// FieldErrors.Error.
//
// It is a *multierror.Error of one error per problem, because that is what
// pulumi.Run and pulumi.RunErr list: they collect a program's error with
// multierror.Append, which flattens a *multierror.Error returned as it is
// into its errors (sdk/go/pulumi/run.go, RunWithContext). A program that
// returns a constructor's error therefore fails with "3 errors occurred:"
// and one bullet per problem, each naming its component and field, instead
// of "1 error occurred:" with only the first line bulleted. AsFieldErrors
// finds every problem in it.
func invalidArgs(component, name string, err error) error {
	prefix := component + " " + name
	errs := AsFieldErrors(err)
	if len(errs) == 0 {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	list := make([]error, len(errs))
	for i, e := range errs {
		list[i] = &componentProblem{component: prefix, problem: e}
	}
	return &multierror.Error{
		Errors:      list,
		ErrorFormat: func([]error) string { return prefix + ": " + errs.Error() },
	}
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
