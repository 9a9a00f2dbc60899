package components

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The preflight: what a first `pulumi up` would otherwise trip over half-way
// (after the VPCs, endpoints and the API exist), read from the accounts
// through the stack's own providers before any resource is registered. A
// check that finds a problem is a FieldError on the argument to change, so
// a preview fails before anything is planned; a check that cannot read what
// it needs (a denied call, a region without Cloud Control) is a warning,
// never a failure. `go run ./cmd/plan --check` makes the same reads.
//
// What it reads:
//   - the producer account's API Gateway CloudWatch Logs role, when access
//     logs are on and the stack does not set the role itself
//     (AccessLogsArgs.CreateAccountRole): without it the stage fails with
//     AccessLogsRoleError;
//   - each existing VPC (VpcId) a created endpoint goes into: its DNS
//     attributes when private DNS or the custom domain's private hosted zone
//     needs them, and with private DNS an execute-api endpoint of the VPC
//     that has private DNS already (a VPC holds one per service);
//   - with a hub, the hub VPC and, with the hub's zone, each spoke's VPC
//     (refused when the stack's region holds no VPC of that ID), and the
//     routes of a call through the hub both ways (hubroutes.go).
//
// What it does not read, and why: a private custom domain's name does not
// conflict ("the domain name doesn't need to be unique", API Gateway
// developer guide, "Tutorial: Create and invoke a custom domain name for
// private APIs"); a new API has no stage to conflict with, and an adopted
// API's stage of StageName cannot be told from the one an earlier up of the
// stack created (AdoptApi stays in the args: Cloud Control's
// AWS::ApiGateway::Stage reads a stage, not who manages it); how many
// interface endpoints a VPC, private custom domains or VPC links an account
// holds already, since pulumi-aws 6.83.4 has no data source that lists them
// (getVpcEndpoint, getDomainName and getVpcLink each read one, by filter or
// name), so those quotas are checked only against what the stack itself
// creates (ApiQuotas).

// Preflight reads.
const (
	// cloudControlAccountType is the Cloud Control type of API Gateway's
	// account settings. Its schema's primary identifier is Id and its read
	// handler needs apigateway:GET (CloudFormation registry schema
	// aws-apigateway-account.json); the handler reads the settings of the
	// caller's account and region (GetAccount takes no identifier), so the
	// preflight names the account's ID.
	cloudControlAccountType = "AWS::ApiGateway::Account"
	// invokeGetVpcEndpoint finds one VPC endpoint by filters
	// (aws_vpc_endpoint: DescribeVpcEndpoints, then DescribePrefixLists for
	// its service); invokeGetSecurityGroup reads a security group by ID
	// (aws_security_group: DescribeSecurityGroups).
	invokeGetVpcEndpoint   = "aws:ec2/getVpcEndpoint:getVpcEndpoint"
	invokeGetSecurityGroup = "aws:ec2/getSecurityGroup:getSecurityGroup"
	// AccessLogsRoleError is what API Gateway answers a stage with access
	// logs in an account and region without a CloudWatch Logs role ("Set up
	// CloudWatch logging for REST APIs in API Gateway").
	AccessLogsRoleError = "CloudWatch Logs role ARN must be set in account settings to enable logging"
	// endpointConflictError is EC2's answer to a second private-DNS
	// endpoint of one service in a VPC.
	endpointConflictError = "private-dns-enabled cannot be set because there is already a conflicting DNS domain"
)

// PreflightInvokes are the data sources the preflight reads: what
// `go run ./cmd/plan --check` answers from the accounts themselves.
var PreflightInvokes = []string{invokeCloudControlResource, invokeGetVpc, invokeGetVpcEndpoint, invokeGetSecurityGroup,
	invokeGetRouteTables, invokeGetRouteTable, invokeGetSubnets, invokeGetSubnet}

// preflightWarningPrefix starts every warning of the preflight.
const preflightWarningPrefix = "preflight: "

// preflight collects what the checks found: problems on the args' fields,
// and warnings for what could not be read.
type preflight struct {
	ctx      *pulumi.Context
	f        fieldErrs
	warnings []string
	// ownUnread is why ownEndpoint could not tell.
	ownUnread error
}

func (p *preflight) warn(format string, args ...any) {
	p.warnings = append(p.warnings, preflightWarningPrefix+fmt.Sprintf(format, args...))
}

