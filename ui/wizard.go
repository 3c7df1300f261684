package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/ui/osdialog"
)

// wizard is the import dialog: reports, then where they go, validated before it starts.
type wizard struct {
	u       *App
	dlg     dialog.Dialog
	paths   []string
	list    *widget.Label
	release *widget.SelectEntry
	module  *widget.SelectEntry
	number  *widget.Entry
	problem *widget.Label
	start   *widget.Button
	modules map[string][]string // release -> modules
	// numberEdited: the user typed a number; detection leaves it alone.
	numberEdited bool
}

// ImportWizard opens the import dialog (Ctrl+O, the toolbar, the welcome page).
func (u *App) ImportWizard() { u.openWizard(nil) }

// Dropped opens the import dialog on files or folders dropped onto the window.
func (u *App) Dropped(uris []fyne.URI) {
	var paths []string
	for _, uri := range uris {
		if uri.Scheme() == "file" {
			paths = append(paths, uri.Path())
		}
	}
	if len(paths) > 0 {
		u.openWizard(paths)
	}
}

// OpenReports opens the import dialog on report paths, as a drop does; for reports named
// on the command line. Safe from any goroutine.
func (u *App) OpenReports(paths []string) {
	abs := make([]string, 0, len(paths))
	for _, p := range paths {
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
		abs = append(abs, p)
	}
	fyne.Do(func() { u.openWizard(abs) })
}

// HandedOver is a later launch of the app on the same database, which handed its
// reports to this window instead of opening a second one (see core/instance): the window
// comes to the front and says so, and the reports open in the import dialog. Safe to
// call from any goroutine.
func (u *App) HandedOver(paths []string) {
	if u.opts.Logger != nil {
		u.opts.Logger.Info("a later launch handed its reports to this window", "reports", len(paths))
	}
	fyne.Do(func() {
		u.win.RequestFocus()
		if len(paths) == 0 {
			u.setStatus("regtracker was started again on this database: this window is the one that has it open.")
			return
		}
		u.setStatus("regtracker was started again with %s: they open here, as this window has the database open.",
			format.Counted(int64(len(paths)), "report"))
		u.openWizard(paths)
	})
}

func (u *App) openWizard(paths []string) *wizard {
	w := &wizard{u: u, modules: map[string][]string{}}
	w.list = widget.NewLabel("")
	w.list.Wrapping = fyne.TextWrapBreak
	w.release = widget.NewSelectEntry(nil)
	w.release.SetPlaceHolder("e.g. 7.0")
	w.module = widget.NewSelectEntry(nil)
	w.module.SetPlaceHolder("e.g. vpn")
	w.number = widget.NewEntry()
	w.number.SetPlaceHolder("detected from the path")
	w.problem = widget.NewLabel("")
	w.problem.Importance = widget.DangerImportance
	w.release.OnChanged = func(r string) { w.module.SetOptions(w.modules[r]); w.validate() }
	w.module.OnChanged = func(string) { w.suggestNumber(); w.validate() }
	w.number.OnChanged = func(s string) { w.numberEdited = s != ""; w.validate() }

	addFiles := widget.NewButtonWithIcon("Add files...", theme.FileIcon(), w.pickFiles)
	addFolder := widget.NewButtonWithIcon("Add folder...", theme.FolderIcon(), w.pickFolder)
	clearBtn := widget.NewButtonWithIcon("Clear", theme.ContentClearIcon(), func() { w.paths = nil; w.showPaths() })
	form := widget.NewForm(
		widget.NewFormItem("Reports", container.NewVBox(w.list, container.NewHBox(addFiles, addFolder, clearBtn))),
		widget.NewFormItem("Release", w.release),
		widget.NewFormItem("Module", w.module),
		widget.NewFormItem("Job number", w.number),
	)
	w.start = widget.NewButtonWithIcon("Import", theme.ConfirmIcon(), w.confirm)
	w.start.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { w.dlg.Hide() })
	content := container.NewBorder(nil, container.NewVBox(w.problem, container.NewHBox(layoutSpacer(), cancel, w.start)), nil, nil, form)
	w.dlg = dialog.NewCustomWithoutButtons("Import JUnit reports", content, u.win)
	w.dlg.Resize(fyne.NewSize(640, 420))
	if u.current != nil {
		w.release.SetText(u.current.Release)
		w.module.SetText(u.current.Module)
	}
	w.addPaths(paths)
	w.dlg.Show()
	w.loadModules()
	return w
}

func layoutSpacer() fyne.CanvasObject { return widget.NewLabel("") }

// loadModules fills the release and module choices from the store.
func (w *wizard) loadModules() {
	var jobs []core.Job
	w.u.background(func(ctx context.Context) (err error) {
		jobs, err = w.u.store.Jobs(ctx, nil)
		return err
	}, func(err error) {
		if err != nil {
			w.problem.SetText(err.Error())
			return
		}
		var releases []string
		for _, j := range jobs {
			if !slices.Contains(releases, j.Release) {
				releases = append(releases, j.Release)
			}
			if !slices.Contains(w.modules[j.Release], j.Module) {
				w.modules[j.Release] = append(w.modules[j.Release], j.Module)
			}
		}
		w.release.SetOptions(releases)
		w.module.SetOptions(w.modules[w.release.Text])
	})
}

