// Package fakeaws is a simulated AWS for the engine tests: a Pulumi resource
// provider plugin that answers as pulumi-resource-aws 6.83.4 does for the
// resource types this project registers, keeps its state per account and
// region in one file that every provider process shares, and enforces the
// AWS rules the project depends on, each failing with the error AWS returns.
//
// It is not the real provider: what it checks is what is written here, with
// the AWS documentation or issue thread each rule comes from.
package fakeaws

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// EnvStateDir names the folder holding the simulated cloud (cloud.json, its
// lock and processes.log). Every provider process of one test shares it.
const EnvStateDir = "FAKEAWS_STATE_DIR"

// Cloud is the whole simulated AWS: every account and region in one place,
// each record carrying its own account and region.
type Cloud struct {
	RestApis       map[string]*RestApi       `json:"restApis"`
	Deployments    map[string]*Deployment    `json:"deployments"`
	Stages         map[string]*Stage         `json:"stages"`
	Vpcs           map[string]*Vpc           `json:"vpcs"`
	Subnets        map[string]*Subnet        `json:"subnets"`
	SecurityGroups map[string]*SecurityGroup `json:"securityGroups"`
	Endpoints      map[string]*Endpoint      `json:"endpoints"`
	Permissions    map[string]*Permission    `json:"permissions"`
	Functions      map[string]*Function      `json:"functions"`
	// VpcLinks are the REST API VPC links, by ID: seeded, as another team
	// created them (the components take an existing link's ID).
	VpcLinks map[string]*VpcLink `json:"vpcLinks"`
	// RolePolicies maps IAM role ARNs to their managed policy ARNs.
	RolePolicies map[string][]string `json:"rolePolicies"`
	// RoleInlinePolicies maps IAM role ARNs to their inline policy documents.
	RoleInlinePolicies map[string][]string `json:"roleInlinePolicies"`
	// RoleBoundaries maps IAM role ARNs to their permissions boundary's ARN.
	RoleBoundaries map[string]string `json:"roleBoundaries"`
	// ManagedPolicies are the customer managed policies by ARN (their
	// documents): the permissions boundaries the harness creates as --iam
	// prints them.
	ManagedPolicies map[string]string `json:"managedPolicies"`
	// HeldGroups are security groups a deleted VPC function's network
	// interfaces still hold (Lambda releases them up to 20 minutes later).
	HeldGroups map[string]string `json:"heldGroups"`
	// LogGroups maps "account/region/name" to the group's scope.
	LogGroups map[string]Scope `json:"logGroups"`
	// MetricFilters are by "account/region/group/name"; Alarms by
	// "account/region/name"; Dashboards by "account/name".
	MetricFilters map[string]*MetricFilter `json:"metricFilters"`
	// Domains are the private custom domain names by ARN;
	// DomainAssociations their access associations by ARN; Shares the RAM
	// resource shares by ARN; Zones the Route 53 private hosted zones by ID.
	Domains            map[string]*DomainName        `json:"domains"`
	DomainAssociations map[string]*DomainAssociation `json:"domainAssociations"`
	Shares             map[string]*ResourceShare     `json:"shares"`
	Zones              map[string]*HostedZone        `json:"zones"`
	// Profiles are the Route 53 Profiles by ID, with their zones and VPCs.
	Profiles map[string]*Profile `json:"profiles"`
	// HealthChecks are the Route 53 health checks by ID (healthcheck.go).
	HealthChecks map[string]*HealthCheck `json:"healthChecks,omitempty"`
	// Organizations maps accounts to their AWS Organization (seeded): a
	// share without external principals reaches only the owner's.
	Organizations map[string]string     `json:"organizations"`
	Alarms        map[string]*Alarm     `json:"alarms"`
	Dashboards    map[string]*Dashboard `json:"dashboards"`
	// RouteTables, TransitGateways and PeeringConnections are the network
	// between VPCs (routes.go): VPCs of two accounts reach each other only
	// through them, both ways. The program creates none of it; tests seed
	// it (SeedTransitPath, SeedRoute), and a VPC's main table is created
	// with the VPC.
	RouteTables        map[string]*RouteTable        `json:"routeTables"`
	TransitGateways    map[string]*TransitGateway    `json:"transitGateways"`
	PeeringConnections map[string]*PeeringConnection `json:"peeringConnections"`
	// SourceNat are private NAT gateways (seeded): a VPC by
	// "account/region/vpc-id" to the private address of the NAT gateway its
	// traffic to other VPCs goes out through. A private NAT gateway routes
	// traffic "across VPCs ... through a transit gateway" from "a private IP
	// address from the IP address range of the subnet" it is in
	// ("NAT gateways", Amazon VPC user guide; "CreateNatGateway", EC2 API
	// reference), so another VPC's endpoint, its security group and
	// aws:VpcSourceIp see that address, not the caller's.
	SourceNat map[string]string `json:"sourceNat,omitempty"`
	// Roles maps IAM role ARNs to their account.
	Roles map[string]string `json:"roles"`
	// AccountRoles is API Gateway's account setting: "account/region" to
	// the CloudWatch role ARN ("" or absent: none).
	AccountRoles map[string]string `json:"accountRoles"`
	// ApiGatewayUnused are the "account/region" pairs where the account has
	// never used API Gateway: GetAccount answers NotFoundException there
	// until something writes the settings (reported by AWS users,
	// cloud-custodian issues #2033 and #9861), so Cloud Control finds no
	// AWS::ApiGateway::Account.
	ApiGatewayUnused map[string]bool `json:"apiGatewayUnused,omitempty"`
	// AssumableRoles are the roles providers may assume, by ARN: every
	// call a provider makes is checked against its role's policy.
	AssumableRoles map[string]*IamRole `json:"assumableRoles"`
	// LingeringEnis are network interfaces a deleted VPC function left in
	// its subnets (Lambda keeps them for a while), by ID: their subnet.
	LingeringEnis map[string]string `json:"lingeringEnis"`
	// PropagationCalls is how many calls after a change still see the old
	// state: a stage's previous deployment (a new stage: 403), a new
	// endpoint's private DNS name not resolving. 0, the default, makes every
	// change immediate; AWS documents changes as taking effect "within a few
	// seconds" to minutes (API Gateway developer guide, "Deploy a REST API":
	// redeployments; PrivateLink guide: DNS of a new endpoint).
	PropagationCalls int `json:"propagationCalls"`
	// AssociationPropagationCalls, when set, is how many calls a new domain
	// name access association still refuses (403 ForbiddenException), in
	// place of PropagationCalls: AWS documents about 15 minutes before a new
	// association is ready ("Custom domain names for private APIs in API
	// Gateway", considerations; "Tutorial: Create and invoke a custom domain
	// name for private APIs", step 3), which outlasts the probe's retries,
	// where a stage or a private DNS name takes seconds.
	AssociationPropagationCalls int `json:"associationPropagationCalls"`
	// Stale counts the calls each change still answers stale: "stage:<api>/<stage>",
	// "dns:<endpoint>" and "association:<arn>".
	Stale map[string]int `json:"stale"`
	// Calls lists every AWS API call that changed something, in order, as
	// "Account Region Operation target".
	Calls []string `json:"calls"`
	// Watches are workload calls the cloud makes again after every call
	// that changes something, each answer appended to Watched: a test sees
	// what a caller met at every step of an up, in the engine's own order,
	// not only before and after it.
	Watches []Watch `json:"watches,omitempty"`
	// Watched are the Watches' answers, in order.
	Watched []Watched `json:"watched,omitempty"`
	// ClockSkewSeconds moves the simulated cloud's clock ahead of the
	// machine's, so a test can let time-bound state expire (a RAM
	// invitation after 12 hours).
	ClockSkewSeconds int64 `json:"clockSkewSeconds"`
}

