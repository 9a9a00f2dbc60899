package components

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AccessLogsArgs turn on the stage's access logs in the producer account.
type AccessLogsArgs struct {
	// Enabled sends the stage's access logs; false turns them off. Optional,
	// default true: a stage logs every request (DefaultAccessLogs).
	Enabled *bool `pulumi:"enabled,optional"`
	// Disabled is Enabled false by its former name, the opposite of the
	// stack file's key (api.accessLogs.enabled); it behaves as that. Setting
	// it with Enabled is refused.
	//
	// Deprecated: use Enabled (false). Kept for one minor version.
	Disabled bool `pulumi:"disabled,optional"`
	// RetentionDays is how long the log group keeps them; one of the values
	// CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, … 3653 days).
	// Optional, default 30.
	RetentionDays int `pulumi:"retentionDays,optional"`
	// CreateAccountRole creates the IAM role API Gateway writes logs with and
	// sets it in the account's API Gateway settings. That setting is
	// account-wide (one per account and region): it replaces whatever role
	// another team set, for every REST API of the account and region, so
	// this is an explicit opt-in, warned about on every run; leave it false
	// when the account has a role already. While it is false and access logs
	// are on, the preflight reads the setting before anything is registered
	// and refuses a producer account without a role, naming this field.
	// Both are kept when the stack lets go of them (RetainOnDelete), so a
	// destroy never leaves the account pointing at a deleted role.
	// Optional, default false.
	CreateAccountRole bool `pulumi:"createAccountRole,optional"`
}

// AccountRoleWarning is printed on every run that manages the account's API
// Gateway CloudWatch role (accessLogs.createAccountRole).
const AccountRoleWarning = "accessLogs.createAccountRole: this stack sets API Gateway's CloudWatch Logs role for the whole producer account and region, " +
	"replacing any role another team set there; every REST API of that account and region logs through it. " +
	"The role and the setting are retained when the stack removes them. Set it false where the account has a role already."

// DefaultLogRetentionDays is the access logs' retention when none is given.
const DefaultLogRetentionDays = 30

// DefaultAccessLogs are the access logs of a CrossAccountPrivateApi whose
// AccessLogs is nil, and of a stack file without api.accessLogs: on, kept
// DefaultLogRetentionDays, with the account's existing CloudWatch role.
func DefaultAccessLogs() AccessLogsArgs {
	return AccessLogsArgs{RetentionDays: DefaultLogRetentionDays}
}

// on says whether the access logs are on (Enabled, default true; the
// former Disabled counts too).
func (a AccessLogsArgs) on() bool { return !a.Disabled && (a.Enabled == nil || *a.Enabled) }

// retentionDayValues are the retention periods CloudWatch Logs accepts
// (PutRetentionPolicy).
var retentionDayValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// validateRetentionDays reports a retention CloudWatch Logs does not accept.
func validateRetentionDays(days int) error {
	if !slices.Contains(retentionDayValues, days) {
		return fmt.Errorf("retentionDays %d: expected one of %v", days, retentionDayValues)
	}
	return nil
}

// pushToCloudWatchPolicy is the AWS managed policy API Gateway's logging role uses.
const pushToCloudWatchPolicy = "arn:%s:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"

// newAccessLogs registers the access-log group of the API's stage and, when
// asked, the account's API Gateway CloudWatch role, with the permissions
// boundary boundary (a policy ARN, "" for none). It returns the group
// and what the stage must wait for. API Gateway refuses access logging
// until the account has that role ("CloudWatch Logs role ARN must be set in
// account settings to enable logging").
func newAccessLogs(ctx *pulumi.Context, name string, comp pulumi.Resource, region, stageName string, args *AccessLogsArgs, protect bool, boundary string, producer pulumi.ResourceOption) (*cloudwatch.LogGroup, []pulumi.Resource, error) {
	retention := args.RetentionDays
	if retention == 0 {
		retention = DefaultLogRetentionDays
	}
	group, err := cloudwatch.NewLogGroup(ctx, name+"-access-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/aws/apigateway/%s/%s/access", name, stageName),
		RetentionInDays: pulumi.Int(retention),
	}, pulumi.Parent(comp), producer, protectWhen(protect))
	if err != nil {
		return nil, nil, err
	}
	var deps []pulumi.Resource
	if args.CreateAccountRole {
		_ = ctx.Log.Warn(AccountRoleWarning, &pulumi.LogArgs{Resource: comp})
		roleArgs := &iam.RoleArgs{
			Description: pulumi.String("Lets API Gateway write access logs to CloudWatch Logs (account-wide API Gateway setting)"),
			AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
				`"Principal":{"Service":"apigateway.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
			ManagedPolicyArns: pulumi.StringArray{pulumi.String(fmt.Sprintf(pushToCloudWatchPolicy, partitionOf(region)))},
		}
		if boundary != "" {
			roleArgs.PermissionsBoundary = pulumi.String(boundary)
		}
		role, err := iam.NewRole(ctx, name+"-apigateway-logs-role", roleArgs, pulumi.Parent(comp), producer, pulumi.Protect(false), pulumi.RetainOnDelete(true))
		if err != nil {
			return nil, nil, err
		}
		// Account-wide settings, not this stack's: retained on delete. In
		// pulumi-aws v6 deleting aws.apigateway.Account resets nothing
		// (resetOnDelete defaults to false), so deleting the role would
		// leave every API of the account logging through a role that is
		// gone (hashicorp/terraform-provider-aws #40004, #42226; the same
		// trap made aws-cdk retain both, aws/aws-cdk #26836).
		account, err := apigateway.NewAccount(ctx, name+"-apigateway-account", &apigateway.AccountArgs{
			CloudwatchRoleArn: role.Arn,
		}, pulumi.Parent(comp), producer, pulumi.Protect(false), pulumi.RetainOnDelete(true))
		if err != nil {
			return nil, nil, err
		}
		deps = append(deps, account)
	}
	return group, deps, nil
}
