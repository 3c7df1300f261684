// Package ui is regtracker's desktop interface, built with Fyne: a sidebar of releases,
// modules and jobs, module and job pages, an import wizard with drag-and-drop, and a
// panel of background imports. Every store query and import runs in a goroutine and
// reaches the widgets through fyne.Do; the UI goroutine only ever reads a page of rows.
package ui

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/credentials"
	"github.com/regtracker/regtracker/core/follow"
	"github.com/regtracker/regtracker/core/monitor"
	"github.com/regtracker/regtracker/core/store"
)

// Store is what the interface reads and writes.
type Store interface {
	analysis.Store
	BeginJob(ctx context.Context, ref core.JobRef, opts core.WriteOptions) (core.JobWriter, error)
	LastNumber(ctx context.Context, module core.ModuleRef) (int64, error)
	Jobs(ctx context.Context, module *core.ModuleRef) ([]core.Job, error)
	Path() string
	Version(ctx context.Context) (string, error)
	ResultIDs(ctx context.Context, job core.JobRef, f store.ResultFilter, order store.ResultOrder, desc bool) ([]uint32, error)
	ResultRows(ctx context.Context, job core.JobRef, seqs []uint32) ([]store.ResultRow, error)
	ResultDetail(ctx context.Context, job core.JobRef, seq uint32) (core.Result, error)
	AddKnownIssue(ctx context.Context, k core.KnownIssue) (core.KnownIssue, error)
	RemoveKnownIssue(ctx context.Context, id int64) (core.KnownIssue, error)
	ModuleRepo(ctx context.Context, module core.ModuleRef) (string, error)
	SetModuleRepo(ctx context.Context, module core.ModuleRef, repo string) error
	analysis.SlowerStore
	monitor.DiagnoseStore
}

// Options tune the app.
type Options struct {
	// NativeDialogs uses the operating system's file dialogs (github.com/sqweek/dialog),
	// falling back to Fyne's when they fail.
	NativeDialogs bool
	// Logger receives the imports' phases, timings and errors; LogPath is its file, shown
	// in the monitor and the diagnostics.
	Logger  *slog.Logger
	LogPath string
	// CacheDir is the Jenkins artifact cache, for the monitor and the diagnostics.
	CacheDir string
	// MemoryLimit, when > 0, makes the monitor warn when the process passes it.
	MemoryLimit uint64
	// CacheLimit bounds the Jenkins cache, in bytes.
	CacheLimit int64
	// Credentials keeps Jenkins API tokens.
	Credentials *credentials.Store
	// WatchEvery is how often the window asks whether the store changed
	// (DefaultWatchEvery when 0; negative: never).
	WatchEvery time.Duration
	// Jobs are the remembered Jenkins jobs, shared with the command line (when nil, a
	// list in a new temporary directory, forgotten at exit: for tests); the followed ones
	// are fetched in the background, every FollowEvery when positive, else every job's
	// own interval.
	Jobs        *follow.List
	FollowEvery time.Duration
	// FoldImportsAfter is how long a finished import's row stays in the tasks panel
	// (DefaultFoldImportsAfter when 0; negative: until dismissed). Failed ones stay.
	FoldImportsAfter time.Duration
}

// DefaultFoldImportsAfter is how long a finished import's row stays.
const DefaultFoldImportsAfter = 6 * time.Second

// App is the main window. Its fields are touched on the UI goroutine only.
type App struct {
	fyne   fyne.App
	modals []*modal // the dialogs shown with showModal, the top last
	// shownJob is the job whose page is shown, nil on other pages.
	shownJob *core.JobRef
	// retime, set by the page shown, writes its relative times ("2 min ago") again; the
	// clock calls it every timesEvery.
	retime func()
	win    fyne.Window
	store  Store
	opts   Options
	ctx    context.Context // ends when the app shuts down
	stop   context.CancelFunc
	bg     sync.WaitGroup // background reads in flight

	sidebar  *sidebar
	tasks    *tasks
	follower *follow.Follower
	sampler  *monitor.Sampler
	content  *fyne.Container // the page on the right
	status   *widget.Label
	page     fyne.CanvasObject
	welcome  bool            // the page is the welcome page
	current  *core.ModuleRef // the module of the page shown, the wizard's default
	own      *ownJobs        // jobs this window imported: not marked new
	// reloadPage reads the page shown again when the store changed (the module page);
	// nil for pages that keep what they read.
	reloadPage func()
	// savePath, when set, answers saveFile instead of a file dialog (tests).
	savePath func(title, suggested string, done func(path string))
}

