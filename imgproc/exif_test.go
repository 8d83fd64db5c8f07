package imgproc

import (
	"encoding/binary"
	"testing"
)

// bigEndianExif returns an APP1 payload in Motorola byte order with the
// orientation stored as type typ (3 SHORT, 4 LONG).
func bigEndianExif(orientation int, typ uint16) []byte {
	b := []byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x02")
	entry := func(tag, typ uint16, v uint32) []byte {
		e := make([]byte, 12)
		binary.BigEndian.PutUint16(e[0:], tag)
		binary.BigEndian.PutUint16(e[2:], typ)
		binary.BigEndian.PutUint32(e[4:], 1)
		if typ == 3 {
			binary.BigEndian.PutUint16(e[8:], uint16(v))
		} else {
			binary.BigEndian.PutUint32(e[8:], v)
		}
		return e
	}
	b = append(b, entry(0x010f, 2, 0)...) // Make, irrelevant
	b = append(b, entry(0x0112, typ, uint32(orientation))...)
	return append(b, 0, 0, 0, 0)
}

func segment(marker byte, payload []byte) []byte {
	s := []byte{0xff, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

func TestJPEGOrientation(t *testing.T) {
	soi := []byte{0xff, 0xd8}
	jfif := segment(0xe0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	sos := []byte{0xff, 0xda, 0x00, 0x02}
	join := func(parts ...[]byte) []byte {
		var out []byte
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		name string
		in   []byte
		want int
	}{
		{"none", join(soi, jfif, sos), 1},
		{"little endian 6", join(soi, exifAPP1(6)), 6},
		{"after JFIF", join(soi, jfif, exifAPP1(8)), 8},
		{"big endian SHORT", join(soi, segment(0xe1, bigEndianExif(3, 3))), 3},
		{"big endian LONG", join(soi, segment(0xe1, bigEndianExif(5, 4))), 5},
		{"out of range 9", join(soi, exifAPP1(9)), 1},
		{"zero", join(soi, exifAPP1(0)), 1},
		{"first APP1 is XMP", join(soi, segment(0xe1, []byte("http://ns.adobe.com/xap/1.0/\x00<x/>")), exifAPP1(6)), 1},
		{"after SOS ignored", join(soi, sos, exifAPP1(6)), 1},
		{"fill bytes", join(soi, []byte{0xff, 0xff}, exifAPP1(7)), 7},
		{"truncated segment", join(soi, exifAPP1(6)[:20]), 1},
		{"bad IFD offset", join(soi, segment(0xe1, []byte("Exif\x00\x00II*\x00\xff\xff\x00\x00"))), 1},
		{"not a JPEG", []byte("\x89PNG\r\n\x1a\n"), 1},
		{"empty", nil, 1},
	}
	for _, tt := range tests {
		if got := jpegOrientation(tt.in); got != tt.want {
			t.Errorf("%s: jpegOrientation = %d; want %d", tt.name, got, tt.want)
		}
	}
}

func FuzzJPEGOrientation(f *testing.F) {
	f.Add(append([]byte{0xff, 0xd8}, exifAPP1(6)...))
	f.Add(append([]byte{0xff, 0xd8}, segment(0xe1, bigEndianExif(3, 3))...))
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := jpegOrientation(b); o < 1 || o > 8 {
			t.Errorf("orientation %d out of 1..8", o)
		}
	})
}
