// Package fetch imports Jenkins builds into jobs: it picks the builds, skips the ones
// running or already imported, downloads the archived reports (or, when there are none,
// the JUnit plugin's test report) into the cache while the importer reads them, at most
// three builds at once, and lets the store serialize the writes.
package fetch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/core/jenkins"
)

// Store is what fetching needs of the database.
type Store interface {
	importer.Store
	Job(ctx context.Context, ref core.JobRef) (core.Job, error)
	Base(ctx context.Context, job core.JobRef) (core.JobRef, bool, error)
}

// maxGapBuilds bounds the builds between two imported jobs whose change sets are asked
// for: the newest this many of them.
const maxGapBuilds = 100

// ErrNoReport is a build's failure when it has nothing to import (a build that stopped
// before its tests, say).
var ErrNoReport = errors.New("the build archived no report matching the artifact glob and has no JUnit test report")

// DefaultGlob selects the artifacts imported when no glob is given.
const DefaultGlob = "**/*.xml"

// Options say which builds go where.
type Options struct {
	JenkinsJob string         // "FOLDER/.../JOB"
	Into       core.ModuleRef // the module the builds become jobs of (job number = build number)
	// Which builds: Build alone; else those in Builds; else, with NewOnly, every build
	// numbered above the module's highest job (of the last 100); else the Last newest;
	// else the last completed build.
	Build   int64
	Builds  []int64
	NewOnly bool
	Last    int
	// Glob selects the artifacts to import (DefaultGlob when empty); *.gz artifacts are
	// decompressed.
	Glob     string
	Replace  bool
	Parallel int // builds downloading at once; default 3
	// Progress, if set, receives each build's import progress, from several goroutines
	// at once.
	Progress func(build int64, p importer.Progress)
}

// The reasons a build is skipped for.
const (
	StillRunning    = "still running"
	AlreadyImported = "already imported"
)

// Skipped is a build not imported, and why.
type Skipped struct {
	Number int64
	Reason string
}

// Failed is a build whose import failed; the database holds nothing of it.
type Failed struct {
	Number int64
	Err    error
}

// Result says what became of each build, by build number.
type Result struct {
	Imported []core.Job
	Skipped  []Skipped
	Failed   []Failed
}

// Fetch imports the builds opts selects. It returns an error only when it cannot even
// list them (server unreachable, credentials refused, job not found); each build's
// own failure is in the result.
func Fetch(ctx context.Context, c *jenkins.Client, cache *jenkins.Cache, st Store, opts Options) (Result, error) {
	if opts.Glob == "" {
		opts.Glob = DefaultGlob
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 3
	}
	builds, err := selectBuilds(ctx, c, cache, st, opts)
	if err != nil {
		return Result{}, err
	}
	var res Result
	var todo []jenkins.Build
	for _, b := range builds {
		switch {
		case b.Building:
			res.Skipped = append(res.Skipped, Skipped{b.Number, StillRunning})
		case !opts.Replace && exists(ctx, st, opts.Into, b.Number):
			res.Skipped = append(res.Skipped, Skipped{b.Number, AlreadyImported})
		default:
			todo = append(todo, b)
		}
	}
	// Oldest first, so that each job's base is imported before it when possible.
	slices.SortFunc(todo, func(a, b jenkins.Build) int { return cmp.Compare(a.Number, b.Number) })

	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, opts.Parallel)
	for _, b := range todo {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			mu.Lock()
			res.Failed = append(res.Failed, Failed{b.Number, ctx.Err()})
			mu.Unlock()
			continue
		}
		wg.Go(func() {
			defer func() { <-slots }()
			job, err := importBuild(ctx, c, cache, st, opts, b)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.Failed = append(res.Failed, Failed{b.Number, err})
			} else {
				res.Imported = append(res.Imported, job)
			}
		})
	}
	wg.Wait()
	cache.Trim()
	slices.SortFunc(res.Imported, func(a, b core.Job) int { return cmp.Compare(a.Number, b.Number) })
	slices.SortFunc(res.Skipped, func(a, b Skipped) int { return cmp.Compare(a.Number, b.Number) })
	slices.SortFunc(res.Failed, func(a, b Failed) int { return cmp.Compare(a.Number, b.Number) })
	return res, nil
}

