package e2e

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config/configtest"
	"github.com/xaccount/xaccount-api/internal/iampolicy"
	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/internal/vocab"
)

// DeployerRole is one deployer role as `go run ./cmd/plan --iam` prints it
// for the test's stack configuration: its account, name and identity
// policy, with a trust that lets the test's own identity assume it (the
// printed trust names the pipeline role, which a test runner is not).
type DeployerRole struct {
	Account, Name, Arn string
	Policy, Trust      string
}

// DeployerRoles are the deployer roles --iam prints for stack with cfg (keys
// without the project namespace, as stackConfig builds them), one per
// account, in account order, each trusted by trust instead of the pipeline.
// --iam prints the roleArn a stack file names as the deployer role; the
// test only ever creates roles of its own stack's name (DeployerRoleArn), so
// it fails when cfg names another role: that may be an existing one.
func DeployerRoles(stack string, cfg map[string]any, trust iampolicy.Document) ([]DeployerRole, error) {
	values, err := configtest.Encode(cfg)
	if err != nil {
		return nil, err
	}
	p, err := plan.Run(stack, plan.RawConfig{Values: values})
	if err != nil {
		return nil, fmt.Errorf("the e2e stack configuration does not plan: %w", err)
	}
	set, err := p.Roles(plan.IamOptions{Repo: "xaccount/e2e"})
	if err != nil {
		return nil, err
	}
	trustJson, err := compactJson(trust)
	if err != nil {
		return nil, err
	}
	accounts := make([]string, 0, len(set.Accounts))
	for account := range set.Accounts {
		accounts = append(accounts, account)
	}
	sort.Strings(accounts) // the first problem is always the same one
	var roles []DeployerRole
	for _, account := range accounts {
		a := set.Accounts[account]
		r, ok := a.Roles["deployer"]
		if !ok {
			return nil, fmt.Errorf("--iam printed no deployer role for account %s", account)
		}
		if want := DeployerRoleArn(account, stack); r.Arn != want {
			return nil, fmt.Errorf("account %s: the stack configuration deploys as %s; the test creates only %s", account, r.Arn, want)
		}
		policy, err := compactJson(r.Policy)
		if err != nil {
			return nil, err
		}
		name := r.Arn[strings.LastIndex(r.Arn, "/")+1:]
		roles = append(roles, DeployerRole{Account: account, Name: name, Arn: r.Arn, Policy: policy, Trust: trustJson})
	}
	return roles, nil
}

// DeployerRoleArn is the ARN --iam gives the deployer role of stack in
// account: the stack file names it as the account's roleArn.
func DeployerRoleArn(account, stack string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", account, iampolicy.DeployerRoleName(stack))
}

// RunnerTrust is the trust policy of the test's deployer roles: only the
// identity running the test (sts:GetCallerIdentity's ARN) may assume them.
// An assumed role is matched by its role's ARN with or without a path (the
// session ARN does not show the path); a user or an account root by its ARN.
func RunnerTrust(callerArn string) (iampolicy.Document, error) {
	parts := strings.SplitN(callerArn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !vocab.ValidAccountId(parts[4]) {
		return iampolicy.Document{}, fmt.Errorf("caller %q is not an IAM or STS ARN", callerArn)
	}
	partition, account, resource := parts[1], parts[4], parts[5]
	root := fmt.Sprintf("arn:%s:iam::%s:root", partition, account)
	statement := iampolicy.Statement{Sid: "E2eRunner", Effect: "Allow", Action: []string{"sts:AssumeRole"}}
	switch {
	case parts[2] == "sts" && strings.HasPrefix(resource, "assumed-role/"):
		role := strings.Split(resource, "/")
		if len(role) != 3 || role[1] == "" {
			return iampolicy.Document{}, fmt.Errorf("caller %q: expected assumed-role/<role>/<session>", callerArn)
		}
		statement.Principal = map[string]string{"AWS": root}
		statement.Condition = map[string]map[string]any{"ArnLike": {"aws:PrincipalArn": []string{
			fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, role[1]),
			fmt.Sprintf("arn:%s:iam::%s:role/*/%s", partition, account, role[1]),
		}}}
	case parts[2] == "iam" && (strings.HasPrefix(resource, "user/") || resource == "root"):
		statement.Principal = map[string]string{"AWS": callerArn}
	default:
		return iampolicy.Document{}, fmt.Errorf("caller %q: expected an assumed role, an IAM user or an account root", callerArn)
	}
	return iampolicy.Document{Version: "2012-10-17", Statement: []iampolicy.Statement{statement}}, nil
}

// DeployerRolesProgram is the inline Pulumi program that creates roles, each
// in its account as the admin role adminRoles names for it, with the
// policy inline (one document per role, as --iam prints it).
func DeployerRolesProgram(region string, adminRoles map[string]string, roles []DeployerRole, tags map[string]string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		providers := map[string]pulumi.ProviderResource{}
		for _, r := range roles {
			provider, ok := providers[r.Account]
			if !ok {
				admin, known := adminRoles[r.Account]
				if !known {
					return fmt.Errorf("no admin role for account %s", r.Account)
				}
				p, err := components.NewAccountProvider(ctx, "admin-"+r.Account, &components.AccountProviderArgs{
					AccountId: r.Account, Region: region, RoleArn: pulumi.String(admin)})
				if err != nil {
					return err
				}
				provider, providers[r.Account] = p, p
			}
			role, err := iam.NewRole(ctx, r.Name+"-"+r.Account, &iam.RoleArgs{
				Name:             pulumi.String(r.Name),
				AssumeRolePolicy: pulumi.String(r.Trust),
				Tags:             pulumi.ToStringMap(tags),
			}, pulumi.Provider(provider))
			if err != nil {
				return err
			}
			if _, err := iam.NewRolePolicy(ctx, r.Name+"-"+r.Account, &iam.RolePolicyArgs{
				Role: role.Name, Name: pulumi.String("deploy"), Policy: pulumi.String(r.Policy),
			}, pulumi.Provider(provider)); err != nil {
				return err
			}
			ctx.Export(r.Account, role.Arn)
		}
		return nil
	}
}

// compactJson renders a policy document on one line.
func compactJson(doc iampolicy.Document) (string, error) {
	b, err := json.Marshal(doc)
	return string(b), err
}
