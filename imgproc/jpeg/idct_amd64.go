//go:build !purego

package jpeg

import "golang.org/x/sys/cpu"

// hasAVX2 selects the AVX2 inverse DCT (a variable for the tests).
var hasAVX2 = cpu.X86.HasAVX2

// idct8Vec is idct8, with AVX2 when the processor has it. Its results are
// the same bytes: both work in wrapping 32-bit integer arithmetic with the
// same shifts, and the assembly takes the Go code's shortcut for
// all-zero columns and rows too (which differs from the full formula only
// when a coefficient is large enough to overflow it).
func idct8Vec(blk *[64]int32, dst []byte, stride int) {
	if !hasAVX2 {
		idct8(blk, dst, stride)
		return
	}
	_ = dst[7*stride+7] // the assembly writes 8 rows of 8 bytes
	idct8AVX2(blk, &dst[0], stride)
}

//go:noescape
func idct8AVX2(blk *[64]int32, dst *byte, stride int)

// idct4Vec is idct4, with AVX2 when the processor has it, and the same
// bytes (the same wrapping 32-bit arithmetic and shifts).
func idct4Vec(blk *[64]int32, dst []byte, stride int) {
	if !hasAVX2 {
		idct4(blk, dst, stride)
		return
	}
	_ = dst[3*stride+3] // the assembly writes 4 rows of 4 bytes
	idct4AVX2(blk, &dst[0], stride)
}

//go:noescape
func idct4AVX2(blk *[64]int32, dst *byte, stride int)
