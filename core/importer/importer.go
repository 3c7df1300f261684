// Package importer moves test reports into the store: it expands paths into reports
// (files, directories, .gz, .zip), decodes them in one goroutine and writes them in
// another, joined by a bounded channel, reports progress, answers a cancel promptly and
// records what the import cost.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/applog"
	"github.com/regtracker/regtracker/core/junit"
	"github.com/regtracker/regtracker/core/monitor"
)

// Store is what an import needs of the database.
type Store interface {
	BeginJob(ctx context.Context, ref core.JobRef, opts core.WriteOptions) (core.JobWriter, error)
	LastNumber(ctx context.Context, module core.ModuleRef) (int64, error)
}

// Options control one import.
type Options struct {
	// Job is where the results go. A zero Number is detected: the nearest numeric
	// segment of the first path, else one more than the module's highest job.
	Job     core.JobRef
	Replace bool
	// Revision and Commits are kept with the job (see core.WriteOptions).
	Revision string
	Commits  []core.Commit
	// Progress, if set, is called about every ProgressInterval and once at the end,
	// from a goroutine of the importer (never concurrently with itself).
	Progress         func(Progress)
	ProgressInterval time.Duration // default 100 ms
	// MaxText bounds each stored text of a case; 0 means junit.DefaultMaxText.
	MaxText int
	// Logger, if set, receives the import's start, its figures once committed, or its
	// error.
	Logger *slog.Logger
}

// Phase is the stage an import is in.
type Phase string

const (
	PhaseWaiting   Phase = "waiting for the database"
	PhaseImporting Phase = "importing"
	PhaseDone      Phase = "done"
)

// Progress is a snapshot of a running import.
type Progress struct {
	Job        core.JobRef
	Phase      Phase
	File       string // the report being read
	BytesRead  int64
	BytesTotal int64
	Cases      int64 // cases decoded so far
	Elapsed    time.Duration
	Rate       float64 // cases per second since the start
}

// ETA estimates the time left from the bytes read so far; 0 when unknown.
func (p Progress) ETA() time.Duration {
	if p.BytesRead <= 0 || p.BytesTotal <= p.BytesRead {
		return 0
	}
	return time.Duration(float64(p.Elapsed) * float64(p.BytesTotal-p.BytesRead) / float64(p.BytesRead))
}

const (
	batchCases = 2048    // results per batch handed from decoder to writer
	batchBytes = 1 << 20 // or fewer, when their texts are large
	queueLen   = 2       // batches waiting for the writer
)

type batch struct {
	results []core.Result
}

// counters are shared between the decoder, the writer and the progress reporter.
type counters struct {
	bytes atomic.Int64
	cases atomic.Int64
	file  atomic.Pointer[string]
	phase atomic.Pointer[Phase]
}

// Import reads the reports at paths into one job and commits it. On any error, or when
// ctx is cancelled, nothing of the job is left in the store (a replaced job keeps its
// old results) and the error says which file and line failed.
func Import(ctx context.Context, st Store, paths []string, opts Options) (core.Job, error) {
	start := time.Now()
	var db string
	if p, ok := st.(interface{ Path() string }); ok {
		db = p.Path()
	}
	srcs, err := expand(paths, db)
	if err != nil {
		return core.Job{}, err
	}
	return importSources(ctx, st, srcs, describeSource(paths), paths[0], opts, start)
}

// ImportReader imports one JUnit XML report read from r (size bytes, or 0 when unknown)
// into a job, as Import does for files. name stands for the report in messages and is
// kept as the job's source. Without a job number, the job is the module's next.
func ImportReader(ctx context.Context, st Store, name string, r io.Reader, size int64, opts Options) (core.Job, error) {
	src := Source{Name: name, Size: size, Open: func() (io.ReadCloser, error) { return io.NopCloser(r), nil }}
	return ImportSources(ctx, st, []Source{src}, name, opts)
}

// ImportSources imports reports from sources into one job, as Import does for files;
// description is kept as the job's source. Without a job number, the job is the
// module's next.
func ImportSources(ctx context.Context, st Store, sources []Source, description string, opts Options) (core.Job, error) {
	if len(sources) == 0 {
		return core.Job{}, errors.New("no reports given")
	}
	srcs := make([]source, len(sources))
	for i, s := range sources {
		srcs[i] = s.internal()
	}
	return importSources(ctx, st, srcs, description, "", opts, time.Now())
}

// failureRecorder is a store that keeps failed imports for diagnostics.
type failureRecorder interface {
	RecordFailure(ctx context.Context, job core.JobRef, source string, failure error) error
}

