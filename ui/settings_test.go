package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core/store/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// serverEntry is the settings' server URL field.
func serverEntry(u *App) *widget.Entry {
	return findInOverlay(u, func(e *widget.Entry) bool { return e.PlaceHolder == "postgres://user@host/db" })
}

func overlayText(u *App, part string) bool {
	return findInOverlay(u, func(l *widget.Label) bool { return strings.Contains(l.Text, part) }) != nil ||
		findInOverlay(u, func(l *widget.RichText) bool { return strings.Contains(l.String(), part) }) != nil
}

// TestSettingsChooseAServer: Database -> Server shows the URL field; a URL with a
// password is refused on Save and not kept; an unreachable server says so on Test
// connection; a URL without a password is saved as the database for the next start.
func TestSettingsChooseAServer(t *testing.T) {
	u := newApp(t, openStore(t))
	uiDo(u.OpenSettings)
	waitFor(t, "the settings", func() bool { return serverEntry(u) != nil })
	uiDo(func() {
		findInOverlay(u, func(*widget.RadioGroup) bool { return true }).SetSelected("Server")
		test.Type(serverEntry(u), "postgres://alice:pw@db.example/regtracker")
		test.Tap(overlayButton(u, "Save"))
	})
	waitFor(t, "the refusal", func() bool { return overlayText(u, "holds a password") })
	if got := u.fyne.Preferences().String(PrefDatabase); got != "" {
		t.Errorf("a URL with a password was kept: %q", got)
	}

	uiDo(u.OpenSettings)
	waitFor(t, "the settings", func() bool { return serverEntry(u) != nil })
	uiDo(func() {
		findInOverlay(u, func(*widget.RadioGroup) bool { return true }).SetSelected("Server")
		test.Type(serverEntry(u), "postgres://nobody@127.0.0.1:1/none?connect_timeout=5")
		test.Tap(overlayButton(u, "Test connection"))
	})
	waitFor(t, "the connection's failure", func() bool {
		return overlayText(u, "Cannot use the server") && overlayText(u, "cannot reach the PostgreSQL server")
	})
	uiDo(func() { test.Tap(overlayButton(u, "Save")) })
	waitFor(t, "the saved setting", func() bool {
		return u.fyne.Preferences().String(PrefDatabase) == "postgres://nobody@127.0.0.1:1/none?connect_timeout=5"
	})
}

// TestSettingsTestConnectionReachesAServer: Test connection on a running server says
// how many jobs it holds.
func TestSettingsTestConnectionReachesAServer(t *testing.T) {
	url := pgtest.URL(t)
	u := newApp(t, openStore(t))
	uiDo(u.OpenSettings)
	waitFor(t, "the settings", func() bool { return serverEntry(u) != nil })
	uiDo(func() {
		findInOverlay(u, func(*widget.RadioGroup) bool { return true }).SetSelected("Server")
		test.Type(serverEntry(u), url)
		test.Tap(overlayButton(u, "Test connection"))
	})
	waitFor(t, "the connection", func() bool { return overlayText(u, "Connected: the server holds 0 jobs.") })
}
