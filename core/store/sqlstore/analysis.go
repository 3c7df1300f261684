package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/chunk"
)

// Queries the analysis package builds on. They read by primary key or by a job's id
// range: nothing here scans all results.

const lookupBatch = 500

// inClause returns "(?,?,...)" for n values.
func inClause(n int) string { return "(" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")" }

func int64Args(vs []int64) []any {
	args := make([]any, len(vs))
	for i, v := range vs {
		args[i] = v
	}
	return args
}

// queryEach runs q and calls fn for each row.
func (s *Store) queryEach(ctx context.Context, fn func(*sql.Rows) error, q string, args ...any) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return describe(err)
	}
	return eachRow(rows, fn)
}

// lookupEach runs head + "(?,...)" for values in batches of lookupBatch, one prepared
// statement per batch size, and calls fn for each row.
func (s *Store) lookupEach(ctx context.Context, head string, values []int64, fn func(*sql.Rows) error) error {
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	for chunk := range slices.Chunk(values, lookupBatch) {
		st, ok := stmts[len(chunk)]
		if !ok {
			var err error
			if st, err = s.db.PrepareContext(ctx, head+inClause(len(chunk))); err != nil {
				return describe(err)
			}
			stmts[len(chunk)] = st
		}
		rows, err := st.QueryContext(ctx, int64Args(chunk)...)
		if err != nil {
			return describe(err)
		}
		if err := eachRow(rows, fn); err != nil {
			return err
		}
	}
	return nil
}

func eachRow(rows *sql.Rows, fn func(*sql.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return describe(err)
		}
	}
	return describe(rows.Err())
}

// Base returns the job numbered highest below job in its module: its default base.
// ok is false when job is the module's first.
func (s *Store) Base(ctx context.Context, job core.JobRef) (base core.JobRef, ok bool, err error) {
	var n int64
	err = s.db.QueryRowContext(ctx, `SELECT j.number FROM jobs j JOIN modules m ON m.id = j.module_id
		JOIN releases r ON r.id = m.release_id WHERE r.name = ? AND m.name = ? AND j.number < ?
		ORDER BY j.number DESC LIMIT 1`, job.Release, job.Module, job.Number).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return core.JobRef{}, false, nil
	}
	if err != nil {
		return core.JobRef{}, false, describe(err)
	}
	return core.JobRef{ModuleRef: job.ModuleRef, Number: n}, true, nil
}

// Next returns the job numbered lowest above job in its module, whose base job is.
func (s *Store) Next(ctx context.Context, job core.JobRef) (next core.JobRef, ok bool, err error) {
	var n int64
	err = s.db.QueryRowContext(ctx, `SELECT j.number FROM jobs j JOIN modules m ON m.id = j.module_id
		JOIN releases r ON r.id = m.release_id WHERE r.name = ? AND m.name = ? AND j.number > ?
		ORDER BY j.number LIMIT 1`, job.Release, job.Module, job.Number).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return core.JobRef{}, false, nil
	}
	if err != nil {
		return core.JobRef{}, false, describe(err)
	}
	return core.JobRef{ModuleRef: job.ModuleRef, Number: n}, true, nil
}

// Messages returns the failure messages of the results at positions seqs of job (the
// positions store.TestState.Seq gives); results without a message are left out. It reads the
// job's range of result texts once, which beats a lookup per result when many are asked.
func (s *Store) Messages(ctx context.Context, job core.JobRef, seqs []uint32) (map[uint32]string, error) {
	id, _, err := s.jobID(ctx, job)
	if err != nil {
		return nil, err
	}
	out := make(map[uint32]string, len(seqs))
	if len(seqs) == 0 {
		return out, nil
	}
	wanted := slices.Clone(seqs)
	slices.Sort(wanted)
	// Chunk by chunk, keeping only the message keys asked for: a job's whole columns
	// would be 17 MB at 1M results.
	keyOf := make(map[uint32]int64, len(seqs))
	var keys []int64
	var raw []byte
	var cols chunk.Results
	err = s.queryEach(ctx, func(rows *sql.Rows) error {
		var first, n uint32
		var data []byte
		if err := rows.Scan(&first, &n, &data); err != nil {
			return err
		}
		i, _ := slices.BinarySearch(wanted, first)
		if i == len(wanted) || wanted[i] >= first+n {
			return nil // nothing asked of this chunk: not even decompressed
		}
		var err error
		if raw, err = chunk.Decompress(raw[:0], data, "result chunk"); err != nil {
			return err
		}
		cols.Reset()
		if err := cols.Decode(raw, true); err != nil {
			return err
		}
		for ; i < len(wanted) && wanted[i] < first+uint32(cols.Len()); i++ {
			if k := cols.TextsOf(int(wanted[i] - first))[0]; k != 0 {
				keyOf[wanted[i]] = k
				keys = append(keys, k)
			}
		}
		return nil
	}, "SELECT first, results, data FROM result_chunks WHERE job_id = ? ORDER BY first", id)
	if err != nil {
		return nil, err
	}
	bodies, err := s.textBodies(ctx, keys)
	if err != nil {
		return nil, err
	}
	for q, k := range keyOf {
		out[q] = bodies[k]
	}
	return out, nil
}

