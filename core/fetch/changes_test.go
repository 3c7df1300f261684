package fetch_test

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/fetch"
	"github.com/regtracker/regtracker/core/jenkins"
	"github.com/regtracker/regtracker/core/jenkins/jenkinstest"
	"github.com/regtracker/regtracker/core/store/sqlite"
)

// TestChangesFromJenkinsChangeSets: builds 1-5 with change sets, imported one at a time
// with build 3 skipped (never imported) and build 4 gone from Jenkins; the regression of
// job 5 against job 2 has exactly the commits of builds 5 and 3, the one touching the
// test's package first; a freestyle change set and the built revision are read too.
func TestChangesFromJenkinsChangeSets(t *testing.T) {
	srv := jenkinstest.New("ci", "s3cret")
	defer srv.Close()
	at := func(h int) time.Time { return time.Date(2026, 12, 1, h, 0, 0, 0, time.UTC) }
	pass := []byte(`<testsuite name="s"><testcase classname="com.acme.vpn.tunnel.TunnelTest" name="rekeys"/><testcase classname="x.Y" name="z"/></testsuite>`)
	fail := []byte(`<testsuite name="s"><testcase classname="com.acme.vpn.tunnel.TunnelTest" name="rekeys"><failure message="boom"/></testcase><testcase classname="x.Y" name="z"/></testsuite>`)
	builds := []*jenkinstest.Build{
		{Number: 1, Result: "SUCCESS", Artifacts: map[string][]byte{"TEST.xml": pass}, Revision: "r1",
			Changes: []jenkinstest.Change{{ID: "c1", Author: "Ann", Message: "first", Time: at(1), Paths: []string{"README"}}}},
		{Number: 2, Result: "SUCCESS", Artifacts: map[string][]byte{"TEST.xml": pass}, Revision: "r2", Freestyle: true,
			Changes: []jenkinstest.Change{{ID: "c2", Author: "Bob", Message: "docs", Time: at(2), Paths: []string{"docs/a.md"}}}},
		{Number: 3, Result: "FAILURE", Revision: "r3", Changes: []jenkinstest.Change{
			{ID: "c3a", Author: "Cy", Message: "tunnel: rekey\n\nsooner", Time: at(3), Paths: []string{"src/main/java/com/acme/vpn/tunnel/Tunnel.java"}},
			{ID: "c3b", Author: "Cy", Message: "ike", Time: at(4), Paths: []string{"src/main/java/com/acme/vpn/ike/Ike.java"}}}},
		{Number: 5, Result: "UNSTABLE", Artifacts: map[string][]byte{"TEST.xml": fail}, Revision: "r5",
			Changes: []jenkinstest.Change{{ID: "c5", Author: "Dee", Message: "build: bump", Time: at(6), Paths: []string{"pom.xml"}}}},
	}
	for _, b := range builds {
		srv.AddBuild(job, b)
	}
	client, err := jenkins.New(jenkins.Config{URL: srv.BaseURL(), User: "ci", Token: "s3cret", RetryWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	cache := &jenkins.Cache{Dir: t.TempDir(), Limit: 1 << 30}
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, n := range []int64{1, 2, 5} {
		if _, err := fetch.Fetch(ctx, client, cache, st, fetch.Options{JenkinsJob: job, Into: into, Build: n}); err != nil {
			t.Fatalf("build %d: %v", n, err)
		}
	}
	c, err := analysis.Compare(ctx, st, core.JobRef{ModuleRef: into, Number: 5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Regressions) != 1 {
		t.Fatalf("regressions %+v", c.Regressions)
	}
	r := c.Regressions[0]
	var got []string
	for _, cm := range r.Changes {
		got = append(got, cm.ID+"@"+string(rune('0'+cm.Build)))
	}
	// Suspect first (c3a touches com/acme/vpn/tunnel/), then newest first: build 5, then
	// build 3's newest.
	if want := []string{"c3a@3", "c5@5", "c3b@3"}; !reflect.DeepEqual(got, want) || r.Suspects != 1 {
		t.Errorf("changes %v (suspects %d), want %v", got, r.Suspects, want)
	}
	if r.LastPassed.Number != 2 || r.FirstFailed.Number != 5 {
		t.Errorf("last passed %v, first failed %v", r.LastPassed, r.FirstFailed)
	}
	if r.Changes[0].Author != "Cy" || r.Changes[0].Message != "tunnel: rekey\n\nsooner" || !r.Changes[0].Time.Equal(at(3)) {
		t.Errorf("commit %+v", r.Changes[0])
	}
	j2, _ := st.Job(ctx, core.JobRef{ModuleRef: into, Number: 2})
	j5, _ := st.Job(ctx, core.JobRef{ModuleRef: into, Number: 5})
	if j2.Revision != "r2" || j5.Revision != "r5" {
		t.Errorf("revisions %q %q", j2.Revision, j5.Revision)
	}
	// The freestyle change set of job 2.
	jc, err := st.Commits(ctx, into, 1, 2)
	if err != nil || len(jc) != 1 || len(jc[0].Commits) != 1 || jc[0].Commits[0].ID != "c2" {
		t.Errorf("job 2's commits %+v %v", jc, err)
	}
}

// TestChangesOfBuildsImportedOutOfOrder: build 4 imported before 2 and 3 (as parallel
// fetches or a late import do) keeps their commits as a gap; job 4 against job 3 then
// has only build 4's commits, and job 4 against job 1 each commit once.
func TestChangesOfBuildsImportedOutOfOrder(t *testing.T) {
	srv := jenkinstest.New("ci", "s3cret")
	defer srv.Close()
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	pass := []byte(`<testsuite name="s"><testcase classname="a.B" name="t"/></testsuite>`)
	fail := []byte(`<testsuite name="s"><testcase classname="a.B" name="t"><failure message="boom"/></testcase></testsuite>`)
	for n := int64(1); n <= 4; n++ {
		report := pass
		if n == 4 {
			report = fail
		}
		id := "c" + string(rune('0'+n))
		srv.AddBuild(job, &jenkinstest.Build{Number: n, Result: "SUCCESS", Artifacts: map[string][]byte{"TEST.xml": report},
			Changes: []jenkinstest.Change{{ID: id, Author: "Ann", Message: id, Time: at.Add(time.Duration(n) * time.Hour)}}})
	}
	client, err := jenkins.New(jenkins.Config{URL: srv.BaseURL(), User: "ci", Token: "s3cret", RetryWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	cache := &jenkins.Cache{Dir: t.TempDir(), Limit: 1 << 30}
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "o.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, n := range []int64{1, 4, 2, 3} {
		if _, err := fetch.Fetch(ctx, client, cache, st, fetch.Options{JenkinsJob: job, Into: into, Build: n}); err != nil {
			t.Fatalf("build %d: %v", n, err)
		}
	}
	for base, want := range map[int64][]string{3: {"c4"}, 1: {"c4", "c3", "c2"}} {
		b := core.JobRef{ModuleRef: into, Number: base}
		c, err := analysis.Compare(ctx, st, core.JobRef{ModuleRef: into, Number: 4}, &b)
		if err != nil || len(c.Regressions) != 1 {
			t.Fatalf("against %d: %+v %v", base, c.Regressions, err)
		}
		var got []string
		for _, cm := range c.Regressions[0].Changes {
			got = append(got, cm.ID)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("job 4 against job %d: changes %v, want %v", base, got, want)
		}
	}
}
