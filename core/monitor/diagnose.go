package monitor

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/regtracker/regtracker/core/applog"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/store"
)

// DiagnoseStore is what the report reads of the database.
type DiagnoseStore interface {
	Info(ctx context.Context, largest int) (store.FileInfo, error)
	RecentFailures(ctx context.Context, n int) ([]store.ImportFailure, error)
}

// Inputs say where the things the report describes are.
type Inputs struct {
	Version  string            // the app's version
	Settings map[string]string // the settings in effect, by name
	CacheDir string            // the Jenkins artifact cache
	LogPath  string
}

// File is a file and its size.
type File struct {
	Path  string `json:"path"`
	Bytes int64  `json:"bytes"`
}

// Report is everything worth knowing when something goes wrong, in one place: the app
// and the machine, memory now, the database's health, the cache, recent failed imports
// and the end of the log. The app shows it and saves it as Markdown; `regtracker-cli
// diagnose` prints it.
type Report struct {
	At        time.Time         `json:"at"`
	Version   string            `json:"version"`
	GoVersion string            `json:"go_version"`
	OS        string            `json:"os"`
	Settings  map[string]string `json:"settings"`
	Memory    Sample            `json:"memory"`

	Database store.FileInfo `json:"-"`
	DB       dbJSON         `json:"database"`

	CacheDir     string                `json:"cache_dir"`
	CacheBytes   int64                 `json:"cache_bytes"`
	CacheLargest []File                `json:"cache_largest"`
	Failures     []store.ImportFailure `json:"-"`
	FailuresJSON []failureJSON         `json:"recent_failures"`
	LogPath      string                `json:"log_path"`
	LogTail      []string              `json:"log_tail"`
}

type dbJSON struct {
	Path          string        `json:"path"`
	Bytes         int64         `json:"bytes"`
	WALBytes      int64         `json:"wal_bytes"`
	JournalMode   string        `json:"journal_mode"`
	PageSize      int64         `json:"page_size"`
	PageCount     int64         `json:"page_count"`
	FreelistCount int64         `json:"freelist_count"`
	SchemaVersion int           `json:"schema_version"`
	Integrity     string        `json:"integrity"` // "ok", or what integrity_check found
	Problems      []string      `json:"integrity_problems"`
	Largest       []largestJSON `json:"largest_jobs"`
}

type largestJSON struct {
	Job   string `json:"job"`
	Tests int64  `json:"tests"`
}

type failureJSON struct {
	At     time.Time `json:"at"`
	Job    string    `json:"job"`
	Source string    `json:"source"`
	Error  string    `json:"error"`
}

// Healthy reports whether the database passed its integrity check.
func (r *Report) Healthy() bool { return len(r.Database.Integrity) == 0 }

// Diagnose gathers the report. A damaged database is a finding of the report, not an
// error.
func Diagnose(ctx context.Context, st DiagnoseStore, in Inputs) (Report, error) {
	r := Report{At: time.Now(), Version: in.Version, GoVersion: runtime.Version(),
		OS: runtime.GOOS + "/" + runtime.GOARCH, Settings: in.Settings, CacheDir: in.CacheDir, LogPath: in.LogPath}
	if r.Version == "" {
		r.Version = "development build"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			r.Version = bi.Main.Version
		}
	}
	var s Sampler
	r.Memory = s.SampleNow()
	info, err := st.Info(ctx, 5)
	if err != nil && info.Path == "" {
		return r, err
	}
	if err != nil {
		info.Integrity = append(info.Integrity, err.Error())
	}
	r.Database = info
	r.DB = dbJSON{Path: info.Path, Bytes: info.Bytes, WALBytes: info.WALBytes, JournalMode: info.JournalMode,
		PageSize: info.PageSize, PageCount: info.PageCount, FreelistCount: info.FreelistCount,
		SchemaVersion: info.SchemaVersion, Integrity: "ok", Problems: info.Integrity}
	if len(info.Integrity) > 0 {
		r.DB.Integrity = "damaged"
	}
	if r.DB.Problems == nil {
		r.DB.Problems = []string{}
	}
	r.DB.Largest = []largestJSON{}
	for _, j := range info.Largest {
		r.DB.Largest = append(r.DB.Largest, largestJSON{j.JobRef.String(), j.Tests})
	}
	if r.Failures, err = st.RecentFailures(ctx, 10); err != nil {
		r.Failures = []store.ImportFailure{{At: time.Now(), Job: "?", Error: "reading recent failures: " + err.Error()}}
	}
	r.FailuresJSON = []failureJSON{}
	for _, f := range r.Failures {
		r.FailuresJSON = append(r.FailuresJSON, failureJSON(f))
	}
	r.CacheBytes, r.CacheLargest = largestFiles(in.CacheDir, 5)
	if r.LogTail, err = applog.Tail(in.LogPath, 20); err != nil {
		r.LogTail = []string{"reading the log: " + err.Error()}
	}
	if r.LogTail == nil {
		r.LogTail = []string{}
	}
	return r, nil
}

