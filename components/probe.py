"""Connectivity probe of xaccount-api: calls a private REST API through each
invoke form from inside the consumer VPC and reports what came back.

It runs as an AWS Lambda function (handler: probe.handler) with the standard
library only, so nothing is built or downloaded at `pulumi up`. The event
names the calls to make, the diagnostics table (internal/probediag.Rules) and
the statuses API Gateway refuses with; the table lives in Go and arrives
here as data.
"""

import datetime
import hashlib
import hmac
import http.client
import json
import os
import socket
import ssl
import time
import urllib.parse

BODY_BYTES = 256
# How much of a body is read to find API Gateway's own JSON answer
# (the gateway responses of components/gatewayresponses.go) in it.
ANSWER_BYTES = 4096


class ProbeFailed(Exception):
    """Raised when a form did not answer as expected and failOnError is on:
    Lambda reports it as a function error, which fails the invocation (and
    so the `pulumi up`) with this message."""


def handler(event, context=None):
    """Calls every target of the event and returns their results."""
    start = time.monotonic()
    results = [call_with_retries(t, event, start) for t in event.get("targets", [])]
    integration = event.get("integration", "")
    for r in results:
        r["ok"] = answer_ok(r, event.get("refusals", []))
        r["diagnosis"] = "" if r["ok"] else diagnose(r, integration, event.get("rules", []))
        r["pending"] = pending(r, integration, event.get("rules", []))
        r["body"] = recorded_body(r, integration)
    # A pending form (a new custom domain or access association not ready
    # yet, which AWS documents as taking longer than this function may run)
    # is recorded, not failed.
    failed = [r for r in results if not r["ok"] and not r["pending"]]
    if failed and event.get("failOnError", True):
        raise ProbeFailed(failure_message(failed))
    return {"results": results}


def failure_message(failed):
    """One line per failed (not pending) form: what it called, what came
    back, the likely cause."""
    lines = []
    for r in failed:
        if r["failure"]:
            got = "%s (%s)" % (r["failure"], r["detail"])
        else:
            got = "%d %s %s" % (r["status"], r["errorType"] or "-", r["body"][:120])
            if r["responseType"]:
                got = "%d %s (%s) %s" % (r["status"], r["errorType"] or "-", r["responseType"], r["body"][:120])
        want = r["expected"] or "an answer API Gateway does not refuse"
        lines.append("%s: %s returned %s; expected %s. Likely cause: %s" % (r["form"], r["url"], got, want, r["diagnosis"]))
    return "connectivity probe failed (set probe.failOnError: false to record this without failing):\n" + "\n".join(lines)


def recorded_body(r, integration):
    """Mirrors probediag.RecordedBody: a MOCK integration's own answer
    (no x-amzn-ErrorType) is kept without its body, which may be a secure
    config value; the results go to the state and the stack outputs."""
    if integration == "mock" and not r["errorType"]:
        return ""
    return r["body"]


def answer_ok(r, refusals):
    """Mirrors probediag.AnswerOk."""
    if r["failure"] or r["status"] == 0:
        return False
    if r["expected"]:
        return r["status"] == r["expected"]
    error_type = r["errorType"].split(":", 1)[0]
    return r["status"] != 403 and r["status"] < 500 and error_type not in refusals


def diagnose(r, integration, rules):
    """Mirrors probediag.Diagnose: the cause of the first matching rule."""
    rule = first_match(r, integration, rules)
    if rule is not None:
        return rule["cause"]
    return "unexpected answer: compare the status, x-amzn-ErrorType and body with the API's access logs (requestId)"


def pending(r, integration, rules):
    """Mirrors probediag.Pending: an unexpected answer whose first
    matching rule is marked pending."""
    if r["ok"]:
        return False
    rule = first_match(r, integration, rules)
    return bool(rule is not None and rule.get("pending"))


def first_match(r, integration, rules):
    """The first rule that matches r, None when none does."""
    for rule in rules:
        if matches(rule, r, integration):
            return rule
    return None


def matches(rule, r, integration):
    """Mirrors ProbeRule.matches: every condition the rule sets must hold."""
    failure = rule.get("failure", "")
    if failure and failure != r["failure"]:
        return False
    if not failure and r["failure"]:
        return False
    if rule.get("status") and rule["status"] != r["status"]:
        return False
    if rule.get("statusClass") and r["status"] // 100 != rule["statusClass"]:
        return False
    if rule.get("errorType") and not r["errorType"].startswith(rule["errorType"]):
        return False
    if rule.get("responseType") and rule["responseType"] != r["responseType"]:
        return False
    if rule.get("bodyContains") and rule["bodyContains"] not in r["body"]:
        return False
    if rule.get("forms") and r["form"] not in rule["forms"]:
        return False
    if "signed" in rule and rule["signed"] != r["signed"]:
        return False
    if rule.get("integration") and rule["integration"] != integration:
        return False
    return True


def retryable(r):
    """A failure that propagation explains: a name that does not resolve
    yet, or a 403 from a policy, stage or endpoint not yet in effect (unless
    403 is the expected answer)."""
    if r["failure"] == "dns":
        return True
    return not r["failure"] and r["status"] == 403 and r["expected"] != 403


