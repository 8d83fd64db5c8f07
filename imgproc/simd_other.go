//go:build purego || !(amd64 || arm64)

package imgproc

// verticalVec has no vector kernel here: vertical runs verticalGo on every
// column.
func verticalVec(out []byte, rows [][]byte, k []int32) int { return 0 }

// horizontalVec has no vector kernel here: horizontalGo does every pixel.
func horizontalVec(out, in []byte, w *weights, n int) int { return 0 }

// ycbcrRowVec has no vector kernel here: ycbcrRowGo does every pixel.
func ycbcrRowVec(out, y, cb, cr []byte) int { return 0 }

// upsampleH2Vec has no vector kernel here: upsampleRow does every sample.
func upsampleH2Vec(out, near, far []byte, cw int) int { return 0 }
