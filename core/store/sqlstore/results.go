package sqlstore

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/chunk"
)

// Reading a job's results: every query decodes the job's column chunks (a 1M-result
// job is 245 chunks and about 5 MB raw) and, for names, the blocks of names its tests
// are in. A result is named by its position in the job (0 is the first in report order).

// readResults decodes every chunk of a job, with the texts' keys when texts is set.
// Two goroutines decompress and decode the chunks as they are read.
func (s *Store) readResults(ctx context.Context, jobID int64, texts bool) (*chunk.Results, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(sum(results), 0) FROM result_chunks WHERE job_id = ?", jobID).Scan(&n); err != nil {
		return nil, describe(err)
	}
	cols := &chunk.Results{Keys: make([]int64, n), Flags: make([]byte, n), Durations: make([]int64, n)}
	type piece struct {
		index       int
		first, size uint32
		data        []byte
	}
	type chunkTexts struct {
		withText []uint32
		refs     []chunk.TextRefs
	}
	var (
		work     = make(chan piece, 8)
		mu       sync.Mutex
		decoded  []chunkTexts // by chunk index
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		firstErr = cmp.Or(firstErr, err)
		mu.Unlock()
	}
	for range 2 {
		wg.Go(func() {
			var raw []byte
			var c chunk.Results
			for ch := range work {
				var err error
				if raw, err = chunk.Decompress(raw[:0], ch.data, "result chunk"); err != nil {
					fail(err)
					continue
				}
				c.Reset()
				if err := c.Decode(raw, texts); err != nil {
					fail(err)
					continue
				}
				if c.Len() != int(ch.size) || int(ch.first)+c.Len() > n {
					fail(fmt.Errorf("job %d: result chunk at %d holds %d results, not %d", jobID, ch.first, c.Len(), ch.size))
					continue
				}
				copy(cols.Keys[ch.first:], c.Keys)
				copy(cols.Flags[ch.first:], c.Flags)
				copy(cols.Durations[ch.first:], c.Durations)
				t := chunkTexts{withText: make([]uint32, len(c.WithText)), refs: slices.Clone(c.Refs)}
				for i, w := range c.WithText {
					t.withText[i] = ch.first + w
				}
				mu.Lock()
				decoded[ch.index] = t
				mu.Unlock()
			}
		})
	}
	next := uint32(0)
	err := s.queryEach(ctx, func(rows *sql.Rows) error {
		var ch piece
		if err := rows.Scan(&ch.first, &ch.size, &ch.data); err != nil {
			return err
		}
		if ch.first != next {
			return fmt.Errorf("job %d: result chunk at %d after %d results", jobID, ch.first, next)
		}
		next += ch.size
		mu.Lock()
		ch.index = len(decoded)
		decoded = append(decoded, chunkTexts{})
		mu.Unlock()
		work <- ch
		return nil
	}, "SELECT first, results, data FROM result_chunks WHERE job_id = ? ORDER BY first", jobID)
	close(work)
	wg.Wait()
	if err := cmp.Or(err, firstErr); err != nil {
		return nil, err
	}
	if int(next) != n {
		return nil, fmt.Errorf("job %d: its chunks hold %d results, not %d", jobID, next, n)
	}
	for _, t := range decoded {
		cols.WithText = append(cols.WithText, t.withText...)
		cols.Refs = append(cols.Refs, t.refs...)
	}
	return cols, nil
}

// readResultAt decodes the chunk that holds the result at position seq, and returns
// the result's index in it.
func (s *Store) readResultAt(ctx context.Context, jobID int64, seq uint32) (*chunk.Results, int, error) {
	return readResultAt(ctx, s.db, jobID, seq)
}

