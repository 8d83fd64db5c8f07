package jpeg

import (
	"errors"
	"image"
	"image/color"
	"io"

	"procesa/imgproc/internal/bufpool"
)

// DecodeOptions selects what Decode produces. The zero value decodes the whole
// image at full size, like image/jpeg.
type DecodeOptions struct {
	// GrayOnly makes Decode return an *image.Gray. For a YCbCr or grayscale
	// stream only the luma component is reconstructed (the chroma data is
	// parsed and dropped); RGB and CMYK streams are converted with
	// BT.601 luma weights.
	GrayOnly bool
	// Shrink is the DCT-domain scale-down factor: 0 or 1 (full size), 2, 4
	// or 8. The result is ceil(w/Shrink) x ceil(h/Shrink) pixels, made with
	// reduced inverse DCTs (only the DC coefficient at 8). Other values are
	// an error.
	Shrink int
}

// Marker codes (T.81 Table B.1).
const (
	markerSOF0  = 0xc0 // baseline sequential
	markerSOF1  = 0xc1 // extended sequential, Huffman
	markerSOF2  = 0xc2 // progressive, Huffman
	markerDHT   = 0xc4
	markerRST0  = 0xd0
	markerRST7  = 0xd7
	markerSOI   = 0xd8
	markerEOI   = 0xd9
	markerSOS   = 0xda
	markerDQT   = 0xdb
	markerDRI   = 0xdd
	markerAPP0  = 0xe0
	markerAPP14 = 0xee
	markerAPP15 = 0xef
	markerCOM   = 0xfe
)

// component is a frame component (T.81 B.2.2).
type component struct {
	id   byte
	h, v int // sampling factors; 1, 1 for a single-component frame (A.2)
	tq   int // quantization table selector
}

// plane is the destination of one component's samples; pix is nil for a
// component that is parsed but not reconstructed.
type plane struct {
	pix    []byte
	stride int
}

// decoder holds the state of one decode. Its fixed arrays keep the hot path
// free of allocations.
type decoder struct {
	src        source
	configOnly bool
	gray       bool // DecodeOptions.GrayOnly
	shrink     int  // 1, 2, 4 or 8
	bs         int  // output block size, 8/shrink

	// Frame.
	nComp                 int
	comp                  [4]component
	width, height         int
	mxx, myy              int // MCUs per row and column (interleaved grid)
	baseline, progressive bool
	ri                    int // restart interval in MCUs, 0 if none

	jfif, adobeValid bool
	adobeTransform   byte

	quant  [4][64]int32  // in zig-zag order
	dcTab  [4]*huffTable // never nil: undefinedTable until a DHT defines it
	acTab  [4]*huffTable
	own    [8]*huffTable // see table
	cached int           // tables this decode added to tableCache

	entropy // the entropy decoder (huffman.go), reading src

	// Output, allocated at the first scan (progressive: made at the end).
	allocated  bool
	rgbAtAlloc bool        // isRGB() when the planes were allocated
	keep       [4]bool     // the component is reconstructed
	img        image.Image // *image.Gray or *image.YCbCr, padded to whole MCUs
	planes     [4]plane
	coefs      [4][]byte   // progressive: every block's coefficients (a coefBlock each)
	masks      [4][]uint64 // progressive: bit k set when zig-zag AC coefficient k is non-zero
	allowPar   bool        // progressive scans may run in parallel (progpar.go): src reads with ReadAt
	par        *progPar    // non-nil while they do

	tmp [512]byte
}

// Decode reads a JPEG image from r. With zero options it returns what
// image/jpeg.Decode returns (*image.Gray, *image.YCbCr, *image.RGBA or
// *image.CMYK) with pixels within rounding of it, and it accepts and rejects
// the same streams, except that it returns an error matching ErrUnsupported
// for streams it leaves to image/jpeg (arithmetic coding, 12-bit samples,
// hierarchical or lossless frames, and a few layouts image/jpeg reads
// differently from T.81). Memory use is bounded by the dimensions declared in
// the frame header: check them with DecodeConfig first.
//
// Large images are decoded with several goroutines. When r is also an
// io.ReaderAt and an io.Seeker (a bytes.Reader, an os.File), Decode reads it
// with ReadAt from its current offset on, which lets the scans of a large
// progressive image be decoded in parallel without holding the input in
// memory; r's offset is then left as it was.
func Decode(r io.Reader, o DecodeOptions) (image.Image, error) {
	switch o.Shrink {
	case 0, 1, 2, 4, 8:
	default:
		return nil, errors.New("jpeg: DecodeOptions.Shrink must be 1, 2, 4 or 8")
	}
	in := input{r: r}
	if ras, ok := r.(interface {
		io.ReaderAt
		io.Seeker
	}); ok {
		if start, err := ras.Seek(0, io.SeekCurrent); err == nil {
			in.ra, in.start = ras, start
		}
	}
	m, err := decodeOnce(in, o, in.ra != nil)
	if err == errRetrySerial {
		// Parallel progressive decoding needs to start again serially.
		m, err = decodeOnce(in, o, false)
	}
	return m, err
}

