package ui

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/jenkins"
	"github.com/regtracker/regtracker/core/monitor"
)

// monitorPage shows what regtracker costs: the last ten minutes of memory, CPU and
// goroutines, the sizes of the database, its log and the cache, a warning when memory
// runs short, and the import history.
type monitorPage struct {
	u       *App
	object  fyne.CanvasObject
	warning *widget.Label
	sizes   *widget.Label
	memory  *Chart
	load    *Chart
	routine *Chart
	imports *widget.Table
	jobs    []core.Job
	cache   string // the cache's size, read in the background
}

func (u *App) openMonitor() {
	p := newMonitorPage(u)
	u.show(p.object)
	p.run()
}

func newMonitorPage(u *App) *monitorPage {
	p := &monitorPage{u: u}
	title := widget.NewLabelWithStyle("Resource monitor", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.warning = widget.NewLabel("")
	p.warning.Importance = widget.DangerImportance
	p.warning.Wrapping = fyne.TextWrapWord
	p.warning.Hide()
	p.sizes = widget.NewLabel("")
	p.sizes.Wrapping = fyne.TextWrapWord
	p.memory = NewChart("Memory (MB)")
	p.load = NewChart("CPU and machine memory (%)")
	p.load.LineFormat = func(v float64) string { return fmt.Sprintf("%.0f%%", v) }
	p.routine = NewChart("Goroutines")
	diag := widget.NewButtonWithIcon("Run diagnostics", theme.InfoIcon(), u.runDiagnostics)
	cols := []string{"Job", "Imported", "Bytes", "Cases", "Seconds", "Cases/s", "Peak RSS"}
	p.imports = widget.NewTableWithHeaders(func() (int, int) { return len(p.jobs), len(cols) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			j := p.jobs[id.Row]
			l := o.(*widget.Label)
			l.Alignment = fyne.TextAlignTrailing
			switch id.Col {
			case 0:
				l.Alignment = fyne.TextAlignLeading
				l.SetText(j.JobRef.String())
			case 1:
				l.Alignment = fyne.TextAlignLeading
				l.SetText(ago(j.ImportedAt))
			case 2:
				l.SetText(format.Bytes(uint64(j.Stats.Bytes)))
			case 3:
				l.SetText(format.Count(j.Tests))
			case 4:
				l.SetText(format.Duration(j.Stats.Total))
			case 5:
				l.SetText(format.Rate(j.CasesPerSecond()))
			case 6:
				l.SetText(format.Bytes(j.Stats.PeakRSS))
			}
		})
	p.imports.ShowHeaderColumn = false
	p.imports.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Row < 0 {
			l := o.(*widget.Label)
			l.TextStyle.Bold = true
			l.SetText(cols[id.Col])
		}
	}
	for i, w := range []float32{150, 130, 100, 100, 90, 100, 100} {
		p.imports.SetColumnWidth(i, w)
	}
	charts := container.NewGridWithColumns(3, p.memory, p.load, p.routine)
	history := container.NewBorder(widget.NewLabelWithStyle("Import history", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, p.imports)
	split := container.NewVSplit(charts, history)
	split.Offset = 0.5
	p.object = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, title, diag), p.warning, p.sizes), nil, nil, nil, split)
	return p
}

// run refreshes the page every second while it is shown.
func (p *monitorPage) run() {
	p.refresh()
	var jobs []core.Job
	p.u.background(func(ctx context.Context) (err error) {
		jobs, err = p.u.store.Jobs(ctx, nil)
		return err
	}, func(err error) {
		if err == nil {
			slices.SortFunc(jobs, func(a, b core.Job) int { return b.ImportedAt.Compare(a.ImportedAt) })
			p.jobs = jobs
			p.imports.Refresh()
		}
	})
	p.cache = "…"
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for tick := 0; ; tick++ {
			if tick%10 == 0 && p.u.opts.CacheDir != "" { // walking the cache costs more
				n, err := (&jenkins.Cache{Dir: p.u.opts.CacheDir}).Size()
				do(func() {
					p.cache = format.Bytes(uint64(n))
					if err != nil {
						p.cache = "unknown"
					}
				})
			}
			select {
			case <-p.u.ctx.Done():
				return
			case <-t.C:
			}
			var shown bool
			fyne.DoAndWait(func() { shown = p.u.page == p.object })
			if !shown {
				return
			}
			do(p.refresh)
		}
	}()
}

