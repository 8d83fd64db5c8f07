package jpeg

import (
	"encoding/binary"
	"math/bits"
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
// after every 0xFF (F.1.2.3).
type bitWriter struct {
	buf []byte
	acc uint64 // the low n bits are pending, most significant first
	n   uint
}

// emit appends the low size bits of v (size <= 32).
func (w *bitWriter) emit(v uint32, size uint) {
	w.acc = w.acc<<size | uint64(v)&(1<<size-1)
	w.n += size
	if w.n >= 32 {
		w.n -= 32
		w.put32(uint32(w.acc >> w.n))
	}
}

// put32 appends 32 bits to buf, stuffing a zero after every 0xFF byte.
func (w *bitWriter) put32(x uint32) {
	if y := ^x; (y-0x01010101)&^y&0x80808080 == 0 {
		w.buf = binary.BigEndian.AppendUint32(w.buf, x)
		return
	}
	for s := 24; s >= 0; s -= 8 {
		c := byte(x >> uint(s))
		w.buf = append(w.buf, c)
		if c == 0xff {
			w.buf = append(w.buf, 0)
		}
	}
}

// pad fills the last byte with 1 bits and flushes everything pending.
func (w *bitWriter) pad() {
	if r := w.n % 8; r != 0 {
		w.emit(1<<(8-r)-1, 8-r)
	}
	for w.n >= 8 {
		w.n -= 8
		c := byte(w.acc >> w.n)
		w.buf = append(w.buf, c)
		if c == 0xff {
			w.buf = append(w.buf, 0)
		}
	}
}

// encodeBlock Huffman-codes the quantized block c (natural order) with DC
// predictor prev (F.1.2). Bit k of nz is set when the coefficient of zig-zag
// index k, c[unzig[k]], is not zero. The bit accumulator stays in local
// variables; put32 takes every 32 bits.
func (w *bitWriter) encodeBlock(c *[64]int32, nz uint64, prev *int32, dc, ac *encTable) {
	acc, n := w.acc, w.n
	diff := c[0] - *prev
	*prev = c[0]
	code, l := valueCode(dc, 0, diff)
	acc = acc<<l | code
	if n += l; n >= 32 {
		n -= 32
		w.put32(uint32(acc >> n))
	}
	nz &^= 1
	k := 0
	for nz != 0 {
		next := bits.TrailingZeros64(nz)
		nz &= nz - 1
		run := uint32(next - k - 1)
		for run > 15 {
			e := ac[0xf0]
			acc = acc<<(e&0xff) | uint64(e>>8)
			if n += uint(e & 0xff); n >= 32 {
				n -= 32
				w.put32(uint32(acc >> n))
			}
			run -= 16
		}
		code, l := valueCode(ac, run<<4, c[unzig[next&63]&63])
		acc = acc<<l | code
		if n += l; n >= 32 {
			n -= 32
			w.put32(uint32(acc >> n))
		}
		k = next
	}
	if k < 63 {
		e := ac[0]
		acc = acc<<(e&0xff) | uint64(e>>8)
		if n += uint(e & 0xff); n >= 32 {
			n -= 32
			w.put32(uint32(acc >> n))
		}
	}
	w.acc, w.n = acc, n
}

// valueCode returns the code of symbol (hi | size of v) followed by v's size
// extra bits (v itself if positive, v-1 if negative; F.1.2.1), and its
// length.
func valueCode(t *encTable, hi uint32, v int32) (uint64, uint) {
	s := v >> 31 // 0 or -1
	a, m := (v^s)-s, v+s
	size := uint(bits.Len32(uint32(a)))
	e := t[(hi|uint32(size))&255]
	return uint64(e>>8)<<size | uint64(uint32(m)&(1<<size-1)), uint(e&0xff) + size
}
