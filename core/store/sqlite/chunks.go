package sqlite

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/regtracker/regtracker/core"
)

// A job's results are kept as column chunks of up to chunkResults results each, in
// report order (see the result_chunks table). A chunk's columns, before compression:
//
//	uvarint  n                       results in the chunk
//	n ×      varint(key - previous)  test keys (the first against 0)
//	n ×      byte                    status | flaky << 2 | has texts << 3
//	byte     e                       durations are in units of 10^e microseconds
//	n ×      varint(duration)        zigzag, in those units
//	per result with texts:
//	         byte mask               which of the textCols texts it has
//	         8 bytes per set bit     the texts' keys, little-endian
//
// Column by column, a repeated job's keys are runs of +1 and its statuses runs of
// passed, which zstd turns into a few bytes; a duration written in milliseconds costs
// two bytes, not three.

// chunkResults is how many results one chunk holds: large enough that a chunk
// compresses well and a 1M-result job is 245 rows, small enough that reading one
// result decodes little.
const chunkResults = 4096

// textRefs are the keys of a result's texts in the order of resultTexts; 0 is none.
type textRefs [textCols]int64

// resultColumns are decoded (or to be encoded) results of one or more chunks, column by
// column. Texts are sparse: withText lists the positions that have any, refs their keys.
type resultColumns struct {
	keys      []int64
	flags     []byte
	durations []int64 // microseconds
	withText  []uint32
	refs      []textRefs
}

const (
	flagStatus = 3
	flagFlaky  = 1 << 2
	flagTexts  = 1 << 3
)

func (c *resultColumns) len() int { return len(c.keys) }

func (c *resultColumns) reset() {
	c.keys, c.flags, c.durations = c.keys[:0], c.flags[:0], c.durations[:0]
	c.withText, c.refs = c.withText[:0], c.refs[:0]
}

// add appends one result.
func (c *resultColumns) add(key int64, r *core.Result, refs textRefs) {
	f := byte(r.Status) & flagStatus
	if r.Flaky {
		f |= flagFlaky
	}
	if refs != (textRefs{}) {
		f |= flagTexts
		c.withText = append(c.withText, uint32(len(c.keys)))
		c.refs = append(c.refs, refs)
	}
	c.keys = append(c.keys, key)
	c.flags = append(c.flags, f)
	c.durations = append(c.durations, micros(r.Duration))
}

// micros is a duration in seconds as whole microseconds.
func micros(seconds float64) int64 {
	if math.IsNaN(seconds) || math.IsInf(seconds, 0) {
		return 0
	}
	return int64(math.Round(seconds * 1e6))
}

func (c *resultColumns) status(i int) core.Status { return core.Status(c.flags[i] & flagStatus) }
func (c *resultColumns) flaky(i int) bool         { return c.flags[i]&flagFlaky != 0 }
func (c *resultColumns) seconds(i int) float64    { return float64(c.durations[i]) / 1e6 }

// textsOf returns the text keys of result i (a binary search of the sparse column).
func (c *resultColumns) textsOf(i int) textRefs {
	if c.flags[i]&flagTexts == 0 {
		return textRefs{}
	}
	lo, hi := 0, len(c.withText)
	for lo < hi {
		m := (lo + hi) / 2
		if c.withText[m] < uint32(i) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return c.refs[lo]
}

// durationScale is the largest power of ten (at most 10^6) that divides every duration.
func durationScale(ds []int64) (exp byte, unit int64) {
	unit = 1
	for exp < 6 {
		next := unit * 10
		for _, d := range ds {
			if d%next != 0 {
				return exp, unit
			}
		}
		exp, unit = exp+1, next
	}
	return exp, unit
}

// encode appends the columns' raw (uncompressed) chunk form to buf.
func (c *resultColumns) encode(buf []byte) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(c.keys)))
	var prev int64
	for _, k := range c.keys {
		buf = binary.AppendVarint(buf, k-prev)
		prev = k
	}
	buf = append(buf, c.flags...)
	exp, unit := durationScale(c.durations)
	buf = append(buf, exp)
	for _, d := range c.durations {
		buf = binary.AppendVarint(buf, d/unit)
	}
	for _, refs := range c.refs {
		var mask byte
		for j, k := range refs {
			if k != 0 {
				mask |= 1 << j
			}
		}
		buf = append(buf, mask)
		for _, k := range refs {
			if k != 0 {
				buf = binary.LittleEndian.AppendUint64(buf, uint64(k))
			}
		}
	}
	return buf
}

var errDamagedChunk = errors.New("result chunk: damaged")

// decodeResults appends the results of a raw chunk to c; the positions of texts are
// offset by c's length before the call. Without texts, their column is skipped.
func (c *resultColumns) decode(raw []byte, texts bool) error {
	base := uint32(len(c.keys))
	n, k := binary.Uvarint(raw)
	if k <= 0 || n > uint64(len(raw)) {
		return errDamagedChunk
	}
	raw = raw[k:]
	var key int64
	for range n {
		d, k := binary.Varint(raw)
		if k <= 0 {
			return errDamagedChunk
		}
		raw = raw[k:]
		key += d
		c.keys = append(c.keys, key)
	}
	if uint64(len(raw)) < n+1 {
		return errDamagedChunk
	}
	flags := raw[:n]
	c.flags = append(c.flags, flags...)
	exp := raw[n]
	raw = raw[n+1:]
	if exp > 6 {
		return errDamagedChunk
	}
	unit := int64(math.Pow10(int(exp)))
	for range n {
		d, k := binary.Varint(raw)
		if k <= 0 {
			return errDamagedChunk
		}
		raw = raw[k:]
		c.durations = append(c.durations, d*unit)
	}
	if !texts {
		return nil
	}
	for i, f := range flags {
		if f&flagTexts == 0 {
			continue
		}
		if len(raw) == 0 {
			return errDamagedChunk
		}
		mask := raw[0]
		raw = raw[1:]
		var refs textRefs
		for j := range refs {
			if mask&(1<<j) == 0 {
				continue
			}
			if len(raw) < 8 {
				return errDamagedChunk
			}
			refs[j] = int64(binary.LittleEndian.Uint64(raw))
			raw = raw[8:]
		}
		c.withText = append(c.withText, base+uint32(i))
		c.refs = append(c.refs, refs)
	}
	if len(raw) != 0 {
		return fmt.Errorf("result chunk: %d bytes after the last column", len(raw))
	}
	return nil
}
