package ui

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core/format"
)

// Series is one named series of a chart: one value per category.
type Series struct {
	Name   string
	Color  color.Color
	Values []float64
}

// Chart draws categories (jobs, samples) along the x axis: stacked bars measured on the
// left axis and lines on the right axis (or the left one when there are no bars), with
// ticks, a legend, a tooltip with the exact values under the pointer, and a tap that
// reports the category. It is drawn with canvas primitives and follows the theme.
type Chart struct {
	widget.BaseWidget

	Title      string
	Categories []string // x labels, one per category
	Bars       []Series // stacked
	Lines      []Series
	// Format writes a value of the bars' axis and of the lines' axis.
	BarFormat, LineFormat func(float64) string
	// LineMax fixes the top of the lines' axis (1 for a rate); 0 means from the data.
	LineMax float64
	// FitLines starts the lines' axis near their lowest value instead of at 0 (a pass
	// rate between 97% and 100%); the legend says where the axis starts.
	FitLines bool
	// BarSeconds and LineSeconds say an axis counts seconds: its ticks are round
	// durations (10 min, 20 min...).
	BarSeconds, LineSeconds bool
	// OnTapped, if set, receives the category tapped.
	OnTapped func(category int)

	hover int // category under the pointer, -1 when none
}

// NewChart returns an empty chart.
func NewChart(title string) *Chart {
	c := &Chart{Title: title, hover: -1, BarFormat: plainNumber, LineFormat: plainNumber}
	c.ExtendBaseWidget(c)
	return c
}

func plainNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return format.Count(int64(v))
	}
	return fmt.Sprintf("%.3g", v)
}

// Set replaces the data and redraws.
func (c *Chart) Set(categories []string, bars, lines []Series) {
	c.Categories, c.Bars, c.Lines = categories, bars, lines
	c.hover = -1
	c.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (c *Chart) CreateRenderer() fyne.WidgetRenderer {
	r := &chartRenderer{c: c}
	return r
}

func (c *Chart) MinSize() fyne.Size {
	c.ExtendBaseWidget(c)
	return fyne.NewSize(160, 120)
}

// geometry of the plot area inside the widget.
type plotArea struct {
	x0, y0, w, h float32 // plot rectangle: left, top, width, height
	slot         float32 // width of one category
}

func (c *Chart) area(size fyne.Size) plotArea {
	pad := theme.Padding()
	textH := theme.TextSize() * 1.4
	left := measure("0000000") + pad*2
	right := pad * 2
	if len(c.Lines) > 0 && len(c.Bars) > 0 {
		right = measure("000.0%") + pad*2
	}
	top := textH*2 + pad // title and legend
	bottom := textH + pad*2
	a := plotArea{x0: left, y0: top, w: size.Width - left - right, h: size.Height - top - bottom}
	if a.w < 10 {
		a.w = 10
	}
	if a.h < 10 {
		a.h = 10
	}
	if n := len(c.Categories); n > 0 {
		a.slot = a.w / float32(n)
	}
	return a
}

func measure(s string) float32 {
	return fyne.MeasureText(s, theme.CaptionTextSize(), fyne.TextStyle{}).Width
}

// categoryAt returns the category under x, or -1.
func (c *Chart) categoryAt(pos fyne.Position) int {
	a := c.area(c.Size())
	if a.slot == 0 || pos.X < a.x0 || pos.X > a.x0+a.w || pos.Y < a.y0 || pos.Y > a.y0+a.h {
		return -1
	}
	i := int((pos.X - a.x0) / a.slot)
	if i < 0 || i >= len(c.Categories) {
		return -1
	}
	return i
}

// Tapped opens the category under the pointer.
func (c *Chart) Tapped(e *fyne.PointEvent) {
	if i := c.categoryAt(e.Position); i >= 0 && c.OnTapped != nil {
		c.OnTapped(i)
	}
}

// MouseIn, MouseMoved and MouseOut show the tooltip.
func (c *Chart) MouseIn(e *desktop.MouseEvent) { c.MouseMoved(e) }

func (c *Chart) MouseMoved(e *desktop.MouseEvent) {
	if i := c.categoryAt(e.Position); i != c.hover {
		c.hover = i
		c.Refresh()
	}
}

func (c *Chart) MouseOut() {
	if c.hover != -1 {
		c.hover = -1
		c.Refresh()
	}
}

// Hovered is the category whose values the tooltip shows, -1 when none.
func (c *Chart) Hovered() int { return c.hover }

// Tooltip is the text shown for category i.
func (c *Chart) Tooltip(i int) string {
	if i < 0 || i >= len(c.Categories) {
		return ""
	}
	lines := []string{c.Categories[i]}
	for _, s := range c.Bars {
		if i < len(s.Values) {
			lines = append(lines, s.Name+": "+c.BarFormat(s.Values[i]))
		}
	}
	for _, s := range c.Lines {
		if i < len(s.Values) && !math.IsNaN(s.Values[i]) {
			lines = append(lines, s.Name+": "+c.LineFormat(s.Values[i]))
		}
	}
	return strings.Join(lines, "\n")
}

// scales returns the tops of the bars' and the lines' axes, and the bottom of the
// lines' (0 unless FitLines).
func (c *Chart) scales() (barMax, lineMax, lineMin float64) {
	lineMin = math.Inf(1)
	for i := range c.Categories {
		var sum float64
		for _, s := range c.Bars {
			if i < len(s.Values) {
				sum += s.Values[i]
			}
		}
		barMax = max(barMax, sum)
		for _, s := range c.Lines {
			if i < len(s.Values) && !math.IsNaN(s.Values[i]) {
				lineMax = max(lineMax, s.Values[i])
				lineMin = min(lineMin, s.Values[i])
			}
		}
	}
	if c.LineMax > 0 {
		lineMax = c.LineMax
	} else {
		lineMax = niceMax(lineMax, c.LineSeconds)
	}
	lo := 0.0
	if c.FitLines && !math.IsInf(lineMin, 1) && lineMin > 0 {
		// The smallest round span above the data's that leaves a margin below it.
		span := niceMax((lineMax-lineMin)*1.25, c.LineSeconds)
		if span < lineMax {
			lo = lineMax - span
		}
	}
	return niceMax(barMax, c.BarSeconds), lineMax, lo
}

// niceMax rounds a maximum up to a round number whose quarters are round too; for
// seconds, quarters that are round durations.
func niceMax(v float64, secs bool) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	if secs && v > 4 {
		for _, step := range durationSteps {
			if v <= 4*step {
				return 4 * step
			}
		}
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// durationSteps are the tick steps of a duration axis, in seconds.
var durationSteps = []float64{1, 2, 5, 10, 15, 30, 60, 2 * 60, 5 * 60, 10 * 60, 15 * 60, 30 * 60,
	3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600, 2 * 24 * 3600, 7 * 24 * 3600}

type chartRenderer struct {
	c       *Chart
	objects []fyne.CanvasObject
}

func (r *chartRenderer) Destroy()                     {}
func (r *chartRenderer) MinSize() fyne.Size           { return r.c.MinSize() }
func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }

// Refresh draws again: the objects are new, so the canvas is told to paint them (else
// a tooltip would stay where it was first drawn).
func (r *chartRenderer) Refresh() {
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}

func text(s string, c color.Color, size float32) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = size
	return t
}

