package storecopy

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/postgres"
	"github.com/regtracker/regtracker/core/store/postgres/pgtest"
	"github.com/regtracker/regtracker/core/store/sqlite"
	"github.com/regtracker/regtracker/core/store/storetest"
)

var ctx = context.Background()

func TestMain(m *testing.M) { pgtest.Main(m) }

func open(t *testing.T, name string) store.Store {
	t.Helper()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// everything is what a user can read of a store, for comparing two.
func everything(t *testing.T, s store.Store) map[string]any {
	t.Helper()
	out := map[string]any{}
	jobs, err := s.Jobs(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		rs, err := storetest.Results(ctx, s, j.JobRef)
		if err != nil {
			t.Fatal(err)
		}
		jc, _ := s.Commits(ctx, j.ModuleRef, j.Number-1, j.Number)
		j.ImportedAt = j.ImportedAt.UTC()
		out[j.JobRef.String()] = []any{j, rs, jc}
	}
	known, _ := s.KnownIssues(ctx, nil)
	for i := range known {
		known[i].ID = 0
		known[i].When = known[i].When.UTC()
	}
	out["known"] = known
	repo, _ := s.ModuleRepo(ctx, core.ModuleRef{Release: "7.0", Module: "vpn"})
	out["repo"] = repo
	return out
}

// history fills from with several modules, texts, commits, a known issue and a source clone.
func history(t *testing.T, from store.Store) {
	t.Helper()
	vpn := core.ModuleRef{Release: "7.0", Module: "vpn"}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	storetest.WriteJob(t, from, core.JobRef{ModuleRef: vpn, Number: 1}, core.WriteOptions{Source: "/logs/1", Revision: "r1"}, storetest.Sample)
	storetest.WriteJob(t, from, core.JobRef{ModuleRef: vpn, Number: 2}, core.WriteOptions{Source: "/logs/2", Revision: "r2",
		Commits: []core.Commit{{ID: "c2", Author: "Ann", Time: at, Message: "fix", Paths: []string{"a.go"}}}}, storetest.Sample[:3])
	storetest.WriteJob(t, from, core.JobRef{ModuleRef: core.ModuleRef{Release: "6.4", Module: "dns"}, Number: 9}, core.WriteOptions{}, storetest.Sample[3:])
	if _, err := from.AddKnownIssue(ctx, core.KnownIssue{Module: vpn, Test: &core.TestID{Classname: "vpn.TunnelTest", Name: "rekeys"},
		Reason: "JIRA-1", Who: "ann", When: at}); err != nil {
		t.Fatal(err)
	}
	from.SetModuleRepo(ctx, vpn, "/src/vpn")
}

// TestCopy: a history with several modules, texts, commits, a known issue and a source
// clone copies whole; a second copy skips what is there; a copy into a store that has
// some of it adds only the rest.
func TestCopy(t *testing.T) {
	from := open(t, "from.db")
	history(t, from)
	vpn := core.ModuleRef{Release: "7.0", Module: "vpn"}

	to := open(t, "to.db")
	var seen []string
	sum, err := Copy(ctx, from, to, func(j core.JobRef, i, n int) { seen = append(seen, j.String()) })
	if err != nil {
		t.Fatal(err)
	}
	if sum != (Summary{Jobs: 3, Results: 10, KnownIssues: 1, Repos: 1}) || len(seen) != 3 {
		t.Errorf("summary %+v, progress %v", sum, seen)
	}
	if a, b := everything(t, from), everything(t, to); !reflect.DeepEqual(a, b) {
		t.Errorf("the copy differs:\n%+v\n%+v", a, b)
	}
	// Again: nothing to do.
	if sum, err := Copy(ctx, from, to, nil); err != nil || sum != (Summary{Skipped: 3}) {
		t.Errorf("a second copy: %+v %v", sum, err)
	}
	// Into a store that has job 1 of its own: it is kept, the rest is added.
	partial := open(t, "partial.db")
	storetest.WriteJob(t, partial, core.JobRef{ModuleRef: vpn, Number: 1}, core.WriteOptions{}, storetest.Sample[:1])
	if sum, err := Copy(ctx, from, partial, nil); err != nil || sum.Jobs != 2 || sum.Skipped != 1 {
		t.Errorf("a copy into a store with job 1: %+v %v", sum, err)
	}
	if j, _ := partial.Job(ctx, core.JobRef{ModuleRef: vpn, Number: 1}); j.Tests != 1 {
		t.Errorf("the target's own job 1 was replaced: %d tests", j.Tests)
	}
}

// TestCopyBetweenFileAndServer: a laptop's history copies onto a PostgreSQL server whole,
// and from there back into a new file, each reading the same as the first.
func TestCopyBetweenFileAndServer(t *testing.T) {
	file := open(t, "laptop.db")
	history(t, file)
	server, err := postgres.Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	if sum, err := Copy(ctx, file, server, nil); err != nil || sum != (Summary{Jobs: 3, Results: 10, KnownIssues: 1, Repos: 1}) {
		t.Fatalf("file -> server: %+v %v", sum, err)
	}
	want := everything(t, file)
	if got := everything(t, server); !reflect.DeepEqual(want, got) {
		t.Errorf("the server's copy differs:\n%+v\n%+v", want, got)
	}
	back := open(t, "back.db")
	if sum, err := Copy(ctx, server, back, nil); err != nil || sum.Jobs != 3 {
		t.Fatalf("server -> file: %+v %v", sum, err)
	}
	if got := everything(t, back); !reflect.DeepEqual(want, got) {
		t.Errorf("the copy back differs:\n%+v\n%+v", want, got)
	}
}
