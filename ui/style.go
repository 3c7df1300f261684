package ui

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/format"
)

// One meaning, one colour, everywhere; the theme's colours so dark mode reads as well.
// Colour is never alone: status words and arrows go with it.

func statusColor(s core.Status, flaky bool) color.Color {
	switch {
	case flaky:
		return color.NRGBA{R: 0x8e, G: 0x44, B: 0xad, A: 0xff} // violet
	case s == core.Failed:
		return theme.Color(theme.ColorNameError)
	case s == core.Error:
		return color.NRGBA{R: 0xd3, G: 0x54, B: 0x00, A: 0xff} // dark orange
	case s == core.Skipped:
		return theme.Color(theme.ColorNameDisabled)
	}
	return theme.Color(theme.ColorNameSuccess)
}

// statusImportance colours a status word in a label.
func statusImportance(s core.Status) widget.Importance {
	switch s {
	case core.Failed:
		return widget.DangerImportance
	case core.Error:
		return widget.WarningImportance
	case core.Skipped:
		return widget.LowImportance
	}
	return widget.SuccessImportance
}

// knownIcon marks what records a known issue: a failure acknowledged, not counted.
func knownIcon() fyne.Resource { return theme.WarningIcon() }

// compareTests orders test identities as people read them: class, then name, digits
// by value (test_dpd_11 before test_dpd_105).
func compareTests(a, b core.TestID) int {
	if c := format.CompareNatural(a.Classname, b.Classname); c != 0 {
		return c
	}
	return format.CompareNatural(a.Name, b.Name)
}

func statusWord(s core.Status, flaky bool) string {
	if flaky {
		return "flaky"
	}
	return s.String()
}

// statusMark is a one-character sign for a status, for cells too small for a word.
func statusMark(s core.Status, flaky bool) string {
	switch {
	case flaky:
		return "~"
	case s == core.Failed:
		return "✗"
	case s == core.Error:
		return "!"
	case s == core.Skipped:
		return "–"
	}
	return "✓"
}

func percent(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }

func seconds(s float64) string {
	if s == 0 {
		return "0 s"
	}
	return format.Duration(time.Duration(s * float64(time.Second)))
}

// ago writes a time relative to now when recent, else as a local date.
func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case t.IsZero():
		return ""
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return t.Local().Format("2006-01-02 15:04")
}
