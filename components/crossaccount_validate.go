package components

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/internal/vocab"
)

// Limits of the stage-wide throttle API Gateway applies per account and
// region by default; a stage cannot usefully exceed them.
const (
	// maxRateLimit is the highest steady-state rate (requests per second).
	maxRateLimit = 10000
	// maxBurstLimit is the largest burst bucket.
	maxBurstLimit = 5000
)

// Validate checks every value of the args and returns all problems as
// FieldErrors, each with its path in the args ("consumers[1].accountId").
// Inputs given as plain values (pulumi.String, pulumi.StringArray of them) are
// checked too; outputs are only known later. It does not look at the
// providers: NewCrossAccountPrivateApi checks those as well.
func (a *CrossAccountPrivateApiArgs) Validate() error {
	var f fieldErrs
	a = a.resolved(&f)
	f.checkAccountArgs(a.Region, a.ProducerAccountId, a.RolePermissionsBoundary)
	if !vocab.ValidStageName(a.StageName) {
		f.bad("stageName", a.StageName, vocab.ExpectStageName)
	}
	a.validateConsumers(&f)
	a.validateHub(&f)
	if len(a.Routes) > 0 {
		f.nest("", ValidateRoutes(a.Routes))
		a.validatePlacements(&f)
	}
	if validateAuthorization(a.Authorization) != nil {
		f.bad("authorization", a.Authorization, vocab.ExpectAuthorization)
	}
	if a.Adopt != nil {
		f.nest("adopt", a.Adopt.Validate(a.Routes))
	}
	if a.PrincipalOrgId != "" {
		switch {
		case !vocab.ValidOrgId(a.PrincipalOrgId):
			f.bad("principalOrgId", a.PrincipalOrgId, vocab.ExpectOrgId)
		case a.Authorization != AuthorizationIam:
			f.add("principalOrgId", "applies with authorization %s only; set authorization or remove it", AuthorizationIam)
		}
	}
	if a.AccessLogs != nil && a.AccessLogs.RetentionDays != 0 && validateRetentionDays(a.AccessLogs.RetentionDays) != nil {
		f.add("accessLogs.retentionDays", "got %d; expected one of the periods CloudWatch Logs accepts: %v", a.AccessLogs.RetentionDays, retentionDayValues)
	}
	if t := a.Throttle; t != nil {
		f.nest("throttle", validateThrottle(*t))
	}
	for i, extra := range a.ExtraPolicyStatements {
		if err := validateExtraStatement(extra); err != nil {
			f.add(fmt.Sprintf("extraPolicyStatements[%d]", i), "%v", err)
		} else if a.Hub != nil && extra["Effect"] == "Allow" && !conditionNames(extra, "aws:VpcSourceIp") {
			// aws:SourceVpce alone is not enough: it may name the hub
			// endpoint, which every spoke shares.
			f.add(fmt.Sprintf("extraPolicyStatements[%d]", i), "an Allow without an aws:VpcSourceIp condition, beside a hub: it would admit every caller "+
				"the hub endpoint lets in, whichever spoke it comes from, around the per-spoke ranges (an aws:SourceVpce condition alone may name the hub endpoint, "+
				"which every spoke shares); expected a Condition naming the source ranges it is for")
		}
	}
	f.nest("tls", a.Tls.Validate())
	f.nest("customDomain", a.CustomDomain.Validate(a.Region, a.ProducerAccountId))
	a.validateMonitoring(&f)
	a.validateQuotas(&f)
	return f.err()
}