// querier is a database or a transaction: reads inside one transaction share a
// snapshot and take the database's read lock once.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func readResultAt(ctx context.Context, q querier, jobID int64, seq uint32) (*chunk.Results, int, error) {
	var first uint32
	var data []byte
	err := q.QueryRowContext(ctx, `SELECT first, data FROM result_chunks WHERE job_id = ? AND first <= ?
		ORDER BY first DESC LIMIT 1`, jobID, seq).Scan(&first, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("result %d: %w", seq, core.ErrNotFound)
	} else if err != nil {
		return nil, 0, describe(err)
	}
	raw, err := chunk.Decompress(nil, data, "result chunk")
	if err != nil {
		return nil, 0, err
	}
	var cols chunk.Results
	if err := cols.Decode(raw, true); err != nil {
		return nil, 0, err
	}
	i := int(seq - first)
	if i >= cols.Len() {
		return nil, 0, fmt.Errorf("result %d: %w", seq, core.ErrNotFound)
	}
	return &cols, i, nil
}

// textBodies returns the bodies of texts by key.
func (s *Store) textBodies(ctx context.Context, keys []int64) (map[int64]string, error) {
	slices.Sort(keys)
	keys = slices.Compact(keys)
	out := make(map[int64]string, len(keys))
	err := s.lookupEach(ctx, "SELECT key, body FROM texts WHERE key IN ", keys, func(rows *sql.Rows) error {
		var key int64
		var body string
		if err := rows.Scan(&key, &body); err != nil {
			return err
		}
		out[key] = body
		return nil
	})
	return out, err
}

// EachResult calls fn with a job's results in report order, a chunk at a time (fn may
// keep the slice), reading no more than a chunk's names and texts at once.
func (s *Store) EachResult(ctx context.Context, ref core.JobRef, fn func([]core.Result) error) error {
	id, _, err := s.jobID(ctx, ref)
	if err != nil {
		return err
	}
	var firsts []uint32
	err = s.queryEach(ctx, func(rows *sql.Rows) error {
		var first uint32
		if err := rows.Scan(&first); err != nil {
			return err
		}
		firsts = append(firsts, first)
		return nil
	}, "SELECT first FROM result_chunks WHERE job_id = ? ORDER BY first", id)
	if err != nil {
		return err
	}
	for _, first := range firsts {
		if err := ctx.Err(); err != nil {
			return err
		}
		cols, _, err := s.readResultAt(ctx, id, first)
		if err != nil {
			return err
		}
		names, err := s.TestNames(ctx, cols.Keys)
		if err != nil {
			return err
		}
		var keys []int64
		for _, refs := range cols.Refs {
			for _, k := range refs {
				if k != 0 {
					keys = append(keys, k)
				}
			}
		}
		bodies, err := s.textBodies(ctx, keys)
		if err != nil {
			return err
		}
		out := make([]core.Result, cols.Len())
		for i := range out {
			out[i] = resultAt(cols, i, names[cols.Keys[i]], bodies)
		}
		if err := fn(out); err != nil {
			return err
		}
	}
	return nil
}

// resultAt is the result at index i of c, named id, with its texts taken from bodies.
func resultAt(c *chunk.Results, i int, id core.TestID, bodies map[int64]string) core.Result {
	r := core.Result{Classname: id.Classname, Name: id.Name, Status: c.Status(i), Flaky: c.Flaky(i), Duration: c.Seconds(i)}
	refs := c.TextsOf(i)
	r.Message, r.Type, r.Details, r.SystemOut, r.SystemErr = bodies[refs[0]], bodies[refs[1]], bodies[refs[2]], bodies[refs[3]], bodies[refs[4]]
	return r
}

