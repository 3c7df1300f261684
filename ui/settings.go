package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/jenkins"
	"github.com/regtracker/regtracker/core/store/backend"
)

// Preference keys. cmd/regtracker reads them at start; the settings dialog writes them.
const (
	PrefDatabase      = "database"
	PrefCacheDir      = "cache.dir"
	PrefCacheLimitMB  = "cache.limit_mb"
	PrefNativeDialogs = "dialogs.native"
	PrefMemoryMB      = "memory.warning_mb"
	PrefLogLevel      = "log.level"
	PrefTheme         = "theme"
)

// OpenSettings shows the settings dialog.
func (u *App) OpenSettings() { u.openSettings() }

// openSettings shows the settings: where the data lives, the Jenkins cache, dialogs,
// memory warning, log level and theme.
func (u *App) openSettings() {
	prefs := u.fyne.Preferences()
	where := newDatabaseChooser(u)
	cacheDir := widget.NewEntry()
	cacheDir.SetText(u.opts.CacheDir)
	limit := widget.NewEntry()
	limit.SetText(strconv.FormatInt(u.opts.CacheLimit>>20, 10))
	cacheInfo := widget.NewLabel("")
	clear := widget.NewButtonWithIcon("Clear cache", theme.DeleteIcon(), func() {
		cache := u.jenkinsCache()
		u.background(func(context.Context) error { return cache.Clear() }, func(err error) {
			if err != nil {
				u.showError("Clearing the cache", err)
				return
			}
			cacheInfo.SetText("The cache is empty.")
		})
	})
	u.background(func(context.Context) error {
		n, err := (&jenkins.Cache{Dir: u.opts.CacheDir}).Size()
		do(func() { cacheInfo.SetText("The cache holds " + format.Bytes(uint64(n)) + ".") })
		return err
	}, func(error) {})
	native := widget.NewCheck("Use the system's file dialogs", nil)
	native.SetChecked(u.opts.NativeDialogs)
	memory := widget.NewEntry()
	memory.SetText(strconv.FormatUint(u.opts.MemoryLimit>>20, 10))
	level := widget.NewSelect([]string{"debug", "info", "warn", "error"}, nil)
	level.SetSelected(prefs.StringWithFallback(PrefLogLevel, "info"))
	themeSel := widget.NewSelect([]string{"system", "light", "dark"}, nil)
	themeSel.SetSelected(prefs.StringWithFallback(PrefTheme, "system"))
	note := widget.NewLabel("A new database, cache directory or log level takes effect when regtracker starts again; following a Jenkins job, at once.")
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	form := widget.NewForm(
		widget.NewFormItem("Database", where.kind),
		widget.NewFormItem("", where.box),
		widget.NewFormItem("Jenkins cache", cacheDir),
		widget.NewFormItem("Cache limit (MB)", container.NewBorder(nil, nil, nil, clear, limit)),
		widget.NewFormItem("", cacheInfo),
		widget.NewFormItem("File dialogs", native),
		widget.NewFormItem("Memory warning (MB)", memory),
		widget.NewFormItem("Log level", level),
		widget.NewFormItem("Theme", themeSel),
		widget.NewFormItem("Jenkins tokens", widget.NewLabel("kept in "+u.credentialsWhere())),
		widget.NewFormItem("Follow Jenkins jobs", u.followSettings()),
	)
	d := dialog.NewCustomConfirm("Settings", "Save", "Cancel", container.NewBorder(nil, note, nil, nil, form), func(ok bool) {
		if !ok {
			return
		}
		db, err := where.value()
		if err != nil {
			u.showError("Saving the settings", err)
			return
		}
		prefs.SetString(PrefDatabase, db)
		prefs.SetString(PrefCacheDir, strings.TrimSpace(cacheDir.Text))
		if n, err := strconv.ParseInt(strings.TrimSpace(limit.Text), 10, 64); err == nil && n > 0 {
			prefs.SetInt(PrefCacheLimitMB, int(n))
			u.opts.CacheLimit = n << 20
		}
		prefs.SetBool(PrefNativeDialogs, native.Checked)
		u.opts.NativeDialogs = native.Checked
		if n, err := strconv.ParseUint(strings.TrimSpace(memory.Text), 10, 64); err == nil {
			prefs.SetInt(PrefMemoryMB, int(n))
			u.sampler.RSSLimit = n << 20
			u.opts.MemoryLimit = n << 20
		}
		prefs.SetString(PrefLogLevel, level.Selected)
		prefs.SetString(PrefTheme, themeSel.Selected)
		ApplyTheme(u.fyne, themeSel.Selected)
		u.setStatus("Settings saved.")
	}, u.win)
	d.Resize(fyne.NewSize(720, 520))
	u.showModal(d, d.Confirm)
}

