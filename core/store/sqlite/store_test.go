package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/chunk"
	"github.com/regtracker/regtracker/core/store/storetest"
)

var ctx = context.Background()

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "sub", "regtracker.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func ref(rel, mod string, n int64) core.JobRef {
	return core.JobRef{ModuleRef: core.ModuleRef{Release: rel, Module: mod}, Number: n}
}

var sample = []core.Result{
	{Classname: "vpn.TunnelTest", Name: "connects", Duration: 0.5},
	{Classname: "vpn.TunnelTest", Name: "rekeys", Status: core.Failed, Duration: 1.25, Message: "expected 3", Type: "AssertionError", Details: "at TunnelTest.java:42"},
	{Classname: "vpn.TunnelTest", Name: "rekeys", Status: core.Passed, Flaky: true},
	{Classname: "vpn.RouteTest", Name: "ipv6", Status: core.Skipped, Message: "no IPv6"},
	{Classname: "vpn.RouteTest", Name: "metric", Status: core.Error, Message: "expected 3", SystemOut: "out", SystemErr: "err"},
}

func writeJob(t *testing.T, s *Store, r core.JobRef, opts core.WriteOptions, rs []core.Result) core.Job {
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

func TestOpenCreatesWALDatabaseWithSchema(t *testing.T) {
	s := openTemp(t)
	var mode string
	var version, pageSize int
	s.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	s.db.QueryRow("PRAGMA user_version").Scan(&version)
	s.db.QueryRow("PRAGMA page_size").Scan(&pageSize)
	ms, _ := migrations()
	if mode != "wal" || version != ms[len(ms)-1].version || pageSize != 16384 {
		t.Errorf("journal_mode %s, user_version %d, page_size %d", mode, version, pageSize)
	}
	// Opening again applies nothing and keeps the data.
	writeJob(t, s, ref("7.0", "vpn", 1), core.WriteOptions{}, sample)
	s.Close()
	s2, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if jobs, _ := s2.Jobs(ctx, nil); len(jobs) != 1 {
		t.Errorf("after reopening: %d jobs", len(jobs))
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s := openTemp(t)
	s.db.Exec("PRAGMA user_version = 999")
	s.Close()
	if _, err := Open(ctx, s.Path()); err == nil {
		t.Fatal("opened a database from a newer version")
	}
}

func TestOpenRejectsNonDatabase(t *testing.T) {
	p := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(p, []byte("these are not the pages you are looking for, not at all, no"), 0o600)
	_, err := Open(ctx, p)
	if err == nil || !strings.Contains(err.Error(), "not a regtracker database") {
		t.Fatalf("got %v", err)
	}
}

// TestConformance runs the store contract's suite on SQLite files.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

// The SQLite store's own ways: what is stored once, what a replace or a rollback leaves
// in its tables, hash collisions, and its names cache.

func TestWriteAndReadBack(t *testing.T) {
	s := openTemp(t)
	job := writeJob(t, s, ref("7.0", "vpn", 14), core.WriteOptions{Source: "/logs/14"}, sample)
	want := core.Counts{Tests: 5, Passed: 2, Failed: 1, Errors: 1, Skipped: 1, Flaky: 1, Duration: 1.75}
	if job.Counts != want {
		t.Errorf("commit counts %+v, want %+v", job.Counts, want)
	}
	got, err := s.Job(ctx, ref("7.0", "vpn", 14))
	if err != nil {
		t.Fatal(err)
	}
	if got.Counts != want || got.Source != "/logs/14" || got.Stats.Files != 1 || got.Stats.Bytes != 123 || got.ImportedAt.IsZero() {
		t.Errorf("stored job %+v", got)
	}
	rs, err := s.Results(ctx, ref("7.0", "vpn", 14))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rs, sample) {
		t.Errorf("results read back:\n%+v\nwant\n%+v", rs, sample)
	}
	// Texts and identities are stored once.
	var texts, tests int
	s.db.QueryRow("SELECT count(*) FROM texts").Scan(&texts)
	s.db.QueryRow("SELECT sum(names) FROM test_names").Scan(&tests)
	if texts != 6 || tests != 4 {
		t.Errorf("%d texts (want 6 distinct), %d tests (want 4 identities)", texts, tests)
	}
}

func TestJobExistsAndReplace(t *testing.T) {
	s := openTemp(t)
	r := ref("7.0", "vpn", 3)
	writeJob(t, s, r, core.WriteOptions{}, sample)
	if _, err := s.BeginJob(ctx, r, core.WriteOptions{}); !errors.Is(err, core.ErrJobExists) {
		t.Fatalf("second import without replace: %v", err)
	}
	// A replace that is abandoned keeps the old results.
	w, err := s.BeginJob(ctx, r, core.WriteOptions{Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	w.Add(ctx, sample[:1])
	w.Rollback()
	if rs, _ := s.Results(ctx, r); len(rs) != len(sample) {
		t.Errorf("after an abandoned replace: %d results, want %d", len(rs), len(sample))
	}
	// A committed replace swaps them.
	job := writeJob(t, s, r, core.WriteOptions{Replace: true}, sample[:2])
	if rs, _ := s.Results(ctx, r); len(rs) != 2 || job.Tests != 2 {
		t.Errorf("after replace: %d results, %d tests", len(rs), job.Tests)
	}
	var results, states int
	s.db.QueryRow("SELECT sum(results) FROM result_chunks").Scan(&results)
	s.db.QueryRow("SELECT sum(entries) FROM job_states").Scan(&states)
	if results != 2 || states != 2 {
		t.Errorf("the replaced job's results remain: %d results, %d test states", results, states)
	}
}

func TestUncommittedJobIsInvisibleAndRollbackLeavesNothing(t *testing.T) {
	s := openTemp(t)
	w, err := s.BeginJob(ctx, ref("7.0", "vpn", 1), core.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(ctx, sample); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := s.Jobs(ctx, nil); len(jobs) != 0 {
		t.Errorf("a reader sees %d jobs before commit", len(jobs))
	}
	w.Rollback()
	w.Rollback() // twice is fine
	for _, table := range []string{"releases", "modules", "jobs", "classes", "test_names", "texts", "result_chunks", "job_states"} {
		var n int
		s.db.QueryRow("SELECT count(*) FROM " + table).Scan(&n)
		if n != 0 {
			t.Errorf("%s has %d rows after rollback", table, n)
		}
	}
}

// TestHashCollisionsAreResolved puts other values under the keys a class and a text
// would take, as a hash collision would: the writer must probe past them and read back
// the right values.
func TestHashCollisionsAreResolved(t *testing.T) {
	s := openTemp(t)
	writeJob(t, s, ref("7.0", "vpn", 1), core.WriteOptions{}, []core.Result{{Classname: "vpn.TunnelTest", Name: "other"}})
	if _, err := s.db.Exec("INSERT INTO texts (key, body) VALUES (?, 'impostor text')", chunk.TextKey("expected 3")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("INSERT INTO classes (key, name) VALUES (?, 'impostor class')", chunk.ClassKey("vpn.RouteTest")); err != nil {
		t.Fatal(err)
	}
	writeJob(t, s, ref("7.0", "vpn", 2), core.WriteOptions{}, sample)
	rs, err := s.Results(ctx, ref("7.0", "vpn", 2))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rs, sample) {
		t.Errorf("with collisions, results read back:\n%+v\nwant\n%+v", rs, sample)
	}
	// A second job finds the probed keys again instead of adding duplicates.
	writeJob(t, s, ref("7.0", "vpn", 3), core.WriteOptions{}, sample)
	var classes, texts int
	s.db.QueryRow("SELECT count(*) FROM classes WHERE name = 'vpn.RouteTest'").Scan(&classes)
	s.db.QueryRow("SELECT count(*) FROM texts WHERE body = 'expected 3'").Scan(&texts)
	if classes != 1 || texts != 1 {
		t.Errorf("class stored %d times, text %d times", classes, texts)
	}
}

// TestIdentitiesAcrossBlocksClassesAndFlushes: a class of more tests than a block
// holds, classes that come and go, and a writer whose cache of names is flushed mid-job
// give every test one key, the same in every job, whatever the order of the report.
func TestIdentitiesAcrossBlocksClassesAndFlushes(t *testing.T) {
	defer func(n int) { maxCachedNames = n }(maxCachedNames)
	maxCachedNames = 1500
	s := openTemp(t)
	var first []core.Result
	for i := range 2600 {
		class := "vpn.BigTest"
		if i%7 == 0 {
			class = fmt.Sprintf("vpn.Small%dTest", i%5)
		}
		first = append(first, core.Result{Classname: class, Name: fmt.Sprintf("case%04d", i), Duration: float64(i) / 1000})
	}
	writeJob(t, s, ref("7.0", "vpn", 1), core.WriteOptions{}, first)
	// The second job runs them backwards, with a new test in the middle.
	var second []core.Result
	for i := len(first) - 1; i >= 0; i-- {
		second = append(second, first[i])
		if i == 1300 {
			second = append(second, core.Result{Classname: "vpn.BigTest", Name: "newcomer", Status: core.Failed})
		}
	}
	writeJob(t, s, ref("7.0", "vpn", 2), core.WriteOptions{}, second)
	var names int
	s.db.QueryRow("SELECT sum(names) FROM test_names").Scan(&names)
	if names != len(first)+1 {
		t.Errorf("%d names stored, want %d", names, len(first)+1)
	}
	for n, want := range map[int64][]core.Result{1: first, 2: second} {
		rs, err := s.Results(ctx, ref("7.0", "vpn", n))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rs, want) {
			t.Errorf("job %d: read back %d results, want %d", n, len(rs), len(want))
		}
	}
	// Each test has one key: its state in both jobs is found under it.
	for _, id := range []core.TestID{{Classname: "vpn.BigTest", Name: "case2599"}, {Classname: "vpn.Small0Test", Name: "case0035"}} {
		key, err := s.TestKey(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.TestHistory(ctx, core.ModuleRef{Release: "7.0", Module: "vpn"}, key)
		if err != nil || len(h) != 2 || !h[0].Present || !h[1].Present {
			t.Fatalf("%s: history %+v %v", id, h, err)
		}
		if names, _ := s.TestNames(ctx, []int64{key}); names[key] != id {
			t.Errorf("key %d names %v, want %v", key, names[key], id)
		}
	}
}
