package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/fetch"
	"github.com/regtracker/regtracker/core/follow"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/core/jenkins"
)

// The remembered Jenkins jobs live in a follow.List (Options.Jobs), the file the command
// line uses too; tokens only in the credentials store.

// prefMappings is where versions before the shared list kept the remembered jobs, in the
// app's preferences; they move to the list at start (see adoptMappings).
const prefMappings = "jenkins.mappings"

func (u *App) mappings() []follow.Job {
	jobs, err := u.opts.Jobs.Jobs()
	if err != nil && u.opts.Logger != nil {
		u.opts.Logger.Warn("remembered Jenkins jobs unreadable", "error", err.Error())
	}
	return jobs
}

// remember keeps j, followed, replacing the job of the same server and path (whose
// follow switch and interval stay). Its builds are being fetched: the follower's first
// fetch comes an interval later.
func (u *App) remember(j follow.Job) {
	j.Follow = true
	if err := u.opts.Jobs.Remember(j); err != nil {
		u.showError("Remembering "+j.Job, err)
	}
	u.follower.Postpone(j)
	u.follower.Wake()
}

// adoptMappings moves the jobs remembered in the preferences by earlier versions into
// the list, not followed (they were not before).
func (u *App) adoptMappings() {
	prefs := u.fyne.Preferences()
	var old []follow.Job
	if json.Unmarshal([]byte(prefs.String(prefMappings)), &old) != nil || len(old) == 0 {
		return
	}
	for _, j := range old {
		if err := u.opts.Jobs.Remember(j); err != nil {
			return
		}
	}
	prefs.RemoveValue(prefMappings)
}

// jenkinsClient connects to server as user with the token kept for them.
func (u *App) jenkinsClient(server, user, token string) (*jenkins.Client, error) {
	if token == "" && u.opts.Credentials != nil {
		token, _ = u.opts.Credentials.Get(server, user)
	}
	return jenkins.New(jenkins.Config{URL: server, User: user, Token: token})
}

func (u *App) jenkinsCache() *jenkins.Cache {
	return &jenkins.Cache{Dir: u.opts.CacheDir, Limit: u.opts.CacheLimit}
}

// jenkinsWizard imports builds of a Jenkins job: server and credentials, a job found by
// browsing folders, builds chosen from a list, the module they go to, the artifact glob.
type jenkinsWizard struct {
	u       *App
	dlg     dialog.Dialog
	server  *widget.SelectEntry
	user    *widget.Entry
	token   *widget.Entry
	status  *widget.Label
	folder  string
	where   *widget.Label
	filter  *widget.Entry
	items   []jenkins.JobInfo
	shown   []jenkins.JobInfo
	jobList *widget.List
	job     string
	builds  []jenkins.Build
	chosen  map[int64]bool
	have    map[int64]bool // imported already
	bList   *widget.List
	latest  *widget.Entry
	// pickLatest checks the latest N completed builds.
	pickLatest *widget.Button
	release    *widget.SelectEntry
	module     *widget.SelectEntry
	glob       *widget.Entry
	start      *widget.Button
	client     *jenkins.Client
	thenJob    string // a job to show once connected
}

// JenkinsWizard opens the Jenkins import dialog.
func (u *App) JenkinsWizard() { u.openJenkinsWizard() }

// JenkinsWizardFor opens the Jenkins import dialog connected to server as user (with
// the token kept for them) and showing job's builds.
func (u *App) JenkinsWizardFor(server, user, job string) {
	w := u.openJenkinsWizard()
	w.server.SetText(server)
	w.user.SetText(user)
	w.thenJob = job
	w.testConnection()
}

