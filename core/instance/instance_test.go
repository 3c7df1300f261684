package instance

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSecondLaunchHandsOver(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(t.TempDir(), "regtracker.db")
	first, err := Claim(dir, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan Message, 1)
	go first.Serve(func(m Message) { got <- m })
	defer first.Close()

	wd, _ := os.Getwd()
	_, err = Claim(dir, db, []string{"other.xml", "/abs/report.xml"})
	if !errors.Is(err, ErrHandedOver) {
		t.Fatalf("second launch: %v, want ErrHandedOver", err)
	}
	select {
	case m := <-got:
		want := []string{filepath.Join(wd, "other.xml"), "/abs/report.xml"}
		if !reflect.DeepEqual(m.Paths, want) || m.PID != os.Getpid() {
			t.Errorf("message %+v, want paths %q", m, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the running instance got nothing")
	}

	// The same file named another way is the same database; another file is not.
	if _, err := Claim(dir, filepath.Join(filepath.Dir(db), ".", "regtracker.db"), nil); !errors.Is(err, ErrHandedOver) {
		t.Errorf("same database by another name: %v", err)
	}
	other, err := Claim(dir, filepath.Join(t.TempDir(), "other.db"), nil)
	if err != nil {
		t.Fatalf("another database: %v", err)
	}
	other.Close()
}

func TestSocketOfADeadInstanceIsTakenOver(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(t.TempDir(), "regtracker.db")
	ln, err := net.Listen("unix", socketPath(dir, db))
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close() // as a killed instance leaves it: the file, nobody listening
	if _, err := os.Stat(socketPath(dir, db)); err != nil {
		t.Fatal(err)
	}
	in, err := Claim(dir, db, nil)
	if err != nil {
		t.Fatalf("after a dead instance: %v", err)
	}
	in.Close()
	if _, err := os.Stat(socketPath(dir, db)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket is left after Close: %v", err)
	}
	if _, err := Claim(dir, db, nil); err != nil {
		t.Errorf("after a clean close: %v", err)
	}
}

func TestAnInstanceThatDoesNotAnswerIsNamed(t *testing.T) {
	defer func(d time.Duration) { replyTimeout = d }(replyTimeout)
	replyTimeout = 200 * time.Millisecond
	dir := t.TempDir()
	db := filepath.Join(t.TempDir(), "regtracker.db")
	ln, err := net.Listen("unix", socketPath(dir, db))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accepts, never answers
		}
	}()
	_, err = Claim(dir, db, []string{"a.xml"})
	if err == nil || errors.Is(err, ErrHandedOver) || !strings.Contains(err.Error(), "does not answer") {
		t.Errorf("got %v", err)
	}
}

func TestSocketFolderIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	in, err := Claim(dir, "x.db", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("folder %v %v", fi.Mode(), err)
	}
}
