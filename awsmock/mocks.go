// Package awsmock is a Pulumi mock engine that answers like AWS, for offline
// tests of programs that use the components (or any AWS resources).
//
// It returns well-formed, deterministic IDs and the computed outputs AWS
// would return (vpce- IDs and DNS entries, API IDs, execution ARNs, …),
// answers the invokes a program makes from the calling provider's region and
// account (an adopted REST API as RestApis gives it), and records every registered resource: type, name, provider,
// account, parent, inputs, and its explicit dependencies (DependsOn) apart
// from the dependencies its inputs carry (InputDependencies).
//
// A provider's account comes from its credentials, as it does in AWS: the
// account of assumeRole.roleArn, or the account a profile maps to (Profiles).
// allowedAccountIds is then enforced as the real provider enforces it, with
// its message ("AWS account ID not allowed"), so a program that drops the
// guard is visible: its resources land in whatever account the credentials
// reach.
//
// Typical use:
//
//	mocks := awsmock.New("proj", "dev")
//	err := mocks.Run(func(ctx *pulumi.Context) error { ... })
//	for _, r := range mocks.OfType("aws:ec2/vpcEndpoint:VpcEndpoint") {
//		fmt.Println(r.Name, mocks.AccountOf(r))
//	}
package awsmock

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// ProviderType is the type token of an AWS provider resource.
const ProviderType = "pulumi:providers:aws"

// StackReferenceType is the type token of a pulumi.StackReference.
const StackReferenceType = "pulumi:pulumi:StackReference"

// Resource is one registered resource as the mock engine saw it.
type Resource struct {
	URN  string
	Type string
	Name string
	Id   string
	// ImportId is the ID the import option names ("" for none): the
	// resource is adopted, not created.
	ImportId string
	Custom   bool
	// Parent is the parent's URN; "" for resources directly under the stack.
	Parent string
	// Provider is the URN of the explicit provider; "" for none.
	Provider string
	// Dependencies are the URNs the resource depends on, explicitly or through inputs.
	Dependencies []string
	// DependsOn are the dependencies no input carries: the DependsOn option
	// (a resource both named there and read through an input counts as an
	// input dependency, as the engine cannot tell them apart either).
	DependsOn []string
	// InputDependencies maps each input property to the URNs its value came from.
	InputDependencies map[string][]string
	Inputs            resource.PropertyMap
	State             resource.PropertyMap
	// Protect is the resource's protect option.
	Protect bool
	// RetainOnDelete is the resource's retainOnDelete option.
	RetainOnDelete bool
	// DeleteBeforeReplace is the resource's deleteBeforeReplace option.
	DeleteBeforeReplace bool
	// IgnoreChanges are the properties the resource's ignoreChanges option names.
	IgnoreChanges []string
	// ReplacementTrigger is the resource's replacementTrigger option, as the
	// engine receives it; nil when none was given.
	ReplacementTrigger any
	// Aliases are the URNs the resource was known by before (pulumi.Aliases),
	// resolved as the engine resolves alias specs.
	Aliases []string
}

// providerInfo is what a provider pins.
type providerInfo struct {
	region  string
	account string
}

// Mocks implements pulumi.MockResourceMonitor. The zero value is not usable; use New.
type Mocks struct {
	project, stack string
	profiles       map[string]string // profile name -> account
	// stackOutputs are the outputs of the stacks a program references.
	stackOutputs map[string]map[string]any

	mu        sync.Mutex
	resources []Resource
	providers map[string]providerInfo    // provider URN -> pins
	invokes   map[string]map[string]bool // account -> invoke tokens called there
	restApis  map[string]ExistingRestApi // REST APIs that exist (RestApis)
	// noLogRole are the accounts without an API Gateway CloudWatch Logs
	// role (WithoutAccountLogRole); privateDnsEndpoints the VPCs that hold a
	// private-DNS execute-api endpoint (PrivateDnsEndpoints).
	noLogRole map[string]bool
	// noApiGatewaySettings are the accounts that never used API Gateway
	// (WithoutApiGatewaySettings).
	noApiGatewaySettings map[string]bool
	// vpcOwners are the owners of VPCs shared with another account (SharedVpcs).
	vpcOwners map[string]string
	// subnets are the subnets whose VPC and range the mocks know (Subnets).
	subnets             map[string]ExistingSubnet
	privateDnsEndpoints map[string]ExistingEndpoint
	// networks are the VPCs given by Networks; defaultTables the default
	// route tables listed so far, by ID: their VPC.
	networks      map[string]Network
	defaultTables map[string]string
	// vpcRegions are the regions of VPCs given by VpcsInRegions.
	vpcRegions map[string]string
}

