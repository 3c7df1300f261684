package store

// Keys of interned rows (classes, tests, texts) are derived from a 64-bit FNV-1a hash of their
// content, so that a lookup is a primary-key search and no secondary index has to be
// maintained while importing. Collisions are detected and resolved by probing (see
// intern.go); keys stay in the positive int64 range.

// flakyBit marks a flaky result in results.outcome, above the core.Status bits.
const flakyBit = 4

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211

	idMask = 1<<63 - 1
)

func fnv(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// testKey is the preferred key of the test called name in the class classID: the class
// in the high bits, so a class's tests are neighbours and a new class's tests go to the
// end of the table.
func testKey(classID int64, name string) int64 {
	h := fnv(name)
	return (classID&(1<<31-1))<<32 | int64(uint32(h^h>>32))
}

// classKey is the preferred key of a class name.
func classKey(name string) int64 { return int64(fnv(name) & idMask) }

// textKey is the preferred id of a text.
func textKey(body string) int64 { return int64(fnv(body) & idMask) }

// nextID is the next id to probe after a collision.
func nextID(id int64) int64 { return (id + 1) & idMask }
