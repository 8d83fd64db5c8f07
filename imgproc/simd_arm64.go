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

// horizontalVec resamples the first pixels of a one-channel row with NEON
// (see horizontalSpan) and returns how many it did. It does nothing for
// more channels.
func horizontalVec(out, in []byte, w *weights, n int) int {
	if n != 1 {
		return 0
	}
	m := horizontalSpan(out, in, w)
	if m == 0 {
		return 0
	}
	horizontalGrayNEON(out[:m], in, w.start[:m], w.k[:m*w.stride], w.stride)
	return m
}

// horizontalGrayNEON is horizontalVec's kernel: for each output x,
// out[x] = clip8(half + sum of in[start[x]+i] * k[x*stride+i], i < stride).
//
//go:noescape
func horizontalGrayNEON(out, in []byte, start, k []int32, stride int)
