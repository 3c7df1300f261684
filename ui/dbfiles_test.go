package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store/sqlite"
	"github.com/regtracker/regtracker/core/store/sqlite/sqlitetest"
	"github.com/regtracker/regtracker/core/store/storetest"
)

// Fyne's file dialog, listing the database's folder, asks each file's type (MimeType
// reads a file whose extension it does not know) and whether it can be read or written
// (both open it). In the app's process that released SQLite's locks, and a second
// process's close then removed the log under the app (issue 25). With the guard, Fyne
// opens none of the database's files, the other process's job is seen, nothing is
// removed; without it, the same calls reproduce the split.
func TestFyneFileCallsLeaveTheStoreShared(t *testing.T) {
	for _, guarded := range []bool{true, false} {
		name := map[bool]string{true: "guarded", false: "unguarded (the cause)"}[guarded]
		t.Run(name, func(t *testing.T) {
			test.NewTempApp(t) // registers Fyne's file repository
			path := filepath.Join(t.TempDir(), "regtracker.db")
			s, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			storetest.WriteJob(t, s, core.JobRef{ModuleRef: core.ModuleRef{Release: "6.4", Module: "dns"}, Number: 30}, core.WriteOptions{}, storetest.Sample)
			if guarded {
				if err := KeepOutOfDatabaseFiles(path); err != nil {
					t.Fatal(err)
				}
			}
			for _, suffix := range []string{"", "-wal", "-shm"} {
				u := storage.NewFileURI(path + suffix)
				u.MimeType()
				storage.CanRead(u)
				storage.CanWrite(u)
				if r, err := storage.Reader(u); err == nil {
					r.Close()
				} else if !guarded {
					t.Fatal(err)
				}
			}
			sqlitetest.ImportInChild(t, path, "7.0/vpn/101")
			deleted, split := sqlitetest.Deleted(path), s.Split()
			if !guarded {
				if len(deleted) == 0 || split == nil {
					t.Errorf("the cause did not reproduce: deleted %q, split %v", deleted, split)
				}
				return // a split store is left open (see sqlstore.Guard)
			}
			defer s.Close()
			if len(deleted) > 0 || split != nil {
				t.Fatalf("removed under the store: %q; %v", deleted, split)
			}
			if _, err := s.Job(ctx, core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 101}); err != nil {
				t.Error(err)
			}
		})
	}
}

// The guard leaves every other file to Fyne.
func TestFyneFileGuardKeepsOtherFiles(t *testing.T) {
	test.NewTempApp(t)
	dir := t.TempDir()
	if err := KeepOutOfDatabaseFiles(filepath.Join(dir, "regtracker.db")); err != nil {
		t.Fatal(err)
	}
	report := storage.NewFileURI(filepath.Join(dir, "report.xml"))
	w, err := storage.Writer(report)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("<testsuite/>"))
	w.Close()
	if ok, _ := storage.CanRead(report); !ok {
		t.Error("a report is not readable through the guard")
	}
	list, err := storage.List(storage.NewFileURI(dir))
	if err != nil || len(list) != 1 {
		t.Errorf("listing: %v %v", list, err)
	}
	if _, err := storage.Writer(storage.NewFileURI(filepath.Join(dir, "regtracker.db-wal"))); err == nil {
		t.Error("the guard let Fyne write the database's log")
	}
}
