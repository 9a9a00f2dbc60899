package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/iampolicy"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// TestIamPolicyCoversEveryTypeWithoutWildcardActions: for every committed
// stack and a stack that uses every feature, each account's deployer policy
// is derived without an unknown type or data source, grants no wildcard
// action, and holds the actions the stack's resources need.
func TestIamPolicyCoversEveryTypeWithoutWildcardActions(t *testing.T) {
	files := append(stackFiles(t), filepath.Join("testdata", "good", "Pulumi.everything.yaml"))
	seenTypes := map[string]bool{}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := plan.ReadConfigFile(file)
			require.NoError(t, err)
			p, err := plan.Run(plan.StackNameOf(file), raw)
			require.NoError(t, err)
			for _, r := range p.Resources {
				if r.Provider != "" && r.Type != "pulumi:providers:aws" {
					seenTypes[r.Type] = true
				}
			}
			// The roles --iam prints: plan.Roles groups the types per account.
			set, err := p.Roles(plan.IamOptions{Repo: "acme/xaccount-api"})
			require.NoError(t, err)
			require.NotEmpty(t, set.Accounts)
			for account, a := range set.Accounts {
				role := a.Role
				doc := a.Roles["deployer"].Policy
				var actions []string
				for _, st := range doc.Statement {
					for _, a := range st.Action {
						assert.Falsef(t, a == "*" || strings.HasSuffix(a, ":*"), "wildcard action %s for %s", a, account)
						actions = append(actions, a)
					}
				}
				types := map[string]bool{}
				for _, r := range p.Resources {
					if r.Account == account {
						types[r.Type] = true
					}
				}
				switch {
				case role == "producer":
					assert.Contains(t, actions, "apigateway:UpdateRestApiPolicy", "attaching the resource policy needs it")
				case !types["aws:ec2/vpcEndpoint:VpcEndpoint"] && types["aws:route53/zoneAssociation:ZoneAssociation"]:
					// A hub spoke with hub.dns phz: its VPC's association only.
					assert.Contains(t, actions, "route53:AssociateVPCWithHostedZone")
					assert.Contains(t, actions, "ec2:DescribeVpcs", "AssociateVPCWithHostedZone needs it")
				case !types["aws:ec2/vpcEndpoint:VpcEndpoint"] && types["aws:route53/profilesAssociation:ProfilesAssociation"]:
					// A hub spoke with hub.dns profile: the share's acceptance
					// and its VPC's Profile association only.
					assert.Contains(t, actions, "route53profiles:AssociateProfile")
					assert.Contains(t, actions, "ram:AcceptResourceShareInvitation")
					assert.NotContains(t, actions, "route53profiles:CreateProfile", "a spoke creates no Profile")
				default:
					assert.Contains(t, actions, "ec2:CreateVpcEndpoint")
					assert.Contains(t, actions, "ec2:ModifyVpcEndpoint", "the endpoint policy attachment")
				}
			}
		})
	}
	for typ := range iampolicy.Actions {
		assert.Truef(t, seenTypes[typ], "iampolicy.Actions has %s, which no stack registers: remove it or cover it", typ)
	}
}

func TestIamFlagPrintsEveryRolePerAccount(t *testing.T) {
	code, out, errOut := runCLI("--stack", "prod", "--root", projectRoot, "--iam", "--repo", "acme/xaccount-api")
	require.Equal(t, 0, code, errOut)
	for _, account := range []string{"333333333333", "444444444444", "555555555555"} {
		assert.Contains(t, out, "# Account "+account)
		assert.Contains(t, out, "role arn:aws:iam::"+account+":role/xaccount-prod-deployer, permission policy")
		assert.Contains(t, out, "role arn:aws:iam::"+account+":role/xaccount-prod-preview, trust policy")
	}
	assert.Contains(t, out, "666666666666 (consumer:analytics): nothing is deployed there")
	assert.Contains(t, out, "deploy pipeline role arn:aws:iam::333333333333:role/xaccount-prod-deploy-pipeline")
	assert.Contains(t, out, `"repo:acme/xaccount-api:environment:prod"`)
	// The deploy jobs ask for a two-hour session: the text says so too, not
	// only the JSON, or a role created from it refuses the job's session.
	assert.Contains(t, out, "deploy pipeline role arn:aws:iam::333333333333:role/xaccount-prod-deploy-pipeline, MaxSessionDuration (create or update the role with it)\n7200\n")
	assert.NotContains(t, out, `"Action": "*"`)
	assert.NotContains(t, out, `repo:acme/xaccount-api:*`, "no wildcard subject")
}

