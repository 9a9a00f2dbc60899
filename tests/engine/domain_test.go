package engine

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

const (
	testDomain      = "orders.internal.example.com"
	testCertificate = "arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
)

// devApiWithDomain is the dev stack's api with a private custom domain.
func devApiWithDomain() map[string]any {
	api := devApi()
	api["customDomain"] = map[string]any{"name": testDomain, "certificateArn": testCertificate}
	return api
}

// probeFunction is the consumers.<name>.probeFunction output.
func probeFunction(t *testing.T, s *engineStack, consumer string) string {
	t.Helper()
	c, _ := s.outputs()["consumers"].Value.(map[string]any)[consumer].(map[string]any)
	name, ok := c["probeFunction"].(string)
	require.Truef(t, ok, "consumers.%s.probeFunction is a stack output", consumer)
	return name
}

// requireDomainServes: the function's call to the custom domain, through
// its VPC's zone, its endpoint's association, the domain's policy and the
// mapping, reaches the stage and gets 200, within the probe's attempts (a
// change still propagating answers the first calls as AWS would).
func requireDomainServes(t *testing.T, s *engineStack, function string) {
	t.Helper()
	s.cloudView(func(c *fakeaws.Cloud) {
		var status int
		var failure string
		for range components.ProbeMaxAttempts {
			if status, failure = c.CallFrom(function, "https://"+testDomain+"/"); status == 200 {
				break
			}
		}
		assert.Equalf(t, 200, status, "%s calls the domain (failure %q)", function, failure)
	})
}

// domainSides counts, per account, the custom domain's resources in the
// simulated cloud: domains, shares' principals, accepted shares,
// associations (by endpoint) and zones with an alias.
type domainSides struct {
	domains      int
	principals   []string
	accepted     []string
	associations map[string]string // vpce -> account
	zones        map[string]string // VPC -> account
}

func domainState(s *engineStack) domainSides {
	d := domainSides{associations: map[string]string{}, zones: map[string]string{}}
	s.cloudView(func(c *fakeaws.Cloud) {
		for _, x := range c.Domains {
			d.domains++
			assert.Equal(s.t, "111111111111", x.Account, "the domain is the producer's")
			assert.Len(s.t, x.Mappings, 1, "the stage is mapped")
		}
		for _, sh := range c.Shares {
			d.principals = append(d.principals, sh.Principals...)
			d.accepted = append(d.accepted, sh.Accepted...)
		}
		for _, a := range c.DomainAssociations {
			d.associations[a.Vpce] = a.Account
		}
		for _, z := range c.Zones {
			assert.Lenf(s.t, z.Records, 1, "zone %s holds the alias", z.Name)
			for _, v := range z.Vpcs {
				d.zones[v] = z.Account
			}
		}
	})
	return d
}

