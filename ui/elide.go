package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// elidedLabel is a one-line label that, when its text does not fit, cuts it in the
// middle: test names differ at their ends ("com.example.vpn…rejects_keepalive_11"),
// so the start and the end stay and the full text shows on hover.
type elidedLabel struct {
	widget.BaseWidget
	text  string
	label *widget.Label
	cut   bool // the label shows less than text
}

func newElidedLabel() *elidedLabel {
	l := &elidedLabel{label: widget.NewLabel("")}
	l.ExtendBaseWidget(l)
	return l
}

// SetText sets the full text.
func (l *elidedLabel) SetText(s string) {
	if s == l.text {
		return
	}
	l.text = s
	l.fit(l.Size().Width)
}

func (l *elidedLabel) fit(width float32) {
	shown := elideMiddle(l.text, width-2*theme.InnerPadding(), func(s string) float32 {
		return fyne.MeasureText(s, theme.TextSize(), l.label.TextStyle).Width
	})
	l.cut = shown != l.text
	l.label.SetText(shown)
}

func (l *elidedLabel) Resize(size fyne.Size) {
	l.BaseWidget.Resize(size)
	l.fit(size.Width)
}

func (l *elidedLabel) MinSize() fyne.Size {
	return fyne.NewSize(4*theme.TextSize(), l.label.MinSize().Height)
}

func (l *elidedLabel) MouseIn(e *desktop.MouseEvent) { l.MouseMoved(e) }

func (l *elidedLabel) MouseMoved(e *desktop.MouseEvent) {
	if l.cut {
		showTip(l, e.AbsolutePosition, l.text)
	}
}

func (l *elidedLabel) MouseOut() { hideTip(l) }

func (l *elidedLabel) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(l.label)
}

// elideMiddle is s cut in its middle with "…" so that width(s) fits in width: a third
// of what fits from the start, two thirds from the end (where names differ).
func elideMiddle(s string, width float32, measure func(string) float32) string {
	if width <= 0 || measure(s) <= width {
		return s
	}
	r := []rune(s)
	// The longest cut that fits, found by bisection on the number of runes kept.
	lo, hi := 0, len(r)
	best := "…"
	for lo <= hi {
		keep := (lo + hi) / 2
		head := keep / 3
		cand := string(r[:head]) + "…" + string(r[len(r)-(keep-head):])
		if measure(cand) <= width {
			best, lo = cand, keep+1
		} else {
			hi = keep - 1
		}
	}
	return best
}
