// Package chunk holds the byte formats a store keeps a job in, whatever the database:
// results as compressed column chunks, each class's test names as blocks, each job's
// test states as sorted chunks (built by an external sort in bounded memory), the zstd
// settings, and the hash keys of classes and texts. It has no SQL: every backend writes
// and reads the same blobs, so a history copies between backends as it is.
package chunk
