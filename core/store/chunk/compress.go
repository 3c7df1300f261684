package chunk

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Blobs of column chunks (results, test states, test names) are compressed with zstd at
// its fastest level (see BenchmarkChunkCompression for the choice against flate).

var (
	zstdOnce sync.Once
	zstdEnc  *zstd.Encoder
	zstdDec  *zstd.Decoder
)

func codecs() (*zstd.Encoder, *zstd.Decoder) {
	zstdOnce.Do(func() {
		var err error
		// EncodeAll and DecodeAll are safe for concurrent use; no goroutines are kept.
		// Chunks are at most a few hundred KiB: a window of 256 KiB covers one whole
		// and keeps the encoder's tables small (the default window is 8 MiB).
		zstdEnc, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithWindowSize(256<<10),
			zstd.WithLowerEncoderMem(true), zstd.WithEncoderConcurrency(1), zstd.WithZeroFrames(true),
			zstd.WithEncoderCRC(false))
		if err != nil {
			panic(err)
		}
		zstdDec, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(2), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxMemory(1<<30))
		if err != nil {
			panic(err)
		}
	})
	return zstdEnc, zstdDec
}

// Compress appends the compressed form of src to dst.
func Compress(dst, src []byte) []byte {
	enc, _ := codecs()
	return enc.EncodeAll(src, dst)
}

// Decompress appends the decompressed form of src to dst.
func Decompress(dst, src []byte, what string) ([]byte, error) {
	_, dec := codecs()
	out, err := dec.DecodeAll(src, dst)
	if err != nil {
		return dst, fmt.Errorf("%s: damaged chunk: %w", what, err)
	}
	return out, nil
}
