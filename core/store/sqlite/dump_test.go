package sqlite

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/storetest"
)

// dumpState is a test state named by its identity (keys differ between layouts).
type dumpState struct {
	Test    string
	Status  core.Status
	Flaky   bool
	Seq     uint32
	Message string
}

type dumpJob struct {
	Job     string
	Counts  core.Counts
	Ids     int64
	Source  string
	Results []core.Result
	States  []dumpState
}

type dumpHistory struct {
	Test string
	Runs []string
}

// dumpStore writes everything a user can read of the store, by names, as JSON.
func dumpStore(t *testing.T, s *Store) []byte {
	t.Helper()
	jobs, err := s.Jobs(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Jobs      []dumpJob
		Histories []dumpHistory
	}
	for _, j := range jobs {
		d := dumpJob{Job: j.JobRef.String(), Counts: j.Counts, Ids: j.Identities, Source: j.Source}
		if d.Results, err = storetest.Results(ctx, s, j.JobRef); err != nil {
			t.Fatal(err)
		}
		r, err := s.States(ctx, j.JobRef)
		if err != nil {
			t.Fatal(err)
		}
		var states []store.TestState
		for st, ok := r.Next(); ok; st, ok = r.Next() {
			states = append(states, st)
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		r.Close()
		keys := make([]int64, len(states))
		seqs := make([]uint32, len(states))
		for i, st := range states {
			keys[i], seqs[i] = st.Key, st.Seq
		}
		names, err := s.TestNames(ctx, keys)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := s.Messages(ctx, j.JobRef, seqs)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range states {
			d.States = append(d.States, dumpState{Test: names[st.Key].String(), Status: st.Status, Flaky: st.Flaky, Seq: st.Seq, Message: msgs[st.Seq]})
		}
		slices.SortFunc(d.States, func(a, b dumpState) int {
			if a.Test < b.Test {
				return -1
			} else if a.Test > b.Test {
				return 1
			}
			return 0
		})
		out.Jobs = append(out.Jobs, d)
	}
	for _, id := range []core.TestID{{Classname: "vpn.BigTest", Name: "case0007"}, {Classname: "vpn.BigTest", Name: "case1500"}, {Classname: "vpn.Small3Test", Name: "flaky"}} {
		key, err := s.TestKey(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.TestHistory(ctx, core.ModuleRef{Release: "7.0", Module: "vpn"}, key)
		if err != nil {
			t.Fatal(err)
		}
		d := dumpHistory{Test: id.String()}
		for _, x := range h {
			d.Runs = append(d.Runs, fmt.Sprintf("%d present=%v %v flaky=%v seq=%d %.6f %q", x.Job.Number, x.Present, x.State.Status, x.State.Flaky, x.State.Seq, x.Duration, x.Message))
		}
		out.Histories = append(out.Histories, d)
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rowLayoutJobs are the jobs of testdata/rows-v3.db.gz (see fixture_test.go): classes
// larger than a block of names, texts, flaky re-runs, skips, a replaced job and a second module.
func rowLayoutJobs() map[core.JobRef][]core.Result {
	rnd := rand.New(rand.NewPCG(7, 14))
	job := func(n int, salt int) []core.Result {
		var rs []core.Result
		for i := range n {
			class := "vpn.BigTest"
			if i%9 == 0 {
				class = fmt.Sprintf("vpn.Small%dTest", i%6)
			}
			r := core.Result{Classname: class, Name: fmt.Sprintf("case%04d", (i*salt)%n), Duration: float64(rnd.IntN(3000)) / 1000}
			switch x := rnd.IntN(100); {
			case x < 4:
				r.Status, r.Message, r.Type = core.Failed, fmt.Sprintf("expected:<%d> but was:<%d>", rnd.IntN(5), rnd.IntN(5)), "AssertionError"
				r.Details = fmt.Sprintf("AssertionError\n\tat %s.%s(X.java:%d)", class, r.Name, rnd.IntN(300))
			case x < 5:
				r.Status, r.Message, r.SystemErr = core.Error, "Timeout after 30s", "stderr line"
			case x < 8:
				r.Status, r.Message = core.Skipped, "requires ipv6 lab"
			case x < 9:
				r.SystemOut = fmt.Sprintf("out %d", rnd.IntN(10))
			}
			rs = append(rs, r)
		}
		rs = append(rs, core.Result{Classname: "vpn.Small3Test", Name: "flaky", Status: core.Failed, Message: "first try"},
			core.Result{Classname: "vpn.Small3Test", Name: "flaky", Flaky: salt%2 == 1})
		return rs
	}
	m := func(rel, mod string, n int64) core.JobRef {
		return core.JobRef{ModuleRef: core.ModuleRef{Release: rel, Module: mod}, Number: n}
	}
	return map[core.JobRef][]core.Result{
		m("7.0", "vpn", 1): job(2600, 1),
		m("7.0", "vpn", 2): job(2700, 7),
		m("7.0", "vpn", 3): job(300, 3),
		m("6.4", "dns", 9): job(40, 1),
	}
}
