package analysis

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
)

// SlowerTest is a test that passed in a job but took much longer than it used to.
type SlowerTest struct {
	Test     core.TestID
	Duration float64 // seconds, in the job
	// Baseline is the median of its times in its last BaselineRuns passing runs (at
	// most baselineRuns) in earlier jobs of the module.
	Baseline     float64
	BaselineRuns int
}

// Increase is how much longer it took than its baseline.
func (s SlowerTest) Increase() float64 { return s.Duration - s.Baseline }

const (
	baselineRuns    = 10 // passing runs a baseline is the median of, at most
	minBaselineRuns = 3  // and at least
)

// SlowerStore is what Slower reads.
type SlowerStore interface {
	Jobs(ctx context.Context, module *core.ModuleRef) ([]core.Job, error)
	TimedStates(ctx context.Context, job core.JobRef) ([]store.TimedState, error)
	TestNames(ctx context.Context, keys []int64) (map[int64]core.TestID, error)
}

// Slower lists the tests that passed in job (a flaky pass counts) in at least factor
// times the median of their times in their last 10 passing runs in earlier jobs of the
// module (at least 3 such runs; skipped and failing runs do not count), and at least
// minIncrease seconds more; largest increase first.
func Slower(ctx context.Context, st SlowerStore, job core.JobRef, factor, minIncrease float64) ([]SlowerTest, error) {
	jobs, err := st.Jobs(ctx, &job.ModuleRef)
	if err != nil {
		return nil, err
	}
	var earlier []core.JobRef
	found := false
	for i := len(jobs) - 1; i >= 0; i-- {
		switch n := jobs[i].Number; {
		case n == job.Number:
			found = true
		case n < job.Number:
			earlier = append(earlier, jobs[i].JobRef) // newest first
		}
	}
	if !found {
		return nil, fmt.Errorf("job %s: %w", job, core.ErrNotFound)
	}
	cur, err := st.TimedStates(ctx, job)
	if err != nil {
		return nil, err
	}
	// Candidates: passed now, and long enough to be minIncrease above any baseline.
	type candidate struct {
		key      int64
		duration float64
		times    []float64
	}
	var cands []candidate
	for _, s := range cur {
		if s.Status == core.Passed && s.Duration >= minIncrease && s.Duration > 0 {
			cands = append(cands, candidate{key: s.Key, duration: s.Duration})
		}
	}
	open := len(cands) // candidates with fewer than baselineRuns times
	for _, ref := range earlier {
		if open == 0 || len(cands) == 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		states, err := st.TimedStates(ctx, ref)
		if err != nil {
			return nil, err
		}
		// Both are in key order: a merge.
		i := 0
		for c := range cands {
			cd := &cands[c]
			for i < len(states) && states[i].Key < cd.key {
				i++
			}
			if i < len(states) && states[i].Key == cd.key && states[i].Status == core.Passed && len(cd.times) < baselineRuns {
				cd.times = append(cd.times, states[i].Duration)
				if len(cd.times) == baselineRuns {
					open--
				}
			}
		}
	}
	var out []SlowerTest
	var keys []int64
	for _, c := range cands {
		if len(c.times) < minBaselineRuns {
			continue
		}
		m := median(c.times)
		if c.duration >= factor*m && c.duration-m >= minIncrease {
			out = append(out, SlowerTest{Test: core.TestID{}, Duration: c.duration, Baseline: m, BaselineRuns: len(c.times)})
			keys = append(keys, c.key)
		}
	}
	names, err := st.TestNames(ctx, keys)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Test = names[keys[i]]
	}
	slices.SortFunc(out, func(a, b SlowerTest) int {
		return cmp.Or(cmp.Compare(b.Increase(), a.Increase()), cmp.Compare(a.Test.String(), b.Test.String()))
	})
	return out, nil
}

// median of vs (not empty): the middle value, or the mean of the middle two.
func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// UsualTimes gives, for each of a test's runs (oldest first), the usual time Slower
// compares it with: the median of its last 10 passing runs before it (at least 3), NaN
// where there are fewer.
func UsualTimes(runs []Run) []float64 {
	out := make([]float64, len(runs))
	var passing []float64
	for i, r := range runs {
		out[i] = math.NaN()
		if n := len(passing); n >= minBaselineRuns {
			out[i] = median(passing[max(0, n-baselineRuns):])
		}
		if r.Status == core.Passed {
			passing = append(passing, r.Duration)
		}
	}
	return out
}
