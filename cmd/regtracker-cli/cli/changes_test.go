package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestChangesFromAGitClone: a clone with a merged side branch; job 1 built at A, job 2
// at the merge M. The regression of job 2 has git log A..M as its changes, those touching
// the test's package first; `changes` lists what entered with job 2; --repo is
// remembered for the module.
func TestChangesFromAGitClone(t *testing.T) { eachStore(t, testChangesFromAGitClone) }

func testChangesFromAGitClone(t *testing.T, db string) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	repo := filepath.Join(dir, "src")
	os.MkdirAll(repo, 0o755)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ann", "GIT_AUTHOR_EMAIL=a@x", "GIT_COMMITTER_NAME=Ann", "GIT_COMMITTER_EMAIL=a@x")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	commit := func(path, msg string) string {
		os.MkdirAll(filepath.Join(repo, filepath.Dir(path)), 0o755)
		os.WriteFile(filepath.Join(repo, path), []byte(msg), 0o644)
		git("add", path)
		git("commit", "-q", "-m", msg)
		return git("rev-parse", "HEAD")
	}
	git("init", "-q", "-b", "main")
	a := commit("README", "first")
	b := commit("src/vpn/tunnel/Tunnel.java", "tunnel: rekey sooner")
	git("checkout", "-q", "-b", "side")
	s1 := commit("src/vpn/ike/Ike.java", "ike: new cipher")
	commit("docs/ike.md", "docs")
	git("checkout", "-q", "main")
	git("merge", "-q", "--no-ff", "-m", "merge side", "side")
	m := git("rev-parse", "HEAD")
	wantLog := strings.Fields(git("log", "--format=%H", a+".."+m))

	report := func(n int, status string) string {
		p := filepath.Join(dir, "r"+strconv.Itoa(n)+".xml")
		body := `<testsuite name="s"><testcase classname="vpn.tunnel.TunnelTest" name="rekeys">` + status + `</testcase><testcase classname="vpn.T" name="other"/></testsuite>`
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	if code, _, errOut := run(t, "import", "--db", db, "--job", "7.0/vpn/1", "--revision", a[:8], "--repo", repo, report(1, "")); code != ExitOK {
		t.Fatal(errOut)
	}
	// The clone is remembered: job 2 names only its revision.
	if code, _, errOut := run(t, "import", "--db", db, "--job", "7.0/vpn/2", "--revision", "main", report(2, "<failure message=\"boom\"/>")); code != ExitOK {
		t.Fatal(errOut)
	}
	_, out, _ := run(t, "regressions", "7.0/vpn/2", "--db", db, "--json")
	var cmp struct {
		Regressions []changeJSON `json:"regressions"`
	}
	json.Unmarshal([]byte(out), &cmp)
	if len(cmp.Regressions) != 1 {
		t.Fatalf("regressions: %s", out)
	}
	r := cmp.Regressions[0]
	var ids []string
	for _, c := range *r.Changes {
		ids = append(ids, c.ID)
	}
	// Suspects first: b touches src/vpn/tunnel/; then the others in git log's order.
	var rest []string
	for _, id := range wantLog {
		if id != b {
			rest = append(rest, id)
		}
	}
	if want := append([]string{b}, rest...); !reflect.DeepEqual(ids, want) || r.Suspects != 1 {
		t.Errorf("changes %v (suspects %d), want %v", ids, r.Suspects, want)
	}
	if r.LastPassed == nil || *r.LastPassed != "7.0/vpn/1" || *r.FirstFailed != "7.0/vpn/2" {
		t.Errorf("last passed %v, first failed %v", r.LastPassed, r.FirstFailed)
	}
	for _, c := range *r.Changes {
		if c.ID == s1 && (c.Author != "Ann" || c.Message != "ike: new cipher" || !reflect.DeepEqual(c.Paths, []string{"src/vpn/ike/Ike.java"})) {
			t.Errorf("commit %+v", c)
		}
	}
	_, out, _ = run(t, "changes", "7.0/vpn/2", "--db", db, "--json")
	var ch struct {
		Revision string       `json:"revision"`
		Changes  []commitJSON `json:"changes"`
	}
	json.Unmarshal([]byte(out), &ch)
	if ch.Revision != m || len(ch.Changes) != len(wantLog) {
		t.Errorf("changes --json: %s", out)
	}
	if _, out, _ := run(t, "changes", "7.0/vpn/1", "--db", db); !strings.Contains(out, "0 commits") {
		t.Errorf("the first job: %s", out)
	}
	if _, out, _ := run(t, "regressions", "7.0/vpn/2", "--db", db); !strings.Contains(out, "FIRST SUSPECT") || !strings.Contains(out, b[:10]) {
		t.Errorf("text output:\n%s", out)
	}
}