// validateQuotas checks the args against AWS's quotas (quotas.go): the
// resource policy's length as it will be sent, the API's resources, and the
// tags. A policy that cannot be built because other values are invalid is
// left to those values' own problems.
func (a *CrossAccountPrivateApiArgs) validateQuotas(f *fieldErrs) {
	if err := a.Quotas.Validate(); err != nil {
		f.nest("quotas", err)
		return
	}
	checkResourcesPerApi(f, "routes", a.Routes, a.Quotas)
	a.checkSecurityGroupRules(f)
	checkVpcLinksPerRegion(f, "routes", a.Routes, a.Quotas)
	a.validatePolicyLength(f)
	tags, known := a.Tags.(pulumi.StringMap)
	switch {
	case known && len(tags) > MaxTagsPerResource:
		f.add("tags", "got %d tags; AWS allows %d user tags per resource, and the providers' default tags count too; keep at most %d", len(tags), MaxTagsPerResource, MaxTagsPerResource)
	case known && len(tags) > MaxTagsPerHostedZone && a.CustomDomain != nil && a.createsEndpoint():
		f.add("tags", "got %d tags; the custom domain's Route 53 private hosted zones (one per created endpoint) take at most %d tags, and the providers' default tags count too; keep at most %d", len(tags), MaxTagsPerHostedZone, MaxTagsPerHostedZone)
	}
	if a.CustomDomain != nil {
		perAccount := map[string]int{}
		for _, c := range a.Consumers {
			if c.EndpointId == nil && !c.viaHub() {
				perAccount[c.AccountId]++
			}
		}
		if a.Hub != nil {
			perAccount[a.Hub.AccountId]++ // the hub endpoint's, in the network account
		}
		limit := a.Quotas.accessAssociationsPerAccount()
		for account, n := range perAccount {
			if n > limit {
				f.add("consumers", "account %s gets %d domain name access associations (one per created endpoint); API Gateway allows %d per account (\"Domain name access associations per account\"); use fewer endpoints, or ask AWS to raise it and set quotas.accessAssociationsPerAccount", account, n, limit)
			}
		}
	}
}

// createsEndpoint says whether any consumer's endpoint is created here.
func (a *CrossAccountPrivateApiArgs) createsEndpoint() bool {
	for _, c := range a.Consumers {
		if c.EndpointId == nil && !c.viaHub() {
			return true
		}
	}
	return false
}

// validateThrottle checks a stage throttle: a rate from 1 to maxRateLimit
// and a burst from 1 to maxBurstLimit, as FieldErrors (rateLimit, burstLimit).
func validateThrottle(t StageThrottle) error {
	var f fieldErrs
	if t.RateLimit < 1 || t.RateLimit > maxRateLimit {
		f.bad("rateLimit", t.RateLimit, fmt.Sprintf("a rate from 1 to %d requests per second", maxRateLimit))
	}
	if t.BurstLimit < 1 || t.BurstLimit > maxBurstLimit {
		f.bad("burstLimit", t.BurstLimit, fmt.Sprintf("a burst from 1 to %d requests", maxBurstLimit))
	}
	return f.err()
}