// TestIamTextSaysWhatToSetInGitHub: --iam's text names, per stack, the
// deploy workflow and ref its deploy pipeline role admits, and the gh
// commands that limit the stack's environment to main, with required
// reviewers on prod, on a split topology's producer and on its hub's stack
// (every spoke calls through its endpoint), not elsewhere; a hub's stack
// (testdata/hubsplit) is deployed by deploy-split.yml like the other split
// stacks.
func TestIamTextSaysWhatToSetInGitHub(t *testing.T) {
	for _, c := range []struct {
		root, stack, workflow string
		reviewers             bool
	}{
		{projectRoot, "dev", "deploy.yml", false},
		{projectRoot, "prod", "deploy.yml", true},
		{splitDir, "orders", "deploy-split.yml", true},
		{splitDir, "orders-app", "deploy-split.yml", false},
		{hubSplitDir, "shop", "deploy-split.yml", true},
		{hubSplitDir, "shop-network", "deploy-split.yml", true},
		{hubSplitDir, "shop-orders", "deploy-split.yml", false},
	} {
		code, out, errOut := runCLI("--stack", c.stack, "--root", c.root, "--iam", "--repo", "acme/xaccount-api")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, `"token.actions.githubusercontent.com:job_workflow_ref": "acme/xaccount-api/.github/workflows/`+c.workflow+`@refs/heads/main"`)
		assert.Contains(t, out, `"token.actions.githubusercontent.com:ref": "refs/heads/main"`)
		assert.Contains(t, out, `"token.actions.githubusercontent.com:sub": "repo:acme/xaccount-api:environment:`+c.stack+`"`)
		// The preview pipeline role: the stack's preview environment, from
		// the drift check or the stack's deploy workflow on main.
		assert.Contains(t, out, `"token.actions.githubusercontent.com:sub": "repo:acme/xaccount-api:environment:`+c.stack+`-preview"`)
		assert.Contains(t, out, `"acme/xaccount-api/.github/workflows/drift.yml@refs/heads/main",
            "acme/xaccount-api/.github/workflows/`+c.workflow+`@refs/heads/main"`)
		assert.Contains(t, out, "# GitHub settings for the "+c.stack+" stack")
		assert.Contains(t, out, "admits only the job of .github/workflows/"+c.workflow+" in environment "+c.stack+"\n")
		assert.Contains(t, out, "gh api -X PUT repos/acme/xaccount-api/environments/"+c.stack+" --input - <<'JSON'\n"+
			`{"deployment_branch_policy": {"protected_branches": false, "custom_branch_policies": true}`)
		assert.Contains(t, out, "gh api -X POST repos/acme/xaccount-api/environments/"+c.stack+"/deployment-branch-policies -f name=main -f type=branch\n")
		assert.Contains(t, out, "gh api repos/acme/xaccount-api/actions/oidc/customization/sub --jq .use_default\n")
		assert.Equalf(t, c.reviewers, strings.Contains(out, `"reviewers": [{"type": "Team", "id": TEAM_ID}], "prevent_self_review": true}`), "%s: required reviewers", c.stack)
	}
}

