//go:build !purego

package luma

import "golang.org/x/sys/cpu"

// hasAVX2 selects the AVX2 kernels (a variable for the tests).
var hasAVX2 = cpu.X86.HasAVX2

// rgbVec converts the first pixels of an RGB row with AVX2, 16 at a time,
// and returns how many it did (0 without AVX2). The kernel reads 4 bytes
// past each group of 8 pixels, so it stops where that would leave src.
func rgbVec(dst, src []byte) int {
	if !hasAVX2 {
		return 0
	}
	n := min(len(dst), (len(src)-4)/3) &^ 15
	if n <= 0 {
		return 0
	}
	rgbAVX2(dst[:n], src)
	return n
}

// rgbaVec converts the first pixels of an RGBA row with AVX2, 16 at a
// time, and returns how many it did (0 without AVX2).
func rgbaVec(dst, src []byte) int {
	if !hasAVX2 {
		return 0
	}
	n := min(len(dst), len(src)/4) &^ 15
	if n == 0 {
		return 0
	}
	rgbaAVX2(dst[:n], src)
	return n
}

// rgbAVX2 writes the luma of len(dst) RGB pixels (a multiple of 16).
//
//go:noescape
func rgbAVX2(dst, src []byte)

// rgbaAVX2 writes the luma of len(dst) RGBA pixels (a multiple of 16).
//
//go:noescape
func rgbaAVX2(dst, src []byte)