// Option configures Mocks.
type Option func(*Mocks)

// Profiles tells the mocks which account each named profile of the shared
// AWS config reaches, as the credentials behind it would. A provider with a
// profile not listed here fails, as the real one does without credentials.
func Profiles(accounts map[string]string) Option {
	return func(m *Mocks) {
		for profile, account := range accounts {
			m.profiles[profile] = account
		}
	}
}

// StackOutputs gives the outputs of the stacks the program references
// (pulumi.NewStackReference, by the name it passes): a stack not listed
// answers with no outputs, as a stack that has never been updated does.
// A value made with resource.MakeSecret is an output that stack keeps
// secret: the program reads it as a secret, as from the engine.
func StackOutputs(outputs map[string]map[string]any) Option {
	return func(m *Mocks) {
		for name, out := range outputs {
			m.stackOutputs[name] = out
		}
	}
}

// New returns mocks for one run of project/stack.
func New(project, stack string, opts ...Option) *Mocks {
	m := &Mocks{project: project, stack: stack, profiles: map[string]string{}, providers: map[string]providerInfo{}, invokes: map[string]map[string]bool{},
		stackOutputs: map[string]map[string]any{}, restApis: map[string]ExistingRestApi{}, noLogRole: map[string]bool{}, noApiGatewaySettings: map[string]bool{}, vpcOwners: map[string]string{}, privateDnsEndpoints: map[string]ExistingEndpoint{},
		networks: map[string]Network{}, defaultTables: map[string]string{}, vpcRegions: map[string]string{}, subnets: map[string]ExistingSubnet{}}
	for _, opt := range opts {
		opt(m)
	}
	return m
}

// RunOption returns the pulumi.RunOption that installs these mocks.
func (m *Mocks) RunOption() pulumi.RunOption {
	return pulumi.WithMocks(m.project, m.stack, m)
}

// Resources returns every registered resource, sorted by URN.
func (m *Mocks) Resources() []Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := slices.Clone(m.resources)
	slices.SortFunc(out, func(a, b Resource) int { return strings.Compare(a.URN, b.URN) })
	return out
}

// InvokesIn lists the invoke tokens (data sources) the program called on a
// provider pinned to account, sorted.
func (m *Mocks) InvokesIn(account string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return sortedKeys(m.invokes[account])
}

// AccountOf is the account the resource's provider is pinned to; for a
// provider resource, its own pinned account; "" for components.
func (m *Mocks) AccountOf(r Resource) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r.Type == ProviderType {
		return m.providers[r.URN].account
	}
	return m.providers[r.Provider].account
}

// urn computes the URN the mock monitor gives a resource.
func (m *Mocks) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// providerURN strips the "::<id>" of a provider reference.
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		return ref[:i]
	}
	return ref
}

