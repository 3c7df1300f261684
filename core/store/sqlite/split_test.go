package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/sqlite"
	"github.com/regtracker/regtracker/core/store/sqlite/sqlitetest"
	"github.com/regtracker/regtracker/core/store/storetest"
)

// The mechanism behind issue 25, reproduced: descriptors of the database's files opened
// and closed in the store's process (as GTK's and Fyne's file dialogs do to sniff a
// file's type) release the process's locks; another process then believes it is the
// last user and removes the log and the shared memory at its close. The store must
// notice, refuse to write, say so in its integrity check, and lose nothing that either
// process committed.
func TestLogRemovedUnderTheStoreIsNoticed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "regtracker.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	vpn := core.ModuleRef{Release: "6.4", Module: "dns"}
	storetest.WriteJob(t, s, core.JobRef{ModuleRef: vpn, Number: 30}, core.WriteOptions{}, storetest.Sample)

	// Control: with the locks held, a second process's import and close keep the log.
	sqlitetest.ImportInChild(t, path, "7.0/vpn/101")
	if err := s.Split(); err != nil {
		t.Fatalf("a second process's close split the store whose locks were held: %v", err)
	}
	if got := sqlitetest.Deleted(path); len(got) > 0 {
		t.Fatalf("removed under the store with its locks held: %q", got)
	}
	if _, err := s.Job(ctx, core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 101}); err != nil {
		t.Fatalf("the second process's job is not seen: %v", err)
	}

	// What GTK's file chooser does to each file of a folder it shows (strace: openat
	// O_RDONLY|O_NOATIME, read, close), and Fyne's dialog to files of unknown types:
	// every POSIX lock of this process on the database and its shared memory is gone.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		f, err := os.Open(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		f.Read(make([]byte, 4096))
		f.Close()
	}
	sqlitetest.ImportInChild(t, path, "7.0/vpn/102")
	if got := sqlitetest.Deleted(path); len(got) == 0 {
		t.Skip("the second process's close did not remove the log here: the mechanism this test guards against did not happen")
	}

	var split *store.SplitError
	if _, err := s.Version(ctx); !errors.As(err, &split) {
		t.Errorf("Version after the split: %v, want a SplitError", err)
	}
	if _, err := s.BeginJob(ctx, core.JobRef{ModuleRef: vpn, Number: 31}, core.WriteOptions{}); !errors.As(err, &split) {
		t.Fatalf("BeginJob after the split: %v, want a SplitError", err)
	}
	if !strings.Contains(split.Error(), "write-ahead log") || !strings.Contains(split.Error(), path) {
		t.Errorf("the error does not say what happened: %v", split)
	}
	if problems, _ := s.IntegrityCheck(ctx); len(problems) == 0 || !strings.Contains(problems[0], "removed") {
		t.Errorf("integrity check after the split: %q", problems)
	}
	s.Close()

	// Reopened by a new process (this one keeps the split files open, and SQLite would
	// share them with a new connection here): every job either process committed, and
	// its integrity check names this process as the one holding a removed log.
	got := strings.Split(sqlitetest.JobsInChild(t, path), "\n")
	if got[0] != "6.4/dns/30 7.0/vpn/101 7.0/vpn/102" {
		t.Errorf("jobs after reopening: %s", got[0])
	}
	if len(got) < 2 || !strings.Contains(got[1], fmt.Sprintf("process %d (", os.Getpid())) || !strings.Contains(got[1], "holds a removed") {
		t.Errorf("another process's integrity check: %q", got[1:])
	}
}

// A store's descriptors of its files stay bounded however long it is used: 200 rounds
// of 16 readers at once never hold more than those readers' connections need (a database
// and a log descriptor each, for them, the kept and the polling connection, and one
// shared-memory descriptor).
func TestDescriptorsBounded(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "regtracker.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ref := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 1}
	storetest.WriteJob(t, s, ref, core.WriteOptions{}, storetest.Sample)
	const readers = 16
	bound := 2*(readers+2) + 1
	for round := 0; round < 200; round++ {
		done := make(chan error, readers)
		for range readers {
			go func() {
				_, err := storetest.Results(ctx, s, ref)
				done <- err
			}()
		}
		for range readers {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		fds, ok := sqlitetest.Descriptors(path)
		if !ok {
			t.Skip("no /proc/self/fd here")
		}
		if len(fds) > bound {
			t.Fatalf("round %d: %d descriptors of the database's files, more than %d", round, len(fds), bound)
		}
	}
}
