package fakeaws

import (
	"context"
	"fmt"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// otherRegion is the second region of the multi-region rules.
const otherRegion = "eu-central-1"

// regionalProvider is a fake configured for account in region through an
// assumed role that may do everything (provider: in the tests' region).
func regionalProvider(t *testing.T, store *Store, account, region string) *Provider {
	t.Helper()
	require.NoError(t, store.PutRoles(map[string]IamRole{"arn:aws:iam::" + account + ":role/deployer": {Account: account, Policy: allowAll, Trust: trustAnyone}}))
	p := New(store)
	_, err := p.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: st(t, map[string]any{
		"region": region, "allowedAccountIds": []any{account},
		"assumeRole": map[string]any{"roleArn": "arn:aws:iam::" + account + ":role/deployer"},
	})})
	require.NoError(t, err)
	return p
}

// errorAlarm is a standard-resolution alarm on API Gateway's 5XXError
// average (the error rate), as a health check takes one.
func errorAlarm(name string) map[string]any {
	return map[string]any{"name": name, "comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 1.0,
		"metricName": "5XXError", "namespace": "AWS/ApiGateway", "period": 60.0, "statistic": "Average", "threshold": 0.05,
		"dimensions": map[string]any{"ApiName": "orders"}}
}

// alarmCheck is a CLOUDWATCH_METRIC health check of the alarm name in region.
func alarmCheck(name, region string) map[string]any {
	return map[string]any{"type": "CLOUDWATCH_METRIC", "cloudwatchAlarmName": name, "cloudwatchAlarmRegion": region}
}

// healthy is the status Route 53 gives health check id of the producer.
func healthy(t *testing.T, store *Store, id string) bool {
	t.Helper()
	var h bool
	require.NoError(t, store.View(func(c *Cloud) error { h = c.healthCheckHealthy(id); return nil }))
	return h
}

// TestAHealthCheckFollowsItsAlarm: a new alarm has no data, a health check
// of it is healthy until the alarm has a state (LastKnownStatus, the
// default, with none known), unhealthy in ALARM, healthy in OK, and on
// INSUFFICIENT_DATA as insufficientDataHealthStatus says; a disabled one is
// healthy, and inverted as well unhealthy; PutMetricAlarm on the alarm
// keeps its state.
func TestAHealthCheckFollowsItsAlarm(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, producerAccount)
	scope := Scope{Account: producerAccount, Region: region}
	mustCreate(p, t, TypeMetricAlarm, errorAlarm("orders-5xx"))
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.Equal(t, AlarmInsufficientData, c.Alarms[producerAccount+"/"+region+"/orders-5xx"].State, "a new alarm has no data")
		return nil
	}))
	id, out := mustCreate(p, t, TypeHealthCheck, alarmCheck("orders-5xx", region))
	assert.Equal(t, "arn:aws:route53:::healthcheck/"+id, out["arn"])
	assert.True(t, healthy(t, store, id), "no last known status: healthy")
	require.NoError(t, store.SetAlarmState(scope, "orders-5xx", AlarmAlarm))
	assert.False(t, healthy(t, store, id), "ALARM: unhealthy")
	mustCreate(p, t, TypeMetricAlarm, errorAlarm("orders-5xx"))
	assert.False(t, healthy(t, store, id), "PutMetricAlarm on an existing alarm leaves its state")
	require.NoError(t, store.SetAlarmState(scope, "orders-5xx", AlarmInsufficientData))
	assert.False(t, healthy(t, store, id), "INSUFFICIENT_DATA after ALARM: the last known status")
	require.NoError(t, store.SetAlarmState(scope, "orders-5xx", AlarmOk))
	assert.True(t, healthy(t, store, id), "OK: healthy")
	require.NoError(t, store.SetAlarmState(scope, "orders-5xx", AlarmInsufficientData))
	assert.True(t, healthy(t, store, id), "INSUFFICIENT_DATA after OK: the last known status")

	unhealthyOnNoData := alarmCheck("orders-5xx", region)
	unhealthyOnNoData["insufficientDataHealthStatus"] = "Unhealthy"
	strict, _ := mustCreate(p, t, TypeHealthCheck, unhealthyOnNoData)
	assert.False(t, healthy(t, store, strict), "INSUFFICIENT_DATA with Unhealthy")

	require.NoError(t, store.SetAlarmState(scope, "orders-5xx", AlarmAlarm))
	disabled := alarmCheck("orders-5xx", region)
	disabled["disabled"] = true
	off, _ := mustCreate(p, t, TypeHealthCheck, disabled)
	assert.True(t, healthy(t, store, off), "a disabled health check is healthy whatever its alarm")
	disabled["invertHealthcheck"] = true
	drained, _ := mustCreate(p, t, TypeHealthCheck, disabled)
	assert.False(t, healthy(t, store, drained), "disabled and inverted: unhealthy whatever its alarm")

	err := store.SetAlarmState(scope, "no-such-alarm", AlarmOk)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ResourceNotFound")
	err = store.SetAlarmState(scope, "orders-5xx", "BROKEN")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InvalidFormat")
}

