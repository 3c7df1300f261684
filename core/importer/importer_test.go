package importer_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/core/junit/junitgen"
	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/sqlite"
)

var ctx = context.Background()

func openStore(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func module(rel, mod string) core.JobRef {
	return core.JobRef{ModuleRef: core.ModuleRef{Release: rel, Module: mod}}
}

func jobRef(rel, mod string, n int64) core.JobRef {
	r := module(rel, mod)
	r.Number = n
	return r
}

// report writes a generated report of n cases and returns its path and counts.
func report(t *testing.T, dir, name string, n int) (string, core.Counts) {
	t.Helper()
	var buf bytes.Buffer
	c, err := junitgen.Write(&buf, junitgen.Spec{Cases: n, Seed: uint64(n)})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	os.MkdirAll(filepath.Dir(p), 0o755)
	data := buf.Bytes()
	if strings.HasSuffix(name, ".gz") {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(data)
		zw.Close()
		data = z.Bytes()
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, c
}

func sameCounts(t *testing.T, got, want core.Counts) {
	t.Helper()
	if got.Tests != want.Tests || got.Passed != want.Passed || got.Failed != want.Failed ||
		got.Errors != want.Errors || got.Skipped != want.Skipped || got.Flaky != want.Flaky {
		t.Errorf("counts %+v, want %+v", got, want)
	}
}

func noJobs(t *testing.T, s store.Store) {
	t.Helper()
	jobs, err := s.Jobs(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 0 {
		t.Errorf("%d jobs left behind: %v", len(jobs), jobs[0].JobRef)
	}
}

func TestImportFileDirGzipZip(t *testing.T) {
	dir := t.TempDir()
	p1, c1 := report(t, dir, "logs/a/TEST-a.xml", 300)
	_, c2 := report(t, dir, "logs/b/TEST-b.xml.gz", 200)
	os.WriteFile(filepath.Join(dir, "logs", "notes.txt"), []byte("not a report"), 0o644)
	var all core.Counts
	for _, c := range []core.Counts{c1, c2} {
		all.Tests += c.Tests
		all.Passed += c.Passed
		all.Failed += c.Failed
		all.Errors += c.Errors
		all.Skipped += c.Skipped
		all.Flaky += c.Flaky
	}

	// A zip with a plain and a gzipped report, and a file that is not a report.
	zpath := filepath.Join(dir, "reports.zip")
	zf, _ := os.Create(zpath)
	zw := zip.NewWriter(zf)
	for _, name := range []string{"logs/a/TEST-a.xml", "logs/b/TEST-b.xml.gz"} {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		w, _ := zw.Create("x/" + filepath.Base(name))
		w.Write(data)
	}
	w, _ := zw.Create("x/readme.txt")
	w.Write([]byte("hello"))
	zw.Close()
	zf.Close()

	s := openStore(t)
	cases := []struct {
		paths []string
		files int
		want  core.Counts
	}{
		{[]string{p1}, 1, c1},
		{[]string{filepath.Join(dir, "logs")}, 2, all},
		{[]string{zpath}, 2, all},
	}
	for i, c := range cases {
		job, err := importer.Import(ctx, s, c.paths, importer.Options{Job: jobRef("7.0", "vpn", int64(i+1))})
		if err != nil {
			t.Fatalf("%v: %v", c.paths, err)
		}
		sameCounts(t, job.Counts, c.want)
		if job.Stats.Files != c.files || job.Stats.Bytes <= 0 || job.Stats.Total <= 0 || job.Stats.PeakRSS == 0 || job.Stats.PeakHeap == 0 {
			t.Errorf("%v: stats %+v", c.paths, job.Stats)
		}
		stored, err := s.Job(ctx, job.JobRef)
		if err != nil {
			t.Fatal(err)
		}
		sameCounts(t, stored.Counts, c.want)
		if stored.Stats.PeakRSS != job.Stats.PeakRSS || stored.Stats.Total <= 0 {
			t.Errorf("stored stats %+v", stored.Stats)
		}
	}
}

func TestJobNumberDetection(t *testing.T) {
	// Paths count as given: the temporary directory's own numbered segments must not.
	t.Chdir(t.TempDir())
	p, _ := report(t, ".", "logs/vpn/14/test-results.xml", 10)
	q, _ := report(t, ".", "logs/vpn/latest/test-results.xml", 10)
	s := openStore(t)
	job, err := importer.Import(ctx, s, []string{p}, importer.Options{Job: module("7.0", "vpn")})
	if err != nil || job.Number != 14 {
		t.Fatalf("from the path: %v %v", job.Number, err)
	}
	job, err = importer.Import(ctx, s, []string{q}, importer.Options{Job: module("7.0", "vpn")})
	if err != nil || job.Number != 15 {
		t.Fatalf("next after the highest: %v %v", job.Number, err)
	}
	for path, want := range map[string]int64{"logs/vpn/14/test-results.xml": 14, "/a/7/b/0012/x.xml": 12, "/builds/12/vpn/2.xml": 12, `C:\builds\12\x.xml`: 12} {
		if n, ok := importer.NumberFromPath(path); !ok || n != want {
			t.Errorf("NumberFromPath(%q) = %d, %v; want %d", path, n, ok, want)
		}
	}
}

func TestDuplicateAndReplace(t *testing.T) {
	dir := t.TempDir()
	p, c := report(t, dir, "a.xml", 100)
	q, c2 := report(t, dir, "b.xml", 50)
	s := openStore(t)
	r := jobRef("7.0", "vpn", 3)
	if _, err := importer.Import(ctx, s, []string{p}, importer.Options{Job: r}); err != nil {
		t.Fatal(err)
	}
	_, err := importer.Import(ctx, s, []string{q}, importer.Options{Job: r})
	if !errors.Is(err, core.ErrJobExists) || !strings.Contains(err.Error(), "7.0/vpn/3") {
		t.Fatalf("duplicate: %v", err)
	}
	if j, _ := s.Job(ctx, r); j.Tests != c.Tests {
		t.Errorf("the failed duplicate changed the job: %d tests", j.Tests)
	}
	job, err := importer.Import(ctx, s, []string{q}, importer.Options{Job: r, Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	sameCounts(t, job.Counts, c2)
}

func TestBadInputLeavesDatabaseUnchanged(t *testing.T) {
	dir := t.TempDir()
	good, _ := report(t, dir, "good.xml", 100)
	data, _ := os.ReadFile(good)
	trunc := filepath.Join(dir, "trunc.xml")
	os.WriteFile(trunc, data[:len(data)*2/3], 0o644)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(data)
	zw.Close()
	truncGz := filepath.Join(dir, "trunc.xml.gz")
	os.WriteFile(truncGz, z.Bytes()[:z.Len()/2], 0o644)
	notGz := filepath.Join(dir, "plain.xml.gz")
	os.WriteFile(notGz, data, 0o644)
	wrongRoot := filepath.Join(dir, "nunit.xml")
	os.WriteFile(wrongRoot, []byte("<?xml version='1.0'?>\n<test-results/>"), 0o644)
	emptyDir := filepath.Join(dir, "empty")
	os.Mkdir(emptyDir, 0o755)

	s := openStore(t)
	cases := map[string]string{
		trunc:                   "trunc.xml line ",
		truncGz:                 "trunc.xml.gz line ",
		notGz:                   "plain.xml.gz: not a readable gzip file",
		wrongRoot:               "nunit.xml line 2: the root element is <test-results>",
		emptyDir:                "no *.xml or *.xml.gz reports",
		filepath.Join(dir, "x"): "no such file",
	}
	for path, want := range cases {
		// The good report comes first: what it wrote must be rolled back too.
		_, err := importer.Import(ctx, s, []string{good, path}, importer.Options{Job: jobRef("7.0", "vpn", 1)})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", filepath.Base(path), err, want)
		}
		noJobs(t, s)
	}
	if problems, err := s.IntegrityCheck(ctx); err != nil || len(problems) > 0 {
		t.Errorf("integrity: %v %v", problems, err)
	}
}

// The database's own files dropped or named as reports are refused without being opened:
// opening one in the store's process would release its locks (issue 25).
func TestDatabaseFilesAreNotReports(t *testing.T) {
	s := openStore(t)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		path := s.Path() + suffix
		_, err := importer.Import(ctx, s, []string{path}, importer.Options{Job: jobRef("7.0", "vpn", 1)})
		if err == nil || !strings.Contains(err.Error(), "is regtracker's database") {
			t.Errorf("%s: got %v", filepath.Base(path), err)
		}
	}
	noJobs(t, s)
	if split := s.(interface{ Split() error }).Split(); split != nil {
		t.Error(split)
	}
}

func TestCancelReturnsPromptlyAndLeavesNoTrace(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a large generated report")
	}
	dir := t.TempDir()
	p, _ := report(t, dir, "big.xml", 400_000)
	s := openStore(t)
	cctx, cancel := context.WithCancel(ctx)
	var once sync.Once
	var cancelledAt time.Time
	done := make(chan error)
	go func() {
		_, err := importer.Import(cctx, s, []string{p}, importer.Options{
			Job: jobRef("7.0", "vpn", 1),
			Progress: func(pr importer.Progress) {
				if pr.Cases > 50_000 {
					once.Do(func() { cancelledAt = time.Now(); cancel() })
				}
			},
		})
		done <- err
	}()
	err := <-done
	returned := time.Since(cancelledAt)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("got %v, want a cancellation", err)
	}
	// The budget is 100 ms; a loaded CI machine gets slack, but not seconds.
	t.Logf("Import returned %v after the cancel", returned)
	if returned > time.Second {
		t.Errorf("Import returned %v after the cancel", returned)
	}
	noJobs(t, s)
	// A cancel is asked for: it is not kept as a failed import.
	if failures, err := s.RecentFailures(ctx, 10); err != nil || len(failures) > 0 {
		t.Errorf("a cancelled import is listed as failed: %+v %v", failures, err)
	}
}

func TestTwoImportsAtOnce(t *testing.T) {
	dir := t.TempDir()
	p, c := report(t, dir, "a.xml", 20_000)
	s := openStore(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	phases := make([]map[importer.Phase]bool, 2)
	for i := range 2 {
		phases[i] = map[importer.Phase]bool{}
		wg.Go(func() {
			_, errs[i] = importer.Import(ctx, s, []string{p}, importer.Options{
				Job:              jobRef("7.0", "vpn", int64(i+1)),
				ProgressInterval: time.Millisecond,
				Progress:         func(pr importer.Progress) { phases[i][pr.Phase] = true },
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("import %d: %v", i, err)
		}
		if !phases[i][importer.PhaseDone] {
			t.Errorf("import %d reported phases %v, never done", i, phases[i])
		}
	}
	jobs, _ := s.Jobs(ctx, nil)
	if len(jobs) != 2 {
		t.Fatalf("%d jobs", len(jobs))
	}
	for _, j := range jobs {
		sameCounts(t, j.Counts, c)
	}
}

// TestTwoStoresOnOneFile: two processes (here two Stores) importing into one file at
// once both succeed; the second waits for the first's transaction.
func TestTwoStoresOnOneFile(t *testing.T) {
	dir := t.TempDir()
	p, c := report(t, dir, "a.xml", 20_000)
	path := filepath.Join(dir, "shared.db")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			s, err := sqlite.Open(ctx, path)
			if err != nil {
				errs[i] = err
				return
			}
			defer s.Close()
			_, errs[i] = importer.Import(ctx, s, []string{p}, importer.Options{Job: jobRef("7.0", "vpn", int64(i+1))})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s, _ := sqlite.Open(ctx, path)
	defer s.Close()
	jobs, _ := s.Jobs(ctx, nil)
	if len(jobs) != 2 {
		t.Fatalf("%d jobs", len(jobs))
	}
	sameCounts(t, jobs[1].Counts, c)
}

func TestProgressIsThrottledAndComplete(t *testing.T) {
	dir := t.TempDir()
	p, c := report(t, dir, "a.xml", 50_000)
	s := openStore(t)
	var reports []importer.Progress
	start := time.Now()
	_, err := importer.Import(ctx, s, []string{p}, importer.Options{
		Job:      jobRef("7.0", "vpn", 1),
		Progress: func(pr importer.Progress) { reports = append(reports, pr) },
	})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if max := int(elapsed/(100*time.Millisecond)) + 2; len(reports) > max {
		t.Errorf("%d progress reports in %v: more than about 10 a second", len(reports), elapsed)
	}
	last := reports[len(reports)-1]
	fi, _ := os.Stat(p)
	if last.Phase != importer.PhaseDone || last.Cases != c.Tests || last.BytesRead != fi.Size() || last.BytesTotal != fi.Size() || last.File != p {
		t.Errorf("last report %+v", last)
	}
}
