package jpeg

import (
	"image"
	"image/color"

	"procesa/imgproc/internal/bufpool"
	lumarow "procesa/imgproc/internal/luma"
)

// allocate decides at the first scan which components are reconstructed
// and what image they make, and creates the destination planes of a
// sequential frame, padded to whole MCUs so that every decoded block can be
// written without clipping. A progressive frame's planes are made at the end
// (makeImage), from its coefficients' memory.
func (d *decoder) allocate() {
	d.allocated = true
	if d.nComp == 3 {
		d.rgbAtAlloc = d.isRGB()
	}
	for i := 0; i < d.nComp; i++ {
		// GrayOnly drops the chroma of YCbCr, converts the others.
		d.keep[i] = i == 0 || !(d.nComp == 3 && d.gray && !d.rgbAtAlloc)
	}
	if d.progressive {
		return
	}
	for i := 0; i < d.nComp; i++ {
		if d.keep[i] {
			c := &d.comp[i]
			stride := d.mxx * c.h * d.bs
			d.planes[i] = plane{bufpool.Get(stride * d.myy * c.v * d.bs), stride}
		}
	}
	d.makeImage()
}

// makeImage wraps the planes as d.img: an *image.Gray for one component or
// for the luma of YCbCr, an *image.YCbCr for three (nil for four).
func (d *decoder) makeImage() {
	bs := d.bs
	h0, v0 := d.comp[0].h, d.comp[0].v
	r := image.Rect(0, 0, d.mxx*h0*bs, d.myy*v0*bs)
	p := &d.planes
	switch {
	case d.nComp == 1 || d.nComp == 3 && !d.keep[1]:
		d.img = &image.Gray{Pix: p[0].pix, Stride: p[0].stride, Rect: r}
	case d.nComp == 3:
		d.img = &image.YCbCr{
			Y: p[0].pix, Cb: p[1].pix, Cr: p[2].pix,
			YStride: p[0].stride, CStride: p[1].stride,
			SubsampleRatio: d.subsampleRatio(),
			Rect:           r,
		}
	}
}

// subsampleRatio maps the frame's sampling factors to image's names.
func (d *decoder) subsampleRatio() image.YCbCrSubsampleRatio {
	hr := d.comp[0].h / d.comp[1].h
	vr := d.comp[0].v / d.comp[1].v
	switch hr<<4 | vr {
	case 0x12:
		return image.YCbCrSubsampleRatio440
	case 0x21:
		return image.YCbCrSubsampleRatio422
	case 0x22:
		return image.YCbCrSubsampleRatio420
	case 0x41:
		return image.YCbCrSubsampleRatio411
	case 0x42:
		return image.YCbCrSubsampleRatio410
	}
	return image.YCbCrSubsampleRatio444
}

// bounds is the rectangle of the result: the frame size divided by the
// shrink factor, rounded up.
func (d *decoder) bounds() image.Rectangle {
	s := d.shrink
	return image.Rect(0, 0, (d.width+s-1)/s, (d.height+s-1)/s)
}

// finish turns the decoded planes into the result image.
func (d *decoder) finish() (image.Image, error) {
	if !d.allocated {
		return nil, FormatError("missing SOS marker")
	}
	if d.progressive {
		d.reconstructProgressive()
		d.makeImage()
	}
	r := d.bounds()
	switch d.nComp {
	case 1:
		return d.img.(*image.Gray).SubImage(r), nil
	case 3:
		rgb := d.isRGB()
		if g, ok := d.img.(*image.Gray); ok {
			if rgb {
				return nil, UnsupportedError("color transform marker after the first scan")
			}
			return g.SubImage(r), nil
		}
		m := d.img.(*image.YCbCr).SubImage(r).(*image.YCbCr)
		if d.gray && !rgb {
			return &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}, nil
		}
		if !rgb {
			return m, nil
		}
		out := d.toRGB(m)
		if d.gray {
			return rgbaToGray(out), nil
		}
		return out, nil
	default:
		if !d.adobeValid {
			return nil, FormatError("unknown color model: 4-component JPEG without Adobe APP14 marker")
		}
		out := d.toCMYK(r)
		if d.gray {
			return cmykToGray(out), nil
		}
		return out, nil
	}
}

