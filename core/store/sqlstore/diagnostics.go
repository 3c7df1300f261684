package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
)

// RecordFailure keeps a failed import of job for diagnostics; the store keeps the latest
// 1,000.
func (s *Store) RecordFailure(ctx context.Context, job core.JobRef, source string, failure error) error {
	f := store.ImportFailure{At: time.Now(), Job: job.String(), Source: source, Error: failure.Error()}
	conn, release, err := s.LockWriter(ctx)
	if err != nil {
		return err
	}
	defer release()
	return InWriteTx(ctx, s.dialect, conn, func() error {
		if _, err := conn.ExecContext(ctx, "INSERT INTO import_failures (at, job, source, error) VALUES (?, ?, ?, ?)",
			f.At.UTC().Format(time.RFC3339Nano), f.Job, f.Source, f.Error); err != nil {
			return describe(err)
		}
		_, err := conn.ExecContext(ctx, "DELETE FROM import_failures WHERE id <= (SELECT max(id) - 1000 FROM import_failures)")
		return describe(err)
	})
}

// RecentFailures returns the latest failed imports, newest first.
func (s *Store) RecentFailures(ctx context.Context, n int) ([]store.ImportFailure, error) {
	var out []store.ImportFailure
	err := s.queryEach(ctx, func(rows *sql.Rows) error {
		var f store.ImportFailure
		var at string
		if err := rows.Scan(&at, &f.Job, &f.Source, &f.Error); err != nil {
			return err
		}
		f.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, f)
		return nil
	}, "SELECT at, job, source, error FROM import_failures ORDER BY id DESC LIMIT ?", n)
	return out, err
}

// Info describes the database's storage (see Dialect.Describe), checks its integrity
// and lists the largest jobs.
func (s *Store) Info(ctx context.Context, largest int) (store.FileInfo, error) {
	fi := store.FileInfo{Path: s.path}
	if err := s.dialect.Describe(ctx, s.db, &fi); err != nil {
		return fi, describe(err)
	}
	var err error
	if fi.Integrity, err = s.IntegrityCheck(ctx); err != nil {
		fi.Integrity = append(fi.Integrity, err.Error())
	}
	err = s.queryEach(ctx, func(rows *sql.Rows) error {
		j, err := scanJob(rows)
		fi.Largest = append(fi.Largest, j)
		return err
	}, "SELECT "+jobColumns+jobsFrom+" ORDER BY j.tests DESC LIMIT ?", largest)
	return fi, err
}
