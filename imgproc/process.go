package imgproc

import (
	"bytes"
	"image"
	"io"
	"runtime"
)

// collectAfterDecode is the source size, in pixels, from which render runs
// the garbage collector between decoding and resampling.
const collectAfterDecode = 4 << 20

// Process decodes src, applies the EXIF orientation, converts to gray when
// o.Gray, scales to o.OutputSize and encodes the result into w. It checks the
// header first, as Check does, so an image over the pixel limit is refused
// before any pixel is decoded. Errors are *Error; a failing w is reported
// as a KindDecode error too, so a caller that cares about w should keep its
// own error.
func Process(src []byte, w io.Writer, o Options) (Info, error) {
	return processInput(input{data: src}, w, o)
}

// input is an image to process: all its bytes, or, for a large JPEG left in
// its file (see openInput), the bytes of its headers and the file.
type input struct {
	data []byte      // the image, or its headers when file is set
	file io.ReaderAt // the whole image, size bytes, when set
	size int64
}

// open returns a reader of the whole image, which can also read at an
// offset (the JPEG decoder's parallel path uses that).
func (in input) open() io.ReadSeeker {
	if in.file != nil {
		return io.NewSectionReader(in.file, 0, in.size)
	}
	return bytes.NewReader(in.data)
}

// processInput is Process on an input.
func processInput(in input, w io.Writer, o Options) (Info, error) {
	var s spent
	m, info, err := renderJob(in, o, &s)
	if err != nil {
		return Info{}, err
	}
	if err := encode(w, m, o); err != nil {
		return Info{}, errEncode
	}
	// The pixels are garbage now: keep their memory for the next job.
	s.add(imagePix(m))
	s.release()
	return info, nil
}

// streamPNGs enables the streaming PNG decoder; tests turn it off to
// compare with the image/png path.
var streamPNGs = true

// render is Process without the encoding: it returns the image that would
// be encoded.
func render(src []byte, o Options) (image.Image, Info, error) {
	return renderInput(input{data: src}, o)
}

// renderInput is render on an input. Only a JPEG's headers are needed in
// in.data: Check reads nothing else.
func renderInput(in input, o Options) (image.Image, Info, error) {
	return renderJob(in, o, nil)
}

// renderJob is renderInput that records in s (when not nil) the large
// buffers that are garbage once the image it returns has been encoded.
func renderJob(in input, o Options, s *spent) (image.Image, Info, error) {
	src := in.data
	h, err := checkHeader(src, o)
	if err != nil {
		return nil, Info{}, err
	}
	flatten := o.Format == FormatJPEG // JPEG has no alpha: composite over white
	if h.Format == "png" && streamPNGs && in.file == nil {
		if ph, err := parsePNGHeader(src); err == nil && ph.w == h.srcW && ph.h == h.srcH {
			n := 1
			switch {
			case !o.Gray:
				n = 4
			case ph.hasAlpha && !flatten:
				n = 2
			}
			p := newPlane(ph.w, ph.h, n)
			s.add(p.pix)
			p.prog = newProgress()
			go streamPNG(src, ph, p, flatten, p.prog)
			out := transform(p, h, o, flatten)
			if p.prog.result() != nil {
				return nil, Info{}, errDecode
			}
			return out, h.Info, nil
		}
	}
	hint := decodeHint{gray: o.Gray, shrink: 1, spent: s}
	if h.Format == "jpeg" {
		tw, th := h.OutWidth, h.OutHeight
		if swapsAxes(h.orientation) {
			tw, th = th, tw
		}
		hint.shrink = jpegShrink(h.srcW, h.srcH, tw, th, o.Filter)
	}
	m, err := decodeInput(h, in, hint)
	if err != nil {
		return nil, Info{}, errDecode
	}
	if int64(h.srcW)*int64(h.srcH) >= collectAfterDecode {
		// The input and the decoder's working memory (the coefficients
		// of a progressive JPEG, but for the result) are garbage now:
		// collect them, so that the resampler and the encoder reuse
		// that memory instead of growing the heap past the decoder's
		// peak. The live heap is then mostly pixel planes, which the
		// collector does not scan: it takes well under a millisecond.
		runtime.GC()
	}
	if b := m.Bounds(); b.Dx() != h.srcW || b.Dy() != h.srcH {
		// A decoder may have honoured the shrink hint; nothing else.
		s := hint.shrink
		if s == 1 || b.Dx() != (h.srcW+s-1)/s || b.Dy() != (h.srcH+s-1)/s {
			return nil, Info{}, errDecode
		}
	}
	var p plane
	if o.Gray {
		p = toGray(m, !flatten)
	} else {
		p = toRGBA(m)
	}
	return transform(p, h, o, flatten), h.Info, nil
}

