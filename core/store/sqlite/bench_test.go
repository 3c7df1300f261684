package sqlite

import (
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/chunk"
	"github.com/regtracker/regtracker/core/store/sqlstore"
)

// benchResults are 1,000,000 results shaped like a large JUnit report: classes of about
// 230 tests, 3% failures with a message and a stack trace, 0.5% errors, 2% skipped,
// durations in milliseconds.
func benchResults(n int, fn func([]core.Result)) {
	rnd := rand.New(rand.NewPCG(7, 7))
	words := []string{"handshake", "rekey", "failover", "mtu", "dpd", "nat_t"}
	batch := make([]core.Result, 0, 512)
	for i := 0; i < n; i++ {
		class := fmt.Sprintf("com.acme.vpn.tunnel.Suite%dTest", i/230)
		r := core.Result{Classname: class, Name: fmt.Sprintf("test_%s_%d", words[rnd.IntN(len(words))], i%230),
			Duration: float64(rnd.IntN(2000)) / 1000}
		switch x := rnd.Float64() * 100; {
		case x < 3:
			r.Status, r.Type = core.Failed, "java.lang.AssertionError"
			r.Message = fmt.Sprintf("expected:<%d> but was:<%d>", rnd.IntN(10), 10+rnd.IntN(90))
			r.Details = fmt.Sprintf("java.lang.AssertionError: %s\n\tat %s.%s(Suite.java:%d)", r.Message, class, r.Name, rnd.IntN(900))
		case x < 3.5:
			r.Status, r.Message, r.Type = core.Error, "Timeout after 30s", "java.util.concurrent.TimeoutException"
		case x < 5.5:
			r.Status, r.Message, r.Duration = core.Skipped, "requires ipv6 lab", 0
		}
		batch = append(batch, r)
		if len(batch) == cap(batch) || i == n-1 {
			fn(batch)
			batch = batch[:0]
		}
	}
}

var (
	benchOnce sync.Once
	benchPath string
)

// benchStore is a store with one job of 1,000,000 results, built once per test binary.
func benchStore(b *testing.B) (*Store, core.JobRef) {
	job := ref("7.0", "vpn", 1)
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "regtracker-store-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchPath = filepath.Join(dir, "big.db")
		s, err := Open(ctx, benchPath)
		if err != nil {
			b.Fatal(err)
		}
		w, err := s.BeginJob(ctx, job, core.WriteOptions{})
		if err != nil {
			b.Fatal(err)
		}
		benchResults(1_000_000, func(rs []core.Result) {
			if err := w.Add(ctx, rs); err != nil {
				b.Fatal(err)
			}
		})
		if _, err := w.Commit(ctx, core.ImportStats{}); err != nil {
			b.Fatal(err)
		}
		s.Close()
	})
	s, err := Open(ctx, benchPath)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, job
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchPath != "" {
		os.RemoveAll(filepath.Dir(benchPath))
	}
	os.Exit(code)
}

