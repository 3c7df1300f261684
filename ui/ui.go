// Package ui is regtracker's desktop interface, built with Fyne. It shows what the store
// holds; all database work runs in goroutines and reaches widgets through fyne.Do.
package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/format"
)

// Store is what the interface reads.
type Store interface {
	Jobs(ctx context.Context, module *core.ModuleRef) ([]core.Job, error)
	Path() string
}

// App is the main window and its state. Its fields are touched on the UI goroutine only.
type App struct {
	fyne  fyne.App
	win   fyne.Window
	store Store

	jobs    []core.Job
	table   *widget.Table
	empty   fyne.CanvasObject
	status  *widget.Label
	body    *fyne.Container
	loading bool
}

// New builds the main window on st. Call Reload to fill it.
func New(a fyne.App, st Store) *App {
	u := &App{fyne: a, store: st}
	u.win = a.NewWindow("regtracker")
	u.win.Resize(fyne.NewSize(1100, 700))
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.table = u.newJobsTable()
	u.empty = container.NewCenter(widget.NewLabelWithStyle(
		"No jobs yet.\n\nImport JUnit reports from a terminal:\n"+
			"regtracker-cli import --db "+st.Path()+" --job RELEASE/MODULE PATH...\n\nthen press Reload.",
		fyne.TextAlignCenter, fyne.TextStyle{}))
	u.body = container.NewStack(u.empty)

	toolbar := widget.NewToolbar(
		widget.NewToolbarAction(theme.ViewRefreshIcon(), func() { u.Reload() }),
	)
	u.win.SetContent(container.NewBorder(toolbar, u.status, nil, nil, u.body))
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { u.Reload() })
	return u
}

// Window is the main window.
func (u *App) Window() fyne.Window { return u.win }

// Reload reads the jobs in a goroutine and shows them when they arrive. done, if not
// nil, is called on the UI goroutine afterwards.
func (u *App) Reload() { u.reload(nil) }

func (u *App) reload(done func()) {
	if u.loading {
		return
	}
	u.loading = true
	u.status.SetText("Loading " + u.store.Path() + "...")
	go func() {
		jobs, err := u.store.Jobs(context.Background(), nil)
		fyne.Do(func() {
			u.loading = false
			u.show(jobs, err)
			if done != nil {
				done()
			}
		})
	}()
}

func (u *App) show(jobs []core.Job, err error) {
	if err != nil {
		u.status.SetText("Cannot read " + u.store.Path() + ": " + err.Error())
		return
	}
	u.jobs = jobs
	u.body.Objects = []fyne.CanvasObject{u.empty}
	if len(jobs) > 0 {
		u.body.Objects = []fyne.CanvasObject{u.table}
	}
	u.body.Refresh()
	u.table.Refresh()
	var tests int64
	for _, j := range jobs {
		tests += j.Tests
	}
	u.status.SetText(fmt.Sprintf("%s jobs, %s results in %s", format.Count(int64(len(jobs))), format.Count(tests), u.store.Path()))
}

// jobColumns are the columns of the jobs table; numbers are right-aligned.
var jobColumns = []struct {
	title string
	width float32
	right bool
	value func(j *core.Job) string
}{
	{"Job", 200, false, func(j *core.Job) string { return j.JobRef.String() }},
	{"Tests", 100, true, func(j *core.Job) string { return format.Count(j.Tests) }},
	{"Passed", 100, true, func(j *core.Job) string { return format.Count(j.Passed) }},
	{"Failed", 90, true, func(j *core.Job) string { return format.Count(j.Failed) }},
	{"Errors", 90, true, func(j *core.Job) string { return format.Count(j.Errors) }},
	{"Skipped", 90, true, func(j *core.Job) string { return format.Count(j.Skipped) }},
	{"Flaky", 80, true, func(j *core.Job) string { return format.Count(j.Flaky) }},
	{"Import", 90, true, func(j *core.Job) string { return format.Duration(j.Stats.Total) }},
	{"Imported", 160, false, func(j *core.Job) string { return j.ImportedAt.Local().Format("2006-01-02 15:04") }},
}

func (u *App) newJobsTable() *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(u.jobs), len(jobColumns) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			c := jobColumns[id.Col]
			l.Alignment = fyne.TextAlignLeading
			if c.right {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.SetText(c.value(&u.jobs[id.Row]))
		})
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row >= 0 || id.Col < 0 {
			return
		}
		l := o.(*widget.Label)
		l.SetText(jobColumns[id.Col].title)
		if jobColumns[id.Col].right {
			l.Alignment = fyne.TextAlignTrailing
		}
	}
	for i, c := range jobColumns {
		t.SetColumnWidth(i, c.width)
	}
	return t
}
