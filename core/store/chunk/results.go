package chunk

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/regtracker/regtracker/core"
)

// A job's results are kept as column chunks of up to ResultsPerChunk results each, in
// report order (see the result_chunks table). A chunk's columns, before compression:
//
//	uvarint  n                       results in the chunk
//	n ×      varint(key - previous)  test keys (the first against 0)
//	n ×      byte                    status | flaky << 2 | has texts << 3
//	byte     e                       durations are in units of 10^e microseconds
//	n ×      varint(duration)        zigzag, in those units
//	per result with texts:
//	         byte mask               which of the TextCols texts it has
//	         8 bytes per set bit     the texts' keys, little-endian
//
// Column by column, a repeated job's keys are runs of +1 and its statuses runs of
// passed, which zstd turns into a few bytes; a duration written in milliseconds costs
// two bytes, not three.

// ResultsPerChunk is how many results one chunk holds: large enough that a chunk
// compresses well and a 1M-result job is 245 rows, small enough that reading one
// result decodes little.
const ResultsPerChunk = 4096

// TextRefs are the keys of a result's texts in the order of Texts; 0 is none.
type TextRefs [TextCols]int64

// Results are decoded (or to be encoded) results of one or more chunks, column by
// column. Texts are sparse: withText lists the positions that have any, refs their keys.
type Results struct {
	Keys      []int64
	Flags     []byte
	Durations []int64 // microseconds
	WithText  []uint32
	Refs      []TextRefs
}

const (
	FlagStatus = 3
	FlagFlaky  = 1 << 2
	FlagTexts  = 1 << 3
)

func (c *Results) Len() int { return len(c.Keys) }

func (c *Results) Reset() {
	c.Keys, c.Flags, c.Durations = c.Keys[:0], c.Flags[:0], c.Durations[:0]
	c.WithText, c.Refs = c.WithText[:0], c.Refs[:0]
}

// add appends one result.
func (c *Results) Add(key int64, r *core.Result, refs TextRefs) {
	f := byte(r.Status) & FlagStatus
	if r.Flaky {
		f |= FlagFlaky
	}
	if refs != (TextRefs{}) {
		f |= FlagTexts
		c.WithText = append(c.WithText, uint32(len(c.Keys)))
		c.Refs = append(c.Refs, refs)
	}
	c.Keys = append(c.Keys, key)
	c.Flags = append(c.Flags, f)
	c.Durations = append(c.Durations, Micros(r.Duration))
}

// Micros is a duration in seconds as whole microseconds.
func Micros(seconds float64) int64 {
	if math.IsNaN(seconds) || math.IsInf(seconds, 0) {
		return 0
	}
	return int64(math.Round(seconds * 1e6))
}

func (c *Results) Status(i int) core.Status { return core.Status(c.Flags[i] & FlagStatus) }
func (c *Results) Flaky(i int) bool         { return c.Flags[i]&FlagFlaky != 0 }
func (c *Results) Seconds(i int) float64    { return float64(c.Durations[i]) / 1e6 }

// textsOf returns the text keys of result i (a binary search of the sparse column).
func (c *Results) TextsOf(i int) TextRefs {
	if c.Flags[i]&FlagTexts == 0 {
		return TextRefs{}
	}
	lo, hi := 0, len(c.WithText)
	for lo < hi {
		m := (lo + hi) / 2
		if c.WithText[m] < uint32(i) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return c.Refs[lo]
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
func (c *Results) Encode(buf []byte) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(c.Keys)))
	var prev int64
	for _, k := range c.Keys {
		buf = binary.AppendVarint(buf, k-prev)
		prev = k
	}
	buf = append(buf, c.Flags...)
	exp, unit := durationScale(c.Durations)
	buf = append(buf, exp)
	for _, d := range c.Durations {
		buf = binary.AppendVarint(buf, d/unit)
	}
	for _, refs := range c.Refs {
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
func (c *Results) Decode(raw []byte, texts bool) error {
	base := uint32(len(c.Keys))
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
		c.Keys = append(c.Keys, key)
	}
	if uint64(len(raw)) < n+1 {
		return errDamagedChunk
	}
	flags := raw[:n]
	c.Flags = append(c.Flags, flags...)
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
		c.Durations = append(c.Durations, d*unit)
	}
	if !texts {
		return nil
	}
	for i, f := range flags {
		if f&FlagTexts == 0 {
			continue
		}
		if len(raw) == 0 {
			return errDamagedChunk
		}
		mask := raw[0]
		raw = raw[1:]
		var refs TextRefs
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
		c.WithText = append(c.WithText, base+uint32(i))
		c.Refs = append(c.Refs, refs)
	}
	if len(raw) != 0 {
		return fmt.Errorf("result chunk: %d bytes after the last column", len(raw))
	}
	return nil
}

// Text columns of a result, in the order of the results table.
const TextCols = 5

func Texts(r *core.Result) [TextCols]string {
	return [TextCols]string{r.Message, r.Type, r.Details, r.SystemOut, r.SystemErr}
}
