package imgproc

import (
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"

	lumarow "procesa/imgproc/internal/luma"
)

// A PNG is one zlib stream: it cannot be inflated in parallel, and
// image/png returns nothing before the last row, as a full-size RGBA image
// for RGB files (4 bytes a pixel). For the common PNGs (8- or 16-bit,
// not interlaced) the streaming decoder here writes each row straight
// into the working plane (luma, luma+alpha or RGBA), while the resampler,
// on another core, consumes the rows already written. Other PNGs go
// through image/png.

// progress tells how many rows of a plane a producer has written. The
// zero value is not usable; see newProgress.
type progress struct {
	mu   sync.Mutex
	cond sync.Cond
	rows int   // rows written; guarded by mu
	err  error // set when the producer failed; guarded by mu
	done bool  // guarded by mu
}

func newProgress() *progress {
	p := &progress{}
	p.cond.L = &p.mu
	return p
}

// advance records that rows [0, n) are written.
func (p *progress) advance(n int) {
	p.mu.Lock()
	p.rows = n
	p.mu.Unlock()
	p.cond.Broadcast()
}

// finish records the end of production, with err when it failed.
func (p *progress) finish(err error) {
	p.mu.Lock()
	p.err, p.done = err, true
	p.mu.Unlock()
	p.cond.Broadcast()
}

// wait blocks until row y is written or production ended; it reports
// whether row y can be read.
func (p *progress) wait(y int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.rows <= y && !p.done {
		p.cond.Wait()
	}
	return p.rows > y
}

// result waits for the end of production and returns its error.
func (p *progress) result() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for !p.done {
		p.cond.Wait()
	}
	return p.err
}

// pngHeader is what streamPNG needs from the chunks before the image data.
type pngHeader struct {
	w, h       int
	depth      int // 8 or 16
	colorType  int // 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA
	palette    [256][4]uint8
	hasAlpha   bool
	idat       int // offset of the first IDAT chunk
	bytesPerPx int // for the filters
	rowBytes   int
}

// errNotStreamable says that a PNG must go through image/png.
var errNotStreamable = errors.New("png: not streamable")

// parsePNGHeader reads the chunks up to the first IDAT. It returns
// errNotStreamable for the layouts streamPNG leaves to image/png
// (interlaced, bit depths below 8, a tRNS key colour on gray or RGB).
func parsePNGHeader(src []byte) (*pngHeader, error) {
	if len(src) < 8+25 || string(src[:8]) != "\x89PNG\r\n\x1a\n" {
		return nil, errNotStreamable
	}
	ph := &pngHeader{}
	for i := range ph.palette {
		// Indices past the PLTE are opaque black, as image/png has them.
		ph.palette[i] = [4]uint8{0, 0, 0, 255}
	}
	p := 8
	sawIHDR, paletteLen := false, 0
	for {
		if p+12 > len(src) {
			return nil, errNotStreamable
		}
		n := int(binary.BigEndian.Uint32(src[p:]))
		if n > len(src)-p-12 {
			return nil, errNotStreamable
		}
		typ := string(src[p+4 : p+8])
		data := src[p+8 : p+8+n]
		if binary.BigEndian.Uint32(src[p+8+n:]) != crc32.ChecksumIEEE(src[p+4:p+8+n]) {
			return nil, errNotStreamable // image/png reports it
		}
		switch {
		case !sawIHDR && typ != "IHDR":
			return nil, errNotStreamable
		case typ == "IHDR":
			if n != 13 || sawIHDR {
				return nil, errNotStreamable
			}
			sawIHDR = true
			ph.w, ph.h = int(binary.BigEndian.Uint32(data)), int(binary.BigEndian.Uint32(data[4:]))
			ph.depth, ph.colorType = int(data[8]), int(data[9])
			if data[10] != 0 || data[11] != 0 || data[12] != 0 { // compression, filter, interlace
				return nil, errNotStreamable
			}
			channels := map[int]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ph.colorType]
			if channels == 0 || (ph.depth != 8 && ph.depth != 16) || (ph.colorType == 3 && ph.depth != 8) {
				return nil, errNotStreamable
			}
			if ph.w <= 0 || ph.h <= 0 || ph.w > maxSide || ph.h > maxSide {
				return nil, errNotStreamable
			}
			ph.bytesPerPx = channels * ph.depth / 8
			ph.rowBytes = ph.w * ph.bytesPerPx
			ph.hasAlpha = ph.colorType == 4 || ph.colorType == 6
		case typ == "PLTE":
			if n%3 != 0 || n/3 > 256 {
				return nil, errNotStreamable
			}
			paletteLen = n / 3
			for i := range paletteLen {
				ph.palette[i] = [4]uint8{data[3*i], data[3*i+1], data[3*i+2], 255}
			}
		case typ == "tRNS":
			if ph.colorType != 3 || n > paletteLen {
				return nil, errNotStreamable
			}
			for i, a := range data {
				ph.palette[i][3] = a
				if a != 255 {
					ph.hasAlpha = true
				}
			}
		case typ == "IDAT":
			if ph.colorType == 3 && paletteLen == 0 {
				return nil, errNotStreamable
			}
			ph.idat = p
			return ph, nil
		case typ == "IEND":
			return nil, errNotStreamable
		case typ[0]&0x20 == 0: // an unknown critical chunk
			return nil, errNotStreamable
		}
		p += 12 + n
	}
}

