package ui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/credentials"
	"github.com/regtracker/regtracker/core/demo"
	"github.com/regtracker/regtracker/core/follow"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/core/jenkins/jenkinstest"
	"github.com/regtracker/regtracker/core/junit/junitgen"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/sqlite"
)

var ctx = context.Background()

func openStore(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ui.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newApp(t *testing.T, st Store) *App {
	t.Helper()
	a := test.NewTempApp(t)
	u := New(ctx, a, st, Options{Jobs: follow.Open(t.TempDir()), FoldImportsAfter: -1})
	t.Cleanup(func() { u.Shutdown() })
	return u
}

// onUI reads state on the UI goroutine, holding the lock background updates take.
func onUI[T any](fn func() T) T {
	var v T
	uiDo(func() { v = fn() })
	return v
}

// uiDo runs fn on the UI goroutine and waits, as the app's own updates run.
func uiDo(fn func()) {
	fyne.DoAndWait(func() {
		uiMu.Lock()
		defer uiMu.Unlock()
		fn()
	})
}

// waitFor polls cond on the UI goroutine until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if onUI(cond) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func writeReport(t *testing.T, path string, spec junitgen.Spec) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	var buf bytes.Buffer
	if _, err := junitgen.Write(&buf, spec); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func importInto(t *testing.T, st store.Store, job string, spec junitgen.Spec) {
	t.Helper()
	ref, _ := core.ParseJobRef(job, false)
	var buf bytes.Buffer
	junitgen.Write(&buf, spec)
	if _, err := importer.ImportReader(ctx, st, job, &buf, 0, importer.Options{Job: ref}); err != nil {
		t.Fatal(err)
	}
}

// findButton finds a button by its text in a canvas object tree.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	switch w := o.(type) {
	case *widget.Button:
		if w.Text == text {
			return w
		}
	case *fyne.Container:
		for _, c := range w.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}

func TestWelcomePageLoadsDemoData(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the demo history")
	}
	st := openStore(t)
	u := newApp(t, st)
	uiDo(u.Reload)
	waitFor(t, "the welcome page", func() bool { return u.welcome })
	btn := onUI(func() *widget.Button { return findButton(u.page, "Load demo data") })
	if btn == nil {
		t.Fatal("no Load demo data button")
	}
	if b := onUI(func() *widget.Button { return findButton(u.page, "Import from Jenkins...") }); b == nil || b.Disabled() {
		t.Error("the Jenkins button must be there and enabled")
	}
	uiDo(func() { test.Tap(btn) })
	waitFor(t, "the demo history in the tree", func() bool { return len(u.sidebar.points) == 232 })
	if got := onUI(func() []string { return u.sidebar.children[""] }); strings.Join(got, ",") != "r:7.0,r:6.4" {
		t.Errorf("releases %v, want the newest first", got)
	}
	waitFor(t, "a job page instead of the welcome page", func() bool { return !u.welcome })
}

func TestTreeListsTheStore(t *testing.T) {
	st := openStore(t)
	for _, j := range []string{"7.0/vpn/1", "7.0/vpn/2", "7.0/ike/5", "6.4/vpn/9", "10.0/vpn/1"} {
		importInto(t, st, j, junitgen.Spec{Cases: 50, Seed: uint64(len(j))})
	}
	u := newApp(t, st)
	uiDo(u.Reload)
	waitFor(t, "the tree", func() bool { return len(u.sidebar.points) == 5 })
	tree := onUI(func() map[string][]string { return u.sidebar.children })
	// Releases newest first as versions compare, modules by name, jobs newest first.
	want := map[string]string{"": "r:10.0,r:7.0,r:6.4", "r:7.0": "m:7.0/ike,m:7.0/vpn", "m:7.0/vpn": "j:7.0/vpn/2,j:7.0/vpn/1"}
	for node, children := range want {
		if got := strings.Join(tree[node], ","); got != children {
			t.Errorf("%q: %s, want %s", node, got, children)
		}
	}
	// The search filters it; Enter on one job opens it.
	uiDo(func() { u.sidebar.search.SetText("6.4/vpn/9"); u.sidebar.search.OnSubmitted("6.4/vpn/9") })
	if cur := onUI(func() *core.ModuleRef { return u.current }); cur == nil || cur.String() != "6.4/vpn" {
		t.Errorf("Enter on the one match opened %v", cur)
	}
	uiDo(func() { u.sidebar.search.SetText("ike") })
	tree = onUI(func() map[string][]string { return u.sidebar.children })
	if strings.Join(tree[""], ",") != "r:7.0" || strings.Join(tree["r:7.0"], ",") != "m:7.0/ike" {
		t.Errorf("filtered tree %v", tree)
	}
}

