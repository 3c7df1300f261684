// Package sqlitetest helps tests check what several processes on one SQLite database see:
// it runs a test binary again as a second process that imports a job or lists the jobs,
// and reads which of the database's files the test's own process holds.
//
// A test binary that imports this package serves those child runs itself: the package's
// init does the child's work and exits when the binary was started for it.
package sqlitetest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/store/sqlite"
)

// childEnv holds a child's work: "import PATH JOB" or "jobs PATH".
const childEnv = "REGTRACKER_SQLITETEST_CHILD"

func init() {
	work := os.Getenv(childEnv)
	if work == "" {
		return
	}
	fields := strings.Fields(work)
	var err error
	switch {
	case len(fields) == 3 && fields[0] == "import":
		err = importJob(fields[1], fields[2])
	case len(fields) == 2 && fields[0] == "jobs":
		err = listJobs(fields[1])
	case len(fields) == 3 && fields[0] == "loop":
		err = importLoop(fields[1], fields[2])
	default:
		err = fmt.Errorf("unknown child work %q", work)
	}
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Sample are the results a child imports: one of each status.
var Sample = []core.Result{
	{Classname: "vpn.TunnelTest", Name: "connects", Duration: 0.5},
	{Classname: "vpn.TunnelTest", Name: "rekeys", Status: core.Failed, Message: "expected 3"},
	{Classname: "vpn.RouteTest", Name: "ipv6", Status: core.Skipped},
	{Classname: "vpn.RouteTest", Name: "metric", Status: core.Error, Message: "refused"},
}

func importJob(path, job string) error {
	ctx := context.Background()
	ref, err := core.ParseJobRef(job, false)
	if err != nil {
		return err
	}
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	w, err := s.BeginJob(ctx, ref, core.WriteOptions{})
	if err == nil {
		err = w.Add(ctx, Sample)
	}
	if err == nil {
		_, err = w.Commit(ctx, core.ImportStats{Files: 1})
	}
	if err != nil {
		s.Close()
		return err
	}
	return s.Close()
}

// LoopResults is how many results each job of ImportLoop has.
const LoopResults = 2000

// importLoop imports jobs of module (RELEASE/MODULE) with rising numbers into the
// database at path until killed, each of LoopResults results, printing "committed REF"
// once each commit returned; between jobs it polls the store's version as a window does.
func importLoop(path, module string) error {
	ctx := context.Background()
	m, err := core.ParseModuleRef(module)
	if err != nil {
		return err
	}
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	rs := make([]core.Result, LoopResults)
	for i := range rs {
		rs[i] = core.Result{Classname: fmt.Sprintf("soak.Class%d", i%50), Name: fmt.Sprintf("test_%d", i), Duration: float64(i%7) / 10}
		if i%97 == 0 {
			rs[i].Status, rs[i].Message = core.Failed, fmt.Sprintf("expected %d", i%5)
		}
	}
	for {
		n, err := s.LastNumber(ctx, m)
		if err != nil {
			return err
		}
		ref := core.JobRef{ModuleRef: m, Number: n + 1}
		w, err := s.BeginJob(ctx, ref, core.WriteOptions{})
		if err != nil {
			return err
		}
		for i := 0; i < len(rs) && err == nil; i += 500 {
			err = w.Add(ctx, rs[i:i+500])
		}
		if err == nil {
			_, err = w.Commit(ctx, core.ImportStats{Files: 1})
		}
		if err != nil {
			return err
		}
		fmt.Println("committed", ref)
		if _, err := s.Version(ctx); err != nil {
			return err
		}
	}
}

// StartImportLoop starts a second process that imports jobs of module into the
// database at path until it is killed (see importLoop); its standard output says which
// jobs it committed.
func StartImportLoop(path, module string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=loop "+path+" "+module)
	return cmd
}

func listJobs(path string) error {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer s.Close()
	jobs, err := s.Jobs(ctx, nil)
	if err != nil {
		return err
	}
	var names []string
	for _, j := range jobs {
		names = append(names, j.JobRef.String())
	}
	problems, err := s.IntegrityCheck(ctx)
	if err != nil {
		return err
	}
	fmt.Println(strings.Join(names, " "))
	for _, p := range problems {
		fmt.Println("problem:", p)
	}
	return nil
}

func child(t testing.TB, work ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+strings.Join(work, " "))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("second process (%s): %v\n%s", strings.Join(work, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// ImportInChild imports Sample as job (RELEASE/MODULE/NUMBER) into the database at path
// from a second process, which then closes it, as a CLI import does.
func ImportInChild(t testing.TB, path, job string) {
	t.Helper()
	child(t, "import", path, job)
}

// JobsInChild lists the jobs of the database at path as a second process reads them,
// space-separated, then each problem its integrity check finds on a line of its own
// ("problem: ...").
func JobsInChild(t testing.TB, path string) string {
	t.Helper()
	return child(t, "jobs", path)
}

// Descriptors lists what this process's descriptors of the database at path and its
// companion files point to ("... (deleted)" for a removed file); Linux only, nil and
// false elsewhere.
func Descriptors(path string) (targets []string, ok bool) {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil, false
	}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.HasPrefix(target, path) {
			targets = append(targets, target)
		}
	}
	return targets, true
}

// Deleted lists the descriptors among Descriptors(path) whose file was removed.
func Deleted(path string) []string {
	all, _ := Descriptors(path)
	var out []string
	for _, d := range all {
		if strings.HasSuffix(d, "(deleted)") {
			out = append(out, d)
		}
	}
	return out
}
