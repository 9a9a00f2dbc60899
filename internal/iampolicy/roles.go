package iampolicy

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/xaccount/xaccount-api/internal/awspartition"
)

// The pipeline's identities, from GitHub's OIDC provider. A job's token
// carries a subject that says what started it: a deployment environment,
// a pull request, or a branch (GitHub docs, "About security hardening with
// OpenID Connect", example subject claims).
const (
	OidcIssuer   = "token.actions.githubusercontent.com"
	OidcAudience = "sts.amazonaws.com"
)

// The claims of GitHub's token, beyond sub and aud, that the deploy pipeline
// role's trust conditions on. IAM has offered them as condition keys of
// AssumeRoleWithWebIdentity since January 2026 (IAM user guide, "IAM and
// AWS STS condition context keys", keys of GitHub's OIDC provider:
// actor, actor_id, job_workflow_ref, repository, repository_id, workflow,
// ref, environment, enterprise_id); the subject of a job in an environment
// names neither its branch nor its workflow (GitHub docs, "OpenID Connect
// reference": "Filtering for a specific environment").
const (
	// ClaimRef is the git ref that started the run (refs/heads/main for a
	// push to main).
	ClaimRef = "ref"
	// ClaimJobWorkflowRef is <owner>/<name>/.github/workflows/<file>@<ref>:
	// the workflow file the job runs and the ref it was read from (the
	// run's ref for a workflow of the repository itself).
	ClaimJobWorkflowRef = "job_workflow_ref"
)

// MainRef is the only ref the deploy pipeline roles admit.
const MainRef = "refs/heads/main"

// The deploy workflows, by file name: deploy.yml deploys the stacks of
// stackRole all (dev, prod), deploy-split.yml those of a split topology.
const (
	DeployWorkflow      = "deploy.yml"
	SplitDeployWorkflow = "deploy-split.yml"
)

// DeploySubject is the OIDC subject of a job that runs in the stack's
// deployment environment (deploy.yml's dev and prod jobs), whatever its
// branch or workflow file: the deploy trust also conditions on those
// (DeployTrustClaims).
func DeploySubject(repo, stack string) string { return "repo:" + repo + ":environment:" + stack }

// JobWorkflowRef is the job_workflow_ref claim of a job of the repository's
// workflow file (a name in .github/workflows) run from ref. The claim names
// the repository by owner and name, also where the subject carries their
// IDs (RepoNames).
func JobWorkflowRef(repo, workflow, ref string) string {
	return RepoNames(repo) + "/.github/workflows/" + workflow + "@" + ref
}

// repoIds are the IDs of a repository given in the immutable subject
// format, owner@<owner id>/name@<repository id>.
var repoIds = regexp.MustCompile(`@[0-9]+`)

// RepoNames is the repository as owner/name: repo without the IDs of the
// immutable subject format ("OpenID Connect reference", immutable subject
// claims: repo:OWNER@OWNER-ID/REPO@REPO-ID, in sub only; the other claims
// keep the names).
func RepoNames(repo string) string { return repoIds.ReplaceAllString(repo, "") }

// DeployTrustClaims are the claims, by condition key, the deploy pipeline
// role of stack admits, each with exactly one value: GitHub's audience for
// AWS, the subject of a job in the stack's environment, the ref main, and
// the job's workflow file read from main.
func DeployTrustClaims(repo, stack, workflow string) map[string]string {
	return map[string]string{
		OidcIssuer + ":aud":                    OidcAudience,
		OidcIssuer + ":sub":                    DeploySubject(repo, stack),
		OidcIssuer + ":" + ClaimRef:            MainRef,
		OidcIssuer + ":" + ClaimJobWorkflowRef: JobWorkflowRef(repo, workflow, MainRef),
	}
}

// PullRequestSubject is the OIDC subject of every pull_request job.
func PullRequestSubject(repo string) string { return "repo:" + repo + ":pull_request" }

// PreviewEnvironment is the GitHub environment of a stack's read-only jobs
// on main: the drift check and the preview before a deploy's approval. It
// holds the stack's decryption (its passphrase as an environment secret),
// which pull-request jobs never get, and needs no reviewers; like every
// environment it admits main only.
func PreviewEnvironment(stack string) string { return stack + "-preview" }

