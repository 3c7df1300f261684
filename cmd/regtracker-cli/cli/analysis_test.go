package cli

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// keysOf returns the sorted field names of a JSON object.
func keysOf(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func sorted(s ...string) []string { sort.Strings(s); return s }

// TestAnalysisCommandsOnTheDemo runs every analysis command on the demo history and
// checks the JSON shapes the issue fixes, and that flags work after the operands.
func TestAnalysisCommandsOnTheDemo(t *testing.T) { eachStore(t, testAnalysisCommandsOnTheDemo) }

func testAnalysisCommandsOnTheDemo(t *testing.T, db string) {
	if testing.Short() {
		t.Skip("imports the demo history")
	}
	if code, out, errOut := run(t, "demo", "--db", db, "--json"); code != ExitOK || !strings.Contains(out, `"jobs": 232`) {
		t.Fatalf("demo: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := run(t, "demo", "--db", db); code != ExitError || !strings.Contains(errOut, "already exists") {
		t.Errorf("a second demo into the same file: %d %s", code, errOut)
	}

	code, out, errOut := run(t, "regressions", "7.0/vpn/9", "--db", db, "--json")
	if code != ExitOK {
		t.Fatal(errOut)
	}
	var cmp map[string]json.RawMessage
	json.Unmarshal([]byte(out), &cmp)
	if got := keysOf(t, []byte(out)); !reflect.DeepEqual(got, sorted("job", "base", "regressions", "fixed", "still_failing", "new_failures", "known", "new_tests", "removed_tests")) {
		t.Errorf("regressions fields %v", got)
	}
	if string(cmp["base"]) != `"7.0/vpn/8"` || string(cmp["job"]) != `"7.0/vpn/9"` {
		t.Errorf("job %s base %s", cmp["job"], cmp["base"])
	}
	var regs []json.RawMessage
	json.Unmarshal(cmp["regressions"], &regs)
	if len(regs) == 0 || !reflect.DeepEqual(keysOf(t, regs[0]), sorted("classname", "name", "status", "base_status", "message", "last_passed", "first_failed", "changes")) {
		t.Fatalf("regressions %s", cmp["regressions"])
	}
	if !strings.Contains(string(cmp["regressions"]), `"name": "testLegacyHandshake"`) {
		t.Errorf("the long-failing test's first failure is not a regression of 7.0/vpn/9: %s", cmp["regressions"])
	}
	// The first job: base null, empty lists.
	_, out, _ = run(t, "regressions", "--json", "--db", db, "6.4/dns/1")
	if !strings.Contains(out, `"base": null`) || !strings.Contains(out, `"regressions": []`) {
		t.Errorf("first job: %s", out)
	}
	if _, out, _ = run(t, "regressions", "--db", db, "6.4/dns/1"); !strings.Contains(out, "is the first job of 6.4/dns: nothing to compare with (use --base); every test is new:") {
		t.Errorf("first job: %s", out)
	}
	// Across releases.
	if code, out, _ := run(t, "regressions", "--db", db, "7.0/vpn/1", "--base", "6.4/vpn/30", "--json"); code != ExitOK || !strings.Contains(out, `"base": "6.4/vpn/30"`) {
		t.Errorf("cross-release: %d %s", code, out)
	}

	_, out, _ = run(t, "trend", "--json", "7.0/vpn", "--db", db)
	var trend []json.RawMessage
	json.Unmarshal([]byte(out), &trend)
	if len(trend) != 28 || !reflect.DeepEqual(keysOf(t, trend[0]), sorted("number", "tests", "passed", "failed", "errors", "skipped", "flaky",
		"pass_rate", "regressions", "fixed", "duration_seconds", "imported_at")) {
		t.Errorf("trend: %d points, %s", len(trend), trend[0])
	}

	_, out, _ = run(t, "history", "7.0/vpn", "com.example.vpn.LegacyCompatTest::testLegacyHandshake", "--db", db, "--json")
	var hist map[string]json.RawMessage
	json.Unmarshal([]byte(out), &hist)
	if !reflect.DeepEqual(keysOf(t, []byte(out)), sorted("test", "failing_since", "age", "runs")) ||
		string(hist["failing_since"]) != `"7.0/vpn/9"` || string(hist["age"]) != "20" {
		t.Errorf("history: %s", out)
	}
	var runs []json.RawMessage
	json.Unmarshal(hist["runs"], &runs)
	if len(runs) != 28 || !reflect.DeepEqual(keysOf(t, runs[0]), sorted("job", "number", "status", "duration_seconds", "message")) {
		t.Errorf("runs: %d, %s", len(runs), runs[0])
	}

	_, out, _ = run(t, "flaky", "7.0/vpn", "--last", "10", "--json", "--db", db)
	var flaky []json.RawMessage
	json.Unmarshal([]byte(out), &flaky)
	if len(flaky) == 0 || !reflect.DeepEqual(keysOf(t, flaky[0]), sorted("classname", "name", "runs", "failures", "flips", "score", "last_status")) {
		t.Errorf("flaky: %s", out)
	}

	_, out, _ = run(t, "groups", "--db", db, "--json", "7.0/vpn/9")
	var groups []json.RawMessage
	json.Unmarshal([]byte(out), &groups)
	if len(groups) == 0 || !reflect.DeepEqual(keysOf(t, groups[0]), sorted("signature", "count", "example")) {
		t.Errorf("groups: %s", out)
	}

	// Readable tables without --json.
	for _, args := range [][]string{{"regressions", "7.0/vpn/9"}, {"trend", "7.0/vpn"}, {"flaky", "7.0/vpn"}, {"groups", "7.0/vpn/9"},
		{"history", "7.0/vpn", "com.example.vpn.LegacyCompatTest::testLegacyHandshake"}} {
		code, out, errOut := run(t, append(args, "--db", db)...)
		if code != ExitOK || len(strings.Split(out, "\n")) < 3 {
			t.Errorf("%v: %d %q %s", args, code, out, errOut)
		}
	}
	// Usage and lookup errors.
	for args, want := range map[string]int{
		"regressions 7.0/vpn":         ExitUsage,
		"regressions 7.0/vpn/99":      ExitError,
		"history 7.0/vpn noseparator": ExitUsage,
		"history 7.0/vpn c::unknown":  ExitError,
		"flaky 7.0/vpn --last 0":      ExitUsage,
		"trend 7.0/vpn extra":         ExitUsage,
	} {
		if code, _, _ := run(t, append(strings.Fields(args), "--db", db)...); code != want {
			t.Errorf("%s: exit %d, want %d", args, code, want)
		}
	}
}
