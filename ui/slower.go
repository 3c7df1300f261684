package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/format"
)

// Defaults of the job page's Slower tab, as regtracker-cli slower's.
const (
	slowerFactor      = 2
	slowerMinIncrease = 0.5 // seconds
)

// slowerList is the job page's Slower tab: the tests that passed but took much longer
// than their last passing runs, read when the tab is first shown.
type slowerList struct {
	u       *App
	ref     core.JobRef
	object  fyne.CanvasObject
	list    *widget.List
	note    *widget.Label
	tests   []analysis.SlowerTest
	started bool
}

func newSlowerList(u *App, ref core.JobRef) *slowerList {
	l := &slowerList{u: u, ref: ref}
	l.list = widget.NewList(func() int { return len(l.tests) },
		func() fyne.CanvasObject {
			inc := widget.NewLabel("")
			inc.TextStyle.Bold = true
			inc.Alignment = fyne.TextAlignTrailing
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			detail := widget.NewLabel("")
			detail.Importance = widget.LowImportance
			return container.NewBorder(nil, nil, inc, nil, container.NewVBox(name, detail))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			s := l.tests[i]
			box := o.(*fyne.Container)
			inner := box.Objects[0].(*fyne.Container)
			inner.Objects[0].(*widget.Label).SetText(s.Test.String())
			inner.Objects[1].(*widget.Label).SetText(fmt.Sprintf("%s, usually %s (median of its last %d passing runs): %.1f×",
				seconds(s.Duration), seconds(s.Baseline), s.BaselineRuns, s.Duration/max(s.Baseline, 1e-9)))
			box.Objects[1].(*widget.Label).SetText("+" + seconds(s.Increase()))
		})
	l.list.OnSelected = func(i widget.ListItemID) {
		if i < len(l.tests) {
			u.openHistory(ref.ModuleRef, l.tests[i].Test)
		}
	}
	l.note = widget.NewLabel("")
	l.note.Importance = widget.LowImportance
	l.note.Wrapping = fyne.TextWrapWord
	l.object = container.NewBorder(l.note, nil, nil, nil, l.list)
	return l
}

// start reads the slower tests the first time the tab is shown.
func (l *slowerList) start() {
	if l.started {
		return
	}
	l.started = true
	l.note.SetText("Looking for tests that got slower...")
	var tests []analysis.SlowerTest
	l.u.background(func(ctx context.Context) (err error) {
		tests, err = analysis.Slower(ctx, l.u.store, l.ref, slowerFactor, slowerMinIncrease)
		return err
	}, func(err error) {
		if err != nil {
			l.note.SetText("Cannot find the slower tests: " + err.Error())
			return
		}
		l.tests = tests
		l.note.SetText(fmt.Sprintf("%s passed in at least %d× the median of their last 10 passing runs (at least 3) and %s more.",
			format.Counted(int64(len(tests)), "test"), slowerFactor, seconds(slowerMinIncrease)))
		l.list.Refresh()
	})
}
