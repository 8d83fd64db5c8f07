package imgproc

import "encoding/binary"

// Orientation values of the EXIF tag 0x0112. 1 is upright; 2..8 say how the
// stored pixels must be transformed to be seen upright.
const (
	orientNormal     = 1 // no change
	orientFlipH      = 2 // mirror left-right
	orientRotate180  = 3
	orientFlipV      = 4 // mirror top-bottom
	orientTranspose  = 5 // mirror along the main diagonal
	orientRotate90CW = 6 // rotate 90° clockwise to view
	orientTransverse = 7 // mirror along the anti-diagonal
	orientRotate270  = 8 // rotate 90° counter-clockwise to view
)

// swapsAxes reports whether orientation o exchanges width and height.
func swapsAxes(o int) bool { return o >= orientTranspose && o <= orientRotate270 }

// jpegOrientation returns the EXIF orientation (1..8) stored in the first
// APP1 segment of a JPEG stream, or 1 when there is none, the first APP1 is
// not EXIF, or the value is out of range.
func jpegOrientation(src []byte) int {
	return exifOrientation(jpegSegment(src, func(m byte) bool { return m == 0xe1 }))
}

// jpegSegment returns the payload of the first marker segment before SOS
// for which want(marker) is true, or nil. It never reads past src.
func jpegSegment(src []byte, want func(marker byte) bool) []byte {
	if len(src) < 4 || src[0] != 0xff || src[1] != 0xd8 {
		return nil
	}
	p := 2
	for p+4 <= len(src) {
		if src[p] != 0xff {
			return nil
		}
		marker := src[p+1]
		if marker == 0xff { // fill byte
			p++
			continue
		}
		p += 2
		switch {
		case marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7):
			continue // stand-alone markers: TEM, RSTn
		case marker == 0xd9 || marker == 0xda: // EOI, SOS: no more headers
			return nil
		}
		n := int(binary.BigEndian.Uint16(src[p:]))
		if n < 2 || p+n > len(src) {
			return nil
		}
		if want(marker) {
			return src[p+2 : p+n]
		}
		p += n
	}
	return nil
}

// exifOrientation reads tag 0x0112 of IFD0 from an APP1 payload that starts
// with "Exif\0\0", returning 1 when absent or invalid.
func exifOrientation(seg []byte) int {
	if len(seg) < 6 || string(seg[:6]) != "Exif\x00\x00" {
		return orientNormal
	}
	t := seg[6:]
	if len(t) < 8 {
		return orientNormal
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return orientNormal
	}
	ifd := int64(bo.Uint32(t[4:8]))
	if ifd < 8 || ifd+2 > int64(len(t)) {
		return orientNormal
	}
	count := int(bo.Uint16(t[ifd:]))
	for i := 0; i < count; i++ {
		e := ifd + 2 + int64(i)*12
		if e+12 > int64(len(t)) {
			return orientNormal
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		typ, n := bo.Uint16(t[e+2:]), bo.Uint32(t[e+4:])
		var v int
		switch {
		case typ == 3 && n >= 1: // SHORT, stored in the first two value bytes
			v = int(bo.Uint16(t[e+8:]))
		case typ == 4 && n >= 1: // LONG, seen in the wild
			v = int(bo.Uint32(t[e+8:]))
		default:
			return orientNormal
		}
		if v < orientNormal || v > orientRotate270 {
			return orientNormal
		}
		return v
	}
	return orientNormal
}
