package fakeaws

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spokeWorld is the call world with a second VPC (a spoke of another
// account) whose workload calls the world's endpoint (the hub) by its
// {api}-{vpce} alias name; the endpoint's group admits the spoke's range.
func spokeWorld(t *testing.T, policyJson string) (*callWorld, *Function) {
	t.Helper()
	w := newCallWorld([]Route{mockRoute}, policyJson)
	spoke := Scope{Account: "333333333333", Region: region}
	w.c.Vpcs["vpc-2"] = &Vpc{Scope: spoke, Id: "vpc-2", CidrBlock: "10.30.0.0/24", EnableDnsSupport: true, EnableDnsHostnames: true}
	w.c.Subnets["subnet-2"] = &Subnet{Scope: spoke, Id: "subnet-2", VpcId: "vpc-2", CidrBlock: "10.30.0.0/25", AvailabilityZone: region + "a"}
	w.c.SecurityGroups["sg-spoke"] = &SecurityGroup{Scope: spoke, Id: "sg-spoke", VpcId: "vpc-2", EgressCidrs: []string{"0.0.0.0/0"}}
	w.c.SecurityGroups["sg-ep"].IngressCidrs = append(w.c.SecurityGroups["sg-ep"].IngressCidrs, "10.30.0.0/24")
	f := &Function{Scope: spoke, Name: "spoke", VpcId: "vpc-2", SubnetIds: []string{"subnet-2"}, SecurityGroupIds: []string{"sg-spoke"}}
	return w, f
}

const aliasUrl = "https://" + worldApi + "-" + worldVpce + ".execute-api.eu-west-1.amazonaws.com/dev/"

// TestAnotherVpcReachesAnEndpointOnlyOverATransitPath: a workload of
// another VPC reaches the endpoint only when both VPCs are attached to a
// Transit Gateway and route each other's range to it (routes.go); without
// that the call times out.
func TestAnotherVpcReachesAnEndpointOnlyOverATransitPath(t *testing.T) {
	w, f := spokeWorld(t, resourcePolicy(`"*"`))
	r := w.c.simulateCall(f, aliasUrl, nil, false)
	assert.Equal(t, "timeout", r.Failure, "no path from the spoke VPC")
	w.c.joinOverTransitGateway(w.c.Vpcs["vpc-2"], w.c.Vpcs["vpc-1"])
	r = w.c.simulateCall(f, aliasUrl, nil, false)
	assert.Equal(t, 200, r.Status, "over the Transit Gateway (%s %s)", r.Failure, r.Detail)
	// The endpoint's private DNS answers only in its own VPC.
	r = w.c.simulateCall(f, "https://"+worldApi+".execute-api.eu-west-1.amazonaws.com/dev/", nil, false)
	assert.Equal(t, "dns", r.Failure, "the API's own name does not resolve in the spoke")
}

// TestAGroupReferenceDoesNotCrossTheTransitGateway: a workload of another
// VPC whose group allows 443 out to the endpoint's group only (not to its
// range) gets no path over the Transit Gateway, whose security group
// referencing is off by default; 443 out to the endpoint VPC's range does.
func TestAGroupReferenceDoesNotCrossTheTransitGateway(t *testing.T) {
	w, f := spokeWorld(t, resourcePolicy(`"*"`))
	w.c.joinOverTransitGateway(w.c.Vpcs["vpc-2"], w.c.Vpcs["vpc-1"])
	g := w.c.SecurityGroups["sg-spoke"]
	g.EgressCidrs, g.EgressGroups = nil, []string{"sg-ep"}
	r := w.c.simulateCall(f, aliasUrl, nil, false)
	assert.Equal(t, "timeout", r.Failure, "a rule naming the endpoint's group does not reach across VPCs")
	g.EgressCidrs = []string{w.c.Vpcs["vpc-1"].CidrBlock}
	r = w.c.simulateCall(f, aliasUrl, nil, false)
	assert.Equalf(t, 200, r.Status, "443 out to the endpoint VPC's range (%s %s)", r.Failure, r.Detail)
}

// TestAPrivateNatGatewayIsTheSourceTheHubSees: through a private NAT
// gateway (Cloud.SourceNat) the endpoint's security group and the
// resource policy's aws:VpcSourceIp see the gateway's address, not the
// caller's: an Allow for the caller's subnet refuses it (403), one for the
// gateway's address admits it, and a group that does not admit the
// gateway's address keeps it out.
func TestAPrivateNatGatewayIsTheSourceTheHubSees(t *testing.T) {
	allowFrom := func(cidr string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:111111111111:abcde12345/*","Condition":{"StringEquals":{"aws:SourceVpce":"` + worldVpce + `"},"IpAddress":{"aws:VpcSourceIp":"` + cidr + `"}}}]}`
	}
	for cidr, want := range map[string]int{"10.30.0.0/25": 403, "10.30.0.200/32": 200} {
		w, f := spokeWorld(t, allowFrom(cidr))
		w.c.joinOverTransitGateway(w.c.Vpcs["vpc-2"], w.c.Vpcs["vpc-1"])
		w.c.SourceNat = map[string]string{transitKey(f.Scope, "vpc-2"): "10.30.0.200"}
		r := w.c.simulateCall(f, aliasUrl, nil, false)
		assert.Equalf(t, want, r.Status, "allowed from %s, the NAT gateway's address 10.30.0.200 (%s %s %s)", cidr, r.Failure, r.ErrorType, r.Body)
		w.c.SecurityGroups["sg-ep"].IngressCidrs = []string{"10.30.0.0/25"}
		r = w.c.simulateCall(f, aliasUrl, nil, false)
		assert.Equal(t, "timeout", r.Failure, "the group admits the caller's subnet, not the NAT gateway's address")
	}
}

// TestResourcePolicyTellsCallersApartByVpcSourceIp: the resource policy sees
// the caller's own address as aws:VpcSourceIp: an Allow for the spoke's
// range admits it, an Allow for another range refuses it (no Allow).
func TestResourcePolicyTellsCallersApartByVpcSourceIp(t *testing.T) {
	allowFrom := func(cidr string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:111111111111:abcde12345/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"` + worldVpce + `"}}},` +
			`{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:111111111111:abcde12345/*","Condition":{"StringEquals":{"aws:SourceVpce":"` + worldVpce + `"},"IpAddress":{"aws:VpcSourceIp":"` + cidr + `"}}}]}`
	}
	for cidr, want := range map[string]int{"10.30.0.0/24": 200, "10.40.0.0/24": 403} {
		w, f := spokeWorld(t, allowFrom(cidr))
		w.c.joinOverTransitGateway(w.c.Vpcs["vpc-2"], w.c.Vpcs["vpc-1"])
		assert.Equal(t, "10.30.0.4", w.c.sourceIp(f), "the first address AWS hands out in the subnet")
		r := w.c.simulateCall(f, aliasUrl, nil, false)
		require.Equalf(t, want, r.Status, "allowed from %s (%s %s)", cidr, r.ErrorType, r.Body)
		if want == 403 {
			assert.Equal(t, "AccessDeniedException", r.ErrorType)
			assert.NotContains(t, r.Body, "explicit deny", "no Allow, not a Deny")
		}
	}
}

// TestCrossAccountZoneAssociationNeedsTheOwnersAuthorization: a VPC of
// another account is associated with a private hosted zone only after the
// zone's account has authorized it (NotAuthorizedException before), only by
// the VPC's own account (InvalidVPCId), and only the zone's account
// authorizes (NoSuchHostedZone); deleting the authorization leaves the
// association, disassociating leaves the zone its last VPC
// (LastVPCAssociation refuses that one), and the zone goes once empty of
// records. A second association of a pair already associated is refused
// (ConflictingDomainExists).
func TestCrossAccountZoneAssociationNeedsTheOwnersAuthorization(t *testing.T) {
	store := newStore(t)
	network := provider(t, store, producerAccount)
	spoke := provider(t, store, consumerAccount)
	hubVpc, _ := mustCreate(network, t, TypeVpc, map[string]any{"cidrBlock": "10.90.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	spokeVpc, _ := mustCreate(spoke, t, TypeVpc, map[string]any{"cidrBlock": "10.30.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	zone, _ := mustCreate(network, t, TypeZone, map[string]any{"name": "abcde12345.execute-api.eu-west-1.amazonaws.com", "vpcs": []any{map[string]any{"vpcId": hubVpc}}})
	association := map[string]any{"zoneId": zone, "vpcId": spokeVpc, "vpcRegion": region}

	_, _, err := create(spoke, t, TypeZoneAssociation, association)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NotAuthorizedException", "not authorized by the zone's account")
	_, _, err = create(spoke, t, TypeVpcAssociationAuthorization, association)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NoSuchHostedZone", "only the zone's account authorizes")
	_, _, err = create(network, t, TypeZoneAssociation, association)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InvalidVPCId", "only the VPC's account associates it")

	authId, _ := mustCreate(network, t, TypeVpcAssociationAuthorization, association)
	assocId, _ := mustCreate(spoke, t, TypeZoneAssociation, association)
	_, _, err = create(spoke, t, TypeZoneAssociation, association)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ConflictingDomainExists", "a second association of the same pair (a spoke renamed, the new one made first)")
	require.NoError(t, del(network, t, TypeVpcAssociationAuthorization, authId, association))
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.ElementsMatch(t, []string{hubVpc, spokeVpc}, c.Zones[zone].Vpcs, "the association outlives its authorization")
		return nil
	}))
	require.NoError(t, del(spoke, t, TypeZoneAssociation, assocId, association))
	err = del(network, t, TypeZoneAssociation, "x", map[string]any{"zoneId": zone, "vpcId": hubVpc})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "LastVPCAssociation")
	require.NoError(t, del(network, t, TypeZone, zone, nil))
}

// TestAZoneGivesTheApisNameOnlyInItsVpcs: an API's own name in a private
// hosted zone with an alias to an endpoint answers, as a call to that
// endpoint with the name's API ID, only in the VPCs associated with the
// zone.
func TestAZoneGivesTheApisNameOnlyInItsVpcs(t *testing.T) {
	w, f := spokeWorld(t, resourcePolicy(`"*"`))
	w.c.joinOverTransitGateway(w.c.Vpcs["vpc-2"], w.c.Vpcs["vpc-1"])
	w.endpoint.PrivateDns = false
	name := worldApi + ".execute-api.eu-west-1.amazonaws.com"
	zone := &HostedZone{Scope: w.endpoint.Scope, Id: "ZHUB", Name: name, Vpcs: []string{"vpc-1"}, Records: map[string]*ZoneRecord{
		name + " A": {Name: name, Type: "A", AliasName: worldVpce + "-abcd.execute-api.eu-west-1.vpce.amazonaws.com"},
	}}
	w.c.Zones = map[string]*HostedZone{zone.Id: zone}
	r := w.c.simulateCall(f, "https://"+name+"/dev/", nil, false)
	assert.Equal(t, "dns", r.Failure, "the spoke VPC is not associated yet")
	zone.Vpcs = append(zone.Vpcs, "vpc-2")
	r = w.c.simulateCall(f, "https://"+name+"/dev/", nil, false)
	assert.Equal(t, 200, r.Status, "through the zone's alias to the hub endpoint (%s %s)", r.Failure, r.Detail)
}

// TestAZoneUpdateKeepsItsSeparateAssociations: updating the zone (its
// comment, with vpcs as they were) leaves the spoke VPC that a
// ZoneAssociation put on it; a second zone of the same name refuses that
// VPC (ConflictingDomainExists); the 301st VPC of a zone and the 101st
// authorization are refused.
func TestAZoneUpdateKeepsItsSeparateAssociations(t *testing.T) {
	store := newStore(t)
	network := provider(t, store, producerAccount)
	spoke := provider(t, store, consumerAccount)
	hubVpc, _ := mustCreate(network, t, TypeVpc, map[string]any{"cidrBlock": "10.90.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	spokeVpc, _ := mustCreate(spoke, t, TypeVpc, map[string]any{"cidrBlock": "10.30.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	const name = "abcde12345.execute-api.eu-west-1.amazonaws.com"
	in := map[string]any{"name": name, "comment": "a", "vpcs": []any{map[string]any{"vpcId": hubVpc}}}
	zone, out := mustCreate(network, t, TypeZone, in)
	association := map[string]any{"zoneId": zone, "vpcId": spokeVpc, "vpcRegion": region}
	mustCreate(network, t, TypeVpcAssociationAuthorization, association)
	mustCreate(spoke, t, TypeZoneAssociation, association)
	news := map[string]any{"name": name, "comment": "b", "vpcs": []any{map[string]any{"vpcId": hubVpc}}}
	_, err := update(network, t, TypeZone, zone, out, news)
	require.NoError(t, err)
	require.NoError(t, store.View(func(c *Cloud) error {
		assert.ElementsMatch(t, []string{hubVpc, spokeVpc}, c.Zones[zone].Vpcs, "the spoke's association stays")
		return nil
	}))

	// A second zone of the name, on another VPC of the network account (on
	// the hub VPC itself CreateHostedZone refuses it, as the same name).
	_, _, err = create(network, t, TypeZone, map[string]any{"name": name, "vpcs": []any{map[string]any{"vpcId": hubVpc}}})
	require.ErrorContains(t, err, "ConflictingDomainExists")
	otherVpc, _ := mustCreate(network, t, TypeVpc, map[string]any{"cidrBlock": "10.91.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	other, _ := mustCreate(network, t, TypeZone, map[string]any{"name": name, "vpcs": []any{map[string]any{"vpcId": otherVpc}}})
	second := map[string]any{"zoneId": other, "vpcId": spokeVpc, "vpcRegion": region}
	mustCreate(network, t, TypeVpcAssociationAuthorization, second)
	_, _, err = create(spoke, t, TypeZoneAssociation, second)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ConflictingDomainExists")

	require.NoError(t, store.Update(func(c *Cloud) error {
		z := c.Zones[zone]
		for i := len(z.Vpcs); i < 300; i++ {
			z.Vpcs = append(z.Vpcs, fmt.Sprintf("vpc-%d", i))
		}
		for i := len(z.Authorized); i < 100; i++ {
			z.Authorized = append(z.Authorized, fmt.Sprintf("vpc-a%d", i))
		}
		return nil
	}))
	third, _ := mustCreate(spoke, t, TypeVpc, map[string]any{"cidrBlock": "10.31.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	_, _, err = create(network, t, TypeVpcAssociationAuthorization, map[string]any{"zoneId": zone, "vpcId": third})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "TooManyVPCAssociationAuthorizations")
	require.NoError(t, store.Update(func(c *Cloud) error {
		c.Zones[zone].Authorized = append(c.Zones[zone].Authorized[1:], third)
		return nil
	}))
	_, _, err = create(spoke, t, TypeZoneAssociation, map[string]any{"zoneId": zone, "vpcId": third})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "LimitsExceeded")
}

// TestAnApisZoneMaySitBesideAnEndpointsPrivateDns: a VPC whose execute-api
// endpoint has private DNS on (AWS's zone execute-api.{region}.amazonaws.com)
// may be associated with a zone of one API's name under it, and that zone
// answers for the API's name there (the most specific zone wins), while the
// endpoint's private DNS keeps every other API's name; the endpoint's private
// DNS may come on beside the API's zone. A zone of the service's own name is
// refused on that VPC, by Route 53 (ConflictingDomainExists, on create and on
// association) and by EC2 the other way round (InvalidParameter, "a
// conflicting DNS domain").
func TestAnApisZoneMaySitBesideAnEndpointsPrivateDns(t *testing.T) {
	store := newStore(t)
	network := provider(t, store, producerAccount)
	spoke := provider(t, store, consumerAccount)
	hubVpc, _ := mustCreate(network, t, TypeVpc, map[string]any{"cidrBlock": "10.90.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	spokeVpc, _ := mustCreate(spoke, t, TypeVpc, map[string]any{"cidrBlock": "10.30.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true})
	sub, _ := mustCreate(spoke, t, TypeSubnet, map[string]any{"vpcId": spokeVpc, "cidrBlock": "10.30.0.0/25", "availabilityZone": "eu-west-1a"})
	endpoint := map[string]any{"vpcId": spokeVpc, "serviceName": "com.amazonaws.eu-west-1.execute-api", "vpcEndpointType": "Interface",
		"subnetIds": []any{sub}, "privateDnsEnabled": true}
	own, _ := mustCreate(spoke, t, TypeVpcEndpoint, endpoint)

	const apiName = "abcde12345.execute-api.eu-west-1.amazonaws.com"
	zone, _ := mustCreate(network, t, TypeZone, map[string]any{"name": apiName, "vpcs": []any{map[string]any{"vpcId": hubVpc}}})
	association := map[string]any{"zoneId": zone, "vpcId": spokeVpc, "vpcRegion": region}
	mustCreate(network, t, TypeVpcAssociationAuthorization, association)
	assocId, _ := mustCreate(spoke, t, TypeZoneAssociation, association)

	// The service's own name: Route 53 refuses it beside the endpoint's zone.
	const serviceName = "execute-api.eu-west-1.amazonaws.com"
	_, _, err := create(spoke, t, TypeZone, map[string]any{"name": serviceName, "vpcs": []any{map[string]any{"vpcId": spokeVpc}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ConflictingDomainExists", "a zone of the endpoint zone's name, created on its VPC")
	wide, _ := mustCreate(network, t, TypeZone, map[string]any{"name": serviceName, "vpcs": []any{map[string]any{"vpcId": hubVpc}}})
	widened := map[string]any{"zoneId": wide, "vpcId": spokeVpc, "vpcRegion": region}
	mustCreate(network, t, TypeVpcAssociationAuthorization, widened)
	_, _, err = create(spoke, t, TypeZoneAssociation, widened)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ConflictingDomainExists", "a zone of the endpoint zone's name, associated with its VPC")

	// The way back: with the endpoint gone, a new one's private DNS comes on
	// beside the API's zone, but not beside a zone of the service's name.
	require.NoError(t, del(spoke, t, TypeVpcEndpoint, own, endpoint))
	mustCreate(spoke, t, TypeZoneAssociation, widened)
	_, _, err = create(spoke, t, TypeVpcEndpoint, endpoint)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "private-dns-enabled cannot be set because there is already a conflicting DNS domain", "beside a zone of the service's name")
	require.NoError(t, del(spoke, t, TypeZoneAssociation, "x", widened))
	_, _, err = create(spoke, t, TypeVpcEndpoint, endpoint)
	require.NoError(t, err, "beside the API's zone only")
	require.NoError(t, del(spoke, t, TypeZoneAssociation, assocId, association))
}

// TestTheApisZoneAnswersBeforeTheVpcsOwnPrivateDns: in a VPC whose own
// endpoint has private DNS on and that is associated with the hub's zone of
// the API's name, the API's name goes to the hub (the most specific zone),
// another API's name to the VPC's own endpoint; without the association the
// API's name goes to the own endpoint again.
func TestTheApisZoneAnswersBeforeTheVpcsOwnPrivateDns(t *testing.T) {
	w, f := spokeWorld(t, resourcePolicy(`"*"`))
	w.c.joinOverTransitGateway(w.c.Vpcs["vpc-2"], w.c.Vpcs["vpc-1"])
	w.endpoint.PrivateDns = false // the hub's
	own := &Endpoint{Scope: f.Scope, Id: "vpce-0own00000000000", VpcId: "vpc-2", ServiceName: "com.amazonaws.eu-west-1.execute-api",
		SubnetIds: []string{"subnet-2"}, SecurityGroupIds: []string{"sg-own"}, PrivateDns: true, DnsSuffix: "own1"}
	w.c.Endpoints[own.Id] = own
	w.c.SecurityGroups["sg-own"] = &SecurityGroup{Scope: f.Scope, Id: "sg-own", VpcId: "vpc-2", IngressCidrs: []string{"10.30.0.0/24"}}
	name := worldApi + ".execute-api.eu-west-1.amazonaws.com"
	zone := &HostedZone{Scope: w.endpoint.Scope, Id: "ZHUB", Name: name, Vpcs: []string{"vpc-1", "vpc-2"}, Records: map[string]*ZoneRecord{
		name + " A": {Name: name, Type: "A", AliasName: worldVpce + "-abcd.execute-api.eu-west-1.vpce.amazonaws.com"},
	}}
	w.c.Zones = map[string]*HostedZone{zone.Id: zone}
	// The API's policy (resourcePolicy) admits the hub endpoint only: a call
	// through the spoke's own endpoint is refused, one through the hub
	// answered.
	r := w.c.simulateCall(f, "https://"+name+"/dev/", nil, false)
	assert.Equal(t, 200, r.Status, "the API's name goes to the hub (%s %s %s)", r.Failure, r.ErrorType, r.Body)
	zone.Vpcs = []string{"vpc-1"}
	r = w.c.simulateCall(f, "https://"+name+"/dev/", nil, false)
	assert.Equal(t, 403, r.Status, "without the association, to the spoke's own endpoint, which the policy does not admit (%s)", r.Failure)
}
