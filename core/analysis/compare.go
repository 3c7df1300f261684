// Package analysis answers what users open regtracker for: what regressed, what was
// fixed, what keeps failing and since when, what is flaky, which failures share a cause,
// and how a module trends. It works on the store's per-job test states, which are sorted
// by test key, so comparing two jobs of a million tests is a merge of two streams.
package analysis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
)

// Store is what the analysis reads.
type Store interface {
	States(ctx context.Context, job core.JobRef) (store.StateReader, error)
	TestNames(ctx context.Context, keys []int64) (map[int64]core.TestID, error)
	TestKey(ctx context.Context, id core.TestID) (int64, error)
	Messages(ctx context.Context, job core.JobRef, seqs []uint32) (map[uint32]string, error)
	Base(ctx context.Context, job core.JobRef) (core.JobRef, bool, error)
	Next(ctx context.Context, job core.JobRef) (core.JobRef, bool, error)
	Job(ctx context.Context, job core.JobRef) (core.Job, error)
	TestHistory(ctx context.Context, module core.ModuleRef, key int64) ([]store.JobTestState, error)
	JobsWithDiffs(ctx context.Context, module core.ModuleRef) ([]core.Job, []store.DiffCounts, error)
	SetDiffCounts(ctx context.Context, job core.JobRef, base *core.JobRef, regressions, fixed int64, knownSet string) error
	KnownIssues(ctx context.Context, module *core.ModuleRef) ([]core.KnownIssue, error)
	Commits(ctx context.Context, module core.ModuleRef, after, upTo int64) ([]store.JobCommits, error)
}

// Change is one test whose outcome differs between a job and its base, or fails in both.
type Change struct {
	Test       core.TestID
	Status     core.Status // in the job; for a test only in the base, its base status
	BaseStatus core.Status // in the base; Passed when the test is new
	InBase     bool
	// Seq is the position of the result that decided the test's status: in the job, or
	// for a fixed test in the base (see core.Store.ResultDetail).
	Seq uint32
	// Message is the failure message: the job's, or for a fixed test the base's.
	Message string
	// Known is the known issue a failing test falls under, if any.
	Known *core.KnownIssue
	// For a regression against a job of the same module: LastPassed and FirstFailed are
	// the jobs it passed and failed in, and Changes the commits that entered after the
	// one up to the other, the Suspects first of them touching the test's package.
	LastPassed, FirstFailed *core.JobRef
	Changes                 []core.Commit
	Suspects                int
}

// BaseWord is the test's status in the base, "absent" when it was not there.
func (c Change) BaseWord() string {
	if !c.InBase {
		return "absent"
	}
	return c.BaseStatus.String()
}

// Comparison is a job compared with a base job.
type Comparison struct {
	Job core.JobRef
	// Base is nil when the job has no base (the first job of its module): every test is
	// then new, and its failures are listed as NewFailures.
	Base *core.JobRef
	// Regressions: passed in the base, failed or error now. Fixed: failed or error in the
	// base, passed now. StillFailing: failed or error in both. NewFailures: absent from
	// the base, failed or error now. A test skipped on either side is in none of them.
	// The regressions that fall under a known issue of the job's module are in Known
	// instead; still failing and new failures that do keep their place, marked.
	Regressions, Fixed, StillFailing, NewFailures, Known []Change
	// NewTests and RemovedTests count the identities present on one side only.
	NewTests, RemovedTests int64
}

