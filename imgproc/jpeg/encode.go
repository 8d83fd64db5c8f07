package jpeg

import (
	"errors"
	"image"
	"image/draw"
	"io"
	"runtime"
	"sync"

	"procesa/imgproc/internal/bufpool"
)

// EncodeOptions configures Encode. The zero value is quality 75 on all CPUs.
type EncodeOptions struct {
	// Quality is 1 (smallest) to 100 (best); 0 means 75. The Annex K tables
	// are scaled as libjpeg scales them, so a quality means what it means
	// to libjpeg, Pillow and image/jpeg.
	Quality int
	// Workers is the number of goroutines encoding horizontal strips in
	// parallel; 0 means GOMAXPROCS. With more than one strip the stream
	// has a restart marker after every MCU row, so the strips are
	// independent.
	Workers int
}

// minParallelPixels is the image size below which one strip is used (a
// variable for the tests).
var minParallelPixels = 1 << 18

// Encode writes m to w as a baseline JPEG (JFIF). An *image.Gray is written
// as a one-component image; an *image.YCbCr with 4:4:4 sampling keeps it;
// everything else is written as YCbCr 4:2:0, with its colour converted from
// RGB (alpha is ignored: composite transparent images first). Fast paths
// cover *image.Gray, *image.YCbCr, *image.RGBA and *image.NRGBA.
func Encode(w io.Writer, m image.Image, o EncodeOptions) error {
	b := m.Bounds()
	if b.Dx() < 1 || b.Dy() < 1 || b.Dx() > 65535 || b.Dy() > 65535 {
		return errors.New("jpeg: image size out of range (1 to 65535 pixels per side)")
	}
	q := o.Quality
	if q == 0 {
		q = 75
	}
	e := &encoder{width: b.Dx(), height: b.Dy()}
	e.src = newBlockSource(m)
	e.nComp = e.src.components()
	e.hv = e.src.lumaFactor()
	e.quant[0] = scaleQuant(&stdQuant[0], q)
	e.quant[1] = scaleQuant(&stdQuant[1], q)
	e.recip[0] = quantRecip(&e.quant[0])
	e.recip[1] = quantRecip(&e.quant[1])
	e.mxx = (e.width + 8*e.hv - 1) / (8 * e.hv)
	e.myy = (e.height + 8*e.hv - 1) / (8 * e.hv)

	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	strips := min(workers, e.myy)
	if e.width*e.height < minParallelPixels {
		strips = 1
	}
	if strips > 1 {
		e.ri = e.mxx
	}
	e.strips = strips
	return e.write(w)
}

// encoder holds the settings of one Encode call.
type encoder struct {
	src           blockSource
	width, height int
	nComp         int // 1 or 3
	hv            int // luma sampling factor (1, or 2 for 4:2:0)
	mxx, myy      int // MCUs per row and column
	ri            int // restart interval (MCUs), 0 for none
	strips        int
	quant         [2][64]int32 // natural order
	recip         [2][64]float32
}

