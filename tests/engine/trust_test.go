package engine

import (
	"path/filepath"
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
	raw, err := plan.ReadConfigFile(filepath.Join(repoRoot, "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	p, err := plan.Run(stack, raw)
	require.NoError(t, err)
	set, err := p.Roles(plan.IamOptions{Repo: testRepo})
	require.NoError(t, err)
	return set
}

// reaches says which roles an OIDC token with subject can end up in: the
// pipeline roles whose trust accepts the token, then every role whose trust
// names such a pipeline role and which the pipeline role's own policy lets it
// assume. Evaluated by the simulated IAM, not by the code that printed them.
func reaches(t *testing.T, sets []iampolicy.RoleSet, subject string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, set := range sets {
		for _, pr := range set.Pipeline.Roles {
			provider := pr.Trust.Statement[0].Principal["Federated"]
			ok, err := fakeaws.EvaluateTrust(mustJSON(t, pr.Trust), "sts:AssumeRoleWithWebIdentity", provider,
				map[string]string{iampolicy.OidcIssuer + ":sub": subject, iampolicy.OidcIssuer + ":aud": iampolicy.OidcAudience})
			require.NoError(t, err)
			if !ok {
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

	pr := reaches(t, sets, "repo:"+testRepo+":pull_request")
	for _, set := range sets {
		for _, arn := range deployers(set) {
			assert.Falsef(t, pr[arn], "a pull request must not reach deployer role %s", arn)
		}
		for _, arn := range previews(set) {
			assert.Truef(t, pr[arn], "a pull request previews with %s", arn)
		}
	}

	prodEnv := reaches(t, sets, "repo:"+testRepo+":environment:prod")
	for _, arn := range deployers(prod) {
		assert.Truef(t, prodEnv[arn], "the prod environment deploys with %s", arn)
	}
	for _, arn := range deployers(dev) {
		assert.Falsef(t, prodEnv[arn], "the prod environment must not reach dev's %s", arn)
	}
	devEnv := reaches(t, sets, "repo:"+testRepo+":environment:dev")
	for _, arn := range deployers(prod) {
		assert.Falsef(t, devEnv[arn], "the dev environment must not reach prod's %s", arn)
	}

	// The drift check and the pre-approval preview run in the stack's
	// preview environment: its read-only roles, nothing that writes, no
	// other stack's.
	prodPreview := reaches(t, sets, "repo:"+testRepo+":environment:prod-preview")
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
		for arn := range reaches(t, sets, subject) {
			assert.Failf(t, "unexpected reach", "%s reaches %s", subject, arn)
		}
	}

	for _, set := range sets {
		trust := mustJSON(t, set.Pipeline.Roles["deploy"].Trust)
		assert.NotContains(t, trust, "StringLike", "the deploy pipeline's trust compares subjects exactly")
		assert.False(t, strings.Contains(trust, ":*"), "no wildcard subject on a role that can write")
	}
}
