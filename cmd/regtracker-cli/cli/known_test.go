package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestKnownIssuesAndGate: pytest's two runs (test_sub and TestParser::test_error
// regress); a known issue on test_sub takes it out of the gate's count and puts it under
// regressions --json's "known", and removing it counts it again.
func TestKnownIssuesAndGate(t *testing.T) { eachStore(t, testKnownIssuesAndGate) }

func testKnownIssuesAndGate(t *testing.T, db string) {
	pytestRuns(t, db)
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
	gate(ExitOK, "gate passed: 7.0/py/2: 1 regression against 7.0/py/1, pass rate 85.71% (1 known, not counted)")

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

// The gate's pass rate in each accepted spelling, at its boundary, and the refusal of a
// fraction (0.99 read as 0.99 percent passed a job with a 1% pass rate).
func TestGatePassRateSpellings(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	pytestRuns(t, db)
	_, out, _ := run(t, "gate", "7.0/py/2", "--db", db)
	if !strings.Contains(out, "pass rate 75.00%") {
		t.Fatalf("the job's pass rate changed: %s", out)
	}
	for _, c := range []struct {
		rate string
		code int
		msg  string
	}{
		{"75", ExitOK, "gate passed"},
		{"75%", ExitOK, "gate passed"},
		{"75.0", ExitOK, "gate passed"},
		{"74.9%", ExitOK, "gate passed"},
		{"75.01", ExitError, "pass rate 75.00%, below the 75.01% required"},
		{"76%", ExitError, "below the 76.00% required"},
		{" 99.5 % ", ExitError, "below the 99.50% required"},
		{"0.5%", ExitOK, "gate passed"},
		{"0", ExitOK, "gate passed"},
		{"0.99", ExitUsage, `"0.99": the rate is in percent; did you mean 99%? (write 0.99% if you mean 0.99 percent)`},
		{"0.755", ExitUsage, "did you mean 75.5%?"},
		{"101", ExitUsage, "from 0 to 100"},
		{"ninety", ExitUsage, "from 0 to 100"},
	} {
		code, out, errOut := run(t, "gate", "7.0/py/2", "--db", db, "--min-pass-rate", c.rate)
		if code != c.code || !strings.Contains(out+errOut, c.msg) {
			t.Errorf("--min-pass-rate %q: exit %d, %q %q; want %d and %q", c.rate, code, out, errOut, c.code, c.msg)
		}
	}
}

// pytestRuns imports pytest's two runs of the runner fixtures into db as 7.0/py/1 and 2.
func pytestRuns(t *testing.T, db string) {
	t.Helper()
	runs := filepath.Join("..", "..", "..", "core", "junit", "testdata", "runners", "pytest")
	for n := 1; n <= 2; n++ {
		ref := "7.0/py/" + strconv.Itoa(n)
		if code, _, errOut := run(t, "import", "--db", db, "--job", ref, filepath.Join(runs, "run"+strconv.Itoa(n)+".xml")); code != ExitOK {
			t.Fatal(errOut)
		}
	}
}

// TestReportFormats: the three formats of a comparison with a known issue, and the HTML
// file in a real headless browser (Debian's chromium, when installed) shows the counts
// regressions --json gives.
func TestReportFormats(t *testing.T) { eachStore(t, testReportFormats) }

func testReportFormats(t *testing.T, db string) {
	pytestRuns(t, db)
	if code, _, errOut := run(t, "known", "add", "--db", db, "7.0/py", "test_calc::test_sub", "--reason", "JIRA-7"); code != ExitOK {
		t.Fatal(errOut)
	}
	code, md, errOut := run(t, "report", "7.0/py/2", "--db", db, "--format", "md")
	if code != ExitOK {
		t.Fatal(errOut)
	}
	for _, want := range []string{"# 7.0/py/2", "## Regressions (1)", `test\_calc.TestParser\:\:test\_error`, "## Fixed (1)",
		"## Known issues (not counted) (1)", "#1 JIRA-7", "| 1 | (2 - 2) |", "## Failure groups"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	_, csvOut, _ := run(t, "report", "7.0/py/2", "--db", db, "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range rows[1:] {
		kinds[r[0]]++
	}
	if rows[0][0] != "kind" || kinds["regression"] != 1 || kinds["known"] != 1 || kinds["fixed"] != 1 || kinds["group"] == 0 {
		t.Errorf("csv kinds %v", kinds)
	}

	page := filepath.Join(t.TempDir(), "report.html")
	if code, _, errOut := run(t, "report", "7.0/py/2", "--db", db, "--format", "html", "-o", page); code != ExitOK {
		t.Fatal(errOut)
	}
	_, out, _ := run(t, "regressions", "7.0/py/2", "--db", db, "--json")
	var cmp map[string][]json.RawMessage
	json.Unmarshal([]byte(out), &cmp)
	html, _ := os.ReadFile(page)
	checkCounts := func(where, doc string) {
		t.Helper()
		for _, key := range []string{"regressions", "fixed", "still_failing", "new_failures", "known"} {
			want := fmt.Sprintf(`id="%s" class`, key)
			if key == "still_failing" || key == "new_failures" {
				want = fmt.Sprintf(`id="%s"`, key)
			}
			i := strings.Index(doc, want)
			if i < 0 {
				t.Errorf("%s: no %s count", where, key)
				continue
			}
			rest := doc[i:]
			rest = rest[strings.IndexByte(rest, '>')+1:]
			if got := rest[:strings.IndexByte(rest, '<')]; got != strconv.Itoa(len(cmp[key])) {
				t.Errorf("%s: %s %s, regressions --json %d", where, key, got, len(cmp[key]))
			}
		}
	}
	checkCounts("the HTML file", string(html))
	if strings.Contains(string(html), "http://") || strings.Contains(string(html), "https://") || strings.Contains(string(html), "<script") {
		t.Error("the HTML report refers to something outside itself")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Logf("skipping the browser check: %v (Debian's chromium package)", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dom, err := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir="+t.TempDir(),
		"--dump-dom", "file://"+page).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	checkCounts("chromium's DOM", string(dom))
}
