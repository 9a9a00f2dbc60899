package fakeaws

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCloudControlReadsTheAccountSetting: Cloud Control's GetResource of
// AWS::ApiGateway::Account answers the caller's account and region's API
// Gateway settings: no CloudWatchRoleArn until aws:apigateway/account:Account
// writes one (UpdateAccount), then that role; the read is authorized as
// cloudformation:GetResource and apigateway:GET on /account, and a role
// without the latter is refused with API Gateway's AccessDeniedException.
func TestCloudControlReadsTheAccountSetting(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, producerAccount)
	read := func(p *Provider) (string, error) {
		out, err := invoke(t, p, InvokeCloudControlResource, map[string]any{"typeName": CloudControlAccountType, "identifier": producerAccount})
		if err != nil {
			return "", err
		}
		var model struct{ Id, CloudWatchRoleArn string }
		require.NoError(t, json.Unmarshal([]byte(out["properties"].(string)), &model))
		assert.Equal(t, producerAccount, model.Id)
		return model.CloudWatchRoleArn, nil
	}
	role, err := read(p)
	require.NoError(t, err)
	assert.Empty(t, role, "a fresh account has no role")

	_, roleOut := mustCreate(p, t, TypeRole, map[string]any{"name": "apigateway-logs"})
	mustCreate(p, t, TypeApiGatewayAccount, map[string]any{"cloudwatchRoleArn": roleOut["arn"]})
	role, err = read(p)
	require.NoError(t, err)
	assert.Equal(t, roleOut["arn"], role, "the setting aws:apigateway/account:Account wrote")

	noAccount := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},` +
		`{"Effect":"Deny","Action":"apigateway:GET","Resource":"arn:aws:apigateway:eu-west-1::/account"}]}`
	limited, err := configured(t, store, producerAccount, noAccount, trustPipeline, nil)
	require.NoError(t, err)
	_, err = read(limited)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AccessDeniedException")
	assert.Contains(t, err.Error(), "apigateway:GET on resource: arn:aws:apigateway:eu-west-1::/account")
}

// TestGetVpcEndpointFindsOneOrSaysWhy: aws_vpc_endpoint finds the one
// endpoint of a VPC and service, with its security groups, and says "no
// matching" for none and "multiple" for several, as the provider's singular
// data sources do; aws_security_group reads a group's name.
func TestGetVpcEndpointFindsOneOrSaysWhy(t *testing.T) {
	store := newStore(t)
	service := "com.amazonaws." + region + ".execute-api"
	require.NoError(t, store.Update(func(c *Cloud) error {
		scope := Scope{Account: producerAccount, Region: region}
		c.SecurityGroups["sg-000000000000000a1"] = &SecurityGroup{Scope: scope, Id: "sg-000000000000000a1", VpcId: "vpc-a", Name: "platform-execute-api"}
		c.Endpoints["vpce-000000000000000a1"] = &Endpoint{Scope: scope, Id: "vpce-000000000000000a1", VpcId: "vpc-a", ServiceName: service, PrivateDns: true,
			SecurityGroupIds: []string{"sg-000000000000000a1"}}
		c.Endpoints["vpce-000000000000000b1"] = &Endpoint{Scope: scope, Id: "vpce-000000000000000b1", VpcId: "vpc-b", ServiceName: service}
		c.Endpoints["vpce-000000000000000b2"] = &Endpoint{Scope: scope, Id: "vpce-000000000000000b2", VpcId: "vpc-b", ServiceName: service}
		return nil
	}))
	p := provider(t, store, producerAccount)
	find := func(vpc string) (map[string]any, error) {
		return invoke(t, p, InvokeGetVpcEndpoint, map[string]any{"vpcId": vpc, "serviceName": service, "state": "available"})
	}
	out, err := find("vpc-a")
	require.NoError(t, err)
	assert.Equal(t, "vpce-000000000000000a1", out["id"])
	assert.Equal(t, true, out["privateDnsEnabled"])
	assert.Equal(t, []any{"sg-000000000000000a1"}, out["securityGroupIds"])
	group, err := invoke(t, p, InvokeGetSecurityGroup, map[string]any{"id": "sg-000000000000000a1"})
	require.NoError(t, err)
	assert.Equal(t, "platform-execute-api", group["name"])
	_, err = invoke(t, p, InvokeGetSecurityGroup, map[string]any{"id": "sg-0000000000000000f"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no matching EC2 Security Group found")
	_, err = find("vpc-b")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "multiple EC2 VPC Endpoints matched")
	_, err = find("vpc-c")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no matching EC2 VPC Endpoint found")
}

// TestCloudControlFindsNoSettingsInAnAccountThatNeverUsedApiGateway: where
// the account never used API Gateway, GetResource of AWS::ApiGateway::Account
// is the provider's NotFoundError; once the settings are written, they read.
func TestCloudControlFindsNoSettingsInAnAccountThatNeverUsedApiGateway(t *testing.T) {
	store := newStore(t)
	require.NoError(t, store.Update(func(c *Cloud) error {
		c.ApiGatewayUnused = map[string]bool{producerAccount + "/eu-west-1": true}
		return nil
	}))
	p := provider(t, store, producerAccount)
	_, err := invoke(t, p, InvokeCloudControlResource, map[string]any{"typeName": CloudControlAccountType, "identifier": producerAccount})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "couldn't find resource")

	_, roleOut := mustCreate(p, t, TypeRole, map[string]any{"name": "apigateway-logs"})
	mustCreate(p, t, TypeApiGatewayAccount, map[string]any{"cloudwatchRoleArn": roleOut["arn"]})
	_, err = invoke(t, p, InvokeCloudControlResource, map[string]any{"typeName": CloudControlAccountType, "identifier": producerAccount})
	assert.NoError(t, err, "the settings exist once written")
}

// TestGetSubnetReadsASubnetOfTheAccount: aws_subnet answers a subnet of
// the caller's account and region with its VPC and range, and says "no
// matching" for one of another account, as the provider's singular data
// sources do.
func TestGetSubnetReadsASubnetOfTheAccount(t *testing.T) {
	store := newStore(t)
	scope := Scope{Account: producerAccount, Region: region}
	other := Scope{Account: "333333333333", Region: region}
	require.NoError(t, store.Seed([]Vpc{{Scope: scope, Id: "vpc-a", CidrBlock: "10.1.0.0/24"}, {Scope: other, Id: "vpc-b", CidrBlock: "10.2.0.0/24"}},
		[]Subnet{{Scope: scope, Id: "subnet-a", VpcId: "vpc-a", CidrBlock: "10.1.0.0/26"}, {Scope: other, Id: "subnet-b", VpcId: "vpc-b", CidrBlock: "10.2.0.0/26"}}))
	p := provider(t, store, producerAccount)
	out, err := invoke(t, p, InvokeGetSubnet, map[string]any{"id": "subnet-a"})
	require.NoError(t, err)
	assert.Equal(t, "vpc-a", out["vpcId"])
	assert.Equal(t, "10.1.0.0/26", out["cidrBlock"])
	_, err = invoke(t, p, InvokeGetSubnet, map[string]any{"id": "subnet-b"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no matching EC2 Subnet found")
}
