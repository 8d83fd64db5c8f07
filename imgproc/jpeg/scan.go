package jpeg

import "encoding/binary"

// unzig maps a zig-zag index to the natural (row-major) index of a block
// coefficient (T.81 Figure A.6).
var unzig = [64]int{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
}

// unzig8 is unzig in bytes, for the hot loops.
var unzig8 = func() (z [64]uint8) {
	for k, n := range unzig {
		z[k] = uint8(n)
	}
	return
}()

// scanComp is one component of a scan.
type scanComp struct {
	ci     int // index into decoder.comp
	td, ta int // DC and AC table selectors
}

// scanHeader is a parsed SOS header (T.81 B.2.3).
type scanHeader struct {
	n      int
	comp   [4]scanComp
	ss, se int // spectral selection, zig-zag indexes
	ah, al int // successive approximation bit positions
}

// processSOS reads a scan header and decodes the scan's entropy-coded data.
func (d *decoder) processSOS(n int) error {
	if d.nComp == 0 {
		return FormatError("missing SOF marker")
	}
	if n < 6 || 4+2*d.nComp < n || n%2 != 0 {
		return FormatError("SOS has wrong length")
	}
	if err := d.src.readFull(d.tmp[:n]); err != nil {
		return err
	}
	var sc scanHeader
	sc.n = int(d.tmp[0])
	if n != 4+2*sc.n {
		return FormatError("SOS length inconsistent with number of components")
	}
	totalHV := 0
	for i := 0; i < sc.n; i++ {
		cs := d.tmp[1+2*i]
		ci := -1
		for j := 0; j < d.nComp; j++ {
			if d.comp[j].id == cs {
				ci = j
			}
		}
		if ci < 0 {
			return FormatError("unknown component selector")
		}
		for j := 0; j < i; j++ {
			if sc.comp[j].ci == ci {
				return FormatError("repeated component selector")
			}
		}
		totalHV += d.comp[ci].h * d.comp[ci].v
		td, ta := int(d.tmp[2+2*i]>>4), int(d.tmp[2+2*i]&15)
		if td > 3 || (d.baseline && td > 1) {
			return FormatError("bad Td value")
		}
		if ta > 3 || (d.baseline && ta > 1) {
			return FormatError("bad Ta value")
		}
		sc.comp[i] = scanComp{ci: ci, td: td, ta: ta}
	}
	if d.nComp > 1 && totalHV > 10 {
		return FormatError("total sampling factors too large")
	}
	sc.ss, sc.se = 0, 63
	if d.progressive {
		sc.ss = int(d.tmp[1+2*sc.n])
		sc.se = int(d.tmp[2+2*sc.n])
		sc.ah = int(d.tmp[3+2*sc.n] >> 4)
		sc.al = int(d.tmp[3+2*sc.n] & 15)
		if (sc.ss == 0 && sc.se != 0) || sc.ss > sc.se || sc.se > 63 {
			return FormatError("bad spectral selection bounds")
		}
		if sc.ss != 0 && sc.n != 1 {
			return FormatError("progressive AC coefficients for more than one component")
		}
		if sc.ah != 0 && sc.ah != sc.al+1 {
			return FormatError("bad successive approximation values")
		}
	}
	if !d.allocated {
		d.allocate()
		if d.progressive {
			d.startPar()
		}
	}
	if err := d.checkScan(&sc); err != nil {
		return err
	}
	if d.progressive {
		return d.progressiveScan(&sc)
	}
	return d.sequentialScan(&sc)
}

// checkScan refuses, as unsupported, scans that image/jpeg reads differently
// from T.81, so that the caller's fallback gives image/jpeg's answer.
func (d *decoder) checkScan(sc *scanHeader) error {
	for i := 0; i < sc.n; i++ {
		c := sc.comp[i]
		usesDC := sc.ss == 0 && sc.ah == 0
		usesAC := sc.se > 0
		if usesDC && d.dcTab[c.td].irregular || usesAC && d.acTab[c.ta].irregular {
			return UnsupportedError("over-subscribed Huffman table")
		}
	}
	if sc.n != 1 || d.nComp == 1 {
		return nil
	}
	c := &d.comp[sc.comp[0].ci]
	if d.ri > 0 && c.h*c.v > 1 {
		// image/jpeg counts the restart interval of a non-interleaved
		// scan in MCUs of the interleaved grid, not in blocks (A.2).
		return UnsupportedError("restart interval in a non-interleaved scan of a subsampled component")
	}
	bw, bh := d.blockGrid(c)
	jw := min(d.mxx*c.h, (d.width+7)/8)
	jh := min(d.myy*c.v, (d.height+7)/8)
	if bw != jw || bh != jh {
		return UnsupportedError("non-interleaved scan of a component with intermediate sampling factors")
	}
	return nil
}

