// Package store is the contract between regtracker and where it keeps its history:
// the Store interface every backend implements (core/store/sqlite, a local file), the
// types its methods take and give, and where the app's database lives by default.
//
// A backend keeps releases, modules and jobs with their results, test states, texts,
// known issues and commits; writes one job in one transaction (nothing of it is visible
// before Commit, nothing is left after Rollback or a crash); and keeps its SQL to itself.
package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/regtracker/regtracker/core"
)

// Store is a regtracker history. It is safe for concurrent use.
type Store interface {
	// Path names where the history is (a file, a server), for people.
	Path() string
	Close() error

	// BeginJob starts writing one job; see core.JobWriter.
	BeginJob(ctx context.Context, ref core.JobRef, opts core.WriteOptions) (core.JobWriter, error)
	// RecordFailure keeps an import that failed, for diagnostics.
	RecordFailure(ctx context.Context, job core.JobRef, source string, failure error) error
	RecentFailures(ctx context.Context, n int) ([]ImportFailure, error)

	// Jobs lists every job, or those of module, by release, module and number.
	Jobs(ctx context.Context, module *core.ModuleRef) ([]core.Job, error)
	// Job returns one job; an error wrapping core.ErrNotFound when there is none.
	Job(ctx context.Context, ref core.JobRef) (core.Job, error)
	LastNumber(ctx context.Context, module core.ModuleRef) (int64, error)
	// Base and Next are the module's jobs numbered just below and just above job.
	Base(ctx context.Context, job core.JobRef) (core.JobRef, bool, error)
	Next(ctx context.Context, job core.JobRef) (core.JobRef, bool, error)

	// EachResult gives a job's results in report order, texts included, a batch at a
	// time, in bounded memory.
	EachResult(ctx context.Context, ref core.JobRef, fn func([]core.Result) error) error
	// ResultIDs, ResultRows and ResultDetail serve the results table: positions of the
	// results passing a filter, in an order; rows of positions; one result whole.
	ResultIDs(ctx context.Context, job core.JobRef, f ResultFilter, order ResultOrder, desc bool) ([]uint32, error)
	ResultRows(ctx context.Context, job core.JobRef, seqs []uint32) ([]ResultRow, error)
	ResultDetail(ctx context.Context, job core.JobRef, seq uint32) (core.Result, error)
	// Messages are the failure messages of the results at positions seqs of job.
	Messages(ctx context.Context, job core.JobRef, seqs []uint32) (map[uint32]string, error)

	// States reads a job's test states in key order; TimedStates gives them whole, each
	// with its deciding occurrence's duration.
	States(ctx context.Context, job core.JobRef) (StateReader, error)
	TimedStates(ctx context.Context, job core.JobRef) ([]TimedState, error)
	// TestNames names test keys; TestKey finds one's key (core.ErrNotFound: never seen).
	TestNames(ctx context.Context, keys []int64) (map[int64]core.TestID, error)
	TestKey(ctx context.Context, id core.TestID) (int64, error)
	// TestHistory is the state of test key in every job of module, by number.
	TestHistory(ctx context.Context, module core.ModuleRef, key int64) ([]JobTestState, error)

	// JobsWithDiffs and SetDiffCounts keep each job's regressions and fixed counts
	// against its base, for trends.
	JobsWithDiffs(ctx context.Context, module core.ModuleRef) ([]core.Job, []DiffCounts, error)
	SetDiffCounts(ctx context.Context, job core.JobRef, base *core.JobRef, regressions, fixed int64, knownSet string) error

	// Known issues of a module (or of all, module nil), oldest first. AddKnownIssue
	// gives k its ID, and its When unless set.
	KnownIssues(ctx context.Context, module *core.ModuleRef) ([]core.KnownIssue, error)
	AddKnownIssue(ctx context.Context, k core.KnownIssue) (core.KnownIssue, error)
	RemoveKnownIssue(ctx context.Context, id int64) (core.KnownIssue, error)

	// Commits are those that entered with the jobs of module numbered in (after, upTo],
	// newest job first; PreviousRevision the last revision below number; ModuleRepo the
	// git clone remembered for a module.
	Commits(ctx context.Context, module core.ModuleRef, after, upTo int64) ([]JobCommits, error)
	PreviousRevision(ctx context.Context, module core.ModuleRef, number int64) (string, error)
	ModuleRepo(ctx context.Context, module core.ModuleRef) (string, error)
	SetModuleRepo(ctx context.Context, module core.ModuleRef, repo string) error

	// Version changes whenever something is committed to the history, by this process
	// or another (a job imported or replaced, a known issue added or removed), and
	// stays the same while nothing is. It is cheap, for asking every second or two;
	// compare only values of one open store.
	Version(ctx context.Context) (string, error)

	// IntegrityCheck lists what is damaged (nil: sound); Info describes the storage
	// with the largest jobs.
	IntegrityCheck(ctx context.Context) ([]string, error)
	Info(ctx context.Context, largest int) (FileInfo, error)
}

// StateReader reads one job's test states in key order. Next's ok is false at the end
// or on an error (see Err). The caller must Close it.
type StateReader interface {
	Next() (TestState, bool)
	Err() error
	Close() error
}

// TestState is one test identity's state in one job: its worst status over the job's
// occurrences, whether any carried a flaky mark, and which occurrence decided it.
type TestState struct {
	Key    int64 // the test's key; TestNames turns keys into identities
	Status core.Status
	// Flaky: some occurrence carried a Surefire flaky mark.
	Flaky bool
	// Seq is the position in the job of the occurrence that decided Status.
	Seq uint32
}