// Compare compares job with base, or with its default base (the module's job numbered
// highest below it) when base is nil. Any two jobs compare, across modules and releases.
func Compare(ctx context.Context, st Store, job core.JobRef, base *core.JobRef) (Comparison, error) {
	c := Comparison{Job: job}
	if _, err := st.Job(ctx, job); err != nil {
		return c, err
	}
	if base == nil {
		b, ok, err := st.Base(ctx, job)
		if err != nil {
			return c, err
		}
		if ok {
			base = &b
		}
	} else if _, err := st.Job(ctx, *base); err != nil {
		return c, fmt.Errorf("base: %w", err)
	}
	c.Base = base

	type pending struct {
		list     *[]Change
		key      int64
		cur, old store.TestState
		inBase   bool
	}
	var found []pending
	counts, err := merge(ctx, st, job, base, func(cur, old store.TestState, inCur, inBase bool) {
		switch kind := classify(cur.Status, old.Status, inCur, inBase); kind {
		case regression:
			found = append(found, pending{&c.Regressions, cur.Key, cur, old, true})
		case fixed:
			found = append(found, pending{&c.Fixed, cur.Key, cur, old, true})
		case stillFailing:
			found = append(found, pending{&c.StillFailing, cur.Key, cur, old, true})
		case newFailure:
			found = append(found, pending{&c.NewFailures, cur.Key, cur, old, false})
		}
	})
	if err != nil {
		return c, err
	}
	c.NewTests, c.RemovedTests = counts.newTests, counts.removedTests

	// Names and messages for the listed tests only.
	keys := make([]int64, len(found))
	var curSeqs, baseSeqs []uint32
	for i, p := range found {
		keys[i] = p.key
		if p.list == &c.Fixed {
			baseSeqs = append(baseSeqs, p.old.Seq)
		} else {
			curSeqs = append(curSeqs, p.cur.Seq)
		}
	}
	// Three independent reads: run them at once, on separate connections.
	var (
		names           map[int64]core.TestID
		curMsg, baseMsg map[uint32]string
		errs            [3]error
		wg              sync.WaitGroup
	)
	wg.Go(func() { names, errs[0] = st.TestNames(ctx, keys) })
	wg.Go(func() { curMsg, errs[1] = st.Messages(ctx, job, curSeqs) })
	if len(baseSeqs) > 0 {
		wg.Go(func() { baseMsg, errs[2] = st.Messages(ctx, *base, baseSeqs) })
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return c, err
	}
	kn, err := activeKnown(ctx, st, job.ModuleRef)
	if err != nil {
		return c, err
	}
	// In name order, each list is built sorted: sorting the small (name, index) pairs is
	// cheaper than sorting the lists' Changes, and the lists are allocated once.
	type named struct {
		id core.TestID
		i  int
	}
	order := make([]named, len(found))
	sizes := map[*[]Change]int{}
	for i, p := range found {
		order[i] = named{names[p.key], i}
		sizes[p.list]++
	}
	slices.SortFunc(order, func(a, b named) int {
		return cmp.Or(cmp.Compare(a.id.Classname, b.id.Classname), cmp.Compare(a.id.Name, b.id.Name))
	})
	for l, n := range sizes {
		*l = make([]Change, 0, n)
	}
	for _, o := range order {
		p := found[o.i]
		ch := Change{Test: o.id, Status: p.cur.Status, BaseStatus: p.old.Status, InBase: p.inBase,
			Seq: p.cur.Seq, Message: curMsg[p.cur.Seq]}
		list := p.list
		if list == &c.Fixed {
			ch.Seq, ch.Message = p.old.Seq, baseMsg[p.old.Seq]
		} else if ch.Known = kn.match(ch.Test, ch.Message); ch.Known != nil && list == &c.Regressions {
			list = &c.Known
		}
		*list = append(*list, ch)
	}
	if err := addChanges(ctx, st, &c); err != nil {
		return c, err
	}
	return c, nil
}

type changeKind int

const (
	unchanged changeKind = iota
	regression
	fixed
	stillFailing
	newFailure
)

// classify applies the definitions to one test's status in a job and in its base.
func classify(cur, old core.Status, inCur, inBase bool) changeKind {
	switch {
	case !inCur:
		return unchanged
	case !inBase:
		if cur.IsFailure() {
			return newFailure
		}
	case cur.IsFailure() && old == core.Passed:
		return regression
	case cur == core.Passed && old.IsFailure():
		return fixed
	case cur.IsFailure() && old.IsFailure():
		return stillFailing
	}
	return unchanged
}

type mergeCounts struct {
	newTests, removedTests int64
}

