package jenkins_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/jenkins"
	"github.com/regtracker/regtracker/core/jenkins/jenkinstest"
)

var ctx = context.Background()

func client(t *testing.T, srv *jenkinstest.Server, token string) *jenkins.Client {
	t.Helper()
	c, err := jenkins.New(jenkins.Config{URL: srv.BaseURL(), User: "ci", Token: token, RetryWait: time.Millisecond, StallTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestJobPath(t *testing.T) {
	for in, want := range map[string]string{
		"nightly":            "job/nightly/",
		"team/vpn/nightly":   "job/team/job/vpn/job/nightly/",
		"/team/vpn nightly/": "job/team/job/vpn%20nightly/",
		"a/b%c":              "job/a/job/b%25c/",
	} {
		if got, err := jenkins.JobPath(in); err != nil || got != want {
			t.Errorf("JobPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a//b", "a/../b"} {
		if _, err := jenkins.JobPath(bad); err == nil {
			t.Errorf("JobPath(%q) accepted", bad)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "https://user:pw@ci.example.com/", "ci.example.com"} {
		if _, err := jenkins.New(jenkins.Config{URL: u}); err == nil {
			t.Errorf("URL %q accepted", u)
		}
	}
	if _, err := jenkins.New(jenkins.Config{URL: "https://ci/", CAFile: "/nonexistent.pem"}); err == nil {
		t.Error("a missing CA file was accepted")
	}
}

func TestBuildsAndArtifactsInFoldersUnderAPrefix(t *testing.T) {
	srv := jenkinstest.New("ci", "s3cret")
	defer srv.Close()
	for n := int64(1); n <= 5; n++ {
		srv.AddBuild("team/vpn/nightly", &jenkinstest.Build{Number: n, Result: "SUCCESS", Artifacts: map[string][]byte{"reports/TEST-a.xml": []byte("<testsuite/>")}})
	}
	srv.AddBuild("team/vpn/nightly", &jenkinstest.Build{Number: 6, Building: true})
	c := client(t, srv, "s3cret")

	builds, err := c.Builds(ctx, "team/vpn/nightly", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(builds) != 3 || builds[0].Number != 6 || !builds[0].Building || builds[2].Number != 4 || builds[1].Result != "SUCCESS" {
		t.Errorf("builds %+v", builds)
	}
	b, err := c.BuildInfo(ctx, "team/vpn/nightly", "lastCompletedBuild")
	if err != nil || b.Number != 5 || len(b.Artifacts) != 1 || b.Artifacts[0].RelativePath != "reports/TEST-a.xml" {
		t.Fatalf("lastCompletedBuild: %+v %v", b, err)
	}
	v, err := c.Version(ctx)
	if err != nil || v != "2.479.3" {
		t.Errorf("version %q %v", v, err)
	}
	reqs := srv.Requests()
	want := []jenkinstest.Request{
		{Path: "job/team/job/vpn/job/nightly/api/json", Query: "tree=allBuilds%5Bnumber%2Cresult%2Ctimestamp%2Cduration%2Cbuilding%5D%7B0%2C3%7D", User: "ci", OK: true},
		{Path: "job/team/job/vpn/job/nightly/lastCompletedBuild/api/json", Query: "tree=number%2Cresult%2Ctimestamp%2Cduration%2Cbuilding%2Cartifacts%5BfileName%2CrelativePath%5D%2C" +
			"changeSets%5Bitems%5BcommitId%2Cauthor%5BfullName%5D%2Ctimestamp%2Cmsg%2Ccomment%2CaffectedPaths%5D%5D%2C" +
			"changeSet%5Bitems%5BcommitId%2Cauthor%5BfullName%5D%2Ctimestamp%2Cmsg%2Ccomment%2CaffectedPaths%5D%5D%2C" +
			"actions%5BlastBuiltRevision%5BSHA1%5D%5D", User: "ci", OK: true},
		{Path: "api/json", Query: "tree=mode", User: "ci", OK: true},
	}
	if len(reqs) != len(want) {
		t.Fatalf("requests %+v", reqs)
	}
	for i := range want {
		if reqs[i] != want[i] {
			t.Errorf("request %d: %+v, want %+v", i, reqs[i], want[i])
		}
	}
}

func TestErrorsSayWhatToCheckAndHideTheToken(t *testing.T) {
	srv := jenkinstest.New("ci", "s3cret")
	defer srv.Close()
	srv.AddBuild("vpn", &jenkinstest.Build{Number: 1, Result: "SUCCESS"})
	_, err := client(t, srv, "wrong-token").Builds(ctx, "vpn", 1)
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), jenkins.TokenEnv) {
		t.Errorf("wrong token: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-token") {
		t.Error("the token appears in the error")
	}
	_, err = client(t, srv, "s3cret").Builds(ctx, "team/missing", 1)
	if !jenkins.IsNotFound(err) || !strings.Contains(err.Error(), "job/team/job/missing") {
		t.Errorf("missing job: %v", err)
	}
	// Client errors are not retried.
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests: 4xx answers must not be retried", n)
	}
}

func TestDownloadStallsAndBreaksAreErrors(t *testing.T) {
	srv := jenkinstest.New("ci", "s3cret")
	defer srv.Close()
	data := []byte(strings.Repeat("<!-- padding -->\n", 10000))
	srv.AddBuild("vpn", &jenkinstest.Build{Number: 1, Result: "SUCCESS", Artifacts: map[string][]byte{"a.xml": data}, Stall: 2 * time.Second})
	srv.AddBuild("vpn", &jenkinstest.Build{Number: 2, Result: "SUCCESS", Artifacts: map[string][]byte{"a.xml": data}, BreakAfter: 5000})
	srv.AddBuild("vpn", &jenkinstest.Build{Number: 3, Result: "SUCCESS", Artifacts: map[string][]byte{"a.xml": data}})
	c := client(t, srv, "s3cret")
	cache := &jenkins.Cache{Dir: t.TempDir()}
	for n, want := range map[int64]string{1: "stalled", 2: "unexpected EOF", 3: ""} {
		s, err := c.Download(ctx, cache, "vpn", n, "a.xml")
		if err != nil {
			t.Fatal(err)
		}
		got, rerr := io.ReadAll(s.Reader(ctx))
		s.Close()
		if want == "" {
			if rerr != nil || len(got) != len(data) {
				t.Errorf("build %d: %d bytes, %v", n, len(got), rerr)
			}
			if _, ok := cache.Lookup(c.Server(), "vpn", n, "a.xml"); !ok {
				t.Errorf("build %d: the complete download is not cached", n)
			}
			continue
		}
		if rerr == nil || !strings.Contains(rerr.Error(), want) {
			t.Errorf("build %d: %v, want %q", n, rerr, want)
		}
		if _, ok := cache.Lookup(c.Server(), "vpn", n, "a.xml"); ok {
			t.Errorf("build %d: a broken download is in the cache", n)
		}
	}
}

func TestMatchGlob(t *testing.T) {
	for _, c := range []struct {
		glob, path string
		want       bool
	}{
		{"**/*.xml", "TEST-a.xml", true},
		{"**/*.xml", "target/surefire-reports/TEST-a.xml", true},
		{"**/*.xml", "report.xml.gz", false},
		{"target/*/TEST-*.xml", "target/x/TEST-a.xml", true},
		{"target/*/TEST-*.xml", "target/x/y/TEST-a.xml", false},
		{"**/reports/**/*.xml", "a/reports/b/c/d.xml", true},
	} {
		if got := jenkins.MatchGlob(c.glob, c.path); got != c.want {
			t.Errorf("MatchGlob(%q, %q) = %v", c.glob, c.path, got)
		}
	}
}

func TestTestReportDecoder(t *testing.T) {
	report := jenkinstest.TestReport([]jenkinstest.Case{
		{ClassName: "a.B", Name: "p", Status: "PASSED", Duration: 0.5},
		{ClassName: "a.B", Name: "f", Status: "FAILED", ErrorDetails: "boom\nmore"},
		{ClassName: "a.B", Name: "r", Status: "REGRESSION", ErrorDetails: "again"},
		{ClassName: "a.C", Name: "x", Status: "FIXED"},
		{ClassName: "", Name: "s", Status: "SKIPPED"},
		{ClassName: "a.D", Name: "nul\x00", Status: "FAILED", ErrorDetails: "a\x00b"},
	})
	// A matrix build wraps reports in childReports.
	matrix := `{"childReports":[{"child":{"number":1},"result":` + string(report) + `}],"failCount":2}`
	for name, in := range map[string]string{"plain": string(report), "matrix": matrix} {
		d := jenkins.NewTestReportDecoder(strings.NewReader(in), "report.json", 0)
		var got []core.Result
		for {
			var r core.Result
			err := d.Next(&r)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got = append(got, r)
		}
		var c core.Counts
		for i := range got {
			c.Add(&got[i])
		}
		if c.Tests != 6 || c.Passed != 2 || c.Failed != 3 || c.Skipped != 1 || got[1].Message != "boom\nmore" || got[0].Duration != 0.5 {
			t.Errorf("%s: %+v %+v", name, c, got)
		}
		if got[4].Classname != "" {
			t.Errorf("%s: a case without class keeps its suite's name (empty here): %q", name, got[4].Classname)
		}
		if got[5].Name != "nul\uFFFD" || got[5].Message != "a\uFFFDb" {
			t.Errorf("%s: a NUL in JSON becomes U+FFFD: %q %q", name, got[5].Name, got[5].Message)
		}
	}
	for name, in := range map[string]string{"truncated": string(report[:len(report)/2]), "empty": "", "not json": "<html>"} {
		d := jenkins.NewTestReportDecoder(strings.NewReader(in), "report.json", 0)
		var r core.Result
		var err error
		for err == nil {
			err = d.Next(&r)
		}
		if err == io.EOF || !strings.Contains(err.Error(), "report.json") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCacheTrimAndClear(t *testing.T) {
	cache := &jenkins.Cache{Dir: t.TempDir(), Limit: 25_000}
	srv := jenkinstest.New("ci", "s3cret")
	defer srv.Close()
	data := make([]byte, 10_000)
	for n := int64(1); n <= 4; n++ {
		srv.AddBuild("vpn", &jenkinstest.Build{Number: n, Result: "SUCCESS", Artifacts: map[string][]byte{"a.xml": data}})
	}
	c := client(t, srv, "s3cret")
	for n := int64(1); n <= 4; n++ {
		s, err := c.Download(ctx, cache, "vpn", n, "a.xml")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
		s.Close()
		time.Sleep(10 * time.Millisecond) // distinct modification times
	}
	if err := cache.Trim(); err != nil {
		t.Fatal(err)
	}
	size, _ := cache.Size()
	if size > 25_000 {
		t.Errorf("cache holds %d bytes over its 25,000 limit", size)
	}
	if _, ok := cache.Lookup(c.Server(), "vpn", 4, "a.xml"); !ok {
		t.Error("the most recent artifact was evicted")
	}
	if _, ok := cache.Lookup(c.Server(), "vpn", 1, "a.xml"); ok {
		t.Error("the oldest artifact was kept")
	}
	if err := cache.Clear(); err != nil {
		t.Fatal(err)
	}
	if size, _ := cache.Size(); size != 0 {
		t.Errorf("%d bytes after Clear", size)
	}
}

func TestRetriesServerErrors(t *testing.T) {
	srv := jenkinstest.New("ci", "s3cret")
	defer srv.Close()
	srv.AddBuild("vpn", &jenkinstest.Build{Number: 1, Result: "SUCCESS"})
	c := client(t, srv, "s3cret")
	srv.FailNext(2)
	if builds, err := c.Builds(ctx, "vpn", 1); err != nil || len(builds) != 1 {
		t.Fatalf("after two 503s: %v %v", builds, err)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	srv.FailNext(10)
	_, err := c.Builds(ctx, "vpn", 1)
	var he *jenkins.HTTPError
	if !errors.As(err, &he) || he.Status != 503 {
		t.Fatalf("%v", err)
	}
	if n := len(srv.Requests()); n != 3+4 {
		t.Errorf("%d requests in all, want 7 (one and three retries)", n)
	}
}

func TestJobsBrowsesFolders(t *testing.T) {
	srv := jenkinstest.New("ci", "s3cret")
	defer srv.Close()
	for _, j := range []string{"team/vpn/nightly", "team/vpn/weekly", "team/ike", "standalone"} {
		srv.AddBuild(j, &jenkinstest.Build{Number: 1, Result: "SUCCESS"})
	}
	c := client(t, srv, "s3cret")
	top, err := c.Jobs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 2 || top[0].Name != "team" || !top[0].Folder || top[1].Name != "standalone" || top[1].Folder {
		t.Errorf("top level %+v", top)
	}
	vpn, err := c.Jobs(ctx, "team/vpn")
	if err != nil || len(vpn) != 2 || vpn[0].Path != "team/vpn/nightly" || vpn[0].Folder {
		t.Errorf("team/vpn: %+v %v", vpn, err)
	}
}
