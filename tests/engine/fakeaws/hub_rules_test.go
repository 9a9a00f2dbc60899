package fakeaws

import (
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
// another VPC reaches the endpoint only when a Transit Gateway path joins
// the two VPCs (Cloud.TransitPaths); without one the call times out.
func TestAnotherVpcReachesAnEndpointOnlyOverATransitPath(t *testing.T) {
	w, f := spokeWorld(t, resourcePolicy(`"*"`))
	r := w.c.simulateCall(f, aliasUrl, nil, false)
	assert.Equal(t, "timeout", r.Failure, "no path from the spoke VPC")
	w.c.TransitPaths = map[string][]string{transitKey(f.Scope, "vpc-2"): {transitKey(w.endpoint.Scope, "vpc-1")}}
	r = w.c.simulateCall(f, aliasUrl, nil, false)
	assert.Equal(t, 200, r.Status, "over the Transit Gateway (%s %s)", r.Failure, r.Detail)
	// The endpoint's private DNS answers only in its own VPC.
	r = w.c.simulateCall(f, "https://"+worldApi+".execute-api.eu-west-1.amazonaws.com/dev/", nil, false)
	assert.Equal(t, "dns", r.Failure, "the API's own name does not resolve in the spoke")
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
		w.c.TransitPaths = map[string][]string{transitKey(f.Scope, "vpc-2"): {transitKey(w.endpoint.Scope, "vpc-1")}}
		assert.Equal(t, "10.30.0.4", w.c.sourceIp(f), "the first address AWS hands out in the subnet")
		r := w.c.simulateCall(f, aliasUrl, nil, false)
		require.Equalf(t, want, r.Status, "allowed from %s (%s %s)", cidr, r.ErrorType, r.Body)
		if want == 403 {
			assert.Equal(t, "AccessDeniedException", r.ErrorType)
			assert.NotContains(t, r.Body, "explicit deny", "no Allow, not a Deny")
		}
	}
}