// TestCustomDomainJoinsARunningStack: a domain added to the running dev
// stack is created, shared, accepted, associated and resolved, and the probe
// calls it through the fifth form; a consumer added gets its own side, and
// removed, loses it while the other keeps answering; the domain removed
// goes with every side of it. Every call runs under the printed roles.
func TestCustomDomainJoinsARunningStack(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	// Changes propagate as in AWS: a stage, a new endpoint's name and a new
	// association answer after a few calls, which the probe rides out.
	require.NoError(t, s.cloud.Update(func(c *fakeaws.Cloud) error { c.PropagationCalls = 2; return nil }))
	s.mustUp()
	requireProbeGreen(t, s, "app", 4)

	s.step(t, "the domain is added to the running stack", func(t *testing.T) {
		s.editConfig("api", devApiWithDomain())
		s.mustUp()
		endpoint := s.apiState().api.VpcEndpointIds[0]
		d := domainState(s)
		assert.Equal(t, 1, d.domains)
		assert.Equal(t, []string{"222222222222"}, d.principals)
		assert.Equal(t, []string{"222222222222"}, d.accepted, "the consumer accepted the share")
		assert.Equal(t, map[string]string{endpoint: "222222222222"}, d.associations)
		assert.Len(t, d.zones, 1)
		for _, account := range d.zones {
			assert.Equal(t, "222222222222", account, "the zone is the consumer's")
		}
		requireProbeGreen(t, s, "app", 5)
		urls := s.outputs()["consumers"].Value.(map[string]any)["app"].(map[string]any)["invokeUrls"].(map[string]any)
		assert.Equal(t, "https://"+testDomain, urls["customDomain"])
		requireDomainServes(t, s, probeFunction(t, s, "app"))
	})

	batch := devConsumer("batch", "777777777777", "10.30.0.0/24", 2)
	app := devConsumer("app", "222222222222", "10.20.0.0/24", 2)
	s.step(t, "a consumer is added and gets its own side", func(t *testing.T) {
		s.editConfig("consumers", []any{app, batch})
		s.mustUp()
		d := domainState(s)
		assert.ElementsMatch(t, []string{"222222222222", "777777777777"}, d.accepted)
		assert.Len(t, d.associations, 2)
		assert.Len(t, d.zones, 2)
		requireProbeGreen(t, s, "batch", 5)
		requireDomainServes(t, s, probeFunction(t, s, "app"))
		requireDomainServes(t, s, probeFunction(t, s, "batch"))
	})

	s.step(t, "the consumer is removed; its association and zone go, the other keeps answering", func(t *testing.T) {
		appFunction := probeFunction(t, s, "app")
		s.editConfig("consumers", []any{app})
		s.mustUp()
		d := domainState(s)
		assert.Equal(t, []string{"222222222222"}, d.principals, "the removed account is no longer a principal")
		assert.Len(t, d.associations, 1)
		for _, account := range d.associations {
			assert.Equal(t, "222222222222", account)
		}
		assert.Len(t, d.zones, 1)
		requireDomainServes(t, s, appFunction)
	})

	s.step(t, "the domain is removed, every side of it first", func(t *testing.T) {
		// The file without the domain alone no longer deletes its types:
		// the roles printed with --deployed (docs/roles-and-state.md).
		s.transitionRoles = true
		appFunction := probeFunction(t, s, "app")
		s.editConfig("api", devApi())
		s.mustUp()
		d := domainState(s)
		assert.Zero(t, d.domains)
		assert.Empty(t, d.associations)
		assert.Empty(t, d.zones)
		assert.Empty(t, d.principals)
		s.cloudView(func(c *fakeaws.Cloud) {
			_, failure := c.CallFrom(appFunction, "https://"+testDomain+"/")
			assert.Equal(t, "dns", failure, "the name no longer resolves")
		})
		requireProbeGreen(t, s, "app", 4)
	})
}