func (u *App) openJenkinsWizard() *jenkinsWizard {
	w := &jenkinsWizard{u: u, chosen: map[int64]bool{}, have: map[int64]bool{}}
	var servers []string
	for _, m := range u.mappings() {
		if !slices.Contains(servers, m.Server) {
			servers = append(servers, m.Server)
		}
	}
	w.server = widget.NewSelectEntry(servers)
	w.server.SetPlaceHolder("https://ci.example.com/jenkins/")
	w.user = widget.NewEntry()
	w.user.SetPlaceHolder("user name")
	w.token = widget.NewPasswordEntry()
	w.token.SetPlaceHolder("API token (kept in " + u.credentialsWhere() + ")")
	w.server.OnChanged = func(s string) {
		for _, m := range u.mappings() {
			if m.Server == s && w.user.Text == "" {
				w.user.SetText(m.User)
			}
		}
	}
	if len(servers) > 0 {
		w.server.SetText(servers[len(servers)-1])
	}
	w.status = widget.NewLabel("")
	w.status.Wrapping = fyne.TextWrapWord
	test := widget.NewButtonWithIcon("Test connection", theme.ConfirmIcon(), w.testConnection)

	w.where = widget.NewLabel("")
	up := widget.NewButtonWithIcon("Up", theme.NavigateBackIcon(), func() {
		if i := strings.LastIndexByte(w.folder, '/'); i >= 0 {
			w.browse(w.folder[:i])
		} else {
			w.browse("")
		}
	})
	w.filter = widget.NewEntry()
	w.filter.SetPlaceHolder("Filter jobs")
	w.filter.OnChanged = func(string) { w.applyFilter() }
	w.jobList = widget.NewList(func() int { return len(w.shown) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.FolderIcon()), widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := w.shown[i]
			box := o.(*fyne.Container)
			icon := box.Objects[0].(*widget.Icon)
			if it.Folder {
				icon.SetResource(theme.FolderIcon())
			} else {
				icon.SetResource(theme.MediaPlayIcon())
			}
			box.Objects[1].(*widget.Label).SetText(it.Name)
		})
	w.jobList.OnSelected = func(i widget.ListItemID) {
		it := w.shown[i]
		if it.Folder {
			w.browse(it.Path)
		} else {
			w.chooseJob(it.Path)
		}
		w.jobList.UnselectAll()
	}

	w.bList = widget.NewList(func() int { return len(w.builds) },
		func() fyne.CanvasObject { return widget.NewCheck("", nil) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			b := w.builds[i]
			c := o.(*widget.Check)
			c.OnChanged = nil
			c.Text = buildLine(b, w.have[b.Number])
			c.SetChecked(w.chosen[b.Number])
			c.OnChanged = func(on bool) { w.chosen[b.Number] = on; w.validate() }
			c.Refresh()
		})
	w.latest = widget.NewEntry()
	w.latest.SetText("5")
	w.pickLatest = widget.NewButton("Choose the latest", func() {
		n, _ := strconv.Atoi(w.latest.Text)
		w.chosen = map[int64]bool{}
		for _, b := range w.builds {
			if n > 0 && !b.Building {
				w.chosen[b.Number] = true
				n--
			}
		}
		w.bList.Refresh()
		w.validate()
	})
	w.release = widget.NewSelectEntry(nil)
	w.release.SetPlaceHolder("e.g. 7.0")
	w.module = widget.NewSelectEntry(nil)
	w.module.SetPlaceHolder("e.g. vpn")
	w.release.OnChanged = func(string) { w.validate(); w.markImported() }
	w.module.OnChanged = func(string) { w.validate(); w.markImported() }
	w.glob = widget.NewEntry()
	w.glob.SetText(fetch.DefaultGlob)

	w.start = widget.NewButtonWithIcon("Import", theme.DownloadIcon(), w.importChosen)
	w.start.Importance = widget.HighImportance
	w.start.Disable()
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { w.dlg.Hide() })

	serverForm := widget.NewForm(
		widget.NewFormItem("Server", w.server),
		widget.NewFormItem("User", w.user),
		widget.NewFormItem("API token", w.token),
	)
	left := container.NewBorder(container.NewVBox(serverForm, container.NewBorder(nil, nil, nil, test, w.status),
		container.NewBorder(nil, nil, up, nil, w.where), w.filter), nil, nil, nil, w.jobList)
	right := container.NewBorder(container.NewBorder(nil, nil, widget.NewLabel("Builds"), container.NewHBox(w.latest, w.pickLatest)),
		widget.NewForm(widget.NewFormItem("Release", w.release), widget.NewFormItem("Module", w.module),
			widget.NewFormItem("Artifacts", w.glob)), nil, nil, w.bList)
	split := container.NewHSplit(left, right)
	content := container.NewBorder(nil, container.NewHBox(layoutSpacer(), cancel, w.start), nil, nil, split)
	w.dlg = dialog.NewCustomWithoutButtons("Import from Jenkins", content, u.win)
	w.dlg.Resize(fyne.NewSize(1000, 620))
	w.dlg.Show()
	w.loadModules()
	return w
}

func (u *App) credentialsWhere() string {
	if u.opts.Credentials == nil {
		return "no store"
	}
	return u.opts.Credentials.Where()
}

func buildLine(b jenkins.Build, imported bool) string {
	s := fmt.Sprintf("#%d  %s  %s  %s", b.Number, b.Result, ago(b.Timestamp), format.Duration(b.Duration))
	if b.Building {
		s = fmt.Sprintf("#%d  running", b.Number)
	}
	if imported {
		s += "  (imported)"
	}
	return s
}