// now is the simulated cloud's time, in Unix seconds.
func (c *Cloud) now() int64 { return time.Now().Unix() + c.ClockSkewSeconds }

// Scope is the account and region one provider acts in.
type Scope struct {
	Account string `json:"account"`
	Region  string `json:"region"`
}

// Route is one method on one path.
type Route struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// Authorization is NONE or AWS_IAM (the operation requires the
	// awsSigv4 security scheme).
	Authorization string `json:"authorization,omitempty"`
	// Integration is the x-amazon-apigateway-integration type (mock,
	// http_proxy, aws_proxy).
	Integration string `json:"integration,omitempty"`
	// MockStatus is a MOCK integration's default response status; 0 when
	// the integration has no response (API Gateway then answers 500).
	MockStatus int `json:"mockStatus,omitempty"`
	// MockBody is the MOCK integration's default response template for
	// application/json: what it answers, as API Gateway renders a template
	// with no VTL directives (the fake does not evaluate VTL).
	MockBody string `json:"mockBody,omitempty"`
	// ConnectionId is the VPC link of an integration with connectionType
	// VPC_LINK, "" for one over the internet.
	ConnectionId string `json:"connectionId,omitempty"`
	// IntegrationMethod and IntegrationUri are the integration's httpMethod
	// and uri (for a Lambda proxy, the function's invocations path).
	IntegrationMethod string `json:"integrationMethod,omitempty"`
	IntegrationUri    string `json:"integrationUri,omitempty"`
}

