package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store/chunk"
)

// classNames is what a writer knows of one class's tests: a 64-bit hash of each name
// with its ordinal, and the names of the block still being filled. Two names of one
// class with equal 64-bit hashes would be taken for one test; for a class of a million
// tests the chance is about 3 in 100 million.
type classNames struct {
	id    int64
	ords  map[uint64]uint32
	count uint32   // the class's tests, stored and new
	tail  []string // names from ordinal count - len(tail): the last, partial block
	dirty bool     // tail holds names not yet written
}

// defaultCachedNames bounds the names a writer keeps indexed; past it, every class but
// the one in use is written and forgotten (see Store.LimitCachedNames).
const defaultCachedNames = 1 << 16

// identity returns the key of the test name in the class called class, giving the test
// the next ordinal of its class when it is new.
func (w *JobWriter) identity(ctx context.Context, class, name string) (int64, error) {
	c := w.lastClass
	if c == nil || class != w.lastClassName {
		var err error
		if c, err = w.classNames(ctx, class); err != nil {
			return 0, err
		}
		w.lastClass, w.lastClassName = c, class
	}
	h := chunk.Hash(name)
	if ord, ok := c.ords[h]; ok {
		return chunk.TestKey(c.id, ord), nil
	}
	if c.count == math.MaxUint32 {
		return 0, fmt.Errorf("class %.60q: too many tests", class)
	}
	ord := c.count
	c.ords[h] = ord
	c.count++
	c.tail = append(c.tail, name)
	c.dirty = true
	w.cachedNames++
	if len(c.tail) == chunk.NamesPerBlock {
		if err := w.writeNames(ctx, c); err != nil {
			return 0, err
		}
		c.tail = c.tail[:0]
	}
	return chunk.TestKey(c.id, ord), nil
}

// classNames returns the index of the class called name, reading it from the store (or
// creating the class) when it is not cached.
func (w *JobWriter) classNames(ctx context.Context, name string) (*classNames, error) {
	if c, ok := w.classes[name]; ok {
		return c, nil
	}
	if w.cachedNames >= w.maxCachedNames {
		if err := w.flushNames(ctx); err != nil {
			return nil, err
		}
		clear(w.classes)
		w.cachedNames = 0
	}
	id, created, err := w.lookupClass(ctx, name)
	if err != nil {
		return nil, err
	}
	c := &classNames{id: id, ords: map[uint64]uint32{}}
	if !created {
		if err := w.loadNames(ctx, c); err != nil {
			return nil, err
		}
	}
	w.classes[name] = c
	return c, nil
}

// loadNames reads every block of the class c.
func (w *JobWriter) loadNames(ctx context.Context, c *classNames) error {
	// The class's blocks may be queued still.
	if err := w.send(ctx, w.nameRows); err != nil {
		return err
	}
	sel, err := w.prepared(ctx, "SELECT first, data FROM test_names WHERE class_id = ? ORDER BY first")
	if err != nil {
		return err
	}
	rows, err := sel.QueryContext(ctx, c.id)
	if err != nil {
		return describe(err)
	}
	defer rows.Close()
	for rows.Next() {
		var first uint32
		var data []byte
		if err := rows.Scan(&first, &data); err != nil {
			return describe(err)
		}
		if err := w.addBlock(c, first, data); err != nil {
			return err
		}
	}
	return describe(rows.Err())
}

// addBlock adds the names of one of c's blocks, read in order, to c.
func (w *JobWriter) addBlock(c *classNames, first uint32, data []byte) error {
	if err := chunk.DecodeNameBlock(&w.block, first, data); err != nil {
		return fmt.Errorf("class %d: %w", c.id, err)
	}
	c.tail = c.tail[:0]
	for i := range w.block.Len() {
		b := w.block.Bytes(i)
		c.ords[chunk.Hash(b)] = first + uint32(i)
		if w.block.Len() < chunk.NamesPerBlock {
			c.tail = append(c.tail, string(b))
		}
	}
	c.count = first + uint32(w.block.Len())
	w.cachedNames += w.block.Len()
	return nil
}