// idatReader serves the data of consecutive IDAT chunks, whose CRCs it
// checks, as one stream.
type idatReader struct {
	src  []byte
	next int    // offset of the next chunk
	cur  []byte // unread data of the current chunk
}

func (r *idatReader) Read(b []byte) (int, error) {
	for len(r.cur) == 0 {
		p := r.next
		if p+12 > len(r.src) || string(r.src[p+4:p+8]) != "IDAT" {
			return 0, io.EOF
		}
		n := int(binary.BigEndian.Uint32(r.src[p:]))
		if n > len(r.src)-p-12 {
			return 0, io.ErrUnexpectedEOF
		}
		if binary.BigEndian.Uint32(r.src[p+8+n:]) != crc32.ChecksumIEEE(r.src[p+4:p+8+n]) {
			return 0, errors.New("png: bad IDAT checksum")
		}
		r.cur, r.next = r.src[p+8:p+8+n], p+12+n
	}
	n := copy(b, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// streamPNG decodes the image data of ph into dst (of ph's size, with n
// channels as in plane; flatten composites alpha over white for n == 1),
// reporting rows to prog as they are written. It runs in its own
// goroutine and always ends with prog.finish.
//
// Inflating and unfiltering are each about half of the work, and neither
// can be split across rows, so they run in two goroutines: inflateRows
// fills batches of filtered rows, and this one unfilters and converts
// them, while the resampler, on a third, consumes the plane.
func streamPNG(src []byte, ph *pngHeader, dst plane, flatten bool, prog *progress) {
	var err error
	quit := make(chan struct{})
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("png: %v", r)
		}
		close(quit) // stops inflateRows if it is still running
		prog.finish(err)
	}()
	const batchRows = 16
	stride := 1 + ph.rowBytes
	free := make(chan []byte, pngBatches)
	for range pngBatches {
		free <- make([]byte, batchRows*stride)
	}
	full := make(chan pngBatch, pngBatches)
	go inflateRows(src, ph, batchRows, free, full, quit)
	last := make([]byte, ph.rowBytes) // the last row of a batch, unfiltered
	prev := last                      // the row above
	conv := pngRowConverter(ph, dst.n, flatten)
	y := 0
	for b := range full {
		if b.err != nil {
			err = b.err
			return
		}
		for r := 0; r < len(b.buf); r += stride {
			cur := b.buf[r : r+stride]
			if err = unfilter(cur[0], cur[1:], prev, ph.bytesPerPx); err != nil {
				return
			}
			conv(dst.row(y), cur[1:])
			prev = cur[1:]
			y++
		}
		prev = append(last[:0], prev...) // b.buf goes back to inflateRows
		free <- b.buf[:cap(b.buf)]
		prog.advance(y)
	}
}

// pngBatches is how many batches of rows inflateRows may be ahead.
const pngBatches = 4

// pngBatch is a batch of filtered rows, each with its filter byte, or the
// error that ended the image data.
type pngBatch struct {
	buf []byte
	err error
}

