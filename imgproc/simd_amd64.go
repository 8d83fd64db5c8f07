//go:build !purego

package imgproc

import "golang.org/x/sys/cpu"

// hasAVX2 selects the AVX2 kernels (a variable for the tests).
var hasAVX2 = cpu.X86.HasAVX2

// verticalVec computes the first columns of vertical, a multiple of 8, with
// AVX2, and returns how many it did (0 without AVX2). Every row must hold at
// least len(out) bytes and rows as many as k.
func verticalVec(out []byte, rows [][]byte, k []int32) int {
	if !hasAVX2 || len(out) < 8 || len(k) == 0 {
		return 0
	}
	verticalAVX2(out, rows[:len(k)], k)
	return len(out) &^ 7
}

// verticalAVX2 is verticalVec's kernel: columns [0, len(out) &^ 7).
//
//go:noescape
func verticalAVX2(out []byte, rows [][]byte, k []int32)

// horizontalVec resamples the first pixels of a row of n channels with
// AVX2 (see horizontalSpan) and returns how many bytes it did (0 without
// AVX2).
func horizontalVec(out, in []byte, w *weights, n int) int {
	if !hasAVX2 {
		return 0
	}
	m := horizontalSpan(out, in, w, n)
	if m == 0 {
		return 0
	}
	start, k := w.start[:m], w.k[:m*w.stride]
	switch n {
	case 1:
		horizontalGrayAVX2(out[:m], in, start, k, w.stride)
	case 2:
		horizontal2AVX2(out[:2*m], in, start, k, w.stride)
	case 4:
		horizontal4AVX2(out[:4*m], in, start, k, w.stride)
	default:
		return 0
	}
	return m * n
}

// horizontalGrayAVX2 is horizontalVec's kernel for one channel: for each
// output x, out[x] = clip8(half + sum of in[start[x]+i] * k[x*stride+i],
// i < stride).
//
//go:noescape
func horizontalGrayAVX2(out, in []byte, start, k []int32, stride int)

// horizontal2AVX2 is horizontalVec's kernel for two channels: for each
// output x and channel c, out[2x+c] = clip8(half + sum of
// in[2(start[x]+i)+c] * k[x*stride+i], i < stride).
//
//go:noescape
func horizontal2AVX2(out, in []byte, start, k []int32, stride int)

// horizontal4AVX2 is horizontal2AVX2 for four channels.
//
//go:noescape
func horizontal4AVX2(out, in []byte, start, k []int32, stride int)