// TestCustomDomainInTheSplitTopology: the producer's stack creates the
// domain, its mapping and the share with the consumer's account and
// publishes customDomain; the consumer's stack, on its next up, accepts the
// share, associates its endpoint, resolves the name and probes it.
func TestCustomDomainInTheSplitTopology(t *testing.T) {
	t.Parallel()
	app := newEngineStack(t, "orders-app", withStackFile(consumerStackFile("app", "222222222222", "10.20.0.0/24")))
	producerFile := strings.Replace(string(producerStackFile("app")), "  xaccount-api:api:\n    stageName: dev\n",
		"  xaccount-api:api:\n    stageName: dev\n    customDomain: {name: "+testDomain+", certificateArn: \""+testCertificate+"\"}\n", 1)
	require.Contains(t, producerFile, "customDomain")
	producer := newEngineStack(t, "orders", besides(app), withStackFile([]byte(producerFile)))
	require.NoError(t, app.cloud.Update(func(c *fakeaws.Cloud) error { c.PropagationCalls = 2; return nil }))
	app.mustUp() // bootstrap 1: the endpoint
	if !producer.step(t, "the producer creates and shares the domain", func(t *testing.T) {
		producer.mustUp()
		d := domainState(producer)
		assert.Equal(t, 1, d.domains)
		assert.Equal(t, []string{"222222222222"}, d.principals)
		assert.Empty(t, d.accepted, "not accepted before the consumer's stack runs")
		published, ok := producer.outputs()["customDomain"].Value.(map[string]any)
		require.True(t, ok, "the producer publishes customDomain")
		assert.Equal(t, testDomain, published["name"])
		assert.NotEmpty(t, published["shareArn"])
	}) {
		return
	}
	if !app.step(t, "the consumer's next up accepts, associates, resolves and probes it", func(t *testing.T) {
		app.mustUp()
		d := domainState(app)
		assert.Equal(t, []string{"222222222222"}, d.accepted)
		assert.Equal(t, map[string]string{endpointOf(t, app): "222222222222"}, d.associations)
		assert.Len(t, d.zones, 1)
		requireProbeGreen(t, app, "app", 5)
		requireDomainServes(t, app, probeFunction(t, app, "app"))
		requireNoChanges(t, app)
	}) {
		return
	}
	withDomain := func(consumers ...string) []byte {
		return []byte(strings.Replace(string(producerStackFile(consumers...)), "  xaccount-api:api:\n    stageName: dev\n",
			"  xaccount-api:api:\n    stageName: dev\n    customDomain: {name: "+testDomain+", certificateArn: \""+testCertificate+"\"}\n", 1))
	}
	batch := newEngineStack(t, "orders-batch", besides(app), withStackFile(consumerStackFile("batch", "333333333333", "10.30.0.0/24")))
	if !batch.step(t, "a second consumer stack joins the domain", func(t *testing.T) {
		batch.mustUp()
		producer.editStackFile(withDomain("app", "batch"))
		producer.mustUp()
		batch.mustUp()
		d := domainState(batch)
		assert.ElementsMatch(t, []string{"222222222222", "333333333333"}, d.accepted)
		assert.Len(t, d.associations, 2)
		assert.Equal(t, "333333333333", d.associations[endpointOf(t, batch)])
		requireProbeGreen(t, batch, "batch", 5)
		requireDomainServes(t, app, probeFunction(t, app, "app"))
	}) {
		return
	}
	batch.step(t, "removed in the documented order; the other keeps answering", func(t *testing.T) {
		producer.editStackFile(withDomain("app"))
		producer.mustUp()
		// Batch's roles still cover its domain side: a consumer stack's
		// roles are planned as listed by its producer (plan.RunForRoles).
		batch.mustUp()
		d := domainState(batch)
		assert.Equal(t, []string{"222222222222"}, d.principals)
		assert.Equal(t, map[string]string{endpointOf(t, app): "222222222222"}, d.associations, "batch's association is gone")
		assert.Len(t, d.zones, 1, "and its zone")
		requireDomainServes(t, app, probeFunction(t, app, "app"))
	})
}

