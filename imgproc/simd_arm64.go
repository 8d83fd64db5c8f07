//go:build !purego

package imgproc

// verticalVec computes the first columns of vertical, a multiple of 8, with
// NEON (every arm64 processor has it), and returns how many it did. Every
// row must hold at least len(out) bytes and rows as many as k.
func verticalVec(out []byte, rows [][]byte, k []int32) int {
	if len(out) < 8 || len(k) == 0 {
		return 0
	}
	verticalNEON(out, rows[:len(k)], k)
	return len(out) &^ 7
}

// verticalNEON is verticalVec's kernel: columns [0, len(out) &^ 7).
//
//go:noescape
func verticalNEON(out []byte, rows [][]byte, k []int32)

// horizontalVec has no NEON kernel yet: horizontal does every pixel in Go.
func horizontalVec(out, in []byte, w *weights, n int) int { return 0 }
