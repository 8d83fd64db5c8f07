//go:build !purego

package imgproc

import "golang.org/x/sys/cpu"

// hasAVX2 selects the AVX2 kernels (a variable for the tests).
var hasAVX2 = cpu.X86.HasAVX2

// verticalVec computes the first columns of vertical, a multiple of 8, with
// AVX2, and returns how many it did (0 without AVX2). Every row must hold at
// least len(out) bytes and rows as many as k.
func verticalVec(out []byte, rows [][]byte, k []int32) int {
	if !hasAVX2 || len(out) < 8 || len(k) == 0 {
		return 0
	}
	verticalAVX2(out, rows[:len(k)], k)
	return len(out) &^ 7
}

// verticalAVX2 is verticalVec's kernel: columns [0, len(out) &^ 7).
//
//go:noescape
func verticalAVX2(out []byte, rows [][]byte, k []int32)
