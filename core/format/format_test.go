package format

import (
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234567: "1,234,567", -45000: "-45,000"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[uint64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 140_200_000: "140.2 MB", 3 << 30: "3.2 GB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		850 * time.Millisecond:      "850 ms",
		4200 * time.Millisecond:     "4.2 s",
		42 * time.Second:            "42 s",
		72 * time.Second:            "1 min 12 s",
		2*time.Hour + 5*time.Minute: "2 h 5 min",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestCounted(t *testing.T) {
	for _, c := range []struct {
		n    int64
		noun string
		want string
	}{
		{0, "regression", "0 regressions"}, {1, "regression", "1 regression"}, {2, "regression", "2 regressions"},
		{1, "new failure", "1 new failure"}, {34838, "new failure", "34,838 new failures"},
		{1, "try", "1 try"}, {3, "try", "3 tries"}, {2, "day", "2 days"}, {2, "class", "2 classes"},
		{2, "flip", "2 flips"}, {1, "job", "1 job"}, {1000000, "test", "1,000,000 tests"},
	} {
		if got := Counted(c.n, c.noun); got != c.want {
			t.Errorf("Counted(%d, %q) = %q, want %q", c.n, c.noun, got, c.want)
		}
	}
}

func TestCompareNatural(t *testing.T) {
	ordered := []string{"6.4", "7.0", "7.0.1", "10.0", "a", "test_dpd_2", "test_dpd_11", "test_dpd_105", "test_dpd_105a", "test_e"}
	for i := range ordered {
		for j := range ordered {
			want := cmpInt(i, j)
			if got := CompareNatural(ordered[i], ordered[j]); got != want {
				t.Errorf("CompareNatural(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
	if CompareNatural("9", "10") != -1 || CompareNatural("007", "7") == 0 || CompareNatural("", "a") != -1 {
		t.Error("numbers, leading zeros or the empty string misordered")
	}
}