// TestIamRepoWithImmutableSubjects: a repository whose OIDC subjects carry
// the owner's and repository's IDs (owner@<id>/name@<id>) gets subjects in
// that form and the names elsewhere (job_workflow_ref, the gh commands);
// IDs that are not numbers are refused.
func TestIamRepoWithImmutableSubjects(t *testing.T) {
	code, out, errOut := runCLI("--stack", "dev", "--root", projectRoot, "--iam", "--repo", "acme@1234/xaccount-api@5678")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"token.actions.githubusercontent.com:sub": "repo:acme@1234/xaccount-api@5678:environment:dev"`)
	assert.Contains(t, out, `"token.actions.githubusercontent.com:job_workflow_ref": "acme/xaccount-api/.github/workflows/deploy.yml@refs/heads/main"`)
	assert.Contains(t, out, `"repo:acme@1234/xaccount-api@5678:pull_request"`)
	assert.Contains(t, out, "gh api -X POST repos/acme/xaccount-api/environments/dev/deployment-branch-policies")
	assert.NotContains(t, out, "repos/acme@")

	code, stdout, stderr := runCLI("--stack", "dev", "--root", projectRoot, "--iam", "--repo", "acme@x/xaccount-api")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, `--repo "acme@x/xaccount-api": expected owner/name, or owner@<owner id>/name@<repository id>`)
}

// iamJson runs --iam --format json and decodes it.
func iamJson(t *testing.T, args ...string) iampolicy.RoleSet {
	t.Helper()
	code, out, errOut := runCLI(append([]string{"--root", projectRoot, "--iam", "--format", "json"}, args...)...)
	require.Equal(t, 0, code, errOut)
	var set iampolicy.RoleSet
	require.NoError(t, json.Unmarshal([]byte(out), &set), out)
	var loose map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &loose))
	require.Contains(t, loose, "accounts")
	require.Contains(t, loose, "pipeline")
	return set
}

// TestIamJsonIsOneObjectPerStack: the JSON form has, per account the stack
// deploys into, a deployer and a preview role with policy and trust, and the
// pipeline's deploy and preview roles with the state backend when given.
func TestIamJsonIsOneObjectPerStack(t *testing.T) {
	set := iamJson(t, "--stack", "prod", "--repo", "acme/xaccount-api", "--state-bucket", "acme-state", "--state-prefix", "xaccount-api/")
	require.Len(t, set.Accounts, 3, "producer, payments, ledger; analytics brings its own endpoint")
	for id, a := range set.Accounts {
		for _, kind := range []string{"deployer", "preview"} {
			r, ok := a.Roles[kind]
			require.Truef(t, ok, "%s has a %s role", id, kind)
			assert.Truef(t, strings.HasPrefix(r.Arn, "arn:aws:iam::"+id+":role/"), "%s role %s is in its account", kind, r.Arn)
			assert.NotEmpty(t, r.Policy.Statement)
			assert.NotEmpty(t, r.Trust.Statement)
		}
		assert.Equal(t, "xaccount-prod-"+strings.TrimPrefix(strings.Replace(a.Role, "consumer:", "", 1), ""), a.Profile)
	}
	assert.Equal(t, "333333333333", set.Pipeline.Account)
	deploy := set.Pipeline.Roles["deploy"].Policy
	var s3 []string
	for _, st := range deploy.Statement {
		for _, a := range st.Action {
			if strings.HasPrefix(a, "s3:") {
				s3 = append(s3, a+" "+strings.Join(st.Resource, ","))
			}
		}
	}
	assert.Contains(t, s3, "s3:PutObject "+strings.Join([]string{
		"arn:aws:s3:::acme-state/xaccount-api/.pulumi/stacks/xaccount-api/prod.json",
		"arn:aws:s3:::acme-state/xaccount-api/.pulumi/stacks/xaccount-api/prod.json.gz",
		"arn:aws:s3:::acme-state/xaccount-api/.pulumi/stacks/xaccount-api/prod.json.zst",
		"arn:aws:s3:::acme-state/xaccount-api/.pulumi/stacks/xaccount-api/prod.json.bak",
		"arn:aws:s3:::acme-state/xaccount-api/.pulumi/stacks/xaccount-api/prod.json.gz.bak",
		"arn:aws:s3:::acme-state/xaccount-api/.pulumi/stacks/xaccount-api/prod.json.zst.bak",
		"arn:aws:s3:::acme-state/xaccount-api/.pulumi/history/xaccount-api/prod/*",
		"arn:aws:s3:::acme-state/xaccount-api/.pulumi/backups/xaccount-api/prod/*",
		"arn:aws:s3:::acme-state/xaccount-api/.pulumi/locks/organization/xaccount-api/prod/*",
	}, ","), "the deploy pipeline writes prod's own state only")
}

// TestIamStatePrefixIsAFolder: --state-prefix names a folder however it is
// written (xa, /xa, xa/ are the folder xa/, as Pulumi opens
// s3://bucket/xa), so its permissions never reach a sibling folder such as
// xa-other/ and its lock path is xa/.pulumi/locks/…; a bucket or prefix S3
// or IAM would read otherwise is refused, both problems in one run, before
// anything is printed.
func TestIamStatePrefixIsAFolder(t *testing.T) {
	var want string
	for _, prefix := range []string{"xa", "/xa", "xa/", "/xa/"} {
		set := iamJson(t, "--stack", "dev", "--repo", "acme/xaccount-api", "--state-bucket", "acme-state", "--state-prefix", prefix)
		doc, err := json.Marshal(set.Pipeline.Roles)
		require.NoError(t, err)
		if want == "" {
			want = string(doc)
			assert.Contains(t, want, `"arn:aws:s3:::acme-state/xa/.pulumi/locks/organization/xaccount-api/dev/*"`)
			assert.NotContains(t, want, "xa.pulumi")
			assert.NotContains(t, want, `acme-state/xa*`)
		}
		assert.Equalf(t, want, string(doc), "--state-prefix %q is the folder xa/", prefix)
	}
	code, out, errOut := runCLI("--stack", "dev", "--root", projectRoot, "--iam", "--repo", "acme/xaccount-api",
		"--state-bucket", "Acme_State", "--state-prefix", "teams/*")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, `state bucket "Acme_State": expected an S3 bucket name`)
	assert.Contains(t, errOut, `state prefix "teams/*": expected folder names`)
	for _, bad := range []string{"a//b", "../x", "x/./y", "${aws:username}", "x?"} {
		code, _, errOut := runCLI("--stack", "dev", "--root", projectRoot, "--iam", "--repo", "acme/xaccount-api",
			"--state-bucket", "acme-state", "--state-prefix", bad)
		assert.Equalf(t, 2, code, "--state-prefix %q", bad)
		assert.Containsf(t, errOut, "state prefix "+strconv.Quote(bad), "--state-prefix %q", bad)
	}
}

// TestEveryPrintedActionExists: every action of every role the project
// prints, for every stack file and a stack with every feature, is an action
// AWS has (awsactions.tsv, the Service Authorization Reference), and every
// preview role holds Read and List actions only.
func TestEveryPrintedActionExists(t *testing.T) {
	for typ, actions := range iampolicy.Actions {
		for _, a := range actions {
			_, ok := iampolicy.AccessLevels(a)
			assert.Truef(t, ok, "iampolicy.Actions[%s] has %s, which AWS does not have", typ, a)
		}
	}
	files := append(stackFiles(t), filepath.Join("testdata", "good", "Pulumi.everything.yaml"))
	for _, file := range files {
		raw, err := plan.ReadConfigFile(file)
		require.NoError(t, err)
		p, err := plan.Run(plan.StackNameOf(file), raw)
		require.NoError(t, err)
		set, err := p.Roles(plan.IamOptions{Repo: "acme/xaccount-api", StateBucket: "acme-state", StatePrefix: "p/"})
		require.NoError(t, err)
		check := func(where string, doc iampolicy.Document, readOnly bool) {
			for _, st := range doc.Statement {
				for _, a := range st.Action {
					_, ok := iampolicy.AccessLevels(a)
					assert.Truef(t, ok, "%s: %s prints %s, which AWS does not have", file, where, a)
					if readOnly {
						assert.Truef(t, iampolicy.ReadOnly(a), "%s: %s holds %s, which is not Read or List", file, where, a)
					}
				}
			}
		}
		for id, a := range set.Accounts {
			check(id+" deployer", a.Roles["deployer"].Policy, false)
			check(id+" preview", a.Roles["preview"].Policy, true)
		}
		for kind, r := range set.Pipeline.Roles {
			check(kind+" pipeline", r.Policy, false)
		}
	}
	// The list knows the difference: a negative control.
	assert.False(t, iampolicy.ReadOnly("ec2:CreateVpc"))
	assert.True(t, iampolicy.ReadOnly("EC2:describeVpcs"), "actions match without regard to case")
	_, ok := iampolicy.AccessLevels("ec2:DescribeVpcz")
	assert.False(t, ok)
}

// TestSynopsisNamesEveryFlag: the synopsis of cmd/plan (docs/offline-plan.md)
// and its --help agree: every flag --help lists is in the synopsis.
func TestSynopsisNamesEveryFlag(t *testing.T) {
	_, _, help := runCLI("--help")
	flags := regexp.MustCompile(`(?m)^\s+-([a-z-]+)`).FindAllStringSubmatch(help, -1)
	require.GreaterOrEqual(t, len(flags), 9, help)
	synopsis := docSection(t, "docs/offline-plan.md", "## Synopsis")
	synopsis = synopsis[:strings.Index(synopsis, "\n1. ")]
	for _, f := range flags {
		assert.Containsf(t, synopsis, "--"+f[1], "the synopsis names --%s", f[1])
	}
}

// TestIamNeedsTheRepository: the pipeline roles' trust names a repository;
// there is no silent placeholder.
func TestIamNeedsTheRepository(t *testing.T) {
	for _, args := range [][]string{{"--iam"}, {"--aws-config", "deployer"}} {
		code, stdout, stderr := runCLI(append([]string{"--stack", "dev", "--root", projectRoot}, args...)...)
		assert.Equal(t, 2, code, args)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "need --repo owner/name")
	}
}

// TestIamTrustPrintsTheAccountRolesForAPerson: --iam --trust <role or user
// ARN> needs no repository and prints every account's deployer and preview
// roles trusting exactly that principal, no pipeline role and no GitHub
// settings, and the profiles that assume the deployer roles with the
// person's own credentials.
func TestIamTrustPrintsTheAccountRolesForAPerson(t *testing.T) {
	const alice = "arn:aws:iam::999988887777:role/people/alice"
	code, out, errOut := runCLI("--stack", "prod", "--root", projectRoot, "--iam", "--format", "json", "--trust", alice)
	require.Equal(t, 0, code, errOut)
	var loose map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &loose), out)
	assert.NotContains(t, loose, "pipeline", "no pipeline role without a repository")
	var set iampolicy.RoleSet
	require.NoError(t, json.Unmarshal([]byte(out), &set))
	assert.Equal(t, alice, set.Principal)
	require.Len(t, set.Accounts, 3)
	for id, a := range set.Accounts {
		for _, kind := range []string{"deployer", "preview"} {
			r := a.Roles[kind]
			require.Lenf(t, r.Trust.Statement, 1, "%s %s", id, kind)
			st := r.Trust.Statement[0]
			assert.Equalf(t, map[string]string{"AWS": alice}, st.Principal, "%s %s trusts the person alone", id, kind)
			assert.Equal(t, []string{"sts:AssumeRole"}, st.Action)
			assert.NotEmpty(t, r.Policy.Statement)
		}
	}

	code, out, errOut = runCLI("--stack", "dev", "--root", projectRoot, "--iam", "--trust", alice)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "# Account 111111111111: deployer role arn:aws:iam::111111111111:role/xaccount-dev-deployer, trust policy")
	assert.Contains(t, out, `"AWS": "`+alice+`"`)
	assert.NotContains(t, out, "pipeline role")
	assert.NotContains(t, out, "token.actions.githubusercontent.com")
	assert.NotContains(t, out, "GitHub settings")
	assert.Contains(t, out, "[profile xaccount-dev-producer]\nrole_arn = arn:aws:iam::111111111111:role/xaccount-dev-deployer\nsource_profile = YOUR_PROFILE\n")
	assert.Contains(t, out, "[profile xaccount-dev-app]\nrole_arn = arn:aws:iam::222222222222:role/xaccount-dev-deployer\nsource_profile = YOUR_PROFILE\n")
}

// TestIamTrustRefusesWhatIsNotAPersonsRoleOrUser: --trust takes an IAM
// role's or user's ARN of the stack's partition; anything else, and --trust
// with the pipeline's flags or without --iam, is refused before anything
// is planned, naming the flag and the value, every problem in one run.
func TestIamTrustRefusesWhatIsNotAPersonsRoleOrUser(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--iam", "--trust", "alice"}, []string{`--trust "alice": expected an IAM role's or user's ARN, arn:<partition>:iam::<account>:role/<name>`}},
		{[]string{"--iam", "--trust", "arn:aws:sts::999988887777:assumed-role/Admin/alice"}, []string{`--trust "arn:aws:sts::999988887777:assumed-role/Admin/alice" is a session's ARN`, "give its role's ARN: arn:aws:iam::999988887777:role/<path>Admin"}},
		{[]string{"--iam", "--trust", "arn:aws:iam::999988887777:root"}, []string{`--trust "arn:aws:iam::999988887777:root" is a whole account`}},
		{[]string{"--iam", "--trust", "arn:aws:iam::999988887777:role/*"}, []string{`--trust "arn:aws:iam::999988887777:role/*": expected`}},
		{[]string{"--iam", "--trust", "arn:aws:iam::99998888777:user/alice"}, []string{`--trust "arn:aws:iam::99998888777:user/alice": expected`}},
		{[]string{"--iam", "--trust", "arn:aws:iam::999988887777:group/admins"}, []string{`--trust "arn:aws:iam::999988887777:group/admins": expected`}},
		{[]string{"--iam", "--trust", "arn:aws:iam::999988887777:role/" + strings.Repeat("a", 65)}, []string{"is longer than IAM's 64 characters"}},
		{[]string{"--iam", "--trust", "arn:aws-cn:iam::999988887777:role/alice"}, []string{`--trust "arn:aws-cn:iam::999988887777:role/alice" is in partition aws-cn; the stack's region is in aws`}},
		{[]string{"--trust", "arn:aws:iam::999988887777:role/alice"}, []string{`--trust "arn:aws:iam::999988887777:role/alice" needs --iam`}},
		{[]string{"--iam", "--trust", "bob", "--repo", "acme/xaccount-api", "--state-bucket", "b"}, []string{
			`--trust "bob": expected`, "--trust and --repo are exclusive", "--trust and --state-bucket are exclusive"}},
		{[]string{"--aws-config", "deployer", "--trust", "arn:aws:iam::999988887777:role/alice"}, []string{"--trust and --aws-config are exclusive", "needs --iam"}},
	} {
		code, stdout, stderr := runCLI(append([]string{"--stack", "dev", "--root", projectRoot}, c.args...)...)
		assert.Equal(t, 2, code, c.args)
		assert.Empty(t, stdout, c.args)
		for _, w := range c.want {
			assert.Containsf(t, stderr, w, "%v", c.args)
		}
	}
}

