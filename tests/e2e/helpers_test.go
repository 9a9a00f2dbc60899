package e2e

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/probediag"
)

// gateway answers like a private API seen from outside: 403 Forbidden, and
// 200 only to a request whose Host is the API's.
func gateway(apiHost string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Host == apiHost {
			_, _ = w.Write([]byte(`{"message":"hello"}`))
			return
		}
		w.Header().Set("x-amzn-ErrorType", "ForbiddenException")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"Forbidden"}`))
	}
}

func TestCallSendsTheHostHeader(t *testing.T) {
	apiHost := "abcde12345.execute-api.eu-west-1.amazonaws.com"
	srv := httptest.NewTLSServer(gateway(apiHost))
	defer srv.Close()
	client := srv.Client()

	a := Call(context.Background(), client, srv.URL+"/dev/", apiHost, nil)
	assert.Equal(t, 200, a.Status, "req.Host carries the Host header")

	// The bug this helper exists for: a Host entry in the header map is
	// ignored by Go's client, so the server sees the URL's host.
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/dev/", nil)
	require.NoError(t, err)
	req.Header.Set("Host", apiHost)
	resp, err := client.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 403, resp.StatusCode, "the header map alone does not set Host")

	refused := Call(context.Background(), client, srv.URL+"/dev/", "", map[string]string{"x-apigw-api-id": "abcde12345"})
	assert.Equal(t, 403, refused.Status)
	assert.Equal(t, "ForbiddenException", refused.ErrorType)
	assert.NoError(t, RefusedExplicitly(refused))
	assert.Error(t, RefusedExplicitly(a), "a 200 to an outsider is a failure")
}

func TestATimeoutOrDnsFailureIsNoProof(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = l.Close() }()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer func() { _ = c.Close() }()
		}
	}()
	client := &http.Client{Timeout: 300 * time.Millisecond}
	silent := Call(context.Background(), client, "https://"+l.Addr().String()+"/dev/", "", nil)
	assert.Equal(t, probediag.FailureTimeout, silent.Failure, silent.Detail)
	assert.ErrorContains(t, RefusedExplicitly(silent), "not proof")

	unresolvable := Call(context.Background(), client, "https://abcde12345.execute-api.e2e-test.invalid/dev/", "", nil)
	assert.Equal(t, probediag.FailureDns, unresolvable.Failure, unresolvable.Detail)
	assert.ErrorContains(t, RefusedExplicitly(unresolvable), "not proof")
}

func TestProbeResultsAndExpectations(t *testing.T) {
	outputs := map[string]any{"consumers": map[string]any{
		"app": map[string]any{"probe": map[string]any{
			"privateDns":   map[string]any{"form": "privateDns", "status": 200.0, "ok": true},
			"route53Alias": map[string]any{"form": "route53Alias", "status": 403.0, "errorType": "ForbiddenException", "diagnosis": "the endpoint is not associated"},
			"publicDnsWithHostHeader": map[string]any{"form": "publicDnsWithHostHeader", "failure": "timeout", "detail": "timed out",
				"diagnosis": "no answer in time"},
		}},
		"partner": map[string]any{"endpointId": "vpce-0123456789abcdef0"},
	}}
	results, err := ProbeResults(outputs, "app")
	require.NoError(t, err)
	require.Len(t, results, 3)
	assert.Equal(t, 200, results["privateDns"].Status)
	err = RequireStatus(results, 200)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "route53Alias: got 403 ForbiddenException, want 200; the endpoint is not associated")
	assert.Contains(t, err.Error(), "publicDnsWithHostHeader: got timeout (timed out)")
	assert.NotContains(t, err.Error(), "privateDns:")
	assert.NoError(t, RequireStatus(map[string]probediag.FormResult{"privateDns": results["privateDns"]}, 200))

	_, err = ProbeResults(outputs, "partner")
	assert.ErrorContains(t, err, "no probe output")
	_, err = ProbeResults(outputs, "nobody")
	assert.Error(t, err)

}

// Answers as API Gateway gives them (x-amzn-ErrorType and body; AWS
// Knowledge Center, "How do I troubleshoot HTTP 403 errors from API Gateway?").
var (
	noRoute = probediag.FormResult{Form: "privateDns", Status: 403, ErrorType: "MissingAuthenticationTokenException",
		Body: `{"message":"Missing Authentication Token"}`}
	explicitDeny = probediag.FormResult{Form: "publicDnsWithHostHeader", Status: 403, ErrorType: "AccessDeniedException",
		Body: `{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:********3333:abcde12345/e2e1/GET/ with an explicit deny"}`}
	noAllow = probediag.FormResult{Form: "privateDns", Status: 403, ErrorType: "AccessDeniedException",
		Body: `{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:********3333:abcde12345/e2e1/GET/"}`}
	forbidden = probediag.FormResult{Form: "route53Alias", Status: 403, ErrorType: "ForbiddenException", Body: `{"message":"Forbidden"}`}
	timedOut  = probediag.FormResult{Form: "privateDns", Failure: "timeout", Detail: "timed out"}
)

