package imgproc

import "math"

// The resampler follows Pillow's Resample.c: for each output pixel a set of
// filter weights over a window of input pixels, normalised to sum 1 and
// converted to fixed point; a horizontal pass, then a vertical pass, each
// rounding and clipping to 8 bits. When downscaling, the filter's support
// widens by the scale factor, so every input pixel contributes and nothing
// aliases. For the same input it gives the same bytes as Pillow's resize.

// precisionBits is the fixed-point precision of the weights: the sum of
// 8-bit values times weights must fit an int32 with room for the negative
// lobes of the cubic filter.
const precisionBits = 32 - 8 - 2

// half is the rounding term added before shifting by precisionBits.
const half = 1 << (precisionBits - 1)

// kernel is a resampling filter: its function and its support radius at
// scale 1.
type kernel struct {
	f       func(x float64) float64
	support float64
}

var (
	bilinearKernel = kernel{bilinear, 1}
	bicubicKernel  = kernel{bicubic, 2}
)

func bilinear(x float64) float64 {
	x = math.Abs(x)
	if x < 1 {
		return 1 - x
	}
	return 0
}

// bicubic is the Keys cubic convolution with a = -0.5 (Catmull-Rom), as
// Pillow's BICUBIC.
func bicubic(x float64) float64 {
	const a = -0.5
	x = math.Abs(x)
	if x < 1 {
		return ((a+2)*x-(a+3))*x*x + 1
	}
	if x < 2 {
		return (((x-5)*x+8)*x - 4) * a
	}
	return 0
}

// weights holds, for each output position along one axis, the first input
// index, the number of taps and the fixed-point weights (stride per output:
// ksize, the most taps an output has, rounded up to a multiple of 8 for the
// vector kernels; unused ones zero).
type weights struct {
	start  []int32
	count  []int32
	k      []int32
	ksize  int
	stride int
}

// taps returns the input window and fixed-point weights of output i.
func (w *weights) taps(i int) (start int, k []int32) {
	j := i * w.stride
	return int(w.start[i]), w.k[j : j+int(w.count[i])]
}

// newWeights computes the weights that resample inSize samples to outSize
// with kernel f, exactly as Pillow's precompute_coeffs and
// normalize_coeffs_8bpc do.
func newWeights(inSize, outSize int, f kernel) *weights {
	scale := float64(inSize) / float64(outSize)
	filterScale := max(scale, 1)
	support := f.support * filterScale
	ksize := int(math.Ceil(support))*2 + 1
	stride := (ksize + 7) &^ 7
	w := &weights{
		start:  make([]int32, outSize),
		count:  make([]int32, outSize),
		k:      make([]int32, outSize*stride),
		ksize:  ksize,
		stride: stride,
	}
	tmp := make([]float64, ksize)
	ss := 1 / filterScale
	for i := range outSize {
		center := (float64(i) + 0.5) * scale
		xmin := max(int(center-support+0.5), 0)
		xmax := min(int(center+support+0.5), inSize) - xmin
		total := 0.0
		for x := range xmax {
			v := f.f((float64(x+xmin) - center + 0.5) * ss)
			tmp[x] = v
			total += v
		}
		k := w.k[i*stride : i*stride+xmax]
		for x := range k {
			v := tmp[x]
			if total != 0 {
				v /= total
			}
			if v < 0 {
				k[x] = int32(-0.5 + v*(1<<precisionBits))
			} else {
				k[x] = int32(0.5 + v*(1<<precisionBits))
			}
		}
		w.start[i], w.count[i] = int32(xmin), int32(xmax)
	}
	return w
}

// clip8 turns a fixed-point sum into a byte, rounding already added.
func clip8(v int32) byte {
	v >>= precisionBits
	if uint32(v) > 255 {
		if v < 0 {
			return 0
		}
		return 255
	}
	return byte(v)
}

// resample scales src into dst (both with the same channel count) with the
// named filter. The work is split across cores by output rows. It allocates
// only the weights and, per core, a few rows of scratch.
func resample(dst, src plane, filter string) {
	if filter == FilterNearest {
		resampleNearest(dst, src)
		return
	}
	k := bicubicKernel
	if filter == FilterBilinear {
		k = bilinearKernel
	}
	var hw, vw *weights
	if dst.w != src.w {
		hw = newWeights(src.w, dst.w, k)
	}
	if dst.h != src.h {
		vw = newWeights(src.h, dst.h, k)
	}
	n := src.n
	switch {
	case hw == nil && vw == nil:
		rowsOf(src, dst.h, dst.w*n, func(y0, y1 int) {
			for y := y0; y < y1 && src.wait(y); y++ {
				copy(dst.row(y), src.row(y))
			}
		})
	case vw == nil:
		rowsOf(src, dst.h, dst.w*n*hw.ksize, func(y0, y1 int) {
			for y := y0; y < y1 && src.wait(y); y++ {
				horizontal(dst.row(y), src.row(y), hw, n)
			}
		})
	default:
		rowsOf(src, dst.h, dst.w*n*vw.ksize*2, func(y0, y1 int) {
			resampleBand(dst, src, hw, vw, y0, y1)
		})
	}
}

// rowsOf runs fn over output rows [0, h): in parallel bands, or in one
// band, in order, when src is still being decoded, so that the resampler
// follows the decoder on another core instead of waiting for the middle
// rows.
func rowsOf(src plane, h, work int, fn func(y0, y1 int)) {
	if src.prog != nil {
		fn(0, h)
		return
	}
	parallelRows(h, work, fn)
}