// TestCustomDomainShareOutlivesTheFirstConsumerOfItsAccount: two consumers
// in one account share one accepter, named by the account. Removing the
// first keeps the account in the share and the other answering through the
// domain (an accepter named after the first consumer was deleted, which
// took the whole account out of the share, while a new one found no
// invitation); flipping sameOrganization on drops the accepter without the
// account leaving the share.
func TestCustomDomainShareOutlivesTheFirstConsumerOfItsAccount(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	app := devConsumer("app", "222222222222", "10.20.0.0/24", 2)
	batch := devConsumer("batch", "222222222222", "10.30.0.0/24", 2)
	s.editConfig("consumers", []any{app, batch})
	s.editConfig("api", devApiWithDomain())
	if !s.step(t, "two consumers of one account, one acceptance", func(t *testing.T) {
		s.mustUp()
		d := domainState(s)
		assert.Equal(t, []string{"222222222222"}, d.accepted)
		assert.Len(t, d.associations, 2)
		requireDomainServes(t, s, probeFunction(t, s, "batch"))
	}) {
		return
	}
	batchFunction := probeFunction(t, s, "batch")
	if !s.step(t, "the first consumer of the account removed: the other keeps the domain", func(t *testing.T) {
		// Its probe's role is deleted: the deployer writes IAM only on the
		// stack's roles, so the up runs with the roles of both files
		// (--deployed), as docs/roles-and-state.md asks of a change that removes one.
		s.transitionRoles = true
		s.editConfig("consumers", []any{batch})
		s.mustUp()
		d := domainState(s)
		assert.Equal(t, []string{"222222222222"}, d.principals, "the account is still a principal")
		assert.Equal(t, []string{"222222222222"}, d.accepted, "and still accepted")
		assert.Len(t, d.associations, 1)
		requireDomainServes(t, s, batchFunction)
		requireNoChanges(t, s)
	}) {
		return
	}
	s.step(t, "sameOrganization turned on: RAM accepts, the accepter goes, the account stays", func(t *testing.T) {
		require.NoError(t, s.cloud.Update(func(c *fakeaws.Cloud) error {
			c.Organizations = map[string]string{"111111111111": "o-abcdefghij", "222222222222": "o-abcdefghij"}
			return nil
		}))
		api := devApiWithDomain()
		api["customDomain"].(map[string]any)["sameOrganization"] = true
		s.editConfig("api", api)
		s.mustUp()
		d := domainState(s)
		assert.Equal(t, []string{"222222222222"}, d.accepted, "deleting the accepter did not take the account out")
		requireDomainServes(t, s, batchFunction)
	})
}

// warnings are the messages of the warnings an operation's events carry.
func warnings(r result) []string {
	var out []string
	for _, e := range r.events {
		if d := e.DiagnosticEvent; d != nil && d.Severity == "warning" {
			out = append(out, d.Message)
		}
	}
	return out
}

// rerunCommand is the URN in the probe's "pulumi up --replace '<urn>'"
// warning, "" when no warning names one.
func rerunCommand(r result) string {
	for _, w := range warnings(r) {
		if m := regexp.MustCompile(`pulumi up --replace '([^']+)'`).FindStringSubmatch(w); m != nil {
			return m[1]
		}
	}
	return ""
}

// TestANewDomainIsPendingNotFailed: AWS documents about 15 minutes before a
// new domain name access association answers, more than the probe waits.
// With the simulated association refusing longer than the probe's retries,
// the up that adds the domain succeeds: the four execute-api forms answer,
// the domain form is recorded pending with AWS's time, and the update warns
// with the command that runs the probe again (the invocation's URN, as a
// no-change preview repeats). That command, run later, gets 200 through the
// domain and no warning.
func TestANewDomainIsPendingNotFailed(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev", withSeed(func(store *fakeaws.Store) error {
		return store.Update(func(c *fakeaws.Cloud) error {
			c.AssociationPropagationCalls = components.ProbeMaxAttempts + 2
			return nil
		})
	}))
	s.mustUp()
	requireProbeGreen(t, s, "app", 4)

	s.editConfig("api", devApiWithDomain())
	added := s.mustUp()
	results := probeResults(t, s, "app")
	require.Len(t, results, 5)
	for form, v := range results {
		r := v.(map[string]any)
		if form == components.InvokeCustomDomain {
			continue
		}
		assert.Equalf(t, true, r["ok"], "%s: %v", form, r)
		assert.Equalf(t, float64(200), r["status"], form)
	}
	domain := results[components.InvokeCustomDomain].(map[string]any)
	assert.Equal(t, false, domain["ok"])
	assert.Equal(t, true, domain["pending"], "not ready yet is pending, not failed")
	assert.Equal(t, float64(403), domain["status"])
	assert.Equal(t, "ForbiddenException", domain["errorType"])
	assert.Equal(t, float64(components.ProbeMaxAttempts), domain["attempts"], "after every retry")
	assert.Contains(t, domain["diagnosis"], "AWS documents about 15 minutes")

	urn := rerunCommand(added)
	require.NotEmptyf(t, urn, "the update warns how to run the probe again: %v", warnings(added))
	typ, name := urnTypeName(urn)
	assert.Equal(t, "aws:lambda/invocation:Invocation", typ)
	assert.Equal(t, "xaccount-api-app-probe-invocation", name)
	exported, err := s.stack.Export(testContext(t))
	require.NoError(t, err)
	assert.Contains(t, string(exported.Deployment), `"urn": "`+urn+`"`, "the warning names the invocation's URN in the state")
	assert.Equal(t, urn, rerunCommand(s.preview()), "the warning stays until the probe runs again")

	before := invokes(s)
	rerun := s.run(func(ctx context.Context, out, errOut *bytes.Buffer, ch chan<- events.EngineEvent) error {
		_, err := s.stack.Up(ctx, optup.ProgressStreams(out), optup.ErrorProgressStreams(errOut), optup.EventStreams(ch), optup.Replace([]string{urn}))
		return err
	})
	require.NoErrorf(t, rerun.err, "pulumi up --replace failed:\n%s\n%s", rerun.out, rerun.errOut)
	assert.Equal(t, before+1, invokes(s), "replacing the invocation runs the probe")
	requireProbeGreen(t, s, "app", 5)
	assert.Empty(t, rerunCommand(rerun), "nothing pending, no warning")
	requireDomainServes(t, s, probeFunction(t, s, "app"))
}

