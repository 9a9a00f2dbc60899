// Package e2e is the opt-in real-cloud test: it deploys a throwaway stack
// into two real accounts with the Automation API, proves the call from the
// consumer account with the connectivity probe, checks that an outsider is
// refused, changes a route, and always destroys the stack within its own
// budget. This file holds its helpers, which are tested offline.
package e2e

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/xaccount/xaccount-api/internal/probediag"
)

// ProbeResults reads the consumers.<consumer>.probe stack output (or a probe
// function's answer, {"results": [...]}) into one result per invoke form.
func ProbeResults(outputs map[string]any, consumer string) (map[string]probediag.FormResult, error) {
	consumers, _ := outputs["consumers"].(map[string]any)
	c, ok := consumers[consumer].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("no consumer %q in the stack outputs", consumer)
	}
	raw, ok := c["probe"]
	if !ok {
		return nil, fmt.Errorf("consumer %q has no probe output: is consumers[].probe on?", consumer)
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	var out map[string]probediag.FormResult
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("consumer %q probe output: %w", consumer, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("consumer %q probe output is empty", consumer)
	}
	return out, nil
}

// RequireStatus checks that every form answered with status, and says
// which did not, with what came back and the diagnosis.
func RequireStatus(results map[string]probediag.FormResult, status int) error {
	forms := make([]string, 0, len(results))
	for form := range results {
		forms = append(forms, form)
	}
	sort.Strings(forms)
	var problems []string
	for _, form := range forms {
		r := results[form]
		if r.Failure == "" && r.Status == status {
			continue
		}
		got := fmt.Sprintf("%d %s", r.Status, r.ErrorType)
		if r.Failure != "" {
			got = r.Failure + " (" + r.Detail + ")"
		}
		problems = append(problems, fmt.Sprintf("%s: got %s, want %d; %s", form, got, status, r.Diagnosis))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// Answer is what one HTTPS call from the machine that runs the test got: a status, or a
// transport failure.
type Answer struct {
	Status    int
	ErrorType string
	Body      string
	// Failure is components.ProbeFailure… when no HTTP answer came back.
	Failure string
	Detail  string
}

// Call makes a GET to url. A non-empty host is sent as the Host header:
// Go's client takes it from req.Host and ignores a "Host" entry in
// req.Header, so setting the header map alone silently sends the URL's host.
func Call(ctx context.Context, client *http.Client, url, host string, headers map[string]string) Answer {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Answer{Failure: probediag.FailureConnect, Detail: err.Error()}
	}
	if host != "" {
		req.Host = host
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return Answer{Failure: classify(err), Detail: err.Error()}
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	return Answer{Status: resp.StatusCode, ErrorType: resp.Header.Get("x-amzn-ErrorType"), Body: string(body)}
}

// classify names the transport failure of err.
func classify(err error) string {
	var dnsErr *net.DNSError
	var netErr net.Error
	var certErr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &dnsErr):
		return probediag.FailureDns
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return probediag.FailureTimeout
	case errors.As(err, &certErr):
		return probediag.FailureTls
	}
	return probediag.FailureConnect
}

// RefusedExplicitly checks that an outsider's call was answered with a
// refusal (403 Forbidden from API Gateway, or another 4xx): a timeout or a
// name that does not resolve proves nothing about the API's policy.
func RefusedExplicitly(a Answer) error {
	switch {
	case a.Failure != "":
		return fmt.Errorf("no answer (%s: %s): a %s is not proof that the API refuses outsiders", a.Failure, a.Detail, a.Failure)
	case a.Status >= 400 && a.Status < 500:
		return nil
	}
	return fmt.Errorf("an outsider got %d %s %q; want a refusal (403)", a.Status, a.ErrorType, a.Body)
}

