package jpeg

// Progressive decoding (T.81 Annex G). Every scan updates the coefficients
// kept for the whole image; the blocks are reconstructed once, after the
// last scan. Coefficients are stored as int16 with saturation: valid streams
// never come near the limits, and saturation keeps a non-zero coefficient
// non-zero, which is what the refinement scans' parsing depends on.

// sat16 saturates v to the int16 range.
func sat16(v int32) int16 {
	if v > 32767 {
		return 32767
	}
	if v < -32768 {
		return -32768
	}
	return int16(v)
}

// progressiveScan decodes one scan of a progressive frame.
func (d *decoder) progressiveScan(sc *scanHeader) error {
	for i := 0; i < sc.n; i++ {
		ci := sc.comp[i].ci
		if d.coefs[ci] == nil {
			c := &d.comp[ci]
			d.coefs[ci] = make([]int16, d.mxx*c.h*d.myy*c.v*64)
		}
	}
	d.resetBits()
	var (
		pred     [4]int32
		expected byte = markerRST0
	)
	block := func(i, bx, by int) error {
		ci := sc.comp[i].ci
		c := &d.comp[ci]
		off := (by*d.mxx*c.h + bx) * 64
		b := (*[64]int16)(d.coefs[ci][off : off+64])
		switch {
		case sc.ss == 0 && sc.ah == 0:
			return d.dcFirst(b, &d.dcTab[sc.comp[i].td], &pred[i], sc.al)
		case sc.ss == 0:
			if d.readBit() {
				b[0] = sat16(int32(b[0]) | 1<<sc.al)
			}
			return nil
		case sc.ah == 0:
			return d.acFirst(b, &d.acTab[sc.comp[i].ta], sc.ss, sc.se, sc.al)
		default:
			return d.acRefine(b, &d.acTab[sc.comp[i].ta], sc.ss, sc.se, int32(1)<<sc.al)
		}
	}
	if sc.n == 1 {
		c := &d.comp[sc.comp[0].ci]
		bw, bh := d.blockGrid(c)
		if d.nComp == 1 {
			bw, bh = d.mxx, d.myy
		}
		total, mcu := bw*bh, 0
		for by := 0; by < bh; by++ {
			for bx := 0; bx < bw; bx++ {
				if err := block(0, bx, by); err != nil {
					return err
				}
				if d.nbits < 0 {
					return errShortData
				}
				mcu++
				if d.ri > 0 && mcu%d.ri == 0 && mcu < total {
					if err := d.restart(&expected); err != nil {
						return err
					}
					pred = [4]int32{}
				}
			}
		}
		return nil
	}
	total, mcu := d.mxx*d.myy, 0
	for my := 0; my < d.myy; my++ {
		for mx := 0; mx < d.mxx; mx++ {
			for i := 0; i < sc.n; i++ {
				c := &d.comp[sc.comp[i].ci]
				for v := 0; v < c.v; v++ {
					for h := 0; h < c.h; h++ {
						if err := block(i, mx*c.h+h, my*c.v+v); err != nil {
							return err
						}
					}
				}
			}
			if d.nbits < 0 {
				return errShortData
			}
			mcu++
			if d.ri > 0 && mcu%d.ri == 0 && mcu < total {
				if err := d.restart(&expected); err != nil {
					return err
				}
				pred = [4]int32{}
			}
		}
	}
	return nil
}

// dcFirst decodes the first (or only) pass of a DC coefficient (G.1.2.1).
func (d *decoder) dcFirst(b *[64]int16, h *huffTable, pred *int32, al int) error {
	if !h.defined {
		return FormatError("uninitialized Huffman table")
	}
	s, err := d.decodeSym(h)
	if err != nil {
		return err
	}
	if s > 16 {
		return FormatError("excessive DC component")
	}
	*pred += d.receiveExtend(int(s))
	b[0] = sat16(*pred << al)
	return nil
}

