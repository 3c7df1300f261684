package junit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/junit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func decodeAll(t testing.TB, name string, r io.Reader, maxText int) ([]core.Result, error) {
	t.Helper()
	d := junit.NewDecoder(r, name, maxText)
	var out []core.Result
	for {
		var res core.Result
		err := d.Next(&res)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
}

// TestGolden decodes every report in testdata/ and compares all fields of every case
// with the .golden file beside it (go test -update rewrites them).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.xml")
	runners, _ := filepath.Glob("testdata/runners/*/*.xml")
	if len(files) == 0 || len(runners) == 0 {
		t.Fatal("no testdata")
	}
	for _, f := range append(files, runners...) {
		t.Run(strings.TrimPrefix(f, "testdata/"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeAll(t, f, bytes.NewReader(data), 0)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetIndent("", "  ")
			for _, r := range got {
				if err := enc.Encode(goldenResult(r)); err != nil {
					t.Fatal(err)
				}
			}
			golden := strings.TrimSuffix(f, ".xml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("decoded results differ from %s:\n%s", golden, buf.String())
			}
		})
	}
}

type golden struct {
	Classname, Name, Status string
	Flaky                   bool `json:",omitempty"`
	Duration                float64
	Message, Type, Details  string `json:",omitempty"`
	SystemOut, SystemErr    string `json:",omitempty"`
}

func goldenResult(r core.Result) golden {
	return golden{r.Classname, r.Name, r.Status.String(), r.Flaky, r.Duration, r.Message, r.Type, r.Details, r.SystemOut, r.SystemErr}
}

