package jpeg

import (
	"encoding/binary"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"

	"procesa/imgproc/internal/bufpool"
)

// Progressive decoding (T.81 Annex G). Every scan updates the coefficients
// kept for the whole image; the blocks are reconstructed once, after the
// last scan, into the memory of the coefficients themselves (see
// reconstructInPlace). Coefficients are stored as int16 with saturation:
// valid streams never come near the limits, and saturation keeps a non-zero
// coefficient non-zero, which is what the refinement scans' parsing depends
// on.

// A block's coefficients are stored as little-endian int16s in byte slices,
// so that the reconstructed samples can take their place: only those the
// inverse DCT of the output block size uses (all 64 at full size, 16 with
// Shrink 2, 4 with Shrink 4, the DC with Shrink 8), in zig-zag order. A
// coefBlock is the window of up to 64 stored coefficients that starts at a
// block's first one (the coefficient slices have room for the last block's
// window); slot s of the block is its coefficient number s in that order.
type coefBlock = [128]byte

// coef returns the coefficient in slot s of b.
func coef(b *coefBlock, s int) int32 {
	return int32(int16(binary.LittleEndian.Uint16(b[2*(s&63):])))
}

// setCoef sets the coefficient in slot s of b.
func setCoef(b *coefBlock, s int, v int16) {
	binary.LittleEndian.PutUint16(b[2*(s&63):], uint16(v))
}

// slotOf maps, per reduced output block size, a zig-zag index to its slot
// among the coefficients stored for a block, or -1 for one that is not
// stored. At full size (nil here) the slot is the index.
var slotOf = func() map[int]*[64]int8 {
	m := map[int]*[64]int8{}
	for bs, need := range needMask {
		if bs == 8 {
			continue
		}
		t := new([64]int8)
		n := int8(0)
		for k := range t {
			t[k] = -1
			if need&(1<<uint(k)) != 0 {
				t[k] = n
				n++
			}
		}
		m[bs] = t
	}
	return m
}()

// identitySlots maps every zig-zag index to itself.
var identitySlots = func() (t [64]int8) {
	for k := range t {
		t[k] = int8(k)
	}
	return t
}()

// blockBytes returns the bytes of coefficients stored per block.
func (d *decoder) blockBytes() int {
	return 2 * d.bs * d.bs
}

// slotOf returns the slot of the stored zig-zag coefficient k.
func (e *entropy) slotOf(k int) int {
	if e.slot == nil {
		return k
	}
	return int(e.slot[k&63])
}

// put stores v as zig-zag coefficient k of b if it is stored.
func (e *entropy) put(b *coefBlock, k int, v int16) {
	if e.slot == nil {
		setCoef(b, k, v)
	} else if s := e.slot[k&63]; s >= 0 {
		setCoef(b, int(s), v)
	}
}

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

// needMask has bit k set when zig-zag coefficient k is used by the inverse
// DCT of the given output block size.
var needMask = func() map[int]uint64 {
	m := map[int]uint64{}
	for _, bs := range []int{8, 4, 2, 1} {
		for k, n := range unzig {
			if n%8 < bs && n/8 < bs {
				m[bs] |= 1 << uint(k)
			}
		}
	}
	return m
}()

// progressiveScan decodes one scan of a progressive frame, or hands it to a
// goroutine (see progpar.go).
func (d *decoder) progressiveScan(sc *scanHeader) error {
	for i := 0; i < sc.n; i++ {
		ci := sc.comp[i].ci
		if d.masks[ci] == nil {
			// A component that is not reconstructed needs only its
			// masks, which drive the parsing of refinement scans.
			c := &d.comp[ci]
			n := d.mxx * c.h * d.myy * c.v
			d.masks[ci] = make([]uint64, n)
			if d.keep[ci] {
				// Room for the last block's whole window.
				d.coefs[ci] = bufpool.Get(n*d.blockBytes() + len(coefBlock{}) - d.blockBytes())
			}
		}
	}
	if d.par != nil {
		return d.par.start(d, sc)
	}
	p := progRunner{d: d, e: &d.entropy, ri: d.ri, sc: *sc}
	for i := range p.dcTab {
		p.dcTab[i], p.acTab[i] = d.dcTab[i], d.acTab[i]
	}
	return p.run()
}

