package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
)

// TestChangesOfARegression: job 2 brought three commits, one touching the failing
// test's package; selecting the regression lists them, the suspect first and marked,
// and Copy id puts a commit's id on the clipboard.
func TestChangesOfARegression(t *testing.T) {
	st := openStore(t)
	m := core.ModuleRef{Release: "7.0", Module: "vpn"}
	write := func(n int64, status core.Status, commits []core.Commit) {
		w, err := st.BeginJob(ctx, core.JobRef{ModuleRef: m, Number: n}, core.WriteOptions{Revision: "rev", Commits: commits,
			Source: "Jenkins https://ci.example.com/jenkins/ team/vpn/nightly #" + string(rune('0'+n))})
		if err != nil {
			t.Fatal(err)
		}
		w.Add(ctx, []core.Result{{Classname: "com.acme.vpn.tunnel.TunnelTest", Name: "rekeys", Status: status, Message: "boom"},
			{Classname: "x.Y", Name: "z"}})
		if _, err := w.Commit(ctx, core.ImportStats{}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	write(1, core.Passed, nil)
	write(2, core.Failed, []core.Commit{
		{ID: "aaaaaaaaaaaa1", Author: "Ann", Time: now.Add(-time.Hour), Message: "docs", Paths: []string{"docs/x.md"}, Build: 2},
		{ID: "bbbbbbbbbbbb2", Author: "Bob", Time: now.Add(-2 * time.Hour), Message: "tunnel: rekey sooner", Paths: []string{"src/com/acme/vpn/tunnel/T.java"}, Build: 2},
		{ID: "cccccccccccc3", Author: "Cy", Time: now.Add(-3 * time.Hour), Message: "ike", Paths: []string{"src/com/acme/vpn/ike/I.java"}, Build: 2},
	})
	u := newApp(t, st)
	p := onUI(func() *jobPage { return newJobPage(u, core.JobRef{ModuleRef: m, Number: 2}) })
	waitFor(t, "the regression", func() bool { return len(p.lists[tabRegressions].changes) == 1 })
	uiDo(func() { p.lists[tabRegressions].list.Select(0) })
	d := p.details[0]
	if s := onUI(func() string { return d.title.Text }); !strings.Contains(s, "3 changes after 7.0/vpn/1 up to 7.0/vpn/2, 1 of them") {
		t.Errorf("title %q", s)
	}
	var rows []string
	uiDo(func() {
		d.list.Resize(fyne.NewSize(900, 300))
		for _, o := range test.LaidOutObjects(d.list) {
			if l, ok := o.(*widget.Label); ok && l.Text != "" {
				rows = append(rows, l.Text)
			}
		}
	})
	joined := strings.Join(rows, "|")
	if !strings.HasPrefix(joined, "bbbbbbbbbb  Bob, 2 h ago (build 2): tunnel: rekey sooner|suspect|aaaaaaaaaa") {
		t.Errorf("rows %q", joined)
	}
	if link := onUI(func() string { return d.link.URL.String() }); link != "https://ci.example.com/jenkins/job/team/job/vpn/job/nightly/2/changes" {
		t.Errorf("Jenkins link %q", link)
	}
	uiDo(func() {
		for _, o := range test.LaidOutObjects(d.list) {
			if b, ok := o.(*widget.Button); ok && b.Text == "Copy id" {
				test.Tap(b)
				return
			}
		}
	})
	if got := u.fyne.Clipboard().Content(); got != "bbbbbbbbbbbb2" {
		t.Errorf("clipboard %q", got)
	}
}

// TestModuleSourceClone: the module page's "Source clone..." sets the clone that
// imports with a revision read commits from; a folder that is not a clone is refused.
func TestModuleSourceClone(t *testing.T) {
	st := openStore(t)
	m := core.ModuleRef{Release: "7.0", Module: "shop"}
	w, _ := st.BeginJob(ctx, core.JobRef{ModuleRef: m, Number: 1}, core.WriteOptions{})
	w.Add(ctx, []core.Result{{Classname: "a.B", Name: "c"}})
	w.Commit(ctx, core.ImportStats{})
	clone := t.TempDir()
	if err := os.Mkdir(filepath.Join(clone, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	u := newApp(t, st)
	p := onUI(func() *modulePage { return newModulePage(u, m) })
	set := func(path string) {
		t.Helper()
		uiDo(func() { test.Tap(p.repoBtn) })
		waitFor(t, "the form", func() bool { return overlayButton(u, "Save") != nil })
		uiDo(func() {
			e := findInOverlay(u, func(e *widget.Entry) bool { return strings.HasPrefix(e.PlaceHolder, "/home/me/src") })
			e.SetText(path)
			test.Tap(overlayButton(u, "Save"))
		})
	}
	set(clone)
	waitFor(t, "the clone remembered", func() bool { r, _ := st.ModuleRepo(ctx, m); return r == clone })
	set(t.TempDir()) // no .git
	waitFor(t, "the refusal", func() bool {
		l := findInOverlay(u, func(l *widget.Label) bool { return strings.Contains(l.Text, "is not a git clone") })
		return l != nil
	})
	if r, _ := st.ModuleRepo(ctx, m); r != clone {
		t.Errorf("after a refused folder the clone is %q", r)
	}
}

// A test's history lists every run with the revision its job was built from.
func TestHistoryShowsRevisions(t *testing.T) {
	st := openStore(t)
	m := core.ModuleRef{Release: "7.0", Module: "vpn"}
	for n, rev := range []string{"", "abcdef1234567890", "fedcba0987654321"} {
		w, _ := st.BeginJob(ctx, core.JobRef{ModuleRef: m, Number: int64(n + 1)}, core.WriteOptions{Revision: rev})
		w.Add(ctx, []core.Result{{Classname: "a.B", Name: "c", Duration: 0.5}})
		if _, err := w.Commit(ctx, core.ImportStats{}); err != nil {
			t.Fatal(err)
		}
	}
	u := newApp(t, st)
	h := onUI(func() *historyPage { return newHistoryPage(u, m, core.TestID{Classname: "a.B", Name: "c"}, nil) })
	waitFor(t, "the runs", func() bool { return h.revisions.Text != "" })
	want := "#3  passed, 500 ms, revision fedcba098765\n#2  passed, 500 ms, revision abcdef123456\n#1  passed, 500 ms, revision unknown"
	if got := onUI(func() string { return h.revisions.Text }); got != want {
		t.Errorf("runs:\n%s\nwant\n%s", got, want)
	}
}
