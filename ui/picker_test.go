package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/regtracker/regtracker/core"
)

// The Compare with picker lists jobs by release (newest first) and module, newest job
// first; typing narrows it, Enter takes the first match and the page compares with it.
func TestComparePickerSearchesAndPicks(t *testing.T) {
	st := openStore(t)
	for _, s := range []string{"6.4/vpn/1", "6.4/vpn/2", "7.0/vpn/1", "7.0/vpn/2", "7.0/dns/5", "10.0/vpn/1"} {
		ref, err := core.ParseJobRef(s, false)
		if err != nil {
			t.Fatal(err)
		}
		w, err := st.BeginJob(ctx, ref, core.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		w.Add(ctx, []core.Result{{Classname: "c", Name: "a"}})
		if _, err := w.Commit(ctx, core.ImportStats{}); err != nil {
			t.Fatal(err)
		}
	}
	u := newApp(t, st)
	ref := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 2}
	p := onUI(func() *jobPage { return u.openJob(ref) })
	waitFor(t, "the jobs to compare with", func() bool { return len(p.bases) == 5 })
	uiDo(func() { test.Tap(p.base) })
	picker := onUI(func() *jobPicker { return findPicker(u) })
	rows := func() string {
		return onUI(func() string {
			var out []string
			for _, r := range picker.rows {
				if r.job == nil {
					out = append(out, "["+r.heading+"]")
				} else {
					out = append(out, r.job.JobRef.String())
				}
			}
			return strings.Join(out, " ")
		})
	}
	if got := rows(); got != "[10.0/vpn] 10.0/vpn/1 [7.0/dns] 7.0/dns/5 [7.0/vpn] 7.0/vpn/1 [6.4/vpn] 6.4/vpn/2 6.4/vpn/1" {
		t.Errorf("the picker lists %s", got)
	}
	uiDo(func() { test.Type(picker.search, "6.4 1") })
	if got := rows(); got != "[6.4/vpn] 6.4/vpn/1" {
		t.Errorf("after typing '6.4 1' the picker lists %s", got)
	}
	uiDo(func() { picker.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	waitFor(t, "the comparison with 6.4/vpn/1", func() bool { return p.cmp.Base != nil && p.cmp.Base.String() == "6.4/vpn/1" })
	if got, shown := onUI(func() string { return p.base.Text }), onUI(p.reset.Visible); got != "6.4/vpn/1" || !shown {
		t.Errorf("the base button reads %q, reset shown: %v", got, shown)
	}
	// Esc in the search closes the picker; the reset button goes back to the job before.
	uiDo(func() { test.Tap(p.base) })
	picker = onUI(func() *jobPicker { return findPicker(u) })
	uiDo(func() { picker.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	if onUI(func() bool { return len(u.modals) != 0 }) {
		t.Error("Esc did not close the picker")
	}
	uiDo(func() { test.Tap(p.reset) })
	waitFor(t, "the job before", func() bool { return p.cmp.Base != nil && p.cmp.Base.String() == "7.0/vpn/1" })
}

// findPicker is the picker open on u's window.
func findPicker(u *App) *jobPicker {
	if s := findInOverlay(u, func(*pickerSearch) bool { return true }); s != nil {
		return s.picker
	}
	return nil
}