// progRunner decodes one progressive scan into the decoder's coefficients.
type progRunner struct {
	d            *decoder // the frame: components, coefficients, masks
	e            *entropy
	dcTab, acTab [4]*huffTable
	ri           int
	sc           scanHeader

	// When scans run in parallel: wait blocks until block row r of frame
	// component ci is final for this scan, and done reports rows [0, r)
	// of ci as finished by it. Both are nil otherwise.
	wait func(ci, r int)
	done func(ci, r int)
}

func (p *progRunner) run() error {
	d, e, sc := p.d, p.e, &p.sc
	e.resetBits()
	e.need, e.slot = needMask[d.bs], slotOf[d.bs]
	if sc.n == 1 && sc.ss > 0 && p.ri == 0 {
		return p.acScan()
	}
	w := d.newWalk(e, sc, p.ri)
	var row func(my int, end bool)
	if p.wait != nil {
		row = func(my int, end bool) {
			for i := 0; i < sc.n; i++ {
				ci := sc.comp[i].ci
				r := w.rowEnd(i, my)
				if end {
					p.done(ci, r)
				} else {
					p.wait(ci, r-1)
				}
			}
		}
	}
	return w.run(row, func(lb *mcuBlock, bx, by int) error {
		i := lb.i
		ci := sc.comp[i].ci
		c := &d.comp[ci]
		bi := by*d.mxx*c.h + bx
		var b *coefBlock // nil for a component that is not reconstructed
		if d.coefs[ci] != nil {
			b = (*coefBlock)(d.coefs[ci][bi*d.blockBytes():])
		}
		mask := &d.masks[ci][bi]
		switch {
		case sc.ss == 0 && sc.ah == 0:
			return e.dcFirst(b, p.dcTab[sc.comp[i].td], &w.pred[i], sc.al)
		case sc.ss == 0:
			if e.readBit() && b != nil {
				setCoef(b, 0, sat16(coef(b, 0)|1<<sc.al))
			}
			return nil
		case sc.ah == 0:
			return e.acFirst(b, mask, p.acTab[sc.comp[i].ta], sc.ss, sc.se, sc.al)
		default:
			return e.acRefine(b, mask, p.acTab[sc.comp[i].ta], sc.ss, sc.se, int32(1)<<sc.al)
		}
	})
}

// acScan is the fast path of run for the commonest scans: a band of AC
// coefficients of one component, without restart intervals.
func (p *progRunner) acScan() error {
	d, e, sc := p.d, p.e, &p.sc
	ci := sc.comp[0].ci
	c := &d.comp[ci]
	bw, bh := d.blockGrid(c)
	if d.nComp == 1 {
		bw, bh = d.mxx, d.myy
	}
	stride := d.mxx * c.h
	h := p.acTab[sc.comp[0].ta]
	coefs, masks := d.coefs[ci], d.masks[ci]
	bb := d.blockBytes()
	delta := int32(1) << sc.al
	for by := 0; by < bh; by++ {
		if p.wait != nil {
			p.wait(ci, by)
		}
		row := masks[by*stride : by*stride+bw]
		for bx := 0; bx < bw; bx++ {
			if sc.ah == 0 && e.eobRun > 0 {
				// Blocks inside an end-of-band run: nothing to read.
				n := min(e.eobRun, bw-bx)
				e.eobRun -= n
				bx += n - 1
				continue
			}
			bi := by*stride + bx
			var b *coefBlock
			if coefs != nil {
				b = (*coefBlock)(coefs[bi*bb:])
			}
			var err error
			switch {
			case sc.ah == 0:
				err = e.acFirst(b, &row[bx], h, sc.ss, sc.se, sc.al)
			case e.eobRun > 0:
				e.eobRun--
				e.refineNonZero(b, &row[bx], sc.ss, sc.se, -1, delta)
			default:
				err = e.acRefine(b, &row[bx], h, sc.ss, sc.se, delta)
			}
			if err != nil {
				return err
			}
			if e.nbits < 0 {
				return errShortData
			}
		}
		if p.done != nil {
			p.done(ci, by+1)
		}
	}
	return nil
}

