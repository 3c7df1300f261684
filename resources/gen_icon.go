//go:build ignore

// gen_icon renders icon.png, the app icon, from the same shapes as icon.svg:
// go run gen_icon.go
package main

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

const size = 512 // twice the SVG's 256 units

func main() {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	navy := color.RGBA{0x1f, 0x3a, 0x5f, 0xff}
	green := color.RGBA{0x3f, 0xb9, 0x50, 0xff}
	red := color.RGBA{0xf8, 0x51, 0x49, 0xff}
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	roundRect(img, 8, 8, 240, 240, 44, navy)
	roundRect(img, 44, 132, 30, 80, 4, green)
	roundRect(img, 88, 104, 30, 108, 4, green)
	roundRect(img, 132, 76, 30, 136, 4, green)
	roundRect(img, 176, 150, 30, 62, 4, red)
	polyline(img, [][2]float64{{52, 96}, {103, 70}, {147, 44}, {191, 112}}, 5, white)
	polyline(img, [][2]float64{{173, 108}, {197, 120}, {203, 94}}, 5, white)
	f, err := os.Create("icon.png")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		panic(err)
	}
}

// roundRect fills a rectangle with rounded corners, in SVG units.
func roundRect(img *image.RGBA, x, y, w, h, r float64, c color.RGBA) {
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			u, v := (float64(px)+0.5)/2, (float64(py)+0.5)/2
			if u < x || u > x+w || v < y || v > y+h {
				continue
			}
			cx, cy := math.Max(x+r, math.Min(u, x+w-r)), math.Max(y+r, math.Min(v, y+h-r))
			if math.Hypot(u-cx, v-cy) <= r {
				img.SetRGBA(px, py, c)
			}
		}
	}
}

// polyline strokes connected segments with round joins, half-width hw in SVG units.
func polyline(img *image.RGBA, pts [][2]float64, hw float64, c color.RGBA) {
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			u, v := (float64(px)+0.5)/2, (float64(py)+0.5)/2
			for i := 0; i+1 < len(pts); i++ {
				if segDist(u, v, pts[i], pts[i+1]) <= hw {
					img.SetRGBA(px, py, c)
					break
				}
			}
		}
	}
}

func segDist(u, v float64, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := math.Max(0, math.Min(1, ((u-a[0])*dx+(v-a[1])*dy)/(dx*dx+dy*dy)))
	return math.Hypot(u-(a[0]+t*dx), v-(a[1]+t*dy))
}
