package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/gitlog"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/core/store"
)

// jobJSON is a job as `import --json` prints it.
type jobJSON struct {
	Job             string  `json:"job"`
	Release         string  `json:"release"`
	Module          string  `json:"module"`
	Number          int64   `json:"number"`
	Files           int     `json:"files"`
	Bytes           int64   `json:"bytes"`
	Tests           int64   `json:"tests"`
	Passed          int64   `json:"passed"`
	Failed          int64   `json:"failed"`
	Errors          int64   `json:"errors"`
	Skipped         int64   `json:"skipped"`
	Flaky           int64   `json:"flaky"`
	DurationSeconds float64 `json:"duration_seconds"`
	ImportSeconds   float64 `json:"import_seconds"`
	CasesPerSecond  float64 `json:"cases_per_second"`
	PeakRSSBytes    uint64  `json:"peak_rss_bytes"`
	PeakHeapBytes   uint64  `json:"peak_heap_bytes"`
}

// listedJobJSON is a job as `jobs --json` prints it.
type listedJobJSON struct {
	jobJSON
	ImportedAt string `json:"imported_at"`
	Source     string `json:"source"`
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

func toJSON(j core.Job) jobJSON {
	return jobJSON{
		Job: j.JobRef.String(), Release: j.Release, Module: j.Module, Number: j.Number,
		Files: j.Stats.Files, Bytes: j.Stats.Bytes,
		Tests: j.Tests, Passed: j.Passed, Failed: j.Failed, Errors: j.Errors, Skipped: j.Skipped, Flaky: j.Flaky,
		DurationSeconds: round(j.Duration, 3), ImportSeconds: round(j.Stats.Total.Seconds(), 3),
		CasesPerSecond: round(j.CasesPerSecond(), 1), PeakRSSBytes: j.Stats.PeakRSS, PeakHeapBytes: j.Stats.PeakHeap,
	}
}

func writeJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runImport(ctx context.Context, e *env, args []string) error {
	f := newFlags("import", e)
	jobArg := f.String("job", "", "target job RELEASE/MODULE[/NUMBER]; without NUMBER it is taken from the path or the next free one")
	replace := f.Bool("replace", false, "replace the job if it exists")
	revision := f.String("revision", "", "the source revision the reports were built from (kept with the job)")
	repo := f.String("repo", "", "a git clone of the source: the commits since the module's previous revision are kept with the job (remembered for the module)")
	paths, err := f.parse(args)
	if err != nil {
		return err
	}
	if *jobArg == "" {
		return usagef("--job is required")
	}
	ref, err := core.ParseJobRef(*jobArg, true)
	if err != nil {
		return usageError{err.Error()}
	}
	if len(paths) == 0 {
		return usagef("no reports given: name files, directories, .gz or .zip archives")
	}
	st, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()

	if *repo != "" && *revision == "" {
		return usagef("--repo needs --revision")
	}
	opts := importer.Options{Job: ref, Replace: *replace, Revision: *revision}
	if *revision != "" {
		if opts.Job.Number == 0 {
			if opts.Job.Number, err = importer.JobNumber(ctx, st, ref.ModuleRef, paths); err != nil {
				return err
			}
		}
		if opts.Revision, opts.Commits, err = changesOf(ctx, st, opts.Job, *revision, *repo); err != nil {
			return err
		}
	}

	log, closeLog := f.logger()
	defer closeLog()
	progress := newProgressLine(e.stderr, f.json)
	opts.Progress, opts.Logger = progress.update, log
	job, err := importer.Import(ctx, st, paths, opts)
	progress.clear()
	if errors.Is(err, core.ErrJobExists) {
		return fmt.Errorf("%w: add --replace to replace its results", err)
	}
	if err != nil {
		return err
	}
	if *repo != "" {
		if abs, err := filepath.Abs(*repo); err == nil {
			*repo = abs
		}
		if err := st.SetModuleRepo(ctx, ref.ModuleRef, *repo); err != nil {
			return err
		}
	}
	if f.json {
		return writeJSON(e, toJSON(job))
	}
	fmt.Fprintf(e.stdout, "imported %s: %s tests (%s passed, %s failed, %s errors, %s skipped, %s flaky)\n",
		job.JobRef, format.Count(job.Tests), format.Count(job.Passed), format.Count(job.Failed),
		format.Count(job.Errors), format.Count(job.Skipped), format.Count(job.Flaky))
	fmt.Fprintf(e.stdout, "%d file(s), %s in %s: %s cases/s, peak RSS %s, peak Go heap %s\n",
		job.Stats.Files, format.Bytes(uint64(job.Stats.Bytes)), format.Duration(job.Stats.Total),
		format.Rate(job.CasesPerSecond()), format.Bytes(job.Stats.PeakRSS), format.Bytes(job.Stats.PeakHeap))
	return nil
}

func runJobs(ctx context.Context, e *env, args []string) error {
	f := newFlags("jobs", e)
	moduleArg := f.String("module", "", "only the jobs of RELEASE/MODULE")
	operands, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(operands) > 0 {
		return usagef("unexpected operand %q", operands[0])
	}
	var module *core.ModuleRef
	if *moduleArg != "" {
		m, err := core.ParseModuleRef(*moduleArg)
		if err != nil {
			return usageError{err.Error()}
		}
		module = &m
	}
	st, err := f.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	jobs, err := st.Jobs(ctx, module)
	if err != nil {
		return err
	}
	if f.json {
		out := make([]listedJobJSON, 0, len(jobs))
		for _, j := range jobs {
			out = append(out, listedJobJSON{jobJSON: toJSON(j), ImportedAt: j.ImportedAt.Format(time.RFC3339), Source: j.Source})
		}
		return writeJSON(e, out)
	}
	if len(jobs) == 0 {
		fmt.Fprintln(e.stdout, "no jobs yet: import reports with `regtracker-cli import --job RELEASE/MODULE PATH...`")
		return nil
	}
	rows := make([][]string, 0, len(jobs))
	for _, j := range jobs {
		rows = append(rows, []string{j.JobRef.String(), format.Count(j.Tests), format.Count(j.Passed),
			format.Count(j.Failed), format.Count(j.Errors), format.Count(j.Skipped), format.Count(j.Flaky),
			format.Duration(j.Stats.Total), j.ImportedAt.Local().Format("2006-01-02 15:04")})
	}
	table(e.stdout, []string{"JOB", "TESTS", "PASSED", "FAILED", "ERRORS", "SKIPPED", "FLAKY", "IMPORT", "IMPORTED AT"}, rows, "lrrrrrrrl")
	return nil
}

// changesOf resolves revision in the module's git clone (repo, else the one remembered)
// and reads the commits since the revision of the module's job before job: none for its
// first job with a revision. Without a clone the revision is kept as given.
func changesOf(ctx context.Context, st store.Store, job core.JobRef, revision, repo string) (string, []core.Commit, error) {
	if repo == "" {
		var err error
		if repo, err = st.ModuleRepo(ctx, job.ModuleRef); err != nil || repo == "" {
			return revision, nil, err
		}
	}
	full, err := gitlog.Resolve(ctx, repo, revision)
	if err != nil {
		return "", nil, err
	}
	prev, err := st.PreviousRevision(ctx, job.ModuleRef, job.Number)
	if err != nil || prev == "" {
		return full, nil, err
	}
	commits, err := gitlog.Log(ctx, repo, prev, full)
	return full, commits, err
}