// blockGrid returns the number of blocks per row and column of component c
// in a non-interleaved scan (T.81 A.1.1, A.2.2).
func (d *decoder) blockGrid(c *component) (int, int) {
	h0, v0 := d.comp[0].h, d.comp[0].v
	cw := (d.width*c.h + h0 - 1) / h0
	ch := (d.height*c.v + v0 - 1) / v0
	return (cw + 7) / 8, (ch + 7) / 8
}

// restart handles the end of a restart interval: it skips to the expected
// RST marker (tolerating extraneous data and fill bytes like image/jpeg),
// then resets the entropy decoder (F.2.1.3.1, G.1.2.2).
func (e *entropy) restart(expected *byte) error {
	s := e.in
	for {
		b, err := s.readByte()
		if err != nil {
			return err
		}
		if b != 0xff {
			continue
		}
		for {
			c, err := s.readByte()
			if err != nil {
				return err
			}
			if c == 0xff {
				continue
			}
			if c == *expected {
				*expected = markerRST0 + (*expected-markerRST0+1)&7
				e.resetBits()
				e.eobRun = 0
				return nil
			}
			if c != 0 {
				return FormatError("bad RST marker")
			}
			break
		}
	}
}

// sequentialScan decodes a baseline or extended sequential scan, writing
// each block straight to its plane.
func (d *decoder) sequentialScan(sc *scanHeader) error {
	if d.usePipeline(sc) {
		return d.sequentialPipelined(sc)
	}
	d.resetBits()
	w := d.newWalk(&d.entropy, sc, d.ri)
	var blk [64]int32
	bs := d.bs
	return w.run(nil, func(lb *mcuBlock, bx, by int) error {
		c := sc.comp[lb.i]
		comp := &d.comp[c.ci]
		last, err := d.decodeBlock(&blk, d.dcTab[c.td], d.acTab[c.ta], &d.quant[comp.tq], &w.pred[lb.i])
		if err != nil {
			return err
		}
		if p := &d.planes[c.ci]; p.pix != nil {
			off := by*bs*p.stride + bx*bs
			d.idct(&blk, last, p.pix[off:], p.stride)
		}
		if last == 0 {
			blk[0] = 0
		} else {
			blk = [64]int32{}
		}
		return nil
	})
}

// decodeBlock decodes the Huffman-coded coefficients of one block (T.81
// F.2.2), dequantizes them with q (zig-zag order) and stores them in natural
// order in blk, which must be zero on entry. pred is the component's DC
// predictor. It returns the zig-zag index of the last coefficient stored.
//
// Like image/jpeg it honours EOB runs even in sequential scans, and a run
// that goes past the end of the block ends it without reading the
// coefficient's extra bits.
func (e *entropy) decodeBlock(blk *[64]int32, dc, ac *huffTable, q *[64]int32, pred *int32) (int, error) {
	if !dc.defined {
		return 0, FormatError("uninitialized Huffman table")
	}
	if e.nbits < 32 {
		e.refill()
	}
	acc, nbits := e.acc, e.nbits
	if f := dc.dcfast[acc>>(64-lutBits)]; f != 0 {
		// The code and its extra bits in one look-up.
		n := int(f & 15)
		acc <<= uint(n)
		nbits -= n
		*pred += int32(f >> 4)
	} else {
		var s int
		if le := dc.lut[acc>>(64-lutBits)]; le != 0 {
			l := int(le >> 8)
			s = int(byte(le))
			acc <<= l
			nbits -= l
		} else {
			sym, l := dc.slow(acc)
			if l == 0 {
				return 0, FormatError("bad Huffman code")
			}
			s = int(sym)
			acc <<= l
			nbits -= l
		}
		if s > 16 {
			return 0, FormatError("excessive DC component")
		}
		if s != 0 {
			v := int32(acc >> (64 - uint(s)))
			acc <<= uint(s)
			nbits -= s
			*pred += extend(v, s)
		}
	}
	blk[0] = *pred * q[0]
	if e.eobRun > 0 {
		e.eobRun--
		e.acc, e.nbits = acc, nbits
		return 0, nil
	}
	if !ac.defined {
		return 0, FormatError("uninitialized Huffman table")
	}
	// The read buffer in locals: the refills below read it without going
	// through e.in. pos0 is where e.loaded was last brought up to date.
	src := e.in
	buf, pos := src.buf[:src.end], src.pos
	pos0 := pos
	last := 0
	for k := 1; k < 64; {
		k0 := k
		var done bool
		acc, nbits, k, pos, done = acFast(acc, nbits, k, pos, buf, &ac.pair, q, blk)
		if k != k0 {
			last = k - 1
		}
		if done {
			break
		}
		// One step the slow way: a refill that meets 0xFF or the end of
		// the buffer, a code or coefficient too long for the fast table,
		// an EOBn or a ZRL.
		if nbits < 32 {
			src.pos = pos
			e.loaded += int64(8 * (pos - pos0))
			e.acc, e.nbits = acc, nbits
			e.refill()
			acc, nbits = e.acc, e.nbits
			buf, pos = src.buf[:src.end], src.pos
			pos0 = pos
		}
		p := acc >> (64 - lutBits)
		var sym byte
		if le := ac.lut[p]; le != 0 {
			l := int(le >> 8)
			sym = byte(le)
			acc <<= uint(l)
			nbits -= l
		} else {
			var l int
			sym, l = ac.slow(acc)
			if l == 0 {
				src.pos = pos
				e.loaded += int64(8 * (pos - pos0))
				return 0, FormatError("bad Huffman code")
			}
			acc <<= uint(l)
			nbits -= l
		}
		r, s := int(sym>>4), int(sym&15)
		if s == 0 {
			if r == 15 {
				k += 16
				continue
			}
			if r > 0 {
				// EOBn: this block and the next (2^r + bits - 1) end here.
				run := 1<<r | int(acc>>(64-uint(r)))
				acc <<= uint(r)
				nbits -= r
				e.eobRun = run - 1
			}
			break
		}
		k += r
		if k > 63 {
			break
		}
		v := extend(int32(acc>>(64-uint(s))), s)
		acc <<= uint(s)
		nbits -= s
		blk[unzig[k&63]] = v * q[k&63]
		last = k
		k++
	}
	src.pos = pos
	e.loaded += int64(8 * (pos - pos0))
	e.acc, e.nbits = acc, nbits
	return last, nil
}