func exists(ctx context.Context, st Store, m core.ModuleRef, number int64) bool {
	_, err := st.Job(ctx, core.JobRef{ModuleRef: m, Number: number})
	return err == nil
}

// selectBuilds lists the builds opts asks for, newest first. A single build comes from
// the cache when the server cannot be reached.
func selectBuilds(ctx context.Context, c *jenkins.Client, cache *jenkins.Cache, st Store, opts Options) ([]jenkins.Build, error) {
	switch {
	case opts.Build > 0:
		b, err := c.BuildInfo(ctx, opts.JenkinsJob, fmt.Sprint(opts.Build))
		if err != nil && offline(err) {
			if cached, ok := cache.LoadBuild(c.Server(), opts.JenkinsJob, opts.Build); ok {
				return []jenkins.Build{cached}, nil
			}
		}
		if err != nil {
			return nil, err
		}
		return []jenkins.Build{b}, nil
	case len(opts.Builds) > 0:
		var out []jenkins.Build
		for _, n := range opts.Builds {
			b, err := c.BuildInfo(ctx, opts.JenkinsJob, fmt.Sprint(n))
			if err != nil && offline(err) {
				if cached, ok := cache.LoadBuild(c.Server(), opts.JenkinsJob, n); ok {
					b, err = cached, nil
				}
			}
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
		return out, nil
	case opts.NewOnly:
		last, err := st.LastNumber(ctx, opts.Into)
		if err != nil {
			return nil, err
		}
		all, err := c.Builds(ctx, opts.JenkinsJob, 100)
		if err != nil {
			return nil, err
		}
		var out []jenkins.Build
		for _, b := range all {
			if b.Number > last {
				out = append(out, b)
			}
		}
		return out, nil
	case opts.Last > 0:
		return c.Builds(ctx, opts.JenkinsJob, opts.Last)
	}
	b, err := c.BuildInfo(ctx, opts.JenkinsJob, "lastCompletedBuild")
	if err != nil {
		return nil, err
	}
	return []jenkins.Build{b}, nil
}

// offline reports whether err means the server could not be reached (not an answer).
func offline(err error) bool {
	var he *jenkins.HTTPError
	return !errors.As(err, &he) && !errors.Is(err, context.Canceled)
}

// importBuild downloads and imports one build.
func importBuild(ctx context.Context, c *jenkins.Client, cache *jenkins.Cache, st Store, opts Options, b jenkins.Build) (core.Job, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends downloads the import no longer reads
	if b.Artifacts == nil {
		// Listings carry no artifacts; a cached description serves when offline.
		info, err := c.BuildInfo(ctx, opts.JenkinsJob, fmt.Sprint(b.Number))
		if err != nil {
			cached, ok := cache.LoadBuild(c.Server(), opts.JenkinsJob, b.Number)
			if !ok || !offline(err) {
				return core.Job{}, err
			}
			info = cached
		}
		b = info
	}
	cache.SaveBuild(c.Server(), opts.JenkinsJob, b)

	var reports []jenkins.Artifact
	for _, a := range b.Artifacts {
		if jenkins.MatchGlob(opts.Glob, a.RelativePath) {
			reports = append(reports, a)
		}
	}
	d := &downloads{ctx: ctx, c: c, cache: cache, job: opts.JenkinsJob, number: b.Number}
	defer d.close()
	var sources []importer.Source
	if len(reports) == 0 {
		src, err := d.testReport()
		if err != nil {
			return core.Job{}, err
		}
		sources = append(sources, src)
	}
	for _, a := range reports {
		sources = append(sources, d.artifact(a.RelativePath))
	}
	description := fmt.Sprintf("Jenkins %s %s #%d", c.Server(), opts.JenkinsJob, b.Number)
	ref := core.JobRef{ModuleRef: opts.Into, Number: b.Number}
	commits, err := changesSince(ctx, c, st, opts.JenkinsJob, ref, b)
	if err != nil {
		return core.Job{}, err
	}
	iopts := importer.Options{Job: ref, Replace: opts.Replace, Revision: b.Revision, Commits: commits}
	if opts.Progress != nil {
		iopts.Progress = func(p importer.Progress) { opts.Progress(b.Number, p) }
	}
	return importer.ImportSources(ctx, st, sources, description, iopts)
}

// downloads hands a build's reports to the importer: from the cache when they are
// there, else spooled from the server as the importer reaches them.
type downloads struct {
	ctx    context.Context
	c      *jenkins.Client
	cache  *jenkins.Cache
	job    string
	number int64
	mu     sync.Mutex
	spools []*jenkins.Spool
}

func (d *downloads) keep(s *jenkins.Spool) {
	d.mu.Lock()
	d.spools = append(d.spools, s)
	d.mu.Unlock()
}

func (d *downloads) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, s := range d.spools {
		s.Close()
	}
}

