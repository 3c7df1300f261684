package sqlite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/regtracker/regtracker/core/store"
)

// watchable: the split logWatch guards against comes from POSIX advisory locks. On
// Windows SQLite locks with LockFileEx, per handle, and an open file cannot be removed,
// so there is nothing to watch (and Windows' file identities, read through os.SameFile,
// open the files).
const watchable = runtime.GOOS != "windows"

// logWatch notices when the write-ahead log or the shared-memory file that this
// process's SQLite opened is no longer the file at its path.
//
// That happens when this process lost its POSIX locks on the database (any descriptor
// of the file closed in the process releases them all: a file dialog sniffing the file's
// type did it) and another process, believing itself the last user, checkpointed and
// removed both files at its close. From then on the two processes write to different
// logs, and whatever this process commits is lost when it closes. The watch is a second
// line of defence: the first is that nothing in our processes opens the database's files
// but SQLite (DESIGN.md, "The database's files").
//
// The identities are taken once the store holds a connection that it keeps for its whole
// life, so the files cannot be removed legitimately while the store is open.
type logWatch struct {
	path string

	mu       sync.Mutex
	wal, shm os.FileInfo
	broken   error // sticky: once split, the store stays refused
}

// arm records the files' identities; the store's kept connection has them open.
func (w *logWatch) arm() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var err error
	if w.wal, err = os.Stat(w.path + "-wal"); err != nil {
		return fmt.Errorf("the database's write-ahead log: %w", err)
	}
	if w.shm, err = os.Stat(w.path + "-shm"); err != nil {
		return fmt.Errorf("the database's shared-memory file: %w", err)
	}
	return nil
}

// check says whether the files at the paths are still the ones this process opened.
// Two stats: cheap enough for every write transaction and every change poll.
func (w *logWatch) check() error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.broken != nil || w.wal == nil {
		return w.broken
	}
	for _, f := range []struct {
		suffix, what string
		opened       os.FileInfo
	}{{"-wal", "write-ahead log", w.wal}, {"-shm", "shared-memory file", w.shm}} {
		now, err := os.Stat(w.path + f.suffix)
		switch {
		case errors.Is(err, os.ErrNotExist):
			w.broken = &store.SplitError{Path: w.path, File: f.what, Removed: true}
		case err != nil:
			continue // unreadable for a moment: not evidence of a split
		case !os.SameFile(now, f.opened):
			w.broken = &store.SplitError{Path: w.path, File: f.what}
		}
		if w.broken != nil {
			return w.broken
		}
	}
	return nil
}

// strandedLogs lists the processes (of those this user may look at, through Linux's
// /proc) that hold a removed write-ahead log or shared-memory file of the database at
// path: processes split from the file as logWatch describes, whose commits since the
// split are lost when they close. Elsewhere, or without /proc, it finds none.
func strandedLogs(path string) []string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil
	}
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		fdDir := filepath.Join("/proc", p.Name(), "fd")
		fds, err := os.ReadDir(fdDir)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			target, err := os.Readlink(filepath.Join(fdDir, fd.Name()))
			if err != nil || !strings.HasSuffix(target, " (deleted)") {
				continue
			}
			name := strings.TrimSuffix(target, " (deleted)")
			if name != abs+"-wal" && name != abs+"-shm" {
				continue
			}
			comm, _ := os.ReadFile(filepath.Join("/proc", p.Name(), "comm"))
			who := "this process"
			if pid != os.Getpid() {
				who = fmt.Sprintf("process %d (%s)", pid, strings.TrimSpace(string(comm)))
			}
			out = append(out, fmt.Sprintf("%s holds a removed %s of this database: what it commits is lost when it closes; close it and start it again",
				who, filepath.Base(name)))
			break
		}
	}
	return out
}