// log prints the warnings on comp, and hands them to the observer of the
// program's context, if any (ObservePreflight).
func (p *preflight) log(comp pulumi.Resource) {
	observe, _ := preflightObservers.Load(p.ctx)
	for _, w := range p.warnings {
		_ = p.ctx.Log.Warn(w, &pulumi.LogArgs{Resource: comp})
		if fn, ok := observe.(func(string)); ok {
			fn(w)
		}
	}
}

// preflightObservers maps a program's *pulumi.Context to its observer.
var preflightObservers sync.Map

// ObservePreflight hands fn each warning of the preflight of the program
// running in ctx, besides logging it: under a mock engine, which drops
// logs, this is how a caller (the plan command's --check) sees them. The
// returned function stops the observation.
func ObservePreflight(ctx *pulumi.Context, fn func(warning string)) (stop func()) {
	preflightObservers.Store(ctx, fn)
	return func() { preflightObservers.Delete(ctx) }
}

// invokeOpts stamps the provider version every invoke of the components carries.
func invokeOpts(opts []pulumi.InvokeOption) []pulumi.InvokeOption {
	return append([]pulumi.InvokeOption{pulumi.Version(awsPluginVersion)}, opts...)
}

// preflight runs the producer's and each created endpoint's checks of the
// composite named name, through the providers the args hold; consumerOpts
// gives a consumer's invoke options.
func (a *CrossAccountPrivateApiArgs) preflight(ctx *pulumi.Context, name string, consumerOpts func(ConsumerArgs) []pulumi.InvokeOption) *preflight {
	p := &preflight{ctx: ctx}
	if logs := a.accessLogs(); logs.on() && !logs.CreateAccountRole {
		p.accessLogsRole(a.ProducerAccountId, a.Region, pulumi.Provider(a.ProducerProvider))
	}
	spokeVpcs := map[int]existingVpc{}
	for i, c := range a.Consumers {
		if c.viaHub() {
			// No endpoint in a spoke's VPC; with the hub's zone or its
			// Profile, the VPC it associates (and routes to the hub from),
			// read with the spoke's credentials.
			if a.spokesDeploy() {
				if vpc, ok := p.spokeVpc(fmt.Sprintf("consumers[%d]", i), c, a.Region, consumerOpts(c)...); ok {
					spokeVpcs[i] = vpc
				}
			}
			if c.Probe {
				p.spokeProbeSubnets(fmt.Sprintf("consumers[%d]", i), c, consumerOpts(c)...)
			}
			continue
		}
		p.consumerVpc(fmt.Sprintf("consumers[%d]", i), c, endpointName(name, c), a.Region, a.CustomDomain != nil, consumerOpts(c)...)
	}
	if a.Hub != nil {
		a.hubRoutes(p, spokeVpcs, consumerOpts)
	}
	return p
}

// accessLogsRole reads the account's API Gateway CloudWatch Logs role in
// region: none is a problem on accessLogs.createAccountRole, an unread
// setting a warning.
func (p *preflight) accessLogsRole(account, region string, opts ...pulumi.InvokeOption) {
	role, err := readAccountLogRole(p.ctx, account, opts...)
	fixes := "set accessLogs.createAccountRole: true to have this stack set one (account-wide: every REST API of the account and region then logs through it), " +
		"or have the account's owner set one (aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=<role ARN>, " +
		"a role that trusts apigateway.amazonaws.com with AmazonAPIGatewayPushToCloudWatchLogs), or turn access logs off (accessLogs.disabled; in a stack file api.accessLogs.enabled: false)"
	switch {
	case err != nil:
		p.warn("could not read the API Gateway CloudWatch Logs role of producer account %s in %s (%v). If the account has none, the first up fails at the stage "+
			"with %q after the endpoints and the API exist. Let the preview read it (cloudformation:GetResource and apigateway:GET on /account, in the roles "+
			"go run ./cmd/plan --iam prints), or check it yourself (aws apigateway get-account) and if it is empty %s",
			account, region, err, AccessLogsRoleError, fixes)
	case role == "":
		p.f.add("accessLogs.createAccountRole", "is false and producer account %s has no API Gateway CloudWatch Logs role in %s (its account setting "+
			"cloudwatchRoleArn is empty), so the first up would fail at the stage with %q after the endpoints and the API exist. To fix it, %s",
			account, region, AccessLogsRoleError, fixes)
	}
}

