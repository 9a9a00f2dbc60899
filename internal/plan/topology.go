package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/xaccount/xaccount-api/internal/config"
)

// Topology is the split topology of a project folder's stack files: the
// producer stack and its consumer stacks (stackRole producer and consumer).
type Topology struct {
	// Producer is the producer stack's name, "" when the folder has none.
	Producer string `json:"producer"`
	// Consumers are the consumer stacks' names, sorted.
	Consumers []string `json:"consumers"`
}

// ReadTopology reads every Pulumi.<stack>.yaml in root and sorts the split
// topology's stacks by role; stacks of role all are not part of it. A stack
// file whose name is not a Pulumi stack name (CheckStackName), more than one
// producer stack, a consumer stack whose producer.stack names another, or a
// file that does not load is an error; every such problem is reported, one
// per line, in one error.
func ReadTopology(root string) (Topology, error) {
	files, err := filepath.Glob(filepath.Join(root, "Pulumi.*.yaml"))
	if err != nil {
		return Topology{}, err
	}
	t := Topology{Consumers: []string{}}
	var problems []string
	var producers []string
	readsProducer := map[string]string{} // consumer stack -> the producer stack it names
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
			// The pipeline runs producer then consumers; a hub stack needs
			// hub, producer, hub again, then its spokes, which it does not
			// run yet: refused rather than skipped, so no commit deploys
			// the producer and spokes without it.
			problems = append(problems, fmt.Sprintf("%s: stackRole hub is not deployed by the split pipeline yet (it would need hub, producer, hub, then the spoke stacks); "+
				"deploy the hub, producer and spoke stacks with pulumi up in that order (docs/hub.md), and keep them out of a folder the pipeline deploys", filepath.Base(f)))
		}
	}
	switch len(producers) {
	case 0:
	case 1:
		t.Producer = producers[0]
	default:
		problems = append(problems, fmt.Sprintf("%d producer stacks, %s: one split topology per project folder", len(producers), strings.Join(producers, " and ")))
	}
	sort.Strings(t.Consumers)
	if len(producers) <= 1 {
		for _, c := range t.Consumers {
			if ref := readsProducer[c]; t.Producer == "" || referencedStack(ref) != t.Producer {
				problems = append(problems, fmt.Sprintf("consumer stack %s reads %s, which is not this folder's producer stack %q", c, ref, t.Producer))
			}
		}
	}
	if len(problems) > 0 {
		return Topology{}, errors.New(strings.Join(problems, "\n"))
	}
	return t, nil
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

// Stacks are the producer stack and the consumer stacks, in that order.
func (t Topology) Stacks() []string {
	out := []string{}
	if t.Producer != "" {
		out = append(out, t.Producer)
	}
	return append(out, t.Consumers...)
}

// writeTopology prints the topology as GitHub Actions step outputs:
// producer=<name>, consumers=<JSON list> and stacks=<JSON list> of both
// (a workflow's matrices).
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
	_, err = fmt.Fprintf(w, "producer=%s\nconsumers=%s\nstacks=%s\n", t.Producer, consumers, stacks)
	return err
}

// rootOr is dir, or the project root found from the working directory.
func rootOr(dir string) string {
	if dir != "" {
		return dir
	}
	return FindProjectRoot()
}