// TestAHealthCheckTakesOnlyAnAlarmRoute53Supports: an alarm on a basic
// health check is refused; a CLOUDWATCH_METRIC one needs an existing alarm
// of its account in the named region, standard resolution, a plain
// statistic and no metric math; the provider checks
// insufficientDataHealthStatus before any call; a read answers what Route
// 53 holds, and nothing once it is gone.
func TestAHealthCheckTakesOnlyAnAlarmRoute53Supports(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, producerAccount)
	mustCreate(p, t, TypeMetricAlarm, errorAlarm("orders-5xx"))
	basic := alarmCheck("orders-5xx", region)
	basic["type"] = "HTTPS"
	_, _, err := create(p, t, TypeHealthCheck, basic)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InvalidInput: Invalid parameter : Basic health checks must not have an metric region specified.")

	for _, in := range []map[string]any{alarmCheck("no-such-alarm", region), alarmCheck("orders-5xx", otherRegion)} {
		_, _, err = create(p, t, TypeHealthCheck, in)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "does not exist in region")
	}
	// Health checks are global: one made through eu-west-1 watches the
	// alarm of the region it names.
	central := regionalProvider(t, store, producerAccount, otherRegion)
	mustCreate(central, t, TypeMetricAlarm, errorAlarm("orders-5xx"))
	mustCreate(p, t, TypeHealthCheck, alarmCheck("orders-5xx", otherRegion))
	_, _, err = create(p, t, TypeHealthCheck, map[string]any{"type": "CLOUDWATCH_METRIC"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "must have an AlarmIdentifier")

	highResolution := errorAlarm("fast")
	highResolution["period"] = 30.0
	percentile := errorAlarm("p99")
	delete(percentile, "statistic")
	percentile["extendedStatistic"] = "p99"
	math := map[string]any{"name": "math", "comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 1.0, "threshold": 5.0,
		"metricQueries": []any{
			map[string]any{"id": "e", "expression": "100*errors", "returnData": true},
			map[string]any{"id": "errors", "metric": map[string]any{"metricName": "5XXError", "namespace": "AWS/ApiGateway", "period": 60.0, "stat": "Average"}},
		}}
	for want, alarm := range map[string]map[string]any{"high-resolution": highResolution, "extended statistic": percentile, "metric math": math} {
		mustCreate(p, t, TypeMetricAlarm, alarm)
		_, _, err = create(p, t, TypeHealthCheck, alarmCheck(alarm["name"].(string), region))
		require.Error(t, err, want)
		assert.Contains(t, err.Error(), want)
	}

	resp, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Type: TypeHealthCheck,
		Urn: "urn:pulumi:s::p::" + TypeHealthCheck + "::hc", News: st(t, map[string]any{"type": "CLOUDWATCH_METRIC", "insufficientDataHealthStatus": "Sometimes"})})
	require.NoError(t, err)
	require.Len(t, resp.GetFailures(), 1)
	assert.Contains(t, resp.GetFailures()[0].GetReason(), `expected insufficient_data_health_status to be one of`)

	tags := map[string]any{}
	for i := range 11 {
		tags[fmt.Sprintf("k%d", i)] = "v"
	}
	tagged := alarmCheck("orders-5xx", region)
	tagged["tags"] = tags
	_, _, err = create(p, t, TypeHealthCheck, tagged)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ChangeTagsForResource", "10 tags at most")

	in := alarmCheck("orders-5xx", region)
	id, out := mustCreate(p, t, TypeHealthCheck, in)
	require.NoError(t, store.Update(func(c *Cloud) error { c.HealthChecks[id].InsufficientData = "Unhealthy"; return nil }))
	read, err := p.Read(context.Background(), &pulumirpc.ReadRequest{Id: id, Urn: "urn:pulumi:s::p::" + TypeHealthCheck + "::hc", Properties: st(t, out)})
	require.NoError(t, err)
	assert.Equal(t, "Unhealthy", read.GetProperties().AsMap()["insufficientDataHealthStatus"], "the read answers what Route 53 holds")
	require.NoError(t, del(p, t, TypeHealthCheck, id, out))
	read, err = p.Read(context.Background(), &pulumirpc.ReadRequest{Id: id, Urn: "urn:pulumi:s::p::" + TypeHealthCheck + "::hc", Properties: st(t, out)})
	require.NoError(t, err)
	assert.Empty(t, read.GetId(), "gone")
}

