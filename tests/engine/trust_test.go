package engine

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/iampolicy"
	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// committedRoles is the role set --iam prints for a committed stack file.
func committedRoles(t *testing.T, stack string) iampolicy.RoleSet {
	t.Helper()
	return rolesOf(t, repoRoot, stack)
}

// rolesOf is the role set --iam prints for the stack file of dir, with the
// stacks it references planned from the files beside it.
func rolesOf(t *testing.T, dir, stack string) iampolicy.RoleSet {
	t.Helper()
	raw, err := plan.ReadConfigFile(filepath.Join(dir, "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	p, err := plan.RunForRoles(dir, stack, raw)
	require.NoError(t, err)
	set, err := p.Roles(plan.IamOptions{Repo: testRepo})
	require.NoError(t, err)
	return set
}

// githubJob is the claims of the OIDC token GitHub gives a job of
// workflow (a file of .github/workflows) run from ref, in environment env
// ("" for none), with the default subject format ("OpenID Connect
// reference": an environment's subject, else pull_request for a pull
// request's ref, else the ref).
func githubJob(workflow, ref, env string) map[string]string {
	sub := "repo:" + testRepo + ":ref:" + ref
	switch {
	case env != "":
		sub = "repo:" + testRepo + ":environment:" + env
	case strings.HasPrefix(ref, "refs/pull/"):
		sub = "repo:" + testRepo + ":pull_request"
	}
	c := map[string]string{"iss": "https://" + iampolicy.OidcIssuer, "aud": iampolicy.OidcAudience, "sub": sub,
		"repository": testRepo, "ref": ref, "job_workflow_ref": testRepo + "/.github/workflows/" + workflow + "@" + ref}
	if env != "" {
		c["environment"] = env
	}
	return c
}

// subjectOnly is a token with only these claims' sub and aud.
func subjectOnly(sub string) map[string]string {
	return map[string]string{"iss": "https://" + iampolicy.OidcIssuer, "aud": iampolicy.OidcAudience, "sub": sub}
}

// assumes says whether the simulated STS lets a token with these claims
// assume the pipeline role r (its trust, the request context
// AssumeRoleWithWebIdentity builds from the token).
func assumes(t *testing.T, r iampolicy.Role, claims map[string]string) bool {
	t.Helper()
	provider := r.Trust.Statement[0].Principal["Federated"]
	ok, err := fakeaws.EvaluateTrust(mustJSON(t, r.Trust), "sts:AssumeRoleWithWebIdentity", provider,
		fakeaws.WebIdentityContext(iampolicy.OidcIssuer, claims))
	require.NoError(t, err)
	return ok
}

// reaches says which roles an OIDC token with these claims can end up in:
// the pipeline roles whose trust accepts the token, then every role whose
// trust names such a pipeline role and which the pipeline role's own
// policy lets it assume. Evaluated by the simulated IAM, not by the code
// that printed them.
func reaches(t *testing.T, sets []iampolicy.RoleSet, claims map[string]string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, set := range sets {
		for _, pr := range set.Pipeline.Roles {
			if !assumes(t, pr, claims) {
				continue
			}
			out[pr.Arn] = true
			for _, target := range sets {
				for _, a := range target.Accounts {
					for _, r := range a.Roles {
						may, err := fakeaws.EvaluateIdentity(mustJSON(t, pr.Policy), "sts:AssumeRole", r.Arn)
						require.NoError(t, err)
						trusted, err := fakeaws.EvaluateTrust(mustJSON(t, r.Trust), "sts:AssumeRole", pr.Arn, nil)
						require.NoError(t, err)
						if may && trusted {
							out[r.Arn] = true
						}
					}
				}
			}
		}
	}
	return out
}

// TestTrustChain: a pull request reaches the preview roles and nothing that
// can write; the prod environment reaches prod's deployer roles and not
// dev's; prod's preview environment (drift check, pre-approval preview)
// reaches prod's preview roles only; a branch push, main without an
// environment included, reaches nothing; no trust that leads to a deployer
// role accepts a wildcard subject.
func TestTrustChain(t *testing.T) {
	t.Parallel()
	dev, prod := committedRoles(t, "dev"), committedRoles(t, "prod")
	sets := []iampolicy.RoleSet{dev, prod}
	deployers := func(set iampolicy.RoleSet) []string {
		var out []string
		for _, a := range set.Accounts {
			out = append(out, a.Roles["deployer"].Arn)
		}
		return out
	}
	previews := func(set iampolicy.RoleSet) []string {
		var out []string
		for _, a := range set.Accounts {
			out = append(out, a.Roles["preview"].Arn)
		}
		return out
	}

	pr := reaches(t, sets, githubJob("preview.yml", "refs/pull/7/merge", ""))
	for _, set := range sets {
		for _, arn := range deployers(set) {
			assert.Falsef(t, pr[arn], "a pull request must not reach deployer role %s", arn)
		}
		for _, arn := range previews(set) {
			assert.Equalf(t, slices.Contains(iampolicy.PullRequestPreviewStacks, set.Stack), pr[arn],
				"a pull request previews with %s exactly when pull requests preview stack %s", arn, set.Stack)
		}
	}

	prodEnv := reaches(t, sets, githubJob("deploy.yml", iampolicy.MainRef, "prod"))
	for _, arn := range deployers(prod) {
		assert.Truef(t, prodEnv[arn], "the prod environment deploys with %s", arn)
	}
	for _, arn := range deployers(dev) {
		assert.Falsef(t, prodEnv[arn], "the prod environment must not reach dev's %s", arn)
	}
	devEnv := reaches(t, sets, githubJob("deploy.yml", iampolicy.MainRef, "dev"))
	for _, arn := range deployers(prod) {
		assert.Falsef(t, devEnv[arn], "the dev environment must not reach prod's %s", arn)
	}

	// The drift check and the pre-approval preview run in the stack's
	// preview environment: its read-only roles, nothing that writes, no
	// other stack's.
	prodPreview := reaches(t, sets, githubJob("deploy.yml", iampolicy.MainRef, "prod-preview"))
	for _, arn := range previews(prod) {
		assert.Truef(t, prodPreview[arn], "prod's preview environment reads with %s", arn)
	}
	for _, set := range sets {
		for _, arn := range deployers(set) {
			assert.Falsef(t, prodPreview[arn], "prod's preview environment must not reach deployer role %s", arn)
		}
	}
	for _, arn := range previews(dev) {
		assert.Falsef(t, prodPreview[arn], "prod's preview environment must not reach dev's %s", arn)
	}

	for _, subject := range []string{"repo:" + testRepo + ":ref:refs/heads/feature", "repo:" + testRepo + ":ref:refs/heads/main", "repo:other/fork:environment:prod", "repo:" + testRepo + ":environment:prod-copy"} {
		for arn := range reaches(t, sets, subjectOnly(subject)) {
			assert.Failf(t, "unexpected reach", "%s reaches %s", subject, arn)
		}
	}

	for _, set := range sets {
		trust := mustJSON(t, set.Pipeline.Roles["deploy"].Trust)
		assert.NotContains(t, trust, "StringLike", "the deploy pipeline's trust compares subjects exactly")
		assert.False(t, strings.Contains(trust, ":*"), "no wildcard subject on a role that can write")
	}
}

// TestDeployTrustAdmitsOnlyTheDeployJobOnMain: each stack's deploy pipeline
// role admits the job of its deploy workflow (deploy.yml for dev and prod,
// deploy-split.yml for the split examples' stacks, the hub's stack of
// testdata/hubsplit included) in its environment on main, and no other job that names the environment: a push of another
// branch, a tag, a pull request (with or without the environment), another
// workflow file on main, the other deploy workflow, or a token with only
// the environment's subject (all the trust asked for before). The drift
// job on main reaches the preview roles only. Evaluated by the simulated
// IAM with the request context the simulated STS builds from the token.
func TestDeployTrustAdmitsOnlyTheDeployJobOnMain(t *testing.T) {
	t.Parallel()
	split := filepath.Join(repoRoot, "tests", "testdata", "split")
	sets := map[string]iampolicy.RoleSet{"dev": committedRoles(t, "dev"), "prod": committedRoles(t, "prod")}
	splitStacks := map[string]bool{}
	for _, stack := range []string{"orders", "orders-app", "orders-batch"} {
		sets[stack] = rolesOf(t, split, stack)
		splitStacks[stack] = true
	}
	hubSplit := filepath.Join(repoRoot, "tests", "testdata", "hubsplit")
	for _, stack := range []string{"shop", "shop-network", "shop-orders"} {
		sets[stack] = rolesOf(t, hubSplit, stack)
		splitStacks[stack] = true
	}
	require.Contains(t, sets["shop-network"].Accounts, "777777777777", "the hub's stack deploys into the network account")
	for stack, set := range sets {
		workflow, other := iampolicy.DeployWorkflow, iampolicy.SplitDeployWorkflow
		if splitStacks[stack] {
			workflow, other = other, workflow
		}
		deploy := set.Pipeline.Roles["deploy"]
		assert.Truef(t, assumes(t, deploy, githubJob(workflow, iampolicy.MainRef, stack)), "%s: the %s job on main deploys", stack, workflow)
		for name, claims := range map[string]map[string]string{
			"a push of another branch naming the environment": githubJob(workflow, "refs/heads/feature", stack),
			"a tag naming the environment":                    githubJob(workflow, "refs/tags/v1.0.0", stack),
			"a pull request":                                  githubJob("preview.yml", "refs/pull/7/merge", ""),
			"a pull request's job naming the environment":     githubJob(workflow, "refs/pull/7/merge", stack),
			"another workflow file on main":                   githubJob("other.yml", iampolicy.MainRef, stack),
			"the other deploy workflow on main":               githubJob(other, iampolicy.MainRef, stack),
			"another stack's job on main":                     githubJob(workflow, iampolicy.MainRef, stack+"-copy"),
			"the environment's subject alone":                 subjectOnly(iampolicy.DeploySubject(testRepo, stack)),
		} {
			assert.Falsef(t, assumes(t, deploy, claims), "%s: %s must not get the deploy pipeline role", stack, name)
		}

		drift := reaches(t, []iampolicy.RoleSet{set}, githubJob("drift.yml", iampolicy.MainRef, stack+"-preview"))
		for id, a := range set.Accounts {
			assert.Truef(t, drift[a.Roles["preview"].Arn], "%s: the drift job reads account %s", stack, id)
			assert.Falsef(t, drift[a.Roles["deployer"].Arn], "%s: the drift job must not reach account %s's deployer", stack, id)
		}
	}
}

// TestTrialRolesTrustOnlyTheNamedPrincipal: the roles --iam --trust prints
// for a person let that role (or user) assume every account's deployer and
// preview role, and nobody else: another role of the same account, a role
// of the same name in another account, the pipeline's roles. Evaluated by
// the simulated IAM (sts:AssumeRole against the printed trust).
func TestTrialRolesTrustOnlyTheNamedPrincipal(t *testing.T) {
	t.Parallel()
	const alice = "arn:aws:iam::999988887777:role/people/alice"
	pipeline := committedRoles(t, "dev")
	for _, stack := range []string{"dev", "prod"} {
		raw, err := plan.ReadConfigFile(filepath.Join(repoRoot, "Pulumi."+stack+".yaml"))
		require.NoError(t, err)
		p, err := plan.RunForRoles(repoRoot, stack, raw)
		require.NoError(t, err)
		set, err := p.Roles(plan.IamOptions{Trust: alice})
		require.NoError(t, err)
		require.Nil(t, set.Pipeline, "no pipeline roles for a trial")
		require.NotEmpty(t, set.Accounts)
		for id, a := range set.Accounts {
			for kind, r := range a.Roles {
				trust := mustJSON(t, r.Trust)
				may := func(caller string) bool {
					ok, err := fakeaws.EvaluateTrust(trust, "sts:AssumeRole", caller, nil)
					require.NoError(t, err)
					return ok
				}
				assert.Truef(t, may(alice), "%s: alice assumes account %s's %s role", stack, id, kind)
				for _, other := range []string{
					"arn:aws:iam::999988887777:role/people/bob",
					"arn:aws:iam::999988887777:user/alice",
					"arn:aws:iam::111122223333:role/people/alice",
					"arn:aws:iam::999988887777:root",
					pipeline.Pipeline.Roles["deploy"].Arn,
				} {
					assert.Falsef(t, may(other), "%s: %s must not assume account %s's %s role", stack, other, id, kind)
				}
			}
		}
	}
}

// TestDeployTrustWithImmutableSubjects: for a repository whose subjects
// carry the owner's and repository's IDs, the deploy pipeline role admits
// the main deploy job's token (subject with IDs, job_workflow_ref with the
// names) and refuses the same job with the subject's old, names-only form
// or from another branch.
func TestDeployTrustWithImmutableSubjects(t *testing.T) {
	t.Parallel()
	const repo = "acme@1234/xaccount-api@5678"
	raw, err := plan.ReadConfigFile(filepath.Join(repoRoot, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	p, err := plan.RunForRoles(repoRoot, "dev", raw)
	require.NoError(t, err)
	set, err := p.Roles(plan.IamOptions{Repo: repo})
	require.NoError(t, err)
	deploy := set.Pipeline.Roles["deploy"]
	job := func(sub, ref string) map[string]string {
		return map[string]string{"iss": "https://" + iampolicy.OidcIssuer, "aud": iampolicy.OidcAudience, "sub": sub, "ref": ref,
			"job_workflow_ref": "acme/xaccount-api/.github/workflows/deploy.yml@" + ref, "environment": "dev"}
	}
	assert.True(t, assumes(t, deploy, job("repo:"+repo+":environment:dev", iampolicy.MainRef)))
	assert.False(t, assumes(t, deploy, job("repo:acme/xaccount-api:environment:dev", iampolicy.MainRef)), "the names-only subject is another repository's")
	assert.False(t, assumes(t, deploy, job("repo:"+repo+":environment:dev", "refs/heads/feature")))
}

// TestPreviewTrustAdmitsPullRequestsOnlyForTheStacksTheyPreview: a stack's
// preview pipeline role admits the drift check and its deploy workflow's
// preview job in its preview environment on main, and pull requests only
// for the stacks preview.yml previews (dev): a branch that edits
// preview.yml to name prod gets none of prod's roles. A job of another
// branch or another workflow file naming the preview environment (a
// workflow_dispatch of drift.yml from a branch, say) is refused too.
func TestPreviewTrustAdmitsPullRequestsOnlyForTheStacksTheyPreview(t *testing.T) {
	t.Parallel()
	split := filepath.Join(repoRoot, "tests", "testdata", "split")
	sets := map[string]iampolicy.RoleSet{"dev": committedRoles(t, "dev"), "prod": committedRoles(t, "prod")}
	for _, stack := range []string{"orders", "orders-app"} {
		sets[stack] = rolesOf(t, split, stack)
	}
	pullRequest := githubJob("preview.yml", "refs/pull/7/merge", "")
	for stack, set := range sets {
		preview := set.Pipeline.Roles["preview"]
		workflow := iampolicy.DeployWorkflow
		if strings.HasPrefix(stack, "orders") {
			workflow = iampolicy.SplitDeployWorkflow
		}
		env := iampolicy.PreviewEnvironment(stack)
		assert.Equalf(t, slices.Contains(iampolicy.PullRequestPreviewStacks, stack), assumes(t, preview, pullRequest),
			"%s: a pull request gets the preview pipeline role exactly when pull requests preview the stack", stack)
		assert.Truef(t, assumes(t, preview, githubJob(iampolicy.DriftWorkflow, iampolicy.MainRef, env)), "%s: the drift check on main", stack)
		assert.Truef(t, assumes(t, preview, githubJob(workflow, iampolicy.MainRef, env)), "%s: the deploy workflow's preview on main", stack)
		for name, claims := range map[string]map[string]string{
			"the drift check run from a branch":                githubJob(iampolicy.DriftWorkflow, "refs/heads/feature", env),
			"another workflow file on main in the environment": githubJob("other.yml", iampolicy.MainRef, env),
			"the environment's subject alone":                  subjectOnly(iampolicy.PreviewEnvironmentSubject(testRepo, stack)),
			"the drift check on main outside the environment":  githubJob(iampolicy.DriftWorkflow, iampolicy.MainRef, ""),
		} {
			assert.Falsef(t, assumes(t, preview, claims), "%s: %s must not get the preview pipeline role", stack, name)
		}
	}
}
