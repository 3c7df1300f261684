package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core/junit/junitgen"
	"github.com/regtracker/regtracker/core/junit/junittest"
	"github.com/regtracker/regtracker/core/store/backend"
	"github.com/regtracker/regtracker/core/store/postgres/pgtest"
)

// The test binary doubles as regtracker-cli for the tests that need a real process
// (signals): with this variable set it runs the command line and exits.
const asCLI = "REGTRACKER_TEST_RUN_CLI"

func TestMain(m *testing.M) {
	useKeyring = false // tokens go to the test's own config directory
	if os.Getenv(asCLI) == "1" {
		os.Exit(Run(SignalContext(), os.Args[1:], os.Stdout, os.Stderr))
	}
	pgtest.Main(m)
}

// eachStore runs check on a new database of each store: a file, and a database of a
// PostgreSQL server (pgtest's), so that the commands are checked on both.
func eachStore(t *testing.T, check func(t *testing.T, db string)) {
	t.Run("file", func(t *testing.T) { check(t, filepath.Join(t.TempDir(), "t.db")) })
	t.Run("server", func(t *testing.T) { check(t, pgtest.URL(t)) })
}

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func writeReport(t *testing.T, path string, cases int) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := junitgen.Write(f, junitgen.Spec{Cases: cases, Seed: 7}); err != nil {
		t.Fatal(err)
	}
}

func TestImportJSONIsOneObjectWithTheDocumentedFields(t *testing.T) {
	eachStore(t, testImportJSONIsOneObjectWithTheDocumentedFields)
}

func testImportJSONIsOneObjectWithTheDocumentedFields(t *testing.T, db string) {
	dir := t.TempDir()
	report := filepath.Join(dir, "logs", "vpn", "14", "test-results.xml")
	writeReport(t, report, 1000)
	// Flags after the operand work too.
	code, out, errOut := run(t, "import", "--db", db, "--job", "7.0/vpn", report, "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		t.Fatal(err)
	}
	if dec.More() {
		t.Errorf("more than one JSON value on stdout: %q", out)
	}
	want := []string{"job", "release", "module", "number", "files", "bytes", "tests", "passed", "failed", "errors",
		"skipped", "flaky", "duration_seconds", "import_seconds", "cases_per_second", "peak_rss_bytes", "peak_heap_bytes"}
	var keys []string
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	sort.Strings(want)
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("fields %v, want %v", keys, want)
	}
	if obj["job"] != "7.0/vpn/14" || obj["number"] != 14.0 || obj["tests"] != 1000.0 || obj["files"] != 1.0 {
		t.Errorf("object %v", obj)
	}
	if p, f := obj["passed"].(float64), obj["failed"].(float64); p+f+obj["errors"].(float64)+obj["skipped"].(float64) != 1000 {
		t.Errorf("counts do not add up: %v", obj)
	}

	// jobs --json lists it with imported_at and source.
	code, out, _ = run(t, "jobs", "--json", "--db", db, "--module", "7.0/vpn")
	var jobs []map[string]any
	if code != ExitOK || json.Unmarshal([]byte(out), &jobs) != nil || len(jobs) != 1 {
		t.Fatalf("jobs: exit %d, %q", code, out)
	}
	if jobs[0]["tests"] != 1000.0 || jobs[0]["imported_at"] == "" || !strings.HasSuffix(jobs[0]["source"].(string), "test-results.xml") {
		t.Errorf("jobs entry %v", jobs[0])
	}
	// Without --json: a readable table.
	code, out, _ = run(t, "jobs", "--db", db)
	if code != ExitOK || !strings.Contains(out, "7.0/vpn/14") || !strings.Contains(out, "1,000") {
		t.Errorf("jobs table: %q", out)
	}
}

func TestExitCodes(t *testing.T) { eachStore(t, testExitCodes) }