// databaseChooser is the Database setting: a local file, or a team's server.
type databaseChooser struct {
	kind   *widget.RadioGroup
	box    *fyne.Container // the file's row or the server's, as kind says
	file   *widget.Entry
	server *widget.Entry
	status *widget.Label // what Test connection found
}

const (
	localFile = "Local file"
	server    = "Server"
)

func newDatabaseChooser(u *App) *databaseChooser {
	c := &databaseChooser{file: widget.NewEntry(), server: widget.NewEntry(), status: widget.NewLabel("")}
	c.status.Wrapping = fyne.TextWrapWord
	c.server.SetPlaceHolder("postgres://user@host/db")
	if current := u.store.Path(); backend.IsServer(current) {
		c.server.SetText(current)
	} else {
		c.file.SetText(current)
	}
	choose := widget.NewButton("Open another or create one...", func() {
		d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			path := w.URI().Path()
			w.Close()
			c.file.SetText(path)
		}, u.win)
		d.SetFileName("regtracker.db")
		d.Show()
	})
	test := widget.NewButton("Test connection", func() {
		url := strings.TrimSpace(c.server.Text)
		c.status.SetText("Connecting to " + url + "...")
		u.background(func(ctx context.Context) error {
			st, err := backend.Open(ctx, url)
			if err == nil {
				var jobs []core.Job
				jobs, err = st.Jobs(ctx, nil)
				st.Close()
				if err == nil {
					do(func() { c.status.SetText(fmt.Sprintf("Connected: the server holds %d jobs.", len(jobs))) })
				}
			}
			return err
		}, func(err error) {
			if err != nil {
				c.status.SetText("Cannot use the server: " + err.Error())
			}
		})
	})
	password := widget.NewLabel("The password comes from PGPASSWORD or ~/.pgpass, as for psql; it is never kept here.")
	password.Wrapping = fyne.TextWrapWord
	password.Importance = widget.LowImportance
	fileRow := container.NewBorder(nil, nil, nil, choose, c.file)
	serverRows := container.NewVBox(container.NewBorder(nil, nil, nil, test, c.server), password, c.status)
	c.box = container.NewStack(fileRow, serverRows)
	c.kind = widget.NewRadioGroup([]string{localFile, server}, func(kind string) {
		fileRow.Hidden, serverRows.Hidden = kind != localFile, kind != server
		c.box.Refresh()
	})
	c.kind.Horizontal = true
	if backend.IsServer(u.store.Path()) {
		c.kind.SetSelected(server)
	} else {
		c.kind.SetSelected(localFile)
	}
	return c
}

// value is the database chosen: a file's path or a server's URL, which must name a
// server and carry no password.
func (c *databaseChooser) value() (string, error) {
	if c.kind.Selected != server {
		return strings.TrimSpace(c.file.Text), nil
	}
	url := strings.TrimSpace(c.server.Text)
	if !backend.IsServer(url) {
		return "", fmt.Errorf("the server %q is not a postgres://user@host/db URL", url)
	}
	if backend.HasPassword(url) {
		return "", errors.New("the server's URL holds a password: remove it, and put the password in PGPASSWORD or ~/.pgpass")
	}
	return url, nil
}

// ApplyTheme sets the theme: "light", "dark", or "system" (follow the system).
func ApplyTheme(a fyne.App, name string) {
	switch name {
	case "light":
		a.Settings().SetTheme(&variantTheme{Theme: theme.DefaultTheme(), variant: theme.VariantLight})
	case "dark":
		a.Settings().SetTheme(&variantTheme{Theme: theme.DefaultTheme(), variant: theme.VariantDark})
	default:
		a.Settings().SetTheme(theme.DefaultTheme())
	}
}

// variantTheme is the default theme held to one variant.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t *variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}
