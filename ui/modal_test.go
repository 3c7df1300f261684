package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// Esc closes About, Settings and Diagnostics, and Enter takes their default action
// (About and Diagnostics: close; Settings: Save).
func TestEscAndEnterInDialogs(t *testing.T) {
	u := newApp(t, openStore(t))
	press := func(key fyne.KeyName) { uiDo(func() { u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: key}) }) }
	open := func() bool { return onUI(func() bool { return u.win.Canvas().Overlays().Top() != nil }) }
	for _, c := range []struct {
		name string
		show func()
	}{
		{"About", u.about},
		{"Settings", u.openSettings},
		{"Diagnostics", u.runDiagnostics},
	} {
		for _, key := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn} {
			uiDo(c.show)
			waitFor(t, c.name+" shown", func() bool { return len(u.modals) == 1 && u.win.Canvas().Overlays().Top() != nil })
			press(key)
			if open() || onUI(func() int { return len(u.modals) }) != 0 {
				t.Errorf("%s stays open after %s", c.name, key)
			}
			if c.name == "Settings" && key == fyne.KeyReturn {
				if s := onUI(func() string { return u.status.Text }); s != "Settings saved." {
					t.Errorf("Enter in Settings did not save: status %q", s)
				}
			}
		}
	}
}
