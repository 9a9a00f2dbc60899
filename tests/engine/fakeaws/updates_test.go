package fakeaws

import (
	"context"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func update(p *Provider, t *testing.T, typ, id string, olds, news map[string]any) (map[string]any, error) {
	t.Helper()
	r, err := p.Update(context.Background(), &pulumirpc.UpdateRequest{Type: typ, Id: id, Olds: st(t, olds), OldInputs: st(t, olds), News: st(t, news)})
	if err != nil {
		return nil, err
	}
	return r.GetProperties().AsMap(), nil
}

// TestUpdatesKeepWhatAwsKeeps: an update leaves the IDs AWS keeps as they
// are (a VPC's default security group and main route table, an endpoint's
// interface in a subnet it keeps, its DNS zones), and applies the rules a
// create applies (a log group's retention period).
func TestUpdatesKeepWhatAwsKeeps(t *testing.T) {
	p := provider(t, newStore(t), "222222222222")
	vpcIn := map[string]any{"cidrBlock": "10.20.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true}
	vpc, vpcOut := mustCreate(p, t, TypeVpc, vpcIn)
	news := map[string]any{"cidrBlock": "10.20.0.0/24", "enableDnsSupport": true, "enableDnsHostnames": true, "tags": map[string]any{"team": "x"}}
	after, err := update(p, t, TypeVpc, vpc, vpcOut, news)
	require.NoError(t, err)
	for _, k := range []string{"defaultSecurityGroupId", "mainRouteTableId", "arn"} {
		assert.Equal(t, vpcOut[k], after[k], k)
	}

	a, _ := mustCreate(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.20.0.0/26", "availabilityZone": "eu-west-1a"})
	b, _ := mustCreate(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.20.0.64/26", "availabilityZone": "eu-west-1b"})
	epIn := map[string]any{"vpcId": vpc, "serviceName": "com.amazonaws.eu-west-1.execute-api", "subnetIds": []any{a}}
	ep, epOut := mustCreate(p, t, TypeVpcEndpoint, epIn)
	epNews := map[string]any{"vpcId": vpc, "serviceName": "com.amazonaws.eu-west-1.execute-api", "subnetIds": []any{a, b}}
	epAfter, err := update(p, t, TypeVpcEndpoint, ep, epOut, epNews)
	require.NoError(t, err)
	before, now := epOut["networkInterfaceIds"].([]any), epAfter["networkInterfaceIds"].([]any)
	require.Len(t, now, 2)
	assert.Equal(t, before[0], now[0], "the interface in the kept subnet stays")
	assert.NotEqual(t, now[0], now[1])
	assert.Equal(t, epOut["dnsEntries"].([]any)[0], epAfter["dnsEntries"].([]any)[0], "the endpoint's DNS name and zone stay")

	lgIn := map[string]any{"name": "/aws/apigateway/x", "retentionInDays": 30.0}
	lg, lgOut := mustCreate(p, t, TypeLogGroup, lgIn)
	_, err = update(p, t, TypeLogGroup, lg, lgOut, map[string]any{"name": "/aws/apigateway/x", "retentionInDays": 2.0})
	assert.ErrorContains(t, err, "Value '2' at 'retentionInDays' failed to satisfy constraint", "the create's rule applies to an update")
	_, err = update(p, t, TypeLogGroup, lg, lgOut, map[string]any{"name": "/aws/apigateway/x", "retentionInDays": 90.0})
	assert.NoError(t, err)
}