// dcFirst decodes the first (or only) pass of a DC coefficient (G.1.2.1).
// A code whose extra bits fit in lutBits bits with it is one look-up in
// dcfast, as in decodeBlock.
func (e *entropy) dcFirst(b *coefBlock, h *huffTable, pred *int32, al int) error {
	if !h.defined {
		return FormatError("uninitialized Huffman table")
	}
	if e.nbits < 32 {
		e.refill()
	}
	if f := h.dcfast[e.acc>>(64-lutBits)]; f != 0 {
		n := uint(f & 15)
		e.acc <<= n
		e.nbits -= int(n)
		*pred += int32(f >> 4)
	} else {
		s, err := e.decodeSym(h)
		if err != nil {
			return err
		}
		if s > 16 {
			return FormatError("excessive DC component")
		}
		*pred += e.receiveExtend(int(s))
	}
	if b != nil {
		setCoef(b, 0, sat16(*pred<<al))
	}
	return nil
}

// acFirst decodes the first pass of a band of AC coefficients (G.1.2.2),
// with end-of-band runs. Like decodeBlock it keeps the bit buffer in locals
// and reads a coefficient whose code and extra bits fit in lutBits bits, or
// an EOB, with one look-up in the pair table (its first half).
func (e *entropy) acFirst(b *coefBlock, mask *uint64, h *huffTable, ss, se, al int) error {
	if e.eobRun > 0 {
		e.eobRun--
		return nil
	}
	if !h.defined {
		return FormatError("uninitialized Huffman table")
	}
	acc, nbits := e.acc, e.nbits
	for k := ss; k <= se; k++ {
		// A symbol and its extra bits: at most 31 bits.
		if nbits < 32 {
			e.acc, e.nbits = acc, nbits
			e.refill()
			acc, nbits = e.acc, e.nbits
		}
		if p := h.pair[acc>>(64-lutBits)]; p != 0 {
			if run := int(p >> pairRun1 & 127); run == 64 {
				// EOB: a run of this band only.
				l := uint(p >> pairCL1 & 15)
				acc <<= l
				nbits -= int(l)
				break
			} else if k += run; k > se {
				// Past the band: the extra bits are not read.
				l := uint(p >> pairCL1 & 15)
				acc <<= l
				nbits -= int(l)
				break
			}
			t := uint(p >> pairT1 & 15)
			acc <<= t
			nbits -= int(t)
			if b != nil {
				e.put(b, k, sat16(int32(int64(p)>>pairV1)<<al))
			}
			*mask |= 1 << uint(k&63)
			continue
		}
		var sym byte
		if le := h.lut[acc>>(64-lutBits)]; le != 0 {
			l := uint(le >> 8)
			sym = byte(le)
			acc <<= l
			nbits -= int(l)
		} else {
			var l int
			sym, l = h.slow(acc)
			if l == 0 {
				e.acc, e.nbits = acc, nbits
				return FormatError("bad Huffman code")
			}
			acc <<= uint(l)
			nbits -= l
		}
		r, s := int(sym>>4), int(sym&15)
		if s != 0 {
			k += r
			if k > se {
				break
			}
			v := extend(int32(acc>>(64-uint(s))), s)
			acc <<= uint(s)
			nbits -= s
			if b != nil {
				e.put(b, k, sat16(v<<al))
			}
			*mask |= 1 << uint(k&63)
			continue
		}
		if r != 15 {
			e.eobRun = 1<<r - 1
			if r > 0 {
				e.eobRun += int(acc >> (64 - uint(r)))
				acc <<= uint(r)
				nbits -= r
			}
			break
		}
		k += 15
	}
	e.acc, e.nbits = acc, nbits
	return nil
}