// BenchmarkResultsTable1M: the app's results table on a job of 1,000,000 results: the
// query behind each filter and order (every matching position, sorted), cold (the job
// not read before) and warm (the job read by an earlier query, as when a user changes
// the filter), then a page of rows and one result's detail.
func BenchmarkResultsTable1M(b *testing.B) {
	s, job := benchStore(b)
	for _, c := range []struct {
		name  string
		f     store.ResultFilter
		order store.ResultOrder
		desc  bool
	}{
		{"report-order", store.ResultFilter{}, store.ByReport, false},
		{"sort-by-name", store.ResultFilter{}, store.ByName, false},
		{"name-filter", store.ResultFilter{Name: "Suite42"}, store.ByReport, false},
		{"name-filter-sorted", store.ResultFilter{Name: "REKEY"}, store.ByName, false},
		{"failed", store.ResultFilter{Statuses: []core.Status{core.Failed, core.Error}}, store.ByStatus, false},
		{"sort-by-duration", store.ResultFilter{}, store.ByDuration, true},
	} {
		for _, cold := range []bool{true, false} {
			name := c.name + "/warm"
			if cold {
				name = c.name + "/cold"
			}
			b.Run(name, func(b *testing.B) {
				var n int
				for b.Loop() {
					if cold {
						s.ForgetView()
					}
					ids, err := s.ResultIDs(ctx, job, c.f, c.order, c.desc)
					if err != nil {
						b.Fatal(err)
					}
					n = len(ids)
				}
				b.ReportMetric(float64(n), "results")
			})
		}
	}
	ids, err := s.ResultIDs(ctx, job, store.ResultFilter{}, store.ByName, false)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("page-of-rows", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.ResultRows(ctx, job, ids[500_000:500_100]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("detail", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.ResultDetail(ctx, job, 123_456); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// writeRowLayout writes a database of the row layout (schema 3) holding one job of n
// results, as the code before migration 0004 stored them.
func writeRowLayout(b *testing.B, path string, n int) {
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	exec := func(q string, args ...any) {
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("%.60s: %v", q, err)
		}
	}
	ms, err := sqlstore.Migrations(migrationFiles, "migrations", nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := sqlstore.Migrate(ctx, conn, dialect{path: path}, ms, 3); err != nil {
		b.Fatal(err)
	}
	exec("BEGIN")
	exec("INSERT INTO releases (id, name) VALUES (1, '7.0')")
	exec("INSERT INTO modules (id, release_id, name) VALUES (1, 1, 'vpn')")
	exec("INSERT INTO jobs (id, module_id, number, tests, imported_at, first_result, last_result) VALUES (1, 1, 1, ?, '2026-12-04T00:00:00Z', 1, ?)", n, n)
	classes := map[string]int64{}
	tests := map[core.TestID]int64{}
	used := map[int64]bool{}
	texts := map[string]int64{}
	// Multi-row inserts, 200 rows each.
	pending := map[string][][]any{}
	insert := func(head string, row ...any) {
		pending[head] = append(pending[head], row)
		if len(pending[head]) == 200 {
			flushRows(b, conn, head, pending[head])
			pending[head] = pending[head][:0]
		}
	}
	textKeyOf := func(t string) any {
		if t == "" {
			return nil
		}
		k, ok := texts[t]
		if !ok {
			k = chunk.TextKey(t)
			texts[t] = k
			insert("INSERT INTO texts (key, body) VALUES ", k, t)
		}
		return k
	}
	var id int64
	benchResults(n, func(rs []core.Result) {
		for i := range rs {
			r := &rs[i]
			id++
			cid, ok := classes[r.Classname]
			if !ok {
				cid = int64(len(classes) + 1)
				classes[r.Classname] = cid
				exec("INSERT INTO classes (id, key, name) VALUES (?, ?, ?)", cid, chunk.ClassKey(r.Classname), r.Classname)
			}
			tid := core.TestID{Classname: r.Classname, Name: r.Name}
			key, ok := tests[tid]
			if !ok {
				// The row layout's key: the class, then a hash of the name, probed.
				for key = cid<<32 | int64(uint32(chunk.Hash(r.Name))); used[key]; key++ {
				}
				tests[tid], used[key] = key, true
				insert("INSERT INTO tests (key, name) VALUES ", key, r.Name)
			}
			insert("INSERT INTO results (id, test_key, packed) VALUES ", id, key, int64(r.Status)|chunk.Micros(r.Duration)<<3)
			if r.Message != "" || r.Type != "" || r.Details != "" {
				insert("INSERT INTO result_texts (result_id, message, type, details) VALUES ",
					id, textKeyOf(r.Message), textKeyOf(r.Type), textKeyOf(r.Details))
			}
		}
	})
	for head, rows := range pending {
		flushRows(b, conn, head, rows)
	}
	exec("COMMIT")
}

func flushRows(b *testing.B, conn *sql.Conn, head string, rows [][]any) {
	if len(rows) == 0 {
		return
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(rows[0])), ",") + ")"
	var args []any
	for _, r := range rows {
		args = append(args, r...)
	}
	q := head + strings.TrimSuffix(strings.Repeat(one+",", len(rows)), ",")
	if _, err := conn.ExecContext(ctx, q, args...); err != nil {
		b.Fatalf("%s: %v", head, err)
	}
}

// BenchmarkMigrate1M: opening a database of the row layout with one job of 1,000,000
// results, which moves them into chunks.
func BenchmarkMigrate1M(b *testing.B) {
	dir := b.TempDir()
	orig := filepath.Join(dir, "rows.db")
	writeRowLayout(b, orig, 1_000_000)
	for b.Loop() {
		b.StopTimer()
		p := filepath.Join(dir, "copy.db")
		os.Remove(p + "-wal")
		copyFile(b, orig, p)
		b.StartTimer()
		s, err := Open(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

func copyFile(b *testing.B, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}
