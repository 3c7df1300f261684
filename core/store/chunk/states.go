package chunk

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
)

// merge folds another occurrence of the same test into s: the worse status wins, and
// on a tie the earlier occurrence.
func MergeState(s *store.TestState, o store.TestState) {
	if o.Status > s.Status || (o.Status == s.Status && o.Seq < s.Seq) {
		s.Status, s.Seq = o.Status, o.Seq
	}
	s.Flaky = s.Flaky || o.Flaky
}

const StatesPerChunk = 1024

// AppendState appends an entry of a raw state chunk: the key's distance from the one
// before, then the status, the flaky mark and the position's distance from the one
// after the previous entry's (zigzag). In a job that runs its tests in the order they
// were first seen, both distances are 1 and 0, so a chunk compresses to almost nothing.
func AppendState(buf []byte, prevKey, prevSeq int64, s store.TestState) []byte {
	buf = binary.AppendUvarint(buf, uint64(s.Key-prevKey))
	d := int64(s.Seq) - prevSeq - 1
	v := uint64(d<<1^d>>63)<<3 | uint64(s.Status&3)
	if s.Flaky {
		v |= 4
	}
	return binary.AppendUvarint(buf, v)
}

// DecodeStates appends the entries of one stored (compressed) chunk to out.
func DecodeStates(out []store.TestState, firstKey int64, data []byte, scratch *[]byte) ([]store.TestState, error) {
	raw, err := Decompress((*scratch)[:0], data, "job states")
	if err != nil {
		return out, err
	}
	*scratch = raw
	key, seq := firstKey, int64(-1) // a chunk starts from position -1
	for len(raw) > 0 {
		d, n := binary.Uvarint(raw)
		if n <= 0 {
			return out, errors.New("job states: damaged chunk")
		}
		raw = raw[n:]
		v, n := binary.Uvarint(raw)
		if n <= 0 {
			return out, errors.New("job states: damaged chunk")
		}
		raw = raw[n:]
		z := v >> 3
		key += int64(d)
		seq += 1 + (int64(z>>1) ^ -int64(z&1))
		out = append(out, store.TestState{Key: key, Status: core.Status(v & 3), Flaky: v&4 != 0, Seq: uint32(seq)})
	}
	return out, nil
}

// StateBuilder collects a job's (key, state) pairs as results are written, in bounded
// memory: runs of RunEntries are sorted and, past the first, spilled to a temporary
// file; finish merges them into sorted, deduplicated states.
type StateBuilder struct {
	run   []store.TestState
	spill *os.File
	runs  []int64 // entries in each spilled run, in file order
	// A full run is sorted and written by a goroutine while the next one fills (the
	// writer's goroutine is the import's bottleneck); spilling is its result.
	spilling chan error
	spare    []store.TestState
}

// RunEntries is how many states stay in memory (1 MiB) before a run is sorted and
// spilled; a variable so that tests can make runs small.
var RunEntries = 1 << 16

func (b *StateBuilder) Add(s store.TestState) error {
	if len(b.run) == RunEntries {
		if err := b.wait(); err != nil {
			return err
		}
		full := b.run
		b.run = b.spare[:0]
		b.spilling = make(chan error, 1)
		go func() { b.spilling <- b.spillRun(full) }()
	}
	b.run = append(b.run, s)
	return nil
}

// wait waits for the run being spilled, if any, and takes its memory back.
func (b *StateBuilder) wait() error {
	if b.spilling == nil {
		return nil
	}
	err := <-b.spilling
	b.spilling = nil
	return err
}

func sortStates(run []store.TestState) {
	slices.SortFunc(run, func(a, b store.TestState) int { return cmp.Compare(a.Key, b.Key) })
}

const spilledSize = 8 + 4 + 1