func TestWizardFromDroppedFileToFinishedImport(t *testing.T) {
	st := openStore(t)
	dir := t.TempDir()
	report := filepath.Join(dir, "vpn", "14", "test-results.xml")
	writeReport(t, report, junitgen.Spec{Cases: 300, Seed: 5})
	u := newApp(t, st)
	var w *wizard
	uiDo(func() { w = u.openWizard([]string{report}) })
	if got := onUI(func() string { return w.number.Text }); got != "14" {
		t.Errorf("job number %q, want 14 from the path", got)
	}
	if onUI(func() bool { return !w.start.Disabled() }) {
		t.Error("Import is enabled before a release and module are named")
	}
	uiDo(func() {
		w.release.SetText("7.0")
		w.module.SetText("vpn")
	})
	if msg := onUI(func() string { return w.problem.Text }); msg != "" {
		t.Fatalf("the form is refused: %s", msg)
	}
	uiDo(func() { test.Tap(w.start) })
	waitFor(t, "the import to finish", func() bool { return len(u.tasks.list.Objects) == 1 && u.tasks.running() == 0 })
	job, err := st.Job(ctx, core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 14})
	if err != nil || job.Tests != 300 {
		t.Fatalf("job: %+v %v", job, err)
	}
	waitFor(t, "the new job in the tree", func() bool { _, ok := u.sidebar.points["j:7.0/vpn/14"]; return ok })

	// Dropping through the window's handler opens the wizard with the file.
	uiDo(func() { u.Dropped([]fyne.URI{storage.NewFileURI(report)}) })
	if top := onUI(func() fyne.CanvasObject { return u.win.Canvas().Overlays().Top() }); top == nil {
		t.Error("dropping a file did not open the wizard")
	}
}

// Reports named on the command line open the wizard with their absolute paths.
func TestReportsFromTheCommandLineOpenTheWizard(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "vpn", "15", "test-results.xml")
	writeReport(t, report, junitgen.Spec{Cases: 10, Seed: 5})
	t.Chdir(filepath.Join(dir, "vpn"))
	u := newApp(t, openStore(t))
	u.OpenReports([]string{filepath.Join("15", "test-results.xml")})
	waitFor(t, "the wizard", func() bool { return u.win.Canvas().Overlays().Top() != nil })
	shown := onUI(func() string {
		var texts []string
		for _, o := range test.LaidOutObjects(u.win.Canvas().Overlays().Top()) {
			switch o := o.(type) {
			case *widget.Label:
				texts = append(texts, o.Text)
			case *widget.Entry:
				texts = append(texts, o.Text)
			}
		}
		return strings.Join(texts, "|")
	})
	if !strings.Contains(shown, report) || !strings.Contains(shown, "|15") {
		t.Errorf("the wizard shows %q, want the report's absolute path and job 15", shown)
	}
}

