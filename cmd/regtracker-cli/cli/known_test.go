package cli

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestKnownIssuesAndGate: pytest's two runs (test_sub and TestParser::test_error
// regress); a known issue on test_sub takes it out of the gate's count and puts it under
// regressions --json's "known", and removing it counts it again.
func TestKnownIssuesAndGate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	runs := filepath.Join("..", "..", "..", "core", "junit", "testdata", "runners", "pytest")
	for n := 1; n <= 2; n++ {
		ref := "7.0/py/" + strconv.Itoa(n)
		if code, _, errOut := run(t, "import", "--db", db, "--job", ref, filepath.Join(runs, "run"+strconv.Itoa(n)+".xml")); code != ExitOK {
			t.Fatal(errOut)
		}
	}
	gate := func(wantCode int, wantOut string) {
		t.Helper()
		code, out, errOut := run(t, "gate", "7.0/py/2", "--db", db, "--max-regressions", "1", "--min-pass-rate", "70%")
		if code != wantCode || strings.Count(out, "\n") != 1 || !strings.Contains(out, wantOut) {
			t.Errorf("gate: exit %d, %q %q; want exit %d and %q", code, out, errOut, wantCode, wantOut)
		}
	}
	gate(ExitError, "gate failed: 7.0/py/2: 2 regressions against 7.0/py/1, more than the 1 allowed")

	code, out, errOut := run(t, "known", "add", "--db", db, "7.0/py", "test_calc::test_sub", "--reason", "JIRA-7 flaky lab",
		"--link", "https://jira.example.com/JIRA-7", "--expires", "2099-01-01", "--json")
	if code != ExitOK {
		t.Fatal(errOut)
	}
	if got := keysOf(t, []byte(out)); !reflect.DeepEqual(got, sorted("id", "module", "test", "reason", "link", "expires", "expired", "who", "when")) {
		t.Errorf("known add fields %v", got)
	}
	var added knownJSON
	json.Unmarshal([]byte(out), &added)
	gate(ExitOK, "gate passed: 7.0/py/2: 1 regressions against 7.0/py/1, pass rate 85.71% (1 known, not counted)")

	_, out, _ = run(t, "regressions", "7.0/py/2", "--db", db, "--json")
	var cmp struct {
		Regressions []changeJSON `json:"regressions"`
		Known       []changeJSON `json:"known"`
	}
	json.Unmarshal([]byte(out), &cmp)
	if len(cmp.Regressions) != 1 || cmp.Regressions[0].Name != "test_error" || len(cmp.Known) != 1 ||
		cmp.Known[0].Name != "test_sub" || cmp.Known[0].Known == nil || cmp.Known[0].Known.ID != added.ID ||
		cmp.Known[0].Expected != "1" || cmp.Known[0].Actual != "(2 - 2)" {
		t.Errorf("regressions --json: %s", out)
	}

	_, out, _ = run(t, "known", "list", "--db", db, "7.0/py", "--json")
	var list []knownJSON
	json.Unmarshal([]byte(out), &list)
	if len(list) != 1 || list[0].Test != "test_calc::test_sub" || list[0].Expired || list[0].Who == "" {
		t.Errorf("known list: %s", out)
	}
	if code, out, _ := run(t, "known", "remove", "--db", db, strconv.FormatInt(added.ID, 10)); code != ExitOK || !strings.Contains(out, "removed known issue") {
		t.Errorf("known remove: %d %s", code, out)
	}
	gate(ExitError, "gate failed")
	if code, _, _ := run(t, "known", "remove", "--db", db, strconv.FormatInt(added.ID, 10)); code != ExitError {
		t.Errorf("removing it twice: exit %d", code)
	}
	for _, args := range [][]string{
		{"known", "add", "--db", db, "7.0/py", "test_calc::test_sub"},                                       // no reason
		{"known", "add", "--db", db, "7.0/py", "test_calc::test_sub", "--reason", "r", "--expires", "soon"}, // bad date
		{"known", "add", "--db", db, "7.0/py", "--reason", "r"},                                             // no test
		{"gate", "7.0/py/2", "--db", db, "--min-pass-rate", "120"},
	} {
		if code, _, _ := run(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
}
