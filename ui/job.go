package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/format"
)

// jobPage shows a job: what changed against its base first, then its failure groups and
// all its results.
type jobPage struct {
	u      *App
	ref    core.JobRef
	object fyne.CanvasObject

	summary *widget.Label
	change  *widget.Label
	stats   *widget.Label
	base    *widget.Select
	tabs    *container.AppTabs

	cmp       analysis.Comparison
	fixedBase *core.JobRef // a base chosen before the choices were read
	query     int          // increases with each comparison; older answers are dropped
	lists     map[string]*changeList
	groups    []analysis.Group
	groupL    *widget.List
	all       *resultsView
	slowerL   *slowerList
	exportBtn *widget.Button
	details   []*changesView // under the Regressions and Known issues tabs
	// selectWhenLoaded, when set, runs once the comparison is shown (OpenJobTab).
	selectWhenLoaded func()
}

// Tab titles, in order: the answer first.
const (
	tabRegressions  = "Regressions"
	tabFixed        = "Fixed"
	tabStillFailing = "Still failing"
	tabNewFailures  = "New failures"
	tabKnown        = "Known issues"
	tabSlower       = "Slower"
	tabGroups       = "Failure groups"
	tabAll          = "All results"
)

func newJobPage(u *App, ref core.JobRef) *jobPage {
	p := &jobPage{u: u, ref: ref, lists: map[string]*changeList{}}
	title := widget.NewLabelWithStyle("Job "+ref.String(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.summary = widget.NewLabel("Loading...")
	p.change = widget.NewLabel("")
	p.stats = widget.NewLabel("")
	p.stats.Importance = widget.LowImportance
	for _, l := range []*widget.Label{p.summary, p.change, p.stats} {
		l.Wrapping = fyne.TextWrapWord
	}
	p.base = widget.NewSelect(nil, nil)
	p.base.PlaceHolder = "the job before"
	moduleBtn := widget.NewButton("Module "+ref.ModuleRef.String(), func() { u.openModule(ref.ModuleRef) })
	p.exportBtn = widget.NewButtonWithIcon("Export...", theme.DocumentSaveIcon(), func() { u.exportJob(ref, p.fixedBase) })

	var items []*container.TabItem
	for _, t := range []string{tabRegressions, tabFixed, tabStillFailing, tabNewFailures, tabKnown} {
		l := newChangeList(u, t == tabFixed)
		switch t {
		case tabKnown:
			l.knownLabel = "Not known..."
			l.onKnown = func(ch analysis.Change) { u.unmarkKnown(ch.Known, func() { p.load(p.fixedBase) }) }
		case tabFixed:
		default:
			l.onKnown = func(ch analysis.Change) {
				u.markKnown(ref.ModuleRef, ch.Test, ch.Message, func() { p.load(p.fixedBase) })
			}
		}
		p.lists[t] = l
		if t == tabRegressions || t == tabKnown {
			// A regression's detail: the changes behind it, and its history.
			detail := newChangesView(u, ref.ModuleRef)
			p.details = append(p.details, detail)
			l.list.OnSelected = func(i widget.ListItemID) {
				if i < len(l.changes) {
					detail.show(l.changes[i])
				}
			}
			split := container.NewVSplit(l.object, detail.object)
			split.Offset = 0.6
			items = append(items, container.NewTabItem(t, split))
			continue
		}
		l.list.OnSelected = func(i widget.ListItemID) {
			if i < len(l.changes) {
				u.openHistory(ref.ModuleRef, l.changes[i].Test)
			}
		}
		items = append(items, container.NewTabItem(t, l.object))
	}
	p.groupL = widget.NewList(func() int { return len(p.groups) },
		func() fyne.CanvasObject {
			count := widget.NewLabel("")
			count.Alignment = fyne.TextAlignTrailing
			count.TextStyle.Bold = true
			sig := widget.NewLabel("")
			sig.Truncation = fyne.TextTruncateEllipsis
			ex := widget.NewLabel("")
			ex.Importance = widget.LowImportance
			ex.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, count, nil, container.NewVBox(sig, ex))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			g := p.groups[i]
			box := o.(*fyne.Container)
			inner := box.Objects[0].(*fyne.Container)
			inner.Objects[0].(*widget.Label).SetText(g.Signature)
			inner.Objects[1].(*widget.Label).SetText("e.g. " + g.Example.Test.String())
			box.Objects[1].(*widget.Label).SetText(format.Count(int64(g.Count)) + " ×")
		})
	p.all = newResultsView(u, ref)
	hint := widget.NewLabel("Select a regression to see the changes behind it, another test to see its history.")
	hint.Importance = widget.LowImportance
	p.slowerL = newSlowerList(u, ref)
	items = append(items, container.NewTabItem(tabGroups, p.groupL), container.NewTabItem(tabSlower, p.slowerL.object),
		container.NewTabItem(tabAll, p.all.object))
	p.tabs = container.NewAppTabs(items...)
	p.tabs.OnSelected = func(t *container.TabItem) {
		switch t.Text {
		case tabAll:
			p.all.start()
		case tabSlower:
			p.slowerL.start()
		}
	}

	header := container.NewVBox(
		container.NewBorder(nil, nil, title, container.NewHBox(p.exportBtn, moduleBtn, widget.NewLabel("Compare with"), p.base)),
		p.summary, p.change, p.stats, hint)
	p.object = container.NewBorder(header, nil, nil, nil, p.tabs)
	p.load(nil)
	p.loadBases()
	return p
}

// setBase compares the job with base instead of the job before.
func (p *jobPage) setBase(base core.JobRef) {
	p.fixedBase = &base
	p.load(&base)
}

// load reads the job, compares it with base (nil: the job before) and fills the page.
func (p *jobPage) load(base *core.JobRef) {
	var (
		job      core.Job
		baseJob  core.Job
		cmp      analysis.Comparison
		groups   []analysis.Group
		haveBase bool
	)
	p.change.SetText("Comparing...")
	p.query++
	q := p.query
	p.u.background(func(ctx context.Context) (err error) {
		if job, err = p.u.store.Job(ctx, p.ref); err != nil {
			return err
		}
		if cmp, err = analysis.Compare(ctx, p.u.store, p.ref, base); err != nil {
			return err
		}
		if cmp.Base != nil {
			if baseJob, err = p.u.store.Job(ctx, *cmp.Base); err != nil {
				return err
			}
			haveBase = true
		}
		groups, err = analysis.Groups(ctx, p.u.store, p.ref)
		return err
	}, func(err error) {
		if q != p.query {
			return // a newer comparison was asked for
		}
		if err != nil {
			p.summary.SetText("Cannot read " + p.ref.String() + ": " + err.Error())
			p.change.SetText("")
			return
		}
		p.cmp, p.groups = cmp, groups
		j := job
		p.summary.SetText(fmt.Sprintf("%s tests: %s passed, %s failed, %s errors, %s skipped, %s flaky. Pass rate %s.",
			format.Count(j.Tests), format.Count(j.Passed), format.Count(j.Failed), format.Count(j.Errors),
			format.Count(j.Skipped), format.Count(j.Flaky), percent(analysis.PassRate(j.Counts))))
		if haveBase {
			delta := 100 * (analysis.PassRate(j.Counts) - analysis.PassRate(baseJob.Counts))
			p.change.SetText(fmt.Sprintf("Against %s: ▼ %s, ▲ %s fixed, %s still failing, %s; %s, %s removed; pass rate %+.2f points.",
				cmp.Base, format.Counted(int64(len(cmp.Regressions)), "regression"), format.Count(int64(len(cmp.Fixed))),
				format.Count(int64(len(cmp.StillFailing))), format.Counted(int64(len(cmp.NewFailures)), "new failure"),
				format.Counted(cmp.NewTests, "new test"), format.Count(cmp.RemovedTests), delta))
			if len(cmp.Known) > 0 {
				p.change.SetText(p.change.Text + fmt.Sprintf(" %s under known issues not counted.",
					format.Counted(int64(len(cmp.Known)), "regression")))
			}
		} else {
			p.change.SetText("The first job of its module: choose a job to compare with.")
		}
		for _, d := range p.details {
			d.source = j.Source
		}
		p.stats.SetText(fmt.Sprintf("Imported %s from %s in %s (%s cases/s, peak memory %s).", ago(j.ImportedAt),
			shorten(j.Source, 80), format.Duration(j.Stats.Total), format.Rate(j.CasesPerSecond()), format.Bytes(j.Stats.PeakRSS)))
		for title, list := range map[string][]analysis.Change{tabRegressions: cmp.Regressions, tabFixed: cmp.Fixed,
			tabStillFailing: cmp.StillFailing, tabNewFailures: cmp.NewFailures, tabKnown: cmp.Known} {
			p.lists[title].set(list)
		}
		p.groupL.Refresh()
		if p.selectWhenLoaded != nil {
			p.selectWhenLoaded()
			p.selectWhenLoaded = nil
		}
	})
}

// loadBases fills the base choice with every job of every module.
func (p *jobPage) loadBases() {
	var jobs []core.Job
	p.u.background(func(ctx context.Context) (err error) {
		jobs, err = p.u.store.Jobs(ctx, nil)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		opts := []string{"the job before"}
		for i := len(jobs) - 1; i >= 0; i-- {
			if jobs[i].JobRef != p.ref {
				opts = append(opts, jobs[i].JobRef.String())
			}
		}
		p.base.SetOptions(opts)
		if p.fixedBase != nil {
			p.base.SetSelected(p.fixedBase.String()) // before OnChanged: no second load
		}
		p.base.OnChanged = func(s string) {
			if s == "the job before" {
				p.load(nil)
				return
			}
			if ref, err := core.ParseJobRef(s, false); err == nil {
				p.load(&ref)
			}
		}
	})
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return "…" + string(r[len(r)-n+1:])
	}
	return s
}