func TestCancelledImportLeavesNoJob(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a large report")
	}
	st := openStore(t)
	report := filepath.Join(t.TempDir(), "big.xml")
	writeReport(t, report, junitgen.Spec{Cases: 400_000, Seed: 1})
	u := newApp(t, st)
	ref := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 1}
	tk := onUI(func() *task { return u.tasks.start(ref, []string{report}, false) })
	waitFor(t, "progress", func() bool { return strings.Contains(tk.info.Text, "cases/s") })
	uiDo(func() { test.Tap(tk.button) })
	waitFor(t, "the import to end", func() bool { return tk.done })
	if title := onUI(func() string { return tk.title.Text }); !strings.HasPrefix(title, "Cancelled") {
		t.Errorf("task title %q", title)
	}
	if jobs, _ := st.Jobs(ctx, nil); len(jobs) != 0 {
		t.Errorf("%d jobs after cancel", len(jobs))
	}
}

func TestJobPageShowsTheRegressionsAndTheFilterNarrowsResults(t *testing.T) {
	st := openStore(t)
	importInto(t, st, "7.0/vpn/1", junitgen.Spec{Cases: 2000, Seed: 1})
	importInto(t, st, "7.0/vpn/2", junitgen.Spec{Cases: 2000, Seed: 2})
	ref := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 2}
	want, err := analysis.Compare(ctx, st, ref, nil)
	if err != nil || len(want.Regressions) == 0 {
		t.Fatalf("%v %d", err, len(want.Regressions))
	}
	u := newApp(t, st)
	p := onUI(func() *jobPage { return newJobPage(u, ref) })
	waitFor(t, "the comparison", func() bool { return len(p.lists[tabRegressions].changes) > 0 })
	got := onUI(func() []analysis.Change { return p.lists[tabRegressions].changes })
	if len(got) != len(want.Regressions) || got[0].Test != want.Regressions[0].Test {
		t.Errorf("%d regressions shown, analysis says %d", len(got), len(want.Regressions))
	}
	if s := onUI(func() string { return p.change.Text }); !strings.Contains(s, "Against 7.0/vpn/1") {
		t.Errorf("change line %q", s)
	}

	v := p.all
	uiDo(v.start)
	waitFor(t, "all results", func() bool { return len(v.ids) == 2000 })
	uiDo(func() { v.filter.SetText("Case00001") }) // 10 names: Case000010..Case000019
	waitFor(t, "the name filter", func() bool { return len(v.ids) == 10 })
	uiDo(func() { v.filter.SetText(""); v.status.SetSelected("Failed") })
	waitFor(t, "the status filter", func() bool { return len(v.ids) > 0 && len(v.ids) < 200 })
	// Rows are read a page at a time in the background when a cell asks, and show
	// failures only.
	waitFor(t, "a page of rows", func() bool { _, ok := v.row(0); return ok })
	if row := onUI(func() string {
		o := v.table.CreateCell()
		v.updateCell(widget.TableCellID{Row: 0, Col: 1}, o)
		return o.(*rowCell).Text
	}); row != "failed" {
		t.Errorf("first row's status %q", row)
	}
	// A single click on any cell of a row selects it and shows its details.
	uiDo(func() {
		o := v.table.CreateCell()
		v.updateCell(widget.TableCellID{Row: 0, Col: 2}, o)
		test.Tap(o.(*rowCell))
	})
	waitFor(t, "the result's details", func() bool {
		return strings.Contains(v.detail.title.Text, "\nfailed, ") && v.detail.text.Visible()
	})
	// A double click on a result opens its test's history.
	before := onUI(func() fyne.CanvasObject { return u.page })
	uiDo(func() {
		o := v.table.CreateCell()
		v.updateCell(widget.TableCellID{Row: 0, Col: 0}, o)
		test.DoubleTap(o.(*rowCell))
	})
	if onUI(func() bool { return u.page == nil || u.page == before }) {
		t.Error("double-clicking a result did not open its history")
	}
}

