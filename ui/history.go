package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
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

// historyPage shows one test across a module's jobs: a strip of coloured cells, one per
// job, its duration, since when it fails, how flaky it is, and its distinct failure
// messages with the jobs they appeared in.
type historyPage struct {
	u         *App
	module    core.ModuleRef
	test      core.TestID
	object    fyne.CanvasObject
	back      *widget.Button // to the job it was opened from, else the module
	summary   *widget.Label
	strip     *fyne.Container
	duration  *Chart
	messages  *widget.Label
	knownBtn  *widget.Button
	revisions *widget.Label
	h         analysis.History
}

// lastMessage is the message of the test's latest failure, for a signature.
func (p *historyPage) lastMessage() string {
	for i := len(p.h.Runs) - 1; i >= 0; i-- {
		if p.h.Runs[i].Status.IsFailure() {
			return p.h.Runs[i].Message
		}
	}
	return ""
}

// openHistory shows a test's history in a module.
// Its back button returns to the job page it was opened from, else to the module.
func (u *App) openHistory(m core.ModuleRef, test core.TestID) {
	from := u.shownJob
	u.show(newHistoryPage(u, m, test, from).object)
}

func newHistoryPage(u *App, m core.ModuleRef, test core.TestID, from *core.JobRef) *historyPage {
	p := &historyPage{u: u, module: m, test: test}
	title := widget.NewLabelWithStyle("History of "+test.String(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	p.summary = widget.NewLabel("Loading...")
	p.summary.Wrapping = fyne.TextWrapWord
	p.strip = container.NewGridWrap(fyne.NewSize(38, 38))
	p.duration = NewChart("Duration")
	p.duration.LineFormat = seconds
	p.duration.LineSeconds = true
	p.duration.OnTapped = func(i int) {
		if i < len(p.h.Runs) {
			u.openJob(p.h.Runs[i].Job)
		}
	}
	p.messages = widget.NewLabel("")
	p.messages.Wrapping = fyne.TextWrapWord
	back := widget.NewButtonWithIcon("Module "+m.String(), theme.NavigateBackIcon(), func() { u.openModule(m) })
	if from != nil {
		job := *from
		back = widget.NewButtonWithIcon("Job "+job.String(), theme.NavigateBackIcon(), func() { u.openJob(job) })
	}
	p.back = back
	p.knownBtn = widget.NewButtonWithIcon("Known issue...", theme.ConfirmIcon(), func() {
		u.markKnown(m, test, p.lastMessage(), false, p.load)
	})
	p.revisions = widget.NewLabel("")
	top := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(p.knownBtn, back), title), p.summary,
		widget.NewLabelWithStyle("Runs, oldest first (click one to open its job)", fyne.TextAlignLeading, fyne.TextStyle{Italic: true}), p.strip)
	p.object = container.NewBorder(top, nil, nil, nil,
		container.NewVSplit(p.duration, container.NewVScroll(container.NewVBox(
			widget.NewLabelWithStyle("Failure messages", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), p.messages,
			widget.NewLabelWithStyle("Runs, newest first, with their revisions", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), p.revisions))))
	p.load()
	return p
}

func (p *historyPage) load() {
	var h analysis.History
	p.u.background(func(ctx context.Context) (err error) {
		h, err = analysis.TestHistory(ctx, p.u.store, p.module, p.test)
		return err
	}, func(err error) {
		if err != nil {
			p.summary.SetText("Cannot read the history: " + err.Error())
			return
		}
		p.h = h
		p.show()
	})
}

