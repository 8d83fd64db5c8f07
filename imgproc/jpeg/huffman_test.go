package jpeg

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// randomTable returns the BITS counts and HUFFVAL symbols of a random
// Huffman table over the symbols syms (shuffled), with a Kraft sum of at
// most one. Code lengths are drawn short-biased, as in real tables.
func randomTable(r *rand.Rand, syms []byte) (counts [16]byte, vals []byte) {
	r.Shuffle(len(syms), func(i, j int) { syms[i], syms[j] = syms[j], syms[i] })
	space := 1 << 16 // Kraft sum in units of 2^-16
	for _, s := range syms {
		l := 2 + r.IntN(6) + r.IntN(3)*r.IntN(5)
		for l <= 16 && 1<<(16-l) > space {
			l++
		}
		if l > 16 {
			break
		}
		// Lengths must not leave a shorter code after a longer one with
		// canonical codes; any multiset of lengths with Kraft <= 1 works.
		counts[l-1]++
		space -= 1 << (16 - l)
		vals = append(vals, s)
	}
	// HUFFVAL lists symbols by code length.
	sorted := make([]byte, 0, len(vals))
	byLen := make([][]byte, 17)
	i := 0
	for l := 1; l <= 16; l++ {
		for n := 0; n < int(counts[l-1]); n++ {
			byLen[l] = append(byLen[l], vals[i])
			i++
		}
	}
	for l := 1; l <= 16; l++ {
		sorted = append(sorted, byLen[l]...)
	}
	return counts, sorted
}

// canonical returns each symbol's code and length (T.81 C.2).
func canonical(counts *[16]byte, vals []byte) (code map[byte]uint32, size map[byte]int) {
	code, size = map[byte]uint32{}, map[byte]int{}
	c, k := uint32(0), 0
	for l := 1; l <= 16; l++ {
		for n := 0; n < int(counts[l-1]); n++ {
			code[vals[k]], size[vals[k]] = c, l
			c++
			k++
		}
		c <<= 1
	}
	return code, size
}

// stuffedBits writes an entropy-coded segment with byte stuffing.
type stuffedBits struct {
	out  []byte
	acc  uint64
	bits int
}

func (w *stuffedBits) put(v uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		w.acc = w.acc<<1 | uint64(v>>i&1)
		w.bits++
		if w.bits == 8 {
			b := byte(w.acc)
			w.out = append(w.out, b)
			if b == 0xff {
				w.out = append(w.out, 0)
			}
			w.acc, w.bits = 0, 0
		}
	}
}

// refBlock decodes one block one symbol at a time with decodeSym and
// receive, as T.81 F.2.2 reads it: the reference for decodeBlock.
func refBlock(e *entropy, blk *[64]int32, dc, ac *huffTable, q *[64]int32, pred *int32) (int, error) {
	s, err := e.decodeSym(dc)
	if err != nil {
		return 0, err
	}
	if s > 16 {
		return 0, FormatError("excessive DC component")
	}
	*pred += e.receiveExtend(int(s))
	blk[0] = *pred * q[0]
	if e.eobRun > 0 {
		e.eobRun--
		return 0, nil
	}
	last := 0
	for k := 1; k < 64; {
		sym, err := e.decodeSym(ac)
		if err != nil {
			return 0, err
		}
		r, s := int(sym>>4), int(sym&15)
		if s == 0 {
			if r == 15 {
				k += 16
				continue
			}
			if r > 0 {
				e.eobRun = (1<<r | int(e.receive(r))) - 1
			}
			break
		}
		k += r
		if k > 63 {
			break
		}
		blk[unzig[k]] = e.receiveExtend(s) * q[k]
		last = k
		k++
	}
	return last, nil
}