func testExitCodes(t *testing.T, db string) {
	dir := t.TempDir()
	report := filepath.Join(dir, "r.xml")
	writeReport(t, report, 10)
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte("<testsuite>\n<testcase name='x'>"), 0o644)
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, ExitUsage, ""},
		{[]string{"frobnicate"}, ExitUsage, "unknown command"},
		{[]string{"import", "--db", db, report}, ExitUsage, "--job is required"},
		{[]string{"import", "--db", db, "--job", "7.0", report}, ExitUsage, "RELEASE/MODULE"},
		{[]string{"import", "--db", db, "--job", "7.0/vpn/1"}, ExitUsage, "no reports given"},
		{[]string{"import", "--db", db, "--bogus", "--job", "7.0/vpn/1", report}, ExitUsage, "bogus"},
		{[]string{"jobs", "--db", db, "extra"}, ExitUsage, "unexpected operand"},
		{[]string{"import", "--db", db, "--job", "7.0/vpn/1", report}, ExitOK, ""},
		{[]string{"import", "--db", db, "--job", "7.0/vpn/1", report}, ExitError, "--replace"},
		{[]string{"import", "--db", db, "--job", "7.0/vpn/1", "--replace", report}, ExitOK, ""},
		{[]string{"import", "--db", db, "--job", "7.0/vpn/2", bad}, ExitError, "bad.xml line 2"},
		{[]string{"import", "--db", db, "--job", "7.0/vpn/2", filepath.Join(dir, "missing.xml")}, ExitError, "missing.xml"},
		{[]string{"help"}, ExitOK, ""},
	}
	for _, c := range cases {
		code, _, errOut := run(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errOut, c.code, c.msg)
		}
	}
	code, out, _ := run(t, "jobs", "--db", db, "--json")
	var jobs []map[string]any
	json.Unmarshal([]byte(out), &jobs)
	if code != ExitOK || len(jobs) != 1 {
		t.Errorf("failed imports left jobs behind: %s", out)
	}
}

// Every command's --help (and help COMMAND) names its operands and flags and gives an
// example, on standard output, with exit 0; a wrong flag is one error and one usage line.
func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands {
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			code, out, errOut := run(t, args...)
			if code != ExitOK || errOut != "" || !strings.HasPrefix(out, "usage: regtracker-cli "+c.name+" ") ||
				!strings.Contains(out, "\nexample:\n  regtracker-cli "+c.name) {
				t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
			}
			if c.name != "known" && !strings.Contains(out, "  -db string") {
				t.Errorf("%v: no flags in %q", args, out)
			}
		}
	}
	code, _, errOut := run(t, "jobs", "--bogus")
	if code != ExitUsage || strings.Count(errOut, "not defined") != 1 || strings.Count(errOut, "usage:") != 1 {
		t.Errorf("a wrong flag: exit %d, %q", code, errOut)
	}
}

// A reading command on a file that is not there says so and creates nothing, neither
// the file nor its folder.
func TestReadingCommandsNeedADatabase(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "folder", "regtracker.db")
	for _, args := range [][]string{
		{"jobs"}, {"regressions", "7.0/vpn/2"}, {"trend", "7.0/vpn"}, {"history", "7.0/vpn", "a::b"},
		{"flaky", "7.0/vpn"}, {"groups", "7.0/vpn/2"}, {"changes", "7.0/vpn/2"}, {"slower", "7.0/vpn/2"},
		{"known", "list"}, {"report", "7.0/vpn/2", "--format", "md"}, {"gate", "7.0/vpn/2"},
	} {
		code, _, errOut := run(t, append(args, "--db", missing)...)
		if code != ExitError || !strings.Contains(errOut, "no database at "+missing) {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Dir(filepath.Dir(filepath.Dir(missing)))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a reading command created the database's folder: %v", err)
	}
}

// TestCorpus imports every report of the shared corpus through the command line: the
// good ones with counts equal to an independent encoding/xml count, the bad ones either
// imported or refused with exit 1, a message naming the file, and no job left behind.
func TestCorpus(t *testing.T) { eachStore(t, testCorpus) }

