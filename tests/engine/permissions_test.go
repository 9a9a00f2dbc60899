package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/iampolicy"
	"github.com/xaccount/xaccount-api/internal/stack"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// TestNegativeControlAMissingActionFailsWithAwsMessage: with one action taken
// out of the printed producer policy, the dev up fails with the AWS error
// that names it; every lifecycle test passing under the printed policies is
// therefore evidence that they suffice.
func TestNegativeControlAMissingActionFailsWithAwsMessage(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	s.editPolicy = func(account, kind string, doc *iampolicy.Document) {
		if account != "111111111111" || kind != "deployer" {
			return
		}
		for i := range doc.Statement {
			doc.Statement[i].Action = slices.DeleteFunc(doc.Statement[i].Action, func(a string) bool { return a == "apigateway:UpdateRestApiPolicy" })
		}
	}
	r := s.up()
	require.Error(t, r.err)
	assert.Contains(t, r.out+r.errOut, "AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role/xaccount-dev-deployer/xaccount-dev-deployer is not authorized to perform: apigateway:UpdateRestApiPolicy on resource: arn:aws:apigateway:eu-west-1::/restapis/")
}

// TestNegativeControlFirstDomainUpNeedsTheSharesPermissions (finding 2):
// the provider reads a resource share back after creating it, and that read
// lists the share's permissions (terraform-provider-aws resource_share.go,
// ListResourceSharePermissions). With that action taken out of the printed
// producer policy, the first up with a custom domain fails with RAM's
// AccessDenied naming it; the domain lifecycles pass with the roles as
// printed.
func TestNegativeControlFirstDomainUpNeedsTheSharesPermissions(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	s.editConfig("api", devApiWithDomain())
	s.editPolicy = func(account, kind string, doc *iampolicy.Document) {
		if account != "111111111111" || kind != "deployer" {
			return
		}
		for i := range doc.Statement {
			doc.Statement[i].Action = slices.DeleteFunc(doc.Statement[i].Action, func(a string) bool { return a == "ram:ListResourceSharePermissions" })
		}
	}
	r := s.up()
	require.Error(t, r.err)
	assert.Contains(t, r.out+r.errOut, "api error AccessDenied: User: arn:aws:sts::111111111111:assumed-role/xaccount-dev-deployer/xaccount-dev-deployer is not authorized to perform: ram:ListResourceSharePermissions on resource: arn:aws:ram:eu-west-1:111111111111:resource-share/")
}

// TestPreviewRolesReadButNeverWrite: after an up with the deployer roles, the
// preview roles run `pulumi preview --refresh` (every read and data source)
// without a change, and an up with them is refused by AWS.
func TestPreviewRolesReadButNeverWrite(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	s.mustUp()
	s.roleKind = "preview"
	r := s.previewRefresh()
	require.NoErrorf(t, r.err, "preview --refresh under the preview roles:\n%s\n%s", r.out, r.errOut)

	s.editConfig("api", devApi(mockRoute("GET", "/extra")))
	up := s.up()
	require.Error(t, up.err, "the preview roles cannot deploy")
	assert.Contains(t, up.out+up.errOut, "assumed-role/xaccount-dev-preview/xaccount-dev-preview is not authorized to perform: apigateway:")
	var routes []fakeaws.Route
	st := s.apiState()
	s.cloudView(func(c *fakeaws.Cloud) { routes = c.StageRoutes(st.api.Id, "dev") })
	for _, r := range routes {
		assert.NotEqual(t, "/extra", r.Path, "nothing was deployed")
	}
}

