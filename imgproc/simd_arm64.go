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

// ycbcrRowVec converts the first pixels of a row, a multiple of 16, from
// YCbCr to RGBA with NEON, and returns how many it did. Every slice must
// hold the len(y) pixels.
func ycbcrRowVec(out, y, cb, cr []byte) int {
	n := len(y) &^ 15
	if n == 0 {
		return 0
	}
	ycbcrNEON(out[:4*n], y[:n], cb[:n], cr[:n])
	return n
}

// ycbcrNEON is ycbcrRowVec's kernel: libjpeg's fixed-point formulas with
// the constants split so that each product fits 16-bit lanes, which gives
// the same values exactly (c = Cb-128 or Cr-128; 65536·k·c is a multiple
// of 2^16 and passes through the shift unchanged):
//
//	(91881·c + 2^15) >> 16 = c + (26345·c + 2^15) >> 16
//	(116130·c + 2^15) >> 16 = 2c + (-14942·c + 2^15) >> 16
//	(-22554·Cb' - 46802·Cr' + 2^15) >> 16 = -Cr' + (-22554·Cb' + 18734·Cr' + 2^15) >> 16
//
//go:noescape
func ycbcrNEON(out, y, cb, cr []byte)

// upsampleH2Vec does with NEON part of upsampleRow's fancy upsampling by 2
// horizontally: chroma samples [1, n+1) of a row of cw, into out[2 :
// 2n+2], and returns n (see upsampleH2Span). far is nil for h2v1;
// otherwise the row is the column sums 3·near + far (h2v2).
func upsampleH2Vec(out, near, far []byte, cw int) int {
	n := upsampleH2Span(cw)
	if n == 0 {
		return 0
	}
	if far == nil {
		fancyH2NEON(out[2:2+2*n], near[:n+2])
	} else {
		fancyH2V2NEON(out[2:2+2*n], near[:n+2], far[:n+2])
	}
	return n
}

// fancyH2NEON is h2v1 upsampling: for j < len(out)/2, out[2j] =
// (3·row[j+1] + row[j] + 1) >> 2 and out[2j+1] = (3·row[j+1] + row[j+2] +
// 2) >> 2; len(out) is a multiple of 32.
//
//go:noescape
func fancyH2NEON(out, row []byte)

// fancyH2V2NEON is fancyH2NEON on column sums c = 3·near + far, with
// biases 8 and 7 and a shift of 4.
//
//go:noescape
func fancyH2V2NEON(out, near, far []byte)