// ResultIDs returns the positions of a job's results that pass filter, in order. Ties
// keep report order. Without a name filter or a name order no names are read.
func (s *Store) ResultIDs(ctx context.Context, job core.JobRef, f store.ResultFilter, order store.ResultOrder, desc bool) ([]uint32, error) {
	s.viewMu.Lock()
	defer s.viewMu.Unlock()
	v, err := s.jobView(ctx, job)
	if err != nil {
		return nil, err
	}
	cols := v.cols
	var names *jobNames
	if f.Name != "" || order == store.ByName {
		if v.names == nil {
			if v.names, err = s.readJobNames(ctx, cols.Keys); err != nil {
				return nil, err
			}
		}
		names = v.names
	}
	keep := func(int) bool { return true }
	if len(f.Statuses) > 0 || f.Name != "" {
		var statuses [4]bool
		for _, st := range f.Statuses {
			statuses[st&chunk.FlagStatus] = true
		}
		var match func(key int64) bool
		if f.Name != "" {
			match = names.matcher(f.Name)
		}
		keep = func(i int) bool {
			return (len(f.Statuses) == 0 || statuses[cols.Status(i)]) && (match == nil || match(cols.Keys[i]))
		}
	}
	seqs := make([]uint32, 0, cols.Len())
	for i := range cols.Len() {
		if keep(i) {
			seqs = append(seqs, uint32(i))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch order {
	case store.ByName:
		if v.rank == nil {
			v.rank = names.ranks()
		}
		rank := v.rank
		sortBy(seqs, func(seq uint32) uint64 {
			r := rank(cols.Keys[seq])
			if desc {
				r = ^r
			}
			return uint64(r)
		})
	case store.ByStatus: // worst first unless desc
		sortBy(seqs, func(seq uint32) uint64 {
			st := uint64(cols.Status(int(seq)))
			if !desc {
				st = 3 - st
			}
			return st
		})
	case store.ByDuration:
		sortBy(seqs, func(seq uint32) uint64 {
			d := uint64(max(cols.Durations[seq], 0))
			if desc {
				d = ^d
			}
			return d
		})
	default:
		if desc {
			slices.Reverse(seqs)
		}
	}
	return seqs, nil
}

// jobView is what ResultIDs decoded of a job, kept for the job asked for last: the
// results table asks about one job many times (each filter, each order), and decoding
// its chunks and names is most of an answer's time. For a job of 1M results it holds
// about 17 MB of columns, and 30 MB of names once a name was asked for.
type jobView struct {
	id         int64
	importedAt string
	cols       *chunk.Results // without texts
	names      *jobNames      // nil until a name is asked for
	rank       func(key int64) uint32
}

// ForgetView lets go of the columns kept of the job read last by ResultIDs; the next
// call reads its job afresh.
func (s *Store) ForgetView() {
	s.viewMu.Lock()
	s.view = nil
	s.viewMu.Unlock()
}

// jobView returns the view of job, from the cache when it is the job of the last call
// and has not been replaced since. The caller holds s.viewMu.
func (s *Store) jobView(ctx context.Context, job core.JobRef) (*jobView, error) {
	var id int64
	var at string
	err := s.db.QueryRowContext(ctx, "SELECT j.id, j.imported_at"+jobsFrom+" WHERE r.name = ? AND m.name = ? AND j.number = ?",
		job.Release, job.Module, job.Number).Scan(&id, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("job %s: %w", job, core.ErrNotFound)
	} else if err != nil {
		return nil, describe(err)
	}
	if v := s.view; v != nil && v.id == id && v.importedAt == at {
		return v, nil
	}
	s.view = nil // let the old one go before reading the new
	cols, err := s.readResults(ctx, id, false)
	if err != nil {
		return nil, err
	}
	s.view = &jobView{id: id, importedAt: at, cols: cols}
	return s.view, nil
}

// sortBy sorts positions by key(position), then by position. Keys that span no more
// than a few values a position (ranks of names, statuses) are sorted by counting, in
// linear time; others are packed with the position into one integer when they fit in 32
// bits and sorted as such, which is about three times as fast as comparing pairs.
func sortBy(seqs []uint32, key func(uint32) uint64) {
	if len(seqs) == 0 {
		return
	}
	keys := make([]uint64, len(seqs))
	lo, hi := ^uint64(0), uint64(0)
	for i, q := range seqs {
		keys[i] = key(q)
		lo, hi = min(lo, keys[i]), max(hi, keys[i])
	}
	switch {
	case hi-lo < 4*uint64(len(seqs))+16:
		// seqs are in report order, and counting keeps the order of equal keys.
		starts := make([]uint32, hi-lo+2)
		for _, k := range keys {
			starts[k-lo+1]++
		}
		for i := 1; i < len(starts); i++ {
			starts[i] += starts[i-1]
		}
		sorted := make([]uint32, len(seqs))
		for i, k := range keys {
			sorted[starts[k-lo]] = seqs[i]
			starts[k-lo]++
		}
		copy(seqs, sorted)
	case hi-lo < 1<<32:
		for i, q := range seqs {
			keys[i] = (keys[i]-lo)<<32 | uint64(q)
		}
		slices.Sort(keys)
		for i, k := range keys {
			seqs[i] = uint32(k)
		}
	default:
		type pair struct {
			key uint64
			seq uint32
		}
		pairs := make([]pair, len(seqs))
		for i, q := range seqs {
			pairs[i] = pair{keys[i], q}
		}
		slices.SortFunc(pairs, func(a, b pair) int {
			return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.seq, b.seq))
		})
		for i, p := range pairs {
			seqs[i] = p.seq
		}
	}
}