func testCorpus(t *testing.T, db string) {
	good, bad := junittest.Corpus(t, "../../../../shared/junit-corpus")
	for i, p := range good {
		want, err := junittest.ReferenceCounts(p)
		if err != nil {
			t.Fatal(err)
		}
		code, out, errOut := run(t, "import", "--db", db, "--json", "--job", fmt.Sprintf("corpus/good/%d", i+1), p)
		if code != ExitOK {
			t.Errorf("%s: exit %d: %s", p, code, errOut)
			continue
		}
		var obj struct{ Tests, Passed, Failed, Errors, Skipped, Flaky int64 }
		json.Unmarshal([]byte(out), &obj)
		if obj.Tests != want.Tests || obj.Passed != want.Passed || obj.Failed != want.Failed ||
			obj.Errors != want.Errors || obj.Skipped != want.Skipped || obj.Flaky != want.Flaky {
			t.Errorf("%s: got %+v, want %+v", p, obj, want)
		}
	}
	for i, p := range bad {
		job := fmt.Sprintf("corpus/bad/%d", i+1)
		code, _, errOut := run(t, "import", "--db", db, "--job", job, p)
		switch code {
		case ExitOK:
		case ExitError:
			if !strings.Contains(errOut, p) {
				t.Errorf("%s: the message does not name the file: %s", p, errOut)
			}
			code, out, _ := run(t, "jobs", "--db", db, "--module", "corpus/bad", "--json")
			if code != ExitOK || strings.Contains(out, `"`+job+`"`) {
				t.Errorf("%s: a failed import left %s behind", p, job)
			}
		default:
			t.Errorf("%s: exit %d: %s", p, code, errOut)
		}
	}
}

// lockedBuffer is a bytes.Buffer a child process writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startImport runs `regtracker-cli import` of a large generated report in a child
// process and returns once the import is writing its results.
func startImport(t *testing.T, db string) (cmd *exec.Cmd, stderr *lockedBuffer) {
	t.Helper()
	dir := t.TempDir()
	report := filepath.Join(dir, "big.xml")
	writeReport(t, report, 1_000_000)
	// A first job, which must survive what happens to the second.
	if code, _, errOut := run(t, "import", "--db", db, "--job", "7.0/vpn/1", report); code != ExitOK {
		t.Fatal(errOut)
	}
	stderr = &lockedBuffer{}
	cmd = exec.Command(os.Args[0], "import", "--db", db, "--job", "7.0/vpn/2", report)
	cmd.Env = append(os.Environ(), asCLI+"=1")
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The first progress line comes after about 100 ms of importing (1,000,000 cases take
	// seconds); give the writer a moment more.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(stderr.String(), " cases/s") {
			time.Sleep(200 * time.Millisecond)
			return cmd, stderr
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("the import never got going: %s", stderr)
	return
}

func checkOnlyFirstJob(t *testing.T, db string) {
	t.Helper()
	s, err := backend.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if problems, err := s.IntegrityCheck(context.Background()); err != nil || len(problems) > 0 {
		t.Errorf("integrity check: %v %v", problems, err)
	}
	jobs, err := s.Jobs(context.Background(), nil)
	if err != nil || len(jobs) != 1 || jobs[0].Number != 1 || jobs[0].Tests != 1_000_000 {
		t.Errorf("jobs after the interrupted import: %v %v", jobs, err)
	}
}

func TestKilledImportLeavesNoPartialJob(t *testing.T) {
	if testing.Short() {
		t.Skip("imports large reports in a child process")
	}
	eachStore(t, testKilledImportLeavesNoPartialJob)
}

func testKilledImportLeavesNoPartialJob(t *testing.T, db string) {
	cmd, _ := startImport(t, db)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	checkOnlyFirstJob(t, db)
}

func TestInterruptCancelsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("imports large reports in a child process")
	}
	eachStore(t, testInterruptCancelsCleanly)
}

func testInterruptCancelsCleanly(t *testing.T, db string) {
	cmd, stderr := startImport(t, db)
	sent := time.Now()
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	took := time.Since(sent)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != ExitError {
		t.Errorf("exit: %v", err)
	}
	if !strings.Contains(stderr.String(), "cancelled") {
		t.Errorf("stderr: %s", stderr)
	}
	if took > 2*time.Second {
		t.Errorf("the process took %v to stop after Ctrl-C", took)
	}
	checkOnlyFirstJob(t, db)
}