// importSources imports srcs into one job, logging it and recording a failure;
// numberHint is the path a missing job number is looked for in.
func importSources(ctx context.Context, st Store, srcs []source, description, numberHint string, opts Options, start time.Time) (core.Job, error) {
	log := opts.Logger
	if log == nil {
		log = applog.Discard
	}
	ref := opts.Job
	if ref.Number == 0 {
		var err error
		if ref.Number, err = chooseNumber(ctx, st, ref.ModuleRef, numberHint); err != nil {
			return core.Job{}, err
		}
	}
	log.Info("import started", "job", ref.String(), "source", description, "files", len(srcs), "replace", opts.Replace)
	job, err := runImport(ctx, st, srcs, ref, description, opts, start)
	if err != nil && errors.Is(err, context.Canceled) && ctx.Err() != nil {
		// Asked for: not a failure, and nothing of it is kept.
		log.Info("import cancelled, nothing kept", "job", ref.String(), "source", description, "seconds", time.Since(start).Seconds())
		return job, err
	}
	if err != nil {
		log.Error("import failed", "job", ref.String(), "source", description, "error", err.Error(),
			"seconds", time.Since(start).Seconds())
		if r, ok := st.(failureRecorder); ok {
			r.RecordFailure(context.WithoutCancel(ctx), ref, description, err)
		}
		return job, err
	}
	s := job.Stats
	log.Info("import committed", "job", ref.String(), "tests", job.Tests, "failed", job.Failed, "errors", job.Errors,
		"bytes", s.Bytes, "wait_seconds", s.Wait.Seconds(), "decode_seconds", s.Decode.Seconds(),
		"write_seconds", s.Write.Seconds(), "commit_seconds", s.Commit.Seconds(), "seconds", s.Total.Seconds(),
		"cases_per_second", job.CasesPerSecond(), "peak_rss_bytes", s.PeakRSS, "peak_heap_bytes", s.PeakHeap)
	return job, nil
}

// runImport imports srcs into the job ref.
func runImport(ctx context.Context, st Store, srcs []source, ref core.JobRef, description string, opts Options, start time.Time) (core.Job, error) {
	var total int64
	for _, s := range srcs {
		total += s.size
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var c counters
	setPhase(&c, PhaseWaiting)
	var peak monitor.Peak
	peak.Sample()
	stopReporter := startReporter(ctx, &c, &peak, opts, ref, total, start)

	w, err := st.BeginJob(ctx, ref, core.WriteOptions{Replace: opts.Replace, Source: description,
		Revision: opts.Revision, Commits: opts.Commits})
	if err != nil {
		stopReporter(false)
		return core.Job{}, wrapCancel(ctx, ref, err)
	}
	setPhase(&c, PhaseImporting)

	d := &decodeRun{srcs: srcs, c: &c, maxText: opts.MaxText,
		full: make(chan *batch, queueLen), free: make(chan *batch, queueLen+2)}
	for range queueLen + 2 {
		d.free <- &batch{results: make([]core.Result, 0, batchCases)}
	}
	decodeDone := make(chan error, 1)
	go func() { decodeDone <- d.run(ctx) }()

	var writeErr error
	for b := range d.full {
		if writeErr == nil {
			if writeErr = w.Add(ctx, b.results); writeErr != nil {
				cancel() // stops the decoder; the loop drains what it already sent
			}
		}
		d.free <- b
	}
	decodeErr := <-decodeDone
	if err := firstCause(decodeErr, writeErr); err != nil {
		w.Rollback()
		stopReporter(false)
		return core.Job{}, wrapCancel(ctx, ref, err)
	}

	peak.Sample()
	rss, heap := peak.Max()
	job, err := w.Commit(ctx, core.ImportStats{
		Files: len(srcs), Bytes: c.bytes.Load(), Decode: d.busy, PeakRSS: rss, PeakHeap: heap,
	})
	if err != nil {
		stopReporter(false)
		return core.Job{}, wrapCancel(ctx, ref, err)
	}
	setPhase(&c, PhaseDone)
	stopReporter(true)
	return job, nil
}

// firstCause prefers the decoder's error (which names a file and line) unless it is only
// the echo of the writer's failure.
func firstCause(decodeErr, writeErr error) error {
	if decodeErr != nil && !(writeErr != nil && errors.Is(decodeErr, context.Canceled)) {
		return decodeErr
	}
	return writeErr
}

func wrapCancel(ctx context.Context, ref core.JobRef, err error) error {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return fmt.Errorf("import of %s cancelled: %w", ref, context.Canceled)
	}
	return fmt.Errorf("import of %s: %w", ref, err)
}

func setPhase(c *counters, p Phase) { c.phase.Store(&p) }

// decodeRun decodes every source into batches for the writer.
type decodeRun struct {
	srcs    []source
	c       *counters
	maxText int
	full    chan *batch // to the writer
	free    chan *batch // back from the writer
	cur     *batch      // being filled
	size    int         // text bytes in cur
	waited  time.Duration
	busy    time.Duration // time spent decoding, not waiting for the writer
}

