// Package jobgraph tells which jobs of a GitHub Actions workflow run, and in
// what order, for given job outputs and results: the rules of GitHub's
// "Workflow syntax for GitHub Actions" (jobs.<job_id>.needs: a job runs
// after every job it needs has completed; "If a job fails or is skipped,
// all jobs that need it are skipped unless the jobs use a conditional
// expression that causes the job to continue") and "Using conditions to
// control job execution" / "Evaluate expressions in workflows and actions"
// (an if: without a status check function, success(), failure(),
// cancelled() or always(), is evaluated as success() && (if)). The tests
// read the committed workflows with it, so a change of a job's needs or if
// is checked by what it does, not by how it is written.
//
// Only the part of GitHub's expression language the project's workflows
// use is understood: string literals, needs.<job>.result,
// needs.<job>.outputs.<name>, the four status functions, !, ==, !=, &&, ||
// and parentheses; anything else is an error, never a guess.
package jobgraph

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Job is what decides whether and when a job runs: the jobs it needs, its
// if: condition, its environment and its matrix of stacks (strategy.matrix.stack,
// as written).
type Job struct {
	// Needs are the jobs it runs after.
	Needs []string
	// If is its condition as written ("" when it has none).
	If string
	// Environment is its environment as written.
	Environment string
	// MatrixStack is strategy.matrix.stack as written, "" without one.
	MatrixStack string
}

// Workflow is a workflow's jobs by id.
type Workflow struct {
	// Jobs are the workflow's jobs by id.
	Jobs map[string]Job
}

