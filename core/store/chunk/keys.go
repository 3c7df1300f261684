package chunk

import "math/bits"

// Keys of interned rows (classes, texts) are derived from a 64-bit hash of their
// content, so that a lookup is a primary-key search and no secondary index has to be
// maintained while importing. Collisions are detected and resolved by probing (see
// the sqlite backend's intern.go); keys stay in the positive int64 range.

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
	mulA      = 0x9e3779b97f4a7c15
	mulB      = 0xbf58476d1ce4e5b9

	idMask = 1<<63 - 1
)

// Hash is a 64-bit hash of s that reads eight bytes at a time (FNV-1a reads one, and
// hashing names and stack traces was a tenth of an import's writer time). It must never
// change: keys in existing databases are derived from it.
func Hash[T string | []byte](s T) uint64 {
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

// ClassKey is the preferred key of a class name.
func ClassKey(name string) int64 { return int64(Hash(name) & idMask) }

// TextKey is the preferred id of a text; never 0, which a result chunk uses for none.
func TextKey(body string) int64 { return max(int64(Hash(body)&idMask), 1) }

// NextKey is the next key to probe after a collision.
func NextKey(key int64) int64 { return (key + 1) & idMask }
