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

// emit appends the low size bits of v (size <= 32). It is small enough to
// be inlined; flush does the rest every 32 bits.
func (w *bitWriter) emit(v uint32, size uint) {
	w.acc = w.acc<<size | uint64(v)&(1<<size-1)
	w.n += size
	if w.n >= 32 {
		w.flush32()
	}
}

// flush32 moves the oldest 32 pending bits to buf.
func (w *bitWriter) flush32() {
	w.n -= 32
	x := uint32(w.acc >> w.n)
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

// encodeBlock Huffman-codes the quantized block c (zig-zag order) with DC
// predictor prev (F.1.2). Bit k of nz is set when c[k] is not zero.
func (w *bitWriter) encodeBlock(c *[64]int32, nz uint64, prev *int32, dc, ac *encTable) {
	diff := c[0] - *prev
	*prev = c[0]
	w.emitValue(dc, 0, diff)
	nz &^= 1
	k := 0
	for nz != 0 {
		next := bits.TrailingZeros64(nz)
		nz &= nz - 1
		run := uint32(next - k - 1)
		for run > 15 {
			e := ac[0xf0]
			w.emit(e>>8, uint(e&0xff))
			run -= 16
		}
		w.emitValue(ac, run<<4, c[next&63])
		k = next
	}
	if k < 63 {
		e := ac[0]
		w.emit(e>>8, uint(e&0xff))
	}
}

// emitValue writes the code of symbol (hi | size of v) and v's size extra
// bits: v itself if positive, v-1 if negative (F.1.2.1).
func (w *bitWriter) emitValue(t *encTable, hi uint32, v int32) {
	a, m := v, v
	if v < 0 {
		a, m = -v, v-1
	}
	size := uint(bits.Len32(uint32(a)))
	e := t[hi|uint32(size)]
	l := uint(e & 0xff)
	w.emit(e>>8<<size|uint32(m)&(1<<size-1), l+size)
}
