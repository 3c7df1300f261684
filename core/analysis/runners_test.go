package analysis

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/regtracker/regtracker/core/importer"
)

// TestRegressionsBetweenRunnerRuns: two runs of a suite by real runners (see
// core/junit/testdata/runners/README.md), a few tests flipped between them; regressions
// and fixed list exactly those.
func TestRegressionsBetweenRunnerRuns(t *testing.T) {
	for _, c := range []struct {
		runner             string
		regressions, fixed []string
	}{
		// TestFlaky fails once and passes on its re-run in both runs: not a regression.
		{"gotestsum", []string{"example.com/calc::TestSub"}, []string{"example.com/calc::TestDiv"}},
		{"go-junit-report", []string{"example.com/calc::TestSub"}, []string{"example.com/calc::TestDiv"}},
		// Three tests are called "handles empty input"; only one of them flipped.
		{"node", []string{"parser::rejects garbage"}, []string{"formatter::handles empty input"}},
		{"jest", []string{"calc subtracts::calc subtracts"}, []string{"calc divides::calc divides"}},
		{"mocha", []string{"subtracts::calc subtracts"}, []string{"divides::calc divides"}},
		{"vitest", []string{"calc.test.js::calc > subtracts"}, []string{"calc.test.js::calc > divides"}},
		{"pytest", []string{"test_calc::test_sub", "test_calc.TestParser::test_error"}, []string{"test_calc::test_div"}},
		{"ctest", []string{"subtract::subtract"}, []string{"divide::divide"}},
		{"unittest", []string{"test_calc.CalcTest::test_sub"}, []string{"test_calc.CalcTest::test_div"}},
		{"phpunit", []string{"CalcTest::testSubtracts"}, []string{"CalcTest::testDivides"}},
		{"junit5", []string{"CalcTest::crashes()", "CalcTest::subtracts()"}, []string{"CalcTest::divides()"}},
	} {
		t.Run(c.runner, func(t *testing.T) {
			s := openStore(t)
			dir := filepath.Join("..", "junit", "testdata", "runners", c.runner)
			for n, file := range []string{"run1.xml", "run2.xml"} {
				opts := importer.Options{Job: jobRef("7.0/" + c.runner + "/" + string(rune('1'+n)))}
				if _, err := importer.Import(ctx, s, []string{filepath.Join(dir, file)}, opts); err != nil {
					t.Fatal(err)
				}
			}
			cmp, err := Compare(ctx, s, jobRef("7.0/"+c.runner+"/2"), nil)
			if err != nil {
				t.Fatal(err)
			}
			ids := func(cs []Change) []string {
				out := []string{}
				for _, ch := range cs {
					out = append(out, ch.Test.String())
				}
				return out
			}
			if got := ids(cmp.Regressions); !reflect.DeepEqual(got, c.regressions) {
				t.Errorf("regressions %q, want %q", got, c.regressions)
			}
			if got := ids(cmp.Fixed); !reflect.DeepEqual(got, c.fixed) {
				t.Errorf("fixed %q, want %q", got, c.fixed)
			}
		})
	}
}