// resampleBand produces output rows [y0, y1) with a vertical pass over
// horizontally resampled rows, which it keeps in a ring of ksize rows so
// that each input row is resampled horizontally once per band.
func resampleBand(dst, src plane, hw, vw *weights, y0, y1 int) {
	rowLen := dst.w * dst.n
	ringSize := vw.ksize
	var ring [][]byte
	if hw != nil {
		ring = make([][]byte, ringSize)
		buf := make([]byte, ringSize*rowLen)
		for i := range ring {
			ring[i] = buf[i*rowLen : (i+1)*rowLen : (i+1)*rowLen]
		}
	}
	rows := make([][]byte, ringSize)
	acc := make([]int32, rowLen)
	next := 0 // next input row to resample horizontally
	for y := y0; y < y1; y++ {
		start, k := vw.taps(y)
		if !src.wait(start + len(k) - 1) {
			return // the decoder failed; its error is reported elsewhere
		}
		if hw != nil {
			next = max(next, start)
			for ; next < start+len(k); next++ {
				horizontal(ring[next%ringSize], src.row(next), hw, src.n)
			}
			for i := range k {
				rows[i] = ring[(start+i)%ringSize]
			}
		} else {
			for i := range k {
				rows[i] = src.row(start + i)
			}
		}
		vertical(dst.row(y), rows[:len(k)], k, acc)
	}
}

// vertical writes into out the weighted sum of rows, column by column,
// with the vector kernel where there is one (simd_*.go) and verticalGo for
// the columns it leaves.
func vertical(out []byte, rows [][]byte, k []int32, acc []int32) {
	x0 := verticalVec(out, rows, k)
	if x0 < len(out) {
		verticalGo(out, rows, k, acc, x0)
	}
}

// verticalGo is vertical in Go, for columns [x0, len(out)).
func verticalGo(out []byte, rows [][]byte, k []int32, acc []int32, x0 int) {
	n := len(out)
	acc = acc[:n-x0]
	for i := range acc {
		acc[i] = half
	}
	t := 0
	for ; t+4 <= len(k); t += 4 {
		k0, k1, k2, k3 := k[t], k[t+1], k[t+2], k[t+3]
		r0, r1, r2, r3 := rows[t][x0:n], rows[t+1][x0:n], rows[t+2][x0:n], rows[t+3][x0:n]
		for i := range acc {
			acc[i] += int32(r0[i])*k0 + int32(r1[i])*k1 + int32(r2[i])*k2 + int32(r3[i])*k3
		}
	}
	for ; t+2 <= len(k); t += 2 {
		k0, k1 := k[t], k[t+1]
		r0, r1 := rows[t][x0:n], rows[t+1][x0:n]
		for i := range acc {
			acc[i] += int32(r0[i])*k0 + int32(r1[i])*k1
		}
	}
	for ; t < len(k); t++ {
		k0, r0 := k[t], rows[t][x0:n]
		for i := range acc {
			acc[i] += int32(r0[i]) * k0
		}
	}
	out = out[x0:n]
	for i, v := range acc {
		out[i] = clip8(v)
	}
}

// horizontal resamples one row of n-channel pixels, with the vector kernel
// where there is one (simd_*.go) and horizontalGo for the pixels it leaves.
func horizontal(out, in []byte, w *weights, n int) {
	horizontalGo(out, in, w, n, horizontalVec(out, in, w, n))
}

// horizontalGo is horizontal in Go, from output byte x0 on (a multiple of
// n).
func horizontalGo(out, in []byte, w *weights, n, x0 int) {
	switch n {
	case 1:
		for x := x0; x < len(out); x++ {
			start, k := w.taps(x)
			s := in[start : start+len(k)]
			var acc int32 = half
			for i, v := range k {
				acc += int32(s[i]) * v
			}
			out[x] = clip8(acc)
		}
	case 2:
		for x := x0; x < len(out); x += 2 {
			start, k := w.taps(x / 2)
			s := in[start*2 : (start+len(k))*2]
			var a0, a1 int32 = half, half
			for i, v := range k {
				a0 += int32(s[2*i]) * v
				a1 += int32(s[2*i+1]) * v
			}
			out[x], out[x+1] = clip8(a0), clip8(a1)
		}
	default: // 4
		for x := x0; x < len(out); x += 4 {
			start, k := w.taps(x / 4)
			s := in[start*4 : (start+len(k))*4]
			var a0, a1, a2, a3 int32 = half, half, half, half
			for i, v := range k {
				p := s[4*i : 4*i+4 : 4*i+4]
				a0 += int32(p[0]) * v
				a1 += int32(p[1]) * v
				a2 += int32(p[2]) * v
				a3 += int32(p[3]) * v
			}
			out[x], out[x+1], out[x+2], out[x+3] = clip8(a0), clip8(a1), clip8(a2), clip8(a3)
		}
	}
}

// resampleNearest picks for each output pixel the input pixel under its
// centre, as Pillow's NEAREST resize does.
func resampleNearest(dst, src plane) {
	n := src.n
	xs := make([]int32, dst.w)
	for x := range xs {
		xs[x] = int32((2*x + 1) * src.w / (2 * dst.w))
	}
	rowsOf(src, dst.h, dst.w*n, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			sy := (2*y + 1) * src.h / (2 * dst.h)
			if !src.wait(sy) {
				return
			}
			in := src.row(sy)
			out := dst.row(y)
			switch n {
			case 1:
				for x, sx := range xs {
					out[x] = in[sx]
				}
			default:
				for x, sx := range xs {
					copy(out[x*n:x*n+n], in[int(sx)*n:int(sx)*n+n])
				}
			}
		}
	})
}