// largestFiles sums the files under dir and returns the n largest.
func largestFiles(dir string, n int) (int64, []File) {
	var total int64
	files := []File{}
	if dir == "" {
		return 0, files
	}
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		if fi, err := e.Info(); err == nil {
			total += fi.Size()
			files = append(files, File{p, fi.Size()})
		}
		return nil
	})
	slices.SortFunc(files, func(a, b File) int { return cmp.Compare(b.Bytes, a.Bytes) })
	return total, files[:min(n, len(files))]
}

// Markdown renders the report for a bug report or a colleague.
func (r *Report) Markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# regtracker diagnostics\n\n%s\n\n", r.At.Local().Format(time.RFC1123))
	w("## App\n\n- version: %s\n- Go: %s\n- OS: %s\n", r.Version, r.GoVersion, r.OS)
	keys := make([]string, 0, len(r.Settings))
	for k := range r.Settings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		w("- %s: %s\n", k, r.Settings[k])
	}
	m := r.Memory
	w("\n## Memory now\n\n- process RSS: %s\n- Go heap: %s\n- machine memory used: %.0f%%\n- goroutines: %d\n",
		format.Bytes(m.RSS), format.Bytes(m.Heap), m.SystemUsed, m.Goroutines)
	d := r.DB
	w("\n## Database\n\n- path: %s\n- size: %s (write-ahead log %s)\n- journal mode: %s\n- pages: %s of %s bytes (%s free)\n- schema version: %d\n- integrity: %s\n",
		d.Path, format.Bytes(uint64(d.Bytes)), format.Bytes(uint64(d.WALBytes)), d.JournalMode,
		format.Count(d.PageCount), format.Count(d.PageSize), format.Count(d.FreelistCount), d.SchemaVersion, d.Integrity)
	for _, p := range d.Problems {
		w("  - %s\n", p)
	}
	if len(d.Largest) > 0 {
		w("\nLargest jobs:\n\n| job | tests |\n|---|---:|\n")
		for _, j := range d.Largest {
			w("| %s | %s |\n", j.Job, format.Count(j.Tests))
		}
	}
	w("\n## Jenkins cache\n\n- directory: %s\n- size: %s\n", r.CacheDir, format.Bytes(uint64(r.CacheBytes)))
	for _, f := range r.CacheLargest {
		w("  - %s (%s)\n", f.Path, format.Bytes(uint64(f.Bytes)))
	}
	w("\n## Recent failed imports\n\n")
	if len(r.Failures) == 0 {
		w("None.\n")
	}
	for _, f := range r.Failures {
		w("- %s %s (%s): %s\n", f.At.Local().Format("2006-01-02 15:04"), f.Job, f.Source, f.Error)
	}
	w("\n## Log\n\n%s\n\n```\n%s\n```\n", r.LogPath, strings.Join(r.LogTail, "\n"))
	return b.String()
}

// SaveMarkdown writes the report as Markdown, readable by the user only.
func (r *Report) SaveMarkdown(path string) error {
	return os.WriteFile(path, []byte(r.Markdown()), 0o600)
}
