package postgres

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/postgres/pgtest"
	"github.com/regtracker/regtracker/core/store/storetest"
)

var ctx = context.Background()

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(importAsChild())
	}
	pgtest.Main(m)
}

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestConformance runs the store contract's suite, the one the SQLite store passes, on
// a PostgreSQL database; a second time with a writer's cache of names small enough to be
// flushed in the middle of jobs.
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

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = $1 AND c = $2"},
		{"WHERE k <= ?1 AND r = ?2 AND m = ?3 AND x = ?1", "WHERE k <= $1 AND r = $2 AND m = $3 AND x = $1"},
		{"VALUES (?,?),(?,?)", "VALUES ($1,$2),($3,$4)"},
		{"SELECT '?' || ? || \"a?b\"", "SELECT '?' || $1 || \"a?b\""},
		{"SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2"},
		{"SELECT 'unterminated ?", "SELECT 'unterminated ?"},
	} {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestOpenMigratesOnceAndReopens(t *testing.T) {
	url := pgtest.URL(t)
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	storetest.WriteJob(t, s, ref(1), core.WriteOptions{}, storetest.Sample)
	fi, err := s.Info(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	if fi.SchemaVersion != 1 || fi.Bytes == 0 || !strings.HasPrefix(fi.JournalMode, "PostgreSQL ") || len(fi.Integrity) != 0 || len(fi.Largest) != 1 {
		t.Errorf("info %+v", fi)
	}
	s.Close()
	s, err = Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if jobs, err := s.Jobs(ctx, nil); err != nil || len(jobs) != 1 || jobs[0].Tests != int64(len(storetest.Sample)) {
		t.Errorf("after reopening: %v %v", jobs, err)
	}
	// A database of a newer regtracker is refused.
	if _, err := s.DB().Exec("UPDATE schema_version SET version = 999"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, url); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("a newer schema opened: %v", err)
	}
}

// TestPasswordsComeFromTheEnvironment: a password in the URL is refused before anything
// is sent; PGPASSWORD and the password file log in; a wrong one gets a sentence saying
// where the password comes from, and the password appears in no error.
func TestPasswordsComeFromTheEnvironment(t *testing.T) {
	url := pgtest.URL(t)
	db := strings.TrimPrefix(url[strings.LastIndex(url, "/"):], "/")
	db, _, _ = strings.Cut(db, "?")
	pgtest.Exec(t, "DROP ROLE IF EXISTS alice", "CREATE ROLE alice LOGIN PASSWORD 's3cret-pw'",
		"GRANT ALL ON DATABASE "+db+" TO alice", "ALTER DATABASE "+db+" OWNER TO alice")
	alice := pgtest.WithUser(url, "alice")

	withPassword := strings.Replace(alice, "alice@", "alice:s3cret-pw@", 1)
	_, err := Open(ctx, withPassword)
	if err == nil || !strings.Contains(err.Error(), "PGPASSWORD") || strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("a password in the URL: %v", err)
	}

	if _, err := Open(ctx, alice+"&password=s3cret-pw"); err == nil || strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("a password parameter: %v", err)
	}

	t.Setenv("PGPASSFILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("PGPASSWORD", "wrong-pw")
	_, err = Open(ctx, alice)
	if err == nil || !strings.Contains(err.Error(), "refused the login") || strings.Contains(err.Error(), "wrong-pw") {
		t.Errorf("a wrong password: %v", err)
	}

	t.Setenv("PGPASSWORD", "s3cret-pw")
	s, err := Open(ctx, alice)
	if err != nil {
		t.Fatalf("with PGPASSWORD: %v", err)
	}
	if strings.Contains(s.Path(), "s3cret") {
		t.Errorf("path %q", s.Path())
	}
	s.Close()

	os.Unsetenv("PGPASSWORD")
	pass := filepath.Join(t.TempDir(), "pgpass")
	if err := os.WriteFile(pass, []byte("*:*:*:alice:s3cret-pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSFILE", pass)
	s, err = Open(ctx, alice)
	if err != nil {
		t.Fatalf("with a password file: %v", err)
	}
	s.Close()
}

func TestUnreachableServerIsNamed(t *testing.T) {
	_, err := Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=5")
	if err == nil || !strings.Contains(err.Error(), "cannot reach the PostgreSQL server") {
		t.Errorf("got %v", err)
	}
	if _, err := Open(ctx, "/tmp/file.db"); err == nil {
		t.Error("a file path opened as a server")
	}
}

// The two-process import: this test binary, run again with childEnv set, imports one
// job and exits.
const childEnv = "REGTRACKER_PG_CHILD"

func ref(n int64) core.JobRef {
	return core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: n}
}

// childResults are job n's results: n*1000 + 20,000 of them, each test of its own.
func childResults(n int64) []core.Result {
	rs := make([]core.Result, 20_000+n*1000)
	for i := range rs {
		rs[i] = core.Result{Classname: fmt.Sprintf("vpn.Suite%d", i%50), Name: fmt.Sprintf("case%d", i)}
		if i%97 == int(n) {
			rs[i].Status, rs[i].Message = core.Failed, fmt.Sprintf("job %d broke %d", n, i)
		}
	}
	return rs
}

func importAsChild() int {
	n, _ := strconv.ParseInt(os.Getenv(childEnv), 10, 64)
	s, err := Open(ctx, os.Getenv("REGTRACKER_PG_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	w, err := s.BeginJob(ctx, ref(n), core.WriteOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rs := childResults(n)
	for len(rs) > 0 {
		k := min(len(rs), 1000)
		if err := w.Add(ctx, rs[:k]); err != nil {
			w.Rollback()
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		rs = rs[k:]
	}
	if _, err := w.Commit(ctx, core.ImportStats{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestTwoProcessesImportIntoOneModule: two processes import different jobs of one
// module into a new database at once (both also create its schema); both jobs land
// whole, with exact counts.
func TestTwoProcessesImportIntoOneModule(t *testing.T) {
	url := pgtest.URL(t)
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for _, n := range []int64{1, 2} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+strconv.FormatInt(n, 10), "REGTRACKER_PG_URL="+url)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v: %s", i+1, err, outs[i])
		}
	}
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, n := range []int64{1, 2} {
		job, err := s.Job(ctx, ref(n))
		if err != nil {
			t.Fatal(err)
		}
		want := core.Counts{}
		rs := childResults(n)
		for i := range rs {
			want.Add(&rs[i])
		}
		if job.Counts != want {
			t.Errorf("job %d: counts %+v, want %+v", n, job.Counts, want)
		}
		got, err := storetest.Results(ctx, s, ref(n))
		if err != nil || len(got) != len(childResults(n)) || got[len(got)-1].Name != childResults(n)[len(got)-1].Name {
			t.Errorf("job %d: %d results read back: %v", n, len(got), err)
		}
	}
	if problems, err := s.IntegrityCheck(ctx); err != nil || len(problems) > 0 {
		t.Errorf("integrity: %v %v", problems, err)
	}
}
