// Package xvfbtest gives tests that look at real windows an X server of their own (Xvfb
// on a free display) and the waits they need around it: for a window to appear, through
// xdotool. Tests that need a display skip, saying why, when Xvfb is missing, unless
// $REGTRACKER_REQUIRE_DISPLAY is set (make test sets it, having installed Xvfb).
package xvfbtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Require skips t when Xvfb or xdotool is missing, or fails it when
// $REGTRACKER_REQUIRE_DISPLAY is set.
func Require(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("REGTRACKER_REQUIRE_DISPLAY") != "" {
				t.Fatalf("%s is not installed (make deps deps-test installs it)", tool)
			}
			t.Skipf("%s is not installed: this test shows a real window (make deps deps-test installs it)", tool)
		}
	}
}

// Start starts an X server on a free display, sets $DISPLAY to it for the test, and
// returns its name and a function saying whether the server still runs and what it
// printed, for a failure's message. The server is stopped when the test ends.
//
// -noreset, and the read end of -displayfd's pipe kept open: when its last client
// disconnected (an xdotool search before a window was up), Xvfb reset and wrote its
// display number again; with the pipe closed that write failed and Xvfb exited ("Cannot
// write display number to fd 3"), so that the windows under test never appeared.
func Start(t *testing.T) (display string, state func() string) {
	t.Helper()
	Require(t)
	r, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(t.TempDir(), "xvfb.log"))
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-noreset", "-screen", "0", "1400x900x24", "-nolisten", "tcp")
	x.ExtraFiles, x.Stdout, x.Stderr = []*os.File{wr}, log, log
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	wr.Close()
	done := make(chan struct{})
	var exitErr error
	go func() { exitErr = x.Wait(); log.Close(); r.Close(); close(done) }()
	state = func() string {
		printed, _ := os.ReadFile(log.Name())
		select {
		case <-done:
			return fmt.Sprintf("Xvfb exited (%v); it printed: %s", exitErr, printed)
		default:
			return fmt.Sprintf("Xvfb runs; it printed: %s", printed)
		}
	}
	t.Cleanup(func() {
		// SIGTERM, not SIGKILL: Xvfb then removes its lock file and socket.
		x.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			x.Process.Kill()
			<-done
		}
	})
	buf := make([]byte, 16)
	r.SetReadDeadline(time.Now().Add(30 * time.Second))
	n, err := r.Read(buf)
	if err != nil || n == 0 {
		t.Fatalf("Xvfb did not say its display: %v; %s", err, state())
	}
	display = ":" + strings.TrimSpace(string(buf[:n]))
	t.Setenv("DISPLAY", display)
	return display, state
}

// Poll calls f every quarter of a second until it says something or the limit passes.
func Poll(limit time.Duration, f func() string) (string, bool) {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if s := f(); s != "" {
			return s, true
		}
	}
	return "", false
}

// Search returns the ids of the windows whose names match the pattern, if any.
func Search(pattern string) string {
	out, _ := exec.Command("xdotool", "search", "--name", pattern).Output()
	return strings.TrimSpace(string(out))
}
