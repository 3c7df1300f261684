package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
)

// A report of hand-made content: every format escapes what its syntax would misread,
// and an unknown format is refused.
func TestWriteEscapes(t *testing.T) {
	base := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 13}
	job := core.Job{JobRef: core.JobRef{ModuleRef: base.ModuleRef, Number: 14}, Counts: core.Counts{Tests: 2, Passed: 1, Failed: 1}}
	bad := analysis.Change{Test: core.TestID{Classname: "a|b", Name: "<script>alert(1)</script>"}, Status: core.Failed,
		BaseStatus: core.Passed, InBase: true, Message: "expected:<1|2> but was:<3>\nsecond line"}
	r := Report{Job: job, Comparison: analysis.Comparison{Job: job.JobRef, Base: &base, Regressions: []analysis.Change{bad}},
		Written: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	var md, page, csv bytes.Buffer
	for name, buf := range map[string]*bytes.Buffer{"md": &md, "html": &page, "csv": &csv} {
		if err := Write(buf, name, r); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(md.String(), `| a\|b\:\:&lt;script&gt;alert(1)&lt;/script&gt; | passed → failed | expected\:&lt;1\|2&gt; but was\:&lt;3&gt; | 1\|2 | 3 |`) {
		t.Errorf("markdown row:\n%s", md.String())
	}
	if strings.Contains(page.String(), "<script>") || !strings.Contains(page.String(), "&lt;script&gt;") {
		t.Error("the HTML does not escape a test's name")
	}
	if !strings.HasPrefix(csv.String(), "kind,classname,name,") || !strings.Contains(csv.String(), "\"expected:<1|2> but was:<3>\nsecond line\"") {
		t.Errorf("csv:\n%s", csv.String())
	}
	if err := Write(&md, "pdf", r); err == nil {
		t.Error("a pdf report was written")
	}
}

// unescaped counts the times c stands in s without a backslash before it.
func unescaped(s string, c byte) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case c:
			n++
		}
	}
	return n
}

// Names, messages, groups and reasons holding markup, Markdown syntax, pipes and line
// breaks: every row of the Markdown keeps its columns, and nothing of them can render as
// an element (no raw '<', no unescaped link, image, code or emphasis syntax).
func TestMarkdownCellsAreText(t *testing.T) {
	hostile := []string{
		"<img src=x onerror=alert(3)>", "a|b", "line one\nline two\r\nthree", "[click](javascript:alert(1))",
		"![img](http://x/y.png)", "`code` **bold** _em_ ~~gone~~", "https://evil.example/ www.evil.example a@b.example",
		"&lt;script&gt;", "# heading", "back\\slash\\|", "<!-- c -->", "\t<b>tab</b>",
	}
	base := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 13}
	job := core.Job{JobRef: core.JobRef{ModuleRef: base.ModuleRef, Number: 14}, Counts: core.Counts{Tests: 2, Passed: 1, Failed: 1}}
	var regs []analysis.Change
	var groups []analysis.Group
	for i, h := range hostile {
		ch := analysis.Change{Test: core.TestID{Classname: h, Name: h}, Status: core.Failed, BaseStatus: core.Passed, InBase: true,
			Message: "expected:<" + h + "> but was:<" + h + "x>"}
		if i%2 == 0 {
			ch.Known = &core.KnownIssue{ID: int64(i), Reason: h, Link: h}
		}
		regs = append(regs, ch)
		groups = append(groups, analysis.Group{Signature: h, Count: i + 1, Example: ch})
	}
	r := Report{Job: job, Comparison: analysis.Comparison{Job: job.JobRef, Base: &base, Regressions: regs}, Groups: groups}
	var md bytes.Buffer
	if err := Write(&md, "md", r); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	if strings.ContainsAny(out, "<>") {
		t.Errorf("raw < or > in the Markdown:\n%s", out)
	}
	rows := 0
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		rows++
		want := 7 // six columns
		if strings.Contains(line, "| Failures |") || unescaped(line, '|') == 4 {
			want = 4 // the groups' three
		}
		if got := unescaped(line, '|'); got != want {
			t.Errorf("row with %d cell breaks, want %d: %s", got, want, line)
		}
		for _, c := range []byte{'`', '[', ']', '*', '_', '~', '!', ':', '@'} {
			if n := unescaped(line, c); n > 0 && !(c == ':' && strings.Contains(line, "| Known issue |")) {
				t.Errorf("unescaped %q in: %s", c, line)
			}
		}
	}
	if want := 2 * (1 + len(hostile)); rows != want { // a header and a row each, in two tables
		t.Errorf("%d table rows, want %d:\n%s", rows, want, out)
	}
}

// The CSV reads back as written, per RFC 4180: quotes doubled, fields with a comma, a
// quote or a line break quoted.
func TestCSVReadsBackEqual(t *testing.T) {
	base := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 13}
	job := core.Job{JobRef: core.JobRef{ModuleRef: base.ModuleRef, Number: 14}}
	msg := "he said \"no\", then, on a new line:\nrefused\r\n\"quoted\",end"
	ch := analysis.Change{Test: core.TestID{Classname: "a,b", Name: "\"n\"\nx"}, Status: core.Failed, BaseStatus: core.Passed, InBase: true, Message: msg}
	r := Report{Job: job, Comparison: analysis.Comparison{Job: job.JobRef, Base: &base, Regressions: []analysis.Change{ch}}}
	var out bytes.Buffer
	if err := Write(&out, "csv", r); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 2 || records[1][1] != "a,b" || records[1][2] != "\"n\"\nx" || records[1][5] != strings.ReplaceAll(msg, "\r\n", "\n") {
		t.Errorf("read back %q", records)
	}
}