// TestDialects checks the rules each dialect exercises, independently of the golden
// files.
func TestDialects(t *testing.T) {
	type want struct {
		counts core.Counts
		check  func(t *testing.T, rs []core.Result)
	}
	byName := func(rs []core.Result, name string) core.Result {
		for _, r := range rs {
			if r.Name == name {
				return r
			}
		}
		t.Fatalf("no case named %q", name)
		return core.Result{}
	}
	cases := map[string]want{
		"ant.xml": {core.Counts{Tests: 4, Passed: 1, Failed: 1, Errors: 1, Skipped: 1}, func(t *testing.T, rs []core.Result) {
			r := byName(rs, "rekeys")
			if r.Message != "expected:<3> but was:<2>" || !strings.Contains(r.Details, "TunnelTest.java:42") {
				t.Errorf("failure message/details: %q / %q", r.Message, r.Details)
			}
			if r := byName(rs, "fails over"); r.SystemOut != "dialing gateway-2\n" || r.Type != "java.net.ConnectException" {
				t.Errorf("error case: %+v", r)
			}
		}},
		"surefire.xml": {core.Counts{Tests: 5, Passed: 2, Failed: 3, Flaky: 2}, func(t *testing.T, rs []core.Result) {
			if r := byName(rs, "alwaysFails"); r.Flaky || r.Message != "first" {
				t.Errorf("a rerun failure keeps the first failure and is not flaky: %+v", r)
			}
			if r := byName(rs, "twoFailures"); r.Message != "one" {
				t.Errorf("the first of several failures decides the message: %q", r.Message)
			}
			if r := byName(rs, "errorThenFailure"); r.Status != core.Failed || r.Message != "the failure wins" {
				t.Errorf("precedence failed > error > skipped: %+v", r)
			}
		}},
		"nested.xml": {core.Counts{Tests: 3, Passed: 2, Failed: 1}, func(t *testing.T, rs []core.Result) {
			for name, class := range map[string]string{"shows a form": "Login page", "shows an error": "with a bad password", "back in the outer suite": "Login page"} {
				if r := byName(rs, name); r.Classname != class {
					t.Errorf("%q: the innermost suite stands in for an empty classname: got %q, want %q", name, r.Classname, class)
				}
			}
			if r := byName(rs, "shows an error"); r.Message != `Expected "Wrong password" to be visible` {
				t.Errorf("a failure without message takes its first line: %q", r.Message)
			}
		}},
		"pytest.xml":  {core.Counts{Tests: 4, Passed: 1, Failed: 1, Errors: 1, Skipped: 1}, nil},
		"gotest.xml":  {core.Counts{Tests: 3, Passed: 1, Failed: 1, Skipped: 1}, nil},
		"phpunit.xml": {core.Counts{Tests: 2, Passed: 1, Failed: 1}, nil},
		"jest.xml": {core.Counts{Tests: 2, Passed: 1, Failed: 1}, func(t *testing.T, rs []core.Result) {
			if r := byName(rs, "resolver times out"); !strings.Contains(r.Details, "at Object.<anonymous>") {
				t.Errorf("CDATA text: %q", r.Details)
			}
		}},
		"edge.xml": {core.Counts{Tests: 7, Passed: 7}, func(t *testing.T, rs []core.Result) {
			if rs[0].Classname != "Ünïcødé.Tëst" || rs[0].Name != "名前 😀 AB" || rs[0].Duration != 1234.5 {
				t.Errorf("BOM, non-ASCII, character references, thousands separator: %+v", rs[0])
			}
			if rs[1].Classname != "edge & cases" || rs[1].Name != "" || rs[1].Duration != 0 {
				t.Errorf("empty attributes: %+v", rs[1])
			}
			if byName(rs, "exp").Duration != 0.0015 || byName(rs, "bad time").Duration != 0 {
				t.Errorf("exponent / unreadable time")
			}
			byName(rs, "unknown &nbsp; entity") // kept as written, never resolved
			if r := byName(rs, "cdata"); r.SystemOut != "<not> &markup; and <text>" || r.SystemErr != "err line" {
				t.Errorf("CDATA and entities in output: %q %q", r.SystemOut, r.SystemErr)
			}
			byName(rs, "single quotes")
		}},
		"latin1.xml": {core.Counts{Tests: 1, Passed: 1}, func(t *testing.T, rs []core.Result) {
			if rs[0].Classname != "café" || rs[0].Name != "crème brûlée" {
				t.Errorf("ISO-8859-1 is converted: %+v", rs[0])
			}
		}},
	}
	for file, w := range cases {
		t.Run(file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rs, err := decodeAll(t, file, f, 0)
			if err != nil {
				t.Fatal(err)
			}
			var c core.Counts
			for i := range rs {
				c.Add(&rs[i])
			}
			c.Duration, w.counts.Duration = 0, 0
			if c != w.counts {
				t.Errorf("counts %+v, want %+v", c, w.counts)
			}
			if w.check != nil {
				w.check(t, rs)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name, input string
		line        int
		msg         string
	}{
		{"empty", "", 1, "no root element"},
		{"whitespace only", "  \n\n", 3, "no root element"},
		{"not XML", "this is not an xml file", 1, "not an XML report"},
		{"wrong root", "<?xml version='1.0'?>\n<test-results/>", 2, "the root element is <test-results>"},
		{"truncated", "<testsuite>\n<testcase name='a'>\n<failure>boom", 3, "<failure> is not closed"},
		{"truncated in a tag", "<testsuite>\n<testcase name='a", 2, "end of file inside a tag"},
		{"mismatched", "<testsuite>\n<testcase></testsuite>", 2, "</testsuite> does not close <testcase>"},
		{"stray end", "<testsuite></testsuite>\n</testsuite>", 2, "unexpected end tag"},
		{"second root", "<testsuite/>\n<testsuite/>", 2, "second root element"},
		{"text after root", "<testsuite/>\ngarbage", 2, "after the root element"},
		{"unquoted attribute", "<testsuite>\n<testcase name=a/></testsuite>", 2, "not quoted"},
		{"unterminated comment", "<testsuite>\n<!-- no end", 2, "inside a comment"},
		{"unterminated CDATA", "<testsuite><testcase><system-out><![CDATA[abc", 1, "inside a CDATA section"},
		{"UTF-16 declared, no byte order mark", `<?xml version="1.0" encoding="UTF-16"?><testsuite/>`, 1, "no UTF-16 byte order mark"},
		{"unknown encoding", "<?xml version='1.0' encoding='Shift_JIS'?><testsuite/>", 1, "not supported"},
		{"tag inside tag", "<testsuite>\n<testcase name='a' <failure/>", 2, "'<' before '>'"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeAll(t, "report.xml", strings.NewReader(c.input), 0)
			var je *junit.Error
			if !errors.As(err, &je) {
				t.Fatalf("got %v, want a *junit.Error", err)
			}
			if je.File != "report.xml" || je.Line != c.line || !strings.Contains(je.Msg, c.msg) {
				t.Errorf("got %q (line %d), want line %d and %q", err, je.Line, c.line, c.msg)
			}
			if !strings.HasPrefix(err.Error(), "report.xml line ") {
				t.Errorf("the message does not start with file and line: %q", err)
			}
		})
	}
}

// TestExternalEntitiesNeverResolved: a DOCTYPE that declares external and internal
// entities is skipped; references stay as written and no file is read.
func TestExternalEntitiesNeverResolved(t *testing.T) {
	in := `<?xml version="1.0"?>
<!DOCTYPE testsuite [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<testsuite name="s"><testcase classname="c" name="&xxe;"><failure message="&lol2;">&xxe;</failure></testcase></testsuite>`
	rs, err := decodeAll(t, "xxe.xml", strings.NewReader(in), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Name != "&xxe;" || rs[0].Message != "&lol2;" || rs[0].Details != "&xxe;" {
		t.Errorf("entities were expanded: %+v", rs)
	}
}

// hugeOutput streams a report whose one case has n bytes of <system-out>.
func hugeOutput(n int64) io.Reader {
	head := `<testsuite name="s"><testcase classname="c" name="big"><system-out>BEGIN `
	tail := ` END</system-out></testcase><testcase classname="c" name="after"/></testsuite>`
	return io.MultiReader(strings.NewReader(head), io.LimitReader(&repeatReader{s: "log line &amp; more\n"}, n), strings.NewReader(tail))
}

// repeatReader repeats s forever.
type repeatReader struct {
	s   string
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for i := 0; i < len(p); {
		n := copy(p[i:], r.s[r.off:])
		i += n
		r.off = (r.off + n) % len(r.s)
	}
	return len(p), nil
}

// TestHugeTextBoundedMemory: a 300 MB <system-out> is kept as head and tail, and
// decoding it allocates a small constant, not the text.
func TestHugeTextBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 300 MB")
	}
	const n = 300 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rs, err := decodeAll(t, "big.xml", hugeOutput(n), 0)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d cases, want 2", len(rs))
	}
	out := rs[0].SystemOut
	if len(out) > junit.DefaultMaxText+100 || !strings.HasPrefix(out, "BEGIN log line & more") || !strings.HasSuffix(out, "more\n END") || !strings.Contains(out, "bytes omitted") {
		t.Errorf("bounded text: %d bytes, head %q, tail %q", len(out), out[:40], out[len(out)-40:])
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("decoding allocated %d MB for a 300 MB text; want a bounded amount", alloc>>20)
	}
}

