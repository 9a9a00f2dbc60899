package stack

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
)

// A hub in a stack of its own (config.RoleHub): the hub's stack publishes
// its endpoint (endpointId, endpointDnsName), its account and its spokes
// (spokes.<name>: accountId, allowedCidrs); the producer's stack reads them
// (hub.stack) and refuses a spoke the hub's stack does not publish alike.
// The bootstrap is the consumer stacks': the hub's first up creates the
// endpoint, the producer's up admits it, the hub's second up scopes its
// policy to the API and names its zone for it.

// OutputSpokes is the hub stack's spokes: per name, accountId,
// allowedCidrs and vpcId.
const OutputSpokes = "spokes"

// deployHubStack registers a hub's stack: the network account's provider
// and the SharedHub, named like the single stack's hub.
func deployHubStack(ctx *pulumi.Context, cfg *config.Config) (pulumi.Map, error) {
	args := &components.SharedHubArgs{Region: cfg.Region, Protect: cfg.Protect}
	full := cfg.Args()
	args.Hub = full.Hub
	args.Spokes = full.Consumers
	if len(cfg.Tags) > 0 {
		args.Tags = pulumi.ToStringMap(cfg.Tags)
	}
	api, err := readProducerForHub(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if api != nil {
		args.RestApiId, args.ExecutionArn = api.RestApiId, api.ExecutionArn
	}
	provider, err := newAccountProvider(ctx, HubProviderName, cfg, cfg.Hub.Account)
	if err != nil {
		return nil, err
	}
	args.Hub.Provider = provider
	hub, err := components.NewSharedHub(ctx, config.Namespace, args, pulumi.Provider(provider))
	if err != nil {
		return nil, cfg.ArgsProblems(err)
	}
	spokes := pulumi.Map{}
	for _, c := range cfg.Consumers {
		spoke := pulumi.Map{"accountId": pulumi.String(c.AccountId), "allowedCidrs": pulumi.ToStringArray(c.AllowedCidrs)}
		if c.ExistingVpc != nil && c.ExistingVpc.Id != "" {
			spoke["vpcId"] = pulumi.String(c.ExistingVpc.Id) // the VPC the hub's zone authorizes
		}
		spokes[c.Name] = spoke
	}
	out := pulumi.Map{
		"region":              pulumi.String(cfg.Region),
		"accountId":           pulumi.String(cfg.Hub.AccountId),
		"dns":                 pulumi.String(cfg.Hub.Dns),
		OutputEndpointId:      hub.Endpoint.EndpointId,
		OutputEndpointDnsName: hub.Endpoint.PublicDnsName,
		"endpointDnsNames":    hub.Endpoint.DnsNames,
		"hubCidrs":            hub.HubCidrs,
		OutputSpokes:          spokes,
	}
	if api != nil {
		out["restApiId"] = api.RestApiId
		if cfg.Hub.Dns == components.HubDnsPhz {
			out["zoneId"] = hub.ZoneId
		}
	}
	return out, nil
}

// readProducerForHub reads the API the producer's stack published for the
// hub's stack: nil (and a warning) while it has published none.
func readProducerForHub(ctx *pulumi.Context, cfg *config.Config) (*components.PublishedApi, error) {
	ref, err := pulumi.NewStackReference(ctx, cfg.Producer.Stack, nil)
	if err != nil {
		return nil, err
	}
	out := map[string]referenced{}
	for _, name := range []string{"restApiId", "executionArn", "producerAccountId", "region"} {
		if out[name], err = referencedOutput(ref, name); err != nil {
			return nil, err
		}
	}
	if out["restApiId"].str() == "" {
		return nil, ctx.Log.Warn(fmt.Sprintf("stack %s has published no API yet (or it was destroyed): this update keeps the hub endpoint invoking nothing and publishes its %s. "+
			"Next: name this stack in the producer's hub.stack, run pulumi up there, then here again for the endpoint policy and the zone", cfg.Producer.Stack, OutputEndpointId), nil)
	}
	var problems []config.Problem
	if got := out["producerAccountId"].str(); got != cfg.Producer.AccountId {
		problems = append(problems, config.Problem{Key: config.Key(config.KeyProducer + ".accountId"), Message: fmt.Sprintf(
			"got %q, but stack %s publishes an API in account %s; expected the account of the producer's stack", cfg.Producer.AccountId, cfg.Producer.Stack, out["producerAccountId"].shown())})
	}
	if got := out["region"].str(); got != cfg.Region {
		problems = append(problems, config.Problem{Key: config.Key(config.KeyRegion), Message: fmt.Sprintf(
			"got %q, but stack %s publishes an API in %s; an execute-api endpoint only reaches APIs of its own region", cfg.Region, cfg.Producer.Stack, out["region"].shown())})
	}
	if len(problems) > 0 {
		return nil, &config.Error{Problems: problems}
	}
	return &components.PublishedApi{RestApiId: out["restApiId"].input(), ExecutionArn: out["executionArn"].input()}, nil
}

// readHubStack fills in, for a producer whose hub has a stack of its own
// (hub.stack), the hub endpoint that stack published, and checks that it
// publishes each spoke this file lists, with the same account and ranges:
// the API's policy admits a spoke's ranges through the hub endpoint, whose
// security group must admit them too.
func readHubStack(ctx *pulumi.Context, cfg *config.Config, args *components.CrossAccountPrivateApiArgs) error {
	stack := cfg.HubStackOf()
	if stack == "" {
		return nil
	}
	ref, err := pulumi.NewStackReference(ctx, stack, nil)
	if err != nil {
		return err
	}
	out := map[string]referenced{}
	for _, name := range []string{OutputEndpointId, OutputEndpointDnsName, "accountId", "region", OutputSpokes} {
		if out[name], err = referencedOutput(ref, name); err != nil {
			return err
		}
	}
	hubKey := config.Key(config.KeyHub + ".stack")
	if out[OutputEndpointId].str() == "" {
		return &config.Error{Problems: []config.Problem{{Key: hubKey, Message: fmt.Sprintf(
			"stack %s has published no %s (it was never updated, or it was destroyed); run its pulumi up first (a hub stack's first up creates the hub endpoint and publishes it), then this stack's", stack, OutputEndpointId)}}}
	}
	var problems []config.Problem
	if got := out["accountId"].str(); got != cfg.Hub.AccountId {
		problems = append(problems, config.Problem{Key: config.Key(config.KeyHub + ".accountId"), Message: fmt.Sprintf(
			"got %q, but stack %s publishes a hub in account %s; expected the network account of the hub's stack", cfg.Hub.AccountId, stack, out["accountId"].shown())})
	}
	if got := out["region"].str(); got != cfg.Region {
		problems = append(problems, config.Problem{Key: config.Key(config.KeyRegion), Message: fmt.Sprintf(
			"got %q, but stack %s publishes a hub in %s; an execute-api endpoint only reaches APIs of its own region", cfg.Region, stack, out["region"].shown())})
	}
	published, _ := out[OutputSpokes].value.(map[string]any)
	for i, c := range cfg.Consumers {
		if c.Via != components.ViaHub {
			continue
		}
		_, account, ranges, listed := publishedSpoke(published, c.Name)
		want := slices.Sorted(slices.Values(c.AllowedCidrs))
		if out[OutputSpokes].secret || !listed || account != c.AccountId || !slices.Equal(ranges, want) {
			got := "no such spoke"
			switch {
			case out[OutputSpokes].secret:
				got = "a secret value"
			case listed:
				got = fmt.Sprintf("spoke %s in account %s from [%s]", c.Name, account, strings.Join(ranges, ", "))
			}
			problems = append(problems, config.Problem{Key: config.ConsumerKey(i, ""), Message: fmt.Sprintf(
				"spoke %s in account %s from [%s], but hub stack %s publishes %s; expected the same name, account and allowedCidrs in both files "+
					"(the hub's security group admits the ranges its stack lists, the API's policy the ranges listed here)",
				c.Name, c.AccountId, strings.Join(want, ", "), stack, got)})
		}
	}
	// A spoke the hub's stack lists and this file does not: its ranges are
	// open on the hub's security group and its VPC authorized on the zone,
	// while the API's policy refuses it.
	for _, name := range slices.Sorted(maps.Keys(published)) {
		if !slices.ContainsFunc(cfg.Consumers, func(c config.Consumer) bool { return c.Via == components.ViaHub && c.Name == name }) {
			problems = append(problems, config.Problem{Key: hubKey, Message: fmt.Sprintf(
				"stack %s publishes spoke %s, which this file does not list (via: hub); the hub's security group admits its ranges and its VPC is authorized on the hub's zone "+
					"while the API's policy refuses it: list it here with the same account and allowedCidrs, or remove it from the hub's stack file", stack, name)})
		}
	}
	if len(problems) > 0 {
		return &config.Error{Problems: problems}
	}
	args.Hub.EndpointId = out[OutputEndpointId].input()
	if out[OutputEndpointDnsName].str() != "" {
		args.Hub.EndpointDnsName = out[OutputEndpointDnsName].input()
	}
	return cfg.ArgsProblems(args.Validate())
}

// publishedSpoke is spoke name as the hub stack's spokes output lists it:
// its entry, account and ranges (sorted); listed is false when it is not.
func publishedSpoke(published map[string]any, name string) (entry map[string]any, account string, ranges []string, listed bool) {
	entry, listed = published[name].(map[string]any)
	account, _ = entry["accountId"].(string)
	list, _ := entry["allowedCidrs"].([]any)
	for _, r := range list {
		s, _ := r.(string)
		ranges = append(ranges, s)
	}
	slices.Sort(ranges)
	return entry, account, ranges, listed
}

// deploySpokeStack registers a spoke's own stack (stackRole: consumer with
// hub.stack): its account's provider and the SpokeAccess, reading the
// hub's stack (its endpoint, zone and range, and that it lists this spoke
// alike) and the producer's (the API, whether it lists the spoke, the
// probe's target).
func deploySpokeStack(ctx *pulumi.Context, cfg *config.Config) (pulumi.Map, error) {
	spoke := cfg.Consumers[0]
	hub, err := readHubForSpoke(ctx, cfg)
	if err != nil {
		return nil, err
	}
	api, err := readProducerStack(ctx, cfg)
	if err != nil {
		return nil, err
	}
	provider, err := newAccountProvider(ctx, ConsumerProviderName(spoke.Name), cfg, spoke.Account)
	if err != nil {
		return nil, err
	}
	full := cfg.Args()
	args := &components.SpokeAccessArgs{Region: cfg.Region, Spoke: full.Consumers[0], Hub: *hub, Api: api,
		ProbeFailOnError: &cfg.Probe.FailOnError, RolePermissionsBoundary: full.RolePermissionsBoundary}
	if len(cfg.Tags) > 0 {
		args.Tags = pulumi.ToStringMap(cfg.Tags)
	}
	if hub.ZoneId == nil && api != nil {
		if err := ctx.Log.Warn(fmt.Sprintf("stack %s has published no zone for the API yet: run pulumi up there (it names the zone for the API once the producer's stack has published it), then here again for the association", cfg.HubStackOf()), nil); err != nil {
			return nil, err
		}
	}
	access, err := components.NewSpokeAccess(ctx, config.Namespace, args, pulumi.Provider(provider))
	if err != nil {
		return nil, cfg.ArgsProblems(err)
	}
	out := pulumi.Map{"accountId": pulumi.String(spoke.AccountId), "via": pulumi.String(components.ViaHub), "invokeUrls": access.InvokeUrls, "curl": access.CurlCommands}
	if access.Probe != nil {
		out["probe"] = access.Probe.Results
		out["probeFunction"] = access.Probe.FunctionName
	}
	return pulumi.Map{
		"region":            pulumi.String(cfg.Region),
		"producerAccountId": pulumi.String(cfg.Producer.AccountId),
		"consumers":         pulumi.Map{spoke.Name: out},
	}, nil
}

// readHubForSpoke reads what a spoke's stack needs of the hub's stack and
// checks that it lists this spoke with the same account and ranges.
func readHubForSpoke(ctx *pulumi.Context, cfg *config.Config) (*components.PublishedHub, error) {
	stack := cfg.HubStackOf()
	ref, err := pulumi.NewStackReference(ctx, stack, nil)
	if err != nil {
		return nil, err
	}
	out := map[string]referenced{}
	for _, name := range []string{OutputEndpointId, OutputEndpointDnsName, "accountId", "region", "zoneId", "hubCidrs", OutputSpokes} {
		if out[name], err = referencedOutput(ref, name); err != nil {
			return nil, err
		}
	}
	hubKey := config.Key(config.KeyHub + ".stack")
	if out[OutputEndpointId].str() == "" {
		return nil, &config.Error{Problems: []config.Problem{{Key: hubKey, Message: fmt.Sprintf(
			"stack %s has published no %s yet; run its pulumi up first, then this stack's", stack, OutputEndpointId)}}}
	}
	spoke := cfg.Consumers[0]
	var problems []config.Problem
	if got := out["accountId"].str(); got != cfg.Hub.AccountId {
		problems = append(problems, config.Problem{Key: config.Key(config.KeyHub + ".accountId"), Message: fmt.Sprintf(
			"got %q, but stack %s publishes a hub in account %s; expected the network account of the hub's stack", cfg.Hub.AccountId, stack, out["accountId"].shown())})
	}
	if got := out["region"].str(); got != cfg.Region {
		problems = append(problems, config.Problem{Key: config.Key(config.KeyRegion), Message: fmt.Sprintf(
			"got %q, but stack %s publishes a hub in %s; expected the hub's region", cfg.Region, stack, out["region"].shown())})
	}
	published, _ := out[OutputSpokes].value.(map[string]any)
	entry, account, ranges, listed := publishedSpoke(published, spoke.Name)
	want := slices.Sorted(slices.Values(spoke.AllowedCidrs))
	if !listed || account != spoke.AccountId || !slices.Equal(ranges, want) {
		problems = append(problems, config.Problem{Key: config.ConsumerKey(0, ""), Message: fmt.Sprintf(
			"spoke %s in account %s from [%s], but hub stack %s does not list it so (it lists %s); expected the same name, account and allowedCidrs in both files",
			spoke.Name, spoke.AccountId, strings.Join(want, ", "), stack, describeSpokes(published))})
	} else if vpc, _ := entry["vpcId"].(string); vpc != "" && spoke.ExistingVpc != nil && spoke.ExistingVpc.Id != vpc {
		// The hub's zone authorizes the VPC its file names; another one's
		// association would fail (NotAuthorizedException).
		problems = append(problems, config.Problem{Key: config.ConsumerKey(0, "vpc.id"), Message: fmt.Sprintf(
			"got %q, but hub stack %s authorizes VPC %s for spoke %s on its zone; expected the same vpc.id in both files", spoke.ExistingVpc.Id, stack, vpc, spoke.Name)})
	}
	if len(problems) > 0 {
		return nil, &config.Error{Problems: problems}
	}
	h := &components.PublishedHub{EndpointId: out[OutputEndpointId].input(), EndpointDnsName: out[OutputEndpointDnsName].input()}
	if out["zoneId"].str() != "" {
		h.ZoneId = out["zoneId"].input()
	}
	if cidrs, ok := out["hubCidrs"].value.([]any); ok {
		var s []string
		for _, c := range cidrs {
			v, _ := c.(string)
			s = append(s, v)
		}
		h.HubCidrs = pulumi.ToStringArray(s)
	}
	return h, nil
}

// describeSpokes names the spokes a hub's stack publishes, with their accounts.
func describeSpokes(published map[string]any) string {
	var parts []string
	for name, v := range published {
		entry, _ := v.(map[string]any)
		account, _ := entry["accountId"].(string)
		parts = append(parts, fmt.Sprintf("%s in account %s", name, account))
	}
	if len(parts) == 0 {
		return "no spoke"
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}
