package imgproc

import "image"

// JPEG stores chroma at reduced resolution. image/jpeg brings it back to
// full size by repeating samples; libjpeg, and so Pillow, uses "fancy"
// upsampling, a triangle filter that weighs the nearer sample 3/4 and the
// farther 1/4. For colour output we upsample as libjpeg does and convert
// with libjpeg's fixed-point YCbCr to RGB, so that colours match Pillow's.

// ycc2rgb holds libjpeg's jdcolor.c tables, indexed by a chroma byte.
var ycc2rgb = func() (t struct{ crR, cbB, crG, cbG [256]int32 }) {
	const scaleBits = 16
	const oneHalf = 1 << (scaleBits - 1)
	fix := func(x float64) int32 { return int32(x*(1<<scaleBits) + 0.5) }
	for i := range 256 {
		x := int32(i - 128)
		t.crR[i] = (fix(1.40200)*x + oneHalf) >> scaleBits
		t.cbB[i] = (fix(1.77200)*x + oneHalf) >> scaleBits
		t.crG[i] = -fix(0.71414) * x
		t.cbG[i] = -fix(0.34414)*x + oneHalf
	}
	return t
}()

func clamp255(v int32) uint8 {
	if uint32(v) > 255 {
		if v < 0 {
			return 0
		}
		return 255
	}
	return uint8(v)
}

// subsampling returns the horizontal and vertical chroma reduction factors
// of a YCbCr ratio.
func subsampling(r image.YCbCrSubsampleRatio) (h, v int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 2, 1
	case image.YCbCrSubsampleRatio420:
		return 2, 2
	case image.YCbCrSubsampleRatio440:
		return 1, 2
	case image.YCbCrSubsampleRatio411:
		return 4, 1
	case image.YCbCrSubsampleRatio410:
		return 4, 2
	}
	return 1, 1
}

// upsampleH2Span is how many chroma samples from the second on, a
// multiple of 16, the vector kernels of upsampleH2Vec upsample: those with
// both neighbours inside the cw samples of a row.
func upsampleH2Span(cw int) int {
	return max(cw-2, 0) &^ 15
}

// upsampleRow writes into out (the full-resolution width) row y of a
// chroma plane reduced by (h, v), as libjpeg does: fancy (triangle) for the
// 2:1 ratios, sample repetition otherwise. sub returns row cy of the plane
// (cw samples); fullH is the full-resolution height.
func upsampleRow(out []uint8, y, h, v, cw, chh int, sub func(cy int) []uint8) {
	cy := y / v
	if v == 2 {
		// The nearer row is cy, the farther one above for even y, below
		// for odd y, clamped at the edges.
		near := sub(cy)[:cw]
		fy := cy - 1
		if y%2 == 1 {
			fy = cy + 1
		}
		fy = min(max(fy, 0), chh-1)
		far := sub(fy)[:cw]
		if h == 2 {
			// h2v2: column sums weighted 3:1 vertically, then 3:1
			// horizontally, with libjpeg's rounding biases 8 and 7; the
			// edge columns are repeated.
			col := func(i int) int32 { return 3*int32(near[i]) + int32(far[i]) }
			cl, c := col(0), col(0) // columns i-1 and i
			i := 0
			if n := upsampleH2Vec(out, near, far, cw); n > 0 {
				// The kernel did samples [1, n+1); sample 0 is left.
				out[0] = uint8((4*c + 8) >> 4)
				out[1] = uint8((3*c + col(1) + 7) >> 4)
				i, cl, c = n+1, col(n), col(n+1)
			}
			for ; i+1 < cw; i++ {
				cn := 3*int32(near[i+1]) + int32(far[i+1])
				o := out[2*i : 2*i+2 : 2*i+2]
				o[0] = uint8((3*c + cl + 8) >> 4)
				o[1] = uint8((3*c + cn + 7) >> 4)
				cl, c = c, cn
			}
			if x := 2 * i; x < len(out) {
				out[x] = uint8((3*c + cl + 8) >> 4)
			}
			if x := 2*i + 1; x < len(out) {
				out[x] = uint8((4*c + 7) >> 4)
			}
			return
		}
		if h == 1 {
			// h1v2: bias 1 for the upper, 2 for the lower output row.
			bias := int32(1)
			if y%2 == 1 {
				bias = 2
			}
			for x := range out {
				out[x] = uint8((3*int32(near[x]) + int32(far[x]) + bias) >> 2)
			}
			return
		}
	}
	row := sub(cy)[:cw]
	if h == 2 && v == 1 {
		// h2v1: 3:1 horizontally, biases 1 and 2; the edge samples are
		// repeated.
		pl, p := int32(row[0]), int32(row[0]) // samples i-1 and i
		i := 0
		if n := upsampleH2Vec(out, row, nil, cw); n > 0 {
			// The kernel did samples [1, n+1); sample 0 is left.
			out[0] = uint8((4*p + 1) >> 2)
			out[1] = uint8((3*p + int32(row[1]) + 2) >> 2)
			i, pl, p = n+1, int32(row[n]), int32(row[n+1])
		}
		for ; i+1 < cw; i++ {
			pn := int32(row[i+1])
			o := out[2*i : 2*i+2 : 2*i+2]
			o[0] = uint8((3*p + pl + 1) >> 2)
			o[1] = uint8((3*p + pn + 2) >> 2)
			pl, p = p, pn
		}
		if x := 2 * i; x < len(out) {
			out[x] = uint8((3*p + pl + 1) >> 2)
		}
		if x := 2*i + 1; x < len(out) {
			out[x] = uint8((4*p + 2) >> 2)
		}
		return
	}
	for x := range out {
		out[x] = row[x/h]
	}
}

