package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/iampolicy"
)

// IamOptions are the --iam inputs beyond the stack file.
type IamOptions struct {
	// Repo is the repository (owner/name) whose OIDC subjects the pipeline
	// roles trust.
	Repo string
	// Trust, instead of Repo, is the ARN of a person's IAM role or user the
	// account roles trust (--trust): no pipeline roles then.
	Trust string
	// StateBucket and StatePrefix name the DIY state backend, when one is used.
	StateBucket, StatePrefix string
	// RevealSecrets puts a secure external ID in the deployer's trust as it
	// is; otherwise it shows as [secret] (the engine tests reveal it to
	// create the role; people paste their own).
	RevealSecrets bool
	// Deployed is the plan of the stack file as it is deployed now
	// (--deployed), nil for none. The roles then also hold the actions of
	// what it registers, in every account it names: the up that moves the
	// stack from it to this file deletes what this file drops, and may add
	// what that file lacks, so it needs both.
	Deployed *Plan
}

// Roles is the stack's role set (iampolicy.Roles): per account the deployer
// and preview roles, exactly the actions of the resource types and data
// sources the plan has there, and the two pipeline roles in the producer
// account.
func (p *Plan) Roles(opts IamOptions) (iampolicy.RoleSet, error) {
	plans := []*Plan{p}
	if opts.Deployed != nil {
		plans = append(plans, opts.Deployed)
	}
	var inputs []iampolicy.AccountInput
	for _, account := range accountsOf(plans) {
		// An account the new file no longer names keeps the deployed file's
		// role and credentials: its resources are deleted through them.
		owner := p
		if _, named := p.Accounts[account]; !named {
			owner = opts.Deployed
		}
		in := iampolicy.AccountInput{Account: account, Role: owner.Accounts[account]}
		for _, q := range plans {
			for _, r := range q.Resources {
				if r.Account != account || r.Provider == "" || r.Type == awsmock.ProviderType {
					continue
				}
				if !slices.Contains(in.Types, r.Type) {
					in.Types = append(in.Types, r.Type)
				}
				addScopeFacts(&in, r, producerOf(q))
				addZoneFacts(&in, r, q.config)
			}
			for _, tok := range q.Invokes[account] {
				if !slices.Contains(in.Invokes, tok) {
					in.Invokes = append(in.Invokes, tok)
				}
			}
		}
		if creds, ok := owner.credentials(account); ok {
			if creds.RoleArn == config.SecretPlaceholder {
				return iampolicy.RoleSet{}, fmt.Errorf("account %s (%s): its roleArn is a secure value this offline run cannot read, and the roles name it; "+
					"write the ARN in clear (an ARN is an identifier, not a credential) or use a profile", account, p.Accounts[account])
			}
			in.RoleArn, in.Profile = creds.RoleArn, creds.Profile
			in.ExternalId = creds.ExternalId
			if creds.Secret && creds.ExternalId != "" && !opts.RevealSecrets {
				in.ExternalId = config.SecretPlaceholder
			}
		}
		inputs = append(inputs, in)
	}
	pipeline := ""
	var reads []string
	if p.config != nil {
		pipeline = p.config.Producer.AccountId
		// The stacks the program references (the split topology): a
		// consumer stack reads its producer's, the producer each of its
		// consumer stacks'.
		if p.config.Producer.Stack != "" {
			reads = append(reads, p.config.Producer.Stack)
		}
		for _, c := range p.config.Consumers {
			if c.Stack != "" {
				reads = append(reads, c.Stack)
			}
		}
		// A producer or spoke stack reads its hub's stack (hub.stack).
		if s := p.config.HubStackOf(); s != "" {
			reads = append(reads, s)
		}
	}
	return iampolicy.Roles(iampolicy.Options{Stack: p.Stack, Region: p.Region, Repo: opts.Repo, Workflow: p.DeployWorkflow(),
		PipelineAccount: pipeline, StateBucket: opts.StateBucket, StatePrefix: opts.StatePrefix, Principal: opts.Trust,
		Project: p.Project, StateReads: reads}, inputs)
}

// DeployWorkflow is the file name of the workflow that deploys the stack:
// deploy-split.yml for a stack of a split topology (stackRole producer,
// consumer or hub: its jobs hub and hub-again deploy a hub's stack),
// deploy.yml otherwise.
func (p *Plan) DeployWorkflow() string {
	if p.config != nil && p.config.StackRole != config.RoleAll {
		return iampolicy.SplitDeployWorkflow
	}
	return iampolicy.DeployWorkflow
}

