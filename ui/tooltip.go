package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Tooltips: a layer above a window's content, made of canvas objects only, so that
// taps and hovers go through it to what is under the pointer. A widget shows its tip
// after the pointer rested on it for tipDelay, next to the pointer, and hides it when
// the pointer leaves.

const tipDelay = 500 * time.Millisecond

type tipLayer struct {
	object *fyne.Container // holds box when shown; sized as the window's content
	box    *fyne.Container
	text   *canvas.Text
	bg     *canvas.Rectangle
	timer  *time.Timer
	shown  string // the text shown, "" when hidden
	gen    int    // increases with each show and hide: a late timer shows nothing
}

var (
	tipsMu sync.Mutex
	tips   = map[fyne.Canvas]*tipLayer{}
)

// withTips puts content under a tooltip layer for canvas c.
func withTips(c fyne.Canvas, content fyne.CanvasObject) fyne.CanvasObject {
	t := &tipLayer{}
	t.text = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	t.text.TextSize = theme.CaptionTextSize()
	t.bg = canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	t.bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	t.bg.StrokeWidth = 1
	t.bg.CornerRadius = theme.InputRadiusSize()
	t.box = container.NewWithoutLayout(t.bg, t.text)
	t.object = container.NewWithoutLayout()
	tipsMu.Lock()
	tips[c] = t
	tipsMu.Unlock()
	return container.NewStack(content, t.object)
}

func tipsOf(o fyne.CanvasObject) *tipLayer {
	app := fyne.CurrentApp()
	if app == nil {
		return nil
	}
	c := app.Driver().CanvasForObject(o)
	if c == nil {
		return nil
	}
	tipsMu.Lock()
	defer tipsMu.Unlock()
	return tips[c]
}

// showTip shows text next to the pointer at pos (absolute) over o, after tipDelay.
func showTip(o fyne.CanvasObject, pos fyne.Position, text string) {
	t := tipsOf(o)
	if t == nil || text == "" {
		return
	}
	if t.timer != nil {
		t.timer.Stop()
	}
	t.gen++
	if t.shown != "" {
		t.place(pos, text) // moving from one tip to the next: no second wait
		return
	}
	gen := t.gen
	t.timer = time.AfterFunc(tipDelay, func() {
		fyne.Do(func() {
			if gen == t.gen { // the pointer has not moved on or left since
				t.place(pos, text)
			}
		})
	})
}

// hideTip hides the tip over o's window.
func hideTip(o fyne.CanvasObject) {
	t := tipsOf(o)
	if t == nil {
		return
	}
	if t.timer != nil {
		t.timer.Stop()
	}
	t.hide()
}

func (t *tipLayer) hide() {
	t.gen++
	t.shown = ""
	t.object.Objects = nil
	t.object.Refresh()
}

func (t *tipLayer) place(pos fyne.Position, text string) {
	t.shown = text
	t.text.Text = text
	t.text.Color = theme.Color(theme.ColorNameForeground)
	t.bg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	pad := theme.InnerPadding() / 2
	size := t.text.MinSize()
	boxSize := fyne.NewSize(size.Width+2*pad, size.Height+2*pad)
	t.bg.Resize(boxSize)
	t.text.Move(fyne.NewPos(pad, pad))
	t.text.Resize(size)
	// Below and right of the pointer, kept inside the window.
	if app := fyne.CurrentApp(); app != nil {
		pos = pos.Subtract(app.Driver().AbsolutePositionForObject(t.object))
	}
	at := pos.Add(fyne.NewPos(12, 20))
	if area := t.object.Size(); area.Width > 0 {
		at.X = max(0, min(at.X, area.Width-boxSize.Width))
		if at.Y+boxSize.Height > area.Height {
			at.Y = max(0, pos.Y-boxSize.Height-8)
		}
	}
	t.box.Move(at)
	t.box.Resize(boxSize)
	t.object.Objects = []fyne.CanvasObject{t.box}
	t.object.Refresh()
}

// tipButton is a button with a tooltip: the toolbar's icons say what they do.
type tipButton struct {
	widget.Button
	tip string
}

func newTipButton(icon fyne.Resource, tip string, tapped func()) *tipButton {
	b := &tipButton{tip: tip}
	b.Icon, b.OnTapped, b.Importance = icon, tapped, widget.LowImportance
	b.ExtendBaseWidget(b)
	return b
}

func (b *tipButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	showTip(b, e.AbsolutePosition, b.tip)
}

func (b *tipButton) MouseMoved(e *desktop.MouseEvent) {
	b.Button.MouseMoved(e)
	showTip(b, e.AbsolutePosition, b.tip)
}

func (b *tipButton) MouseOut() {
	b.Button.MouseOut()
	hideTip(b)
}

func (b *tipButton) Tapped(e *fyne.PointEvent) {
	hideTip(b)
	b.Button.Tapped(e)
}

// toolbarTip is a toolbar item: an icon with a tooltip.
type toolbarTip struct{ button *tipButton }

func newToolbarTip(icon fyne.Resource, tip string, tapped func()) toolbarTip {
	return toolbarTip{newTipButton(icon, tip, tapped)}
}

func (t toolbarTip) ToolbarObject() fyne.CanvasObject { return t.button }
