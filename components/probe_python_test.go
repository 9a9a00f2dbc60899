package components

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/probediag"
)

// fakeApiGateway answers like a private API's stage does: the root with 200
// and a request ID, /dev/denied as an explicit Deny of the resource policy,
// /dev/not-ready as a custom domain whose access association is not ready,
// /dev/mock-broken as a MOCK without integration response. It records the
// headers of every call.
type fakeApiGateway struct {
	mu   sync.Mutex
	seen map[string]http.Header // path+form header -> headers
	// flaky counts calls of /dev/flaky, which answers 403 twice, then 200
	// (a policy still propagating).
	flaky int
}

func (g *fakeApiGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.seen[r.URL.Path+" "+r.Header.Get("x-probe-form")] = r.Header.Clone()
	if r.Host != "127.0.0.1" && !strings.HasPrefix(r.Host, "127.0.0.1:") {
		g.seen["host "+r.Host] = r.Header.Clone()
	}
	defer g.mu.Unlock()
	w.Header().Set("x-amzn-RequestId", "req-"+strings.TrimPrefix(r.URL.Path, "/dev/"))
	flaky := 0
	if r.URL.Path == "/dev/flaky" {
		g.flaky++
		flaky = g.flaky
	}
	switch r.URL.Path {
	case "/dev/flaky":
		if flaky <= 2 {
			w.Header().Set("x-amzn-ErrorType", "AccessDeniedException")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"Message":"not yet"}`))
			return
		}
		_, _ = w.Write([]byte(`{"message":"propagated"}`))
	case "/dev/":
		_, _ = w.Write([]byte(`{"message":"hello from the private API"}`))
	case "/dev/denied":
		w.Header().Set("x-amzn-ErrorType", "AccessDeniedException")
		w.WriteHeader(http.StatusForbidden)
		// API Gateway's own answer as gatewayResponseBody renders it.
		_, _ = w.Write([]byte(`{"message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:111111111111:abcde12345/dev/GET/denied because no VPC endpoint policy allows the execute-api:Invoke action","errorType":"ACCESS_DENIED","requestId":"req-denied"}`))
	case "/dev/not-ready":
		// API Gateway's answer through an endpoint whose access association
		// with a private custom domain is not ready yet.
		w.Header().Set("x-amzn-ErrorType", "ForbiddenException")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"Forbidden"}`))
	case "/dev/mock-broken":
		w.Header().Set("x-amzn-ErrorType", "InternalServerErrorException")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"message":"Internal server error","errorType":"API_CONFIGURATION_ERROR","requestId":"req-mock-broken"}`))
	default:
		w.Header().Set("x-amzn-ErrorType", "MissingAuthenticationTokenException")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"Missing Authentication Token"}`))
	}
}

// runProbeCode runs probe.py as Lambda would call its handler, with the
// event on stdin, trusting the test server's certificate, and returns the
// decoded answer.
func runProbeCode(t *testing.T, certFile string, event any, env ...string) map[string]any {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed here: the probe's Python code is not run locally (it is still checked by the component and engine tests)")
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "probe.py"), []byte(probeSource), 0o600))
	input, err := json.Marshal(event)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, filepath.Join(dir, "probe.py"))
	cmd.Stdin = bytes.NewReader(input)
	cmd.Env = append(os.Environ(), append([]string{"SSL_CERT_FILE=" + certFile}, env...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoErrorf(t, err, "probe.py failed: %s", stderr.String())
	var answer map[string]any
	require.NoErrorf(t, json.Unmarshal(out, &answer), "probe.py printed %s", out)
	return answer
}

// startProbeServer starts the fake stage over TLS and writes its certificate
// where Python's ssl module will trust it.
func startProbeServer(t *testing.T) (*httptest.Server, *fakeApiGateway, string) {
	t.Helper()
	gw := &fakeApiGateway{seen: map[string]http.Header{}}
	srv := httptest.NewTLSServer(gw)
	t.Cleanup(srv.Close)
	certFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	return srv, gw, certFile
}

// silentListener accepts connections and never answers, like a security
// group that drops the packets.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
		}
	}()
	return l.Addr().String()
}

