package report

import (
	"bytes"
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
	if !strings.Contains(md.String(), "| `a\\|b::<script>alert(1)</script>` | passed → failed | expected:<1\\|2> but was:<3> | 1\\|2 | 3 |") {
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
