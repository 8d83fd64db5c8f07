package imgproc

import (
	"bytes"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// checkYCbCrRow runs ycbcrRow (vector kernel plus Go tail) and ycbcrRowGo
// on the same samples and fails on the first differing byte.
func checkYCbCrRow(t *testing.T, y, cb, cr []byte) {
	t.Helper()
	got, want := make([]byte, 4*len(y)), make([]byte, 4*len(y))
	ycbcrRow(got, y, cb, cr)
	ycbcrRowGo(want, y, cb, cr, 0)
	if !bytes.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				x := i / 4
				t.Fatalf("%d pixels: pixel %d (Y %d Cb %d Cr %d) byte %d is %d, Go gives %d",
					len(y), x, y[x], cb[x], cr[x], i%4, got[i], want[i])
			}
		}
	}
}

// TestYCbCrKernel compares the YCbCr to RGBA kernel with the Go tables, bit
// for bit: every (Cb, Cr) pair with Y at 0, 128 and 255 (which reaches the
// clamps both ways), and random rows of every length up to 200.
func TestYCbCrKernel(t *testing.T) {
	for _, yv := range []byte{0, 1, 128, 254, 255} {
		y, cb, cr := make([]byte, 65536), make([]byte, 65536), make([]byte, 65536)
		for i := range y {
			y[i], cb[i], cr[i] = yv, byte(i), byte(i>>8)
		}
		checkYCbCrRow(t, y, cb, cr)
	}
	r := rand.New(rand.NewPCG(10, 11))
	for n := range 200 {
		y, cb, cr := make([]byte, n), make([]byte, n), make([]byte, n)
		for i := range y {
			y[i], cb[i], cr[i] = byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())
		}
		checkYCbCrRow(t, y, cb, cr)
	}
}

// TestYCbCrGoMatchesFormula checks the Go reference itself against
// libjpeg's formulas written out, and against image/color's conversion
// (which rounds differently: at most 1 apart).
func TestYCbCrGoMatchesFormula(t *testing.T) {
	out := make([]byte, 4)
	for i := range 1 << 24 {
		if i%7 != 0 { // a sample of all triples, every (Cb, Cr) pair many times
			continue
		}
		yy, cb, cr := byte(i), byte(i>>8), byte(i>>16)
		ycbcrRowGo(out, []byte{yy}, []byte{cb}, []byte{cr}, 0)
		Y, b, c := int32(yy), int32(cb)-128, int32(cr)-128
		want := [4]byte{
			clamp255(Y + (91881*c+32768)>>16),
			clamp255(Y + (-22554*b-46802*c+32768)>>16),
			clamp255(Y + (116130*b+32768)>>16),
			255,
		}
		if [4]byte(out) != want {
			t.Fatalf("Y %d Cb %d Cr %d: %v, formula %v", yy, cb, cr, out, want)
		}
		r, g, bb := color.YCbCrToRGB(yy, cb, cr)
		for k, v := range []byte{r, g, bb} {
			if d := int(v) - int(out[k]); d < -1 || d > 1 {
				t.Fatalf("Y %d Cb %d Cr %d: %v, image/color %d %d %d", yy, cb, cr, out, r, g, bb)
			}
		}
	}
}

// FuzzYCbCrRow is the differential fuzz target of the YCbCr kernel: the
// input's bytes are the Y, Cb and Cr samples, a third each.
func FuzzYCbCrRow(f *testing.F) {
	f.Add([]byte("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"))
	f.Add(bytes.Repeat([]byte{255, 0, 128, 1}, 30))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 3
		checkYCbCrRow(t, data[:n], data[n:2*n], data[2*n:3*n])
	})
}

// TestYCbCrToRGBAKernel runs the whole colour conversion of a random
// YCbCr image, for every subsampling and odd sizes, and compares it with
// the Go conversion of the same upsampled rows.
func TestYCbCrToRGBAKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 13))
	for _, ratio := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	} {
		for _, sz := range []image.Point{{1, 1}, {17, 3}, {33, 34}, {70, 9}} {
			m := image.NewYCbCr(image.Rectangle{Max: sz}, ratio)
			for _, p := range [][]byte{m.Y, m.Cb, m.Cr} {
				for i := range p {
					p[i] = byte(r.Uint32())
				}
			}
			got := ycbcrToRGBA(m)
			hs, vs := subsampling(ratio)
			cw, ch := (sz.X+hs-1)/hs, (sz.Y+vs-1)/vs
			cb, cr, want := make([]byte, sz.X), make([]byte, sz.X), make([]byte, 4*sz.X)
			for y := range sz.Y {
				upsampleRow(cb, y, hs, vs, cw, ch, func(cy int) []uint8 { return m.Cb[cy*m.CStride:] })
				upsampleRow(cr, y, hs, vs, cw, ch, func(cy int) []uint8 { return m.Cr[cy*m.CStride:] })
				ycbcrRowGo(want, m.Y[y*m.YStride:][:sz.X], cb, cr, 0)
				if !bytes.Equal(got.row(y), want) {
					t.Fatalf("%v %v: row %d differs", ratio, sz, y)
				}
			}
		}
	}
}

