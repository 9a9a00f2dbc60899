// Package vocab holds the words the stack file, the components and their
// errors share: the rules identifiers follow (account IDs, regions, stage
// names, ARNs) and, for each config value, what is expected of it.
package vocab

import (
	"regexp"

	"github.com/xaccount/xaccount-api/internal/awspartition"
)

// AccountDigits is the account ID inside every ARN pattern (a capture group).
const AccountDigits = `(\d{12})`

// iamPartitions are the partitions an IAM ARN may name.
const iamPartitions = `arn:aws(?:-cn|-us-gov)?`

// iamName is the name part of a role or user ARN (with its path).
const iamName = `[\w+=,.@/-]{1,512}`

// The identifier rules, written once: the config layer uses them too.
var (
	accountIdPattern    = regexp.MustCompile(`^` + AccountDigits + `$`)
	consumerNamePattern = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)
	orgIdPattern        = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	regionPattern       = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)
	stageNamePattern    = regexp.MustCompile(`^[A-Za-z0-9_]{1,128}$`)
	principalPattern    = regexp.MustCompile(`^` + iamPartitions + `:iam::` + AccountDigits + `:(?:root|role/` + iamName + `|user/` + iamName + `)$`)
	roleArnPattern      = regexp.MustCompile(`^` + iamPartitions + `:iam::` + AccountDigits + `:role/` + iamName + `$`)
	// policyNamePattern is a customer managed policy's name, after an
	// optional path of folders (IAM's CreatePolicy: PolicyName
	// [\w+=,.@-]{1,128}, Path of the same characters between slashes).
	policyNamePattern = regexp.MustCompile(`^([\w+=,.@-]+/)*[\w+=,.@-]{1,128}$`)
	policyArnPattern  = regexp.MustCompile(`^` + iamPartitions + `:iam::` + AccountDigits + `:policy/([\w+=,.@-]+/)*[\w+=,.@-]{1,128}$`)
)

// ValidPolicyName reports whether name is a customer managed policy's name,
// with its path if any ("team/boundary").
func ValidPolicyName(name string) bool { return policyNamePattern.MatchString(name) }

// ValidPolicyArn reports whether arn is a customer managed policy's ARN in
// an account.
func ValidPolicyArn(arn string) bool { return policyArnPattern.MatchString(arn) }

// PolicyArn is the ARN of the customer managed policy name (with its path)
// in account, in region's partition.
func PolicyArn(region, account, name string) string {
	return "arn:" + awspartition.Of(region) + ":iam::" + account + ":policy/" + name
}

// ValidAccountId reports whether id is an AWS account ID: exactly 12 ASCII digits.
func ValidAccountId(id string) bool { return accountIdPattern.MatchString(id) }

// ValidConsumerName reports whether name may name a consumer: 1 to 32 of
// [a-z0-9-], as it becomes part of resource names and the provider's name.
func ValidConsumerName(name string) bool { return consumerNamePattern.MatchString(name) }

// ValidOrgId reports whether id is an AWS Organizations ID (o- and 10 to 32
// lowercase letters or digits).
func ValidOrgId(id string) bool { return orgIdPattern.MatchString(id) }

// PrincipalAccount returns the account of an IAM principal a resource policy
// may name (a role, a user or an account root), and false for anything else.
func PrincipalAccount(arn string) (string, bool) {
	m := principalPattern.FindStringSubmatch(arn)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// RoleArnAccount returns the account of an IAM role ARN (what a provider may
// assume), and false for anything else.
func RoleArnAccount(arn string) (string, bool) {
	m := roleArnPattern.FindStringSubmatch(arn)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// ValidRegion reports whether region names an AWS region of the aws
// partition (eu-west-1, us-east-1). Regions of aws-cn (cn-*) and aws-us-gov
// (us-gov-*) are not supported: the invoke URLs, endpoint service names and
// DNS suffixes are built for amazonaws.com (aws-cn uses amazonaws.com.cn).
func ValidRegion(region string) bool {
	return regionPattern.MatchString(region) && awspartition.Of(region) == "aws"
}

// ValidStageName reports whether name may name an API Gateway stage: 1 to
// 128 letters, digits or underscores.
func ValidStageName(name string) bool { return stageNamePattern.MatchString(name) }
