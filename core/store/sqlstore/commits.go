package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
)

// writeCommits keeps the commits that entered with the job being written.
func (w *JobWriter) writeCommits(ctx context.Context) error {
	if len(w.opts.Commits) == 0 {
		return nil
	}
	ins, err := w.prepared(ctx, "INSERT INTO job_commits (job_id, seq, id, author, time, message, paths, build) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	for i, c := range w.opts.Commits {
		if _, err := ins.ExecContext(ctx, w.jobID, i, c.ID, c.Author, c.Time.UTC().Format(time.RFC3339), c.Message,
			strings.Join(c.Paths, "\n"), c.Build); err != nil {
			return describe(err)
		}
	}
	return nil
}

// Commits returns the commits that entered with the jobs of module numbered above after
// and up to upTo, newest job first.
func (s *Store) Commits(ctx context.Context, module core.ModuleRef, after, upTo int64) ([]store.JobCommits, error) {
	var out []store.JobCommits
	err := s.queryEach(ctx, func(rows *sql.Rows) error {
		var n int64
		var c core.Commit
		var at, paths string
		if err := rows.Scan(&n, &c.ID, &c.Author, &at, &c.Message, &paths, &c.Build); err != nil {
			return err
		}
		c.Time, _ = time.Parse(time.RFC3339, at)
		if paths != "" {
			c.Paths = strings.Split(paths, "\n")
		}
		if len(out) == 0 || out[len(out)-1].Job.Number != n {
			out = append(out, store.JobCommits{Job: core.JobRef{ModuleRef: module, Number: n}})
		}
		last := &out[len(out)-1]
		last.Commits = append(last.Commits, c)
		return nil
	}, `SELECT j.number, c.id, c.author, c.time, c.message, c.paths, c.build FROM job_commits c JOIN jobs j ON j.id = c.job_id
		JOIN modules m ON m.id = j.module_id JOIN releases r ON r.id = m.release_id
		WHERE r.name = ? AND m.name = ? AND j.number > ? AND j.number <= ? ORDER BY j.number DESC, c.seq`,
		module.Release, module.Module, after, upTo)
	return out, err
}

// PreviousRevision is the revision of the job of module numbered highest below number
// that has one; "" when none has.
func (s *Store) PreviousRevision(ctx context.Context, module core.ModuleRef, number int64) (string, error) {
	var rev string
	err := s.db.QueryRowContext(ctx, "SELECT j.revision"+jobsFrom+` WHERE r.name = ? AND m.name = ? AND j.number < ?
		AND j.revision != '' ORDER BY j.number DESC LIMIT 1`, module.Release, module.Module, number).Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return rev, describe(err)
}

// ModuleRepo is the git clone remembered for module, "" when none.
func (s *Store) ModuleRepo(ctx context.Context, module core.ModuleRef) (string, error) {
	var repo string
	err := s.db.QueryRowContext(ctx, "SELECT repo FROM module_repos WHERE release = ? AND module = ?",
		module.Release, module.Module).Scan(&repo)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return repo, describe(err)
}

// SetModuleRepo remembers the git clone of module ("" forgets it).
func (s *Store) SetModuleRepo(ctx context.Context, module core.ModuleRef, repo string) error {
	conn, release, err := s.LockWriter(ctx)
	if err != nil {
		return err
	}
	defer release()
	return InWriteTx(ctx, s.dialect, conn, func() error {
		var err error
		if repo == "" {
			_, err = conn.ExecContext(ctx, "DELETE FROM module_repos WHERE release = ? AND module = ?", module.Release, module.Module)
		} else {
			_, err = conn.ExecContext(ctx, `INSERT INTO module_repos (release, module, repo) VALUES (?, ?, ?)
				ON CONFLICT (release, module) DO UPDATE SET repo = excluded.repo`, module.Release, module.Module, repo)
		}
		return describe(err)
	})
}
