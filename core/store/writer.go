package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/regtracker/regtracker/core"
)

// rowsPerInsert is how many rows one multi-row INSERT carries; more gained nothing when
// measured, fewer costs statement overhead.
const rowsPerInsert = 256

// writerCacheKiB is the page cache of the importing connection.
const writerCacheKiB = 16 << 10

// JobWriter is the store's core.JobWriter: one job's results inside a single SQLite
// transaction. Nothing it writes is visible to readers until Commit; Rollback (or any
// error) leaves the database as it was. A JobWriter is used from one goroutine.
type JobWriter struct {
	conn       *sql.Conn
	release    func()
	ref        core.JobRef
	jobID      int64
	opts       core.WriteOptions
	counts     core.Counts
	started    time.Time
	importedAt time.Time
	waited     time.Duration
	busy       time.Duration
	done       bool

	stmts       map[stmtKey]*sql.Stmt
	raw         map[stmtKey]driver.Stmt // used inside w.conn.Raw only (see bulkExec)
	nargs       []driver.NamedValue
	order       []int           // scratch: a chunk's rows in key order
	known       map[string]bool // table -> the last chunk's values were all stored already
	args        []any
	keys        []int64          // scratch: keys of a chunk's tests, then of its texts
	values      []string         // scratch: their values
	slots       []int64          // scratch: the key of each text of a chunk, or -1-index in keys
	texts       textCache        // texts known to be stored
	states      stateBuilder     // the job's test states, built as results are added
	classes     map[string]int64 // class name -> id, bounded by classCacheSize
	lastClass   string
	lastClassID int64
	firstResult int64 // id of the job's first result
	nextResult  int64 // id the next result gets
}

type stmtKey struct {
	table string
	rows  int
}

// BeginJob starts writing the job ref, waiting for the process's writer slot and for
// other processes' writers as long as ctx allows. The release and module are created if
// needed. The caller must call Commit or Rollback.
func (s *Store) BeginJob(ctx context.Context, ref core.JobRef, opts core.WriteOptions) (core.JobWriter, error) {
	if ref.Number <= 0 {
		return nil, fmt.Errorf("job %s: a job number is needed", ref)
	}
	t0 := time.Now()
	conn, release, err := s.lockWriter(ctx)
	if err != nil {
		return nil, err
	}
	w := &JobWriter{conn: conn, release: release, ref: ref, opts: opts, started: t0, stmts: map[stmtKey]*sql.Stmt{}, raw: map[stmtKey]driver.Stmt{}, classes: map[string]int64{}, known: map[string]bool{}}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", writerCacheKiB)); err != nil {
		release()
		return nil, describe(err)
	}
	if err := beginWrite(ctx, conn); err != nil {
		release()
		return nil, err
	}
	w.waited = time.Since(t0)
	if err := w.createJob(ctx); err != nil {
		w.Rollback()
		return nil, err
	}
	return w, nil
}

func (w *JobWriter) createJob(ctx context.Context) error {
	moduleID, err := ensureModule(ctx, w.conn, w.ref.ModuleRef)
	if err != nil {
		return err
	}
	var old int64
	err = w.conn.QueryRowContext(ctx, "SELECT id FROM jobs WHERE module_id = ? AND number = ?", moduleID, w.ref.Number).Scan(&old)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return describe(err)
	case !w.opts.Replace:
		return core.ErrJobExists
	default:
		if err := deleteJob(ctx, w.conn, old); err != nil {
			return err
		}
	}
	w.importedAt = time.Now().UTC()
	res, err := w.conn.ExecContext(ctx,
		"INSERT INTO jobs (module_id, number, imported_at, source) VALUES (?, ?, ?, ?)",
		moduleID, w.ref.Number, w.importedAt.Format(time.RFC3339Nano), w.opts.Source)
	if err != nil {
		return describe(err)
	}
	if w.jobID, err = res.LastInsertId(); err != nil {
		return err
	}
	// Results get consecutive ids from here: this transaction is the only writer.
	err = w.conn.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) + 1 FROM results").Scan(&w.firstResult)
	w.nextResult = w.firstResult
	return describe(err)
}

