package ui

import (
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"image/color"
)

func sampleChart() *Chart {
	c := NewChart("Results per job")
	c.LineFormat = percent
	c.LineMax = 1
	c.Set([]string{"12", "13", "14"},
		[]Series{{Name: "passed", Color: color.Black, Values: []float64{90, 80, 95}}, {Name: "failed", Color: color.White, Values: []float64{10, 20, 5}}},
		[]Series{{Name: "pass rate", Color: color.Black, Values: []float64{0.9, 0.8, 0.95}}})
	return c
}

// centre is the middle of category i's slot.
func centre(c *Chart, i int) fyne.Position {
	a := c.area(c.Size())
	return fyne.NewPos(a.x0+a.slot*(float32(i)+0.5), a.y0+a.h/2)
}

func TestChartHoverShowsTheValuesAndTapReportsTheCategory(t *testing.T) {
	test.NewTempApp(t)
	c := sampleChart()
	w := test.NewWindow(c)
	defer w.Close()
	w.Resize(fyne.NewSize(600, 300))
	c.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: centre(c, 1)}})
	if c.Hovered() != 1 {
		t.Fatalf("hovering the second bar hovers %d", c.Hovered())
	}
	tip := c.Tooltip(c.Hovered())
	for _, want := range []string{"13", "passed: 80", "failed: 20", "pass rate: 80.0%"} {
		if !strings.Contains(tip, want) {
			t.Errorf("tooltip %q lacks %q", tip, want)
		}
	}
	c.MouseOut()
	if c.Hovered() != -1 {
		t.Error("the tooltip stays after the pointer left")
	}
	tapped := -1
	c.OnTapped = func(i int) { tapped = i }
	test.TapAt(c, centre(c, 2))
	if tapped != 2 {
		t.Errorf("tapping the third bar reported %d", tapped)
	}
	test.TapAt(c, fyne.NewPos(1, 1)) // outside the plot
	if tapped != 2 {
		t.Errorf("a tap outside the plot reported %d", tapped)
	}
}

func TestChartDrawsEmptyAndSinglePoints(t *testing.T) {
	test.NewTempApp(t)
	for name, set := range map[string]func(*Chart){
		"empty": func(c *Chart) { c.Set(nil, nil, nil) },
		"single point": func(c *Chart) {
			c.Set([]string{"1"}, nil, []Series{{Name: "x", Color: color.Black, Values: []float64{3}}})
		},
		"zeros": func(c *Chart) {
			c.Set([]string{"1", "2"}, []Series{{Name: "b", Color: color.Black, Values: []float64{0, 0}}}, nil)
		},
		"gaps": func(c *Chart) {
			c.Set([]string{"1", "2", "3"}, nil, []Series{{Name: "x", Color: color.Black, Values: []float64{1, math.NaN(), 2}}})
		},
	} {
		c := NewChart(name)
		set(c)
		w := test.NewWindow(c)
		w.Resize(fyne.NewSize(300, 200))
		w.Resize(fyne.NewSize(800, 400)) // resizes cleanly
		if len(test.WidgetRenderer(c).Objects()) == 0 {
			t.Errorf("%s: nothing drawn", name)
		}
		w.Close()
	}
	if niceMax(3071, false) != 4000 || niceMax(0, false) != 1 || niceMax(0.95, false) != 1 || niceMax(62, false) != 80 {
		t.Errorf("niceMax: %v %v %v %v", niceMax(3071, false), niceMax(0, false), niceMax(0.95, false), niceMax(62, false))
	}
	// A duration axis steps by round durations: 33 min of data gets ticks of 10 min.
	if got := niceMax(33*60+20, true); got != 40*60 {
		t.Errorf("niceMax of 33 min 20 s on a duration axis: %v s", got)
	}
}

// drawnTexts are the texts a chart's renderer draws.
func drawnTexts(c *Chart) string {
	var out []string
	for _, o := range test.WidgetRenderer(c).Objects() {
		if t, ok := o.(*canvas.Text); ok {
			out = append(out, t.Text)
		}
	}
	return strings.Join(out, "|")
}

// The tooltip follows the pointer from job to job and goes when it leaves.
func TestChartTooltipFollowsThePointer(t *testing.T) {
	test.NewTempApp(t)
	c := sampleChart()
	w := test.NewWindow(c)
	defer w.Close()
	w.Resize(fyne.NewSize(600, 300))
	for _, i := range []int{0, 2, 1} {
		c.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: centre(c, i)}})
		want := "pass rate: " + percent([]float64{0.9, 0.8, 0.95}[i])
		if got := drawnTexts(c); !strings.Contains(got, want) || strings.Count(got, "pass rate: ") != 1 {
			t.Errorf("over job %d the chart draws %q, not one tooltip with %q", i, got, want)
		}
	}
	c.MouseOut()
	if got := drawnTexts(c); strings.Contains(got, "pass rate: ") {
		t.Errorf("the tooltip stays after the pointer left: %q", got)
	}
}

// A rate between 97% and 100% gets an axis fitted to it, and the legend says so; a
// duration axis ticks by round durations.
func TestChartFitsItsAxes(t *testing.T) {
	test.NewTempApp(t)
	c := NewChart("Results per job")
	c.LineFormat, c.LineMax, c.FitLines = percent, 1, true
	c.Set([]string{"1", "2"}, []Series{{Name: "passed", Color: color.Black, Values: []float64{2900, 3000}}},
		[]Series{{Name: "pass rate", Color: color.White, Values: []float64{0.97, 0.995}}})
	w := test.NewWindow(c)
	defer w.Close()
	w.Resize(fyne.NewSize(600, 300))
	got := drawnTexts(c)
	for _, want := range []string{"pass rate (axis from 96.0%)", "|96.0%|", "|100.0%|", "|97.0%|"} {
		if !strings.Contains("|"+got+"|", want) {
			t.Errorf("the fitted chart lacks %q: %q", want, got)
		}
	}
	d := NewChart("Total test duration")
	d.LineFormat, d.LineSeconds = seconds, true
	d.Set([]string{"1", "2"}, nil, []Series{{Name: "duration", Color: color.White, Values: []float64{1500, 2000}}})
	w.SetContent(d)
	got = drawnTexts(d)
	for _, want := range []string{"|10 min|", "|20 min|", "|30 min|", "|40 min|"} {
		if !strings.Contains("|"+got+"|", want) {
			t.Errorf("the duration axis lacks %q: %q", want, got)
		}
	}
}
