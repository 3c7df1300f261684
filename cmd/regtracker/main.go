// Command regtracker is the desktop app: it opens the default database (or --db) and
// shows its releases, modules and jobs. Without a display it says so and points to
// regtracker-cli. SIGINT or SIGTERM cancel the running imports, which roll back, and
// quit within two seconds.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"github.com/sqweek/dialog"

	"github.com/regtracker/regtracker/core/applog"
	"github.com/regtracker/regtracker/core/credentials"
	"github.com/regtracker/regtracker/core/follow"
	"github.com/regtracker/regtracker/core/instance"
	"github.com/regtracker/regtracker/core/jenkins"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/backend"
	"github.com/regtracker/regtracker/resources"
	"github.com/regtracker/regtracker/ui"
	"github.com/regtracker/regtracker/ui/osdialog"
)

// appID is the app's identity for Fyne: its preferences and storage folder.
const appID = "io.github.regtracker"

// version is set by the Makefile from FyneApp.toml (-ldflags -X main.version=...);
// packaged builds carry it in Fyne's own metadata.
var version string

func main() {
	// The system's file dialogs run in a child process: this program started again.
	osdialog.ServeIfChild()
	dbPath := flag.String("db", "", "database file or postgres://user@host/db server (default: the one chosen in Settings, else the same as regtracker-cli's)")
	nativeDialogs := flag.Bool("native-dialogs", true, "use the system's file dialogs")
	memoryLimit := flag.Uint64("memory-warning-mb", 0, "warn when the app uses more memory than this (default: Settings, else 1024)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: regtracker [flags] [REPORT...]\n\nReports named on the command line (as a file manager's \"Open with\" names them) open the import dialog.\n\nflags:")
		flag.PrintDefaults()
	}
	flag.Parse()
	if runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		fmt.Fprintln(os.Stderr, "regtracker: no display (DISPLAY and WAYLAND_DISPLAY are unset); without a screen use regtracker-cli, the same tool for the command line")
		os.Exit(1)
	}
	// Fyne writes its preferences in place: a kill in between leaves the file cut short.
	var prefsNote string
	if path, err := ui.PreferencesPath(appID); err == nil {
		if prefsNote, err = ui.RepairPreferences(path); err != nil {
			fmt.Fprintln(os.Stderr, "regtracker: checking the preferences:", err)
		}
	}
	if version != "" {
		app.SetMetadata(fyne.AppMetadata{ID: appID, Name: "regtracker", Version: version, Build: 1, Icon: resources.Icon})
	}
	a := app.NewWithID(appID)
	a.SetIcon(resources.Icon)
	prefs := a.Preferences()
	ui.ApplyTheme(a, prefs.StringWithFallback(ui.PrefTheme, "system"))

	if *dbPath == "" {
		*dbPath = prefs.String(ui.PrefDatabase)
	}
	if *dbPath == "" {
		p, err := store.DefaultPath()
		if err != nil {
			fatal(err)
		}
		*dbPath = p
	}
	flagSet := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { flagSet[f.Name] = true })
	if !flagSet["native-dialogs"] {
		*nativeDialogs = prefs.BoolWithFallback(ui.PrefNativeDialogs, true)
	}
	if *memoryLimit == 0 {
		*memoryLimit = uint64(prefs.IntWithFallback(ui.PrefMemoryMB, 1024))
	}
	cacheDir := prefs.String(ui.PrefCacheDir)
	if cacheDir == "" {
		cacheDir, _ = jenkins.DefaultCacheDir()
	}
	cacheLimit := int64(prefs.IntWithFallback(ui.PrefCacheLimitMB, jenkins.DefaultCacheLimit>>20)) << 20
	credDir, err := credentials.DefaultDir()
	if err != nil {
		fatal(err)
	}

	// One window per database: a second launch hands its reports to the first.
	var running *instance.Instance
	if dir, err := instance.Dir(); err == nil {
		running, err = instance.Claim(dir, *dbPath, flag.Args())
		switch {
		case errors.Is(err, instance.ErrHandedOver):
			fmt.Fprintf(os.Stderr, "regtracker: already open on %s; %d report(s) handed to that window\n", *dbPath, flag.NArg())
			return
		case err != nil:
			fmt.Fprintln(os.Stderr, "regtracker:", err)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := backend.Open(ctx, *dbPath)
	if err != nil {
		fatal(err)
	}
	defer st.Close()
	if !backend.IsServer(*dbPath) {
		// Nothing in this process opens the database's files but SQLite (DESIGN.md).
		if err := ui.KeepOutOfDatabaseFiles(*dbPath); err != nil {
			fatal(err)
		}
	}
	local, err := backend.LocalPath(*dbPath)
	if err != nil {
		fatal(err)
	}
	logPath := applog.DefaultPath(local)
	logger, logFile, err := applog.Open(logPath, applog.Level(prefs.StringWithFallback(ui.PrefLogLevel, os.Getenv("REGTRACKER_LOG_LEVEL"))))
	if err != nil {
		fmt.Fprintln(os.Stderr, "regtracker: no log file:", err)
		logger = applog.Discard
	} else {
		defer logFile.Close()
	}
	logger.Info("app started", "database", *dbPath, "version", a.Metadata().Version)
	if prefsNote != "" {
		logger.Warn(prefsNote)
	}

	u := ui.New(ctx, a, st, ui.Options{NativeDialogs: *nativeDialogs, Logger: logger, LogPath: logPath,
		CacheDir: cacheDir, CacheLimit: cacheLimit, MemoryLimit: *memoryLimit << 20, Credentials: credentials.Open(credDir),
		Jobs: follow.Open(credDir)})
	go func() {
		<-ctx.Done()
		// A signal: roll the imports back and quit, even if a native dialog blocks.
		time.AfterFunc(2*time.Second, func() { os.Exit(1) })
		u.Shutdown()
		fyne.Do(a.Quit)
	}()
	if running != nil {
		defer running.Close()
		go running.Serve(func(m instance.Message) { u.HandedOver(m.Paths) })
	}
	u.Reload()
	u.Window().Show()
	if flag.NArg() > 0 {
		u.OpenReports(flag.Args())
	}
	a.Run()
	logger.Info("app stopped")
}

// fatal says why the app cannot start, and exits. A Windows app has no console for
// stderr, so there the reason also comes in a message box.
func fatal(err error) {
	fmt.Fprintln(os.Stderr, "regtracker:", err)
	if runtime.GOOS == "windows" {
		dialog.Message("%v", err).Title("regtracker cannot start").Error()
	}
	os.Exit(1)
}
