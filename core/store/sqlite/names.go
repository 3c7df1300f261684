package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/regtracker/regtracker/core"
)

// A test's key is its class id in the high 32 bits and its ordinal in the class in the
// low 32: the class's tests are numbered 0, 1, 2... in the order they were first seen.
// The names of a class are kept in blocks of namesPerBlock ordinals (the test_names
// table), so that a new test costs a few bytes in a block instead of a row, and a job
// that runs its tests in the order of an earlier one has keys that go up by one.

// namesPerBlock is how many names one block holds; blocks start at multiples of it.
const namesPerBlock = 1024

func testKeyOf(classID int64, ordinal uint32) int64 { return classID<<32 | int64(ordinal) }

// encodeNames appends the raw block form of names: uvarint(length) and the bytes, each.
func encodeNames(buf []byte, names []string) []byte {
	for _, n := range names {
		buf = binary.AppendUvarint(buf, uint64(len(n)))
		buf = append(buf, n...)
	}
	return buf
}

// nameBlock is a decoded block: the name of ordinal first+i is text[ends[i-1]:ends[i]].
type nameBlock struct {
	first uint32
	text  []byte
	ends  []uint32
}

func (b *nameBlock) len() int { return len(b.ends) }

func (b *nameBlock) bytes(i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = b.ends[i-1]
	}
	return b.text[start:b.ends[i]]
}

// decodeNameBlock decompresses a block into b, reusing its memory.
func decodeNameBlock(b *nameBlock, first uint32, data []byte) error {
	raw, err := decompress(b.text[:0], data, "test names")
	if err != nil {
		return err
	}
	// The names are moved to the front of raw, their lengths dropped.
	b.first, b.ends = first, b.ends[:0]
	w := 0
	for r := 0; r < len(raw); {
		n, k := binary.Uvarint(raw[r:])
		if k <= 0 || uint64(len(raw)-r-k) < n {
			return errors.New("test names: damaged block")
		}
		r += k
		w += copy(raw[w:], raw[r:r+int(n)])
		r += int(n)
		b.ends = append(b.ends, uint32(w))
	}
	b.text = raw[:w]
	return nil
}

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

// maxCachedNames bounds the names a writer keeps indexed; past it, every class but the
// one in use is written and forgotten. A variable for tests.
var maxCachedNames = 1 << 16

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
	h := hash(name)
	if ord, ok := c.ords[h]; ok {
		return testKeyOf(c.id, ord), nil
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
	if len(c.tail) == namesPerBlock {
		if err := w.writeNames(ctx, c); err != nil {
			return 0, err
		}
		c.tail = c.tail[:0]
	}
	return testKeyOf(c.id, ord), nil
}

// classNames returns the index of the class called name, reading it from the store (or
// creating the class) when it is not cached.
func (w *JobWriter) classNames(ctx context.Context, name string) (*classNames, error) {
	if c, ok := w.classes[name]; ok {
		return c, nil
	}
	if w.cachedNames >= maxCachedNames {
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
		if err := decodeNameBlock(&w.block, first, data); err != nil {
			return fmt.Errorf("class %d: %w", c.id, err)
		}
		c.tail = c.tail[:0]
		for i := range w.block.len() {
			b := w.block.bytes(i)
			c.ords[hash(b)] = first + uint32(i)
			if w.block.len() < namesPerBlock {
				c.tail = append(c.tail, string(b))
			}
		}
		c.count = first + uint32(w.block.len())
		w.cachedNames += w.block.len()
	}
	return describe(rows.Err())
}

// writeNames stores the class's block being filled.
func (w *JobWriter) writeNames(ctx context.Context, c *classNames) error {
	if !c.dirty {
		return nil
	}
	ins, err := w.prepared(ctx, "INSERT OR REPLACE INTO test_names (class_id, first, names, data) VALUES (?, ?, ?, ?)")
	if err != nil {
		return err
	}
	w.raw1 = encodeNames(w.raw1[:0], c.tail)
	w.packed = compress(w.packed[:0], w.raw1)
	first := c.count - uint32(len(c.tail))
	if _, err := ins.ExecContext(ctx, c.id, first, len(c.tail), w.packed); err != nil {
		return describe(err)
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
	key := classKey(name)
	sel, err := w.prepared(ctx, "SELECT id, name FROM classes WHERE key = ?")
	if err != nil {
		return 0, false, err
	}
	for range 1000 {
		var held string
		err = sel.QueryRowContext(ctx, key).Scan(&id, &held)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			ins, err := w.prepared(ctx, "INSERT INTO classes (key, name) VALUES (?, ?)")
			if err != nil {
				return 0, false, err
			}
			res, err := ins.ExecContext(ctx, key, name)
			if err != nil {
				return 0, false, describe(err)
			}
			id, err = res.LastInsertId()
			return id, true, err
		case err != nil:
			return 0, false, describe(err)
		case held == name:
			return id, false, nil
		}
		key = nextKey(key)
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
		if i := int(uint32(k) % namesPerBlock); b != nil && i < b.len() {
			out[k] = core.TestID{Classname: names.classes[k>>32], Name: string(b.bytes(i))}
		}
	}
	return out, nil
}

// TestKey finds the key of a test identity; an error wrapping core.ErrNotFound when no
// job ever had it.
func (s *Store) TestKey(ctx context.Context, id core.TestID) (int64, error) {
	notFound := fmt.Errorf("test %s: %w", id, core.ErrNotFound)
	classID, key := int64(0), classKey(id.Classname)
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
		key = nextKey(key)
	}
	rows, err := s.db.QueryContext(ctx, "SELECT first, data FROM test_names WHERE class_id = ? ORDER BY first", classID)
	if err != nil {
		return 0, describe(err)
	}
	defer rows.Close()
	var b nameBlock
	for rows.Next() {
		var first uint32
		var data []byte
		if err := rows.Scan(&first, &data); err != nil {
			return 0, describe(err)
		}
		if err := decodeNameBlock(&b, first, data); err != nil {
			return 0, err
		}
		for i := range b.len() {
			if string(b.bytes(i)) == id.Name {
				return testKeyOf(classID, first+uint32(i)), nil
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, describe(err)
	}
	return 0, notFound
}
