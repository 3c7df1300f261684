package sqlite_test

import (
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core/store/sqlite"
	"github.com/regtracker/regtracker/core/store/sqlite/sqlitetest"
	"github.com/regtracker/regtracker/core/store/storetest"
)

// soakEnv sets how long TestProcessesKilledAtRandomLoseNothing runs (default 10 s; issue
// 25 asks for five minutes: REGTRACKER_SOAK=5m).
const soakEnv = "REGTRACKER_SOAK"

// Five processes on one file: four import jobs in a loop, each into a module of its own,
// and one is killed with SIGKILL at random moments and started again, while this
// process keeps the store open as a window does, reading and polling. Every job a
// process said it committed is there, whole; every job there is whole (nothing
// half-imported); the file passes its integrity check; nothing was removed under this
// process.
func TestProcessesKilledAtRandomLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("a soak test")
	}
	length := 10 * time.Second
	if v := os.Getenv(soakEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s: %v", soakEnv, err)
		}
		length = d
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "regtracker.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	var mu sync.Mutex
	committed := map[string]bool{}
	kills := 0
	run := func(module string, killer bool, stop <-chan struct{}, done *sync.WaitGroup) {
		defer done.Done()
		for {
			cmd := sqlitetest.StartImportLoop(path, module)
			out, _ := cmd.StdoutPipe()
			cmd.Stderr = cmd.Stdout
			if err := cmd.Start(); err != nil {
				t.Error(err)
				return
			}
			lines := make(chan struct{})
			go func() {
				defer close(lines)
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					if ref, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
						mu.Lock()
						committed[ref] = true
						mu.Unlock()
					} else {
						t.Errorf("%s: %s", module, sc.Text())
					}
				}
			}()
			wait := length + time.Minute
			if killer {
				wait = time.Duration(200+rand.IntN(1800)) * time.Millisecond
			}
			select {
			case <-stop:
			case <-time.After(wait):
			}
			cmd.Process.Signal(syscall.SIGKILL)
			<-lines
			cmd.Wait()
			select {
			case <-stop:
				return
			default:
				mu.Lock()
				kills++
				mu.Unlock()
			}
		}
	}
	stop := make(chan struct{})
	var done sync.WaitGroup
	for i, m := range []string{"7.0/vpn", "7.0/dns", "6.4/vpn", "6.4/dns"} {
		done.Add(1)
		go run(m, i == 0, stop, &done)
	}
	deadline := time.After(length)
	tick := time.NewTicker(300 * time.Millisecond)
	for polling := true; polling; {
		select {
		case <-deadline:
			polling = false
		case <-tick.C:
			if _, err := s.Version(ctx); err != nil {
				t.Fatalf("polling: %v", err)
			}
			if _, err := s.Jobs(ctx, nil); err != nil {
				t.Fatalf("reading: %v", err)
			}
		}
	}
	tick.Stop()
	close(stop)
	done.Wait()

	jobs, err := s.Jobs(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	present := map[string]bool{}
	for _, j := range jobs {
		present[j.JobRef.String()] = true
		rs, err := storetest.Results(ctx, s, j.JobRef)
		if err != nil || len(rs) != sqlitetest.LoopResults || j.Counts.Tests != sqlitetest.LoopResults {
			t.Errorf("%s: %d results (%d counted), want %d: %v", j.JobRef, len(rs), j.Counts.Tests, sqlitetest.LoopResults, err)
		}
	}
	for ref := range committed {
		if !present[ref] {
			t.Errorf("%s was committed and is gone", ref)
		}
	}
	if problems, err := s.IntegrityCheck(ctx); err != nil || len(problems) > 0 {
		t.Errorf("integrity: %q %v", problems, err)
	}
	if d := sqlitetest.Deleted(path); len(d) > 0 || s.Split() != nil {
		t.Errorf("removed under this process: %q %v", d, s.Split())
	}
	if got := sqlitetest.JobsInChild(t, path); len(strings.Fields(got)) != len(jobs) {
		t.Errorf("another process sees %d jobs, this one %d", len(strings.Fields(got)), len(jobs))
	}
	t.Logf("%s: %d jobs committed by 4 processes, one killed %d times; all present and whole", length, len(committed), kills)
}
