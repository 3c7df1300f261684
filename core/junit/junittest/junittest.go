// Package junittest holds what tests of several packages need to check reports: the
// shared corpus of real reports, and an independent count of a report's cases made
// with encoding/xml.
package junittest

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regtracker/regtracker/core"
)

// Corpus lists the reports of the shared corpus at dir (../shared/junit-corpus seen
// from the repository; $REGTRACKER_CORPUS overrides it), the good ones and those under
// bad/. It skips the test, saying why, when the corpus is not there.
func Corpus(t testing.TB, dir string) (good, bad []string) {
	t.Helper()
	if d := os.Getenv("REGTRACKER_CORPUS"); d != "" {
		dir = d
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("skipping: the shared JUnit corpus is not at %s (%v)", dir, err)
	}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".xml") {
			return err
		}
		if strings.Contains(filepath.ToSlash(p), "/bad/") {
			bad = append(bad, p)
		} else {
			good = append(good, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return good, bad
}

// ReferenceCounts counts a report with encoding/xml, independently of the decoder, by
// the rules the README states: every <testcase> outside another testcase, its status
// from its direct children (failure, error, skipped, else passed; Surefire's flaky
// marks), a status attribute of disabled, notrun or skipped without a failure or an error
// is skipped, a <skipped type="todo"> wins over a failure; then, within each suite
// element, the re-runs of a test are one test: every repeat in a suite with a go.version
// property (the last attempt's verdict), elsewhere a test whose last occurrence passed
// after an earlier failure or error.
func ReferenceCounts(path string) (core.Counts, error) { return referenceCounts(path, true) }

// PlainCounts counts a report one test per <testcase>, the status from the case's
// children alone: the rules before the runners' own meanings were counted, to see which
// reports those change.
func PlainCounts(path string) (core.Counts, error) { return referenceCounts(path, false) }

func referenceCounts(path string, runnerRules bool) (core.Counts, error) {
	f, err := os.Open(path)
	if err != nil {
		return core.Counts{}, err
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	type refCase struct {
		id     core.TestID
		status core.Status
		flaky  bool
	}
	type suite struct {
		cases []refCase
		isGo  bool
	}
	var c core.Counts
	settle := func(s *suite) {
		order := []core.TestID{}
		groups := map[core.TestID][]refCase{}
		for _, rc := range s.cases {
			if _, ok := groups[rc.id]; !ok {
				order = append(order, rc.id)
			}
			groups[rc.id] = append(groups[rc.id], rc)
		}
		for _, id := range order {
			g := groups[id]
			last := g[len(g)-1]
			failedBefore := false
			for _, rc := range g[:len(g)-1] {
				failedBefore = failedBefore || rc.status == core.Failed || rc.status == core.Error
			}
			switch {
			case !runnerRules:
				for _, rc := range g {
					c.Add(&core.Result{Status: rc.status, Flaky: rc.flaky})
				}
			case len(g) > 1 && last.status == core.Passed && failedBefore:
				c.Add(&core.Result{Status: core.Passed, Flaky: true})
			case len(g) > 1 && s.isGo:
				c.Add(&core.Result{Status: last.status, Flaky: last.flaky})
			default:
				for _, rc := range g {
					c.Add(&core.Result{Status: rc.status, Flaky: rc.flaky})
				}
			}
		}
	}
	suites := []*suite{{}} // the document's cases outside any suite first
	var stack []string
	var cur refCase
	var failed, errored, skipped, todo, flaky bool
	var notRun string
	caseDepth := -1
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			settle(suites[0])
			return c, nil
		}
		if err != nil {
			return c, fmt.Errorf("reference parser: %s: %w", path, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name.Local)
			attr := func(name string) string {
				for _, a := range tok.Attr {
					if a.Name.Local == name {
						return a.Value
					}
				}
				return ""
			}
			switch {
			case tok.Name.Local == "testsuite" && caseDepth < 0:
				suites = append(suites, &suite{})
			case tok.Name.Local == "property" && caseDepth < 0 && len(stack) >= 3 &&
				stack[len(stack)-2] == "properties" && stack[len(stack)-3] == "testsuite":
				if attr("name") == "go.version" && attr("value") != "" {
					suites[len(suites)-1].isGo = true
				}
			case tok.Name.Local == "testcase" && caseDepth < 0:
				caseDepth = len(stack)
				cur = refCase{id: core.TestID{Classname: attr("classname"), Name: attr("name")}}
				failed, errored, skipped, todo, flaky = false, false, false, false, false
				notRun = ""
				switch st := strings.ToLower(attr("status")); st {
				case "disabled", "notrun", "skipped":
					notRun = st
				}
			case len(stack) == caseDepth+1:
				switch tok.Name.Local {
				case "failure":
					failed = true
				case "error":
					errored = true
				case "skipped":
					skipped = true
					todo = todo || strings.EqualFold(attr("type"), "todo")
				case "flakyFailure", "flakyError":
					flaky = true
				}
			}
		case xml.EndElement:
			switch {
			case len(stack) == caseDepth:
				cur.status = core.Passed
				if !runnerRules {
					todo, notRun = false, ""
				}
				switch {
				case todo:
					cur.status = core.Skipped
				case failed:
					cur.status = core.Failed
				case errored:
					cur.status = core.Error
				case skipped, notRun != "":
					cur.status = core.Skipped
				}
				cur.flaky = flaky && cur.status == core.Passed
				suites[len(suites)-1].cases = append(suites[len(suites)-1].cases, cur)
				caseDepth = -1
			case tok.Name.Local == "testsuite" && caseDepth < 0 && len(suites) > 1:
				settle(suites[len(suites)-1])
				suites = suites[:len(suites)-1]
			}
			stack = stack[:len(stack)-1]
		}
	}
}