// acFast is decodeBlock's inner loop: from zig-zag index k on, it decodes
// the AC coefficients (and the EOB) that the pair table holds whole, one or
// two per look-up, into blk, refilling the bit buffer acc (nbits bits) from
// buf at pos while the next 8 bytes hold no 0xFF. It returns the updated
// state, with done set when the block is finished (k reached 64 or an EOB
// came), or unset when the next step needs decodeBlock's slow path. Each
// coefficient it stores moves k past it, and an EOB does not move it, so
// the last one stored is at the returned k - 1 if k moved. It calls
// nothing, so that its state stays in registers.
//
// Its refill leaves, below the nbits bits, the first bits of the bytes that
// follow: they are the stream's own next bits (there is no 0xFF among them,
// so no stuffing), so every later refill ORs the same bits over them.
func acFast(acc uint64, nbits, k, pos int, buf []byte, pair *[1 << lutBits]uint64, q, blk *[64]int32) (uint64, int, int, int, bool) {
	for k < 64 {
		if nbits < 32 {
			if pos > len(buf)-8 {
				return acc, nbits, k, pos, false
			}
			w := binary.BigEndian.Uint64(buf[pos:])
			if x := ^w; (x-0x0101010101010101)&^x&0x8080808080808080 != 0 {
				return acc, nbits, k, pos, false
			}
			acc |= w >> uint(nbits)
			pos += (63 - nbits) >> 3
			nbits |= 56
		}
		e := pair[acc>>(64-lutBits)]
		if e == 0 {
			return acc, nbits, k, pos, false
		}
		kk := k + int(e>>pairAdv&pairAdvMask)
		if kk > 64 {
			return pairEnd(e, acc, nbits, k, pos, q, blk)
		}
		n := int(e & 15)
		acc <<= uint(n)
		nbits -= n
		// The second first: with no second, it writes 0 where the first
		// then goes.
		k1 := (k + int(e>>pairRun1&127)) & 63
		k2 := (kk - 1) & 63
		blk[unzig8[k2]&63] = int32(int64(e)<<16>>48) * q[k2]
		blk[unzig8[k1]&63] = int32(int64(e)>>48) * q[k1]
		k = kk
	}
	return acc, nbits, k, pos, true
}

// pairEnd finishes a block whose pair entry e (see acFast) involves an EOB
// or goes past the end of the block, the way one coefficient at a time
// would. An EOB, or a run past the end of the block, ends the block without
// the coefficient's extra bits.
func pairEnd(e, acc uint64, nbits, k, pos int, q, blk *[64]int32) (uint64, int, int, int, bool) {
	k1 := k + int(e>>pairRun1&127)
	if k1 > 63 {
		l := int(e >> pairCL1 & 15)
		return acc << uint(l), nbits - l, k, pos, true
	}
	blk[unzig[k1&63]&63] = int32(int64(e)>>48) * q[k1&63]
	n := int(e >> pairT1 & 15)
	if k1 < 63 && e>>pairEOB2&1|e>>pairHas2&1 != 0 {
		// An EOB, or a coefficient whose run goes past the end (kk > 64):
		// its code is read, unless the first filled the block.
		n += int(e >> pairCL2 & 15)
	}
	return acc << uint(n), nbits - n, k1 + 1, pos, true
}