// TestDriftCheckFindsAnOutOfBandPolicyAndUpRestoresIt: someone changes the
// API's resource policy in the console and deploys it. The drift check (the
// scheduled workflow's preview --refresh --expect-no-changes, preview roles)
// fails and names the policy and the stage; the next deploy (up --refresh,
// deployer roles) puts the stack's policy back and the stage back on the
// stack's deployment, whose snapshot holds the stack's policy.
func TestDriftCheckFindsAnOutOfBandPolicyAndUpRestoresIt(t *testing.T) {
	t.Parallel()
	s := newEngineStack(t, "dev")
	s.mustUp()
	before := s.apiState()
	const rogue = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}`
	require.NoError(t, s.cloud.Update(func(c *fakeaws.Cloud) error {
		api := c.RestApis[before.api.Id]
		api.Policy = rogue
		d := &fakeaws.Deployment{Scope: api.Scope, Id: "rogue1", RestApiId: api.Id, Routes: api.Routes, Policy: rogue}
		c.Deployments[d.Id] = d
		for _, st := range c.Stages {
			if st.RestApiId == api.Id {
				st.DeploymentId = d.Id
			}
		}
		return nil
	}))
	require.Equal(t, rogue, s.apiState().stagePolicy, "the rogue policy is served")

	s.roleKind = "preview"
	drift := s.previewRefresh()
	require.Error(t, drift.err, "the drift check fails")
	text := drift.out + drift.errOut
	// The CLI's exit code for proposed changes under --expect-no-changes,
	// which drift.yml's .ci/drift-check tells from a failed preview by; the
	// script's report of this very output names both resources.
	assert.Contains(t, drift.err.Error(), "code: 7", "ExitNoChanges")
	status, report := runDriftCheckScript(t, drift, 7)
	assert.Equal(t, "drifted", status)
	assert.Contains(t, report, "| update | `aws:apigateway/restApiPolicy:RestApiPolicy` | `xaccount-api-policy-policy` |")
	assert.Contains(t, report, "| update | `aws:apigateway/stage:Stage` | `xaccount-api-stage-stage` |")
	assert.Contains(t, text, "xaccount-api-policy-policy", "it names the resource policy")
	assert.Contains(t, text, "policy")
	assert.True(t, strings.Contains(text, "deployment") && strings.Contains(text, "xaccount-api-stage-stage"), "it names the stage that serves another deployment:\n%s", text)

	s.roleKind = "deployer"
	r := s.upRefresh()
	require.NoErrorf(t, r.err, "up --refresh:\n%s\n%s", r.out, r.errOut)
	after := s.apiState()
	assert.Equal(t, before.api.Policy, after.api.Policy, "the stack's policy is attached again")
	assert.Equal(t, before.stagePolicy, after.stagePolicy, "the stage serves the stack's policy again")
	requirePolicyAllowsExactly(t, after, before.api.VpcEndpointIds)

	s.roleKind = "preview"
	clean := s.previewRefresh()
	require.NoErrorf(t, clean.err, "after the repair the drift check passes:\n%s\n%s", clean.out, clean.errOut)
	status, _ = runDriftCheckScript(t, clean, 0)
	assert.Equal(t, "clean", status)
}

// runDriftCheckScript runs drift.yml's .ci/drift-check on what the engine
// printed (a stand-in pulumi replays it and exits with code) and returns
// the status and the report it writes.
func runDriftCheckScript(t *testing.T, r result, code int) (string, string) {
	t.Helper()
	bin, reports := t.TempDir(), t.TempDir()
	out := filepath.Join(t.TempDir(), "out")
	require.NoError(t, os.WriteFile(out, []byte(r.out+r.errOut), 0o600))
	fake := "#!/usr/bin/env bash\ncat " + out + "\nexit " + strconv.Itoa(code) + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "pulumi"), []byte(fake), 0o700)) //nolint:gosec // an executable stand-in
	cmd := exec.Command(filepath.Join(repoRoot, ".ci", "drift-check"))
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "STACK=dev", "REPORT_DIR="+reports, "GITHUB_STEP_SUMMARY=")
	log, err := cmd.CombinedOutput()
	assert.Equalf(t, code == 0, err == nil, "the script fails exactly when the preview did: %s", log)
	status, err := os.ReadFile(filepath.Join(reports, "dev.status"))
	require.NoErrorf(t, err, "%s", log)
	report, err := os.ReadFile(filepath.Join(reports, "dev.md"))
	require.NoError(t, err)
	return strings.TrimSpace(string(status)), string(report)
}

// TestARoleCreatedBeforeTheBoundaryGetsItUnderThePrintedDeployer: a stack
// deployed before its roles had a permissions boundary (its probe role has
// none; the deployer of then could create any role) is upgraded by the
// deployer `--iam` prints now, which may create and change roles only with
// the account's boundary: the up sets the boundary on the live role
// (PutRolePermissionsBoundary, allowed with that boundary only), replaces
// nothing, and the probe still answers.
func TestARoleCreatedBeforeTheBoundaryGetsItUnderThePrintedDeployer(t *testing.T) {
	t.Parallel()
	withoutBoundary := func(ctx *pulumi.Context) error {
		err := ctx.RegisterStackTransformation(func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
			if r, ok := args.Props.(*iam.RoleArgs); ok {
				r.PermissionsBoundary = nil
				return &pulumi.ResourceTransformationResult{Props: r, Opts: args.Opts}
			}
			return nil
		})
		if err != nil {
			return err
		}
		return stack.Program(ctx)
	}
	s := newEngineStack(t, "dev", withProgram(withoutBoundary))
	s.editPolicy = func(account, kind string, doc *iampolicy.Document) {
		if kind == "deployer" {
			// The deployer of before: IAM on any role of the account.
			doc.Statement = append(doc.Statement, iampolicy.Statement{Sid: "Before", Effect: "Allow",
				Action: []string{"iam:CreateRole", "iam:AttachRolePolicy", "iam:PassRole", "iam:TagRole"}, Resource: []string{"*"}})
			doc.Statement = slices.DeleteFunc(doc.Statement, func(st iampolicy.Statement) bool { return st.Effect == "Deny" })
		}
	}
	s.mustUp()
	probeRole := func(c *fakeaws.Cloud) string {
		for arn, account := range c.Roles {
			if account == "222222222222" && strings.Contains(arn, "probe-role") {
				return arn
			}
		}
		return ""
	}
	var role string
	s.cloudView(func(c *fakeaws.Cloud) {
		role = probeRole(c)
		require.NotEmpty(t, role)
		assert.Empty(t, c.RoleBoundaries[role], "created without a boundary")
	})

	s.editPolicy = nil
	s.stack.Workspace().SetProgram(stack.Program)
	r := s.mustUp()
	assert.NotContains(t, r.out, "replace", "the role is updated in place")
	s.cloudView(func(c *fakeaws.Cloud) {
		assert.Equal(t, role, probeRole(c), "the same role")
		assert.Equal(t, "arn:aws:iam::222222222222:policy/xaccount-dev-role-boundary", c.RoleBoundaries[role])
	})
	requireProbeGreen(t, s, "app", 4)
}