// New builds the main window on st. ctx ends the app's background work.
func New(ctx context.Context, a fyne.App, st Store, opts Options) *App {
	if opts.Jobs == nil {
		dir, _ := os.MkdirTemp("", "regtracker-jobs-")
		opts.Jobs = follow.Open(dir)
	}
	u := &App{fyne: a, store: st, opts: opts, own: &ownJobs{}}
	u.ctx, u.stop = context.WithCancel(ctx)
	u.sampler = &monitor.Sampler{RSSLimit: opts.MemoryLimit}
	go u.sampler.Run(u.ctx)
	u.win = a.NewWindow("regtracker")
	u.win.Resize(fyne.NewSize(1280, 800))
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.tasks = newTasks(u)
	u.sidebar = newSidebar(u)
	u.content = container.NewStack()

	toolbar := widget.NewToolbar(
		newToolbarTip(theme.FolderOpenIcon(), "Import reports... (Ctrl+O)", u.ImportWizard),
		newToolbarTip(theme.DownloadIcon(), "Import from Jenkins...", u.JenkinsWizard),
		newToolbarTip(theme.MediaSkipNextIcon(), "Fetch the new builds of every remembered Jenkins job", u.FetchNewBuilds),
		newToolbarTip(theme.ViewRefreshIcon(), "Reload the history (Ctrl+R)", u.Reload),
		widget.NewToolbarSpacer(),
		newToolbarTip(theme.ComputerIcon(), "Resource monitor", u.openMonitor),
		newToolbarTip(theme.InfoIcon(), "Diagnostics", u.runDiagnostics),
		newToolbarTip(theme.SettingsIcon(), "Settings...", u.openSettings),
		newToolbarTip(theme.HelpIcon(), "Help and about", u.about),
	)
	split := container.NewHSplit(u.sidebar.object, container.NewBorder(nil, u.tasks.object, nil, nil, u.content))
	split.Offset = 0.24
	u.win.SetContent(withTips(u.win.Canvas(), container.NewBorder(toolbar, u.status, nil, nil, split)))

	shortcut := func(key fyne.KeyName) fyne.Shortcut {
		return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
	}
	withShortcut := func(it *fyne.MenuItem, key fyne.KeyName) *fyne.MenuItem { it.Shortcut = shortcut(key); return it }
	u.win.SetMainMenu(fyne.NewMainMenu(
		fyne.NewMenu("File",
			withShortcut(fyne.NewMenuItem("Import reports...", u.ImportWizard), fyne.KeyO),
			fyne.NewMenuItem("Import from Jenkins...", u.JenkinsWizard),
			fyne.NewMenuItem("Fetch new builds of every remembered Jenkins job", u.FetchNewBuilds),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Load demo data", func() { u.loadDemo(nil) }),
			fyne.NewMenuItem("Settings...", u.openSettings),
		),
		fyne.NewMenu("View",
			withShortcut(fyne.NewMenuItem("Find a release, module or job", func() { u.win.Canvas().Focus(u.sidebar.search) }), fyne.KeyF),
			withShortcut(fyne.NewMenuItem("Reload", u.Reload), fyne.KeyR),
			fyne.NewMenuItem("Resource monitor", u.openMonitor),
			fyne.NewMenuItem("Diagnostics", u.runDiagnostics),
		),
		fyne.NewMenu("Help", fyne.NewMenuItem("First steps", u.firstSteps), fyne.NewMenuItem("About regtracker", u.about)),
	))
	c := u.win.Canvas()
	c.AddShortcut(shortcut(fyne.KeyO), func(fyne.Shortcut) { u.ImportWizard() })
	c.AddShortcut(shortcut(fyne.KeyR), func(fyne.Shortcut) { u.Reload() })
	c.AddShortcut(shortcut(fyne.KeyF), func(fyne.Shortcut) { c.Focus(u.sidebar.search) })
	c.SetOnTypedKey(u.typedKey)
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { u.Dropped(uris) })
	u.win.SetCloseIntercept(u.closeRequested)
	u.adoptMappings()
	u.startFollowing()
	u.keepTimes(timesEvery)
	switch {
	case opts.WatchEvery == 0:
		u.watch(DefaultWatchEvery)
	case opts.WatchEvery > 0:
		u.watch(opts.WatchEvery)
	}
	return u
}

// timesEvery is how often the page shown writes its relative times again.
const timesEvery = 30 * time.Second

// keepTimes calls the shown page's retime every interval, so that "2 min ago" does not
// stay while the window is left open.
func (u *App) keepTimes(interval time.Duration) {
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-u.ctx.Done():
				return
			case <-t.C:
				do(func() {
					if u.retime != nil {
						u.retime()
					}
				})
			}
		}
	}()
}

// Window is the main window.
func (u *App) Window() fyne.Window { return u.win }

// Reload reads the releases, modules and jobs again and shows the welcome page when
// there are none.
func (u *App) Reload() { u.sidebar.reload(nil) }

// show replaces the page on the right.
func (u *App) show(page fyne.CanvasObject) {
	u.page, u.welcome, u.reloadPage, u.shownJob, u.retime = page, false, nil, nil, nil
	u.content.Objects = []fyne.CanvasObject{page}
	u.content.Refresh()
}

// setStatus shows a line in the status bar.
func (u *App) setStatus(format string, args ...any) { u.status.SetText(fmt.Sprintf(format, args...)) }

// showError reports err in a dialog, with what the user was doing.
func (u *App) showError(doing string, err error) {
	dialog.ShowError(fmt.Errorf("%s: %w", doing, err), u.win)
}