func (e *encoder) write(w io.Writer) error {
	hdr := e.header()
	bufs := make([][]byte, e.strips)
	rowsPer := (e.myy + e.strips - 1) / e.strips
	if e.strips == 1 {
		bufs[0] = e.encodeRows(0, e.myy) // a small image: no goroutine
	} else {
		var wg sync.WaitGroup
		for s := 0; s < e.strips; s++ {
			r0, r1 := s*rowsPer, min((s+1)*rowsPer, e.myy)
			if r0 >= r1 {
				continue
			}
			wg.Go(func() { bufs[s] = e.encodeRows(r0, r1) })
		}
		wg.Wait()
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	for i, b := range bufs {
		if _, err := w.Write(b); err != nil {
			return err
		}
		bufpool.Put(b)
		bufs[i] = nil
	}
	_, err := w.Write([]byte{0xff, markerEOI})
	return err
}

// header returns SOI, APP0 (JFIF), DQT, SOF0, DHT, DRI and SOS.
func (e *encoder) header() []byte {
	h := []byte{0xff, markerSOI,
		0xff, markerAPP0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	nq := 1
	if e.nComp == 3 {
		nq = 2
	}
	h = append(h, 0xff, markerDQT, 0, byte(2+65*nq))
	for t := 0; t < nq; t++ {
		h = append(h, byte(t))
		for k := 0; k < 64; k++ {
			h = append(h, byte(e.quant[t][unzig[k]]))
		}
	}
	h = append(h, 0xff, markerSOF0, 0, byte(8+3*e.nComp), 8,
		byte(e.height>>8), byte(e.height), byte(e.width>>8), byte(e.width), byte(e.nComp))
	h = append(h, 1, byte(e.hv<<4|e.hv), 0)
	if e.nComp == 3 {
		h = append(h, 2, 0x11, 1, 3, 0x11, 1)
	}
	for i := 0; i < 2*nq; i++ {
		s := &stdHuff[i]
		n := 0
		for _, c := range s.counts {
			n += int(c)
		}
		class := byte(i%2) << 4
		h = append(h, 0xff, markerDHT, byte((19+n)>>8), byte(19+n), class|byte(i/2))
		h = append(h, s.counts[:]...)
		h = append(h, s.vals...)
	}
	if e.ri > 0 {
		h = append(h, 0xff, markerDRI, 0, 4, byte(e.ri>>8), byte(e.ri))
	}
	h = append(h, 0xff, markerSOS, 0, byte(6+2*e.nComp), byte(e.nComp), 1, 0x00)
	if e.nComp == 3 {
		h = append(h, 2, 0x11, 3, 0x11)
	}
	return append(h, 0, 63, 0)
}

// encodeRows encodes MCU rows [r0, r1), with a restart marker after each row
// but the image's last when restarts are on.
func (e *encoder) encodeRows(r0, r1 int) []byte {
	// A quarter of a byte per luma sample holds most photos at the usual
	// qualities; append grows it for the others. (Reserving the worst
	// case costs memory when the allocator hands out reused pages, which
	// it must clear.)
	bw := newBitWriter(bufpool.Get((r1 - r0) * e.mxx * e.hv * e.hv * 16)[:0])
	var (
		blocks [6][64]float32
		coef   [64]int32 // natural order
		prev   [3]int32
	)
	nY := e.hv * e.hv
	gray, _ := e.src.(*graySource)
	for my := r0; my < r1; my++ {
		for mx := 0; mx < e.mxx; mx++ {
			if gray != nil && gray.inside(mx, my) {
				// The common case of a gray image: the kernel reads
				// the samples itself.
				m := gray.m
				mask := fdctQuantGray(m.Pix[my*8*m.Stride+mx*8:], m.Stride, &e.recip[0], &coef)
				bw.encodeBlock(&coef, mask, &prev[0], stdEncTables[0], stdEncTables[1])
				continue
			}
			e.src.load(&blocks, mx, my)
			for i := 0; i < nY+e.nComp-1; i++ {
				c, t := 0, 0
				if i >= nY {
					c, t = i-nY+1, 1
				}
				mask := fdctQuant(&blocks[i], &e.recip[t], &coef)
				bw.encodeBlock(&coef, mask, &prev[c], stdEncTables[2*t], stdEncTables[2*t+1])
			}
		}
		if e.ri > 0 && my < e.myy-1 {
			bw.pad()
			bw.buf = append(bw.buf, 0xff, byte(markerRST0+my%8))
			prev = [3]int32{}
		}
	}
	bw.pad()
	return bw.buf
}

// zigOf maps a natural index to its zig-zag index.
var zigOf = func() (z [64]int) {
	for k, n := range unzig {
		z[n] = k
	}
	return z
}()

// quantize divides the scaled DCT outputs by the quantizers, rounding to
// nearest, and stores them in c in natural order, within the baseline
// ranges. It returns a mask with bit k set when the coefficient of zig-zag
// index k is not zero.
func quantize(b *[64]float32, recip *[64]float32, c *[64]int32) uint64 {
	var mask uint64
	for n := 0; n < 64; n++ {
		// Adding 16384.5 makes truncation round to nearest for
		// |v| < 16384 (the values are far smaller). The product is
		// rounded on its own (no FMA), as in fdct1.
		q := int32(float32(b[n]*recip[n])+16384.5) - 16384
		q = max(-1023, min(q, 1023))
		c[n] = q
		mask |= uint64(uint32(q|-q)>>31) << uint(zigOf[n]&63) // branch-free q != 0
	}
	if float32(b[0]*recip[0]) < -1023.5 {
		c[0] = -1024 // then q was clamped to -1023 above
	}
	return mask
}

// blockSource extracts level-shifted 8x8 blocks of one MCU from an image.
type blockSource interface {
	components() int // 1 or 3
	lumaFactor() int // 1, or 2 for 4:2:0
	// load fills the MCU's blocks: the luma ones in raster order, then Cb
	// and Cr. Samples outside the image repeat the edge.
	load(blocks *[6][64]float32, mx, my int)
}

func newBlockSource(m image.Image) blockSource {
	switch m := m.(type) {
	case *image.Gray:
		return &graySource{m}
	case *image.YCbCr:
		return &ycbcrSource{m, m.SubsampleRatio == image.YCbCrSubsampleRatio444}
	case *image.RGBA:
		return &rgbSource{m.Pix, m.Stride, m.Rect}
	case *image.NRGBA:
		return &rgbSource{m.Pix, m.Stride, m.Rect}
	}
	b := m.Bounds()
	rgba := image.NewRGBA(b)
	draw.Draw(rgba, b, m, b.Min, draw.Src)
	return &rgbSource{rgba.Pix, rgba.Stride, b}
}

// edge clamps i to [0, n).
func edge(i, n int) int {
	if i >= n {
		return n - 1
	}
	return i
}

type graySource struct{ m *image.Gray }

func (s *graySource) components() int { return 1 }
func (s *graySource) lumaFactor() int { return 1 }

// inside reports whether block (mx, my) lies wholly inside the image.
func (s *graySource) inside(mx, my int) bool {
	return (mx+1)*8 <= s.m.Rect.Dx() && (my+1)*8 <= s.m.Rect.Dy()
}

func (s *graySource) load(blocks *[6][64]float32, mx, my int) {
	m := s.m
	w, h := m.Rect.Dx(), m.Rect.Dy()
	b := &blocks[0]
	x0, y0 := mx*8, my*8
	if x0+8 <= w && y0+8 <= h {
		for y := 0; y < 8; y++ {
			row := m.Pix[(y0+y)*m.Stride+x0:]
			row = row[:8:8]
			for x, v := range row {
				b[y*8+x] = float32(v) - 128
			}
		}
		return
	}
	for y := 0; y < 8; y++ {
		row := m.Pix[edge(y0+y, h)*m.Stride:]
		for x := 0; x < 8; x++ {
			b[y*8+x] = float32(row[edge(x0+x, w)]) - 128
		}
	}
}

// ycbcrSource reads the planes of a YCbCr image: directly for 4:4:4, and for
// 4:2:0 output from any other ratio by taking each 2x2 cell's chroma samples.
type ycbcrSource struct {
	m     *image.YCbCr
	is444 bool
}

func (s *ycbcrSource) components() int { return 3 }
func (s *ycbcrSource) lumaFactor() int {
	if s.is444 {
		return 1
	}
	return 2
}

func (s *ycbcrSource) load(blocks *[6][64]float32, mx, my int) {
	m := s.m
	r := m.Rect
	w, h := r.Dx(), r.Dy()
	f := s.lumaFactor()
	for by := 0; by < f; by++ {
		for bx := 0; bx < f; bx++ {
			b := &blocks[by*f+bx]
			x0, y0 := (mx*f+bx)*8, (my*f+by)*8
			for y := 0; y < 8; y++ {
				yo := m.YOffset(r.Min.X, r.Min.Y+edge(y0+y, h))
				for x := 0; x < 8; x++ {
					b[y*8+x] = float32(m.Y[yo+edge(x0+x, w)]) - 128
				}
			}
		}
	}
	cb, cr := &blocks[f*f], &blocks[f*f+1]
	x0, y0 := mx*8, my*8
	if s.is444 {
		for y := 0; y < 8; y++ {
			py := r.Min.Y + edge(y0+y, h)
			for x := 0; x < 8; x++ {
				o := m.COffset(r.Min.X+edge(x0+x, w), py)
				cb[y*8+x] = float32(m.Cb[o]) - 128
				cr[y*8+x] = float32(m.Cr[o]) - 128
			}
		}
		return
	}
	if m.SubsampleRatio == image.YCbCrSubsampleRatio420 {
		for y := 0; y < 8; y++ {
			py := r.Min.Y + edge(2*(y0+y), h)
			for x := 0; x < 8; x++ {
				o := m.COffset(r.Min.X+edge(2*(x0+x), w), py)
				cb[y*8+x] = float32(m.Cb[o]) - 128
				cr[y*8+x] = float32(m.Cr[o]) - 128
			}
		}
		return
	}
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			var sb, sr int
			for dy := 0; dy < 2; dy++ {
				py := r.Min.Y + edge(2*(y0+y)+dy, h)
				for dx := 0; dx < 2; dx++ {
					o := m.COffset(r.Min.X+edge(2*(x0+x)+dx, w), py)
					sb += int(m.Cb[o])
					sr += int(m.Cr[o])
				}
			}
			cb[y*8+x] = float32(sb)/4 - 128
			cr[y*8+x] = float32(sr)/4 - 128
		}
	}
}

