package fakeaws

import (
	"context"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pipelineRole = "arn:aws:iam::111111111111:role/pipeline"

// configured is a provider for account whose role has policy and trust.
func configured(t *testing.T, store *Store, account, policy, trust string, extra map[string]any) (*Provider, error) {
	t.Helper()
	role := "arn:aws:iam::" + account + ":role/limited"
	require.NoError(t, store.PutRoles(map[string]IamRole{role: {Account: account, Policy: policy, Trust: trust}}))
	t.Setenv(EnvCaller, pipelineRole)
	assume := map[string]any{"roleArn": role}
	for k, v := range extra {
		assume[k] = v
	}
	p := New(store)
	_, err := p.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: st(t, map[string]any{
		"region": region, "assumeRole": assume,
	})})
	return p, err
}

const trustPipeline = `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + pipelineRole + `"},"Action":"sts:AssumeRole"}]}`

func TestAssumeRoleFollowsTheTrustPolicy(t *testing.T) {
	store := newStore(t)
	_, err := configured(t, store, "222222222222", allowAll, trustPipeline, nil)
	require.NoError(t, err)

	other := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/someone-else"},"Action":"sts:AssumeRole"}]}`
	_, err = configured(t, store, "222222222222", allowAll, other, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AccessDenied: User: "+pipelineRole+" is not authorized to perform: sts:AssumeRole")

	// A trust that requires an external ID refuses a caller without it.
	withExternalId := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + pipelineRole + `"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"s3cret"}}}]}`
	_, err = configured(t, store, "222222222222", allowAll, withExternalId, nil)
	assert.ErrorContains(t, err, "not authorized to perform: sts:AssumeRole")
	_, err = configured(t, store, "222222222222", allowAll, withExternalId, map[string]any{"externalId": "s3cret"})
	assert.NoError(t, err)
}

// TestEveryCallIsCheckedAgainstTheRolesPolicy: a call the role's policy does
// not allow fails with the service's own error, naming action, resource and
// session; an explicit Deny says so.
func TestEveryCallIsCheckedAgainstTheRolesPolicy(t *testing.T) {
	store := newStore(t)
	onlyVpc := `{"Statement":[{"Effect":"Allow","Action":["ec2:CreateVpc","ec2:describevpcs","ec2:DescribeVpcAttribute","ec2:DescribeRouteTables","ec2:DescribeSecurityGroups","ec2:DescribeNetworkAcls"],"Resource":"*"}]}`
	p, err := configured(t, store, "222222222222", onlyVpc, trustPipeline, nil)
	require.NoError(t, err)
	vpc, _ := mustCreate(p, t, TypeVpc, map[string]any{"cidrBlock": "10.0.0.0/24"})

	_, _, err = create(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.0.0.0/28", "availabilityZone": region + "a"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:sts::222222222222:assumed-role/limited/pulumi is not authorized to perform: ec2:CreateSubnet on resource: arn:aws:ec2:eu-west-1:222222222222:subnet/*")
	assert.Contains(t, err.Error(), "resourceSubnetCreate", "the error names the provider function that made the call")
	store.View(func(c *Cloud) error { //nolint:errcheck // assertions inside
		assert.Empty(t, c.Subnets, "a refused create leaves nothing behind")
		return nil
	})

	_, _, err = create(p, t, TypeRestApi, privateApi("/a"))
	assert.ErrorContains(t, err, "AccessDeniedException: User: arn:aws:sts::222222222222:assumed-role/limited/pulumi is not authorized to perform: apigateway:POST on resource: arn:aws:apigateway:eu-west-1::/restapis because no identity-based policy allows")

	denyVpc := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"ec2:DeleteVpc","Resource":"*"}]}`
	q, err := configured(t, store, "222222222222", denyVpc, trustPipeline, nil)
	require.NoError(t, err)
	err = del(q, t, TypeVpc, vpc, map[string]any{"cidrBlock": "10.0.0.0/24"})
	assert.ErrorContains(t, err, "ec2:DeleteVpc on resource: arn:aws:ec2:eu-west-1:222222222222:vpc/"+vpc+" with an explicit deny")
}

// TestLingeringFunctionInterfacesNeedDetachAndDelete: deleting a subnet a VPC
// function used deletes the interfaces it left there first, which needs
// ec2:DetachNetworkInterface and ec2:DeleteNetworkInterface.
func TestLingeringFunctionInterfacesNeedDetachAndDelete(t *testing.T) {
	store := newStore(t)
	admin := provider(t, store, "222222222222")
	vpc, _ := mustCreate(admin, t, TypeVpc, map[string]any{"cidrBlock": "10.0.0.0/24"})
	subnet, _ := mustCreate(admin, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.0.0.0/28", "availabilityZone": region + "a"})
	sg, _ := mustCreate(admin, t, TypeSecurityGroup, map[string]any{"vpcId": vpc})
	role, _ := mustCreate(admin, t, TypeRole, map[string]any{"name": "probe", "managedPolicyArns": []any{lambdaVpcAccess}})
	fn, _ := mustCreate(admin, t, TypeFunction, map[string]any{"role": "arn:aws:iam::222222222222:role/" + role, "replaceSecurityGroupsOnDestroy": true,
		"vpcConfig": map[string]any{"subnetIds": []any{subnet}, "securityGroupIds": []any{sg}}})
	require.NoError(t, del(admin, t, TypeFunction, fn, map[string]any{"replaceSecurityGroupsOnDestroy": true}))

	noEni := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["ec2:DetachNetworkInterface","ec2:DeleteNetworkInterface"],"Resource":"*"}]}`
	limited, err := configured(t, store, "222222222222", noEni, trustPipeline, nil)
	require.NoError(t, err)
	err = del(limited, t, TypeSubnet, subnet, map[string]any{"vpcId": vpc})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ec2:DetachNetworkInterface on resource: arn:aws:ec2:eu-west-1:222222222222:network-interface/eni-")
	assert.Contains(t, err.Error(), "deleteLingeringLambdaENIs")

	assert.NoError(t, del(admin, t, TypeSubnet, subnet, map[string]any{"vpcId": vpc}), "with the two actions the interfaces and then the subnet go")
	store.View(func(c *Cloud) error { //nolint:errcheck // assertions inside
		assert.Empty(t, c.LingeringEnis)
		assert.NotContains(t, c.Subnets, subnet)
		return nil
	})
}

