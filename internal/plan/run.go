package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/stack"
)

// Plan is what one stack would deploy, per account.
type Plan struct {
	Project string `json:"project"`
	Stack   string `json:"stack"`
	Region  string `json:"region"`
	// Accounts maps each account ID to its role: "producer" or "consumer:<name>"
	// (roles joined with "," when one account plays several).
	Accounts  map[string]string `json:"accounts"`
	Resources []Resource        `json:"resources"`
	Outputs   map[string]any    `json:"outputs"`
	// HubCost compares the hub's monthly cost with endpoints of the spokes'
	// own; absent without a hub.
	HubCost *HubCost `json:"hubCost,omitempty"`
	// Invokes maps each account to the data sources read there (for --iam;
	// not part of the JSON contract).
	Invokes map[string][]string `json:"-"`

	config *config.Config
}

// Resource is one registered resource in a Plan.
type Resource struct {
	URN          string         `json:"urn"`
	Type         string         `json:"type"`
	Name         string         `json:"name"`
	Id           string         `json:"id"`
	Parent       string         `json:"parent"`
	Provider     string         `json:"provider"`
	Account      string         `json:"account"`
	Dependencies []string       `json:"dependencies"`
	Inputs       map[string]any `json:"inputs"`
	// Protect is shown in the text format only; the JSON keeps its documented fields.
	Protect bool `json:"-"`
	// Import is the ID of the existing resource the import option adopts
	// (api.adopt); absent when the resource is created.
	Import string `json:"import,omitempty"`
	// Aliases are the URNs the resource was known by before (not in the JSON).
	Aliases []string `json:"-"`
}

// Run validates raw config and, when it is valid, runs the program
// (stack.DeployConfig, what pulumi up runs once the config is loaded) under the mock engine. An invalid config
// returns a *config.Error and registers nothing.
//
// A stack the configuration references (stackRole producer or consumer)
// counts as never updated: Run plans what that stack's first run would do.
// RunIn plans the referenced stacks from their files first.
func Run(stackName string, raw RawConfig) (*Plan, error) {
	return (&stackPlanner{}).run(stackName, raw)
}

// RunIn is Run for a stack file of the folder dir whose references are
// planned too, from the Pulumi.<stack>.yaml (the name's last part) in dir; a
// stack without a file there counts as never updated. A consumer stack's
// producer answers with the outputs of its plan; a producer's consumer
// stacks with what their first run publishes (their endpoint does not depend
// on the producer), so the plan shows the topology once the bootstrap has
// converged, and the two kinds of stack never plan each other in a circle.
func RunIn(dir, stackName string, raw RawConfig) (*Plan, error) {
	return (&stackPlanner{dir: dir}).run(stackName, raw)
}

// RunForRoles is RunIn for the roles a stack needs over its whole
// lifecycle: a consumer stack that its producer does not list yet is
// planned as once listed (its endpoint policy and probe), since the roles
// printed before the bootstrap must still let its third step through; its
// producer's stack file must be in dir.
func RunForRoles(dir, stackName string, raw RawConfig) (*Plan, error) {
	return (&stackPlanner{dir: dir, listed: true}).run(stackName, raw)
}

// stackPlanner plans a stack and, in a folder, the stacks it references.
type stackPlanner struct {
	dir string
	// listed plans a consumer stack as listed by its producer.
	listed bool
	// check, when set, answers the preflight's reads from the accounts
	// (Check) and collects its warnings.
	check *checker
}

// referencedOutputs plans each stack cfg references from its file in the
// planner's folder and returns their outputs by reference name.
func (sp *stackPlanner) referencedOutputs(cfg *config.Config) (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	if sp.dir == "" {
		return out, nil
	}
	type reference struct {
		name    string
		planner *stackPlanner
	}
	var refs []reference
	// A referenced stack is planned offline: --check reads the accounts of
	// the stack checked only (each stack is checked on its own).
	offline := *sp
	offline.check = nil
	if s := cfg.ProducerStackOf(); s != "" {
		refs = append(refs, reference{s, &offline})
	}
	for _, c := range cfg.Consumers {
		if c.Stack != "" {
			refs = append(refs, reference{c.Stack, &stackPlanner{}}) // its first run
		}
	}
	if s := cfg.HubStackOf(); s != "" && cfg.StackRole == config.RoleProducer {
		// A hub's stack publishes its endpoint on its first run, as a
		// consumer stack does; its second run (policy, zone) follows the API.
		refs = append(refs, reference{s, &stackPlanner{}})
	} else if s != "" {
		// A spoke's stack reads the hub's as it is once the producer's has
		// published its API.
		refs = append(refs, reference{s, &offline})
	}
	for _, ref := range refs {
		name := referencedStack(ref.name)
		file := StackFile(sp.dir, name)
		if _, err := os.Stat(file); err != nil {
			if sp.listed && ref.planner == &offline {
				// What a consumer stack deploys once listed (the probe's
				// role and permissions with AWS_IAM) depends on the API.
				return nil, &config.Error{Problems: []config.Problem{{Key: config.Key(config.KeyProducer + ".stack"), Message: fmt.Sprintf(
					"got %q, whose stack file %s is not beside this one; the roles of a consumer stack depend on its producer's API, so --iam and --aws-config plan that file too", ref.name, file)}}}
			}
			continue
		}
		raw, err := ReadConfigFile(file)
		if err != nil {
			return nil, fmt.Errorf("stack %s (referenced): %s", ref.name, err.Error())
		}
		p, err := ref.planner.run(name, raw)
		if err != nil {
			// Not wrapped: its problems are that file's, not this one's.
			return nil, fmt.Errorf("stack %s (referenced, planned from %s): %s", ref.name, file, err.Error())
		}
		if ref.planner == &offline && sp.listed {
			listConsumer(p, cfg.Consumers)
		}
		out[ref.name] = p.Outputs
	}
	return out, nil
}