// TestUpsampleRow compares upsampleRow with upsampleRowRef, a direct
// transcription of libjpeg's upsamplers (every sample through a clamped
// index), on random chroma planes of every ratio and of odd and even
// widths and heights.
func TestUpsampleRow(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 15))
	for _, hv := range [][2]int{{1, 1}, {2, 1}, {2, 2}, {1, 2}, {4, 1}, {4, 2}} {
		h, v := hv[0], hv[1]
		widths := []int{63, 64, 65, 66, 67, 68, 69, 100, 129, 200, 333}
		for w := 1; w < 40; w++ {
			widths = append(widths, w)
		}
		for _, w := range widths {
			for _, hgt := range []int{1, 2, 3, 8} {
				sub := make([]byte, ((w+h-1)/h)*((hgt+v-1)/v))
				for i := range sub {
					sub[i] = byte(r.Uint32())
				}
				checkUpsample(t, sub, w, hgt, h, v)
			}
		}
	}
}

// checkUpsample compares upsampleRow with upsampleRowRef on every row of
// the chroma plane sub of a w×hgt image reduced by (h, v).
func checkUpsample(t *testing.T, sub []byte, w, hgt, h, v int) {
	t.Helper()
	cw, ch := (w+h-1)/h, (hgt+v-1)/v
	row := func(cy int) []uint8 { return sub[cy*cw : (cy+1)*cw] }
	got, want := make([]byte, w), make([]byte, w)
	for y := range hgt {
		upsampleRow(got, y, h, v, cw, ch, row)
		upsampleRowRef(want, y, h, v, cw, ch, row)
		if !bytes.Equal(got, want) {
			t.Fatalf("h%dv%d %dx%d row %d: %v, libjpeg's %v", h, v, w, hgt, y, got, want)
		}
	}
}

// FuzzUpsampleRow is the differential fuzz target of the upsampling
// kernels: the ratio and size from the first bytes, the chroma samples
// from the rest.
func FuzzUpsampleRow(f *testing.F) {
	f.Add(uint8(1), uint16(100), uint8(3), []byte("0123456789abcdefghijklmnopqrstuvwxyz\xff\x00"))
	f.Add(uint8(2), uint16(67), uint8(2), []byte{255, 0, 255, 0, 1})
	f.Fuzz(func(t *testing.T, ratio uint8, width uint16, height uint8, data []byte) {
		hv := [][2]int{{2, 1}, {2, 2}, {1, 2}, {1, 1}, {4, 1}, {4, 2}}[int(ratio)%6]
		w, hgt := 1+int(width)%1000, 1+int(height)%4
		if len(data) == 0 {
			return
		}
		h, v := hv[0], hv[1]
		sub := make([]byte, ((w+h-1)/h)*((hgt+v-1)/v))
		for i := range sub {
			sub[i] = data[i%len(data)]
		}
		checkUpsample(t, sub, w, hgt, h, v)
	})
}

// upsampleRowRef is the reference for upsampleRow: libjpeg's fancy
// upsampling written sample by sample.
func upsampleRowRef(out []uint8, y, h, v, cw, chh int, sub func(cy int) []uint8) {
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
			// horizontally, with libjpeg's rounding biases 8 and 7.
			col := func(i int) int32 {
				i = min(max(i, 0), cw-1)
				return 3*int32(near[i]) + int32(far[i])
			}
			for i := range cw {
				this := col(i)
				if x := 2 * i; x < len(out) {
					out[x] = uint8((3*this + col(i-1) + 8) >> 4)
				}
				if x := 2*i + 1; x < len(out) {
					out[x] = uint8((3*this + col(i+1) + 7) >> 4)
				}
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
		// h2v1: 3:1 horizontally, biases 1 and 2.
		at := func(i int) int32 { return int32(row[min(max(i, 0), cw-1)]) }
		for i := range cw {
			this := 3 * at(i)
			if x := 2 * i; x < len(out) {
				out[x] = uint8((this + at(i-1) + 1) >> 2)
			}
			if x := 2*i + 1; x < len(out) {
				out[x] = uint8((this + at(i+1) + 2) >> 2)
			}
		}
		return
	}
	for x := range out {
		out[x] = row[x/h]
	}
}
