package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/assertdiff"
	"github.com/regtracker/regtracker/core/report"
	"github.com/regtracker/regtracker/ui/osdialog"
)

// Triage: recording a test (or its failure's signature) as a known issue, with an undo,
// exporting a job's comparison, and showing an assertion's expected and actual values.

// markKnown asks for a reason (and optionally a link and an expiry) and records the test
// of module as a known issue; with the signature box ticked (at first when bySignature),
// every failure whose message has the signature of message. done runs after it was
// recorded or undone.
func (u *App) markKnown(module core.ModuleRef, test core.TestID, message string, bySignature bool, done func()) {
	reason := widget.NewEntry()
	reason.SetPlaceHolder("why, e.g. JIRA-123: the lab's DNS is down")
	link := widget.NewEntry()
	link.SetPlaceHolder("https://... (optional)")
	expires := widget.NewEntry()
	expires.SetPlaceHolder("YYYY-MM-DD (optional: the last day it applies)")
	// Validated in place: Mark stays disabled, and what was typed stays, until the
	// form is right.
	reason.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("a reason is needed")
		}
		return nil
	}
	expires.Validator = func(s string) error {
		if s = strings.TrimSpace(s); s != "" {
			if _, err := time.Parse(core.DateLayout, s); err != nil {
				return errors.New("a date as YYYY-MM-DD, or nothing")
			}
		}
		return nil
	}
	sig := analysis.Signature(message)
	bySig := widget.NewCheck("Every failure with this message's signature: "+shorten(sig, 60), nil)
	if message == "" {
		bySig.Disable()
	} else {
		bySig.SetChecked(bySignature)
	}
	items := []*widget.FormItem{
		widget.NewFormItem("Test", widget.NewLabel(test.String())),
		widget.NewFormItem("Reason", reason), widget.NewFormItem("Link", link), widget.NewFormItem("Expires", expires),
		widget.NewFormItem("", bySig),
	}
	d := dialog.NewForm("Mark as a known issue in "+module.String(), "Mark", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		k := core.KnownIssue{Module: module, Reason: strings.TrimSpace(reason.Text), Link: strings.TrimSpace(link.Text),
			Expires: strings.TrimSpace(expires.Text), Who: core.CurrentUser()}
		if bySig.Checked {
			k.Signature = sig
		} else {
			k.Test = &test
		}
		if err := k.Validate(); err != nil {
			u.showError("Marking a known issue", err)
			return
		}
		var added core.KnownIssue
		u.background(func(ctx context.Context) (err error) {
			added, err = u.store.AddKnownIssue(ctx, k)
			return err
		}, func(err error) {
			if err != nil {
				u.showError("Marking a known issue", err)
				return
			}
			u.setStatus("Known issue %d: %s in %s.", added.ID, added.Subject(), module)
			u.offerUndo(added, done)
			u.sidebar.reload(nil)
			if done != nil {
				done()
			}
		})
	}, u.win)
	d.Resize(fyne.NewSize(620, 360))
	d.Show()
}

// unmarkKnown asks, then removes the known issue k: its failures count again.
func (u *App) unmarkKnown(k *core.KnownIssue, done func()) {
	if k == nil {
		return
	}
	msg := fmt.Sprintf("Remove known issue %d (%s: %s)? Its failures count again.", k.ID, k.Subject(), k.Reason)
	d := dialog.NewConfirm("Remove the known issue", msg, func(ok bool) {
		if ok {
			u.removeKnown(*k, done)
		}
	}, u.win)
	d.SetConfirmText("Remove")
	d.SetDismissText("Cancel")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// removeKnown removes the known issue k: its failures count again.
func (u *App) removeKnown(k core.KnownIssue, done func()) {
	u.background(func(ctx context.Context) error {
		_, err := u.store.RemoveKnownIssue(ctx, k.ID)
		return err
	}, func(err error) {
		if err != nil {
			u.showError("Removing the known issue", err)
			return
		}
		u.setStatus("Known issue %d removed: %s counts again.", k.ID, k.Subject())
		u.sidebar.reload(nil)
		if done != nil {
			done()
		}
	})
}

// offerUndo tells what was recorded and offers to take it back.
func (u *App) offerUndo(k core.KnownIssue, done func()) {
	var d *dialog.CustomDialog
	ok := widget.NewButtonWithIcon("OK", theme.ConfirmIcon(), func() { d.Hide() })
	ok.Importance = widget.HighImportance
	undo := widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), func() {
		d.Hide()
		u.removeKnown(k, done)
	})
	d = dialog.NewCustomWithoutButtons("Known issue recorded",
		widget.NewLabel(fmt.Sprintf("%s is a known issue in %s (#%d): it is listed apart and no longer counted.", k.Subject(), k.Module, k.ID)), u.win)
	d.SetButtons([]fyne.CanvasObject{undo, ok})
	d.Show()
}

