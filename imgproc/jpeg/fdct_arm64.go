//go:build !purego

package jpeg

// fdctQuant is fdctQuantGo with NEON (every arm64 processor has it): the
// same float32 operations in the same order, four lanes at a time, so the
// same coefficients and mask bit for bit (only b is left as it was, where
// the Go code overwrites it with the DCT outputs).
func fdctQuant(b *[64]float32, recip *[64]float32, c *[64]int32) uint64 {
	return fdctQuantNEON(b, recip, c)
}

// fdctQuantGray is fdctQuantGrayGo with NEON, with the same results.
func fdctQuantGray(src []byte, stride int, recip *[64]float32, c *[64]int32) uint64 {
	_ = src[7*stride+7] // the assembly reads 8 rows of 8 bytes
	return fdctQuantGrayNEON(&src[0], stride, recip, c)
}

//go:noescape
func fdctQuantNEON(b *[64]float32, recip *[64]float32, c *[64]int32) uint64

//go:noescape
func fdctQuantGrayNEON(src *byte, stride int, recip *[64]float32, c *[64]int32) uint64
