package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/store"
)

// resultsView is a job's results: a table that scrolls through a million rows by
// reading them a page at a time in the background, a name filter, a status filter,
// sorting, and the selected result's message, stack trace and output.
type resultsView struct {
	u      *App
	ref    core.JobRef
	object fyne.CanvasObject

	filter *widget.Entry
	status *widget.Select
	order  *widget.Select
	count  *widget.Label
	table  *widget.Table
	detail *resultDetail

	started bool
	query   int      // increases with each new query; late answers to older ones are dropped
	shown   int      // the query whose answer the table shows
	ids     []uint32 // positions of the results shown, in the job
	pages   map[int][]store.ResultRow
	loading map[int]bool
}

const resultsPage = 200

const selectResult = "Select a result to see its message, stack trace and output."

var (
	statusFilters = []string{"All statuses", "Failed or error", "Failed", "Error", "Skipped", "Passed"}
	orders        = []string{"Report order", "Name", "Status (worst first)", "Duration (longest first)"}
)

func newResultsView(u *App, ref core.JobRef) *resultsView {
	v := &resultsView{u: u, ref: ref, pages: map[int][]store.ResultRow{}, loading: map[int]bool{}}
	v.filter = widget.NewEntry()
	v.filter.SetPlaceHolder("Filter by class or test name")
	v.filter.OnChanged = func(string) { v.reload() }
	v.status = widget.NewSelect(statusFilters, func(string) { v.reload() })
	v.status.SetSelectedIndex(0)
	v.order = widget.NewSelect(orders, func(string) { v.reload() })
	v.order.SetSelectedIndex(0)
	v.count = widget.NewLabel("")
	v.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(v.ids), 4 },
		func() fyne.CanvasObject {
			c := newRowCell(func() *widget.Table { return v.table }, v.openHistory)
			c.Truncation = fyne.TextTruncateEllipsis
			return c
		},
		v.updateCell)
	v.table.ShowHeaderColumn = false
	v.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Row < 0 {
			l := o.(*widget.Label)
			l.TextStyle.Bold = true
			l.SetText([]string{"Test", "Status", "Duration", "Message"}[id.Col])
		}
	}
	for i, w := range []float32{420, 90, 90, 420} {
		v.table.SetColumnWidth(i, w)
	}
	v.table.OnSelected = func(id widget.TableCellID) { v.selected(id.Row) }
	v.detail = newResultDetail(u, ref.ModuleRef, selectResult)
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(v.status, v.order, v.count), v.filter)
	split := container.NewVSplit(v.table, v.detail.object)
	split.Offset = 0.7
	v.object = container.NewBorder(bar, nil, nil, nil, split)
	return v
}

// start loads the results the first time the tab is shown.
func (v *resultsView) start() {
	if !v.started {
		v.started = true
		v.reload()
	}
}

func (v *resultsView) request() (store.ResultFilter, store.ResultOrder) {
	f := store.ResultFilter{Name: strings.TrimSpace(v.filter.Text)}
	switch v.status.Selected {
	case "Failed or error":
		f.Statuses = []core.Status{core.Failed, core.Error}
	case "Failed":
		f.Statuses = []core.Status{core.Failed}
	case "Error":
		f.Statuses = []core.Status{core.Error}
	case "Skipped":
		f.Statuses = []core.Status{core.Skipped}
	case "Passed":
		f.Statuses = []core.Status{core.Passed}
	}
	order := store.ByReport
	switch v.order.Selected {
	case "Name":
		order = store.ByName
	case "Status (worst first)":
		order = store.ByStatus
	case "Duration (longest first)":
		order = store.ByDuration
	}
	return f, order
}

// reload runs the query for the current filter and order in the background.
func (v *resultsView) reload() {
	if !v.started {
		return
	}
	v.query++
	q := v.query
	f, order := v.request()
	v.count.SetText("Searching...")
	var ids []uint32
	v.u.background(func(ctx context.Context) (err error) {
		ids, err = v.u.store.ResultIDs(ctx, v.ref, f, order, order == store.ByDuration)
		return err
	}, func(err error) {
		if q != v.query {
			return
		}
		if err != nil {
			v.count.SetText(err.Error())
			return
		}
		v.ids, v.shown = ids, q
		v.pages, v.loading = map[int][]store.ResultRow{}, map[int]bool{}
		v.count.SetText(format.Count(int64(len(ids))) + " results")
		v.table.UnselectAll()
		v.detail.clear(selectResult) // the result shown may not pass the new filter
		v.table.ScrollToTop()
		v.table.Refresh()
	})
}

func (v *resultsView) row(i int) (store.ResultRow, bool) {
	page := i / resultsPage
	rows, ok := v.pages[page]
	if !ok {
		v.loadPage(page)
		return store.ResultRow{}, false
	}
	return rows[i%resultsPage], true
}

// loadPage reads one page of rows in the background.
func (v *resultsView) loadPage(page int) {
	if v.loading[page] {
		return
	}
	v.loading[page] = true
	q := v.shown // the query these ids answer; a newer answer replaces the pages
	ids := v.ids[page*resultsPage : min((page+1)*resultsPage, len(v.ids))]
	var rows []store.ResultRow
	v.u.background(func(ctx context.Context) (err error) {
		rows, err = v.u.store.ResultRows(ctx, v.ref, ids)
		return err
	}, func(err error) {
		if q != v.shown || err != nil {
			return
		}
		v.pages[page] = rows
		v.table.Refresh()
	})
}

// openHistory opens the history of the test of row i (a double click).
func (v *resultsView) openHistory(i int) {
	if r, ok := v.row(i); ok {
		v.u.openHistory(v.ref.ModuleRef, r.Test)
	}
}

func (v *resultsView) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	cell := o.(*rowCell)
	cell.id = id
	l := &cell.Label
	r, ok := v.row(id.Row)
	l.Importance = widget.MediumImportance
	l.Alignment = fyne.TextAlignLeading
	if !ok {
		l.SetText("…")
		return
	}
	switch id.Col {
	case 0:
		l.SetText(r.Test.String())
	case 1:
		l.SetText(statusWord(r.Status, r.Flaky))
		l.Importance = statusImportance(r.Status)
	case 2:
		l.Alignment = fyne.TextAlignTrailing
		l.SetText(seconds(r.Duration))
	case 3:
		l.SetText(format.FirstLine(r.Message))
	}
}

// selected shows a result's details, read in the background.
func (v *resultsView) selected(i int) {
	r, ok := v.row(i)
	if !ok {
		return
	}
	v.detail.show(v.ref, r.Seq, "")
}
