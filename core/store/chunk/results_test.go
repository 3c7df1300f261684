package chunk

import (
	"math"
	"reflect"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/storetest"
)

func TestDurationScale(t *testing.T) {
	for _, c := range []struct {
		ds   []int64
		exp  byte
		unit int64
	}{
		{nil, 6, 1e6},
		{[]int64{0, 0}, 6, 1e6},
		{[]int64{1_234_000, 5_000}, 3, 1000},
		{[]int64{1_230_000, -20_000}, 4, 1e4},
		{[]int64{1_234_567}, 0, 1},
		{[]int64{3_000_000, 12_000_000}, 6, 1e6},
	} {
		if exp, unit := durationScale(c.ds); exp != c.exp || unit != c.unit {
			t.Errorf("%v: 10^%d (%d), want 10^%d (%d)", c.ds, exp, unit, c.exp, c.unit)
		}
	}
}

// columnsOf builds the columns of rs with made-up text keys: result i's texts get keys
// derived from i.
func columnsOf(rs []core.Result) *Results {
	var c Results
	for i := range rs {
		var refs TextRefs
		for j, t := range Texts(&rs[i]) {
			if t != "" {
				refs[j] = int64(i)<<8 | int64(j) + 1
			}
		}
		c.Add(int64(i%3)<<32|int64(i*7%11), &rs[i], refs)
	}
	return &c
}

func TestResultChunkRoundTrip(t *testing.T) {
	for name, rs := range map[string][]core.Result{
		"storetest.Sample": storetest.Sample,
		"one":              {{Name: "x", Duration: 0.001}},
		"extremes": {
			{Name: "negative", Duration: -1.5},
			{Name: "huge", Duration: 1e9, Status: core.Error, SystemErr: "e"},
			{Name: "nan", Duration: math.NaN(), Flaky: true},
			{Name: "sub-µs", Duration: 1e-9, Status: core.Skipped, Type: "t"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			want := columnsOf(rs)
			raw := want.Encode(nil)
			var got Results
			if err := got.Decode(compressRoundTrip(t, raw), true); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&got, want) {
				t.Errorf("decoded\n%+v\nwant\n%+v", got, *want)
			}
			for i := range rs {
				if got.TextsOf(i) != want.TextsOf(i) || got.Status(i) != rs[i].Status || got.Flaky(i) != rs[i].Flaky {
					t.Errorf("result %d: texts %v, status %v flaky %v", i, got.TextsOf(i), got.Status(i), got.Flaky(i))
				}
			}
			// Without texts, the other columns are the same.
			var short Results
			if err := short.Decode(raw, false); err != nil || !reflect.DeepEqual(short.Keys, want.Keys) || !reflect.DeepEqual(short.Durations, want.Durations) {
				t.Errorf("without texts: %+v %v", short, err)
			}
		})
	}
}

func compressRoundTrip(t *testing.T, raw []byte) []byte {
	t.Helper()
	out, err := Decompress(nil, Compress(nil, raw), "test")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Two chunks decoded into one set of columns keep their texts at the right positions.
func TestResultChunksAppend(t *testing.T) {
	a, b := columnsOf(storetest.Sample[:2]), columnsOf(storetest.Sample[2:])
	var got Results
	if err := got.Decode(a.Encode(nil), true); err != nil {
		t.Fatal(err)
	}
	if err := got.Decode(b.Encode(nil), true); err != nil {
		t.Fatal(err)
	}
	if got.Len() != len(storetest.Sample) || got.TextsOf(1) != a.TextsOf(1) || got.TextsOf(4) != b.TextsOf(2) || got.TextsOf(0) != (TextRefs{}) {
		t.Errorf("appended: %+v", got)
	}
}

func TestDamagedResultChunks(t *testing.T) {
	raw := columnsOf(storetest.Sample).Encode(nil)
	for cut := range len(raw) {
		var c Results
		if err := c.Decode(raw[:cut], true); err == nil {
			t.Errorf("cut at %d of %d: no error", cut, len(raw))
		}
	}
	if _, err := Decompress(nil, []byte("not zstd"), "result chunk"); err == nil {
		t.Error("garbage decompressed")
	}
}

func FuzzResultChunk(f *testing.F) {
	f.Add(columnsOf(storetest.Sample).Encode(nil))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		var c Results
		if c.Decode(raw, true) != nil {
			return
		}
		// What decodes re-encodes to the same columns.
		var again Results
		if err := again.Decode(c.Encode(nil), true); err != nil || !reflect.DeepEqual(again.Keys, c.Keys) || !reflect.DeepEqual(again.Refs, c.Refs) {
			t.Errorf("re-encoding %x: %v", raw, err)
		}
	})
}

func TestStateChunkRoundTrip(t *testing.T) {
	states := []store.TestState{
		{Key: 1 << 32, Seq: 0}, {Key: 1<<32 | 1, Seq: 1, Status: core.Failed}, {Key: 1<<32 | 5, Seq: 900, Flaky: true},
		{Key: 2 << 32, Seq: 2, Status: core.Skipped}, {Key: 7 << 32, Seq: math.MaxUint32 - 1, Status: core.Error},
	}
	var raw []byte
	prevKey, prevSeq := states[0].Key, int64(-1)
	for _, s := range states {
		raw = AppendState(raw, prevKey, prevSeq, s)
		prevKey, prevSeq = s.Key, int64(s.Seq)
	}
	var scratch []byte
	got, err := DecodeStates(nil, states[0].Key, Compress(nil, raw), &scratch)
	if err != nil || !reflect.DeepEqual(got, states) {
		t.Errorf("decoded %+v %v", got, err)
	}
}

func TestNameBlockRoundTrip(t *testing.T) {
	names := []string{"a", "", "ünïcode[ipv6]", "a"}
	var b NameBlock
	if err := DecodeNameBlock(&b, 2048, Compress(nil, AppendNames(nil, names))); err != nil {
		t.Fatal(err)
	}
	if b.Len() != len(names) || b.First != 2048 {
		t.Fatalf("%d names from %d", b.Len(), b.First)
	}
	for i, n := range names {
		if string(b.Bytes(i)) != n {
			t.Errorf("name %d: %q, want %q", i, b.Bytes(i), n)
		}
	}
	if err := DecodeNameBlock(&b, 0, Compress(nil, []byte{5, 'a'})); err == nil {
		t.Error("a block cut short decoded")
	}
}
