package jpeg

import (
	"bytes"
	"encoding/binary"
	"sync"
)

// lutBits is the number of bits the Huffman look-up tables index on. Codes of
// at most lutBits bits (nearly all of them in real images) are decoded with one
// table read; longer ones take the canonical-code slow path (T.81 F.2.2.3).
const lutBits = 11

// huffTable is a Huffman decoding table (T.81 C and F.2.2.3).
type huffTable struct {
	defined bool
	// irregular marks a table whose code lengths over-subscribe the code
	// space (Kraft sum above one). T.81 forbids it; image/jpeg decodes such
	// tables in its own way, so streams using one are left to it.
	irregular bool
	// lut maps the next lutBits bits to (code length << 8 | symbol), or 0
	// when the code is longer than lutBits or does not exist.
	lut [1 << lutBits]uint16
	// dcfast maps the next lutBits bits of DC data to a whole DC difference
	// when the code and its extra bits both fit: value << 4 | total length.
	// 0 means "not here".
	dcfast [1 << lutBits]int16
	// pair maps the next lutBits bits of AC data to one or two whole
	// coefficients (see pairEntry), 0 when the first is not whole there.
	pair [1 << lutBits]uint64
	// maxcode[l] is the largest code of length l, or -1; valoff[l] is the
	// index in vals of the code 0 of length l (it may be negative).
	maxcode [17]int32
	valoff  [17]int32
	vals    [256]byte
}

// undefinedTable stands for a table no DHT segment has defined.
var undefinedTable huffTable

// tableCache keeps the tables built last, by content, so that a process
// decoding image after image (most of them with the standard tables of
// T.81 Annex K) builds each once: a small image would otherwise spend more
// time building its tables than decoding its pixels. Tables are never
// changed once built, so decoders share them.
var tableCache struct {
	mu   sync.Mutex
	keys [16][]byte // BITS then HUFFVAL
	tabs [16]*huffTable
	next int // the entry to replace next
}

// cachedTables is how many tables one decode may add to tableCache; the
// others it builds in tables of its own (decoder.table).
const cachedTables = 4

// cachedTable returns the table for the BITS counts and HUFFVAL symbols
// vals from the cache, or, when it is not there and add is set, builds it
// and adds it (then added is true). Otherwise it returns nil.
func cachedTable(counts *[16]byte, vals []byte, add bool) (t *huffTable, added bool) {
	var kb [16 + 256]byte
	key := append(append(kb[:0], counts[:]...), vals...)
	c := &tableCache
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, k := range c.keys {
		if bytes.Equal(k, key) {
			return c.tabs[i], false
		}
	}
	if !add {
		return nil, false
	}
	t = new(huffTable)
	t.build(counts, vals)
	c.keys[c.next] = bytes.Clone(key)
	c.tabs[c.next] = t
	c.next = (c.next + 1) % len(c.keys)
	return t, true
}

