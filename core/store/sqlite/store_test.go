package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/chunk"
	"github.com/regtracker/regtracker/core/store/sqlstore"
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

// sample and writeJob are the conformance suite's.
var sample = storetest.Sample

func writeJob(t *testing.T, s *Store, r core.JobRef, opts core.WriteOptions, rs []core.Result) core.Job {
	t.Helper()
	return storetest.WriteJob(t, s, r, opts, rs)
}

func TestOpenCreatesWALDatabaseWithSchema(t *testing.T) {
	s := openTemp(t)
	var mode string
	var version, pageSize int
	s.DB().QueryRow("PRAGMA journal_mode").Scan(&mode)
	s.DB().QueryRow("PRAGMA user_version").Scan(&version)
	s.DB().QueryRow("PRAGMA page_size").Scan(&pageSize)
	ms, _ := sqlstore.Migrations(migrationFiles, "migrations", nil)
	if mode != "wal" || version != ms[len(ms)-1].Version || pageSize != 16384 {
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

// TestOpenPathsWithURICharacters: a folder whose name a file: URI would read as an
// escape, a query or a fragment holds the database, and nothing lands beside it.
func TestOpenPathsWithURICharacters(t *testing.T) {
	root := t.TempDir()
	for _, dir := range []string{"50%41 done", "tests?mode=ro", "build #14", "plain dir"} {
		path := filepath.Join(root, dir, "history.db")
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		writeJob(t, s, ref("7.0", "vpn", 1), core.WriteOptions{}, sample)
		s.Close()
		if st, err := os.Stat(path); err != nil || st.Size() == 0 {
			t.Errorf("%s: the database is not where it was asked: %v", dir, err)
		}
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 4 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files beside the folders: %q", names)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s := openTemp(t)
	s.DB().Exec("PRAGMA user_version = 999")
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

// TestConformance runs the store contract's suite on SQLite files; a second time with
// a writer's cache of names small enough to be flushed in the middle of jobs.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
	t.Run("FlushedNames", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) store.Store {
			s := openTemp(t)
			s.LimitCachedNames(1500)
			return s
		})
	})
}

// The SQLite store's own ways: what is stored once, what a replace or a rollback leaves
// in its tables, hash collisions, and names across flushes of the writer's cache.

// TestTextsAndNamesStoredOnce: the sample's 8 texts are 6 distinct ones, its 5 results
// 4 tests.
func TestTextsAndNamesStoredOnce(t *testing.T) {
	s := openTemp(t)
	writeJob(t, s, ref("7.0", "vpn", 14), core.WriteOptions{}, sample)
	var texts, tests int
	s.DB().QueryRow("SELECT count(*) FROM texts").Scan(&texts)
	s.DB().QueryRow("SELECT sum(names) FROM test_names").Scan(&tests)
	if texts != 6 || tests != 4 {
		t.Errorf("%d texts (want 6 distinct), %d tests (want 4 identities)", texts, tests)
	}
}

// TestReplaceAndRollbackLeaveNoRows: a replaced job's chunks go with it, and a rolled
// back job leaves no row in any table.
func TestReplaceAndRollbackLeaveNoRows(t *testing.T) {
	s := openTemp(t)
	r := ref("7.0", "vpn", 3)
	writeJob(t, s, r, core.WriteOptions{}, sample)
	writeJob(t, s, r, core.WriteOptions{Replace: true}, sample[:2])
	var results, states int
	s.DB().QueryRow("SELECT sum(results) FROM result_chunks").Scan(&results)
	s.DB().QueryRow("SELECT sum(entries) FROM job_states").Scan(&states)
	if results != 2 || states != 2 {
		t.Errorf("the replaced job's results remain: %d results, %d test states", results, states)
	}

	s = openTemp(t)
	w, err := s.BeginJob(ctx, ref("7.0", "vpn", 1), core.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(ctx, sample); err != nil {
		t.Fatal(err)
	}
	w.Rollback()
	for _, table := range []string{"releases", "modules", "jobs", "classes", "test_names", "texts", "result_chunks", "job_states"} {
		var n int
		s.DB().QueryRow("SELECT count(*) FROM " + table).Scan(&n)
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
	if _, err := s.DB().Exec("INSERT INTO texts (key, body) VALUES (?, 'impostor text')", chunk.TextKey("expected 3")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec("INSERT INTO classes (key, name) VALUES (?, 'impostor class')", chunk.ClassKey("vpn.RouteTest")); err != nil {
		t.Fatal(err)
	}
	writeJob(t, s, ref("7.0", "vpn", 2), core.WriteOptions{}, sample)
	rs, err := storetest.Results(ctx, s, ref("7.0", "vpn", 2))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rs, sample) {
		t.Errorf("with collisions, results read back:\n%+v\nwant\n%+v", rs, sample)
	}
	// A second job finds the probed keys again instead of adding duplicates.
	writeJob(t, s, ref("7.0", "vpn", 3), core.WriteOptions{}, sample)
	var classes, texts int
	s.DB().QueryRow("SELECT count(*) FROM classes WHERE name = 'vpn.RouteTest'").Scan(&classes)
	s.DB().QueryRow("SELECT count(*) FROM texts WHERE body = 'expected 3'").Scan(&texts)
	if classes != 1 || texts != 1 {
		t.Errorf("class stored %d times, text %d times", classes, texts)
	}
}

// TestNamesStoredOnceAcrossFlushes: with the writer's cache of names flushed mid-job,
// the two orders of storetest.TwoOrders store each name once.
func TestNamesStoredOnceAcrossFlushes(t *testing.T) {
	s := openTemp(t)
	s.LimitCachedNames(1500)
	first, second := storetest.TwoOrders()
	writeJob(t, s, ref("7.0", "vpn", 1), core.WriteOptions{}, first)
	writeJob(t, s, ref("7.0", "vpn", 2), core.WriteOptions{}, second)
	var names int
	s.DB().QueryRow("SELECT sum(names) FROM test_names").Scan(&names)
	if names != len(first)+1 {
		t.Errorf("%d names stored, want %d", names, len(first)+1)
	}
}