// TestIamDeployedCoversWhatTheChangeDeletes: with --deployed (the stack file
// as deployed: here dev with a custom domain and a second consumer), the
// roles also hold what that file registers, the domain's actions in the
// producer and app accounts included, and the account the new file dropped
// keeps its roles and profile for the up that empties it; without it they
// do not. --deployed alone, or a bad deployed file, is refused.
func TestIamDeployedCoversWhatTheChangeDeletes(t *testing.T) {
	dev, err := os.ReadFile(filepath.Join(projectRoot, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	deployed := strings.Replace(string(dev), "  xaccount-api:api:\n", "  xaccount-api:api:\n    customDomain: {name: orders.internal.example.com, certificateArn: \"arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0\"}\n", 1)
	deployed = strings.Replace(deployed, "      probe: true\n", "      probe: true\n    - name: batch\n      accountId: \"777777777777\"\n      profile: xaccount-dev-batch\n      vpc: {cidr: 10.30.0.0/24}\n", 1)
	require.Contains(t, deployed, "batch")
	require.Contains(t, deployed, "customDomain")
	file := filepath.Join(t.TempDir(), "deployed.yaml")
	require.NoError(t, os.WriteFile(file, []byte(deployed), 0o600))

	actions := func(set iampolicy.RoleSet, account string) []string {
		var out []string
		for _, st := range set.Accounts[account].Roles["deployer"].Policy.Statement {
			out = append(out, st.Action...)
		}
		return out
	}
	alone := iamJson(t, "--stack", "dev", "--repo", "acme/xaccount-api")
	assert.NotContains(t, alone.Accounts, "777777777777")
	assert.NotContains(t, actions(alone, "111111111111"), "ram:DeleteResourceShare")
	assert.NotContains(t, actions(alone, "222222222222"), "route53:DeleteHostedZone")

	both := iamJson(t, "--stack", "dev", "--repo", "acme/xaccount-api", "--deployed", file)
	assert.Contains(t, actions(both, "111111111111"), "ram:DeleteResourceShare", "the producer can delete the share")
	assert.Contains(t, actions(both, "111111111111"), "apigateway:UpdateDomainNamePolicy")
	assert.Contains(t, actions(both, "222222222222"), "route53:DeleteHostedZone", "app can delete its zone")
	assert.Contains(t, actions(both, "222222222222"), "ec2:CreateVpcEndpoint", "and still create what the new file has")
	require.Contains(t, both.Accounts, "777777777777", "the dropped account keeps its roles for the up that empties it")
	assert.Equal(t, "xaccount-dev-batch", both.Accounts["777777777777"].Profile)
	assert.Contains(t, actions(both, "777777777777"), "ec2:DeleteVpc")

	code, _, stderr := runCLI("--root", projectRoot, "--stack", "dev", "--deployed", file)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--deployed needs --iam or --aws-config")
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte(strings.Replace(deployed, `accountId: "777777777777"`, `accountId: "77"`, 1)), 0o600))
	code, _, stderr = runCLI("--root", projectRoot, "--stack", "dev", "--iam", "--repo", "acme/xaccount-api", "--deployed", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, bad+": 1 problem:\n  * xaccount-api:consumers[1].accountId", "the deployed file's problems, under its name")
}