// inflateRows inflates the image data of ph into batches of batchRows
// rows taken from free, sends them on full and closes it after the last
// one, or sends the error that stopped it. It stops when quit is closed.
func inflateRows(src []byte, ph *pngHeader, batchRows int, free chan []byte, full chan<- pngBatch, quit <-chan struct{}) {
	var err error
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("png: %v", r)
		}
		if err != nil {
			select {
			case full <- pngBatch{err: err}:
			case <-quit:
			}
		}
		close(full)
	}()
	ir := &idatReader{src: src, next: ph.idat}
	zr, err := zlib.NewReader(ir)
	if err != nil {
		return
	}
	stride := 1 + ph.rowBytes
	for y0 := 0; y0 < ph.h; y0 += batchRows {
		var buf []byte
		select {
		case buf = <-free:
		case <-quit:
			return
		}
		buf = buf[:min(batchRows, ph.h-y0)*stride]
		if _, err = io.ReadFull(zr, buf); err != nil {
			return
		}
		select {
		case full <- pngBatch{buf: buf}:
		case <-quit:
			return
		}
	}
	// The zlib checksum is verified at the end of the stream; then, as
	// image/png does, require the chunks that follow to end with IEND.
	var one [1]byte
	if _, e := zr.Read(one[:]); e != io.EOF || len(ir.cur) != 0 {
		err = errors.New("png: image data too long or corrupt")
		return
	}
	err = checkPNGTail(src, ir.next)
}

// checkPNGTail checks that the chunks from offset p are whole, have valid
// CRCs and end with IEND.
func checkPNGTail(src []byte, p int) error {
	for p+12 <= len(src) {
		n := int(binary.BigEndian.Uint32(src[p:]))
		if n > len(src)-p-12 {
			break
		}
		if binary.BigEndian.Uint32(src[p+8+n:]) != crc32.ChecksumIEEE(src[p+4:p+8+n]) {
			return errors.New("png: bad checksum")
		}
		switch typ := string(src[p+4 : p+8]); {
		case typ == "IEND":
			return nil
		case typ == "IDAT":
			return errors.New("png: image data too long")
		}
		p += 12 + n
	}
	return io.ErrUnexpectedEOF
}

// unfilter undoes the PNG filter ft of row cur given the previous row.
func unfilter(ft byte, cur, prev []byte, bpp int) error {
	switch ft {
	case 0:
	case 1: // Sub
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2: // Up
		prev = prev[:len(cur)]
		for i := range cur {
			cur[i] += prev[i]
		}
	case 3: // Average
		prev = prev[:len(cur)]
		for i := range bpp {
			cur[i] += prev[i] / 2
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += uint8((int(cur[i-bpp]) + int(prev[i])) / 2)
		}
	case 4: // Paeth
		prev = prev[:len(cur)]
		for i := range bpp {
			cur[i] += prev[i] // paeth(0, up, 0) = up
		}
		switch bpp {
		case 3:
			paeth3(cur, prev)
		case 4:
			paeth4(cur, prev)
		default:
			for i := bpp; i < len(cur); i++ {
				cur[i] += paeth(cur[i-bpp], prev[i], prev[i-bpp])
			}
		}
	default:
		return errors.New("png: bad filter type")
	}
	return nil
}

// paeth3 undoes the Paeth filter from the second pixel on for 3 bytes a
// pixel, keeping the left and upper-left pixels in registers: the three
// channels are independent chains, and no load waits for the store
// before it.
func paeth3(cur, prev []byte) {
	a0, a1, a2 := cur[0], cur[1], cur[2]
	c0, c1, c2 := prev[0], prev[1], prev[2]
	for i := 3; i+3 <= len(cur); i += 3 {
		x, b := cur[i:i+3:i+3], prev[i:i+3:i+3]
		a0 = x[0] + paeth(a0, b[0], c0)
		a1 = x[1] + paeth(a1, b[1], c1)
		a2 = x[2] + paeth(a2, b[2], c2)
		x[0], x[1], x[2] = a0, a1, a2
		c0, c1, c2 = b[0], b[1], b[2]
	}
}

// paeth4 is paeth3 for 4 bytes a pixel.
func paeth4(cur, prev []byte) {
	a0, a1, a2, a3 := cur[0], cur[1], cur[2], cur[3]
	c0, c1, c2, c3 := prev[0], prev[1], prev[2], prev[3]
	for i := 4; i+4 <= len(cur); i += 4 {
		x, b := cur[i:i+4:i+4], prev[i:i+4:i+4]
		a0 = x[0] + paeth(a0, b[0], c0)
		a1 = x[1] + paeth(a1, b[1], c1)
		a2 = x[2] + paeth(a2, b[2], c2)
		a3 = x[3] + paeth(a3, b[3], c3)
		x[0], x[1], x[2], x[3] = a0, a1, a2, a3
		c0, c1, c2, c3 = b[0], b[1], b[2], b[3]
	}
}