// validateConsumers checks each consumer and what must be unique among them.
func (a *CrossAccountPrivateApiArgs) validateConsumers(f *fieldErrs) {
	if len(a.Consumers) == 0 {
		f.add("consumers", "got none; expected at least one consumer")
	}
	names := map[string]int{}
	endpoints := map[string]int{}
	for i, c := range a.Consumers {
		field := fmt.Sprintf("consumers[%d]", i)
		if !vocab.ValidConsumerName(c.Name) {
			f.bad(field+".name", c.Name, vocab.ExpectConsumerName)
		} else if first, dup := names[c.Name]; dup {
			f.add(field+".name", "got %q, already used by consumers[%d]; expected a unique name", c.Name, first)
		} else {
			names[c.Name] = i
		}
		// Required: the account gate compares the consumer's provider with
		// it, and an AWS_IAM API allows its root by default.
		if !vocab.ValidAccountId(c.AccountId) {
			f.bad(field+".accountId", c.AccountId, vocab.ExpectAccountId)
		}
		if a.Hub != nil && c.Name == hubMonitoringName {
			f.add(field+".name", "got %q, the name the hub endpoint's alarms and outputs go by; expected another name", c.Name)
		}
		if c.viaHub() {
			// validateHub checks what a spoke has and must not have.
			a.validateCidrs(f, field, c)
			a.validatePrincipals(f, field, c)
			continue
		}
		ways := 0
		if c.Vpc != nil {
			ways++
			azCount := c.Vpc.AzCount
			if azCount == 0 {
				azCount = DefaultAzCount
			}
			if azCount < 1 || azCount > maxAzCount {
				f.bad(field+".vpc.azCount", c.Vpc.AzCount, fmt.Sprintf("a whole number from 1 to %d", maxAzCount))
			} else if _, err := splitSubnetCidrs(c.Vpc.Cidr, azCount); err != nil {
				f.add(field+".vpc.cidr", "%v", err)
			}
		}
		if c.VpcId != nil || c.SubnetIds != nil {
			ways++
			if c.VpcId == nil || c.SubnetIds == nil {
				f.add(field, "vpcId and subnetIds go together; set both")
			}
		}
		if c.EndpointId != nil {
			ways++
			if id, ok := plainString(c.EndpointId); ok {
				if !vpcEndpointIdPattern.MatchString(id) {
					f.bad(field+".endpointId", id, vocab.ExpectEndpointId)
				} else if first, dup := endpoints[id]; dup {
					f.add(field+".endpointId", "got %q, already used by consumers[%d]; expected each endpoint once", id, first)
				} else {
					endpoints[id] = i
				}
			}
		}
		if ways != 1 {
			f.add(field, "set exactly one of vpc, vpcId with subnetIds, or endpointId")
		}
		if c.EndpointPolicy != "" && c.EndpointPolicy != EndpointPolicyRestricted && c.EndpointPolicy != EndpointPolicyFull {
			f.bad(field+".endpointPolicy", c.EndpointPolicy, vocab.ExpectEndpointPolicy)
		}
		a.validateCidrs(f, field, c)
		a.validatePrincipals(f, field, c)
		if c.Probe {
			if c.EndpointId != nil {
				f.add(field+".probe", "applies only to an endpoint created here (this consumer has endpointId); remove it")
			}
			if _, ok := probeRoute(a.Routes); !ok {
				f.add(field+".probe", "needs a GET or ANY route to call; add one (e.g. GET /health with a mock integration) or turn the probe off")
			}
		}
	}
}

// validateCidrs checks a consumer's plain allowedCidrs: at least one, each
// a network without host bits, none open to the world.
func (a *CrossAccountPrivateApiArgs) validateCidrs(f *fieldErrs, field string, c ConsumerArgs) {
	cidrs, ok := plainStrings(c.AllowedCidrs)
	if !ok {
		return
	}
	if len(cidrs) == 0 {
		if c.viaHub() {
			f.add(field+".allowedCidrs", "got an empty list; expected the spoke's source ranges, at least one CIDR")
		} else {
			f.add(field+".allowedCidrs", "got an empty list; expected at least one CIDR, or no allowedCidrs for the VPC's CIDR")
		}
	}
	for j, cidr := range cidrs {
		if err := checkAllowedCidrs([]string{cidr}); err != nil {
			f.add(fmt.Sprintf("%s.allowedCidrs[%d]", field, j), "%v", err)
		}
	}
}

// validatePrincipals checks a consumer's principals: only with AWS_IAM, and
// only roles, users or the root of that consumer's own account. Without
// principals, AWS_IAM allows the account root, so the account must be known.
func (a *CrossAccountPrivateApiArgs) validatePrincipals(f *fieldErrs, field string, c ConsumerArgs) {
	switch {
	case c.Principals == nil:
		if a.Authorization == AuthorizationIam && c.AccountId == "" {
			f.add(field+".accountId", "missing; expected %s (with %s and no principals, the account root is allowed)", vocab.ExpectAccountId, AuthorizationIam)
		}
		return
	case a.Authorization != AuthorizationIam:
		f.add(field+".principals", "applies with authorization %s only; remove it or set authorization", AuthorizationIam)
		return
	}
	principals, ok := plainStrings(c.Principals)
	if !ok {
		return
	}
	if len(principals) == 0 {
		f.add(field+".principals", "got an empty list; expected at least one principal, or no principals for the account root")
	}
	for j, p := range principals {
		account, ok := vocab.PrincipalAccount(p)
		switch {
		case !ok:
			f.bad(fmt.Sprintf("%s.principals[%d]", field, j), p, vocab.ExpectPrincipal)
		case vocab.ValidAccountId(c.AccountId) && account != c.AccountId:
			f.add(fmt.Sprintf("%s.principals[%d]", field, j), "got %q in account %s; expected a principal of this consumer's account %s", p, account, c.AccountId)
		}
	}
}

