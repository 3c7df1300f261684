package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one schema step; the database's user_version is the last one applied.
type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// goSteps are the parts of migrations that SQL alone cannot do, run after the
// migration's SQL in its transaction.
var goSteps = map[int]func(context.Context, *sql.Conn) error{
	4: moveToChunks,
}

// migrate applies the migrations the database has not seen, each in its own write
// transaction (its SQL, then its Go step): a migration interrupted by a crash or a kill
// leaves the database as it was before it, and the next Open applies it again. The version is read inside the transaction, so two processes opening a
// new file at once apply each migration once.
func migrate(ctx context.Context, conn *sql.Conn) error {
	return migrateUpTo(ctx, conn, math.MaxInt)
}

// migrateUpTo applies the migrations up to version last (benchmarks and tests build
// databases of earlier layouts with it).
func migrateUpTo(ctx context.Context, conn *sql.Conn, last int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	latest := ms[len(ms)-1].version
	for _, m := range ms {
		if m.version > last {
			break
		}
		err := inWriteTx(ctx, conn, func() error {
			var current int
			if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
				return fmt.Errorf("reading schema version: %w", err)
			}
			if current > latest {
				return fmt.Errorf("the database has schema version %d, newer than this program knows (%d): use a newer regtracker", current, latest)
			}
			if m.version <= current {
				return nil
			}
			if _, err := conn.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("applying migration %s: %w", m.name, err)
			}
			if step := goSteps[m.version]; step != nil {
				if err := step(ctx, conn); err != nil {
					return fmt.Errorf("applying migration %s: %w", m.name, err)
				}
			}
			_, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
