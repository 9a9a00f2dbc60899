package tests

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// forkGuard is the condition that skips a pull request's job from a fork,
// which GitHub gives no OIDC token (and no secrets): skipped, not failed.
const forkGuard = "github.event.pull_request.head.repo.full_name == github.repository"

// TestWorkflowPermissionsPerJob: the workflows grant id-token: write (an
// OIDC token for AWS), pull-requests: write (the preview comment) and
// deployments: read (the stack's last successful deployment, for the
// deployed stack file) only to the jobs that use them, never to the whole
// workflow, where every job (tests, builds, the topology) would get them;
// the pull-request jobs that assume a role skip a fork's pull request.
func TestWorkflowPermissionsPerJob(t *testing.T) {
	for name, w := range committedWorkflows(t) {
		for _, scope := range []string{"id-token", "pull-requests", "deployments", "issues", "actions"} {
			assert.Emptyf(t, w.Permissions[scope], "%s: %s for the whole workflow", name, scope)
		}
		onPullRequest := slices.Contains(w.triggers(), "pull_request") || slices.Contains(w.triggers(), "pull_request_target")
		for jobName, j := range w.Jobs {
			oidc, comments, deployments := false, false, false
			for _, s := range j.Steps {
				// An OIDC token assumes an AWS role, or signs a release's
				// build provenance (release.yml's attest job).
				oidc = oidc || strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") ||
					strings.HasPrefix(s.Uses, "actions/attest-build-provenance@")
				comments = comments || s.With["comment-on-pr"] == "true"
				deployments = deployments || strings.Contains(s.Run, ".ci/deployed-stack-file")
			}
			assert.Equalf(t, deployments, j.Permissions["deployments"] == "read", "%s job %s: deployments: read exactly when it looks up the last deployment", name, jobName)
			assert.Equalf(t, oidc, j.Permissions["id-token"] == "write", "%s job %s: id-token: write exactly when it assumes a role through OIDC or attests a build", name, jobName)
			assert.Equalf(t, comments, j.Permissions["pull-requests"] == "write", "%s job %s: pull-requests: write exactly when it comments", name, jobName)
			if oidc && onPullRequest {
				assert.Containsf(t, j.If, forkGuard, "%s job %s: a fork's pull request is skipped before OIDC", name, jobName)
			}
		}
	}
}

// TestPipelineSessionsOutlastTheirJobs: every job that assumes a pipeline
// role asks for a session at least as long as the job may run
// (role-duration-seconds; the action's default is one hour), and the role
// --iam prints for that kind of job allows it (MaxSessionDuration, IAM's
// default one hour: STS refuses a longer DurationSeconds), so credentials
// never expire before the job does.
func TestPipelineSessionsOutlastTheirJobs(t *testing.T) {
	sets := committedRoleSets(t)
	require.NotEmpty(t, sets)
	// The split stacks' pipeline roles too, a hub's stack's included
	// (deploy-split.yml's jobs hub and hub-again).
	for _, dir := range []string{splitDir, hubSplitDir} {
		for name, set := range roleSetsIn(t, dir) {
			sets[name] = set
		}
	}
	require.Contains(t, sets, "shop-network")
	allowed := func(kind string) int {
		least := 0
		for name, set := range sets {
			r, ok := set.Pipeline.Roles[kind]
			require.Truef(t, ok, "stack %s prints a %s pipeline role", name, kind)
			d := r.MaxSessionDuration
			if d == 0 {
				d = 3600 // IAM's default
			}
			if least == 0 || d < least {
				least = d
			}
		}
		return least
	}
	checked := 0
	for name, w := range committedWorkflows(t) {
		for jobName, j := range w.Jobs {
			kind := ""
			for _, s := range j.Steps {
				if _, k, ok := s.credentials(); ok {
					kind = map[string]string{"deployer": "deploy", "preview": "preview"}[k]
				}
			}
			for _, s := range j.Steps {
				if !strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
					continue
				}
				require.NotEmptyf(t, kind, "%s job %s: OIDC without a pipeline-credentials step", name, jobName)
				require.NotZerof(t, j.TimeoutMinutes, "%s job %s has a timeout", name, jobName)
				session := 3600
				if v, ok := s.With["role-duration-seconds"]; ok {
					var err error
					session, err = strconv.Atoi(v)
					require.NoErrorf(t, err, "%s job %s: role-duration-seconds %q", name, jobName, v)
				}
				assert.GreaterOrEqualf(t, session, j.TimeoutMinutes*60, "%s job %s: a %d s session for a job of %d minutes", name, jobName, session, j.TimeoutMinutes)
				assert.LessOrEqualf(t, session, allowed(kind), "%s job %s: the %s pipeline role must allow a %d s session", name, jobName, kind, session)
				checked++
			}
		}
	}
	assert.Greater(t, checked, 5, "every OIDC job is checked")
}
