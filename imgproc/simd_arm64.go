//go:build !purego

package imgproc

// verticalVec computes the first columns of vertical, a multiple of 8, with
// NEON (every arm64 processor has it), and returns how many it did. Every
// row must hold at least len(out) bytes and rows as many as k.
func verticalVec(out []byte, rows [][]byte, k []int32) int {
	if len(out) < 8 || len(k) == 0 {
		return 0
	}
	verticalNEON(out, rows[:len(k)], k)
	return len(out) &^ 7
}

// verticalNEON is verticalVec's kernel: columns [0, len(out) &^ 7).
//
//go:noescape
func verticalNEON(out []byte, rows [][]byte, k []int32)

// horizontalVec resamples the first pixels of a row of n channels with
// NEON (see horizontalSpan) and returns how many bytes it did.
func horizontalVec(out, in []byte, w *weights, n int) int {
	m := horizontalSpan(out, in, w, n)
	if m == 0 {
		return 0
	}
	start, k := w.start[:m], w.k[:m*w.stride]
	switch n {
	case 1:
		horizontalGrayNEON(out[:m], in, start, k, w.stride)
	case 2:
		horizontal2NEON(out[:2*m], in, start, k, w.stride)
	case 4:
		horizontal4NEON(out[:4*m], in, start, k, w.stride)
	default:
		return 0
	}
	return m * n
}

// horizontalGrayNEON is horizontalVec's kernel for one channel: for each
// output x, out[x] = clip8(half + sum of in[start[x]+i] * k[x*stride+i],
// i < stride).
//
//go:noescape
func horizontalGrayNEON(out, in []byte, start, k []int32, stride int)

// horizontal2NEON is horizontalVec's kernel for two channels: for each
// output x and channel c, out[2x+c] = clip8(half + sum of
// in[2(start[x]+i)+c] * k[x*stride+i], i < stride).
//
//go:noescape
func horizontal2NEON(out, in []byte, start, k []int32, stride int)

// horizontal4NEON is horizontal2NEON for four channels.
//
//go:noescape
func horizontal4NEON(out, in []byte, start, k []int32, stride int)
