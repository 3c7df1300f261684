package monitor

import (
	"strings"
	"testing"
	"time"
)

func TestMemoryReadings(t *testing.T) {
	rss, err := RSS()
	if err != nil || rss < 1<<20 {
		t.Fatalf("RSS %d, %v", rss, err)
	}
	var p Peak
	p.Sample()
	big := make([]byte, 32<<20)
	for i := range big {
		big[i] = 1
	}
	p.Sample()
	r, h := p.Max()
	if r < rss || h < 32<<20 {
		t.Errorf("peak RSS %d, heap %d after a 32 MiB allocation", r, h)
	}
	_ = big[len(big)-1]
}

func TestSamplerKeepsItsWindowAndMeasuresCPU(t *testing.T) {
	s := Sampler{Window: 150 * time.Millisecond}
	s.SampleNow()
	deadline := time.Now().Add(100 * time.Millisecond)
	for x := 0; time.Now().Before(deadline); x++ { // busy: CPU near 100% of one core
	}
	busy := s.SampleNow()
	if busy.CPU < 5 || busy.CPU > 400 || busy.RSS == 0 || busy.Heap == 0 || busy.Goroutines == 0 || busy.SystemUsed <= 0 {
		t.Errorf("sample %+v", busy)
	}
	time.Sleep(200 * time.Millisecond)
	s.SampleNow()
	if n := len(s.Samples()); n != 1 {
		t.Errorf("%d samples kept, want the one within the window", n)
	}
	if w := warning(Sample{SystemUsed: 91}, 0); !strings.Contains(w, "91%") {
		t.Errorf("system memory warning %q", w)
	}
	if w := warning(Sample{SystemUsed: 10, RSS: 300 << 20}, 256<<20); !strings.Contains(w, "over its limit") {
		t.Errorf("RSS warning %q", w)
	}
	if w := warning(Sample{SystemUsed: 10, RSS: 100 << 20}, 256<<20); w != "" {
		t.Errorf("no warning expected, got %q", w)
	}
}
