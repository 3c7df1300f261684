// Package storetest is the conformance suite of store.Store: what every backend must do,
// checked through the contract alone. A backend's tests call Run with a function that
// opens an empty store of its kind.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
)

// Run runs every check, each on a store open returns empty; open closes it when the
// test ends (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, c := range []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"WriteAndReadBack", writeAndReadBack},
		{"JobExistsAndReplace", jobExistsAndReplace},
		{"UncommittedJobIsInvisible", uncommittedJobIsInvisible},
		{"CancelledAddRollsBack", cancelledAddRollsBack},
		{"JobsOrderFilterAndNeighbours", jobsOrderFilterAndNeighbours},
		{"WritersQueueAndHonourContext", writersQueueAndHonourContext},
		{"ResultQueries", resultQueries},
		{"StatesAndHistory", statesAndHistory},
		{"IdentitiesAcrossJobs", identitiesAcrossJobs},
		{"DiffCounts", diffCounts},
		{"KnownIssues", knownIssues},
		{"RevisionsCommitsAndRepos", revisionsCommitsAndRepos},
		{"FailuresAndHealth", failuresAndHealth},
		{"VersionChangesWithCommits", versionChangesWithCommits},
	} {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open(t)) })
	}
}

var ctx = context.Background()

func ref(rel, mod string, n int64) core.JobRef {
	return core.JobRef{ModuleRef: core.ModuleRef{Release: rel, Module: mod}, Number: n}
}

// Sample are five results: a flaky re-run, texts shared between results, every status.
var Sample = []core.Result{
	{Classname: "vpn.TunnelTest", Name: "connects", Duration: 0.5},
	{Classname: "vpn.TunnelTest", Name: "rekeys", Status: core.Failed, Duration: 1.25, Message: "expected 3", Type: "AssertionError", Details: "at TunnelTest.java:42"},
	{Classname: "vpn.TunnelTest", Name: "rekeys", Status: core.Passed, Flaky: true},
	{Classname: "vpn.RouteTest", Name: "ipv6", Status: core.Skipped, Message: "no IPv6"},
	{Classname: "vpn.RouteTest", Name: "metric", Status: core.Error, Message: "expected 3", SystemOut: "out", SystemErr: "err"},
}

// Results reads a job's results whole, through EachResult.
func Results(ctx context.Context, s store.Store, job core.JobRef) ([]core.Result, error) {
	var out []core.Result
	err := s.EachResult(ctx, job, func(rs []core.Result) error {
		out = append(out, rs...)
		return nil
	})
	return out, err
}

// WriteJob writes one job of rs and fails the test on an error.
func WriteJob(t *testing.T, s store.Store, r core.JobRef, opts core.WriteOptions, rs []core.Result) core.Job {
	t.Helper()
	w, err := s.BeginJob(ctx, r, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(ctx, rs); err != nil {
		t.Fatal(err)
	}
	job, err := w.Commit(ctx, core.ImportStats{Files: 1, Bytes: 123})
	if err != nil {
		t.Fatal(err)
	}
	return job
}

func writeAndReadBack(t *testing.T, s store.Store) {
	job := WriteJob(t, s, ref("7.0", "vpn", 14), core.WriteOptions{Source: "/logs/14"}, Sample)
	want := core.Counts{Tests: 5, Passed: 2, Failed: 1, Errors: 1, Skipped: 1, Flaky: 1, Duration: 1.75}
	if job.Counts != want || job.Identities != 4 {
		t.Errorf("commit counts %+v (%d identities), want %+v (4)", job.Counts, job.Identities, want)
	}
	got, err := s.Job(ctx, ref("7.0", "vpn", 14))
	if err != nil {
		t.Fatal(err)
	}
	if got.Counts != want || got.Identities != 4 || got.Source != "/logs/14" || got.Stats.Files != 1 || got.Stats.Bytes != 123 || got.ImportedAt.IsZero() {
		t.Errorf("stored job %+v", got)
	}
	rs, err := Results(ctx, s, ref("7.0", "vpn", 14))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rs, Sample) {
		t.Errorf("results read back:\n%+v\nwant\n%+v", rs, Sample)
	}
	if _, err := s.Job(ctx, ref("7.0", "vpn", 99)); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("a missing job: %v", err)
	}
}

