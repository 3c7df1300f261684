package analysis

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/sqlite"
)

var ctx = context.Background()

func openStore(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func jobRef(s string) core.JobRef {
	r, err := core.ParseJobRef(s, false)
	if err != nil {
		panic(err)
	}
	return r
}

// letters: one per occurrence. P passed, K passed with a flaky mark, F failed, E error,
// S skipped.
func occurrence(test, letter string, job core.JobRef) core.Result {
	class, name, _ := strings.Cut(test, "::")
	r := core.Result{Classname: class, Name: name, Duration: 0.5}
	switch letter {
	case "K":
		r.Flaky = true
	case "F":
		r.Status, r.Message = core.Failed, fmt.Sprintf("%s failed in %s", name, job)
	case "E":
		r.Status, r.Message = core.Error, fmt.Sprintf("%s broke in %s", name, job)
	case "S":
		r.Status, r.Message = core.Skipped, "skipped"
	}
	return r
}

// importJob writes one job: tests maps "CLASS::NAME" to its occurrences ("" absent).
func importJob(t *testing.T, s store.Store, job string, tests map[string]string) {
	t.Helper()
	ref := jobRef(job)
	names := make([]string, 0, len(tests))
	for n := range tests {
		names = append(names, n)
	}
	sort.Strings(names)
	var rs []core.Result
	for _, n := range names {
		for _, l := range strings.Split(tests[n], "") {
			rs = append(rs, occurrence(n, l, ref))
		}
	}
	w, err := s.BeginJob(ctx, ref, core.WriteOptions{})
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

// importHistory imports one job per position of each test's letters: "PF-E" is passed
// in job 1, failed in 2, absent from 3, error in 4. A group in brackets is several
// occurrences in one job: "P[PF]" is passed, then passed and failed.
func importHistory(t *testing.T, s store.Store, module string, numbers []int, history map[string]string) {
	t.Helper()
	perJob := make([]map[string]string, len(numbers))
	for i := range perJob {
		perJob[i] = map[string]string{}
	}
	for test, h := range history {
		i := 0
		for len(h) > 0 {
			occ := h[:1]
			if h[0] == '[' {
				end := strings.IndexByte(h, ']')
				occ, h = h[1:end], h[end+1:]
			} else {
				h = h[1:]
			}
			if occ != "-" {
				perJob[i][test] = occ
			}
			i++
		}
	}
	for i, n := range numbers {
		importJob(t, s, fmt.Sprintf("%s/%d", module, n), perJob[i])
	}
}

func names(cs []Change) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Test.Name)
	}
	return out
}

