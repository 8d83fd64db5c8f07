//go:build !purego

package luma

// rgbVec converts the first pixels of an RGB row with NEON (every arm64
// processor has it), 16 at a time, and returns how many it did.
func rgbVec(dst, src []byte) int {
	n := min(len(dst), len(src)/3) &^ 15
	if n == 0 {
		return 0
	}
	rgbNEON(dst[:n], src)
	return n
}

// rgbaVec converts the first pixels of an RGBA row with NEON, 16 at a
// time, and returns how many it did.
func rgbaVec(dst, src []byte) int {
	n := min(len(dst), len(src)/4) &^ 15
	if n == 0 {
		return 0
	}
	rgbaNEON(dst[:n], src)
	return n
}

// rgbNEON writes the luma of len(dst) RGB pixels (a multiple of 16).
//
//go:noescape
func rgbNEON(dst, src []byte)

// rgbaNEON writes the luma of len(dst) RGBA pixels (a multiple of 16).
//
//go:noescape
func rgbaNEON(dst, src []byte)