func ensureModule(ctx context.Context, conn *sql.Conn, m core.ModuleRef) (int64, error) {
	if _, err := conn.ExecContext(ctx, "INSERT INTO releases (name) VALUES (?) ON CONFLICT DO NOTHING", m.Release); err != nil {
		return 0, describe(err)
	}
	if _, err := conn.ExecContext(ctx,
		"INSERT INTO modules (release_id, name) SELECT id, ? FROM releases WHERE name = ? ON CONFLICT DO NOTHING",
		m.Module, m.Release); err != nil {
		return 0, describe(err)
	}
	var id int64
	err := conn.QueryRowContext(ctx,
		"SELECT m.id FROM modules m JOIN releases r ON r.id = m.release_id WHERE r.name = ? AND m.name = ?",
		m.Release, m.Module).Scan(&id)
	return id, describe(err)
}

func deleteJob(ctx context.Context, conn *sql.Conn, id int64) error {
	var first, last int64
	if err := conn.QueryRowContext(ctx, "SELECT first_result, last_result FROM jobs WHERE id = ?", id).Scan(&first, &last); err != nil {
		return describe(err)
	}
	for _, q := range []string{
		"DELETE FROM result_texts WHERE result_id BETWEEN ? AND ?",
		"DELETE FROM results WHERE id BETWEEN ? AND ?",
	} {
		if _, err := conn.ExecContext(ctx, q, first, last); err != nil {
			return describe(err)
		}
	}
	if _, err := conn.ExecContext(ctx, "DELETE FROM job_tests WHERE job_id = ?", id); err != nil {
		return describe(err)
	}
	_, err := conn.ExecContext(ctx, "DELETE FROM jobs WHERE id = ?", id)
	return describe(err)
}

// Waited is how long BeginJob waited for the writer.
func (w *JobWriter) Waited() time.Duration { return w.waited }

// Busy is the time spent in Add so far.
func (w *JobWriter) Busy() time.Duration { return w.busy }

// Counts are the totals of the results added so far.
func (w *JobWriter) Counts() core.Counts { return w.counts }

// Add writes results in report order. It checks ctx between chunks of rowsPerInsert
// results, so a cancel is answered within about a millisecond.
func (w *JobWriter) Add(ctx context.Context, rs []core.Result) error {
	t0 := time.Now()
	defer func() { w.busy += time.Since(t0) }()
	// Statements run without the cancel: with one, the driver starts a goroutine and a
	// progress handler per statement, which cost more than the inserts of a small chunk.
	// A chunk takes about a millisecond, so checking ctx between chunks answers a cancel
	// as fast.
	run := context.WithoutCancel(ctx)
	for len(rs) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(len(rs), rowsPerInsert)
		if err := w.addChunk(run, rs[:n]); err != nil {
			return err
		}
		rs = rs[n:]
	}
	return nil
}

// Text columns of a result, in the order of the results table.
const textCols = 5

func resultTexts(r *core.Result) [textCols]string {
	return [textCols]string{r.Message, r.Type, r.Details, r.SystemOut, r.SystemErr}
}

func (w *JobWriter) addChunk(ctx context.Context, rs []core.Result) error {
	// Identities.
	w.keys, w.values = w.keys[:0], w.values[:0]
	for i := range rs {
		cid, err := w.classID(ctx, rs[i].Classname)
		if err != nil {
			return err
		}
		w.keys = append(w.keys, testKey(cid, rs[i].Name))
		w.values = append(w.values, rs[i].Name)
	}
	if err := w.intern(ctx, "tests", w.keys, w.values); err != nil {
		return err
	}
	for i := range rs {
		seq := uint32(w.nextResult - w.firstResult + int64(i))
		if err := w.states.add(TestState{Key: w.keys[i], Status: rs[i].Status, Flaky: rs[i].Flaky, Seq: seq}); err != nil {
			return err
		}
	}
	// Results.
	w.args = w.args[:0]
	withText := 0
	for i := range rs {
		r := &rs[i]
		w.args = append(w.args, w.keys[i], packResult(r))
		if resultTexts(r) != ([textCols]string{}) {
			withText++
		}
		w.counts.Add(r)
	}
	if _, err := w.bulkExec(ctx, "results", 2, len(rs)); err != nil {
		return err
	}
	first := w.nextResult
	w.nextResult += int64(len(rs))
	if withText == 0 {
		return nil
	}
	return w.addTexts(ctx, rs, first, withText)
}