// changeList is one of the lists of changed tests: status, test and message per row.
type changeList struct {
	object  fyne.CanvasObject
	list    *widget.List
	empty   *widget.Label
	changes []analysis.Change
	fixed   bool
	// onKnown, when set, gives each row a button (labelled knownLabel, by default
	// "Known issue...") that marks its test as a known issue, or takes the mark back.
	onKnown    func(analysis.Change)
	knownLabel string
}

func newChangeList(u *App, fixed bool) *changeList {
	c := &changeList{fixed: fixed}
	c.list = widget.NewList(func() int { return len(c.changes) },
		func() fyne.CanvasObject {
			status := canvas.NewText("regression", theme.Color(theme.ColorNameError))
			status.TextStyle.Bold = true
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			msg := widget.NewLabel("")
			msg.Importance = widget.LowImportance
			msg.Truncation = fyne.TextTruncateEllipsis
			label := c.knownLabel
			if label == "" {
				label = "Known issue..."
			}
			known := widget.NewButtonWithIcon(label, theme.ConfirmIcon(), nil)
			known.Importance = widget.LowImportance
			if c.onKnown == nil {
				known.Hide()
			}
			return container.NewBorder(nil, nil, container.NewCenter(status), container.NewCenter(known), container.NewVBox(name, msg))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			ch := c.changes[i]
			box := o.(*fyne.Container)
			inner := box.Objects[0].(*fyne.Container)
			status := box.Objects[1].(*fyne.Container).Objects[0].(*canvas.Text)
			known := box.Objects[2].(*fyne.Container).Objects[0].(*widget.Button)
			known.OnTapped = func() {
				if c.onKnown != nil {
					c.onKnown(ch)
				}
			}
			arrow := "▼"
			if c.fixed {
				arrow = "▲"
			}
			status.Text = fmt.Sprintf("%s %s → %s", arrow, ch.BaseWord(), ch.Status)
			status.Color = statusColor(ch.Status, false)
			status.Refresh()
			inner.Objects[0].(*widget.Label).SetText(ch.Test.String())
			msg := format.FirstLine(ch.Message)
			if ch.LastPassed != nil && len(ch.Changes) > 0 {
				changes := fmt.Sprintf("%s since %s", format.Counted(int64(len(ch.Changes)), "change"), ch.LastPassed)
				if ch.Suspects > 0 {
					changes += fmt.Sprintf(", first suspect %.10s %s", ch.Changes[0].ID, format.FirstLine(ch.Changes[0].Message))
				}
				msg = changes + " · " + msg
			}
			if ch.Known != nil {
				msg = fmt.Sprintf("known issue %d: %s · %s", ch.Known.ID, ch.Known.Reason, msg)
			}
			inner.Objects[1].(*widget.Label).SetText(msg)
		})
	c.empty = widget.NewLabel("None.")
	c.empty.Alignment = fyne.TextAlignCenter
	c.object = container.NewStack(c.list, c.empty)
	return c
}

func (c *changeList) set(changes []analysis.Change) {
	c.changes = changes
	if len(changes) == 0 {
		c.empty.Show()
	} else {
		c.empty.Hide()
	}
	c.list.Refresh()
}
