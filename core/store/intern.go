package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// An interned table (tests, texts) stores each distinct value once under a key derived
// from its hash (see keys.go). Writing a batch is one INSERT OR IGNORE, which needs no
// statement journal. When SQLite reports every row inserted, the keys are the values'
// own. When some rows were ignored (the value was there already, or a different value
// holds the key: a hash collision), one read-only query checks that every key holds its
// value; only if that fails are the rows placed one by one, probing the following keys.
type internTable struct {
	cols       int    // bound per row: the key, then the value columns
	insertHead string // multi-row INSERT OR IGNORE up to VALUES
	// verifyHead + rows + verifyTail counts the rows whose key holds their value.
	verifyHead, verifyTail string
	lookup                 string // the value columns under one key
}

var interned = map[string]internTable{
	"tests": {
		cols:       3,
		insertHead: "INSERT OR IGNORE INTO tests (key, class_id, name) VALUES ",
		verifyHead: "SELECT count(*) FROM (VALUES ",
		verifyTail: ") v JOIN tests t ON t.key = v.column1 AND t.class_id = v.column2 AND t.name = v.column3",
		lookup:     "SELECT class_id, name FROM tests WHERE key = ?",
	},
	"texts": {
		cols:       2,
		insertHead: "INSERT OR IGNORE INTO texts (key, body) VALUES ",
		verifyHead: "SELECT count(*) FROM (VALUES ",
		verifyTail: ") v JOIN texts t ON t.key = v.column1 AND t.body = v.column2",
		lookup:     "SELECT body FROM texts WHERE key = ?",
	},
}

// intern stores rows (args holds cols values per row, the preferred key first) and
// appends to keys the key each row has in the table.
func (w *JobWriter) intern(ctx context.Context, table string, rows int, args []any, keys []int64) ([]int64, error) {
	t := interned[table]
	for i := range rows {
		keys = append(keys, args[i*t.cols].(int64))
	}
	insert, err := w.stmt(ctx, table, t.cols, rows)
	if err != nil {
		return nil, err
	}
	res, err := insert.ExecContext(ctx, args...)
	if err != nil {
		return nil, describe(err)
	}
	if n, err := res.RowsAffected(); err == nil && n == int64(rows) {
		return keys, nil // all new: no key was taken
	}
	verify, err := w.stmt(ctx, "verify "+table, t.cols, rows)
	if err != nil {
		return nil, err
	}
	var ok int
	if err := verify.QueryRowContext(ctx, args...).Scan(&ok); err != nil {
		return nil, describe(err)
	}
	if ok == rows {
		return keys, nil
	}
	// A collision somewhere in this batch: place each row on its own.
	for i := range rows {
		if keys[i], err = w.place(ctx, t, table, args[i*t.cols:(i+1)*t.cols]); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// place finds the key of one value: the first key from its preferred one that holds it
// or is free (and then stores it there).
func (w *JobWriter) place(ctx context.Context, t internTable, table string, row []any) (int64, error) {
	one, err := w.stmt(ctx, table, t.cols, 1)
	if err != nil {
		return 0, err
	}
	row = append([]any(nil), row...)
	key := row[0].(int64)
	for probe := 0; probe < 1000; probe++ {
		held := make([]any, t.cols-1)
		dest := make([]any, len(held))
		for i := range held {
			dest[i] = &held[i]
		}
		err := w.conn.QueryRowContext(ctx, t.lookup, key).Scan(dest...)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			row[0] = key
			if _, err := one.ExecContext(ctx, row...); err != nil {
				return 0, describe(err)
			}
			return key, nil
		case err != nil:
			return 0, describe(err)
		case sameValues(held, row[1:]):
			return key, nil
		}
		key = nextID(key)
	}
	return 0, fmt.Errorf("%s: no free key after 1000 probes from %d", table, row[0])
}

// sameValues compares column values read back with the values bound.
func sameValues(held, bound []any) bool {
	for i := range held {
		h := held[i]
		if b, ok := h.([]byte); ok {
			h = string(b)
		}
		if h != bound[i] {
			return false
		}
	}
	return true
}

// classCacheSize bounds the classes a writer remembers; past it the cache starts afresh.
const classCacheSize = 1 << 16

// classID returns the id of the class called name, adding the class if it is new.
func (w *JobWriter) classID(ctx context.Context, name string) (int64, error) {
	if name == w.lastClass && w.lastClassID != 0 {
		return w.lastClassID, nil
	}
	id, ok := w.classes[name]
	if !ok {
		var err error
		if id, err = w.lookupClass(ctx, name); err != nil {
			return 0, err
		}
		if len(w.classes) >= classCacheSize {
			clear(w.classes)
		}
		w.classes[name] = id
	}
	w.lastClass, w.lastClassID = name, id
	return id, nil
}

func (w *JobWriter) lookupClass(ctx context.Context, name string) (int64, error) {
	key := classKey(name)
	for probe := 0; probe < 1000; probe++ {
		var id int64
		var held string
		err := w.conn.QueryRowContext(ctx, "SELECT id, name FROM classes WHERE key = ?", key).Scan(&id, &held)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := w.conn.ExecContext(ctx, "INSERT INTO classes (key, name) VALUES (?, ?)", key, name)
			if err != nil {
				return 0, describe(err)
			}
			return res.LastInsertId()
		case err != nil:
			return 0, describe(err)
		case held == name:
			return id, nil
		}
		key = nextID(key)
	}
	return 0, fmt.Errorf("classes: no free key after 1000 probes for %q", name)
}
