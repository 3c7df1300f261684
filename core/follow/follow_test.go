package follow

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/fetch"
	"github.com/regtracker/regtracker/core/jenkins"
	"github.com/regtracker/regtracker/core/jenkins/jenkinstest"
	"github.com/regtracker/regtracker/core/store/sqlite"
)

var ctx = context.Background()

const token = "tok-5e4d3c2b1a"

// world is a Jenkins stand-in with job team/vpn, a database, and the deps to fetch.
type world struct {
	srv  *jenkinstest.Server
	db   *sqlite.Store
	deps Deps
	job  Job
}

func newWorld(t *testing.T) *world {
	t.Helper()
	srv := jenkinstest.New("ci", token)
	t.Cleanup(srv.Close)
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &world{srv: srv, db: db}
	w.deps = Deps{Store: db, Cache: &jenkins.Cache{Dir: t.TempDir()}, Token: func(server, user string) (string, error) {
		if server == srv.BaseURL() && user == "ci" {
			return token, nil
		}
		return "", os.ErrNotExist
	}}
	w.job = Job{Server: srv.BaseURL(), User: "ci", Job: "team/vpn", Into: "7.0/vpn", Follow: true}
	return w
}

func TestListRemembersAndKeepsTheSwitch(t *testing.T) {
	l := Open(filepath.Join(t.TempDir(), "config"))
	if jobs, err := l.Jobs(); err != nil || len(jobs) != 0 {
		t.Fatalf("a new list: %v %v", jobs, err)
	}
	a := Job{Server: "https://ci/", User: "ann", Job: "team/vpn", Into: "7.0/vpn"}
	b := Job{Server: "https://ci/", Job: "team/dns", Into: "7.0/dns", Glob: "**/TEST-*.xml"}
	if err := l.Remember(a); err != nil {
		t.Fatal(err)
	}
	l.Remember(b)
	if err := l.SetFollow(a.Server, a.Job, true, 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	// Remembering the job again (a new glob) keeps its switch and interval.
	a.Glob = "**/*.xml"
	l.Remember(a)
	jobs, err := Open(filepath.Join(filepath.Dir(l.Path()))).Jobs()
	want := []Job{{Server: "https://ci/", User: "ann", Job: "team/vpn", Into: "7.0/vpn", Glob: "**/*.xml", Follow: true, Every: Interval(5 * time.Minute)}, b}
	if err != nil || !reflect.DeepEqual(jobs, want) {
		t.Errorf("jobs %+v %v, want %+v", jobs, err, want)
	}
	if data, _ := os.ReadFile(l.Path()); !strings.Contains(string(data), `"every": "5m0s"`) {
		t.Errorf("the file: %s", data)
	}
	if err := l.SetFollow("https://ci/", "nope", true, 0); err == nil {
		t.Error("following a job never remembered")
	}
	if jobs[1].Interval() != DefaultEvery {
		t.Errorf("default interval %v", jobs[1].Interval())
	}
}

// TestRoundImportsNewBuildsOnly: the first round imports the completed build and leaves
// the running one; once it completes, the next round imports it and the new one; a
// third imports nothing.
func TestRoundImportsNewBuildsOnly(t *testing.T) {
	w := newWorld(t)
	w.srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 3, Result: "SUCCESS", Artifacts: jenkinstest.TwoCases(false)})
	w.srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 4, Building: true})
	unfollowed := Job{Server: w.srv.BaseURL(), Job: "team/other", Into: "7.0/other"}

	out := Round(ctx, w.deps, []Job{w.job, unfollowed})
	if len(out) != 1 || !out[0].OK() || len(out[0].Result.Imported) != 1 || out[0].Result.Imported[0].Number != 3 ||
		len(out[0].Result.Skipped) != 1 || out[0].Result.Skipped[0].Reason != "still running" {
		t.Fatalf("first round: %+v", out)
	}
	w.srv.SetBuild("team/vpn", &jenkinstest.Build{Number: 4, Result: "UNSTABLE", Artifacts: jenkinstest.TwoCases(true)})
	w.srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 5, Result: "FAILURE"}) // stopped before its tests: no report
	w.srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 6, Result: "SUCCESS", Artifacts: jenkinstest.TwoCases(false)})
	out = Round(ctx, w.deps, []Job{w.job})
	var got []int64
	for _, j := range out[0].Result.Imported {
		got = append(got, j.Number)
	}
	if !out[0].OK() || !reflect.DeepEqual(got, []int64{4, 6}) ||
		!reflect.DeepEqual(out[0].Result.Skipped, []fetch.Skipped{{Number: 5, Reason: "no test report"}}) {
		t.Fatalf("second round: %+v", out)
	}
	if j, err := w.db.Job(ctx, core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 4}); err != nil || j.Tests != 2 || j.Failed != 1 {
		t.Errorf("7.0/vpn/4: %+v %v", j.Counts, err)
	}
	if out = Round(ctx, w.deps, []Job{w.job}); !out[0].OK() || len(out[0].Result.Imported)+len(out[0].Result.Skipped) != 0 {
		t.Errorf("third round: %+v", out[0].Result)
	}
}