func (d *decodeRun) run(ctx context.Context) error {
	defer close(d.full)
	t0 := time.Now()
	defer func() { d.busy = time.Since(t0) - d.waited }()
	d.cur = <-d.free
	for _, src := range d.srcs {
		if err := d.decodeOne(ctx, src); err != nil {
			return err
		}
	}
	if len(d.cur.results) > 0 {
		return d.send(ctx)
	}
	return nil
}

// decodeOne decodes one source into the current batch, sending full batches.
func (d *decodeRun) decodeOne(ctx context.Context, src source) error {
	name := src.name
	d.c.file.Store(&name)
	raw, err := src.open()
	if err != nil {
		return fmt.Errorf("%s: %w", src.name, err)
	}
	defer raw.Close()
	report, err := src.inflate(&countingReader{ctx: ctx, r: raw, n: &d.c.bytes})
	if err != nil {
		return fmt.Errorf("%s: %w", src.name, err)
	}
	var dec Decoder = junit.NewDecoder(report, src.name, d.maxText)
	if src.decoder != nil {
		dec = src.decoder(report, src.name, d.maxText)
	}
	for {
		rs := d.cur.results[:len(d.cur.results)+1]
		r := &rs[len(rs)-1]
		if err := dec.Next(r); err == io.EOF {
			return nil
		} else if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		d.cur.results = rs
		d.c.cases.Add(1)
		d.size += len(r.Message) + len(r.Details) + len(r.SystemOut) + len(r.SystemErr)
		if len(rs) == cap(rs) || d.size >= batchBytes {
			if err := d.send(ctx); err != nil {
				return err
			}
		}
	}
}

// send hands the current batch to the writer and takes an empty one.
func (d *decodeRun) send(ctx context.Context) error {
	t := time.Now()
	defer func() { d.waited += time.Since(t) }()
	select {
	case d.full <- d.cur:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case d.cur = <-d.free:
	case <-ctx.Done():
		return ctx.Err()
	}
	d.cur.results, d.size = d.cur.results[:0], 0
	return nil
}

// countingReader counts the bytes read and stops reading once ctx is done, so that a
// cancel is answered even inside one huge text node.
type countingReader struct {
	ctx context.Context
	r   io.Reader
	n   *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// startReporter samples memory and calls opts.Progress until the returned stop is
// called; stop(true) sends a last report.
func startReporter(ctx context.Context, c *counters, peak *monitor.Peak, opts Options, ref core.JobRef, total int64, start time.Time) func(final bool) {
	interval := opts.ProgressInterval
	if interval <= 0 {
		interval = 100 * time.Millisecond
	}
	report := func() {
		if opts.Progress == nil {
			return
		}
		p := Progress{Job: ref, Phase: *c.phase.Load(), BytesRead: c.bytes.Load(), BytesTotal: total,
			Cases: c.cases.Load(), Elapsed: time.Since(start)}
		if f := c.file.Load(); f != nil {
			p.File = *f
		}
		if s := p.Elapsed.Seconds(); s > 0 {
			p.Rate = float64(p.Cases) / s
		}
		opts.Progress(p)
	}
	stop := make(chan bool)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case final := <-stop:
				if final {
					report()
				}
				return
			case <-t.C:
				peak.Sample()
				report()
			}
		}
	}()
	return func(final bool) {
		stop <- final
		<-done
	}
}

// chooseNumber picks the job number when none was given.
// JobNumber is the number an import into module without one gives the job of the
// reports at paths: the nearest numeric segment of the first path, else one more than
// the module's highest job.
func JobNumber(ctx context.Context, st Store, m core.ModuleRef, paths []string) (int64, error) {
	first := ""
	if len(paths) > 0 {
		first = paths[0]
	}
	return chooseNumber(ctx, st, m, first)
}

func chooseNumber(ctx context.Context, st Store, m core.ModuleRef, firstPath string) (int64, error) {
	if n, ok := NumberFromPath(firstPath); ok {
		return n, nil
	}
	last, err := st.LastNumber(ctx, m)
	if err != nil {
		return 0, err
	}
	return last + 1, nil
}

// NumberFromPath finds a job number in a report's path as given: the segment nearest to
// the end that is a whole number ("logs/vpn/14/test-results.xml" gives 14). Both '/'
// and '\\' separate segments.
func NumberFromPath(path string) (int64, bool) {
	segs := strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '\\' })
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		if strings.TrimLeft(s, "0123456789") != "" {
			continue
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			return n, true
		}
	}
	return 0, false
}

func describeSource(paths []string) string {
	abs := make([]string, len(paths))
	for i, p := range paths {
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
		abs[i] = p
	}
	return strings.Join(abs, ", ")
}
