package iampolicy

import (
	"fmt"
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

// DeploySubject is the OIDC subject of a job that runs in the stack's
// deployment environment (deploy.yml's dev and prod jobs).
func DeploySubject(repo, stack string) string { return "repo:" + repo + ":environment:" + stack }

// PullRequestSubject is the OIDC subject of every pull_request job.
func PullRequestSubject(repo string) string { return "repo:" + repo + ":pull_request" }

// MainBranchSubject is the OIDC subject of a job on main without an
// environment (the scheduled drift check).
func MainBranchSubject(repo string) string { return "repo:" + repo + ":ref:refs/heads/main" }

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
// deployer roles) and "preview" (pull requests and the drift check; may
// assume the preview roles only).
type PipelineRoles struct {
	Account string          `json:"account"`
	Roles   map[string]Role `json:"roles"`
}

// RoleSet is every role a stack's pipeline needs, the JSON of --iam.
type RoleSet struct {
	Stack    string                  `json:"stack"`
	Accounts map[string]AccountRoles `json:"accounts"`
	Pipeline PipelineRoles           `json:"pipeline"`
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
	// Repo is the repository (owner/name) whose OIDC subjects are trusted.
	Repo string
	// PipelineAccount holds the pipeline roles and the OIDC provider.
	PipelineAccount string
	// StateBucket and StatePrefix, when given, are the DIY state backend
	// (s3://bucket/prefix) the pipeline roles read and write: each its own
	// stack's objects (state.go).
	StateBucket, StatePrefix string
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
// account, the deploy pipeline role trusted only by the OIDC subject of the
// stack's environment and the preview pipeline role trusted by pull requests
// and main, each allowed to assume exactly its own kind of role.
func Roles(opts Options, accounts []AccountInput) (RoleSet, error) {
	p := awspartition.Of(opts.Region)
	roleArn := func(account, name string) string { return fmt.Sprintf("arn:%s:iam::%s:role/%s", p, account, name) }
	deployPipeline := roleArn(opts.PipelineAccount, DeployPipelineRoleName(opts.Stack))
	previewPipeline := roleArn(opts.PipelineAccount, PreviewPipelineRoleName(opts.Stack))
	set := RoleSet{Stack: opts.Stack, Accounts: map[string]AccountRoles{}}
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
		deployTrust := assumeTrust("DeployPipeline", deployPipeline)
		if a.ExternalId != "" {
			deployTrust.Statement[0].Condition = map[string]map[string]any{"StringEquals": {"sts:ExternalId": a.ExternalId}}
		}
		roles := AccountRoles{Role: a.Role, Profile: a.Profile, Roles: map[string]Role{
			"deployer": {Arn: deployer, Policy: deployPolicy, Trust: deployTrust},
			"preview":  {Arn: preview, Policy: previewPolicy, Trust: assumeTrust("PreviewPipeline", previewPipeline)},
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
	set.Pipeline = PipelineRoles{Account: opts.PipelineAccount, Roles: map[string]Role{
		"deploy": {
			Arn:    deployPipeline,
			Policy: deployPolicy,
			Trust:  oidcTrust(oidc, DeploySubject(opts.Repo, opts.Stack)),
			// Longer than IAM's default hour: a deploy job may run 75 minutes.
			MaxSessionDuration: DeploySessionSeconds,
		},
		"preview": {
			Arn:    previewPipeline,
			Policy: previewPolicy,
			Trust:  oidcTrust(oidc, PullRequestSubject(opts.Repo), MainBranchSubject(opts.Repo)),
		},
	}}
	return set, nil
}

// assumeTrust lets one role (and nothing else) assume the role.
func assumeTrust(sid, principal string) Document {
	return Document{Version: "2012-10-17", Statement: []Statement{{
		Sid: sid, Effect: "Allow", Principal: map[string]string{"AWS": principal}, Action: []string{"sts:AssumeRole"},
	}}}
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
