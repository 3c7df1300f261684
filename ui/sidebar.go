package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/format"
)

// sidebar is the tree Release -> Module -> Job, newest job first, with a search field
// that filters it.
type sidebar struct {
	u      *App
	object fyne.CanvasObject
	search *widget.Entry
	tree   *widget.Tree

	points   map[string]analysis.TrendPoint // job uid -> its counts
	children map[string][]string            // uid -> child uids, after the filter
	all      map[string][]string            // uid -> child uids
	fresh    map[string]bool                // jobs that arrived while the window was open, not opened yet
	loading  bool
	again    []func() // reloads asked for while one ran: one more follows, then these
}

func newSidebar(u *App) *sidebar {
	s := &sidebar{u: u, points: map[string]analysis.TrendPoint{}, children: map[string][]string{}, all: map[string][]string{}, fresh: map[string]bool{}}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder("Find a release, module or job (Ctrl+F)")
	s.search.OnChanged = func(string) { s.filter() }
	s.search.OnSubmitted = func(string) { s.openSingleMatch() }
	s.tree = widget.NewTree(
		func(uid string) []string { return s.children[uid] },
		func(uid string) bool { return !strings.HasPrefix(uid, "j:") },
		func(branch bool) fyne.CanvasObject {
			mark := canvas.NewText("", theme.Color(theme.ColorNameError))
			mark.TextStyle.Bold = true
			return container.NewHBox(widget.NewLabel(""), mark)
		},
		s.updateNode)
	s.tree.OnSelected = s.selected
	s.object = container.NewBorder(s.search, nil, nil, nil, s.tree)
	return s
}

func releaseUID(r string) string        { return "r:" + r }
func moduleUID(m core.ModuleRef) string { return "m:" + m.String() }
func jobUID(j core.JobRef) string       { return "j:" + j.String() }
func parseModuleUID(uid string) core.ModuleRef {
	m, _ := core.ParseModuleRef(strings.TrimPrefix(uid, "m:"))
	return m
}

func (s *sidebar) updateNode(uid string, branch bool, o fyne.CanvasObject) {
	box := o.(*fyne.Container)
	label, mark := box.Objects[0].(*widget.Label), box.Objects[1].(*canvas.Text)
	mark.Text = ""
	switch {
	case strings.HasPrefix(uid, "r:"):
		label.TextStyle.Bold = false
		label.SetText("Release " + strings.TrimPrefix(uid, "r:"))
	case strings.HasPrefix(uid, "m:"):
		label.TextStyle.Bold = false
		label.SetText(parseModuleUID(uid).Module)
	default:
		p := s.points[uid]
		text := fmt.Sprintf("#%d   %s passed", p.Job.Number, format.Count(p.Job.Passed))
		if s.fresh[uid] {
			text += "   new"
		}
		label.TextStyle.Bold = s.fresh[uid]
		label.SetText(text)
		if p.Regressions > 0 {
			mark.Text = fmt.Sprintf("▼ %s", format.Count(p.Regressions))
		}
	}
	mark.Refresh()
}

func (s *sidebar) selected(uid string) {
	switch {
	case strings.HasPrefix(uid, "j:"):
		ref, err := core.ParseJobRef(strings.TrimPrefix(uid, "j:"), false)
		if err == nil {
			s.u.openJob(ref)
		}
	case strings.HasPrefix(uid, "m:"):
		s.u.openModule(parseModuleUID(uid))
	default:
		s.tree.ToggleBranch(uid)
	}
}

// selectNode highlights a module or job in the tree without opening it again.
func (s *sidebar) selectNode(uid string) {
	ref := strings.TrimPrefix(strings.TrimPrefix(uid, "j:"), "m:")
	parts := strings.Split(ref, "/")
	if len(parts) < 2 {
		return
	}
	s.tree.OpenBranch(releaseUID(parts[0]))
	if strings.HasPrefix(uid, "j:") {
		s.tree.OpenBranch(moduleUID(core.ModuleRef{Release: parts[0], Module: parts[1]}))
	}
	sel := s.tree.OnSelected
	s.tree.OnSelected = nil
	s.tree.Select(uid)
	s.tree.ScrollTo(uid)
	s.tree.OnSelected = sel
}

// markNew marks a job as arrived until it is opened.
func (s *sidebar) markNew(uid string) {
	s.fresh[uid] = true
	s.tree.RefreshItem(uid)
}

// opened clears a job's new mark.
func (s *sidebar) opened(uid string) {
	if s.fresh[uid] {
		delete(s.fresh, uid)
		s.tree.RefreshItem(uid)
	}
}