// validatePlacements checks that each plain Lambda ARN, and each
// vpc_link route's load balancer, is in the API's region and the producer
// account: API Gateway invokes the function from there, and a VPC link
// reaches load balancers of its own account and region only.
func (a *CrossAccountPrivateApiArgs) validatePlacements(f *fieldErrs) {
	for i, r := range a.Routes {
		switch in := r.Integration; {
		case in.Type == IntegrationLambda && in.FunctionArn != nil:
			a.validatePlacement(f, fmt.Sprintf("routes[%d].integration.functionArn", i), in.FunctionArn, "a function", func(arn string) (string, string, error) {
				_, region, account, err := parseLambdaArn(arn)
				return region, account, err
			})
		case in.Type == IntegrationVpcLink && in.NlbArn != nil:
			a.validatePlacement(f, fmt.Sprintf("routes[%d].integration.nlbArn", i), in.NlbArn, "a load balancer", parseNlbArn)
		}
	}
}

// validatePlacement reports, under field, a plain ARN (read by parse into
// region and account) outside the API's region or the producer account;
// what names the resource in the message. A malformed ARN is left to
// ValidateRoutes.
func (a *CrossAccountPrivateApiArgs) validatePlacement(f *fieldErrs, field string, in pulumi.StringInput, what string, parse func(string) (string, string, error)) {
	arn, ok := plainString(in)
	if !ok {
		return
	}
	region, account, err := parse(arn)
	switch {
	case err != nil: // reported by ValidateRoutes
	case vocab.ValidRegion(a.Region) && region != a.Region:
		f.add(field, "got %q in region %s; expected %s in %s (region), the API's region", arn, region, what, a.Region)
	case vocab.ValidAccountId(a.ProducerAccountId) && account != a.ProducerAccountId:
		f.add(field, "got %q in account %s; expected %s in the producer account %s", arn, account, what, a.ProducerAccountId)
	}
}

// checkProviders holds the producer's provider and every consumer's whose
// endpoint is created to their accounts and the API's region (checkProvider).
// Missing providers and pinned ones are checked always; one of your own
// making is asked about only when ask is set (the args are otherwise valid:
// no call reaches AWS for a stack that cannot be deployed anyway).
func (a *CrossAccountPrivateApiArgs) checkProviders(ctx *pulumi.Context, ask bool) FieldErrors {
	var f fieldErrs
	check := func(field string, p *aws.Provider, account string) {
		if _, pinned := pinnedProviders.Load(p); !pinned && !ask {
			return
		}
		if err := checkProvider(ctx, p, account, a.Region); err != nil {
			f.add(field, "%v", err)
		}
	}
	switch {
	case a.ProducerProvider != nil && a.ProducerCredentials != nil:
		f.add("producerCredentials", "set with producerProvider; give the producer's provider or its credentials, not both")
	case a.ProducerCredentials != nil:
		// Pinned to the producer's account and region when it is built.
		a.ProducerCredentials.validate(&f, "producerCredentials")
	case a.ProducerProvider == nil:
		f.add("producerProvider", "missing; expected the producer account's AWS provider (or producerCredentials)")
	default:
		check("producerProvider", a.ProducerProvider, a.ProducerAccountId)
	}
	if h := a.Hub; h != nil && !h.elsewhere() {
		switch {
		case h.Provider != nil && h.Credentials != nil:
			f.add("hub.credentials", "set with provider; give the network account's provider or its credentials, not both")
		case h.Credentials != nil:
			h.Credentials.validate(&f, "hub.credentials")
		case h.Provider == nil:
			f.add("hub.provider", "missing; expected the network account's AWS provider (or credentials)")
		default:
			check("hub.provider", h.Provider, h.AccountId)
		}
	}
	for i, c := range a.Consumers {
		field := fmt.Sprintf("consumers[%d].provider", i)
		if c.viaHub() && !a.spokeDeploys(c) {
			continue // nothing is created in a spoke's account (validateSpoke)
		}
		switch {
		case c.Provider != nil && c.Credentials != nil:
			f.add(fmt.Sprintf("consumers[%d].credentials", i), "set with provider; give the consumer's provider or its credentials, not both")
		case c.Credentials != nil && c.EndpointId != nil:
			f.add(fmt.Sprintf("consumers[%d].credentials", i), "set with endpointId; nothing is created in the account of an existing endpoint, so no credentials are needed: remove them")
		case c.Credentials != nil:
			c.Credentials.validate(&f, fmt.Sprintf("consumers[%d].credentials", i))
		case c.Provider != nil:
			check(field, c.Provider, c.AccountId)
		case c.viaHub() && !a.spokesDeploy():
			f.add(field, "missing; the spoke's probe runs in its account: expected the spoke account's AWS provider or credentials")
		case c.viaHub() && a.Hub.Dns == HubDnsProfile:
			f.add(field, "missing; with hub.dns %s the spoke's account associates its VPC with the hub's Route 53 Profile: expected the spoke account's AWS provider or credentials "+
				"(or hub.profileId, a Profile the spoke VPCs have already)", HubDnsProfile)
		case c.viaHub():
			f.add(field, "missing; with hub.dns %s the spoke's account associates its VPC with the hub's private hosted zone: expected the spoke account's AWS provider or credentials", HubDnsPhz)
		case c.EndpointId == nil:
			f.add(field, "missing; expected the consumer account's AWS provider or credentials (required unless endpointId is set)")
		}
	}
	return f.list
}

