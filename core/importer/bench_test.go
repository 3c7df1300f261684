package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/core/junit/junitgen"
	"github.com/regtracker/regtracker/core/store"
)

// generated reports are written once per test binary and shared by benchmarks.
var (
	genMu    sync.Mutex
	genFiles = map[string]string{}
	genDir   string
)

func generated(b testing.TB, name string, spec junitgen.Spec) string {
	b.Helper()
	genMu.Lock()
	defer genMu.Unlock()
	if p, ok := genFiles[name]; ok {
		return p
	}
	if genDir == "" {
		d, err := os.MkdirTemp("", "regtracker-bench-")
		if err != nil {
			b.Fatal(err)
		}
		genDir = d
	}
	p := filepath.Join(genDir, name)
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := junitgen.Write(f, spec); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	genFiles[name] = p
	return p
}

func TestMain(m *testing.M) {
	code := m.Run()
	if genDir != "" {
		os.RemoveAll(genDir)
	}
	os.Exit(code)
}

// benchmarkImport imports the report into a fresh database each iteration (all test
// identities new: the slowest case) and reports cases/s and the import's peak memory.
func benchmarkImport(b *testing.B, path string) {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	var cases int64
	var peakRSS, peakHeap uint64
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		job, err := importer.Import(context.Background(), st, []string{path},
			importer.Options{Job: core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 1}})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
		cases += job.Tests
		peakRSS, peakHeap = max(peakRSS, job.Stats.PeakRSS), max(peakHeap, job.Stats.PeakHeap)
	}
	b.ReportMetric(float64(cases)/b.Elapsed().Seconds(), "cases/s")
	b.ReportMetric(float64(peakRSS)/(1<<20), "peakRSS-MiB")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peakHeap-MiB")
}

// BenchmarkImport1M is the end-to-end budget: 1,000,000 cases, about 150 MB, 3% failures
// with stack traces.
func BenchmarkImport1M(b *testing.B) {
	benchmarkImport(b, generated(b, "1m.xml", junitgen.Spec{Cases: 1_000_000, Seed: 1}))
}

// BenchmarkImportHugeSystemOut: 1,000 cases, one of which has a 300 MB <system-out>.
func BenchmarkImportHugeSystemOut(b *testing.B) {
	benchmarkImport(b, generated(b, "bigout.xml", junitgen.Spec{Cases: 1000, SystemOutBytes: 300 << 20, Seed: 1}))
}