// TestReadAndDataSourcesAreChecked: refresh and data sources make calls too.
func TestReadAndDataSourcesAreChecked(t *testing.T) {
	store := newStore(t)
	writeOnly := `{"Statement":[{"Effect":"Allow","Action":"ec2:CreateVpc","Resource":"*"}]}`
	p, err := configured(t, store, "222222222222", writeOnly, trustPipeline, nil)
	require.NoError(t, err)
	_, err = p.Read(context.Background(), &pulumirpc.ReadRequest{Id: "vpc-1", Urn: "urn:pulumi:dev::p::" + TypeVpc + "::v", Properties: st(t, map[string]any{"cidrBlock": "10.0.0.0/24"})})
	assert.ErrorContains(t, err, "ec2:DescribeVpcs")
	_, err = p.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: InvokeAvailabilityZones, Args: st(t, map[string]any{})})
	assert.ErrorContains(t, err, "ec2:DescribeAvailabilityZones")
}

func TestPolicyEvaluation(t *testing.T) {
	for _, c := range []struct {
		policy, action, resource string
		want                     bool
	}{
		{`{"Statement":[{"Effect":"Allow","Action":"EC2:describe*","Resource":"*"}]}`, "ec2:DescribeVpcs", "*", true},
		{`{"Statement":{"Effect":"Allow","Action":"apigateway:GET","Resource":"arn:aws:apigateway:eu-west-1::/restapis/*"}}`, "apigateway:GET", "arn:aws:apigateway:eu-west-1::/restapis/abc/stages/dev", true},
		{`{"Statement":[{"Effect":"Allow","Action":"apigateway:GET","Resource":"arn:aws:apigateway:eu-west-1::/restapis/*"}]}`, "apigateway:GET", "arn:aws:apigateway:eu-west-1::/account", false},
		{`{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`, "iam:CreateRole", "*", false},
		{`{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`, "ec2:CreateVpc", "*", true},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"lambda:*","Resource":"*"}]}`, "lambda:InvokeFunction", "*", false},
		{`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/p?"}]}`, "s3:GetObject", "arn:aws:s3:::b/pa", true},
	} {
		got, err := EvaluateIdentity(c.policy, c.action, c.resource)
		require.NoError(t, err)
		assert.Equalf(t, c.want, got, "%s %s under %s", c.action, c.resource, c.policy)
	}
	_, err := EvaluateIdentity(`{"Statement":[{"Effect":"Deny","NotResource":"*","Action":"*"}]}`, "a:b", "*")
	assert.ErrorContains(t, err, "does not evaluate NotResource", "what the evaluator does not implement is refused, not guessed")

	ok, err := EvaluateTrust(`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/x"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"x:sub":"repo:o/n:environment:prod"}}}]}`,
		"sts:AssumeRoleWithWebIdentity", "arn:aws:iam::1:oidc-provider/x", map[string]string{"x:sub": "repo:o/n:pull_request"})
	require.NoError(t, err)
	assert.False(t, ok)
}

