//go:build purego || !(amd64 || arm64)

package jpeg

// fdctQuant is fdctQuantGo: there is no vector version here.
func fdctQuant(b *[64]float32, recip *[64]float32, c *[64]int32) uint64 {
	return fdctQuantGo(b, recip, c)
}

// fdctQuantGray is fdctQuantGrayGo: there is no vector version here.
func fdctQuantGray(src []byte, stride int, recip *[64]float32, c *[64]int32) uint64 {
	return fdctQuantGrayGo(src, stride, recip, c)
}
