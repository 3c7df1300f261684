package ui

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/core/monitor"
)

// tasks is the panel of background imports: one row each, with progress, a Cancel
// button, and at the end the import's statistics or its error.
type tasks struct {
	u      *App
	object *fyne.Container
	list   *fyne.Container
	active map[*task]bool
	wg     sync.WaitGroup
	// following holds the rows of followed Jenkins jobs that fail (see followStatus).
	following map[string]*task
}

type task struct {
	ref    core.JobRef
	cancel context.CancelFunc
	title  *widget.Label
	bar    *widget.ProgressBar
	info   *widget.Label
	button *widget.Button
	row    *fyne.Container
	done   bool
	err    error
	// rssBefore is the app's memory when the import started: the import's own peak is
	// what it added (the app's pages and caches are not the import's).
	rssBefore uint64
}

func newTasks(u *App) *tasks {
	t := &tasks{u: u, list: container.NewVBox(), active: map[*task]bool{}, following: map[string]*task{}}
	t.object = container.NewVBox()
	return t
}

func (t *tasks) running() int { return len(t.active) }

// newRow adds a task row with a progress bar and a Cancel button.
func (t *tasks) newRow(ref core.JobRef, title string, cancel context.CancelFunc) *task {
	tk := &task{ref: ref, cancel: cancel,
		title: widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		bar:   widget.NewProgressBar(),
		info:  widget.NewLabel("starting..."),
	}
	tk.button = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { tk.cancel() })
	tk.row = container.NewBorder(nil, nil, tk.title, tk.button, container.NewVBox(tk.bar, tk.info))
	t.active[tk] = true
	t.list.Add(tk.row)
	t.show()
	return tk
}

// start runs an import of paths into ref in the background.
func (t *tasks) start(ref core.JobRef, paths []string, replace bool) *task {
	ctx, cancel := context.WithCancel(t.u.ctx)
	tk := t.newRow(ref, "Importing "+ref.String(), cancel)
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		before, _ := monitor.RSS() // read here: /proc is not read on the UI goroutine
		defer t.u.own.begin(&ref.ModuleRef)()
		job, err := importer.Import(ctx, t.u.store, paths, importer.Options{Job: ref, Replace: replace, Logger: t.u.opts.Logger,
			Progress: func(p importer.Progress) { do(func() { tk.progress(p) }) }})
		if err == nil {
			t.u.own.add(job.JobRef)
			t.u.logRefresh(ctx, job.JobRef)
		}
		cancel()
		do(func() {
			tk.rssBefore = before
			t.finished(tk, job, err)
		})
	}()
	return tk
}

// importMemory says what an import in the app added to its memory at its peak.
func importMemory(peak, before uint64) string {
	if before == 0 || peak < before {
		return "peak memory " + format.Bytes(peak)
	}
	return fmt.Sprintf("%s of memory at its peak (the app held %s before)", format.Bytes(peak-before), format.Bytes(before))
}

func (tk *task) progress(p importer.Progress) {
	if tk.done {
		return
	}
	if p.BytesTotal > 0 {
		tk.bar.SetValue(float64(p.BytesRead) / float64(p.BytesTotal))
	}
	if p.Phase != importer.PhaseImporting {
		tk.info.SetText(string(p.Phase))
		return
	}
	s := fmt.Sprintf("%s of %s, %s cases, %s cases/s", format.Bytes(uint64(p.BytesRead)), format.Bytes(uint64(p.BytesTotal)),
		format.Count(p.Cases), format.Rate(p.Rate))
	if eta := p.ETA(); eta > 0 {
		s += ", " + format.Duration(eta) + " left"
	}
	tk.info.SetText(s)
}

func (t *tasks) finished(tk *task, job core.Job, err error) {
	tk.done, tk.err = true, err
	delete(t.active, tk)
	tk.button.SetText("Dismiss")
	tk.button.SetIcon(theme.ConfirmIcon())
	tk.button.OnTapped = func() { t.list.Remove(tk.row); t.show() }
	switch {
	case errors.Is(err, context.Canceled):
		// Asked for, not a failure: grey words, no bar stopped half way.
		tk.bar.Hide()
		tk.title.SetText("Cancelled " + tk.ref.String())
		tk.info.Importance = widget.LowImportance
		tk.info.SetText("cancelled, nothing kept")
		t.fold(tk)
	case err != nil:
		tk.bar.Hide()
		tk.title.SetText("Failed " + tk.ref.String())
		tk.title.Importance = widget.DangerImportance
		tk.title.Refresh()
		tk.info.Importance = widget.DangerImportance
		tk.info.SetText(err.Error())
		tk.info.Wrapping = fyne.TextWrapWord
		tk.info.Refresh()
	default:
		tk.bar.SetValue(1)
		tk.title.SetText("Imported " + job.JobRef.String())
		tk.info.SetText(fmt.Sprintf("%s tests (%s failed, %s errors) in %s: %s cases/s, %s",
			format.Count(job.Tests), format.Count(job.Failed), format.Count(job.Errors), format.Duration(job.Stats.Total),
			format.Rate(job.CasesPerSecond()), importMemory(job.Stats.PeakRSS, tk.rssBefore)))
		// The new job joins the tree; the page the user is on stays.
		ref := job.JobRef
		t.u.sidebar.reload(nil)
		open := widget.NewButtonWithIcon("Open", theme.NavigateNextIcon(), func() { t.u.openJob(ref) })
		actions := container.NewHBox(open, tk.button)
		tk.row.Layout = layout.NewBorderLayout(nil, nil, tk.title, actions)
		tk.row.Objects = []fyne.CanvasObject{container.NewVBox(tk.bar, tk.info), tk.title, actions}
		tk.row.Refresh()
		t.fold(tk)
	}
}

// fold removes a finished row after a while (see Options.FoldImportsAfter): the new job
// is in the tree, the status bar said so, and the space belongs to the data.
func (t *tasks) fold(tk *task) {
	after := t.u.opts.FoldImportsAfter
	if after == 0 {
		after = DefaultFoldImportsAfter
	}
	if after < 0 {
		return
	}
	time.AfterFunc(after, func() {
		do(func() {
			for _, o := range t.list.Objects {
				if o == tk.row {
					t.list.Remove(tk.row)
					t.show()
					return
				}
			}
		})
	})
}

// show shows the panel when it has rows.
func (t *tasks) show() {
	t.object.Objects = nil
	if len(t.list.Objects) > 0 {
		header := widget.NewLabelWithStyle("Imports", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		t.object.Objects = []fyne.CanvasObject{widget.NewSeparator(), header, t.list}
	}
	t.object.Refresh()
}

func (t *tasks) cancelAll() {
	for tk := range t.active {
		tk.cancel()
	}
}

// wait waits for every import to end.
func (t *tasks) wait() { t.wg.Wait() }
