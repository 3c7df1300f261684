package sqlite

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/chunk"
)

func readStates(t *testing.T, s *Store, r core.JobRef) []store.TestState {
	t.Helper()
	rd, err := s.States(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var out []store.TestState
	for {
		st, ok := rd.Next()
		if !ok {
			break
		}
		out = append(out, st)
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStatesAreWorstPerIdentity: duplicates fold into the worst status (the earliest such
// occurrence), flaky marks carry over, keys come sorted, and the count is stored.
func TestStatesAreWorstPerIdentity(t *testing.T) {
	for _, run := range []int{1 << 16, 3} { // in memory, and spilled in runs of 3
		old := chunk.RunEntries
		chunk.RunEntries = run
		t.Cleanup(func() { chunk.RunEntries = old })

		s := openTemp(t)
		rs := []core.Result{
			{Classname: "a.B", Name: "x", Status: core.Passed},
			{Classname: "a.B", Name: "y", Status: core.Skipped},
			{Classname: "a.B", Name: "x", Status: core.Error},
			{Classname: "a.C", Name: "z", Status: core.Passed, Flaky: true},
			{Classname: "a.B", Name: "x", Status: core.Failed},
			{Classname: "a.B", Name: "x", Status: core.Failed},
			{Classname: "a.B", Name: "y", Status: core.Passed},
			{Classname: "a.C", Name: "z", Status: core.Passed},
		}
		job := writeJob(t, s, ref("7.0", "vpn", 1), core.WriteOptions{}, rs)
		if job.Identities != 3 {
			t.Errorf("runs of %d: %d identities, want 3", run, job.Identities)
		}
		states := readStates(t, s, ref("7.0", "vpn", 1))
		if !slices.IsSortedFunc(states, func(a, b store.TestState) int { return cmp.Compare(a.Key, b.Key) }) || len(states) != 3 {
			t.Fatalf("states %+v", states)
		}
		names, err := s.TestNames(ctx, []int64{states[0].Key, states[1].Key, states[2].Key})
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]store.TestState{}
		for _, st := range states {
			byName[names[st.Key].String()] = st
		}
		want := map[string]store.TestState{
			"a.B::x": {Status: core.Failed, Seq: 4},
			"a.B::y": {Status: core.Skipped, Seq: 1},
			"a.C::z": {Status: core.Passed, Flaky: true, Seq: 3},
		}
		for n, w := range want {
			got := byName[n]
			if got.Status != w.Status || got.Flaky != w.Flaky || got.Seq != w.Seq {
				t.Errorf("runs of %d: %s = %+v, want %+v", run, n, got, w)
			}
		}
	}
}

// TestStatesManyChunks: thousands of identities in random order, spilled and merged,
// read back complete and sorted.
func TestStatesManyChunks(t *testing.T) {
	old := chunk.RunEntries
	chunk.RunEntries = 1000
	t.Cleanup(func() { chunk.RunEntries = old })
	s := openTemp(t)
	var rs []core.Result
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		rs = append(rs, core.Result{Classname: "c" + string(rune('A'+i%7)), Name: "t" + string(rune(0x4e00+rng.IntN(3000))), Status: core.Status(rng.IntN(4))})
	}
	job := writeJob(t, s, ref("7.0", "vpn", 1), core.WriteOptions{}, rs)
	distinct := map[[2]string]core.Status{}
	for _, r := range rs {
		k := [2]string{r.Classname, r.Name}
		distinct[k] = core.Worse(distinct[k], r.Status)
	}
	states := readStates(t, s, ref("7.0", "vpn", 1))
	if int(job.Identities) != len(distinct) || len(states) != len(distinct) {
		t.Fatalf("%d identities stored, %d read, want %d", job.Identities, len(states), len(distinct))
	}
	keys := make([]int64, len(states))
	for i, st := range states {
		keys[i] = st.Key
	}
	if !slices.IsSorted(keys) {
		t.Error("states are not in key order")
	}
	names, _ := s.TestNames(ctx, keys)
	for _, st := range states {
		id := names[st.Key]
		if distinct[[2]string{id.Classname, id.Name}] != st.Status {
			t.Errorf("%v: %v, want %v", id, st.Status, distinct[[2]string{id.Classname, id.Name}])
		}
	}
}
