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

// ycbcrRowVec converts the first pixels of a row, a multiple of 8, from
// YCbCr to RGBA with AVX2, and returns how many it did (0 without AVX2).
// Every slice must hold the len(y) pixels.
func ycbcrRowVec(out, y, cb, cr []byte) int {
	n := len(y) &^ 7
	if !hasAVX2 || n == 0 {
		return 0
	}
	ycbcrAVX2(out[:4*n], y[:n], cb[:n], cr[:n])
	return n
}

// ycbcrAVX2 is ycbcrRowVec's kernel, libjpeg's fixed-point formulas in
// 32-bit lanes: R = Y + (91881·Cr' + 2^15) >> 16, B = Y + (116130·Cb' +
// 2^15) >> 16, G = Y + (-22554·Cb' - 46802·Cr' + 2^15) >> 16, with Cb' =
// Cb-128 and Cr' = Cr-128, clamped to [0, 255].
//
//go:noescape
func ycbcrAVX2(out, y, cb, cr []byte)

// upsampleH2Vec does with AVX2 part of upsampleRow's fancy upsampling by
// 2 horizontally: chroma samples [1, n+1) of a row of cw, into out[2 :
// 2n+2], and returns n (see upsampleH2Span; 0 without AVX2). far is nil
// for h2v1; otherwise the row is the column sums 3·near + far (h2v2).
func upsampleH2Vec(out, near, far []byte, cw int) int {
	n := upsampleH2Span(cw)
	if !hasAVX2 || n == 0 {
		return 0
	}
	if far == nil {
		fancyH2AVX2(out[2:2+2*n], near[:n+2])
	} else {
		fancyH2V2AVX2(out[2:2+2*n], near[:n+2], far[:n+2])
	}
	return n
}

// fancyH2AVX2 is h2v1 upsampling: for j < len(out)/2, out[2j] =
// (3·row[j+1] + row[j] + 1) >> 2 and out[2j+1] = (3·row[j+1] + row[j+2] +
// 2) >> 2; len(out) is a multiple of 32.
//
//go:noescape
func fancyH2AVX2(out, row []byte)

// fancyH2V2AVX2 is fancyH2AVX2 on column sums c = 3·near + far, with
// biases 8 and 7 and a shift of 4.
//
//go:noescape
func fancyH2V2AVX2(out, near, far []byte)
