package jpeg

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// encTable maps a symbol to its Huffman code: code << 8 | length.
type encTable [256]uint32

// newEncTable derives the codes of a table (T.81 C.2, canonical codes).
func newEncTable(s *huffSpec) *encTable {
	var t encTable
	code, k := uint32(0), 0
	for l := 1; l <= 16; l++ {
		for i := 0; i < int(s.counts[l-1]); i++ {
			t[s.vals[k]] = code<<8 | uint32(l)
			code++
			k++
		}
		code <<= 1
	}
	return &t
}

var stdEncTables = func() (t [4]*encTable) {
	for i := range stdHuff {
		t[i] = newEncTable(&stdHuff[i])
	}
	return t
}()

// bitWriter accumulates entropy-coded bits into buf, stuffing a zero byte
// after every 0xFF (F.1.2.3). It writes 64 bits at a time, so it tests
// whether the accumulator is full half as often as with 32.
type bitWriter struct {
	buf []byte
	// The low 64-free bits of acc are pending, most significant first;
	// the bits above them are written already (or zero), and shift out.
	acc  uint64
	free uint // 1 to 64
}

func newBitWriter(buf []byte) bitWriter { return bitWriter{buf: buf, free: 64} }

// put appends the l low bits of code (l < 64, no bits above them set) to
// the accumulator acc with free free bits, and returns the new acc and
// free; a full accumulator goes to buf. It takes acc and free as values so
// that they can stay in registers. (encodeBlock's loop over the AC
// coefficients has the same code written out, without a call.)
//
//go:noinline
func (w *bitWriter) put(acc uint64, free uint, code uint64, l uint) (uint64, uint) {
	if l < free {
		return acc<<l | code, free - l
	}
	r := l - free // the bits of code that do not fit
	x := acc<<free | code>>r
	// Append x's 8 bytes, stuffing a zero after every 0xFF.
	if y := ^x; (y-0x0101010101010101)&^y&0x8080808080808080 == 0 {
		w.buf = binary.BigEndian.AppendUint64(w.buf, x)
	} else {
		for s := 56; s >= 0; s -= 8 {
			c := byte(x >> uint(s))
			w.buf = append(w.buf, c)
			if c == 0xff {
				w.buf = append(w.buf, 0)
			}
		}
	}
	return code, 64 - r
}

// pad fills the last byte with 1 bits and flushes everything pending.
func (w *bitWriter) pad() {
	acc, free := w.acc, w.free
	if r := (64 - free) % 8; r != 0 {
		acc, free = w.put(acc, free, 1<<(8-r)-1, 8-r)
	}
	for p := 64 - free; p > 0; p -= 8 {
		c := byte(acc >> (p - 8))
		w.buf = append(w.buf, c)
		if c == 0xff {
			w.buf = append(w.buf, 0)
		}
	}
	w.acc, w.free = 0, 64
}

// maxBlockBytes bounds what encodeBlock appends: at most 64 symbols of at
// most 27 bits with their extra bits, and ZRL codes (fewer than 4, 11 bits
// each), stuffed to twice that in the worst case, plus one flush.
const maxBlockBytes = 2*(64*27+3*11)/8 + 16

// encodeBlock Huffman-codes the quantized block c (natural order) with DC
// predictor prev (F.1.2). Bit k of nz is set when the coefficient of zig-zag
// index k, c[unzig[k]], is not zero.
//
// The loop over the AC coefficients calls nothing (the room for the block
// is reserved first, and the flush is written out inline), so that the
// compiler keeps acc, free and pos in registers instead of saving them on
// the stack for a call on every iteration.
func (w *bitWriter) encodeBlock(c *[64]int32, nz uint64, prev *int32, dc, ac *encTable) {
	diff := c[0] - *prev
	*prev = c[0]
	code, l := valueCode(dc, 0, diff)
	acc, free := w.put(w.acc, w.free, code, l)
	if cap(w.buf)-len(w.buf) < maxBlockBytes {
		w.buf = slices.Grow(w.buf, maxBlockBytes)
	}
	n0 := len(w.buf)
	buf := w.buf[n0:cap(w.buf)]
	pos := 0
	nz &^= 1
	k := 0
	for nz != 0 {
		next := bits.TrailingZeros64(nz)
		nz &= nz - 1
		run := uint32(next - k - 1)
		k = next
		code, l := valueCode(ac, (run&15)<<4, c[unzig[next&63]&63])
		if run > 15 {
			// A ZRL code for every 16 zeros in front of the symbol.
			e := ac[0xf0]
			for ; run > 15; run -= 16 {
				code |= uint64(e>>8) << (l & 63)
				l += uint(e & 0xff)
			}
		}
		// The shift counts are below 64 (l <= 60); the masks tell the
		// compiler so.
		if l < free {
			acc, free = acc<<(l&63)|code, free-l
			continue
		}
		r := l - free // the bits of code that do not fit
		x := acc<<(free&63) | code>>(r&63)
		acc, free = code, 64-r
		if y := ^x; (y-0x0101010101010101)&^y&0x8080808080808080 == 0 {
			binary.BigEndian.PutUint64(buf[pos:], x)
			pos += 8
			continue
		}
		for s := 56; s >= 0; s -= 8 {
			b := byte(x >> uint(s))
			buf[pos] = b
			pos++
			if b == 0xff {
				buf[pos] = 0
				pos++
			}
		}
	}
	w.buf = w.buf[:n0+pos]
	if k < 63 {
		e := ac[0]
		acc, free = w.put(acc, free, uint64(e>>8), uint(e&0xff))
	}
	w.acc, w.free = acc, free
}

// valueCode returns the code of symbol (hi | size of v) followed by v's size
// extra bits (v itself if positive, v-1 if negative; F.1.2.1), and its
// length.
func valueCode(t *encTable, hi uint32, v int32) (uint64, uint) {
	s := v >> 31 // 0 or -1
	a, m := (v^s)-s, v+s
	size := uint(bits.Len32(uint32(a)))
	e := t[(hi|uint32(size))&255]
	return uint64(e>>8)<<(size&31) | uint64(uint32(m)&(1<<size-1)), uint(e&0xff) + size
}
