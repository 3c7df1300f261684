package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/regtracker/regtracker/core"
)

// Queries the analysis package builds on. They read by primary key or by a job's id
// range: nothing here scans all results.

const lookupBatch = 500

// inClause returns "(?,?,...)" for n values.
func inClause(n int) string { return "(" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")" }

// TestNames returns the identities of test keys.
func (s *Store) TestNames(ctx context.Context, keys []int64) (map[int64]core.TestID, error) {
	names := make(map[int64]string, len(keys))
	classes := map[int64]string{}
	err := s.lookupEach(ctx, "SELECT key, name FROM tests WHERE key IN ", keys, func(rows *sql.Rows) error {
		var k int64
		var name string
		if err := rows.Scan(&k, &name); err != nil {
			return err
		}
		names[k], classes[k>>32] = name, ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(classes))
	for id := range classes {
		ids = append(ids, id)
	}
	err = s.lookupEach(ctx, "SELECT id, name FROM classes WHERE id IN ", ids, func(rows *sql.Rows) error {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		classes[id] = name
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]core.TestID, len(names))
	for k, n := range names {
		out[k] = core.TestID{Classname: classes[k>>32], Name: n}
	}
	return out, nil
}

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

// TestKey finds the key of a test identity; an error wrapping core.ErrNotFound when no
// job ever had it.
func (s *Store) TestKey(ctx context.Context, id core.TestID) (int64, error) {
	notFound := fmt.Errorf("test %s: %w", id, core.ErrNotFound)
	classID, key := int64(0), classKey(id.Classname)
	for range 1000 {
		var name string
		err := s.db.QueryRowContext(ctx, "SELECT id, name FROM classes WHERE key = ?", key).Scan(&classID, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, notFound
		} else if err != nil {
			return 0, describe(err)
		}
		if name == id.Classname {
			break
		}
		key = nextKey(key)
	}
	key = testKey(classID, id.Name)
	for range 1000 {
		var name string
		err := s.db.QueryRowContext(ctx, "SELECT name FROM tests WHERE key = ?", key).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, notFound
		} else if err != nil {
			return 0, describe(err)
		}
		if name == id.Name {
			return key, nil
		}
		key = nextTestKey(key)
	}
	return 0, notFound
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

// RunInfo is what a result row adds to a test's state: its duration and message.
type RunInfo struct {
	Duration float64
	Message  string
}

// Messages returns the failure messages of the results at positions seqs of job (the
// positions TestState.Seq gives); results without a message are left out. It reads the
// job's range of result texts once, which beats a lookup per result when many are asked.
func (s *Store) Messages(ctx context.Context, job core.JobRef, seqs []uint32) (map[uint32]string, error) {
	first, last, err := s.resultRange(ctx, job)
	if err != nil {
		return nil, err
	}
	out := make(map[uint32]string, len(seqs))
	if len(seqs) == 0 {
		return out, nil
	}
	wanted := make(map[uint32]bool, len(seqs))
	for _, q := range seqs {
		wanted[q] = true
	}
	textOf := map[int64][]uint32{} // message key -> the positions that have it
	err = s.queryEach(ctx, func(rows *sql.Rows) error {
		var id, key int64
		if err := rows.Scan(&id, &key); err != nil {
			return err
		}
		if q := uint32(id - first); wanted[q] {
			textOf[key] = append(textOf[key], q)
		}
		return nil
	}, "SELECT result_id, message FROM result_texts WHERE result_id BETWEEN ? AND ? AND message IS NOT NULL", first, last)
	if err != nil {
		return nil, err
	}
	keys := make([]int64, 0, len(textOf))
	for k := range textOf {
		keys = append(keys, k)
	}
	err = s.lookupEach(ctx, "SELECT key, body FROM texts WHERE key IN ", keys, func(rows *sql.Rows) error {
		var key int64
		var body string
		if err := rows.Scan(&key, &body); err != nil {
			return err
		}
		for _, q := range textOf[key] {
			out[q] = body
		}
		return nil
	})
	return out, err
}

// JobTestState is one test's state in one job of a module, for its history.
type JobTestState struct {
	Job     core.Job
	State   TestState
	Present bool // the job ran the test
	RunInfo      // of the occurrence that decided the state, when present
}

// TestHistory returns the state of the test key in every job of module, by number.
func (s *Store) TestHistory(ctx context.Context, module core.ModuleRef, key int64) ([]JobTestState, error) {
	// Per job, the one chunk that would hold the key: the last starting at or before it.
	rows, err := s.db.QueryContext(ctx, "SELECT "+jobColumns+", j.first_result, jt.first_key, jt.data"+jobsFrom+`
		LEFT JOIN job_tests jt ON jt.job_id = j.id AND jt.first_key =
			(SELECT max(c.first_key) FROM job_tests c WHERE c.job_id = j.id AND c.first_key <= ?1)
		WHERE r.name = ?2 AND m.name = ?3 ORDER BY j.number`, key, module.Release, module.Module)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []JobTestState
	var firsts []int64
	var buf []TestState
	for rows.Next() {
		var h JobTestState
		var first int64
		var chunkKey sql.NullInt64
		var data []byte
		j, err := scanJob(rows, &first, &chunkKey, &data)
		if err != nil {
			return nil, describe(err)
		}
		h.Job = j
		if chunkKey.Valid {
			if buf, err = decodeChunk(buf[:0], chunkKey.Int64, data); err != nil {
				return nil, err
			}
			for _, st := range buf {
				if st.Key == key {
					h.State, h.Present = st, true
				}
			}
		}
		out = append(out, h)
		firsts = append(firsts, first)
	}
	if err := rows.Err(); err != nil {
		return nil, describe(err)
	}
	rows.Close()
	for i := range out {
		if !out[i].Present {
			continue
		}
		id := firsts[i] + int64(out[i].State.Seq)
		err := s.db.QueryRowContext(ctx, `SELECT x.duration, coalesce(t.body, '') FROM results x
			LEFT JOIN result_texts rt ON rt.result_id = x.id LEFT JOIN texts t ON t.key = rt.message
			WHERE x.id = ?`, id).Scan(&out[i].Duration, &out[i].Message)
		if err != nil {
			return nil, describe(err)
		}
	}
	return out, nil
}

// DiffCounts are a job's stored regressions and fixed counts against its base.
type DiffCounts struct {
	Regressions, Fixed int64
	// Current: computed against the job's present base (false when never computed, or
	// when a job imported or replaced since changed the base).
	Current bool
}

// JobsWithDiffs lists the jobs of module by number with their stored diff counts.
func (s *Store) JobsWithDiffs(ctx context.Context, module core.ModuleRef) ([]core.Job, []DiffCounts, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+jobColumns+`, coalesce(j.regressions, 0), coalesce(j.fixed, 0),
		j.regressions IS NOT NULL AND coalesce(j.base_job, 0) = coalesce((SELECT p.id FROM jobs p
			WHERE p.module_id = j.module_id AND p.number < j.number ORDER BY p.number DESC LIMIT 1), 0)`+
		jobsFrom+` WHERE r.name = ? AND m.name = ? ORDER BY j.number`, module.Release, module.Module)
	if err != nil {
		return nil, nil, describe(err)
	}
	defer rows.Close()
	var jobs []core.Job
	var diffs []DiffCounts
	for rows.Next() {
		var d DiffCounts
		j, err := scanJob(rows, &d.Regressions, &d.Fixed, &d.Current)
		if err != nil {
			return nil, nil, describe(err)
		}
		jobs, diffs = append(jobs, j), append(diffs, d)
	}
	return jobs, diffs, describe(rows.Err())
}

// SetDiffCounts stores job's regressions and fixed counts against base (nil: none).
func (s *Store) SetDiffCounts(ctx context.Context, job core.JobRef, base *core.JobRef, regressions, fixed int64) error {
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
	conn, release, err := s.lockWriter(ctx)
	if err != nil {
		return err
	}
	defer release()
	return inWriteTx(ctx, conn, func() error {
		_, err := conn.ExecContext(ctx, "UPDATE jobs SET base_job = ?, regressions = ?, fixed = ? WHERE id = ?",
			baseID, regressions, fixed, jobID)
		return describe(err)
	})
}