// PreviewEnvironmentSubject is the OIDC subject of a job in the stack's
// preview environment.
func PreviewEnvironmentSubject(repo, stack string) string {
	return "repo:" + repo + ":environment:" + PreviewEnvironment(stack)
}

// DeployerRoleName is the deployer role's name in every account of a stack
// whose stack file names a profile.
func DeployerRoleName(stack string) string { return "xaccount-" + stack + "-deployer" }

// PreviewRoleName is the preview role's name in every account of a stack.
func PreviewRoleName(stack string) string { return "xaccount-" + stack + "-preview" }

// DeployPipelineRoleName is the deploy pipeline role's name (pipeline account).
func DeployPipelineRoleName(stack string) string { return "xaccount-" + stack + "-deploy-pipeline" }

// PreviewPipelineRoleName is the preview pipeline role's name (pipeline account).
func PreviewPipelineRoleName(stack string) string { return "xaccount-" + stack + "-preview-pipeline" }

// Role is one IAM role to create: its ARN, identity policy and trust policy.
type Role struct {
	Arn    string   `json:"arn"`
	Policy Document `json:"policy"`
	Trust  Document `json:"trust"`
	// MaxSessionDuration is the role's MaxSessionDuration in seconds, where
	// it must exceed IAM's default of 3,600 (0: the default).
	MaxSessionDuration int `json:"maxSessionDuration,omitempty"`
}

// DeploySessionSeconds is the session length, in seconds, a deploy job asks
// for and the deploy pipeline role allows. A deploy job may run 75 minutes
// (the provider waits up to 45 for a deleted VPC Lambda's network
// interfaces), longer than IAM's default session of one hour, so its
// workflow step asks for this (role-duration-seconds) and the role must
// allow it (MaxSessionDuration; STS refuses a longer DurationSeconds). The
// account roles it then assumes are chained sessions, which AWS caps at one
// hour; the AWS SDK assumes them again from the pipeline session when they
// expire. Preview and drift jobs stay within the default hour.
const DeploySessionSeconds = 7200

// AccountRoles are the roles of one account the stack deploys into:
// "deployer" (what pulumi up needs) and "preview" (Read and List only).
type AccountRoles struct {
	// Role is the account's part: producer or consumer:<name>.
	Role string `json:"role"`
	// Profile is the shared-config profile the stack file names for it
	// ("" when it names a role ARN).
	Profile string          `json:"profile,omitempty"`
	Roles   map[string]Role `json:"roles"`
	// Boundary is the permissions boundary policy of the IAM roles the
	// stack creates in the account, to create (as a customer managed policy)
	// before the deployer role; nil when the stack creates no role there.
	Boundary *ManagedPolicy `json:"boundary,omitempty"`
}

// ManagedPolicy is a customer managed policy to create: its ARN (the name
// is the part after "policy/") and document.
type ManagedPolicy struct {
	Arn    string   `json:"arn"`
	Policy Document `json:"policy"`
}

// PipelineRoles are the two roles the pipeline's OIDC identities assume in
// the pipeline account: "deploy" (the stack's environment; may assume the
// deployer roles) and "preview" (pull requests, and the drift check and the
// pre-approval preview in the stack's preview environment; may assume the
// preview roles only).
type PipelineRoles struct {
	Account string          `json:"account"`
	Roles   map[string]Role `json:"roles"`
}

// RoleSet is every role a stack's pipeline needs, the JSON of --iam.
type RoleSet struct {
	Stack    string                  `json:"stack"`
	Accounts map[string]AccountRoles `json:"accounts"`
	// Pipeline is nil for a set that trusts a principal (Options.Principal).
	Pipeline *PipelineRoles `json:"pipeline,omitempty"`
	// Principal is the person's role or user the account roles trust
	// instead of the pipeline roles ("" for the pipeline's set).
	Principal string `json:"principal,omitempty"`
}