// TestDeployersCreateOnlyBoundedStackRoles: for every committed stack and a
// stack with every feature, no deployer may write IAM on any role of its
// account: every Allow of an IAM write names the stack's own roles, creating
// or giving a role a policy needs the account's printed boundary
// (iam:PermissionsBoundary), attaching a managed policy names it
// (iam:PolicyARN), and passing a role names the service (iam:PassedToService);
// removing a boundary is denied. An account where the stack creates roles
// gets the boundary policy, printed first in the text form.
func TestDeployersCreateOnlyBoundedStackRoles(t *testing.T) {
	files := append(stackFiles(t), filepath.Join("testdata", "good", "Pulumi.everything.yaml"))
	for _, file := range files {
		raw, err := plan.ReadConfigFile(file)
		require.NoError(t, err)
		p, err := plan.Run(plan.StackNameOf(file), raw)
		require.NoError(t, err)
		set, err := p.Roles(plan.IamOptions{Repo: "acme/xaccount-api"})
		require.NoError(t, err)
		for account, a := range set.Accounts {
			boundary := "arn:aws:iam::" + account + ":policy/" + iampolicy.BoundaryPolicyName(p.Stack)
			var writesIam, deniesRemoval bool
			for _, st := range a.Roles["deployer"].Policy.Statement {
				for _, act := range st.Action {
					if !strings.HasPrefix(act, "iam:") || iampolicy.ReadOnly(act) {
						continue
					}
					if st.Effect == "Deny" {
						deniesRemoval = deniesRemoval || act == "iam:DeleteRolePermissionsBoundary"
						continue
					}
					writesIam = true
					for _, r := range st.Resource {
						assert.NotContainsf(t, r, "*", "%s %s: %s on %s", file, account, act, r)
					}
					switch act {
					case "iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary":
						assert.Equalf(t, boundary, st.Condition["StringEquals"]["iam:PermissionsBoundary"], "%s %s: %s", file, account, act)
					case "iam:AttachRolePolicy":
						assert.Equalf(t, boundary, st.Condition["StringEquals"]["iam:PermissionsBoundary"], "%s %s: %s", file, account, act)
						assert.NotEmptyf(t, st.Condition["ArnEquals"]["iam:PolicyARN"], "%s %s: %s", file, account, act)
					case "iam:PassRole":
						assert.NotEmptyf(t, st.Condition["StringEquals"]["iam:PassedToService"], "%s %s: %s", file, account, act)
					}
				}
			}
			if writesIam {
				assert.Truef(t, deniesRemoval, "%s %s: removing a role's boundary is denied", file, account)
				require.NotNilf(t, a.Boundary, "%s %s: the boundary policy is printed", file, account)
				assert.Equal(t, boundary, a.Boundary.Arn)
			}
		}
	}
	code, out, errOut := runCLI("--stack", "dev", "--root", projectRoot, "--iam", "--repo", "acme/xaccount-api")
	require.Equal(t, 0, code, errOut)
	b := strings.Index(out, "# Account 222222222222 (consumer:app): permissions boundary policy arn:aws:iam::222222222222:policy/xaccount-dev-role-boundary")
	d := strings.Index(out, "# Account 222222222222 (consumer:app): deployer role")
	assert.True(t, b >= 0 && b < d, "the boundary is printed before the deployer role that needs it")
}

