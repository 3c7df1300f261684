// Package report writes a job's comparison with its base for people and tools:
// Markdown, one standalone HTML file, or CSV.
package report

import (
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/assertdiff"
	"github.com/regtracker/regtracker/core/format"
)

// Formats are the formats Write knows, by name.
var Formats = []string{"md", "html", "csv"}

// Report is what a report shows.
type Report struct {
	Job        core.Job
	Comparison analysis.Comparison
	Groups     []analysis.Group
	Written    time.Time
}

// Build reads job's comparison with base (nil: the job before it) and its failure groups.
func Build(ctx context.Context, st analysis.Store, job core.JobRef, base *core.JobRef) (Report, error) {
	r := Report{Written: time.Now()}
	var err error
	if r.Job, err = st.Job(ctx, job); err != nil {
		return r, err
	}
	if r.Comparison, err = analysis.Compare(ctx, st, job, base); err != nil {
		return r, err
	}
	if r.Groups, err = analysis.Groups(ctx, st, job); err != nil {
		return r, err
	}
	return r, nil
}

// Write writes r in the format named (see Formats).
func Write(w io.Writer, name string, r Report) error {
	switch name {
	case "md":
		return writeMarkdown(w, r)
	case "html":
		return writeHTML(w, r)
	case "csv":
		return writeCSV(w, r)
	}
	return fmt.Errorf("report format %q: want md, html or csv", name)
}

// section is one list of a report.
type section struct {
	Title, Key string
	Changes    []analysis.Change
}

func (r Report) sections() []section {
	c := r.Comparison
	return []section{
		{"Regressions", "regression", c.Regressions},
		{"New failures", "new_failure", c.NewFailures},
		{"Fixed", "fixed", c.Fixed},
		{"Still failing", "still_failing", c.StillFailing},
		{"Known issues (not counted)", "known", c.Known},
	}
}

func (r Report) summary() string {
	j := r.Job
	return fmt.Sprintf("%s tests: %s passed, %s failed, %s errors, %s skipped, %s flaky; pass rate %.1f%%.",
		format.Count(j.Tests), format.Count(j.Passed), format.Count(j.Failed), format.Count(j.Errors),
		format.Count(j.Skipped), format.Count(j.Flaky), 100*analysis.PassRate(j.Counts))
}

// against is the comparison's line; ref writes the base job's name in the output's
// syntax (names are the users' own).
func (r Report) against(ref func(string) string) string {
	if r.Comparison.Base == nil {
		return fmt.Sprintf("The first job of its module: nothing to compare with, every test is new: %s.",
			format.Counted(int64(len(r.Comparison.NewFailures)), "new failure"))
	}
	c := r.Comparison
	return fmt.Sprintf("Against %s: %s, %s fixed, %s still failing, %s, %s known (not counted).",
		ref(c.Base.String()), format.Counted(int64(len(c.Regressions)), "regression"), format.Count(int64(len(c.Fixed))),
		format.Count(int64(len(c.StillFailing))), format.Counted(int64(len(c.NewFailures)), "new failure"), format.Count(int64(len(c.Known))))
}

func change(ch analysis.Change) string {
	return ch.BaseWord() + " → " + ch.Status.String()
}

func knownText(k *core.KnownIssue) string {
	if k == nil {
		return ""
	}
	s := fmt.Sprintf("#%d %s", k.ID, k.Reason)
	if k.Link != "" {
		s += " (" + k.Link + ")"
	}
	return s
}

// mdCell is text from a report (a test's name, a message, a reason) as Markdown that
// renders as that text and nothing else, in a table cell or a heading: line breaks and
// tabs become spaces (a newline would end the table's row); HTML's & < > become entities
// (no tag or entity from a report reaches a viewer); and what would start Markdown
// syntax inside a line is backslash-escaped, as CommonMark allows for any ASCII
// punctuation: \ ` * _ ~ for code and emphasis, [ ] ! for links and images, | for a cell
// break, : and @ for autolinks (https:, javascript:, a@b), and the dot of "www." Other
// punctuation stays as it is, so that "7.0/vpn/14" and "(2 - 2)" read as written.
func mdCell(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\r', '\n', '\t':
			if c == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteByte(' ')
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '~', '[', ']', '!', '|', ':', '@':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '.':
			if i >= 3 && strings.EqualFold(s[i-3:i], "www") {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func writeMarkdown(w io.Writer, r Report) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "# %s\n\n%s\n\n%s\n", mdCell(r.Job.JobRef.String()), r.summary(), r.against(mdCell))
	for _, s := range r.sections() {
		if len(s.Changes) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n## %s (%s)\n\n| Test | Change | Message | Expected | Actual | Known issue |\n|---|---|---|---|---|---|\n",
			s.Title, format.Count(int64(len(s.Changes))))
		for _, ch := range s.Changes {
			v, _ := assertdiff.Parse(ch.Message)
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", mdCell(ch.Test.String()), change(ch), mdCell(format.FirstLine(ch.Message)),
				mdCell(v.Expected), mdCell(v.Actual), mdCell(knownText(ch.Known)))
		}
	}
	if len(r.Groups) > 0 {
		fmt.Fprintf(b, "\n## Failure groups (%s)\n\n| Failures | Signature | Example |\n|---:|---|---|\n", format.Count(int64(len(r.Groups))))
		for _, g := range r.Groups {
			fmt.Fprintf(b, "| %s | %s | %s |\n", format.Count(int64(g.Count)), mdCell(g.Signature), mdCell(g.Example.Test.String()))
		}
	}
	fmt.Fprintf(b, "\n_Written by regtracker on %s._\n", r.Written.Format("2006-01-02 15:04"))
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCSV(w io.Writer, r Report) error {
	c := csv.NewWriter(w)
	c.Write([]string{"kind", "classname", "name", "status", "base_status", "message", "expected", "actual", "count", "known_issue", "known_reason"})
	for _, s := range r.sections() {
		for _, ch := range s.Changes {
			v, _ := assertdiff.Parse(ch.Message)
			var kid, kreason string
			if ch.Known != nil {
				kid, kreason = strconv.FormatInt(ch.Known.ID, 10), ch.Known.Reason
			}
			c.Write([]string{s.Key, ch.Test.Classname, ch.Test.Name, ch.Status.String(), ch.BaseWord(), ch.Message, v.Expected, v.Actual, "", kid, kreason})
		}
	}
	for _, g := range r.Groups {
		c.Write([]string{"group", g.Example.Test.Classname, g.Example.Test.Name, g.Example.Status.String(), "", g.Signature, "", "",
			strconv.Itoa(g.Count), "", ""})
	}
	c.Flush()
	return c.Error()
}

