//go:build !purego

package jpeg

// idct8Vec is idct8 with NEON (every arm64 processor has it). Its results
// are the same bytes: both work in wrapping 32-bit integer arithmetic with
// the same shifts, and the assembly takes the Go code's shortcut for
// all-zero columns and rows too.
func idct8Vec(blk *[64]int32, dst []byte, stride int) {
	_ = dst[7*stride+7] // the assembly writes 8 rows of 8 bytes
	idct8NEON(blk, &dst[0], stride)
}

//go:noescape
func idct8NEON(blk *[64]int32, dst *byte, stride int)

// idct4Vec is idct4 with NEON, with the same bytes.
func idct4Vec(blk *[64]int32, dst []byte, stride int) {
	_ = dst[3*stride+3] // the assembly writes 4 rows of 4 bytes
	idct4NEON(blk, &dst[0], stride)
}

//go:noescape
func idct4NEON(blk *[64]int32, dst *byte, stride int)
