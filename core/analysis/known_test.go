package analysis

import (
	"reflect"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core"
)

// TestKnownIssuesAreLeftOut: a module where job 2 regresses four tests, two of them
// under known issues (one by test, one by signature): every count, list, trend value
// and gate verdict leaves exactly those out, and counts them again once a known issue
// is removed or has expired.
func TestKnownIssuesAreLeftOut(t *testing.T) {
	defer func(f func() time.Time) { Now = f }(Now)
	Now = func() time.Time { return time.Date(2026, 12, 4, 12, 0, 0, 0, time.Local) }
	s := openStore(t)
	importHistory(t, s, "7.0/vpn", []int{1, 2}, map[string]string{
		"vpn.T::a": "PF", "vpn.T::b": "PE", "vpn.T::c": "PF", "vpn.T::d": "PF", "vpn.T::e": "FF", "vpn.T::f": "PP",
	})
	module := core.ModuleRef{Release: "7.0", Module: "vpn"}
	job := jobRef("7.0/vpn/2")
	counted := func() ([]string, []string, int64, Verdict) {
		t.Helper()
		c, err := Compare(ctx, s, job, nil)
		if err != nil {
			t.Fatal(err)
		}
		trend, err := Trend(ctx, s, module)
		if err != nil {
			t.Fatal(err)
		}
		v, err := Gate(ctx, s, job, nil, GateLimits{MaxRegressions: 2, MinPassRate: -1})
		if err != nil {
			t.Fatal(err)
		}
		return names(c.Regressions), names(c.Known), trend[1].Regressions, v
	}
	regs, known, trendRegs, v := counted()
	if want := []string{"a", "b", "c", "d"}; !reflect.DeepEqual(regs, want) || len(known) != 0 || trendRegs != 4 || v.Pass {
		t.Fatalf("without known issues: regressions %v, known %v, trend %d, gate %+v", regs, known, trendRegs, v)
	}

	byTest, err := s.AddKnownIssue(ctx, core.KnownIssue{Module: module, Test: &core.TestID{Classname: "vpn.T", Name: "a"},
		Reason: "JIRA-1", Link: "https://jira/JIRA-1", Who: "me"})
	if err != nil {
		t.Fatal(err)
	}
	// b's message: "b broke in 7.0/vpn/2".
	bySig, err := s.AddKnownIssue(ctx, core.KnownIssue{Module: module, Signature: Signature("b broke in 7.0/vpn/2"),
		Reason: "lab down", Expires: "2026-12-10", Who: "me"})
	if err != nil {
		t.Fatal(err)
	}
	// Another module's known issue hides nothing here.
	if _, err := s.AddKnownIssue(ctx, core.KnownIssue{Module: core.ModuleRef{Release: "7.0", Module: "ike"},
		Test: &core.TestID{Classname: "vpn.T", Name: "c"}, Reason: "elsewhere", Who: "me"}); err != nil {
		t.Fatal(err)
	}
	regs, known, trendRegs, v = counted()
	if !reflect.DeepEqual(regs, []string{"c", "d"}) || !reflect.DeepEqual(known, []string{"a", "b"}) || trendRegs != 2 || !v.Pass || v.Known != 2 {
		t.Fatalf("with known issues: regressions %v, known %v, trend %d, gate %+v", regs, known, trendRegs, v)
	}
	c, _ := Compare(ctx, s, job, nil)
	if c.Known[0].Known.ID != byTest.ID || c.StillFailing[0].Known != nil {
		t.Errorf("known marks: %+v / still failing %+v", c.Known[0].Known, c.StillFailing[0])
	}

	// Removed: a counts again.
	if _, err := s.RemoveKnownIssue(ctx, byTest.ID); err != nil {
		t.Fatal(err)
	}
	regs, known, trendRegs, v = counted()
	if !reflect.DeepEqual(regs, []string{"a", "c", "d"}) || !reflect.DeepEqual(known, []string{"b"}) || trendRegs != 3 || v.Pass {
		t.Fatalf("after removing one: regressions %v, known %v, trend %d, gate %+v", regs, known, trendRegs, v)
	}
	// On its expiry day it still applies; the day after, b counts again.
	Now = func() time.Time { return time.Date(2026, 12, 10, 23, 0, 0, 0, time.Local) }
	if _, known, _, _ = counted(); len(known) != 1 {
		t.Errorf("on the expiry day: known %v", known)
	}
	Now = func() time.Time { return time.Date(2026, 12, 11, 0, 30, 0, 0, time.Local) }
	regs, known, trendRegs, _ = counted()
	if len(regs) != 4 || len(known) != 0 || trendRegs != 4 {
		t.Fatalf("after the expiry: regressions %v, known %v, trend %d", regs, known, trendRegs)
	}
	all, _ := s.KnownIssues(ctx, &module)
	if len(all) != 1 || all[0].ID != bySig.ID || !all[0].Expired(Now()) {
		t.Errorf("the expired one stays listed: %+v", all)
	}
}

func TestGatePassRate(t *testing.T) {
	s := openStore(t)
	importHistory(t, s, "7.0/vpn", []int{1, 2}, map[string]string{
		"vpn.T::a": "PF", "vpn.T::b": "PP", "vpn.T::c": "PP", "vpn.T::d": "PS",
	})
	for _, c := range []struct {
		min  float64
		pass bool
	}{{66, true}, {66.67, false}, {-1, true}} {
		v, err := Gate(ctx, s, jobRef("7.0/vpn/2"), nil, GateLimits{MaxRegressions: -1, MinPassRate: c.min})
		if err != nil || v.Pass != c.pass {
			t.Errorf("min %.2f: %+v %v", c.min, v, err)
		}
	}
}
