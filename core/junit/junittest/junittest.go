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

// ReferenceCounts counts a report with encoding/xml, independently of the decoder:
// every <testcase> outside another testcase, its status from its direct children.
func ReferenceCounts(path string) (core.Counts, error) {
	f, err := os.Open(path)
	if err != nil {
		return core.Counts{}, err
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var c core.Counts
	var stack []string
	var failed, errored, skipped, flaky bool
	caseDepth := -1
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return c, fmt.Errorf("reference parser: %s: %w", path, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name.Local)
			switch {
			case tok.Name.Local == "testcase" && caseDepth < 0:
				caseDepth = len(stack)
				failed, errored, skipped, flaky = false, false, false, false
			case len(stack) == caseDepth+1:
				switch tok.Name.Local {
				case "failure":
					failed = true
				case "error":
					errored = true
				case "skipped":
					skipped = true
				case "flakyFailure", "flakyError":
					flaky = true
				}
			}
		case xml.EndElement:
			if len(stack) == caseDepth {
				r := core.Result{Status: core.Passed}
				switch {
				case failed:
					r.Status = core.Failed
				case errored:
					r.Status = core.Error
				case skipped:
					r.Status = core.Skipped
				}
				r.Flaky = flaky && r.Status == core.Passed
				c.Add(&r)
				caseDepth = -1
			}
			stack = stack[:len(stack)-1]
		}
	}
}
