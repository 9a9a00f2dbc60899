package engine

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkSplitTopology measures one stack with N consumer accounts against
// the split topology (a producer stack and N consumer stacks, linked by
// stack references) through the real engine, the CLI in a project folder
// and the simulated AWS, at N = 1, 10 and 100: the provider processes alive
// at once in any one stack, the wall time of up (for the split: the whole
// three-step bootstrap) and of a no-change preview of every stack, the
// peak resident memory of the largest process tree, and the CPU time of
// all of it. The split is measured running one stack at a time and four.
// Not part of make test (BENCHMARKS.md has the figures):
//
//	cd tests/engine && go test -run '^$' -bench SplitTopology -benchtime 1x -timeout 90m
func BenchmarkSplitTopology(b *testing.B) {
	project := peerProject(b)
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("consumers=%d/single", n), func(b *testing.B) {
			for range b.N {
				s := newEngineStack(b, fmt.Sprintf("single%d", n), withStackFile(peerStackFile(n, 1)))
				s.grantPrintedRoles()
				up := mustTree(b, "up", goCLI(b, s, project, "up")).treeRun
				preview := mustTree(b, "preview", goCLI(b, s, project, "preview")).treeRun
				reportTopology(b, []treeRun{up}, []treeRun{preview}, up.elapsed, preview.elapsed)
			}
		})
		for _, parallel := range []int{1, 4} {
			b.Run(fmt.Sprintf("consumers=%d/split-%d-at-a-time", n, parallel), func(b *testing.B) {
				for range b.N {
					benchSplit(b, project, n, parallel)
				}
			})
		}
	}
}

// benchSplit runs the bootstrap of a producer and n consumer stacks, then
// a preview of each, parallel stacks at a time.
func benchSplit(b *testing.B, project string, n, parallel int) {
	consumers := make([]*engineStack, n)
	for i := range consumers {
		file := benchConsumerFile(i)
		if i == 0 {
			consumers[i] = newEngineStack(b, benchConsumerStack(i), withStackFile(file))
		} else {
			consumers[i] = newEngineStack(b, benchConsumerStack(i), withStackFile(file), besides(consumers[0]))
		}
	}
	producer := newEngineStack(b, "orders", withStackFile(benchProducerFile(n)), besides(consumers[0]))
	for _, s := range append([]*engineStack{producer}, consumers...) {
		s.grantPrintedRoles()
	}
	start := time.Now()
	ups := runStacks(b, project, consumers, "up", parallel) // 1: endpoints only
	ups = append(ups, mustTree(b, "producer up", goCLI(b, producer, project, "up")).treeRun)
	ups = append(ups, runStacks(b, project, consumers, "up", parallel)...) // 3: policies
	upWall := time.Since(start)
	start = time.Now()
	previews := runStacks(b, project, append([]*engineStack{producer}, consumers...), "preview", parallel)
	reportTopology(b, ups, previews, upWall, time.Since(start))
}

// runStacks runs op on every stack, parallel at a time, and returns the
// measured runs; any failure fails the benchmark.
func runStacks(b *testing.B, project string, stacks []*engineStack, op string, parallel int) []treeRun {
	runs := make([]treeRun, len(stacks))
	cmds := make([]func() treeRun, len(stacks))
	for i, s := range stacks {
		cmd := goCLI(b, s, project, op) // copies the stack file: before any runs
		cmds[i] = func() treeRun { return runTree(cmd) }
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i := range stacks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			runs[i] = cmds[i]()
			<-sem
		}()
	}
	wg.Wait()
	for i, r := range runs {
		if r.err != nil {
			b.Fatalf("%s of %s: %v\n%s", op, stacks[i].name, r.err, r.out)
		}
	}
	return runs
}

// reportTopology reports the wall times, the most provider processes alive
// at once in one stack, the largest peak of one process tree and the CPU
// time of every run.
func reportTopology(b *testing.B, ups, previews []treeRun, upWall, previewWall time.Duration) {
	providers, peak := 0, int64(0)
	var cpu time.Duration
	for _, r := range append(append([]treeRun{}, ups...), previews...) {
		for name, alive := range r.alive {
			if strings.HasPrefix(name, "pulumi-resource") {
				providers = max(providers, alive)
			}
		}
		peak = max(peak, r.peakBytes)
		cpu += r.cpu
	}
	b.ReportMetric(upWall.Seconds(), "up-s")
	b.ReportMetric(previewWall.Seconds(), "preview-s")
	b.ReportMetric(float64(providers), "providers/stack")
	b.ReportMetric(float64(peak)/1e6, "peak-MB")
	b.ReportMetric(cpu.Seconds(), "cpu-s")
	b.ReportMetric(float64(len(previews)), "stacks")
}

func benchConsumerStack(i int) string { return fmt.Sprintf("orders-c%d", i) }

// benchConsumerFile is consumer c<i>'s stack file: a new VPC, no probe, as
// in peerStackFile.
func benchConsumerFile(i int) []byte {
	return []byte(fmt.Sprintf(`config:
  pulumi:disable-default-providers: ["*"]
  xaccount-api:stackRole: consumer
  xaccount-api:region: eu-west-1
  xaccount-api:producer: {accountId: "111111111111", stack: organization/xaccount-api/orders}
  xaccount-api:consumers:
    - {name: c%d, accountId: "%012d", profile: c%d, vpc: {cidr: 10.%d.%d.0/24}}
`, i, 200000000000+i, i, i/256, i%256))
}

// benchProducerFile is the producer's stack file listing n consumer stacks.
func benchProducerFile(n int) []byte {
	var sb strings.Builder
	sb.WriteString("config:\n  pulumi:disable-default-providers: [\"*\"]\n  xaccount-api:stackRole: producer\n  xaccount-api:region: eu-west-1\n")
	sb.WriteString("  xaccount-api:producer:\n    accountId: \"111111111111\"\n    profile: producer\n  xaccount-api:consumers:\n")
	for i := range n {
		fmt.Fprintf(&sb, "    - {name: c%d, accountId: \"%012d\", stack: organization/xaccount-api/%s}\n", i, 200000000000+i, benchConsumerStack(i))
	}
	sb.WriteString("  xaccount-api:api:\n    accessLogs: {createAccountRole: false}\n    routes:\n      - {path: \"/\", method: GET, integration: {type: mock}}\n")
	return []byte(sb.String())
}
