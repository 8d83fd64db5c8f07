package imgproc

// Vector kernels. The hot loops that gain from SIMD have a Go version, the
// reference, and on amd64 (AVX2, chosen at run time) and arm64 (NEON) an
// assembly one that gives the same bytes (simd_test.go and color_test.go
// check it on random and fuzzed input): the resampler's vertical pass and
// its horizontal pass for 1, 2 and 4 channels, libjpeg's YCbCr to RGB
// conversion and its fancy upsampling by 2 across. RGB to luma, shared
// with the JPEG decoder, is in internal/luma. The assembly is left out
// with the purego build tag and on other architectures (simd_other.go).
//
// The resampler's kernels work in 32-bit integer arithmetic, as the Go
// code does: additions and multiplications wrap the same way in both, so
// the order of the additions does not matter, and the final shift and
// clamp to 8 bits are the same operations. The upsampling sums fit 16-bit
// lanes. The colour conversion keeps libjpeg's 16-bit fixed point; where
// NEON works in 16-bit lanes, its constants are split so that the results
// are the same (see ycbcrNEON). The results are therefore bit-exact.

// horizontalSpan returns how many outputs of a row of n-channel pixels,
// from the first, a multiple of 8, have their whole window of w.stride
// input pixels inside in: those the horizontal kernels compute (the
// weights past an output's taps are zero, so the bytes they meet do not
// matter).
func horizontalSpan(out, in []byte, w *weights, n int) int {
	m := len(out) / n
	for m > 0 && int(w.start[m-1])+w.stride > len(in)/n {
		m-- // windows start further right from left to right
	}
	return m &^ 7
}
