package chunk

import (
	"encoding/binary"
	"errors"
)

// A test's key is its class id in the high 32 bits and its ordinal in the class in the
// low 32: the class's tests are numbered 0, 1, 2... in the order they were first seen.
// The names of a class are kept in blocks of NamesPerBlock ordinals (the test_names
// table), so that a new test costs a few bytes in a block instead of a row, and a job
// that runs its tests in the order of an earlier one has keys that go up by one.

// NamesPerBlock is how many names one block holds; blocks start at multiples of it.
const NamesPerBlock = 1024

func TestKey(classID int64, ordinal uint32) int64 { return classID<<32 | int64(ordinal) }

// AppendNames appends the raw block form of names: uvarint(length) and the bytes, each.
func AppendNames(buf []byte, names []string) []byte {
	for _, n := range names {
		buf = binary.AppendUvarint(buf, uint64(len(n)))
		buf = append(buf, n...)
	}
	return buf
}

// NameBlock is a decoded block: the name of ordinal first+i is text[ends[i-1]:ends[i]].
type NameBlock struct {
	First uint32
	text  []byte
	ends  []uint32
}

func (b *NameBlock) Len() int { return len(b.ends) }

func (b *NameBlock) Bytes(i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = b.ends[i-1]
	}
	return b.text[start:b.ends[i]]
}

// DecodeNameBlock decompresses a block into b, reusing its memory.
func DecodeNameBlock(b *NameBlock, first uint32, data []byte) error {
	raw, err := Decompress(b.text[:0], data, "test names")
	if err != nil {
		return err
	}
	// The names are moved to the front of raw, their lengths dropped.
	b.First, b.ends = first, b.ends[:0]
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
