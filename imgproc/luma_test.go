package imgproc

import (
	"image"
	"math/rand/v2"
	"testing"
)

// TestGrayRowKernel checks toGray on NRGBA and RGBA images, where rows go
// through the luma kernel and the pixels that are not opaque are redone,
// against the formula applied pixel by pixel: mostly opaque rows with
// scattered transparent pixels, at widths around the kernel's 16, and a
// sub-image so that rows start mid-buffer.
func TestGrayRowKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for iter := range 60 {
		w, h := 1+r.IntN(70), 1+r.IntN(5)
		nrgba := image.NewNRGBA(image.Rect(0, 0, w+3, h+2))
		for i := range nrgba.Pix {
			nrgba.Pix[i] = byte(r.Uint32())
		}
		for i := 3; i < len(nrgba.Pix); i += 4 {
			if r.IntN(4) != 0 {
				nrgba.Pix[i] = 255
			}
		}
		rgba := image.NewRGBA(nrgba.Rect)
		for i := 0; i < len(rgba.Pix); i += 4 {
			a := nrgba.Pix[i+3]
			for c := range 3 {
				rgba.Pix[i+c] = premul(nrgba.Pix[i+c], a)
			}
			rgba.Pix[i+3] = a
		}
		sub := image.Rect(iter%3, iter%2, iter%3+w, iter%2+h)
		for _, m := range []image.Image{nrgba.SubImage(sub), rgba.SubImage(sub)} {
			p := toGray(m, false)
			for y := range h {
				for x := range w {
					px := sub.Min.Add(image.Pt(x, y))
					i := nrgba.PixOffset(px.X, px.Y)
					var rr, gg, bb, a uint8
					if _, ok := m.(*image.NRGBA); ok {
						rr, gg, bb, a = nrgba.Pix[i], nrgba.Pix[i+1], nrgba.Pix[i+2], nrgba.Pix[i+3]
					} else {
						rr, gg, bb, a = rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2], rgba.Pix[i+3]
						if a != 255 && a != 0 {
							rr, gg, bb = unpremul(rr, a), unpremul(gg, a), unpremul(bb, a)
						}
					}
					want := luma(overWhite(rr, a), overWhite(gg, a), overWhite(bb, a))
					if got := p.row(y)[x]; got != want {
						t.Fatalf("%T %dx%d: pixel (%d, %d) = %d, want %d", m, w, h, x, y, got, want)
					}
				}
			}
		}
	}
}