// readAccountLogRole reads the API Gateway CloudWatch Logs role of the
// invoke options' provider's account and region through Cloud Control
// (cloudControlAccountType): "" when none is set.
func readAccountLogRole(ctx *pulumi.Context, account string, opts ...pulumi.InvokeOption) (string, error) {
	var res struct {
		Properties string `pulumi:"properties"`
	}
	err := ctx.Invoke(invokeCloudControlResource, map[string]any{"typeName": cloudControlAccountType, "identifier": account}, &res, invokeOpts(opts)...)
	switch {
	case err != nil && strings.Contains(err.Error(), cloudControlNotFound):
		// An account that never used API Gateway in the region has no
		// settings: GetAccount answers NotFoundException there (reported by
		// AWS users, cloud-custodian issues #2033 and #9861), which Cloud
		// Control passes on as ResourceNotFoundException. GetAccount takes
		// no identifier, so the answer cannot be about the one given: no
		// settings, no role.
		return "", nil
	case err != nil:
		return "", err
	}
	var props struct {
		CloudWatchRoleArn string `json:"CloudWatchRoleArn"`
	}
	if err := json.Unmarshal([]byte(res.Properties), &props); err != nil {
		return "", fmt.Errorf("reading Cloud Control's properties of %s: %w", cloudControlAccountType, err)
	}
	return props.CloudWatchRoleArn, nil
}

// endpointName is the name of the ExecuteApiEndpoint a composition named
// name creates for consumer c (newConsumerEndpoint).
func endpointName(name string, c ConsumerArgs) string { return name + "-" + c.Name + "-endpoint" }

// consumerVpc checks the existing VPC a created endpoint goes into (field
// is the consumer's path, endpoint the ExecuteApiEndpoint's name): its DNS
// attributes when private DNS or the custom domain's zone needs them, and
// with private DNS that no other execute-api endpoint of the VPC has
// private DNS. A VPC given as an output is checked when it is known
// (checkedDnsAttributes), by AWS otherwise.
func (p *preflight) consumerVpc(field string, c ConsumerArgs, endpoint, region string, customDomain bool, opts ...pulumi.InvokeOption) {
	if c.EndpointId != nil || c.Vpc != nil || c.VpcId == nil {
		return
	}
	vpcId, plain := plainString(c.VpcId)
	privateDns := privateDnsOn(c)
	if !plain || (!privateDns && !customDomain) {
		return
	}
	vpc, ok := p.readVpc(field+".vpcId", "consumer", c.AccountId, "consumer "+c.Name, vpcId, region, "the first up needs its DNS attributes enableDnsSupport and enableDnsHostnames on", opts...)
	if !ok {
		return
	}
	if off := dnsAttributesOff(vpc); len(off) > 0 {
		if privateDns {
			p.f.add(field+".privateDns", "consumer %s: private DNS is on but VPC %s has %s off; turn them on in the VPC, or set privateDns: false and use the route53Alias or public-DNS invoke forms",
				c.Name, vpcId, strings.Join(off, " and "))
		} else {
			p.f.add(field+".vpcId", "consumer %s: the API's custom domain resolves through a private hosted zone but VPC %s has %s off; turn them on in the VPC",
				c.Name, vpcId, strings.Join(off, " and "))
		}
	}
	if privateDns {
		p.privateDnsEndpoint(field, c, endpoint, vpcId, region, opts...)
	}
}

