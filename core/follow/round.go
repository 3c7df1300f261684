package follow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/fetch"
	"github.com/regtracker/regtracker/core/jenkins"
)

// Deps are what fetching a followed job needs.
type Deps struct {
	Store fetch.Store
	Cache *jenkins.Cache
	// Token returns the API token kept for user on server; an error wrapping
	// fs.ErrNotExist when none is kept (the job is then fetched anonymously).
	Token func(server, user string) (string, error)
	// Wait, if set, keeps a job's builds left running for its next fetch
	// (List.SetWaiting); called when they differ from Job.Waiting.
	Wait func(j Job, builds []int64) error
}

// Outcome is what one fetch of a followed job did.
type Outcome struct {
	Job    Job
	Result fetch.Result
	// Err is why the job's builds could not even be listed (unreachable server, a token
	// refused, a vanished job); each build's own failure is in Result.Failed.
	Err error
}

// OK says whether the job was reached and every build it selected was imported or
// skipped.
func (o Outcome) OK() bool { return o.Err == nil && len(o.Result.Failed) == 0 }

// Problem is the outcome's error, or its first failed build's, for people; nil when OK.
func (o Outcome) Problem() error {
	switch {
	case o.Err != nil:
		return o.Err
	case len(o.Result.Failed) > 0:
		f := o.Result.Failed[0]
		return fmt.Errorf("build %d: %w", f.Number, f.Err)
	}
	return nil
}

// Fetch imports the builds of j newer than its module's last job; a running build is
// left for a later round.
func Fetch(ctx context.Context, d Deps, j Job) Outcome {
	out := Outcome{Job: j}
	into, err := j.Module()
	if err != nil {
		out.Err = fmt.Errorf("%s: %w", j.Name(), err)
		return out
	}
	token := ""
	if d.Token != nil {
		t, err := d.Token(j.Server, j.User)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			out.Err = fmt.Errorf("the token of %s on %s: %w", j.User, j.Server, err)
			return out
		}
		token = t
	}
	c, err := jenkins.New(jenkins.Config{URL: j.Server, User: j.User, Token: token, CAFile: j.CAFile, Insecure: j.Insecure})
	if err != nil {
		out.Err = err
		return out
	}
	defer c.Close()
	out.Result, out.Err = fetch.Fetch(ctx, c, d.Cache, d.Store, fetch.Options{JenkinsJob: j.Job, Into: into, NewOnly: true, Glob: j.Glob})
	if out.Err != nil {
		return out
	}
	if len(j.Waiting) > 0 {
		// The builds left running last time; one that vanished is forgotten.
		earlier, err := fetch.Fetch(ctx, c, d.Cache, d.Store, fetch.Options{JenkinsJob: j.Job, Into: into, Builds: j.Waiting, Glob: j.Glob})
		if err == nil {
			out.Result.Imported = append(out.Result.Imported, earlier.Imported...)
			out.Result.Failed = append(out.Result.Failed, earlier.Failed...)
			for _, s := range earlier.Skipped {
				if s.Reason != fetch.AlreadyImported && !slices.ContainsFunc(out.Result.Skipped, func(o fetch.Skipped) bool { return o.Number == s.Number }) {
					out.Result.Skipped = append(out.Result.Skipped, s)
				}
			}
		}
	}
	// A build with no report (one that stopped before its tests) is nothing to follow:
	// skipped, so that it does not fail the job at every round.
	failed := out.Result.Failed[:0]
	for _, f := range out.Result.Failed {
		if errors.Is(f.Err, fetch.ErrNoReport) {
			out.Result.Skipped = append(out.Result.Skipped, fetch.Skipped{Number: f.Number, Reason: "no test report"})
		} else {
			failed = append(failed, f)
		}
	}
	out.Result.Failed = failed
	slices.SortFunc(out.Result.Imported, func(a, b core.Job) int { return cmp.Compare(a.Number, b.Number) })
	slices.SortFunc(out.Result.Skipped, func(a, b fetch.Skipped) int { return cmp.Compare(a.Number, b.Number) })

	// Running builds below the newest imported one are asked for by number next time.
	var newest int64
	for _, imp := range out.Result.Imported {
		newest = max(newest, imp.Number)
	}
	var waiting []int64
	for _, s := range out.Result.Skipped {
		if s.Reason == fetch.StillRunning && (s.Number < newest || slices.Contains(j.Waiting, s.Number)) {
			waiting = append(waiting, s.Number)
		}
	}
	if d.Wait != nil && !slices.Equal(waiting, j.Waiting) {
		d.Wait(j, waiting)
	}
	return out
}

// Round fetches every followed job of jobs, one after the other, and returns their
// outcomes in the same order.
func Round(ctx context.Context, d Deps, jobs []Job) []Outcome {
	var out []Outcome
	for _, j := range jobs {
		if j.Follow && ctx.Err() == nil {
			out = append(out, Fetch(ctx, d, j))
		}
	}
	return out
}
