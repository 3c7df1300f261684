package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/core/store"
)

// pytestRuns imports pytest's two runs of the runner fixtures: job 2 has two
// regressions (test_sub, TestParser::test_error) and one fixed test.
func pytestRuns(t *testing.T, st store.Store) core.JobRef {
	t.Helper()
	dir := filepath.Join("..", "core", "junit", "testdata", "runners", "pytest")
	for n, f := range []string{"run1.xml", "run2.xml"} {
		ref := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "py"}, Number: int64(n + 1)}
		if _, err := importer.Import(ctx, st, []string{filepath.Join(dir, f)}, importer.Options{Job: ref}); err != nil {
			t.Fatal(err)
		}
	}
	return core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "py"}, Number: 2}
}

// topOverlay is the dialog shown last.
func topOverlay(u *App) fyne.CanvasObject { return u.win.Canvas().Overlays().Top() }

// findInOverlay finds a laid-out object of the top dialog.
func findInOverlay[T fyne.CanvasObject](u *App, match func(T) bool) T {
	var zero T
	top := topOverlay(u)
	if top == nil {
		return zero
	}
	for _, o := range test.LaidOutObjects(top) {
		if w, ok := o.(T); ok && match(w) {
			return w
		}
	}
	return zero
}

func overlayButton(u *App, text string) *widget.Button {
	return findInOverlay(u, func(b *widget.Button) bool { return b.Text == text })
}

// TestExportFromTheJobPage: Export, Web page, Save: the file has the comparison's counts.
func TestExportFromTheJobPage(t *testing.T) {
	st := openStore(t)
	ref := pytestRuns(t, st)
	u := newApp(t, st)
	saved := filepath.Join(t.TempDir(), "out")
	var suggestedName string
	u.savePath = func(_, suggested string, done func(string)) {
		suggestedName = suggested
		done(filepath.Join(saved + "-" + suggested))
	}
	p := onUI(func() *jobPage { return newJobPage(u, ref) })
	waitFor(t, "the comparison", func() bool { return len(p.lists[tabRegressions].changes) == 2 })
	uiDo(func() { test.Tap(p.exportBtn) })
	waitFor(t, "the export dialog", func() bool { return overlayButton(u, "Save...") != nil })
	uiDo(func() {
		radio := findInOverlay(u, func(*widget.RadioGroup) bool { return true })
		radio.SetSelected("Markdown (.md)")
		test.Tap(overlayButton(u, "Save..."))
	})
	waitFor(t, "the exported file", func() bool { _, err := os.Stat(saved + "-" + suggestedName); return err == nil })
	if suggestedName != "regtracker-7.0-py-2.md" {
		t.Errorf("suggested file name %q", suggestedName)
	}
	waitFor(t, "the status", func() bool { return strings.HasPrefix(u.status.Text, "Exported 7.0/py/2") })
	md, _ := os.ReadFile(saved + "-" + suggestedName)
	if !strings.Contains(string(md), "## Regressions (2)") || !strings.Contains(string(md), "## Fixed (1)") {
		t.Errorf("exported:\n%s", md)
	}
}

