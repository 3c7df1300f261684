package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/core/junit/junitgen"
	"github.com/regtracker/regtracker/core/monitor"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/postgres"
	"github.com/regtracker/regtracker/core/store/postgres/pgtest"
	"github.com/regtracker/regtracker/core/store/sqlite"
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
	pgtest.Stop()
	if genDir != "" {
		os.RemoveAll(genDir)
	}
	os.Exit(code)
}

// importFunc imports the report at path into a job of st.
type importFunc func(ctx context.Context, st store.Store, path string, ref core.JobRef) (core.Job, error)

func streaming(ctx context.Context, st store.Store, path string, ref core.JobRef) (core.Job, error) {
	return importer.Import(ctx, st, []string{path}, importer.Options{Job: ref})
}

// benchmarkImport imports the report into a fresh database each iteration (all test
// identities new: the slowest case) and reports cases/s and the process's peak memory,
// sampled every 50 ms.
func benchmarkImport(b *testing.B, path string, fn importFunc) {
	benchmarkImportInto(b, path, fn, func() (store.Store, error) {
		return sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	})
}

// benchmarkImportInto is benchmarkImport into the stores open makes.
func benchmarkImportInto(b *testing.B, path string, fn importFunc, open func() (store.Store, error)) {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	var peak monitor.Peak
	sampling, stop := context.WithCancel(context.Background())
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		peak.SampleEvery(sampling, 50*time.Millisecond)
	}()
	ref := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 1}
	var cases int64
	for b.Loop() {
		b.StopTimer()
		st, err := open()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		job, err := fn(context.Background(), st, path, ref)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
		cases += job.Tests
	}
	stop()
	<-sampled
	rss, heap := peak.Max()
	b.ReportMetric(float64(cases)/b.Elapsed().Seconds(), "cases/s")
	b.ReportMetric(float64(rss)/(1<<20), "peakRSS-MiB")
	b.ReportMetric(float64(heap)/(1<<20), "peakHeap-MiB")
}

// BenchmarkImport1M is the end-to-end budget: 1,000,000 cases, about 150 MB, 3% failures
// with stack traces.
func BenchmarkImport1M(b *testing.B) {
	benchmarkImport(b, generated(b, "1m.xml", junitgen.Spec{Cases: 1_000_000, Seed: 1}), streaming)
}

// BenchmarkImport1MPostgres is BenchmarkImport1M into a new database of a local
// PostgreSQL server (see pgtest: a throwaway cluster, or $REGTRACKER_TEST_POSTGRES).
func BenchmarkImport1MPostgres(b *testing.B) {
	path := generated(b, "1m.xml", junitgen.Spec{Cases: 1_000_000, Seed: 1})
	benchmarkImportInto(b, path, streaming, func() (store.Store, error) {
		return postgres.Open(context.Background(), pgtest.URL(b))
	})
}

// BenchmarkImportHugeSystemOut: 1,000 cases, one of which has a 300 MB <system-out>.
func BenchmarkImportHugeSystemOut(b *testing.B) {
	benchmarkImport(b, generated(b, "bigout.xml", junitgen.Spec{Cases: 1000, SystemOutBytes: 300 << 20, Seed: 1}), streaming)
}
