package jpeg

// Inverse DCTs. The 8x8 one is the Loeffler-Ligtenberg-Moschytz
// factorisation in 13-bit fixed point, with two extra bits of precision kept
// between the column and the row pass. The reduced ones (T.81 A.3.3 applied
// to an N-point block made of the N x N lowest frequencies, N = 4, 2, 1)
// produce the block scaled down by 8/N directly from the coefficients.

const (
	constBits = 13
	pass1Bits = 2

	fix0298631336 = 2446  // 0.298631336 << 13
	fix0390180644 = 3196  // 0.390180644
	fix0541196100 = 4433  // 0.541196100
	fix0765366865 = 6270  // 0.765366865
	fix0899976223 = 7373  // 0.899976223
	fix1175875602 = 9633  // 1.175875602
	fix1501321110 = 12299 // 1.501321110
	fix1847759065 = 15137 // 1.847759065
	fix1961570560 = 16069 // 1.961570560
	fix2053119869 = 16819 // 2.053119869
	fix2562915447 = 20995 // 2.562915447
	fix3072711026 = 25172 // 3.072711026

	fix0707106781 = 5793 // cos(pi/4)
	fix0923879533 = 7568 // cos(pi/8)
	fix0382683433 = 3135 // cos(3pi/8)
)

// clamp8 limits v to [0, 255].
func clamp8(v int32) byte {
	if uint32(v) > 255 {
		if v < 0 {
			return 0
		}
		return 255
	}
	return byte(v)
}

// idct reconstructs the dequantized block blk (natural order) into dst at the
// decoder's output block size. last is the zig-zag index of the last
// non-zero coefficient; the coefficients after it must be zero.
func (d *decoder) idct(blk *[64]int32, last int, dst []byte, stride int) {
	switch d.bs {
	case 8:
		if last == 0 {
			fillBlock(dst, stride, 8, clamp8((blk[0]+1028)>>3))
			return
		}
		idct8Vec(blk, dst, stride)
	case 4:
		if last == 0 {
			fillBlock(dst, stride, 4, clamp8((blk[0]+1028)>>3))
			return
		}
		idct4Vec(blk, dst, stride)
	case 2:
		idct2(blk, dst, stride)
	default:
		dst[0] = clamp8((blk[0] + 1028) >> 3)
	}
}

// fillBlock sets an n x n block of dst to v.
func fillBlock(dst []byte, stride, n int, v byte) {
	for y := 0; y < n; y++ {
		row := dst[y*stride : y*stride+n]
		for x := range row {
			row[x] = v
		}
	}
}

// idct8 is the full 8x8 inverse DCT, with the +128 level shift and clamping.
func idct8(blk *[64]int32, dst []byte, stride int) {
	var ws [64]int32
	// Columns.
	for x := 0; x < 8; x++ {
		c := blk[x:]
		if c[8] == 0 && c[16] == 0 && c[24] == 0 && c[32] == 0 && c[40] == 0 && c[48] == 0 && c[56] == 0 {
			dc := c[0] << pass1Bits
			for y := 0; y < 64; y += 8 {
				ws[x+y] = dc
			}
			continue
		}
		// Even part.
		z2, z3 := c[16], c[48]
		z1 := (z2 + z3) * fix0541196100
		tmp2 := z1 - z3*fix1847759065
		tmp3 := z1 + z2*fix0765366865
		z2, z3 = c[0], c[32]
		tmp0 := (z2 + z3) << constBits
		tmp1 := (z2 - z3) << constBits
		tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
		tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2
		// Odd part.
		t0, t1, t2, t3 := c[56], c[40], c[24], c[8]
		z1 = t0 + t3
		z2 = t1 + t2
		z3 = t0 + t2
		z4 := t1 + t3
		z5 := (z3 + z4) * fix1175875602
		t0 *= fix0298631336
		t1 *= fix2053119869
		t2 *= fix3072711026
		t3 *= fix1501321110
		z1 *= -fix0899976223
		z2 *= -fix2562915447
		z3 = z3*-fix1961570560 + z5
		z4 = z4*-fix0390180644 + z5
		t0 += z1 + z3
		t1 += z2 + z4
		t2 += z2 + z3
		t3 += z1 + z4
		const sh = constBits - pass1Bits
		const rnd = 1 << (sh - 1)
		ws[x+0] = (tmp10 + t3 + rnd) >> sh
		ws[x+56] = (tmp10 - t3 + rnd) >> sh
		ws[x+8] = (tmp11 + t2 + rnd) >> sh
		ws[x+48] = (tmp11 - t2 + rnd) >> sh
		ws[x+16] = (tmp12 + t1 + rnd) >> sh
		ws[x+40] = (tmp12 - t1 + rnd) >> sh
		ws[x+24] = (tmp13 + t0 + rnd) >> sh
		ws[x+32] = (tmp13 - t0 + rnd) >> sh
	}
	// Rows.
	for y := 0; y < 8; y++ {
		r := ws[y*8 : y*8+8 : y*8+8]
		out := dst[y*stride : y*stride+8 : y*stride+8]
		// Level shift (+128) and rounding, folded into the DC term.
		r0 := r[0] + (128<<(pass1Bits+3) + 1<<(pass1Bits+2))
		if r[1] == 0 && r[2] == 0 && r[3] == 0 && r[4] == 0 && r[5] == 0 && r[6] == 0 && r[7] == 0 {
			v := clamp8(r0 >> (pass1Bits + 3))
			for i := range out {
				out[i] = v
			}
			continue
		}
		z2, z3 := r[2], r[6]
		z1 := (z2 + z3) * fix0541196100
		tmp2 := z1 - z3*fix1847759065
		tmp3 := z1 + z2*fix0765366865
		tmp0 := (r0 + r[4]) << constBits
		tmp1 := (r0 - r[4]) << constBits
		tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
		tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2
		t0, t1, t2, t3 := r[7], r[5], r[3], r[1]
		z1 = t0 + t3
		z2 = t1 + t2
		z3 = t0 + t2
		z4 := t1 + t3
		z5 := (z3 + z4) * fix1175875602
		t0 *= fix0298631336
		t1 *= fix2053119869
		t2 *= fix3072711026
		t3 *= fix1501321110
		z1 *= -fix0899976223
		z2 *= -fix2562915447
		z3 = z3*-fix1961570560 + z5
		z4 = z4*-fix0390180644 + z5
		t0 += z1 + z3
		t1 += z2 + z4
		t2 += z2 + z3
		t3 += z1 + z4
		const sh = constBits + pass1Bits + 3
		out[0] = clamp8((tmp10 + t3) >> sh)
		out[7] = clamp8((tmp10 - t3) >> sh)
		out[1] = clamp8((tmp11 + t2) >> sh)
		out[6] = clamp8((tmp11 - t2) >> sh)
		out[2] = clamp8((tmp12 + t1) >> sh)
		out[5] = clamp8((tmp12 - t1) >> sh)
		out[3] = clamp8((tmp13 + t0) >> sh)
		out[4] = clamp8((tmp13 - t0) >> sh)
	}
}