// TimedState is a test's state in a job with the duration of the occurrence that
// decided it.
type TimedState struct {
	TestState
	Duration float64 // seconds
}

// ResultRow is one result as the results table shows it.
type ResultRow struct {
	Seq      uint32 // the result's position in its job, for ResultDetail
	Test     core.TestID
	Status   core.Status
	Flaky    bool
	Duration float64
	Message  string
}

// ResultOrder is how ResultIDs sorts.
type ResultOrder int

const (
	ByReport ResultOrder = iota
	ByName
	ByStatus // worst first
	ByDuration
)

// ResultFilter narrows ResultIDs: Name is a case-insensitive substring of
// "CLASSNAME::NAME"; Statuses, when not empty, the statuses kept.
type ResultFilter struct {
	Name     string
	Statuses []core.Status
}

// RunInfo is what a result row adds to a test's state: its duration and message.
type RunInfo struct {
	Duration float64
	Message  string
}

// JobTestState is one test's state in one job of a module, for its history.
type JobTestState struct {
	Job     core.Job
	State   TestState
	Present bool // the job ran the test
	RunInfo      // of the occurrence that decided the state, when present
}

// DiffCounts are a job's stored regressions and fixed counts against its base.
type DiffCounts struct {
	Regressions, Fixed int64
	// Current: computed against the job's present base (false when never computed, or
	// when a job imported or replaced since changed the base).
	Current bool
	// KnownSet names the known issues left out of Regressions (see SetDiffCounts).
	KnownSet string
}

// JobCommits are the commits that entered with one job.
type JobCommits struct {
	Job     core.JobRef
	Commits []core.Commit // newest first
}

// ImportFailure is an import that failed or was cancelled.
type ImportFailure struct {
	At     time.Time
	Job    string
	Source string
	Error  string
}

// FileInfo is what the database looks like on disk and to SQLite.
type FileInfo struct {
	Path          string
	Bytes         int64 // the database file
	WALBytes      int64 // its write-ahead log
	JournalMode   string
	PageSize      int64
	PageCount     int64
	FreelistCount int64
	SchemaVersion int
	// Integrity lists what integrity_check found; empty when the file is sound.
	Integrity []string
	Largest   []core.Job // the jobs with the most results
}

// DefaultPath is the database the desktop app and the command line use when none is
// given: $REGTRACKER_DB if set, else regtracker.db in the user's data directory
// ($XDG_DATA_HOME/regtracker, ~/.local/share/regtracker on Linux, %LOCALAPPDATA%\regtracker
// on Windows).
func DefaultPath() (string, error) {
	if p := os.Getenv("REGTRACKER_DB"); p != "" {
		return p, nil
	}
	dir, err := dataDir()
	if err != nil {
		return "", fmt.Errorf("finding the user's data directory: %w", err)
	}
	return filepath.Join(dir, "regtracker", "regtracker.db"), nil
}

func dataDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		// %LOCALAPPDATA%: this machine's part of the profile, not the roaming part
		// that a domain copies at every logon.
		return os.UserCacheDir()
	case "darwin", "ios", "plan9":
		return os.UserConfigDir()
	}
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share"), nil
}

// SplitError says that the database's write-ahead log or shared-memory file was removed
// or replaced under this process while it had the database open: another process and
// this one no longer share one log, so this process refuses to write (its commits would
// be lost when it closes). It happens when something in the process other than SQLite
// opened and closed the database file, which releases the process's locks on it.
type SplitError struct {
	Path    string // the database file
	File    string // "write-ahead log" or "shared-memory file"
	Removed bool   // removed, rather than replaced by another file
}

func (e *SplitError) Error() string {
	how := "replaced"
	if e.Removed {
		how = "removed"
	}
	return fmt.Sprintf("the %s of %s was %s by another program while this one had it open: "+
		"to keep what is committed, nothing more is written from here; close this program and start it again", e.File, e.Path, how)
}

// companions are the files SQLite keeps beside a database file.
var companions = []string{"", "-wal", "-shm", "-journal"}

// IsDatabaseFile reports whether path is the SQLite database file db or one of the files
// SQLite keeps beside it (its write-ahead log, shared memory, rollback journal), by name
// or as the same file reached another way. Nothing but SQLite may open those in a
// process that has the database open: closing any descriptor of a file releases the
// process's locks on it (DESIGN.md, "The database's files"). To ask about many paths,
// use DatabaseFiles once.
func IsDatabaseFile(db, path string) bool { return DatabaseFiles(db)(path) }

// DatabaseFiles is IsDatabaseFile for one database, asked about many paths (a folder's
// files, a dialog's listing): the database's own names and files are read once.
func DatabaseFiles(db string) func(path string) bool {
	if db == "" {
		return func(string) bool { return false }
	}
	abs, err := filepath.Abs(db)
	if err != nil {
		return func(string) bool { return false }
	}
	type companion struct {
		name string
		info os.FileInfo // nil when it does not exist now
	}
	files := make([]companion, len(companions))
	for i, suffix := range companions {
		files[i].name = abs + suffix
		files[i].info, _ = os.Stat(files[i].name)
	}
	return func(path string) bool {
		p, err := filepath.Abs(path)
		if err != nil {
			return false
		}
		for _, f := range files {
			if p == f.name {
				return true
			}
		}
		info, err := os.Stat(p)
		if err != nil {
			return false
		}
		for _, f := range files {
			if f.info != nil && os.SameFile(info, f.info) {
				return true
			}
		}
		return false
	}
}
