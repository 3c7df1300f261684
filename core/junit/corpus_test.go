package junit_test

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/junit"
)

// corpusDir is the shared corpus of real reports; CI always has it.
const corpusDir = "../../../shared/junit-corpus"

// corpusFiles lists the corpus's reports, good ones and those under bad/.
func corpusFiles(t *testing.T) (good, bad []string) {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("skipping: the shared JUnit corpus is not at %s (%v)", corpusDir, err)
	}
	err := filepath.WalkDir(corpusDir, func(p string, e os.DirEntry, err error) error {
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

// referenceCounts counts a report with encoding/xml, independently of the decoder:
// every <testcase> outside another testcase, its status from its direct children.
func referenceCounts(t *testing.T, path string) core.Counts {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
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
			return c
		}
		if err != nil {
			t.Fatalf("reference parser: %s: %v", path, err)
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

func decodeFile(path string) (core.Counts, error) {
	f, err := os.Open(path)
	if err != nil {
		return core.Counts{}, err
	}
	defer f.Close()
	d := junit.NewDecoder(f, path, 0)
	var c core.Counts
	var r core.Result
	for {
		err := d.Next(&r)
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return c, err
		}
		c.Add(&r)
	}
}

func TestCorpusCountsMatchReference(t *testing.T) {
	good, _ := corpusFiles(t)
	if len(good) < 100 {
		t.Fatalf("only %d reports found in the corpus", len(good))
	}
	for _, p := range good {
		got, err := decodeFile(p)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		want := referenceCounts(t, p)
		got.Duration, want.Duration = 0, 0
		if got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", p, got, want)
		}
	}
}

func TestCorpusBadFilesFailClearly(t *testing.T) {
	_, bad := corpusFiles(t)
	for _, p := range bad {
		_, err := decodeFile(p)
		if err == nil {
			continue // some files under bad/ are readable reports; surviving them is fine
		}
		var je *junit.Error
		if !errors.As(err, &je) {
			t.Errorf("%s: error is not a *junit.Error: %v", p, err)
			continue
		}
		if je.File != p || je.Line < 1 || !strings.HasPrefix(err.Error(), p+" line ") {
			t.Errorf("%s: error does not name the file and line: %v", p, err)
		}
	}
}