// uiMu is held while a goroutine's update runs on the UI goroutine. With a real driver
// fyne.Do already runs them one at a time on the main goroutine and the lock is never
// contended; the test driver runs them on the calling goroutine, and the lock keeps
// them from running at once there too.
var uiMu sync.Mutex

// do runs fn on the UI goroutine, from any goroutine.
func do(fn func()) {
	fyne.Do(func() {
		uiMu.Lock()
		defer uiMu.Unlock()
		fn()
	})
}

// background runs fn off the UI goroutine and then done on it with fn's error.
func (u *App) background(fn func(ctx context.Context) error, done func(error)) {
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		err := fn(u.ctx)
		if u.ctx.Err() == nil {
			do(func() { done(err) })
		}
	}()
}

// OpenJob shows a job's page.
func (u *App) OpenJob(ref core.JobRef) { u.openJob(ref) }

// OpenModule shows a module's page.
func (u *App) OpenModule(m core.ModuleRef) { u.openModule(m) }

// Import starts importing paths into ref as a background task.
func (u *App) Import(ref core.JobRef, paths []string, replace bool) {
	u.tasks.start(ref, paths, replace)
}

// OpenHistory shows a test's history in a module.
func (u *App) OpenHistory(m core.ModuleRef, test core.TestID) { u.openHistory(m, test) }

// OpenFlaky shows a module's flaky tests.
func (u *App) OpenFlaky(m core.ModuleRef) { u.openFlaky(m) }

// OpenCompare shows job compared with base, which may be of any module or release.
func (u *App) OpenCompare(job, base core.JobRef) {
	p := newJobPage(u, job)
	p.setBase(base)
	u.show(p.object)
	u.current = &job.ModuleRef
}

// OpenMonitor shows the resource monitor.
func (u *App) OpenMonitor() { u.openMonitor() }

// OpenImportWizard opens the import dialog on paths.
func (u *App) OpenImportWizard(paths []string) { u.openWizard(paths) }

// openJob shows a job's page.
func (u *App) openJob(ref core.JobRef) *jobPage {
	p := newJobPage(u, ref)
	u.show(p.object)
	u.shownJob = &ref
	u.retime = p.retime
	u.current = &ref.ModuleRef
	u.sidebar.selectNode(jobUID(ref))
	u.sidebar.opened(jobUID(ref))
	return p
}

// OpenJobTab shows a job's page on one of its tabs ("Regressions", "Slower"...), with
// the row-th test of that tab's list selected once it is read (row < 0: none).
func (u *App) OpenJobTab(ref core.JobRef, tab string, row int) {
	p := u.openJob(ref)
	p.selectTab(tab)
	if l, ok := p.lists[tab]; ok && row >= 0 {
		p.selectWhenLoaded = func() {
			if row < len(l.changes) {
				l.list.Select(row)
			}
		}
	}
}

// openModule shows a module's page.
func (u *App) openModule(m core.ModuleRef) *modulePage {
	p := newModulePage(u, m)
	u.show(p.object)
	u.reloadPage = p.load
	u.retime = p.table.Refresh
	u.current = &m
	u.sidebar.selectNode(moduleUID(m))
	return p
}

func (u *App) about() {
	v := u.fyne.Metadata().Version
	if v == "" {
		v = "development build"
	}
	u.showModal(dialog.NewInformation("About regtracker", fmt.Sprintf("regtracker %s\n\nTracks test regressions across builds, offline.\nDatabase: %s", v, u.store.Path()), u.win), nil)
}

// closeRequested asks before closing while imports run, then cancels them.
func (u *App) closeRequested() {
	if u.tasks.running() == 0 {
		u.win.Close()
		return
	}
	dialog.ShowConfirm("Imports are running",
		fmt.Sprintf("%d import(s) are still running. Cancel them and quit? Nothing of them will be kept.", u.tasks.running()),
		func(ok bool) {
			if !ok {
				return
			}
			u.tasks.cancelAll()
			go func() {
				u.tasks.wait()
				do(u.win.Close)
			}()
		}, u.win)
}

// logRefresh brings the trend counts of job and the job after it up to date, logging a
// failure (the trend recomputes what is missing anyway).
func (u *App) logRefresh(ctx context.Context, job core.JobRef) {
	if err := analysis.Refresh(context.WithoutCancel(ctx), u.store, job); err != nil && u.opts.Logger != nil {
		u.opts.Logger.Warn("trend counts not refreshed", "job", job.String(), "error", err.Error())
	}
}

// Shutdown cancels the running imports and waits for them to roll back, and for the
// background reads to end; the store can be closed afterwards.
func (u *App) Shutdown() {
	u.tasks.cancelAll()
	u.tasks.wait()
	u.stop()
	u.bg.Wait()
}

// logWarn logs a warning when the app has a log.
func (u *App) logWarn(msg string, args ...any) {
	if u.opts.Logger != nil {
		u.opts.Logger.Warn(msg, args...)
	}
}
