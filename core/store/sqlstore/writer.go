package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/chunk"
)

// resultsPerBatch is how many results the writer takes at a time: their new classes are
// found and created, and their new texts stored, in a few statements per batch. A
// chunk's worth: against 256 before, a 1M-case import into a server took 3.2 s instead
// of 3.9 (medians of 3 side by side), and into a file 1.4 s instead of 1.5.
const resultsPerBatch = chunk.ResultsPerChunk

// JobWriter is the store's core.JobWriter: one job's results inside a single database
// transaction. Nothing it writes is visible to readers until Commit; Rollback (or any
// error) leaves the database as it was. A JobWriter is used from one goroutine.
type JobWriter struct {
	conn       *sql.Conn
	release    func()
	dialect    Dialect
	ref        core.JobRef
	jobID      int64
	opts       core.WriteOptions
	counts     core.Counts
	started    time.Time
	importedAt time.Time
	waited     time.Duration
	busy       time.Duration
	done       bool

	stmts    map[stmtKey]*sql.Stmt
	raw      map[stmtKey]driver.Stmt // used inside w.conn.Raw only (see bulkExec)
	nargs    []driver.NamedValue
	order    []int           // scratch: a batch's rows in key order
	known    map[string]bool // table -> the last batch's values were all stored already
	args     []any
	testKeys []int64            // scratch: the test keys of a batch
	keys     []int64            // scratch: keys of a batch's texts
	values   []string           // scratch: texts of a batch
	slots    []int64            // scratch: the key of each text of a batch, or -1-index in keys
	texts    textCache          // texts known to be stored
	states   chunk.StateBuilder // the job's test states, built as results are added

	classes        map[string]*classNames // by class name, bounded by maxCachedNames
	cachedNames    int
	maxCachedNames int
	lastClass      *classNames
	lastClassName  string
	block          chunk.NameBlock // scratch for decoding name blocks

	// Rows of the blob tables not sent yet (see batch).
	chunkRows, stateRows, nameRows *batch

	chunk  chunk.Results // results not yet written: the last chunk.Len() before seq
	seq    uint32        // the position the next result gets
	raw1   []byte        // scratch: a chunk's raw form
	packed []byte        // scratch: its compressed form
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
	conn, release, err := s.LockWriter(ctx)
	if err != nil {
		return nil, err
	}
	w := newJobWriter(conn, release, s.dialect)
	w.maxCachedNames = s.maxCachedNames
	w.ref, w.opts, w.started = ref, opts, t0
	if err := s.dialect.BeginWrite(ctx, conn); err != nil {
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

func newJobWriter(conn *sql.Conn, release func(), d Dialect) *JobWriter {
	return &JobWriter{conn: conn, release: release, dialect: d, stmts: map[stmtKey]*sql.Stmt{}, raw: map[stmtKey]driver.Stmt{},
		classes: map[string]*classNames{}, known: map[string]bool{}, maxCachedNames: defaultCachedNames,
		chunkRows: newBatch("result_chunks", "", "job_id", "first", "results", "data"),
		stateRows: newBatch("job_states", "", "job_id", "first_key", "entries", "data"),
		nameRows: newBatch("test_names", " ON CONFLICT (class_id, first) DO UPDATE SET names = excluded.names, data = excluded.data",
			"class_id", "first", "names", "data")}
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
	if !w.opts.ImportedAt.IsZero() {
		w.importedAt = w.opts.ImportedAt.UTC()
	}
	err = w.conn.QueryRowContext(ctx,
		"INSERT INTO jobs (module_id, number, imported_at, source, revision) VALUES (?, ?, ?, ?, ?) RETURNING id",
		moduleID, w.ref.Number, w.importedAt.Format(time.RFC3339Nano), w.opts.Source, w.opts.Revision).Scan(&w.jobID)
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
	for _, q := range []string{
		"DELETE FROM result_chunks WHERE job_id = ?",
		"DELETE FROM job_commits WHERE job_id = ?",
		"DELETE FROM job_states WHERE job_id = ?",
		"DELETE FROM jobs WHERE id = ?",
	} {
		if _, err := conn.ExecContext(ctx, q, id); err != nil {
			return describe(err)
		}
	}
	return nil
}

// Waited is how long BeginJob waited for the writer.
func (w *JobWriter) Waited() time.Duration { return w.waited }

// Busy is the time spent in Add so far.
func (w *JobWriter) Busy() time.Duration { return w.busy }

// Counts are the totals of the results added so far.
func (w *JobWriter) Counts() core.Counts { return w.counts }

// Add writes results in report order. It checks ctx between chunks of resultsPerBatch
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
		n := min(len(rs), resultsPerBatch)
		if err := w.addChunk(run, rs[:n]); err != nil {
			return err
		}
		rs = rs[n:]
	}
	return nil
}

func (w *JobWriter) addChunk(ctx context.Context, rs []core.Result) error {
	if err := w.resolveClasses(ctx, rs); err != nil {
		return err
	}
	w.testKeys = w.testKeys[:0]
	for i := range rs {
		key, err := w.identity(ctx, rs[i].Classname, rs[i].Name)
		if err != nil {
			return err
		}
		w.testKeys = append(w.testKeys, key)
	}
	refs, err := w.textRefs(ctx, rs)
	if err != nil {
		return err
	}
	r := 0
	for i := range rs {
		var rr chunk.TextRefs
		if chunk.Texts(&rs[i]) != ([chunk.TextCols]string{}) {
			rr = refs[r]
			r++
		}
		if err := w.appendResult(ctx, w.testKeys[i], &rs[i], rr); err != nil {
			return err
		}
	}
	return nil
}