// acRefine decodes a refinement pass of a band of AC coefficients
// (G.1.2.3): one correction bit for each coefficient already non-zero, and
// new coefficients of magnitude delta. mask has bit k set when zig-zag
// coefficient k is non-zero.
//
// The bit buffer is kept in locals, written back to e only around the calls
// of the rarer paths, and refineNonZero's work is done inline: the symbol
// and the correction bits after it form one chain of dependent shifts,
// which memory round trips through e would lengthen.
func (e *entropy) acRefine(b *coefBlock, mask *uint64, h *huffTable, ss, se int, delta int32) error {
	k := ss
	if e.eobRun == 0 {
		if !h.defined {
			return FormatError("uninitialized Huffman table")
		}
		acc, nbits := e.acc, e.nbits
		for ; k <= se; k++ {
			// The symbol, its sign bit or EOB run bits: at most 30 bits.
			if nbits < 32 {
				e.acc, e.nbits = acc, nbits
				e.refill()
				acc, nbits = e.acc, e.nbits
			}
			var sym byte
			if le := h.lut[acc>>(64-lutBits)]; le != 0 {
				l := uint(le >> 8)
				sym = byte(le)
				acc <<= l
				nbits -= int(l)
			} else {
				var l int
				sym, l = h.slow(acc)
				if l == 0 {
					e.acc, e.nbits = acc, nbits
					return FormatError("bad Huffman code")
				}
				acc <<= uint(l)
				nbits -= l
			}
			r, s := int(sym>>4), int(sym&15)
			z := int32(0)
			switch s {
			case 0:
				if r != 15 {
					e.eobRun = 1<<r + int(acc>>(64-uint(r))&(1<<r-1))
					e.acc, e.nbits = acc<<uint(r), nbits-r
					goto band
				}
			case 1:
				// delta with the sign bit: 1 positive, 0 negative.
				z = delta * (2*int32(acc>>63) - 1)
				acc <<= 1
				nbits--
			default:
				e.acc, e.nbits = acc, nbits
				return FormatError("unexpected Huffman code")
			}
			// refineNonZero(b, mask, k, se, r, delta): correction bits up
			// to the (r+1)th zero coefficient, which the new one (if any)
			// takes.
			// The zeros are counted a byte at a time: r is mostly small
			// and zeros are dense, so the loop mostly stops in its first
			// round, where clearing r bits one by one would take a
			// loop of r rounds whose end the processor cannot predict.
			stop := se + 1
			zs := (^*mask & bandMask(k, se)) >> uint(k&63)
			for base, nz := k, r; zs != 0; base, zs = base+8, zs>>8 {
				c := bits.OnesCount8(uint8(zs))
				if nz < c {
					stop = base + int(nthBit[uint8(zs)][nz&7])
					break
				}
				nz -= c
			}
			if m := *mask & bandMask(k, stop-1); m != 0 {
				if n := bits.OnesCount64(m); n <= nbits {
					// correctBits' common path.
					v := acc
					acc <<= uint(n)
					nbits -= n
					if b != nil {
						e.applyCorrections(b, m, v, delta)
					}
				} else {
					e.acc, e.nbits = acc, nbits
					e.correctBits(b, m, delta)
					acc, nbits = e.acc, e.nbits
				}
			}
			k = stop
			if k > se {
				e.acc, e.nbits = acc, nbits
				return FormatError("too many coefficients")
			}
			if z != 0 {
				if b != nil {
					e.put(b, k, int16(z))
				}
				*mask |= 1 << uint(k&63)
			}
		}
		e.acc, e.nbits = acc, nbits
	}
band:
	if e.eobRun > 0 {
		e.eobRun--
		e.refineNonZero(b, mask, k, se, -1, delta)
	}
	return nil
}

// nthBit[b][n] is the index of set bit number n (from 0, low bits first)
// of byte b, or 8 if b has no more than n bits set.
var nthBit = func() (t [256][8]uint8) {
	for b := range t {
		n := 0
		for i := range t[b] {
			t[b][i] = 8
		}
		for i := 0; i < 8; i++ {
			if b&(1<<i) != 0 {
				t[b][n] = uint8(i)
				n++
			}
		}
	}
	return t
}()

// bandMask has bits lo to hi (inclusive) set, for 0 <= lo <= 64 and
// -1 <= hi <= 63.
func bandMask(lo, hi int) uint64 {
	return (uint64(1)<<uint(hi+1) - 1) &^ (uint64(1)<<uint(lo) - 1)
}