// OidcTrust trusts the GitHub OIDC provider in account for exactly sub.
func oidcTrust(account, sub string) string {
	return `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::` + account + `:oidc-provider/token.actions.githubusercontent.com"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"` + sub + `","token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}]}`
}

// TestWebIdentityFollowsTheOidcTrust: a provider configured with
// assumeRoleWithWebIdentity gets the role only when the role trusts the
// token's issuer for its subject and audience.
func TestWebIdentityFollowsTheOidcTrust(t *testing.T) {
	store := newStore(t)
	role := "arn:aws:iam::111111111111:role/web"
	require.NoError(t, store.PutRoles(map[string]IamRole{role: {Account: "111111111111", Policy: allowAll, Trust: oidcTrust("111111111111", "repo:acme/x:environment:dev")}}))
	configure := func(sub string) (*Provider, error) {
		p := New(store)
		_, err := p.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: st(t, map[string]any{
			"region": region, "assumeRoleWithWebIdentity": map[string]any{"roleArn": role,
				"webIdentityToken": Token("https://token.actions.githubusercontent.com", sub, "sts.amazonaws.com")},
		})})
		return p, err
	}
	p, err := configure("repo:acme/x:environment:dev")
	require.NoError(t, err)
	assert.Equal(t, Scope{Account: "111111111111", Region: region}, p.scope)
	_, err = configure("repo:acme/x:pull_request")
	assert.ErrorContains(t, err, "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity")
	_, err = New(store).Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: st(t, map[string]any{
		"region": region, "assumeRoleWithWebIdentity": map[string]any{"roleArn": role, "webIdentityToken": "not-a-jwt"}})})
	assert.ErrorContains(t, err, "InvalidIdentityToken")
}

