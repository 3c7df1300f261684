package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
)

// Bulk is a Dialect that takes many new rows faster in one stream than in multi-row
// INSERTs (PostgreSQL's COPY).
type Bulk interface {
	// CopyRows appends rows to table's columns on conn, inside its transaction.
	CopyRows(ctx context.Context, conn *sql.Conn, table string, columns []string, rows [][]any) error
}

// Arrays is a Dialect whose driver binds Go slices ([]int64, []string) as SQL arrays,
// so that a batch of rows of any length is one statement of a few parameters.
type Arrays interface {
	// Unnest is a table expression of the arrays bound to one '?' per type, element by
	// element, as columns of those types.
	Unnest(types ...string) string
}

// A batch holds the rows of one of the tables of blobs (result chunks, test states, name
// blocks) that a writer has made and not sent yet. They go in one statement per batch,
// COPY where the dialect has it, else a multi-row INSERT, instead of one statement per
// row: on a server each statement is a round trip.
type batch struct {
	table   string
	columns []string // two keys, a count and the data
	// upsert, when set, is the ON CONFLICT clause of a table whose rows are written
	// again (a class's partial name block grows): such batches are not copied, and a
	// row queued twice keeps its last version.
	upsert string
	rows   [][]any
	index  map[[2]int64]int // upsert batches: a queued row's place by its keys
	bytes  int
}

const (
	batchRows  = 256
	batchBytes = 1 << 20
)

func newBatch(table, upsert string, columns ...string) *batch {
	return &batch{table: table, columns: columns, upsert: upsert, index: map[[2]int64]int{}}
}

// queue adds a row to b, sending b when it is full. data is copied.
func (w *JobWriter) queue(ctx context.Context, b *batch, key1, key2, n int64, data []byte) error {
	row := []any{key1, key2, n, bytes.Clone(data)}
	if b.upsert != "" {
		k := [2]int64{key1, key2}
		if i, ok := b.index[k]; ok {
			b.bytes += len(data) - len(b.rows[i][3].([]byte))
			b.rows[i] = row
			return nil
		}
		b.index[k] = len(b.rows)
	}
	b.rows = append(b.rows, row)
	b.bytes += len(data)
	// Without COPY, appended rows are sent at once: a file has no round trips to save,
	// and queued chunks would only hold memory.
	_, bulk := w.dialect.(Bulk)
	if len(b.rows) >= batchRows || b.bytes >= batchBytes || (!bulk && b.upsert == "") {
		return w.send(ctx, b)
	}
	return nil
}

// send writes the rows queued in b.
func (w *JobWriter) send(ctx context.Context, b *batch) error {
	if len(b.rows) == 0 {
		return nil
	}
	var err error
	if bulk, ok := w.dialect.(Bulk); ok && b.upsert == "" {
		err = bulk.CopyRows(ctx, w.conn, b.table, b.columns, b.rows)
	} else {
		err = w.insertRows(ctx, b)
	}
	if err != nil {
		return describe(err)
	}
	b.rows, b.bytes = b.rows[:0], 0
	clear(b.index)
	return nil
}

func (w *JobWriter) insertRows(ctx context.Context, b *batch) error {
	row := "(" + strings.Repeat("?, ", len(b.columns)-1) + "?)"
	q := "INSERT INTO " + b.table + " (" + strings.Join(b.columns, ", ") + ") VALUES " +
		row + strings.Repeat(", "+row, len(b.rows)-1) + b.upsert
	st, err := w.prepared(ctx, q)
	if err != nil {
		return err
	}
	w.args = w.args[:0]
	for _, r := range b.rows {
		w.args = append(w.args, r...)
	}
	_, err = st.ExecContext(ctx, w.args...)
	return err
}

// sendAll writes every batch's rows.
func (w *JobWriter) sendAll(ctx context.Context) error {
	for _, b := range []*batch{w.chunkRows, w.stateRows, w.nameRows} {
		if err := w.send(ctx, b); err != nil {
			return err
		}
	}
	return nil
}