// TestRoutedRecordRules: a failover or latency record needs a set
// identifier (the provider's plan-time check) and a set identifier a
// policy; its health check must exist; one name and type holds one routing
// policy, one PRIMARY and one SECONDARY, one latency record per region; a
// read answers the routing Route 53 holds; a delete takes the record of its
// set identifier.
func TestRoutedRecordRules(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, producerAccount)
	vpc, endpoint := consumerEndpoint(t, p)
	zone, _ := mustCreate(p, t, TypeZone, map[string]any{"name": "orders.example.com", "vpcs": []any{map[string]any{"vpcId": vpc}}})
	mustCreate(p, t, TypeMetricAlarm, errorAlarm("orders-5xx"))
	hc, _ := mustCreate(p, t, TypeHealthCheck, alarmCheck("orders-5xx", region))
	record := func(setId string, policy map[string]any) map[string]any {
		in := map[string]any{"zoneId": zone, "name": "orders.example.com", "type": "A", "healthCheckId": hc,
			"aliases": []any{map[string]any{"name": endpoint + "-x.execute-api.eu-west-1.vpce.amazonaws.com", "zoneId": "Z1", "evaluateTargetHealth": true}}}
		if setId != "" {
			in["setIdentifier"] = setId
		}
		for k, v := range policy {
			in[k] = v
		}
		return in
	}
	primary := map[string]any{"failoverRoutingPolicies": []any{map[string]any{"type": "PRIMARY"}}}
	secondary := map[string]any{"failoverRoutingPolicies": []any{map[string]any{"type": "SECONDARY"}}}
	latency := func(r string) map[string]any {
		return map[string]any{"latencyRoutingPolicies": []any{map[string]any{"region": r}}}
	}

	check := func(in map[string]any) []string {
		resp, err := p.Check(context.Background(), &pulumirpc.CheckRequest{Type: TypeRecord, Urn: "urn:pulumi:s::p::" + TypeRecord + "::r", News: st(t, in)})
		require.NoError(t, err)
		var reasons []string
		for _, f := range resp.GetFailures() {
			reasons = append(reasons, f.GetReason())
		}
		return reasons
	}
	assert.Contains(t, check(record("", primary)), "\"failover_routing_policy\": all of `failover_routing_policy,set_identifier` must be specified")
	assert.Contains(t, check(record("", latency(region))), "\"latency_routing_policy\": all of `latency_routing_policy,set_identifier` must be specified")
	both := record("x", primary)
	both["latencyRoutingPolicies"] = latency(region)["latencyRoutingPolicies"]
	assert.Contains(t, check(both), `"failover_routing_policy": conflicts with latency_routing_policy`)
	assert.Contains(t, check(record("x", map[string]any{"failoverRoutingPolicies": []any{map[string]any{"type": "TERTIARY"}}})),
		`expected failover_routing_policy.0.type to be one of ["PRIMARY" "SECONDARY"], got TERTIARY`)
	assert.Empty(t, check(record("west", primary)))

	refused := func(in map[string]any, want string) {
		t.Helper()
		_, _, err := create(p, t, TypeRecord, in)
		require.Error(t, err)
		assert.Contains(t, err.Error(), want)
	}
	refused(record("lonely", nil), "without a routing policy")
	refused(record("", primary), "Missing field 'SetIdentifier'")
	noSuchCheck := record("west", primary)
	noSuchCheck["healthCheckId"] = "00000000-0000-0000-0000-000000000000"
	refused(noSuchCheck, "NoSuchHealthCheck")

	westId, westOut := mustCreate(p, t, TypeRecord, record("west", primary))
	assert.Equal(t, zone+"_orders.example.com_A_west", westId, "the provider's ID ends in the set identifier")
	refused(record("west", secondary), "set-identifier='west'] but it already exists")
	refused(record("west-2", primary), "PRIMARY failover record [set-identifier='west'] already exists")
	refused(record("", nil), "cannot be created as a non-failover set exists")
	refused(record("fast", latency(region)), "cannot be created as a non-latency set exists")
	centralId, centralOut := mustCreate(p, t, TypeRecord, record("central", secondary))

	read, err := p.Read(context.Background(), &pulumirpc.ReadRequest{Id: westId, Urn: "urn:pulumi:s::p::" + TypeRecord + "::r", Properties: st(t, westOut)})
	require.NoError(t, err)
	got := read.GetProperties().AsMap()
	assert.Equal(t, "west", got["setIdentifier"])
	assert.Equal(t, []any{map[string]any{"type": "PRIMARY"}}, got["failoverRoutingPolicies"], "the read answers the routing policy")
	assert.Equal(t, hc, got["healthCheckId"])

	require.NoError(t, del(p, t, TypeRecord, centralId, centralOut))
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.Contains(t, c.Zones[zone].Records, "orders.example.com A west", "the delete took the record of its set identifier only")
		assert.NotContains(t, c.Zones[zone].Records, "orders.example.com A central")
		return nil
	}))
	require.NoError(t, del(p, t, TypeRecord, westId, westOut))
	read, err = p.Read(context.Background(), &pulumirpc.ReadRequest{Id: westId, Urn: "urn:pulumi:s::p::" + TypeRecord + "::r", Properties: st(t, westOut)})
	require.NoError(t, err)
	assert.Empty(t, read.GetId(), "a record that is gone reads as gone")

	// Latency: one record per region; no simple record beside them.
	mustCreate(p, t, TypeRecord, record("west", latency(region)))
	refused(record("west-again", latency(region)), "a latency record for region eu-west-1 [set-identifier='west'] already exists")
	mustCreate(p, t, TypeRecord, record("central", latency(otherRegion)))
	refused(record("", nil), "cannot be created as a non-latency set exists")
}

