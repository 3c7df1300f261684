package analysis

import (
	"cmp"
	"container/heap"
	"context"
	"slices"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
)

// DefaultFlakyWindow is how many of a module's latest jobs the flaky score looks at.
const DefaultFlakyWindow = 30

// FlakyTest is a test that flipped between passing and failing.
type FlakyTest struct {
	Test core.TestID
	// Runs counts the jobs in the window that ran the test and did not skip it; Failures
	// those that failed or errored; Flips the changes between passed and failed or error
	// from one run to the next, plus the runs carrying a Surefire flaky mark.
	Runs, Failures, Flips int
	// Score is Flips / (Runs - 1) (Flips when Runs is 1).
	Score      float64
	LastStatus core.Status
}

// Flaky scores the tests of module over its last `last` jobs (DefaultFlakyWindow when
// last <= 0) and returns those that flipped at least once, highest score first.
func Flaky(ctx context.Context, st Store, module core.ModuleRef, last int) ([]FlakyTest, error) {
	if last <= 0 {
		last = DefaultFlakyWindow
	}
	jobs, _, err := st.JobsWithDiffs(ctx, module)
	if err != nil {
		return nil, err
	}
	if len(jobs) > last {
		jobs = jobs[len(jobs)-last:]
	}
	// Walk every job's states at once, in key order: all runs of one test arrive together.
	h := &stateHeap{}
	for i, j := range jobs {
		r, err := st.States(ctx, j.JobRef)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		if s, ok := r.Next(); ok {
			h.items = append(h.items, headItem{s, i, r})
		} else if err := r.Err(); err != nil {
			return nil, err
		}
	}
	heap.Init(h)
	type scored struct {
		key int64
		FlakyTest
	}
	var found []scored
	runs := make([]store.TestState, 0, len(jobs))
	for h.Len() > 0 {
		key := h.items[0].state.Key
		runs = runs[:0]
		for h.Len() > 0 && h.items[0].state.Key == key {
			top := &h.items[0]
			runs = append(runs, top.state) // in job order: ties break by job index
			if s, ok := top.reader.Next(); ok {
				top.state = s
				heap.Fix(h, 0)
			} else {
				if err := top.reader.Err(); err != nil {
					return nil, err
				}
				heap.Pop(h)
			}
		}
		if f, ok := score(runs); ok {
			found = append(found, scored{key, f})
		}
	}
	keys := make([]int64, len(found))
	for i, f := range found {
		keys[i] = f.key
	}
	names, err := st.TestNames(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]FlakyTest, len(found))
	for i, f := range found {
		out[i] = f.FlakyTest
		out[i].Test = names[f.key]
	}
	slices.SortFunc(out, func(a, b FlakyTest) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Flips, a.Flips),
			cmp.Compare(a.Test.Classname, b.Test.Classname), cmp.Compare(a.Test.Name, b.Test.Name))
	})
	return out, nil
}

// score computes one test's flakiness from its states in consecutive jobs.
func score(states []store.TestState) (FlakyTest, bool) {
	var f FlakyTest
	var prev core.Status
	for _, s := range states {
		if s.Status == core.Skipped {
			continue
		}
		if f.Runs > 0 && (prev == core.Passed) != (s.Status == core.Passed) {
			f.Flips++
		}
		if s.Flaky {
			f.Flips++
		}
		if s.Status.IsFailure() {
			f.Failures++
		}
		f.Runs++
		prev = s.Status
		f.LastStatus = s.Status
	}
	if f.Flips == 0 {
		return f, false
	}
	f.Score = float64(f.Flips) / float64(max(f.Runs-1, 1))
	return f, true
}

type headItem struct {
	state  store.TestState
	job    int
	reader store.StateReader
}

// stateHeap orders the readers' current states by key, then by job.
type stateHeap struct{ items []headItem }

func (h *stateHeap) Len() int { return len(h.items) }
func (h *stateHeap) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	return a.state.Key < b.state.Key || (a.state.Key == b.state.Key && a.job < b.job)
}
func (h *stateHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *stateHeap) Push(x any)    { h.items = append(h.items, x.(headItem)) }
func (h *stateHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// ScoreRuns scores a test's flakiness from its history's last `last` runs
// (DefaultFlakyWindow when last <= 0), by the same rules as Flaky. ok is false when it
// never flipped.
func ScoreRuns(runs []Run, last int) (FlakyTest, bool) {
	if last <= 0 {
		last = DefaultFlakyWindow
	}
	if len(runs) > last {
		runs = runs[len(runs)-last:]
	}
	states := make([]store.TestState, len(runs))
	for i, r := range runs {
		states[i] = store.TestState{Status: r.Status, Flaky: r.Flaky}
	}
	return score(states)
}