// spillRun sorts run and appends it to the spill file.
func (b *StateBuilder) spillRun(run []store.TestState) error {
	defer func() { b.spare = run[:0] }()
	if b.spill == nil {
		f, err := os.CreateTemp("", "regtracker-states-*")
		if err != nil {
			return fmt.Errorf("sorting the job's tests: %w", err)
		}
		os.Remove(f.Name()) // gone when closed, whatever happens
		b.spill = f
	}
	sortStates(run)
	w := bufio.NewWriterSize(b.spill, 64<<10)
	var rec [spilledSize]byte
	for _, s := range run {
		binary.LittleEndian.PutUint64(rec[:8], uint64(s.Key))
		binary.LittleEndian.PutUint32(rec[8:12], s.Seq)
		rec[12] = byte(s.Status)
		if s.Flaky {
			rec[12] |= 4
		}
		if _, err := w.Write(rec[:]); err != nil {
			return fmt.Errorf("sorting the job's tests: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("sorting the job's tests: %w", err)
	}
	b.runs = append(b.runs, int64(len(run)))
	return nil
}

func (b *StateBuilder) Close() {
	b.wait()
	if b.spill != nil {
		b.spill.Close()
		b.spill = nil
	}
}

// finish calls emit with every test's state in key order, each key once.
func (b *StateBuilder) Finish(emit func(store.TestState) error) error {
	defer b.Close()
	if err := b.wait(); err != nil {
		return err
	}
	sortStates(b.run)
	sources := []stateSource{&sliceSource{states: b.run}}
	var off int64
	for _, n := range b.runs {
		sources = append(sources, &fileSource{r: bufio.NewReaderSize(io.NewSectionReader(b.spill, off*spilledSize, n*spilledSize), 32<<10)})
		off += n
	}
	m := &mergeHeap{}
	for _, src := range sources {
		if s, ok, err := src.next(); err != nil {
			return err
		} else if ok {
			m.items = append(m.items, mergeItem{s, src})
		}
	}
	heap.Init(m)
	var cur store.TestState
	have := false
	for m.Len() > 0 {
		top := &m.items[0]
		s := top.state
		if next, ok, err := top.src.next(); err != nil {
			return err
		} else if ok {
			top.state = next
			heap.Fix(m, 0)
		} else {
			heap.Pop(m)
		}
		switch {
		case have && s.Key == cur.Key:
			MergeState(&cur, s)
		default:
			if have {
				if err := emit(cur); err != nil {
					return err
				}
			}
			cur, have = s, true
		}
	}
	if have {
		return emit(cur)
	}
	return nil
}

type stateSource interface {
	next() (store.TestState, bool, error)
}

type sliceSource struct {
	states []store.TestState
	i      int
}

func (s *sliceSource) next() (store.TestState, bool, error) {
	if s.i == len(s.states) {
		return store.TestState{}, false, nil
	}
	s.i++
	return s.states[s.i-1], true, nil
}

type fileSource struct{ r *bufio.Reader }

func (f *fileSource) next() (store.TestState, bool, error) {
	var rec [spilledSize]byte
	if _, err := io.ReadFull(f.r, rec[:]); err == io.EOF {
		return store.TestState{}, false, nil
	} else if err != nil {
		return store.TestState{}, false, fmt.Errorf("sorting the job's tests: %w", err)
	}
	return store.TestState{
		Key:    int64(binary.LittleEndian.Uint64(rec[:8])),
		Seq:    binary.LittleEndian.Uint32(rec[8:12]),
		Status: core.Status(rec[12] & 3),
		Flaky:  rec[12]&4 != 0,
	}, true, nil
}

type mergeItem struct {
	state store.TestState
	src   stateSource
}

// mergeHeap orders run heads by key, then by seq so that duplicates merge in order.
type mergeHeap struct{ items []mergeItem }

func (h *mergeHeap) Len() int { return len(h.items) }
func (h *mergeHeap) Less(i, j int) bool {
	a, b := h.items[i].state, h.items[j].state
	return a.Key < b.Key || (a.Key == b.Key && a.Seq < b.Seq)
}
func (h *mergeHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *mergeHeap) Push(x any)    { h.items = append(h.items, x.(mergeItem)) }
func (h *mergeHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
