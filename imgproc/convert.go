package imgproc

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"iter"

	lumarow "procesa/imgproc/internal/luma"
)

// luma is BT.601 luma exactly as Pillow's convert("L") computes it:
// (19595·R + 38470·G + 7471·B + 0x8000) >> 16. The weights sum to 65536, so
// a gray pixel keeps its value.
func luma(r, g, b uint8) uint8 { return lumarow.Of(r, g, b) }

// overWhite composites a non-premultiplied 8-bit channel value c with alpha
// a over white.
func overWhite(c, a uint8) uint8 {
	return uint8((uint32(c)*uint32(a) + 255*(255-uint32(a)) + 127) / 255)
}

// premul multiplies an 8-bit channel value by alpha, rounding.
func premul(c, a uint8) uint8 {
	return uint8((uint32(c)*uint32(a) + 127) / 255)
}

// opaque reports whether every pixel of m is fully opaque, when m can tell
// cheaply; images that cannot tell are treated as having alpha.
func opaque(m image.Image) bool {
	switch m := m.(type) {
	case *image.YCbCr, *image.Gray, *image.Gray16, *image.CMYK:
		return true
	case *image.Paletted:
		for _, c := range m.Palette {
			if _, _, _, a := c.RGBA(); a != 0xffff {
				return m.Opaque()
			}
		}
		return true
	case interface{ Opaque() bool }:
		return m.Opaque()
	}
	return false
}

// toGray returns the luma of m as a one-channel plane, compositing over
// white where m has alpha, or, when keepAlpha and m is not opaque, a
// two-channel plane of premultiplied luma and alpha. A YCbCr or Gray image
// is used in place without copying: its Y plane is already BT.601 luma.
func toGray(m image.Image, keepAlpha bool) plane {
	switch m := m.(type) {
	case *image.YCbCr:
		return yPlane(m)
	case *image.Gray:
		return grayPlane(m)
	}
	b := m.Bounds()
	withAlpha := keepAlpha && !opaque(m)
	n := 1
	if withAlpha {
		n = 2
	}
	p := newPlane(b.Dx(), b.Dy(), n)
	parallelRows(p.h, p.w*4, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			grayRow(p.row(y), m, b.Min.X, b.Min.Y+y, withAlpha)
		}
	})
	return p
}

// grayRow fills out with the luma of row y of m (and premultiplied alpha
// when withAlpha), composited over white otherwise.
func grayRow(out []byte, m image.Image, x0, y int, withAlpha bool) {
	w := len(out)
	if withAlpha {
		w /= 2
	}
	put := func(x int, r, g, b, a uint8) {
		if withAlpha {
			out[2*x], out[2*x+1] = premul(luma(r, g, b), a), a
			return
		}
		if a != 255 {
			r, g, b = overWhite(r, a), overWhite(g, a), overWhite(b, a)
		}
		out[x] = luma(r, g, b)
	}
	switch m := m.(type) {
	case *image.NRGBA:
		s := m.Pix[m.PixOffset(x0, y):]
		if !withAlpha {
			// Luma of every pixel as if opaque, then the others again.
			lumarow.RGBA(out, s)
			for x := range nonOpaque(out, s) {
				p := s[4*x : 4*x+4 : 4*x+4]
				put(x, p[0], p[1], p[2], p[3])
			}
			return
		}
		for x := range w {
			p := s[4*x : 4*x+4 : 4*x+4]
			put(x, p[0], p[1], p[2], p[3])
		}
	case *image.RGBA:
		s := m.Pix[m.PixOffset(x0, y):]
		pixel := func(x int) {
			p := s[4*x : 4*x+4 : 4*x+4]
			r, g, b, a := p[0], p[1], p[2], p[3]
			if a != 255 && a != 0 {
				r, g, b = unpremul(r, a), unpremul(g, a), unpremul(b, a)
			}
			put(x, r, g, b, a)
		}
		if !withAlpha {
			// As for NRGBA: an opaque pixel needs no unpremultiplying.
			lumarow.RGBA(out, s)
			for x := range nonOpaque(out, s) {
				pixel(x)
			}
			return
		}
		for x := range w {
			pixel(x)
		}
	case *image.Paletted:
		var lut [256][4]uint8
		for i, c := range m.Palette {
			n := color.NRGBAModel.Convert(c).(color.NRGBA)
			lut[i] = [4]uint8{n.R, n.G, n.B, n.A}
		}
		s := m.Pix[m.PixOffset(x0, y):]
		for x := range w {
			c := lut[s[x]]
			put(x, c[0], c[1], c[2], c[3])
		}
	case *image.Gray16:
		s := m.Pix[m.PixOffset(x0, y):]
		for x := range w {
			v := s[2*x] // high byte, as Pillow unpacks 16-bit samples
			put(x, v, v, v, 255)
		}
	case *image.NYCbCrA:
		yi, ai := m.YOffset(x0, y), m.AOffset(x0, y)
		for x := range w {
			v, a := m.Y[yi+x], m.A[ai+x]
			put(x, v, v, v, a)
		}
	default:
		// 16-bit colour (RGBA64, NRGBA64), CMYK and anything else: the
		// high byte of each non-premultiplied sample.
		for x := range w {
			switch c := m.At(x0+x, y).(type) {
			case color.NRGBA: // exact, unlike a round trip through RGBA()
				put(x, c.R, c.G, c.B, c.A)
			default:
				c64 := color.NRGBA64Model.Convert(c).(color.NRGBA64)
				put(x, uint8(c64.R>>8), uint8(c64.G>>8), uint8(c64.B>>8), uint8(c64.A>>8))
			}
		}
	}
}

// nonOpaque yields the pixels of dst, whose RGBA source pixels are s,
// that are not opaque, looking at two pixels' alpha at once.
func nonOpaque(dst, s []byte) iter.Seq[int] {
	return func(yield func(int) bool) {
		s := s[:4*len(dst)]
		for x := 0; x < len(dst); x += 2 {
			if x+2 <= len(dst) && binary.LittleEndian.Uint64(s[4*x:])|0x00ffffff00ffffff == ^uint64(0) {
				continue
			}
			for i := x; i < min(x+2, len(dst)); i++ {
				if s[4*i+3] != 255 && !yield(i) {
					return
				}
			}
		}
	}
}

// unpremul divides a premultiplied 8-bit channel value by alpha.
func unpremul(c, a uint8) uint8 {
	return uint8(min(255, (uint32(c)*255+uint32(a)/2)/uint32(a)))
}

// toRGBA returns m as premultiplied RGBA, in place when it already is one.
func toRGBA(m image.Image) plane {
	switch m := m.(type) {
	case *image.RGBA:
		return rgbaPlane(m)
	case *image.YCbCr:
		return ycbcrToRGBA(m)
	}
	b := m.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	parallelRows(b.Dy(), b.Dx()*4, func(y0, y1 int) {
		r := image.Rect(0, y0, b.Dx(), y1)
		draw.Draw(dst, r, m, b.Min.Add(r.Min), draw.Src)
	})
	return rgbaPlane(dst)
}