func (w *wizard) addPaths(paths []string) {
	for _, p := range paths {
		if !slices.Contains(w.paths, p) {
			w.paths = append(w.paths, p)
		}
	}
	w.showPaths()
}

func (w *wizard) showPaths() {
	if len(w.paths) == 0 {
		w.list.SetText("No reports chosen: add files or a folder, or drop them onto the window.")
	} else {
		w.list.SetText(strings.Join(w.paths, "\n"))
	}
	w.suggestNumber()
	w.validate()
}

// suggestNumber fills the job number as the command line would choose it: from the
// first path, else one more than the module's highest job.
func (w *wizard) suggestNumber() {
	if w.numberEdited {
		return
	}
	if len(w.paths) > 0 {
		if n, ok := importer.NumberFromPath(w.paths[0]); ok {
			w.setNumber(n)
			return
		}
	}
	m, err := core.ParseModuleRef(w.release.Text + "/" + w.module.Text)
	if err != nil {
		return
	}
	var last int64
	w.u.background(func(ctx context.Context) (err error) {
		last, err = w.u.store.LastNumber(ctx, m)
		return err
	}, func(err error) {
		if err == nil && !w.numberEdited {
			w.setNumber(last + 1)
		}
	})
}

func (w *wizard) setNumber(n int64) {
	w.number.OnChanged = nil
	w.number.SetText(strconv.FormatInt(n, 10))
	w.number.OnChanged = func(s string) { w.numberEdited = s != ""; w.validate() }
	w.validate()
}

// target checks the form and returns the job it names.
func (w *wizard) target() (core.JobRef, error) {
	if len(w.paths) == 0 {
		return core.JobRef{}, errors.New("choose at least one report")
	}
	for _, p := range w.paths {
		if _, err := os.Stat(p); err != nil {
			return core.JobRef{}, fmt.Errorf("%s: cannot be read", p)
		}
	}
	rel, mod := strings.TrimSpace(w.release.Text), strings.TrimSpace(w.module.Text)
	if rel == "" || mod == "" || strings.Contains(rel+mod, "/") {
		return core.JobRef{}, errors.New("name a release and a module (no '/')")
	}
	n, err := strconv.ParseInt(strings.TrimSpace(w.number.Text), 10, 64)
	if err != nil || n <= 0 {
		return core.JobRef{}, errors.New("the job number must be a positive whole number")
	}
	return core.JobRef{ModuleRef: core.ModuleRef{Release: rel, Module: mod}, Number: n}, nil
}

func (w *wizard) validate() {
	_, err := w.target()
	if err != nil {
		w.problem.SetText(err.Error())
		w.start.Disable()
		return
	}
	w.problem.SetText("")
	w.start.Enable()
}

// confirm starts the import, asking first when the job exists.
func (w *wizard) confirm() {
	ref, err := w.target()
	if err != nil {
		return
	}
	paths := slices.Clone(w.paths)
	w.u.background(func(ctx context.Context) error {
		_, err := w.u.store.Job(ctx, ref)
		return err
	}, func(err error) {
		if err != nil {
			w.dlg.Hide()
			w.u.tasks.start(ref, paths, false)
			return
		}
		dialog.ShowConfirm("Replace "+ref.String()+"?",
			ref.String()+" is imported already. Replace its results with these reports?",
			func(ok bool) {
				if ok {
					w.dlg.Hide()
					w.u.tasks.start(ref, paths, true)
				}
			}, w.u.win)
	})
}

// pickFiles and pickFolder use the system's dialogs when asked, in a child process
// (see ui/osdialog) waited for in a goroutine, and Fyne's when those fail or are off.
func (w *wizard) pickFiles() {
	w.pick(osdialog.Request{Kind: osdialog.Open, Title: "Import JUnit reports", Filter: "JUnit reports", Extensions: []string{"xml", "gz", "zip"}}, false)
}

func (w *wizard) pickFolder() {
	w.pick(osdialog.Request{Kind: osdialog.Folder, Title: "Import a folder of JUnit reports"}, true)
}

func (w *wizard) pick(req osdialog.Request, folder bool) {
	if !w.u.opts.NativeDialogs {
		w.fynePick(folder)
		return
	}
	go func() {
		path, err := osdialog.Show(w.u.ctx, req)
		do(func() {
			switch {
			case errors.Is(err, osdialog.ErrCancelled):
			case err != nil:
				w.u.logWarn("system file dialog failed, showing Fyne's", "error", err.Error())
				w.fynePick(folder)
			default:
				w.addPaths([]string{path})
			}
		})
	}()
}

func (w *wizard) fynePick(folder bool) {
	if folder {
		d := dialog.NewFolderOpen(func(uri fyne.ListableURI, err error) {
			if err == nil && uri != nil {
				w.addPaths([]string{uri.Path()})
			}
		}, w.u.win)
		d.Show()
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err == nil && r != nil {
			w.addPaths([]string{r.URI().Path()})
			r.Close()
		}
	}, w.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xml", ".gz", ".zip"}))
	if home, err := os.UserHomeDir(); err == nil {
		if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Clean(home))); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show()
}