// privateDnsEndpoint reports an execute-api endpoint with private DNS in
// the VPC already: EC2 refuses a second ("private-dns-enabled cannot be set
// because there is already a conflicting DNS domain for
// execute-api.<region>.amazonaws.com in the VPC", as the private DNS name
// is one private hosted zone per VPC: PrivateLink guide, "Manage DNS names
// for VPC endpoint services" and "Access an AWS service using an interface
// VPC endpoint", private DNS). The stack's own endpoint, once an up created
// it, is that endpoint too: it is told apart by its security group, which
// ExecuteApiEndpoint creates and names (ownEndpoint).
func (p *preflight) privateDnsEndpoint(field string, c ConsumerArgs, endpoint, vpcId, region string, opts ...pulumi.InvokeOption) {
	service := fmt.Sprintf("com.amazonaws.%s.execute-api", region)
	var found struct {
		Id                string   `pulumi:"id"`
		PrivateDnsEnabled bool     `pulumi:"privateDnsEnabled"`
		SecurityGroupIds  []string `pulumi:"securityGroupIds"`
	}
	err := p.ctx.Invoke(invokeGetVpcEndpoint, map[string]any{"vpcId": vpcId, "serviceName": service, "state": "available"}, &found, invokeOpts(opts)...)
	switch {
	case err != nil && strings.Contains(err.Error(), "no matching"):
	case err != nil && strings.Contains(err.Error(), "multiple"):
		p.warn("VPC %s of consumer %s has several execute-api endpoints already; if one has private DNS on, the first up fails at consumer %s's endpoint with %q. "+
			"aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=%s Name=service-name,Values=%s shows them; use that endpoint (existingEndpointId, "+
			"the stack file's endpointId) or set privateDns: false", vpcId, c.Name, c.Name, endpointConflictError, vpcId, service)
	case err != nil:
		p.warn("could not read the execute-api endpoints of VPC %s of consumer %s (%v); if one has private DNS on, the first up fails at its endpoint with %q",
			vpcId, c.Name, err, endpointConflictError)
	case !found.PrivateDnsEnabled:
	case p.ownEndpoint(endpoint, found.SecurityGroupIds, opts...):
	case p.ownUnread != nil:
		p.warn("VPC %s of consumer %s has execute-api endpoint %s with private DNS on, and whether it is this stack's own could not be read (%v); "+
			"if it is not, the first up fails at consumer %s's endpoint with %q", vpcId, c.Name, found.Id, p.ownUnread, c.Name, endpointConflictError)
		p.ownUnread = nil
	default:
		p.f.add(field+".privateDns", "consumer %s: private DNS is on but VPC %s has execute-api endpoint %s with private DNS on already; a VPC takes one "+
			"private-DNS endpoint per service, so creating this one would fail with %q. Use that endpoint instead (existingEndpointId, the stack file's "+
			"endpointId: %s), or set privateDns: false (the route53Alias and public-DNS invoke forms work without it)",
			c.Name, vpcId, found.Id, endpointConflictError, found.Id)
	}
}

// ownEndpoint says whether an endpoint with these security groups is the
// one the ExecuteApiEndpoint named endpoint created in an earlier up: its
// security group is named "<endpoint>-sg-" and the 7 hex digits of the
// provider's auto-naming (a group's name is unique in its VPC: EC2 user
// guide, "Security group basics"). A group that cannot be read leaves the
// answer open (ownUnread).
func (p *preflight) ownEndpoint(endpoint string, groups []string, opts ...pulumi.InvokeOption) bool {
	own := regexp.MustCompile("^" + regexp.QuoteMeta(endpoint+"-sg-") + "[0-9a-f]{7}$")
	for _, id := range groups {
		var g struct {
			Name string `pulumi:"name"`
		}
		if err := p.ctx.Invoke(invokeGetSecurityGroup, map[string]any{"id": id}, &g, invokeOpts(opts)...); err != nil {
			p.ownUnread = err
			return false
		}
		if own.MatchString(g.Name) {
			return true
		}
	}
	return false
}

// dnsAttributesOff names the DNS attributes of the VPC that are off.
func dnsAttributesOff(v existingVpc) []string {
	var off []string
	if !v.EnableDnsSupport {
		off = append(off, "enableDnsSupport")
	}
	if !v.EnableDnsHostnames {
		off = append(off, "enableDnsHostnames")
	}
	return off
}

// spokeVpc checks the VPC a spoke associates with the hub's private hosted
// zone: it must be the spoke account's own (Route 53 takes
// AssociateVPCWithHostedZone only from "the account that created the VPC":
// "Associating an Amazon VPC and a private hosted zone that you created with
// different AWS accounts", so a VPC shared through RAM cannot be
// associated by the spoke), and have enableDnsSupport and
// enableDnsHostnames on, without which the zone does not answer in it
// ("Considerations when working with a private hosted zone").
func (p *preflight) spokeVpc(field string, c ConsumerArgs, region string, opts ...pulumi.InvokeOption) (vpc existingVpc, ok bool) {
	vpcId, plain := plainString(c.VpcId)
	if !plain || vpcId == "" {
		return vpc, false
	}
	vpc, ok = p.readVpc(field+".vpcId", "spoke", c.AccountId, "spoke "+c.Name, vpcId, region,
		"the hub's zone needs it owned by account "+c.AccountId+" with enableDnsSupport and enableDnsHostnames on, and a route to the hub", opts...)
	if !ok {
		return vpc, false
	}
	if vpc.OwnerId != "" && vpc.OwnerId != c.AccountId {
		p.f.add(field+".vpcId", "spoke %s: VPC %s belongs to account %s (shared with %s?); Route 53 associates a VPC with another account's zone only at the request of the VPC's owner, "+
			"so expected a VPC that account %s created", c.Name, vpcId, vpc.OwnerId, c.AccountId, c.AccountId)
	}
	if off := dnsAttributesOff(vpc); len(off) > 0 {
		p.f.add(field+".vpcId", "spoke %s: the hub's private hosted zone answers only in VPCs with DNS support and hostnames, and VPC %s has %s off; turn them on in the VPC",
			c.Name, vpcId, strings.Join(off, " and "))
	}
	return vpc, true
}

