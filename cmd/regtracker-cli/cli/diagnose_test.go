package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiagnoseHealthyAndDamagedDatabases(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	report := filepath.Join(dir, "r.xml")
	writeReport(t, report, 20_000)
	if code, _, errOut := run(t, "import", "--db", db, "--job", "7.0/vpn/1", report); code != ExitOK {
		t.Fatal(errOut)
	}
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte("<testsuite>"), 0o644)
	run(t, "import", "--db", db, "--job", "7.0/vpn/2", bad)

	md := filepath.Join(dir, "report.md")
	code, out, errOut := run(t, "diagnose", "--db", db, "--json", "--markdown", md)
	if code != ExitOK {
		t.Fatalf("healthy database: exit %d: %s", code, errOut)
	}
	var r struct {
		Database struct {
			Integrity   string   `json:"integrity"`
			JournalMode string   `json:"journal_mode"`
			PageCount   int64    `json:"page_count"`
			Problems    []string `json:"integrity_problems"`
			Largest     []struct {
				Job   string
				Tests int64
			} `json:"largest_jobs"`
		} `json:"database"`
		Failures []struct{ Job, Error string } `json:"recent_failures"`
		LogPath  string                        `json:"log_path"`
		LogTail  []string                      `json:"log_tail"`
		Memory   struct {
			RSS uint64 `json:"rss_bytes"`
		} `json:"memory"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if r.Database.Integrity != "ok" || r.Database.JournalMode != "wal" || r.Database.PageCount == 0 ||
		len(r.Database.Largest) != 1 || r.Database.Largest[0].Tests != 20_000 || r.Memory.RSS == 0 {
		t.Errorf("report %+v", r)
	}
	if len(r.Failures) != 1 || r.Failures[0].Job != "7.0/vpn/2" || !strings.Contains(r.Failures[0].Error, "bad.xml line 1") {
		t.Errorf("failures %+v", r.Failures)
	}
	if r.LogPath != filepath.Join(dir, "regtracker.log") || len(r.LogTail) < 3 || !strings.Contains(strings.Join(r.LogTail, "\n"), `"import committed"`) {
		t.Errorf("log %s: %v", r.LogPath, r.LogTail)
	}
	if data, err := os.ReadFile(md); err != nil || !strings.Contains(string(data), "## Database") {
		t.Errorf("markdown: %v", err)
	}

	// Damage the file: overwrite pages in its middle.
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(data) / 3; i < len(data)/3+3*16384 && i < len(data); i++ {
		data[i] = 0x5a
	}
	if err := os.WriteFile(db, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, "diagnose", "--db", db, "--json")
	if code != ExitError || !strings.Contains(errOut, "integrity check") {
		t.Errorf("damaged database: exit %d, %s", code, errOut)
	}
	json.Unmarshal([]byte(out), &r)
	if r.Database.Integrity != "damaged" || len(r.Database.Problems) == 0 {
		t.Errorf("damaged database reported as %q %v", r.Database.Integrity, r.Database.Problems)
	}
}
