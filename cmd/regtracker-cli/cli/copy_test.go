package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regtracker/regtracker/core/store/postgres/pgtest"
)

// TestCopyCommand: pytest's two runs and a known issue copy into a new file, whose
// regressions read the same; a second copy skips them.
func TestCopyCommand(t *testing.T) {
	from := filepath.Join(t.TempDir(), "k.db")
	pytestRuns(t, from)
	if code, _, errOut := run(t, "known", "add", "--db", from, "7.0/py", "test_calc::test_sub", "--reason", "JIRA-7"); code != ExitOK {
		t.Fatal(errOut)
	}
	to := filepath.Join(t.TempDir(), "copy.db")
	code, out, errOut := run(t, "copy", "--from", from, "--to", to, "--json")
	if code != ExitOK {
		t.Fatal(errOut)
	}
	var sum struct {
		Jobs, Skipped, KnownIssues int
		Results                    int64
	}
	json.Unmarshal([]byte(out), &sum)
	var raw map[string]any
	json.Unmarshal([]byte(out), &raw)
	if sum.Jobs != 2 || sum.Results != 20 || raw["known_issues"] != 1.0 || raw["from"] == nil {
		t.Errorf("copy --json: %s", out)
	}
	_, a, _ := run(t, "regressions", "7.0/py/2", "--db", from, "--json")
	_, b, _ := run(t, "regressions", "7.0/py/2", "--db", to, "--json")
	if a != b {
		t.Errorf("regressions differ:\n%s\n%s", a, b)
	}
	if _, out, _ := run(t, "copy", "--from", from, "--to", to); out == "" || !strings.Contains(out, "copied 0 jobs") || !strings.Contains(out, "2 jobs were there already") {
		t.Errorf("a second copy: %s", out)
	}
	// Onto a team's server and back into a new file.
	server := pgtest.URL(t)
	if code, out, errOut := run(t, "copy", "--from", from, "--to", server); code != ExitOK || !strings.Contains(out, "copied 2 jobs") {
		t.Fatalf("copy onto the server: %s %s", out, errOut)
	}
	back := filepath.Join(t.TempDir(), "back.db")
	if code, _, errOut := run(t, "copy", "--from", server, "--to", back); code != ExitOK {
		t.Fatal(errOut)
	}
	for _, db := range []string{server, back} {
		if _, c, _ := run(t, "regressions", "7.0/py/2", "--db", db, "--json"); c != a {
			t.Errorf("regressions in %s differ:\n%s\n%s", db, a, c)
		}
	}
	if code, _, _ := run(t, "copy", "--from", from); code != ExitUsage {
		t.Errorf("copy without --to: exit %d", code)
	}
}