// paeth is the Paeth predictor of a sample from its left (a), upper (b)
// and upper-left (c) neighbours: of a, b and c, the one nearest to
// a + b - c, preferring a, then b. It is computed as in stb_image, without
// branches: thresh = 3c - (a+b) compares with min(a, b) and max(a, b)
// exactly as the distances do.
func paeth(a8, b8, c8 byte) byte {
	a, b, c := int32(a8), int32(b8), int32(c8)
	thresh := 3*c - (a + b)
	lo, hi := min(a, b), max(a, b)
	t := c
	if hi <= thresh {
		t = lo
	}
	if thresh <= lo {
		t = hi
	}
	return byte(t)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// pngRowConverter returns a function that turns one unfiltered PNG row
// into a row of an n-channel plane, with the same arithmetic as toGray and
// toRGBA: 16-bit samples keep their high byte, alpha is composited over
// white (n == 1) or premultiplied (n == 2, 4).
func pngRowConverter(ph *pngHeader, n int, flatten bool) func(dst, raw []byte) {
	step := ph.depth / 8 // bytes per sample; the high byte comes first
	ct := ph.colorType
	pal := &ph.palette
	// sample returns R, G, B, A of pixel x.
	sample := func(raw []byte, x int) (r, g, b, a uint8) {
		switch ct {
		case 0:
			v := raw[x*step]
			return v, v, v, 255
		case 2:
			i := 3 * x * step
			return raw[i], raw[i+step], raw[i+2*step], 255
		case 3:
			c := pal[raw[x]]
			return c[0], c[1], c[2], c[3]
		case 4:
			i := 2 * x * step
			v := raw[i]
			return v, v, v, raw[i+step]
		default:
			i := 4 * x * step
			return raw[i], raw[i+step], raw[i+2*step], raw[i+3*step]
		}
	}
	switch {
	case n == 1 && ct == 0 && step == 1:
		return func(dst, raw []byte) { copy(dst, raw) }
	case n == 1 && ct == 2 && step == 1:
		return func(dst, raw []byte) { lumarow.RGB(dst, raw) }
	case n == 1 && ct == 6 && step == 1:
		return func(dst, raw []byte) {
			// Luma of every pixel as if opaque, then the few that are
			// not composited over white.
			lumarow.RGBA(dst, raw)
			for x := range nonOpaque(dst, raw) {
				p := raw[4*x : 4*x+4 : 4*x+4]
				a := p[3]
				dst[x] = luma(overWhite(p[0], a), overWhite(p[1], a), overWhite(p[2], a))
			}
		}
	case n == 1:
		var lut [256]uint8
		if ct == 3 {
			for i, c := range pal {
				r, g, b, a := c[0], c[1], c[2], c[3]
				if a != 255 {
					r, g, b = overWhite(r, a), overWhite(g, a), overWhite(b, a)
				}
				lut[i] = luma(r, g, b)
			}
			return func(dst, raw []byte) {
				raw = raw[:len(dst)]
				for x, v := range raw {
					dst[x] = lut[v]
				}
			}
		}
		return func(dst, raw []byte) {
			for x := range dst {
				r, g, b, a := sample(raw, x)
				if a != 255 {
					r, g, b = overWhite(r, a), overWhite(g, a), overWhite(b, a)
				}
				dst[x] = luma(r, g, b)
			}
		}
	case n == 2:
		return func(dst, raw []byte) {
			for x := range len(dst) / 2 {
				r, g, b, a := sample(raw, x)
				dst[2*x], dst[2*x+1] = premul(luma(r, g, b), a), a
			}
		}
	}
	return func(dst, raw []byte) { // n == 4, premultiplied RGBA
		for x := range len(dst) / 4 {
			r, g, b, a := sample(raw, x)
			if a != 255 {
				r, g, b = premul(r, a), premul(g, a), premul(b, a)
			}
			dst[4*x], dst[4*x+1], dst[4*x+2], dst[4*x+3] = r, g, b, a
		}
	}
}
