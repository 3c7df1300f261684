package gitlog

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// repo makes a clone with a side branch merged: main: A, B, merge(M) of side (S1, S2).
func repo(t *testing.T) (dir string, revs map[string]string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir = t.TempDir()
	revs = map[string]string{}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ann", "GIT_AUTHOR_EMAIL=ann@example.com", "GIT_COMMITTER_NAME=Ann",
			"GIT_COMMITTER_EMAIL=ann@example.com", "GIT_AUTHOR_DATE=2026-12-01T10:00:00Z", "GIT_COMMITTER_DATE=2026-12-01T10:00:00Z")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	commit := func(name, path, msg string) {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(path)), 0o755)
		os.WriteFile(filepath.Join(dir, path), []byte(msg), 0o644)
		run("add", path)
		run("commit", "-q", "-m", msg)
		revs[name] = run("rev-parse", "HEAD")
	}
	run("init", "-q", "-b", "main")
	commit("A", "README", "first")
	commit("B", "src/vpn/tunnel.go", "tunnel: rekey sooner")
	run("checkout", "-q", "-b", "side")
	commit("S1", "src/ike/ike.go", "ike: new cipher\n\nwith a body")
	commit("S2", "docs/ike.md", "docs")
	run("checkout", "-q", "main")
	run("merge", "-q", "--no-ff", "-m", "merge side", "side")
	revs["M"] = run("rev-parse", "HEAD")
	return dir, revs
}

func TestLog(t *testing.T) {
	dir, revs := repo(t)
	ctx := context.Background()
	got, err := Log(ctx, dir, revs["A"], revs["M"])
	if err != nil {
		t.Fatal(err)
	}
	var ids, msgs []string
	for _, c := range got {
		ids = append(ids, c.ID)
		msgs = append(msgs, c.Message)
	}
	// git log's order: newest first; the merge, then its parents' commits by date.
	want := map[string]bool{revs["M"]: true, revs["B"]: true, revs["S1"]: true, revs["S2"]: true}
	if len(got) != 4 || ids[0] != revs["M"] {
		t.Fatalf("commits %v", msgs)
	}
	for _, id := range ids {
		if !want[id] {
			t.Errorf("commit %s is not in A..M", id)
		}
	}
	for _, c := range got {
		if c.ID == revs["S1"] && (c.Message != "ike: new cipher\n\nwith a body" || !reflect.DeepEqual(c.Paths, []string{"src/ike/ike.go"}) || c.Author != "Ann" || c.Time.IsZero()) {
			t.Errorf("S1: %+v", c)
		}
	}
	if full, err := Resolve(ctx, dir, revs["B"][:8]); err != nil || full != revs["B"] {
		t.Errorf("Resolve: %q %v", full, err)
	}
	if _, err := Resolve(ctx, dir, "no-such-rev"); err == nil || !strings.Contains(err.Error(), "no-such-rev") {
		t.Errorf("a revision that is not there: %v", err)
	}
	if _, err := Log(ctx, t.TempDir(), "a", "b"); err == nil {
		t.Error("a directory that is not a clone gave commits")
	}
}