// A page of rows asked for while a new filter's query runs belongs to the old
// filter; it must never be shown as the new filter's rows.
func TestResultsNeverShowRowsOfAnEarlierFilter(t *testing.T) {
	st := openStore(t)
	importInto(t, st, "7.0/vpn/1", junitgen.Spec{Cases: 2000, Seed: 1})
	ref := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 1}
	u := newApp(t, st)
	v := onUI(func() *resultsView { return newResultsView(u, ref) })
	uiDo(v.start)
	waitFor(t, "all results", func() bool { return len(v.ids) == 2000 })
	for i, want := range []string{"failed", "passed", "failed", "passed", "failed", "passed", "failed", "passed"} {
		uiDo(func() {
			v.status.SetSelected(strings.ToUpper(want[:1]) + want[1:])
			v.row(0) // the table asks for the rows still shown while the query runs
		})
		q := onUI(func() int { return v.query })
		waitFor(t, "the filtered results", func() bool { return v.shown == q })
		waitFor(t, "a page of rows", func() bool { _, ok := v.row(0); return ok })
		if r := onUI(func() store.ResultRow { r, _ := v.row(0); return r }); statusWord(r.Status, r.Flaky) != want {
			t.Fatalf("step %d: filtered by %s, first row is %s", i, want, statusWord(r.Status, r.Flaky))
		}
	}
}

func TestModulePageOpensAJobOnDoubleClick(t *testing.T) {
	st := openStore(t)
	importInto(t, st, "7.0/vpn/1", junitgen.Spec{Cases: 100, Seed: 1})
	importInto(t, st, "7.0/vpn/2", junitgen.Spec{Cases: 100, Seed: 2})
	u := newApp(t, st)
	p := onUI(func() *modulePage { return newModulePage(u, core.ModuleRef{Release: "7.0", Module: "vpn"}) })
	waitFor(t, "the jobs", func() bool { return len(p.points) == 2 })
	if h := onUI(func() string { return p.header.Text }); !strings.Contains(h, "Latest: #2") {
		t.Errorf("header %q", h)
	}
	// Row 1 is job 1 (newest first).
	uiDo(func() {
		cell := p.table.CreateCell().(*rowCell)
		p.table.UpdateCell(widget.TableCellID{Row: 1, Col: 0}, cell)
		test.DoubleTap(cell)
	})
	if cur := onUI(func() *core.ModuleRef { return u.current }); cur == nil || u.page == p.object {
		t.Fatal("double-clicking a row did not open its job")
	}
}

