package ui

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/jenkins"
)

// changesView is shown beside a regression's failure: the selected regression's changes
// (the commits between its last pass and its first failure), suspects first and marked,
// each with a Copy button for its id, and a link to the Jenkins build's changes page when
// the job came from Jenkins.
type changesView struct {
	u      *App
	module core.ModuleRef
	object fyne.CanvasObject
	title  *widget.Label
	list   *widget.List
	link   *widget.Hyperlink
	change analysis.Change
	source string // the job's source, for the Jenkins link
}

func newChangesView(u *App, module core.ModuleRef) *changesView {
	v := &changesView{u: u, module: module}
	v.title = widget.NewLabel(selectRegression)
	v.title.Wrapping = fyne.TextWrapWord
	v.list = widget.NewList(func() int { return len(v.change.Changes) },
		func() fyne.CanvasObject {
			mark := widget.NewLabel("")
			mark.TextStyle.Bold = true
			text := widget.NewLabel("")
			text.Truncation = fyne.TextTruncateEllipsis
			cp := widget.NewButtonWithIcon("Copy id", theme.ContentCopyIcon(), nil)
			cp.Importance = widget.LowImportance
			return container.NewBorder(nil, nil, mark, cp, text)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := v.change.Changes[i]
			box := o.(*fyne.Container)
			mark := box.Objects[1].(*widget.Label)
			if i < v.change.Suspects {
				mark.SetText("suspect")
				mark.Importance = widget.DangerImportance
			} else {
				mark.SetText("")
			}
			id := c.ID
			if len(id) > 10 {
				id = id[:10]
			}
			build := ""
			if c.Build > 0 {
				build = fmt.Sprintf(" (build %d)", c.Build)
			}
			box.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%s  %s, %s%s: %s", id, c.Author, ago(c.Time), build, format.FirstLine(c.Message)))
			box.Objects[2].(*widget.Button).OnTapped = func() {
				u.fyne.Clipboard().SetContent(c.ID)
				u.setStatus("Copied %s.", c.ID)
			}
		})
	v.link = widget.NewHyperlink("", nil)
	v.link.Hide()
	v.object = container.NewBorder(container.NewBorder(nil, nil, nil, v.link, v.title), nil, nil, nil, v.list)
	return v
}

const selectRegression = "Select a regression to see the changes behind it."

// clear shows no regression's changes.
func (v *changesView) clear() {
	v.change = analysis.Change{}
	v.title.SetText(selectRegression)
	v.link.Hide()
	v.list.Refresh()
}

// show shows the changes behind ch.
func (v *changesView) show(ch analysis.Change) {
	v.change = ch
	switch {
	case ch.LastPassed == nil:
		v.title.SetText(ch.Test.String() + ": compared with a job of another module, so no changes are known.")
	case len(ch.Changes) == 0:
		v.title.SetText(fmt.Sprintf("%s: no change is recorded between %s and %s (import with --revision and --repo, or from Jenkins).",
			ch.Test, ch.LastPassed, ch.FirstFailed))
	default:
		v.title.SetText(fmt.Sprintf("%s: %d changes after %s up to %s, %d of them touching the test's package (suspects).",
			ch.Test, len(ch.Changes), ch.LastPassed, ch.FirstFailed, ch.Suspects))
	}
	v.link.Hide()
	if u := jenkinsChangesURL(v.source); u != nil {
		v.link.SetText("Changes in Jenkins")
		v.link.SetURL(u)
		v.link.Show()
	}
	v.list.Refresh()
}

// jenkinsSource is how a fetched job's source reads: "Jenkins SERVER JOB #N".
var jenkinsSource = regexp.MustCompile(`^Jenkins (\S+) (\S+) #(\d+)$`)

// jenkinsChangesURL is the changes page of the Jenkins build a job came from, nil for
// a job from files.
func jenkinsChangesURL(source string) *url.URL {
	m := jenkinsSource.FindStringSubmatch(source)
	if m == nil {
		return nil
	}
	jp, err := jenkins.JobPath(m[2])
	if err != nil {
		return nil
	}
	n, _ := strconv.ParseInt(m[3], 10, 64)
	u, err := url.Parse(strings.TrimSuffix(m[1], "/") + "/" + jp + strconv.FormatInt(n, 10) + "/changes")
	if err != nil {
		return nil
	}
	return u
}

// moduleRepo shows and sets the git clone of module's source: reports imported with a
// revision then keep the commits since the module's previous revision.
func (u *App) moduleRepo(m core.ModuleRef) {
	var current string
	u.background(func(ctx context.Context) (err error) {
		current, err = u.store.ModuleRepo(ctx, m)
		return err
	}, func(err error) {
		if err != nil {
			u.showError("Reading the source clone", err)
			return
		}
		entry := widget.NewEntry()
		entry.SetText(current)
		entry.SetPlaceHolder("/home/me/src/shop (empty: none)")
		note := widget.NewLabel("Reports imported into " + m.String() + " with a revision (regtracker-cli import --revision SHA)\n" +
			"keep the commits since the module's previous revision, read from this clone.")
		note.Wrapping = fyne.TextWrapWord
		d := dialog.NewForm("Source clone of "+m.String(), "Save", "Cancel",
			[]*widget.FormItem{widget.NewFormItem("Git clone", entry), widget.NewFormItem("", note)}, func(ok bool) {
				if !ok {
					return
				}
				repo := strings.TrimSpace(entry.Text)
				u.background(func(ctx context.Context) error {
					if repo != "" {
						if st, err := os.Stat(filepath.Join(repo, ".git")); err != nil || st == nil {
							return fmt.Errorf("%s is not a git clone (no .git in it)", repo)
						}
					}
					return u.store.SetModuleRepo(ctx, m, repo)
				}, func(err error) {
					if err != nil {
						u.showError("Setting the source clone", err)
						return
					}
					if repo == "" {
						u.setStatus("%s has no source clone now.", m)
					} else {
						u.setStatus("%s reads its commits from %s.", m, repo)
					}
				})
			}, u.win)
		d.Resize(fyne.NewSize(620, 260))
		d.Show()
	})
}