func TestMaxTextKeepsHeadAndTail(t *testing.T) {
	rs, err := decodeAll(t, "r.xml", strings.NewReader(`<testsuite><testcase name="a"><failure>`+
		strings.Repeat("é", 1000)+"MIDDLE"+strings.Repeat("z", 1000)+`</failure></testcase></testsuite>`), 400)
	if err != nil {
		t.Fatal(err)
	}
	d := rs[0].Details
	if strings.Contains(d, "MIDDLE") || !strings.HasPrefix(d, "éé") || !strings.HasSuffix(d, "zz") || !strings.Contains(d, "bytes omitted") {
		t.Errorf("details %q", d)
	}
	if !strings.Contains(d, "[... ") || len(d) > 450 {
		t.Errorf("details not bounded: %d bytes", len(d))
	}
	if strings.ContainsRune(d, '\uFFFD') {
		t.Errorf("a multi-byte character was cut: %q", d)
	}
}

// texts are the strings of r that come from the report.
func texts(r core.Result) []string {
	return []string{r.Classname, r.Name, r.Message, r.Type, r.Details, r.SystemOut, r.SystemErr}
}

// TestTextsAreClean: invalid UTF-8 and NUL, which XML forbids but reports contain, come
// out as U+FFFD in names, attributes, text and CDATA alike; clean text is untouched.
func TestTextsAreClean(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain ASCII", "plain ASCII"},
		{"caf\u00e9 \u2713 \U0001F600", "caf\u00e9 \u2713 \U0001F600"},
		{"a\x00b", "a\uFFFDb"},
		{"bad \xff\xfe byte", "bad \uFFFD byte"},
		{"cut \xc3", "cut \uFFFD"},
		{"ref &#0; and &#xD800;", "ref \uFFFD and \uFFFD"},
	} {
		doc := `<testsuite name="s"><testcase classname="c` + c.in + `" name="n` + c.in + `">` +
			`<failure message="m` + c.in + `" type="t` + c.in + `">d` + c.in + `</failure>` +
			`<system-out><![CDATA[o` + c.in + `]]></system-out><system-err>e` + c.in + `</system-err></testcase></testsuite>`
		rs, err := decodeAll(t, "r.xml", strings.NewReader(doc), 0)
		if err != nil || len(rs) != 1 {
			t.Fatalf("%q: %v", c.in, err)
		}
		got := texts(rs[0])
		if strings.Contains(c.in, "&") { // CDATA has no references
			got[5] = strings.Replace(got[5], "o"+c.in, "o"+c.want, 1)
		}
		for i, prefix := range []string{"c", "n", "m", "t", "d", "o", "e"} {
			if got[i] != prefix+c.want {
				t.Errorf("%q: field %d is %q, want %q", c.in, i, got[i], prefix+c.want)
			}
		}
	}
}