// demoStore is a store filled with the demo history, shared by the page tests.
func demoStore(t *testing.T) store.Store {
	t.Helper()
	if testing.Short() {
		t.Skip("imports the demo history")
	}
	st := openStore(t)
	if err := demo.Fill(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestHistoryFlakyAndComparePagesOnTheDemo(t *testing.T) {
	st := demoStore(t)
	u := newApp(t, st)
	vpn := core.ModuleRef{Release: "7.0", Module: "vpn"}
	long := core.TestID{Classname: fmt.Sprintf(demo.LongFailingClass, "vpn"), Name: demo.LongFailingName}

	h := onUI(func() *historyPage { return newHistoryPage(u, vpn, long, nil) })
	waitFor(t, "the history", func() bool { return len(h.h.Runs) > 0 })
	summary := onUI(func() string { return h.summary.Text })
	if !strings.Contains(summary, fmt.Sprintf("failing since 7.0/vpn/%d (%d runs)", demo.FailingFrom, demo.Jobs["7.0"]-demo.FailingFrom+1)) {
		t.Errorf("history summary %q", summary)
	}
	if n := onUI(func() int { return len(h.strip.Objects) }); n != demo.Jobs["7.0"] {
		t.Errorf("%d cells in the strip", n)
	}
	if msg := onUI(func() string { return h.messages.Text }); !strings.Contains(msg, "expected handshake version <2> but was <3>") {
		t.Errorf("messages %q", msg)
	}
	// A cell opens its job.
	uiDo(func() { test.Tap(h.strip.Objects[0].(*runCell)) })
	if cur := onUI(func() *core.ModuleRef { return u.current }); cur == nil || *cur != vpn {
		t.Error("tapping a run did not open its job")
	}
	// Opened from a job, the history's back button returns to that job.
	from := core.JobRef{ModuleRef: vpn, Number: 3}
	uiDo(func() { u.openJob(from); u.openHistory(vpn, long) })
	back := onUI(func() *widget.Button { return findButton(u.page, "Job 7.0/vpn/3") })
	if back == nil {
		t.Fatal("no back button to the job the history was opened from")
	}
	uiDo(func() { test.Tap(back) })
	if got := onUI(func() *core.JobRef { return u.shownJob }); got == nil || *got != from {
		t.Errorf("back went to %v, want the job", got)
	}

	want, err := analysis.Flaky(ctx, st, vpn, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := onUI(func() *flakyPage { return newFlakyPage(u, vpn) })
	waitFor(t, "the flaky tests", func() bool { return len(f.tests) > 0 })
	if got := onUI(func() []analysis.FlakyTest { return f.tests }); len(got) != len(want) || got[0].Test != want[0].Test {
		t.Errorf("flaky page lists %d tests, analysis %d", len(got), len(want))
	}

	base := core.JobRef{ModuleRef: core.ModuleRef{Release: "6.4", Module: "vpn"}, Number: 30}
	job := core.JobRef{ModuleRef: vpn, Number: 20}
	cmp, err := analysis.Compare(ctx, st, job, &base)
	if err != nil {
		t.Fatal(err)
	}
	var p *jobPage
	uiDo(func() {
		p = newJobPage(u, job)
		p.setBase(base)
	})
	waitFor(t, "the comparison across releases", func() bool { return strings.Contains(p.change.Text, "Against 6.4/vpn/30") })
	if got := onUI(func() int { return len(p.lists[tabFixed].changes) }); got != len(cmp.Fixed) {
		t.Errorf("%d fixed shown, analysis %d", got, len(cmp.Fixed))
	}
	if head := onUI(func() string { return p.change.Text }); !strings.Contains(head, fmt.Sprintf("▲ %d fixed", len(cmp.Fixed))) {
		t.Errorf("header %q", head)
	}

	// The module page compares the releases.
	m := onUI(func() *modulePage { return newModulePage(u, vpn) })
	waitFor(t, "the releases", func() bool { return len(m.releases.Lines) == 2 })
	if note := onUI(func() string { return m.releasesNote.Text }); !strings.Contains(note, "6.4: #30") || !strings.Contains(note, "7.0: #28") {
		t.Errorf("releases note %q", note)
	}
}

func TestJenkinsWizardImportsAndFetchesNewBuilds(t *testing.T) {
	const token = "tok-5d41402abc4b"
	srv := jenkinstest.New("ci", token)
	defer srv.Close()
	report := func(seed uint64) map[string][]byte {
		var buf bytes.Buffer
		junitgen.Write(&buf, junitgen.Spec{Cases: 60, Seed: seed})
		return map[string][]byte{"target/TEST-a.xml": buf.Bytes()}
	}
	for n := int64(1); n <= 3; n++ {
		srv.AddBuild("team/vpn/nightly", &jenkinstest.Build{Number: n, Result: "SUCCESS", Artifacts: report(uint64(n))})
	}
	srv.AddBuild("team/ike", &jenkinstest.Build{Number: 1, Result: "SUCCESS"})
	st := openStore(t)
	creds := credentials.Open(filepath.Join(t.TempDir(), "config"))
	creds.UseKeyring = false
	a := test.NewTempApp(t)
	u := New(ctx, a, st, Options{CacheDir: t.TempDir(), Credentials: creds, Jobs: follow.Open(t.TempDir()), FoldImportsAfter: -1})
	t.Cleanup(u.Shutdown)

	w := onUI(func() *jenkinsWizard { return u.openJenkinsWizard() })
	uiDo(func() {
		w.server.SetText(srv.BaseURL())
		w.user.SetText("ci")
		w.token.SetText(token)
		w.testConnection()
	})
	waitFor(t, "the connection", func() bool { return strings.HasPrefix(w.status.Text, "Connected: Jenkins 2.479.3") })
	waitFor(t, "the top level", func() bool { return len(w.shown) == 1 && w.shown[0].Name == "team" && w.shown[0].Folder })
	uiDo(func() { w.jobList.Select(0) }) // into team
	waitFor(t, "the team folder", func() bool { return w.folder == "team" && len(w.shown) == 2 })
	if names := onUI(func() string { return w.shown[0].Name + "," + w.shown[1].Name }); names != "vpn,ike" {
		t.Errorf("team folder lists %s (folders first)", names)
	}
	uiDo(func() { w.filter.SetText("vp") })
	if n := onUI(func() int { return len(w.shown) }); n != 1 {
		t.Errorf("the filter keeps %d items", n)
	}
	uiDo(func() { w.jobList.Select(0) }) // into team/vpn
	waitFor(t, "team/vpn", func() bool { return w.folder == "team/vpn" })
	uiDo(func() { w.filter.SetText(""); w.jobList.Select(0) }) // the nightly job
	waitFor(t, "the builds", func() bool { return len(w.builds) == 3 })
	uiDo(func() {
		w.latest.SetText("2")
		test.Tap(w.pickLatest)
		w.release.SetText("7.0")
		w.module.SetText("vpn")
	})
	if onUI(func() bool { return w.start.Disabled() }) {
		t.Fatal("Import stays disabled")
	}
	uiDo(func() { test.Tap(w.start) })
	waitFor(t, "the fetch", func() bool { return len(u.tasks.list.Objects) == 1 && u.tasks.running() == 0 })
	jobs, _ := st.Jobs(ctx, nil)
	if len(jobs) != 2 || jobs[0].Number != 2 || jobs[1].Number != 3 || jobs[0].Tests != 60 {
		t.Fatalf("imported %v", jobs)
	}

	// The token is kept in a private file, not in the preferences.
	if fi, err := os.Stat(filepath.Join(creds.Where()[:strings.Index(creds.Where(), " (")])); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials file: %v %v", fi, err)
	}
	if tok, err := creds.Get(srv.BaseURL(), "ci"); err != nil || tok != token {
		t.Errorf("kept token %q %v", tok, err)
	}
	if list, err := os.ReadFile(u.opts.Jobs.Path()); err != nil || strings.Contains(string(list), token) || !strings.Contains(string(list), `"team/vpn/nightly"`) {
		t.Errorf("the remembered jobs: %s %v", list, err)
	}

	// A new build; Fetch new builds imports it alone.
	srv.AddBuild("team/vpn/nightly", &jenkinstest.Build{Number: 4, Result: "SUCCESS", Artifacts: report(4)})
	uiDo(u.FetchNewBuilds)
	waitFor(t, "the second fetch", func() bool { return len(u.tasks.list.Objects) == 2 && u.tasks.running() == 0 })
	jobs, _ = st.Jobs(ctx, nil)
	if len(jobs) != 3 || jobs[2].Number != 4 {
		t.Errorf("after Fetch new builds: %v", jobs)
	}
}

// A window opens on the newest job with regressions, else on the newest job.
func TestFirstLook(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2026, 12, 1, 10, m, 0, 0, time.UTC) }
	point := func(ref string, minute int, regressions int64) analysis.TrendPoint {
		r, _ := core.ParseJobRef(ref, false)
		return analysis.TrendPoint{Job: core.Job{JobRef: r, ImportedAt: at(minute)}, Regressions: regressions}
	}
	points := []analysis.TrendPoint{point("6.4/dns/30", 1, 0), point("7.0/vpn/11", 3, 2), point("7.0/vpn/12", 5, 0), point("6.4/dns/31", 4, 1)}
	if got := firstLook(points); got.String() != "6.4/dns/31" {
		t.Errorf("opens on %s, want the newest job with regressions", got)
	}
	if got := firstLook(points[2:3]); got.String() != "7.0/vpn/12" {
		t.Errorf("opens on %s, want the newest job", got)
	}
}
