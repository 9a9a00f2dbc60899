package awsmock

import (
	"context"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// Await returns the value of an output inside a mocked program and whether it
// is secret. It blocks until the output settles, so the value is there before
// the program returns; outputs made from plain values are not tracked by the
// engine, and applying on them alone could finish after the run. A rejected
// output returns its error at once: nothing waits on a timer.
func Await(o pulumi.Output) (value any, secret bool, err error) {
	res, err := internals.UnsafeAwaitOutput(context.Background(), o)
	if err != nil {
		return nil, res.Secret, err
	}
	return res.Value, res.Secret, nil
}