// RouteGone checks the answer for a removed route: API Gateway answers a
// path the stage does not serve with 403 MissingAuthenticationTokenException
// ("Missing Authentication Token") or 404. Any other 403 (a policy's
// refusal, an endpoint not associated) is not proof that the route is gone.
func RouteGone(r probediag.FormResult) error {
	if r.Failure == "" && (r.Status == http.StatusNotFound || missingToken(r)) {
		return nil
	}
	return fmt.Errorf("%s: the removed route answered %s; want 403 MissingAuthenticationTokenException or 404", r.Form, describe(r))
}

// ExplicitDeny checks that a call was refused by a Deny of the API's
// resource policy: 403 AccessDeniedException "... is not authorized to
// perform: execute-api:Invoke on resource: ... with an explicit deny". A
// 403 of any other kind (no Allow, a missing route, an unsigned call) does
// not prove that the aws:SourceVpce Deny works.
func ExplicitDeny(r probediag.FormResult) error {
	if r.Failure == "" && r.Status == http.StatusForbidden && errorTypeIs(r, "AccessDeniedException") &&
		strings.Contains(r.Body, "execute-api:Invoke") && strings.Contains(r.Body, "with an explicit deny") {
		return nil
	}
	return fmt.Errorf("%s: answered %s; want 403 AccessDeniedException from the resource policy's explicit deny", r.Form, describe(r))
}

// UnsignedRefused checks the answer to an unsigned call to an AWS_IAM
// method: 403 MissingAuthenticationTokenException, or AccessDeniedException
// for the anonymous caller ("User: anonymous is not authorized"), never an
// explicit deny (that would be the endpoint check, not the signature).
func UnsignedRefused(r probediag.FormResult) error {
	anonymous := r.Status == http.StatusForbidden && errorTypeIs(r, "AccessDeniedException") &&
		strings.Contains(r.Body, "anonymous is not authorized") && !strings.Contains(r.Body, "explicit deny")
	if r.Failure == "" && (missingToken(r) || anonymous) {
		return nil
	}
	return fmt.Errorf("%s: an unsigned call answered %s; want 403 MissingAuthenticationTokenException or the anonymous caller's AccessDeniedException", r.Form, describe(r))
}

// missingToken is API Gateway's answer for a path or method it does not
// serve, or an AWS_IAM method called without a signature.
func missingToken(r probediag.FormResult) bool {
	return r.Status == http.StatusForbidden &&
		(errorTypeIs(r, "MissingAuthenticationTokenException") || strings.Contains(r.Body, "Missing Authentication Token"))
}

// errorTypeIs compares x-amzn-ErrorType without the ":http://..." suffix
// API Gateway may append.
func errorTypeIs(r probediag.FormResult, want string) bool {
	got, _, _ := strings.Cut(r.ErrorType, ":")
	return got == want
}

// describe says what a call got: status, error type and body, or the
// transport failure.
func describe(r probediag.FormResult) string {
	if r.Failure != "" {
		return fmt.Sprintf("no answer (%s: %s)", r.Failure, r.Detail)
	}
	return fmt.Sprintf("%d %s %q", r.Status, r.ErrorType, r.Body)
}

// NoChanges checks an update's summary (operation -> count) for anything
// but unchanged resources.
func NoChanges(summary map[string]int) error {
	var changed []string
	for op, n := range summary {
		if op != "same" && n > 0 {
			changed = append(changed, fmt.Sprintf("%s: %d", op, n))
		}
	}
	sort.Strings(changed)
	if len(changed) > 0 {
		return fmt.Errorf("a no-change up changed resources: %s", strings.Join(changed, ", "))
	}
	return nil
}

// Budgets splits the time until deadline: work gets what is left after
// destroy's own budget, so a failing or slow test still has time to clean up
// inside go test -timeout. It fails when not even destroy's budget is left.
func Budgets(now, deadline time.Time, destroy time.Duration) (work time.Duration, err error) {
	left := deadline.Sub(now)
	if left <= destroy {
		return 0, fmt.Errorf("only %v left before the test deadline, and destroy alone needs %v: raise go test -timeout", left.Round(time.Second), destroy)
	}
	return left - destroy, nil
}