// ResultRows returns the rows of the results at positions seqs of job, in that order.
func (s *Store) ResultRows(ctx context.Context, job core.JobRef, seqs []uint32) ([]store.ResultRow, error) {
	id, _, err := s.jobID(ctx, job)
	if err != nil {
		return nil, err
	}
	type found struct {
		row      store.ResultRow
		key, msg int64
	}
	sorted := slices.Clone(seqs)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	byPos := make(map[uint32]found, len(sorted))
	var keys, msgs []int64
	// Each chunk that holds some of the rows is read once.
	for i := 0; i < len(sorted); {
		cols, at, err := s.readResultAt(ctx, id, sorted[i])
		if err != nil {
			return nil, err
		}
		first := sorted[i] - uint32(at)
		for ; i < len(sorted) && sorted[i]-first < uint32(cols.Len()); i++ {
			j := int(sorted[i] - first)
			f := found{row: store.ResultRow{Seq: sorted[i], Status: cols.Status(j), Flaky: cols.Flaky(j), Duration: cols.Seconds(j)},
				key: cols.Keys[j], msg: cols.TextsOf(j)[0]}
			byPos[sorted[i]] = f
			keys = append(keys, f.key)
			if f.msg != 0 {
				msgs = append(msgs, f.msg)
			}
		}
	}
	names, err := s.TestNames(ctx, keys)
	if err != nil {
		return nil, err
	}
	bodies, err := s.textBodies(ctx, msgs)
	if err != nil {
		return nil, err
	}
	out := make([]store.ResultRow, len(seqs))
	for i, q := range seqs {
		f := byPos[q]
		f.row.Test, f.row.Message = names[f.key], bodies[f.msg]
		out[i] = f.row
	}
	return out, nil
}

// ResultDetail returns the result at position seq of job whole: its texts included.
func (s *Store) ResultDetail(ctx context.Context, job core.JobRef, seq uint32) (core.Result, error) {
	id, _, err := s.jobID(ctx, job)
	if err != nil {
		return core.Result{}, err
	}
	cols, i, err := s.readResultAt(ctx, id, seq)
	if err != nil {
		return core.Result{}, fmt.Errorf("job %s: %w", job, err)
	}
	names, err := s.TestNames(ctx, []int64{cols.Keys[i]})
	if err != nil {
		return core.Result{}, err
	}
	refs := cols.TextsOf(i)
	bodies, err := s.textBodies(ctx, slices.DeleteFunc(refs[:], func(k int64) bool { return k == 0 }))
	if err != nil {
		return core.Result{}, err
	}
	return resultAt(cols, i, names[cols.Keys[i]], bodies), nil
}

// jobNames are the names of a job's tests: the blocks of names they are in, and their
// classes' names.
type jobNames struct {
	classes map[int64]string
	blocks  map[blockID]*chunk.NameBlock
	// last block looked up, for runs of keys in one block
	lastID    blockID
	lastBlock *chunk.NameBlock
}

