package sqlite

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// gunzip writes testdata/name.gz to dir/name and returns its path.
func gunzip(t *testing.T, name, dir string) string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, z); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// countdown is a context whose Err turns to Canceled after n calls: a cancel that lands
// in the middle of a migration.
type countdown struct {
	context.Context
	n atomic.Int64
}

func (c *countdown) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestMigrationFromRowLayout opens a database that the row-layout code (schema 3) wrote
// and compares everything readable of it with what that code read: every job's counts,
// results and texts, test states, messages and histories.
func TestMigrationFromRowLayout(t *testing.T) {
	dir := t.TempDir()
	path := gunzip(t, "rows-v3.db", dir)
	want, err := os.ReadFile(gunzip(t, "rows-v3.json", dir))
	if err != nil {
		t.Fatal(err)
	}

	// Interrupted part way: the database stays as the old code left it.
	cd := &countdown{Context: context.Background()}
	cd.n.Store(3)
	if s, err := Open(cd, path); err == nil {
		s.Close()
		t.Fatal("a migration whose context ends part way succeeded")
	} else if !strings.Contains(err.Error(), "0004") {
		t.Errorf("error %v does not name the migration", err)
	}
	checkRowLayout(t, path)

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := dumpStore(t, s)
	if !bytes.Equal(got, want) {
		os.WriteFile(filepath.Join(dir, "got.json"), got, 0o644)
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("after the migration, line %d of the dump is %q, want %q", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("after the migration, the dump has %d lines, want %d", len(gl), len(wl))
	}
	for _, table := range []string{"results", "result_texts", "tests", "job_tests"} {
		var n int
		s.DB().QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = ?", table).Scan(&n)
		if n != 0 {
			t.Errorf("table %s is still there", table)
		}
	}
	if problems, err := s.IntegrityCheck(ctx); err != nil || len(problems) > 0 {
		t.Errorf("integrity after the migration: %v %v", problems, err)
	}
	// The dropped tables' pages went back to the file system.
	var free, pages int
	s.DB().QueryRow("PRAGMA freelist_count").Scan(&free)
	s.DB().QueryRow("PRAGMA page_count").Scan(&pages)
	if free*4 >= pages {
		t.Errorf("%d of %d pages free after the migration", free, pages)
	}
}

// checkRowLayout checks that the database at path is still at schema 3 with its rows.
func checkRowLayout(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version, results int
	db.QueryRow("PRAGMA user_version").Scan(&version)
	db.QueryRow("SELECT count(*) FROM results").Scan(&results)
	if version != 3 || results != 5548 {
		t.Errorf("after an interrupted migration: schema %d, %d result rows (want 3, 5548)", version, results)
	}
	if problems, err := (dialect{path: path}).IntegrityCheck(ctx, db); err != nil || len(problems) > 0 {
		t.Errorf("integrity after an interrupted migration: %v %v", problems, err)
	}
}
