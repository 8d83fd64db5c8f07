package jpeg

import "math"

// The forward DCT is the Arai-Agui-Nakajima factorisation in float32. Its
// outputs are the true coefficients multiplied by 8*s(u)*s(v), with
// s(0) = 1 and s(k) = sqrt(2)*cos(k*pi/16); the encoder folds these factors
// into its quantization divisors.
//
// The products are rounded to float32 explicitly (the float32 conversions),
// which keeps the compiler from fusing a multiply and an add into one FMA
// on the architectures that have it (arm64, amd64 with GOAMD64=v3): every
// operation is then one correctly rounded IEEE float32 operation on every
// architecture, and the vector kernels (fdct_amd64.s, fdct_arm64.s), which
// do the same operations in the same order, give the same coefficients
// bit for bit.

// aanScale holds s(k).
var aanScale = func() (s [8]float64) {
	s[0] = 1
	for k := 1; k < 8; k++ {
		s[k] = math.Sqrt2 * math.Cos(float64(k)*math.Pi/16)
	}
	return s
}()

// quantRecip returns the reciprocal divisors for table q (natural order)
// that quantize fdct's scaled outputs.
func quantRecip(q *[64]int32) (r [64]float32) {
	for i := range r {
		u, v := i%8, i/8
		r[i] = float32(1 / (float64(q[i]) * aanScale[u] * aanScale[v] * 8))
	}
	return r
}

// fdct transforms the 8x8 block b (level-shifted samples, natural order) in
// place.
func fdct(b *[64]float32) {
	for i := 0; i < 64; i += 8 {
		r := b[i : i+8 : i+8]
		fdct1(&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7])
	}
	for i := 0; i < 8; i++ {
		fdct1(&b[i], &b[i+8], &b[i+16], &b[i+24], &b[i+32], &b[i+40], &b[i+48], &b[i+56])
	}
}

// fdct1 is the 1-D scaled AAN transform of eight values.
func fdct1(p0, p1, p2, p3, p4, p5, p6, p7 *float32) {
	d0, d1, d2, d3, d4, d5, d6, d7 := *p0, *p1, *p2, *p3, *p4, *p5, *p6, *p7
	tmp0, tmp7 := d0+d7, d0-d7
	tmp1, tmp6 := d1+d6, d1-d6
	tmp2, tmp5 := d2+d5, d2-d5
	tmp3, tmp4 := d3+d4, d3-d4

	// Even part.
	tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
	tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2
	*p0 = tmp10 + tmp11
	*p4 = tmp10 - tmp11
	z1 := float32((tmp12 + tmp13) * 0.707106781)
	*p2 = tmp13 + z1
	*p6 = tmp13 - z1

	// Odd part.
	tmp10 = tmp4 + tmp5
	tmp11 = tmp5 + tmp6
	tmp12 = tmp6 + tmp7
	z5 := float32((tmp10 - tmp12) * 0.382683433)
	z2 := float32(0.541196100*tmp10) + z5
	z4 := float32(1.306562965*tmp12) + z5
	z3 := float32(tmp11 * 0.707106781)
	z11, z13 := tmp7+z3, tmp7-z3
	*p5 = z13 + z2
	*p3 = z13 - z2
	*p1 = z11 + z4
	*p7 = z11 - z4
}

// fdctQuantGo transforms the level-shifted block b (natural order; it is
// overwritten) and quantizes it with recip into c, in natural order. It
// returns the mask of quantize.
func fdctQuantGo(b *[64]float32, recip *[64]float32, c *[64]int32) uint64 {
	fdct(b)
	return quantize(b, recip, c)
}

// fdctQuantGrayGo is fdctQuantGo on the 8x8 samples at src (rows stride
// bytes apart), level-shifted by -128.
func fdctQuantGrayGo(src []byte, stride int, recip *[64]float32, c *[64]int32) uint64 {
	var b [64]float32
	for y := 0; y < 8; y++ {
		row := src[y*stride:]
		row = row[:8:8]
		for x, v := range row {
			b[y*8+x] = float32(v) - 128
		}
	}
	return fdctQuantGo(&b, recip, c)
}
