package ui

import (
	"context"
	"fmt"
	"slices"

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
// all its results. Every list shows its selected test's failure (message, diff, stack
// trace) under it, and a regression the changes behind it beside that.
type jobPage struct {
	u      *App
	ref    core.JobRef
	object fyne.CanvasObject

	summary *widget.Label
	change  *widget.Label
	stats   *widget.Label
	base    *widget.Button // "the job before", or the job chosen: opens the picker
	reset   *widget.Button // back to the job before
	bases   []core.Job     // what the picker offers
	tabs    *container.AppTabs
	items   map[string]*container.TabItem // by tab title (tabRegressions...)

	cmp       analysis.Comparison
	imported  *core.Job    // the job as read, for its import line
	fixedBase *core.JobRef // a base chosen before the choices were read
	query     int          // increases with each comparison; older answers are dropped
	lists     map[string]*changeList
	failures  map[string]*resultDetail // the selected test's failure, under each list
	groups    *groupsView
	all       *resultsView
	slowerL   *slowerList
	exportBtn *widget.Button
	details   []*changesView // beside the failure under the Regressions and Known issues tabs
	// selectWhenLoaded, when set, runs once the comparison is shown (OpenJobTab).
	selectWhenLoaded func()
}

// Tab titles, in order: the answer first. A tab shows its count after its title.
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

var changeTabs = []string{tabRegressions, tabFixed, tabStillFailing, tabNewFailures, tabKnown}

const selectFailure = "Select a test to see its failure: message, stack trace and output."

func newJobPage(u *App, ref core.JobRef) *jobPage {
	p := &jobPage{u: u, ref: ref, lists: map[string]*changeList{}, failures: map[string]*resultDetail{},
		items: map[string]*container.TabItem{}}
	title := widget.NewLabelWithStyle("Job "+ref.String(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.summary = widget.NewLabel("Loading...")
	p.change = widget.NewLabel("")
	p.stats = widget.NewLabel("")
	p.stats.Importance = widget.LowImportance
	for _, l := range []*widget.Label{p.summary, p.change, p.stats} {
		l.Wrapping = fyne.TextWrapWord
	}
	p.base = widget.NewButtonWithIcon("the job before", theme.MenuDropDownIcon(), p.pickBase)
	p.base.IconPlacement = widget.ButtonIconTrailingText
	p.reset = widget.NewButtonWithIcon("", theme.CancelIcon(), func() { p.chooseBase(nil) })
	p.reset.Importance = widget.LowImportance
	p.reset.Hide()
	moduleBtn := widget.NewButton("Module "+ref.ModuleRef.String(), func() { u.openModule(ref.ModuleRef) })
	p.exportBtn = widget.NewButtonWithIcon("Export...", theme.DocumentSaveIcon(), func() { u.exportJob(ref, p.fixedBase) })

	var items []*container.TabItem
	for _, t := range changeTabs {
		l := newChangeList(u, t == tabFixed)
		switch t {
		case tabKnown:
			l.knownLabel, l.knownIcon = "Remove known issue...", theme.ContentRemoveIcon()
			l.onKnown = func(ch analysis.Change) { u.unmarkKnown(ch.Known, func() { p.load(p.fixedBase) }) }
		case tabFixed:
		default:
			l.onKnown = func(ch analysis.Change) {
				u.markKnown(ref.ModuleRef, ch.Test, ch.Message, false, func() { p.load(p.fixedBase) })
			}
		}
		p.lists[t] = l
		failure := newResultDetail(u, ref.ModuleRef, selectFailure)
		p.failures[t] = failure
		var lower fyne.CanvasObject = failure.object
		var changes *changesView
		if t == tabRegressions || t == tabKnown {
			changes = newChangesView(u, ref.ModuleRef)
			p.details = append(p.details, changes)
			beside := container.NewHSplit(failure.object, changes.object)
			beside.Offset = 0.6
			lower = beside
		}
		fixed := t == tabFixed
		l.list.OnSelected = func(i widget.ListItemID) {
			if i >= len(l.changes) {
				return
			}
			ch := l.changes[i]
			if fixed && p.cmp.Base != nil {
				failure.show(*p.cmp.Base, ch.Seq, fmt.Sprintf("its failure in %s; it passes in %s", p.cmp.Base, ref))
			} else {
				failure.show(ref, ch.Seq, "")
			}
			if changes != nil {
				changes.show(ch)
			}
		}
		split := container.NewVSplit(l.object, lower)
		split.Offset = 0.45
		items = append(items, container.NewTabItem(t, split))
	}
	p.groups = newGroupsView(u, ref)
	p.groups.changed = func() { p.load(p.fixedBase) }
	p.all = newResultsView(u, ref)
	p.slowerL = newSlowerList(u, ref)
	items = append(items, container.NewTabItem(tabGroups, p.groups.object), container.NewTabItem(tabSlower, p.slowerL.object),
		container.NewTabItem(tabAll, p.all.object))
	for _, it := range items {
		p.items[it.Text] = it
	}
	p.tabs = container.NewAppTabs(items...)
	p.tabs.OnSelected = func(t *container.TabItem) {
		switch t {
		case p.items[tabAll]:
			p.all.start()
		case p.items[tabSlower]:
			p.slowerL.start()
		}
	}

	header := container.NewVBox(
		container.NewBorder(nil, nil, title, container.NewHBox(p.exportBtn, moduleBtn, widget.NewLabel("Compare with"), p.base, p.reset)),
		p.summary, p.change, p.stats)
	p.object = container.NewBorder(header, nil, nil, nil, p.tabs)
	p.load(nil)
	p.loadBases()
	return p
}

// retime writes the import line again: "Imported 2 min ago" moves on.
func (p *jobPage) retime() {
	if j := p.imported; j != nil {
		p.stats.SetText(fmt.Sprintf("Imported %s from %s in %s (%s cases/s, peak memory of the importing process %s).", ago(j.ImportedAt),
			shorten(j.Source, 80), format.Duration(j.Stats.Total), format.Rate(j.CasesPerSecond()), format.Bytes(j.Stats.PeakRSS)))
	}
}

// selectTab shows the tab titled title (tabRegressions...).
func (p *jobPage) selectTab(title string) {
	if it := p.items[title]; it != nil {
		p.tabs.Select(it)
	}
}

// countTab writes n after a tab's title: "Regressions 62".
func (p *jobPage) countTab(title string, n int) {
	if it := p.items[title]; it != nil {
		it.Text = title + " " + format.Count(int64(n))
	}
}

// setBase compares the job with base instead of the job before.
func (p *jobPage) setBase(base core.JobRef) { p.chooseBase(&base) }

// chooseBase compares the job with base, nil: the job before.
func (p *jobPage) chooseBase(base *core.JobRef) {
	p.fixedBase = base
	if base == nil {
		p.base.SetText("the job before")
		p.reset.Hide()
	} else {
		p.base.SetText(base.String())
		p.reset.Show()
	}
	p.load(base)
}

// pickBase opens the picker on every other job.
func (p *jobPage) pickBase() {
	p.u.pickJob("Compare "+p.ref.String()+" with", p.bases, func(ref core.JobRef) { p.chooseBase(&ref) })
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
	for _, t := range changeTabs {
		p.lists[t].loading()
		p.failures[t].clear(selectFailure)
	}
	for _, d := range p.details {
		d.clear()
	}
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
		p.cmp = cmp
		p.groups.set(groups)
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
			p.change.SetText(fmt.Sprintf("The first job of its module: nothing to compare with, so every test is new and its %s listed as new failures. Choose a job to compare with.",
				format.Counted(int64(len(cmp.NewFailures)), "failure")))
		}
		for _, d := range p.details {
			d.source = j.Source
		}
		p.imported = &j
		p.retime()
		none := "None."
		if !haveBase {
			none = "None: there is no job before to compare with."
		}
		for title, list := range map[string][]analysis.Change{tabRegressions: cmp.Regressions, tabFixed: cmp.Fixed,
			tabStillFailing: cmp.StillFailing, tabNewFailures: cmp.NewFailures, tabKnown: cmp.Known} {
			empty := none
			if title == tabRegressions && !haveBase && len(cmp.NewFailures) > 0 {
				empty = "None: there is no job before to compare with. Its failures are under New failures."
			}
			p.lists[title].set(list, empty)
			p.countTab(title, len(list))
		}
		p.countTab(tabGroups, len(groups))
		p.countTab(tabAll, int(j.Tests))
		p.tabs.Refresh()
		switch {
		case p.selectWhenLoaded != nil:
			p.selectWhenLoaded()
			p.selectWhenLoaded = nil
		case !haveBase && len(cmp.NewFailures) > 0 && p.tabs.Selected() == p.items[tabRegressions]:
			p.selectTab(tabNewFailures) // a first job's answer is its failures
		}
	})
}

