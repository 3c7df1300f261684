package osdialog

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store/sqlite"
	"github.com/regtracker/regtracker/core/store/sqlite/sqlitetest"
	"github.com/regtracker/regtracker/core/store/storetest"
	"github.com/regtracker/regtracker/ui/xvfbtest"
)

func TestMain(m *testing.M) {
	ServeIfChild() // this test binary is the dialog's child process too
	os.Exit(m.Run())
}

// sniffWatch reports, from inotify, each file of dir that some process opened read-only
// and closed: what a file dialog does to guess a file's type, and what SQLite never does
// (it opens the database's files read-write).
func sniffWatch(t *testing.T, dir string) <-chan string {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_CLOSE_NOWRITE); err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), "inotify")
	t.Cleanup(func() { f.Close() })
	names := make(chan string, 64)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := f.Read(buf)
			if err != nil {
				return
			}
			for off := 0; off+syscall.SizeofInotifyEvent <= n; {
				ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
				name := strings.TrimRight(string(buf[off+syscall.SizeofInotifyEvent:off+syscall.SizeofInotifyEvent+int(ev.Len)]), "\x00")
				off += syscall.SizeofInotifyEvent + int(ev.Len)
				select {
				case names <- name:
				default:
				}
			}
		}
	}()
	return names
}

// waitSniffed waits until the dialog has read the database's log and shared memory.
func waitSniffed(t *testing.T, names <-chan string, state func() string) {
	t.Helper()
	want := map[string]bool{"regtracker.db-wal": true, "regtracker.db-shm": true}
	deadline := time.After(90 * time.Second)
	for len(want) > 0 {
		select {
		case n := <-names:
			delete(want, n)
		case <-deadline:
			t.Fatalf("the dialog did not read %v within 90 s; windows: %q; %s", want, xvfbtest.Search("."), state())
		}
	}
}

// closeDialog presses Escape in the dialog titled title.
func closeDialog(t *testing.T, title string) {
	t.Helper()
	id, ok := xvfbtest.Poll(30*time.Second, func() string { return xvfbtest.Search("^" + title + "$") })
	if !ok {
		t.Fatalf("no window titled %q; windows: %q", title, xvfbtest.Search("."))
	}
	id = strings.Fields(id)[0]
	// Focus, then a real key press (XTEST): GTK ignores keys sent to a window directly.
	if out, err := exec.Command("xdotool", "windowfocus", "--sync", id, "key", "Escape").CombinedOutput(); err != nil {
		t.Fatalf("xdotool: %v %s", err, out)
	}
}

// The sequence of issue 25, headless, with GTK's real file chooser showing the folder
// that holds the database while a second process imports a job and closes the
// database. In a child process (how the app shows it), the dialog reads the database's
// files in its own process: the app's store keeps its locks, both sides see both jobs,
// and nothing is removed under it.
func TestSystemDialogLeavesTheStoreShared(t *testing.T) {
	_, state := xvfbtest.Start(t)
	s, path := dialogScenario(t, state, func(req Request) error {
		_, err := Show(context.Background(), req)
		return err
	})
	defer s.Close()
	if deleted, split := sqlitetest.Deleted(path), s.Split(); len(deleted) > 0 || split != nil {
		t.Fatalf("files removed under the store: %q; %v", deleted, split)
	}
	ctx := context.Background()
	if _, err := s.Job(ctx, core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 101}); err != nil {
		t.Errorf("the store does not see the other process's job: %v", err)
	}
	storetest.WriteJob(t, s, core.JobRef{ModuleRef: core.ModuleRef{Release: "6.4", Module: "dns"}, Number: 31}, core.WriteOptions{}, storetest.Sample)
	if got := sqlitetest.JobsInChild(t, path); got != "6.4/dns/30 6.4/dns/31 7.0/vpn/101" {
		t.Errorf("another process sees %q", got)
	}
}

// controlEnv runs TestSystemDialogInTheStoresProcessIsTheCause's own process: GTK
// initializes when the program starts, so the dialog in the test's process needs the
// display set before then.
const controlEnv = "REGTRACKER_OSDIALOG_CONTROL"

// The same dialog in the store's own process, as the app showed it before, is the cause:
// the store finds its log removed (and refuses to write, see core/store/sqlite).
func TestSystemDialogInTheStoresProcessIsTheCause(t *testing.T) {
	if os.Getenv(controlEnv) == "" {
		xvfbtest.Start(t)
		cmd := exec.Command(os.Args[0], "-test.run=^TestSystemDialogInTheStoresProcessIsTheCause$", "-test.v")
		cmd.Env = append(os.Environ(), controlEnv+"=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return
	}
	s, path := dialogScenario(t, func() string { return "" }, func(req Request) error {
		runtime.LockOSThread() // GTK answers on the thread it runs on
		_, err := show(req)
		return err
	})
	// s stays open: closing a split store would be unsafe (see sqlstore.Guard).
	if deleted, split := sqlitetest.Deleted(path), s.Split(); len(deleted) == 0 || split == nil {
		t.Fatalf("the cause did not reproduce: deleted %q, split %v", deleted, split)
	}
}

// dialogScenario opens a store holding job 6.4/dns/30, shows an Open dialog on its
// folder with showDialog, waits until the dialog has read the database's files, imports
// 7.0/vpn/101 from a second process, and closes the dialog with Escape.
func dialogScenario(t *testing.T, state func() string, showDialog func(Request) error) (*sqlite.Store, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "regtracker.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.WriteJob(t, s, core.JobRef{ModuleRef: core.ModuleRef{Release: "6.4", Module: "dns"}, Number: 30}, core.WriteOptions{}, storetest.Sample)
	sniffed := sniffWatch(t, dir)

	req := Request{Kind: Open, Title: "Import JUnit reports", StartDir: dir}
	answered := make(chan error, 1)
	go func() { answered <- showDialog(req) }()
	waitSniffed(t, sniffed, state)
	sqlitetest.ImportInChild(t, path, "7.0/vpn/101")
	closeDialog(t, "Open File") // GTK's title: sqweek/dialog does not set req.Title on Linux
	select {
	case err := <-answered:
		if !errors.Is(err, ErrCancelled) && errString(err) != "Cancelled" {
			t.Errorf("the dialog answered %v, want cancelled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the dialog did not close on Escape")
	}
	return s, path
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