// RestApi is an API Gateway REST API.
type RestApi struct {
	Scope
	Id             string   `json:"id"`
	Name           string   `json:"name"`
	Types          []string `json:"types"`
	VpcEndpointIds []string `json:"vpcEndpointIds"`
	Routes         []Route  `json:"routes"`
	// Policy is the attached resource policy, "" when none.
	Policy string `json:"policy"`
	// GatewayResponses are the body's customized gateway responses: type
	// (DEFAULT_4XX, ACCESS_DENIED, …) -> application/json template.
	GatewayResponses map[string]string `json:"gatewayResponses,omitempty"`
	// SecurityPolicy and EndpointAccessMode are the API's TLS set-up; with
	// STRICT a call must name the API's own host in its TLS server name.
	SecurityPolicy     string `json:"securityPolicy,omitempty"`
	EndpointAccessMode string `json:"endpointAccessMode,omitempty"`
	// Authorizers, Models (by name), RequestValidators (by name) and
	// BinaryMediaTypes are the rest of the API's definition: PutRestApi in
	// overwrite mode keeps only those its body defines.
	Authorizers       []Authorizer `json:"authorizers,omitempty"`
	Models            []string     `json:"models,omitempty"`
	RequestValidators []string     `json:"requestValidators,omitempty"`
	BinaryMediaTypes  []string     `json:"binaryMediaTypes,omitempty"`
}