// TestWindowsReports: a report with CRLF line ends, or in UTF-16 with a byte order mark
// (either order), decodes exactly as the same report in UTF-8 with LF, read whole or a
// byte at a time.
func TestWindowsReports(t *testing.T) {
	const report = `<?xml version="1.0" encoding="%s"?>
<testsuite name="s">
  <testcase classname="w.CaféTest" name="emoji 😀">
    <failure message="two
lines" type="AssertionError">first line
second line
</failure>
    <system-out><![CDATA[out 1
out 2
]]></system-out>
  </testcase>
  <testcase classname="w.CaféTest" name="passes" time="1.5"/>
</testsuite>
`
	utf16 := func(s string, big bool) []byte {
		out := []byte{0xFF, 0xFE}
		if big {
			out = []byte{0xFE, 0xFF}
		}
		for _, u := range utf16.Encode([]rune(s)) {
			if big {
				out = append(out, byte(u>>8), byte(u))
			} else {
				out = append(out, byte(u), byte(u>>8))
			}
		}
		return out
	}
	lf := fmt.Sprintf(report, "UTF-8")
	crlf := strings.ReplaceAll(lf, "\n", "\r\n")
	want, err := decodeAll(t, "lf.xml", strings.NewReader(lf), 0)
	if err != nil || len(want) != 2 || want[0].Message != "two\nlines" || want[0].SystemOut != "out 1\nout 2\n" {
		t.Fatalf("the LF report: %v %+v", err, want)
	}
	for name, in := range map[string][]byte{
		"CRLF":                     []byte(crlf),
		"lone CR":                  []byte(strings.ReplaceAll(lf, "\n", "\r")),
		"UTF-16LE with CRLF":       utf16(strings.Replace(crlf, "UTF-8", "UTF-16", 1), false),
		"UTF-16BE":                 utf16(strings.Replace(lf, "UTF-8", "UTF-16", 1), true),
		"UTF-16LE, no declaration": utf16(lf[strings.IndexByte(lf, '\n')+1:], false),
	} {
		for _, r := range []io.Reader{bytes.NewReader(in), &oneByteReader{in}} {
			got, err := decodeAll(t, name, r, 0)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s (%T): %v\n got %+v\nwant %+v", name, r, err, got, want)
			}
		}
	}
}