// TestProbeCodeReportsWhatApiGatewayAnswers runs the inline code against a
// local HTTPS server that answers like API Gateway: statuses, request IDs,
// error types, bodies, the Host and x-apigw-api-id headers, a timeout and a
// name that does not resolve; its diagnoses equal probediag.Diagnose's.
func TestProbeCodeReportsWhatApiGatewayAnswers(t *testing.T) {
	srv, gw, certFile := startProbeServer(t)
	base := srv.URL + "/dev"
	apiHost := "abcde12345.execute-api.eu-west-1.amazonaws.com"
	targets := []probeTarget{
		{Form: InvokePublicDnsHostHeader, Url: base + "/", Headers: map[string]string{"Host": apiHost}, Expect: 200},
		{Form: InvokePublicDnsApiIdHeader, Url: base + "/", Headers: map[string]string{"x-apigw-api-id": "abcde12345"}, Expect: 200},
		{Form: "denied", Url: base + "/denied", Expect: 200},
		{Form: "mockBroken", Url: base + "/mock-broken", Expect: 200},
		{Form: InvokeRoute53Alias, Url: "https://" + silentListener(t) + "/dev/", Expect: 200},
		{Form: InvokePrivateDns, Url: "https://abcde12345.execute-api.probe-test.invalid/dev/", Expect: 200},
	}
	event := probeEvent{Targets: targets, Region: "eu-west-1", Integration: IntegrationMock, TimeoutSeconds: 1,
		FailOnError: false, Rules: probediag.Rules, Refusals: probediag.Refusals}
	answer := runProbeCode(t, certFile, event)
	raw, err := json.Marshal(answer)
	require.NoError(t, err)
	results, err := probediag.ParseResult(string(raw))
	require.NoError(t, err)
	require.Len(t, results, len(targets))

	get := func(form string) probediag.FormResult {
		b, err := json.Marshal(results[form])
		require.NoError(t, err)
		var r probediag.FormResult
		require.NoError(t, json.Unmarshal(b, &r))
		return r
	}
	host := get(InvokePublicDnsHostHeader)
	assert.Equal(t, 200, host.Status)
	assert.True(t, host.Ok)
	assert.Equal(t, "req-", host.RequestId)
	assert.Empty(t, host.Body, "a MOCK's own answer is kept without its body (probediag.RecordedBody): it may be a secure value")
	gw.mu.Lock()
	_, sawHost := gw.seen["host "+apiHost]
	apiIdHeaders := gw.seen["/dev/ "]
	gw.mu.Unlock()
	assert.True(t, sawHost, "the Host header reached the server (Go's client would need req.Host; Python's takes the header)")
	require.NotNil(t, apiIdHeaders)
	assert.Equal(t, "abcde12345", apiIdHeaders.Get("x-apigw-api-id"))
	assert.True(t, get(InvokePublicDnsApiIdHeader).Ok)

	denied := get("denied")
	assert.Equal(t, 403, denied.Status)
	assert.Equal(t, "AccessDeniedException", denied.ErrorType)
	assert.Equal(t, "req-denied", denied.RequestId)
	assert.Equal(t, "ACCESS_DENIED", denied.ResponseType, "read from API Gateway's JSON answer, past the 256 bytes kept of the body")
	assert.Len(t, denied.Body, 256)
	assert.False(t, denied.Ok)
	assert.Contains(t, denied.Diagnosis, "not in the API's resource policy")

	assert.Equal(t, 500, get("mockBroken").Status)
	assert.Contains(t, get("mockBroken").Diagnosis, "integration response")

	timeout := get(InvokeRoute53Alias)
	assert.Equal(t, probediag.FailureTimeout, timeout.Failure, timeout.Detail)
	assert.Zero(t, timeout.Status)
	dns := get(InvokePrivateDns)
	assert.Equal(t, probediag.FailureDns, dns.Failure, dns.Detail)

	for form := range results {
		r := get(form)
		assert.Equalf(t, probediag.AnswerOk(r), r.Ok, "%s: Python and Go agree on ok", form)
		assert.Equalf(t, probediag.Diagnose(r, IntegrationMock, probediag.Rules), r.Diagnosis, "%s: Python and Go agree on the diagnosis", form)
	}

	// failOnError: a function error whose message names each failed form,
	// what came back and the likely cause.
	event.FailOnError = true
	failed := runProbeCode(t, certFile, event)
	assert.Equal(t, "ProbeFailed", failed["errorType"])
	msg, _ := failed["errorMessage"].(string)
	assert.Contains(t, msg, "denied: "+base+"/denied returned 403 AccessDeniedException (ACCESS_DENIED) {")
	assert.Contains(t, msg, "Likely cause: this endpoint is not in the API's resource policy")
	assert.Contains(t, msg, InvokeRoute53Alias+": https://")
	assert.NotContains(t, msg, InvokePublicDnsHostHeader+":", "forms that answered as expected are not listed")
	var failedFirstRun []probediag.FormResult
	for _, target := range targets {
		if r := get(target.Form); !r.Ok {
			failedFirstRun = append(failedFirstRun, r)
		}
	}
	assert.Equal(t, probediag.FailureMessage(failedFirstRun), msg, "Go's message (used by the simulated cloud) is the Lambda's")
}

