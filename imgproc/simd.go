package imgproc

// Vector kernels. The hot loops that gain from SIMD have a Go version, the
// reference, and on amd64 (AVX2, chosen at run time) and arm64 (NEON) an
// assembly one that gives the same bytes (simd_test.go checks it on random
// and fuzzed input). The assembly is left out with the purego build tag
// and on other architectures (simd_other.go).
//
// The kernels work in 32-bit integer arithmetic, as the Go code does:
// additions and multiplications wrap the same way in both, so the order of
// the additions does not matter, and the final shift and clamp to 8 bits
// are the same operations. The results are therefore bit-exact.

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
