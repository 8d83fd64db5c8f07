package jpeg

import (
	"image"
	"io"
	"math/rand/v2"
	"testing"
)

// BenchmarkEncodeOneCore encodes the 20 MP benchmark pictures on one
// goroutine, which measures the encoder's own work without the strips'
// parallelism (and with less noise on a busy machine).
func BenchmarkEncodeOneCore(b *testing.B) {
	benchData(b)
	for _, c := range []struct {
		name string
		m    image.Image
	}{{"gray", bench.gray}, {"ycbcr420", bench.ycbcr}} {
		b.Run(c.name, func(b *testing.B) {
			run(b, benchW*benchH, func() error {
				return Encode(io.Discard, c.m, EncodeOptions{Quality: 75, Workers: 1})
			})
		})
	}
}

// BenchmarkFDCTQuant times the forward DCT with quantization of one block,
// from float32 samples and from gray bytes, with the vector kernel (vec)
// and with the Go code (go).
func BenchmarkFDCTQuant(b *testing.B) {
	rng := rand.New(rand.NewPCG(14, 3))
	blocks := fdctBlocks(rng)[:256]
	quant := scaleQuant(&stdQuant[0], 75)
	recip := quantRecip(&quant)
	src := make([]byte, 64*len(blocks))
	for i, bl := range blocks {
		copy(src[64*i:], bl[:])
	}
	var sink uint64
	for _, k := range []struct {
		name string
		f    func(*[64]float32, *[64]float32, *[64]int32) uint64
		g    func([]byte, int, *[64]float32, *[64]int32) uint64
	}{{"vec", fdctQuant, fdctQuantGray}, {"go", fdctQuantGo, fdctQuantGrayGo}} {
		b.Run("float/"+k.name, func(b *testing.B) {
			var fb [64]float32
			var c [64]int32
			for i := 0; b.Loop(); i++ {
				for j, v := range blocks[i%len(blocks)] {
					fb[j] = float32(v) - 128
				}
				sink += k.f(&fb, &recip, &c)
			}
		})
		b.Run("gray/"+k.name, func(b *testing.B) {
			var c [64]int32
			for i := 0; b.Loop(); i++ {
				sink += k.g(src[64*(i%len(blocks)):], 8, &recip, &c)
			}
		})
	}
	_ = sink
}

// BenchmarkHuffEncode times the Huffman coding alone (encodeBlock) of 4096
// quantized blocks at quality 75, in ns per block: "photo" from the
// benchmark's gray picture, "smooth" from a part of it enlarged 1.5 times
// (bilinear), which has fewer coefficients per block, as the server's
// enlargements have.
func BenchmarkHuffEncode(b *testing.B) {
	benchData(b)
	g := bench.gray
	quant := scaleQuant(&stdQuant[0], 75)
	recip := quantRecip(&quant)
	type qblock struct {
		c  [64]int32
		nz uint64
	}
	photo := make([]qblock, 0, 4096)
	for my := 0; len(photo) < 4096; my += 7 {
		for mx := 0; mx < 64; mx++ {
			var q qblock
			q.nz = fdctQuantGrayGo(g.Pix[my*8*g.Stride+mx*8*5:], g.Stride, &recip, &q.c)
			photo = append(photo, q)
		}
	}
	const side = 512
	big := make([]byte, side*side)
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			fx, fy := float64(x)/1.5, float64(y)/1.5
			x0, y0 := int(fx), int(fy)
			ax, ay := fx-float64(x0), fy-float64(y0)
			p := func(dx, dy int) float64 { return float64(g.Pix[(1000+y0+dy)*g.Stride+1000+x0+dx]) }
			v := (p(0, 0)*(1-ax)+p(1, 0)*ax)*(1-ay) + (p(0, 1)*(1-ax)+p(1, 1)*ax)*ay
			big[y*side+x] = byte(v + 0.5)
		}
	}
	smooth := make([]qblock, 0, 4096)
	for my := 0; my < side/8; my++ {
		for mx := 0; mx < side/8; mx++ {
			var q qblock
			q.nz = fdctQuantGrayGo(big[my*8*side+mx*8:], side, &recip, &q.c)
			smooth = append(smooth, q)
		}
	}
	for _, c := range []struct {
		name   string
		blocks []qblock
	}{{"photo", photo}, {"smooth", smooth}} {
		b.Run(c.name, func(b *testing.B) {
			w := newBitWriter(make([]byte, 0, 1<<20))
			for b.Loop() {
				w.buf = w.buf[:0]
				var prev int32
				for i := range c.blocks {
					w.encodeBlock(&c.blocks[i].c, c.blocks[i].nz, &prev, stdEncTables[0], stdEncTables[1])
				}
				w.pad()
			}
			n := float64(len(c.blocks))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/block")
			b.ReportMetric(float64(len(w.buf))/n, "bytes/block")
		})
	}
}