// TestCustomDomainInvitationExpiresAndIsSentAgain: in the split topology a
// consumer stack that runs more than 12 hours after the producer's up finds
// the RAM invitation expired (the accepter's error) and RAM took the account
// out of the share; the producer's published reinvite command (an up with
// refresh) finds the principal association gone and creates it again,
// which sends a new invitation, and the consumer's next up accepts it and
// answers through the domain.
func TestCustomDomainInvitationExpiresAndIsSentAgain(t *testing.T) {
	t.Parallel()
	app := newEngineStack(t, "orders-app", withStackFile(consumerStackFile("app", "222222222222", "10.20.0.0/24")))
	producerFile := strings.Replace(string(producerStackFile("app")), "  xaccount-api:api:\n    stageName: dev\n",
		"  xaccount-api:api:\n    stageName: dev\n    customDomain: {name: "+testDomain+", certificateArn: \""+testCertificate+"\"}\n", 1)
	producer := newEngineStack(t, "orders", besides(app), withStackFile([]byte(producerFile)))
	app.mustUp()
	producer.mustUp()
	require.NoError(t, producer.cloud.Update(func(c *fakeaws.Cloud) error {
		c.ClockSkewSeconds = 13 * 3600 // the consumer's stack runs 13 hours later
		return nil
	}))
	r := app.up()
	require.Error(t, r.err, "the invitation expired")
	assert.Contains(t, r.out+r.errOut, "invitation found", "the accepter's error")
	assert.Contains(t, r.out+r.errOut, "within 12 hours", "the consumer stack said when it must run")

	published := producer.outputs()["customDomain"].Value.(map[string]any)
	command, _ := published["reinvite"].(map[string]any)["222222222222"].(string)
	require.Equal(t, "pulumi up --stack orders --refresh", command)
	assert.Contains(t, r.out+r.errOut, command, "the consumer stack names the command")
	re := producer.run(func(ctx context.Context, out, errOut *bytes.Buffer, ch chan<- events.EngineEvent) error {
		_, err := producer.stack.Up(ctx, optup.Refresh(), optup.ProgressStreams(out), optup.ErrorProgressStreams(errOut), optup.EventStreams(ch))
		return err
	})
	require.NoErrorf(t, re.err, "the reinvite command:\n%s\n%s", re.out, re.errOut)
	app.mustUp()
	d := domainState(app)
	assert.Equal(t, []string{"222222222222"}, d.accepted)
	requireDomainServes(t, app, probeFunction(t, app, "app"))
}
