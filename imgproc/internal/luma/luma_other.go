//go:build purego || !(amd64 || arm64)

package luma

// rgbVec has no vector kernel here: rgbGo does every pixel.
func rgbVec(dst, src []byte) int { return 0 }

// rgbaVec has no vector kernel here: rgbaGo does every pixel.
func rgbaVec(dst, src []byte) int { return 0 }
