//go:build purego || !(amd64 || arm64)

package jpeg

// idct8Vec is idct8: there is no vector version here.
func idct8Vec(blk *[64]int32, dst []byte, stride int) { idct8(blk, dst, stride) }

// idct4Vec is idct4: there is no vector version here.
func idct4Vec(blk *[64]int32, dst []byte, stride int) { idct4(blk, dst, stride) }