// build derives the decoding tables from the BITS counts (counts[i] codes of
// length i+1) and the HUFFVAL symbols.
func (h *huffTable) build(counts *[16]byte, vals []byte) {
	*h = huffTable{defined: true}
	copy(h.vals[:], vals)
	kraft := 0
	for i, c := range counts {
		kraft += int(c) << (15 - i)
	}
	if kraft > 1<<16 {
		h.irregular = true
		return
	}
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		n := int32(counts[l-1])
		h.valoff[l] = k - code
		if n == 0 {
			h.maxcode[l] = -1
		} else {
			h.maxcode[l] = code + n - 1
		}
		if l <= lutBits {
			for c := code; c < code+n; c++ {
				sym := h.vals[k+c-code]
				e := uint16(l)<<8 | uint16(sym)
				base := int(c) << (lutBits - l)
				for f := 0; f < 1<<(lutBits-l); f++ {
					h.lut[base+f] = e
				}
			}
		}
		k += n
		code = (code + n) << 1
	}
	// Whole coefficients: a code of length l followed by its extra bits,
	// when they fit in lutBits. As an AC code, the symbol is (run, size) and
	// there are size extra bits (none for an EOB); as a DC code, the symbol
	// is the number of extra bits. One table may serve as both.
	//
	// fast maps the next lutBits bits of AC data to a whole coefficient:
	// value << 16 | run << 8 | code length << 4 | total length, with run 64
	// for an end of block (EOB, symbol 0x00), or 0. Only pair is kept.
	var fast [1 << lutBits]int32
	for p := range h.lut {
		e := h.lut[p]
		if e == 0 {
			continue
		}
		l := int(e >> 8)
		sym := int(byte(e))
		if sym <= lutBits-l {
			v := int32(0)
			if sym > 0 {
				v = extend(int32(p>>(lutBits-l-sym))&(1<<sym-1), sym)
			}
			h.dcfast[p] = int16(v<<4 | int32(l+sym))
		}
		if sym == 0 {
			fast[p] = 64<<8 | int32(l)<<4 | int32(l)
			continue
		}
		run, size := sym>>4, sym&15
		if size == 0 || l+size > lutBits {
			continue
		}
		bits := int32(p>>(lutBits-l-size)) & (1<<size - 1)
		v := extend(bits, size)
		fast[p] = v<<16 | int32(run)<<8 | int32(l)<<4 | int32(l+size)
	}
	for p := range h.pair {
		h.pair[p] = pairEntry(&fast, p)
	}
}

// Fields of a pair entry: what the lutBits bits at p decode to when read
// as AC data, a first coefficient (or EOB) whole, and, when the bits left
// over hold it whole, a second one (or EOB).
const (
	pairN       = 0  // 4 bits: bits consumed by the common path (both, or the only one)
	pairCL1     = 4  // 4 bits: code length of the first
	pairT1      = 8  // 4 bits: code and extra bits of the first
	pairCL2     = 12 // 4 bits: code length of the second
	pairRun1    = 16 // 7 bits: run of the first, 64 for an EOB
	pairHas2    = 23 // 1 bit: the second is a coefficient
	pairAdv     = 24 // 7 bits: how far k moves (127 when an EOB is involved)
	pairEOB2    = 31 // 1 bit: the second is an EOB
	pairV2      = 32 // 16 bits: value of the second, 0 if none
	pairV1      = 48 // 16 bits: value of the first
	pairAdvMask = 127
)

// pairEntry builds pair[p] from fast (see build).
func pairEntry(fast *[1 << lutBits]int32, p int) uint64 {
	f1 := fast[p]
	if f1 == 0 {
		return 0
	}
	run1, cl1, t1 := uint64(f1>>8&127), uint64(f1>>4&15), uint64(f1&15)
	e := uint64(uint16(int16(f1>>16)))<<pairV1 | run1<<pairRun1 | t1<<pairT1 | cl1<<pairCL1
	if run1 == 64 {
		return e | 127<<pairAdv | cl1<<pairN
	}
	adv, n := run1+1, t1
	if t1 < lutBits {
		f2 := fast[p<<t1&(1<<lutBits-1)]
		run2, cl2, t2 := uint64(f2>>8&127), uint64(f2>>4&15), uint64(f2&15)
		switch {
		case f2 == 0 || t2 > lutBits-t1:
			// Not whole in the bits left.
		case run2 == 64:
			e |= 1<<pairEOB2 | cl2<<pairCL2
			adv, n = 127, t1+t2
		default:
			e |= uint64(uint16(int16(f2>>16)))<<pairV2 | 1<<pairHas2 | cl2<<pairCL2
			adv, n = adv+run2+1, t1+t2
		}
	}
	return e | adv<<pairAdv | n<<pairN
}

// extend is T.81's EXTEND (F.2.2.1): it turns the size-bit magnitude
// category value v into a signed coefficient.
func extend(v int32, size int) int32 {
	if v < 1<<(size-1) {
		v -= 1<<size - 1
	}
	return v
}

// slow decodes a code longer than lutBits from the top 16 bits of acc. It
// returns the symbol and the code length, or length 0 if no code matches.
func (h *huffTable) slow(acc uint64) (byte, int) {
	c := int32(acc >> 48)
	for l := 1; l <= 16; l++ {
		code := c >> (16 - l)
		if code <= h.maxcode[l] {
			return h.vals[uint8(h.valoff[l]+code)], l
		}
	}
	return 0, 0
}

