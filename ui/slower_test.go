package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/importer"
)

// TestSlowerTab: one test goes from 1 s to 3 s in job 4; the job page's Slower tab lists
// it when shown, and a tap opens its history.
func TestSlowerTab(t *testing.T) {
	st := openStore(t)
	for n := 1; n <= 4; n++ {
		slow := "1"
		if n == 4 {
			slow = "3"
		}
		xml := fmt.Sprintf(`<testsuite name="s"><testcase classname="vpn.T" name="slowed" time="%s"/><testcase classname="vpn.T" name="steady" time="1"/></testsuite>`, slow)
		ref := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: int64(n)}
		if _, err := importer.ImportReader(ctx, st, "r.xml", strings.NewReader(xml), 0, importer.Options{Job: ref}); err != nil {
			t.Fatal(err)
		}
	}
	u := newApp(t, st)
	ref := core.JobRef{ModuleRef: core.ModuleRef{Release: "7.0", Module: "vpn"}, Number: 4}
	p := onUI(func() *jobPage { return newJobPage(u, ref) })
	if onUI(func() bool { return p.slowerL.started }) {
		t.Error("the slower tests were read before the tab was shown")
	}
	uiDo(func() {
		p.selectTab(tabSlower)
	})
	waitFor(t, "the slower tests", func() bool { return len(p.slowerL.tests) == 1 })
	if note := onUI(func() string { return p.slowerL.note.Text }); !strings.HasPrefix(note, "1 test passed in at least 2×") {
		t.Errorf("note %q", note)
	}
	uiDo(func() {
		var texts []string
		p.slowerL.list.Resize(p.slowerL.list.MinSize().AddWidthHeight(800, 200))
		for _, o := range test.LaidOutObjects(p.slowerL.list) {
			if l, ok := o.(*widget.Label); ok {
				texts = append(texts, l.Text)
			}
		}
		if s := strings.Join(texts, "|"); !strings.Contains(s, "vpn.T::slowed") || !strings.Contains(s, "+2.0 s") {
			t.Errorf("row shows %q", s)
		}
		u.show(p.object)
		p.slowerL.list.Select(0)
	})
	waitFor(t, "its history", func() bool { return u.page != p.object })
}
