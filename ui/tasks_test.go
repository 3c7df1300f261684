package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/follow"
)

// A finished import folds its row after a while; a failed one stays, in the error
// colour; a cancelled one says so in grey, with no bar stopped half way.
func TestFinishedImportsFoldFailuresStay(t *testing.T) {
	a := test.NewTempApp(t)
	u := New(ctx, a, openStore(t), Options{Jobs: follow.Open(t.TempDir()), FoldImportsAfter: 50 * time.Millisecond})
	t.Cleanup(u.Shutdown)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.xml")
	os.WriteFile(good, []byte(`<testsuite name="s"><testcase classname="a" name="b"/></testsuite>`), 0o644)
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte(`<testsuite name="s"><testcase`), 0o644)
	vpn := core.ModuleRef{Release: "7.0", Module: "vpn"}

	uiDo(func() { u.Import(core.JobRef{ModuleRef: vpn, Number: 1}, []string{good}, false) })
	waitFor(t, "the import's row to fold", func() bool { return len(u.tasks.list.Objects) == 0 && u.tasks.running() == 0 })

	var failed *task
	uiDo(func() { failed = u.tasks.start(core.JobRef{ModuleRef: vpn, Number: 2}, []string{bad}, false) })
	waitFor(t, "the failure", func() bool { return failed.done })
	time.Sleep(200 * time.Millisecond) // four times the fold delay: the failure must still be there
	if onUI(func() bool {
		return len(u.tasks.list.Objects) != 1 || failed.info.Importance != widget.DangerImportance || failed.bar.Visible()
	}) {
		t.Error("a failed import's row folded, or is not in the error colour, or keeps its bar")
	}

	var cancelled *task
	uiDo(func() {
		cancelled = u.tasks.start(core.JobRef{ModuleRef: vpn, Number: 3}, []string{good}, false)
		cancelled.cancel()
	})
	waitFor(t, "the cancel", func() bool { return cancelled.done })
	if onUI(func() bool {
		return cancelled.err != nil && (cancelled.info.Text != "cancelled, nothing kept" || cancelled.info.Importance != widget.LowImportance || cancelled.bar.Visible())
	}) {
		t.Errorf("a cancelled import reads %q", onUI(func() string { return cancelled.info.Text }))
	}
}

// An import in the app states its own memory, not the app's.
func TestImportMemoryIsTheImportsOwn(t *testing.T) {
	for _, c := range []struct {
		peak, before uint64
		want         string
	}{
		{216_700_000, 200_000_000, "16.7 MB of memory at its peak (the app held 200.0 MB before)"},
		{56_000_000, 0, "peak memory 56.0 MB"},          // not measured before
		{56_000_000, 60_000_000, "peak memory 56.0 MB"}, // the app gave memory back meanwhile
	} {
		if got := importMemory(c.peak, c.before); got != c.want {
			t.Errorf("importMemory(%d, %d) = %q, want %q", c.peak, c.before, got, c.want)
		}
	}
}