// TestRoundComesBackForBuildsLeftRunning: a build still running when a newer one is
// imported is asked for by number at the next round, once it has completed.
func TestRoundComesBackForBuildsLeftRunning(t *testing.T) {
	w := newWorld(t)
	l := Open(t.TempDir())
	l.Remember(w.job)
	w.deps.Wait = func(j Job, builds []int64) error { return l.SetWaiting(j.Server, j.Job, builds) }
	w.srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 7, Building: true})
	w.srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 8, Result: "SUCCESS", Artifacts: jenkinstest.TwoCases(false)})
	round := func() Outcome {
		t.Helper()
		jobs, _ := l.Jobs()
		out := Round(ctx, w.deps, jobs)
		if len(out) != 1 || !out[0].OK() {
			t.Fatalf("round: %+v", out)
		}
		return out[0]
	}
	numbers := func(o Outcome) (imported, skipped []int64) {
		for _, j := range o.Result.Imported {
			imported = append(imported, j.Number)
		}
		for _, s := range o.Result.Skipped {
			skipped = append(skipped, s.Number)
		}
		return
	}
	if imp, skip := numbers(round()); !reflect.DeepEqual(imp, []int64{8}) || !reflect.DeepEqual(skip, []int64{7}) {
		t.Fatalf("first round: imported %v, skipped %v", imp, skip)
	}
	if jobs, _ := l.Jobs(); !reflect.DeepEqual(jobs[0].Waiting, []int64{7}) {
		t.Fatalf("waiting %v", jobs[0].Waiting)
	}
	if imp, skip := numbers(round()); len(imp) != 0 || !reflect.DeepEqual(skip, []int64{7}) {
		t.Errorf("still running: imported %v, skipped %v", imp, skip)
	}
	w.srv.SetBuild("team/vpn", &jenkinstest.Build{Number: 7, Result: "UNSTABLE", Artifacts: jenkinstest.TwoCases(true)})
	if imp, _ := numbers(round()); !reflect.DeepEqual(imp, []int64{7}) {
		t.Errorf("once completed: imported %v", imp)
	}
	if jobs, _ := l.Jobs(); len(jobs[0].Waiting) != 0 {
		t.Errorf("still waiting for %v", jobs[0].Waiting)
	}
	if imp, skip := numbers(round()); len(imp)+len(skip) != 0 {
		t.Errorf("a last round: imported %v, skipped %v", imp, skip)
	}
}

// TestRoundReportsWhyAJobIsUnreachable: a wrong token and a vanished job fail the job
// with the reason, and no token in it.
func TestRoundReportsWhyAJobIsUnreachable(t *testing.T) {
	w := newWorld(t)
	w.srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 3, Result: "SUCCESS", Artifacts: jenkinstest.TwoCases(false)})
	wrong := w.deps
	wrong.Token = func(string, string) (string, error) { return "not-" + token, nil }
	o := Fetch(ctx, wrong, w.job)
	if o.OK() || o.Err == nil || !strings.Contains(o.Err.Error(), "401") || strings.Contains(o.Err.Error(), token) {
		t.Errorf("a wrong token: %v", o.Err)
	}
	w.srv.RemoveJob("team/vpn")
	if o := Fetch(ctx, w.deps, w.job); o.OK() || !strings.Contains(o.Problem().Error(), "404") {
		t.Errorf("a vanished job: %v", o.Problem())
	}
	if jobs, _ := w.db.Jobs(ctx, nil); len(jobs) != 0 {
		t.Errorf("jobs stored: %v", jobs)
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		interval time.Duration
		n        int
		want     time.Duration
	}{
		{10 * time.Minute, 1, 20 * time.Minute},
		{10 * time.Minute, 2, 40 * time.Minute},
		{10 * time.Minute, 3, time.Hour},
		{10 * time.Minute, 30, time.Hour},
		{2 * time.Hour, 1, 2 * time.Hour},
		{time.Second, 0, time.Second},
	} {
		if got := backoff(c.interval, c.n); got != c.want {
			t.Errorf("backoff(%v, %d) = %v, want %v", c.interval, c.n, got, c.want)
		}
	}
}