// idct4 reconstructs the 4x4 lowest frequencies of blk as a 4x4 block: a
// 4-point inverse DCT per column and row, scaled so that the DC gives the
// block mean as the 8x8 transform does.
func idct4(blk *[64]int32, dst []byte, stride int) {
	var ws [16]int32
	for x := 0; x < 4; x++ {
		f0, f1, f2, f3 := blk[x], blk[8+x], blk[16+x], blk[24+x]
		e0 := (f0 + f2) * fix0707106781
		e1 := (f0 - f2) * fix0707106781
		o0 := f1*fix0923879533 + f3*fix0382683433
		o1 := f1*fix0382683433 - f3*fix0923879533
		const sh = constBits - pass1Bits
		const rnd = 1 << (sh - 1)
		ws[x] = (e0 + o0 + rnd) >> sh
		ws[12+x] = (e0 - o0 + rnd) >> sh
		ws[4+x] = (e1 + o1 + rnd) >> sh
		ws[8+x] = (e1 - o1 + rnd) >> sh
	}
	// Each pass computes twice the 1-D transform; f = value / 4 at the end.
	const sh = constBits + pass1Bits + 2
	const bias = 128<<sh + 1<<(sh-1)
	for y := 0; y < 4; y++ {
		f0, f1, f2, f3 := ws[4*y], ws[4*y+1], ws[4*y+2], ws[4*y+3]
		e0 := (f0+f2)*fix0707106781 + bias
		e1 := (f0-f2)*fix0707106781 + bias
		o0 := f1*fix0923879533 + f3*fix0382683433
		o1 := f1*fix0382683433 - f3*fix0923879533
		out := dst[y*stride : y*stride+4 : y*stride+4]
		out[0] = clamp8((e0 + o0) >> sh)
		out[3] = clamp8((e0 - o0) >> sh)
		out[1] = clamp8((e1 + o1) >> sh)
		out[2] = clamp8((e1 - o1) >> sh)
	}
}

// idct2 reconstructs the 2x2 lowest frequencies of blk as a 2x2 block.
//
// It stays Go on every architecture: it is four butterflies, a shift and
// four clamps. An AVX2 version (two 8-byte loads, VPHADDD/VPHSUBD, packs,
// two 2-byte stores) gave the same bytes but took 5.2 ns per block against
// 3.9 ns for this code (medians of 8 runs, amd64): the vector work saved is
// smaller than the cost of a call that cannot be inlined, and the
// speculative decoder passes the four coefficients in registers (idct2v)
// without storing a block at all. The 1x1 case (decoder.idct's default:
// the DC plus the level shift, shifted and clamped) is one pixel, with
// nothing to vectorise.
func idct2(blk *[64]int32, dst []byte, stride int) {
	idct2v(blk[0], blk[1], blk[8], blk[9], dst, stride)
}

// idct2v is idct2 on the four coefficients f00, f01 (horizontal frequency
// 1), f10 and f11.
func idct2v(f00, f01, f10, f11 int32, dst []byte, stride int) {
	f00 += 1028
	a, b := f00+f10, f00-f10 // rows: vertical frequency
	c, e := f01+f11, f01-f11
	dst[0] = clamp8((a + c) >> 3)
	dst[1] = clamp8((a - c) >> 3)
	dst[stride] = clamp8((b + e) >> 3)
	dst[stride+1] = clamp8((b - e) >> 3)
}
