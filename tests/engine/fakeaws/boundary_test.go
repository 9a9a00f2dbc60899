package fakeaws

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/iampolicy"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// printedSet is the role set `--iam` prints for a stack file.
func printedSet(t *testing.T, file string) iampolicy.RoleSet {
	t.Helper()
	raw, err := plan.ReadConfigFile(file)
	require.NoError(t, err)
	p, err := plan.RunForRoles(filepath.Dir(file), plan.StackNameOf(file), raw)
	require.NoError(t, err)
	set, err := p.Roles(plan.IamOptions{Repo: "acme/xaccount-api"})
	require.NoError(t, err)
	return set
}

func docJSON(t *testing.T, d iampolicy.Document) string {
	t.Helper()
	b, err := json.Marshal(d)
	require.NoError(t, err)
	return string(b)
}

const (
	lambdaTrust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	vpcAccess      = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
	adminAccess    = "arn:aws:iam::aws:policy/AdministratorAccess"
	devConsumer    = "222222222222"
	devBoundaryArn = "arn:aws:iam::222222222222:policy/xaccount-dev-role-boundary"
)

// TestPrintedDeployerCreatesOnlyBoundedStackRoles: dev's consumer deployer
// as `--iam` prints it, acting through this package's IAM: it creates the
// probe's role (its name, its trust, AWSLambdaVPCAccessExecutionRole, the
// printed boundary) and is refused a role without the boundary, with
// another boundary, of another name, or with another managed policy
// (AdministratorAccess), so a stack change cannot create an administrator
// role; and it may pass the stack's role to Lambda only, never to another
// service.
func TestPrintedDeployerCreatesOnlyBoundedStackRoles(t *testing.T) {
	set := printedSet(t, filepath.Join(repoDir(), "Pulumi.dev.yaml"))
	a := set.Accounts[devConsumer]
	require.NotNil(t, a.Boundary, "the account where the probe's role is created gets a boundary policy")
	assert.Equal(t, devBoundaryArn, a.Boundary.Arn)
	deployer := docJSON(t, a.Roles["deployer"].Policy)

	store := newStore(t)
	other := "arn:aws:iam::222222222222:policy/team-boundary"
	require.NoError(t, store.PutManagedPolicies(map[string]string{devBoundaryArn: docJSON(t, a.Boundary.Policy), other: allowAll}))
	p, err := configured(t, store, devConsumer, deployer, trustPipeline, nil)
	require.NoError(t, err)
	role := func(name, boundary string, policies ...string) map[string]any {
		in := map[string]any{"name": name, "assumeRolePolicy": lambdaTrust, "managedPolicyArns": toAny(policies)}
		if boundary != "" {
			in["permissionsBoundary"] = boundary
		}
		return in
	}
	const probeRole = "xaccount-api-app-probe-role-a1b2c3d"
	_, out := mustCreate(p, t, TypeRole, role(probeRole, devBoundaryArn, vpcAccess))
	assert.Equal(t, devBoundaryArn, out["permissionsBoundary"])

	for _, c := range []struct {
		what   string
		in     map[string]any
		action string
	}{
		{"without the boundary", role("xaccount-api-app-probe-role-e4f5a6b", "", vpcAccess), "iam:CreateRole"},
		{"with another boundary", role("xaccount-api-app-probe-role-e4f5a6b", other, vpcAccess), "iam:CreateRole"},
		{"of another name", role("xaccount-admin", devBoundaryArn, vpcAccess), "iam:CreateRole"},
		{"with AdministratorAccess", role("xaccount-api-app-probe-role-e4f5a6b", devBoundaryArn, adminAccess), "iam:AttachRolePolicy"},
	} {
		_, _, err := create(p, t, TypeRole, c.in)
		require.Errorf(t, err, "a role %s", c.what)
		assert.Containsf(t, err.Error(), "AccessDenied", "a role %s", c.what)
		assert.Containsf(t, err.Error(), "not authorized to perform: "+c.action, "a role %s", c.what)
	}

	parsed, err := parsePolicy(deployer)
	require.NoError(t, err)
	may := func(action, resource string, context map[string][]string) verdict {
		return parsed.decide(request{Action: action, Resource: resource, Context: context})
	}
	probeArn := "arn:aws:iam::222222222222:role/" + probeRole
	assert.Equal(t, allowed, may("iam:PassRole", probeArn, map[string][]string{"iam:passedtoservice": {"lambda.amazonaws.com"}}), "the probe's role to Lambda")
	for _, service := range []string{"ec2.amazonaws.com", "apigateway.amazonaws.com", "ecs-tasks.amazonaws.com"} {
		assert.NotEqualf(t, allowed, may("iam:PassRole", probeArn, map[string][]string{"iam:passedtoservice": {service}}), "the probe's role to %s", service)
	}
	assert.NotEqual(t, allowed, may("iam:PassRole", "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole",
		map[string][]string{"iam:passedtoservice": {"lambda.amazonaws.com"}}), "another role of the account to Lambda")
	assert.Equal(t, explicitDeny, may("iam:DeleteRolePermissionsBoundary", probeArn, nil), "removing the boundary")
	assert.Equal(t, explicitDeny, may("iam:PutRolePermissionsBoundary", probeArn, map[string][]string{"iam:permissionsboundary": {other}}), "another boundary")
	assert.Equal(t, allowed, may("iam:PutRolePermissionsBoundary", probeArn, map[string][]string{"iam:permissionsboundary": {devBoundaryArn}}),
		"the boundary on a role created before it")
	assert.Equal(t, explicitDeny, may("iam:CreatePolicyVersion", devBoundaryArn, nil), "rewriting the boundary policy")
	assert.NotEqual(t, allowed, may("iam:PutRolePolicy", probeArn, nil), "an inline policy on a role without the boundary")

	// The producer of a stack with API Gateway's CloudWatch role and a
	// signed probe: the logs role may be passed to API Gateway only, the
	// probe's to Lambda only, and the boundary lets the probe invoke the
	// producer's API only.
	every := printedSet(t, filepath.Join(repoDir(), "tests", "testdata", "good", "Pulumi.everything.yaml"))
	producer := every.Accounts["111111111111"]
	require.NotNil(t, producer.Boundary)
	parsed, err = parsePolicy(docJSON(t, producer.Roles["deployer"].Policy))
	require.NoError(t, err)
	logsRole := "arn:aws:iam::111111111111:role/xaccount-api-apigateway-logs-role-0a1b2c3"
	assert.Equal(t, allowed, may("iam:PassRole", logsRole, map[string][]string{"iam:passedtoservice": {"apigateway.amazonaws.com"}}))
	assert.NotEqual(t, allowed, may("iam:PassRole", logsRole, map[string][]string{"iam:passedtoservice": {"lambda.amazonaws.com"}}))
	for account, a := range every.Accounts {
		if a.Boundary == nil {
			continue
		}
		b, err := parsePolicy(docJSON(t, a.Boundary.Policy))
		require.NoError(t, err)
		for _, action := range []string{"iam:CreateRole", "iam:AttachRolePolicy", "s3:GetObject", "sts:AssumeRole", "lambda:CreateFunction"} {
			assert.NotEqualf(t, allowed, b.decide(request{Action: action, Resource: "*"}), "%s's boundary allows %s", account, action)
		}
		assert.NotEqualf(t, allowed, b.decide(request{Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:eu-west-1:999999999999:a1b2c3d4e5/prod/GET/"}),
			"%s's boundary lets its roles invoke another account's API", account)
	}
}

// TestRoleBoundaryCapsTheRole: a role's permissions boundary must exist when
// it is set (NoSuchEntity), and caps what its policies give it: a VPC
// function's role whose boundary lacks the network interface calls is
// refused as one without AWSLambdaVPCAccessExecutionRole.
func TestRoleBoundaryCapsTheRole(t *testing.T) {
	store := newStore(t)
	p := provider(t, store, devConsumer)
	_, _, err := create(p, t, TypeRole, map[string]any{"name": "r1", "assumeRolePolicy": lambdaTrust, "permissionsBoundary": devBoundaryArn})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NoSuchEntity: Scope ARN: "+devBoundaryArn+" does not exist or is not attachable.")

	logsOnly := `{"Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}`
	require.NoError(t, store.PutManagedPolicies(map[string]string{devBoundaryArn: logsOnly}))
	_, role := mustCreate(p, t, TypeRole, map[string]any{"name": "r1", "assumeRolePolicy": lambdaTrust,
		"managedPolicyArns": []any{vpcAccess}, "permissionsBoundary": devBoundaryArn})
	vpc, _ := mustCreate(p, t, TypeVpc, map[string]any{"cidrBlock": "10.0.0.0/24"})
	subnet, _ := mustCreate(p, t, TypeSubnet, map[string]any{"vpcId": vpc, "cidrBlock": "10.0.0.0/26", "availabilityZone": "eu-west-1a"})
	_, _, err = create(p, t, TypeFunction, map[string]any{"name": "f", "role": role["arn"], "vpcConfig": map[string]any{"subnetIds": []any{subnet}, "securityGroupIds": []any{}}})
	require.Error(t, err, "the boundary allows no network interface")
	assert.Contains(t, err.Error(), "does not have permissions to call CreateNetworkInterface on EC2")
	require.NoError(t, store.PutManagedPolicies(map[string]string{devBoundaryArn: allowAll}))
	mustCreate(p, t, TypeFunction, map[string]any{"name": "f", "role": role["arn"], "vpcConfig": map[string]any{"subnetIds": []any{subnet}, "securityGroupIds": []any{}}})
}