// addTexts stores the texts of the results that have any, rs[0] having the id first.
// Texts seen lately (messages and failure types repeat a lot) are taken from the cache
// and not sent to SQLite again.
func (w *JobWriter) addTexts(ctx context.Context, rs []core.Result, first int64, rows int) error {
	w.keys, w.values, w.slots = w.keys[:0], w.values[:0], w.slots[:0]
	pending := map[int64]int{} // key -> index in w.keys, for texts repeated in the chunk
	for i := range rs {
		for _, t := range resultTexts(&rs[i]) {
			if t == "" {
				continue
			}
			k := textKey(t)
			if w.texts.has(k, t) {
				w.slots = append(w.slots, k)
				continue
			}
			j, ok := pending[k]
			if !ok || w.values[j] != t {
				j = len(w.keys)
				pending[k] = j
				w.keys = append(w.keys, k)
				w.values = append(w.values, t)
			}
			w.slots = append(w.slots, -1-int64(j)) // resolved below
		}
	}
	if len(w.keys) > 0 {
		if err := w.intern(ctx, "texts", w.keys, w.values); err != nil {
			return err
		}
		for j, k := range w.keys {
			w.texts.add(k, w.values[j])
		}
	}
	w.args = w.args[:0]
	slot := 0
	for i := range rs {
		texts := resultTexts(&rs[i])
		if texts == ([textCols]string{}) {
			continue
		}
		w.args = append(w.args, first+int64(i))
		for _, t := range texts {
			if t == "" {
				w.args = append(w.args, nil)
				continue
			}
			k := w.slots[slot]
			if k < 0 {
				k = w.keys[-1-k]
			}
			w.args = append(w.args, k)
			slot++
		}
	}
	_, err := w.bulkExec(ctx, "result_texts", 1+textCols, rows)
	return err
}

// prepared returns q prepared on the writer's connection, once per job.
func (w *JobWriter) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	key := stmtKey{table: q}
	if st, ok := w.stmts[key]; ok {
		return st, nil
	}
	st, err := w.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, describe(err)
	}
	w.stmts[key] = st
	return st, nil
}

// stmt returns the prepared multi-row statement for table with rows rows.
func (w *JobWriter) stmt(ctx context.Context, table string, cols, rows int) (*sql.Stmt, error) {
	key := stmtKey{table, rows}
	if st, ok := w.stmts[key]; ok {
		return st, nil
	}
	st, err := w.conn.PrepareContext(ctx, bulkQuery(table, cols, rows))
	if err != nil {
		return nil, describe(err)
	}
	w.stmts[key] = st
	return st, nil
}

// bulkQuery is the multi-row statement for table with rows rows of cols values.
func bulkQuery(table string, cols, rows int) string {
	var head, tail string
	switch table {
	case "tests", "texts":
		head = interned[table].insertHead
	case "results":
		// The ids are left to SQLite (one more than the largest) and cannot conflict:
		// OR FAIL spares SQLite a statement journal.
		head = "INSERT OR FAIL INTO results (test_key, packed) VALUES "
	case "result_texts":
		head = "INSERT OR FAIL INTO result_texts (result_id, message, type, details, out, err) VALUES "
	case "verify tests", "verify texts":
		t := interned[strings.TrimPrefix(table, "verify ")]
		head, tail = t.verifyHead, t.verifyTail
	}
	row := "(" + strings.Repeat("?,", cols-1) + "?)"
	return head + strings.Repeat(row+",", rows-1) + row + tail
}

