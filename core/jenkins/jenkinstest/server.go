// Package jenkinstest is a Jenkins stand-in for tests: an httptest server that answers
// the REST API's URL shapes (folders, a path prefix, builds, artifacts, the JUnit
// plugin's test report) with HTTP Basic authentication, and records the requests made.
package jenkinstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Build is one build the stand-in serves.
type Build struct {
	Number    int64
	Result    string // empty while Building
	Building  bool
	Artifacts map[string][]byte // relative path -> content
	// ArtifactFiles are artifacts served from files (relative path -> file path), for
	// reports too large to hold in memory.
	ArtifactFiles map[string]string
	// TestReport is the JUnit plugin's JSON report; nil answers 404.
	TestReport []byte
	// BreakAfter, when > 0, drops every artifact download of this build after this
	// many bytes.
	BreakAfter int
	// Stall, when > 0, makes artifact downloads send half, then wait this long.
	Stall time.Duration
	// Revision is the git plugin's lastBuiltRevision; Changes the build's change set,
	// served as a pipeline's changeSets, or as a freestyle job's changeSet when
	// Freestyle is set.
	Revision  string
	Changes   []Change
	Freestyle bool
}

// TwoCases is the archived artifacts of a build with one JUnit report, TEST-a.xml: the
// tests vpn.T::a, which passes, and vpn.T::b, which passes, or fails when failing.
func TwoCases(failing bool) map[string][]byte {
	b := `<testcase classname="vpn.T" name="b"/>`
	if failing {
		b = `<testcase classname="vpn.T" name="b"><failure message="boom"/></testcase>`
	}
	return map[string][]byte{"TEST-a.xml": []byte(`<testsuite name="s"><testcase classname="vpn.T" name="a"/>` + b + `</testsuite>`)}
}

// Change is one commit of a build's change set.
type Change struct {
	ID, Author, Message string
	Time                time.Time
	Paths               []string
}

// Request is one request the stand-in received.
type Request struct {
	Path  string // without the prefix
	Query string
	User  string // from the Basic header
	OK    bool   // the credentials were right
}

// Server is the stand-in. Jobs maps "FOLDER/.../JOB" to its builds.
type Server struct {
	*httptest.Server
	Prefix      string
	User, Token string
	Version     string

	mu       sync.Mutex
	jobs     map[string][]*Build
	requests []Request
	failNext int
}

// FailNext makes the next n requests answer 503 Service Unavailable.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// New starts a stand-in under the path prefix "/jenkins/" that accepts user and token.
func New(user, token string) *Server {
	s := &Server{Prefix: "/jenkins/", User: user, Token: token, Version: "2.479.3", jobs: map[string][]*Build{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// BaseURL is the URL a client is given: the server with its prefix.
func (s *Server) BaseURL() string { return s.Server.URL + s.Prefix }

// AddBuild adds a build to a job.
func (s *Server) AddBuild(job string, b *Build) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[job] = append(s.jobs[job], b)
}

// SetBuild replaces the build of job with b's number (a running build that completed,
// say), or adds b. Requests under way keep the build they read.
func (s *Server) SetBuild(job string, b *Build) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, o := range s.jobs[job] {
		if o.Number == b.Number {
			s.jobs[job][i] = b
			return
		}
	}
	s.jobs[job] = append(s.jobs[job], b)
}

// SetToken makes the stand-in accept token instead (a token rotated on the server).
func (s *Server) SetToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Token = token
}

// RemoveJob makes job vanish: its URLs answer 404.
func (s *Server) RemoveJob(job string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.jobs, job)
}

// ForgetRequests empties the record of requests (a long test keeps its memory flat).
func (s *Server) ForgetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