// NeedsReviewers says whether the stack's environment must have required
// reviewers: deploy.yml's prod, a split topology's producer stack (its API
// serves every consumer stack) and its hub's stack (the endpoint, security
// group and endpoint policy every spoke calls through).
func (p *Plan) NeedsReviewers() bool {
	if p.config != nil && (p.config.StackRole == config.RoleProducer || p.config.StackRole == config.RoleHub) {
		return true
	}
	return p.DeployWorkflow() == iampolicy.DeployWorkflow && p.Stack == "prod"
}

// recordType, shareType, shareAccepterType, principalAssociationType and
// domainAssociationType are the types
// whose inputs scope the deployer's Route 53 and RAM statements.
const (
	recordType               = "aws:route53/record:Record"
	shareType                = "aws:ram/resourceShare:ResourceShare"
	shareAccepterType        = "aws:ram/resourceShareAccepter:ResourceShareAccepter"
	principalAssociationType = "aws:ram/principalAssociation:PrincipalAssociation"
	domainAssociationType    = "aws:apigateway/domainNameAccessAssociation:DomainNameAccessAssociation"
	// The hub zone's authorizations and associations, whose VPCs scope
	// Route 53's VPC actions.
	vpcAssociationAuthorizationType = "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization"
	zoneAssociationType             = "aws:route53/zoneAssociation:ZoneAssociation"
	profilesAssociationType         = "aws:route53/profilesAssociation:ProfilesAssociation"
)

// addScopeFacts records what of r scopes the account's roles: a record's
// name and type, and the owner of a share the account accepts (the account
// in the share's ARN, or the producer's when the ARN is not known offline),
// the account a share of the account is shared with, and the owner of a
// domain an access association names (the account in the domain's ARN, or
// the producer's).
func addScopeFacts(in *iampolicy.AccountInput, r Resource, producer string) {
	ownerOf := func(key string) string {
		if arn, _ := r.Inputs[key].(string); strings.HasPrefix(arn, "arn:") {
			if parts := strings.Split(arn, ":"); len(parts) > 4 && parts[4] != "" {
				return parts[4]
			}
		}
		return producer
	}
	switch r.Type {
	case recordType:
		name, _ := r.Inputs["name"].(string)
		typ, _ := r.Inputs["type"].(string)
		if host, ok := apiHostPattern(name); ok {
			name = host // the hub zone's alias: the API ID is not known before the API exists
		}
		rec := iampolicy.Record{Name: name, Type: typ}
		if name != "" && !slices.Contains(in.Records, rec) {
			in.Records = append(in.Records, rec)
		}
	case vpcAssociationAuthorizationType, zoneAssociationType:
		vpc, _ := r.Inputs["vpcId"].(string)
		region, _ := r.Inputs["vpcRegion"].(string)
		if vpc != "" && region != "" {
			// route53:VPCs's form ("VPC permissions", Route 53 developer guide).
			if v := "VPCId=" + vpc + ",VPCRegion=" + region; !slices.Contains(in.AssociationVpcs, v) {
				in.AssociationVpcs = append(in.AssociationVpcs, v)
			}
		}
	case profilesAssociationType:
		// route53profiles:ResourceIds holds the VPC's ID ("Actions,
		// resources, and condition keys for Amazon Route 53 Profiles").
		if vpc, _ := r.Inputs["resourceId"].(string); vpc != "" && !slices.Contains(in.ProfileVpcs, vpc) {
			in.ProfileVpcs = append(in.ProfileVpcs, vpc)
		}
	case shareAccepterType:
		if owner := ownerOf("shareArn"); owner != "" && !slices.Contains(in.ShareOwners, owner) {
			in.ShareOwners = append(in.ShareOwners, owner)
		}
	case domainAssociationType:
		if owner := ownerOf("domainNameArn"); owner != "" && !slices.Contains(in.DomainOwners, owner) {
			in.DomainOwners = append(in.DomainOwners, owner)
		}
	case shareType:
		if name, _ := r.Inputs["name"].(string); name != "" && !slices.Contains(in.ShareNames, name) {
			in.ShareNames = append(in.ShareNames, name)
		}
	case roleType:
		addRoleFact(in, r, producer)
	case principalAssociationType:
		if principal, _ := r.Inputs["principal"].(string); principal != "" && !slices.Contains(in.SharePrincipals, principal) {
			in.SharePrincipals = append(in.SharePrincipals, principal)
		}
	}
}

