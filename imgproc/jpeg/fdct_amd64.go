//go:build !purego

package jpeg

import "golang.org/x/sys/cpu"

// hasFDCTAVX2 selects the AVX2 forward DCT (a variable for the tests).
var hasFDCTAVX2 = cpu.X86.HasAVX2

// fdctQuant is fdctQuantGo, with AVX2 when the processor has it: the same
// float32 operations in the same order, eight lanes at a time, so the same
// coefficients and mask bit for bit (only b is left as it was, where the Go
// code overwrites it with the DCT outputs).
func fdctQuant(b *[64]float32, recip *[64]float32, c *[64]int32) uint64 {
	if !hasFDCTAVX2 {
		return fdctQuantGo(b, recip, c)
	}
	return fdctQuantAVX2(b, recip, c)
}

// fdctQuantGray is fdctQuantGrayGo, with AVX2 when the processor has it,
// with the same results.
func fdctQuantGray(src []byte, stride int, recip *[64]float32, c *[64]int32) uint64 {
	if !hasFDCTAVX2 {
		return fdctQuantGrayGo(src, stride, recip, c)
	}
	_ = src[7*stride+7] // the assembly reads 8 rows of 8 bytes
	return fdctQuantGrayAVX2(&src[0], stride, recip, c)
}

//go:noescape
func fdctQuantAVX2(b *[64]float32, recip *[64]float32, c *[64]int32) uint64

//go:noescape
func fdctQuantGrayAVX2(src *byte, stride int, recip *[64]float32, c *[64]int32) uint64
