package engine

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkComponentProvider measures what the component package costs a
// stack: the dev stack's topology as the Go program (the components in the
// program's process), as the YAML example and as the TypeScript example
// (the components in a pulumi-resource-xaccount process the engine starts),
// each with its own backend, simulated cloud and the dev stack's roles.
// preview is measured on a deployed stack with nothing to change (after a
// warm-up run), up on a fresh stack. It reports each variant's wall time
// and peak resident memory of its whole process tree, and the peak of the
// component provider process alone.
//
//	go test -run '^$' -bench BenchmarkComponentProvider -benchtime 3x -timeout 30m ./tests/engine
func BenchmarkComponentProvider(b *testing.B) {
	node, dir := typescriptExample(b)
	installComponentProvider(b)
	ensureYamlLanguageHost(b)
	project := peerProject(b)
	yamlProject := b.TempDir()
	copyFile(b, filepath.Join(repoRoot, "examples", "yaml", "Pulumi.yaml"), filepath.Join(yamlProject, "Pulumi.yaml"))
	for _, op := range []string{"preview", "up"} {
		b.Run(op, func(b *testing.B) {
			var goRuns, yamlRuns, tsRuns []treeRun
			var goStack, yamlStack *engineStack
			var ts *tsStack
			fresh := func() {
				goStack = newEngineStack(b, "dev")
				goStack.grantPrintedRoles()
				yamlStack = newEngineStack(b, "dev", inProjectDir(yamlProject))
				yamlStack.grantPrintedRoles()
				env := newEngineStack(b, "dev")
				env.grantPrintedRoles()
				ts = &tsStack{t: b, env: env, node: node, dir: dir, name: "ts-dev", workDir: b.TempDir()}
			}
			if op == "preview" {
				fresh()
				mustTree(b, "go up", goCLI(b, goStack, project, "up"))
				mustTree(b, "yaml up", cliIn(b, yamlStack, yamlProject, "up"))
				mustTree(b, "typescript up", ts.command("up", tsDevConfig()))
			}
			b.ResetTimer()
			for range b.N {
				if op == "up" {
					b.StopTimer()
					fresh()
					b.StartTimer()
				}
				goRuns = append(goRuns, mustTree(b, "go", goCLI(b, goStack, project, op)).treeRun)
				yamlRuns = append(yamlRuns, mustTree(b, "yaml", cliIn(b, yamlStack, yamlProject, op)).treeRun)
				tsRuns = append(tsRuns, mustTree(b, "typescript", ts.command(op, tsDevConfig())).treeRun)
			}
			b.StopTimer()
			var providerPeak int64
			for _, r := range append(append([]treeRun{}, yamlRuns...), tsRuns...) {
				providerPeak = max(providerPeak, r.byCommand["pulumi-resource-xaccount"])
			}
			if providerPeak == 0 {
				b.Fatal("no pulumi-resource-xaccount process was seen")
			}
			for name, runs := range map[string][]treeRun{"go": goRuns, "yaml": yamlRuns, "ts": tsRuns} {
				b.ReportMetric(medianTime(runs).Seconds(), name+"-s")
				b.ReportMetric(float64(medianPeak(runs))/1e6, name+"-MB")
			}
			b.ReportMetric(float64(providerPeak)/1e6, "provider-MB")
			b.Logf("peak resident memory per command, last run: go %s; yaml %s; typescript %s", byCommand(goRuns), byCommand(yamlRuns), byCommand(tsRuns))
		})
	}
}

// cliIn is `pulumi preview` or `pulumi up --yes --skip-preview` of s in the
// project folder dir (s's own work folder for a project folder stack).
func cliIn(b *testing.B, s *engineStack, dir, op string) *exec.Cmd {
	args := []string{op, "--non-interactive", "--stack", s.name, "--cwd", dir, "--json"}
	if op == "up" {
		args = append(args, "--yes", "--skip-preview")
	}
	cmd := exec.Command(cliBinary(), args...) //nolint:gosec // the CLI the tests built
	cmd.Env = stackEnv(b, s)
	return cmd
}
