package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/regtracker/regtracker/core"
)

const jobColumns = `r.name, m.name, j.number, j.tests, j.passed, j.failed, j.errors, j.skipped, j.flaky,
	j.duration_seconds, j.imported_at, j.source, j.files, j.bytes, j.wait_seconds, j.decode_seconds,
	j.write_seconds, j.commit_seconds, j.import_seconds, j.peak_rss_bytes, j.peak_heap_bytes, j.identities`

// jobsFrom joins a job (j) to its module (m) and release (r).
const jobsFrom = ` FROM jobs j JOIN modules m ON m.id = j.module_id JOIN releases r ON r.id = m.release_id`

// scanJob reads jobColumns, then the columns that follow them into extra.
func scanJob(sc interface{ Scan(...any) error }, extra ...any) (core.Job, error) {
	var j core.Job
	var at string
	var wait, decode, write, commit, total float64
	var rss, heap int64
	dest := append([]any{&j.Release, &j.Module, &j.Number, &j.Tests, &j.Passed, &j.Failed, &j.Errors,
		&j.Skipped, &j.Flaky, &j.Duration, &at, &j.Source, &j.Stats.Files, &j.Stats.Bytes,
		&wait, &decode, &write, &commit, &total, &rss, &heap, &j.Identities}, extra...)
	err := sc.Scan(dest...)
	if err != nil {
		return j, err
	}
	j.ImportedAt, _ = time.Parse(time.RFC3339Nano, at)
	j.Stats.Wait, j.Stats.Decode, j.Stats.Write = seconds(wait), seconds(decode), seconds(write)
	j.Stats.Commit, j.Stats.Total = seconds(commit), seconds(total)
	j.Stats.PeakRSS, j.Stats.PeakHeap = uint64(rss), uint64(heap)
	return j, nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Jobs lists every job, or only the jobs of module when it is not nil, ordered by
// release, module and number.
func (s *Store) Jobs(ctx context.Context, module *core.ModuleRef) ([]core.Job, error) {
	q := "SELECT " + jobColumns + jobsFrom
	var args []any
	if module != nil {
		q += " WHERE r.name = ? AND m.name = ?"
		args = append(args, module.Release, module.Module)
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY r.name, m.name, j.number", args...)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var jobs []core.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, describe(err)
		}
		jobs = append(jobs, j)
	}
	return jobs, describe(rows.Err())
}

// Job returns one job; an error wrapping core.ErrNotFound when it does not exist.
func (s *Store) Job(ctx context.Context, ref core.JobRef) (core.Job, error) {
	row := s.db.QueryRowContext(ctx, "SELECT "+jobColumns+jobsFrom+" WHERE r.name = ? AND m.name = ? AND j.number = ?",
		ref.Release, ref.Module, ref.Number)
	j, err := scanJob(row)
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("job %s: %w", ref, core.ErrNotFound)
	}
	return j, describe(err)
}

// LastNumber is the highest job number of module, 0 when it has none.
func (s *Store) LastNumber(ctx context.Context, module core.ModuleRef) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(j.number), 0) FROM jobs j
		JOIN modules m ON m.id = j.module_id JOIN releases r ON r.id = m.release_id
		WHERE r.name = ? AND m.name = ?`, module.Release, module.Module).Scan(&n)
	return n, describe(err)
}

// Results returns a job's results in report order, for tests and exports.
func (s *Store) Results(ctx context.Context, ref core.JobRef) ([]core.Result, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.name, t.name, x.status, x.flaky, x.duration,
		coalesce(msg.body, ''), coalesce(typ.body, ''), coalesce(det.body, ''), coalesce(o.body, ''), coalesce(e.body, '')
		FROM jobs j JOIN modules m ON m.id = j.module_id JOIN releases r ON r.id = m.release_id
		JOIN results x ON x.id BETWEEN j.first_result AND j.last_result
		JOIN tests t ON t.key = x.test_key JOIN classes c ON c.id = t.key >> 32
		LEFT JOIN result_texts rt ON rt.result_id = x.id
		LEFT JOIN texts msg ON msg.key = rt.message LEFT JOIN texts typ ON typ.key = rt.type
		LEFT JOIN texts det ON det.key = rt.details LEFT JOIN texts o ON o.key = rt.out
		LEFT JOIN texts e ON e.key = rt.err
		WHERE r.name = ? AND m.name = ? AND j.number = ? ORDER BY x.id`, ref.Release, ref.Module, ref.Number)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []core.Result
	for rows.Next() {
		var r core.Result
		var status int64
		if err := rows.Scan(&r.Classname, &r.Name, &status, &r.Flaky, &r.Duration, &r.Message, &r.Type,
			&r.Details, &r.SystemOut, &r.SystemErr); err != nil {
			return nil, describe(err)
		}
		r.Status = core.Status(status)
		out = append(out, r)
	}
	return out, describe(rows.Err())
}