// refineNonZero reads correction bits for the non-zero coefficients from
// zig-zag index k on, stopping at the (nz+1)th zero coefficient (never, if
// nz < 0). It returns the index where it stopped (se+1 if it did not).
func (e *entropy) refineNonZero(b *coefBlock, mask *uint64, k, se, nz int, delta int32) int {
	stop := se + 1
	if nz >= 0 {
		zeros := ^*mask & bandMask(k, se)
		for ; nz > 0 && zeros != 0; nz-- {
			zeros &= zeros - 1
		}
		if zeros != 0 {
			stop = bits.TrailingZeros64(zeros)
		}
	}
	if m := *mask & bandMask(k, stop-1); m != 0 {
		e.correctBits(b, m, delta)
	}
	return stop
}

// correctBits reads one correction bit for each coefficient of b whose bit
// is set in m, in zig-zag order; b nil only skips the bits.
func (e *entropy) correctBits(b *coefBlock, m uint64, delta int32) {
	n := bits.OnesCount64(m)
	if e.nbits < n {
		e.refill()
	}
	if e.nbits < n {
		// Near the end of the segment (or more bits than the buffer
		// holds): one bit at a time, so that overrun is detected.
		for ; m != 0; m &= m - 1 {
			if k := bits.TrailingZeros64(m); b != nil && e.need&(1<<uint(k)) != 0 {
				correct(b, e.slotOf(k), int32(e.acc>>63), delta)
			}
			e.acc <<= 1
			e.nbits--
			if e.nbits < 1 {
				e.refill()
			}
		}
		return
	}
	// Take the n correction bits at once, first coefficient first.
	v := e.acc
	e.acc <<= uint(n)
	e.nbits -= n
	if b != nil {
		e.applyCorrections(b, m, v, delta)
	}
}

// applyCorrections applies to the coefficients of b whose bits are set in
// m, in zig-zag order, the correction bits at the top of v, first
// coefficient first.
func (e *entropy) applyCorrections(b *coefBlock, m, v uint64, delta int32) {
	if need := m & e.need; need != m {
		// Some coefficients are not used by the reduced IDCT: correct
		// only the others, finding each one's bit by counting.
		for ; need != 0; need &= need - 1 {
			k := bits.TrailingZeros64(need)
			i := bits.OnesCount64(m & (uint64(1)<<uint(k) - 1))
			correct(b, e.slotOf(k), int32(v<<uint(i)>>63), delta)
		}
		return
	}
	if e.slot == nil {
		for ; m != 0; m &= m - 1 {
			correct(b, bits.TrailingZeros64(m), int32(v>>63), delta)
			v <<= 1
		}
		return
	}
	for ; m != 0; m &= m - 1 {
		correct(b, int(e.slot[bits.TrailingZeros64(m)&63]), int32(v>>63), delta)
		v <<= 1
	}
}

// correct adds bit*delta to the magnitude of the non-zero coefficient in
// slot s of b, saturating (so that it stays non-zero).
func correct(b *coefBlock, s int, bit, delta int32) {
	c := coef(b, s)
	sign := c >> 31 // 0 or -1
	c += bit * ((delta ^ sign) - sign)
	setCoef(b, s, int16(max(-32768, min(c, 32767))))
}

// reconstructProgressive dequantizes and inverse-transforms the blocks of
// every reconstructed component, each into the memory its coefficients
// took, and makes the planes. A reconstructed component that had no scan
// gets a zero plane.
func (d *decoder) reconstructProgressive() {
	for ci := 0; ci < d.nComp; ci++ {
		if !d.keep[ci] {
			continue
		}
		c := &d.comp[ci]
		stride, rows := d.mxx*c.h*d.bs, d.myy*c.v*d.bs
		if d.coefs[ci] == nil {
			d.planes[ci] = plane{bufpool.Get(stride * rows), stride}
			continue
		}
		d.reconstructInPlace(ci)
		// The whole allocation stays reachable through pix (its
		// capacity), so that whoever recycles the plane (imgproc's
		// bufpool) gets back the buffer this Get took, of its size.
		pix := d.coefs[ci][:stride*rows]
		d.planes[ci] = plane{pix, stride}
		d.coefs[ci] = nil
	}
}

// reconstructBlocksPerWorker is the least number of blocks per goroutine
// that reconstructs a progressive component (a variable for the tests).
var reconstructBlocksPerWorker = 1024

