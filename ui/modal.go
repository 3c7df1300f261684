package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// modal is a dialog shown with showModal: Esc closes it, Enter takes its default action.
type modal struct {
	d     dialog.Dialog
	enter func() // nil: Enter closes it too
}

// showModal shows d and keeps it on the window's stack of dialogs until it closes, so
// that the window's keys reach it (DESIGN.md's keyboard rules: Esc closes a dialog,
// Enter confirms it). enter is its default action; nil when Enter only closes it.
func (u *App) showModal(d dialog.Dialog, enter func()) {
	m := &modal{d: d, enter: enter}
	u.modals = append(u.modals, m)
	d.SetOnClosed(func() {
		for i, o := range u.modals {
			if o == m {
				u.modals = append(u.modals[:i], u.modals[i+1:]...)
				break
			}
		}
	})
	d.Show()
}

// typedKey is the window's handler of keys no focused widget took.
func (u *App) typedKey(ev *fyne.KeyEvent) {
	if len(u.modals) == 0 {
		return
	}
	top := u.modals[len(u.modals)-1]
	switch ev.Name {
	case fyne.KeyEscape:
		top.d.Hide()
	case fyne.KeyReturn, fyne.KeyEnter:
		if top.enter != nil {
			top.enter()
		} else {
			top.d.Hide()
		}
	}
}
