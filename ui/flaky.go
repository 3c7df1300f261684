package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/format"
)

// flakyPage ranks a module's flaky tests by score; each opens its history.
type flakyPage struct {
	u      *App
	module core.ModuleRef
	object fyne.CanvasObject
	list   *widget.List
	header *widget.Label
	tests  []analysis.FlakyTest
}

func (u *App) openFlaky(m core.ModuleRef) { u.show(newFlakyPage(u, m).object) }

func newFlakyPage(u *App, m core.ModuleRef) *flakyPage {
	p := &flakyPage{u: u, module: m}
	title := widget.NewLabelWithStyle("Flaky tests of "+m.String(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.header = widget.NewLabel("Scoring the last 30 jobs...")
	p.list = widget.NewList(func() int { return len(p.tests) },
		func() fyne.CanvasObject {
			score := widget.NewLabel("0.00")
			score.TextStyle.Bold = true
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			detail := widget.NewLabel("")
			detail.Importance = widget.LowImportance
			return container.NewBorder(nil, nil, score, detail, name)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			f := p.tests[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(f.Test.String())
			box.Objects[1].(*widget.Label).SetText(fmt.Sprintf("%.2f", f.Score))
			box.Objects[2].(*widget.Label).SetText(fmt.Sprintf("%s, %s in %s, last %s",
				format.Counted(int64(f.Flips), "flip"), format.Counted(int64(f.Failures), "failure"), format.Counted(int64(f.Runs), "run"),
				statusWord(f.LastStatus, false)))
		})
	p.list.OnSelected = func(i widget.ListItemID) { u.openHistory(m, p.tests[i].Test) }
	back := widget.NewButtonWithIcon("Module "+m.String(), theme.NavigateBackIcon(), func() { u.openModule(m) })
	p.object = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, back, title), p.header), nil, nil, nil, p.list)
	var tests []analysis.FlakyTest
	u.background(func(ctx context.Context) (err error) {
		tests, err = analysis.Flaky(ctx, u.store, m, 0)
		return err
	}, func(err error) {
		if err != nil {
			p.header.SetText("Cannot score the tests: " + err.Error())
			return
		}
		p.tests = tests
		p.header.SetText(format.Count(int64(len(tests))) + " tests flipped between passing and failing in the last 30 jobs; select one to see its history.")
		p.list.Refresh()
	})
	return p
}
