package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
)

// resultDetail shows one result whole, the failure first: its test and status, the
// expected/actual diff when the message holds one, then the message, type, stack trace
// and output, with Copy and History beside them. Every list of a job page and its
// results table show their selection in one.
type resultDetail struct {
	u      *App
	module core.ModuleRef
	object fyne.CanvasObject

	title      *widget.Label
	diff       *fyne.Container // the expected/actual diff, if any
	text       *widget.Entry
	copyBtn    *widget.Button
	historyBtn *widget.Button

	test  *core.TestID // the test shown, for History
	query int          // increases with each show; older answers are dropped
}

func newResultDetail(u *App, module core.ModuleRef, placeholder string) *resultDetail {
	d := &resultDetail{u: u, module: module}
	d.title = widget.NewLabel(placeholder)
	d.title.Wrapping = fyne.TextWrapWord
	d.diff = container.NewStack()
	d.text = widget.NewMultiLineEntry()
	d.text.Wrapping = fyne.TextWrapOff
	d.copyBtn = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		u.fyne.Clipboard().SetContent(d.title.Text + "\n\n" + d.text.Text)
		u.setStatus("Copied the result's details.")
	})
	d.historyBtn = widget.NewButtonWithIcon("History", theme.HistoryIcon(), func() {
		if d.test != nil {
			u.openHistory(module, *d.test)
		}
	})
	d.clear(placeholder)
	d.object = container.NewBorder(container.NewVBox(d.title, d.diff), nil, nil,
		container.NewVBox(d.copyBtn, d.historyBtn), d.text)
	return d
}

// clear shows nothing but text (what to select).
func (d *resultDetail) clear(text string) {
	d.query++
	d.test = nil
	d.title.SetText(text)
	d.title.TextStyle.Bold = false
	d.title.Refresh()
	d.diff.Objects = nil
	d.diff.Refresh()
	d.text.SetText("")
	d.text.Hide()
	d.copyBtn.Disable()
	d.historyBtn.Disable()
}

// show reads the result at position seq of job in the background and shows it; note,
// when set, says where it comes from (the base of a fixed test).
func (d *resultDetail) show(job core.JobRef, seq uint32, note string) {
	d.query++
	q := d.query
	var res core.Result
	d.u.background(func(ctx context.Context) (err error) {
		res, err = d.u.store.ResultDetail(ctx, job, seq)
		return err
	}, func(err error) {
		if q != d.query {
			return // another result was selected meanwhile
		}
		if err != nil {
			d.clear(fmt.Sprintf("Cannot read the result: %v", err))
			return
		}
		d.set(res, note)
	})
}

func (d *resultDetail) set(res core.Result, note string) {
	id := core.TestID{Classname: res.Classname, Name: res.Name}
	d.test = &id
	title := fmt.Sprintf("%s\n%s, %s", id, statusWord(res.Status, res.Flaky), seconds(res.Duration))
	if note != "" {
		title += " · " + note
	}
	d.title.SetText(title)
	d.diff.Objects = nil
	if rt, ok := diffRichText(res.Message); ok && res.Status.IsFailure() {
		d.diff.Objects = []fyne.CanvasObject{rt}
	}
	d.diff.Refresh()
	var b strings.Builder
	for _, part := range []struct{ title, text string }{
		{"Message", res.Message}, {"Type", res.Type}, {"Stack trace", res.Details},
		{"Output", res.SystemOut}, {"Error output", res.SystemErr},
	} {
		if part.text != "" {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%s:\n%s\n", part.title, strings.TrimRight(part.text, "\n"))
		}
	}
	if b.Len() == 0 {
		b.WriteString("No message, stack trace or output was reported.\n")
	}
	d.text.SetText(b.String())
	d.text.Show()
	d.copyBtn.Enable()
	d.historyBtn.Enable()
}