// loadBases reads the jobs the picker offers: every job of every module but this one.
func (p *jobPage) loadBases() {
	var jobs []core.Job
	p.u.background(func(ctx context.Context) (err error) {
		jobs, err = p.u.store.Jobs(ctx, nil)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		p.bases = slices.DeleteFunc(jobs, func(j core.Job) bool { return j.JobRef == p.ref })
	})
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return "…" + string(r[len(r)-n+1:])
	}
	return s
}

// changeList is one of the lists of changed tests, a line per test: status, test and
// message.
type changeList struct {
	object  fyne.CanvasObject
	list    *widget.List
	empty   *widget.Label
	changes []analysis.Change
	fixed   bool
	// onKnown, when set, gives each row a button (labelled knownLabel with knownIcon, by
	// default "Known issue..." with knownIcon()) that marks its test as a known issue, or
	// takes the mark back.
	onKnown    func(analysis.Change)
	knownLabel string
	knownIcon  fyne.Resource
}

func newChangeList(u *App, fixed bool) *changeList {
	c := &changeList{fixed: fixed}
	c.list = widget.NewList(func() int { return len(c.changes) },
		func() fyne.CanvasObject {
			status := canvas.NewText("regression", theme.Color(theme.ColorNameError))
			status.TextStyle.Bold = true
			name := newElidedLabel()
			msg := widget.NewLabel("")
			msg.Importance = widget.LowImportance
			msg.Truncation = fyne.TextTruncateEllipsis
			label, icon := c.knownLabel, c.knownIcon
			if label == "" {
				label, icon = "Known issue...", knownIcon()
			}
			known := widget.NewButtonWithIcon(label, icon, nil)
			known.Importance = widget.LowImportance
			if c.onKnown == nil {
				known.Hide()
			}
			return container.NewBorder(nil, nil, container.NewCenter(status), known, container.NewGridWithColumns(2, name, msg))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			ch := c.changes[i]
			box := o.(*fyne.Container)
			inner := box.Objects[0].(*fyne.Container)
			status := box.Objects[1].(*fyne.Container).Objects[0].(*canvas.Text)
			known := box.Objects[2].(*widget.Button)
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
			inner.Objects[0].(*elidedLabel).SetText(ch.Test.String())
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
	c.empty = widget.NewLabel("Loading...")
	c.empty.Alignment = fyne.TextAlignCenter
	c.empty.Wrapping = fyne.TextWrapWord
	c.object = container.NewStack(c.list, c.empty)
	return c
}

// loading empties the list while its changes are read.
func (c *changeList) loading() {
	c.set(nil, "Loading...")
}

// set shows changes, or the words empty when there are none.
func (c *changeList) set(changes []analysis.Change, empty string) {
	c.changes = changes
	c.list.UnselectAll()
	c.empty.SetText(empty)
	if len(changes) == 0 {
		c.empty.Show()
	} else {
		c.empty.Hide()
	}
	c.list.Refresh()
}
