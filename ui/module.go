package ui

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/analysis"
	"github.com/regtracker/regtracker/core/format"
)

// modulePage shows a module: its latest job, then a table of all its jobs.
type modulePage struct {
	u      *App
	module core.ModuleRef
	object fyne.CanvasObject
	header *widget.Label
	table  *widget.Table
	points []analysis.TrendPoint // newest first

	results, changes, durations *Chart
	releases                    *Chart
	releasesNote                *widget.Label
	rangeSel                    *widget.Select
	shown                       []analysis.TrendPoint // the charts' jobs, newest first
	repoBtn                     *widget.Button
}

var moduleColumns = []struct {
	title string
	width float32
	right bool
	value func(p *analysis.TrendPoint) string
}{
	{"Job", 60, true, func(p *analysis.TrendPoint) string { return strconv.FormatInt(p.Job.Number, 10) }},
	{"Imported", 130, false, func(p *analysis.TrendPoint) string { return ago(p.Job.ImportedAt) }},
	{"Tests", 90, true, func(p *analysis.TrendPoint) string { return format.Count(p.Job.Tests) }},
	{"Passed", 90, true, func(p *analysis.TrendPoint) string { return format.Count(p.Job.Passed) }},
	{"Failed", 80, true, func(p *analysis.TrendPoint) string { return format.Count(p.Job.Failed) }},
	{"Errors", 80, true, func(p *analysis.TrendPoint) string { return format.Count(p.Job.Errors) }},
	{"Skipped", 80, true, func(p *analysis.TrendPoint) string { return format.Count(p.Job.Skipped) }},
	{"Pass rate", 85, true, func(p *analysis.TrendPoint) string { return percent(p.PassRate) }},
	{"Regressions", 95, true, func(p *analysis.TrendPoint) string { return arrowCount("▼", p.Regressions) }},
	{"Fixed", 80, true, func(p *analysis.TrendPoint) string { return arrowCount("▲", p.Fixed) }},
	{"Import time", 95, true, func(p *analysis.TrendPoint) string { return format.Duration(p.Job.Stats.Total) }},
}

func arrowCount(arrow string, n int64) string {
	if n == 0 {
		return "0"
	}
	return arrow + " " + format.Count(n)
}

func newModulePage(u *App, m core.ModuleRef) *modulePage {
	p := &modulePage{u: u, module: m}
	title := widget.NewLabelWithStyle(fmt.Sprintf("Module %s of release %s", m.Module, m.Release), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.header = widget.NewLabel("Loading...")
	p.header.Wrapping = fyne.TextWrapWord
	p.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(p.points), len(moduleColumns) },
		func() fyne.CanvasObject { return newRowCell(func() *widget.Table { return p.table }, p.open) },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			cell := o.(*rowCell)
			cell.id = id
			l := &cell.Label
			c := moduleColumns[id.Col]
			l.Alignment = fyne.TextAlignLeading
			if c.right {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.Importance = widget.MediumImportance
			if c.title == "Regressions" && p.points[id.Row].Regressions > 0 {
				l.Importance = widget.DangerImportance
			}
			if c.title == "Fixed" && p.points[id.Row].Fixed > 0 {
				l.Importance = widget.SuccessImportance
			}
			l.SetText(c.value(&p.points[id.Row]))
		})
	p.table.ShowHeaderColumn = false
	p.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Row < 0 {
			l := o.(*widget.Label)
			l.TextStyle.Bold = true
			l.SetText(moduleColumns[id.Col].title)
		}
	}
	for i, c := range moduleColumns {
		p.table.SetColumnWidth(i, c.width)
	}
	hint := widget.NewLabel("Double-click a job, or click it in a chart, to open it.")
	hint.Importance = widget.LowImportance
	p.results = NewChart("Results per job")
	p.results.BarFormat = plainNumber
	p.results.LineFormat = percent
	p.results.LineMax = 1
	p.results.FitLines = true
	p.changes = NewChart("Regressions and fixed tests")
	p.durations = NewChart("Total test duration")
	p.durations.LineFormat = seconds
	p.durations.LineSeconds = true
	for _, c := range []*Chart{p.results, p.changes, p.durations} {
		c.OnTapped = func(i int) { p.open(len(p.shown) - 1 - i) }
	}
	p.rangeSel = widget.NewSelect([]string{"Last 20 jobs", "Last 50 jobs", "All jobs"}, func(string) { p.drawCharts() })
	p.rangeSel.SetSelectedIndex(0)
	flakyBtn := widget.NewButton("Flaky tests", func() { u.openFlaky(m) })

	p.releases = NewChart("Pass rate of " + m.Module + " in each release")
	p.releases.LineFormat = percent
	p.releases.LineMax = 1
	p.releases.FitLines = true
	p.releasesNote = widget.NewLabel("")
	p.releasesNote.Wrapping = fyne.TextWrapWord
	trend := container.NewGridWithColumns(2, p.results, container.NewGridWithRows(2, p.changes, p.durations))
	across := container.NewBorder(p.releasesNote, nil, nil, nil, p.releases)
	tabs := container.NewAppTabs(container.NewTabItem("Trend", trend), container.NewTabItem("Across releases", across))
	p.repoBtn = widget.NewButtonWithIcon("Source clone...", theme.FolderIcon(), func() { u.moduleRepo(m) })
	tools := container.NewHBox(widget.NewLabel("Show"), p.rangeSel, flakyBtn, p.repoBtn)
	for _, mp := range u.mappings() {
		if mp.Into == m.String() {
			tools.Add(widget.NewButtonWithIcon("Fetch new builds of "+mp.Job, theme.MediaReplayIcon(), func() { u.fetchMapping(mp) }))
		}
	}
	charts := container.NewBorder(tools, nil, nil, nil, tabs)
	split := container.NewVSplit(charts, p.table)
	split.Offset = 0.55
	p.object = container.NewBorder(container.NewVBox(title, p.header, hint), nil, nil, nil, split)
	p.load()
	p.loadReleases()
	return p
}

