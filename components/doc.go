// Package components lets workloads in one or more consumer AWS accounts
// call an Amazon API Gateway PRIVATE REST API in a producer account, through
// an interface VPC endpoint for execute-api in each consumer VPC, and lets
// nobody else in.
//
// # Constructors
//
// Each constructor registers one component and validates its args (and its
// provider) before registering anything; each has a runnable example.
//
//   - [NewCrossAccountPrivateApi] with [CrossAccountPrivateApiArgs] and its
//     [ConsumerArgs]: the whole topology, every account (the common case).
//   - [NewConsumerApiAccess] with [ConsumerApiAccessArgs]: one consumer
//     account's part, in a stack of its own (the split topology).
//   - [NewPrivateRestApi] with [PrivateRestApiArgs] (producer): the API.
//   - [NewResourcePolicy] with [ResourcePolicyArgs] (producer): its policy.
//   - [NewStageDeployment] with [StageDeploymentArgs] (producer): the
//     deployment and stage.
//   - [NewExecuteApiEndpoint] with [ExecuteApiEndpointArgs] (consumer): the
//     interface endpoint.
//   - [NewConsumerVpc] with [ConsumerVpcArgs] (consumer): a VPC for it.
//   - [NewSharedHub] with [SharedHubArgs] (network account): a hub in a
//     stack of its own, its endpoint, policy and zone for spokes' own stacks.
//   - [NewSpokeAccess] with [SpokeAccessArgs] (spoke): a spoke's own stack's
//     association with the hub's zone and its probe through the hub.
//   - [NewConnectivityProbe] with [ConnectivityProbeArgs] (consumer): the
//     call from the consumer's VPC.
//   - [NewAccountProvider] with [AccountProviderArgs]: an AWS provider
//     pinned to one account and region.
//
// Everything else the package exports serves these: the values the args take
// (EndpointPolicyRestricted, IntegrationMock, InvokePrivateDns, …), their
// defaults (DefaultStageThrottle, …), FieldErrors, and a few helpers for
// importers who hand values between stacks (ResourcePolicyJson,
// RegionalDnsName, …). The checks and helpers the stack program shares with
// the components live in the module's internal packages.
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
// way, pulumi.Provider(p) (or a parent component that has one), and parents
// its children, so a team can run only the producer side with a vpce- ID
// handed over by the consumer team, or only the consumer side; given no AWS
// provider it registers nothing and fails. CrossAccountPrivateApi composes
// all of them for the common case; it spans accounts, so it takes each
// account's provider as a field (or credentials to build one), with the
// account it must act in: any *aws.Provider, checked before anything is
// registered, one from NewAccountProvider by its pin, any other by asking
// AWS through it which account its credentials reach
// (sts:GetCallerIdentity, which needs no permission) and reading its
// region. A provider acting in another account, or another region than the
// API's, is refused.
//
// ConnectivityProbe proves the call from the consumer side: a Lambda
// function in the endpoint's subnets calls the API through every invoke form
// whenever the deployment, the policy or the endpoint changes, and fails the
// update with the likely cause (the diagnostics table of docs/probe.md) when
// an answer is not the expected one. CrossAccountPrivateApi adds one per
// consumer with ConsumerArgs.Probe.
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
// expected; several read as their count and one bullet per problem, and a
// program that returns a constructor's error fails under pulumi.Run with
// "<n> errors occurred:" and a bullet for each. AsFieldErrors extracts them
// from a wrapped error. A field kept under its former name (Deprecated)
// behaves as its new name; setting both is a FieldError.
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
