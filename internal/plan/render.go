package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/xaccount/xaccount-api/components"
	"github.com/xaccount/xaccount-api/internal/config"
)

// JSON renders the plan as one indented JSON object; keys are sorted and
// resources ordered by URN, so the same stack always renders the same bytes.
func (p *Plan) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("render plan: %w", err)
	}
	return buf.Bytes(), nil
}

// maxInputWidth is where a long input value is cut in the text format.
const maxInputWidth = 160

// WriteText renders the plan as a tree per account (role, provider,
// components, resources with their inputs), then the stack outputs.
func (p *Plan) WriteText(w io.Writer) error {
	tw := &textWriter{w: w}
	tw.line(0, "Plan for %s, stack %s, region %s (offline: mock engine, simulated IDs)", p.Project, p.Stack, p.Region)
	if p.config != nil && p.config.Api.Adopt != nil {
		adopt := p.config.Api.Adopt
		tw.line(0, "")
		tw.line(0, "Warning (api.adopt): %s; every other method it has is deleted, with its authorizers, models, request validators and other gateway responses. "+
			"This offline plan does not read the API: pulumi preview names its authorizers and refuses a REGIONAL or EDGE API without changeEndpointType.",
			components.AdoptionNotice(adopt.RestApiId, p.config.Args().Routes))
	}
	byURN := map[string]*Resource{}
	children := map[string][]*Resource{}
	for i := range p.Resources {
		r := &p.Resources[i]
		byURN[r.URN] = r
		children[r.Parent] = append(children[r.Parent], r)
	}
	for _, account := range p.sortedAccounts() {
		tw.line(0, "")
		tw.line(0, "Account %s (%s)", account, p.Accounts[account])
		show := map[string]bool{}
		for i := range p.Resources {
			r := &p.Resources[i]
			if r.Account != account {
				continue
			}
			for u := r.URN; u != "" && !show[u]; {
				show[u] = true
				if parent, ok := byURN[u]; ok {
					u = parent.Parent
				} else {
					u = ""
				}
			}
		}
		if len(show) == 0 {
			tw.line(1, "nothing deployed here")
		}
		for _, c := range p.externalEndpoints(account) {
			if c.Stack != "" {
				tw.line(1, "consumer %s: its endpoint is deployed by its own stack %s", c.Name, c.Stack)
				continue
			}
			if c.Via == components.ViaHub {
				tw.line(1, "consumer %s calls through the hub endpoint in account %s", c.Name, p.config.Hub.AccountId)
				continue
			}
			tw.line(1, "consumer %s uses endpoint %s, owned outside this stack", c.Name, c.EndpointId)
		}
		if len(show) == 0 {
			continue
		}
		tw.tree(1, "", children, show)
	}
	if p.HubCost != nil {
		p.HubCost.write(tw)
	}
	tw.line(0, "")
	tw.line(0, "Outputs")
	tw.value(1, p.Outputs)
	return tw.err
}

// textWriter writes indented lines and keeps the first error.
type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) line(depth int, format string, args ...any) {
	if t.err != nil {
		return
	}
	_, t.err = fmt.Fprintf(t.w, "%s%s\n", strings.Repeat("  ", depth), fmt.Sprintf(format, args...))
}

// tree prints the shown children of parent: providers first, then components
// and resources by type and name, each resource with its inputs.
func (t *textWriter) tree(depth int, parent string, children map[string][]*Resource, show map[string]bool) {
	kids := append([]*Resource{}, children[parent]...)
	sort.SliceStable(kids, func(i, j int) bool {
		pi, pj := strings.HasPrefix(kids[i].Type, "pulumi:providers:"), strings.HasPrefix(kids[j].Type, "pulumi:providers:")
		if pi != pj {
			return pi
		}
		return kids[i].Type+" "+kids[i].Name < kids[j].Type+" "+kids[j].Name
	})
	for _, r := range kids {
		if !show[r.URN] {
			continue
		}
		flags := ""
		if r.Import != "" {
			flags += " [imported: adopts the existing " + r.Import + "]"
		}
		if r.Protect {
			flags += " [protected]"
		}
		switch {
		case strings.HasPrefix(r.Type, "pulumi:providers:"):
			t.line(depth, "provider %s (%s)", r.Name, r.Type)
		case r.Id == "":
			t.line(depth, "%s %s%s", r.Type, r.Name, flags)
		default:
			t.line(depth, "%s %s [id %s]%s", r.Type, r.Name, r.Id, flags)
		}
		if r.Id != "" || strings.HasPrefix(r.Type, "pulumi:providers:") {
			t.inputs(depth+2, r.Inputs)
		}
		t.tree(depth+1, r.URN, children, show)
	}
}

// inputs prints one "key: value" line per input, values as compact JSON.
func (t *textWriter) inputs(depth int, inputs map[string]any) {
	keys := make([]string, 0, len(inputs))
	for k := range inputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b, _ := json.Marshal(inputs[k]) // plain values always marshal
		s := string(b)
		if len(s) > maxInputWidth {
			s = s[:maxInputWidth-3] + "..."
		}
		t.line(depth, "%s: %s", k, s)
	}
}

// value prints nested outputs as indented "key: value" lines.
func (t *textWriter) value(depth int, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch e := m[k].(type) {
		case map[string]any:
			t.line(depth, "%s:", k)
			t.value(depth+1, e)
		case []any, []string:
			b, _ := json.Marshal(e)
			t.line(depth, "%s: %s", k, b)
		default:
			t.line(depth, "%s: %v", k, e)
		}
	}
}

// externalEndpoints are the consumers of account whose endpoint is owned elsewhere.
func (p *Plan) externalEndpoints(account string) []config.Consumer {
	var out []config.Consumer
	if p.config == nil {
		return nil
	}
	for _, c := range p.config.Consumers {
		if c.AccountId == account && !c.ManagesEndpoint() {
			out = append(out, c)
		}
	}
	return out
}