func (d *downloads) artifact(rel string) importer.Source {
	name := fmt.Sprintf("%s #%d %s", d.job, d.number, rel)
	src := importer.Source{Name: name, Gzip: isGzip(rel)}
	if p, ok := d.cache.Lookup(d.c.Server(), d.job, d.number, rel); ok {
		if fi, err := os.Stat(p); err == nil {
			src.Size = fi.Size()
		}
		src.Open = func() (io.ReadCloser, error) { return os.Open(p) }
		return src
	}
	src.Open = func() (io.ReadCloser, error) {
		s, err := d.c.Download(d.ctx, d.cache, d.job, d.number, rel)
		if err != nil {
			return nil, err
		}
		d.keep(s)
		return s.Reader(d.ctx), nil
	}
	return src
}

// testReport is the source of the JUnit plugin's report, for builds that archived no
// report file. Its download starts at once, so that a missing report is known before
// the import waits for the database.
func (d *downloads) testReport() (importer.Source, error) {
	name := fmt.Sprintf("%s #%d test report", d.job, d.number)
	dec := func(r io.Reader, name string, maxText int) importer.Decoder {
		return jenkins.NewTestReportDecoder(r, name, maxText)
	}
	if p, ok := d.cache.Lookup(d.c.Server(), d.job, d.number, jenkins.TestReportArtifact); ok {
		return importer.Source{Name: name, Decoder: dec, Open: func() (io.ReadCloser, error) { return os.Open(p) }}, nil
	}
	s, err := d.c.DownloadTestReport(d.ctx, d.cache, d.job, d.number)
	if jenkins.IsNotFound(err) {
		return importer.Source{}, ErrNoReport
	}
	if err != nil {
		return importer.Source{}, err
	}
	d.keep(s)
	return importer.Source{Name: name, Size: max(s.Size, 0), Decoder: dec,
		Open: func() (io.ReadCloser, error) { return s.Reader(d.ctx), nil }}, nil
}

func isGzip(rel string) bool { return strings.HasSuffix(strings.ToLower(rel), ".gz") }

// changesSince returns the commits that entered with build b and with the builds since
// the module's job before it that were never imported (a build that failed to archive,
// one nobody imported), newest first; a build Jenkins no longer has is passed over.
func changesSince(ctx context.Context, c *jenkins.Client, st Store, jenkinsJob string, ref core.JobRef, b jenkins.Build) ([]core.Commit, error) {
	commits := slices.Clone(b.Commits)
	prev, ok, err := st.Base(ctx, ref)
	if err != nil || !ok {
		return commits, err
	}
	for n := b.Number - 1; n > prev.Number && n >= b.Number-maxGapBuilds; n-- {
		gap, err := c.BuildChanges(ctx, jenkinsJob, n)
		var he *jenkins.HTTPError
		switch {
		case errors.As(err, &he) && he.Status == 404:
			continue
		case err != nil:
			return nil, fmt.Errorf("the changes of build %d, between %s and %s: %w", n, prev, ref, err)
		}
		commits = append(commits, gap.Commits...)
	}
	return commits, nil
}