// acFirst decodes the first pass of a band of AC coefficients (G.1.2.2),
// with end-of-band runs.
func (d *decoder) acFirst(b *[64]int16, h *huffTable, ss, se, al int) error {
	if d.eobRun > 0 {
		d.eobRun--
		return nil
	}
	if !h.defined {
		return FormatError("uninitialized Huffman table")
	}
	for k := ss; k <= se; k++ {
		sym, err := d.decodeSym(h)
		if err != nil {
			return err
		}
		r, s := int(sym>>4), int(sym&15)
		if s != 0 {
			k += r
			if k > se {
				break
			}
			b[unzig[k&63]] = sat16(d.receiveExtend(s) << al)
			continue
		}
		if r != 15 {
			d.eobRun = 1<<r - 1
			if r > 0 {
				d.eobRun += int(d.receive(r))
			}
			break
		}
		k += 15
	}
	return nil
}

// acRefine decodes a refinement pass of a band of AC coefficients
// (G.1.2.3): one correction bit for each coefficient already non-zero, and
// new coefficients of magnitude delta.
func (d *decoder) acRefine(b *[64]int16, h *huffTable, ss, se int, delta int32) error {
	k := ss
	if d.eobRun == 0 {
		if !h.defined {
			return FormatError("uninitialized Huffman table")
		}
		for ; k <= se; k++ {
			sym, err := d.decodeSym(h)
			if err != nil {
				return err
			}
			r, s := int(sym>>4), int(sym&15)
			z := int32(0)
			switch s {
			case 0:
				if r != 15 {
					d.eobRun = 1 << r
					if r > 0 {
						d.eobRun += int(d.receive(r))
					}
					goto band
				}
			case 1:
				z = delta
				if !d.readBit() {
					z = -z
				}
			default:
				return FormatError("unexpected Huffman code")
			}
			k = d.refineNonZero(b, k, se, r, delta)
			if k > se {
				return FormatError("too many coefficients")
			}
			if z != 0 {
				b[unzig[k&63]] = int16(z)
			}
		}
	}
band:
	if d.eobRun > 0 {
		d.eobRun--
		d.refineNonZero(b, k, se, -1, delta)
	}
	return nil
}

// refineNonZero reads correction bits for the non-zero coefficients from
// zig-zag index k on, stopping at the (nz+1)th zero coefficient (never, if
// nz < 0). It returns the index where it stopped.
func (d *decoder) refineNonZero(b *[64]int16, k, se, nz int, delta int32) int {
	for ; k <= se; k++ {
		u := unzig[k&63]
		if b[u] == 0 {
			if nz == 0 {
				break
			}
			nz--
			continue
		}
		if !d.readBit() {
			continue
		}
		if b[u] >= 0 {
			b[u] = sat16(int32(b[u]) + delta)
		} else {
			b[u] = sat16(int32(b[u]) - delta)
		}
	}
	return k
}

// reconstructProgressive dequantizes and inverse-transforms the blocks of
// every reconstructed component that covers the image.
func (d *decoder) reconstructProgressive() {
	h0, v0 := d.comp[0].h, d.comp[0].v
	bs := d.bs
	var blk [64]int32
	for ci := 0; ci < d.nComp; ci++ {
		p := &d.planes[ci]
		if d.coefs[ci] == nil || p.pix == nil {
			continue
		}
		c := &d.comp[ci]
		q := &d.quant[c.tq]
		bh, bv := 8*h0/c.h, 8*v0/c.v // pixels of the frame per block
		stride := d.mxx * c.h
		for by := 0; by*bv < d.height; by++ {
			for bx := 0; bx*bh < d.width; bx++ {
				off := (by*stride + bx) * 64
				src := (*[64]int16)(d.coefs[ci][off : off+64])
				last := 0
				for k := 0; k < 64; k++ {
					v := src[unzig[k]]
					if v != 0 && k > 0 {
						last = k
					}
					blk[unzig[k]] = int32(v) * q[k]
				}
				d.idct(&blk, last, p.pix[by*bs*p.stride+bx*bs:], p.stride)
			}
		}
	}
}
