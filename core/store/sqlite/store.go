// Package sqlite is the store of a local SQLite file (modernc.org/sqlite, pure Go): it
// keeps releases, modules, jobs and their results, and implements store.Store. The
// schema comes from embedded, versioned migrations; the database runs in WAL mode so
// readers are never blocked, with a single writer per process and a busy timeout between
// processes. All the SQL of the file store lives here.
//
// A job's results are not rows: they are compressed column chunks, its tests' states
// sorted chunks, and test names blocks per class (the formats are core/store/chunk's),
// so that a result costs a few bytes and a job's results are read in milliseconds.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/regtracker/regtracker/core/store"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// busyTimeout is how long one statement waits for another process's write lock.
const busyTimeout = 5 * time.Second

// pageSize is the page size of new databases.
const pageSize = 16384

var _ store.Store = (*Store)(nil)

// Store is an open regtracker database file; it implements store.Store. It is safe for
// concurrent use; writes are serialized.
type Store struct {
	db   *sql.DB
	path string
	// writer is a one-slot semaphore: the process's single writer. Imports hold it for
	// their whole transaction; waiting for it honours the caller's context.
	writer chan struct{}

	viewMu sync.Mutex
	view   *jobView // see ResultIDs
}

// Open opens the database at path, creating it and its directory if needed, and brings
// its schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the database directory: %w", err)
	}
	q := url.Values{}
	for _, p := range []string{
		fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()),
		"synchronous(NORMAL)",
		"foreign_keys(1)",
	} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	s := &Store{db: db, path: path, writer: make(chan struct{}, 1)}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) init(ctx context.Context) error {
	conn, release, err := s.lockWriter(ctx)
	if err != nil {
		return err
	}
	defer release()
	// A new file gets large pages (fewer B-tree levels and page writes for bulk
	// imports); the page size can only be set before WAL is switched on. WAL then
	// persists in the file for every connection.
	var pages int
	if err := conn.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return describe(err)
	}
	if pages == 0 {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d", pageSize)); err != nil {
			return describe(err)
		}
	}
	// Switching to WAL needs the file to itself for a moment; another process opening
	// it at the same time makes it busy without waiting, so wait here.
	var mode string
	err = retryBusy(ctx, func() error {
		return conn.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode)
	})
	if err != nil {
		return describe(err)
	}
	if mode != "wal" {
		return fmt.Errorf("the database is in %s journal mode and cannot switch to WAL", mode)
	}
	var before int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&before); err != nil {
		return describe(err)
	}
	if err := migrate(ctx, conn); err != nil {
		return describe(err)
	}
	if before > 0 && before < 4 {
		return describe(compactAfterMigration(ctx, conn))
	}
	return nil
}

// compactAfterMigration gives the file's free pages back to the file system when more
// than a quarter of it is free, as after migration 0004 dropped the row layout's tables
// (a database of two 1M-result jobs: 148 MB before, 163 MB after the migration alone, 53
// MB compacted). VACUUM rewrites the file in one transaction: interrupted, it loses
// nothing, and the migration stays done.
func compactAfterMigration(ctx context.Context, conn *sql.Conn) error {
	var free, pages int64
	if err := conn.QueryRowContext(ctx, "PRAGMA freelist_count").Scan(&free); err != nil {
		return err
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return err
	}
	if free*4 < pages {
		return nil
	}
	_, err := conn.ExecContext(ctx, "VACUUM")
	return err
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// lockWriter takes the process's writer slot and a connection for it.
func (s *Store) lockWriter(ctx context.Context) (*sql.Conn, func(), error) {
	select {
	case s.writer <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		<-s.writer
		return nil, nil, describe(err)
	}
	return conn, func() { conn.Close(); <-s.writer }, nil
}

// beginWrite starts a write transaction on conn, waiting for another process's writer
// for as long as ctx allows.
func beginWrite(ctx context.Context, conn *sql.Conn) error {
	for {
		_, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE")
		if err == nil || !isBusy(err) {
			return describe(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// retryBusy runs fn until it does not fail with SQLITE_BUSY, for up to busyTimeout.
func retryBusy(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		err := fn()
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// rollback ends a write transaction whatever state ctx is in.
func rollback(conn *sql.Conn) {
	conn.ExecContext(context.Background(), "ROLLBACK")
}

// inWriteTx runs fn in a write transaction on conn.
func inWriteTx(ctx context.Context, conn *sql.Conn, fn func() error) error {
	if err := beginWrite(ctx, conn); err != nil {
		return err
	}
	if err := fn(); err != nil {
		rollback(conn)
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		rollback(conn)
		return describe(err)
	}
	return nil
}

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

func isBusy(err error) bool {
	c := sqliteCode(err) & 0xff
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

// describe turns SQLite errors a user can act on into sentences that say what to do.
func describe(err error) error {
	if err == nil {
		return nil
	}
	switch sqliteCode(err) & 0xff {
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("the disk is full: free some space and try again: %w", err)
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("the database is locked by another program (another regtracker importing?): %w", err)
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN:
		return fmt.Errorf("the database cannot be written: check the file's permissions: %w", err)
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("the database file is damaged or is not a regtracker database: %w", err)
	}
	return err
}
