package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xaccount/xaccount-api/internal/plan"
)

// BenchmarkTypeScriptPeer compares the Go program as users run it (the
// Pulumi CLI, `pulumi preview` / `pulumi up --skip-preview` in a project
// folder whose Pulumi.yaml has runtime.options.buildTarget, through the
// stand-in Go language host, which runs `go build` as the real one does and
// finds the program up to date) with its TypeScript peer (tsbench/peer.js:
// the same resources through @pulumi/aws 6.83.4, an inline program of the
// Node.js Automation API) against the same CLI and simulated AWS. Each
// operation's wall time and the peak resident memory of its whole process
// tree (CLI, language host or Node.js, program, providers) are measured;
// the medians of b.N runs are reported with the ratios Go/TypeScript.
//
//	make tsbench-deps   # npm ci in tests/engine/tsbench (once)
//	cd tests/engine && go test -run '^$' -bench TypeScriptPeer -benchtime 3x -timeout 60m
//
// Previews run on a stack that exists (one warm-up preview first); each up
// creates a fresh stack in a fresh simulated cloud.
func BenchmarkTypeScriptPeer(b *testing.B) {
	node, err := exec.LookPath("node")
	if err != nil {
		b.Skip("node is not on PATH: the TypeScript peer needs Node.js")
	}
	peerDir := filepath.Join(repoRoot, "tests", "engine", "tsbench")
	if _, err := os.Stat(filepath.Join(peerDir, "node_modules", "@pulumi", "aws")); err != nil {
		b.Skip("tests/engine/tsbench/node_modules is missing: run make tsbench-deps (npm ci)")
	}
	project := peerProject(b)
	for _, size := range []struct {
		name string
		file []byte
	}{
		{"consumers=1", peerStackFile(1, 1)},
		{"consumers=10", peerStackFile(10, 1)},
		{"consumers=50", peerStackFile(50, 1)},
		{"routes=50", peerStackFile(1, 50)},
	} {
		for _, op := range []string{"preview", "up"} {
			b.Run(size.name+"/"+op, func(b *testing.B) {
				var goRuns, tsRuns []treeRun
				var goSteps, tsSteps int
				var goStack *engineStack
				var ts *tsPeer
				if op == "preview" {
					goStack, ts = peerPair(b, size.file)
					goSteps = mustTree(b, "go warm-up", goCLI(b, goStack, project, op)).steps
					tsSteps = mustTree(b, "typescript warm-up", tsNode(b, ts, node, peerDir, op)).steps
				}
				b.ResetTimer()
				for range b.N {
					b.StopTimer()
					if op == "up" {
						goStack, ts = peerPair(b, size.file)
					}
					b.StartTimer()
					g := mustTree(b, "go", goCLI(b, goStack, project, op))
					t := mustTree(b, "typescript", tsNode(b, ts, node, peerDir, op))
					if op == "up" {
						g.steps, t.steps = stateResources(b, goStack.backend), stateResources(b, ts.stack.backend)
					}
					goRuns, tsRuns = append(goRuns, g.treeRun), append(tsRuns, t.treeRun)
					goSteps, tsSteps = g.steps, t.steps
				}
				b.StopTimer()
				if goSteps != tsSteps {
					b.Fatalf("the peers differ: the Go program has %d resource steps, the TypeScript one %d", goSteps, tsSteps)
				}
				goTime, tsTime := medianTime(goRuns), medianTime(tsRuns)
				goMem, tsMem := medianPeak(goRuns), medianPeak(tsRuns)
				b.ReportMetric(goTime.Seconds(), "go-s")
				b.ReportMetric(tsTime.Seconds(), "ts-s")
				b.ReportMetric(goTime.Seconds()/tsTime.Seconds(), "time-ratio")
				b.ReportMetric(float64(goMem)/1e6, "go-MB")
				b.ReportMetric(float64(tsMem)/1e6, "ts-MB")
				b.ReportMetric(float64(goMem)/float64(tsMem), "mem-ratio")
				b.ReportMetric(float64(goSteps), "steps")
				b.Logf("peak resident memory per command, last run: go %s; typescript %s", byCommand(goRuns), byCommand(tsRuns))
			})
		}
	}
}