// bulkExec runs the multi-row statement for table on w.args and returns the rows it
// changed. It talks to the driver directly, inside the connection's Raw: database/sql
// would check and convert every one of the thousands of arguments again, and that was a
// tenth of an import's writer time. Its statements are used only inside Raw.
func (w *JobWriter) bulkExec(ctx context.Context, table string, cols, rows int) (int64, error) {
	key := stmtKey{table, rows}
	if cap(w.nargs) < len(w.args) {
		w.nargs = make([]driver.NamedValue, len(w.args))
	}
	w.nargs = w.nargs[:len(w.args)]
	for i, a := range w.args {
		w.nargs[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	var changed int64
	err := w.conn.Raw(func(dc any) error {
		st, ok := w.raw[key]
		if !ok {
			var err error
			if st, err = dc.(driver.ConnPrepareContext).PrepareContext(ctx, bulkQuery(table, cols, rows)); err != nil {
				return err
			}
			w.raw[key] = st
		}
		res, err := st.(driver.StmtExecContext).ExecContext(ctx, w.nargs)
		if err != nil {
			return err
		}
		changed, err = res.RowsAffected()
		return err
	})
	return changed, describe(err)
}

// Commit stores the job's counts and statistics and makes the job visible. stats
// carries what the caller measured; the writer fills in Wait, Write, Commit and Total.
func (w *JobWriter) Commit(ctx context.Context, stats core.ImportStats) (core.Job, error) {
	if w.done {
		return core.Job{}, errors.New("job writer already finished")
	}
	c := w.counts
	var last int64
	if err := w.conn.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM results").Scan(&last); err != nil || last != w.nextResult-1 && c.Tests > 0 {
		w.Rollback()
		return core.Job{}, fmt.Errorf("result ids are not contiguous (expected %d, found %d): %v", w.nextResult-1, last, err)
	}
	identities, err := w.writeStates(ctx)
	if err != nil {
		w.Rollback()
		return core.Job{}, err
	}
	stats.Wait, stats.Write = w.waited, w.busy
	total := time.Since(w.started)
	_, err = w.conn.ExecContext(ctx, `UPDATE jobs SET identities = ?, tests = ?, passed = ?, failed = ?, errors = ?, skipped = ?, flaky = ?,
		duration_seconds = ?, files = ?, bytes = ?, wait_seconds = ?, decode_seconds = ?, write_seconds = ?,
		import_seconds = ?, peak_rss_bytes = ?, peak_heap_bytes = ?, first_result = ?, last_result = ? WHERE id = ?`,
		identities, c.Tests, c.Passed, c.Failed, c.Errors, c.Skipped, c.Flaky, c.Duration, stats.Files, stats.Bytes,
		stats.Wait.Seconds(), stats.Decode.Seconds(), stats.Write.Seconds(), total.Seconds(),
		int64(stats.PeakRSS), int64(stats.PeakHeap), w.firstResult, w.nextResult-1, w.jobID)
	if err != nil {
		w.Rollback()
		return core.Job{}, describe(err)
	}
	t0 := time.Now()
	if _, err := w.conn.ExecContext(ctx, "COMMIT"); err != nil {
		w.Rollback()
		return core.Job{}, describe(err)
	}
	stats.Commit = time.Since(t0)
	stats.Total = time.Since(w.started)
	// The commit's own duration is known only now; a failure here loses nothing else.
	w.conn.ExecContext(context.WithoutCancel(ctx),
		"UPDATE jobs SET commit_seconds = ?, import_seconds = ? WHERE id = ?",
		stats.Commit.Seconds(), stats.Total.Seconds(), w.jobID)
	w.finish()
	return core.Job{JobRef: w.ref, Counts: c, Identities: identities, ImportedAt: w.importedAt, Source: w.opts.Source, Stats: stats}, nil
}

// Rollback abandons the job: the database is left as it was before BeginJob. It is safe
// to call after Commit or more than once.
func (w *JobWriter) Rollback() {
	if w.done {
		return
	}
	rollback(w.conn)
	w.finish()
}

func (w *JobWriter) finish() {
	w.states.close()
	w.conn.Raw(func(any) error {
		for _, st := range w.raw {
			st.Close()
		}
		return nil
	})
	for _, st := range w.stmts {
		st.Close()
	}
	w.done = true
	w.release()
}
