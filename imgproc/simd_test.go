package imgproc

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// checkVertical runs vertical (vector kernel plus Go tail) and verticalGo on
// the same input and fails on the first differing byte.
func checkVertical(t *testing.T, rows [][]byte, k []int32, width int) {
	t.Helper()
	acc := make([]int32, width)
	got := make([]byte, width)
	want := make([]byte, width)
	vertical(got, rows, k, acc)
	verticalGo(want, rows, k, acc, 0)
	if !bytes.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("width %d, %d taps %v: column %d is %d, Go gives %d", width, len(k), k, i, got[i], want[i])
			}
		}
	}
}

// TestVerticalKernel compares the vertical pass's vector kernel with the Go
// one, bit for bit, on random rows: real filter weights, and random ones
// large enough to overflow int32 and to saturate both ways.
func TestVerticalKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := range 400 {
		width := r.IntN(200)
		taps := 1 + r.IntN(12)
		rows := make([][]byte, taps)
		for i := range rows {
			rows[i] = make([]byte, width+r.IntN(3)) // rows may be longer than out
			for j := range rows[i] {
				rows[i][j] = byte(r.Uint32())
			}
		}
		k := make([]int32, taps)
		switch iter % 3 {
		case 0: // real weights of a downscale
			w := newWeights(taps*3, 3, bicubicKernel)
			_, kk := w.taps(1)
			k = kk[:min(len(kk), taps)]
			rows = rows[:len(k)]
		case 1: // any int32
			for i := range k {
				k[i] = int32(r.Uint32())
			}
		default: // around the clamp limits
			for i := range k {
				k[i] = int32(r.IntN(1<<precisionBits)) - 1<<(precisionBits-3)
			}
		}
		checkVertical(t, rows, k, width)
	}
}

// FuzzVertical is the differential fuzz target of the vertical pass: the
// input gives the weights (4 bytes each) and the rows.
func FuzzVertical(f *testing.F) {
	f.Add(uint8(3), uint8(40), []byte("0123456789abcdefghijklmnopqrstuvwxyz\xff\x00\x80\x7f"))
	f.Add(uint8(1), uint8(33), bytes.Repeat([]byte{0xff}, 80))
	f.Fuzz(func(t *testing.T, taps, width uint8, data []byte) {
		n := 1 + int(taps)%16
		w := int(width)
		if len(data) < 4*n {
			return
		}
		k := make([]int32, n)
		for i := range k {
			k[i] = int32(uint32(data[4*i]) | uint32(data[4*i+1])<<8 | uint32(data[4*i+2])<<16 | uint32(data[4*i+3])<<24)
		}
		data = data[4*n:]
		rows := make([][]byte, n)
		for i := range rows {
			rows[i] = make([]byte, w)
			for j := range rows[i] {
				if len(data) > 0 {
					rows[i][j] = data[(i*w+j)%len(data)]
				}
			}
		}
		checkVertical(t, rows, k, w)
	})
}

// checkHorizontal runs horizontal (vector kernel plus Go) and horizontalGo
// on the same row and fails on the first differing byte.
func checkHorizontal(t *testing.T, in []byte, w *weights, n int) {
	t.Helper()
	got := make([]byte, len(w.start)*n)
	want := make([]byte, len(got))
	horizontal(got, in, w, n)
	horizontalGo(want, in, w, n, 0)
	if !bytes.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%d -> %d pixels, %d channels: byte %d is %d, Go gives %d", len(in)/n, len(w.start), n, i, got[i], want[i])
			}
		}
	}
}

// TestHorizontalKernel compares the horizontal pass's vector kernel with
// the Go one, bit for bit: real filters at many scales (the row's last
// windows reach its end), and random weights that overflow and saturate.
func TestHorizontalKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for iter := range 300 {
		inW := 1 + r.IntN(700)
		outW := 1 + r.IntN(300)
		k := bicubicKernel
		if iter%4 == 1 {
			k = bilinearKernel
		}
		w := newWeights(inW, outW, k)
		if iter%4 == 3 {
			for i := range w.k {
				if w.k[i] != 0 {
					w.k[i] = int32(r.Uint32())
				}
			}
		}
		for _, n := range []int{1, 2, 4} {
			in := make([]byte, inW*n)
			for i := range in {
				in[i] = byte(r.Uint32())
			}
			checkHorizontal(t, in, w, n)
		}
	}
}

// FuzzHorizontal is the differential fuzz target of the horizontal pass:
// sizes, the channel count (1, 2 or 4), a weight perturbation and the
// row's bytes come from the input.
func FuzzHorizontal(f *testing.F) {
	f.Add(uint16(100), uint16(37), uint8(0), int32(0), []byte("abcdefghijklmnopqrstuvwxyz0123456789"))
	f.Add(uint16(9), uint16(40), uint8(1), int32(-1<<30), []byte{0, 255, 0, 255})
	f.Add(uint16(301), uint16(77), uint8(2), int32(1<<20), []byte{255, 255, 0, 255, 7})
	f.Fuzz(func(t *testing.T, inW, outW uint16, ch uint8, delta int32, data []byte) {
		iw, ow := 1+int(inW)%2000, 1+int(outW)%1000
		n := [3]int{1, 2, 4}[ch%3]
		if len(data) == 0 {
			return
		}
		w := newWeights(iw, ow, bicubicKernel)
		for i := range w.k {
			if w.k[i] != 0 {
				w.k[i] += delta
			}
		}
		in := make([]byte, iw*n)
		for i := range in {
			in[i] = data[i%len(data)]
		}
		checkHorizontal(t, in, w, n)
	})
}

// paethRef is the Paeth predictor as the PNG specification defines it:
// of a (left), b (up) and c (upper left), the nearest to a + b - c,
// preferring a, then b.
func paethRef(a, b, c int) int {
	p := a + b - c
	pa, pb, pc := abs(p-a), abs(p-b), abs(p-c)
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

// TestPaethPredictor checks the branch-free Paeth predictor against the
// PNG specification's definition on every (a, b, c).
func TestPaethPredictor(t *testing.T) {
	for i := range 1 << 24 {
		a, b, c := int(i&255), int(i>>8&255), int(i>>16)
		want := paethRef(a, b, c)
		if got := paeth(byte(a), byte(b), byte(c)); int(got) != want {
			t.Fatalf("paeth(%d, %d, %d) = %d, want %d", a, b, c, got, want)
		}
	}
}

// TestUnfilterPaeth compares unfilter's Paeth rows (paeth3, paeth4 and
// the generic loop) with the specification's definition applied sample by
// sample, on random rows of every byte depth streamPNG meets.
func TestUnfilterPaeth(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 17))
	for _, bpp := range []int{1, 2, 3, 4, 6, 8} {
		for _, px := range []int{1, 2, 3, 17, 100} {
			n := bpp * px
			cur, prev := make([]byte, n), make([]byte, n)
			for i := range cur {
				cur[i], prev[i] = byte(r.Uint32()), byte(r.Uint32())
				if r.IntN(3) == 0 { // smooth stretches, where ties are common
					prev[i] = cur[i]
				}
			}
			want := append([]byte(nil), cur...)
			for i := range want {
				var a, c int
				if i >= bpp {
					a, c = int(want[i-bpp]), int(prev[i-bpp])
				}
				want[i] += byte(paethRef(a, int(prev[i]), c))
			}
			if err := unfilter(4, cur, prev, bpp); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(cur, want) {
				t.Fatalf("%d bytes a pixel, %d pixels: %v, want %v", bpp, px, cur, want)
			}
		}
	}
}