// twoRegions is a private API in two regions behind one private custom
// domain name: in each region the producer's API (a MOCK on / of stage
// dev, a policy admitting everyone), its PRIVATE domain mapped at the root,
// and the consumer's endpoint in a VPC of that region associated with it
// (west: vpc-1 10.20.0.0/24, central: vpc-2 10.30.0.0/24); the consumer's
// alarm and health check per region; and a private hosted zone on both VPCs whose
// records the test writes.
type twoRegions struct {
	store              *Store
	west, central      Scope // the consumer's
	westApi, centralAp string
	westVpce, centVpce string
	zone               string
	westHc, centralHc  string
}

const (
	domainName = "orders.example.com"
	openPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}`
)

func newTwoRegions(t *testing.T) *twoRegions {
	t.Helper()
	w := &twoRegions{store: newStore(t), west: Scope{Account: consumerAccount, Region: region}, central: Scope{Account: consumerAccount, Region: otherRegion},
		westApi: "westapi001", centralAp: "centapi001", westVpce: "vpce-0aaaaaaaaaaaaaaaa", centVpce: "vpce-0cccccccccccccccc", zone: "ZMULTI"}
	require.NoError(t, w.store.Update(func(c *Cloud) error {
		for i, x := range []struct {
			scope        Scope
			api, vpce    string
			vpc, cidr, s string
		}{{w.west, w.westApi, w.westVpce, "vpc-1", "10.20.0.0/24", "10.20.0.0/25"}, {w.central, w.centralAp, w.centVpce, "vpc-2", "10.30.0.0/24", "10.30.0.0/25"}} {
			producer := Scope{Account: producerAccount, Region: x.scope.Region}
			c.Vpcs[x.vpc] = &Vpc{Scope: x.scope, Id: x.vpc, CidrBlock: x.cidr, EnableDnsSupport: true, EnableDnsHostnames: true}
			c.mainTable(c.Vpcs[x.vpc])
			c.Subnets["subnet-"+x.vpc] = &Subnet{Scope: x.scope, Id: "subnet-" + x.vpc, VpcId: x.vpc, CidrBlock: x.s}
			c.SecurityGroups["sg-"+x.vpc] = &SecurityGroup{Scope: x.scope, Id: "sg-" + x.vpc, VpcId: x.vpc, IngressCidrs: []string{"10.0.0.0/8"}}
			c.Endpoints[x.vpce] = &Endpoint{Scope: x.scope, Id: x.vpce, VpcId: x.vpc, ServiceName: "com.amazonaws." + x.scope.Region + ".execute-api",
				SubnetIds: []string{"subnet-" + x.vpc}, SecurityGroupIds: []string{"sg-" + x.vpc}, DnsSuffix: "abcd"}
			c.RestApis[x.api] = &RestApi{Scope: producer, Id: x.api, Types: []string{"PRIVATE"}, VpcEndpointIds: []string{x.vpce}, Routes: []Route{mockRoute}, Policy: openPolicy}
			c.Deployments["dep-"+x.api] = &Deployment{Scope: producer, Id: "dep-" + x.api, RestApiId: x.api, Routes: []Route{mockRoute}, Policy: openPolicy}
			c.Stages[stageKey(x.api, "dev")] = &Stage{Scope: producer, RestApiId: x.api, Name: "dev", DeploymentId: "dep-" + x.api}
			d := &DomainName{Scope: producer, Name: domainName, Id: "dom" + x.api, Policy: openPolicy, Mappings: map[string]string{"": x.api + "/dev"}}
			d.Arn = "arn:aws:apigateway:" + x.scope.Region + ":" + producerAccount + ":/domainnames/" + domainName + "+" + d.Id
			c.Domains[d.Arn] = d
			c.DomainAssociations["assoc-"+x.vpce] = &DomainAssociation{Scope: x.scope, Arn: "assoc-" + x.vpce, DomainArn: d.Arn, Vpce: x.vpce}
			name := "orders-5xx-" + x.scope.Region
			// A health check watches an alarm of its own account (AlarmIdentifier
			// names only a region and a name), and a record names a health check
			// of the zone's account: here the consumer's.
			c.Alarms[consumerAccount+"/"+x.scope.Region+"/"+name] = &Alarm{Scope: x.scope, Name: name, Period: 60, Statistic: "Average", State: AlarmInsufficientData}
			hc := "hc-" + x.scope.Region
			c.HealthChecks[hc] = &HealthCheck{Account: consumerAccount, Id: hc, Type: "CLOUDWATCH_METRIC", AlarmName: name, AlarmRegion: x.scope.Region}
			if i == 0 {
				w.westHc = hc
			} else {
				w.centralHc = hc
			}
		}
		c.Zones[w.zone] = &HostedZone{Scope: w.west, Id: w.zone, Name: domainName, Vpcs: []string{"vpc-1", "vpc-2"}, Records: map[string]*ZoneRecord{}}
		return nil
	}))
	return w
}

// alias is a routed alias record to the endpoint vpce with health check hc.
func (w *twoRegions) alias(vpce, region, setId, hc string) *ZoneRecord {
	return &ZoneRecord{Name: domainName, Type: "A", AliasName: vpce + "-abcd.execute-api." + region + ".vpce.amazonaws.com", EvaluateTargetHealth: true,
		SetIdentifier: setId, HealthCheckId: hc}
}

// put writes records into the zone.
func (w *twoRegions) put(t *testing.T, records ...*ZoneRecord) {
	t.Helper()
	require.NoError(t, w.store.Update(func(c *Cloud) error {
		for _, r := range records {
			c.Zones[w.zone].Records[recordKey(r.Name, r.Type, r.SetIdentifier)] = r
		}
		return nil
	}))
}

// alarm sets the consumer's alarm of region to state.
func (w *twoRegions) alarm(t *testing.T, region, state string) {
	t.Helper()
	require.NoError(t, w.store.SetAlarmState(Scope{Account: consumerAccount, Region: region}, "orders-5xx-"+region, state))
}

// call is a workload of vpc (in scope) calling url.
func (w *twoRegions) call(t *testing.T, scope Scope, vpc, cidr, url string) CallAnswer {
	t.Helper()
	var a CallAnswer
	require.NoError(t, w.store.Update(func(c *Cloud) error { a = c.AnswerWorkload(scope, vpc, cidr, url, nil); return nil }))
	return a
}

// TestFailoverAnswersByTheHealthChecks: the VPC's resolver answers the
// PRIMARY record while its health check is healthy, the SECONDARY when the
// primary's is unhealthy and the secondary's is not, and the primary again
// when both are; a secondary without a health check answers whenever the
// primary is unhealthy. The call goes to the endpoint of the answer: in the
// other region only over a network path (inter-region Transit Gateway
// peering, accepted on both sides), and it says which region answered.
func TestFailoverAnswersByTheHealthChecks(t *testing.T) {
	w := newTwoRegions(t)
	primary := w.alias(w.westVpce, region, "west", w.westHc)
	primary.Failover = "PRIMARY"
	secondary := w.alias(w.centVpce, otherRegion, "central", w.centralHc)
	secondary.Failover = "SECONDARY"
	w.put(t, primary, secondary)
	url := "https://" + domainName + "/"
	fromWest := func() CallAnswer { return w.call(t, w.west, "vpc-1", "10.20.0.0/28", url) }

	a := fromWest()
	assert.Equal(t, CallAnswer{Status: 200, Endpoint: w.westVpce, Region: region, ApiId: w.westApi}, a, "both healthy: the primary")
	w.alarm(t, region, AlarmAlarm)
	a = fromWest()
	assert.Equal(t, w.centVpce, a.Endpoint, "the primary unhealthy: the secondary")
	assert.Equal(t, "timeout", a.Failure, "no path from eu-west-1's VPC to eu-central-1's endpoint")

	require.NoError(t, w.store.SeedInterRegionTransitPath(w.west, "vpc-1", w.central, "vpc-2"))
	a = fromWest()
	assert.Equal(t, CallAnswer{Status: 200, Endpoint: w.centVpce, Region: otherRegion, ApiId: w.centralAp}, a, "over the peered gateways, answered by eu-central-1")
	require.NoError(t, w.store.Update(func(c *Cloud) error {
		g := c.TransitGateways[SeededTransitGateway(otherRegion)]
		g.Peers = nil // the peering not accepted on eu-central-1's side
		return nil
	}))
	assert.Equal(t, "timeout", fromWest().Failure, "a peering counts once both gateways have it")
	require.NoError(t, w.store.SeedInterRegionTransitPath(w.west, "vpc-1", w.central, "vpc-2"))
	require.NoError(t, w.store.Update(func(c *Cloud) error {
		// eu-central-1's VPC detached from its gateway, its route sent to
		// eu-west-1's gateway, which it cannot be attached to.
		c.TransitGateways[SeededTransitGateway(otherRegion)].Attachments = nil
		addRoute(c.mainTable(c.Vpcs["vpc-2"]), "10.20.0.0/24", SeededTransitGateway(region))
		return nil
	}))
	assert.Equal(t, "timeout", fromWest().Failure, "a peer gateway carries traffic only to and from the VPCs attached to it")
	require.NoError(t, w.store.SeedInterRegionTransitPath(w.west, "vpc-1", w.central, "vpc-2"))

	w.alarm(t, otherRegion, AlarmAlarm)
	assert.Equal(t, region, fromWest().Region, "both unhealthy: the primary")
	w.alarm(t, region, AlarmOk)
	assert.Equal(t, region, fromWest().Region, "the primary healthy, whatever the secondary")

	secondary.HealthCheckId = ""
	w.put(t, secondary)
	w.alarm(t, region, AlarmAlarm)
	assert.Equal(t, otherRegion, fromWest().Region, "a secondary without a health check answers when the primary is unhealthy")

	// Evaluate target health: the primary's endpoint gone, the secondary answers.
	w.alarm(t, region, AlarmOk)
	require.NoError(t, w.store.Update(func(c *Cloud) error { delete(c.Endpoints, w.westVpce); return nil }))
	assert.Equal(t, otherRegion, fromWest().Region, "an alias whose target is gone is unhealthy with evaluateTargetHealth")

	// A watch sees the failover as the alarm changes.
	require.NoError(t, w.store.Update(func(c *Cloud) error {
		c.Endpoints[w.westVpce] = &Endpoint{Scope: w.west, Id: w.westVpce, VpcId: "vpc-1", ServiceName: "com.amazonaws.eu-west-1.execute-api",
			SubnetIds: []string{"subnet-vpc-1"}, SecurityGroupIds: []string{"sg-vpc-1"}, DnsSuffix: "abcd"}
		c.Watches = []Watch{{Scope: w.west, VpcId: "vpc-1", Cidr: "10.20.0.0/28", Url: url}}
		return nil
	}))
	w.alarm(t, region, AlarmAlarm)
	w.alarm(t, region, AlarmOk)
	require.NoError(t, w.store.View(func(c *Cloud) error {
		require.Len(t, c.Watched, 2)
		assert.Equal(t, otherRegion, c.Watched[0].Region, "after "+c.Watched[0].After)
		assert.Equal(t, region, c.Watched[1].Region, "after "+c.Watched[1].After)
		return nil
	}))
}

// TestLatencyAnswersTheQueryingRegion: latency records answer a VPC with
// its own region's record while it is healthy, else a healthy one of
// another region, and their own again when none is healthy.
func TestLatencyAnswersTheQueryingRegion(t *testing.T) {
	w := newTwoRegions(t)
	require.NoError(t, w.store.SeedInterRegionTransitPath(w.west, "vpc-1", w.central, "vpc-2"))
	west := w.alias(w.westVpce, region, "west", w.westHc)
	west.LatencyRegion = region
	central := w.alias(w.centVpce, otherRegion, "central", w.centralHc)
	central.LatencyRegion = otherRegion
	w.put(t, west, central)
	url := "https://" + domainName + "/"
	fromWest := func() string { return w.call(t, w.west, "vpc-1", "10.20.0.0/28", url).Region }
	fromCentral := func() string { return w.call(t, w.central, "vpc-2", "10.30.0.0/28", url).Region }

	assert.Equal(t, region, fromWest())
	assert.Equal(t, otherRegion, fromCentral())
	w.alarm(t, region, AlarmAlarm)
	assert.Equal(t, otherRegion, fromWest(), "its own region unhealthy: another's")
	assert.Equal(t, otherRegion, fromCentral())
	w.alarm(t, otherRegion, AlarmAlarm)
	assert.Equal(t, region, fromWest(), "none healthy: all count as healthy, its own answers")
	assert.Equal(t, otherRegion, fromCentral())
}

// TestAnEndpointReachesOnlyItsOwnRegionsApis: through eu-central-1's
// endpoint a workload of eu-west-1 reaches eu-central-1's API and not
// eu-west-1's, whatever its own region.
func TestAnEndpointReachesOnlyItsOwnRegionsApis(t *testing.T) {
	w := newTwoRegions(t)
	require.NoError(t, w.store.SeedInterRegionTransitPath(w.west, "vpc-1", w.central, "vpc-2"))
	via := func(api string) CallAnswer {
		return w.call(t, w.west, "vpc-1", "10.20.0.0/28", "https://"+api+"-"+w.centVpce+".execute-api."+otherRegion+".amazonaws.com/dev/")
	}
	assert.Equal(t, CallAnswer{Status: 200, Endpoint: w.centVpce, Region: otherRegion, ApiId: w.centralAp}, via(w.centralAp))
	require.NoError(t, w.store.Update(func(c *Cloud) error {
		c.RestApis[w.westApi].VpcEndpointIds = append(c.RestApis[w.westApi].VpcEndpointIds, w.centVpce)
		return nil
	}))
	a := via(w.westApi)
	assert.Equal(t, 403, a.Status, "eu-west-1's API is not behind eu-central-1's endpoint")
	assert.Empty(t, a.ApiId)
}

// TestARecordMayNameAnotherAccountsHealthCheck: a record of a consumer
// account's zone may name the producer account's health check (AWS re:Post
// knowledge center, "How do I associate a Route 53 health check in a
// different AWS account with my record set?"), and is answered by its
// status.
func TestARecordMayNameAnotherAccountsHealthCheck(t *testing.T) {
	store := newStore(t)
	producer := provider(t, store, producerAccount)
	mustCreate(producer, t, TypeMetricAlarm, errorAlarm("orders-5xx"))
	hc, _ := mustCreate(producer, t, TypeHealthCheck, alarmCheck("orders-5xx", region))
	consumer := regionalProvider(t, store, consumerAccount, region)
	vpc, endpoint := consumerEndpoint(t, consumer)
	zone, _ := mustCreate(consumer, t, TypeZone, map[string]any{"name": "orders.example.com", "vpcs": []any{map[string]any{"vpcId": vpc}}})
	_, out := mustCreate(consumer, t, TypeRecord, map[string]any{"zoneId": zone, "name": "orders.example.com", "type": "A", "healthCheckId": hc,
		"setIdentifier": "west", "failoverRoutingPolicies": []any{map[string]any{"type": "PRIMARY"}},
		"aliases": []any{map[string]any{"name": endpoint + "-x.execute-api.eu-west-1.vpce.amazonaws.com", "zoneId": "Z1", "evaluateTargetHealth": true}}})
	assert.Equal(t, hc, out["healthCheckId"])

	// Answered by the producer's health check: the primary unhealthy, the
	// secondary answers (the primary's target health left out: its alias
	// names no endpoint here).
	require.NoError(t, store.Update(func(c *Cloud) error {
		c.Zones[zone].Records[recordKey("orders.example.com", "A", "west")].EvaluateTargetHealth = false
		return nil
	}))
	mustCreate(consumer, t, TypeRecord, map[string]any{"zoneId": zone, "name": "orders.example.com", "type": "A",
		"setIdentifier": "central", "failoverRoutingPolicies": []any{map[string]any{"type": "SECONDARY"}},
		"aliases": []any{map[string]any{"name": "vpce-other-x.execute-api.eu-west-1.vpce.amazonaws.com", "zoneId": "Z1"}}})
	answered := func() string {
		var set string
		require.NoError(t, store.View(func(c *Cloud) error {
			set = c.answer(c.Zones[zone], "orders.example.com", "A", region).SetIdentifier
			return nil
		}))
		return set
	}
	assert.Equal(t, "west", answered())
	require.NoError(t, store.SetAlarmState(Scope{Account: producerAccount, Region: region}, "orders-5xx", AlarmAlarm))
	assert.Equal(t, "central", answered(), "the producer's health check unhealthy: the secondary")
}
