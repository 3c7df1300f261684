package assertdiff

import (
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/junit"
	"github.com/regtracker/regtracker/core/junit/junittest"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		msg                     string
		shape, expected, actual string
	}{
		{"expected:<3> but was:<4>", "junit4", "3", "4"},
		{"Status expected:<200> but was:<403>", "junit4", "200", "403"},
		{"greeting expected:<hel[lo]> but was:<hel[p]>", "junit4", "hel[lo]", "hel[p]"},
		{"multi-line expected:<a\nb> but was:<a\nc>", "junit4", "a\nb", "a\nc"},
		{"sum ==> expected: <10> but was: <12>", "junit5", "10", "12"},
		{"expected: [on] but was: [off]", "junit5", "on", "off"},
		{"\nexpected: \"Frodo\"\n but was: \"Sam\"", "assertj", `"Frodo"`, `"Sam"`},
		{"\nExpecting actual:\n  \"Sam\"\nto be equal to:\n  \"Frodo\"\nwhen comparing values using 'String'", "assertj", `"Frodo"`, `"Sam"`},
		{"\nExpected: <100.10>\n     but: was <100.11>", "hamcrest", "<100.10>", "<100.11>"},
		{"  Expected: False\r\n  But was:  True\r\n", "nunit", "False", "True"},
		{"Error Trace:\tcalc_test.go:12\n\tError:      \tNot equal: \n\t            \texpected: 3\n\t            \tactual  : 4\n\t            \t\n\tTest:       \tTestAdd", "testify", "3", "4"},
		{"expect(received).toBe(expected) // Object.is equality\n\nExpected: \x1b[32m3\x1b[39m\nReceived: \x1b[31m4\x1b[39m\n    at Object.toBe (calc.test.js:6:40)", "jest", "3", "4"},
		{"expected [1.2.1] but found [1.2.0]", "testng", "1.2.1", "1.2.0"},
		{"AssertionError: assert 'test' == 'xyz'\n  - xyz\n  + test", "pytest", "'xyz'", "'test'"},
		{"assert 4 == 3\n +  where 4 = add(2, 2)", "pytest", "3", "4"},
		{"Expected values to be strictly equal:\n\n1 !== 2\n", "node", "2", "1"},
	} {
		v, ok := Parse(c.msg)
		if !ok || v.Shape != c.shape || v.Expected != c.expected || v.Actual != c.actual {
			t.Errorf("%q:\n got %+v %v\nwant %s %q %q", c.msg, v, ok, c.shape, c.expected, c.actual)
		}
	}
	for _, msg := range []string{"", "boom", "connection reset by peer", "expected false to be true", "Timeout after 30s"} {
		if v, ok := Parse(msg); ok {
			t.Errorf("%q parsed as %+v", msg, v)
		}
	}
}

func TestDiff(t *testing.T) {
	for _, c := range []struct {
		expected, actual string
		want             []Piece
	}{
		{"abc", "abc", []Piece{{Equal, "abc"}}},
		{"", "", nil},
		{"hello", "help", []Piece{{Equal, "hel"}, {Expected, "lo"}, {Actual, "p"}}},
		{"3", "12", []Piece{{Expected, "3"}, {Actual, "12"}}},
		{"kitten", "sitting", []Piece{{Expected, "k"}, {Actual, "s"}, {Equal, "itt"}, {Expected, "e"}, {Actual, "i"}, {Equal, "n"}, {Actual, "g"}}},
		{"naïve ✓", "naive ✓", []Piece{{Equal, "na"}, {Expected, "ï"}, {Actual, "i"}, {Equal, "ve ✓"}}},
	} {
		got := Diff(c.expected, c.actual)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Diff(%q, %q) = %v, want %v", c.expected, c.actual, got, c.want)
		}
		// The pieces rebuild both sides.
		var e, a strings.Builder
		for _, p := range got {
			if p.Op != Actual {
				e.WriteString(p.Text)
			}
			if p.Op != Expected {
				a.WriteString(p.Text)
			}
		}
		if e.String() != c.expected || a.String() != c.actual {
			t.Errorf("Diff(%q, %q) rebuilds %q and %q", c.expected, c.actual, e.String(), a.String())
		}
	}
	// Too long to tabulate: the middle is replaced whole.
	long := strings.Repeat("x", 3000)
	if got := Diff("a"+long+"b", "a"+strings.Repeat("y", 3000)+"b"); len(got) != 4 || got[1].Op != Expected || got[2].Op != Actual {
		t.Errorf("long values: %d pieces", len(got))
	}
}

// TestCorpusMessages: the failure messages of real reports in the corpus that use the
// wordings above give both values.
func TestCorpusMessages(t *testing.T) {
	good, _ := junittest.Corpus(t, "../../../shared/junit-corpus")
	shapes := map[string]int{}
	for _, p := range good {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		d := junit.NewDecoder(f, p, 0)
		var r core.Result
		for {
			if err := d.Next(&r); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Logf("%v", err)
				}
				break
			}
			if !r.Status.IsFailure() {
				continue
			}
			worded := strings.Contains(r.Message, "but was") || strings.Contains(r.Message, "but found") ||
				strings.Contains(r.Message, "strictly equal") || strings.HasPrefix(r.Message, "AssertionError: assert ")
			v, ok := Parse(r.Message)
			if worded && !ok {
				t.Errorf("%s: %s: %q not parsed", p, r.Name, r.Message)
			}
			if ok {
				shapes[v.Shape]++
			}
		}
		f.Close()
	}
	t.Logf("parsed corpus messages by shape: %v", shapes)
	for _, s := range []string{"junit4", "junit5", "hamcrest", "nunit", "testng", "pytest", "node"} {
		if shapes[s] == 0 {
			t.Errorf("no corpus message of shape %s parsed", s)
		}
	}
}