// exportJob asks for a format and a file, and writes the job's comparison with base
// (nil: the job before it) there.
func (u *App) exportJob(job core.JobRef, base *core.JobRef) {
	names := map[string]string{"Markdown (.md)": "md", "Web page (.html)": "html", "Spreadsheet (.csv)": "csv"}
	choice := widget.NewRadioGroup([]string{"Markdown (.md)", "Web page (.html)", "Spreadsheet (.csv)"}, nil)
	choice.SetSelected("Web page (.html)")
	choice.Required = true
	d := dialog.NewCustomConfirm("Export "+job.String(), "Save...", "Cancel", choice, func(ok bool) {
		if !ok {
			return
		}
		ext := names[choice.Selected]
		suggested := fmt.Sprintf("regtracker-%s-%s-%d.%s", job.Release, job.Module, job.Number, ext)
		u.saveFile("Export "+job.String(), suggested, func(path string) {
			var buf bytes.Buffer
			u.background(func(ctx context.Context) error {
				r, err := report.Build(ctx, u.store, job, base)
				if err != nil {
					return err
				}
				if err := report.Write(&buf, ext, r); err != nil {
					return err
				}
				return os.WriteFile(path, buf.Bytes(), 0o644)
			}, func(err error) {
				if err != nil {
					u.showError("Exporting "+job.String(), err)
					return
				}
				u.setStatus("Exported %s to %s.", job, path)
			})
		})
	}, u.win)
	d.Show()
}

// saveFile asks where to save a file: the system's dialog, else Fyne's. Tests replace it
// through App.savePath.
func (u *App) saveFile(title, suggested string, done func(path string)) {
	if u.savePath != nil {
		u.savePath(title, suggested, done)
		return
	}
	if u.opts.NativeDialogs {
		go func() {
			path, err := osdialog.Show(u.ctx, osdialog.Request{Kind: osdialog.Save, Title: title, StartFile: suggested})
			do(func() {
				switch {
				case errors.Is(err, osdialog.ErrCancelled):
				case err != nil:
					u.logWarn("system file dialog failed, showing Fyne's", "error", err.Error())
					u.fyneSave(suggested, done)
				default:
					done(path)
				}
			})
		}()
		return
	}
	u.fyneSave(suggested, done)
}

func (u *App) fyneSave(suggested string, done func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		done(path)
	}, u.win)
	d.SetFileName(suggested)
	d.Show()
}

// markedDiff finds an assertion's expected and actual values in message and the
// pieces of their diff, each marked for people: [-only expected-], {+only actual+}. ok
// is false when the message is not worded as a known assertion library words it.
func markedDiff(message string) (v assertdiff.Values, pieces []assertdiff.Piece, ok bool) {
	if v, ok = assertdiff.Parse(message); !ok {
		return v, nil, false
	}
	pieces = assertdiff.Diff(v.Expected, v.Actual)
	for i, p := range pieces {
		switch p.Op {
		case assertdiff.Expected:
			pieces[i].Text = "[-" + p.Text + "-]"
		case assertdiff.Actual:
			pieces[i].Text = "{+" + p.Text + "+}"
		}
	}
	return v, pieces, true
}

// diffText is markedDiff as text, for the history's failure messages.
func diffText(message string) (string, bool) {
	v, pieces, ok := markedDiff(message)
	if !ok {
		return "", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Expected: %s\nActual:   %s\nDiff:     ", v.Expected, v.Actual)
	for _, p := range pieces {
		b.WriteString(p.Text)
	}
	return b.String(), true
}

// diffRichText is markedDiff with colours, for a result's detail: the expected-only
// parts in the failure colour, the actual-only ones in the pass colour, the markers
// kept (colour is never the only signal).
func diffRichText(message string) (*widget.RichText, bool) {
	v, pieces, ok := markedDiff(message)
	if !ok {
		return nil, false
	}
	segs := []widget.RichTextSegment{
		&widget.TextSegment{Text: "Expected: " + v.Expected + "   Actual: " + v.Actual + "   Diff: ", Style: widget.RichTextStyleInline},
	}
	for _, p := range pieces {
		st := widget.RichTextStyleCodeInline
		switch p.Op {
		case assertdiff.Expected:
			st.ColorName = theme.ColorNameError
		case assertdiff.Actual:
			st.ColorName = theme.ColorNameSuccess
		}
		segs = append(segs, &widget.TextSegment{Text: p.Text, Style: st})
	}
	rt := widget.NewRichText(segs...)
	rt.Wrapping = fyne.TextWrapWord
	return rt, true
}
