package analysis

import (
	"fmt"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
)

// timedJob writes one job of module: runs maps a test name (class vpn.T) to
// "STATUS:SECONDS" ("P:0.5", "F:3", "S:0"); missing tests are absent.
func timedJob(t *testing.T, s store.Store, job string, runs map[string]string) {
	t.Helper()
	var rs []core.Result
	for _, name := range []string{"steady", "slowed", "noisy", "oldslow", "failing", "skipped", "newcomer", "fewruns", "flakypass", "small"} {
		r, ok := runs[name]
		if !ok {
			continue
		}
		var st string
		var secs float64
		fmt.Sscanf(r, "%1s:%g", &st, &secs)
		res := core.Result{Classname: "vpn.T", Name: name, Duration: secs}
		switch st {
		case "F":
			res.Status, res.Message = core.Failed, "boom"
		case "S":
			res.Status = core.Skipped
		case "K":
			res.Flaky = true
		}
		rs = append(rs, res)
	}
	w, err := s.BeginJob(ctx, jobRef(job), core.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(ctx, rs); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(ctx, core.ImportStats{}); err != nil {
		t.Fatal(err)
	}
}

// TestSlower: planted slowdowns, noise, failing and skipped runs, new tests and an old
// slow era; the rule's answer, in its order, with default and other limits.
func TestSlower(t *testing.T) {
	s := openStore(t)
	// 14 earlier jobs, then job 15 where some tests take longer.
	for n := 1; n <= 14; n++ {
		runs := map[string]string{
			"steady":  "P:1",
			"slowed":  "P:1",
			"noisy":   fmt.Sprintf("P:%g", []float64{1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3}[n-1]),
			"oldslow": "P:1", // slow in jobs 1-4 (the old era), fast in the last 10
			"failing": "F:0.1",
			"skipped": "P:1",
			"fewruns": "S:0",
			"small":   "P:0.1",
		}
		if n <= 4 {
			runs["oldslow"] = "P:9"
		}
		if n >= 12 {
			runs["fewruns"] = "P:1" // only 3 passing runs: 12, 13, 14
		}
		if n >= 10 {
			runs["skipped"] = "S:0" // its last passing runs are 1-9
		}
		if n%2 == 0 {
			runs["failing"] = "P:1" // passing runs 2, 4, ..., 14: median 1
		}
		timedJob(t, s, fmt.Sprintf("7.0/vpn/%d", n), runs)
	}
	timedJob(t, s, "7.0/vpn/15", map[string]string{
		"steady":    "P:1.2",  // 1.2x: not slower
		"slowed":    "P:4",    // 4x, +3 s
		"noisy":     "P:4",    // median of 1,3,...: 2 -> 2x, +2 s
		"oldslow":   "P:2.5",  // median of the last 10 (1 s): 2.5x, +1.5 s; all 14 would say 9 s
		"failing":   "P:3",    // median of its 7 passing runs: 1 -> 3x, +2 s
		"skipped":   "P:2.4",  // median of runs 1-9 (1 s): 2.4x, +1.4 s
		"newcomer":  "P:10",   // no earlier runs
		"fewruns":   "P:5",    // 3 passing runs of 1 s: 5x, +4 s
		"flakypass": "K:1",    // absent before
		"small":     "P:0.45", // 4.5x but only +0.35 s
	})
	names := func(ss []SlowerTest) []string {
		out := []string{}
		for _, x := range ss {
			out = append(out, fmt.Sprintf("%s %g/%g/%d", x.Test.Name, x.Duration, x.Baseline, x.BaselineRuns))
		}
		return out
	}
	for _, c := range []struct {
		factor, min float64
		want        string
	}{
		{2, 0.5, "[fewruns 5/1/3 slowed 4/1/10 failing 3/1/7 noisy 4/2/10 oldslow 2.5/1/10 skipped 2.4/1/9]"},
		{3, 0.5, "[fewruns 5/1/3 slowed 4/1/10 failing 3/1/7]"},
		{2, 2.5, "[fewruns 5/1/3 slowed 4/1/10]"},
		{2, 0.3, "[fewruns 5/1/3 slowed 4/1/10 failing 3/1/7 noisy 4/2/10 oldslow 2.5/1/10 skipped 2.4/1/9 small 0.45/0.1/10]"},
		{1.1, 0.1, "[fewruns 5/1/3 slowed 4/1/10 failing 3/1/7 noisy 4/2/10 oldslow 2.5/1/10 skipped 2.4/1/9 small 0.45/0.1/10 steady 1.2/1/10]"},
	} {
		got, err := Slower(ctx, s, jobRef("7.0/vpn/15"), c.factor, c.min)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(names(got)) != c.want {
			t.Errorf("factor %g, min %g:\n got %v\nwant %s", c.factor, c.min, names(got), c.want)
		}
	}
	if got, err := Slower(ctx, s, jobRef("7.0/vpn/1"), 2, 0.5); err != nil || len(got) != 0 {
		t.Errorf("the first job: %v %v", got, err)
	}
}

func TestUsualTimes(t *testing.T) {
	runs := []Run{{Status: core.Passed, Duration: 1}, {Status: core.Failed, Duration: 9}, {Status: core.Passed, Duration: 3},
		{Status: core.Passed, Duration: 2}, {Status: core.Skipped}, {Status: core.Passed, Duration: 4}, {Status: core.Passed, Duration: 5}}
	got := fmt.Sprint(UsualTimes(runs))
	if want := "[NaN NaN NaN NaN 2 2 2.5]"; got != want {
		t.Errorf("usual times %s, want %s", got, want)
	}
}
