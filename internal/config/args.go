package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/iampolicy"
)

// Args are the CrossAccountPrivateApi args this configuration describes,
// without providers: internal/stack adds them once they are registered.
func (c *Config) Args() *components.CrossAccountPrivateApiArgs {
	args := &components.CrossAccountPrivateApiArgs{
		Region:                c.Region,
		ProducerAccountId:     c.Producer.AccountId,
		ApiName:               pulumi.String(c.Api.Name),
		ApiDescription:        pulumi.String(c.Api.Description),
		StageName:             c.Api.StageName,
		Authorization:         c.Api.Authorization,
		PrincipalOrgId:        c.Api.PrincipalOrgId,
		ExtraPolicyStatements: c.Api.ExtraPolicyStatements,
		AccessLogs:            c.Api.AccessLogs,
		Monitoring:            c.Api.Monitoring,
		Throttle:              &c.Api.Throttle,
		Adopt:                 c.Api.Adopt,
		Quotas:                c.Api.Quotas,
		Tls:                   c.Api.Tls,
		CustomDomain:          c.Api.CustomDomain,
		Protect:               c.Protect,
		ProbeFailOnError:      &c.Probe.FailOnError,
		// The roles the stack creates get the boundary the deployer
		// `--iam` prints may create roles with only.
		RolePermissionsBoundary: iampolicy.BoundaryPolicyName(c.Stack),
	}
	for _, r := range c.Api.Routes {
		args.Routes = append(args.Routes, r.ToComponent())
	}
	for _, consumer := range c.Consumers {
		args.Consumers = append(args.Consumers, consumer.args())
	}
	if h := c.Hub; h != nil && h.Stack != "" {
		// Deployed by the hub's own stack: its endpoint is read from there.
		args.Hub = &components.HubArgs{AccountId: h.AccountId, EndpointId: pendingEndpointId()}
	} else if h != nil {
		args.Hub = &components.HubArgs{AccountId: h.AccountId, VpcId: pulumi.String(h.Vpc.Id), Dns: h.Dns, ProfileId: h.ProfileId, SameOrganization: h.SameOrganization}
		if h.Vpc.SubnetIds != nil {
			args.Hub.SubnetIds = pulumi.ToStringArray(h.Vpc.SubnetIds)
		}
	}
	return args
}

// ConsumerAccessArgs are the ConsumerApiAccess args of a consumer stack
// (stackRole: consumer), without its provider; api is the producer's
// published API, nil while the producer's stack has published none.
func (c *Config) ConsumerAccessArgs(api *components.PublishedApi) *components.ConsumerApiAccessArgs {
	args := &components.ConsumerApiAccessArgs{
		Region:            c.Region,
		ProducerAccountId: c.Producer.AccountId,
		Api:               api,
		Protect:           c.Protect,
		ProbeFailOnError:  &c.Probe.FailOnError,
		// As in Args.
		RolePermissionsBoundary: iampolicy.BoundaryPolicyName(c.Stack),
	}
	if len(c.Consumers) > 0 {
		args.Consumer = c.Consumers[0].args()
	}
	return args
}

// pendingEndpointId stands for the endpoint ID a consumer stack publishes,
// until the program reads it: an output, so it is checked once known.
func pendingEndpointId() pulumi.StringInput { return pulumi.String("").ToStringOutput() }

// args maps one configured consumer onto the component's args.
func (c Consumer) args() components.ConsumerArgs {
	if c.Via == components.ViaHub {
		ca := components.ConsumerArgs{Name: c.Name, AccountId: c.AccountId, Via: c.Via, Probe: c.Probe}
		if c.Principals != nil {
			ca.Principals = pulumi.ToStringArray(c.Principals)
		}
		if c.ExistingVpc != nil {
			ca.VpcId = pulumi.String(c.ExistingVpc.Id)
			if c.ExistingVpc.SubnetIds != nil {
				// Where the spoke's probe runs.
				ca.SubnetIds = pulumi.ToStringArray(c.ExistingVpc.SubnetIds)
			}
		}
		if c.AllowedCidrs != nil {
			ca.AllowedCidrs = pulumi.ToStringArray(c.AllowedCidrs)
		}
		return ca
	}
	privateDns := c.PrivateDns
	ca := components.ConsumerArgs{Name: c.Name, AccountId: c.AccountId, PrivateDns: &privateDns, EndpointPolicy: c.EndpointPolicy, Probe: c.Probe, Via: c.Via}
	if c.Principals != nil {
		ca.Principals = pulumi.ToStringArray(c.Principals)
	}
	if c.Stack != "" {
		ca.EndpointId = pendingEndpointId()
		return ca
	}
	if !c.ManagesEndpoint() {
		ca.EndpointId = pulumi.String(c.EndpointId)
		if c.EndpointDnsName != "" {
			ca.EndpointDnsName = pulumi.String(c.EndpointDnsName)
		}
		return ca
	}
	if c.NewVpc != nil {
		ca.Vpc = &components.ConsumerVpcArgs{Cidr: c.NewVpc.Cidr, AzCount: c.NewVpc.AzCount}
	}
	if c.ExistingVpc != nil {
		ca.VpcId = pulumi.String(c.ExistingVpc.Id)
		ca.SubnetIds = pulumi.ToStringArray(c.ExistingVpc.SubnetIds)
	}
	if c.AllowedCidrs != nil {
		ca.AllowedCidrs = pulumi.ToStringArray(c.AllowedCidrs)
	}
	return ca
}