func jobExistsAndReplace(t *testing.T, s store.Store) {
	r := ref("7.0", "vpn", 3)
	WriteJob(t, s, r, core.WriteOptions{}, Sample)
	if _, err := s.BeginJob(ctx, r, core.WriteOptions{}); !errors.Is(err, core.ErrJobExists) {
		t.Fatalf("second import without replace: %v", err)
	}
	// A replace that is abandoned keeps the old results.
	w, err := s.BeginJob(ctx, r, core.WriteOptions{Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	w.Add(ctx, Sample[:1])
	w.Rollback()
	if rs, _ := Results(ctx, s, r); len(rs) != len(Sample) {
		t.Errorf("after an abandoned replace: %d results, want %d", len(rs), len(Sample))
	}
	// A committed replace swaps them.
	job := WriteJob(t, s, r, core.WriteOptions{Replace: true}, Sample[:2])
	if rs, _ := Results(ctx, s, r); len(rs) != 2 || job.Tests != 2 {
		t.Errorf("after replace: %d results, %d tests", len(rs), job.Tests)
	}
	if ts, err := s.TimedStates(ctx, r); err != nil || len(ts) != 2 {
		t.Errorf("after replace: %d test states %v", len(ts), err)
	}
}

func uncommittedJobIsInvisible(t *testing.T, s store.Store) {
	w, err := s.BeginJob(ctx, ref("7.0", "vpn", 1), core.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(ctx, Sample); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := s.Jobs(ctx, nil); len(jobs) != 0 {
		t.Errorf("a reader sees %d jobs before commit", len(jobs))
	}
	w.Rollback()
	w.Rollback() // twice is fine
	if jobs, _ := s.Jobs(ctx, nil); len(jobs) != 0 {
		t.Errorf("%d jobs after rollback", len(jobs))
	}
	if _, err := s.TestKey(ctx, core.TestID{Classname: "vpn.TunnelTest", Name: "connects"}); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("a rolled back test is known: %v", err)
	}
}

func cancelledAddRollsBack(t *testing.T, s store.Store) {
	w, err := s.BeginJob(ctx, ref("7.0", "vpn", 1), core.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := w.Add(cctx, Sample); !errors.Is(err, context.Canceled) {
		t.Fatalf("Add with a cancelled context: %v", err)
	}
	w.Rollback()
	if jobs, _ := s.Jobs(ctx, nil); len(jobs) != 0 {
		t.Errorf("%d jobs after cancel", len(jobs))
	}
}

func jobsOrderFilterAndNeighbours(t *testing.T, s store.Store) {
	for _, r := range []core.JobRef{ref("7.0", "vpn", 12), ref("7.0", "vpn", 2), ref("7.0", "ike", 5), ref("6.4", "vpn", 40)} {
		WriteJob(t, s, r, core.WriteOptions{}, Sample[:1])
	}
	jobs, err := s.Jobs(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, j := range jobs {
		got = append(got, j.JobRef.String())
	}
	if want := []string{"6.4/vpn/40", "7.0/ike/5", "7.0/vpn/2", "7.0/vpn/12"}; !reflect.DeepEqual(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	m := core.ModuleRef{Release: "7.0", Module: "vpn"}
	if jobs, _ := s.Jobs(ctx, &m); len(jobs) != 2 {
		t.Errorf("filter: %d jobs", len(jobs))
	}
	if n, _ := s.LastNumber(ctx, m); n != 12 {
		t.Errorf("LastNumber %d", n)
	}
	if n, _ := s.LastNumber(ctx, core.ModuleRef{Release: "9", Module: "none"}); n != 0 {
		t.Errorf("LastNumber of an unknown module %d", n)
	}
	if b, ok, err := s.Base(ctx, ref("7.0", "vpn", 12)); err != nil || !ok || b.Number != 2 {
		t.Errorf("Base %v %v %v", b, ok, err)
	}
	if _, ok, _ := s.Base(ctx, ref("7.0", "vpn", 2)); ok {
		t.Error("the first job has a base")
	}
	if n, ok, err := s.Next(ctx, ref("7.0", "vpn", 2)); err != nil || !ok || n.Number != 12 {
		t.Errorf("Next %v %v %v", n, ok, err)
	}
}

func writersQueueAndHonourContext(t *testing.T, s store.Store) {
	w, err := s.BeginJob(ctx, ref("7.0", "vpn", 1), core.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() {
		_, err := s.BeginJob(cctx, ref("7.0", "vpn", 2), core.WriteOptions{})
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("waiting writer: %v", err)
	}
	w.Rollback()
}

func resultQueries(t *testing.T, s store.Store) {
	r := ref("7.0", "vpn", 1)
	WriteJob(t, s, r, core.WriteOptions{}, Sample)
	all, err := s.ResultIDs(ctx, r, store.ResultFilter{}, store.ByReport, false)
	if err != nil || len(all) != len(Sample) {
		t.Fatalf("%v %v", all, err)
	}
	names := func(ids []uint32) []string {
		rows, err := s.ResultRows(ctx, r, ids)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, row := range rows {
			out = append(out, row.Test.Name+":"+row.Status.String())
		}
		return out
	}
	for _, c := range []struct {
		f     store.ResultFilter
		order store.ResultOrder
		desc  bool
		want  []string
	}{
		{store.ResultFilter{}, store.ByReport, false, []string{"connects:passed", "rekeys:failed", "rekeys:passed", "ipv6:skipped", "metric:error"}},
		{store.ResultFilter{Name: "REKEY"}, store.ByReport, false, []string{"rekeys:failed", "rekeys:passed"}},
		{store.ResultFilter{Name: "routetest::"}, store.ByName, false, []string{"ipv6:skipped", "metric:error"}},
		{store.ResultFilter{Statuses: []core.Status{core.Failed, core.Error}}, store.ByStatus, false, []string{"rekeys:failed", "metric:error"}},
		{store.ResultFilter{}, store.ByDuration, true, []string{"rekeys:failed", "connects:passed", "rekeys:passed", "ipv6:skipped", "metric:error"}},
	} {
		ids, err := s.ResultIDs(ctx, r, c.f, c.order, c.desc)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(ids); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v order %d: %v, want %v", c.f, c.order, got, c.want)
		}
	}
	if d, err := s.ResultDetail(ctx, r, all[4]); err != nil || !reflect.DeepEqual(d, Sample[4]) {
		t.Errorf("detail %+v %v", d, err)
	}
	msgs, err := s.Messages(ctx, r, []uint32{0, 1, 4})
	if err != nil || len(msgs) != 2 || msgs[1] != "expected 3" || msgs[4] != "expected 3" {
		t.Errorf("messages %v %v", msgs, err)
	}
}

func statesAndHistory(t *testing.T, s store.Store) {
	m := core.ModuleRef{Release: "7.0", Module: "vpn"}
	WriteJob(t, s, core.JobRef{ModuleRef: m, Number: 1}, core.WriteOptions{}, Sample)
	WriteJob(t, s, core.JobRef{ModuleRef: m, Number: 2}, core.WriteOptions{}, Sample[:2])
	r, err := s.States(ctx, core.JobRef{ModuleRef: m, Number: 1})
	if err != nil {
		t.Fatal(err)
	}
	var states []store.TestState
	for st, ok := r.Next(); ok; st, ok = r.Next() {
		states = append(states, st)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if len(states) != 4 {
		t.Fatalf("%d states, want 4 identities", len(states))
	}
	keys := make([]int64, len(states))
	for i, st := range states {
		keys[i] = st.Key
		if i > 0 && st.Key <= states[i-1].Key {
			t.Errorf("states out of key order: %v", states)
		}
	}
	names, err := s.TestNames(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	rekeys, err := s.TestKey(ctx, core.TestID{Classname: "vpn.TunnelTest", Name: "rekeys"})
	if err != nil || names[rekeys] != (core.TestID{Classname: "vpn.TunnelTest", Name: "rekeys"}) {
		t.Fatalf("TestKey %d %v, names %v", rekeys, err, names)
	}
	for _, st := range states {
		if st.Key == rekeys && (st.Status != core.Failed || !st.Flaky || st.Seq != 1) {
			t.Errorf("rekeys' state %+v: the worst status, the flaky mark, the deciding occurrence", st)
		}
	}
	h, err := s.TestHistory(ctx, m, rekeys)
	if err != nil || len(h) != 2 || !h[0].Present || !h[1].Present || h[0].Message != "expected 3" || h[0].Duration != 1.25 {
		t.Errorf("history %+v %v", h, err)
	}
	metric, _ := s.TestKey(ctx, core.TestID{Classname: "vpn.RouteTest", Name: "metric"})
	if h, _ := s.TestHistory(ctx, m, metric); len(h) != 2 || !h[0].Present || h[1].Present {
		t.Errorf("a test absent from job 2: %+v", h)
	}
}

// TwoOrders are two jobs of 2,600 tests: a class of more tests than a block of names
// holds and classes that come and go; the second runs them backwards with one new test
// in the middle.
func TwoOrders() (first, second []core.Result) {
	for i := range 2600 {
		class := "vpn.BigTest"
		if i%7 == 0 {
			class = fmt.Sprintf("vpn.Small%dTest", i%5)
		}
		first = append(first, core.Result{Classname: class, Name: fmt.Sprintf("case%04d", i), Duration: float64(i) / 1000})
	}
	for i := len(first) - 1; i >= 0; i-- {
		second = append(second, first[i])
		if i == 1300 {
			second = append(second, core.Result{Classname: "vpn.BigTest", Name: "newcomer", Status: core.Failed})
		}
	}
	return first, second
}

// identitiesAcrossJobs: every test of TwoOrders has one key, the same in both jobs.
func identitiesAcrossJobs(t *testing.T, s store.Store) {
	first, second := TwoOrders()
	WriteJob(t, s, ref("7.0", "vpn", 1), core.WriteOptions{}, first)
	WriteJob(t, s, ref("7.0", "vpn", 2), core.WriteOptions{}, second)
	for n, want := range map[int64][]core.Result{1: first, 2: second} {
		rs, err := Results(ctx, s, ref("7.0", "vpn", n))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rs, want) {
			t.Errorf("job %d: read back %d results, want %d", n, len(rs), len(want))
		}
	}
	for _, id := range []core.TestID{{Classname: "vpn.BigTest", Name: "case2599"}, {Classname: "vpn.Small0Test", Name: "case0035"}} {
		key, err := s.TestKey(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.TestHistory(ctx, core.ModuleRef{Release: "7.0", Module: "vpn"}, key)
		if err != nil || len(h) != 2 || !h[0].Present || !h[1].Present {
			t.Fatalf("%s: history %+v %v", id, h, err)
		}
	}
}

func diffCounts(t *testing.T, s store.Store) {
	m := core.ModuleRef{Release: "7.0", Module: "vpn"}
	WriteJob(t, s, core.JobRef{ModuleRef: m, Number: 1}, core.WriteOptions{}, Sample)
	WriteJob(t, s, core.JobRef{ModuleRef: m, Number: 2}, core.WriteOptions{}, Sample)
	base := core.JobRef{ModuleRef: m, Number: 1}
	if err := s.SetDiffCounts(ctx, core.JobRef{ModuleRef: m, Number: 2}, &base, 3, 1, "7"); err != nil {
		t.Fatal(err)
	}
	_, diffs, err := s.JobsWithDiffs(ctx, m)
	if err != nil || len(diffs) != 2 || diffs[1] != (store.DiffCounts{Regressions: 3, Fixed: 1, Current: true, KnownSet: "7"}) || diffs[0].Current {
		t.Fatalf("diffs %+v %v", diffs, err)
	}
	// A job imported in between makes the kept counts stale.
	WriteJob(t, s, core.JobRef{ModuleRef: m, Number: 1}, core.WriteOptions{Replace: true}, Sample)
	if _, diffs, _ := s.JobsWithDiffs(ctx, m); diffs[1].Current {
		t.Error("counts against a replaced base are current")
	}
}

// versionChangesWithCommits: reads leave the version as it is; a job written, a job
// replaced, a known issue added or removed each change it; a rolled-back job does not.
func versionChangesWithCommits(t *testing.T, s store.Store) {
	version := func() string {
		t.Helper()
		v, err := s.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := version()
	s.Jobs(ctx, nil)
	if again := version(); again != v {
		t.Fatalf("nothing committed, but the version went from %q to %q", v, again)
	}
	step := func(what string, change func()) {
		t.Helper()
		change()
		if now := version(); now == v {
			t.Errorf("%s left the version at %q", what, v)
		} else {
			v = now
		}
	}
	job := ref("7.0", "vpn", 1)
	step("a job", func() { WriteJob(t, s, job, core.WriteOptions{}, Sample) })
	step("a replaced job", func() { WriteJob(t, s, job, core.WriteOptions{Replace: true}, Sample[:2]) })
	var k core.KnownIssue
	step("a known issue", func() {
		k, _ = s.AddKnownIssue(ctx, core.KnownIssue{Module: job.ModuleRef, Signature: "sig", Reason: "r", Who: "me"})
	})
	step("a removed known issue", func() { s.RemoveKnownIssue(ctx, k.ID) })
	w, err := s.BeginJob(ctx, ref("7.0", "vpn", 2), core.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.Add(ctx, Sample[:1])
	w.Rollback()
	if now := version(); now != v {
		t.Errorf("a rolled-back job changed the version from %q to %q", v, now)
	}
}

func knownIssues(t *testing.T, s store.Store) {
	m := core.ModuleRef{Release: "7.0", Module: "vpn"}
	a, err := s.AddKnownIssue(ctx, core.KnownIssue{Module: m, Test: &core.TestID{Classname: "C", Name: "n"}, Reason: "r", Link: "l", Expires: "2030-01-01", Who: "me"})
	if err != nil || a.ID == 0 || a.When.IsZero() {
		t.Fatalf("added %+v %v", a, err)
	}
	b, _ := s.AddKnownIssue(ctx, core.KnownIssue{Module: core.ModuleRef{Release: "7.0", Module: "ike"}, Signature: "sig {n}", Reason: "r2", Who: "me"})
	if _, err := s.AddKnownIssue(ctx, core.KnownIssue{Module: m, Reason: "no subject"}); err == nil {
		t.Error("a known issue without a test or signature was added")
	}
	mine, _ := s.KnownIssues(ctx, &m)
	all, _ := s.KnownIssues(ctx, nil)
	if len(mine) != 1 || mine[0].Test == nil || *mine[0].Test != (core.TestID{Classname: "C", Name: "n"}) || mine[0].Link != "l" ||
		mine[0].Expires != "2030-01-01" || mine[0].Who != "me" || len(all) != 2 || all[1].Signature != "sig {n}" {
		t.Errorf("listed %+v / %+v", mine, all)
	}
	if got, err := s.RemoveKnownIssue(ctx, b.ID); err != nil || got.ID != b.ID {
		t.Errorf("removed %+v %v", got, err)
	}
	if _, err := s.RemoveKnownIssue(ctx, b.ID); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("removed twice: %v", err)
	}
}

func revisionsCommitsAndRepos(t *testing.T, s store.Store) {
	m := core.ModuleRef{Release: "7.0", Module: "shop"}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	WriteJob(t, s, core.JobRef{ModuleRef: m, Number: 1}, core.WriteOptions{Revision: "r1"}, Sample[:1])
	WriteJob(t, s, core.JobRef{ModuleRef: m, Number: 2}, core.WriteOptions{}, Sample[:1])
	commits := []core.Commit{{ID: "c3b", Author: "Ann", Time: at, Message: "two\n\nlines", Paths: []string{"a/b.go", "c.go"}, Build: 3},
		{ID: "c3a", Author: "Bob", Time: at.Add(-time.Hour), Message: "one"}}
	WriteJob(t, s, core.JobRef{ModuleRef: m, Number: 3}, core.WriteOptions{Revision: "r3", Commits: commits}, Sample[:1])
	if j, _ := s.Job(ctx, core.JobRef{ModuleRef: m, Number: 3}); j.Revision != "r3" {
		t.Errorf("revision %q", j.Revision)
	}
	if rev, err := s.PreviousRevision(ctx, m, 3); err != nil || rev != "r1" {
		t.Errorf("previous revision %q %v (job 2 has none)", rev, err)
	}
	jc, err := s.Commits(ctx, m, 1, 3)
	if err != nil || len(jc) != 1 || jc[0].Job.Number != 3 || !reflect.DeepEqual(jc[0].Commits, commits) {
		t.Errorf("commits %+v %v", jc, err)
	}
	if repo, _ := s.ModuleRepo(ctx, m); repo != "" {
		t.Errorf("a repo before one was set: %q", repo)
	}
	s.SetModuleRepo(ctx, m, "/src/shop")
	s.SetModuleRepo(ctx, m, "/src/shop2")
	if repo, _ := s.ModuleRepo(ctx, m); repo != "/src/shop2" {
		t.Errorf("repo %q", repo)
	}
	s.SetModuleRepo(ctx, m, "")
	if repo, _ := s.ModuleRepo(ctx, m); repo != "" {
		t.Errorf("a forgotten repo: %q", repo)
	}
}

func failuresAndHealth(t *testing.T, s store.Store) {
	WriteJob(t, s, ref("7.0", "vpn", 1), core.WriteOptions{}, Sample)
	if err := s.RecordFailure(ctx, ref("7.0", "vpn", 2), "/logs/2", errors.New("line 3: boom")); err != nil {
		t.Fatal(err)
	}
	f, err := s.RecentFailures(ctx, 10)
	if err != nil || len(f) != 1 || f[0].Job != "7.0/vpn/2" || f[0].Error != "line 3: boom" || f[0].Source != "/logs/2" {
		t.Errorf("failures %+v %v", f, err)
	}
	if problems, err := s.IntegrityCheck(ctx); err != nil || len(problems) != 0 {
		t.Errorf("a sound store: %v %v", problems, err)
	}
	if info, err := s.Info(ctx, 5); err != nil || len(info.Largest) != 1 || info.Path == "" {
		t.Errorf("info %+v %v", info, err)
	}
}