// input is what Decode reads: r, or ra from offset start on when ra is set.
type input struct {
	r     io.Reader
	ra    io.ReaderAt
	start int64
}

func decodeOnce(in input, o DecodeOptions, allowPar bool) (image.Image, error) {
	d := newDecoder()
	d.gray, d.shrink, d.allowPar = o.GrayOnly, max(1, o.Shrink), allowPar
	d.bs = 8 / d.shrink
	if in.ra != nil {
		d.src.initAt(in.ra, in.start, sourceBufSize)
		d.in = &d.src
	} else {
		d.init(in.r)
	}
	// Every goroutine that reads the buffer has ended when decodeOnce
	// returns (the speculative decoder, the scan goroutines).
	defer func() { bufpool.Put(d.src.buf) }()
	err := d.decode()
	if d.par != nil {
		// Always wait for the scan goroutines, which write into d. If
		// they ask for a serial decode, the marker loop's own error may
		// come from their shortcut too.
		if perr := d.par.wait(); err == nil || perr == errRetrySerial {
			err = perr
		}
	}
	if err != nil {
		return nil, err
	}
	return d.finish()
}

// DecodeConfig returns the color model and dimensions of a JPEG image without
// decoding it, with the same results as image/jpeg.DecodeConfig.
func DecodeConfig(r io.Reader) (image.Config, error) {
	d := newDecoder()
	d.configOnly = true
	d.init(r)
	defer func() { bufpool.Put(d.src.buf) }()
	if err := d.decode(); err != nil {
		return image.Config{}, err
	}
	var cm color.Model
	switch d.nComp {
	case 1:
		cm = color.GrayModel
	case 3:
		cm = color.YCbCrModel
		if d.isRGB() {
			cm = color.RGBAModel
		}
	case 4:
		cm = color.CMYKModel
	default:
		return image.Config{}, FormatError("missing SOF marker")
	}
	return image.Config{ColorModel: cm, Width: d.width, Height: d.height}, nil
}

// newDecoder returns a decoder with no Huffman table defined.
func newDecoder() *decoder {
	d := &decoder{}
	for i := range d.dcTab {
		d.dcTab[i], d.acTab[i] = &undefinedTable, &undefinedTable
	}
	return d
}

// init makes the decoder read r.
func (d *decoder) init(r io.Reader) {
	d.src.init(r)
	d.in = &d.src
}

// errConfigDone stops the marker loop once DecodeConfig knows enough.
var errConfigDone = FormatError("config done")

// decode runs the marker loop (T.81 B.2) up to the EOI marker.
func (d *decoder) decode() error {
	err := d.markers()
	if err == errConfigDone {
		return nil
	}
	if err != nil {
		return err
	}
	if d.configOnly {
		// EOI before any scan.
		return FormatError("missing SOS marker")
	}
	return nil
}