// htmlPage is one file with its style inline: it opens anywhere, offline.
var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"count":  func(n int) string { return format.Count(int64(n)) },
	"change": change,
	"first":  format.FirstLine,
	"known":  knownText,
	"diff": func(msg string) []assertdiff.Piece {
		if v, ok := assertdiff.Parse(msg); ok {
			return assertdiff.Diff(v.Expected, v.Actual)
		}
		return nil
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.R.Job.JobRef}}: regtracker report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}code{font-size:.95em}
.counts td{font-weight:bold;text-align:right}.counts th{text-align:right}
.regression{color:#c62828}.fixed{color:#2e7d32}.known{color:#6a1b9a}
del{background:#fdd;text-decoration:none}ins{background:#dfd;text-decoration:none}
</style></head><body>
<h1>{{.R.Job.JobRef}}</h1>
<p>{{.Summary}}</p>
<p>{{.Against}}</p>
<table class="counts"><tr><th>Tests</th><th>Passed</th><th>Failed</th><th>Errors</th><th>Skipped</th><th>Regressions</th><th>Fixed</th><th>Still failing</th><th>New failures</th><th>Known</th></tr>
<tr><td id="tests">{{.R.Job.Tests}}</td><td id="passed">{{.R.Job.Passed}}</td><td id="failed">{{.R.Job.Failed}}</td><td id="errors">{{.R.Job.Errors}}</td><td id="skipped">{{.R.Job.Skipped}}</td>
<td id="regressions" class="regression">{{len .R.Comparison.Regressions}}</td><td id="fixed" class="fixed">{{len .R.Comparison.Fixed}}</td>
<td id="still_failing">{{len .R.Comparison.StillFailing}}</td><td id="new_failures">{{len .R.Comparison.NewFailures}}</td><td id="known" class="known">{{len .R.Comparison.Known}}</td></tr></table>
{{range .Sections}}{{if .Changes}}
<h2 class="{{.Key}}">{{.Title}} ({{count (len .Changes)}})</h2>
<table><tr><th>Test</th><th>Change</th><th>Message</th><th>Known issue</th></tr>
{{range .Changes}}<tr><td><code>{{.Test}}</code></td><td>{{change .}}</td><td>{{first .Message}}{{with diff .Message}}<br><small>expected → actual:</small> {{range .}}{{if eq .Op 1}}<del>{{.Text}}</del>{{else if eq .Op 2}}<ins>{{.Text}}</ins>{{else}}{{.Text}}{{end}}{{end}}{{end}}</td><td>{{known .Known}}</td></tr>
{{end}}</table>{{end}}{{end}}
{{if .R.Groups}}<h2>Failure groups ({{count (len .R.Groups)}})</h2>
<table><tr><th class="n">Failures</th><th>Signature</th><th>Example</th></tr>
{{range .R.Groups}}<tr><td class="n">{{count .Count}}</td><td>{{.Signature}}</td><td><code>{{.Example.Test}}</code></td></tr>
{{end}}</table>{{end}}
<p><small>Written by regtracker on {{.R.Written.Format "2006-01-02 15:04"}}. In the diffs, <del>struck</del> is only expected, <ins>marked</ins> only actual.</small></p>
</body></html>
`))

func writeHTML(w io.Writer, r Report) error {
	return htmlPage.Execute(w, struct {
		R                Report
		Summary, Against string
		Sections         []section
	}{r, r.summary(), r.against(func(s string) string { return s }), r.sections()})
}
