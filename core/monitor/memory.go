// Package monitor measures what regtracker itself costs: process memory and CPU, the Go
// heap, and the machine's memory, through gopsutil.
package monitor

import (
	"context"
	"os"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/process"
)

var (
	self     *process.Process
	selfErr  error
	selfOnce sync.Once
)

func selfProcess() (*process.Process, error) {
	selfOnce.Do(func() { self, selfErr = process.NewProcess(int32(os.Getpid())) })
	return self, selfErr
}

// RSS is the resident set size of this process in bytes.
func RSS() (uint64, error) {
	p, err := selfProcess()
	if err != nil {
		return 0, err
	}
	mi, err := p.MemoryInfo()
	if err != nil {
		return 0, err
	}
	return mi.RSS, nil
}

const heapMetric = "/memory/classes/heap/objects:bytes"

// HeapBytes is the memory held by Go heap objects, live or not yet swept (what
// runtime.MemStats calls HeapAlloc), read without stopping the world.
func HeapBytes() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// Peak tracks the highest RSS and heap seen across calls to Sample. It is safe for
// concurrent use.
type Peak struct {
	mu        sync.Mutex
	rss, heap uint64
}

// Sample reads the current RSS and heap and keeps the maxima.
func (p *Peak) Sample() {
	rss, _ := RSS()
	heap := HeapBytes()
	p.mu.Lock()
	p.rss, p.heap = max(p.rss, rss), max(p.heap, heap)
	p.mu.Unlock()
}

// Max returns the highest RSS and heap sampled.
func (p *Peak) Max() (rss, heap uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rss, p.heap
}

// SampleEvery samples every d until ctx ends.
func (p *Peak) SampleEvery(ctx context.Context, d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p.Sample()
		}
	}
}