func (d *decoder) markers() error {
	s := &d.src
	if err := s.readFull(d.tmp[:2]); err != nil {
		return err
	}
	if d.tmp[0] != 0xff || d.tmp[1] != markerSOI {
		return FormatError("missing SOI marker")
	}
	for {
		if err := s.readFull(d.tmp[:2]); err != nil {
			return err
		}
		// Bytes that are not a marker between segments are skipped, as
		// libjpeg and image/jpeg do.
		for d.tmp[0] != 0xff {
			d.tmp[0] = d.tmp[1]
			b, err := s.readByte()
			if err != nil {
				return err
			}
			d.tmp[1] = b
		}
		marker := d.tmp[1]
		if marker == 0 {
			continue // a stuffed 0xFF00 outside a scan: extraneous data
		}
		for marker == 0xff { // fill bytes (B.1.1.2)
			b, err := s.readByte()
			if err != nil {
				return err
			}
			marker = b
		}
		if marker == markerEOI {
			return nil
		}
		if markerRST0 <= marker && marker <= markerRST7 {
			continue // a stray restart marker after the last interval
		}
		if err := s.readFull(d.tmp[:2]); err != nil {
			return err
		}
		n := int(d.tmp[0])<<8 | int(d.tmp[1]) - 2
		if n < 0 {
			return FormatError("short segment length")
		}
		var err error
		switch marker {
		case markerSOF0, markerSOF1, markerSOF2:
			d.baseline = marker == markerSOF0
			d.progressive = marker == markerSOF2
			err = d.processSOF(n)
			if d.configOnly && d.jfif {
				if err == nil {
					err = errConfigDone
				}
			}
		case markerDHT:
			if d.configOnly {
				err = s.skip(n)
			} else {
				err = d.processDHT(n)
			}
		case markerDQT:
			if d.configOnly {
				err = s.skip(n)
			} else {
				err = d.processDQT(n)
			}
		case markerDRI:
			if d.configOnly {
				err = s.skip(n)
			} else {
				err = d.processDRI(n)
			}
		case markerSOS:
			if d.configOnly {
				return errConfigDone
			}
			err = d.processSOS(n)
		case markerAPP0:
			err = d.processAPP0(n)
		case markerAPP14:
			err = d.processAPP14(n)
		default:
			switch {
			case markerAPP0 <= marker && marker <= markerAPP15, marker == markerCOM:
				err = s.skip(n)
			case marker < 0xc0:
				err = FormatError("unknown marker")
			case 0xc9 <= marker && marker <= 0xcf && marker != 0xcc:
				err = UnsupportedError("arithmetic coding")
			case marker == 0xcc:
				err = UnsupportedError("arithmetic coding conditioning")
			default:
				err = UnsupportedError("marker " + hexByte(marker))
			}
		}
		if err != nil {
			return err
		}
	}
}

func hexByte(b byte) string {
	const digits = "0123456789abcdef"
	return "0x" + string(digits[b>>4]) + string(digits[b&15])
}

// processSOF reads a frame header (B.2.2). It accepts what image/jpeg
// accepts: 1, 3 or 4 components of 8-bit samples, with the sampling factors
// image/jpeg can lay out.
func (d *decoder) processSOF(n int) error {
	if d.nComp != 0 {
		return FormatError("multiple SOF markers")
	}
	switch n {
	case 6 + 3*1:
		d.nComp = 1
	case 6 + 3*3:
		d.nComp = 3
	case 6 + 3*4:
		d.nComp = 4
	default:
		return UnsupportedError("number of components")
	}
	if err := d.src.readFull(d.tmp[:n]); err != nil {
		return err
	}
	if d.tmp[0] != 8 {
		return UnsupportedError("sample precision")
	}
	d.height = int(d.tmp[1])<<8 | int(d.tmp[2])
	d.width = int(d.tmp[3])<<8 | int(d.tmp[4])
	if int(d.tmp[5]) != d.nComp {
		return FormatError("SOF has wrong length")
	}
	for i := 0; i < d.nComp; i++ {
		c := &d.comp[i]
		c.id = d.tmp[6+3*i]
		for j := 0; j < i; j++ {
			if d.comp[j].id == c.id {
				return FormatError("repeated component identifier")
			}
		}
		c.tq = int(d.tmp[8+3*i])
		if c.tq > 3 {
			return FormatError("bad Tq value")
		}
		hv := d.tmp[7+3*i]
		h, v := int(hv>>4), int(hv&15)
		if h < 1 || h > 4 || v < 1 || v > 4 {
			return FormatError("bad sampling factors")
		}
		if h == 3 || v == 3 {
			return FormatError("unsupported sampling factors")
		}
		switch d.nComp {
		case 1:
			h, v = 1, 1
		case 3:
			// Y carries the largest factors, a multiple of the chroma
			// ones; Cb and Cr are sampled alike.
			switch i {
			case 0:
				if v == 4 {
					return FormatError("unsupported sampling factors")
				}
			case 1:
				if d.comp[0].h%h != 0 || d.comp[0].v%v != 0 {
					return FormatError("unsupported sampling factors")
				}
			case 2:
				if d.comp[1].h != h || d.comp[1].v != v {
					return FormatError("unsupported sampling factors")
				}
			}
		case 4:
			// 0x11 0x11 0x11 0x11 or 0x22 0x11 0x11 0x22.
			switch i {
			case 0:
				if hv != 0x11 && hv != 0x22 {
					return FormatError("unsupported sampling factors")
				}
			case 1, 2:
				if hv != 0x11 {
					return FormatError("unsupported sampling factors")
				}
			case 3:
				if d.comp[0].h != h || d.comp[0].v != v {
					return FormatError("unsupported sampling factors")
				}
			}
		}
		c.h, c.v = h, v
	}
	h0, v0 := d.comp[0].h, d.comp[0].v
	d.mxx = (d.width + 8*h0 - 1) / (8 * h0)
	d.myy = (d.height + 8*v0 - 1) / (8 * v0)
	return nil
}

