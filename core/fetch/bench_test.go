package fetch_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core/fetch"
	"github.com/regtracker/regtracker/core/jenkins"
	"github.com/regtracker/regtracker/core/jenkins/jenkinstest"
	"github.com/regtracker/regtracker/core/junit/junitgen"
	"github.com/regtracker/regtracker/core/monitor"
	"github.com/regtracker/regtracker/core/store/sqlite"
)

// BenchmarkFetch1M downloads a 1,000,000-case artifact (about 155 MB) from a loopback
// Jenkins into a fresh database, through the spool and the cache, and reports the
// process's peak memory: it must stay within the importer's budget.
func BenchmarkFetch1M(b *testing.B) {
	dir := b.TempDir()
	report := filepath.Join(dir, "TEST-big.xml")
	f, err := os.Create(report)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := junitgen.Write(f, junitgen.Spec{Cases: 1_000_000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(report)
	srv := jenkinstest.New("ci", "s3cret")
	defer srv.Close()
	srv.AddBuild("vpn", &jenkinstest.Build{Number: 1, Result: "SUCCESS", ArtifactFiles: map[string]string{"TEST-big.xml": report}})
	client, err := jenkins.New(jenkins.Config{URL: srv.BaseURL(), User: "ci", Token: "s3cret"})
	if err != nil {
		b.Fatal(err)
	}
	var peak monitor.Peak
	sampling, stop := context.WithCancel(context.Background())
	go peak.SampleEvery(sampling, 50*time.Millisecond)
	b.SetBytes(fi.Size())
	var cases int64
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		st, err := sqlite.Open(context.Background(), filepath.Join(dir, "db", string(rune('a'+i)), "t.db"))
		if err != nil {
			b.Fatal(err)
		}
		cache := &jenkins.Cache{Dir: filepath.Join(dir, "cache", string(rune('a'+i)))}
		b.StartTimer()
		res, err := fetch.Fetch(context.Background(), client, cache, st, fetch.Options{JenkinsJob: "vpn", Into: into, Build: 1})
		if err != nil || len(res.Imported) != 1 {
			b.Fatal(err, res.Failed)
		}
		b.StopTimer()
		st.Close()
		cache.Clear()
		b.StartTimer()
		cases += res.Imported[0].Tests
	}
	stop()
	rss, heap := peak.Max()
	b.ReportMetric(float64(cases)/b.Elapsed().Seconds(), "cases/s")
	b.ReportMetric(float64(rss)/(1<<20), "peakRSS-MiB")
	b.ReportMetric(float64(heap)/(1<<20), "peakHeap-MiB")
}