// ycbcrToRGBA converts m to opaque RGBA with libjpeg's upsampling and
// arithmetic.
func ycbcrToRGBA(m *image.YCbCr) plane {
	b := m.Bounds()
	w, hgt := b.Dx(), b.Dy()
	p := newPlane(w, hgt, 4)
	hs, vs := subsampling(m.SubsampleRatio)
	cw, ch := (w+hs-1)/hs, (hgt+vs-1)/vs
	c0 := m.COffset(b.Min.X, b.Min.Y)
	cbRow := func(cy int) []uint8 { return m.Cb[c0+cy*m.CStride:] }
	crRow := func(cy int) []uint8 { return m.Cr[c0+cy*m.CStride:] }
	parallelRows(hgt, w*8, func(y0, y1 int) {
		cb, cr := make([]uint8, w), make([]uint8, w)
		for y := y0; y < y1; y++ {
			upsampleRow(cb, y, hs, vs, cw, ch, cbRow)
			upsampleRow(cr, y, hs, vs, cw, ch, crRow)
			yr := m.Y[m.YOffset(b.Min.X, b.Min.Y+y):][:w]
			ycbcrRow(p.row(y), yr, cb, cr)
		}
	})
	return p
}

// ycbcrRow converts a row of full-resolution Y, Cb and Cr samples to
// opaque RGBA pixels in out, with the vector kernel where there is one
// (simd_*.go) and ycbcrRowGo for the pixels it leaves.
func ycbcrRow(out, y, cb, cr []byte) {
	ycbcrRowGo(out, y, cb, cr, ycbcrRowVec(out, y, cb, cr))
}

// ycbcrRowGo is ycbcrRow in Go, with libjpeg's tables, from pixel x0 on.
func ycbcrRowGo(out, y, cb, cr []byte, x0 int) {
	cb, cr = cb[:len(y)], cr[:len(y)]
	for x := x0; x < len(y); x++ {
		Y := int32(y[x])
		px := out[4*x : 4*x+4 : 4*x+4]
		px[0] = clamp255(Y + ycc2rgb.crR[cr[x]])
		px[1] = clamp255(Y + (ycc2rgb.cbG[cb[x]]+ycc2rgb.crG[cr[x]])>>16)
		px[2] = clamp255(Y + ycc2rgb.cbB[cb[x]])
		px[3] = 255
	}
}

// jpegRGBSampling returns by how much the second and third components of a
// three-component JPEG are reduced relative to the first, from its SOF
// segment; (1, 1) when they are not or the header cannot be read.
func jpegRGBSampling(src []byte) (h, v int) {
	seg := jpegSegment(src, func(m byte) bool { return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc })
	// SOF: precision, height(2), width(2), count, then id, hv, tq per component.
	if len(seg) < 6+9 || seg[5] != 3 {
		return 1, 1
	}
	h0, v0 := int(seg[7]>>4), int(seg[7]&15)
	h1, v1 := int(seg[10]>>4), int(seg[10]&15)
	if h1 == 0 || v1 == 0 || h0%h1 != 0 || v0%v1 != 0 {
		return 1, 1
	}
	return h0 / h1, v0 / v1
}

// fancyRGB redoes, in place and as libjpeg would, the upsampling of the G
// and B channels of an RGB JPEG that image/jpeg decoded by repeating
// samples: it takes back the stored samples and upsamples them with the
// triangle filter.
func fancyRGB(m *image.RGBA, hs, vs int) {
	if (hs != 2 || vs > 2) && (hs != 1 || vs != 2) {
		return // libjpeg repeats samples too
	}
	b := m.Bounds()
	w, hgt := b.Dx(), b.Dy()
	cw, ch := (w+hs-1)/hs, (hgt+vs-1)/vs
	for c := 1; c <= 2; c++ {
		sub := make([]uint8, cw*ch)
		for cy := range ch {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+cy*vs):]
			for cx := range cw {
				sub[cy*cw+cx] = row[cx*hs*4+c]
			}
		}
		subRow := func(cy int) []uint8 { return sub[cy*cw : (cy+1)*cw] }
		out := make([]uint8, w)
		for y := range hgt {
			upsampleRow(out, y, hs, vs, cw, ch, subRow)
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x, v := range out {
				row[4*x+c] = v
			}
		}
	}
}
