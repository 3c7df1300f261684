package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/chunk"
)

// writeStates stores the builder's states as chunks of the job and returns how many
// distinct tests there are.
func (w *JobWriter) writeStates(ctx context.Context) (int64, error) {
	var (
		first, prevKey, prevSeq int64
		entries, total          int64
	)
	buf := w.raw1[:0]
	flush := func() error {
		if entries == 0 {
			return nil
		}
		w.packed = chunk.Compress(w.packed[:0], buf)
		if err := w.queue(ctx, w.stateRows, w.jobID, first, entries, w.packed); err != nil {
			return err
		}
		buf, entries = buf[:0], 0
		return nil
	}
	err := w.states.Finish(func(s store.TestState) error {
		if entries == chunk.StatesPerChunk {
			if err := flush(); err != nil {
				return err
			}
		}
		if entries == 0 {
			first, prevKey, prevSeq = s.Key, s.Key, -1
		}
		buf = chunk.AppendState(buf, prevKey, prevSeq, s)
		prevKey, prevSeq = s.Key, int64(s.Seq)
		entries++
		total++
		return nil
	})
	if err != nil {
		return 0, err
	}
	err = flush()
	w.raw1 = buf
	return total, err
}

// stateReader reads one job's test states in key order, a chunk at a time.
type stateReader struct {
	rows  *sql.Rows
	buf   []store.TestState
	raw   []byte
	i     int
	err   error
	Count int64 // distinct tests in the job
}

// States opens a reader over the states of job. The caller must Close it.
func (s *Store) States(ctx context.Context, job core.JobRef) (store.StateReader, error) {
	return s.states(ctx, job)
}

func (s *Store) states(ctx context.Context, job core.JobRef) (*stateReader, error) {
	id, count, err := s.jobID(ctx, job)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT first_key, data FROM job_states WHERE job_id = ? ORDER BY first_key", id)
	if err != nil {
		return nil, describe(err)
	}
	return &stateReader{rows: rows, Count: count}, nil
}

// Next returns the next state; ok is false at the end or on an error (see Err).
func (r *stateReader) Next() (store.TestState, bool) {
	for r.i == len(r.buf) {
		if r.err != nil || !r.rows.Next() {
			return store.TestState{}, false
		}
		var first int64
		var data []byte
		if r.err = r.rows.Scan(&first, &data); r.err != nil {
			return store.TestState{}, false
		}
		r.buf, r.err = chunk.DecodeStates(r.buf[:0], first, data, &r.raw)
		r.i = 0
	}
	r.i++
	return r.buf[r.i-1], true
}

// Err is the error that ended reading, if any.
func (r *stateReader) Err() error {
	if r.err != nil {
		return r.err
	}
	return describe(r.rows.Err())
}

// Close releases the reader.
func (r *stateReader) Close() error { return r.rows.Close() }

// jobID returns a job's row id and its number of distinct tests.
func (s *Store) jobID(ctx context.Context, job core.JobRef) (id, identities int64, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT j.id, j.identities FROM jobs j JOIN modules m ON m.id = j.module_id
		JOIN releases r ON r.id = m.release_id WHERE r.name = ? AND m.name = ? AND j.number = ?`,
		job.Release, job.Module, job.Number).Scan(&id, &identities)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fmt.Errorf("job %s: %w", job, core.ErrNotFound)
	}
	return id, identities, describe(err)
}

// TimedStates returns the states of job in key order, each with its deciding
// occurrence's duration.
func (s *Store) TimedStates(ctx context.Context, job core.JobRef) ([]store.TimedState, error) {
	r, err := s.states(ctx, job)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	id, _, err := s.jobID(ctx, job)
	if err != nil {
		return nil, err
	}
	cols, err := s.readResults(ctx, id, false)
	if err != nil {
		return nil, err
	}
	out := make([]store.TimedState, 0, r.Count)
	for st, ok := r.Next(); ok; st, ok = r.Next() {
		ts := store.TimedState{TestState: st}
		if int(st.Seq) < cols.Len() {
			ts.Duration = cols.Seconds(int(st.Seq))
		}
		out = append(out, ts)
	}
	return out, r.Err()
}