// referencedStack is the stack name of a stack reference, its last part
// (<organization>/<project>/<stack>): the file Pulumi.<stack>.yaml.
func referencedStack(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }

// listConsumer adds to a producer's plan the consumers it does not list
// yet, as it would list them (RunForRoles).
func listConsumer(producer *Plan, consumers []config.Consumer) {
	listed, _ := producer.Outputs["consumers"].(map[string]any)
	if listed == nil || producer.config == nil {
		return
	}
	args := producer.config.Args()
	for _, c := range consumers {
		if _, ok := listed[c.Name]; ok {
			continue
		}
		t := components.ProbeTargetFor(args.Routes, args.Authorization, components.ConsumerArgs{Name: c.Name})
		listed[c.Name] = map[string]any{"accountId": c.AccountId, "probeTarget": stack.ProbeTargetOutput(t)}
	}
}

func (sp *stackPlanner) run(stackName string, raw RawConfig) (*Plan, error) {
	cfg, err := config.Load(raw.Values, raw.SecretKeys, stackName)
	if err != nil {
		return nil, err
	}
	refs, err := sp.referencedOutputs(cfg)
	if err != nil {
		return nil, err
	}
	mocks := awsmock.New(config.Namespace, stackName, awsmock.Profiles(cfg.ProfileAccounts()), awsmock.StackOutputs(refs))
	var monitor pulumi.MockResourceMonitor = mocks
	if sp.check != nil {
		monitor = sp.check.monitor(mocks)
	}
	var outputs map[string]any
	err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		if sp.check != nil {
			defer components.ObservePreflight(ctx, sp.check.warn)()
		}
		exports, err := stack.DeployConfig(ctx, cfg) // the config loaded above: once per run
		if err != nil {
			return err
		}
		outputs = map[string]any{}
		for name, value := range exports {
			ctx.Export(name, value)
			v, secret, err := awsmock.Await(pulumi.ToOutput(value))
			if err != nil {
				return fmt.Errorf("output %s: %w", name, err)
			}
			if secret {
				v = config.SecretPlaceholder
			}
			outputs[name] = v
		}
		return nil
	}, pulumi.WithMocks(config.Namespace, stackName, monitor), awsmock.WithConfig(raw.Values, raw.SecretKeys))
	if err != nil {
		return nil, fmt.Errorf("program failed under the mock engine: %w", err)
	}
	if outputs == nil {
		return nil, errors.New("program registered no outputs")
	}
	if outputs, err = plainJson(outputs); err != nil {
		return nil, err
	}
	p := &Plan{Project: config.Namespace, Stack: stackName, Region: cfg.Region, Accounts: accounts(cfg), Outputs: outputs, config: cfg,
		HubCost: hubCost(cfg), Invokes: map[string][]string{}}
	for account := range p.Accounts {
		p.Invokes[account] = mocks.InvokesIn(account)
	}
	for _, r := range mocks.Resources() {
		p.Resources = append(p.Resources, Resource{
			URN: r.URN, Type: r.Type, Name: r.Name, Id: r.Id, Parent: r.Parent,
			Provider: r.Provider, Account: mocks.AccountOf(r),
			Dependencies: append([]string{}, r.Dependencies...),
			Inputs:       plainMap(r.Inputs),
			Protect:      r.Protect,
			Import:       r.ImportId,
			Aliases:      r.Aliases,
		})
	}
	return p, nil
}

// accounts maps every configured account to its role(s).
func accounts(cfg *config.Config) map[string]string {
	out := map[string]string{cfg.Producer.AccountId: "producer"}
	for _, c := range cfg.Consumers {
		role := "consumer:" + c.Name
		if have, ok := out[c.AccountId]; ok {
			role = have + "," + role
		}
		out[c.AccountId] = role
	}
	if cfg.Hub != nil {
		role := "hub"
		if have, ok := out[cfg.Hub.AccountId]; ok {
			role = have + "," + role
		}
		out[cfg.Hub.AccountId] = role
	}
	return out
}

// plainMap renders resource inputs as plain JSON values: secrets as the
// placeholder, unknowns as "[unknown]", resource references as their URN.
func plainMap(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[string(k)] = plainValue(v)
	}
	return out
}

func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return config.SecretPlaceholder
	case v.IsComputed(), v.IsOutput() && !v.OutputValue().Known:
		return "[unknown]"
	case v.IsOutput():
		if v.OutputValue().Secret {
			return config.SecretPlaceholder
		}
		return plainValue(v.OutputValue().Element)
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsObject():
		return plainMap(v.ObjectValue())
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plainValue(e)
		}
		return out
	case v.IsNull():
		return nil
	default:
		return v.V
	}
}

// sortedAccounts lists the plan's accounts: the producer first, then the
// consumers in config order.
func (p *Plan) sortedAccounts() []string {
	var ids []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if p.config != nil {
		add(p.config.Producer.AccountId)
		for _, c := range p.config.Consumers {
			add(c.AccountId)
		}
		if p.config.Hub != nil {
			add(p.config.Hub.AccountId)
		}
	}
	rest := []string{}
	for id := range p.Accounts {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	return append(ids, rest...)
}

// plainJson round-trips outputs through JSON so that every map is a
// map[string]any and every list a []any, as a reader of the JSON sees them.
func plainJson(outputs map[string]any) (map[string]any, error) {
	b, err := json.Marshal(outputs)
	if err != nil {
		return nil, fmt.Errorf("render outputs: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("render outputs: %w", err)
	}
	return out, nil
}