// TestSmallReads feeds the decoder one byte at a time: tokens split across reads at
// every position decode the same.
func TestSmallReads(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		whole, err1 := decodeAll(t, f, bytes.NewReader(data), 0)
		split, err2 := decodeAll(t, f, &oneByteReader{data}, 0)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v / %v", f, err1, err2)
		}
		a, _ := json.Marshal(whole)
		b, _ := json.Marshal(split)
		if !bytes.Equal(a, b) {
			t.Errorf("%s decodes differently read byte by byte", f)
		}
	}
}

type oneByteReader struct{ b []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	p[0] = r.b[0]
	r.b = r.b[1:]
	return 1, nil
}

// FuzzDecoder: any input either decodes or fails with a *junit.Error; never a panic, and
// the error names the file and a line within the input.
func FuzzDecoder(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, p := range files {
		data, _ := os.ReadFile(p)
		f.Add(data)
	}
	f.Add([]byte("<testsuite><testcase><![CDATA[x]]></testcase></testsuite>"))
	f.Add([]byte("<!DOCTYPE x [<!ENTITY a 'b'>]><testsuites/>"))
	f.Add([]byte("\xff\xfe<\x00t\x00e\x00s\x00t\x00s\x00u\x00i\x00t\x00e\x00/\x00>\x00"))
	f.Add([]byte("<testsuite>\r\n<testcase name='a\r\nb'><failure>x\r\ny</failure></testcase>\r\n</testsuite>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := decodeAll(t, "fuzz.xml", bytes.NewReader(data), 256)
		if err == nil {
			for _, r := range rs {
				if r.Status > core.Failed || (r.Flaky && r.Status != core.Passed) {
					t.Fatalf("impossible result %+v", r)
				}
				for _, s := range texts(r) {
					if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
						t.Fatalf("a text is not clean UTF-8: %q", s)
					}
				}
			}
			return
		}
		var je *junit.Error
		if !errors.As(err, &je) {
			t.Fatalf("error is not a *junit.Error: %v", err)
		}
		if je.Line < 1 || je.Line > bytes.Count(data, []byte{'\n'})+1 {
			t.Fatalf("line %d outside the input (%d lines): %v", je.Line, bytes.Count(data, []byte{'\n'})+1, err)
		}
	})
}

