// Package resources holds the assets bundled into the desktop app.
package resources

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon (an original drawing; icon.svg is its source, gen_icon.go
// renders the PNG).
var Icon = fyne.NewStaticResource("regtracker.png", iconPNG)
