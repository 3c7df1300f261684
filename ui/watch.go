package ui

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/store"
)

// DefaultWatchEvery is how often the window asks the store whether anything changed.
const DefaultWatchEvery = 1500 * time.Millisecond

// watch asks the store for its version every interval while the app runs (one cheap
// query: SQLite's data_version, a server's counters). A store whose log was removed under
// it (store.SplitError) is reported to the user once. When another process (the CLI,
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
		told := false
		for {
			select {
			case <-u.ctx.Done():
				return
			case <-t.C:
			}
			v, err := u.store.Version(u.ctx)
			var split *store.SplitError
			if errors.As(err, &split) && !told {
				// The store refuses to write from now on; the user must know why, once.
				told = true
				do(func() {
					u.setStatus("The database's log was removed under this window: restart regtracker.")
					u.showError("The database", split)
				})
			}
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

// ownJobs are the jobs this window imports itself (the wizard, a Jenkins fetch it was
// asked for, the demo): they are not news. While such an import runs, its module (every
// module, for the demo) is busy, as its jobs may commit before the import says which
// they are. Used from the imports' goroutines.
type ownJobs struct {
	mu      sync.Mutex
	jobs    map[string]bool
	modules map[core.ModuleRef]int // imports running into each
	all     int                    // imports running into any module
}

// begin marks an import into module (nil: any) as running; end undoes it.
func (o *ownJobs) begin(module *core.ModuleRef) (end func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.modules == nil {
		o.jobs, o.modules = map[string]bool{}, map[core.ModuleRef]int{}
	}
	if module == nil {
		o.all++
	} else {
		o.modules[*module]++
	}
	return func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		if module == nil {
			o.all--
		} else if o.modules[*module]--; o.modules[*module] == 0 {
			delete(o.modules, *module)
		}
	}
}

// add records a job this window imported.
func (o *ownJobs) add(ref core.JobRef) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.jobs == nil {
		o.jobs, o.modules = map[string]bool{}, map[core.ModuleRef]int{}
	}
	o.jobs[jobUID(ref)] = true
}

// mine says whether the window imported ref, or is importing into its module.
func (o *ownJobs) mine(ref core.JobRef) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.jobs[jobUID(ref)] || o.all > 0 || o.modules[ref.ModuleRef] > 0
}

// maxNotes bounds the notifications of one change; more arrivals make one summary.
const maxNotes = 3

// arrived marks the jobs the sidebar did not have before, and that this window did not
// import itself, as new, and sends a desktop notification for those with regressions
// against the job before them (known issues left out, as in the counts): one each, or one
// for all when many arrive at once (a copy, a first sync).
func (u *App) arrived(before map[string]analysis.TrendPoint) {
	var news, regressed []analysis.TrendPoint
	for uid, p := range u.sidebar.points {
		if _, ok := before[uid]; ok || u.own.mine(p.Job.JobRef) {
			continue
		}
		u.sidebar.markNew(uid)
		news = append(news, p)
		if p.Regressions > 0 {
			regressed = append(regressed, p)
		}
	}
	slices.SortFunc(regressed, func(a, b analysis.TrendPoint) int { return b.Job.ImportedAt.Compare(a.Job.ImportedAt) })
	switch {
	case len(regressed) == 0:
	case len(regressed) <= maxNotes:
		for _, p := range regressed {
			u.fyne.SendNotification(fyne.NewNotification("regtracker", regressionNote(p)))
		}
	default:
		u.fyne.SendNotification(fyne.NewNotification("regtracker", fmt.Sprintf("%s, %d with regressions; the newest %s",
			format.Counted(int64(len(news)), "new job"), len(regressed), regressionNote(regressed[0]))))
	}
}

// regressionNote is "7.0/vpn/15: 3 regressions, 1 fixed".
func regressionNote(p analysis.TrendPoint) string {
	s := fmt.Sprintf("%s: %s", p.Job.JobRef, format.Counted(p.Regressions, "regression"))
	if p.Fixed > 0 {
		s += fmt.Sprintf(", %s fixed", format.Count(p.Fixed))
	}
	return s
}