// reload reads the jobs and their trend counts in the background; done, if set, runs
// on the UI goroutine afterwards. Asked while a reload runs, it reads once more after it.
func (s *sidebar) reload(done func()) {
	if s.loading {
		s.again = append(s.again, done)
		return
	}
	s.loading = true
	s.u.setStatus("Reading %s...", s.u.store.Path())
	var points []analysis.TrendPoint
	s.u.background(func(ctx context.Context) error {
		jobs, err := s.u.store.Jobs(ctx, nil)
		if err != nil {
			return err
		}
		seen := map[core.ModuleRef]bool{}
		for _, j := range jobs {
			if seen[j.ModuleRef] {
				continue
			}
			seen[j.ModuleRef] = true
			trend, err := analysis.Trend(ctx, s.u.store, j.ModuleRef)
			if err != nil {
				return err
			}
			points = append(points, trend...)
		}
		return nil
	}, func(err error) {
		s.loading = false
		if err != nil {
			s.u.setStatus("Cannot read %s: %v", s.u.store.Path(), err)
		} else {
			s.setPoints(points)
			if done != nil {
				done()
			}
		}
		if again := s.again; len(again) > 0 {
			s.again = nil
			s.reload(func() {
				for _, f := range again {
					if f != nil {
						f()
					}
				}
			})
		}
	})
}

func (s *sidebar) setPoints(points []analysis.TrendPoint) {
	s.points = map[string]analysis.TrendPoint{}
	s.all = map[string][]string{}
	var releases []string
	modules := map[string][]string{}
	jobs := map[string][]analysis.TrendPoint{}
	var results int64
	for _, p := range points {
		ref := p.Job.JobRef
		s.points[jobUID(ref)] = p
		results += p.Job.Tests
		if !slices.Contains(releases, ref.Release) {
			releases = append(releases, ref.Release)
		}
		if mu := moduleUID(ref.ModuleRef); !slices.Contains(modules[ref.Release], mu) {
			modules[ref.Release] = append(modules[ref.Release], mu)
		}
		jobs[moduleUID(ref.ModuleRef)] = append(jobs[moduleUID(ref.ModuleRef)], p)
	}
	// Releases newest first, as versions compare (10.0 after 7.0); modules by name.
	slices.SortFunc(releases, func(a, b string) int { return format.CompareNatural(b, a) })
	for _, r := range releases {
		s.all[""] = append(s.all[""], releaseUID(r))
		slices.SortFunc(modules[r], format.CompareNatural)
		s.all[releaseUID(r)] = modules[r]
	}
	for mu, ps := range jobs {
		slices.SortFunc(ps, func(a, b analysis.TrendPoint) int { return int(b.Job.Number - a.Job.Number) })
		for _, p := range ps {
			s.all[mu] = append(s.all[mu], jobUID(p.Job.JobRef))
		}
	}
	s.filter()
	s.u.setStatus("%s, %s in %s", format.Counted(int64(len(points)), "job"), format.Counted(results, "result"), s.u.store.Path())
	if len(points) == 0 {
		s.u.showWelcome()
		return
	}
	if s.u.welcome || s.u.page == nil {
		s.u.openJob(firstLook(points))
	}
}

// filter keeps the nodes whose path contains the search text.
func (s *sidebar) filter() {
	q := strings.ToLower(strings.TrimSpace(s.search.Text))
	if q == "" {
		s.children = s.all
		s.tree.Refresh()
		return
	}
	s.children = map[string][]string{}
	for _, r := range s.all[""] {
		for _, m := range s.all[r] {
			mMatch := strings.Contains(strings.ToLower(strings.TrimPrefix(m, "m:")), q)
			for _, j := range s.all[m] {
				if mMatch || strings.Contains(strings.ToLower(strings.TrimPrefix(j, "j:")), q) {
					s.children[m] = append(s.children[m], j)
				}
			}
			if len(s.children[m]) > 0 {
				s.children[r] = append(s.children[r], m)
			}
		}
		if len(s.children[r]) > 0 {
			s.children[""] = append(s.children[""], r)
			s.tree.OpenBranch(r)
		}
	}
	s.tree.Refresh()
}

// firstLook is the job a window opens on: the newest imported job with regressions, else
// the newest job, so that the first page shows what needs looking at.
func firstLook(points []analysis.TrendPoint) core.JobRef {
	var newest, regressed *analysis.TrendPoint
	for i := range points {
		p := &points[i]
		if newest == nil || p.Job.ImportedAt.After(newest.Job.ImportedAt) {
			newest = p
		}
		if p.Regressions > 0 && (regressed == nil || p.Job.ImportedAt.After(regressed.Job.ImportedAt)) {
			regressed = p
		}
	}
	if regressed != nil {
		return regressed.Job.JobRef
	}
	return newest.Job.JobRef
}

// openSingleMatch opens what the search found when it is one thing: Enter in the search
// field on one matching job opens it, on one module's jobs the module.
func (s *sidebar) openSingleMatch() {
	if strings.TrimSpace(s.search.Text) == "" {
		return
	}
	var modules, jobs []string
	for _, r := range s.children[""] {
		for _, m := range s.children[r] {
			modules = append(modules, m)
			jobs = append(jobs, s.children[m]...)
		}
	}
	switch {
	case len(jobs) == 1:
		if ref, err := core.ParseJobRef(strings.TrimPrefix(jobs[0], "j:"), false); err == nil {
			s.u.openJob(ref)
		}
	case len(modules) == 1:
		if m, err := core.ParseModuleRef(strings.TrimPrefix(modules[0], "m:")); err == nil {
			s.u.openModule(m)
		}
	}
}
