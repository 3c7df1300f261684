// Package sqlite is the store of a local SQLite file (modernc.org/sqlite, pure Go): it
// opens the file, brings its schema up to date from embedded, versioned migrations, and
// gives the SQL engine (core/store/sqlstore) SQLite's dialect. The database runs in WAL
// mode so readers are never blocked, with a single writer per process and a busy
// timeout between processes.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/sqlstore"
)

// busyTimeout is how long one statement waits for another process's write lock.
const busyTimeout = 5 * time.Second

// maxConns is how many connections the pool keeps open between uses (more may be
// open at once: an analysis reads many jobs' states side by side).
const maxConns = 16

// pageSize is the page size of new databases.
const pageSize = 16384

// writerCacheKiB is the page cache of a writing connection.
const writerCacheKiB = 4 << 10

//go:embed migrations/*.sql
var migrationFiles embed.FS

// goSteps are the parts of migrations that SQL alone cannot do.
var goSteps = map[int]func(context.Context, *sql.Conn) error{
	4: moveToChunks,
}

// Store is a regtracker history in a SQLite file.
type Store = sqlstore.Store

func init() { sqlstore.AddDescriber(describe) }

// uriPath escapes what a file: URI would read as its query, its fragment or an escape,
// so that a folder named "50% done" or "tests?" holds the database, not a file beside it.
var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

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
	db, err := sql.Open("sqlite", "file:"+uriPath.Replace(filepath.ToSlash(path))+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	// Connections are kept, not closed and opened again as the load changes: a
	// connection closed while others hold locks leaves its descriptor of the file open
	// in SQLite (closing it would release the process's locks) for a later connection.
	// Either way the descriptors follow the most connections used at once, not the use.
	db.SetMaxIdleConns(maxConns)
	watch := &logWatch{path: path}
	s := sqlstore.New(db, path, dialect{path: path, watch: watch})
	if err := initialize(ctx, s, math.MaxInt); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	// A connection kept for the store's life, with the log open: while it is, no close
	// of ours or another process's removes the log, so from here on the log's identity
	// is the one the watch expects.
	if err := s.Pin(ctx, "SELECT count(*) FROM sqlite_master"); err != nil {
		s.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	if watchable {
		if err := watch.arm(); err != nil {
			s.Close()
			return nil, fmt.Errorf("opening %s: %w", path, err)
		}
	}
	return s, nil
}

// initialize puts a new file in WAL mode with large pages and applies the migrations up
// to version last.
func initialize(ctx context.Context, s *Store, last int) error {
	conn, release, err := s.LockWriter(ctx)
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
	d := dialect{path: s.Path()}
	before, err := d.SchemaVersion(ctx, conn)
	if err != nil {
		return describe(err)
	}
	ms, err := sqlstore.Migrations(migrationFiles, "migrations", goSteps)
	if err != nil {
		return err
	}
	if err := sqlstore.Migrate(ctx, conn, d, ms, last); err != nil {
		return describe(err)
	}
	if before > 0 && before < 4 && last >= 4 {
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

// dialect is SQLite's sqlstore.Versioned. watch, when set, guards the store against a
// log split (see logWatch).
type dialect struct {
	path  string
	watch *logWatch
}

// Split implements sqlstore.Guard.
func (d dialect) Split() error { return d.watch.check() }

// BeginWrite starts a write transaction at once (BEGIN IMMEDIATE), waiting for another
// process's writer for as long as ctx allows. It refuses when the log was split (see
// logWatch), before and once it holds the lock.
func (d dialect) BeginWrite(ctx context.Context, conn *sql.Conn) error {
	if err := d.watch.check(); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", writerCacheKiB)); err != nil {
		return describe(err)
	}
	for {
		_, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE")
		if err == nil {
			if err := d.watch.check(); err != nil {
				rollbackNow(conn)
				return err
			}
			return nil
		}
		if !isBusy(err) {
			return describe(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Snapshot: a read transaction in WAL mode sees one state of the file.
func (dialect) Snapshot() *sql.TxOptions { return &sql.TxOptions{ReadOnly: true} }

func (dialect) SchemaVersion(ctx context.Context, conn *sql.Conn) (int, error) {
	var v int
	err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

func (dialect) SetSchemaVersion(ctx context.Context, conn *sql.Conn, v int) error {
	_, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v))
	return err
}

// IntegrityCheck runs SQLite's integrity_check and returns its findings, after a log
// split if there was one: this process's, or another process's that still holds a
// removed log (a file can be sound while a process no longer shares its log).
func (d dialect) IntegrityCheck(ctx context.Context, db *sql.DB) ([]string, error) {
	var problems []string
	if err := d.watch.check(); err != nil {
		problems = append(problems, err.Error())
	} else {
		problems = append(problems, strandedLogs(d.path)...)
	}
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return problems, err
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	return problems, rows.Err()
}

// Version is SQLite's data_version, which changes on conn when another connection, of
// this process or another, commits.
func (d dialect) Version(ctx context.Context, conn *sql.Conn) (string, error) {
	if err := d.watch.check(); err != nil {
		return "", err
	}
	var v int64
	err := conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
	return strconv.FormatInt(v, 10), err
}

// Describe reads the file's sizes and SQLite's page figures.
func (d dialect) Describe(ctx context.Context, db *sql.DB, fi *store.FileInfo) error {
	if st, err := os.Stat(d.path); err == nil {
		fi.Bytes = st.Size()
	}
	if st, err := os.Stat(d.path + "-wal"); err == nil {
		fi.WALBytes = st.Size()
	}
	for q, dest := range map[string]any{
		"PRAGMA journal_mode": &fi.JournalMode, "PRAGMA page_size": &fi.PageSize, "PRAGMA page_count": &fi.PageCount,
		"PRAGMA freelist_count": &fi.FreelistCount, "PRAGMA user_version": &fi.SchemaVersion,
	} {
		if err := db.QueryRowContext(ctx, q).Scan(dest); err != nil {
			return err
		}
	}
	return nil
}

// rollbackNow ends a transaction whatever state ctx is in.
func rollbackNow(conn *sql.Conn) { conn.ExecContext(context.Background(), "ROLLBACK") }

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