func (p *monitorPage) refresh() {
	samples := p.u.sampler.Samples()
	cats := make([]string, len(samples))
	rss, heap, cpu, sys, gor := make([]float64, len(samples)), make([]float64, len(samples)), make([]float64, len(samples)), make([]float64, len(samples)), make([]float64, len(samples))
	for i, s := range samples {
		cats[i] = s.At.Local().Format("15:04:05")
		rss[i], heap[i] = float64(s.RSS)/1e6, float64(s.Heap)/1e6
		cpu[i], sys[i], gor[i] = s.CPU, s.SystemUsed, float64(s.Goroutines)
	}
	p.memory.Set(cats, nil, []Series{{Name: "process RSS", Color: theme.Color(theme.ColorNamePrimary), Values: rss},
		{Name: "Go heap", Color: statusColor(core.Passed, false), Values: heap}})
	p.load.Set(cats, nil, []Series{{Name: "process CPU", Color: theme.Color(theme.ColorNamePrimary), Values: cpu},
		{Name: "machine memory", Color: statusColor(core.Error, false), Values: sys}})
	p.routine.Set(cats, nil, []Series{{Name: "goroutines", Color: theme.Color(theme.ColorNamePrimary), Values: gor}})
	if w := p.u.sampler.Warning(); w != "" {
		p.warning.SetText("⚠ " + w)
		p.warning.Show()
	} else {
		p.warning.Hide()
	}
	db := p.u.store.Path()
	size := func(path string) string {
		if fi, err := os.Stat(path); err == nil {
			return format.Bytes(uint64(fi.Size()))
		}
		return "none"
	}
	last := monitor.Sample{}
	if len(samples) > 0 {
		last = samples[len(samples)-1]
	}
	p.sizes.SetText(fmt.Sprintf("Now: RSS %s, Go heap %s, CPU %.0f%%, %d goroutines. Database %s, write-ahead log %s, Jenkins cache %s, log %s (%s).",
		format.Bytes(last.RSS), format.Bytes(last.Heap), last.CPU, last.Goroutines, size(db), size(db+"-wal"),
		p.cache, size(p.u.opts.LogPath), p.u.opts.LogPath))
}

// runDiagnostics gathers the diagnostics report and shows it, with a way to save it.
func (u *App) runDiagnostics() {
	u.setStatus("Running diagnostics (an integrity check of the whole database)...")
	var r monitor.Report
	u.background(func(ctx context.Context) (err error) {
		r, err = monitor.Diagnose(ctx, u.store, monitor.Inputs{Version: u.fyne.Metadata().Version, CacheDir: u.opts.CacheDir,
			LogPath: u.opts.LogPath, Settings: map[string]string{"database": u.store.Path(), "jenkins cache": u.opts.CacheDir,
				"native file dialogs": fmt.Sprint(u.opts.NativeDialogs), "log": u.opts.LogPath,
				"memory warning": format.Bytes(u.sampler.RSSLimit)}})
		return err
	}, func(err error) {
		if err != nil {
			u.showError("Running diagnostics", err)
			return
		}
		verdict := "The database passed its integrity check."
		if !r.Healthy() {
			verdict = "The database FAILED its integrity check: " + r.DB.Problems[0]
		}
		text := widget.NewRichTextFromMarkdown(r.Markdown())
		text.Wrapping = fyne.TextWrapWord
		save := widget.NewButtonWithIcon("Save as Markdown...", theme.DocumentSaveIcon(), func() {
			d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if err != nil || w == nil {
					return
				}
				path := w.URI().Path()
				w.Close()
				if err := r.SaveMarkdown(path); err != nil {
					u.showError("Saving the report", err)
					return
				}
				u.setStatus("Saved the diagnostics report to %s", path)
			}, u.win)
			d.SetFileName("regtracker-diagnostics.md")
			d.Show()
		})
		content := container.NewBorder(widget.NewLabel(verdict), save, nil, nil, container.NewVScroll(text))
		d := dialog.NewCustom("Diagnostics", "Close", content, u.win)
		d.Resize(fyne.NewSize(900, 650))
		// The verdict is the dialog's: the status bar does not keep it once it closed.
		u.showModal(d, nil)
	})
}