// TestRunners: reports written by real runners (testdata/runners/README.md says how)
// count as the runners' own summaries do.
func TestRunners(t *testing.T) {
	for _, c := range []struct {
		file string
		want core.Counts // Duration is not compared
	}{
		// gotestsum counts attempts (11 tests in 3 runs); one test each, final verdict.
		{"gotestsum/run1.xml", core.Counts{Tests: 8, Passed: 6, Failed: 1, Skipped: 1, Flaky: 1}},
		{"gotestsum/run2.xml", core.Counts{Tests: 8, Passed: 6, Failed: 1, Skipped: 1, Flaky: 1}},
		{"go-junit-report/run1.xml", core.Counts{Tests: 8, Passed: 5, Failed: 2, Skipped: 1}},
		{"go-junit-report/run2.xml", core.Counts{Tests: 8, Passed: 5, Failed: 2, Skipped: 1}},
		// Node: skipped 1 + todo 2, one of them failing.
		{"node/run1.xml", core.Counts{Tests: 10, Passed: 6, Failed: 1, Skipped: 3}},
		{"node/run2.xml", core.Counts{Tests: 10, Passed: 6, Failed: 1, Skipped: 3}},
		// jest-junit writes the todo test as a passing case: Jest says 4 passed, 1 todo.
		{"jest/run1.xml", core.Counts{Tests: 7, Passed: 5, Failed: 1, Skipped: 1}},
		{"jest/run2.xml", core.Counts{Tests: 7, Passed: 5, Failed: 1, Skipped: 1}},
		{"mocha/run1.xml", core.Counts{Tests: 7, Passed: 4, Failed: 1, Skipped: 2}},
		{"mocha/run2.xml", core.Counts{Tests: 7, Passed: 4, Failed: 1, Skipped: 2}},
		{"vitest/run1.xml", core.Counts{Tests: 7, Passed: 4, Failed: 1, Skipped: 2}},
		{"vitest/run2.xml", core.Counts{Tests: 7, Passed: 4, Failed: 1, Skipped: 2}},
		// pytest: skipped 1 + xfailed 1.
		{"pytest/run1.xml", core.Counts{Tests: 10, Passed: 7, Failed: 1, Skipped: 2}},
		{"pytest/run2.xml", core.Counts{Tests: 10, Passed: 6, Failed: 2, Skipped: 2}},
		// CTest: did not run: one disabled, one skipped.
		{"ctest/run1.xml", core.Counts{Tests: 5, Passed: 2, Failed: 1, Skipped: 2}},
		{"ctest/run2.xml", core.Counts{Tests: 5, Passed: 2, Failed: 1, Skipped: 2}},
		// unittest: skipped 1 + expected failure 1.
		{"unittest/run1.xml", core.Counts{Tests: 7, Passed: 3, Failed: 1, Errors: 1, Skipped: 2}},
		{"unittest/run2.xml", core.Counts{Tests: 7, Passed: 3, Failed: 1, Errors: 1, Skipped: 2}},
		// PHPUnit: skipped 1 + incomplete 1.
		{"phpunit/run1.xml", core.Counts{Tests: 9, Passed: 5, Failed: 1, Errors: 1, Skipped: 2}},
		{"phpunit/run2.xml", core.Counts{Tests: 9, Passed: 5, Failed: 1, Errors: 1, Skipped: 2}},
		// JUnit 5 says "2 tests failed" in run 2: an assertion and an exception.
		{"junit5/run1.xml", core.Counts{Tests: 9, Passed: 7, Failed: 1, Skipped: 1}},
		{"junit5/run2.xml", core.Counts{Tests: 9, Passed: 6, Failed: 1, Errors: 1, Skipped: 1}},
	} {
		t.Run(c.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata/runners", c.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := decodeAll(t, c.file, f, 0)
			if err != nil {
				t.Fatal(err)
			}
			var counts core.Counts
			for i := range got {
				counts.Add(&got[i])
			}
			counts.Duration = 0
			if counts != c.want {
				t.Errorf("counts %+v, want %+v", counts, c.want)
			}
		})
	}
}