func (w *jenkinsWizard) loadModules() {
	var jobs []core.Job
	w.u.background(func(ctx context.Context) (err error) {
		jobs, err = w.u.store.Jobs(ctx, nil)
		return err
	}, func(err error) {
		var rels, mods []string
		for _, j := range jobs {
			if !slices.Contains(rels, j.Release) {
				rels = append(rels, j.Release)
			}
			if !slices.Contains(mods, j.Module) {
				mods = append(mods, j.Module)
			}
		}
		w.release.SetOptions(rels)
		w.module.SetOptions(mods)
	})
}

// connect makes the client from the form.
func (w *jenkinsWizard) connect() error {
	c, err := w.u.jenkinsClient(strings.TrimSpace(w.server.Text), strings.TrimSpace(w.user.Text), w.token.Text)
	if err != nil {
		return err
	}
	w.client = c
	return nil
}

// testConnection asks the server for its version, then lists its top level.
func (w *jenkinsWizard) testConnection() {
	if err := w.connect(); err != nil {
		w.status.SetText(err.Error())
		return
	}
	c := w.client
	w.status.SetText("Connecting...")
	var version string
	w.u.background(func(ctx context.Context) (err error) {
		version, err = c.Version(ctx)
		return err
	}, func(err error) {
		if err != nil {
			w.status.SetText(err.Error())
			return
		}
		w.status.SetText("Connected: Jenkins " + version)
		if w.token.Text != "" && w.u.opts.Credentials != nil {
			if err := w.u.opts.Credentials.Set(c.Server(), strings.TrimSpace(w.user.Text), w.token.Text); err != nil {
				w.status.SetText("Connected: Jenkins " + version + "; the token could not be kept: " + err.Error())
			}
		}
		if w.thenJob != "" {
			folder := ""
			if i := strings.LastIndexByte(w.thenJob, '/'); i >= 0 {
				folder = w.thenJob[:i]
			}
			w.browse(folder)
			w.chooseJob(w.thenJob)
			return
		}
		w.browse("")
	})
}

// browse lists a folder's jobs.
func (w *jenkinsWizard) browse(folder string) {
	if w.client == nil {
		return
	}
	c := w.client
	var items []jenkins.JobInfo
	w.where.SetText("Jobs in /" + folder + " ...")
	w.u.background(func(ctx context.Context) (err error) {
		items, err = c.Jobs(ctx, folder)
		return err
	}, func(err error) {
		if err != nil {
			w.status.SetText(err.Error())
			return
		}
		w.folder, w.items = folder, items
		w.where.SetText("Jobs in /" + folder)
		w.applyFilter()
	})
}

func (w *jenkinsWizard) applyFilter() {
	q := strings.ToLower(strings.TrimSpace(w.filter.Text))
	w.shown = w.shown[:0]
	for _, it := range w.items {
		if q == "" || strings.Contains(strings.ToLower(it.Name), q) {
			w.shown = append(w.shown, it)
		}
	}
	w.jobList.Refresh()
}

// chooseJob lists a job's builds and fills the target from what was remembered.
func (w *jenkinsWizard) chooseJob(job string) {
	c := w.client
	w.job = job
	for _, m := range w.u.mappings() {
		if m.Server == c.Server() && m.Job == job {
			if into, err := core.ParseModuleRef(m.Into); err == nil {
				w.release.SetText(into.Release)
				w.module.SetText(into.Module)
			}
			if m.Glob != "" {
				w.glob.SetText(m.Glob)
			}
		}
	}
	var builds []jenkins.Build
	w.status.SetText("Reading the builds of " + job + "...")
	w.u.background(func(ctx context.Context) (err error) {
		builds, err = c.Builds(ctx, job, 50)
		return err
	}, func(err error) {
		if err != nil {
			w.status.SetText(err.Error())
			return
		}
		w.status.SetText(fmt.Sprintf("%s: %d builds", job, len(builds)))
		w.builds, w.chosen = builds, map[int64]bool{}
		w.markImported()
		w.validate()
	})
}

// markImported marks the builds already imported into the target module.
func (w *jenkinsWizard) markImported() {
	m, err := core.ParseModuleRef(w.release.Text + "/" + w.module.Text)
	if err != nil || len(w.builds) == 0 {
		w.bList.Refresh()
		return
	}
	builds := slices.Clone(w.builds)
	have := map[int64]bool{}
	w.u.background(func(ctx context.Context) error {
		for _, b := range builds {
			if _, err := w.u.store.Job(ctx, core.JobRef{ModuleRef: m, Number: b.Number}); err == nil {
				have[b.Number] = true
			}
		}
		return nil
	}, func(error) {
		w.have = have
		w.bList.Refresh()
	})
}

