package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/regtracker/regtracker/core"
)

const jobColumns = `r.name, m.name, j.number, j.tests, j.passed, j.failed, j.errors, j.skipped, j.flaky,
	j.duration_seconds, j.imported_at, j.source, j.files, j.bytes, j.wait_seconds, j.decode_seconds,
	j.write_seconds, j.commit_seconds, j.import_seconds, j.peak_rss_bytes, j.peak_heap_bytes, j.identities, j.revision`

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
		&wait, &decode, &write, &commit, &total, &rss, &heap, &j.Identities, &j.Revision}, extra...)
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

// seconds reads a duration stored as float seconds. Rounded, not truncated: a duration
// that went through a float once comes back to the same nanosecond every further time
// (truncated, 1.6% of them lost a nanosecond per trip, and a copy of a copy differed).
func seconds(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }

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

// IntegrityCheck lists what the database finds damaged in itself; nil means it is sound.
func (s *Store) IntegrityCheck(ctx context.Context) ([]string, error) {
	problems, err := s.dialect.IntegrityCheck(ctx, s.db)
	return problems, describe(err)
}
