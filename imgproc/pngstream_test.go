package imgproc

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// pngInputs returns the PNGs of the Go tree's image tests and ours.
func pngInputs(t *testing.T) map[string][]byte {
	goroot := runtime.GOROOT()
	var files []string
	for _, pat := range []string{
		filepath.Join(goroot, "src", "image", "testdata", "*.png"),
		filepath.Join(goroot, "src", "image", "png", "testdata", "*.png"),
		filepath.Join(goroot, "src", "image", "png", "testdata", "pngsuite", "*.png"),
		filepath.Join("testdata", "fidelity", "*.png"),
	} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	in := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		in[filepath.Base(f)] = b
	}
	if len(in) < 20 {
		t.Fatalf("only %d PNG inputs", len(in))
	}
	return in
}

// TestStreamPNGMatchesImagePNG checks the streaming decoder against the
// image/png path on every PNG at hand, for each output mode: the same
// bytes, except a level or two of rounding where colour with alpha is
// premultiplied (image/draw rounds differently, from 16 bits when it has
// them).
func TestStreamPNGMatchesImagePNG(t *testing.T) {
	streamed := 0
	for name, src := range pngInputs(t) {
		if _, err := parsePNGHeader(src); err == nil {
			streamed++
		}
		for _, o := range []Options{
			DefaultOptions(),
			{Scale: 0.5, Gray: true, Format: "png", Filter: "bicubico"},
			{Scale: 0.7, Format: "png", Filter: "bilineal"},
			{Scale: 1.5, Format: "jpeg", Quality: 75, Filter: "cercano"},
		} {
			streamPNGs = true
			a, _, errA := render(src, o)
			streamPNGs = false
			b, _, errB := render(src, o)
			streamPNGs = true
			if (errA == nil) != (errB == nil) {
				t.Errorf("%s %+v: streaming error %v, image/png error %v", name, o, errA, errB)
				continue
			}
			if errA != nil {
				continue
			}
			ca, cb := premultiplied(a), premultiplied(b)
			if len(ca) != len(cb) || a.Bounds() != b.Bounds() {
				t.Errorf("%s %+v: %T %v vs %T %v", name, o, a, a.Bounds(), b, b.Bounds())
				continue
			}
			for i := range ca {
				if d := int(ca[i]) - int(cb[i]); d != 0 && (o.Gray || d < -2 || d > 2) {
					t.Errorf("%s %+v: byte %d = %d, image/png path %d", name, o, i, ca[i], cb[i])
					break
				}
			}
		}
	}
	if streamed < 10 {
		t.Errorf("only %d inputs took the streaming path", streamed)
	}
}

// premultiplied returns the pixels of m, premultiplied by alpha when m is
// an NRGBA (where rounding at tiny alphas would otherwise be amplified).
func premultiplied(m image.Image) []byte {
	switch m := m.(type) {
	case *image.Gray:
		return m.Pix
	case *image.RGBA:
		return m.Pix
	case *image.NRGBA:
		out := make([]byte, len(m.Pix))
		for i := 0; i < len(m.Pix); i += 4 {
			a := m.Pix[i+3]
			for c := range 3 {
				out[i+c] = premul(m.Pix[i+c], a)
			}
			out[i+3] = a
		}
		return out
	}
	return nil
}

// corruptPNG returns a valid 300×200 RGB PNG and the offset of its first
// IDAT chunk.
func corruptPNG(t *testing.T) ([]byte, int) {
	var b bytes.Buffer
	if err := png.Encode(&b, to8(pattern(300, 200))); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	i := bytes.Index(data, []byte("IDAT")) - 4
	return data, i
}

func TestStreamPNGCorrupt(t *testing.T) {
	good, idat := corruptPNG(t)
	n := int(binary.BigEndian.Uint32(good[idat:]))
	fix := func(b []byte) []byte { // recompute the IDAT CRC after an edit
		binary.BigEndian.PutUint32(b[idat+8+n:], crc32.ChecksumIEEE(b[idat+4:idat+8+n]))
		return b
	}
	cases := map[string][]byte{
		"bad IDAT CRC": func() []byte {
			b := bytes.Clone(good)
			b[idat+8+n/2] ^= 0xff
			return b
		}(),
		"corrupt zlib data": func() []byte {
			b := bytes.Clone(good)
			for i := idat + 8 + 10; i < idat+8+60; i++ {
				b[i] ^= 0x5a
			}
			return fix(b)
		}(),
		"truncated": good[:idat+8+n/2],
		"no IEND":   good[:len(good)-12],
	}
	for name, src := range cases {
		for _, f := range []float64{0.5, 1, 1.5} {
			o := DefaultOptions()
			o.Scale = f
			_, err := Process(src, io.Discard, o)
			if name == "no IEND" { // image/png accepts it too when rows are complete
				continue
			}
			wantKind(t, name, err, KindDecode, 422)
		}
	}
}
