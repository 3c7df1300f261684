package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/regtracker/regtracker/core/applog"
	"github.com/regtracker/regtracker/core/jenkins"
	"github.com/regtracker/regtracker/core/monitor"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/backend"
)

// brokenStore stands for a database that cannot even be opened, so that the report
// still says so.
type brokenStore struct {
	path string
	err  error
}

func (b brokenStore) Info(context.Context, int) (store.FileInfo, error) {
	fi := store.FileInfo{Path: b.path, Integrity: []string{b.err.Error()}}
	if st, err := os.Stat(b.path); err == nil {
		fi.Bytes = st.Size()
	}
	return fi, nil
}

func (b brokenStore) RecentFailures(context.Context, int) ([]store.ImportFailure, error) {
	return nil, nil
}

func runDiagnose(ctx context.Context, e *env, args []string) error {
	f := newFlags("diagnose", e)
	save := f.String("markdown", "", "also save the report as Markdown in this file")
	ops, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return usagef("unexpected operand %q", ops[0])
	}
	path, err := f.dbPath()
	if err != nil {
		return err
	}
	cacheDir, _ := jenkins.DefaultCacheDir()
	local, err := backend.LocalPath(path)
	if err != nil {
		return err
	}
	in := monitor.Inputs{CacheDir: cacheDir, LogPath: applog.DefaultPath(local), Settings: map[string]string{
		"database":          path,
		"jenkins cache":     cacheDir,
		"jenkins cache max": fmt.Sprint(jenkins.DefaultCacheLimit),
		"jenkins token set": fmt.Sprint(os.Getenv(jenkins.TokenEnv) != ""),
	}}
	var src monitor.DiagnoseStore
	if _, statErr := os.Stat(path); statErr != nil && !backend.IsServer(path) {
		src = brokenStore{path, fmt.Errorf("no database at this path: %w", statErr)}
	} else if st, err := backend.Open(ctx, path); err != nil {
		src = brokenStore{path, err}
	} else {
		defer st.Close()
		src = st
	}
	report, err := monitor.Diagnose(ctx, src, in)
	if err != nil {
		return err
	}
	if *save != "" {
		if err := report.SaveMarkdown(*save); err != nil {
			return err
		}
	}
	if f.json {
		if err := writeJSON(e, report); err != nil {
			return err
		}
	} else {
		fmt.Fprint(e.stdout, report.Markdown())
	}
	if !report.Healthy() {
		return reportedError{fmt.Sprintf("the database %s failed its integrity check: %s", path, report.DB.Problems[0])}
	}
	return nil
}

// logger opens the structured log beside the database; a log that cannot be opened
// does not stop the command.
func (f *flags) logger() (*slog.Logger, func()) {
	path, err := f.dbPath()
	if err == nil {
		path, err = backend.LocalPath(path)
	}
	if err != nil {
		return applog.Discard, func() {}
	}
	l, closer, err := applog.Open(applog.DefaultPath(path), applog.Level(os.Getenv("REGTRACKER_LOG_LEVEL")))
	if err != nil {
		return applog.Discard, func() {}
	}
	return l, func() { closer.Close() }
}