// Layout draws everything for size: the chart is small enough (a few hundred
// categories) to rebuild on each change.
func (r *chartRenderer) Layout(size fyne.Size) {
	c := r.c
	fg := theme.Color(theme.ColorNameForeground)
	grid := theme.Color(theme.ColorNameSeparator)
	caption := theme.CaptionTextSize()
	a := c.area(size)
	var objs []fyne.CanvasObject

	title := text(c.Title, fg, theme.TextSize())
	title.TextStyle.Bold = true
	title.Move(fyne.NewPos(a.x0, 0))
	objs = append(objs, title)

	// Legend.
	x := a.x0
	legendY := theme.TextSize()*1.4 + 2
	barMax, lineMax, lineMin := c.scales()
	for k, s := range append(append([]Series{}, c.Bars...), c.Lines...) {
		if k >= len(c.Bars) && lineMin > 0 {
			s.Name += " (axis from " + c.LineFormat(lineMin) + ")"
		}
		sw := canvas.NewRectangle(s.Color)
		sw.Resize(fyne.NewSize(caption, caption))
		sw.Move(fyne.NewPos(x, legendY+2))
		t := text(s.Name, fg, caption)
		t.Move(fyne.NewPos(x+caption+4, legendY))
		objs = append(objs, sw, t)
		x += caption + 12 + measure(s.Name)
	}

	if len(c.Categories) == 0 {
		empty := text("No data yet", theme.Color(theme.ColorNamePlaceHolder), theme.TextSize())
		empty.Move(fyne.NewPos(a.x0+a.w/2-measure("No data yet")/2, a.y0+a.h/2))
		r.objects = append(objs, empty)
		return
	}
	leftMin, leftMax, leftFmt := 0.0, barMax, c.BarFormat
	if len(c.Bars) == 0 {
		leftMin, leftMax, leftFmt = lineMin, lineMax, c.LineFormat
	}

	// Grid and ticks: five steps.
	for k := 0; k <= 4; k++ {
		y := a.y0 + a.h - a.h*float32(k)/4
		l := canvas.NewLine(grid)
		l.Position1, l.Position2 = fyne.NewPos(a.x0, y), fyne.NewPos(a.x0+a.w, y)
		label := leftFmt(leftMin + (leftMax-leftMin)*float64(k)/4)
		t := text(label, fg, caption)
		t.Move(fyne.NewPos(a.x0-measure(label)-6, y-caption*0.7))
		objs = append(objs, l, t)
		if len(c.Bars) > 0 && len(c.Lines) > 0 {
			rt := text(c.LineFormat(lineMin+(lineMax-lineMin)*float64(k)/4), fg, caption)
			rt.Move(fyne.NewPos(a.x0+a.w+6, y-caption*0.7))
			objs = append(objs, rt)
		}
	}

	// Bars, stacked.
	barW := max(a.slot*0.7, 1)
	for i := range c.Categories {
		base := float32(0)
		for _, s := range c.Bars {
			if i >= len(s.Values) || s.Values[i] <= 0 {
				continue
			}
			h := a.h * float32(s.Values[i]/barMax)
			rect := canvas.NewRectangle(s.Color)
			rect.Resize(fyne.NewSize(barW, h))
			rect.Move(fyne.NewPos(a.x0+a.slot*float32(i)+(a.slot-barW)/2, a.y0+a.h-base-h))
			objs = append(objs, rect)
			base += h
		}
	}

	// Lines, with a dot per point.
	for _, s := range c.Lines {
		var prev *fyne.Position
		for i := range c.Categories {
			if i >= len(s.Values) || math.IsNaN(s.Values[i]) {
				prev = nil
				continue
			}
			v := max(s.Values[i], lineMin)
			p := fyne.NewPos(a.x0+a.slot*(float32(i)+0.5), a.y0+a.h-a.h*float32((v-lineMin)/(lineMax-lineMin)))
			if prev != nil {
				l := canvas.NewLine(s.Color)
				l.StrokeWidth = 2
				l.Position1, l.Position2 = *prev, p
				objs = append(objs, l)
			}
			dot := canvas.NewCircle(s.Color)
			dot.Resize(fyne.NewSize(5, 5))
			dot.Move(p.Subtract(fyne.NewPos(2.5, 2.5)))
			objs = append(objs, dot)
			prev = &p
		}
	}

	// X labels: as many as fit.
	every := 1
	var widest float32
	for _, l := range c.Categories {
		widest = max(widest, measure(l)+4)
	}
	if a.slot > 0 && a.slot < widest {
		every = int(math.Ceil(float64(widest / a.slot)))
	}
	for i := 0; i < len(c.Categories); i += every {
		t := text(c.Categories[i], fg, caption)
		t.Move(fyne.NewPos(a.x0+a.slot*(float32(i)+0.5)-measure(c.Categories[i])/2, a.y0+a.h+4))
		objs = append(objs, t)
	}
	axis := canvas.NewLine(fg)
	axis.Position1, axis.Position2 = fyne.NewPos(a.x0, a.y0+a.h), fyne.NewPos(a.x0+a.w, a.y0+a.h)
	objs = append(objs, axis)

	// Tooltip.
	if c.hover >= 0 {
		hl := canvas.NewRectangle(withAlpha(fg, 0x22))
		hl.Resize(fyne.NewSize(a.slot, a.h))
		hl.Move(fyne.NewPos(a.x0+a.slot*float32(c.hover), a.y0))
		objs = append(objs, hl)
		lines := strings.Split(c.Tooltip(c.hover), "\n")
		var w float32
		for _, l := range lines {
			w = max(w, measure(l))
		}
		lineH := caption * 1.35
		box := fyne.NewSize(w+12, lineH*float32(len(lines))+8)
		pos := fyne.NewPos(a.x0+a.slot*float32(c.hover+1)+4, a.y0+4)
		if pos.X+box.Width > size.Width {
			pos.X = a.x0 + a.slot*float32(c.hover) - box.Width - 4
		}
		bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
		bg.StrokeColor, bg.StrokeWidth = grid, 1
		bg.Resize(box)
		bg.Move(pos)
		objs = append(objs, bg)
		for k, l := range lines {
			t := text(l, fg, caption)
			t.TextStyle.Bold = k == 0
			t.Move(fyne.NewPos(pos.X+6, pos.Y+4+lineH*float32(k)))
			objs = append(objs, t)
		}
	}
	r.objects = objs
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}