// Parse reads a workflow file's jobs.
func Parse(src []byte) (Workflow, error) {
	var raw struct {
		Jobs map[string]struct {
			Needs       yaml.Node `yaml:"needs"`
			If          string    `yaml:"if"`
			Environment string    `yaml:"environment"`
			Strategy    struct {
				Matrix struct {
					Stack yaml.Node `yaml:"stack"`
				} `yaml:"matrix"`
			} `yaml:"strategy"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(src, &raw); err != nil {
		return Workflow{}, err
	}
	w := Workflow{Jobs: map[string]Job{}}
	for id, j := range raw.Jobs {
		job := Job{If: j.If, Environment: j.Environment}
		switch j.Needs.Kind {
		case 0:
		case yaml.ScalarNode:
			job.Needs = []string{j.Needs.Value}
		case yaml.SequenceNode:
			if err := j.Needs.Decode(&job.Needs); err != nil {
				return Workflow{}, fmt.Errorf("job %s: needs: %w", id, err)
			}
		default:
			return Workflow{}, fmt.Errorf("job %s: needs: expected a job id or a list of them", id)
		}
		if j.Strategy.Matrix.Stack.Kind == yaml.ScalarNode {
			job.MatrixStack = j.Strategy.Matrix.Stack.Value
		}
		for _, n := range job.Needs {
			if _, ok := raw.Jobs[n]; !ok {
				return Workflow{}, fmt.Errorf("job %s needs %s, which is not a job of the workflow", id, n)
			}
		}
		w.Jobs[id] = job
	}
	return w, nil
}

// Job results, as needs.<job>.result gives them.
const (
	Success = "success"
	Failure = "failure"
	Skipped = "skipped"
)

// Scenario is what the jobs that run do: their outputs, and which fail.
type Scenario struct {
	// Outputs are the outputs of each job when it runs (a skipped job has
	// none).
	Outputs map[string]map[string]string
	// Fail are the jobs that fail when they run.
	Fail map[string]bool
	// EmptyMatrix says, for a job with a matrix, whether its matrix is
	// empty: such a job fails when it runs (GitHub: "Matrix vector 'stack'
	// does not contain any values").
	EmptyMatrix map[string]bool
	// Do, when set, runs each job that runs, in the order GitHub could run
	// them, and gives its outputs and whether it succeeded (Outputs and
	// Fail are then not read): a test that deploys what the jobs deploy.
	Do func(id string, job Job) (outputs map[string]string, ok bool)
}

// Run is what happened: each job's result and the jobs that ran, wave by
// wave (a job is in the first wave after all the jobs it needs have
// completed; each wave sorted by id).
type Run struct {
	// Result is each job's result.
	Result map[string]string
	// Waves are the jobs that ran, in the order they could run.
	Waves [][]string
}

// Ran are the jobs that ran, wave after wave.
func (r Run) Ran() []string {
	var out []string
	for _, w := range r.Waves {
		out = append(out, w...)
	}
	return out
}

// Simulate runs the workflow's job graph for a scenario.
func (w Workflow) Simulate(s Scenario) (Run, error) {
	run := Run{Result: map[string]string{}}
	for len(run.Result) < len(w.Jobs) {
		var ready []string
		for id, j := range w.Jobs {
			if _, done := run.Result[id]; done {
				continue
			}
			if !slices.ContainsFunc(j.Needs, func(n string) bool { _, done := run.Result[n]; return !done }) {
				ready = append(ready, id)
			}
		}
		if len(ready) == 0 {
			return Run{}, fmt.Errorf("the jobs' needs form a cycle")
		}
		slices.Sort(ready)
		results := map[string]string{}
		var wave []string
		for _, id := range ready {
			j := w.Jobs[id]
			runs, err := w.evalIf(j, run.Result, s)
			if err != nil {
				return Run{}, fmt.Errorf("job %s: if: %s: %w", id, j.If, err)
			}
			if runs && s.Do != nil {
				outputs, ok := s.Do(id, j)
				if s.Outputs == nil {
					s.Outputs = map[string]map[string]string{}
				}
				s.Outputs[id] = outputs
				if s.Fail == nil {
					s.Fail = map[string]bool{}
				}
				s.Fail[id] = !ok
			}
			switch {
			case !runs:
				results[id] = Skipped
			case s.Fail[id] || (j.MatrixStack != "" && s.EmptyMatrix[id]):
				results[id] = Failure
				wave = append(wave, id)
			default:
				results[id] = Success
				wave = append(wave, id)
			}
		}
		for id, r := range results {
			run.Result[id] = r
		}
		if len(wave) > 0 {
			run.Waves = append(run.Waves, wave)
		}
	}
	return run, nil
}

// statusFunctions are GitHub's status check functions.
var statusFunctions = []string{"success()", "failure()", "cancelled()", "always()"}

// evalIf evaluates a job's condition once the jobs it needs have completed.
func (w Workflow) evalIf(j Job, results map[string]string, s Scenario) (bool, error) {
	expr := strings.TrimSpace(j.If)
	if inner, ok := strings.CutPrefix(expr, "${{"); ok {
		inner, ok = strings.CutSuffix(inner, "}}")
		if !ok {
			return false, fmt.Errorf("unterminated ${{")
		}
		expr = strings.TrimSpace(inner)
	}
	if expr == "" {
		expr = "success()"
	} else if !slices.ContainsFunc(statusFunctions, func(f string) bool { return strings.Contains(expr, f) }) {
		expr = "success() && (" + expr + ")"
	}
	p := &parser{src: expr, job: j, results: results, scenario: s}
	v, err := p.or()
	if err != nil {
		return false, err
	}
	p.space()
	if p.pos < len(p.src) {
		return false, fmt.Errorf("unexpected %q", p.src[p.pos:])
	}
	return truthy(v), nil
}

// parser evaluates an expression as it reads it.
type parser struct {
	src      string
	pos      int
	job      Job
	results  map[string]string
	scenario Scenario
}

func (p *parser) space() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

func (p *parser) eat(tok string) bool {
	p.space()
	if strings.HasPrefix(p.src[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

func (p *parser) or() (any, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.eat("||") {
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		if !truthy(l) {
			l = r
		}
	}
	return l, nil
}

func (p *parser) and() (any, error) {
	l, err := p.cmp()
	if err != nil {
		return nil, err
	}
	for p.eat("&&") {
		r, err := p.cmp()
		if err != nil {
			return nil, err
		}
		if truthy(l) {
			l = r
		}
	}
	return l, nil
}

func (p *parser) cmp() (any, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		var eq bool
		switch {
		case p.eat("=="):
			eq = true
		case p.eat("!="):
			eq = false
		default:
			return l, nil
		}
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		ls, lok := l.(string)
		rs, rok := r.(string)
		if !lok || !rok {
			return nil, fmt.Errorf("== and != compare strings here")
		}
		// GitHub compares strings ignoring case.
		l = strings.EqualFold(ls, rs) == eq
	}
}

func (p *parser) unary() (any, error) {
	if p.eat("!") {
		v, err := p.unary()
		if err != nil {
			return nil, err
		}
		return !truthy(v), nil
	}
	if p.eat("(") {
		v, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, fmt.Errorf("missing )")
		}
		return v, nil
	}
	p.space()
	if p.eat("'") {
		end := strings.IndexByte(p.src[p.pos:], '\'')
		if end < 0 {
			return nil, fmt.Errorf("unterminated string")
		}
		v := p.src[p.pos : p.pos+end]
		p.pos += end + 1
		return v, nil
	}
	start := p.pos
	for p.pos < len(p.src) && (isWord(p.src[p.pos]) || p.src[p.pos] == '.') {
		p.pos++
	}
	word := p.src[start:p.pos]
	if p.eat("()") {
		return p.status(word)
	}
	parts := strings.Split(word, ".")
	if len(parts) >= 3 && parts[0] == "needs" {
		job := parts[1]
		if !slices.Contains(p.job.Needs, job) {
			return nil, fmt.Errorf("needs.%s: not a job this job needs", job)
		}
		switch {
		case len(parts) == 3 && parts[2] == "result":
			return p.results[job], nil
		case len(parts) == 4 && parts[2] == "outputs":
			if p.results[job] == Skipped {
				return "", nil
			}
			return p.scenario.Outputs[job][parts[3]], nil
		}
	}
	return nil, fmt.Errorf("%q is not understood", p.src[start:])
}

// status evaluates a status check function for a job: over the jobs it
// needs (no run is cancelled here).
func (p *parser) status(name string) (any, error) {
	switch name {
	case "always":
		return true, nil
	case "cancelled":
		return false, nil
	case "success":
		return !slices.ContainsFunc(p.job.Needs, func(n string) bool { return p.results[n] != Success }), nil
	case "failure":
		return slices.ContainsFunc(p.job.Needs, func(n string) bool { return p.results[n] == Failure }), nil
	}
	return nil, fmt.Errorf("function %s() is not understood", name)
}

func isWord(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// truthy is GitHub's coercion to a boolean: false, "" and null are false.
func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return v != ""
	}
	return v != nil
}
