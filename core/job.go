package core

import (
	"context"
	"time"
)

// Job is one imported build of a module with its summary counts and the statistics of
// the import that produced it.
type Job struct {
	JobRef
	Counts
	// Identities is the number of distinct tests (Tests counts every occurrence).
	Identities int64
	ImportedAt time.Time
	// Source describes where the results came from (the paths or the Jenkins build).
	Source string
	// Revision is the source revision it was built from, "" when not known.
	Revision string
	Stats    ImportStats
}

// ImportStats is what one import cost. Phases overlap: decoding runs in its own goroutine
// while the writer inserts, so Decode and Write are busy times, not slices of Total.
type ImportStats struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`

	Wait   time.Duration `json:"-"` // waiting for the database's single writer
	Decode time.Duration `json:"-"` // decoder busy (reading, decompressing, parsing)
	Write  time.Duration `json:"-"` // writer busy inserting
	Commit time.Duration `json:"-"`
	Total  time.Duration `json:"-"` // wall time from start to commit

	PeakRSS  uint64 `json:"peak_rss_bytes"`
	PeakHeap uint64 `json:"peak_heap_bytes"`
}

// CasesPerSecond is the import's throughput over its wall time.
func (j *Job) CasesPerSecond() float64 {
	if j.Stats.Total <= 0 {
		return 0
	}
	return float64(j.Tests) / j.Stats.Total.Seconds()
}

// WriteOptions say how a job is to be written.
type WriteOptions struct {
	// Replace swaps an existing job's results for the new ones, atomically; without it an
	// existing job is an error wrapping ErrJobExists.
	Replace bool
	// Source describes the input (paths, a Jenkins build), kept with the job.
	Source string
	// Revision is the source revision the job was built from ("" unknown), and Commits
	// the changes that entered with it, newest first; both are kept with the job.
	Revision string
	Commits  []Commit
	// ImportedAt, when set, marks a job copied from another store: its import time, and
	// the statistics given to Commit, are those of the original import and kept as
	// they are. Otherwise the job is imported now.
	ImportedAt time.Time
}

// JobWriter writes one job's results as a single transaction: nothing is visible until
// Commit, and Rollback (or a failed Commit) leaves the store exactly as it was. It is
// the contract between the importer and any store implementation.
type JobWriter interface {
	// Add writes results in report order.
	Add(ctx context.Context, rs []Result) error
	// Commit stores the counts and the statistics and makes the job visible.
	Commit(ctx context.Context, stats ImportStats) (Job, error)
	// Rollback abandons the job; safe after Commit and more than once.
	Rollback()
}