var buildPath = regexp.MustCompile(`^(\d+|lastCompletedBuild|lastBuild)/(api/json|testReport/api/json|artifact/(.+))$`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	user, token, _ := r.BasicAuth()
	rest, inPrefix := strings.CutPrefix(r.URL.EscapedPath(), s.Prefix)
	s.mu.Lock()
	ok := user == s.User && token == s.Token
	s.requests = append(s.requests, Request{Path: rest, Query: r.URL.RawQuery, User: user, OK: ok})
	fail := s.failNext > 0
	if fail {
		s.failNext--
	}
	s.mu.Unlock()
	if fail {
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	if !inPrefix {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("X-Jenkins", s.Version)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="Jenkins"`)
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	if rest == "api/json" {
		if strings.Contains(r.URL.Query().Get("tree"), "jobs[") {
			s.listJobs(w, "")
			return
		}
		writeJSON(w, map[string]any{"mode": "NORMAL"})
		return
	}
	// job/a/job/b/...
	var segs []string
	for strings.HasPrefix(rest, "job/") {
		seg, after, _ := strings.Cut(strings.TrimPrefix(rest, "job/"), "/")
		name, err := unescape(seg)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		segs, rest = append(segs, name), after
	}
	if rest == "api/json" && strings.Contains(r.URL.Query().Get("tree"), "jobs[") && s.isFolder(strings.Join(segs, "/")) {
		s.listJobs(w, strings.Join(segs, "/"))
		return
	}
	s.mu.Lock()
	builds, found := s.jobs[strings.Join(segs, "/")]
	builds = slices.Clone(builds)
	s.mu.Unlock()
	if !found {
		http.NotFound(w, r)
		return
	}
	slices.SortFunc(builds, func(a, b *Build) int { return int(b.Number - a.Number) }) // newest first
	if rest == "api/json" {
		s.listBuilds(w, r, builds)
		return
	}
	m := buildPath.FindStringSubmatch(rest)
	if m == nil {
		http.NotFound(w, r)
		return
	}
	b := pick(builds, m[1])
	if b == nil {
		http.NotFound(w, r)
		return
	}
	switch {
	case m[2] == "api/json":
		writeJSON(w, buildJSON(b, true))
	case m[2] == "testReport/api/json":
		if b.TestReport == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b.TestReport)
	default:
		rel, err := unescape(m[3])
		if file, ok := b.ArtifactFiles[rel]; ok && err == nil {
			http.ServeFile(w, r, file)
			return
		}
		data, ok := b.Artifacts[rel]
		if err != nil || !ok {
			http.NotFound(w, r)
			return
		}
		serveArtifact(w, b, data)
	}
}

func unescape(s string) (string, error) { return url.PathUnescape(s) }

func pick(builds []*Build, which string) *Build {
	for _, b := range builds {
		switch which {
		case "lastBuild":
			return b
		case "lastCompletedBuild":
			if !b.Building {
				return b
			}
		default:
			if strconv.FormatInt(b.Number, 10) == which {
				return b
			}
		}
	}
	return nil
}

// isFolder reports whether some job lives below path.
func (s *Server) isFolder(path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for j := range s.jobs {
		if strings.HasPrefix(j, path+"/") {
			return true
		}
	}
	return false
}

// listJobs answers a folder's item list: its jobs, and its sub-folders.
func (s *Server) listJobs(w http.ResponseWriter, folder string) {
	s.mu.Lock()
	seen := map[string]bool{}
	var items []map[string]any
	prefix := folder + "/"
	if folder == "" {
		prefix = ""
	}
	var names []string
	for j := range s.jobs {
		if strings.HasPrefix(j, prefix) {
			names = append(names, strings.TrimPrefix(j, prefix))
		}
	}
	s.mu.Unlock()
	slices.Sort(names)
	for _, n := range names {
		first, rest, sub := strings.Cut(n, "/")
		if seen[first] {
			continue
		}
		seen[first] = true
		if sub && rest != "" {
			items = append(items, map[string]any{"_class": "com.cloudbees.hudson.plugins.folder.Folder", "name": first, "jobs": []any{}})
		} else {
			items = append(items, map[string]any{"_class": "hudson.model.FreeStyleProject", "name": first})
		}
	}
	writeJSON(w, map[string]any{"jobs": items})
}

var limitRe = regexp.MustCompile(`\{(\d+),(\d+)\}$`)

func (s *Server) listBuilds(w http.ResponseWriter, r *http.Request, builds []*Build) {
	tree := r.URL.Query().Get("tree")
	if m := limitRe.FindStringSubmatch(tree); m != nil {
		from, _ := strconv.Atoi(m[1])
		to, _ := strconv.Atoi(m[2])
		builds = builds[min(from, len(builds)):min(to, len(builds))]
	}
	out := make([]any, len(builds))
	for i, b := range builds {
		out[i] = buildJSON(b, false)
	}
	writeJSON(w, map[string]any{"allBuilds": out})
}

func buildJSON(b *Build, withArtifacts bool) map[string]any {
	out := map[string]any{"number": b.Number, "building": b.Building, "timestamp": 1769573422000 + b.Number*3600000, "duration": 60000}
	if b.Result != "" {
		out["result"] = b.Result
	} else {
		out["result"] = nil
	}
	if withArtifacts {
		arts := []map[string]string{}
		names := make([]string, 0, len(b.Artifacts)+len(b.ArtifactFiles))
		for rel := range b.Artifacts {
			names = append(names, rel)
		}
		for rel := range b.ArtifactFiles {
			names = append(names, rel)
		}
		slices.Sort(names)
		for _, rel := range names {
			arts = append(arts, map[string]string{"fileName": path.Base(rel), "relativePath": rel})
		}
		out["artifacts"] = arts
		items := []map[string]any{}
		for _, c := range b.Changes {
			msg, _, _ := strings.Cut(c.Message, "\n")
			items = append(items, map[string]any{"commitId": c.ID, "author": map[string]string{"fullName": c.Author},
				"timestamp": c.Time.UnixMilli(), "msg": msg, "comment": c.Message + "\n", "affectedPaths": c.Paths})
		}
		set := map[string]any{"_class": "hudson.plugins.git.GitChangeSetList", "kind": "git", "items": items}
		if b.Freestyle {
			out["changeSet"] = set
		} else {
			out["changeSets"] = []any{set}
		}
		actions := []any{map[string]any{"_class": "hudson.model.CauseAction"}}
		if b.Revision != "" {
			actions = append(actions, map[string]any{"_class": "hudson.plugins.git.util.BuildData",
				"lastBuiltRevision": map[string]string{"SHA1": b.Revision}})
		}
		out["actions"] = actions
	}
	return out
}

func serveArtifact(w http.ResponseWriter, b *Build, data []byte) {
	w.Header().Set("Content-Type", "application/xml")
	switch {
	case b.BreakAfter > 0:
		// Announce the whole length, send part of it, and drop the connection.
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:min(b.BreakAfter, len(data))])
		if hj, ok := w.(http.Hijacker); ok {
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
			conn, _, err := hj.Hijack()
			if err == nil {
				conn.Close()
			}
		}
	case b.Stall > 0:
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		half := len(data) / 2
		w.Write(data[:half])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		time.Sleep(b.Stall)
		w.Write(data[half:])
	default:
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// Case is one case of a TestReport.
type Case struct {
	ClassName, Name, Status string // Status: PASSED, FAILED, SKIPPED, FIXED, REGRESSION
	Duration                float64
	ErrorDetails            string
}

// TestReport renders cases as the JUnit plugin's JSON, in suites by class name.
func TestReport(cases []Case) []byte {
	type jcase struct {
		ClassName    string  `json:"className"`
		Name         string  `json:"name"`
		Status       string  `json:"status"`
		Duration     float64 `json:"duration"`
		Skipped      bool    `json:"skipped"`
		ErrorDetails *string `json:"errorDetails"`
		Age          int     `json:"age"`
	}
	type suite struct {
		Name  string  `json:"name"`
		Cases []jcase `json:"cases"`
	}
	var suites []suite
	for _, c := range cases {
		if len(suites) == 0 || suites[len(suites)-1].Name != c.ClassName {
			suites = append(suites, suite{Name: c.ClassName})
		}
		jc := jcase{ClassName: c.ClassName, Name: c.Name, Status: c.Status, Duration: c.Duration, Skipped: c.Status == "SKIPPED"}
		if c.ErrorDetails != "" {
			jc.ErrorDetails = &c.ErrorDetails
		}
		suites[len(suites)-1].Cases = append(suites[len(suites)-1].Cases, jc)
	}
	data, err := json.Marshal(map[string]any{"_class": "hudson.tasks.junit.TestResult", "duration": 1.5, "empty": false,
		"failCount": 0, "passCount": 0, "skipCount": 0, "suites": suites})
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return data
}
