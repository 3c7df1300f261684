package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/regtracker/regtracker/core"
)

// AddKnownIssue records k (its ID set here, its When too unless given) and returns it.
func (s *Store) AddKnownIssue(ctx context.Context, k core.KnownIssue) (core.KnownIssue, error) {
	if err := k.Validate(); err != nil {
		return k, err
	}
	if k.When.IsZero() {
		k.When = time.Now()
	}
	k.When = k.When.UTC().Truncate(time.Second)
	var class, name, sig any
	if k.Test != nil {
		class, name = k.Test.Classname, k.Test.Name
	} else {
		sig = k.Signature
	}
	conn, release, err := s.LockWriter(ctx)
	if err != nil {
		return k, err
	}
	defer release()
	err = InWriteTx(ctx, s.dialect, conn, func() error {
		err := conn.QueryRowContext(ctx, `INSERT INTO known_issues (release, module, classname, name, signature, reason, link,
			expires, who, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, k.Module.Release, k.Module.Module, class, name, sig,
			k.Reason, k.Link, k.Expires, k.Who, k.When.Format(time.RFC3339)).Scan(&k.ID)
		return describe(err)
	})
	return k, err
}

// KnownIssues lists the known issues of module, or of every module when module is nil,
// oldest first, expired ones included.
func (s *Store) KnownIssues(ctx context.Context, module *core.ModuleRef) ([]core.KnownIssue, error) {
	q := "SELECT id, release, module, classname, name, signature, reason, link, expires, who, created_at FROM known_issues"
	var args []any
	if module != nil {
		q += " WHERE release = ? AND module = ?"
		args = append(args, module.Release, module.Module)
	}
	var out []core.KnownIssue
	err := s.queryEach(ctx, func(rows *sql.Rows) error {
		var k core.KnownIssue
		var class, name, sig sql.NullString
		var at string
		if err := rows.Scan(&k.ID, &k.Module.Release, &k.Module.Module, &class, &name, &sig, &k.Reason, &k.Link,
			&k.Expires, &k.Who, &at); err != nil {
			return err
		}
		if name.Valid {
			k.Test = &core.TestID{Classname: class.String, Name: name.String}
		}
		k.Signature = sig.String
		k.When, _ = time.Parse(time.RFC3339, at)
		out = append(out, k)
		return nil
	}, q+" ORDER BY id", args...)
	return out, err
}

// RemoveKnownIssue deletes the known issue id and returns what it was; an error wrapping
// core.ErrNotFound when there is none.
func (s *Store) RemoveKnownIssue(ctx context.Context, id int64) (core.KnownIssue, error) {
	all, err := s.KnownIssues(ctx, nil)
	if err != nil {
		return core.KnownIssue{}, err
	}
	var k core.KnownIssue
	for _, x := range all {
		if x.ID == id {
			k = x
		}
	}
	if k.ID == 0 {
		return k, fmt.Errorf("known issue %d: %w", id, core.ErrNotFound)
	}
	conn, release, err := s.LockWriter(ctx)
	if err != nil {
		return k, err
	}
	defer release()
	return k, InWriteTx(ctx, s.dialect, conn, func() error {
		_, err := conn.ExecContext(ctx, "DELETE FROM known_issues WHERE id = ?", id)
		return describe(err)
	})
}
