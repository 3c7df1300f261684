package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/format"
)

// DefaultWatchEvery is how often the window asks the store whether anything changed.
const DefaultWatchEvery = 1500 * time.Millisecond

// watch asks the store for its version every interval while the app runs (one cheap
// query: SQLite's data_version, a server's counters). When another process (the CLI,
// CI, a second window) or this one commits, the sidebar and the module page shown read
// the store again, keeping the page, its scroll position and its selection, and the
// jobs that arrived are marked new and, with regressions, notified.
func (u *App) watch(interval time.Duration) {
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		last, _ := u.store.Version(u.ctx)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-u.ctx.Done():
				return
			case <-t.C:
			}
			v, err := u.store.Version(u.ctx)
			if err != nil || v == last {
				continue
			}
			last = v
			do(u.storeChanged)
		}
	}()
}

// storeChanged reads what the window shows again.
func (u *App) storeChanged() {
	before := u.sidebar.points
	first := len(before) == 0
	u.sidebar.reload(func() {
		if !first {
			u.arrived(before)
		}
	})
	if u.reloadPage != nil {
		u.reloadPage()
	}
}

// arrived marks the jobs the sidebar did not have before as new and sends a desktop
// notification for those with regressions against the job before them (known issues
// left out, as in the counts).
func (u *App) arrived(before map[string]analysis.TrendPoint) {
	for uid, p := range u.sidebar.points {
		if _, ok := before[uid]; ok {
			continue
		}
		u.sidebar.markNew(uid)
		if p.Regressions > 0 {
			u.fyne.SendNotification(fyne.NewNotification("regtracker", regressionNote(p)))
		}
	}
}

// regressionNote is "7.0/vpn/15: 3 regressions, 1 fixed".
func regressionNote(p analysis.TrendPoint) string {
	s := fmt.Sprintf("%s: %s %s", p.Job.JobRef, format.Count(p.Regressions), plural(p.Regressions, "regression", "regressions"))
	if p.Fixed > 0 {
		s += fmt.Sprintf(", %s fixed", format.Count(p.Fixed))
	}
	return s
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
