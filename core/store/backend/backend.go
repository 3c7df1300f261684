// Package backend opens the history a --db value (or the app's Database setting) names:
// a postgres:// or postgresql:// URL is a team's server (core/store/postgres), anything
// else a local SQLite file (core/store/sqlite).
package backend

import (
	"context"

	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/postgres"
	"github.com/regtracker/regtracker/core/store/sqlite"
)

// Open opens the store where names.
func Open(ctx context.Context, where string) (store.Store, error) {
	if IsServer(where) {
		return postgres.Open(ctx, where)
	}
	return sqlite.Open(ctx, where)
}

// IsServer reports whether where names a server rather than a file.
func IsServer(where string) bool { return postgres.IsURL(where) }

// LocalPath is where the files that go beside a database (the log) are kept: beside the
// file, or for a server beside the default database file.
func LocalPath(where string) (string, error) {
	if IsServer(where) {
		return store.DefaultPath()
	}
	return where, nil
}

// HasPassword reports whether the server URL where carries a password, which Open
// refuses: it belongs in PGPASSWORD or ~/.pgpass.
func HasPassword(where string) bool { return postgres.HasPassword(where) }