func TestCompareDefinitions(t *testing.T) {
	s := openStore(t)
	// Base job 1, job 2.
	importHistory(t, s, "7.0/vpn", []int{1, 2}, map[string]string{
		"c::regressedFail":   "PF",
		"c::regressedError":  "PE",
		"c::fixedFromFail":   "FP",
		"c::fixedFromError":  "EP",
		"c::stillFailing":    "FF",
		"c::failToError":     "FE",
		"c::newFailure":      "-F",
		"c::newError":        "-E",
		"c::newPassing":      "-P",
		"c::removed":         "P-",
		"c::removedFailing":  "F-",
		"c::skipToFail":      "SF",
		"c::failToSkip":      "FS",
		"c::passToSkip":      "PS",
		"c::skipToPass":      "SP",
		"c::dupWorstFixed":   "[PF]P",
		"c::dupRegressed":    "P[PPF]",
		"c::dupSkipAndError": "P[SE]",
		"c::flakyToFail":     "KF",
		"c::failToFlaky":     "FK",
		"c::passing":         "PP",
	})
	c, err := Compare(ctx, s, jobRef("7.0/vpn/2"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Base == nil || c.Base.String() != "7.0/vpn/1" {
		t.Fatalf("base %v", c.Base)
	}
	want := map[string][]string{
		"regressions":   {"dupRegressed", "dupSkipAndError", "flakyToFail", "regressedError", "regressedFail"},
		"fixed":         {"dupWorstFixed", "failToFlaky", "fixedFromError", "fixedFromFail"},
		"still failing": {"failToError", "stillFailing"},
		"new failures":  {"newError", "newFailure"},
	}
	got := map[string][]string{"regressions": names(c.Regressions), "fixed": names(c.Fixed),
		"still failing": names(c.StillFailing), "new failures": names(c.NewFailures)}
	for k := range want {
		if !reflect.DeepEqual(got[k], want[k]) {
			t.Errorf("%s: %v, want %v", k, got[k], want[k])
		}
	}
	if c.NewTests != 3 || c.RemovedTests != 2 {
		t.Errorf("new tests %d (want 3), removed %d (want 2)", c.NewTests, c.RemovedTests)
	}
	// Messages: the job's for failures now, the base's for what was fixed.
	for _, ch := range c.Regressions {
		if ch.Test.Name == "regressedFail" && (ch.Message != "regressedFail failed in 7.0/vpn/2" || ch.Status != core.Failed || ch.BaseStatus != core.Passed) {
			t.Errorf("regression %+v", ch)
		}
		if ch.Test.Name == "dupSkipAndError" && ch.Status != core.Error {
			t.Errorf("worst of skipped and error is error: %+v", ch)
		}
	}
	for _, ch := range c.Fixed {
		if ch.Test.Name == "fixedFromError" && ch.Message != "fixedFromError broke in 7.0/vpn/1" {
			t.Errorf("fixed message %q", ch.Message)
		}
	}
	for _, ch := range c.NewFailures {
		if ch.InBase {
			t.Errorf("new failure %v marked as in the base", ch.Test)
		}
	}
}

func TestCompareWithoutBaseAndAcrossReleases(t *testing.T) {
	s := openStore(t)
	importHistory(t, s, "6.4/vpn", []int{7}, map[string]string{"c::a": "P", "c::b": "F", "c::gone": "P"})
	importHistory(t, s, "7.0/vpn", []int{1}, map[string]string{"c::a": "F", "c::b": "P", "c::new": "P"})
	c, err := Compare(ctx, s, jobRef("7.0/vpn/1"), nil)
	// The first job of a module: every test is new, its failures new failures.
	if err != nil || c.Base != nil || len(c.Regressions)+len(c.Fixed)+len(c.StillFailing) != 0 ||
		!reflect.DeepEqual(names(c.NewFailures), []string{"a"}) || c.NewTests != 3 || c.RemovedTests != 0 {
		t.Fatalf("first job of a module: %+v %v", c, err)
	}
	if d, err := s.ResultDetail(ctx, jobRef("7.0/vpn/1"), c.NewFailures[0].Seq); err != nil || d.Name != "a" {
		t.Errorf("a new failure's Seq names another result: %+v %v", d, err)
	}
	base := jobRef("6.4/vpn/7")
	c, err = Compare(ctx, s, jobRef("7.0/vpn/1"), &base)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names(c.Regressions), []string{"a"}) || !reflect.DeepEqual(names(c.Fixed), []string{"b"}) ||
		c.NewTests != 1 || c.RemovedTests != 1 {
		t.Errorf("across releases: %+v", c)
	}
	missing := jobRef("6.4/vpn/99")
	if _, err := Compare(ctx, s, jobRef("7.0/vpn/1"), &missing); err == nil || !strings.Contains(err.Error(), "6.4/vpn/99") {
		t.Errorf("missing base: %v", err)
	}
}

func TestTrendAndOutOfOrderImports(t *testing.T) {
	s := openStore(t)
	module := core.ModuleRef{Release: "7.0", Module: "vpn"}
	// Jobs 1 and 3 first; 2 arrives later and becomes 3's base.
	importHistory(t, s, "7.0/vpn", []int{1, 3}, map[string]string{
		"c::a": "PF", "c::b": "PF", "c::c": "FP", "c::d": "SS", "c::e": "PP",
	})
	trend, err := Trend(ctx, s, module)
	if err != nil {
		t.Fatal(err)
	}
	if len(trend) != 2 || trend[1].Regressions != 2 || trend[1].Fixed != 1 {
		t.Fatalf("3 against 1: %+v", trend)
	}
	// pass_rate = passed / (tests - skipped)
	if trend[1].PassRate != 2.0/4.0 || trend[0].PassRate != 3.0/4.0 {
		t.Errorf("pass rates %v %v", trend[0].PassRate, trend[1].PassRate)
	}
	importHistory(t, s, "7.0/vpn", []int{2}, map[string]string{"c::a": "F", "c::b": "P", "c::c": "P", "c::d": "S", "c::e": "P"})
	trend, err = Trend(ctx, s, module)
	if err != nil {
		t.Fatal(err)
	}
	got := [][2]int64{}
	for _, p := range trend {
		got = append(got, [2]int64{p.Regressions, p.Fixed})
	}
	// 2 against 1: a regressed, c fixed. 3 against 2: b regressed, a still failing.
	if want := [][2]int64{{0, 0}, {1, 1}, {1, 0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("after job 2 arrived: %v, want %v", got, want)
	}
	// Kept counts are used as they are on the next call.
	if again, _ := Trend(ctx, s, module); !reflect.DeepEqual(again, trend) {
		t.Error("a second trend differs")
	}
	// Refresh keeps the counts of a job and of the one after it current.
	importHistory(t, s, "7.0/vpn", []int{4}, map[string]string{"c::a": "P", "c::b": "P", "c::c": "P", "c::d": "P", "c::e": "F"})
	if err := Refresh(ctx, s, jobRef("7.0/vpn/4")); err != nil {
		t.Fatal(err)
	}
	_, diffs, _ := s.JobsWithDiffs(ctx, module)
	if !diffs[3].Current || diffs[3].Regressions != 1 || diffs[3].Fixed != 2 {
		t.Errorf("refreshed job 4: %+v", diffs[3])
	}
}

func TestHistoryFailingSince(t *testing.T) {
	s := openStore(t)
	module := core.ModuleRef{Release: "7.0", Module: "vpn"}
	importHistory(t, s, "7.0/vpn", []int{10, 11, 12, 13, 14, 15}, map[string]string{
		"c::longFailing":   "PFF-EF", // absent in 13: does not break the run
		"c::skipBreaks":    "FFSFPF",
		"c::passingNow":    "FFFFFP",
		"c::dupWorst":      "PP[PF][FP]PP",
		"c::neverFailed":   "PPPPPP",
		"c::failingAlways": "FFFFFF",
	})
	cases := map[string]struct {
		since string
		age   int
		runs  int
	}{
		"longFailing":   {"7.0/vpn/11", 4, 5},
		"skipBreaks":    {"7.0/vpn/15", 1, 6},
		"passingNow":    {"", 0, 6},
		"dupWorst":      {"", 0, 6},
		"neverFailed":   {"", 0, 6},
		"failingAlways": {"7.0/vpn/10", 6, 6},
	}
	for name, want := range cases {
		h, err := TestHistory(ctx, s, module, core.TestID{Classname: "c", Name: name})
		if err != nil {
			t.Fatal(err)
		}
		since := ""
		if h.FailingSince != nil {
			since = h.FailingSince.String()
		}
		if since != want.since || h.Age != want.age || len(h.Runs) != want.runs {
			t.Errorf("%s: since %q age %d runs %d, want %+v", name, since, h.Age, len(h.Runs), want)
		}
	}
	h, _ := TestHistory(ctx, s, module, core.TestID{Classname: "c", Name: "dupWorst"})
	if h.Runs[2].Status != core.Failed || h.Runs[3].Status != core.Failed || h.Runs[2].Message != "dupWorst failed in 7.0/vpn/12" || h.Runs[0].Duration != 0.5 {
		t.Errorf("runs %+v", h.Runs)
	}
	if _, err := TestHistory(ctx, s, module, core.TestID{Classname: "c", Name: "nope"}); err == nil {
		t.Error("history of an unknown test")
	}
}

func TestFlakyScores(t *testing.T) {
	s := openStore(t)
	module := core.ModuleRef{Release: "7.0", Module: "vpn"}
	importHistory(t, s, "7.0/vpn", []int{1, 2, 3, 4, 5}, map[string]string{
		"c::alternating":  "PFPFP",    // 4 flips over 4 gaps
		"c::skipIgnored":  "PSFSP",    // runs P F P: 2 flips over 2 gaps
		"c::surefireMark": "PKPPP",    // a flaky mark counts as a flip: 1 over 4
		"c::brokeOnce":    "PPPFF",    // 1 flip over 4
		"c::steadyFail":   "FFFFF",    // no flip: left out
		"c::steadyPass":   "PPPPP",    // left out
		"c::errorFlip":    "PE---",    // error counts as failing: 1 over 1
		"c::oldFlip":      "FP[PP]PP", // the flip is outside a window of 3
	})
	got, err := Flaky(ctx, s, module, 0)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		name                  string
		runs, failures, flips int
		score                 float64
		last                  core.Status
	}
	var rows []row
	for _, f := range got {
		rows = append(rows, row{f.Test.Name, f.Runs, f.Failures, f.Flips, f.Score, f.LastStatus})
	}
	want := []row{
		{"alternating", 5, 2, 4, 1, core.Passed},
		{"skipIgnored", 3, 1, 2, 1, core.Passed},
		{"errorFlip", 2, 1, 1, 1, core.Error},
		{"brokeOnce", 5, 2, 1, 0.25, core.Failed},
		{"oldFlip", 5, 1, 1, 0.25, core.Passed},
		{"surefireMark", 5, 0, 1, 0.25, core.Passed},
	}
	// Ties on score and flips go by name.
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("flaky:\n got %+v\nwant %+v", rows, want)
	}
	got, _ = Flaky(ctx, s, module, 3)
	for _, f := range got {
		if f.Test.Name == "oldFlip" || f.Test.Name == "errorFlip" {
			t.Errorf("%s flipped before the last 3 jobs", f.Test.Name)
		}
	}
}