// transform runs the pixel stages on a working plane: orientation,
// resampling, and the final conversion for the encoder. When p is still
// being decoded (p.prog set), it returns once p is complete, and the image
// is only valid if p.prog reports no error.
func transform(p plane, h header, o Options, flatten bool) image.Image {
	// Orient the smaller of source and output: before resampling when
	// enlarging, after when reducing.
	tw, th := h.OutWidth, h.OutHeight
	orientFirst := int64(tw)*int64(th) > int64(p.w)*int64(p.h)
	if p.prog != nil && (h.orientation != orientNormal || (tw == p.w && th == p.h)) {
		// Nothing to overlap with the decoder: wait for it.
		if p.prog.result() != nil {
			return nil
		}
		p.prog = nil
	}
	if orientFirst {
		p = orient(p, h.orientation)
	} else if swapsAxes(h.orientation) {
		tw, th = th, tw
	}
	if tw != p.w || th != p.h {
		q := newPlane(tw, th, p.n)
		resample(q, p, o.Filter)
		if p.prog != nil && p.prog.result() != nil {
			return nil
		}
		p = q
	}
	if !orientFirst {
		p = orient(p, h.orientation)
	}
	return toImage(p, flatten)
}

// toImage wraps a working plane as the image type the encoders handle
// fastest: *image.Gray, *image.RGBA when opaque (or flattened over white),
// *image.NRGBA otherwise. It may modify p in place.
func toImage(p plane, flatten bool) image.Image {
	r := image.Rect(0, 0, p.w, p.h)
	switch p.n {
	case 1:
		return &image.Gray{Pix: p.pix, Stride: p.stride, Rect: r}
	case 2:
		if alphaOpaque(p) { // a PNG with an alpha channel it does not use
			g := image.NewGray(r)
			for y := range p.h {
				row, o := p.row(y), g.Pix[y*g.Stride:]
				for x := range p.w {
					o[x] = row[2*x]
				}
			}
			return g
		}
		out := image.NewNRGBA(r)
		parallelRows(p.h, p.w*4, func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				in, o := p.row(y), out.Pix[y*out.Stride:]
				for x := range p.w {
					v, a := in[2*x], in[2*x+1]
					if a != 0 && a != 255 {
						v = unpremul(v, a)
					}
					o[4*x], o[4*x+1], o[4*x+2], o[4*x+3] = v, v, v, a
				}
			}
		})
		return out
	}
	// Premultiplied RGBA.
	isOpaque := true
	if flatten {
		parallelRows(p.h, p.w*4, func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				row := p.row(y)
				for x := 0; x < len(row); x += 4 {
					px := row[x : x+4 : x+4]
					if t := 255 - px[3]; t != 0 {
						// Cubic overshoot can leave a channel above its
						// alpha, hence the clamp.
						px[0], px[1], px[2], px[3] = addSat(px[0], t), addSat(px[1], t), addSat(px[2], t), 255
					}
				}
			}
		})
	} else {
		isOpaque = (&image.RGBA{Pix: p.pix, Stride: p.stride, Rect: r}).Opaque()
	}
	if isOpaque {
		return &image.RGBA{Pix: p.pix, Stride: p.stride, Rect: r}
	}
	parallelRows(p.h, p.w*4, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			row := p.row(y)
			for x := 0; x < len(row); x += 4 {
				px := row[x : x+4 : x+4]
				if a := px[3]; a != 0 && a != 255 {
					px[0], px[1], px[2] = unpremul(px[0], a), unpremul(px[1], a), unpremul(px[2], a)
				}
			}
		}
	})
	return &image.NRGBA{Pix: p.pix, Stride: p.stride, Rect: r}
}

// addSat adds two bytes, saturating at 255.
func addSat(a, b uint8) uint8 {
	if s := uint16(a) + uint16(b); s < 255 {
		return uint8(s)
	}
	return 255
}

// alphaOpaque reports whether every alpha of a luma+alpha plane is 255.
func alphaOpaque(p plane) bool {
	for y := range p.h {
		row := p.row(y)
		for x := 1; x < len(row); x += 2 {
			if row[x] != 255 {
				return false
			}
		}
	}
	return true
}
