package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regtracker/regtracker/ui/xvfbtest"
)

// The real app under Xvfb, started on an empty preferences file: a second launch on the same database hands its report to the
// running window and exits at once, saying so, instead of opening a second window on
// the file; the running window logs it (and opens the report in its import dialog).
func TestSecondLaunchHandsItsReportsOver(t *testing.T) {
	xvfbtest.Start(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "regtracker")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building the app: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "data", "regtracker.db")
	env := append(os.Environ(), "XDG_RUNTIME_DIR="+filepath.Join(dir, "run"), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"REGTRACKER_LOG_LEVEL=info")
	// A preferences file left empty by a kill: the app starts without Fyne's load error.
	prefs := filepath.Join(dir, "config", "fyne", appID, "preferences.json")
	os.MkdirAll(filepath.Dir(prefs), 0o700)
	os.WriteFile(prefs, nil, 0o600)
	first := exec.Command(bin, "--db", db, "--native-dialogs=false")
	first.Env = env
	firstOut := &syncBuffer{}
	first.Stdout, first.Stderr = firstOut, firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		first.Process.Signal(os.Interrupt)
		first.Wait()
	}()
	if _, ok := xvfbtest.Poll(60*time.Second, func() string { return xvfbtest.Search("^regtracker$") }); !ok {
		t.Fatalf("the first window did not appear: %s", firstOut.String())
	}

	if strings.Contains(firstOut.String(), "Preferences load error") {
		t.Errorf("the app started with Fyne's preferences error: %s", firstOut.String())
	}

	report := filepath.Join(dir, "other.xml")
	os.WriteFile(report, []byte(`<testsuite name="s"><testcase classname="a" name="b"/></testsuite>`), 0o644)
	second := exec.Command(bin, "--db", db, "other.xml")
	second.Dir, second.Env = dir, env
	start := time.Now()
	out, err := second.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "1 report(s) handed to that window") {
		t.Fatalf("second launch: %v\n%s", err, out)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the second launch took %v to hand over", took)
	}
	for _, id := range strings.Fields(xvfbtest.Search("^regtracker$")) {
		pid, _ := exec.Command("xdotool", "getwindowpid", id).Output()
		if p := strings.TrimSpace(string(pid)); p != "" && p != strconv.Itoa(first.Process.Pid) {
			t.Errorf("window %s belongs to process %s, not to the first app (%d)", id, p, first.Process.Pid)
		}
	}
	log := filepath.Join(filepath.Dir(db), "regtracker.log")
	if _, ok := xvfbtest.Poll(10*time.Second, func() string {
		b, _ := os.ReadFile(log)
		if strings.Contains(string(b), "a later launch handed its reports") {
			return "yes"
		}
		return ""
	}); !ok {
		b, _ := os.ReadFile(log)
		t.Errorf("the running window did not log the hand-over: %s", b)
	}
}

// syncBuffer is a buffer a process writes into while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