// NewResource records the resource and returns AWS-like ID and state.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	parent := ""
	if rpc != nil {
		parent = rpc.GetParent()
	}
	urn := m.urn(parent, args.TypeToken, args.Name)
	if p := resource.URN(parent); p != "" && p.QualifiedType() == resource.RootStackType {
		parent = ""
	}
	deps, inputDeps, explicit := map[string]bool{}, map[string][]string{}, map[string]bool{}
	viaInput := map[string]bool{}
	for prop, pd := range rpc.GetPropertyDependencies() {
		for _, d := range pd.GetUrns() {
			deps[d], viaInput[d] = true, true
			inputDeps[prop] = append(inputDeps[prop], d)
		}
		slices.Sort(inputDeps[prop])
	}
	for _, d := range rpc.GetDependencies() {
		deps[d] = true
		if !viaInput[d] {
			explicit[d] = true
		}
	}
	provider := providerURN(args.Provider)
	aliases := m.aliasURNs(rpc, parent, args.TypeToken, args.Name)

	m.mu.Lock()
	defer m.mu.Unlock()
	if args.TypeToken == ProviderType {
		info, err := m.configureProvider(args.Name, args.Inputs)
		if err != nil {
			return "", nil, err
		}
		m.providers[urn] = info
	}
	pins := m.providers[provider]
	id, state := "", resource.PropertyMap{}
	switch {
	case args.TypeToken == StackReferenceType:
		// A read of another stack: its name is the ID, its outputs the state.
		id = args.ID
		state = resource.PropertyMap{
			"name":              resource.NewStringProperty(id),
			"outputs":           resource.NewObjectProperty(resource.NewPropertyMapFromMap(m.stackOutputs[id])),
			"secretOutputNames": resource.NewArrayProperty(nil),
		}
	case args.Custom:
		id, state = awsState(args.TypeToken, urn, args.ID, args.Inputs, pins)
	}
	m.resources = append(m.resources, Resource{
		URN: urn, Type: args.TypeToken, Name: args.Name, Id: id, ImportId: args.ID, Custom: args.Custom,
		Parent: parent, Provider: provider, Dependencies: sortedKeys(deps),
		DependsOn: sortedKeys(explicit), InputDependencies: inputDeps,
		Inputs: args.Inputs, State: state, Protect: rpc.GetProtect(),
		RetainOnDelete: rpc.GetRetainOnDelete(), DeleteBeforeReplace: rpc.GetDeleteBeforeReplace(), IgnoreChanges: rpc.GetIgnoreChanges(), ReplacementTrigger: rpc.GetReplacementTrigger().AsInterface(),
		Aliases: aliases,
	})
	return id, state, nil
}

// aliasURNs resolves a registration's aliases to URNs: a spec's missing
// name, type or parent default to the resource's own, as in the engine.
func (m *Mocks) aliasURNs(rpc *pulumirpc.RegisterResourceRequest, parent, typ, name string) []string {
	var out []string
	for _, a := range rpc.GetAliases() {
		if urn := a.GetUrn(); urn != "" {
			out = append(out, urn)
			continue
		}
		spec := a.GetSpec()
		if spec == nil {
			continue
		}
		aliasName, aliasType, aliasParent := spec.GetName(), spec.GetType(), parent
		if aliasName == "" {
			aliasName = name
		}
		if aliasType == "" {
			aliasType = typ
		}
		switch {
		case spec.GetNoParent():
			aliasParent = ""
		case spec.GetParentUrn() != "":
			aliasParent = spec.GetParentUrn()
		}
		out = append(out, m.urn(aliasParent, aliasType, aliasName))
	}
	return append(out, rpc.GetAliasURNs()...)
}