// TestProbeCodeRetriesWhatPropagationExplains: a 403 while a policy
// propagates and a name that does not resolve yet are retried after the
// event's delays, up to their number and never past the deadline; an
// expected 403 and a timeout are not; every result says how many calls it
// took.
func TestProbeCodeRetriesWhatPropagationExplains(t *testing.T) {
	srv, _, certFile := startProbeServer(t)
	base := srv.URL + "/dev"
	event := probeEvent{Region: "eu-west-1", Integration: IntegrationMock, TimeoutSeconds: 1, FailOnError: false,
		Rules: probediag.Rules, Refusals: probediag.Refusals, RetryDelaysSeconds: []int{0, 0, 0}, RetryDeadlineSeconds: 60,
		Targets: []probeTarget{
			{Form: "flaky", Url: base + "/flaky", Expect: 200},
			{Form: "dns", Url: "https://abcde12345.execute-api.probe-test.invalid/dev/", Expect: 200},
			{Form: "expected403", Url: base + "/denied", Expect: 403},
			{Form: "timeout", Url: "https://" + silentListener(t) + "/dev/", Expect: 200},
		}}
	results := probeResultsOf(t, runProbeCode(t, certFile, event))
	assert.True(t, results["flaky"].Ok, "the third call answered 200")
	assert.Equal(t, 3, results["flaky"].Attempts)
	assert.Equal(t, probediag.FailureDns, results["dns"].Failure)
	assert.Equal(t, 4, results["dns"].Attempts, "one call and every retry")
	assert.Equal(t, 1, results["expected403"].Attempts, "an expected 403 is an answer, not a failure")
	assert.True(t, results["expected403"].Ok)
	assert.Equal(t, 1, results["timeout"].Attempts, "a timeout is not retried")

	event.RetryDeadlineSeconds = 0
	event.Targets = event.Targets[1:2]
	results = probeResultsOf(t, runProbeCode(t, certFile, event))
	assert.Equal(t, 1, results["dns"].Attempts, "no retry starts past the deadline")
}

// TestProbeCodeReportsANewDomainPending: the custom domain form still
// refused with 403 ForbiddenException after its retries is pending (AWS documents about 15 minutes for a new domain and its
// access association): recorded with its diagnosis, and the run does not
// fail with failOnError. A refusal by a policy through the domain, and the
// same answers on any other form, still fail it. Python and Go agree.
func TestProbeCodeReportsANewDomainPending(t *testing.T) {
	srv, _, certFile := startProbeServer(t)
	base := srv.URL + "/dev"
	run := func(targets ...probeTarget) map[string]any {
		t.Helper()
		return runProbeCode(t, certFile, probeEvent{Region: "eu-west-1", Integration: IntegrationMock, TimeoutSeconds: 1, FailOnError: true,
			Rules: probediag.Rules, Refusals: probediag.Refusals, RetryDelaysSeconds: []int{0, 0}, RetryDeadlineSeconds: 60, Targets: targets})
	}
	answer := run(probeTarget{Form: InvokeCustomDomain, Url: base + "/not-ready", Expect: 200},
		probeTarget{Form: InvokePrivateDns, Url: base + "/", Expect: 200})
	require.NotContainsf(t, answer, "errorType", "a pending domain form does not fail the run: %v", answer)
	results := probeResultsOf(t, answer)
	domain := results[InvokeCustomDomain]
	assert.False(t, domain.Ok)
	assert.True(t, domain.Pending)
	assert.Equal(t, 403, domain.Status)
	assert.Equal(t, "ForbiddenException", domain.ErrorType)
	assert.Equal(t, 3, domain.Attempts, "retried first, as any 403")
	assert.Contains(t, domain.Diagnosis, "about 15 minutes")
	assert.True(t, results[InvokePrivateDns].Ok)
	assert.False(t, results[InvokePrivateDns].Pending)

	for _, r := range []probediag.FormResult{domain, results[InvokePrivateDns]} {
		assert.Equalf(t, probediag.Pending(r, IntegrationMock, probediag.Rules), r.Pending, "%s: Python and Go agree on pending", r.Form)
		assert.Equalf(t, probediag.Diagnose(r, IntegrationMock, probediag.Rules), r.Diagnosis, "%s: Python and Go agree on the diagnosis", r.Form)
	}

	for name, target := range map[string]probeTarget{
		"a policy refusing through the domain": {Form: InvokeCustomDomain, Url: base + "/denied", Expect: 200},
		// The zone and alias are in sync before the probe runs (the provider
		// waits for Route 53's change), so a domain not resolving is wrong.
		"the domain not resolving":             {Form: InvokeCustomDomain, Url: "https://orders.probe-test.invalid/", Expect: 200},
		"the same 403 on another form":         {Form: InvokeRoute53Alias, Url: base + "/not-ready", Expect: 200},
		"a name not resolving on another form": {Form: InvokePrivateDns, Url: "https://abcde12345.execute-api.probe-test.invalid/dev/", Expect: 200},
	} {
		failed := run(target)
		assert.Equalf(t, "ProbeFailed", failed["errorType"], "%s fails the run", name)
		assert.Containsf(t, failed["errorMessage"], target.Form+": "+target.Url+" returned", name)
	}
}