// reconstructInPlace reconstructs component ci into the start of its
// coefficient memory, a plane of d.mxx*c.h*bs samples per row padded to
// whole MCUs, rows of blocks being shared among GOMAXPROCS goroutines.
//
// A block row's samples take half the bytes of its coefficients (bs*bs
// bytes per block against 2*bs*bs), so the samples of block row r
// end before the coefficients of row r start when r >= 1: rows can be
// transformed in order, each as soon as the rows whose coefficients its
// samples overwrite are done. Row 0 is transformed from a copy. The samples
// of blocks that only pad the image to whole MCUs are zeroed.
func (d *decoder) reconstructInPlace(ci int) {
	c := &d.comp[ci]
	h0, v0 := d.comp[0].h, d.comp[0].v
	bh, bv := 8*h0/c.h, 8*v0/c.v // frame pixels per block
	rows := (d.height + bv - 1) / bv
	cols := (d.width + bh - 1) / bh
	bw := d.mxx * c.h // blocks per row of coefficients
	bs := d.bs
	buf := d.coefs[ci]
	stride := bw * bs
	coefRow := bw * d.blockBytes() // bytes per block row of coefficients
	pixRow := bs * stride          // and of samples
	if rows == 0 || cols == 0 {
		return // an empty frame: an empty plane
	}
	row0 := make([]byte, coefRow+len(coefBlock{})) // with room for a window
	copy(row0, buf[:coefRow])

	var (
		next atomic.Int64
		mu   sync.Mutex
		cond = sync.Cond{L: &mu}
		done = make([]bool, rows)
		low  int // rows [0, low) are done
	)
	work := func() {
		var blk [64]int32
		for {
			r := int(next.Add(1)) - 1
			if r >= rows {
				return
			}
			src := row0
			if r > 0 {
				src = buf[r*coefRow:]
				// The last row of coefficients the samples overwrite.
				last := ((r+1)*pixRow - 1) / coefRow
				mu.Lock()
				for low <= last {
					cond.Wait()
				}
				mu.Unlock()
			}
			d.reconstructRow(ci, r, cols, src, buf[r*pixRow:(r+1)*pixRow], stride, &blk)
			mu.Lock()
			done[r] = true
			for low < rows && done[low] {
				low++
			}
			cond.Broadcast()
			mu.Unlock()
		}
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, rows*cols/reconstructBlocksPerWorker))
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	clear(buf[rows*pixRow : d.myy*c.v*pixRow])
}

// reconstructRow transforms block row r of component ci, whose coefficients
// are src, into the samples dst (bs rows of stride bytes), zeroing those
// right of column cols. blk must be zero; it is left so.
func (d *decoder) reconstructRow(ci, r, cols int, src, dst []byte, stride int, blk *[64]int32) {
	c := &d.comp[ci]
	q := &d.quant[c.tq]
	bs, bb := d.bs, d.blockBytes()
	need, slot := needMask[bs]&^1, slotOf[bs]
	if slot == nil {
		slot = &identitySlots
	}
	masks := d.masks[ci][r*d.mxx*c.h:]
	for bx := 0; bx < cols; bx++ {
		b := (*coefBlock)(src[bx*bb:])
		ac := masks[bx] &^ 1
		m := ac & need
		blk[0] = coef(b, 0) * q[0]
		for mm := m; mm != 0; mm &= mm - 1 {
			k := bits.TrailingZeros64(mm) & 63
			blk[unzig[k]] = coef(b, int(slot[k])) * q[k]
		}
		// The last non-zero coefficient, stored or not, as the
		// sequential decoder counts it.
		last := 0
		if ac != 0 {
			last = 63 - bits.LeadingZeros64(ac)
		}
		d.idct(blk, last, dst[bx*bs:], stride)
		blk[0] = 0
		for mm := m; mm != 0; mm &= mm - 1 {
			blk[unzig[bits.TrailingZeros64(mm)&63]] = 0
		}
	}
	if pad := cols * bs; pad < stride {
		for y := 0; y < bs; y++ {
			clear(dst[y*stride+pad : (y+1)*stride])
		}
	}
}
