package ui

import (
	"context"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/store"
)

// groupsView is the job page's Failure groups tab: the job's failures grouped by message
// signature, largest first, each with a Known issue... button for its signature; the
// selected group's tests under it, and the selected test's failure beside them.
type groupsView struct {
	u      *App
	ref    core.JobRef
	object fyne.CanvasObject

	groups  []analysis.Group
	list    *widget.List
	empty   *widget.Label
	title   *widget.Label
	tests   []store.ResultRow
	testL   *widget.List
	failure *resultDetail
	query   int    // increases with each group selected; older answers are dropped
	changed func() // after a known issue was recorded: the page reads the job again
}

// groupTestsShown bounds the tests read for one group (a lab outage can put every
// failure of a million-test job in one).
const groupTestsShown = 5000

const selectGroup = "Select a group to see its tests."

func newGroupsView(u *App, ref core.JobRef) *groupsView {
	g := &groupsView{u: u, ref: ref}
	g.list = widget.NewList(func() int { return len(g.groups) },
		func() fyne.CanvasObject {
			count := widget.NewLabel("")
			count.Alignment = fyne.TextAlignTrailing
			count.TextStyle.Bold = true
			sig := widget.NewLabel("")
			sig.Truncation = fyne.TextTruncateEllipsis
			known := widget.NewButtonWithIcon("Known issue...", knownIcon(), nil)
			known.Importance = widget.LowImportance
			return container.NewBorder(nil, nil, count, known, sig)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			gr := g.groups[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(gr.Signature)
			box.Objects[1].(*widget.Label).SetText(format.Count(int64(gr.Count)) + " ×")
			box.Objects[2].(*widget.Button).OnTapped = func() {
				u.markKnown(ref.ModuleRef, gr.Example.Test, gr.Example.Message, true, g.changed)
			}
		})
	g.list.OnSelected = func(i widget.ListItemID) {
		if i < len(g.groups) {
			g.open(g.groups[i])
		}
	}
	g.empty = widget.NewLabel("Loading...")
	g.empty.Alignment = fyne.TextAlignCenter
	g.title = widget.NewLabel(selectGroup)
	g.title.Truncation = fyne.TextTruncateEllipsis
	g.testL = widget.NewList(func() int { return len(g.tests) },
		func() fyne.CanvasObject {
			status := widget.NewLabel("")
			status.TextStyle.Bold = true
			return container.NewBorder(nil, nil, status, nil, newElidedLabel())
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := g.tests[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*elidedLabel).SetText(r.Test.String())
			st := box.Objects[1].(*widget.Label)
			st.SetText(statusWord(r.Status, r.Flaky))
			st.Importance = statusImportance(r.Status)
			st.Refresh()
		})
	g.failure = newResultDetail(u, ref.ModuleRef, selectFailure)
	g.testL.OnSelected = func(i widget.ListItemID) {
		if i < len(g.tests) {
			g.failure.show(ref, g.tests[i].Seq, "")
		}
	}
	tests := container.NewHSplit(container.NewBorder(g.title, nil, nil, nil, g.testL), g.failure.object)
	tests.Offset = 0.45
	split := container.NewVSplit(container.NewStack(g.list, g.empty), tests)
	split.Offset = 0.4
	g.object = split
	return g
}

// set shows groups.
func (g *groupsView) set(groups []analysis.Group) {
	g.groups = groups
	g.list.UnselectAll()
	g.empty.SetText("None: no test failed.")
	g.empty.Hidden = len(groups) > 0
	g.empty.Refresh()
	g.list.Refresh()
	g.query++
	g.tests = nil
	g.title.SetText(selectGroup)
	g.testL.Refresh()
	g.failure.clear(selectFailure)
}

// open reads a group's tests in the background, in natural name order.
func (g *groupsView) open(gr analysis.Group) {
	g.query++
	q := g.query
	seqs := gr.Seqs[:min(len(gr.Seqs), groupTestsShown)]
	g.title.SetText(fmt.Sprintf("Reading the %s of %q...", format.Counted(int64(gr.Count), "test"), gr.Signature))
	var rows []store.ResultRow
	g.u.background(func(ctx context.Context) (err error) {
		rows, err = g.u.store.ResultRows(ctx, g.ref, seqs)
		slices.SortFunc(rows, func(a, b store.ResultRow) int { return compareTests(a.Test, b.Test) })
		return err
	}, func(err error) {
		if q != g.query {
			return
		}
		if err != nil {
			g.title.SetText("Cannot read the group's tests: " + err.Error())
			return
		}
		g.tests = rows
		title := format.Counted(int64(gr.Count), "test") + " failed with " + gr.Signature
		if len(rows) < gr.Count {
			title = fmt.Sprintf("The first %s of %s", format.Count(int64(len(rows))), title)
		}
		g.title.SetText(title)
		g.testL.UnselectAll()
		g.testL.Refresh()
		g.testL.ScrollToTop()
		g.failure.clear(selectFailure)
	})
}
