package engine

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/vocab"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// The tests in this file prove, through the probe's calls in the simulated
// AWS, behaviour that only a call shows: what the stage really enforces
// after a change, what the caller's own role must allow, what a Lambda route
// needs, and names that fit AWS's limits.

// TestPolicyOnlyChangeIsServed: a change of the resource policy alone (an
// extra Deny; revoking a principal is the same) is redeployed, since a
// stage enforces the policy its deployment captured: the probe, re-run by
// the policy change, gets the explicit deny.
func TestPolicyOnlyChangeIsServed(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	s.editConfig("probe", map[string]any{"failOnError": false})
	s.mustUp()
	requireProbeGreen(t, s, "app", 4)
	before := s.apiState()

	api := devApi()
	api["extraPolicyStatements"] = []any{map[string]any{"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/"}}
	s.editConfig("api", api)
	s.mustUp()
	after := s.apiState()
	assert.NotEqual(t, before.stagePolicy, after.stagePolicy, "the stage enforces the new policy: a new deployment captured it")
	for form, v := range probeResults(t, s, "app") {
		r := v.(map[string]any)
		assert.Equalf(t, float64(403), r["status"], "%s: the extra Deny is in force", form)
		assert.Equalf(t, "AccessDeniedException", r["errorType"], "%s", form)
		assert.Containsf(t, r["body"], "with an explicit deny", "%s", form)
		// The API's gateway responses: API Gateway's own answer is JSON that
		// names its response type and carries the request ID.
		assert.Equalf(t, "ACCESS_DENIED", r["responseType"], "%s", form)
		assert.Containsf(t, r["body"], `"errorType":"ACCESS_DENIED","requestId":"`+r["requestId"].(string)+`"`, "%s", form)
	}
}

// TestSignedProbeNeedsItsRolesAllow: with AWS_IAM and the default
// principals (the consumer account), a cross-account call needs the
// resource policy's Allow and the probe role's own Allow of
// execute-api:Invoke; the probe answers 200 through every form, signed.
func TestSignedProbeNeedsItsRolesAllow(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	api := devApi(mockRoute("GET", "/orders"))
	api["authorization"] = "AWS_IAM"
	s.editConfig("api", api)
	s.mustUp()
	requireProbeGreen(t, s, "app", 4)
	for form, v := range probeResults(t, s, "app") {
		assert.Equalf(t, true, v.(map[string]any)["signed"], "%s is signed", form)
	}
	s.cloudView(func(c *fakeaws.Cloud) {
		for arn, docs := range c.RoleInlinePolicies {
			if strings.Contains(arn, "probe") {
				require.Len(t, docs, 1, "the probe role's invoke policy")
				assert.Contains(t, docs[0], `"Effect":"Allow"`)
				// Created by the printed deployer with the printed boundary,
				// which lets the role invoke the producer's API.
				assert.Equal(t, "arn:aws:iam::222222222222:policy/xaccount-dev-role-boundary", c.RoleBoundaries[arn])
			}
		}
	})
}

// TestProbedLambdaRoute: a Lambda route answers only when API Gateway may
// invoke the function: POST integration, and a permission whose source ARN
// covers the method. The probe calls it and gets the function's 200.
func TestProbedLambdaRoute(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	s.editConfig("api", map[string]any{"name": "xaccount-api-dev", "accessLogs": map[string]any{"createAccountRole": false},
		"routes": []any{map[string]any{"path": "/orders", "method": "GET",
			"integration": map[string]any{"type": "lambda", "functionArn": "arn:aws:lambda:eu-west-1:111111111111:function:orders"}}}})
	s.mustUp()
	requireProbeGreen(t, s, "app", 4)
	s.cloudView(func(c *fakeaws.Cloud) {
		for _, api := range c.RestApis {
			routes := c.StageRoutes(api.Id, "dev")
			require.Len(t, routes, 1)
			assert.Equal(t, "POST", routes[0].IntegrationMethod, "Lambda is invoked with POST")
		}
	})
}

// TestLongestConsumerNameFitsAwsNames: a consumer name of the longest valid
// length (32) with the probe deploys: every generated name fits its limit
// (pulumi-aws refuses a Lambda function name over 64).
func TestLongestConsumerNameFitsAwsNames(t *testing.T) {
	t.Parallel()
	name := strings.Repeat("c", 32)
	require.True(t, vocab.ValidConsumerName(name))
	s := newEngineStack(t, "dev")
	s.editConfig("consumers", []any{devConsumer(name, "222222222222", "10.20.0.0/24", 2)})
	s.mustUp()
	requireProbeGreen(t, s, name, 4)
	s.cloudView(func(c *fakeaws.Cloud) {
		require.Len(t, c.Functions, 1)
		for fn := range c.Functions {
			assert.LessOrEqual(t, len(fn), 64, fn)
			assert.True(t, strings.HasPrefix(fn, "xaccount-api-"+name), fn)
		}
	})
}

