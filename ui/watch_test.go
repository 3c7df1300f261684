package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/follow"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/core/store/sqlite"
)

func importXML(t *testing.T, st Store, job, xml string) {
	t.Helper()
	ref, _ := core.ParseJobRef(job, false)
	if _, err := importer.ImportReader(ctx, st.(importer.Store), job, strings.NewReader(xml), 0, importer.Options{Job: ref}); err != nil {
		t.Fatal(err)
	}
}

// TestWindowFollowsTheDatabase: a job that another process commits into the open
// database appears without a click: the module page shown reads it (the same page), the
// sidebar lists it marked new until it is opened, and, as it has a regression, a
// desktop notification says so. A job without regressions is marked, not notified.
func TestWindowFollowsTheDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	mine, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	const pass = `<testsuite name="s"><testcase classname="vpn.T" name="a"/><testcase classname="vpn.T" name="b"/></testsuite>`
	const fail = `<testsuite name="s"><testcase classname="vpn.T" name="a"/><testcase classname="vpn.T" name="b"><failure message="boom"/></testcase></testsuite>`
	importXML(t, mine, "7.0/vpn/1", pass)

	a := test.NewTempApp(t)
	u := New(ctx, a, mine, Options{WatchEvery: 20 * time.Millisecond, Jobs: follow.Open(t.TempDir())})
	t.Cleanup(u.Shutdown)
	uiDo(u.Reload)
	waitFor(t, "the first job", func() bool { _, ok := u.sidebar.points["j:7.0/vpn/1"]; return ok })
	vpn := core.ModuleRef{Release: "7.0", Module: "vpn"}
	var page *modulePage
	uiDo(func() { page = u.openModule(vpn) })
	waitFor(t, "the module page", func() bool { return len(page.points) == 1 })

	// Another process: a second connection to the same file.
	other, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	test.AssertNotificationSent(t, fyne.NewNotification("regtracker", "7.0/vpn/2: 1 regression"), func() {
		importXML(t, other, "7.0/vpn/2", fail)
		waitFor(t, "job 2 in the sidebar, marked new", func() bool { return u.sidebar.fresh["j:7.0/vpn/2"] })
	})
	waitFor(t, "job 2 on the module page", func() bool { return len(page.points) == 2 && strings.HasPrefix(page.header.Text, "2 jobs") })
	if onUI(func() bool { return u.page != page.object }) {
		t.Error("the module page was replaced instead of read again")
	}

	test.AssertNotificationSent(t, nil, func() {
		importXML(t, other, "7.0/vpn/3", fail) // still failing: no regression
		waitFor(t, "job 3, marked new", func() bool { return u.sidebar.fresh["j:7.0/vpn/3"] })
	})
	uiDo(func() { u.openJob(core.JobRef{ModuleRef: vpn, Number: 2}) })
	if onUI(func() bool { return u.sidebar.fresh["j:7.0/vpn/2"] || !u.sidebar.fresh["j:7.0/vpn/3"] }) {
		t.Error("opening job 2 must clear its mark only")
	}

	// An import of this window's own is not news.
	report := filepath.Join(t.TempDir(), "r.xml")
	os.WriteFile(report, []byte(pass), 0o644)
	test.AssertNotificationSent(t, nil, func() {
		uiDo(func() { u.Import(core.JobRef{ModuleRef: vpn, Number: 4}, []string{report}, false) })
		waitFor(t, "job 4 in the sidebar", func() bool { _, ok := u.sidebar.points["j:7.0/vpn/4"]; return ok && u.tasks.running() == 0 })
		time.Sleep(100 * time.Millisecond) // a few more polls
	})
	if onUI(func() bool { return u.sidebar.fresh["j:7.0/vpn/4"] }) {
		t.Error("the window's own import is marked new")
	}
}

// TestManyArrivalsMakeOneNotification: when more jobs with regressions arrive at once
// than maxNotes (a copy, a first sync), one notification sums them up.
func TestManyArrivalsMakeOneNotification(t *testing.T) {
	u := newApp(t, openStore(t))
	before := map[string]analysis.TrendPoint{}
	now := map[string]analysis.TrendPoint{}
	for n := int64(1); n <= 6; n++ {
		ref := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: n}
		p := analysis.TrendPoint{Job: core.Job{JobRef: ref, ImportedAt: time.Unix(n, 0)}}
		if n%3 != 0 {
			p.Regressions, p.Fixed = n, 1
		}
		now[jobUID(ref)] = p
	}
	test.AssertNotificationSent(t, fyne.NewNotification("regtracker", "6 new jobs, 4 with regressions; the newest 7.0/vpn/5: 5 regressions, 1 fixed"), func() {
		uiDo(func() {
			u.sidebar.points = now
			u.arrived(before)
		})
	})
	if n := onUI(func() int { return len(u.sidebar.fresh) }); n != 6 {
		t.Errorf("%d jobs marked new", n)
	}
}
