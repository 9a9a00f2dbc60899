package stack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
)

// The split topology (config.RoleProducer, config.RoleConsumer): the
// hand-over values travel through stack references, one way each. A
// consumer stack publishes endpointId, endpointDnsName and privateDns; the producer
// stack publishes the API (restApiId, executionArn, stageName, deploymentId,
// policyHash, authorization, producerAccountId, region) and, per consumer it
// lists, consumers.<name>.probeTarget.

// Output names of the hand-over between the two kinds of stack.
const (
	OutputEndpointId      = "endpointId"
	OutputEndpointDnsName = "endpointDnsName"
	OutputPrivateDns      = "privateDns"
)

// referenced is one output of a referenced stack: its value (nil when the
// stack has no such output) and whether that stack keeps it secret.
type referenced struct {
	value  any
	secret bool
}

// referencedOutput reads one output of a referenced stack, keeping its
// secret flag: a value the other stack keeps secret stays secret here
// (referenced.input).
func referencedOutput(ref *pulumi.StackReference, name string) (referenced, error) {
	d, err := ref.GetOutputDetails(name)
	if err != nil {
		return referenced{}, fmt.Errorf("stack reference: output %s: %w", name, err)
	}
	if d.SecretValue != nil {
		return referenced{value: d.SecretValue, secret: true}, nil
	}
	return referenced{value: d.Value}, nil
}

// str is the output as a string, "" when it is none.
func (r referenced) str() string { s, _ := r.value.(string); return s }

// input is the string output as a resource input: a Pulumi secret when the
// referenced stack keeps it secret, so everything this stack builds from it
// (URLs, policies, the OpenAPI body, outputs) is secret too.
func (r referenced) input() pulumi.StringInput { return maybeSecret(r.secret, r.str()) }

// shown is the output as an error message may show it: a secret is not.
func (r referenced) shown() string {
	if r.secret {
		return config.SecretPlaceholder
	}
	return r.str()
}

// readConsumerStacks fills in each stack consumer's endpoint from its own
// stack's outputs. A stack that has not published its endpoint yet is a
// problem of consumers[i].stack: its first up comes first.
func readConsumerStacks(ctx *pulumi.Context, cfg *config.Config, args *components.CrossAccountPrivateApiArgs) error {
	var problems []config.Problem
	for i, c := range cfg.Consumers {
		if c.Stack == "" {
			continue
		}
		ref, err := pulumi.NewStackReference(ctx, c.Stack, nil)
		if err != nil {
			return err
		}
		id, err := referencedOutput(ref, OutputEndpointId)
		if err != nil {
			return err
		}
		if id.str() == "" {
			problems = append(problems, config.Problem{Key: config.ConsumerKey(i, "stack"), Message: fmt.Sprintf(
				"stack %s has published no %s yet; run its pulumi up first (a consumer stack's first up creates its endpoint and publishes it), then this stack's", c.Stack, OutputEndpointId)})
			continue
		}
		// The stack must be this consumer's: its name and account, as the
		// resource policy (AWS_IAM allows the account) and the consumer
		// stack's own listing check (by name) rely on them.
		published, err := referencedOutput(ref, "consumers")
		if err != nil {
			return err
		}
		entry, ok := published.value.(map[string]any)[c.Name].(map[string]any)
		if account, _ := entry["accountId"].(string); !ok || account != c.AccountId {
			problems = append(problems, config.Problem{Key: config.ConsumerKey(i, "stack"), Message: fmt.Sprintf(
				"stack %s publishes %s; expected consumer %s in account %s, as consumers[%d] says", c.Stack, describePublished(published), c.Name, c.AccountId, i)})
			continue
		}
		args.Consumers[i].EndpointId = id.input()
		dns, err := referencedOutput(ref, OutputEndpointDnsName)
		if err != nil {
			return err
		}
		if dns.str() != "" {
			args.Consumers[i].EndpointDnsName = dns.input()
		}
		// Whether the consumer's VPC resolves the API's private DNS name:
		// it decides which invoke forms there are, a plain choice.
		privateDns, err := referencedOutput(ref, OutputPrivateDns)
		if err != nil {
			return err
		}
		on, _ := privateDns.value.(bool)
		args.Consumers[i].PrivateDns = &on
	}
	if len(problems) > 0 {
		return &config.Error{Problems: problems}
	}
	return cfg.ArgsProblems(args.Validate())
}

