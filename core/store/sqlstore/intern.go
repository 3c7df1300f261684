package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/regtracker/regtracker/core/store/chunk"
	"slices"
)

// An interned table (texts) stores each distinct value once under a key derived
// from its hash (see chunk.Hash): rows of (key, value). Writing a batch is one INSERT ... ON
// CONFLICT DO NOTHING, which needs no statement journal. When the database reports every row inserted, the
// keys are the values' own. When some rows were ignored (the value was there already, or
// a different value holds the key: a hash collision), one read-only query checks that
// every key holds its value; only if that fails are the rows placed one by one, probing
// the following keys.
type internTable struct {
	// insertHead + rows + insertTail stores the rows whose key is free.
	insertHead, insertTail string
	// verifyHead + rows + verifyTail counts the rows whose key holds their value; its
	// first row is verifyFirst, which gives the VALUES columns their types.
	verifyHead, verifyFirst, verifyTail string
	// With a dialect that binds arrays (see Arrays): arrayInsert + rows + insertTail,
	// and a count of rows + arrayVerifyTail, where rows are v (key, value).
	arrayInsert, arrayVerifyTail string
	lookup                       string // the value under one key
	next                         func(key int64) int64
}

var interned = map[string]internTable{
	"texts": {
		insertHead:      "INSERT INTO texts (key, body) VALUES ",
		insertTail:      " ON CONFLICT DO NOTHING",
		verifyHead:      "SELECT count(*) FROM (VALUES ",
		verifyFirst:     "(CAST(? AS BIGINT), CAST(? AS TEXT))",
		arrayInsert:     "INSERT INTO texts (key, body) SELECT key, value FROM ",
		arrayVerifyTail: " JOIN texts t ON t.key = v.key AND t.body = v.value",
		verifyTail:      ") v JOIN texts t ON t.key = v.column1 AND t.body = v.column2",
		lookup:          "SELECT body FROM texts WHERE key = ?",
		next:            chunk.NextKey,
	},
}

// intern stores values whose preferred keys are keys, and replaces each key that was
// taken by another value with the key the value got.
func (w *JobWriter) intern(ctx context.Context, table string, keys []int64, values []string) error {
	t := interned[table]
	// In key order, each row lands next to the one before it in the B-tree.
	w.order = w.order[:0]
	for i := range values {
		w.order = append(w.order, i)
	}
	slices.SortFunc(w.order, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
	insert, verify := w.rowsStatements(table, len(values))
	if _, ok := w.dialect.(Arrays); ok {
		sortedKeys, sortedValues := make([]int64, len(values)), make([]string, len(values))
		for j, i := range w.order {
			sortedKeys[j], sortedValues[j] = keys[i], values[i]
		}
		w.args = append(w.args[:0], sortedKeys, sortedValues)
		insert, verify = w.arrayStatements(ctx, t)
	} else {
		w.args = w.args[:0]
		for _, i := range w.order {
			w.args = append(w.args, keys[i], values[i])
		}
	}
	// A job like the one before it finds its values stored already: then one read
	// (verify) settles a chunk; else the insert comes first, and reads only when it
	// skipped rows. The last chunk's outcome picks the order.
	if w.known[table] {
		ok, err := verify()
		if err != nil {
			return err
		}
		if ok == len(values) {
			return nil
		}
	}
	n, err := insert()
	if err != nil {
		return err
	}
	w.known[table] = n == 0
	if n == int64(len(values)) {
		return nil // all new: no key was taken
	}
	ok, err := verify()
	if err != nil {
		return err
	}
	if ok == len(values) {
		return nil
	}
	// A collision somewhere in this batch: place each value on its own.
	for i, v := range values {
		if keys[i], err = w.place(ctx, t, table, keys[i], v); err != nil {
			return err
		}
	}
	return nil
}

// rowsStatements insert and verify the rows of w.args: multi-row statements with rows
// rows of (key, value).
func (w *JobWriter) rowsStatements(table string, rows int) (insert func() (int64, error), verify func() (int, error)) {
	ctx := context.Background()
	insert = func() (int64, error) { return w.bulkExec(ctx, table, 2, rows) }
	verify = func() (int, error) { return w.verify(ctx, table, rows) }
	return insert, verify
}

// arrayStatements insert and verify the rows of w.args, two arrays (keys and values):
// one statement each whatever the number of rows, prepared once.
func (w *JobWriter) arrayStatements(ctx context.Context, t internTable) (insert func() (int64, error), verify func() (int, error)) {
	rows := w.dialect.(Arrays).Unnest("bigint", "text") + " AS v (key, value)"
	insert = func() (int64, error) {
		st, err := w.prepared(ctx, t.arrayInsert+rows+t.insertTail)
		if err != nil {
			return 0, err
		}
		res, err := st.ExecContext(ctx, w.args...)
		if err != nil {
			return 0, describe(err)
		}
		n, err := res.RowsAffected()
		return n, describe(err)
	}
	verify = func() (int, error) {
		st, err := w.prepared(ctx, "SELECT count(*) FROM "+rows+t.arrayVerifyTail)
		if err != nil {
			return 0, err
		}
		var ok int
		err = st.QueryRowContext(ctx, w.args...).Scan(&ok)
		return ok, describe(err)
	}
	return insert, verify
}

// verify counts the rows of w.args whose key holds their value.
func (w *JobWriter) verify(ctx context.Context, table string, rows int) (int, error) {
	st, err := w.stmt(ctx, "verify "+table, 2, rows)
	if err != nil {
		return 0, err
	}
	var ok int
	err = st.QueryRowContext(ctx, w.args...).Scan(&ok)
	return ok, describe(err)
}

// place finds the key of one value: the first key from its preferred one that holds it
// or is free (and then stores it there).
func (w *JobWriter) place(ctx context.Context, t internTable, table string, key int64, value string) (int64, error) {
	one, err := w.stmt(ctx, table, 2, 1)
	if err != nil {
		return 0, err
	}
	lookup, err := w.prepared(ctx, t.lookup)
	if err != nil {
		return 0, err
	}
	for range 1000 {
		var held string
		err := lookup.QueryRowContext(ctx, key).Scan(&held)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := one.ExecContext(ctx, key, value); err != nil {
				return 0, describe(err)
			}
			return key, nil
		case err != nil:
			return 0, describe(err)
		case held == value:
			return key, nil
		}
		key = t.next(key)
	}
	return 0, fmt.Errorf("%s: no free key after 1000 probes for %.40q", table, value)
}

// textCache remembers short texts known to be stored, with their keys, so that the texts
// that repeat (messages, failure types) are not sent to the database for every result. It holds
// at most textCacheBytes of text and starts afresh when full.
type textCache struct {
	m     map[int64]string
	bytes int
}

const (
	textCacheBytes = 2 << 20
	textCacheMax   = 4 << 10 // longer texts (stack traces, output) rarely repeat
)

func (c *textCache) has(key int64, text string) bool {
	held, ok := c.m[key]
	return ok && held == text
}

func (c *textCache) add(key int64, text string) {
	if len(text) > textCacheMax {
		return
	}
	if c.m == nil || c.bytes+len(text) > textCacheBytes {
		c.m, c.bytes = make(map[int64]string), 0
	}
	if _, ok := c.m[key]; !ok {
		c.m[key] = text
		c.bytes += len(text)
	}
}
