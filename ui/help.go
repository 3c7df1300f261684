package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// firstStepsText is Help > First steps: the README's tour of the app, short.
const firstStepsText = `## Import
- **Import reports...** (Ctrl+O, the folder in the toolbar, or drop files on the window): JUnit XML files, folders, .gz or .zip. Name the release and module (e.g. 7.0 and vpn); the job number comes next.
- **Import from Jenkins...** (the download arrow): a server, your user name and API token, then tick builds. A Jenkins job imported once is followed: its new builds are fetched every 10 minutes while the app runs.
- **Load demo data** (File) fills an empty database with a two-release history to try things on.

## Read a job
- The sidebar lists releases, modules and jobs, newest first; a red ▼ counts a job's regressions. Ctrl+F finds one; Enter opens a single match.
- A job opens on its **Regressions** against the job before (or any job under *Compare with*). Select a test: its failure (message, expected and actual, stack trace) shows under the list, the commits behind a regression beside it, and *History* shows every run of the test.
- **Known issue...** records a failure the team knows about: it is listed apart and no longer counted, by test or by message signature (Failure groups).
- **Export...** writes the comparison as HTML, Markdown or CSV for a review or a chat.

## Keep an eye on it
- A module's page charts its results, regressions and duration per job; its flaky tests are ranked.
- The resource monitor (the screen icon) shows the app's memory and CPU; Diagnostics (i) checks the database.
- regtracker-cli does all of this without a window: regtracker-cli help.`

// firstSteps shows Help > First steps.
func (u *App) firstSteps() {
	text := widget.NewRichTextFromMarkdown(firstStepsText)
	text.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(720, 480))
	u.showModal(dialog.NewCustom("First steps", "Close", scroll, u.win), nil)
}