// spokeProbeSubnets checks the subnets a spoke's probe runs in, read with
// the spoke's credentials: each must be a subnet of the spoke VPC whose
// range lies in the spoke's allowedCidrs, or the hub's security group
// (which admits the spokes' ranges only) would drop the probe's calls, or
// the API's policy (this spoke's ranges by aws:VpcSourceIp) refuse them.
// A subnet whose VPC or range is not known is not judged.
func (p *preflight) spokeProbeSubnets(field string, c ConsumerArgs, opts ...pulumi.InvokeOption) {
	ids, ok := plainStrings(c.SubnetIds)
	cidrs, known := plainStrings(c.AllowedCidrs)
	vpcId, _ := plainString(c.VpcId)
	if !ok {
		return
	}
	for j, id := range ids {
		var s struct {
			VpcId     string `pulumi:"vpcId"`
			CidrBlock string `pulumi:"cidrBlock"`
		}
		key := fmt.Sprintf("%s.subnetIds[%d]", field, j)
		err := p.ctx.Invoke(invokeGetSubnet, map[string]any{"id": id}, &s, invokeOpts(opts)...)
		switch {
		case err != nil && strings.Contains(err.Error(), "no matching"):
			p.f.add(key, "got %q; no such subnet in spoke account %s (%v): expected a subnet of the spoke VPC for its probe", id, c.AccountId, err)
			continue
		case err != nil:
			p.warn("could not read subnet %s of spoke %s (%v); its probe needs a subnet of VPC %s in allowedCidrs", id, c.Name, err, vpcId)
			continue
		}
		if s.VpcId == "" {
			continue // not known: not judged
		}
		if vpcId != "" && s.VpcId != vpcId {
			p.f.add(key, "got %q, a subnet of VPC %s; expected a subnet of the spoke VPC %s for its probe", id, s.VpcId, vpcId)
			continue
		}
		if s.CidrBlock != "" && known && !anyHolds(cidrs, s.CidrBlock) {
			p.f.add(key, "got %q (%s), outside allowedCidrs %v; the hub's security group admits the spokes' ranges only and the API's policy this spoke's, so the probe's calls "+
				"would be dropped or refused: expected a subnet whose range lies in allowedCidrs", id, s.CidrBlock, cidrs)
		}
	}
}

// anyHolds says whether one of the ranges holds the whole subnet range.
func anyHolds(ranges []string, subnet string) bool {
	sn, err := netip.ParsePrefix(subnet)
	if err != nil {
		return false
	}
	for _, r := range ranges {
		p, err := netip.ParsePrefix(r)
		if err == nil && p.Bits() <= sn.Bits() && p.Contains(sn.Addr()) {
			return true
		}
	}
	return false
}

// readVpc reads VPC vpcId of account (role: "consumer", "spoke" or
// "network"; who names it in a warning) with that account's invoke
// options: a VPC that does not exist there is a problem on key, one that
// cannot be read a warning saying what it needs; ok is false for both. A
// VPC ID names a VPC of one region (DescribeVpcs answers the region it is
// sent to), so a VPC of another region is not found: the hub and its
// spokes, like every consumer, must be VPCs of the stack's region, where
// the API and its endpoints are (execute-api is not among the services
// cross-Region PrivateLink serves: PrivateLink guide, "Cross-region enabled
// AWS services").
func (p *preflight) readVpc(key, role, account, who, vpcId, region, needs string, opts ...pulumi.InvokeOption) (vpc existingVpc, ok bool) {
	err := p.ctx.Invoke(invokeGetVpc, map[string]any{"id": vpcId}, &vpc, invokeOpts(opts)...)
	switch {
	case err == nil:
		return vpc, true
	case strings.Contains(err.Error(), "no matching"):
		p.f.add(key, "got %q; no such VPC in %s account %s and %s (%v): expected the ID of an existing VPC of that account and region "+
			"(VPC IDs are regional: a VPC of another region is not found in %s, and the stack's VPCs must all be in its region, %s)",
			vpcId, role, account, region, err, region, region)
	default:
		p.warn("could not read VPC %s of %s (%v); %s", vpcId, who, err, needs)
	}
	return vpc, false
}