// AccountInput is what the roles of one account are built from.
type AccountInput struct {
	Account, Role string
	// RoleArn is the deployer role the stack file names ("" with a profile,
	// where the role gets DeployerRoleName).
	RoleArn, Profile string
	// ExternalId, when the stack file sets one, is required by the
	// deployer's trust (sts:ExternalId).
	ExternalId string
	// Types and Invokes are the resource types and data sources the stack
	// has in the account; an account with no type gets no roles.
	Types, Invokes []string
	// Records are the DNS records the stack creates in the account's
	// hosted zones: the deployer may change those and no other.
	Records []Record
	// AssociationVpcs are the VPCs the account's hub-zone authorizations
	// and zone associations name, as Route 53's condition key route53:VPCs
	// gives them ("VPCId=<id>,VPCRegion=<region>"): the only VPCs the
	// deployer may authorize, associate or disassociate for them.
	AssociationVpcs []string
	// ProfileVpcs are the IDs of the VPCs the account's Route 53 Profile
	// associations name, as route53profiles:ResourceIds gives them: the
	// only VPCs the deployer may associate a Profile with or disassociate.
	ProfileVpcs []string
	// ZoneVpcs are the VPCs the account's private hosted zones are created
	// on, in route53:VPCs's form, when each is an existing VPC the stack
	// file names (a hub's VPC, a consumer's vpc.id); ZoneVpcsOpen says a
	// zone is created on a VPC known only once it exists (then any VPC of
	// the region).
	ZoneVpcs     []string
	ZoneVpcsOpen bool
	// PrivateDnsEndpoint says an endpoint the stack creates in the account
	// has private DNS on (AWS associates its service zone with the VPC as
	// the caller: route53:AssociateVPCWithHostedZone on any zone).
	PrivateDnsEndpoint bool
	// ShareOwners are the accounts whose RAM resource shares the account
	// accepts (and may leave).
	ShareOwners []string
	// SharePrincipals are the accounts the account's RAM shares are shared
	// with (its principal associations): the deployer may share with those
	// and no other.
	SharePrincipals []string
	// ShareNames are the names of the account's RAM resource shares: the
	// only shares the deployer may add resources or principals to
	// (ram:ResourceShareName).
	ShareNames []string
	// DomainOwners are the accounts whose private custom domains the
	// account's domain access associations name: the only domains the
	// deployer may associate with (apigateway:CreateAccessAssociation).
	DomainOwners []string
	// Roles are the IAM roles the stack creates in the account: the only
	// roles the deployer may create, change, delete and pass (boundary.go).
	Roles []RoleFact
	// BoundaryName is the name of the account's permissions boundary
	// policy for those roles (Roles sets BoundaryPolicyName).
	BoundaryName string
	// InvokeAccounts are the accounts whose APIs the roles may invoke (a
	// signed probe's): the producer's.
	InvokeAccounts []string
}

// Record is a DNS record by name and type (A, AAAA, ...).
type Record struct {
	Name, Type string
}

// Options are the stack-wide inputs of the role set.
type Options struct {
	Stack, Region string
	// Repo is the repository whose OIDC subjects are trusted, as they name
	// it: owner/name, or owner@<owner id>/name@<repository id> where GitHub
	// gives immutable subject claims.
	Repo string
	// Workflow is the file name of the workflow that deploys the stack
	// (DeployWorkflow or SplitDeployWorkflow): the deploy pipeline role
	// admits only its job, run from main.
	Workflow string
	// PipelineAccount holds the pipeline roles and the OIDC provider.
	PipelineAccount string
	// StateBucket and StatePrefix, when given, are the DIY state backend
	// (s3://bucket/prefix) the pipeline roles read and write: each its own
	// stack's objects (state.go).
	StateBucket, StatePrefix string
	// Principal, when given, is the ARN of an IAM role or user
	// (CheckPrincipal) that the account roles trust instead of the pipeline
	// roles, and no pipeline role is built: roles a person creates and
	// assumes with their own credentials, without a repository.
	Principal string
	// Project is the Pulumi project, whose name is in the state's keys.
	Project string
	// StateReads are the stacks whose outputs the stack reads (stack
	// references, as the stack file names them): the pipeline roles may
	// read their checkpoints and nothing else of them.
	StateReads []string
}