// TestHistory returns the state of the test key in every job of module, by number.
func (s *Store) TestHistory(ctx context.Context, module core.ModuleRef, key int64) ([]store.JobTestState, error) {
	// One read transaction: a snapshot of the module, and one lock for every query.
	tx, err := s.db.BeginTx(ctx, s.dialect.Snapshot())
	if err != nil {
		return nil, describe(err)
	}
	defer tx.Rollback()
	// Per job, the one chunk that would hold the key: the last starting at or before it.
	rows, err := tx.QueryContext(ctx, "SELECT "+jobColumns+", j.id, jt.first_key, jt.data"+jobsFrom+`
		LEFT JOIN job_states jt ON jt.job_id = j.id AND jt.first_key =
			(SELECT max(c.first_key) FROM job_states c WHERE c.job_id = j.id AND c.first_key <= ?1)
		WHERE r.name = ?2 AND m.name = ?3 ORDER BY j.number`, key, module.Release, module.Module)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []store.JobTestState
	var jobIDs []int64
	var buf []store.TestState
	var raw []byte
	for rows.Next() {
		var h store.JobTestState
		var jobID int64
		var chunkKey sql.NullInt64
		var data []byte
		j, err := scanJob(rows, &jobID, &chunkKey, &data)
		if err != nil {
			return nil, describe(err)
		}
		h.Job = j
		if chunkKey.Valid {
			if buf, err = chunk.DecodeStates(buf[:0], chunkKey.Int64, data, &raw); err != nil {
				return nil, err
			}
			if i, ok := slices.BinarySearchFunc(buf, key, func(st store.TestState, k int64) int { return cmp.Compare(st.Key, k) }); ok {
				h.State, h.Present = buf[i], true
			}
		}
		out = append(out, h)
		jobIDs = append(jobIDs, jobID)
	}
	if err := rows.Err(); err != nil {
		return nil, describe(err)
	}
	rows.Close()
	for i := range out {
		if !out[i].Present {
			continue
		}
		cols, at, err := readResultAt(ctx, tx, jobIDs[i], out[i].State.Seq)
		if err != nil {
			return nil, err
		}
		out[i].Duration = cols.Seconds(at)
		if m := cols.TextsOf(at)[0]; m != 0 {
			err := tx.QueryRowContext(ctx, "SELECT body FROM texts WHERE key = ?", m).Scan(&out[i].Message)
			if err != nil {
				return nil, describe(err)
			}
		}
	}
	return out, nil
}

// JobsWithDiffs lists the jobs of module by number with their stored diff counts.
func (s *Store) JobsWithDiffs(ctx context.Context, module core.ModuleRef) ([]core.Job, []store.DiffCounts, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+jobColumns+`, coalesce(j.regressions, 0), coalesce(j.fixed, 0), j.known_set,
		j.regressions IS NOT NULL AND coalesce(j.base_job, 0) = coalesce((SELECT p.id FROM jobs p
			WHERE p.module_id = j.module_id AND p.number < j.number ORDER BY p.number DESC LIMIT 1), 0)`+
		jobsFrom+` WHERE r.name = ? AND m.name = ? ORDER BY j.number`, module.Release, module.Module)
	if err != nil {
		return nil, nil, describe(err)
	}
	defer rows.Close()
	var jobs []core.Job
	var diffs []store.DiffCounts
	for rows.Next() {
		var d store.DiffCounts
		j, err := scanJob(rows, &d.Regressions, &d.Fixed, &d.KnownSet, &d.Current)
		if err != nil {
			return nil, nil, describe(err)
		}
		jobs, diffs = append(jobs, j), append(diffs, d)
	}
	return jobs, diffs, describe(rows.Err())
}

// SetDiffCounts stores job's regressions and fixed counts against base (nil: none);
// knownSet names the known issues the regressions count leaves out.
func (s *Store) SetDiffCounts(ctx context.Context, job core.JobRef, base *core.JobRef, regressions, fixed int64, knownSet string) error {
	jobID, _, err := s.jobID(ctx, job)
	if err != nil {
		return err
	}
	var baseID any
	if base != nil {
		id, _, err := s.jobID(ctx, *base)
		if err != nil {
			return err
		}
		baseID = id
	}
	conn, release, err := s.LockWriter(ctx)
	if err != nil {
		return err
	}
	defer release()
	return InWriteTx(ctx, s.dialect, conn, func() error {
		_, err := conn.ExecContext(ctx, "UPDATE jobs SET base_job = ?, regressions = ?, fixed = ?, known_set = ? WHERE id = ?",
			baseID, regressions, fixed, knownSet, jobID)
		return describe(err)
	})
}