// TestRunnerRules: each of the runners' meanings on a small report of its own.
func TestRunnerRules(t *testing.T) {
	type res struct {
		id     string
		status core.Status
		flaky  bool
		msg    string
	}
	for _, c := range []struct {
		name, xml string
		want      []res
	}{
		{"disabled, notrun and skipped status attributes; a failure wins",
			`<testsuite name="s"><testcase classname="c" name="a" status="disabled"/><testcase classname="c" name="b" status="NOTRUN"/>
			<testcase classname="c" name="c" status="skipped"/><testcase classname="c" name="d" status="run"/>
			<testcase classname="c" name="e" status="disabled"><failure>boom</failure></testcase></testsuite>`,
			[]res{{"c::a", core.Skipped, false, "disabled"}, {"c::b", core.Skipped, false, "notrun"}, {"c::c", core.Skipped, false, "skipped"},
				{"c::d", core.Passed, false, ""}, {"c::e", core.Failed, false, "boom"}}},
		{"a todo wins over its failure, before or after it",
			`<testsuite name="s"><testcase classname="c" name="a"><skipped type="todo" message="true"/><failure message="1 !== 2"/></testcase>
			<testcase classname="c" name="b"><error message="crash"/><skipped type="TODO"/></testcase>
			<testcase classname="c" name="c"><skipped type="todo" message="true"/></testcase>
			<testcase classname="c" name="d"><skipped type="skipped"/><failure message="real"/></testcase></testsuite>`,
			[]res{{"c::a", core.Skipped, false, "1 !== 2"}, {"c::b", core.Skipped, false, "crash"}, {"c::c", core.Skipped, false, "todo"},
				{"c::d", core.Failed, false, "real"}}},
		{"a re-run that passed is one flaky test; other repeats stay apart",
			`<testsuite name="s"><testcase classname="c" name="flaky"><failure message="first"/></testcase>
			<testcase classname="c" name="param"/><testcase classname="c" name="param"/>
			<testcase classname="c" name="broken"><failure message="1"/></testcase><testcase classname="c" name="broken"><failure message="2"/></testcase>
			<testcase classname="c" name="flaky"><error message="second"/></testcase><testcase classname="c" name="flaky"/></testsuite>`,
			[]res{{"c::flaky", core.Passed, true, "second"}, {"c::param", core.Passed, false, ""}, {"c::param", core.Passed, false, ""},
				{"c::broken", core.Failed, false, "1"}, {"c::broken", core.Failed, false, "2"}}},
		{"re-runs are sought within one suite element",
			`<testsuites><testsuite name="a"><testcase classname="c" name="t"><failure/></testcase></testsuite>
			<testsuite name="b"><testcase classname="c" name="t"/></testsuite></testsuites>`,
			[]res{{"c::t", core.Failed, false, ""}, {"c::t", core.Passed, false, ""}}},
		{"in a gotestsum suite every repeat is an attempt: the last decides",
			`<testsuite name="pkg"><properties><property name="go.version" value="go1.22"/></properties>
			<testcase classname="pkg" name="TestA"><failure message="a1"/></testcase><testcase classname="pkg" name="TestB"/>
			<testcase classname="pkg" name="TestA"><failure message="a2"/></testcase><testcase classname="pkg" name="TestB"/>
			<testcase classname="pkg" name="TestC"><failure message="c1"/></testcase><testcase classname="pkg" name="TestC"/></testsuite>`,
			[]res{{"pkg::TestA", core.Failed, false, "a2"}, {"pkg::TestB", core.Passed, false, ""}, {"pkg::TestC", core.Passed, true, "c1"}}},
		{"Node's nested suites name its tests",
			`<testsuites><testsuite name="parser" time="0" disabled="0" errors="0" tests="1" failures="0" skipped="0" hostname="h">
			<testcase name="empty" classname="test"/><testsuite name="numbers" disabled="0"><testcase name="empty" classname="test"/></testsuite></testsuite>
			<testsuite name="formatter" disabled="0"><testcase name="empty" classname="test"/></testsuite><testcase name="top" classname="test"/></testsuites>`,
			[]res{{"parser::empty", core.Passed, false, ""}, {"parser > numbers::empty", core.Passed, false, ""},
				{"formatter::empty", core.Passed, false, ""}, {"test::top", core.Passed, false, ""}}},
		{"classname test elsewhere (CTest's timestamped suites, ESLint) is a classname",
			`<testsuites><testsuite name="(empty)" disabled="0" timestamp="t"><testcase name="test" classname="test" status="run"/></testsuite>
			<testsuite name="test.jsx" package="org.eslint"><testcase name="test.jsx" classname="test"/></testsuite></testsuites>`,
			[]res{{"test::test", core.Passed, false, ""}, {"test::test.jsx", core.Passed, false, ""}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := decodeAll(t, "rules.xml", strings.NewReader(c.xml), 0)
			if err != nil {
				t.Fatal(err)
			}
			var have []res
			for _, r := range got {
				have = append(have, res{r.Classname + "::" + r.Name, r.Status, r.Flaky, r.Message})
			}
			if !reflect.DeepEqual(have, c.want) {
				t.Errorf("got  %v\nwant %v", have, c.want)
			}
		})
	}
}