// loadReleases compares the module across the releases that have it: the latest job
// of each, and the pass rate of each release by job number on one chart.
func (p *modulePage) loadReleases() {
	trends := map[string][]analysis.TrendPoint{}
	var releases []string
	p.u.background(func(ctx context.Context) error {
		jobs, err := p.u.store.Jobs(ctx, nil)
		if err != nil {
			return err
		}
		for _, j := range jobs {
			if j.Module != p.module.Module || trends[j.Release] != nil {
				continue
			}
			t, err := analysis.Trend(ctx, p.u.store, j.ModuleRef)
			if err != nil {
				return err
			}
			trends[j.Release] = t
			releases = append(releases, j.Release)
		}
		return nil
	}, func(err error) {
		if err != nil {
			p.releasesNote.SetText("Cannot compare the releases: " + err.Error())
			return
		}
		numbers := map[int64]bool{}
		var latest []string
		for _, r := range releases {
			t := trends[r]
			for _, pt := range t {
				numbers[pt.Job.Number] = true
			}
			last := t[len(t)-1]
			latest = append(latest, fmt.Sprintf("%s: #%d, %s tests, pass rate %s, %s failed, %s errors",
				r, last.Job.Number, format.Count(last.Job.Tests), percent(last.PassRate), format.Count(last.Job.Failed), format.Count(last.Job.Errors)))
		}
		var nums []int64
		for n := range numbers {
			nums = append(nums, n)
		}
		slices.Sort(nums)
		cats := make([]string, len(nums))
		index := map[int64]int{}
		for i, n := range nums {
			cats[i], index[n] = strconv.FormatInt(n, 10), i
		}
		palette := []color.Color{theme.Color(theme.ColorNamePrimary), statusColor(core.Error, false), statusColor(core.Passed, false),
			statusColor(core.Passed, true), theme.Color(theme.ColorNameForeground)}
		var lines []Series
		for k, r := range releases {
			vals := make([]float64, len(nums))
			for i := range vals {
				vals[i] = math.NaN()
			}
			for _, pt := range trends[r] {
				vals[index[pt.Job.Number]] = pt.PassRate
			}
			lines = append(lines, Series{Name: "release " + r, Color: palette[k%len(palette)], Values: vals})
		}
		p.releases.Set(cats, nil, lines)
		p.releasesNote.SetText("Latest job of each release: " + strings.Join(latest, "; ") + ".")
	})
}