// checkAccountArgs checks the args both the composite and a consumer stack's
// component take: the region, the producer's account and the permissions
// boundary of the roles they create.
func (f *fieldErrs) checkAccountArgs(region, producerAccountId, boundary string) {
	if !vocab.ValidRegion(region) {
		f.bad("region", region, vocab.ExpectRegion)
	}
	if !vocab.ValidAccountId(producerAccountId) {
		f.bad("producerAccountId", producerAccountId, vocab.ExpectAccountId)
	}
	if boundary != "" && !vocab.ValidPolicyName(boundary) {
		f.bad("rolePermissionsBoundary", boundary, vocab.ExpectPolicyName)
	}
}

// checkSecurityGroupRules counts the inbound rules of each security group
// the stack creates, one per allowed range: a created endpoint's group holds
// its consumer's allowedCidrs, the hub's the spokes' ranges (once each).
// Past the quota, AuthorizeSecurityGroupIngress fails in the middle of an up
// with RulesPerSecurityGroupLimitExceeded.
func (a *CrossAccountPrivateApiArgs) checkSecurityGroupRules(f *fieldErrs) {
	limit := a.Quotas.rulesPerSecurityGroup()
	hub := map[string]bool{}
	for i, c := range a.Consumers {
		cidrs, ok := plainStrings(c.AllowedCidrs)
		if !ok {
			continue
		}
		if c.viaHub() {
			for _, cidr := range cidrs {
				hub[cidr] = true
			}
			continue
		}
		if c.EndpointId != nil || len(cidrs) <= limit {
			continue
		}
		f.add(fmt.Sprintf("consumers[%d].allowedCidrs", i), "got %d ranges, one inbound rule each in the endpoint's security group; AWS allows %d rules per security group "+
			"(\"Inbound or outbound rules per security group\", Amazon VPC quotas); summarize the ranges, or ask AWS to raise it and set quotas.rulesPerSecurityGroup", len(cidrs), limit)
	}
	if a.Hub != nil && len(hub) > limit {
		f.add("hub", "its spokes list %d ranges, one inbound rule each in the hub endpoint's security group; AWS allows %d rules per security group "+
			"(\"Inbound or outbound rules per security group\", Amazon VPC quotas); summarize the spokes' ranges, or ask AWS to raise it and set quotas.rulesPerSecurityGroup", len(hub), limit)
	}
}

// conditionNames says whether stmt's Condition names one of keys under any
// operator (condition keys are case-insensitive: IAM user guide, "IAM JSON
// policy elements: Condition").
func conditionNames(stmt map[string]any, keys ...string) bool {
	cond, _ := stmt["Condition"].(map[string]any)
	for _, byKey := range cond {
		m, _ := byKey.(map[string]any)
		for k := range m {
			for _, want := range keys {
				if strings.EqualFold(k, want) {
					return true
				}
			}
		}
	}
	return false
}