func TestGroups(t *testing.T) {
	s := openStore(t)
	ref := jobRef("7.0/vpn/1")
	w, err := s.BeginJob(ctx, ref, core.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rs := []core.Result{
		{Classname: "c", Name: "b", Status: core.Error, Message: "Connection refused: gateway-2:4500"},
		{Classname: "c", Name: "a", Status: core.Error, Message: "Connection refused: gateway-1:4501"},
		{Classname: "c", Name: "z", Status: core.Failed, Message: "Connection refused: gateway-9:4500"},
		{Classname: "c", Name: "t", Status: core.Failed, Message: `expected "on" but was "off"`},
		{Classname: "c", Name: "p", Status: core.Passed},
		{Classname: "c", Name: "s", Status: core.Skipped, Message: "Connection refused: gateway-3:1"},
	}
	w.Add(ctx, rs)
	if _, err := w.Commit(ctx, core.ImportStats{}); err != nil {
		t.Fatal(err)
	}
	groups, err := Groups(ctx, s, ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 || groups[0].Count != 3 || groups[0].Signature != "Connection refused: gateway-{n}:{n}" ||
		groups[0].Example.Test.Name != "a" || groups[0].Example.Message != "Connection refused: gateway-1:4501" ||
		groups[1].Count != 1 || groups[1].Signature != `expected "{q}" but was "{q}"` {
		t.Errorf("groups %+v", groups)
	}
	// A group's positions name its results: every one of them failed with its signature.
	var names []string
	for _, seq := range groups[0].Seqs {
		d, err := s.ResultDetail(ctx, ref, seq)
		if err != nil || Signature(d.Message) != groups[0].Signature {
			t.Errorf("position %d of the group: %+v %v", seq, d, err)
		}
		names = append(names, d.Name)
	}
	if slices.Sort(names); !reflect.DeepEqual(names, []string{"a", "b", "z"}) {
		t.Errorf("the group's results: %v", names)
	}
}

func TestSignature(t *testing.T) {
	for in, want := range map[string]string{
		"expected:<3> but was:<2>":                             "expected:<{q}> but was:<{q}>",
		"Timeout after 1500 ms at 2026-01-28T04:10:22.123Z":    "Timeout after {n} ms at {time}",
		"at 04:10:22 the link dropped":                         "at {time} the link dropped",
		"file /tmp/pytest-of-ci/pytest-12/out.txt not found":   "file {tmp} not found",
		`C:\Users\ci\AppData\Local\Temp\x12\a.log missing`:     "{tmp} missing",
		"object 0x7ffd3a2b at deadbeef42 failed for \"alice\"": "object {hex} at {hex} failed for \"{q}\"",
		"KeyError: 'dev'":                                      "KeyError: '{q}'",
		"request 3f2a9c1e-1b2c-4d5e-8f90-1234567890ab failed":  "request {uuid} failed",
		"first line 1\nsecond line 2":                          "first line {n}",
		"facade decade":                                        "facade decade",
		"retry 3 of 5":                                         "retry {n} of {n}",
	} {
		if got := Signature(in); got != want {
			t.Errorf("Signature(%q) = %q, want %q", in, got, want)
		}
	}
}