// drawCharts draws the trend of the jobs the range selects, oldest on the left.
func (p *modulePage) drawCharts() {
	n := len(p.points)
	switch p.rangeSel.SelectedIndex() {
	case 0:
		n = min(n, 20)
	case 1:
		n = min(n, 50)
	}
	p.shown = p.points[:n]
	cats := make([]string, n)
	series := func() []float64 { return make([]float64, n) }
	passed, failed, errs, skipped, rate := series(), series(), series(), series(), series()
	regr, fixed, dur := series(), series(), series()
	for k := range n {
		pt := p.shown[n-1-k]
		cats[k] = strconv.FormatInt(pt.Job.Number, 10)
		passed[k], failed[k] = float64(pt.Job.Passed), float64(pt.Job.Failed)
		errs[k], skipped[k] = float64(pt.Job.Errors), float64(pt.Job.Skipped)
		rate[k] = pt.PassRate
		regr[k], fixed[k], dur[k] = float64(pt.Regressions), float64(pt.Fixed), pt.Job.Duration
	}
	p.results.Set(cats, []Series{
		{Name: "passed", Color: statusColor(core.Passed, false), Values: passed},
		{Name: "failed", Color: statusColor(core.Failed, false), Values: failed},
		{Name: "errors", Color: statusColor(core.Error, false), Values: errs},
		{Name: "skipped", Color: statusColor(core.Skipped, false), Values: skipped},
	}, []Series{{Name: "pass rate", Color: theme.Color(theme.ColorNamePrimary), Values: rate}})
	p.changes.Set(cats, nil, []Series{
		{Name: "▼ regressions", Color: statusColor(core.Failed, false), Values: regr},
		{Name: "▲ fixed", Color: statusColor(core.Passed, false), Values: fixed},
	})
	p.durations.Set(cats, nil, []Series{{Name: "duration", Color: theme.Color(theme.ColorNamePrimary), Values: dur}})
}

// open opens the job of a row.
func (p *modulePage) open(row int) {
	if row >= 0 && row < len(p.points) {
		p.u.openJob(p.points[row].Job.JobRef)
	}
}

// rowCell is a table cell that opens its row on a double click; a single click
// selects, as in any table. A cell that takes double clicks receives the single
// ones too (the driver stops at the first tappable object), so it passes them on
// to its table.
type rowCell struct {
	widget.Label
	id    widget.TableCellID
	table func() *widget.Table
	open  func(row int)
}

func newRowCell(table func() *widget.Table, open func(row int)) *rowCell {
	c := &rowCell{table: table, open: open}
	c.ExtendBaseWidget(c)
	return c
}

func (c *rowCell) Tapped(*fyne.PointEvent)       { c.table().Select(c.id) }
func (c *rowCell) DoubleTapped(*fyne.PointEvent) { c.open(c.id.Row) }

func (p *modulePage) load() {
	var points []analysis.TrendPoint
	p.u.background(func(ctx context.Context) (err error) {
		points, err = analysis.Trend(ctx, p.u.store, p.module)
		return err
	}, func(err error) {
		if err != nil {
			p.header.SetText("Cannot read the module: " + err.Error())
			return
		}
		p.points = make([]analysis.TrendPoint, len(points))
		for i, pt := range points {
			p.points[len(points)-1-i] = pt
		}
		p.table.Refresh()
		p.drawCharts()
		if len(p.points) == 0 {
			p.header.SetText("No jobs yet: import reports into this module.")
			return
		}
		last := p.points[0]
		p.header.SetText(fmt.Sprintf("%s. Latest: #%d, %s, %s passed, %s failed, %s, %s skipped; pass rate %s; %s, %s fixed.",
			format.Counted(int64(len(p.points)), "job"), last.Job.Number, format.Counted(last.Job.Tests, "test"), format.Count(last.Job.Passed),
			format.Count(last.Job.Failed), format.Counted(last.Job.Errors, "error"), format.Count(last.Job.Skipped), percent(last.PassRate),
			format.Counted(last.Regressions, "regression"), format.Count(last.Fixed)))
	})
}
