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

	"github.com/regtracker/regtracker/core/credentials"
	"github.com/regtracker/regtracker/core/follow"
	"github.com/regtracker/regtracker/core/jenkins/jenkinstest"
)

// TestFollowedJobInTheBackground: a followed Jenkins job's new build arrives while the
// app runs, marked new and notified; a refused token puts a row in the Tasks panel and
// the reason in the job's Settings row; the Follow switch turned off in Settings stops it.
func TestFollowedJobInTheBackground(t *testing.T) {
	const token = "tok-77aa66bb55cc"
	srv := jenkinstest.New("ci", token)
	defer srv.Close()
	srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 1, Result: "SUCCESS", Artifacts: jenkinstest.TwoCases(false)})
	dir := t.TempDir()
	creds := credentials.Open(dir)
	creds.UseKeyring = false
	creds.Set(srv.BaseURL(), "ci", token)
	list := follow.Open(dir)
	list.Remember(follow.Job{Server: srv.BaseURL(), User: "ci", Job: "team/vpn", Into: "7.0/vpn", Follow: true})

	st := openStore(t)
	a := test.NewTempApp(t)
	u := New(ctx, a, st, Options{CacheDir: t.TempDir(), Credentials: creds, Jobs: list,
		FollowEvery: 30 * time.Millisecond, WatchEvery: 20 * time.Millisecond})
	t.Cleanup(u.Shutdown)
	uiDo(u.Reload)
	waitFor(t, "build 1 fetched at start", func() bool { _, ok := u.sidebar.points["j:7.0/vpn/1"]; return ok })

	test.AssertNotificationSent(t, fyne.NewNotification("regtracker", "7.0/vpn/2: 1 regression"), func() {
		srv.AddBuild("team/vpn", &jenkinstest.Build{Number: 2, Result: "UNSTABLE", Artifacts: jenkinstest.TwoCases(true)})
		waitFor(t, "build 2, marked new", func() bool { return u.sidebar.fresh["j:7.0/vpn/2"] })
	})

	srv.SetToken("rotated")
	waitFor(t, "the failing job's row", func() bool {
		tk := u.tasks.following[followKey(follow.Job{Server: srv.BaseURL(), Job: "team/vpn"})]
		return tk != nil && strings.Contains(tk.info.Text, "Failing since") && strings.Contains(tk.info.Text, "401")
	})
	if strings.Contains(onUI(func() string {
		return u.tasks.following[followKey(follow.Job{Server: srv.BaseURL(), Job: "team/vpn"})].info.Text
	}), token) {
		t.Error("the token is shown")
	}
	uiDo(u.openSettings)
	waitFor(t, "the reason in Settings", func() bool { return overlayText(u, "Failing since") && overlayText(u, "401") })
	uiDo(func() {
		on := findInOverlay(u, func(c *widget.Check) bool { return c.Text == "team/vpn → 7.0/vpn" })
		test.Tap(on)
	})
	jobs, _ := list.Jobs()
	if len(jobs) != 1 || jobs[0].Follow {
		t.Errorf("after the switch went off: %+v", jobs)
	}
	waitFor(t, "the job no longer followed", func() bool { return len(u.follower.Statuses()) == 0 })
	if data, _ := os.ReadFile(filepath.Join(dir, follow.FileName)); strings.Contains(string(data), token) {
		t.Error("the token is in the list of jobs")
	}
}