// zoneType and vpcEndpointType are the types whose inputs say which VPCs
// the account's private zones are created on, and whether AWS associates an
// endpoint's service zone as the caller.
const (
	zoneType        = "aws:route53/zone:Zone"
	vpcEndpointType = "aws:ec2/vpcEndpoint:VpcEndpoint"
)

// addZoneFacts records, for a private hosted zone, the VPCs it is created
// on when the stack file names them (the hub's vpc.id, a consumer's
// vpc.id); a VPC the stack creates, whose ID exists only once it does,
// leaves the account's zone VPCs open. An endpoint with private DNS on is
// recorded too.
func addZoneFacts(in *iampolicy.AccountInput, r Resource, cfg *config.Config) {
	switch r.Type {
	case zoneType:
		vpcs, _ := r.Inputs["vpcs"].([]any)
		for _, v := range vpcs {
			m, _ := v.(map[string]any)
			id, _ := m["vpcId"].(string)
			region, _ := m["vpcRegion"].(string)
			if id == "" || region == "" || !namedVpc(cfg, id) {
				in.ZoneVpcsOpen = true
				continue
			}
			if k := "VPCId=" + id + ",VPCRegion=" + region; !slices.Contains(in.ZoneVpcs, k) {
				in.ZoneVpcs = append(in.ZoneVpcs, k)
			}
		}
	case vpcEndpointType:
		if on, _ := r.Inputs["privateDnsEnabled"].(bool); on {
			in.PrivateDnsEndpoint = true
		}
	}
}

// namedVpc says whether the stack file names VPC id as an existing VPC.
func namedVpc(cfg *config.Config, id string) bool {
	if cfg == nil {
		return false
	}
	if cfg.Hub != nil && cfg.Hub.Vpc.Id == id {
		return true
	}
	for _, c := range cfg.Consumers {
		if c.ExistingVpc != nil && c.ExistingVpc.Id == id {
			return true
		}
	}
	return false
}

// apiHostPattern turns an API's own name, {api-id}.execute-api.{region}.amazonaws.com
// (the hub zone's alias record), into ??????????.execute-api.{region}.amazonaws.com.
func apiHostPattern(name string) (string, bool) {
	first, rest, ok := strings.Cut(strings.TrimSuffix(name, "."), ".")
	if !ok || first == "" || strings.Contains(first, "-") || !strings.HasPrefix(rest, "execute-api.") || !strings.HasSuffix(rest, ".amazonaws.com") ||
		strings.Count(rest, ".") != 3 {
		return "", false
	}
	return iampolicy.ApiIdPattern + rest, true
}

// roleType is the IAM role type, whose name, trust and policies scope the
// deployer's IAM statements and make the permissions boundary.
const roleType = "aws:iam/role:Role"

// addRoleFact records an IAM role the stack creates: its name as IAM
// matches it (the name given, else pulumi-aws's "<logical>-" and 7 random
// hex digits, each '?'), the services its trust lets assume it, its managed
// policies and inline policies, and, for an inline policy (the signed
// probe's execute-api:Invoke), the producer's account whose API it calls.
func addRoleFact(in *iampolicy.AccountInput, r Resource, producer string) {
	fact := iampolicy.RoleFact{Pattern: r.Name + "-???????"}
	if name, _ := r.Inputs["name"].(string); name != "" {
		fact.Pattern = name
	}
	if trust, _ := r.Inputs["assumeRolePolicy"].(string); trust != "" {
		var doc struct {
			Statement []struct {
				Principal struct {
					Service any
				}
			}
		}
		if json.Unmarshal([]byte(trust), &doc) == nil {
			for _, st := range doc.Statement {
				switch s := st.Principal.Service.(type) {
				case string:
					fact.Services = append(fact.Services, s)
				case []any:
					for _, v := range s {
						if str, ok := v.(string); ok {
							fact.Services = append(fact.Services, str)
						}
					}
				}
			}
		}
	}
	if arns, ok := r.Inputs["managedPolicyArns"].([]any); ok {
		for _, a := range arns {
			if s, ok := a.(string); ok {
				fact.ManagedPolicies = append(fact.ManagedPolicies, s)
			}
		}
	}
	if inline, ok := r.Inputs["inlinePolicies"].([]any); ok {
		for _, p := range inline {
			m, _ := p.(map[string]any)
			doc, _ := m["policy"].(string)
			fact.Inline = append(fact.Inline, doc)
		}
		if len(inline) > 0 && producer != "" && !slices.Contains(in.InvokeAccounts, producer) {
			in.InvokeAccounts = append(in.InvokeAccounts, producer)
		}
	}
	for i, f := range in.Roles {
		if f.Pattern == fact.Pattern {
			in.Roles[i] = fact // the new file's role (after --deployed's)
			return
		}
	}
	in.Roles = append(in.Roles, fact)
}

