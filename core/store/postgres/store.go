// Package postgres is the store of a team's shared history on a PostgreSQL server
// (through github.com/jackc/pgx/v5): it connects, brings the schema up to date from
// embedded, versioned migrations, and gives the SQL engine (core/store/sqlstore)
// PostgreSQL's dialect. Any number of processes, on any number of machines, read and
// write one server; their writes are serialized by one advisory lock, so that each job
// is written in one transaction exactly as into a local file.
//
// A database is named by a URL, postgres://user@host[:port]/db (postgresql:// too, and
// libpq's query parameters such as host=/run/postgresql or sslmode). The password never
// travels on a command line: it comes from PGPASSWORD or the password file (~/.pgpass,
// or PGPASSFILE), as for psql.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/sqlstore"
)

// writerLock is the advisory lock every regtracker writer holds for its transaction:
// one writer at a time across all processes, as the file store's write lock.
const writerLock = 0x7265_6774_7261_636b // "regtrack"

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is a regtracker history on a PostgreSQL server.
type Store = sqlstore.Store

func init() { sqlstore.AddDescriber(describe) }

// IsURL reports whether where names a PostgreSQL database rather than a file.
func IsURL(where string) bool {
	return strings.HasPrefix(where, "postgres://") || strings.HasPrefix(where, "postgresql://")
}

// Open connects to the database at url and brings its schema up to date. A password
// in url is refused: it belongs in PGPASSWORD or ~/.pgpass.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil || !IsURL(rawURL) {
		return nil, fmt.Errorf("%q is not a postgres://user@host/db URL", redact(rawURL))
	}
	if HasPassword(rawURL) {
		return nil, fmt.Errorf("%s: a password in the URL would be seen in the command line and the history: "+
			"put it in PGPASSWORD or in ~/.pgpass (one line host:port:db:user:password, mode 0600)", redact(rawURL))
	}
	name := u.String()
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	db := sql.OpenDB(newConnector(cfg))
	s := sqlstore.New(db, name, dialect{})
	if err := initialize(ctx, s, math.MaxInt); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", name, err)
	}
	return s, nil
}

// initialize applies the migrations up to version last.
func initialize(ctx context.Context, s *Store, last int) error {
	conn, release, err := s.LockWriter(ctx)
	if err != nil {
		return err
	}
	defer release()
	ms, err := sqlstore.Migrations(migrationFiles, "migrations", nil)
	if err != nil {
		return err
	}
	return describe(sqlstore.Migrate(ctx, conn, dialect{}, ms, last))
}

// HasPassword reports whether the URL raw carries a password, after the user or as a
// password parameter.
func HasPassword(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	_, set := u.User.Password()
	return set || u.Query().Has("password")
}

// redact is raw without its password, wherever the URL carries one.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the database URL"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	if q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// dialect is PostgreSQL's sqlstore.Versioned.
type dialect struct{}

// BeginWrite starts a transaction and takes the writers' advisory lock, which the
// transaction's end releases; waiting for it honours ctx.
func (dialect) BeginWrite(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return describe(err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", int64(writerLock)); err != nil {
		conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return describe(err)
	}
	return nil
}

// CopyRows appends rows to table with COPY, on conn's connection and inside its
// transaction.
func (dialect) CopyRows(ctx context.Context, conn *sql.Conn, table string, columns []string, rows [][]any) error {
	return conn.Raw(func(dc any) error {
		_, err := dc.(*pgConn).Conn.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
		return err
	})
}

// Unnest binds each array to a parameter: unnest(?::bigint[], ?::text[]).
func (dialect) Unnest(types ...string) string {
	args := make([]string, len(types))
	for i, t := range types {
		args[i] = "?::" + t + "[]"
	}
	return "unnest(" + strings.Join(args, ", ") + ")"
}

// Snapshot: a repeatable-read transaction sees the database as of its first query.
func (dialect) Snapshot() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

// SchemaVersion is the version kept in schema_version; 0 before the first migration.
func (dialect) SchemaVersion(ctx context.Context, conn *sql.Conn) (int, error) {
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT to_regclass('schema_version') IS NOT NULL").Scan(&exists); err != nil || !exists {
		return 0, err
	}
	var v int
	err := conn.QueryRowContext(ctx, "SELECT version FROM schema_version").Scan(&v)
	return v, err
}