// target checks the form.
func (w *jenkinsWizard) target() (core.ModuleRef, []int64, error) {
	var chosen []int64
	for n, on := range w.chosen {
		if on {
			chosen = append(chosen, n)
		}
	}
	slices.Sort(chosen)
	switch {
	case w.client == nil || w.job == "":
		return core.ModuleRef{}, nil, errors.New("connect and choose a job")
	case len(chosen) == 0:
		return core.ModuleRef{}, nil, errors.New("choose builds")
	}
	m, err := core.ParseModuleRef(strings.TrimSpace(w.release.Text) + "/" + strings.TrimSpace(w.module.Text))
	return m, chosen, err
}

func (w *jenkinsWizard) validate() {
	if _, _, err := w.target(); err != nil {
		w.start.Disable()
		return
	}
	w.start.Enable()
}

// importChosen remembers the job's module and fetches the chosen builds as a task.
func (w *jenkinsWizard) importChosen() {
	into, chosen, err := w.target()
	if err != nil {
		return
	}
	m := follow.Job{Server: w.client.Server(), User: strings.TrimSpace(w.user.Text), Job: w.job, Into: into.String(), Glob: w.glob.Text}
	w.u.remember(m)
	w.dlg.Hide()
	w.u.tasks.startFetch(w.client, fetch.Options{JenkinsJob: w.job, Into: into, Builds: chosen, Glob: m.Glob})
}

// FetchNewBuilds fetches, for every remembered Jenkins job, the builds newer than its
// module's last job.
func (u *App) FetchNewBuilds() {
	ms := u.mappings()
	if len(ms) == 0 {
		dialog.ShowInformation("Fetch new builds", "No Jenkins job is remembered yet: import one with Import from Jenkins first.", u.win)
		return
	}
	for _, m := range ms {
		u.fetchMapping(m)
	}
}

// fetchMapping fetches the builds of one remembered Jenkins job newer than its module's
// last job.
func (u *App) fetchMapping(m follow.Job) {
	c, err := u.jenkinsClient(m.Server, m.User, "")
	into, perr := core.ParseModuleRef(m.Into)
	if err != nil || perr != nil {
		u.showError("Fetching "+m.Job, errors.Join(err, perr))
		return
	}
	u.tasks.startFetch(c, fetch.Options{JenkinsJob: m.Job, Into: into, NewOnly: true, Glob: m.Glob})
}

// startFetch runs a Jenkins fetch as a task row.
func (t *tasks) startFetch(c *jenkins.Client, opts fetch.Options) *task {
	ctx, cancel := context.WithCancel(t.u.ctx)
	ref := core.JobRef{ModuleRef: opts.Into}
	tk := t.newRow(ref, "Fetching "+opts.JenkinsJob+" into "+opts.Into.String(), cancel)
	opts.Progress = func(n int64, p importer.Progress) {
		do(func() {
			tk.progress(p)
			tk.info.SetText(fmt.Sprintf("build %d: %s", n, tk.info.Text))
		})
	}
	cache := t.u.jenkinsCache()
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		defer t.u.own.begin(&opts.Into)()
		res, err := fetch.Fetch(ctx, c, cache, t.u.store, opts)
		for _, j := range res.Imported {
			t.u.own.add(j.JobRef)
			t.u.logRefresh(ctx, j.JobRef)
		}
		cancel()
		do(func() { t.fetched(tk, res, err) })
	}()
	return tk
}

func (t *tasks) fetched(tk *task, res fetch.Result, err error) {
	tk.done, tk.err = true, err
	delete(t.active, tk)
	tk.button.SetText("Dismiss")
	tk.button.SetIcon(theme.ConfirmIcon())
	tk.button.OnTapped = func() { t.list.Remove(tk.row); t.show() }
	tk.bar.SetValue(1)
	if err != nil {
		tk.title.SetText("Failed " + tk.title.Text)
		tk.info.SetText(err.Error())
		return
	}
	var lines []string
	lines = append(lines, fmt.Sprintf("%d imported, %d skipped, %d failed", len(res.Imported), len(res.Skipped), len(res.Failed)))
	for _, s := range res.Skipped {
		lines = append(lines, fmt.Sprintf("build %d skipped: %s", s.Number, s.Reason))
	}
	for _, f := range res.Failed {
		lines = append(lines, fmt.Sprintf("build %d failed: %v", f.Number, f.Err))
	}
	tk.title.SetText("Fetched " + strings.TrimPrefix(tk.title.Text, "Fetching "))
	tk.info.SetText(strings.Join(lines, "\n"))
	tk.info.Wrapping = fyne.TextWrapWord
	tk.info.Refresh()
	t.u.sidebar.reload(nil)
}
