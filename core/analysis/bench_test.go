package analysis

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/core/junit/junitgen"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/sqlite"
)

// Benchmark databases are built once per test binary.
var (
	benchOnce  = map[string]*sync.Once{"big": {}, "long": {}}
	benchPaths = map[string]string{}
	benchDir   string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchStore(b *testing.B, name string, build func(store.Store)) store.Store {
	benchOnce[name].Do(func() {
		if benchDir == "" {
			d, err := os.MkdirTemp("", "regtracker-analysis-")
			if err != nil {
				b.Fatal(err)
			}
			benchDir = d
		}
		p := filepath.Join(benchDir, name+".db")
		s, err := sqlite.Open(context.Background(), p)
		if err != nil {
			b.Fatal(err)
		}
		build(s)
		s.Close()
		benchPaths[name] = p
	})
	s, err := sqlite.Open(context.Background(), benchPaths[name])
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func importGenerated(b *testing.B, s store.Store, ref string, spec junitgen.Spec) {
	var buf bytes.Buffer
	if _, err := junitgen.Write(&buf, spec); err != nil {
		b.Fatal(err)
	}
	if _, err := importer.ImportReader(context.Background(), s, ref, &buf, int64(buf.Len()), importer.Options{Job: jobRef(ref)}); err != nil {
		b.Fatal(err)
	}
}

// bigPair: two jobs of 1,000,000 tests with independent failures (3% failed, 0.5%
// errors, 1% skipped each): about 33,000 regressions, as many fixed.
func bigPair(b *testing.B) store.Store {
	return benchStore(b, "big", func(s store.Store) {
		importGenerated(b, s, "7.0/vpn/1", junitgen.Spec{Cases: 1_000_000, Seed: 1})
		importGenerated(b, s, "7.0/vpn/2", junitgen.Spec{Cases: 1_000_000, Seed: 2})
	})
}

// longModule: 500 jobs of 200 tests.
func longModule(b *testing.B) store.Store {
	return benchStore(b, "long", func(s store.Store) {
		for n := 1; n <= 500; n++ {
			importGenerated(b, s, "7.0/ike/"+itoa(n), junitgen.Spec{Cases: 200, CasesPerClass: 20, Seed: uint64(n), FailureRate: 0.1})
		}
		if _, err := Trend(context.Background(), s, core.ModuleRef{Release: "7.0", Module: "ike"}); err != nil {
			b.Fatal(err)
		}
	})
}

func itoa(n int) string { return string(appendInt(nil, n)) }

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

// BenchmarkRegressions1M compares two jobs of a million tests, names and messages of
// every listed test included.
func BenchmarkRegressions1M(b *testing.B) {
	s := bigPair(b)
	var listed int
	for b.Loop() {
		c, err := Compare(context.Background(), s, jobRef("7.0/vpn/2"), nil)
		if err != nil {
			b.Fatal(err)
		}
		listed = len(c.Regressions) + len(c.Fixed) + len(c.StillFailing) + len(c.NewFailures)
	}
	b.ReportMetric(float64(listed), "listed")
}

// BenchmarkTrend500Jobs: the trend of a module of 500 jobs, counts kept.
func BenchmarkTrend500Jobs(b *testing.B) {
	s := longModule(b)
	for b.Loop() {
		points, err := Trend(context.Background(), s, core.ModuleRef{Release: "7.0", Module: "ike"})
		if err != nil || len(points) != 500 {
			b.Fatal(len(points), err)
		}
	}
}

// BenchmarkHistory500Jobs: one test's history across 500 jobs.
func BenchmarkHistory500Jobs(b *testing.B) {
	s := longModule(b)
	test := core.TestID{Classname: "com.example.vpn.tunnel.Feature00000Test", Name: "testConnectCase000000"}
	for b.Loop() {
		h, err := TestHistory(context.Background(), s, core.ModuleRef{Release: "7.0", Module: "ike"}, test)
		if err != nil || len(h.Runs) != 500 {
			b.Fatal(len(h.Runs), err)
		}
	}
}

// BenchmarkHistory1M: one test's history in the module of two 1M-test jobs.
func BenchmarkHistory1M(b *testing.B) {
	s := bigPair(b)
	test := core.TestID{Classname: "com.example.vpn.ha.Feature09999Test", Name: "testRenewCase999999"}
	for b.Loop() {
		h, err := TestHistory(context.Background(), s, core.ModuleRef{Release: "7.0", Module: "vpn"}, test)
		if err != nil || len(h.Runs) != 2 {
			b.Fatal(len(h.Runs), err)
		}
	}
}

// BenchmarkSlower1M: slower tests of a 1M-test job whose module has one job before it.
func BenchmarkSlower1M(b *testing.B) {
	s := bigPair(b)
	for b.Loop() {
		if _, err := Slower(context.Background(), s, jobRef("7.0/vpn/2"), 2, 0.5); err != nil {
			b.Fatal(err)
		}
	}
}
