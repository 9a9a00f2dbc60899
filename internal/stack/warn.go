package stack

import (
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// warningObservers holds, per running program (its context), the function
// ObserveWarnings was given.
var warningObservers sync.Map

// ObserveWarnings hands fn each warning the program running in ctx logs
// about the stacks it references (what to run next, a producer that lists
// an old hub endpoint), besides logging it: a mock engine drops logs, so
// this is how a caller running the program under mocks sees them. The
// returned function stops the observation.
func ObserveWarnings(ctx *pulumi.Context, fn func(warning string)) (stop func()) {
	warningObservers.Store(ctx, fn)
	return func() { warningObservers.Delete(ctx) }
}

// warn logs a warning of the program and hands it to the observer of ctx.
func warn(ctx *pulumi.Context, message string) error {
	if fn, ok := warningObservers.Load(ctx); ok {
		fn.(func(string))(message)
	}
	return ctx.Log.Warn(message, nil)
}
