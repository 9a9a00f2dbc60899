// Package components lets workloads in one or more consumer AWS accounts
// call an Amazon API Gateway PRIVATE REST API in a producer account, through
// an interface VPC endpoint for execute-api in each consumer VPC, and lets
// nobody else in.
//
// # The two accounts
//
// The consumer account (A) holds the endpoint: ExecuteApiEndpoint, in a VPC
// of its own (ConsumerVpc) or an existing one, with a security group that
// opens 443 to the allowed CIDRs only and an endpoint policy that allows
// execute-api:Invoke only. The producer account (B) holds the API:
// PrivateRestApi (the routes as one OpenAPI body, associated with the
// endpoints), ResourcePolicy (Deny unless aws:SourceVpce is one of the
// endpoints, then Allow, optionally only named IAM principals) and
// StageDeployment (a deployment replaced whenever the definition or the
// policy changes, and a stable stage, with access logs and throttling).
//
// Each single-account component takes its account's provider the ordinary
// way, pulumi.Provider(p), and parents its children, so a team can run only
// the producer side with a vpce- ID handed over by the consumer team, or only
// the consumer side. CrossAccountPrivateApi composes all of them for the
// common case; it spans accounts, so it takes each account's provider as a
// field: only providers from NewAccountProvider, pinned to their account and
// the API's region.
//
// ConnectivityProbe proves the call from the consumer side: a Lambda
// function in the endpoint's subnets calls the API through every invoke form
// whenever the deployment, the policy or the endpoint changes, and fails the
// update with the likely cause (ProbeRules, Diagnose) when an answer is not
// the expected one. CrossAccountPrivateApi adds one per consumer with
// ConsumerArgs.Probe.
//
// # Hand-over values
//
// The values one side needs from the other are plain outputs, so the same
// components work in one stack or in a producer stack and one stack per
// consumer linked by stack references: endpoint IDs and DNS names from the
// consumer side (ExecuteApiEndpoint.EndpointId, DnsNames), API ID, execution
// ARN and stage from the producer side (PrivateRestApi.RestApiId,
// ExecutionArn, StageDeployment.StageName).
//
// # Replacement and protection
//
// A route, policy or endpoint change replaces the Deployment (create before
// delete: API Gateway refuses to delete a deployment a stage points at) and
// re-attaches the resource policy, which a body import in overwrite mode
// clears. Protect options protect only what holds state or identity; the
// Deployment, the policy attachment and Lambda permissions are never
// protected, since changes must replace them.
//
// # Errors
//
// Every Args type has a Validate method, which its constructor calls before
// registering anything. It reports every problem at once as FieldErrors,
// each naming the field by its pulumi tag path ("consumers[1].accountId",
// "routes[0].integration.type") and saying what was found and what is
// expected; AsFieldErrors extracts them from a wrapped error.
//
// # Testing a stack that uses the components
//
// Package awsmock (github.com/xaccount/xaccount-api/awsmock) is a mock engine
// that answers like AWS and records where every resource lands; the account
// comes from each provider's credentials, so a provider that loses its
// allowedAccountIds pin is visible. Package policy evaluates the resource
// policy for a request, to prove who gets in. examples/platform-team in this
// repository uses both from a module of its own.
package components
