package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store/chunk"
	"github.com/regtracker/regtracker/core/store/sqlstore"
)

// moveToChunks is the Go step of migration 0004: it moves every job of the row layout
// (a results row per result, result_texts, tests, job_tests) into result chunks, name
// blocks and job states, job by job in import order, through the same writer as an
// import, so that tests get their ordinals in the order they were first seen. Texts stay
// where they are, under their keys. Then the old tables go.
func moveToChunks(ctx context.Context, conn *sql.Conn) error {
	type oldJob struct{ id, first, last int64 }
	var jobs []oldJob
	rows, err := conn.QueryContext(ctx, "SELECT id, first_result, last_result FROM jobs ORDER BY id")
	if err != nil {
		return describe(err)
	}
	for rows.Next() {
		var j oldJob
		if err := rows.Scan(&j.id, &j.first, &j.last); err != nil {
			rows.Close()
			return describe(err)
		}
		jobs = append(jobs, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return describe(err)
	}

	w := sqlstore.NewRewriter(conn)
	defer w.Close()
	sel, err := conn.PrepareContext(ctx, `SELECT c.name, t.name, x.packed, rt.message, rt.type, rt.details, rt.out, rt.err
		FROM results x JOIN tests t ON t.key = x.test_key JOIN classes c ON c.id = x.test_key >> 32
		LEFT JOIN result_texts rt ON rt.result_id = x.id
		WHERE x.id BETWEEN ? AND ? ORDER BY x.id`)
	if err != nil {
		return describe(err)
	}
	defer sel.Close()
	type row struct {
		r    core.Result
		refs chunk.TextRefs
	}
	var batch []row
	for _, j := range jobs {
		w.Start(j.id)
		for from := j.first; from <= j.last; from += chunk.ResultsPerChunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			batch = batch[:0]
			rows, err := sel.QueryContext(ctx, from, min(from+chunk.ResultsPerChunk-1, j.last))
			if err != nil {
				return describe(err)
			}
			for rows.Next() {
				var x row
				var packed int64
				var texts [chunk.TextCols]sql.NullInt64
				if err := rows.Scan(&x.r.Classname, &x.r.Name, &packed, &texts[0], &texts[1], &texts[2], &texts[3], &texts[4]); err != nil {
					rows.Close()
					return describe(err)
				}
				x.r.Status, x.r.Flaky, x.r.Duration = core.Status(packed&3), packed&4 != 0, float64(packed>>3)/1e6
				for i, t := range texts {
					x.refs[i] = t.Int64 // 0 when NULL
				}
				batch = append(batch, x)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return describe(err)
			}
			if want := min(from+chunk.ResultsPerChunk-1, j.last) - from + 1; int64(len(batch)) != want {
				return fmt.Errorf("job %d: %d of the results %d..%d have their test", j.id, len(batch), from, from+want-1)
			}
			for i := range batch {
				if err := w.Add(ctx, &batch[i].r, batch[i].refs); err != nil {
					return err
				}
			}
		}
		identities, err := w.Finish(ctx)
		if err != nil {
			return fmt.Errorf("job %d: %w", j.id, err)
		}
		if _, err := conn.ExecContext(ctx, "UPDATE jobs SET identities = ? WHERE id = ?", identities, j.id); err != nil {
			return describe(err)
		}
	}
	for _, q := range []string{
		"DROP TABLE result_texts", "DROP TABLE results", "DROP TABLE tests", "DROP TABLE job_tests",
		"ALTER TABLE jobs DROP COLUMN first_result", "ALTER TABLE jobs DROP COLUMN last_result",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, describe(err))
		}
	}
	return nil
}
