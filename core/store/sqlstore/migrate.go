package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one schema step: its SQL, then, when set, a Go step for what SQL alone
// cannot do, both in one transaction.
type Migration struct {
	Version int
	Name    string
	SQL     string
	Go      func(context.Context, *sql.Conn) error
}

// Migrations reads the migrations in dir of fsys: files named NUMBER_what.sql, applied
// in the order of their numbers. goSteps adds Go steps by version.
func Migrations(fsys fs.FS, dir string, goSteps map[int]func(context.Context, *sql.Conn) error) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: name must be a number, '_', a name and .sql", e.Name())
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(body), Go: goSteps[v]})
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("no migrations in %s", dir)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// Versioned is a Dialect that keeps the number of the last migration applied.
type Versioned interface {
	Dialect
	// SchemaVersion is 0 for a new database.
	SchemaVersion(ctx context.Context, conn *sql.Conn) (int, error)
	SetSchemaVersion(ctx context.Context, conn *sql.Conn, v int) error
}

// Migrate applies the migrations ms up to version last that the database has not seen,
// each in its own write transaction: a migration interrupted by a crash or a kill leaves
// the database as it was before it, and the next Open applies it again. The version is
// read inside the transaction, which holds the writer lock, so two processes opening a
// new database at once apply each migration once. A database newer than ms is refused.
func Migrate(ctx context.Context, conn *sql.Conn, d Versioned, ms []Migration, last int) error {
	latest := ms[len(ms)-1].Version
	for _, m := range ms {
		if m.Version > last {
			break
		}
		err := InWriteTx(ctx, d, conn, func() error {
			current, err := d.SchemaVersion(ctx, conn)
			if err != nil {
				return fmt.Errorf("reading schema version: %w", err)
			}
			if current > latest {
				return fmt.Errorf("the database has schema version %d, newer than this program knows (%d): use a newer regtracker", current, latest)
			}
			if m.Version <= current {
				return nil
			}
			if _, err := conn.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("applying migration %s: %w", m.Name, describe(err))
			}
			if m.Go != nil {
				if err := m.Go(ctx, conn); err != nil {
					return fmt.Errorf("applying migration %s: %w", m.Name, err)
				}
			}
			return d.SetSchemaVersion(ctx, conn, m.Version)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
