package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
)

type fakeStore struct {
	jobs []core.Job
	err  error
}

func (f *fakeStore) Jobs(context.Context, *core.ModuleRef) ([]core.Job, error) { return f.jobs, f.err }
func (f *fakeStore) Path() string                                              { return "/data/regtracker.db" }

// reloaded reloads and waits until the result is shown.
func reloaded(t *testing.T, u *App) {
	t.Helper()
	done := make(chan struct{})
	fyne.Do(func() { u.reload(func() { close(done) }) })
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("reload never finished")
	}
}

// cellText is what the jobs table shows at row, col.
func cellText(u *App, row, col int) string {
	o := u.table.CreateCell()
	u.table.UpdateCell(widget.TableCellID{Row: row, Col: col}, o)
	return o.(*widget.Label).Text
}

func TestEmptyDatabaseExplainsWhatToDo(t *testing.T) {
	a := test.NewTempApp(t)
	u := New(a, &fakeStore{})
	reloaded(t, u)
	if u.body.Objects[0] != u.empty {
		t.Fatal("an empty database does not show the empty state")
	}
	msg := u.empty.(*fyne.Container).Objects[0].(*widget.Label).Text
	if !strings.Contains(msg, "No jobs yet") || !strings.Contains(msg, "regtracker-cli import --db /data/regtracker.db") {
		t.Errorf("empty state %q does not say what to do next", msg)
	}
	if !strings.Contains(u.status.Text, "0 jobs") {
		t.Errorf("status %q", u.status.Text)
	}
}

func TestJobsAreListed(t *testing.T) {
	a := test.NewTempApp(t)
	jobs := []core.Job{
		{JobRef: core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 14},
			Counts: core.Counts{Tests: 1234567, Passed: 1200000, Failed: 30000, Errors: 4567, Skipped: 0}},
		{JobRef: core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "ike"}, Number: 3}, Counts: core.Counts{Tests: 10, Passed: 10}},
	}
	u := New(a, &fakeStore{jobs: jobs})
	w := test.NewWindow(u.Window().Content())
	defer w.Close()
	reloaded(t, u)
	if u.body.Objects[0] != u.table {
		t.Fatal("the jobs table is not shown")
	}
	if rows, cols := u.table.Length(); rows != 2 || cols != len(jobColumns) {
		t.Fatalf("table is %dx%d", rows, cols)
	}
	if got := cellText(u, 0, 0); got != "7.0/vpn/14" {
		t.Errorf("first cell %q", got)
	}
	if got := cellText(u, 0, 1); got != "1,234,567" {
		t.Errorf("tests cell %q: numbers need thousands separators", got)
	}
	if !strings.Contains(u.status.Text, "2 jobs, 1,234,577 results") {
		t.Errorf("status %q", u.status.Text)
	}
}

func TestReadErrorIsShown(t *testing.T) {
	a := test.NewTempApp(t)
	u := New(a, &fakeStore{err: errors.New("the database file is damaged")})
	reloaded(t, u)
	if !strings.Contains(u.status.Text, "damaged") {
		t.Errorf("status %q", u.status.Text)
	}
}

func TestReloadButton(t *testing.T) {
	a := test.NewTempApp(t)
	st := &fakeStore{}
	u := New(a, st)
	reloaded(t, u)
	st.jobs = []core.Job{{JobRef: core.JobRef{ModuleRef: core.ModuleRef{Release: "1", Module: "m"}, Number: 1}}}
	tb := u.Window().Content().(*fyne.Container).Objects[1].(*widget.Toolbar)
	done := make(chan struct{})
	go func() {
		for {
			var n int
			fyne.DoAndWait(func() { n = len(u.jobs) })
			if n == 1 {
				close(done)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	fyne.Do(func() { test.Tap(tb.Items[0].ToolbarObject().(fyne.Tappable)) })
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("tapping Reload did not load the new job")
	}
}
