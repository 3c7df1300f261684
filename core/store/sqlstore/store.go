// Package sqlstore is a regtracker history kept in a SQL database reached through
// database/sql: the job writer, the readers and the analysis queries, written once in
// the SQL that SQLite and PostgreSQL share. It implements store.Store; a backend
// (core/store/sqlite, core/store/postgres) opens its database, brings its schema up to
// date with Migrate, and gives the engine a Dialect for what differs: how a write
// transaction takes the database's single writer lock, how a transaction reads a
// snapshot, and how the database describes its own health.
//
// A job's results are not rows: they are compressed column chunks, its tests' states
// sorted chunks, and test names blocks per class (the formats are core/store/chunk's),
// so that a result costs a few bytes and a job's results are read in milliseconds.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"github.com/regtracker/regtracker/core/store"
)

// Dialect is what a backend tells the engine about its database. Queries the engine
// runs use '?' placeholders (or '?N' to name the Nth argument); a backend whose driver
// wants others translates them in its driver.
type Dialect interface {
	// BeginWrite starts a transaction on conn that holds the database's single writer
	// lock, so that writers in other processes wait for it, for as long as ctx allows.
	BeginWrite(ctx context.Context, conn *sql.Conn) error
	// Snapshot is the transaction options of a read that spans several queries and must
	// see one committed state.
	Snapshot() *sql.TxOptions
	// IntegrityCheck lists what is damaged; nil when the database is sound.
	IntegrityCheck(ctx context.Context, db *sql.DB) ([]string, error)
	// Describe fills in what the backend knows of its storage (size, layout, version).
	Describe(ctx context.Context, db *sql.DB, fi *store.FileInfo) error
	// Version reads, on conn (a connection kept for it alone), a value that changes
	// whenever a transaction that wrote the database commits (see store.Store.Version).
	Version(ctx context.Context, conn *sql.Conn) (string, error)
}

// Guard is a Dialect that can tell when the process no longer shares the database's
// log with the other processes using it (see store.SplitError). A split store writes
// nothing and does not close its connections: closing them would let the database engine
// checkpoint a log that is no longer the file's over newer pages, and remove the log the
// other processes now use. The process's exit releases them.
type Guard interface {
	Split() error
}

var _ store.Store = (*Store)(nil)

// Store is an open regtracker database; it implements store.Store. It is safe for
// concurrent use; writes are serialized, within the process and across processes.
type Store struct {
	db      *sql.DB
	path    string
	dialect Dialect
	// writer is a one-slot semaphore: the process's single writer. Imports hold it for
	// their whole transaction; waiting for it honours the caller's context.
	writer chan struct{}

	maxCachedNames int // see LimitCachedNames

	viewMu sync.Mutex
	view   *jobView // see ResultIDs

	versionMu   sync.Mutex
	versionConn *sql.Conn // see Version

	pinned *sql.Conn // see Pin
}

// New is the store of db, whose schema is up to date; path names it for people. The
// Store owns db from then on.
func New(db *sql.DB, path string, d Dialect) *Store {
	return &Store{db: db, path: path, dialect: d, writer: make(chan struct{}, 1), maxCachedNames: defaultCachedNames}
}

// LimitCachedNames makes the store's writers keep at most n test names indexed, so that
// tests can make them write and forget their classes in the middle of jobs.
func (s *Store) LimitCachedNames(n int) { s.maxCachedNames = n }

// Path names the database: a file, or a server's URL without its password.
func (s *Store) Path() string { return s.path }

// Pin opens a connection that the store keeps until it closes, and reads query on it, so
// that the database's files stay open in the process whatever the pool does (see Guard).
func (s *Store) Pin(ctx context.Context, query string) error {
	c, err := s.db.Conn(ctx)
	if err != nil {
		return describe(err)
	}
	rows, err := c.QueryContext(ctx, query)
	if err == nil {
		for rows.Next() {
		}
		err = rows.Close()
	}
	if err != nil {
		c.Close()
		return describe(err)
	}
	s.pinned = c
	return nil
}

// Split is why the store refuses to write when its process no longer shares the
// database's log with the others (see Guard); nil when all is well.
func (s *Store) Split() error {
	if g, ok := s.dialect.(Guard); ok {
		return g.Split()
	}
	return nil
}

// Close closes the database; a split store leaves its connections to the process's exit
// (see Guard).
func (s *Store) Close() error {
	if s.Split() != nil {
		return nil
	}
	if s.pinned != nil {
		s.pinned.Close()
	}
	s.versionMu.Lock()
	if s.versionConn != nil {
		s.versionConn.Close()
		s.versionConn = nil
	}
	s.versionMu.Unlock()
	return s.db.Close()
}

// Version implements store.Store, on a connection kept for it (opened again after an
// error).
func (s *Store) Version(ctx context.Context) (string, error) {
	s.versionMu.Lock()
	defer s.versionMu.Unlock()
	if s.versionConn == nil {
		c, err := s.db.Conn(ctx)
		if err != nil {
			return "", err
		}
		s.versionConn = c
	}
	v, err := s.dialect.Version(ctx, s.versionConn)
	if err != nil {
		s.versionConn.Close()
		s.versionConn = nil
	}
	return v, err
}

// DB is the database, for the backends' own maintenance and tests.
func (s *Store) DB() *sql.DB { return s.db }

// LockWriter takes the process's writer slot and a connection for it; release gives
// both back.
func (s *Store) LockWriter(ctx context.Context) (conn *sql.Conn, release func(), err error) {
	select {
	case s.writer <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	conn, err = s.db.Conn(ctx)
	if err != nil {
		<-s.writer
		return nil, nil, describe(err)
	}
	return conn, func() { conn.Close(); <-s.writer }, nil
}

// rollback ends a write transaction whatever state ctx is in.
func rollback(conn *sql.Conn) {
	conn.ExecContext(context.Background(), "ROLLBACK")
}

// InWriteTx runs fn in a write transaction on conn (see Dialect.BeginWrite), committing
// when it returns nil and rolling back otherwise.
func InWriteTx(ctx context.Context, d Dialect, conn *sql.Conn, fn func() error) error {
	if err := d.BeginWrite(ctx, conn); err != nil {
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

// describers turn the errors of a database driver that a user can act on (a full disk,
// a lock held elsewhere, a refused login) into sentences that say what to do; each
// backend adds its own when its package initializes (see AddDescriber).
var describers []func(error) error

// AddDescriber adds f to the functions that describe driver errors. f returns err
// itself for errors that are not its driver's. It is meant for a backend's init.
func AddDescriber(f func(error) error) { describers = append(describers, f) }

func describe(err error) error {
	var done described
	if err == nil || errors.As(err, &done) {
		return err
	}
	for _, f := range describers {
		if d := f(err); d != err {
			return described{d}
		}
	}
	return err
}

// described is an error a describer has put in words, which are not added twice.
type described struct{ error }

func (d described) Unwrap() error { return d.error }

// Describe is the sentence a user gets for err (see AddDescriber).
func Describe(err error) error { return describe(err) }