// entropy is the state of an entropy decoder reading one scan: acc holds
// nbits unread bits, most significant first. When the entropy-coded segment
// ends (a marker or the end of the input), stopped is set, zero bits are
// shifted in, and nbits goes negative once the decoder has used bits that do
// not exist: such a scan is rejected, as image/jpeg rejects it.
type entropy struct {
	in      *source
	acc     uint64
	nbits   int
	stopped bool
	eobRun  int   // remaining blocks of an end-of-band run (G.1.2.2)
	loaded  int64 // bits loaded into acc since the last reset

	// need has bit k set when zig-zag coefficient k matters to the output:
	// progressive refinements of the others are parsed but not applied.
	need uint64
	// slot maps zig-zag indexes to the slots of stored coefficients
	// (progressive scans with Shrink >= 2; see coefBlock), nil when
	// every coefficient is stored.
	slot *[64]int8
}

// refill tops the bit buffer up to at least 57 bits, unless the segment ends.
func (e *entropy) refill() {
	if e.stopped {
		return
	}
	s := e.in
	for e.nbits <= 56 {
		if s.end-s.pos < 8 {
			s.ensure(8)
		}
		if s.end-s.pos >= 8 {
			w := binary.BigEndian.Uint64(s.buf[s.pos:])
			// No 0xFF byte among the 8: take as many whole bytes as fit.
			if x := ^w; (x-0x0101010101010101)&^x&0x8080808080808080 == 0 {
				k := uint(64-e.nbits) >> 3
				e.acc |= w >> (64 - 8*k) << (64 - uint(e.nbits) - 8*k)
				e.nbits += int(8 * k)
				e.loaded += int64(8 * k)
				s.pos += int(k)
				return
			}
		} else if s.pos == s.end {
			e.stopped = true
			return
		}
		b := s.buf[s.pos]
		if b == 0xff {
			if s.end-s.pos < 2 {
				// 0xFF is the last byte of the input.
				e.stopped = true
				return
			}
			if s.buf[s.pos+1] != 0 {
				// A marker ends the segment; leave it unread.
				e.stopped = true
				return
			}
			s.pos += 2
		} else {
			s.pos++
		}
		e.acc |= uint64(b) << (56 - uint(e.nbits))
		e.nbits += 8
		e.loaded += 8
	}
}

// resetBits discards the bit buffer, as at the start of a scan or after a
// restart marker.
func (e *entropy) resetBits() {
	e.acc, e.nbits, e.stopped, e.loaded = 0, 0, false, 0
}

// decodeSym decodes one Huffman symbol with h. It does not check for overrun.
func (e *entropy) decodeSym(h *huffTable) (byte, error) {
	if e.nbits < 16 {
		e.refill()
	}
	if le := h.lut[e.acc>>(64-lutBits)]; le != 0 {
		n := int(le >> 8)
		e.acc <<= n
		e.nbits -= n
		return byte(le), nil
	}
	sym, n := h.slow(e.acc)
	if n == 0 {
		return 0, FormatError("bad Huffman code")
	}
	e.acc <<= n
	e.nbits -= n
	return sym, nil
}

// receive reads n (<= 16) raw bits.
func (e *entropy) receive(n int) int32 {
	if e.nbits < 16 {
		e.refill()
	}
	v := int32(e.acc >> (64 - uint(n)) & (1<<n - 1))
	e.acc <<= uint(n)
	e.nbits -= n
	return v
}

// receiveExtend reads an n-bit magnitude category value and extends it.
func (e *entropy) receiveExtend(n int) int32 {
	if n == 0 {
		return 0
	}
	return extend(e.receive(n), n)
}

// readBit reads one raw bit.
func (e *entropy) readBit() bool {
	if e.nbits < 1 {
		e.refill()
	}
	b := e.acc>>63 != 0
	e.acc <<= 1
	e.nbits--
	return b
}