// Authorizer is a REST API's authorizer: TOKEN, REQUEST or COGNITO_USER_POOLS.
type Authorizer struct {
	Id   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// VpcLink is a REST API VPC link to Network Load Balancers.
type VpcLink struct {
	Scope
	Id         string   `json:"id"`
	TargetArns []string `json:"targetArns"`
}

// Deployment is a snapshot of an API's routes and policy.
type Deployment struct {
	Scope
	Id        string  `json:"id"`
	RestApiId string  `json:"restApiId"`
	Routes    []Route `json:"routes"`
	Policy    string  `json:"policy"`
	// GatewayResponses are the API's gateway responses when it was deployed.
	GatewayResponses map[string]string `json:"gatewayResponses,omitempty"`
}

// Stage serves one deployment of an API under a name.
type Stage struct {
	Scope
	RestApiId    string `json:"restApiId"`
	Name         string `json:"name"`
	DeploymentId string `json:"deploymentId"`
	// PreviousDeploymentId is what the stage served before its last move,
	// and still serves while the move propagates.
	PreviousDeploymentId string `json:"previousDeploymentId,omitempty"`
}

// Vpc is an EC2 VPC.
type Vpc struct {
	Scope
	Id                 string `json:"id"`
	CidrBlock          string `json:"cidrBlock"`
	EnableDnsSupport   bool   `json:"enableDnsSupport"`
	EnableDnsHostnames bool   `json:"enableDnsHostnames"`
	// DefaultSecurityGroupId and MainRouteTableId are created with the VPC
	// and keep their IDs for its life.
	DefaultSecurityGroupId string `json:"defaultSecurityGroupId"`
	MainRouteTableId       string `json:"mainRouteTableId"`
}

// Subnet is an EC2 subnet.
type Subnet struct {
	Scope
	Id               string `json:"id"`
	VpcId            string `json:"vpcId"`
	CidrBlock        string `json:"cidrBlock"`
	AvailabilityZone string `json:"availabilityZone"`
}

// SecurityGroup is an EC2 security group and its HTTPS rules.
type SecurityGroup struct {
	Scope
	Id    string `json:"id"`
	VpcId string `json:"vpcId"`
	// Name is the group's name (GroupName), unique in its VPC.
	Name string `json:"name,omitempty"`
	// IngressCidrs may reach port 443; EgressGroups are the groups port 443
	// may reach; EgressCidrs the ranges port 443 may reach.
	IngressCidrs []string `json:"ingressCidrs"`
	EgressGroups []string `json:"egressGroups"`
	EgressCidrs  []string `json:"egressCidrs"`
}

// Endpoint is an interface VPC endpoint.
type Endpoint struct {
	Scope
	Id               string   `json:"id"`
	VpcId            string   `json:"vpcId"`
	ServiceName      string   `json:"serviceName"`
	SubnetIds        []string `json:"subnetIds"`
	SecurityGroupIds []string `json:"securityGroupIds"`
	PrivateDns       bool     `json:"privateDns"`
	Policy           string   `json:"policy"`
	DnsSuffix        string   `json:"dnsSuffix"`
	// NetworkInterfaces maps each subnet to the endpoint's interface there:
	// AWS keeps it while the subnet stays (ModifyVpcEndpoint adds and
	// removes interfaces only for added and removed subnets).
	NetworkInterfaces map[string]string `json:"networkInterfaces"`
}

// Permission is a statement of a Lambda function's resource policy.
type Permission struct {
	Scope
	Id        string `json:"id"`
	Function  string `json:"function"`
	SourceArn string `json:"sourceArn"`
}

// newCloud is an empty cloud.
func newCloud() *Cloud {
	return &Cloud{
		RestApis: map[string]*RestApi{}, Deployments: map[string]*Deployment{}, Stages: map[string]*Stage{},
		Vpcs: map[string]*Vpc{}, Subnets: map[string]*Subnet{}, SecurityGroups: map[string]*SecurityGroup{},
		Endpoints: map[string]*Endpoint{}, Permissions: map[string]*Permission{}, Functions: map[string]*Function{},
		RolePolicies: map[string][]string{}, RoleInlinePolicies: map[string][]string{}, HeldGroups: map[string]string{},
		RoleBoundaries: map[string]string{}, ManagedPolicies: map[string]string{},
		LogGroups: map[string]Scope{}, Roles: map[string]string{}, AccountRoles: map[string]string{},
		AssumableRoles: map[string]*IamRole{}, LingeringEnis: map[string]string{}, Stale: map[string]int{},
		VpcLinks: map[string]*VpcLink{}, MetricFilters: map[string]*MetricFilter{}, Alarms: map[string]*Alarm{},
		Dashboards: map[string]*Dashboard{}, Domains: map[string]*DomainName{}, DomainAssociations: map[string]*DomainAssociation{},
		Shares: map[string]*ResourceShare{}, Zones: map[string]*HostedZone{}, Organizations: map[string]string{},
		RouteTables: map[string]*RouteTable{}, TransitGateways: map[string]*TransitGateway{}, PeeringConnections: map[string]*PeeringConnection{},
		Profiles: map[string]*Profile{}, HealthChecks: map[string]*HealthCheck{},
	}
}

// Store is the cloud on disk, shared by every provider process of a test.
type Store struct {
	dir string
}

// NewStore opens (or starts) the cloud kept in dir.
func NewStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("fakeaws: state dir: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Dir is the folder of the store.
func (s *Store) Dir() string { return s.dir }

// Update runs fn on the cloud under an exclusive lock and saves what it
// changed, unless fn fails: a failed AWS call changes nothing.
func (s *Store) Update(fn func(c *Cloud) error) error {
	return s.locked(func() error {
		c, err := s.load()
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		return s.save(c)
	})
}

// View runs fn on a snapshot of the cloud.
func (s *Store) View(fn func(c *Cloud) error) error {
	return s.locked(func() error {
		c, err := s.load()
		if err != nil {
			return err
		}
		return fn(c)
	})
}

func (s *Store) locked(fn func() error) error {
	f, err := os.OpenFile(filepath.Join(s.dir, "cloud.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("fakeaws: lock: %w", err)
	}
	defer func() { _ = f.Close() }()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil { //nolint:gosec // a file descriptor fits an int
		return fmt.Errorf("fakeaws: lock: %w", err)
	}
	defer func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }() //nolint:gosec // as above
	return fn()
}

func (s *Store) load() (*Cloud, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, "cloud.json"))
	if errors.Is(err, os.ErrNotExist) {
		return newCloud(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("fakeaws: load: %w", err)
	}
	c := newCloud()
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("fakeaws: load: %w", err)
	}
	return c, nil
}

func (s *Store) save(c *Cloud) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("fakeaws: save: %w", err)
	}
	tmp := filepath.Join(s.dir, "cloud.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("fakeaws: save: %w", err)
	}
	return os.Rename(tmp, filepath.Join(s.dir, "cloud.json"))
}

// record appends one changing call to the log, and what each watched call
// meets after it.
func (c *Cloud) record(s Scope, op, target string) {
	call := fmt.Sprintf("%s %s %s %s", s.Account, s.Region, op, target)
	c.Calls = append(c.Calls, call)
	for _, w := range c.Watches {
		a := c.AnswerWorkload(w.Scope, w.VpcId, w.Cidr, w.Url, nil)
		c.Watched = append(c.Watched, Watched{After: call, Url: w.Url, Status: a.Status, Failure: a.Failure, Region: a.Region})
	}
}