// resolveClasses finds or creates, in three statements, the classes of rs the writer
// does not know yet, and reads the names of those that exist: a class at a time costs
// two or three statements, each a round trip to a server, and a report has thousands of
// classes. Classes it leaves (a key taken by another name, a full cache) are found one
// at a time by classNames.
func (w *JobWriter) resolveClasses(ctx context.Context, rs []core.Result) error {
	if w.cachedNames >= w.maxCachedNames {
		return nil
	}
	byKey := map[int64]string{} // each new name under its preferred key
	var keys []int64            // in the order the names come
	for i := range rs {
		name := rs[i].Classname
		if _, ok := w.classes[name]; ok {
			continue
		}
		k := chunk.ClassKey(name)
		if _, taken := byKey[k]; !taken {
			byKey[k] = name
			keys = append(keys, k)
		}
	}
	if len(keys) < 2 {
		return nil
	}
	held := map[int64]bool{}   // keys some class holds
	found := map[int64]int64{} // key -> id, for the names that hold their key
	err := w.queryIn(ctx, "SELECT id, key, name FROM classes WHERE key IN ", keys, func(rows *sql.Rows) error {
		var id, key int64
		var name string
		if err := rows.Scan(&id, &key, &name); err != nil {
			return err
		}
		held[key] = true
		if byKey[key] == name {
			found[key] = id
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.args = w.args[:0]
	for _, k := range keys {
		if !held[k] {
			w.args = append(w.args, k, byKey[k])
		}
	}
	if len(w.args) > 0 {
		st, err := w.prepared(ctx, "INSERT INTO classes (key, name) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?, ?), ", len(w.args)/2), ", ")+" RETURNING id, key")
		if err != nil {
			return err
		}
		rows, err := st.QueryContext(ctx, w.args...)
		if err != nil {
			return describe(err)
		}
		err = eachRow(rows, func(rows *sql.Rows) error {
			var id, key int64
			if err := rows.Scan(&id, &key); err != nil {
				return err
			}
			w.classes[byKey[key]] = &classNames{id: id, ords: map[uint64]uint32{}}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if len(found) == 0 {
		return nil
	}
	byID := make(map[int64]*classNames, len(found))
	ids := make([]int64, 0, len(found))
	for k, id := range found {
		c := &classNames{id: id, ords: map[uint64]uint32{}}
		w.classes[byKey[k]] = c
		byID[id] = c
		ids = append(ids, id)
	}
	// Their blocks may be queued still.
	if err := w.send(ctx, w.nameRows); err != nil {
		return err
	}
	return w.queryIn(ctx, "SELECT class_id, first, data FROM test_names WHERE class_id IN ", ids, func(rows *sql.Rows) error {
		var id int64
		var first uint32
		var data []byte
		if err := rows.Scan(&id, &first, &data); err != nil {
			return err
		}
		return w.addBlock(byID[id], first, data)
	}, " ORDER BY class_id, first")
}

// queryIn runs head + "(?, ...)" + tail on the writer's connection with values as the
// list, and calls fn for each row. The list is padded to a power of two with its last
// value, so that a job prepares a handful of statements, not one per length.
func (w *JobWriter) queryIn(ctx context.Context, head string, values []int64, fn func(*sql.Rows) error, tail ...string) error {
	n := 1
	for n < len(values) {
		n *= 2
	}
	st, err := w.prepared(ctx, head+inClause(n)+strings.Join(tail, ""))
	if err != nil {
		return err
	}
	args := make([]any, n)
	for i := range args {
		args[i] = values[min(i, len(values)-1)]
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return describe(err)
	}
	return eachRow(rows, fn)
}

// writeNames stores the class's block being filled.
func (w *JobWriter) writeNames(ctx context.Context, c *classNames) error {
	if !c.dirty {
		return nil
	}
	w.raw1 = chunk.AppendNames(w.raw1[:0], c.tail)
	w.packed = chunk.Compress(w.packed[:0], w.raw1)
	first := c.count - uint32(len(c.tail))
	if err := w.queue(ctx, w.nameRows, c.id, int64(first), int64(len(c.tail)), w.packed); err != nil {
		return err
	}
	c.dirty = false
	return nil
}

// flushNames writes the partial blocks of every cached class.
func (w *JobWriter) flushNames(ctx context.Context) error {
	for _, c := range w.classes {
		if err := w.writeNames(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// lookupClass returns the id of the class called name, adding it when new.
func (w *JobWriter) lookupClass(ctx context.Context, name string) (id int64, created bool, err error) {
	key := chunk.ClassKey(name)
	sel, err := w.prepared(ctx, "SELECT id, name FROM classes WHERE key = ?")
	if err != nil {
		return 0, false, err
	}
	for range 1000 {
		var held string
		err = sel.QueryRowContext(ctx, key).Scan(&id, &held)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			ins, err := w.prepared(ctx, "INSERT INTO classes (key, name) VALUES (?, ?) RETURNING id")
			if err != nil {
				return 0, false, err
			}
			if err := ins.QueryRowContext(ctx, key, name).Scan(&id); err != nil {
				return 0, false, describe(err)
			}
			return id, true, nil
		case err != nil:
			return 0, false, describe(err)
		case held == name:
			return id, false, nil
		}
		key = chunk.NextKey(key)
	}
	return 0, false, fmt.Errorf("classes: no free key after 1000 probes for %q", name)
}

// classNamesByID returns the names of classes by id.
func (s *Store) classNamesByID(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	err := s.lookupEach(ctx, "SELECT id, name FROM classes WHERE id IN ", ids, func(rows *sql.Rows) error {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		out[id] = name
		return nil
	})
	return out, err
}

// TestNames returns the identities of test keys; keys of no test are left out.
func (s *Store) TestNames(ctx context.Context, keys []int64) (map[int64]core.TestID, error) {
	names, err := s.readJobNames(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]core.TestID, len(keys))
	for _, k := range keys {
		if _, done := out[k]; done {
			continue
		}
		b := names.block(k)
		if i := int(uint32(k) % chunk.NamesPerBlock); b != nil && i < b.Len() {
			out[k] = core.TestID{Classname: names.classes[k>>32], Name: string(b.Bytes(i))}
		}
	}
	return out, nil
}

// TestKey finds the key of a test identity; an error wrapping core.ErrNotFound when no
// job ever had it.
func (s *Store) TestKey(ctx context.Context, id core.TestID) (int64, error) {
	notFound := fmt.Errorf("test %s: %w", id, core.ErrNotFound)
	classID, key := int64(0), chunk.ClassKey(id.Classname)
	for range 1000 {
		var name string
		err := s.db.QueryRowContext(ctx, "SELECT id, name FROM classes WHERE key = ?", key).Scan(&classID, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, notFound
		} else if err != nil {
			return 0, describe(err)
		}
		if name == id.Classname {
			break
		}
		key = chunk.NextKey(key)
	}
	rows, err := s.db.QueryContext(ctx, "SELECT first, data FROM test_names WHERE class_id = ? ORDER BY first", classID)
	if err != nil {
		return 0, describe(err)
	}
	defer rows.Close()
	var b chunk.NameBlock
	for rows.Next() {
		var first uint32
		var data []byte
		if err := rows.Scan(&first, &data); err != nil {
			return 0, describe(err)
		}
		if err := chunk.DecodeNameBlock(&b, first, data); err != nil {
			return 0, err
		}
		for i := range b.Len() {
			if string(b.Bytes(i)) == id.Name {
				return chunk.TestKey(classID, first+uint32(i)), nil
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, describe(err)
	}
	return 0, notFound
}