func (dialect) SetSchemaVersion(ctx context.Context, conn *sql.Conn, v int) error {
	_, err := conn.ExecContext(ctx, "UPDATE schema_version SET version = ?", v)
	return err
}

// IntegrityCheck checks what the server cannot know about regtracker's data: that every
// job's chunks hold exactly its results, from position 0 without a gap, and that no
// chunk or state is left without its job. (The server looks after its pages itself.)
func (dialect) IntegrityCheck(ctx context.Context, db *sql.DB) ([]string, error) {
	var problems []string
	for _, q := range []string{
		`SELECT 'job ' || r.name || '/' || m.name || '/' || j.number || ': ' || coalesce(sum(c.results), 0) ||
			' results in chunks, ' || j.tests || ' counted'
		FROM jobs j JOIN modules m ON m.id = j.module_id JOIN releases r ON r.id = m.release_id
		LEFT JOIN result_chunks c ON c.job_id = j.id
		GROUP BY j.id, r.name, m.name HAVING coalesce(sum(c.results), 0) <> j.tests
			OR coalesce(max(c.first + c.results), 0) <> j.tests`,
		`SELECT count(*) || ' result chunks of no job' FROM result_chunks c
		WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = c.job_id) HAVING count(*) > 0`,
		`SELECT count(*) || ' test state chunks of no job' FROM job_states c
		WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = c.job_id) HAVING count(*) > 0`,
	} {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return nil, err
			}
			problems = append(problems, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return problems, nil
}

// Describe gives the database's size on the server, its block size and the server's
// version (in JournalMode, where the file store names its journal).
// Version sums up what a commit can change that readers show: the jobs and the known
// issues, by count and newest id (a replaced job gets a new id). A server has no
// per-database commit counter; these four come from two small tables' indexes.
func (dialect) Version(ctx context.Context, conn *sql.Conn) (string, error) {
	var jobs, lastJob, known, lastKnown int64
	err := conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM jobs), (SELECT coalesce(max(id), 0) FROM jobs),
		(SELECT count(*) FROM known_issues), (SELECT coalesce(max(id), 0) FROM known_issues)`).Scan(&jobs, &lastJob, &known, &lastKnown)
	return fmt.Sprintf("%d.%d.%d.%d", jobs, lastJob, known, lastKnown), err
}

func (d dialect) Describe(ctx context.Context, db *sql.DB, fi *store.FileInfo) error {
	var version string
	err := db.QueryRowContext(ctx, `SELECT pg_database_size(current_database()),
		current_setting('block_size')::bigint, current_setting('server_version')`).Scan(&fi.Bytes, &fi.PageSize, &version)
	if err != nil {
		return err
	}
	fi.JournalMode = "PostgreSQL " + version + " server"
	if fi.PageSize > 0 {
		fi.PageCount = fi.Bytes / fi.PageSize
	}
	return db.QueryRowContext(ctx, "SELECT version FROM schema_version").Scan(&fi.SchemaVersion)
}

// describe turns the server's errors a user can act on into sentences that say what to
// do.
func describe(err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100":
			return fmt.Errorf("the server's disk is full: ask its administrator for space: %w", err)
		case pe.Code == "28P01" || pe.Code == "28000":
			return fmt.Errorf("the server refused the login: check the user in the URL and the password in PGPASSWORD or ~/.pgpass: %w", err)
		case pe.Code == "3D000":
			return fmt.Errorf("the database does not exist on the server: create it (createdb NAME) or fix the URL: %w", err)
		case pe.Code == "42501":
			return fmt.Errorf("the server's user may not do this: grant it the rights on the database: %w", err)
		case strings.HasPrefix(pe.Code, "53"), strings.HasPrefix(pe.Code, "57P"):
			return fmt.Errorf("the server is out of resources or shutting down: try again later: %w", err)
		}
		return err
	}
	var ce *pgconn.ConnectError
	var ne *net.OpError
	if errors.As(err, &ce) || errors.As(err, &ne) {
		return fmt.Errorf("cannot reach the PostgreSQL server: is it running, and is the URL's host and port right? %w", err)
	}
	return err
}

var (
	_ sqlstore.Bulk   = dialect{}
	_ sqlstore.Arrays = dialect{}
)