// peerStackFile is a stack file with n consumer accounts (each a new VPC,
// no probe) and routes mock routes.
func peerStackFile(n, routes int) []byte {
	var sb strings.Builder
	sb.WriteString("config:\n  pulumi:disable-default-providers: [\"*\"]\n  xaccount-api:region: eu-west-1\n")
	sb.WriteString("  xaccount-api:producer:\n    accountId: \"111111111111\"\n    profile: producer\n  xaccount-api:consumers:\n")
	for i := range n {
		fmt.Fprintf(&sb, "    - {name: c%d, accountId: \"%012d\", profile: c%d, vpc: {cidr: 10.%d.%d.0/24}}\n", i, 200000000000+i, i, i/256, i%256)
	}
	sb.WriteString("  xaccount-api:api:\n    accessLogs: {createAccountRole: false}\n    routes:\n")
	for i := range routes {
		path := "/"
		if i > 0 {
			path = fmt.Sprintf("/r%d", i)
		}
		fmt.Fprintf(&sb, "      - {path: %q, method: GET, integration: {type: mock}}\n", path)
	}
	return []byte(sb.String())
}

var peerStackSeq int
var peerProjectOnce sync.Once
var peerProjectDir string

// peerProject is a copy of the program's sources and Pulumi.yaml (with its
// buildTarget), the folder a user runs pulumi in.
func peerProject(b *testing.B) string {
	peerProjectOnce.Do(func() {
		dir, err := os.MkdirTemp("", "xaccount-peer-project-")
		if err != nil {
			b.Fatal(err)
		}
		files, err := exec.Command("git", "-C", repoRoot, "ls-files", "go.mod", "go.sum", "main.go", "Pulumi.yaml", "components", "internal").Output()
		if err != nil {
			b.Fatalf("git ls-files: %v", err)
		}
		for _, f := range strings.Fields(string(files)) {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
				b.Fatal(err)
			}
			copyFile(b, filepath.Join(repoRoot, f), filepath.Join(dir, f))
		}
		// What the first pulumi command after a change does: later ones, the
		// measured ones, find the program up to date, as for a user.
		target := filepath.Join(dir, ".cache", "bin", "xaccount-api")
		if out, err := goCmd(dir, "build", "-o", target, ".").CombinedOutput(); err != nil {
			b.Fatalf("go build in the peer project: %v\n%s", err, out)
		}
		peerProjectDir = dir
	})
	if peerProjectDir == "" {
		b.Fatal("the peer project could not be made")
	}
	return peerProjectDir
}

// tsPeer is the TypeScript peer's side of a pair: its stack's environment,
// the Go program's offline plan of the same file, which it registers, and
// its Automation API work folder.
type tsPeer struct {
	stack    *engineStack
	planFile string
	workDir  string
}

// peerPair makes two fresh stacks of the same file, each with its own
// backend and simulated cloud and the roles it prints granted: one for
// each peer.
func peerPair(b *testing.B, file []byte) (*engineStack, *tsPeer) {
	peerStackSeq++
	name := fmt.Sprintf("peer%d", peerStackSeq)
	goStack := newEngineStack(b, name, withStackFile(file))
	ts := &tsPeer{stack: newEngineStack(b, name, withStackFile(file)), planFile: filepath.Join(b.TempDir(), "plan.json"), workDir: b.TempDir()}
	goStack.grantPrintedRoles()
	ts.stack.grantPrintedRoles()
	raw, err := plan.ReadConfigFile(filepath.Join(ts.stack.workDir, "Pulumi."+name+".yaml"))
	if err != nil {
		b.Fatal(err)
	}
	p, err := plan.Run(name, raw)
	if err != nil {
		b.Fatal(err)
	}
	js, err := p.JSON()
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(ts.planFile, js, 0o600); err != nil {
		b.Fatal(err)
	}
	return goStack, ts
}

// stackEnv is the environment a process needs to act on s: the engine
// tests' base, s's backend, simulated cloud, AWS config and caller.
func stackEnv(b testing.TB, s *engineStack) []string {
	env := map[string]string{}
	for k, v := range baseEnv {
		env[k] = v
	}
	for k, v := range s.stack.Workspace().GetEnvVars() {
		env[k] = v
	}
	if env["PULUMI_BACKEND_URL"] == "" {
		b.Fatal("the stack has no backend in its environment")
	}
	return environ(env)
}

