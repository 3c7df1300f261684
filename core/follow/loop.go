package follow

import (
	"context"
	"sync"
	"time"
)

// MaxBackoff bounds the wait after failed fetches, which doubles with each one.
const MaxBackoff = time.Hour

// Status is how following one job goes.
type Status struct {
	Job     Job
	Running bool
	Last    time.Time // when the last fetch ended; zero before the first
	Outcome Outcome   // the last fetch's
	// Failures counts the failed fetches in a row, the first of them at FailingSince.
	Failures     int
	FailingSince time.Time
	Next         time.Time // when the job is fetched again
}

// Follower fetches every followed job when it is due: at start, then every job's
// interval after its last fetch; after a failure, twice as long as the time before, up
// to MaxBackoff (or the job's interval, if longer). One fetch per job at a time; the
// jobs are read again at every wake, so a switch turned off stops the job at its next.
// Between fetches it sleeps on one timer.
type Follower struct {
	Deps Deps
	// Jobs returns the remembered jobs (List.Jobs).
	Jobs func() ([]Job, error)
	// Every, when positive, replaces the jobs' own intervals.
	Every time.Duration
	// Done, if set, is told each fetch's outcome and the job's status after it, from the
	// fetch's goroutine.
	Done func(Outcome, Status)
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	mu    sync.Mutex
	state map[string]*Status
	jobs  []Job
	wake  chan struct{}
	once  sync.Once
}

func key(j Job) string { return j.Server + "\x00" + j.Job }

func (f *Follower) init() {
	f.once.Do(func() {
		f.state = map[string]*Status{}
		f.wake = make(chan struct{}, 1)
		if f.Now == nil {
			f.Now = time.Now
		}
	})
}

// Wake makes the loop read the jobs again now (after a follow switch changed).
func (f *Follower) Wake() {
	f.init()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// Postpone makes j's next fetch one interval from now: its builds were just fetched
// another way (the app's wizard), and fetching them again at once would race with it.
func (f *Follower) Postpone(j Job) {
	f.init()
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.state[key(j)]
	if st == nil {
		st = &Status{Job: j}
		f.state[key(j)] = st
	}
	st.Next = f.Now().Add(f.interval(j))
}

// Statuses returns the status of every followed job, in the list's order.
func (f *Follower) Statuses() []Status {
	f.init()
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Status
	for _, j := range f.jobs {
		if st, ok := f.state[key(j)]; ok {
			out = append(out, *st)
		}
	}
	return out
}

func (f *Follower) interval(j Job) time.Duration {
	if f.Every > 0 {
		return f.Every
	}
	return j.Interval()
}

// backoff is the wait after n failed fetches in a row.
func backoff(interval time.Duration, n int) time.Duration {
	limit := max(interval, MaxBackoff)
	wait := interval
	for i := 0; i < n && wait < limit; i++ {
		wait *= 2
	}
	return min(wait, limit)
}

// Run follows the jobs until ctx ends, then waits for the fetches under way (which
// the cancel rolls back) and returns ctx's error.
func (f *Follower) Run(ctx context.Context) error {
	f.init()
	var wg sync.WaitGroup
	defer wg.Wait()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		if jobs, err := f.Jobs(); err == nil {
			f.mu.Lock()
			f.jobs = jobs
			f.mu.Unlock()
		}
		next := f.startDue(ctx, &wg)
		timer.Reset(next)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-f.wake:
		case <-timer.C:
		}
	}
}

// startDue starts the fetch of every followed job that is due, forgets the jobs no
// longer followed, and returns how long until the next is due.
func (f *Follower) startDue(ctx context.Context, wg *sync.WaitGroup) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.Now()
	followed := map[string]bool{}
	sleep := time.Duration(1<<63 - 1)
	for _, j := range f.jobs {
		if !j.Follow {
			continue
		}
		k := key(j)
		followed[k] = true
		st := f.state[k]
		if st == nil {
			st = &Status{Next: now}
			f.state[k] = st
		}
		st.Job = j
		if st.Running {
			continue
		}
		if wait := st.Next.Sub(now); wait > 0 {
			sleep = min(sleep, wait)
			continue
		}
		st.Running = true
		wg.Go(func() {
			o := Fetch(ctx, f.Deps, j)
			if ctx.Err() != nil {
				return
			}
			s := f.finish(k, o)
			if f.Done != nil {
				f.Done(o, s)
			}
			f.Wake()
		})
	}
	for k, st := range f.state {
		if !followed[k] && !st.Running {
			delete(f.state, k)
		}
	}
	return sleep
}

func (f *Follower) finish(k string, o Outcome) Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.state[k]
	if st == nil {
		st = &Status{Job: o.Job}
		f.state[k] = st
	}
	now := f.Now()
	st.Running, st.Last, st.Outcome = false, now, o
	if o.OK() {
		st.Failures, st.FailingSince = 0, time.Time{}
		st.Next = now.Add(f.interval(o.Job))
	} else {
		if st.Failures == 0 {
			st.FailingSince = now
		}
		st.Failures++
		st.Next = now.Add(backoff(f.interval(o.Job), st.Failures))
	}
	return *st
}
