// Package luma converts rows of RGB and RGBA pixels to BT.601 luma exactly
// as Pillow's convert("L") does: (19595·R + 38470·G + 7471·B + 0x8000) >> 16.
// The weights sum to 65536, so a gray pixel keeps its value.
//
// On amd64 (AVX2, chosen at run time) and arm64 (NEON) assembly kernels do
// most of each row; they give the same bytes as the Go code, which is the
// reference (luma_test.go checks it on random and fuzzed rows), and which
// alone is built with the purego tag and on other architectures.
package luma

// Of returns the luma of one pixel.
func Of(r, g, b uint8) uint8 {
	return uint8((uint32(r)*19595 + uint32(g)*38470 + uint32(b)*7471 + 0x8000) >> 16)
}

// RGB writes into dst the luma of the first len(dst) pixels of src, three
// bytes a pixel (R, G, B). src must hold them.
func RGB(dst, src []byte) {
	src = src[:3*len(dst)]
	rgbGo(dst, src, rgbVec(dst, src))
}

// RGBA writes into dst the luma of the first len(dst) pixels of src, four
// bytes a pixel (R, G, B and a fourth byte, ignored). src must hold them.
func RGBA(dst, src []byte) {
	src = src[:4*len(dst)]
	rgbaGo(dst, src, rgbaVec(dst, src))
}

// rgbGo is RGB in Go, from pixel x0 on.
func rgbGo(dst, src []byte, x0 int) {
	for x := x0; x < len(dst); x++ {
		p := src[3*x : 3*x+3 : 3*x+3]
		dst[x] = Of(p[0], p[1], p[2])
	}
}

// rgbaGo is RGBA in Go, from pixel x0 on.
func rgbaGo(dst, src []byte, x0 int) {
	for x := x0; x < len(dst); x++ {
		p := src[4*x : 4*x+4 : 4*x+4]
		dst[x] = Of(p[0], p[1], p[2])
	}
}
