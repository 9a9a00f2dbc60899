package vocab

// What each config value is expected to be: the end of every error about it
// ("…: expected <this>"), in the components' FieldErrors and in the stack
// file's errors alike. The lists of allowed words are written out; package
// components' tests check they name each of its constants.
const (
	ExpectAccountId      = `a 12-digit AWS account ID such as "111122223333"`
	ExpectConsumerName   = "a name of 1-32 characters [a-z0-9-]"
	ExpectRegion         = "an AWS region of the aws partition such as eu-west-1 (aws-cn and aws-us-gov regions are not supported: invoke URLs and endpoint names are built for amazonaws.com)"
	ExpectStageName      = "a stage name of 1-128 characters [A-Za-z0-9_]"
	ExpectOrgId          = "an AWS Organizations ID, o- and 10-32 lowercase letters or digits"
	ExpectPrincipal      = "an IAM role or user ARN (arn:aws:iam::<account>:role/<name>), or arn:aws:iam::<account>:root"
	ExpectAuthorization  = "NONE or AWS_IAM"
	ExpectEndpointId     = "a VPC endpoint ID: vpce- and 8 or 17 lowercase hex digits"
	ExpectEndpointPolicy = "restricted (invoke this API only) or full (the endpoint serves other APIs too)"
	// ExpectExecuteApiEndpointPolicy is ExecuteApiEndpointArgs.EndpointPolicy's.
	ExpectExecuteApiEndpointPolicy = "restricted (invoke the invokeArns only), full (any API of the region) or separate (a policy attached separately)"
	ExpectPolicyName               = "the name of a customer managed policy, after its path if any (team/boundary): [A-Za-z0-9_+=,.@-], folders separated by /"
	ExpectPolicyArn                = "a customer managed policy's ARN, arn:aws:iam::<account>:policy/<name>"
	ExpectRestApiId                = "a REST API ID: 10 lowercase letters or digits, such as a1b2c3d4e5"
	ExpectDomainName               = "a lowercase DNS name of at least two labels [a-z0-9-], at most 253 characters, not under amazonaws.com"
	ExpectCertificateArn           = "an ACM certificate ARN of the producer account in the API's region (arn:aws:acm:<region>:<account>:certificate/<id>)"
	ExpectBasePath                 = `"" (the root) or one path segment of [A-Za-z0-9._~-] (no /)`
	ExpectAlarmTopicArn            = "an SNS topic ARN in the API's region (arn:aws:sns:<region>:<account>:<name>)"
	ExpectIntegrationType          = "mock, http_proxy, vpc_link or lambda"
	// ExpectVpcLinkId is what a VPC link ID looks like.
	ExpectVpcLinkId          = "the ID of a REST API VPC link in the producer account and region, 6-12 lowercase letters or digits (aws apigateway get-vpc-links)"
	ExpectEndpointAccessMode = "STRICT or BASIC"
	// ExpectSecurityPolicy is what a security policy may be.
	ExpectSecurityPolicy = "TLS_1_2 (the default) or an enhanced policy, SecurityPolicy_ and its name (e.g. SecurityPolicy_TLS13_1_3_2025_09)"
	// ExpectVia is what ConsumerArgs.Via takes.
	ExpectVia = "own (an endpoint of the consumer's own) or hub (through the hub endpoint)"
	// ExpectHubDns is what HubArgs.Dns takes.
	ExpectHubDns = "none (spokes call the hub endpoint's name with a Host or x-apigw-api-id header, or the {api-id}-{vpce-id} alias name) phz (a private hosted zone in the network account gives the spokes the API's own name; each spoke needs credentials) or profile (that zone in a Route 53 Profile shared with the spokes' accounts and associated with their VPCs; each spoke needs credentials unless hub.profileId names a Profile they have already)"
	ExpectNlbArn = "a Network Load Balancer ARN, arn:aws:elasticloadbalancing:<region>:<12-digit account>:loadbalancer/net/<name>/<id>"
)
