package monitor

import "testing"

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