type blockID struct {
	class int64
	first uint32
}

func blockOf(key int64) blockID {
	ord := uint32(key)
	return blockID{key >> 32, ord - ord%chunk.NamesPerBlock}
}

// readJobNames reads the blocks of names that keys are in; a block that does not exist
// (a key of no test) stays nil.
func (s *Store) readJobNames(ctx context.Context, keys []int64) (*jobNames, error) {
	n := &jobNames{blocks: map[blockID]*chunk.NameBlock{}}
	var ids []blockID
	last := blockID{class: -1}
	for _, k := range keys {
		if b := blockOf(k); b != last {
			if _, ok := n.blocks[b]; !ok {
				n.blocks[b] = nil
				ids = append(ids, b)
			}
			last = b
		}
	}
	slices.SortFunc(ids, func(a, b blockID) int { return cmp.Or(cmp.Compare(a.class, b.class), cmp.Compare(a.first, b.first)) })
	var classIDs []int64
	for _, b := range ids {
		if len(classIDs) == 0 || classIDs[len(classIDs)-1] != b.class {
			classIDs = append(classIDs, b.class)
		}
	}
	var err error
	if n.classes, err = s.classNamesByID(ctx, classIDs); err != nil {
		return nil, err
	}
	// The blocks are read by runs of consecutive classes (a job's classes mostly are):
	// one query a run, not one a block. Two goroutines decompress what is read.
	type read struct {
		id   blockID
		data []byte
	}
	work := make(chan read, 64)
	var decodeErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for r := range work {
				b := &chunk.NameBlock{}
				err := chunk.DecodeNameBlock(b, r.id.first, r.data)
				mu.Lock()
				if err != nil && decodeErr == nil {
					decodeErr = err
				}
				n.blocks[r.id] = b
				mu.Unlock()
			}
		})
	}
	for i := 0; i < len(classIDs) && err == nil; {
		j := i + 1
		for j < len(classIDs) && classIDs[j] == classIDs[j-1]+1 {
			j++
		}
		err = s.queryEach(ctx, func(rows *sql.Rows) error {
			var r read
			if err := rows.Scan(&r.id.class, &r.id.first, &r.data); err != nil {
				return err
			}
			mu.Lock()
			_, wanted := n.blocks[r.id]
			mu.Unlock()
			if wanted {
				work <- r
			}
			return nil
		}, "SELECT class_id, first, data FROM test_names WHERE class_id BETWEEN ? AND ?", classIDs[i], classIDs[j-1])
		i = j
	}
	close(work)
	wg.Wait()
	if err = cmp.Or(err, decodeErr); err != nil {
		return nil, err
	}
	for id, b := range n.blocks {
		if b == nil {
			delete(n.blocks, id)
		}
	}
	return n, nil
}

func (n *jobNames) block(key int64) *chunk.NameBlock {
	if id := blockOf(key); id != n.lastID || n.lastBlock == nil {
		n.lastID, n.lastBlock = id, n.blocks[id]
	}
	return n.lastBlock
}

// matcher returns whether a key's "CLASSNAME::NAME" contains sub, ignoring case. Each
// name is tested once; results look the answer up.
func (n *jobNames) matcher(sub string) func(key int64) bool {
	sub = strings.ToLower(sub)
	needle := []byte(sub)
	matches := make(map[blockID][]bool, len(n.blocks))
	var buf []byte
	for id, b := range n.blocks {
		class := strings.ToLower(n.classes[id.class]) + "::"
		m := make([]bool, b.Len())
		whole := strings.Contains(class, sub)
		for i := range m {
			if whole {
				m[i] = true
				continue
			}
			buf = append(append(buf[:0], class...), b.Bytes(i)...)
			lowerASCII(buf[len(class):])
			m[i] = bytes.Contains(buf, needle)
		}
		matches[id] = m
	}
	lastID, last := blockID{class: -1}, []bool(nil)
	return func(key int64) bool {
		if id := blockOf(key); id != lastID {
			lastID, last = id, matches[id]
		}
		i := int(uint32(key) % chunk.NamesPerBlock)
		return i < len(last) && last[i]
	}
}

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// bigEndianHead is the first eight bytes of b as an integer that orders as the bytes
// do; a shorter b is padded with zeros, which orders it first among its equals.
func bigEndianHead(b []byte) uint64 {
	var h [8]byte
	copy(h[:], b)
	return binary.BigEndian.Uint64(h[:])
}