// Roles builds the stack's role set: in every account it deploys into, a
// deployer role trusted only by the stack's deploy pipeline role and a
// preview role trusted only by the preview pipeline role; in the pipeline
// account, the deploy pipeline role trusted only by the deploy workflow's
// job in the stack's environment on main (DeployTrustClaims) and the
// preview pipeline role trusted by pull requests and the stack's preview
// environment (PreviewEnvironment), each allowed to assume exactly its own
// kind of role.
//
// With opts.Principal, the deployer and preview roles trust that principal
// alone, and the set has no pipeline roles.
func Roles(opts Options, accounts []AccountInput) (RoleSet, error) {
	p := awspartition.Of(opts.Region)
	if opts.Principal != "" {
		if err := CheckPrincipal(opts.Principal, p); err != nil {
			return RoleSet{}, err
		}
	} else if opts.Workflow != DeployWorkflow && opts.Workflow != SplitDeployWorkflow {
		return RoleSet{}, fmt.Errorf("deploy workflow %q: expected %s or %s", opts.Workflow, DeployWorkflow, SplitDeployWorkflow)
	}
	roleArn := func(account, name string) string { return fmt.Sprintf("arn:%s:iam::%s:role/%s", p, account, name) }
	deployPipeline := roleArn(opts.PipelineAccount, DeployPipelineRoleName(opts.Stack))
	previewPipeline := roleArn(opts.PipelineAccount, PreviewPipelineRoleName(opts.Stack))
	set := RoleSet{Stack: opts.Stack, Accounts: map[string]AccountRoles{}, Principal: opts.Principal}
	deployTrusted, previewTrusted := assumeTrust("DeployPipeline", deployPipeline), assumeTrust("PreviewPipeline", previewPipeline)
	if opts.Principal != "" {
		deployTrusted, previewTrusted = assumeTrust("TrustedPrincipal", opts.Principal), assumeTrust("TrustedPrincipal", opts.Principal)
	}
	var deployers, previews []string
	for _, a := range accounts {
		if len(a.Types) == 0 {
			continue
		}
		if a.BoundaryName == "" {
			a.BoundaryName = BoundaryPolicyName(opts.Stack)
		}
		deployPolicy, err := DeployerPolicy(opts.Region, a)
		if err != nil {
			return RoleSet{}, err
		}
		previewPolicy, err := PreviewPolicy(opts.Region, a)
		if err != nil {
			return RoleSet{}, err
		}
		deployer := a.RoleArn
		if deployer == "" {
			deployer = roleArn(a.Account, DeployerRoleName(opts.Stack))
		}
		preview := roleArn(a.Account, PreviewRoleName(opts.Stack))
		trust := deployTrusted
		if a.ExternalId != "" {
			trust = assumeTrust(trust.Statement[0].Sid, trust.Statement[0].Principal["AWS"])
			trust.Statement[0].Condition = map[string]map[string]any{"StringEquals": {"sts:ExternalId": a.ExternalId}}
		}
		roles := AccountRoles{Role: a.Role, Profile: a.Profile, Roles: map[string]Role{
			"deployer": {Arn: deployer, Policy: deployPolicy, Trust: trust},
			"preview":  {Arn: preview, Policy: previewPolicy, Trust: previewTrusted},
		}}
		boundary, err := BoundaryPolicy(opts.Region, a)
		if err != nil {
			return RoleSet{}, err
		}
		if boundary != nil {
			roles.Boundary = &ManagedPolicy{Arn: fmt.Sprintf("arn:%s:iam::%s:policy/%s", p, a.Account, a.BoundaryName), Policy: *boundary}
		}
		set.Accounts[a.Account] = roles
		deployers = append(deployers, deployer)
		previews = append(previews, preview)
	}
	if opts.Principal != "" {
		return set, nil
	}
	sort.Strings(deployers)
	sort.Strings(previews)
	oidc := fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", p, opts.PipelineAccount, OidcIssuer)
	deployPolicy, err := pipelinePolicy(deployers, opts, true)
	if err != nil {
		return RoleSet{}, err
	}
	previewPolicy, err := pipelinePolicy(previews, opts, false)
	if err != nil {
		return RoleSet{}, err
	}
	set.Pipeline = &PipelineRoles{Account: opts.PipelineAccount, Roles: map[string]Role{
		"deploy": {
			Arn:    deployPipeline,
			Policy: deployPolicy,
			Trust:  deployTrust(oidc, DeployTrustClaims(opts.Repo, opts.Stack, opts.Workflow)),
			// Longer than IAM's default hour: a deploy job may run 75 minutes.
			MaxSessionDuration: DeploySessionSeconds,
		},
		"preview": {
			Arn:    previewPipeline,
			Policy: previewPolicy,
			Trust:  previewTrust(oidc, opts.Repo, opts.Stack, opts.Workflow),
		},
	}}
	return set, nil
}

