package ui

import (
	"cmp"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/format"
)

// jobPicker chooses a job among many (the job page's Compare with): a search field
// over "release/module/number", the jobs grouped by release and module, newest release
// and job first. Enter takes the first match, Esc closes.
type jobPicker struct {
	rows   []pickRow // shown: headings and jobs
	all    []core.Job
	search *pickerSearch
	list   *widget.List
	d      dialog.Dialog
	chosen func(core.JobRef)
}

// pickRow is a heading (a module, job nil) or a job.
type pickRow struct {
	heading string
	job     *core.Job
}

// pickerSearch is the picker's search field. Esc in it closes the picker: a focused
// entry keeps the keys from the window's handler.
type pickerSearch struct {
	widget.Entry
	picker *jobPicker
}

func (e *pickerSearch) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.picker.d.Hide()
		return
	}
	e.Entry.TypedKey(k)
}

// sortForPicking orders jobs newest release first (as versions compare), then module,
// then newest job first.
func sortForPicking(jobs []core.Job) {
	slices.SortFunc(jobs, func(a, b core.Job) int {
		return cmp.Or(-format.CompareNatural(a.Release, b.Release), strings.Compare(a.Module, b.Module),
			cmp.Compare(b.Number, a.Number))
	})
}

// pickJob opens the picker on jobs (sorted here); chosen receives the job picked.
func (u *App) pickJob(title string, jobs []core.Job, chosen func(core.JobRef)) *jobPicker {
	p := &jobPicker{all: slices.Clone(jobs), chosen: chosen}
	sortForPicking(p.all)
	p.search = &pickerSearch{picker: p}
	p.search.ExtendBaseWidget(p.search)
	p.search.SetPlaceHolder("Find a job: 7.0/vpn/14, vpn, 14...")
	p.list = widget.NewList(func() int { return len(p.rows) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			r := p.rows[i]
			if r.job == nil {
				l.TextStyle.Bold = true
				l.SetText(r.heading)
				return
			}
			l.TextStyle.Bold = false
			l.SetText("    #" + format.Count(r.job.Number) + "   " + format.Count(r.job.Passed) + " passed, " +
				format.Count(r.job.Failed+r.job.Errors) + " failed · " + r.job.JobRef.String())
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		if i < len(p.rows) && p.rows[i].job != nil {
			p.pick(p.rows[i].job.JobRef)
		} else {
			p.list.UnselectAll()
		}
	}
	p.search.OnChanged = func(string) { p.filter() }
	p.search.OnSubmitted = func(string) {
		for _, r := range p.rows {
			if r.job != nil {
				p.pick(r.job.JobRef)
				return
			}
		}
	}
	p.filter()
	content := container.NewBorder(p.search, nil, nil, nil, p.list)
	p.d = dialog.NewCustom(title, "Cancel", content, u.win)
	p.d.Resize(fyne.NewSize(560, 600))
	u.showModal(p.d, nil)
	u.win.Canvas().Focus(p.search)
	return p
}

func (p *jobPicker) pick(ref core.JobRef) {
	p.d.Hide()
	p.chosen(ref)
}

// filter shows the jobs whose "release/module/number" holds every word of the search.
func (p *jobPicker) filter() {
	words := strings.Fields(strings.ToLower(p.search.Text))
	p.rows = p.rows[:0]
	last := ""
	for i := range p.all {
		j := &p.all[i]
		name := strings.ToLower(j.JobRef.String())
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(name, w) }) {
			if m := j.ModuleRef.String(); m != last {
				p.rows = append(p.rows, pickRow{heading: m})
				last = m
			}
			p.rows = append(p.rows, pickRow{job: j})
		}
	}
	p.list.Refresh()
	p.list.ScrollToTop()
}