// Call answers the invokes the program makes, from the calling provider's pins.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	pins := m.providers[providerURN(args.Provider)]
	if m.invokes[pins.account] == nil {
		m.invokes[pins.account] = map[string]bool{}
	}
	m.invokes[pins.account][args.Token] = true
	m.mu.Unlock()
	if out, ok, err := m.callPreflight(args.Token, args.Args, pins); ok {
		return out, err
	}
	if out, ok, err := m.callRestApi(args.Token, args.Args); ok {
		return out, err
	}
	if out, ok, err := m.callRoutes(args.Token, args.Args); ok {
		return out, err
	}
	switch args.Token {
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		var names, ids []resource.PropertyValue
		for i, letter := range []string{"a", "b", "c"} {
			names = append(names, resource.NewProperty(pins.region+letter))
			ids = append(ids, resource.NewProperty(fmt.Sprintf("%s-az%d", regionCode(pins.region), i+1)))
		}
		return resource.PropertyMap{
			"names":   resource.NewProperty(names),
			"zoneIds": resource.NewProperty(ids),
			"id":      resource.NewProperty(pins.region),
		}, nil
	case "aws:ec2/getVpc:getVpc":
		id := str(args.Args, "id")
		if r, elsewhere := m.vpcRegions[id]; elsewhere && r != pins.region {
			// VPC IDs are regional: DescribeVpcs in another region finds none.
			return nil, fmt.Errorf("reading EC2 VPC: no matching EC2 VPC found")
		}
		owner := pins.account
		if o, shared := m.vpcOwners[id]; shared {
			owner = o
		}
		return resource.PropertyMap{
			"id":        resource.NewProperty(id),
			"cidrBlock": resource.NewProperty(m.vpcCidr(id)),
			"cidrBlockAssociations": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{
				"cidrBlock": resource.NewProperty(m.vpcCidr(id)), "state": resource.NewProperty("associated")})}),
			"ownerId": resource.NewProperty(owner),
			// An existing VPC has DNS on, as private DNS needs, except one
			// whose ID starts with VpcWithoutDnsHostnames.
			"enableDnsSupport":   resource.NewProperty(true),
			"enableDnsHostnames": resource.NewProperty(!strings.HasPrefix(id, VpcWithoutDnsHostnames)),
		}, nil
	case "aws:ec2/getVpcEndpointService:getVpcEndpointService":
		var zones []resource.PropertyValue
		for _, letter := range []string{"a", "b", "c"} {
			zones = append(zones, resource.NewProperty(pins.region+letter))
		}
		return resource.PropertyMap{
			"serviceName":       resource.NewProperty(str(args.Args, "serviceName")),
			"availabilityZones": resource.NewProperty(zones),
			"serviceType":       resource.NewProperty("Interface"),
			"id":                resource.NewProperty(pins.region),
		}, nil
	case "aws:index/getRegion:getRegion":
		return resource.PropertyMap{"name": resource.NewProperty(pins.region), "id": resource.NewProperty(pins.region)}, nil
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.PropertyMap{"accountId": resource.NewProperty(pins.account), "id": resource.NewProperty(pins.account)}, nil
	}
	return nil, fmt.Errorf("awsmock: no answer for invoke %s", args.Token)
}

// VpcWithoutDnsHostnames starts the ID of an existing VPC that the mocks
// report with enableDnsHostnames off ("d15ab1ed"), so offline tests can
// show the private-DNS check.
const VpcWithoutDnsHostnames = "vpc-0d15ab1ed"

// SimulatedVpcCidr is the CIDR the mocks report for an existing VPC: AWS
// would return the real one; offline it is derived from the ID.
func SimulatedVpcCidr(vpcId string) string {
	sum := sha256.Sum256([]byte(vpcId))
	return fmt.Sprintf("10.%d.0.0/16", sum[0])
}

// regionCode shortens eu-west-1 to euw1, as AWS zone IDs do.
func regionCode(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) < 3 {
		return region
	}
	return parts[0] + parts[1][:1] + parts[len(parts)-1]
}

// digest returns n lowercase hex characters derived from the seed.
func digest(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	h := hex.EncodeToString(sum[:])
	for len(h) < n {
		more := sha256.Sum256([]byte(h))
		h += hex.EncodeToString(more[:])
	}
	return h[:n]
}

// alnum returns n lowercase letters and digits derived from the seed, like API Gateway IDs.
func alnum(seed string, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256([]byte(seed))
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[int(sum[i%len(sum)]+byte(i/len(sum)))%len(alphabet)]
	}
	return string(out)
}

// plain unwraps a secret property value.
func plain(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

// str reads a string input, "" when absent or not a string.
func str(m resource.PropertyMap, key resource.PropertyKey) string {
	v := plain(m[key])
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
