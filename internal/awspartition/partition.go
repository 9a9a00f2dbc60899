// Package awspartition names the AWS partition of a region, so that no ARN
// is built with a literal "arn:aws:".
package awspartition

import "strings"

// Of is the partition of a region: aws-cn for cn-*, aws-us-gov for us-gov-*,
// aws otherwise (the partitions API Gateway and PrivateLink run in).
func Of(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	default:
		return "aws"
	}
}