// TestProbeRidesOutPropagation: where AWS answers from the old state for a
// while after a change (a new stage, a new endpoint's private name), the
// probe's retries carry the first up through, and the results say how many
// calls each form took.
func TestProbeRidesOutPropagation(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev", withSeed(func(store *fakeaws.Store) error {
		return store.Update(func(c *fakeaws.Cloud) error { c.PropagationCalls = 1; return nil })
	}))
	s.mustUp()
	requireProbeGreen(t, s, "app", 4)
	retried := 0
	for form, v := range probeResults(t, s, "app") {
		attempts := v.(map[string]any)["attempts"].(float64)
		assert.LessOrEqualf(t, attempts, float64(components.ProbeMaxAttempts), "%s", form)
		if attempts > 1 {
			retried++
		}
	}
	assert.Positive(t, retried, "the stale answers were retried")
}

// TestStrictAccessModeOffersTheApisOwnNames: an enhanced security policy
// with STRICT reaches the API (the simulated stage then refuses the two
// header forms, whose TLS server name is the endpoint's); the stack offers
// and probes the two forms that name the API, green. Back to BASIC, all
// four are offered and answer.
func TestStrictAccessModeOffersTheApisOwnNames(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	api := devApi()
	api["tls"] = map[string]any{"securityPolicy": "SecurityPolicy_TLS13_1_3_2025_09", "endpointAccessMode": "STRICT"}
	s.editConfig("api", api)
	s.mustUp()
	st := s.apiState()
	assert.Equal(t, "STRICT", st.api.EndpointAccessMode)
	assert.Equal(t, "SecurityPolicy_TLS13_1_3_2025_09", st.api.SecurityPolicy)
	requireProbeGreen(t, s, "app", 2)
	urls := s.outputs()["consumers"].Value.(map[string]any)["app"].(map[string]any)["invokeUrls"].(map[string]any)
	assert.Contains(t, urls, "privateDns")
	assert.Contains(t, urls, "route53Alias")
	assert.NotContains(t, urls, "publicDnsWithHostHeader", "STRICT refuses it: not offered")
	assert.Equal(t, "STRICT", s.outputs()["endpointAccessMode"].Value)

	s.step(t, "BASIC offers and answers all four forms", func(t *testing.T) {
		api["tls"] = map[string]any{"securityPolicy": "SecurityPolicy_TLS13_1_3_2025_09", "endpointAccessMode": "BASIC"}
		s.editConfig("api", api)
		s.mustUp()
		assert.Equal(t, "BASIC", s.apiState().api.EndpointAccessMode)
		requireProbeGreen(t, s, "app", 4)
	})
}

// TestVpcLinkRouteCreatesItsLinkAndLetsGoOfIt: a vpc_link route with an
// nlbArn gets a VPC link in the producer account, with the printed roles,
// and the stage's route goes through it; removing the route updates the
// API first, so the link is no longer referenced when it is deleted (API
// Gateway refuses to delete a link in use).
func TestVpcLinkRouteCreatesItsLinkAndLetsGoOfIt(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	stock := map[string]any{"path": "/stock/{id}", "method": "GET", "integration": map[string]any{"type": "vpc_link",
		"nlbArn": "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/net/stock/0123456789abcdef", "uri": "https://stock.internal.example.com/stock/{id}"}}
	s.editConfig("api", devApi(stock))
	s.mustUp()
	var linkId string
	s.cloudView(func(c *fakeaws.Cloud) {
		require.Len(t, c.VpcLinks, 1)
		for id, l := range c.VpcLinks {
			linkId = id
			assert.Equal(t, "111111111111", l.Account, "the link is in the producer account")
		}
	})
	st := s.apiState()
	s.cloudView(func(c *fakeaws.Cloud) {
		r, ok := c.StageRoute(st.api.Id, "dev", "GET", "/stock/42")
		require.True(t, ok, "the stage serves the route")
		assert.Equal(t, linkId, r.ConnectionId, "through the link")
	})
	requireProbeGreen(t, s, "app", 4)

	s.step(t, "the route removed, its link goes after the API stops using it", func(t *testing.T) {
		// The roles printed for the file without the route alone no longer
		// allow deleting a VPC link: the change runs with the roles printed
		// with --deployed (both files'), as docs/roles-and-state.md says.
		s.transitionRoles = true
		s.editConfig("api", devApi())
		s.mustUp()
		s.cloudView(func(c *fakeaws.Cloud) {
			assert.Empty(t, c.VpcLinks, "the link is deleted")
		})
		assert.False(t, s.apiState().serves("GET", "/stock/42"))
	})
}
