package junit_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/junit"
	"github.com/regtracker/regtracker/core/junit/junittest"
)

func corpusFiles(t *testing.T) (good, bad []string) {
	return junittest.Corpus(t, "../../../shared/junit-corpus")
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
		want, err := junittest.ReferenceCounts(p)
		if err != nil {
			t.Fatal(err)
		}
		got.Duration, want.Duration = 0, 0
		if got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", p, got, want)
		}
	}
}

// The runners' meanings (disabled and todo tests, re-runs) change the counts of exactly
// these corpus reports; every other report counts one test per <testcase> as before.
func TestCorpusReportsTheRunnersRulesChange(t *testing.T) {
	good, _ := corpusFiles(t)
	want := []string{
		"EnricoMi__publish-unit-test-result-action/python__test__files__junit-xml__tst__disabled.xml",
		"allure-framework__allure2/plugins__junit-xml-plugin__src__test__resources__junitdata__TEST-status-attribute.xml",
		"mikepenz__action-junit-report/test_results__flaky_retries__flaky_with_classname_file.xml",
		"mikepenz__action-junit-report/test_results__issues__testDisabled.xml",
		"mikepenz__action-junit-report/test_results__junit-server-test__report.xml",
	}
	var changed []string
	for _, p := range good {
		rules, err := junittest.ReferenceCounts(p)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := junittest.PlainCounts(p)
		if err != nil {
			t.Fatal(err)
		}
		if rules != plain {
			// PROJECT/FILE, wherever the corpus is ($REGTRACKER_CORPUS or ../shared).
			changed = append(changed, filepath.Base(filepath.Dir(p))+"/"+filepath.Base(p))
		}
	}
	if !slices.Equal(changed, want) {
		t.Errorf("the rules change the counts of\n%s\nwant\n%s", strings.Join(changed, "\n"), strings.Join(want, "\n"))
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