// TestTheBoundaryReadsNoLogs: the permissions boundary of the roles a
// stack creates allows the writes of API Gateway's CloudWatch role and the
// probe's, and no log read (the managed policy's GetLogEvents and
// FilterLogEvents would let every role under the boundary read every log
// group of the account and region).
func TestTheBoundaryReadsNoLogs(t *testing.T) {
	doc, err := iampolicy.BoundaryPolicy("eu-west-1", iampolicy.AccountInput{Account: "111111111111", Roles: []iampolicy.RoleFact{{
		Pattern:         "xaccount-api-account-role-???????",
		ManagedPolicies: []string{"arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"},
	}}})
	require.NoError(t, err)
	require.NotNil(t, doc)
	var actions []string
	for _, st := range doc.Statement {
		actions = append(actions, st.Action...)
	}
	assert.Contains(t, actions, "logs:PutLogEvents")
	for _, read := range []string{"logs:GetLogEvents", "logs:FilterLogEvents"} {
		assert.NotContains(t, actions, read)
	}
}

// TestIamHubGivesTheNetworkAccountItsRolesAndSpokesNone: the hub stack's
// network account gets a deployer and a preview role for the hub endpoint
// (its endpoint, security group and endpoint policy, nothing of API
// Gateway), the spokes' accounts none: nothing is created there.
func TestIamHubGivesTheNetworkAccountItsRolesAndSpokesTheirAssociation(t *testing.T) {
	_, set := printedRoles(t, filepath.Join(projectRoot, "Pulumi.hub.yaml"))
	network, ok := set.Accounts["777777777777"]
	require.True(t, ok, "the network account has roles")
	assert.Equal(t, "hub", network.Role)
	assert.Equal(t, "xaccount-hub-network", network.Profile)
	var actions []string
	for _, st := range network.Roles["deployer"].Policy.Statement {
		actions = append(actions, st.Action...)
	}
	for _, want := range []string{"ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:DeleteVpcEndpoints",
		// hub.dns phz: the zone, its alias and the spokes' authorizations.
		"route53:CreateHostedZone", "route53:DeleteHostedZone", "route53:ChangeResourceRecordSets",
		"route53:CreateVPCAssociationAuthorization", "route53:ListVPCAssociationAuthorizations", "route53:DeleteVPCAssociationAuthorization",
		// the preflight's reads of the hub VPC, its subnets and route tables.
		"ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeRouteTables"} {
		assert.Contains(t, actions, want)
	}
	for _, a := range actions {
		assert.Falsef(t, strings.HasPrefix(a, "apigateway:"), "the network account gets nothing of API Gateway: %s", a)
	}
	assert.NotEmpty(t, network.Roles["preview"].Policy.Statement)
	// Each spoke's account: exactly what its VPC's association with the hub's
	// zone needs, nothing of an endpoint or a zone of its own.
	for account, profile := range map[string]string{"333333333333": "xaccount-hub-orders", "444444444444": "xaccount-hub-billing"} {
		spoke, has := set.Accounts[account]
		require.Truef(t, has, "spoke account %s gets roles for its zone association", account)
		assert.Equal(t, profile, spoke.Profile)
		var got []string
		for _, st := range spoke.Roles["deployer"].Policy.Statement {
			got = append(got, st.Action...)
		}
		slices.Sort(got)
		assert.Equal(t, []string{"ec2:DescribeRouteTables", "ec2:DescribeSubnets", "ec2:DescribeVpcAttribute", "ec2:DescribeVpcs", "route53:AssociateVPCWithHostedZone",
			"route53:DisassociateVPCFromHostedZone", "route53:GetChange", "route53:ListHostedZonesByVPC"}, slices.Compact(got),
			"spoke account %s: its association, and the preflight's reads of its VPC, subnets and route tables", account)
		var reads []string
		for _, st := range spoke.Roles["preview"].Policy.Statement {
			reads = append(reads, st.Action...)
		}
		assert.NotContains(t, reads, "route53:AssociateVPCWithHostedZone", "the preview role reads only")
		assert.Contains(t, reads, "route53:ListHostedZonesByVPC", "the association's read")
	}
	// route53:VPCs ("VPC permissions", Route 53 developer guide): the VPC
	// actions of the authorizations (network account) and the associations
	// (spokes) reach only the VPCs the stack names, never another VPC on
	// another of the account's zones. (The network account's own zone is
	// created with the hub VPC under CreateHostedZone's condition.)
	for account, want := range map[string]struct {
		actions, vpcs []string
	}{
		"777777777777": {[]string{"route53:CreateVPCAssociationAuthorization", "route53:DeleteVPCAssociationAuthorization"},
			[]string{"VPCId=vpc-0b1c2d3e4f5a60718,VPCRegion=eu-west-1", "VPCId=vpc-0c1d2e3f4a5b60718,VPCRegion=eu-west-1"}},
		"333333333333": {[]string{"route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone"},
			[]string{"VPCId=vpc-0b1c2d3e4f5a60718,VPCRegion=eu-west-1"}},
		"444444444444": {[]string{"route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone"},
			[]string{"VPCId=vpc-0c1d2e3f4a5b60718,VPCRegion=eu-west-1"}},
	} {
		seen := 0
		for _, st := range set.Accounts[account].Roles["deployer"].Policy.Statement {
			for _, a := range st.Action {
				if !slices.Contains(want.actions, a) {
					continue
				}
				seen++
				got, _ := json.Marshal(st.Condition["StringEquals"]["route53:VPCs"])
				wantJson, _ := json.Marshal(want.vpcs)
				assert.JSONEqf(t, string(wantJson), string(got), "account %s: %s only for the stack's VPCs", account, a)
			}
		}
		assert.Equalf(t, len(want.actions), seen, "account %s has each VPC action once", account)
	}
	// The hub zone's alias: one API name of the region, one label of an API
	// ID's 10 characters (the ID is not known before the API exists), not
	// any name under execute-api.
	for _, st := range network.Roles["deployer"].Policy.Statement {
		if slices.Contains(st.Action, "route53:ChangeResourceRecordSets") {
			got, _ := json.Marshal(st.Condition["ForAllValues:StringLike"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"])
			assert.JSONEq(t, `["??????????.execute-api.eu-west-1.amazonaws.com"]`, string(got))
		}
	}
}

// TestIamHubProfileGivesTheNetworkAccountTheProfileAndSpokesTheirAssociation:
// with hub.dns profile the network account's deployer creates the zone, the
// Route 53 Profile and its RAM share, and may share only a Profile or a
// domain of its own (ram:RequestedResourceType, ram:ResourceArn) with the
// spokes' accounts (ram:Principal); each spoke's account gets exactly the
// share's acceptance and its VPC's Profile association, nothing of a zone's
// association or of a Profile of its own.
func TestIamHubProfileGivesTheNetworkAccountTheProfileAndSpokesTheirAssociation(t *testing.T) {
	_, set := printedRoles(t, filepath.Join(projectRoot, "Pulumi.hub-profile.yaml"))
	network, ok := set.Accounts["777777777777"]
	require.True(t, ok, "the network account has roles")
	var actions []string
	var shareCondition map[string]map[string]any
	for _, st := range network.Roles["deployer"].Policy.Statement {
		actions = append(actions, st.Action...)
		if slices.Contains(st.Action, "ram:CreateResourceShare") {
			shareCondition = st.Condition
		}
		if slices.Contains(st.Action, "ram:AssociateResourceShare") {
			// The Sid says what the statement shares: a Profile, no domain.
			assert.Equal(t, "DeployRamSharedProfiles", st.Sid)
		}
	}
	for _, want := range []string{"route53:CreateHostedZone", "route53:ChangeResourceRecordSets",
		"route53profiles:CreateProfile", "route53profiles:DeleteProfile", "route53profiles:AssociateResourceToProfile", "route53profiles:DisassociateResourceFromProfile",
		"ram:CreateResourceShare", "ram:AssociateResourceShare"} {
		assert.Contains(t, actions, want)
	}
	assert.NotContains(t, actions, "route53:CreateVPCAssociationAuthorization", "the spokes get the zone through the Profile")
	require.NotNil(t, shareCondition)
	assert.Equal(t, "route53profiles:Profile", shareCondition["StringEqualsIfExists"]["ram:RequestedResourceType"], "only a Profile is shared")
	assert.Equal(t, "arn:aws:route53profiles:eu-west-1:777777777777:profile/*", shareCondition["StringLikeIfExists"]["ram:ResourceArn"], "of the network account")
	assert.Equal(t, []string{"333333333333", "444444444444"}, shareCondition["StringEqualsIfExists"]["ram:Principal"], "with the spokes' accounts")
	// Route 53 Profiles' Associate/DisassociateResourceToProfile have no
	// resource type ("Actions, resources, and condition keys for Amazon
	// Route 53 Profiles"): "*", narrowed to hosted zones
	// (route53profiles:ResourceTypes).
	for _, st := range network.Roles["deployer"].Policy.Statement {
		if slices.Contains(st.Action, "route53profiles:AssociateResourceToProfile") {
			assert.Equal(t, []string{"*"}, st.Resource)
			assert.Equal(t, "HostedZone", st.Condition["StringEquals"]["route53profiles:ResourceTypes"], "only a hosted zone goes into the Profile")
		}
		if slices.Contains(st.Action, "route53profiles:DisassociateResourceFromProfile") {
			// Its request names the resource by ARN only: IfExists, so that
			// a request without the key can still take the zone out.
			assert.Equal(t, "HostedZone", st.Condition["StringEqualsIfExists"]["route53profiles:ResourceTypes"], "taking the zone out is not refused for a missing key")
			assert.NotContains(t, st.Condition, "StringEquals")
		}
	}
	for account, vpc := range map[string]string{"333333333333": "vpc-0b1c2d3e4f5a60718", "444444444444": "vpc-0c1d2e3f4a5b60718"} {
		// AssociateProfile and DisassociateProfile: "*" (no resource type),
		// only for the spoke's own VPC (route53profiles:ResourceIds).
		seen := 0
		for _, st := range set.Accounts[account].Roles["deployer"].Policy.Statement {
			if slices.Contains(st.Action, "route53profiles:AssociateProfile") || slices.Contains(st.Action, "route53profiles:DisassociateProfile") {
				seen++
				assert.Equal(t, []string{"*"}, st.Resource)
				assert.Equal(t, []string{vpc}, st.Condition["StringEquals"]["route53profiles:ResourceIds"], "account %s: its spoke's VPC only", account)
			}
		}
		assert.Equalf(t, 1, seen, "account %s: one statement for the Profile's VPC actions", account)
	}
	for account, profile := range map[string]string{"333333333333": "xaccount-hub-orders", "444444444444": "xaccount-hub-billing"} {
		spoke, has := set.Accounts[account]
		require.Truef(t, has, "spoke account %s gets roles for its Profile association", account)
		assert.Equal(t, profile, spoke.Profile)
		var got []string
		for _, st := range spoke.Roles["deployer"].Policy.Statement {
			got = append(got, st.Action...)
		}
		slices.Sort(got)
		// The ec2 reads are the preflight's: the spoke's VPC (owner, DNS
		// attributes), its subnets and route tables, with its credentials.
		assert.Equal(t, []string{"ec2:DescribeRouteTables", "ec2:DescribeSubnets", "ec2:DescribeVpcAttribute", "ec2:DescribeVpcs",
			"ram:AcceptResourceShareInvitation", "ram:GetResourceShareInvitations", "ram:GetResourceShares", "ram:ListResources",
			"route53profiles:AssociateProfile", "route53profiles:DisassociateProfile", "route53profiles:GetProfileAssociation", "route53profiles:ListTagsForResource",
			"route53profiles:TagResource", "route53profiles:UntagResource"}, slices.Compact(got), "spoke account %s", account)
	}
}

// TestEveryPrintedStatementNamesItsResources: IAM refuses a permission
// policy statement without Resource (MalformedPolicyDocument, "Policy
// statement must contain resources"), which would leave the role uncreated;
// every role of every stack file names them, and no account gets API
// Gateway's domain management-policy action without a domain to share.
func TestEveryPrintedStatementNamesItsResources(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(projectRoot, "Pulumi.*.yaml"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 4)
	for _, file := range files {
		stack := plan.StackNameOf(file)
		p, set := printedRoles(t, file)
		for account, a := range set.Accounts {
			for name, role := range a.Roles {
				for _, st := range role.Policy.Statement {
					assert.NotEmptyf(t, st.Resource, "%s: account %s role %s statement %s has no Resource", stack, account, name, st.Sid)
					if slices.Contains(st.Action, "apigateway:UpdateDomainNameManagementPolicy") {
						assert.Truef(t, slices.ContainsFunc(p.Resources, func(r plan.Resource) bool {
							return r.Account == account && r.Type == "aws:apigateway/domainName:DomainName"
						}), "%s: account %s gets the domain management-policy action without a domain", stack, account)
					}
				}
			}
		}
	}
}

// TestIamHubNetworkZonesOnTheHubVpcOnly: the network account's deployer
// creates private zones on the hub VPC only (route53:VPCs), and gets no
// AssociateVPCWithHostedZone on every zone: the hub endpoint's private DNS
// is off, so AWS associates no service zone for it.
func TestIamHubNetworkZonesOnTheHubVpcOnly(t *testing.T) {
	_, set := printedRoles(t, filepath.Join(projectRoot, "Pulumi.hub.yaml"))
	var create *iampolicy.Statement
	for i, st := range set.Accounts["777777777777"].Roles["deployer"].Policy.Statement {
		if slices.Contains(st.Action, "route53:CreateHostedZone") {
			create = &set.Accounts["777777777777"].Roles["deployer"].Policy.Statement[i]
		}
		if slices.Contains(st.Action, "route53:AssociateVPCWithHostedZone") {
			named := st.Condition["StringEquals"]["route53:VPCs"]
			if named == nil {
				named = st.Condition["ForAllValues:StringEquals"]["route53:VPCs"]
			}
			assert.NotEmptyf(t, named, "statement %s: AssociateVPCWithHostedZone only for named VPCs", st.Sid)
		}
	}
	require.NotNil(t, create)
	assert.Equal(t, []string{"VPCId=vpc-0a1b2c3d4e5f60718,VPCRegion=eu-west-1"}, create.Condition["StringEquals"]["route53:VPCs"], "zones on the hub VPC only")
}

// printedRoles is the stack file's plan and the roles --iam prints for it
// (repository acme/xaccount-api).
func printedRoles(t *testing.T, file string) (*plan.Plan, iampolicy.RoleSet) {
	t.Helper()
	raw, err := plan.ReadConfigFile(file)
	require.NoError(t, err, file)
	p, err := plan.Run(plan.StackNameOf(file), raw)
	require.NoError(t, err, file)
	set, err := p.Roles(plan.IamOptions{Repo: "acme/xaccount-api"})
	require.NoError(t, err, file)
	return p, set
}