// processDQT reads quantization tables (B.2.4.1).
func (d *decoder) processDQT(n int) error {
	for n > 0 {
		n--
		x, err := d.src.readByte()
		if err != nil {
			return err
		}
		tq := x & 15
		if tq > 3 {
			return FormatError("bad Tq value")
		}
		q := &d.quant[tq]
		switch x >> 4 {
		case 0:
			if n < 64 {
				// image/jpeg stops here and accepts an empty remainder.
				return dqtRemainder(n)
			}
			n -= 64
			if err := d.src.readFull(d.tmp[:64]); err != nil {
				return err
			}
			for i := range q {
				q[i] = int32(d.tmp[i])
			}
		case 1:
			if n < 128 {
				return dqtRemainder(n)
			}
			n -= 128
			if err := d.src.readFull(d.tmp[:128]); err != nil {
				return err
			}
			for i := range q {
				q[i] = int32(d.tmp[2*i])<<8 | int32(d.tmp[2*i+1])
			}
		default:
			return FormatError("bad Pq value")
		}
	}
	return nil
}

func dqtRemainder(n int) error {
	if n != 0 {
		return FormatError("DQT has wrong length")
	}
	return nil
}

// processDHT reads Huffman tables (B.2.4.2).
func (d *decoder) processDHT(n int) error {
	for n > 0 {
		if n < 17 {
			return FormatError("DHT has wrong length")
		}
		if err := d.src.readFull(d.tmp[:17]); err != nil {
			return err
		}
		tc, th := d.tmp[0]>>4, d.tmp[0]&15
		if tc > 1 {
			return FormatError("bad Tc value")
		}
		if th > 3 || (d.baseline && th > 1) {
			return FormatError("bad Th value")
		}
		var counts [16]byte
		copy(counts[:], d.tmp[1:17])
		total := 0
		for _, c := range counts {
			total += int(c)
		}
		if total == 0 {
			return FormatError("Huffman table has zero length")
		}
		if total > 256 {
			return FormatError("Huffman table has excessive length")
		}
		n -= 17 + total
		if n < 0 {
			return FormatError("DHT has wrong length")
		}
		vals := d.tmp[17 : 17+total]
		if err := d.src.readFull(vals); err != nil {
			return err
		}
		tab := d.table(int(tc)*4+int(th), &counts, vals)
		if tc == 0 {
			d.dcTab[th] = tab
		} else {
			d.acTab[th] = tab
		}
	}
	return nil
}

// table returns the Huffman table for a DHT segment's BITS counts and
// HUFFVAL symbols vals, for table slot slot (Tc*4 + Th): a shared one from
// tableCache, or, once this decode has added cachedTables tables to it, one
// of its own, rebuilt in place, so that a stream with thousands of DHT
// segments allocates no more than one with a few.
func (d *decoder) table(slot int, counts *[16]byte, vals []byte) *huffTable {
	if t, added := cachedTable(counts, vals, d.cached < cachedTables); t != nil {
		if added {
			d.cached++
		}
		return t
	}
	t := d.own[slot]
	if t == nil {
		t = new(huffTable)
		d.own[slot] = t
	}
	t.build(counts, vals)
	return t
}

// processDRI reads a restart interval (B.2.4.4).
func (d *decoder) processDRI(n int) error {
	if n != 2 {
		return FormatError("DRI has wrong length")
	}
	if err := d.src.readFull(d.tmp[:2]); err != nil {
		return err
	}
	d.ri = int(d.tmp[0])<<8 | int(d.tmp[1])
	return nil
}

// processAPP0 notes a JFIF marker, which means YCbCr for three components.
func (d *decoder) processAPP0(n int) error {
	if n < 5 {
		return d.src.skip(n)
	}
	if err := d.src.readFull(d.tmp[:5]); err != nil {
		return err
	}
	d.jfif = string(d.tmp[:5]) == "JFIF\x00"
	return d.src.skip(n - 5)
}

// processAPP14 notes an Adobe marker and its color transform.
func (d *decoder) processAPP14(n int) error {
	if n < 12 {
		return d.src.skip(n)
	}
	if err := d.src.readFull(d.tmp[:12]); err != nil {
		return err
	}
	if string(d.tmp[:5]) == "Adobe" {
		d.adobeValid = true
		d.adobeTransform = d.tmp[11]
	}
	return d.src.skip(n - 12)
}

// isRGB reports whether a three-component frame holds RGB rather than YCbCr.
func (d *decoder) isRGB() bool {
	if d.jfif {
		return false
	}
	if d.adobeValid && d.adobeTransform == 0 {
		return true
	}
	return d.comp[0].id == 'R' && d.comp[1].id == 'G' && d.comp[2].id == 'B'
}