// TestFollowerFetchesWhenDueAndBacksOff: with an interval of 30 ms, a reachable job is
// fetched again and again, one fetch at a time; a job whose server refuses the token
// waits twice as long after each failure; a job whose switch goes off is dropped.
func TestFollowerFetchesWhenDueAndBacksOff(t *testing.T) {
	w := newWorld(t)
	w.srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 1, Result: "SUCCESS", Artifacts: jenkinstest.TwoCases(false)})
	other := jenkinstest.New("ci", "another token")
	defer other.Close()
	refused := Job{Server: other.BaseURL(), User: "ci", Job: "team/dns", Into: "7.0/dns", Follow: true}

	var mu sync.Mutex
	jobs := []Job{w.job, refused}
	var outcomes []Status
	f := &Follower{Deps: w.deps, Every: 30 * time.Millisecond,
		Jobs: func() ([]Job, error) { mu.Lock(); defer mu.Unlock(); return jobs, nil },
		Done: func(o Outcome, s Status) { mu.Lock(); outcomes = append(outcomes, s); mu.Unlock() }}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- f.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := 0
		for _, s := range outcomes {
			if s.Job.Job == "team/dns" {
				n++
			}
		}
		mu.Unlock()
		if n >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	jobs = []Job{w.job} // team/dns's switch goes off
	mu.Unlock()
	f.Wake()
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("Run returned %v", err)
	}

	var vpn, dns []Status
	for _, s := range outcomes {
		if s.Job.Job == "team/vpn" {
			vpn = append(vpn, s)
		} else {
			dns = append(dns, s)
		}
	}
	if len(vpn) < 3 || !vpn[0].Outcome.OK() || len(vpn[0].Outcome.Result.Imported) != 1 || len(vpn[1].Outcome.Result.Imported) != 0 {
		t.Errorf("the reachable job: %d fetches, first %+v", len(vpn), vpn[0].Outcome.Result)
	}
	for i, s := range vpn {
		if s.Failures != 0 || s.Next.Sub(s.Last) != 30*time.Millisecond {
			t.Errorf("fetch %d of team/vpn: %d failures, next after %v", i, s.Failures, s.Next.Sub(s.Last))
		}
	}
	if len(dns) < 3 {
		t.Fatalf("the refused job: %d fetches", len(dns))
	}
	for i, s := range dns[:3] {
		if s.Failures != i+1 || s.FailingSince != dns[0].Last || s.Next.Sub(s.Last) != backoff(30*time.Millisecond, i+1) ||
			!strings.Contains(s.Outcome.Problem().Error(), "401") {
			t.Errorf("failure %d of team/dns: %+v", i+1, s)
		}
	}
	if st := f.Statuses(); len(st) != 1 || st[0].Job.Job != "team/vpn" {
		t.Errorf("statuses after the switch went off: %+v", st)
	}
}

// TestFollowerMemoryStaysFlat: thousands of rounds against the stand-in (an hour of
// rounds is 6 at the default interval; here one every 2 ms) leave the heap where the
// first hundred left it, within 256 KiB.
func TestFollowerMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("runs thousands of rounds")
	}
	w := newWorld(t)
	w.srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 1, Result: "SUCCESS", Artifacts: jenkinstest.TwoCases(false)})
	w.srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 2, Building: true})
	var mu sync.Mutex
	rounds := 0
	var heapAt100 uint64
	grew := make(chan uint64, 1)
	f := &Follower{Deps: w.deps, Every: 2 * time.Millisecond,
		Jobs: func() ([]Job, error) { return []Job{w.job}, nil },
		Done: func(o Outcome, s Status) {
			mu.Lock()
			defer mu.Unlock()
			if !o.OK() {
				t.Errorf("round %d: %v", rounds, o.Problem())
			}
			rounds++
			w.srv.ForgetRequests() // the stand-in's own record would grow
			switch rounds {
			case 100:
				heapAt100 = heapAfterGC()
			case 3000:
				grew <- heapAfterGC()
			}
		}}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- f.Run(ctx) }()
	var end uint64
	select {
	case end = <-grew:
	case <-time.After(5 * time.Minute):
		t.Fatalf("only %d rounds in 5 minutes", rounds)
	}
	cancel()
	<-done
	t.Logf("heap after round 100: %d KiB, after round 3000: %d KiB", heapAt100>>10, end>>10)
	if end > heapAt100+256<<10 {
		t.Errorf("the heap grew from %d KiB to %d KiB over 2,900 rounds", heapAt100>>10, end>>10)
	}
}

func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