// TestWebIdentityConditionsOnGitHubClaims: for GitHub's issuer, the claims
// IAM offers as condition keys (job_workflow_ref, ref, ...) reach the trust
// policy, so a trust that names the workflow file and ref admits the job of
// that workflow on main and refuses the same environment's job from another
// branch or workflow; a claim IAM does not offer (workflow_ref) never
// matches, and another issuer's claims are not GitHub's keys.
func TestWebIdentityConditionsOnGitHubClaims(t *testing.T) {
	store := newStore(t)
	role := "arn:aws:iam::111111111111:role/deploy"
	trust := `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:acme/x:environment:dev",` +
		`"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:ref":"refs/heads/main",` +
		`"token.actions.githubusercontent.com:job_workflow_ref":"acme/x/.github/workflows/deploy.yml@refs/heads/main"}}}]}`
	onlyWorkflowRef := strings.Replace(trust, `"token.actions.githubusercontent.com:job_workflow_ref"`, `"token.actions.githubusercontent.com:workflow_ref"`, 1)
	other := "arn:aws:iam::111111111111:role/other"
	require.NoError(t, store.PutRoles(map[string]IamRole{
		role:  {Account: "111111111111", Policy: allowAll, Trust: trust},
		other: {Account: "111111111111", Policy: allowAll, Trust: onlyWorkflowRef},
	}))
	claims := func(ref, workflow string) map[string]string {
		return map[string]string{"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com",
			"sub": "repo:acme/x:environment:dev", "ref": ref, "environment": "dev",
			"job_workflow_ref": "acme/x/.github/workflows/" + workflow + "@" + ref,
			"workflow_ref":     "acme/x/.github/workflows/" + workflow + "@" + ref}
	}
	configure := func(role string, c map[string]string) error {
		_, err := New(store).Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: st(t, map[string]any{
			"region": region, "assumeRoleWithWebIdentity": map[string]any{"roleArn": role, "webIdentityToken": TokenWithClaims(c)}})})
		return err
	}
	require.NoError(t, configure(role, claims("refs/heads/main", "deploy.yml")))
	for name, c := range map[string]map[string]string{
		"another branch": claims("refs/heads/feature", "deploy.yml"),
		"another file":   claims("refs/heads/main", "other.yml"),
		"no ref claim":   func() map[string]string { c := claims("refs/heads/main", "deploy.yml"); delete(c, "ref"); return c }(),
	} {
		assert.ErrorContainsf(t, configure(role, c), "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity", name)
	}
	assert.ErrorContains(t, configure(other, claims("refs/heads/main", "deploy.yml")), "AccessDenied",
		"workflow_ref is not one of IAM's condition keys: a trust conditioned on it admits nobody")

	assert.Equal(t, map[string]string{"x.example:sub": "s", "x.example:aud": "a"},
		WebIdentityContext("x.example", map[string]string{"sub": "s", "aud": "a", "ref": "refs/heads/main"}), "GitHub's keys are GitHub's issuer's only")
}

// TestTrustOfAnAccountAdmitsItsPrincipals: a trust naming an account (its
// root ARN or its ID) admits every principal of that account and none of
// another; one naming a role admits that role only.
func TestTrustOfAnAccountAdmitsItsPrincipals(t *testing.T) {
	trust := func(principal string) string {
		return `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`
	}
	for _, c := range []struct {
		principal, caller string
		want              bool
	}{
		{"arn:aws:iam::999988887777:root", "arn:aws:iam::999988887777:role/people/bob", true},
		{"999988887777", "arn:aws:iam::999988887777:user/bob", true},
		{"arn:aws:iam::999988887777:root", "arn:aws:iam::111122223333:role/people/bob", false},
		{"arn:aws:iam::999988887777:role/people/alice", "arn:aws:iam::999988887777:role/people/alice", true},
		{"arn:aws:iam::999988887777:role/people/alice", "arn:aws:iam::999988887777:role/people/bob", false},
	} {
		ok, err := EvaluateTrust(trust(c.principal), "sts:AssumeRole", c.caller, nil)
		require.NoError(t, err)
		assert.Equalf(t, c.want, ok, "%s trusted, %s calls", c.principal, c.caller)
	}
}

// TestAnIdentityStatementWithoutResourceIsMalformed: IAM refuses an
// identity policy statement that names no resources; a trust statement
// (with a Principal) needs none.
func TestAnIdentityStatementWithoutResourceIsMalformed(t *testing.T) {
	_, err := parsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"apigateway:UpdateDomainNameManagementPolicy"}]}`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MalformedPolicyDocument")
	_, err = parsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	assert.NoError(t, err, "a trust policy")
	_, err = parsePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	assert.NoError(t, err)
}