// TestKnownIssueFromAJobListWithUndo: a regression's "Known issue..." button, a reason,
// Mark: it moves to the Known issues tab and out of the count; Undo brings it back.
func TestKnownIssueFromAJobListWithUndo(t *testing.T) {
	st := openStore(t)
	ref := pytestRuns(t, st)
	u := newApp(t, st)
	p := onUI(func() *jobPage { return newJobPage(u, ref) })
	waitFor(t, "the comparison", func() bool { return len(p.lists[tabRegressions].changes) == 2 })
	// The first row's button (rows are sorted by test: test_calc::test_sub first... by
	// class, test_calc before test_calc.TestParser).
	uiDo(func() {
		l := p.lists[tabRegressions]
		l.list.Resize(fyne.NewSize(900, 400))
		var btn *widget.Button
		for _, o := range test.LaidOutObjects(l.list) {
			if b, ok := o.(*widget.Button); ok && b.Text == "Known issue..." && btn == nil {
				btn = b
			}
		}
		if btn == nil {
			t.Fatal("no Known issue... button in the regressions list")
		}
		test.Tap(btn)
	})
	waitFor(t, "the known issue form", func() bool { return overlayButton(u, "Mark") != nil })
	// An empty reason or a wrong date keeps the form open, Mark disabled, what was
	// typed kept.
	uiDo(func() {
		expires := findInOverlay(u, func(e *widget.Entry) bool { return strings.HasPrefix(e.PlaceHolder, "YYYY") })
		test.Type(expires, "next week")
		test.Tap(overlayButton(u, "Mark"))
	})
	if onUI(func() bool { b := overlayButton(u, "Mark"); return b == nil || !b.Disabled() }) {
		t.Fatal("the form closed, or Mark is enabled, with no reason and a wrong date")
	}
	uiDo(func() {
		reason := findInOverlay(u, func(e *widget.Entry) bool { return strings.HasPrefix(e.PlaceHolder, "why") })
		test.Type(reason, "JIRA-7 lab is down")
		expires := findInOverlay(u, func(e *widget.Entry) bool { return strings.HasPrefix(e.PlaceHolder, "YYYY") })
		if expires.Text != "next week" {
			t.Errorf("the date typed is lost: %q", expires.Text)
		}
		expires.SetText("")
		test.Tap(overlayButton(u, "Mark"))
	})
	waitFor(t, "the undo offer", func() bool { return overlayButton(u, "Undo") != nil })
	all, _ := st.KnownIssues(ctx, nil)
	if len(all) != 1 || all[0].Test == nil || all[0].Test.Name != "test_sub" || all[0].Reason != "JIRA-7 lab is down" || all[0].Who == "" {
		t.Fatalf("recorded %+v", all)
	}
	waitFor(t, "the page without it", func() bool {
		return len(p.lists[tabRegressions].changes) == 1 && len(p.lists[tabKnown].changes) == 1
	})
	if s := onUI(func() string { return p.change.Text }); !strings.Contains(s, "1 regression under known issues not counted") {
		t.Errorf("change line %q", s)
	}
	uiDo(func() { test.Tap(overlayButton(u, "Undo")) })
	waitFor(t, "the undo", func() bool { all, _ := st.KnownIssues(ctx, nil); return len(all) == 0 })
	waitFor(t, "the page with it again", func() bool { return len(p.lists[tabRegressions].changes) == 2 })

	// Marked again, then taken back from the Known issues tab.
	if _, err := st.AddKnownIssue(ctx, core.KnownIssue{Module: ref.ModuleRef, Test: &core.TestID{Classname: "test_calc", Name: "test_sub"},
		Reason: "again", Who: "me"}); err != nil {
		t.Fatal(err)
	}
	uiDo(func() { p.load(nil) })
	waitFor(t, "the Known issues tab", func() bool { return len(p.lists[tabKnown].changes) == 1 })
	uiDo(func() {
		l := p.lists[tabKnown]
		l.list.Resize(fyne.NewSize(900, 400))
		for _, o := range test.LaidOutObjects(l.list) {
			if b, ok := o.(*widget.Button); ok && b.Text == "Remove known issue..." {
				test.Tap(b)
				return
			}
		}
		t.Error("no Remove known issue... button in the Known issues tab")
	})
	waitFor(t, "the confirmation", func() bool { return overlayButton(u, "Remove") != nil })
	uiDo(func() { test.Tap(overlayButton(u, "Remove")) })
	waitFor(t, "the removal", func() bool { all, _ := st.KnownIssues(ctx, nil); return len(all) == 0 })
	waitFor(t, "the page with it counted", func() bool { return len(p.lists[tabRegressions].changes) == 2 })
}

// The result detail and the history page show an assertion's diff.
func TestDiffInResultDetailAndHistory(t *testing.T) {
	if d, ok := diffText("expected:<hello> but was:<help>"); !ok || d != "Expected: hello\nActual:   help\nDiff:     hel[-lo-]{+p+}" {
		t.Errorf("diffText: %q %v", d, ok)
	}
	st := openStore(t)
	ref := pytestRuns(t, st)
	u := newApp(t, st)
	h := onUI(func() *historyPage {
		return newHistoryPage(u, ref.ModuleRef, core.TestID{Classname: "test_calc", Name: "test_sub"}, nil)
	})
	waitFor(t, "the history", func() bool { return strings.Contains(h.messages.Text, "Diff:") })
	if s := onUI(func() string { return h.messages.Text }); !strings.Contains(s, "Expected: 1") || !strings.Contains(s, "Actual:   (2 - 2)") {
		t.Errorf("history messages:\n%s", s)
	}
	if b := onUI(func() *widget.Button { return h.knownBtn }); b == nil || b.Disabled() {
		t.Error("no Known issue... button on the history page")
	}
}

// The result detail shows a failed assertion's diff once, coloured, above the details.
func TestResultDetailShowsTheDiff(t *testing.T) {
	st := openStore(t)
	ref := pytestRuns(t, st)
	u := newApp(t, st)
	p := onUI(func() *jobPage { return newJobPage(u, ref) })
	v := p.all
	uiDo(v.start)
	waitFor(t, "the results", func() bool { return len(v.ids) == 10 })
	uiDo(func() {
		v.filter.SetText("test_sub")
	})
	waitFor(t, "the filter", func() bool { return len(v.ids) == 1 })
	waitFor(t, "the row", func() bool { _, ok := v.row(0); return ok })
	uiDo(func() { v.selected(0) })
	waitFor(t, "the detail", func() bool { return strings.Contains(v.detail.text.Text, "test_sub") })
	rt := onUI(func() *widget.RichText {
		if len(v.detail.diff.Objects) == 0 {
			return nil
		}
		return v.detail.diff.Objects[0].(*widget.RichText)
	})
	if rt == nil || !strings.Contains(rt.String(), "Expected: 1   Actual: (2 - 2)") || !strings.Contains(rt.String(), "[-1-]{+(2 - 2)+}") {
		t.Errorf("diff %v", rt)
	}
	if strings.Contains(onUI(func() string { return v.detail.text.Text }), "Diff:") {
		t.Error("the diff is shown a second time in the details")
	}
}