// lowerASCII lowers b in place; other bytes of UTF-8 are left to bytes.ToLower.
func lowerASCII(b []byte) {
	for i, c := range b {
		if c >= 0x80 {
			copy(b[i:], bytes.ToLower(b[i:]))
			return
		}
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
}

// ranks returns the rank of each key's "CLASSNAME", then NAME, in byte order.
func (n *jobNames) ranks() func(key int64) uint32 {
	ids := make([]blockID, 0, len(n.blocks))
	for id := range n.blocks {
		ids = append(ids, id)
	}
	// Classes by name, then each class's names.
	slices.SortFunc(ids, func(a, b blockID) int {
		return cmp.Or(strings.Compare(n.classes[a.class], n.classes[b.class]), cmp.Compare(a.class, b.class), cmp.Compare(a.first, b.first))
	})
	rank := make(map[blockID][]uint32, len(ids))
	// Runs of ids of one class; each is sorted on its own, by two goroutines.
	type run struct{ from, to, base int }
	var runs []run
	total := 0
	for i := 0; i < len(ids); {
		j, names := i, 0
		for ; j < len(ids) && ids[j].class == ids[i].class; j++ {
			b := n.blocks[ids[j]]
			rank[ids[j]] = make([]uint32, b.Len())
			names += b.Len()
		}
		runs = append(runs, run{i, j, total})
		total += names
		i = j
	}
	// Names are compared by the sixteen bytes that follow the prefix all names of their
	// class share, as two integers, and in full only when those are equal: most
	// comparisons are then one or two instructions.
	var wg sync.WaitGroup
	const workers = 2
	for w := range workers {
		wg.Go(func() {
			var (
				names [][]byte
				slots []*uint32
				heads [][2]uint64
				order []uint32
			)
			for r := w; r < len(runs); r += workers {
				names, slots, heads, order = names[:0], slots[:0], heads[:0], order[:0]
				for _, id := range ids[runs[r].from:runs[r].to] {
					b, ranks := n.blocks[id], rank[id]
					for k := range ranks {
						names, slots = append(names, b.Bytes(k)), append(slots, &ranks[k])
					}
				}
				shared := len(names[0])
				for _, name := range names[1:] {
					shared = min(shared, commonPrefix(names[0], name))
				}
				for i, name := range names {
					rest := name[shared:]
					h := [2]uint64{bigEndianHead(rest), bigEndianHead(rest[min(8, len(rest)):])}
					heads, order = append(heads, h), append(order, uint32(i))
				}
				slices.SortFunc(order, func(a, b uint32) int {
					ha, hb := &heads[a], &heads[b]
					if ha[0] != hb[0] {
						return cmp.Compare(ha[0], hb[0])
					}
					if ha[1] != hb[1] {
						return cmp.Compare(ha[1], hb[1])
					}
					return bytes.Compare(names[a], names[b])
				})
				for k, i := range order {
					*slots[i] = uint32(runs[r].base + k)
				}
			}
		})
	}
	wg.Wait()
	lastID, last := blockID{class: -1}, []uint32(nil)
	return func(key int64) uint32 {
		if id := blockOf(key); id != lastID {
			lastID, last = id, rank[id]
		}
		if i := uint32(key) % chunk.NamesPerBlock; int(i) < len(last) {
			return last[i]
		}
		return 0
	}
}