// IntegrityCheck runs SQLite's integrity_check and returns its findings; nil means the
// file is sound.
func (s *Store) IntegrityCheck(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, describe(err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	return problems, describe(rows.Err())
}

// resultRange is the id range of a job's results.
func (s *Store) resultRange(ctx context.Context, job core.JobRef) (first, last int64, err error) {
	err = s.db.QueryRowContext(ctx, "SELECT j.first_result, j.last_result"+jobsFrom+
		" WHERE r.name = ? AND m.name = ? AND j.number = ?", job.Release, job.Module, job.Number).Scan(&first, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fmt.Errorf("job %s: %w", job, core.ErrNotFound)
	}
	return first, last, describe(err)
}

// ResultRow is one result as the results table shows it.
type ResultRow struct {
	ID       int64 // results.id, for ResultDetail
	Test     core.TestID
	Status   core.Status
	Flaky    bool
	Duration float64
	Message  string
}

// ResultOrder is how ResultIDs sorts.
type ResultOrder int

const (
	ByReport ResultOrder = iota
	ByName
	ByStatus // worst first
	ByDuration
)

// ResultFilter narrows ResultIDs: Name is a case-insensitive substring of
// "CLASSNAME::NAME"; Statuses, when not empty, the statuses kept.
type ResultFilter struct {
	Name     string
	Statuses []core.Status
}

// ResultIDs returns the ids of a job's results that pass filter, in order. Without a
// name filter or a name order it reads only the results table.
func (s *Store) ResultIDs(ctx context.Context, job core.JobRef, f ResultFilter, order ResultOrder, desc bool) ([]int64, error) {
	first, last, err := s.resultRange(ctx, job)
	if err != nil {
		return nil, err
	}
	q := "SELECT x.id FROM results x"
	if f.Name != "" || order == ByName {
		q += " JOIN tests t ON t.key = x.test_key JOIN classes c ON c.id = x.test_key >> 32"
	}
	q += " WHERE x.id BETWEEN ? AND ?"
	args := []any{first, last}
	if f.Name != "" {
		q += " AND instr(lower(c.name || '::' || t.name), ?) > 0"
		args = append(args, strings.ToLower(f.Name))
	}
	if len(f.Statuses) > 0 {
		q += " AND x.status IN " + inClause(len(f.Statuses))
		for _, st := range f.Statuses {
			args = append(args, int64(st))
		}
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	switch order {
	case ByName:
		q += " ORDER BY c.name" + dir + ", t.name" + dir + ", x.id"
	case ByStatus: // worst first unless desc
		worst := " DESC"
		if desc {
			worst = " ASC"
		}
		q += " ORDER BY x.status" + worst + ", x.id"
	case ByDuration:
		q += " ORDER BY x.packed >> 3" + dir + ", x.id"
	default:
		q += " ORDER BY x.id" + dir
	}
	ids := make([]int64, 0, min(last-first+1, 1<<20))
	err = s.queryEach(ctx, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}, q, args...)
	return ids, err
}

// ResultRows returns the rows of the results ids, in the order of ids.
func (s *Store) ResultRows(ctx context.Context, ids []int64) ([]ResultRow, error) {
	byID := make(map[int64]ResultRow, len(ids))
	err := s.lookupEach(ctx, `SELECT x.id, c.name, t.name, x.status, x.flaky, x.duration, coalesce(m.body, '')
		FROM results x JOIN tests t ON t.key = x.test_key JOIN classes c ON c.id = x.test_key >> 32
		LEFT JOIN result_texts rt ON rt.result_id = x.id LEFT JOIN texts m ON m.key = rt.message
		WHERE x.id IN `, ids, func(rows *sql.Rows) error {
		var r ResultRow
		var st int64
		if err := rows.Scan(&r.ID, &r.Test.Classname, &r.Test.Name, &st, &r.Flaky, &r.Duration, &r.Message); err != nil {
			return err
		}
		r.Status = core.Status(st)
		byID[r.ID] = r
		return nil
	})
	out := make([]ResultRow, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, err
}

// ResultDetail returns one result whole: its texts included.
func (s *Store) ResultDetail(ctx context.Context, id int64) (core.Result, error) {
	var r core.Result
	var st int64
	err := s.db.QueryRowContext(ctx, `SELECT c.name, t.name, x.status, x.flaky, x.duration,
		coalesce(msg.body, ''), coalesce(typ.body, ''), coalesce(det.body, ''), coalesce(o.body, ''), coalesce(e.body, '')
		FROM results x JOIN tests t ON t.key = x.test_key JOIN classes c ON c.id = x.test_key >> 32
		LEFT JOIN result_texts rt ON rt.result_id = x.id
		LEFT JOIN texts msg ON msg.key = rt.message LEFT JOIN texts typ ON typ.key = rt.type
		LEFT JOIN texts det ON det.key = rt.details LEFT JOIN texts o ON o.key = rt.out
		LEFT JOIN texts e ON e.key = rt.err WHERE x.id = ?`, id).Scan(&r.Classname, &r.Name, &st, &r.Flaky, &r.Duration,
		&r.Message, &r.Type, &r.Details, &r.SystemOut, &r.SystemErr)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("result %d: %w", id, core.ErrNotFound)
	}
	r.Status = core.Status(st)
	return r, describe(err)
}
