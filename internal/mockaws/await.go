package mockaws

import (
	"errors"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// rejectedWait is how long Await waits for the value of an output that has
// already settled; only a rejected output (its error is the run's error) takes it.
const rejectedWait = time.Second

// ErrRejected is returned by Await for an output that failed; the program's run
// returns the cause.
var ErrRejected = errors.New("output was rejected")

// Await returns the value of an output inside a mocked program and whether it
// is secret. It blocks until the output settles, so the value is there before
// the program returns; outputs made from plain values are not tracked by the
// engine, and applying on them alone could finish after the run.
func Await(o pulumi.Output) (value any, secret bool, err error) {
	secret = pulumi.IsSecret(o) // waits until the output settles
	ch := make(chan any, 1)
	o.ApplyT(func(v any) any {
		ch <- v
		return v
	})
	select {
	case v := <-ch:
		return v, secret, nil
	case <-time.After(rejectedWait):
		return nil, secret, ErrRejected
	}
}
