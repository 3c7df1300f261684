package store

import (
	"math"
	"math/bits"

	"github.com/regtracker/regtracker/core"
)

// Keys of interned rows (classes, tests, texts) are derived from a 64-bit hash of their
// content, so that a lookup is a primary-key search and no secondary index has to be
// maintained while importing. Collisions are detected and resolved by probing (see
// intern.go); keys stay in the positive int64 range.

// packResult is a result's results.packed column: status, flaky and the duration in
// microseconds in one integer (see the schema's generated columns).
func packResult(r *core.Result) int64 {
	p := int64(r.Status) | int64(math.Round(r.Duration*1e6))<<3
	if r.Flaky {
		p |= 1 << 2
	}
	return p
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
	mulA      = 0x9e3779b97f4a7c15
	mulB      = 0xbf58476d1ce4e5b9

	idMask = 1<<63 - 1
)

// hash is a 64-bit hash of s that reads eight bytes at a time (FNV-1a reads one, and
// hashing names and stack traces was a tenth of an import's writer time). It must never
// change: keys in existing databases are derived from it.
func hash(s string) uint64 {
	h := uint64(fnvOffset) ^ uint64(len(s))*fnvPrime
	for len(s) >= 8 {
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h = bits.RotateLeft64((h^w)*mulA, 29) * mulB
		s = s[8:]
	}
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	// Final avalanche (the mixer of MurmurHash3's fmix64), so every input bit moves the
	// high bits that keys keep.
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// testKey is the preferred key of the test called name in the class classID: the class
// in the high bits, so a class's tests are neighbours and a new class's tests go to the
// end of the table.
func testKey(classID int64, name string) int64 {
	h := hash(name)
	return (classID&(1<<31-1))<<32 | int64(uint32(h^h>>32))
}

// classKey is the preferred key of a class name.
func classKey(name string) int64 { return int64(hash(name) & idMask) }

// textKey is the preferred id of a text.
func textKey(body string) int64 { return int64(hash(body) & idMask) }

// nextKey is the next key to probe after a collision.
func nextKey(key int64) int64 { return (key + 1) & idMask }

// nextTestKey is the next test key to probe after a collision: the next name slot of the
// same class, so that key >> 32 stays the class.
func nextTestKey(key int64) int64 { return key&^(1<<32-1) | (key+1)&(1<<32-1) }