// toRGB interprets the planes of m as R, G and B, with the chroma planes'
// nearest sample for each pixel, as image/jpeg does.
func (d *decoder) toRGB(m *image.YCbCr) *image.RGBA {
	cScale := d.comp[0].h / d.comp[1].h
	b := m.Rect
	out := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		po := out.PixOffset(b.Min.X, y)
		yo := m.YOffset(b.Min.X, y)
		co := m.COffset(b.Min.X, y)
		row := out.Pix[po : po+4*b.Dx()]
		for i := 0; i < b.Dx(); i++ {
			row[4*i+0] = m.Y[yo+i]
			row[4*i+1] = m.Cb[co+i/cScale]
			row[4*i+2] = m.Cr[co+i/cScale]
			row[4*i+3] = 255
		}
	}
	return out
}

// toCMYK combines the four planes into a CMYK image, following the Adobe
// transform flag like image/jpeg: transform 0 is inverted CMYK, anything else
// is YCCK (YCbCr converted to RGB, which is inverted CMY, and inverted K).
func (d *decoder) toCMYK(r image.Rectangle) *image.CMYK {
	out := image.NewCMYK(r)
	w, h := r.Dx(), r.Dy()
	p := &d.planes
	sub := [4]int{}
	for t := 0; t < 4; t++ {
		if d.comp[t].h != d.comp[0].h || d.comp[t].v != d.comp[0].v {
			sub[t] = 1
		}
	}
	if d.adobeTransform != 0 {
		for y := 0; y < h; y++ {
			row := out.Pix[y*out.Stride : y*out.Stride+4*w]
			yrow := p[0].pix[y*p[0].stride:]
			cy := y >> sub[1]
			cbrow := p[1].pix[cy*p[1].stride:]
			crrow := p[2].pix[cy*p[2].stride:]
			krow := p[3].pix[y*p[3].stride:]
			for x := 0; x < w; x++ {
				cx := x >> sub[1]
				rr, gg, bb := color.YCbCrToRGB(yrow[x], cbrow[cx], crrow[cx])
				row[4*x+0] = rr
				row[4*x+1] = gg
				row[4*x+2] = bb
				row[4*x+3] = 255 - krow[x]
			}
		}
		return out
	}
	for t := 0; t < 4; t++ {
		pl := p[t]
		s := sub[t]
		for y := 0; y < h; y++ {
			row := out.Pix[y*out.Stride : y*out.Stride+4*w]
			src := pl.pix[(y>>s)*pl.stride:]
			for x := 0; x < w; x++ {
				row[4*x+t] = 255 - src[x>>s]
			}
		}
	}
	return out
}

// luma is the BT.601 luma of an RGB pixel, rounded as Pillow's convert("L").
func luma(r, g, b byte) byte { return lumarow.Of(r, g, b) }

// rgbaToGray returns the luma of the opaque image m.
func rgbaToGray(m *image.RGBA) *image.Gray {
	out := image.NewGray(m.Rect)
	for y := 0; y < m.Rect.Dy(); y++ {
		src := m.Pix[y*m.Stride:]
		lumarow.RGBA(out.Pix[y*out.Stride:y*out.Stride+m.Rect.Dx()], src)
	}
	return out
}

func cmykToGray(m *image.CMYK) *image.Gray {
	out := image.NewGray(m.Rect)
	for y := 0; y < m.Rect.Dy(); y++ {
		src := m.Pix[y*m.Stride:]
		dst := out.Pix[y*out.Stride : y*out.Stride+m.Rect.Dx()]
		for x := range dst {
			c, mm, yy, k := src[4*x], src[4*x+1], src[4*x+2], src[4*x+3]
			r, g, b := color.CMYKToRGB(c, mm, yy, k)
			dst[x] = luma(r, g, b)
		}
	}
	return out
}