// TestProbeRetriesFitTheFunctionTimeout: every form's calls and waits fit
// Lambda's timeout for each allowed per-call timeout, and the timeout never
// passes Lambda's 900 s.
func TestProbeRetriesFitTheFunctionTimeout(t *testing.T) {
	for callTimeout := 1; callTimeout <= 60; callTimeout++ {
		fn := probeFunctionTimeout(callTimeout)
		assert.LessOrEqual(t, fn, 900)
		deadline := probeRetryDeadline(callTimeout)
		assert.Positivef(t, deadline, "timeout %d", callTimeout)
		assert.LessOrEqualf(t, deadline+probeForms*callTimeout, fn, "after the last retry starts, one call per form still fits (timeout %d)", callTimeout)
	}
	assert.Equal(t, 5*(5*5+15)+10, probeFunctionTimeout(DefaultProbeTimeoutSeconds), "the default: 210 s, five forms")
}

func probeResultsOf(t *testing.T, answer map[string]any) map[string]probediag.FormResult {
	t.Helper()
	raw, err := json.Marshal(answer)
	require.NoError(t, err)
	results, err := probediag.ParseResult(string(raw))
	require.NoError(t, err)
	out := map[string]probediag.FormResult{}
	for form, v := range results {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		var r probediag.FormResult
		require.NoError(t, json.Unmarshal(b, &r))
		out[form] = r
	}
	return out
}

// TestProbeCodeSignsLikeTheAwsSdk: with sign on, the probe's SigV4
// Authorization equals what aws-sdk-go-v2's signer computes for the same
// request, credentials and time, Host header included.
func TestProbeCodeSignsLikeTheAwsSdk(t *testing.T) {
	srv, gw, certFile := startProbeServer(t)
	apiHost := "abcde12345.execute-api.eu-west-1.amazonaws.com"
	event := probeEvent{Targets: []probeTarget{{Form: InvokePublicDnsHostHeader, Url: srv.URL + "/dev/", Headers: map[string]string{"Host": apiHost}, Expect: 200, Sign: true}},
		Region: "eu-west-1", TimeoutSeconds: 5, Rules: probediag.Rules, Refusals: probediag.Refusals}
	runProbeCode(t, certFile, event, "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "AWS_SESSION_TOKEN=session-token")
	gw.mu.Lock()
	got := gw.seen["host "+apiHost]
	gw.mu.Unlock()
	require.NotNil(t, got, "the signed call arrived")
	auth := got.Get("Authorization")
	require.True(t, strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), auth)
	assert.Contains(t, auth, "/eu-west-1/execute-api/aws4_request")
	assert.Contains(t, auth, "SignedHeaders=host;x-amz-date;x-amz-security-token")
	assert.Equal(t, "session-token", got.Get("X-Amz-Security-Token"))

	signingTime, err := time.Parse("20060102T150405Z", got.Get("X-Amz-Date"))
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, "https://"+apiHost+"/dev/", nil)
	require.NoError(t, err)
	req.Header.Set("X-Amz-Security-Token", "session-token")
	emptyHash := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "session-token"}
	require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, emptyHash, "execute-api", "eu-west-1", signingTime))
	assert.Equal(t, signatureOf(req.Header.Get("Authorization")), signatureOf(auth), "the SDK's signature for the same request")
}

// signatureOf is the Signature= part of an Authorization header.
func signatureOf(auth string) string {
	_, sig, _ := strings.Cut(auth, "Signature=")
	return sig
}