func TestRouteGoneIsMissingTokenOr404Only(t *testing.T) {
	assert.NoError(t, RouteGone(noRoute))
	assert.NoError(t, RouteGone(probediag.FormResult{Status: 403, ErrorType: "MissingAuthenticationTokenException:http://internal.amazon.com/coral/"}),
		"the error type with its suffix")
	assert.NoError(t, RouteGone(probediag.FormResult{Status: 404}))
	for _, r := range []probediag.FormResult{explicitDeny, noAllow, forbidden, timedOut, {Status: 200}} {
		err := RouteGone(r)
		if assert.Error(t, err, "%+v is not a removed route", r) {
			assert.Contains(t, err.Error(), "want 403 MissingAuthenticationTokenException or 404")
		}
	}
	assert.ErrorContains(t, RouteGone(explicitDeny), "403 AccessDeniedException", "says what came back")
}

func TestExplicitDenyIsThePolicysDenyOnly(t *testing.T) {
	assert.NoError(t, ExplicitDeny(explicitDeny))
	signed := explicitDeny
	signed.Body = `{"Message":"User: arn:aws:sts::444455556666:assumed-role/probe/fn is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:********3333:abcde12345/e2e1/GET/ with an explicit deny"}`
	assert.NoError(t, ExplicitDeny(signed), "a signed caller's explicit deny")
	for _, r := range []probediag.FormResult{noAllow, noRoute, forbidden, timedOut, {Status: 200}} {
		assert.ErrorContains(t, ExplicitDeny(r), "want 403 AccessDeniedException from the resource policy's explicit deny", "%+v", r)
	}
}

func TestUnsignedRefusedIsNotThePolicysDeny(t *testing.T) {
	assert.NoError(t, UnsignedRefused(noRoute))
	assert.NoError(t, UnsignedRefused(noAllow), "the anonymous caller without an Allow")
	for _, r := range []probediag.FormResult{explicitDeny, forbidden, timedOut, {Status: 200}} {
		assert.ErrorContains(t, UnsignedRefused(r), "an unsigned call answered", "%+v", r)
	}
}

func TestNoChangesAndBudgets(t *testing.T) {
	assert.NoError(t, NoChanges(map[string]int{"same": 31}))
	assert.ErrorContains(t, NoChanges(map[string]int{"same": 30, "update": 1, "replace": 0}), "update: 1")

	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	work, err := Budgets(now, now.Add(120*time.Minute), destroyBudget)
	require.NoError(t, err)
	assert.Equal(t, 60*time.Minute, work, "destroy keeps its own 60 minutes")
	assert.GreaterOrEqual(t, destroyBudget, 60*time.Minute, "the provider's 45-minute wait for a deleted function's interfaces fits")
	_, err = Budgets(now, now.Add(20*time.Minute), destroyBudget)
	assert.ErrorContains(t, err, "raise go test -timeout")
}