// rgbSource converts 4-byte RGB(A) pixels to YCbCr 4:2:0 (JFIF equations),
// averaging the chroma of each 2x2 cell.
type rgbSource struct {
	pix    []byte
	stride int
	rect   image.Rectangle
}

func (s *rgbSource) components() int { return 3 }
func (s *rgbSource) lumaFactor() int { return 2 }

func (s *rgbSource) load(blocks *[6][64]float32, mx, my int) {
	w, h := s.rect.Dx(), s.rect.Dy()
	var cb, cr [16][16]float32
	x0, y0 := mx*16, my*16
	for y := 0; y < 16; y++ {
		row := s.pix[edge(y0+y, h)*s.stride:]
		yb := &blocks[(y/8)*2]
		for x := 0; x < 16; x++ {
			p := row[4*edge(x0+x, w):]
			r, g, b := float32(p[0]), float32(p[1]), float32(p[2])
			yv := 0.299*r + 0.587*g + 0.114*b - 128
			if x < 8 {
				yb[(y%8)*8+x] = yv
			} else {
				blocks[(y/8)*2+1][(y%8)*8+x-8] = yv
			}
			cb[y][x] = -0.168736*r - 0.331264*g + 0.5*b
			cr[y][x] = 0.5*r - 0.418688*g - 0.081312*b
		}
	}
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			blocks[4][y*8+x] = (cb[2*y][2*x] + cb[2*y][2*x+1] + cb[2*y+1][2*x] + cb[2*y+1][2*x+1]) / 4
			blocks[5][y*8+x] = (cr[2*y][2*x] + cr[2*y][2*x+1] + cr[2*y+1][2*x] + cr[2*y+1][2*x+1]) / 4
		}
	}
}