// argsFieldToKey maps the top-level fields of CrossAccountPrivateApiArgs
// that sit elsewhere in the configuration to their key.
var argsFieldToKey = map[string]string{
	"producerAccountId":     KeyProducer + ".accountId",
	"stageName":             KeyApi + ".stageName",
	"routes":                KeyApi + ".routes",
	"authorization":         KeyApi + ".authorization",
	"principalOrgId":        KeyApi + ".principalOrgId",
	"accessLogs":            KeyApi + ".accessLogs",
	"monitoring":            KeyApi + ".monitoring",
	"throttle":              KeyApi + ".throttle",
	"extraPolicyStatements": KeyApi + ".extraPolicyStatements",
	"adopt":                 KeyApi + ".adopt",
	"quotas":                KeyApi + ".quotas",
	"tls":                   KeyApi + ".tls",
	"customDomain":          KeyApi + ".customDomain",
}

// consumerFieldToKey renames consumer fields whose config key differs.
var consumerFieldToKey = map[string]string{"vpcId": "vpc.id", "subnetIds": "vpc.subnetIds"}

// hubFieldToKey renames the hub's fields whose config key differs.
var hubFieldToKey = map[string]string{"hub.vpcId": KeyHub + ".vpc.id", "hub.subnetIds": KeyHub + ".vpc.subnetIds"}

// validateArgs runs the component's own checks on what was read and reports
// each FieldError under the config key it came from: the rules live once, in
// the components. A key the reader has already reported on is left alone, so
// a value that could not be read is not reported twice.
func (r *reader) validateArgs(cfg *Config) {
	reported := slices.Clone(r.problems)
	var err error
	if cfg.StackRole == RoleConsumer && !cfg.spokeStack() {
		if len(cfg.Consumers) != 1 {
			return // checkRoleShape has said so
		}
		err = cfg.ConsumerAccessArgs(nil).Validate()
	} else {
		err = cfg.Args().Validate()
	}
	for _, fe := range components.AsFieldErrors(err) {
		if !cfg.judgedHere(fe.Field) {
			continue
		}
		k := r.configKey(consumerStackField(fe.Field))
		if coveredBy(k, reported) {
			continue
		}
		r.problems = append(r.problems, Problem{Key: k, Message: fe.Message})
	}
}

// judgedHere says whether a field of CrossAccountPrivateApiArgs is this
// stack's to validate. With a hub of its own stack the component's rules
// run on the part each stack holds: a hub's stack has no API (the
// producer's), a producer's stack no hub VPC or DNS and no spoke VPC (the
// hub's stack's), and a spoke's stack neither; the spoke's credentials are
// its own stack's, whatever the hub's DNS.
func (c *Config) judgedHere(field string) bool {
	top, rest := splitField(field)
	if top == "consumers" {
		// "[i].name": what of the consumer
		if end := strings.Index(rest, "]"); end >= 0 {
			rest = strings.TrimPrefix(rest[end+1:], ".")
		}
	}
	switch {
	case c.StackRole == RoleHub:
		return top == "hub" || top == "consumers" || top == "region" || top == "producerAccountId"
	case c.spokeStack():
		// The spoke's stack holds its association and probe, in its account:
		// its VPC, subnets and ranges are checked here, the hub and the API
		// where they are deployed (checkSpokeStack asks for hub.stack).
		switch top {
		case "consumers":
			return rest != "via" && rest != "provider" && rest != "probe"
		case "hub":
			return rest == "accountId" && c.Hub != nil
		}
		return top == "region" || top == "producerAccountId"
	}
	return true
}

