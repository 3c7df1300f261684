package ui

import (
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
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
	if niceMax(3071) != 4000 || niceMax(0) != 1 || niceMax(0.95) != 1 || niceMax(62) != 80 {
		t.Errorf("niceMax: %v %v %v %v", niceMax(3071), niceMax(0), niceMax(0.95), niceMax(62))
	}
}