// describePublished names the consumers a consumer stack publishes, with
// their accounts ("a secret value" when that stack keeps them secret).
func describePublished(published referenced) string {
	if published.secret {
		return "a secret value"
	}
	m, _ := published.value.(map[string]any)
	return namesWithAccounts(m, "consumer ", "no consumer")
}

// namesWithAccounts lists the entries of a published map by name (after
// kind) with their accountId, sorted; none when there is no entry.
func namesWithAccounts(m map[string]any, kind, none string) string {
	var parts []string
	for name, v := range m {
		entry, _ := v.(map[string]any)
		account, _ := entry["accountId"].(string)
		parts = append(parts, fmt.Sprintf("%s%s in account %s", kind, name, account))
	}
	if len(parts) == 0 {
		return none
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// readProducerStack reads the API the producer's stack published for this
// consumer stack: nil (and a warning) while it has published none.
func readProducerStack(ctx *pulumi.Context, cfg *config.Config) (*components.PublishedApi, error) {
	api, _, err := readProducerWithHub(ctx, cfg)
	return api, err
}

// readProducerWithHub is readProducerStack that also gives the producer's
// hub output (the hub's stack and the hub endpoint its policy lists), for
// a spoke's stack.
func readProducerWithHub(ctx *pulumi.Context, cfg *config.Config) (*components.PublishedApi, referenced, error) {
	ref, err := pulumi.NewStackReference(ctx, cfg.Producer.Stack, nil)
	if err != nil {
		return nil, referenced{}, err
	}
	out := map[string]referenced{}
	for _, name := range []string{"restApiId", "executionArn", "stageName", "deploymentId", "policyHash", "authorization", "endpointAccessMode", "producerAccountId", "region", "consumers", OutputCustomDomain, "hub"} {
		if out[name], err = referencedOutput(ref, name); err != nil {
			return nil, referenced{}, err
		}
	}
	api, err := producerApi(ctx, cfg, out)
	return api, out["hub"], err
}

// producerApi is the API of the producer's outputs out, checked against
// this consumer stack's file.
func producerApi(ctx *pulumi.Context, cfg *config.Config, out map[string]referenced) (*components.PublishedApi, error) {
	consumer := cfg.Consumers[0]
	str := func(name string) string { return out[name].str() }
	if str("restApiId") == "" {
		return nil, warn(ctx, fmt.Sprintf("stack %s has published no API yet: this update creates only the endpoint of consumer %s and publishes its %s. "+
			"Next: add this stack to the producer's consumers (stack), run pulumi up there, then here again for the endpoint policy and the probe", cfg.Producer.Stack, consumer.Name, OutputEndpointId))
	}
	if problems := producerPlaceProblems(cfg, out); len(problems) > 0 {
		return nil, &config.Error{Problems: problems}
	}
	// What becomes an input here stays secret where the producer keeps it
	// so; authorization, access mode, the listing and the probe target only
	// choose what this stack builds.
	api := &components.PublishedApi{
		RestApiId: out["restApiId"].input(), ExecutionArn: out["executionArn"].input(),
		StageName: out["stageName"].input(), DeploymentId: out["deploymentId"].input(),
		PolicyHash: out["policyHash"].input(), Authorization: str("authorization"),
		EndpointAccessMode: str("endpointAccessMode"),
	}
	consumers, _ := out["consumers"].value.(map[string]any)
	entry, listed := consumers[consumer.Name].(map[string]any)
	if !listed {
		return api, warn(ctx, fmt.Sprintf("stack %s does not list consumer %s yet: its endpoint gets its policy, and the probe waits until the producer's stack lists it (consumers[].stack) and runs pulumi up", cfg.Producer.Stack, consumer.Name))
	}
	api.ListsEndpoint = true
	if d, ok := out[OutputCustomDomain].value.(map[string]any); ok {
		api.CustomDomain = publishedDomainOf(d, out[OutputCustomDomain].secret, consumer.AccountId, cfg.Producer.AccountId)
		if reinvite, _ := d["reinvite"].(map[string]any); api.CustomDomain.AcceptShare {
			command, _ := reinvite[consumer.AccountId].(string)
			if err := ctx.Log.Info(fmt.Sprintf("this stack accepts the RAM share of stack %s's custom domain, within 12 hours of the producer's up that invited account %s (RAM invitations expire then). "+
				"If its accepter fails with \"No pending RAM Resource Share (...) invitation found\": the invitation expired (run %s in the producer's project, then pulumi up here again), "+
				"or account %s is in the producer's AWS Organization with RAM sharing on, where RAM accepts and no invitation is sent (set api.customDomain.sameOrganization: true in the producer's stack), "+
				"or the account accepted already (import the accepter: pulumi import aws:ram/resourceShareAccepter:ResourceShareAccepter <its name> <the share ARN>)",
				cfg.Producer.Stack, consumer.AccountId, command, consumer.AccountId), nil); err != nil {
				return nil, err
			}
		}
		if n := len(cfg.Tags); n > components.MaxTagsPerHostedZone {
			// This stack's endpoint gets a private hosted zone for the domain.
			return nil, &config.Error{Problems: []config.Problem{{Key: config.Key(config.KeyTags), Message: fmt.Sprintf(
				"got %d tags; stack %s publishes a custom domain, for which this stack creates a Route 53 private hosted zone that takes at most %d tags (these default tags included); keep at most %d",
				n, cfg.Producer.Stack, components.MaxTagsPerHostedZone, components.MaxTagsPerHostedZone)}}}
		}
	}
	if t, ok := entry["probeTarget"].(map[string]any); ok {
		target := probeTargetOf(t)
		api.ProbeTarget = &target
	}
	return api, nil
}

// deployConsumerStack registers a consumer stack: its account's provider
// and the ConsumerApiAccess, named like the single stack's consumer side.
func deployConsumerStack(ctx *pulumi.Context, cfg *config.Config) (pulumi.Map, error) {
	api, err := readProducerStack(ctx, cfg)
	if err != nil {
		return nil, err
	}
	consumer := cfg.Consumers[0]
	provider, err := newAccountProvider(ctx, ConsumerProviderName(consumer.Name), cfg, consumer.Account)
	if err != nil {
		return nil, err
	}
	args := cfg.ConsumerAccessArgs(api)
	args.Consumer.Provider = provider
	if err := cfg.ArgsProblems(args.Validate()); err != nil {
		return nil, err
	}
	access, err := components.NewConsumerApiAccess(ctx, config.Namespace, args, pulumi.Provider(provider))
	if err != nil {
		// What the component reads before registering anything (its
		// existing VPC) is reported on its config key.
		return nil, cfg.ArgsProblems(err)
	}
	out := pulumi.Map{
		"accountId":        pulumi.String(consumer.AccountId),
		"endpointId":       access.EndpointId,
		"endpointDnsNames": access.DnsNames,
		"invokeUrls":       access.InvokeUrls,
		"curl":             access.CurlCommands,
	}
	if p := access.Access.Probe; p != nil {
		out["probe"] = p.Results
		out["probeFunction"] = p.FunctionName
	}
	exports := pulumi.Map{
		"region":              pulumi.String(cfg.Region),
		"producerAccountId":   pulumi.String(cfg.Producer.AccountId),
		OutputEndpointId:      access.EndpointId,
		OutputEndpointDnsName: access.PublicDnsName,
		OutputPrivateDns:      pulumi.Bool(args.Consumer.PrivateDns != nil && *args.Consumer.PrivateDns),
		"consumers":           pulumi.Map{consumer.Name: out},
	}
	if api != nil {
		exports["restApiId"] = api.RestApiId
	}
	return exports, nil
}

// OutputCustomDomain is a producer's private custom domain:
// {name, arn, basePath, shareArn, sameOrganization}; absent without one.
const OutputCustomDomain = "customDomain"

// customDomainOutput is the domain as a producer's stack publishes it,
// with reinvite: per invited consumer account, the command that sends it
// a new invitation once one has expired.
func customDomainOutput(stack string, d *components.DomainOutputs) pulumi.Map {
	reinvite := pulumi.StringMap{}
	for _, account := range d.InvitedAccounts {
		reinvite[account] = pulumi.String(ReinviteCommand(stack))
	}
	return pulumi.Map{
		"name": d.Name, "arn": d.Arn, "shareArn": d.ShareArn,
		"basePath": pulumi.String(d.BasePath), "sameOrganization": pulumi.Bool(d.SameOrganization),
		"reinvite": reinvite,
	}
}

// ReinviteCommand is the command, run in the producer's stack, that sends
// a consumer account a new invitation to the domain's RAM share once one
// has expired: after 12 hours RAM disassociates the account ("the invitation
// expires and the end user principal in the resource share is
// disassociated", AWS RAM user guide), a refresh reads its principal
// association as gone, and the up creates it again, which invites the
// account anew.
func ReinviteCommand(stack string) string {
	return fmt.Sprintf("pulumi up --stack %s --refresh", stack)
}

// publishedDomainOf reads a published domain back for a consumer in
// account (secret: the producer keeps the output secret): it accepts the
// share unless it is in the producer's own account (nothing is shared) or
// the share is within one organization.
func publishedDomainOf(m map[string]any, secret bool, account, producer string) *components.PublishedDomain {
	str := func(k string) string { s, _ := m[k].(string); return s }
	sameOrg, _ := m["sameOrganization"].(bool)
	d := &components.PublishedDomain{Name: maybeSecret(secret, str("name")), Arn: maybeSecret(secret, str("arn")), BasePath: str("basePath"),
		ShareArn: maybeSecret(secret, str("shareArn"))}
	d.AcceptShare = account != producer && !sameOrg && str("shareArn") != ""
	return d
}

// probeTargets are what each consumer's probe calls and expects, for the
// consumer stacks (consumers.<name>.probeTarget of a producer's outputs).
func probeTargets(args *components.CrossAccountPrivateApiArgs) map[string]pulumi.Map {
	out := map[string]pulumi.Map{}
	for _, c := range args.Consumers {
		out[c.Name] = pulumi.ToMap(ProbeTargetOutput(components.ProbeTargetFor(args.Routes, args.Authorization, c)))
	}
	return out
}

// ProbeTargetOutput is a probe target as a producer's stack publishes it,
// consumers.<name>.probeTarget; probeTargetOf reads it back.
func ProbeTargetOutput(t components.ProbeTarget) map[string]any {
	return map[string]any{"path": t.Path, "integration": t.Integration, "expectedStatus": t.ExpectedStatus, "sign": t.Sign}
}

// probeTargetOf reads a published probe target (numbers arrive as float64).
func probeTargetOf(m map[string]any) components.ProbeTarget {
	var t components.ProbeTarget
	t.Path, _ = m["path"].(string)
	t.Integration, _ = m["integration"].(string)
	t.Sign, _ = m["sign"].(bool)
	if n, ok := m["expectedStatus"].(float64); ok {
		t.ExpectedStatus = int(n)
	}
	return t
}
