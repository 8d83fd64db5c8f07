package imgproc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"runtime"
	"sync"
)

// parallelJPEGMin is the smallest image, in pixels, worth encoding in
// parallel strips; a variable so that tests can lower it.
var parallelJPEGMin = 1 << 20

// encodeJPEG writes m as a baseline JPEG using every core. image/jpeg's
// encoder is sequential, so the image is cut into horizontal strips whose
// height is a multiple of the MCU height; each strip is encoded on its own
// and the entropy-coded data are joined with restart markers: a DRI
// segment makes the decoder reset its DC predictions at each strip
// boundary, exactly where each strip's encoder started from zero. The
// result decodes to the same pixels as a sequential encode. Small images
// and single-core machines use the plain encoder.
func encodeJPEG(w io.Writer, m image.Image, quality int) error {
	opts := &jpeg.Options{Quality: quality}
	b := m.Bounds()
	mcu := 16 // image/jpeg writes 4:2:0 colour: 16×16 MCUs
	switch m.(type) {
	case *image.Gray:
		mcu = 8
	case *image.RGBA, *image.YCbCr:
	default:
		return jpeg.Encode(w, m, opts)
	}
	cores := runtime.GOMAXPROCS(0)
	mcuCols, mcuRows := (b.Dx()+mcu-1)/mcu, (b.Dy()+mcu-1)/mcu
	if cores < 2 || b.Dx()*b.Dy() < parallelJPEGMin || b.Dx() > 0xffff || b.Dy() > 0xffff {
		return jpeg.Encode(w, m, opts)
	}
	// A restart interval counts MCUs in 16 bits: strips of k MCU rows.
	k := min((mcuRows+cores-1)/cores, 0xffff/mcuCols)
	strips := (mcuRows + k - 1) / k
	parts := make([][]byte, strips)
	errs := make([]error, strips)
	var wg sync.WaitGroup
	sem := make(chan struct{}, cores)
	for i := range strips {
		r := image.Rect(b.Min.X, b.Min.Y+i*k*mcu, b.Max.X, min(b.Min.Y+(i+1)*k*mcu, b.Max.Y))
		sub := m.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(r)
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			var buf bytes.Buffer
			buf.Grow(r.Dx() * r.Dy() / 4)
			errs[i] = jpeg.Encode(&buf, sub, opts)
			parts[i] = buf.Bytes()
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	header, _, err := splitJPEG(parts[0])
	if err != nil {
		return err
	}
	header = patchJPEGHeader(header, b.Dy(), k*mcuCols)
	if header == nil {
		return errors.New("imgproc: unexpected image/jpeg header")
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	for i, p := range parts {
		_, data, err := splitJPEG(p)
		if err != nil {
			return err
		}
		if i > 0 {
			if _, err := w.Write([]byte{0xff, 0xd0 + byte((i-1)%8)}); err != nil {
				return err
			}
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	_, err = w.Write([]byte{0xff, 0xd9})
	return err
}

// splitJPEG splits a single-scan JPEG made by image/jpeg into its headers
// (SOI up to and including the SOS segment) and its entropy-coded data
// (without the final EOI).
func splitJPEG(b []byte) (header, data []byte, err error) {
	p := 2 // after SOI; image/jpeg writes no fill bytes or stand-alone markers
	for p+4 <= len(b) && b[p] == 0xff {
		marker := b[p+1]
		n := int(binary.BigEndian.Uint16(b[p+2:]))
		if marker == 0xda {
			end := p + 2 + n
			if end > len(b)-2 || b[len(b)-2] != 0xff || b[len(b)-1] != 0xd9 {
				break
			}
			return b[:end], b[end : len(b)-2], nil
		}
		p += 2 + n
	}
	return nil, nil, errors.New("imgproc: unexpected image/jpeg output")
}

// patchJPEGHeader returns header with the SOF0 height set to height and a
// DRI segment of the given interval inserted before SOS, or nil if the
// header is not as image/jpeg writes it.
func patchJPEGHeader(header []byte, height, interval int) []byte {
	out := make([]byte, 0, len(header)+6)
	p := 2
	out = append(out, header[:2]...)
	for p+4 <= len(header) {
		marker := header[p+1]
		n := int(binary.BigEndian.Uint16(header[p+2:]))
		seg := header[p : p+2+n]
		switch marker {
		case 0xc0:
			seg = append([]byte(nil), seg...)
			binary.BigEndian.PutUint16(seg[5:], uint16(height))
		case 0xda:
			out = append(out, 0xff, 0xdd, 0, 4, byte(interval>>8), byte(interval))
			return append(out, seg...)
		}
		out = append(out, seg...)
		p += 2 + n
	}
	return nil
}
