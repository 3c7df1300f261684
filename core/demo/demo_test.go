package demo_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/demo"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/sqlite"
)

func fill(t *testing.T) (store.Store, []core.Job) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var jobs []core.Job
	if err := demo.Fill(context.Background(), s, func(j core.Job) { jobs = append(jobs, j) }); err != nil {
		t.Fatal(err)
	}
	return s, jobs
}

func TestDemoHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole demo history twice")
	}
	ctx := context.Background()
	s, jobs := fill(t)
	if len(jobs) != 232 {
		t.Fatalf("%d jobs", len(jobs))
	}
	for _, j := range jobs {
		if j.Identities < 2000 || j.Identities > 4000 {
			t.Errorf("%s has %d tests: want a few thousand", j.JobRef, j.Identities)
		}
	}
	// Deterministic: a second fill gives the same jobs.
	_, again := fill(t)
	counts := func(js []core.Job) []core.Counts {
		out := make([]core.Counts, len(js))
		for i, j := range js {
			out[i] = j.Counts
		}
		return out
	}
	if !reflect.DeepEqual(counts(jobs), counts(again)) {
		t.Error("two fills differ")
	}

	for _, mod := range demo.Modules {
		m := core.ModuleRef{Release: "7.0", Module: mod}
		// A test that has failed for many builds.
		h, err := analysis.TestHistory(ctx, s, m, core.TestID{Classname: fmt.Sprintf(demo.LongFailingClass, mod), Name: demo.LongFailingName})
		if err != nil {
			t.Fatal(err)
		}
		if h.FailingSince == nil || h.FailingSince.Number != demo.FailingFrom || h.Age != demo.Jobs["7.0"]-demo.FailingFrom+1 {
			t.Errorf("%s: long-failing test since %v, age %d", m, h.FailingSince, h.Age)
		}
		// Regressions and fixes, flaky tests, failures sharing a cause.
		trend, err := analysis.Trend(ctx, s, m)
		if err != nil {
			t.Fatal(err)
		}
		var regressions, fixed int64
		for _, p := range trend {
			regressions += p.Regressions
			fixed += p.Fixed
		}
		if regressions < 5 || fixed < 5 {
			t.Errorf("%s: %d regressions, %d fixed over its history", m, regressions, fixed)
		}
		flaky, err := analysis.Flaky(ctx, s, m, 0)
		if err != nil || len(flaky) < 5 {
			t.Errorf("%s: %d flaky tests (%v)", m, len(flaky), err)
		}
		biggest := 0
		for _, p := range trend {
			groups, err := analysis.Groups(ctx, s, p.Job.JobRef)
			if err != nil {
				t.Fatal(err)
			}
			if len(groups) > 0 {
				biggest = max(biggest, groups[0].Count)
			}
		}
		if biggest < 10 {
			t.Errorf("%s: no job has failures sharing a cause (largest group %d)", m, biggest)
		}
		// Durations drift upwards.
		if first, last := trend[0].Job.Duration, trend[len(trend)-1].Job.Duration; last < first*1.05 {
			t.Errorf("%s: total duration %.0f s -> %.0f s does not drift", m, first, last)
		}
	}
}
