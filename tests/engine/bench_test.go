package engine

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Engine benchmarks: wall time of preview and up per committed stack under
// the real engine with the simulated AWS, and the provider processes each
// operation starts. Run them with
//
//	cd tests/engine && go test -run '^$' -bench . -benchtime 5x
//
// and keep the figures in BENCHMARKS.md.

func benchStack(b *testing.B, name string, opts ...stackOption) *engineStack {
	b.Helper()
	if name == "prod" {
		opts = append(opts, withSeed(seedProdNetworks))
	}
	return newEngineStack(b, name, opts...)
}

func benchPreview(b *testing.B, name string, opts ...stackOption) {
	s := benchStack(b, name, opts...)
	processes := 0
	var engine time.Duration
	b.ResetTimer()
	for range b.N {
		r := s.preview()
		if r.err != nil {
			b.Fatalf("preview: %v\n%s", r.err, r.out)
		}
		processes += r.processes
		engine += r.elapsed
	}
	b.ReportMetric(float64(processes)/float64(b.N), "providers/op")
	// ns/op includes the harness granting the printed roles before each op;
	// engine-s/op is the operation alone, what a user waits for.
	b.ReportMetric(engine.Seconds()/float64(b.N), "engine-s/op")
}

func BenchmarkPreviewDev(b *testing.B)  { benchPreview(b, "dev") }
func BenchmarkPreviewProd(b *testing.B) { benchPreview(b, "prod") }

// BenchmarkPreviewDevLanguageHost runs the prebuilt main.go through the Go
// language host (stand-in): the real host would add a go build per preview.
func BenchmarkPreviewDevLanguageHost(b *testing.B) { benchPreview(b, "dev", throughLanguageHost()) }

func benchUp(b *testing.B, name string) {
	processes := 0
	var engine time.Duration
	for range b.N {
		b.StopTimer()
		s := benchStack(b, name)
		b.StartTimer()
		r := s.up()
		if r.err != nil {
			b.Fatalf("up: %v\n%s", r.err, r.out)
		}
		processes += r.processes
		engine += r.elapsed
	}
	b.ReportMetric(float64(processes)/float64(b.N), "providers/op")
	b.ReportMetric(engine.Seconds()/float64(b.N), "engine-s/op")
}

func BenchmarkUpDev(b *testing.B)  { benchUp(b, "dev") }
func BenchmarkUpProd(b *testing.B) { benchUp(b, "prod") }

// BenchmarkPreviewDevPrebuiltProject previews the folder `make prebuilt`
// makes: the program binary comes from runtime.options.binary.
func BenchmarkPreviewDevPrebuiltProject(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "prebuilt")
	if out, err := exec.Command("make", "-C", repoRoot, "prebuilt", "PREBUILT="+dir).CombinedOutput(); err != nil {
		b.Fatalf("make prebuilt: %v\n%s", err, out)
	}
	benchPreview(b, "dev", inProjectDir(dir))
}
