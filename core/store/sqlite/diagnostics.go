package sqlite

import (
	"context"
	"database/sql"
	"os"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
)

// RecordFailure keeps a failed import of job for diagnostics; the store keeps the latest
// 1,000.
func (s *Store) RecordFailure(ctx context.Context, job core.JobRef, source string, failure error) error {
	f := store.ImportFailure{At: time.Now(), Job: job.String(), Source: source, Error: failure.Error()}
	conn, release, err := s.lockWriter(ctx)
	if err != nil {
		return err
	}
	defer release()
	return inWriteTx(ctx, conn, func() error {
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

// Info reads the database's file and page figures and runs integrity_check.
func (s *Store) Info(ctx context.Context, largest int) (store.FileInfo, error) {
	fi := store.FileInfo{Path: s.path}
	if st, err := os.Stat(s.path); err == nil {
		fi.Bytes = st.Size()
	}
	if st, err := os.Stat(s.path + "-wal"); err == nil {
		fi.WALBytes = st.Size()
	}
	for q, dest := range map[string]any{
		"PRAGMA journal_mode": &fi.JournalMode, "PRAGMA page_size": &fi.PageSize, "PRAGMA page_count": &fi.PageCount,
		"PRAGMA freelist_count": &fi.FreelistCount, "PRAGMA user_version": &fi.SchemaVersion,
	} {
		if err := s.db.QueryRowContext(ctx, q).Scan(dest); err != nil {
			return fi, describe(err)
		}
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