// Watch is a call a workload of VpcId (at an address in Cidr) makes to Url
// after every changing call (Cloud.Watches).
type Watch struct {
	Scope
	VpcId string `json:"vpcId"`
	Cidr  string `json:"cidr"`
	Url   string `json:"url"`
}

// Watched is what a Watch met after the changing call After: an HTTP
// status, or a failure ("dns", "timeout").
type Watched struct {
	After   string `json:"after"`
	Url     string `json:"url"`
	Status  int    `json:"status"`
	Failure string `json:"failure"`
	// Region is the region whose API Gateway answered (CallAnswer).
	Region string `json:"region,omitempty"`
}

// StageServes reports whether the stage of apiId serves method on path (a
// concrete path, or a route's own path), through the snapshot of the
// deployment it points at (StageRoute). ANY routes serve every method. It
// answers false when the API or stage does not exist.
func (c *Cloud) StageServes(apiId, stage, method, path string) bool {
	_, ok := c.StageRoute(apiId, stage, method, path)
	return ok
}

// StageRoutes are the routes the stage of apiId serves.
func (c *Cloud) StageRoutes(apiId, stage string) []Route {
	st, ok := c.Stages[stageKey(apiId, stage)]
	if !ok {
		return nil
	}
	if d, ok := c.Deployments[st.DeploymentId]; ok {
		return d.Routes
	}
	return nil
}

// StageRoute is the route of the stage of apiId that serves method on a
// concrete path ({param} matches one segment, a last {param+} the rest).
func (c *Cloud) StageRoute(apiId, stage, method, path string) (Route, bool) {
	st, ok := c.Stages[stageKey(apiId, stage)]
	if !ok {
		return Route{}, false
	}
	d, ok := c.Deployments[st.DeploymentId]
	if !ok {
		return Route{}, false
	}
	return matchRoute(d.Routes, method, path)
}

// matchRoute is the route of routes that serves method on a concrete path.
func matchRoute(routes []Route, method, path string) (Route, bool) {
	for _, r := range routes {
		if (r.Method == method || r.Method == "ANY") && pathMatches(r.Path, path) {
			return r, true
		}
	}
	return Route{}, false
}

// servedDeployment is the deployment a call to the stage meets: while a
// move propagates, the previous one (none for a new stage); each such call
// uses up one stale answer.
func (c *Cloud) servedDeployment(apiId, stage string) (*Deployment, bool) {
	key := stageKey(apiId, stage)
	st, ok := c.Stages[key]
	if !ok {
		return nil, false
	}
	if n := c.Stale["stage:"+key]; n > 0 {
		c.Stale["stage:"+key] = n - 1
		prev, ok := c.Deployments[st.PreviousDeploymentId]
		return prev, ok
	}
	d, ok := c.Deployments[st.DeploymentId]
	return d, ok
}

// changed starts the propagation of a change: the next PropagationCalls
// calls that meet key see the old state (AssociationPropagationCalls for a
// new domain name access association, when set).
func (c *Cloud) changed(key string) {
	n := c.PropagationCalls
	if strings.HasPrefix(key, "association:") && c.AssociationPropagationCalls > 0 {
		n = c.AssociationPropagationCalls
	}
	if n > 0 {
		c.Stale[key] = n
	}
}

// pathMatches says whether a concrete path matches a route's path template.
func pathMatches(template, path string) bool {
	ts := strings.Split(strings.Trim(template, "/"), "/")
	ps := strings.Split(strings.Trim(path, "/"), "/")
	for i, t := range ts {
		switch {
		case strings.HasSuffix(t, "+}"):
			return i < len(ps) && ps[i] != ""
		case i >= len(ps):
			return false
		case strings.HasPrefix(t, "{"):
			if ps[i] == "" {
				return false
			}
		case t != ps[i]:
			return false
		}
	}
	return len(ts) == len(ps)
}

// StagePolicy is the resource policy the stage of apiId enforces: the one
// captured by its deployment.
func (c *Cloud) StagePolicy(apiId, stage string) (string, bool) {
	st, ok := c.Stages[stageKey(apiId, stage)]
	if !ok {
		return "", false
	}
	d, ok := c.Deployments[st.DeploymentId]
	if !ok {
		return "", false
	}
	return d.Policy, true
}

// stageKey identifies a stage: stage names are unique per API.
func stageKey(apiId, stage string) string { return apiId + "/" + stage }
