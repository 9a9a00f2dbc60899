package main

// Run is one go test invocation that should kill a mutation: Dir is the
// module (the repository root "." or "tests/engine"), Args what follows
// `go test -count=1`.
type Run struct {
	Dir  string
	Args []string
}

// Mutation is a change of one line of security- or correctness-critical
// code that a behavioural test must notice. From must occur exactly once in
// File.
type Mutation struct {
	// Name says what the mutation breaks.
	Name     string
	File     string
	From, To string
	// Runs are the tests expected to kill it (narrowed for speed; -all runs
	// the whole suite of both modules instead).
	Runs []Run
}

// root and engine run a package of the root module or the engine tests.
func root(args ...string) Run   { return Run{Dir: ".", Args: args} }
func engine(args ...string) Run { return Run{Dir: "tests/engine", Args: args} }

// Mutations are the ones a review found surviving every behavioural test
// (issue "Tests that would catch the next real bug"), and a few more of the
// same kind. Add one whenever a bug shows a test was missing.
var Mutations = []Mutation{
	{Name: "probe security group egress tcp -> udp", File: "components/probe.go",
		From: `"protocol":       pulumi.String("tcp"),`, To: `"protocol":       pulumi.String("udp"),`,
		Runs: []Run{engine("-run", "^TestDevLifecycle$", ".")}},
	{Name: "the deployment's policy trigger is a constant (a policy-only change is never redeployed)", File: "components/deployment.go",
		From: `"policy":     sha256Hex(policyJson),`, To: `"policy":     sha256Hex("constant"),`,
		Runs: []Run{root("./components"), engine("-run", "^TestPolicyOnlyChangeIsServed$", ".")}},
	{Name: "restricted endpoint policy <arn>/* -> <arn>/*/GET/* (a POST route gets 403)", File: "components/consumerside.go",
		From: `arns := []string{arn + "/*"}`, To: `arns := []string{arn + "/*/GET/*"}`,
		Runs: []Run{root("-skip", "TestGoldenPlans", "./components", "./tests"), engine("-run", "^TestProdLifecycle$", ".")}},
	{Name: "access-log group unprotected in prod", File: "components/accesslogs.go",
		From: `}, pulumi.Parent(comp), producer, protectWhen(protect))`, To: `}, pulumi.Parent(comp), producer, protectWhen(false))`,
		Runs: []Run{root("./internal/stack"), engine("-run", "^TestProdLifecycle$", ".")}},
	{Name: "created VPC unprotected in prod", File: "components/network.go",
		From: "\t\t\"tags\":               args.Tags,\n\t}, child, protectWhen(args.Protect))", To: "\t\t\"tags\":               args.Tags,\n\t}, child, protectWhen(false))",
		Runs: []Run{root("./internal/stack")}},
	{Name: "created subnets unprotected in prod", File: "components/network.go",
		From: "\t\t\t\"tags\":                args.Tags,\n\t\t}, child, protectWhen(args.Protect))", To: "\t\t\t\"tags\":                args.Tags,\n\t\t}, child, protectWhen(false))",
		Runs: []Run{root("./internal/stack")}},
	{Name: "the external ID dropped from an account's provider", File: "internal/stack/providers.go",
		From: `args.ExternalId = pulumi.ToSecret(pulumi.String(acct.ExternalId)).(pulumi.StringOutput)`, To: `_ = acct.ExternalId`,
		Runs: []Run{engine("-run", "^TestSecretStaysCiphertext$", ".")}},
	{Name: "the probe role's invoke permission Allow -> Deny", File: "components/probe.go",
		From: `"Effect":   "Allow",`, To: `"Effect":   "Deny",`,
		Runs: []Run{engine("-run", "^TestSignedProbeNeedsItsRolesAllow$", ".")}},
	{Name: "Lambda integration httpMethod POST -> GET", File: "components/openapi.go",
		From: `"httpMethod":          "POST",`, To: `"httpMethod":          "GET",`,
		Runs: []Run{root("./components"), engine("-run", "^TestProbedLambdaRoute$", ".")}},
	{Name: "Lambda permission source ARN with GET for every method", File: "components/restapi.go",
		From: `sourceArnSuffix(r.Method, r.Path)`, To: `sourceArnSuffix("GET", r.Path)`,
		Runs: []Run{root("./components")}},
	{Name: "zone filter opt-in-not-required -> opted-in", File: "components/network.go",
		From: `pulumi.String("opt-in-not-required")`, To: `pulumi.String("opted-in")`,
		Runs: []Run{engine("-run", "^TestDevLifecycle$", ".")}},
	{Name: "zone state available -> impaired", File: "components/network.go",
		From: `State: pulumi.String("available"),`, To: `State: pulumi.String("impaired"),`,
		Runs: []Run{engine("-run", "^TestDevLifecycle$", ".")}},
	{Name: "the probe function's name is left to the provider (65-68 characters for a 29-32 character consumer)", File: "components/probe.go",
		From: `fnName, fnReplace := fittedName(ctx, name+"-function", maxLambdaFunctionName)`, To: `fnName, fnReplace := pulumi.StringInput(nil), pulumi.DeleteBeforeReplace(false)`,
		Runs: []Run{root("./components"), engine("-run", "^TestLongestConsumerNameFitsAwsNames$", ".")}},
	{Name: "the probe's event carries no retry delays (one stale answer fails the update)", File: "components/probe.go",
		From: `RetryDelaysSeconds: ProbeRetryDelaySeconds(),`, To: `RetryDelaysSeconds: nil,`,
		Runs: []Run{engine("-run", "^TestProbeRidesOutPropagation$", ".")}},
	{Name: "the e2e check of a removed route accepts any 403", File: "tests/e2e/helpers.go",
		From: `(r.Status == http.StatusNotFound || missingToken(r))`, To: `(r.Status == http.StatusNotFound || r.Status == http.StatusForbidden)`,
		Runs: []Run{root("./tests/e2e")}},
	{Name: "the policy evaluator ignores a Deny's NotResource", File: "policy/eval.go",
		From: "\tcase negative != nil:\n\t\treturn !in(negative), nil", To: "\tcase negative != nil:\n\t\treturn false, nil",
		Runs: []Run{root("./policy", "./components")}},
	{Name: "the policy evaluator compares actions with case", File: "policy/eval.go",
		From: `return matches(strings.ToLower(p), strings.ToLower(s))`, To: `return matches(p, s)`,
		Runs: []Run{root("./policy", "./components")}},
	{Name: "an adoption accepted without replaceRoutes", File: "components/adopt.go",
		From: `	if !a.ReplaceRoutes {`, To: `	if false {`,
		Runs: []Run{root("./components", "./tests"), engine("-run", "^TestAdoptExistingApi$", ".")}},
	{Name: "an adopted API created anew instead of imported", File: "components/restapi.go",
		From: `apiOpts = append(apiOpts, pulumi.Import(pulumi.ID(args.Adopt.RestApiId)))`, To: `_ = args.Adopt.RestApiId`,
		Runs: []Run{root("./components", "./tests"), engine("-run", "^TestAdoptExistingApi$", ".")}},
	{Name: "the resource policy's length is never checked before anything is registered", File: "components/crossaccount_validate.go",
		From: "\ta.validatePolicyLength(f)\n", To: "\t_ = a.validatePolicyLength\n",
		Runs: []Run{root("./components", "./tests")}},
	{Name: "the resources of an API counted without their parent paths", File: "components/quotas.go",
		From: "\t\tfor i := range segs {\n\t\t\tpaths[", To: "\t\tfor i := len(segs) - 1; i < len(segs); i++ {\n\t\t\tpaths[",
		Runs: []Run{root("./components", "./tests")}},
	{Name: "a consumer stack's guard not protected while its producer lists it", File: "components/consumeraccess.go",
		From: `pulumi.Parent(parent), pulumi.DependsOn(deps), pulumi.Protect(listed))`, To: `pulumi.Parent(parent), pulumi.DependsOn(deps), pulumi.Protect(false))`,
		Runs: []Run{root("./tests"), engine("-run", "^TestSplitTopologyLifecycle$", ".")}},
	{Name: "a consumer stack's guard depends on nothing (a destroy out of order deletes the probe first)", File: "components/consumeraccess.go",
		From: `pulumi.Parent(parent), pulumi.DependsOn(deps), pulumi.Protect(listed))`, To: `pulumi.Parent(parent), pulumi.Protect(listed))`,
		Runs: []Run{root("./tests"), engine("-run", "^TestSplitTopologyLifecycle$", ".")}},
	{Name: "a provider built from credentials pinned to another account", File: "components/credentials.go",
		From: `return &AccountProviderArgs{AccountId: account, Region: region,`, To: `return &AccountProviderArgs{AccountId: "999999999999", Region: region,`,
		Runs: []Run{root("-run", "Credentials", "./components")}},
	{Name: "the component provider drops the stack's aws provider (ConsumerApiAccess from another language gets none)", File: "cmd/pulumi-resource-xaccount/provider/components.go",
		From: "\t\t\topts = append(opts, pulumi.Provider(p))\n", To: "\t\t\t_ = p\n",
		Runs: []Run{engine("-run", "^TestTypeScriptSingleAccountComponentTakesItsProvider$", ".")}},
	{Name: "the API's own answers not customized (no gateway responses in the body)", File: "components/openapi.go",
		From: "\t\t\"x-amazon-apigateway-gateway-responses\":      gatewayResponses(),\n", To: "\t\t\"x-amazon-apigateway-gateway-responses\":      map[string]any{},\n",
		Runs: []Run{root("./components"), engine("-run", "^TestPolicyOnlyChangeIsServed$", ".")}},
	{Name: "STRICT still offers the header invoke forms", File: "components/invokeurls.go",
		From: `if t.PublicDnsName != "" && !t.Strict {`, To: `if t.PublicDnsName != "" {`,
		Runs: []Run{root("./components", "./tests"), engine("-run", "^TestStrictAccessModeOffersTheApisOwnNames$", ".")}},
	{Name: "an nlbArn route not connected through its created link", File: "components/vpclink.go",
		From: "\t\t\tout[i].Integration.VpcLinkId = ids[arn]\n", To: "\t\t\tout[i].Integration.VpcLinkId, _ = r.Integration.VpcLinkId, ids[arn]\n",
		Runs: []Run{root("./components"), engine("-run", "^TestVpcLinkRouteCreatesItsLinkAndLetsGoOfIt$", ".")}},
	{Name: "the custom domain's policy admits no endpoint", File: "components/customdomain.go",
		From: "\tvpces := append([]string{}, endpoints...)\n", To: "\tvpces := []string{}\n",
		Runs: []Run{root("./components"), engine("-run", "^TestCustomDomainJoinsARunningStack$", ".")}},
	{Name: "a consumer's domain association made before its account accepted the share", File: "components/domainaccess.go",
		From: "\tif accepter != nil {\n\t\tdeps = append(deps, accepter)\n\t}\n", To: "",
		Runs: []Run{root("./components"), engine("-run", "^TestCustomDomainJoinsARunningStack$", ".")}},
	{Name: "the endpoint policy leaves out the custom domain (calls through it refused by the consumer's own endpoint)", File: "components/consumerside.go",
		From: "\t\t\tarns = append(arns, domainInvokeArn(domain))\n", To: "\t\t\t_ = domain\n",
		Runs: []Run{root("./components"), engine("-run", "^TestCustomDomainJoinsARunningStack$", ".")}},
	{Name: "the share accepter named after the first consumer of its account", File: "components/domainaccess.go",
		From: "ram.NewResourceShareAccepter(ctx, shareAccepterName(s.name, account),", To: "ram.NewResourceShareAccepter(ctx, s.name+\"-\"+consumers[0]+\"-domain-share-accepter\",",
		Runs: []Run{root("./components"), engine("-run", "^TestCustomDomainShareOutlivesTheFirstConsumerOfItsAccount$", ".")}},
	{Name: "the share accepter's delete leaves the share for the whole account", File: "components/domainaccess.go",
		From: "pulumi.Aliases(aliases), pulumi.RetainOnDelete(true))", To: "pulumi.Aliases(aliases))",
		Runs: []Run{root("./components"), engine("-run", "^TestCustomDomainShareOutlivesTheFirstConsumerOfItsAccount$", ".")}},
	{Name: "a principal association created before its old one is deleted (the delete undoes the new invitation)", File: "components/customdomain.go",
		From: "pulumi.DependsOn([]pulumi.Resource{shared}), pulumi.DeleteBeforeReplace(true))", To: "pulumi.DependsOn([]pulumi.Resource{shared}))",
		Runs: []Run{root("./components")}},
	{Name: "the per-consumer metrics lose their endpoint dimension", File: "components/monitoring.go",
		From: "DimensionVpceId: \"$.vpceId\"}", To: "DimensionVpceId: \"$.sourceIp\"}",
		Runs: []Run{root("./components"), engine("-run", "^TestDevLifecycle$", ".")}},
	{Name: "an alarm reads another consumer's endpoint", File: "components/crossaccount.go",
		From: "endpointId: comp.Consumers[c.Name].EndpointId})", To: "endpointId: comp.VpcEndpointIds.Index(pulumi.Int(0))})",
		Runs: []Run{root("./components"), engine("-run", "^TestDevLifecycle$", ".")}},
	{Name: "a REGIONAL API adopted without changeEndpointType (its public callers cut off unasked)", File: "components/adoptread.go",
		From: "\tcase !api.private():\n\t\tf.add(", To: "\tcase false:\n\t\tf.add(",
		Runs: []Run{root("./components"), engine("-run", "^TestAdoptExistingApi$", ".")}},
	{Name: "the alarm window is one day whatever the period (valid hourly alarms refused)", File: "components/monitoring.go",
		From: "\tif periodSeconds < longAlarmPeriodSeconds {\n", To: "\tif true {\n",
		Runs: []Run{root("./components")}},
	{Name: "the dashboard's name leaves out the region (two regions' stacks share one dashboard)", File: "components/monitoring.go",
		From: "parts := []string{name, stage, region}", To: "parts := []string{name, stage}",
		Runs: []Run{root("./components")}},
	{Name: "the state prefix without its trailing slash (xa also grants xa-other/, the lock path xa.pulumi/locks)", File: "internal/iampolicy/state.go",
		From: "\treturn p + \"/\", nil\n", To: "\treturn p, nil\n",
		Runs: []Run{root("-run", "TestIamStatePrefixIsAFolder", "./tests"), engine("-run", "^TestPipelineRolesReachOnlyTheirOwnStacksState$", "./fakeaws")}},
	{Name: "the preview pipeline role writes the stack's state", File: "internal/iampolicy/state.go",
		From: "\tif write {\n\t\twrites :=", To: "\tif true {\n\t\twrites :=",
		Runs: []Run{engine("-run", "^TestPrintedPipelineRolesStatePermissions$", "./fakeaws")}},
	{Name: "the deployer creates roles without the permissions boundary (a stack change can create an administrator role)", File: "internal/iampolicy/boundary.go",
		From: `withBoundary := map[string]map[string]any{"StringEquals": {"iam:PermissionsBoundary": boundary}}`, To: `withBoundary := map[string]map[string]any(nil)`,
		Runs: []Run{root("-run", "TestDeployersCreateOnlyBoundedStackRoles", "./tests"), engine("-run", "^TestPrintedDeployerCreatesOnlyBoundedStackRoles$", "./fakeaws")}},
	{Name: "the deployer passes the stack's roles to any service", File: "internal/iampolicy/boundary.go",
		From: `map[string]map[string]any{"StringEquals": {"iam:PassedToService": s}})`, To: `nil)`,
		Runs: []Run{root("-run", "TestDeployersCreateOnlyBoundedStackRoles", "./tests"), engine("-run", "^TestPrintedDeployerCreatesOnlyBoundedStackRoles$", "./fakeaws")}},
}