// principalPattern is an IAM role's or user's ARN: partition, account, and
// the name after an optional path, each part of path and name of the
// characters IAM allows ("IAM identifiers", "IAM and AWS STS quotas": names
// of up to 64 characters).
var principalPattern = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}):(role|user)((?:/[A-Za-z0-9+=,.@_-]+)+)$`)

// CheckPrincipal says why arn is not the ARN of an IAM role or user of
// partition (nil when it is): a session's ARN (sts assumed-role, what aws
// sts get-caller-identity prints for a role), an account root, a wildcard
// or another partition's ARN is refused, each with what to give instead.
func CheckPrincipal(arn, partition string) error {
	const expect = "expected an IAM role's or user's ARN, arn:<partition>:iam::<account>:role/<name> or arn:<partition>:iam::<account>:user/<name>"
	parts := strings.SplitN(arn, ":", 6)
	switch {
	case len(parts) == 6 && parts[0] == "arn" && parts[2] == "sts" && strings.HasPrefix(parts[5], "assumed-role/"):
		name := strings.Split(parts[5], "/")[1]
		return fmt.Errorf("%q is a session's ARN (what aws sts get-caller-identity prints); give its role's ARN: arn:%s:iam::%s:role/<path>%s (aws iam get-role --role-name %s --query Role.Arn)",
			arn, parts[1], parts[4], name, name)
	case len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[5] == "root":
		return fmt.Errorf("%q is a whole account: every role and user of it could assume the roles; %s", arn, expect)
	}
	m := principalPattern.FindStringSubmatch(arn)
	if m == nil {
		return fmt.Errorf("%q: %s", arn, expect)
	}
	if name := m[4][strings.LastIndex(m[4], "/")+1:]; len(name) > 64 {
		return fmt.Errorf("%q: the %s name %s is longer than IAM's 64 characters", arn, m[3], name)
	}
	if m[1] != partition {
		return fmt.Errorf("%q is in partition %s; the stack's region is in %s, where a role cannot trust it", arn, m[1], partition)
	}
	return nil
}

// assumeTrust lets one principal (and nothing else) assume the role.
func assumeTrust(sid, principal string) Document {
	return Document{Version: "2012-10-17", Statement: []Statement{{
		Sid: sid, Effect: "Allow", Principal: map[string]string{"AWS": principal}, Action: []string{"sts:AssumeRole"},
	}}}
}

// deployTrust lets exactly one job assume the role: a token whose every
// claim in claims has that value (StringEquals on each key; a token without
// one of them is refused, IAM's rule for a missing key).
func deployTrust(provider string, claims map[string]string) Document {
	equals := map[string]any{}
	for k, v := range claims {
		equals[k] = v
	}
	return Document{Version: "2012-10-17", Statement: []Statement{{
		Sid: "DeployJobOnMain", Effect: "Allow", Principal: map[string]string{"Federated": provider},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{"StringEquals": equals},
	}}}
}

// DriftWorkflow is the workflow file of the daily drift check, which runs
// every stack's preview in its preview environment.
const DriftWorkflow = "drift.yml"

// PullRequestPreviewStacks are the stacks preview.yml previews for real on a
// pull request (with their own passphrase, which pull requests may read).
// Only their preview pipeline roles trust pull requests: any other stack's
// role would let a branch that edits preview.yml read that stack's
// accounts and state.
var PullRequestPreviewStacks = []string{"dev"}

// previewTrust is the preview pipeline role's trust: a job of the stack's
// preview environment (PreviewEnvironment) run from main by the drift check
// or the stack's deploy workflow (ref and job_workflow_ref, as for the
// deploy role: an environment's subject alone is GitHub's to give to any
// branch that names it), and pull requests only for the stacks pull
// requests preview (PullRequestPreviewStacks).
func previewTrust(provider, repo, stack, workflow string) Document {
	doc := Document{Version: "2012-10-17"}
	if slices.Contains(PullRequestPreviewStacks, stack) {
		doc.Statement = append(doc.Statement, oidcTrust(provider, PullRequestSubject(repo)).Statement[0])
		doc.Statement[0].Sid = "PullRequestPreview"
	}
	doc.Statement = append(doc.Statement, Statement{
		Sid: "PreviewEnvironmentOnMain", Effect: "Allow", Principal: map[string]string{"Federated": provider},
		Action: []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{"StringEquals": {
			OidcIssuer + ":aud":                    OidcAudience,
			OidcIssuer + ":sub":                    PreviewEnvironmentSubject(repo, stack),
			OidcIssuer + ":" + ClaimRef:            MainRef,
			OidcIssuer + ":" + ClaimJobWorkflowRef: []string{JobWorkflowRef(repo, DriftWorkflow, MainRef), JobWorkflowRef(repo, workflow, MainRef)},
		}},
	})
	return doc
}

// oidcTrust lets the repository's OIDC tokens with exactly these subjects
// assume the role: StringEquals, never a wildcard subject.
func oidcTrust(provider string, subjects ...string) Document {
	var sub any = subjects[0]
	if len(subjects) > 1 {
		sub = subjects
	}
	return Document{Version: "2012-10-17", Statement: []Statement{{
		Sid: "PipelineOIDC", Effect: "Allow", Principal: map[string]string{"Federated": provider},
		Action: []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{"StringEquals": {
			OidcIssuer + ":aud": OidcAudience,
			OidcIssuer + ":sub": sub,
		}},
	}}}
}

// pipelinePolicy lets a pipeline role assume exactly roles and, with a
// state bucket, use the stack's own state (stateStatements): the deploy
// role reads and writes it; the preview role only reads it.
func pipelinePolicy(roles []string, opts Options, write bool) (Document, error) {
	doc := Document{Version: "2012-10-17", Statement: []Statement{{
		Sid: "AssumeStackRoles", Effect: "Allow", Action: []string{"sts:AssumeRole"}, Resource: roles,
	}}}
	if opts.StateBucket == "" {
		return doc, nil
	}
	state, err := stateStatements(opts, write)
	if err != nil {
		return Document{}, err
	}
	doc.Statement = append(doc.Statement, state...)
	return doc, nil
}

// SharedConfig is the shared AWS config file a pipeline job writes before it
// runs Pulumi: one profile per profile the stack file names, assuming the
// account's deployer role (kind "deployer") or preview role ("preview") with
// the job's own credentials (credential_source = Environment, the pipeline
// role). The stack file and the state name the profile only, so a preview
// and an up of the same stack differ in credentials, never in provider
// configuration (a refresh configures providers from the state).
func SharedConfig(set RoleSet, kind string) (string, error) {
	if kind != "deployer" && kind != "preview" {
		return "", fmt.Errorf("role kind %q: expected deployer or preview", kind)
	}
	ids := make([]string, 0, len(set.Accounts))
	for id := range set.Accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	fmt.Fprintf(&b, "# AWS shared config for the %s stack's %s jobs (go run ./cmd/plan --stack %s --aws-config %s)\n", set.Stack, kind, set.Stack, kind)
	for _, id := range ids {
		a := set.Accounts[id]
		if a.Profile == "" {
			continue
		}
		fmt.Fprintf(&b, "\n[profile %s]\n# account %s (%s)\nrole_arn = %s\ncredential_source = Environment\nrole_session_name = xaccount-%s-%s\n",
			a.Profile, id, a.Role, a.Roles[kind].Arn, set.Stack, kind)
	}
	return b.String(), nil
}