// goCLI is `pulumi preview` or `pulumi up --yes --skip-preview` of s in
// the project folder, as a user types it (the Automation API's up skips
// the preview too).
func goCLI(b *testing.B, s *engineStack, project, op string) *exec.Cmd {
	copyFile(b, filepath.Join(s.workDir, "Pulumi."+s.name+".yaml"), filepath.Join(project, "Pulumi."+s.name+".yaml"))
	return cliIn(b, s, project, op)
}

// tsNode runs the TypeScript peer on its plan.
func tsNode(b *testing.B, ts *tsPeer, node, peerDir, op string) *exec.Cmd {
	cmd := exec.Command(node, filepath.Join(peerDir, "peer.js")) //nolint:gosec // the peer program of this repository
	cmd.Env = append(stackEnv(b, ts.stack), "PEER_PLAN="+ts.planFile, "PEER_STACK="+ts.stack.name+"-ts",
		"PEER_WORKDIR="+ts.workDir, "PEER_OP="+op, "PEER_CLI_ROOT="+cliRoot)
	return cmd
}

// peerRun is a measured run and how many resource steps it reported.
type peerRun struct {
	treeRun
	steps int
}

// mustTree runs cmd measured and fails the benchmark if it fails; it
// counts the resource steps (creates and sames, the stack excluded) the
// run reports.
func mustTree(b *testing.B, what string, cmd *exec.Cmd) peerRun {
	b.Helper()
	r := runTree(cmd)
	if r.err != nil {
		b.Fatalf("%s %s: %v\n%s", what, strings.Join(cmd.Args, " "), r.err, r.out)
	}
	return peerRun{treeRun: r, steps: countSteps(r.out)}
}

// countSteps reads the step counts from the CLI's --json preview, the
// Automation API summary line of the peer, or the CLI's up summary.
func countSteps(out []byte) int {
	var counts map[string]int
	var preview struct {
		ChangeSummary map[string]int `json:"changeSummary"`
	}
	if json.Unmarshal(out, &preview) == nil && preview.ChangeSummary != nil {
		counts = preview.ChangeSummary
	}
	for _, line := range strings.Split(string(out), "\n") {
		var peer struct {
			Steps map[string]int `json:"steps"`
		}
		if json.Unmarshal([]byte(line), &peer) == nil && peer.Steps != nil {
			counts = peer.Steps
		}
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	return total
}

// stateResources counts the resources in the one stack state of a file
// backend, the stack resource and providers excluded.
func stateResources(b *testing.B, backend string) int {
	files, err := filepath.Glob(filepath.Join(backend, ".pulumi", "stacks", "*", "*.json"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no stack state in %s: %v", backend, err)
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var state struct {
			Checkpoint struct {
				Latest struct {
					Resources []struct {
						Type string `json:"type"`
					} `json:"resources"`
				} `json:"latest"`
			} `json:"checkpoint"`
		}
		if err := json.Unmarshal(data, &state); err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		for _, r := range state.Checkpoint.Latest.Resources {
			if r.Type != "pulumi:pulumi:Stack" && !strings.HasPrefix(r.Type, "pulumi:providers:") {
				n++
			}
		}
	}
	return n
}

// byCommand renders the last run's per-command peaks, largest first.
func byCommand(runs []treeRun) string {
	last := runs[len(runs)-1].byCommand
	names := make([]string, 0, len(last))
	for n := range last {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return int(last[b] - last[a]) })
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d MB", n, last[n]/1_000_000)
	}
	return strings.Join(parts, ", ")
}

func medianTime(runs []treeRun) time.Duration {
	ds := make([]time.Duration, len(runs))
	for i, r := range runs {
		ds[i] = r.elapsed
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func medianPeak(runs []treeRun) int64 {
	ps := make([]int64, len(runs))
	for i, r := range runs {
		ps[i] = r.peakBytes
	}
	slices.Sort(ps)
	return ps[len(ps)/2]
}