// TestDecodeBlockMatchesReference decodes random streams, written with
// random Huffman tables, with decodeBlock (whose fast paths read one or two
// coefficients per look-up) and with refBlock, and compares every block,
// the bits consumed and the errors.
func TestDecodeBlockMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 300; iter++ {
		var dcSyms, acSyms []byte
		for s := 0; s <= 11; s++ {
			dcSyms = append(dcSyms, byte(s))
		}
		acSyms = append(acSyms, 0x00, 0xf0)
		for run := 0; run < 16; run++ {
			for size := 1; size <= 10; size++ {
				if r.IntN(3) > 0 || run < 2 {
					acSyms = append(acSyms, byte(run<<4|size))
				}
			}
			if run > 0 && run < 15 && r.IntN(4) == 0 {
				acSyms = append(acSyms, byte(run<<4)) // EOBn
			}
		}
		dcCounts, dcVals := randomTable(r, dcSyms)
		acCounts, acVals := randomTable(r, acSyms)
		var dc, ac huffTable
		dc.build(&dcCounts, dcVals)
		ac.build(&acCounts, acVals)
		dcCode, dcSize := canonical(&dcCounts, dcVals)
		acCode, acSize := canonical(&acCounts, acVals)

		// Blocks as an encoder would write them, EOB runs included.
		var w stuffedBits
		const blocks = 200
		eobRun := 0
		for b := 0; b < blocks; b++ {
			s := dcVals[r.IntN(len(dcVals))]
			w.put(dcCode[s], dcSize[s])
			w.put(r.Uint32(), int(s))
			if eobRun > 0 {
				eobRun--
				continue
			}
			// Sparse or dense blocks.
			stop := r.IntN(64)
			for k := 1; k < 64; {
				sym := acVals[r.IntN(len(acVals))]
				if k > stop && acSize[0] > 0 && r.IntN(2) == 0 {
					sym = 0
				}
				w.put(acCode[sym], acSize[sym])
				run, size := int(sym>>4), int(sym&15)
				if size == 0 {
					if run == 15 {
						k += 16
						continue
					}
					if run > 0 {
						bits := r.Uint32() & (1<<run - 1)
						w.put(bits, run)
						eobRun = (1<<run | int(bits)) - 1
					}
					break
				}
				k += run
				if k > 63 {
					break
				}
				w.put(r.Uint32(), size)
				k++
			}
		}
		w.put(0xffff, 7)
		stream := append(w.out, 0xff, 0xd9)
		if iter%3 == 0 {
			stream = stream[:r.IntN(len(stream))] // truncated
		}

		var q [64]int32
		for i := range q {
			q[i] = 1 + r.Int32N(50)
		}
		var src1, src2 source
		src1.init(bytes.NewReader(stream))
		src2.init(bytes.NewReader(stream))
		e1 := entropy{in: &src1}
		e2 := entropy{in: &src2}
		var pred1, pred2 int32
		for b := 0; b < blocks+2; b++ {
			var blk1, blk2 [64]int32
			last1, err1 := e1.decodeBlock(&blk1, &dc, &ac, &q, &pred1)
			last2, err2 := refBlock(&e2, &blk2, &dc, &ac, &q, &pred2)
			if (err1 == nil) != (err2 == nil) {
				t.Fatalf("iter %d block %d: decodeBlock error %v, reference %v", iter, b, err1, err2)
			}
			if err1 != nil {
				break
			}
			if blk1 != blk2 || last1 != last2 || pred1 != pred2 || e1.eobRun != e2.eobRun {
				t.Fatalf("iter %d block %d: decodeBlock gives last %d eobRun %d %v,\nreference last %d eobRun %d %v",
					iter, b, last1, e1.eobRun, blk1, last2, e2.eobRun, blk2)
			}
			used1, used2 := e1.loaded-int64(e1.nbits), e2.loaded-int64(e2.nbits)
			if used1 != used2 {
				t.Fatalf("iter %d block %d: decodeBlock used %d bits, reference %d", iter, b, used1, used2)
			}
			if e1.nbits > 0 && e2.nbits > 0 {
				n := uint(min(e1.nbits, e2.nbits, 64))
				if e1.acc>>(64-n) != e2.acc>>(64-n) {
					t.Fatalf("iter %d block %d: bit buffers differ", iter, b)
				}
			}
		}
	}
}