// merge walks the states of job and base together in key order and calls fn for every
// test of either, saying on which sides it is. With no base (nil) every test of job is
// new.
func merge(ctx context.Context, st Store, job core.JobRef, base *core.JobRef, fn func(cur, old store.TestState, inCur, inBase bool)) (mergeCounts, error) {
	var counts mergeCounts
	a, err := st.States(ctx, job)
	if err != nil {
		return counts, err
	}
	defer a.Close()
	var b store.StateReader = noStates{}
	if base != nil {
		if b, err = st.States(ctx, *base); err != nil {
			return counts, err
		}
	}
	defer b.Close()
	x, okA := a.Next()
	y, okB := b.Next()
	for okA || okB {
		switch {
		case okA && (!okB || x.Key < y.Key):
			counts.newTests++
			fn(x, store.TestState{}, true, false)
			x, okA = a.Next()
		case okB && (!okA || y.Key < x.Key):
			counts.removedTests++
			fn(store.TestState{Key: y.Key}, y, false, true)
			y, okB = b.Next()
		default:
			fn(x, y, true, true)
			x, okA = a.Next()
			y, okB = b.Next()
		}
	}
	if err := a.Err(); err != nil {
		return counts, err
	}
	return counts, b.Err()
}

// noStates is the base of a job that has none: no tests.
type noStates struct{}

func (noStates) Next() (store.TestState, bool) { return store.TestState{}, false }
func (noStates) Err() error                    { return nil }
func (noStates) Close() error                  { return nil }

// diffCounts counts the regressions and fixed tests of job against base, leaving out
// the regressions that fall under the known issues kn.
func diffCounts(ctx context.Context, st Store, job, base core.JobRef, kn known) (regressions, fixes int64, err error) {
	var regressed []store.TestState
	_, err = merge(ctx, st, job, &base, func(cur, old store.TestState, inCur, inBase bool) {
		switch classify(cur.Status, old.Status, inCur, inBase) {
		case regression:
			regressions++
			if !kn.empty() {
				regressed = append(regressed, cur)
			}
		case fixed:
			fixes++
		}
	})
	if err != nil || len(regressed) == 0 {
		return regressions, fixes, err
	}
	keys := make([]int64, len(regressed))
	seqs := make([]uint32, len(regressed))
	for i, s := range regressed {
		keys[i], seqs[i] = s.Key, s.Seq
	}
	names, err := st.TestNames(ctx, keys)
	if err != nil {
		return 0, 0, err
	}
	var messages map[uint32]string
	if len(kn.sigs) > 0 {
		if messages, err = st.Messages(ctx, job, seqs); err != nil {
			return 0, 0, err
		}
	}
	for _, s := range regressed {
		if kn.match(names[s.Key], messages[s.Seq]) != nil {
			regressions--
		}
	}
	return regressions, fixes, nil
}

// addChanges gives each regression of c (counted or known) the commits between its base
// and its job, when both are of one module.
func addChanges(ctx context.Context, st Store, c *Comparison) error {
	if c.Base == nil || c.Base.ModuleRef != c.Job.ModuleRef || c.Base.Number >= c.Job.Number {
		return nil
	}
	if len(c.Regressions) == 0 && len(c.Known) == 0 {
		return nil
	}
	jobs, err := st.Commits(ctx, c.Job.ModuleRef, c.Base.Number, c.Job.Number)
	if err != nil {
		return err
	}
	// A job imported before the jobs just below it also keeps their builds' commits
	// (Jenkins builds never imported count with the next job; fetches run in parallel):
	// a commit a build at or below the base brought is not between the two, and one kept
	// by two jobs of the range counts once.
	var commits []core.Commit
	seen := map[string]bool{}
	for _, j := range jobs {
		for _, cm := range j.Commits {
			if (cm.Build != 0 && cm.Build <= c.Base.Number) || seen[cm.ID] {
				continue
			}
			seen[cm.ID] = true
			commits = append(commits, cm)
		}
	}
	base, job := *c.Base, c.Job
	for _, l := range [][]Change{c.Regressions, c.Known} {
		for i := range l {
			l[i].LastPassed, l[i].FirstFailed = &base, &job
			l[i].Changes, l[i].Suspects = orderSuspects(l[i].Test.Classname, commits)
		}
	}
	return nil
}