// appendResult adds a result whose test and texts have their keys to the chunk being
// filled, writing the chunk when it is full.
func (w *JobWriter) appendResult(ctx context.Context, key int64, r *core.Result, refs chunk.TextRefs) error {
	if w.seq == math.MaxUint32 {
		return fmt.Errorf("job %s: more than %d results", w.ref, uint32(math.MaxUint32))
	}
	if err := w.states.Add(store.TestState{Key: key, Status: r.Status, Flaky: r.Flaky, Seq: w.seq}); err != nil {
		return err
	}
	w.chunk.Add(key, r, refs)
	w.counts.Add(r)
	w.seq++
	if w.chunk.Len() == chunk.ResultsPerChunk {
		return w.writeChunk(ctx)
	}
	return nil
}

// writeChunk stores the results gathered since the last chunk as one chunk.
func (w *JobWriter) writeChunk(ctx context.Context) error {
	if w.chunk.Len() == 0 {
		return nil
	}
	w.raw1 = w.chunk.Encode(w.raw1[:0])
	w.packed = chunk.Compress(w.packed[:0], w.raw1)
	first := w.seq - uint32(w.chunk.Len())
	if err := w.queue(ctx, w.chunkRows, w.jobID, int64(first), int64(w.chunk.Len()), w.packed); err != nil {
		return err
	}
	w.chunk.Reset()
	return nil
}

// textRefs stores the texts of the results of rs that have any and returns their keys,
// one chunk.TextRefs per such result. Texts seen lately (messages and failure types repeat a
// lot) are taken from the cache and not sent to the database again.
func (w *JobWriter) textRefs(ctx context.Context, rs []core.Result) ([]chunk.TextRefs, error) {
	w.keys, w.values, w.slots = w.keys[:0], w.values[:0], w.slots[:0]
	pending := map[int64]int{} // key -> index in w.keys, for texts repeated in the batch
	for i := range rs {
		for _, t := range chunk.Texts(&rs[i]) {
			if t == "" {
				continue
			}
			k := chunk.TextKey(t)
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
			return nil, err
		}
		for j, k := range w.keys {
			w.texts.add(k, w.values[j])
		}
	}
	var out []chunk.TextRefs
	slot := 0
	for i := range rs {
		texts := chunk.Texts(&rs[i])
		if texts == ([chunk.TextCols]string{}) {
			continue
		}
		var refs chunk.TextRefs
		for c, t := range texts {
			if t == "" {
				continue
			}
			k := w.slots[slot]
			if k < 0 {
				k = w.keys[-1-k]
			}
			refs[c] = k
			slot++
		}
		out = append(out, refs)
	}
	return out, nil
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
	row := "(" + strings.Repeat("?,", cols-1) + "?)"
	head, first, tail := "", row, ""
	if t, ok := interned[table]; ok {
		head, tail = t.insertHead, t.insertTail
	} else if t, ok := interned[strings.TrimPrefix(table, "verify ")]; ok {
		head, first, tail = t.verifyHead, t.verifyFirst, t.verifyTail
	}
	return head + first + strings.Repeat(","+row, rows-1) + tail
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
	identities, err := w.finishResults(ctx)
	if err == nil {
		err = w.writeCommits(ctx)
	}
	if err != nil {
		w.Rollback()
		return core.Job{}, err
	}
	copied := !w.opts.ImportedAt.IsZero() // the statistics of the original import are kept
	if !copied {
		stats.Wait, stats.Write = w.waited, w.busy
	}
	total := time.Since(w.started)
	if copied {
		total = stats.Total
	}
	_, err = w.conn.ExecContext(ctx, `UPDATE jobs SET identities = ?, tests = ?, passed = ?, failed = ?, errors = ?, skipped = ?, flaky = ?,
		duration_seconds = ?, files = ?, bytes = ?, wait_seconds = ?, decode_seconds = ?, write_seconds = ?,
		import_seconds = ?, peak_rss_bytes = ?, peak_heap_bytes = ? WHERE id = ?`,
		identities, c.Tests, c.Passed, c.Failed, c.Errors, c.Skipped, c.Flaky, c.Duration, stats.Files, stats.Bytes,
		stats.Wait.Seconds(), stats.Decode.Seconds(), stats.Write.Seconds(), total.Seconds(),
		int64(stats.PeakRSS), int64(stats.PeakHeap), w.jobID)
	if err != nil {
		w.Rollback()
		return core.Job{}, describe(err)
	}
	t0 := time.Now()
	if _, err := w.conn.ExecContext(ctx, "COMMIT"); err != nil {
		w.Rollback()
		return core.Job{}, describe(err)
	}
	if !copied {
		stats.Commit = time.Since(t0)
		stats.Total = time.Since(w.started)
	}
	// The commit's own duration is known only now; a failure here loses nothing else.
	w.conn.ExecContext(context.WithoutCancel(ctx),
		"UPDATE jobs SET commit_seconds = ?, import_seconds = ? WHERE id = ?",
		stats.Commit.Seconds(), stats.Total.Seconds(), w.jobID)
	w.finish()
	return core.Job{JobRef: w.ref, Counts: c, Identities: identities, ImportedAt: w.importedAt, Source: w.opts.Source,
		Revision: w.opts.Revision, Stats: stats}, nil
}

// finishResults writes what is still buffered (the last chunk, the classes' partial
// name blocks, the test states) and returns the number of distinct tests.
func (w *JobWriter) finishResults(ctx context.Context) (int64, error) {
	if err := w.writeChunk(ctx); err != nil {
		return 0, err
	}
	if err := w.flushNames(ctx); err != nil {
		return 0, err
	}
	identities, err := w.writeStates(ctx)
	if err != nil {
		return 0, err
	}
	return identities, w.sendAll(ctx)
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
	w.states.Close()
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
	if w.release != nil {
		w.release()
	}
}
