package monitor

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/mem"

	"github.com/regtracker/regtracker/core/format"
)

// Sample is what the process and the machine looked like at one moment.
type Sample struct {
	At         time.Time `json:"at"`
	RSS        uint64    `json:"rss_bytes"`           // process resident set size
	Heap       uint64    `json:"heap_bytes"`          // Go heap objects
	CPU        float64   `json:"cpu_percent"`         // process CPU since the previous sample, % of one core
	SystemUsed float64   `json:"system_used_percent"` // machine memory in use
	Goroutines int       `json:"goroutines"`
}

// Sampler takes a Sample every Interval and keeps the last Window of them.
type Sampler struct {
	Interval time.Duration // default 1 s
	Window   time.Duration // default 10 min
	// RSSLimit, when > 0, makes Warning speak up when the process passes it.
	RSSLimit uint64

	mu      sync.Mutex
	samples []Sample
	lastCPU float64 // process CPU seconds at the previous sample
	lastAt  time.Time
}

// SystemMemoryWarning is the machine memory use, in percent, past which Warning speaks.
const SystemMemoryWarning = 80

// Run samples until ctx ends.
func (s *Sampler) Run(ctx context.Context) {
	interval := s.Interval
	if interval <= 0 {
		interval = time.Second
	}
	s.SampleNow()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.SampleNow()
		}
	}
}

// SampleNow takes one sample and keeps it.
func (s *Sampler) SampleNow() Sample {
	now := time.Now()
	smp := Sample{At: now, Heap: HeapBytes(), Goroutines: runtime.NumGoroutine()}
	smp.RSS, _ = RSS()
	if vm, err := mem.VirtualMemory(); err == nil {
		smp.SystemUsed = vm.UsedPercent
	}
	cpu, cpuErr := processCPUSeconds()
	s.mu.Lock()
	defer s.mu.Unlock()
	if cpuErr == nil && !s.lastAt.IsZero() {
		if wall := now.Sub(s.lastAt).Seconds(); wall > 0 {
			smp.CPU = 100 * (cpu - s.lastCPU) / wall
		}
	}
	if cpuErr == nil {
		s.lastCPU, s.lastAt = cpu, now
	}
	window := s.Window
	if window <= 0 {
		window = 10 * time.Minute
	}
	s.samples = append(s.samples, smp)
	cut := 0
	for cut < len(s.samples) && now.Sub(s.samples[cut].At) > window {
		cut++
	}
	s.samples = append(s.samples[:0], s.samples[cut:]...)
	return smp
}

// Samples returns the kept samples, oldest first.
func (s *Sampler) Samples() []Sample {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sample(nil), s.samples...)
}

// Warning is a sentence about memory worth showing, or "" when all is well.
func (s *Sampler) Warning() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.samples) == 0 {
		return ""
	}
	last := s.samples[len(s.samples)-1]
	return warning(last, s.RSSLimit)
}

func warning(last Sample, limit uint64) string {
	switch {
	case last.SystemUsed > SystemMemoryWarning:
		return fmt.Sprintf("The machine's memory is %.0f%% used: large imports may slow everything down.", last.SystemUsed)
	case limit > 0 && last.RSS > limit:
		return fmt.Sprintf("regtracker uses %s, over its limit of %s.", format.Bytes(last.RSS), format.Bytes(limit))
	}
	return ""
}

func processCPUSeconds() (float64, error) {
	p, err := selfProcess()
	if err != nil {
		return 0, err
	}
	t, err := p.Times()
	if err != nil {
		return 0, err
	}
	return t.User + t.System, nil
}
