package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/demo"
)

// showWelcome shows the first-run page of an empty database.
func (u *App) showWelcome() {
	title := widget.NewLabelWithStyle("Welcome to regtracker", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	text := widget.NewLabelWithStyle("This database has no jobs yet.\nImport JUnit XML reports (files, folders, .gz or .zip), or drop them onto this window.",
		fyne.TextAlignCenter, fyne.TextStyle{})
	importBtn := widget.NewButtonWithIcon("Import reports...", theme.FolderOpenIcon(), u.ImportWizard)
	importBtn.Importance = widget.HighImportance
	jenkinsBtn := widget.NewButtonWithIcon("Import from Jenkins...", theme.DownloadIcon(), u.JenkinsWizard)
	demoBtn := widget.NewButtonWithIcon("Load demo data", theme.StorageIcon(), nil)
	demoBtn.OnTapped = func() { u.loadDemo(demoBtn) }
	page := container.NewCenter(container.NewVBox(title, text, container.NewGridWithColumns(1, importBtn, jenkinsBtn, demoBtn)))
	u.show(page)
	u.welcome = true
}

// loadDemo fills the database with the demo history in the background.
func (u *App) loadDemo(btn *widget.Button) {
	if btn != nil {
		btn.Disable()
	}
	bar := widget.NewProgressBarInfinite()
	u.setStatus("Loading the demo history...")
	u.content.Objects = append(u.content.Objects, container.NewVBox(bar))
	u.content.Refresh()
	var jobs int
	u.background(func(ctx context.Context) error {
		defer u.own.begin(nil)()
		return demo.Fill(ctx, u.store, func(j core.Job) {
			u.own.add(j.JobRef)
			jobs++
			ref := j.JobRef
			do(func() { u.setStatus("Loading the demo history: %s", ref) })
		})
	}, func(err error) {
		bar.Stop()
		if err != nil {
			if btn != nil {
				btn.Enable()
			}
			u.showError("Loading the demo history", fmt.Errorf("%w (the demo fills a new database: open one in Settings)", err))
			return
		}
		u.Reload()
	})
}