def call_with_retries(target, event, start, sleep=time.sleep):
    """Calls target, retrying what retryable() accepts after each of the
    event's retryDelaysSeconds, as long as the retry would start before
    retryDeadlineSeconds; records the number of calls as attempts."""
    delays = list(event.get("retryDelaysSeconds") or [])
    deadline = event.get("retryDeadlineSeconds") or 0
    r = call(target, event)
    attempts = 1
    for delay in delays:
        if not retryable(r) or time.monotonic() - start + delay > deadline:
            break
        sleep(delay)
        r = call(target, event)
        attempts += 1
    r["attempts"] = attempts
    return r


def call(target, event):
    """Makes one GET and records status, latency, request ID, error type and
    the first bytes of the body, or the transport failure."""
    url = urllib.parse.urlsplit(target["url"])
    headers = dict(target.get("headers") or {})
    host = headers.get("Host") or url.netloc
    path = url.path or "/"
    r = {"form": target["form"], "url": target["url"], "signed": bool(target.get("sign")),
         "expected": target.get("expect", 0), "status": 0, "latencyMs": 0, "requestId": "",
         "errorType": "", "responseType": "", "body": "", "failure": "", "detail": ""}
    if target.get("sign"):
        headers.update(sigv4_headers("GET", host, path, url.query, headers, event.get("region", ""),
                                     datetime.datetime.now(datetime.timezone.utc), credentials()))
    start = time.monotonic()
    try:
        conn = http.client.HTTPSConnection(url.hostname, url.port or 443,
                                           timeout=event.get("timeoutSeconds", 5),
                                           context=ssl.create_default_context())
        try:
            conn.request("GET", path + ("?" + url.query if url.query else ""), headers=headers)
            resp = conn.getresponse()
            r["status"] = resp.status
            r["requestId"] = resp.getheader("x-amzn-RequestId", "")
            r["errorType"] = resp.getheader("x-amzn-ErrorType", "")
            raw = resp.read(ANSWER_BYTES).decode("utf-8", "replace")
            r["body"] = raw[:BODY_BYTES]
            r["responseType"], request_id = gateway_answer(raw)
            r["requestId"] = r["requestId"] or request_id
        finally:
            conn.close()
    except (socket.timeout, TimeoutError) as e:
        r["failure"], r["detail"] = "timeout", str(e) or "timed out"
    except socket.gaierror as e:
        r["failure"], r["detail"] = "dns", str(e)
    except ssl.SSLError as e:
        r["failure"], r["detail"] = "tls", str(e)
    except ssl.CertificateError as e:
        r["failure"], r["detail"] = "tls", str(e)
    except OSError as e:
        r["failure"], r["detail"] = "connect", str(e)
    r["latencyMs"] = int((time.monotonic() - start) * 1000)
    return r


def gateway_answer(body):
    """The response type and request ID of API Gateway's own JSON answer
    (the gateway responses of components/gatewayresponses.go), ("", "") for any other body."""
    try:
        doc = json.loads(body)
    except ValueError:
        return "", ""
    if not isinstance(doc, dict) or not isinstance(doc.get("errorType"), str) or "requestId" not in doc:
        return "", ""
    return doc["errorType"], str(doc.get("requestId") or "")


def credentials():
    """The function role's credentials, as Lambda puts them in the environment."""
    return (os.environ.get("AWS_ACCESS_KEY_ID", ""), os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
            os.environ.get("AWS_SESSION_TOKEN", ""))


def sigv4_headers(method, host, path, query, headers, region, now, creds):
    """Signature Version 4 for execute-api: the headers to add (x-amz-date,
    the session token, Authorization). host is the Host the API sees."""
    access_key, secret_key, token = creds
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    signed = {k.lower(): " ".join(str(v).split()) for k, v in headers.items() if k.lower() != "host"}
    signed["host"] = host
    signed["x-amz-date"] = amz_date
    if token:
        signed["x-amz-security-token"] = token
    names = sorted(signed)
    canonical_query = "&".join(
        "%s=%s" % (urllib.parse.quote(k, safe="-_.~"), urllib.parse.quote(v, safe="-_.~"))
        for k, v in sorted(urllib.parse.parse_qsl(query, keep_blank_values=True)))
    canonical = "\n".join([
        method,
        urllib.parse.quote(path, safe="/-_.~"),
        canonical_query,
        "".join("%s:%s\n" % (n, signed[n]) for n in names),
        ";".join(names),
        hashlib.sha256(b"").hexdigest(),
    ])
    scope = "%s/%s/execute-api/aws4_request" % (day, region)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret_key).encode()
    for part in (day, region, "execute-api", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    out = {"x-amz-date": amz_date,
           "Authorization": "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
                            % (access_key, scope, ";".join(names), signature)}
    if token:
        out["x-amz-security-token"] = token
    return out


if __name__ == "__main__":
    # Local runs (tests): the event on stdin, the result or the failure on stdout.
    import sys
    try:
        print(json.dumps(handler(json.load(sys.stdin))))
    except ProbeFailed as failed:
        print(json.dumps({"errorType": "ProbeFailed", "errorMessage": str(failed)}))
