package stack

import (
	"errors"
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
	producer, err := readProducerForHub(ctx, cfg)
	if err != nil {
		return nil, err
	}
	api := producer.api
	if api != nil {
		args.RestApiId, args.ExecutionArn = api.RestApiId, api.ExecutionArn
	}
	args.ListedByProducer = producer.listed
	provider, err := newAccountProvider(ctx, HubProviderName, cfg, cfg.Hub.Account)
	if err != nil {
		return nil, err
	}
	args.Hub.Provider = provider
	hub, err := components.NewSharedHub(ctx, config.Namespace, args, pulumi.Provider(provider))
	if err != nil {
		return nil, cfg.ArgsProblems(err)
	}
	if producer.listed {
		warnOfAnOldHubEndpoint(ctx, cfg, hub.Endpoint.EndpointId, producer.endpoint)
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

// producerForHub is what the hub's stack reads of the producer's: the API
// (nil while it has published none), whether it lists this hub (its hub
// output names this stack) and the hub endpoint it lists.
type producerForHub struct {
	api      *components.PublishedApi
	listed   bool
	endpoint referenced
}

// readProducerForHub reads the API the producer's stack published for the
// hub's stack (nil, and a warning, while it has published none) and whether
// it lists this hub.
func readProducerForHub(ctx *pulumi.Context, cfg *config.Config) (producerForHub, error) {
	ref, err := pulumi.NewStackReference(ctx, cfg.Producer.Stack, nil)
	if err != nil {
		return producerForHub{}, err
	}
	out := map[string]referenced{}
	for _, name := range []string{"restApiId", "executionArn", "producerAccountId", "region", "hub"} {
		if out[name], err = referencedOutput(ref, name); err != nil {
			return producerForHub{}, err
		}
	}
	if out["restApiId"].str() == "" {
		return producerForHub{}, warn(ctx, fmt.Sprintf("stack %s has published no API yet (or it was destroyed): this update keeps the hub endpoint invoking nothing and publishes its %s. "+
			"Next: name this stack in the producer's hub.stack, run pulumi up there, then here again for the endpoint policy and the zone", cfg.Producer.Stack, OutputEndpointId))
	}
	if problems := producerPlaceProblems(cfg, out); len(problems) > 0 {
		return producerForHub{}, &config.Error{Problems: problems}
	}
	listedStack, endpoint := publishedHubOf(out["hub"])
	return producerForHub{
		api:    &components.PublishedApi{RestApiId: out["restApiId"].input(), ExecutionArn: out["executionArn"].input()},
		listed: namesThisStack(ctx, listedStack) && endpoint.str() != "", endpoint: endpoint,
	}, nil
}

// publishedHubOf reads a producer's hub output: the hub's stack it names
// and the hub endpoint it lists (secret as that output is).
func publishedHubOf(hub referenced) (stack string, endpoint referenced) {
	m, _ := hub.value.(map[string]any)
	stack, _ = m["stack"].(string)
	return stack, referenced{value: m[OutputEndpointId], secret: hub.secret}
}

// namesThisStack says whether a stack reference (<stack>,
// <organization>/<stack> or <organization>/<project>/<stack>) names the
// stack running in ctx.
func namesThisStack(ctx *pulumi.Context, ref string) bool {
	parts := strings.Split(ref, "/")
	if ref == "" || parts[len(parts)-1] != ctx.Stack() {
		return false
	}
	return len(parts) < 3 || parts[1] == ctx.Project()
}

// warnOfAnOldHubEndpoint warns, once this hub's endpoint is known, when the
// producer's stack lists another one (the endpoint was replaced): the API
// refuses the spokes' calls through the new one until the producer's next
// up. Not a refusal: the pipeline's order (hub, consumers, producer, hub,
// consumers) passes through this state.
func warnOfAnOldHubEndpoint(ctx *pulumi.Context, cfg *config.Config, current pulumi.StringOutput, listed referenced) {
	current.ApplyT(func(id string) error {
		if id == "" || id == listed.str() {
			return nil
		}
		return warn(ctx, fmt.Sprintf("stack %s lists hub endpoint %s, but this stack's hub endpoint is now %s (it was replaced): "+
			"the API refuses the spokes' calls through it until the producer's policy names it. Next: run pulumi up in stack %s, then in the spokes' stacks",
			cfg.Producer.Stack, listed.shown(), id, cfg.Producer.Stack))
	})
}

// producerPlaceProblems checks that the producer's stack publishes its API
// in this file's producer account and region.
func producerPlaceProblems(cfg *config.Config, out map[string]referenced) []config.Problem {
	return placeProblems(placeCheck{stack: cfg.Producer.Stack, what: "an API",
		accountKey: config.KeyProducer + ".accountId", account: cfg.Producer.AccountId, published: out["producerAccountId"],
		accountWhy: "expected the account of the producer's stack", region: cfg.Region, publishedRegion: out["region"],
		regionWhy: "an execute-api endpoint only reaches APIs of its own region"})
}

// placeCheck is the account and region a referenced stack publishes and
// what this file says of them.
type placeCheck struct {
	// stack is the referenced stack; what is what it publishes ("an API",
	// "a hub").
	stack, what string
	// accountKey is the config key of account, this file's; published is
	// the referenced stack's; accountWhy ends the message.
	accountKey, account, accountWhy string
	published                       referenced
	// region is this file's, publishedRegion the referenced stack's;
	// regionWhy ends the message.
	region, regionWhy string
	publishedRegion   referenced
}

// placeProblems are the problems of a referenced stack whose account or
// region is not what this file says.
func placeProblems(c placeCheck) []config.Problem {
	var problems []config.Problem
	if c.published.str() != c.account {
		problems = append(problems, config.Problem{Key: config.Key(c.accountKey), Message: fmt.Sprintf(
			"got %q, but stack %s publishes %s in account %s; %s", c.account, c.stack, c.what, c.published.shown(), c.accountWhy)})
	}
	if c.publishedRegion.str() != c.region {
		problems = append(problems, config.Problem{Key: config.Key(config.KeyRegion), Message: fmt.Sprintf(
			"got %q, but stack %s publishes %s in %s; %s", c.region, c.stack, c.what, c.publishedRegion.shown(), c.regionWhy)})
	}
	return problems
}

// hubPlaceProblems checks that a hub's stack publishes its hub in this
// file's hub account and region; regionWhy ends the region's message.
func hubPlaceProblems(cfg *config.Config, stack string, out map[string]referenced, regionWhy string) []config.Problem {
	return placeProblems(placeCheck{stack: stack, what: "a hub",
		accountKey: config.KeyHub + ".accountId", account: cfg.Hub.AccountId, published: out["accountId"],
		accountWhy: "expected the network account of the hub's stack", region: cfg.Region, publishedRegion: out["region"], regionWhy: regionWhy})
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
	problems := hubPlaceProblems(cfg, stack, out, "an execute-api endpoint only reaches APIs of its own region")
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
	ranges, _ = stringList(entry["allowedCidrs"])
	slices.Sort(ranges)
	return entry, account, ranges, listed
}

// stringList is a referenced stack's list output as strings; ok is false
// when the value is not a list.
func stringList(v any) (out []string, ok bool) {
	list, ok := v.([]any)
	for _, e := range list {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out, ok
}

// deploySpokeStack registers a spoke's own stack (stackRole: consumer with
// hub.stack): its account's provider and the SpokeAccess, reading the
// hub's stack (its endpoint, zone and range, and that it lists this spoke
// alike) and the producer's (the API, whether it lists the spoke, the
// probe's target).
func deploySpokeStack(ctx *pulumi.Context, cfg *config.Config) (pulumi.Map, error) {
	spoke := cfg.Consumers[0]
	read, hubErr := readHubForSpoke(ctx, cfg)
	api, listedHub, producerErr := readProducerWithHub(ctx, cfg)
	// One run reports the problems of both stacks it reads.
	if err := joinConfigErrors(hubErr, producerErr); err != nil {
		return nil, err
	}
	hub := read.hub
	// Listed by the producer's stack: the guard holds the stack, also while
	// the probe waits for a replaced hub endpoint below.
	listed := api != nil && api.ListsEndpoint
	if listed {
		if _, endpoint := publishedHubOf(listedHub); endpoint.str() != read.endpoint.str() {
			// The hub endpoint was replaced and the producer's policy still
			// names the old one: the API refuses this spoke through the new
			// one, so the probe waits. Normal in a pipeline's first pass
			// (hub, consumers, producer, hub, consumers): no refusal.
			api.ListsEndpoint = false
			if err := warn(ctx, fmt.Sprintf("stack %s lists hub endpoint %s, but hub stack %s now publishes %s (the hub endpoint was replaced): "+
				"the API refuses spoke %s's calls through it, and the probe waits. Next: run pulumi up in stack %s, then here again",
				cfg.Producer.Stack, endpoint.shown(), cfg.HubStackOf(), read.endpoint.shown(), spoke.Name, cfg.Producer.Stack)); err != nil {
				return nil, err
			}
		}
	}
	provider, err := newAccountProvider(ctx, ConsumerProviderName(spoke.Name), cfg, spoke.Account)
	if err != nil {
		return nil, err
	}
	full := cfg.Args()
	args := &components.SpokeAccessArgs{Region: cfg.Region, Spoke: full.Consumers[0], Hub: *hub, Api: api, ListedByProducer: listed,
		ProbeFailOnError: &cfg.Probe.FailOnError, RolePermissionsBoundary: full.RolePermissionsBoundary}
	if len(cfg.Tags) > 0 {
		args.Tags = pulumi.ToStringMap(cfg.Tags)
	}
	if hub.ZoneId == nil && api != nil && read.dns == components.HubDnsPhz {
		// Only a hub with dns: phz publishes a zone; with none the spokes
		// call by the endpoint's name and a header.
		if err := warn(ctx, fmt.Sprintf("stack %s has published no zone for the API yet: run pulumi up there (it names the zone for the API once the producer's stack has published it), then here again for the association", cfg.HubStackOf())); err != nil {
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

// hubForSpoke is what a spoke's stack reads of the hub's: the hub as
// SpokeAccess takes it, the endpoint as published and its dns.
type hubForSpoke struct {
	hub      *components.PublishedHub
	endpoint referenced
	dns      string
}

// joinConfigErrors is the one error of two readers: their config problems
// in one config.Error, or the first other error; nil when both are nil.
func joinConfigErrors(errs ...error) error {
	var problems []config.Problem
	for _, err := range errs {
		var ce *config.Error
		switch {
		case err == nil:
		case errors.As(err, &ce):
			problems = append(problems, ce.Problems...)
		default:
			return err
		}
	}
	if len(problems) > 0 {
		return &config.Error{Problems: problems}
	}
	return nil
}

// readHubForSpoke reads what a spoke's stack needs of the hub's stack and
// checks that it lists this spoke with the same account and ranges.
func readHubForSpoke(ctx *pulumi.Context, cfg *config.Config) (hubForSpoke, error) {
	stack := cfg.HubStackOf()
	ref, err := pulumi.NewStackReference(ctx, stack, nil)
	if err != nil {
		return hubForSpoke{}, err
	}
	out := map[string]referenced{}
	for _, name := range []string{OutputEndpointId, OutputEndpointDnsName, "accountId", "region", "dns", "zoneId", "hubCidrs", OutputSpokes} {
		if out[name], err = referencedOutput(ref, name); err != nil {
			return hubForSpoke{}, err
		}
	}
	hubKey := config.Key(config.KeyHub + ".stack")
	if out[OutputEndpointId].str() == "" {
		return hubForSpoke{}, &config.Error{Problems: []config.Problem{{Key: hubKey, Message: fmt.Sprintf(
			"stack %s has published no %s yet; run its pulumi up first, then this stack's", stack, OutputEndpointId)}}}
	}
	spoke := cfg.Consumers[0]
	problems := hubPlaceProblems(cfg, stack, out, "expected the hub's region")
	published, _ := out[OutputSpokes].value.(map[string]any)
	entry, account, ranges, listed := publishedSpoke(published, spoke.Name)
	want := slices.Sorted(slices.Values(spoke.AllowedCidrs))
	if out[OutputSpokes].secret {
		// As the producer's reader (readHubStack): what the hub admits is
		// read in clear, or not at all.
		problems = append(problems, config.Problem{Key: config.ConsumerKey(0, ""), Message: fmt.Sprintf(
			"spoke %s in account %s from [%s], but hub stack %s publishes a secret value as its %s; expected them in clear, with the same name, account and allowedCidrs in both files",
			spoke.Name, spoke.AccountId, strings.Join(want, ", "), stack, OutputSpokes)})
	} else if !listed || account != spoke.AccountId || !slices.Equal(ranges, want) {
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
		return hubForSpoke{}, &config.Error{Problems: problems}
	}
	h := &components.PublishedHub{EndpointId: out[OutputEndpointId].input(), EndpointDnsName: out[OutputEndpointDnsName].input()}
	if out["zoneId"].str() != "" {
		h.ZoneId = out["zoneId"].input()
	}
	if cidrs, ok := stringList(out["hubCidrs"].value); ok {
		h.HubCidrs = pulumi.ToStringArray(cidrs)
	}
	return hubForSpoke{hub: h, endpoint: out[OutputEndpointId], dns: out["dns"].str()}, nil
}

// describeSpokes names the spokes a hub's stack publishes, with their accounts.
func describeSpokes(published map[string]any) string {
	return namesWithAccounts(published, "", "no spoke")
}
