package jpeg

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// checkIDCT8 runs idct8Vec and idct8, and idct4Vec and idct4, on copies
// of blk and fails on the first differing byte.
func checkIDCT8(t *testing.T, blk *[64]int32) {
	t.Helper()
	checkIDCT(t, blk, 8, idct8Vec, idct8)
	checkIDCT(t, blk, 4, idct4Vec, idct4)
}

func checkIDCT(t *testing.T, blk *[64]int32, n int, vec, ref func(*[64]int32, []byte, int)) {
	t.Helper()
	const stride = 11 // not n: rows must land stride bytes apart
	got := bytes.Repeat([]byte{0x5a}, (n-1)*stride+n)
	want := bytes.Repeat([]byte{0x5a}, (n-1)*stride+n)
	b1, b2 := *blk, *blk
	vec(&b1, got, stride)
	ref(&b2, want, stride)
	if !bytes.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%dx%d, coefficients %v: byte %d (row %d, column %d) is %d, Go gives %d", n, n, *blk, i, i/stride, i%stride, got[i], want[i])
			}
		}
	}
}

// TestIDCT8Kernel compares the vector inverse DCTs with idct8 and idct4,
// bit for bit:
// blocks like a decoder's (few small coefficients), blocks with whole zero
// columns or rows (the shortcut), and any int32 (wrapping arithmetic).
func TestIDCT8Kernel(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for iter := range 3000 {
		var blk [64]int32
		switch iter % 5 {
		case 0: // decoder-like: a DC and a few low frequencies
			blk[0] = int32(r.IntN(4096)) - 2048
			for range r.IntN(12) {
				blk[unzig[1+r.IntN(20)]] = int32(r.IntN(512)) - 256
			}
		case 1: // zero AC in some columns and rows
			for i := range blk {
				if i%8 < 3 || i/8 < 2 {
					blk[i] = int32(r.IntN(2000)) - 1000
				}
			}
		case 2: // large values, past the 16-bit range
			for i := range blk {
				blk[i] = int32(r.IntN(1<<20)) - 1<<19
			}
		case 3: // any int32, DC alone or with everything
			blk[0] = int32(r.Uint32())
			if r.IntN(2) == 0 {
				for i := 1; i < 64; i++ {
					blk[i] = int32(r.Uint32())
				}
			}
		default: // dense, moderate
			for i := range blk {
				blk[i] = int32(r.IntN(600)) - 300
			}
		}
		checkIDCT8(t, &blk)
	}
}

// FuzzIDCT8 is the differential fuzz target of the inverse DCTs (8x8 and
// 4x4): 64 int32s
// from the input, the missing ones zero; with a flag byte the values are
// kept to 12 bits, as in real streams.
func FuzzIDCT8(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add(bytes.Repeat([]byte{0xff, 0x7f, 0, 0x80}, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		var blk [64]int32
		small := len(data) > 0 && data[0]&1 == 1
		for i := 0; i < 64 && 1+4*i+4 <= len(data); i++ {
			v := int32(binary.LittleEndian.Uint32(data[1+4*i:]))
			if small {
				v = v << 20 >> 20
			}
			blk[i] = v
		}
		checkIDCT8(t, &blk)
	})
}

// BenchmarkIDCT8 times the inverse DCT used by the decoder (the vector one
// where there is one; -tags purego for the Go one) on decoder-like blocks.
func BenchmarkIDCT8(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	blks := make([][64]int32, 256)
	for i := range blks {
		blks[i][0] = int32(r.IntN(4096)) - 2048
		for range 10 {
			blks[i][unzig[1+r.IntN(30)]] = int32(r.IntN(512)) - 256
		}
	}
	dst := make([]byte, 8*64)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		blk := blks[i%len(blks)]
		idct8Vec(&blk, dst, 64)
	}
}
