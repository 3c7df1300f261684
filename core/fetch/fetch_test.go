package fetch_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/fetch"
	"github.com/regtracker/regtracker/core/jenkins"
	"github.com/regtracker/regtracker/core/jenkins/jenkinstest"
	"github.com/regtracker/regtracker/core/junit/junitgen"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/sqlite"
)

var ctx = context.Background()

func report(t *testing.T, cases int, seed uint64) ([]byte, core.Counts) {
	t.Helper()
	var buf bytes.Buffer
	c, err := junitgen.Write(&buf, junitgen.Spec{Cases: cases, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), c
}

func gz(data []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

func add(a, b core.Counts) core.Counts {
	return core.Counts{Tests: a.Tests + b.Tests, Passed: a.Passed + b.Passed, Failed: a.Failed + b.Failed,
		Errors: a.Errors + b.Errors, Skipped: a.Skipped + b.Skipped, Flaky: a.Flaky + b.Flaky}
}

func same(a, b core.Counts) bool {
	a.Duration, b.Duration = 0, 0
	return a == b
}

type setup struct {
	srv    *jenkinstest.Server
	client *jenkins.Client
	cache  *jenkins.Cache
	st     store.Store
	want   map[int64]core.Counts
}

const job = "team/vpn/nightly"

var into = core.ModuleRef{Release: "7.0", Module: "vpn"}

func newSetup(t *testing.T) *setup {
	t.Helper()
	s := &setup{srv: jenkinstest.New("ci", "s3cret"), want: map[int64]core.Counts{}}
	t.Cleanup(s.srv.Close)
	a, ca := report(t, 500, 1)
	b, cb := report(t, 300, 2)
	s.srv.AddBuild(job, &jenkinstest.Build{Number: 9, Result: "SUCCESS", Artifacts: map[string][]byte{"reports/TEST-a.xml": a}})
	s.srv.AddBuild(job, &jenkinstest.Build{Number: 10, Result: "UNSTABLE", Artifacts: map[string][]byte{
		"target/reports/TEST-a.xml": a, "target/reports/TEST-b.xml.gz": gz(b), "target/readme.txt": []byte("not a report"),
	}})
	s.want[10] = ca // the default glob, **/*.xml, leaves the .xml.gz out
	s.want[-10] = add(ca, cb)
	s.srv.AddBuild(job, &jenkinstest.Build{Number: 11, Result: "FAILURE", TestReport: jenkinstest.TestReport([]jenkinstest.Case{
		{ClassName: "a.B", Name: "p", Status: "PASSED"}, {ClassName: "a.B", Name: "f", Status: "FAILED", ErrorDetails: "boom"},
		{ClassName: "a.B", Name: "r", Status: "REGRESSION"}, {ClassName: "a.C", Name: "x", Status: "FIXED"},
		{ClassName: "a.C", Name: "s", Status: "SKIPPED"},
	})})
	s.want[11] = core.Counts{Tests: 5, Passed: 2, Failed: 2, Skipped: 1}
	s.srv.AddBuild(job, &jenkinstest.Build{Number: 12, Building: true})
	s.srv.AddBuild(job, &jenkinstest.Build{Number: 13, Result: "SUCCESS", Artifacts: map[string][]byte{"TEST-a.xml": a}, BreakAfter: len(a) / 2})
	s.srv.AddBuild(job, &jenkinstest.Build{Number: 14, Result: "ABORTED"})
	var err error
	s.client, err = jenkins.New(jenkins.Config{URL: s.srv.BaseURL(), User: "ci", Token: "s3cret", RetryWait: time.Millisecond, StallTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s.cache = &jenkins.Cache{Dir: t.TempDir(), Limit: 1 << 30}
	s.st, err = sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.st.Close() })
	return s
}

func TestFetchLastBuilds(t *testing.T) {
	s := newSetup(t)
	// Build 9 is imported already.
	if _, err := fetch.Fetch(ctx, s.client, s.cache, s.st, fetch.Options{JenkinsJob: job, Into: into, Build: 9}); err != nil {
		t.Fatal(err)
	}
	res, err := fetch.Fetch(ctx, s.client, s.cache, s.st, fetch.Options{JenkinsJob: job, Into: into, Last: 10})
	if err != nil {
		t.Fatal(err)
	}
	var imported []int64
	for _, j := range res.Imported {
		imported = append(imported, j.Number)
		if !same(j.Counts, s.want[j.Number]) {
			t.Errorf("build %d: %+v, want %+v", j.Number, j.Counts, s.want[j.Number])
		}
		if j.JobRef.ModuleRef != into || !strings.Contains(j.Source, job+" #") {
			t.Errorf("job %+v", j.JobRef)
		}
	}
	if !reflect.DeepEqual(imported, []int64{10, 11}) {
		t.Errorf("imported %v", imported)
	}
	if want := []fetch.Skipped{{9, "already imported"}, {12, "still running"}}; !reflect.DeepEqual(res.Skipped, want) {
		t.Errorf("skipped %+v", res.Skipped)
	}
	if len(res.Failed) != 2 || res.Failed[0].Number != 13 || res.Failed[1].Number != 14 ||
		!strings.Contains(res.Failed[0].Err.Error(), "unexpected EOF") || !strings.Contains(res.Failed[1].Err.Error(), "no JUnit test report") {
		t.Errorf("failed %+v", res.Failed)
	}
	// Nothing of the failed builds is in the database.
	for _, n := range []int64{13, 14} {
		if _, err := s.st.Job(ctx, core.JobRef{ModuleRef: into, Number: n}); err == nil {
			t.Errorf("build %d left a job", n)
		}
	}
	// Every request carried the credentials, and none was refused.
	for _, r := range s.srv.Requests() {
		if !r.OK {
			t.Errorf("request without credentials: %+v", r)
		}
	}
}

func TestFetchAgainFromTheCacheWithoutTheServer(t *testing.T) {
	s := newSetup(t)
	if _, err := fetch.Fetch(ctx, s.client, s.cache, s.st, fetch.Options{JenkinsJob: job, Into: into, Build: 10}); err != nil {
		t.Fatal(err)
	}
	s.srv.Close()
	res, err := fetch.Fetch(ctx, s.client, s.cache, s.st, fetch.Options{JenkinsJob: job, Into: into, Build: 10, Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Imported) != 1 || !same(res.Imported[0].Counts, s.want[10]) {
		t.Errorf("offline re-import: %+v", res)
	}
}

func TestFetchGlobSelectsGzippedReports(t *testing.T) {
	s := newSetup(t)
	res, err := fetch.Fetch(ctx, s.client, s.cache, s.st, fetch.Options{JenkinsJob: job, Into: into, Build: 10, Glob: "target/reports/TEST-*"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Imported) != 1 || !same(res.Imported[0].Counts, s.want[-10]) {
		t.Errorf("%+v", res)
	}
}

func TestFetchErrorsBeforeAnyBuild(t *testing.T) {
	s := newSetup(t)
	bad, _ := jenkins.New(jenkins.Config{URL: s.srv.BaseURL(), User: "ci", Token: "nope", RetryWait: time.Millisecond})
	_, err := fetch.Fetch(ctx, bad, s.cache, s.st, fetch.Options{JenkinsJob: job, Into: into})
	if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "nope") {
		t.Errorf("wrong token: %v", err)
	}
	_, err = fetch.Fetch(ctx, s.client, s.cache, s.st, fetch.Options{JenkinsJob: "team/none", Into: into, Last: 3})
	if !jenkins.IsNotFound(err) {
		t.Errorf("missing job: %v", err)
	}
}

func TestFetchStalledDownloadFails(t *testing.T) {
	s := newSetup(t)
	a, _ := report(t, 200, 3)
	s.srv.AddBuild(job, &jenkinstest.Build{Number: 20, Result: "SUCCESS", Artifacts: map[string][]byte{"TEST-a.xml": a}, Stall: 3 * time.Second})
	start := time.Now()
	res, err := fetch.Fetch(ctx, s.client, s.cache, s.st, fetch.Options{JenkinsJob: job, Into: into, Build: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 1 || !strings.Contains(res.Failed[0].Err.Error(), "stalled") {
		t.Errorf("%+v", res)
	}
	if took := time.Since(start); took > 2500*time.Millisecond {
		t.Errorf("the stalled download took %v to fail with a 500 ms stall timeout", took)
	}
}

func TestFetchLatestIsTheLastCompletedBuild(t *testing.T) {
	s := newSetup(t)
	res, err := fetch.Fetch(ctx, s.client, s.cache, s.st, fetch.Options{JenkinsJob: job, Into: into})
	if err != nil {
		t.Fatal(err)
	}
	// 14 is the last completed build, and has no report.
	if len(res.Failed) != 1 || res.Failed[0].Number != 14 {
		t.Errorf("%+v", res)
	}
}

func TestFetchChosenBuildsThenOnlyNewOnes(t *testing.T) {
	s := newSetup(t)
	res, err := fetch.Fetch(ctx, s.client, s.cache, s.st, fetch.Options{JenkinsJob: job, Into: into, Builds: []int64{9, 11}})
	if err != nil || len(res.Imported) != 2 || res.Imported[0].Number != 9 || res.Imported[1].Number != 11 {
		t.Fatalf("chosen builds: %+v %v", res, err)
	}
	a, _ := report(t, 100, 7)
	s.srv.AddBuild(job, &jenkinstest.Build{Number: 15, Result: "SUCCESS", Artifacts: map[string][]byte{"TEST-a.xml": a}})
	res, err = fetch.Fetch(ctx, s.client, s.cache, s.st, fetch.Options{JenkinsJob: job, Into: into, NewOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	// Above 11: 12 is running, 13 breaks, 14 has no report, 15 is new and good.
	if len(res.Imported) != 1 || res.Imported[0].Number != 15 || len(res.Failed) != 2 || len(res.Skipped) != 1 {
		t.Errorf("new builds: %+v", res)
	}
}
