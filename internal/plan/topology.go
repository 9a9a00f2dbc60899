package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/xaccount/xaccount-api/internal/config"
)

// Topology is the split topology of a project folder's stack files: the
// producer stack, the hub's stack and the consumer stacks (stackRole
// producer, hub and consumer).
type Topology struct {
	// Producer is the producer stack's name, "" when the folder has none.
	Producer string `json:"producer"`
	// Hub is the hub's stack's name (stackRole hub), "" when the folder has
	// none.
	Hub string `json:"hub"`
	// Consumers are the consumer stacks' names, sorted.
	Consumers []string `json:"consumers"`
}

// ReadTopology reads every Pulumi.<stack>.yaml in root and sorts the split
// topology's stacks by role; stacks of role all are not part of it. A stack
// file whose name is not a Pulumi stack name (CheckStackName), more than one
// producer or hub stack, a consumer or hub stack whose producer.stack names
// another, a producer or spoke stack whose hub.stack is not this folder's
// hub stack, or a file that does not load is an error; every such problem
// is reported, one per line, in one error.
//
// The pipeline deploys a hub's stack around the producer's (hub, consumers
// and spokes, producer, hub again, consumers again: deploy-split.yml), so a
// producer or spoke stack that reads a hub's stack (hub.stack) needs that
// stack's file beside it: a hub deployed elsewhere would miss its second
// run, and its endpoint policy and zone would not follow the API.
func ReadTopology(root string) (Topology, error) {
	files, err := filepath.Glob(filepath.Join(root, "Pulumi.*.yaml"))
	if err != nil {
		return Topology{}, err
	}
	t := Topology{Consumers: []string{}}
	var problems []string
	var producers, hubs []string
	readsProducer := map[string]string{} // consumer or hub stack -> the producer stack it names
	readsHub := map[string]string{}      // producer or spoke stack -> the hub stack it names (hub.stack)
	for _, f := range files {
		name := StackNameOf(f)
		if name == FallbackStackName {
			continue
		}
		// The names become workflow outputs, matrix values, environment
		// names and arguments of the pipeline's commands.
		if err := CheckStackName(name); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", filepath.Base(f), err))
			continue
		}
		raw, err := ReadConfigFile(f)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", f, err))
			continue
		}
		cfg, err := config.Load(raw.Values, raw.SecretKeys, name)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", f, err))
			continue
		}
		switch cfg.StackRole {
		case config.RoleProducer:
			producers = append(producers, name)
		case config.RoleConsumer:
			t.Consumers = append(t.Consumers, name)
			readsProducer[name] = cfg.Producer.Stack
		case config.RoleHub:
			hubs = append(hubs, name)
			readsProducer[name] = cfg.Producer.Stack
		}
		if s := cfg.HubStackOf(); s != "" && cfg.StackRole != config.RoleAll {
			readsHub[name] = s
		}
	}
	switch len(producers) {
	case 0:
	case 1:
		t.Producer = producers[0]
	default:
		problems = append(problems, fmt.Sprintf("%d producer stacks, %s: one split topology per project folder", len(producers), strings.Join(producers, " and ")))
	}
	switch len(hubs) {
	case 0:
	case 1:
		t.Hub = hubs[0]
	default:
		problems = append(problems, fmt.Sprintf("%d hub stacks, %s: one hub stack per project folder (the pipeline deploys one hub around its producer)", len(hubs), strings.Join(hubs, " and ")))
	}
	sort.Strings(t.Consumers)
	if len(producers) <= 1 {
		for _, s := range append(append([]string{}, hubs...), t.Consumers...) {
			role := "consumer"
			if slices.Contains(hubs, s) {
				role = "hub"
			}
			if ref := readsProducer[s]; t.Producer == "" || referencedStack(ref) != t.Producer {
				problems = append(problems, fmt.Sprintf("%s stack %s reads %s (producer.stack), which is not this folder's producer stack %q", role, s, ref, t.Producer))
			}
		}
	}
	if len(hubs) <= 1 {
		for _, s := range append(append([]string{}, producers...), t.Consumers...) {
			ref, reads := readsHub[s]
			switch {
			case !reads:
				if t.Hub != "" && slices.Contains(producers, s) {
					problems = append(problems, fmt.Sprintf("producer stack %s reads no hub stack (hub.stack), but this folder has the hub stack %s; name it in hub.stack, or move the hub's stack out of this folder", s, t.Hub))
				}
			case t.Hub == "":
				problems = append(problems, fmt.Sprintf("%s stack %s reads the hub stack %s (hub.stack), which is not in this folder: the split pipeline deploys the hub's stack before and after the producer's, so its stack file (stackRole: hub) must be beside this one", roleOf(s, producers), s, ref))
			case referencedStack(ref) != t.Hub:
				problems = append(problems, fmt.Sprintf("%s stack %s reads %s (hub.stack), which is not this folder's hub stack %q", roleOf(s, producers), s, ref, t.Hub))
			}
		}
	}
	if len(problems) > 0 {
		return Topology{}, errors.New(strings.Join(problems, "\n"))
	}
	return t, nil
}

// roleOf names the role of a producer or spoke stack in a problem.
func roleOf(stack string, producers []string) string {
	if slices.Contains(producers, stack) {
		return "producer"
	}
	return "spoke"
}

// stackNamePattern is Pulumi's stack name rule: ASCII letters, digits,
// hyphens, underscores and periods, 1 to 100 characters
// (sdk/go/common/tokens/stack_name.go, ParseStackName).
var stackNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// CheckStackName refuses a name Pulumi would not accept as a stack name. The
// pipeline passes stack names to shell commands and GitHub expressions, so a
// stack file called Pulumi.a;rm -rf.yaml must stop here, naming the file.
func CheckStackName(name string) error {
	if !stackNamePattern.MatchString(name) {
		return fmt.Errorf("stack name %q: expected 1 to 100 ASCII letters, digits, hyphens, underscores or periods (Pulumi's stack name rule)", name)
	}
	return nil
}

// Stacks are the producer stack, the hub's stack and the consumer stacks,
// in that order.
func (t Topology) Stacks() []string {
	out := []string{}
	if t.Producer != "" {
		out = append(out, t.Producer)
	}
	if t.Hub != "" {
		out = append(out, t.Hub)
	}
	return append(out, t.Consumers...)
}

// writeTopology prints the topology as GitHub Actions step outputs:
// producer=<name>, hub=<name> ("" without a hub's stack),
// consumers=<JSON list> and stacks=<JSON list> of them all (a workflow's
// matrices).
func writeTopology(w io.Writer, root string) error {
	t, err := ReadTopology(root)
	if err != nil {
		return err
	}
	consumers, err := json.Marshal(t.Consumers)
	if err != nil {
		return err
	}
	stacks, err := json.Marshal(t.Stacks())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "producer=%s\nhub=%s\nconsumers=%s\nstacks=%s\n", t.Producer, t.Hub, consumers, stacks)
	return err
}

// rootOr is dir, or the project root found from the working directory.
func rootOr(dir string) string {
	if dir != "" {
		return dir
	}
	return FindProjectRoot()
}
