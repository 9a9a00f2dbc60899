package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"

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
// topology's stacks by role; stacks of role all are not part of it. More
// than one producer stack, a consumer stack whose producer.stack names
// another, or a file that does not load is an error.
func ReadTopology(root string) (Topology, error) {
	files, err := filepath.Glob(filepath.Join(root, "Pulumi.*.yaml"))
	if err != nil {
		return Topology{}, err
	}
	t := Topology{Consumers: []string{}}
	producers := map[string]string{} // consumer stack -> the producer stack it names
	for _, f := range files {
		name := StackNameOf(f)
		if name == FallbackStackName {
			continue
		}
		raw, err := ReadConfigFile(f)
		if err != nil {
			return Topology{}, fmt.Errorf("%s: %w", f, err)
		}
		cfg, err := config.Load(raw.Values, raw.SecretKeys, name)
		if err != nil {
			return Topology{}, fmt.Errorf("%s: %w", f, err)
		}
		switch cfg.StackRole {
		case config.RoleProducer:
			if t.Producer != "" {
				return Topology{}, fmt.Errorf("two producer stacks, %s and %s: one split topology per project folder", t.Producer, name)
			}
			t.Producer = name
		case config.RoleConsumer:
			t.Consumers = append(t.Consumers, name)
			producers[name] = cfg.Producer.Stack
		}
	}
	sort.Strings(t.Consumers)
	for _, c := range t.Consumers {
		if ref := producers[c]; t.Producer == "" || referencedStack(ref) != t.Producer {
			return Topology{}, fmt.Errorf("consumer stack %s reads %s, which is not this folder's producer stack %q", c, ref, t.Producer)
		}
	}
	return t, nil
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
