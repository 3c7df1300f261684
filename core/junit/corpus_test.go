package junit_test

import (
	"errors"
	"io"
	"os"
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