// spokeStack says whether this is a spoke's own stack: stackRole consumer
// with its one consumer via: hub.
func (c *Config) spokeStack() bool {
	return c.StackRole == RoleConsumer && len(c.Consumers) == 1 && c.Consumers[0].Via == components.ViaHub
}

// consumerStackField maps a field of ConsumerApiAccessArgs onto the
// CrossAccountPrivateApiArgs field it stands for: a consumer stack's
// consumer is consumers[0].
func consumerStackField(field string) string {
	if rest, ok := strings.CutPrefix(field, "consumer."); ok {
		return "consumers[0]." + rest
	}
	return field
}

// configKey is the full config key of a field path of the component's args.
func (r *reader) configKey(field string) string {
	head, rest := splitField(field)
	for from, to := range hubFieldToKey {
		if field == from || strings.HasPrefix(field, from+"[") {
			return fullKey(to + strings.TrimPrefix(field, from))
		}
	}
	if k, ok := argsFieldToKey[head]; ok {
		return fullKey(k + rest)
	}
	if head != "consumers" || !strings.HasPrefix(rest, "[") {
		return fullKey(field)
	}
	var i int
	end := strings.Index(rest, "]")
	if _, err := fmt.Sscanf(rest[:end+1], "[%d]", &i); err != nil || i >= len(r.consumerIndex) {
		return fullKey(field)
	}
	sub := rest[end+1:]
	if sub != "" {
		name, tail := splitField(strings.TrimPrefix(sub, "."))
		if renamed, ok := consumerFieldToKey[name]; ok {
			name = renamed
		}
		sub = "." + name + tail
	}
	return fullKey(fmt.Sprintf("%s[%d]%s", KeyConsumers, r.consumerIndex[i], sub))
}

// splitField splits "routes[1].path" into "routes" and "[1].path".
func splitField(field string) (head, rest string) {
	if i := strings.IndexAny(field, ".["); i >= 0 {
		return field[:i], field[i:]
	}
	return field, ""
}

// coveredBy says whether key, or a key it sits in or that sits in it, was reported.
// A problem marked alone (of the key itself, e.g. missing credentials)
// does not cover the fields below it.
func coveredBy(key string, reported []Problem) bool {
	for _, p := range reported {
		if p.Key == key || (within(key, p.Key) && !p.alone) || within(p.Key, key) {
			return true
		}
	}
	return false
}

// within says whether inner is a path below outer.
func within(inner, outer string) bool {
	return strings.HasPrefix(inner, outer) && len(inner) > len(outer) && (inner[len(outer)] == '.' || inner[len(outer)] == '[')
}

// ConsumerKey is the full key of field of consumers[i] ("" for the entry).
func ConsumerKey(i int, field string) string {
	k := key(fullKey(KeyConsumers)).index(i)
	if field != "" {
		k = k.field(field)
	}
	return string(k)
}

// Key is the full key of a path below the namespace ("producer.accountId").
func Key(path string) string { return fullKey(path) }

// ArgsProblems maps the FieldErrors of a component's Validate, run on args
// this configuration describes once the program has read what only the
// engine knows (the stacks it references), to config keys as Load does: a
// *Error, or nil when err holds none. A value read from a consumer's stack
// is reported on consumers[i].stack.
func (c *Config) ArgsProblems(err error) error {
	fields := components.AsFieldErrors(err)
	if len(fields) == 0 {
		return err
	}
	r := &reader{}
	for i := range c.Consumers {
		r.consumerIndex = append(r.consumerIndex, i)
	}
	var problems []Problem
	for _, fe := range fields {
		field := consumerStackField(fe.Field)
		message := fe.Message
		var i int
		var rest string
		if n, _ := fmt.Sscanf(field, "consumers[%d].%s", &i, &rest); n == 2 && i < len(c.Consumers) && c.Consumers[i].Stack != "" &&
			(rest == "endpointId" || rest == "endpointDnsName") {
			field = fmt.Sprintf("consumers[%d].stack", i)
			message = fmt.Sprintf("what stack %s publishes: %s", c.Consumers[i].Stack, message)
		}
		problems = append(problems, Problem{Key: r.configKey(field), Message: message})
	}
	return &Error{Problems: problems}
}