func (p *historyPage) show() {
	h := p.h
	var parts []string
	parts = append(parts, fmt.Sprintf("%s in %s", format.Counted(int64(len(h.Runs)), "run"), p.module))
	if h.FailingSince != nil {
		parts = append(parts, fmt.Sprintf("failing since %s (%s)", h.FailingSince, format.Counted(int64(h.Age), "run")))
	} else if len(h.Runs) > 0 {
		parts = append(parts, "passing now")
	}
	if f, ok := analysis.ScoreRuns(h.Runs, 0); ok {
		parts = append(parts, fmt.Sprintf("flaky score %.2f (%d flips in %d runs)", f.Score, f.Flips, f.Runs))
	} else {
		parts = append(parts, "not flaky")
	}
	p.summary.SetText(strings.Join(parts, "; ") + ".")

	p.strip.Objects = nil
	cats := make([]string, len(h.Runs))
	durs := make([]float64, len(h.Runs))
	byMessage := map[string][]string{}
	var order []string
	for i, r := range h.Runs {
		cats[i] = strconv.FormatInt(r.Job.Number, 10)
		durs[i] = r.Duration
		p.strip.Add(newRunCell(r, func() { p.u.openJob(r.Job) }))
		if r.Status.IsFailure() && r.Message != "" {
			if _, ok := byMessage[r.Message]; !ok {
				order = append(order, r.Message)
			}
			byMessage[r.Message] = append(byMessage[r.Message], cats[i])
		}
	}
	p.strip.Refresh()
	p.duration.Set(cats, nil, []Series{{Name: "duration", Color: theme.Color(theme.ColorNamePrimary), Values: durs},
		{Name: "usual (median of the 10 passing runs before)", Color: theme.Color(theme.ColorNameDisabled), Values: analysis.UsualTimes(h.Runs)}})
	// Every run, newest first, with the revision its job was built from.
	var runs strings.Builder
	for i := len(h.Runs) - 1; i >= 0; i-- {
		r := h.Runs[i]
		rev := "revision unknown"
		if r.Revision != "" {
			rev = fmt.Sprintf("revision %.12s", r.Revision)
		}
		fmt.Fprintf(&runs, "#%d  %s, %s, %s\n", r.Job.Number, statusWord(r.Status, r.Flaky), seconds(r.Duration), rev)
	}
	p.revisions.SetText(strings.TrimSuffix(runs.String(), "\n"))
	if len(order) == 0 {
		p.messages.SetText("No failure in these runs.")
		return
	}
	slices.SortStableFunc(order, func(a, b string) int { return len(byMessage[b]) - len(byMessage[a]) })
	var b strings.Builder
	for _, m := range order {
		word := "job"
		if len(byMessage[m]) > 1 {
			word = "jobs"
		}
		fmt.Fprintf(&b, "%s\n    in %s %s\n", format.FirstLine(m), word, strings.Join(byMessage[m], ", "))
		if d, ok := diffText(m); ok {
			b.WriteString("    " + strings.ReplaceAll(d, "\n", "\n    ") + "\n")
		}
		b.WriteString("\n")
	}
	p.messages.SetText(b.String())
}

// runCell is one run in the strip: its status colour, its job number and status word,
// opening the job when tapped.
type runCell struct {
	widget.BaseWidget
	run  analysis.Run
	open func()
}

func newRunCell(r analysis.Run, open func()) *runCell {
	c := &runCell{run: r, open: open}
	c.ExtendBaseWidget(c)
	return c
}

func (c *runCell) Tapped(*fyne.PointEvent) { c.open() }

func (c *runCell) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(statusColor(c.run.Status, c.run.Flaky))
	bg.CornerRadius = 4
	num := canvas.NewText(strconv.FormatInt(c.run.Job.Number, 10), theme.Color(theme.ColorNameBackground))
	num.TextSize = theme.CaptionTextSize()
	num.TextStyle.Bold = true
	num.Alignment = fyne.TextAlignCenter
	word := canvas.NewText(statusMark(c.run.Status, c.run.Flaky), theme.Color(theme.ColorNameBackground))
	word.TextSize = theme.CaptionTextSize()
	word.Alignment = fyne.TextAlignCenter
	return widget.NewSimpleRenderer(container.NewStack(bg, container.NewVBox(num, word)))
}