// producerOf is the producer account of a plan's stack file ("" when the
// plan has none).
func producerOf(p *Plan) string {
	if p.config == nil {
		return ""
	}
	return p.config.Producer.AccountId
}

// accountsOf are the accounts of the plans, the first plan's in its order,
// then those only a later one names.
func accountsOf(plans []*Plan) []string {
	var out []string
	for _, q := range plans {
		for _, a := range q.sortedAccounts() {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// credentials are the stack file's credentials for account (the first
// part that names it).
func (p *Plan) credentials(account string) (config.Account, bool) {
	if p.config == nil {
		return config.Account{}, false
	}
	if p.config.Producer.AccountId == account {
		return p.config.Producer, true
	}
	for _, c := range p.config.Consumers {
		if c.AccountId == account && c.DeploysInAccount() {
			return c.Account, true
		}
	}
	if h := p.config.Hub; h != nil && h.AccountId == account {
		return h.Account, true
	}
	return config.Account{}, false
}

// WriteIamJson prints the role set as one JSON object.
func (p *Plan) WriteIamJson(w io.Writer, opts IamOptions) error {
	set, err := p.Roles(opts)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// WriteIam prints the role set for people: per account, the permissions
// boundary of the roles the stack creates there (if any), the deployer and
// preview roles (policy and trust), then the pipeline roles, in the order
// to create them, and the GitHub settings the deploy trust relies on; with
// opts.Trust, the account roles and the shared AWS config that assumes
// them with the person's own credentials.
func (p *Plan) WriteIam(w io.Writer, opts IamOptions) error {
	set, err := p.Roles(opts)
	if err != nil {
		return err
	}
	section := func(title string, doc iampolicy.Document) error {
		j, err := doc.JSON()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "# %s\n%s\n\n", title, j)
		return err
	}
	for _, account := range p.sortedAccounts() {
		a, ok := set.Accounts[account]
		if !ok {
			if _, err := fmt.Fprintf(w, "# Account %s (%s): nothing is deployed there, no role needed\n\n", account, p.Accounts[account]); err != nil {
				return err
			}
			continue
		}
		if a.Boundary != nil {
			// First: the deployer may create roles only with it.
			if err := section(fmt.Sprintf("Account %s (%s): permissions boundary policy %s of the roles the stack creates, "+
				"a customer managed policy to create before the deployer role (the deployer creates and changes roles only with it)",
				account, a.Role, a.Boundary.Arn), a.Boundary.Policy); err != nil {
				return err
			}
		}
		for _, kind := range []string{"deployer", "preview"} {
			r := a.Roles[kind]
			if err := section(fmt.Sprintf("Account %s (%s): %s role %s, permission policy", account, a.Role, kind, r.Arn), r.Policy); err != nil {
				return err
			}
			if err := section(fmt.Sprintf("Account %s: %s role %s, trust policy", account, kind, r.Arn), r.Trust); err != nil {
				return err
			}
		}
	}
	if set.Pipeline == nil {
		return p.writeTrialConfig(w, set)
	}
	for _, kind := range []string{"deploy", "preview"} {
		r := set.Pipeline.Roles[kind]
		if err := section(fmt.Sprintf("Pipeline account %s: %s pipeline role %s, permission policy", set.Pipeline.Account, kind, r.Arn), r.Policy); err != nil {
			return err
		}
		if err := section(fmt.Sprintf("Pipeline account %s: %s pipeline role %s, trust policy (GitHub OIDC)", set.Pipeline.Account, kind, r.Arn), r.Trust); err != nil {
			return err
		}
		if r.MaxSessionDuration > 0 {
			// IAM's default is one hour; the job asks for longer.
			if _, err := fmt.Fprintf(w, "# Pipeline account %s: %s pipeline role %s, MaxSessionDuration (create or update the role with it)\n%d\n\n",
				set.Pipeline.Account, kind, r.Arn, r.MaxSessionDuration); err != nil {
				return err
			}
		}
	}
	return p.writeGitHubSettings(w, opts.Repo)
}

// writeTrialConfig prints, for a set that trusts a person, the profiles
// of the stack file as the AWS shared config needs them to assume each
// account's deployer role with that person's credentials (source_profile).
func (p *Plan) writeTrialConfig(w io.Writer, set iampolicy.RoleSet) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# The roles above trust only %s, not the pipeline (--repo <owner>/<name>\n", set.Principal)
	b.WriteString("# prints the pipeline's). In another account than that principal's, its own policy must also allow\n")
	b.WriteString("# sts:AssumeRole on them.\n")
	b.WriteString("# ~/.aws/config for the trial: each profile the stack file names assumes its account's deployer role\n")
	b.WriteString("# with your credentials (YOUR_PROFILE: the profile you sign in with; the preview role for a preview).\n")
	for _, account := range p.sortedAccounts() {
		a, ok := set.Accounts[account]
		if !ok || a.Profile == "" {
			continue
		}
		fmt.Fprintf(&b, "[profile %s]\nrole_arn = %s\nsource_profile = YOUR_PROFILE\n\n", a.Profile, a.Roles["deployer"].Arn)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeGitHubSettings prints what a repository administrator sets in GitHub
// for the stack's jobs, as gh commands: the stack's environment and its
// preview environment (PreviewEnvironment), each with the stack's
// passphrase as an environment secret, and the environment, with
// deployment branches main only (a job of another branch that names it
// does not start; GitHub creates an environment a job names, unprotected,
// when it does not exist: "Workflow syntax", jobs.<job_id>.environment) and
// required reviewers where the stack needs them; and a check that the
// repository's subject claims have GitHub's default format, which the
// trusts name. REST API: "Create or update an environment", "Create a
// deployment branch policy", "Get the customization template for an OIDC
// subject claim for a repository".
func (p *Plan) writeGitHubSettings(w io.Writer, repo string) error {
	env := p.Stack
	body, reviewers := "", " (required reviewers optional)"
	if p.NeedsReviewers() {
		body = `, "reviewers": [{"type": "Team", "id": TEAM_ID}], "prevent_self_review": true`
		reviewers = ", and required reviewers: a person approves every deploy of " + env + "\n" +
			"#    (TEAM_ID: gh api orgs/<org>/teams/<team> --jq .id; or \"type\": \"User\" and gh api users/<login> --jq .id)"
	}
	_, err := fmt.Fprintf(w, `# GitHub settings for the %[1]s stack (a repository administrator sets them once)
# The deploy pipeline role above admits only the job of .github/workflows/%[3]s in environment %[1]s
# run from %[4]s (claims sub, ref and job_workflow_ref). GitHub keeps other branches out of the
# environment only with a deployment branch policy: it creates an environment a job names, unprotected,
# when there is none.
# 1. Environment %[1]s: deployment branches main only%[5]s.
gh api -X PUT repos/%[2]s/environments/%[1]s --input - <<'JSON'
{"deployment_branch_policy": {"protected_branches": false, "custom_branch_policies": true}%[6]s}
JSON
gh api -X POST repos/%[2]s/environments/%[1]s/deployment-branch-policies -f name=main -f type=branch
# 2. Environment %[7]s (the drift check and the preview before an approval; read-only roles, but the
#    stack's passphrase): deployment branches main only, no reviewers.
gh api -X PUT repos/%[2]s/environments/%[7]s --input - <<'JSON'
{"deployment_branch_policy": {"protected_branches": false, "custom_branch_policies": true}}
JSON
gh api -X POST repos/%[2]s/environments/%[7]s/deployment-branch-policies -f name=main -f type=branch
# 3. In both environments, the environment secret PULUMI_CONFIG_PASSPHRASE: this stack's passphrase.
gh secret set PULUMI_CONFIG_PASSPHRASE --repo %[2]s --env %[1]s
gh secret set PULUMI_CONFIG_PASSPHRASE --repo %[2]s --env %[7]s
# 4. The subjects the trusts name are in GitHub's default format: this prints true (false: the
#    repository has a customized subject template, which the trusts do not match).
gh api repos/%[2]s/actions/oidc/customization/sub --jq .use_default

`, env, iampolicy.RepoNames(repo), p.DeployWorkflow(), iampolicy.MainRef, reviewers, body, iampolicy.PreviewEnvironment(env))
	return err
}

// WriteAwsConfig prints the shared AWS config a pipeline job of kind
// (deployer or preview) writes before it runs Pulumi.
func (p *Plan) WriteAwsConfig(w io.Writer, kind string, opts IamOptions) error {
	set, err := p.Roles(opts)
	if err != nil {
		return err
	}
	text, err := iampolicy.SharedConfig(set, kind)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, text)
	return err
}
