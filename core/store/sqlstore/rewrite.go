package sqlstore

import (
	"context"
	"database/sql"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store/chunk"
)

// Rewriter writes the results of jobs that exist already, inside its caller's
// transaction: a backend's migration from an earlier layout moves its rows into chunks
// with it, through the same code as an import, so that tests get their ordinals in the
// order they were first seen. Texts are given by key: they stay where they are.
type Rewriter struct{ w *JobWriter }

// NewRewriter writes on conn, whose transaction the caller holds.
func NewRewriter(conn *sql.Conn) *Rewriter { return &Rewriter{w: newJobWriter(conn, nil, nil)} }

// Start makes the rewriter write the job id's results anew, from position 0.
func (r *Rewriter) Start(id int64) {
	w := r.w
	w.states.Close()
	w.jobID, w.ref = id, core.JobRef{}
	w.seq = 0
	w.chunk.Reset()
	w.states = chunk.StateBuilder{}
	w.counts = core.Counts{}
}

// Add appends the job's next result, whose texts are stored under refs.
func (r *Rewriter) Add(ctx context.Context, res *core.Result, refs chunk.TextRefs) error {
	key, err := r.w.identity(ctx, res.Classname, res.Name)
	if err != nil {
		return err
	}
	return r.w.appendResult(ctx, key, res, refs)
}

// Finish writes what the job still has buffered and returns its number of distinct
// tests.
func (r *Rewriter) Finish(ctx context.Context) (identities int64, err error) {
	return r.w.finishResults(ctx)
}

// Close frees the rewriter's statements; the transaction stays the caller's.
func (r *Rewriter) Close() { r.w.finish() }
