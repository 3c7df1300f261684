// Package storecopy copies a regtracker history from one store to another: a laptop's
// file onto a team's server and back, or into another file.
package storecopy

import (
	"context"
	"errors"
	"fmt"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
)

// Summary is what a copy did.
type Summary struct {
	Jobs        int   `json:"jobs"`         // copied
	Skipped     int   `json:"skipped"`      // already in the target, left as they are
	Results     int64 `json:"results"`      // of the jobs copied
	KnownIssues int   `json:"known_issues"` // copied (those the target had are skipped)
	Repos       int   `json:"repos"`        // modules' source clones the target did not have
}

// Copy copies every job of from that to does not have (its results, texts, counts,
// import statistics and time, revision and commits), each in one transaction of to, then
// the known issues and the modules' source clones to lacks. A job that fails leaves
// nothing of itself in to; the jobs copied before it stay. progress, if set, is called
// before each job.
func Copy(ctx context.Context, from, to store.Store, progress func(job core.JobRef, i, n int)) (Summary, error) {
	var sum Summary
	jobs, err := from.Jobs(ctx, nil)
	if err != nil {
		return sum, fmt.Errorf("reading %s: %w", from.Path(), err)
	}
	modules := map[core.ModuleRef]bool{}
	for i, j := range jobs {
		modules[j.ModuleRef] = true
		if progress != nil {
			progress(j.JobRef, i, len(jobs))
		}
		if _, err := to.Job(ctx, j.JobRef); err == nil {
			sum.Skipped++
			continue
		} else if !errors.Is(err, core.ErrNotFound) {
			return sum, err
		}
		if err := copyJob(ctx, from, to, j); err != nil {
			return sum, fmt.Errorf("copying %s: %w", j.JobRef, err)
		}
		sum.Jobs++
		sum.Results += j.Tests
	}
	if sum.KnownIssues, err = copyKnown(ctx, from, to); err != nil {
		return sum, err
	}
	for m := range modules {
		repo, err := from.ModuleRepo(ctx, m)
		if err != nil || repo == "" {
			if err != nil {
				return sum, err
			}
			continue
		}
		if have, err := to.ModuleRepo(ctx, m); err != nil || have != "" {
			if err != nil {
				return sum, err
			}
			continue
		}
		if err := to.SetModuleRepo(ctx, m, repo); err != nil {
			return sum, err
		}
		sum.Repos++
	}
	return sum, nil
}

func copyJob(ctx context.Context, from, to store.Store, j core.Job) error {
	var commits []core.Commit
	jc, err := from.Commits(ctx, j.ModuleRef, j.Number-1, j.Number)
	if err != nil {
		return err
	}
	for _, c := range jc {
		commits = append(commits, c.Commits...)
	}
	w, err := to.BeginJob(ctx, j.JobRef, core.WriteOptions{Source: j.Source, Revision: j.Revision, Commits: commits, ImportedAt: j.ImportedAt})
	if err != nil {
		return err
	}
	if err := from.EachResult(ctx, j.JobRef, func(rs []core.Result) error { return w.Add(ctx, rs) }); err != nil {
		w.Rollback()
		return err
	}
	copied, err := w.Commit(ctx, j.Stats)
	if err != nil {
		return err
	}
	if copied.Counts != j.Counts {
		return fmt.Errorf("the copy counts %+v, the source %+v", copied.Counts, j.Counts)
	}
	return nil
}

// copyKnown copies the known issues to lacks (the same module, subject and reason).
func copyKnown(ctx context.Context, from, to store.Store) (int, error) {
	src, err := from.KnownIssues(ctx, nil)
	if err != nil {
		return 0, err
	}
	dst, err := to.KnownIssues(ctx, nil)
	if err != nil {
		return 0, err
	}
	key := func(k core.KnownIssue) string { return k.Module.String() + "\x00" + k.Subject() + "\x00" + k.Reason }
	have := map[string]bool{}
	for _, k := range dst {
		have[key(k)] = true
	}
	n := 0
	for _, k := range src {
		if have[key(k)] {
			continue
		}
		k.ID = 0
		if _, err := to.AddKnownIssue(ctx, k); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
