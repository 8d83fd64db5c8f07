package jpeg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math/bits"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// testImages returns the encoder's test inputs: a photo-like picture in each
// fast-path type and a generic one, at several sizes (odd ones included).
func testImages() map[string]image.Image {
	out := map[string]image.Image{}
	for _, sz := range [][2]int{{1, 1}, {17, 9}, {64, 48}, {301, 203}} {
		rgba := photo(sz[0], sz[1])
		name := fmt.Sprintf("%dx%d", sz[0], sz[1])
		out["rgba-"+name] = rgba
		nrgba := image.NewNRGBA(rgba.Rect)
		copy(nrgba.Pix, rgba.Pix)
		out["nrgba-"+name] = nrgba
		out["gray-"+name] = rgbaToGray(rgba)
		for _, r := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422} {
			y := image.NewYCbCr(rgba.Rect, r)
			for py := 0; py < sz[1]; py++ {
				for px := 0; px < sz[0]; px++ {
					c := rgba.RGBAAt(px, py)
					yy, cb, cr := rgbToYCbCr(c.R, c.G, c.B)
					y.Y[y.YOffset(px, py)] = yy
					y.Cb[y.COffset(px, py)] = cb
					y.Cr[y.COffset(px, py)] = cr
				}
			}
			out[fmt.Sprintf("ycbcr%s-%s", r, name)] = y
		}
		out["generic-"+name] = &image.Paletted{} // replaced below
		p := image.NewRGBA64(rgba.Rect)
		for py := 0; py < sz[1]; py++ {
			for px := 0; px < sz[0]; px++ {
				p.Set(px, py, rgba.At(px, py))
			}
		}
		out["generic-"+name] = p
	}
	return out
}

func rgbToYCbCr(r, g, b uint8) (uint8, uint8, uint8) {
	fr, fg, fb := float64(r), float64(g), float64(b)
	return clampF(0.299*fr + 0.587*fg + 0.114*fb + 0.5),
		clampF(-0.168736*fr - 0.331264*fg + 0.5*fb + 128.5),
		clampF(0.5*fr - 0.418688*fg - 0.081312*fb + 128.5)
}

// lumaOf returns the luma of any image as *image.Gray.
func lumaOf(m image.Image) *image.Gray {
	switch m := m.(type) {
	case *image.Gray:
		return m
	case *image.YCbCr:
		return &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}
	}
	b := m.Bounds()
	g := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, gg, bb, _ := m.At(x, y).RGBA()
			g.Pix[g.PixOffset(x, y)] = luma(uint8(r>>8), uint8(gg>>8), uint8(bb>>8))
		}
	}
	return g
}

// allStrips makes Encode use parallel strips at any size until the test ends.
func allStrips(t *testing.T) {
	old := minParallelPixels
	minParallelPixels = 0
	t.Cleanup(func() { minParallelPixels = old })
}

func TestEncodeRoundTrip(t *testing.T) {
	allStrips(t)
	for name, m := range testImages() {
		for _, workers := range []int{1, 3} {
			var buf bytes.Buffer
			if err := Encode(&buf, m, EncodeOptions{Quality: 90, Workers: workers}); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			dec, err := jpeg.Decode(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Errorf("%s workers %d: image/jpeg cannot decode the output: %v", name, workers, err)
				continue
			}
			ours, err := Decode(bytes.NewReader(buf.Bytes()), DecodeOptions{})
			if err != nil {
				t.Errorf("%s workers %d: Decode: %v", name, workers, err)
				continue
			}
			if p, err := psnr(ours, dec); err != nil || p < minPSNR {
				t.Errorf("%s: our decode vs image/jpeg's: %.2f dB %v", name, p, err)
			}
			_, isGray := m.(*image.Gray)
			if _, ok := dec.(*image.Gray); ok != isGray {
				t.Errorf("%s: decoded as %T", name, dec)
			}
			p, err := psnr(lumaOf(dec), lumaOf(m))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			t.Logf("%s workers %d: %d bytes, luma %.2f dB", name, workers, buf.Len(), p)
			if p < 33 {
				t.Errorf("%s workers %d: luma PSNR %.2f dB at quality 90, want >= 33", name, workers, p)
			}
		}
	}
}

// TestEncodeRestartStrips checks that parallel strips are separated by
// restart markers and decode to the same pixels as a single strip.
func TestEncodeRestartStrips(t *testing.T) {
	m := photo(640, 480)
	var one, many bytes.Buffer
	if err := Encode(&one, m, EncodeOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&many, m, EncodeOptions{Workers: 4}); err != nil {
		t.Fatal(err)
	}
	rows := (480 + 15) / 16
	if n := bytes.Count(many.Bytes(), []byte{0xff, 0xd0}); n == 0 || bytes.Contains(one.Bytes(), []byte{0xff, markerDRI}) {
		t.Fatalf("restart markers: %d RST0 with 4 workers, DRI with 1 worker: %v", n, bytes.Contains(one.Bytes(), []byte{0xff, markerDRI}))
	}
	var rst int
	for i := markerRST0; i <= markerRST7; i++ {
		rst += bytes.Count(many.Bytes(), []byte{0xff, byte(i)})
	}
	if rst != rows-1 {
		t.Errorf("%d restart markers, want %d (one per MCU row but the last)", rst, rows-1)
	}
	a, err := jpeg.Decode(&one)
	if err != nil {
		t.Fatal(err)
	}
	b, err := jpeg.Decode(&many)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := psnr(a, b); err != nil || p < 60 {
		t.Errorf("strips vs single: %.2f dB %v", p, err)
	}
}

// quantTables decodes the DQT tables of a stream (zig-zag order).
func quantTables(t *testing.T, b []byte) [4][64]int32 {
	d := &decoder{shrink: 1, bs: 8}
	d.init(bytes.NewReader(b))
	if err := d.decode(); err != nil {
		t.Fatal(err)
	}
	return d.quant
}

// TestEncodeQuality checks that a quality gives image/jpeg's (libjpeg's)
// quantization tables.
func TestEncodeQuality(t *testing.T) {
	m := photo(32, 32)
	for _, q := range []int{1, 10, 25, 50, 75, 90, 100} {
		var ours, theirs bytes.Buffer
		if err := Encode(&ours, m, EncodeOptions{Quality: q}); err != nil {
			t.Fatal(err)
		}
		if err := jpeg.Encode(&theirs, m, &jpeg.Options{Quality: q}); err != nil {
			t.Fatal(err)
		}
		a, b := quantTables(t, ours.Bytes()), quantTables(t, theirs.Bytes())
		if a[0] != b[0] || a[1] != b[1] {
			t.Errorf("quality %d: tables %v, image/jpeg has %v", q, a[:2], b[:2])
		}
	}
}

// TestEncodeQualityMatchesImageJPEG checks that our output is as faithful as
// image/jpeg's at the same quality, and not much larger.
func TestEncodeQualityMatchesImageJPEG(t *testing.T) {
	for _, m := range []image.Image{photo(301, 203), rgbaToGray(photo(301, 203))} {
		for _, q := range []int{30, 75, 95} {
			var ours, theirs bytes.Buffer
			if err := Encode(&ours, m, EncodeOptions{Quality: q}); err != nil {
				t.Fatal(err)
			}
			if err := jpeg.Encode(&theirs, m, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			a, err := jpeg.Decode(bytes.NewReader(ours.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			b, err := jpeg.Decode(bytes.NewReader(theirs.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			pa, _ := psnr(lumaOf(a), lumaOf(m))
			pb, _ := psnr(lumaOf(b), lumaOf(m))
			t.Logf("%T q%d: ours %.2f dB %d bytes, image/jpeg %.2f dB %d bytes", m, q, pa, ours.Len(), pb, theirs.Len())
			if pa < pb-0.5 || float64(ours.Len()) > 1.1*float64(theirs.Len()) {
				t.Errorf("%T q%d: ours %.2f dB %d bytes, image/jpeg %.2f dB %d bytes", m, q, pa, ours.Len(), pb, theirs.Len())
			}
		}
	}
}

func TestEncodeBadSize(t *testing.T) {
	if err := Encode(&bytes.Buffer{}, image.NewGray(image.Rect(0, 0, 0, 5)), EncodeOptions{}); err == nil {
		t.Error("empty image: no error")
	}
}

// readPNM reads a binary PGM or PPM as written by Pillow.
func readPNM(b []byte) (image.Image, error) {
	f := bytes.Fields(b[:min(len(b), 64)])
	if len(f) < 4 {
		return nil, errors.New("short PNM header")
	}
	w, _ := strconv.Atoi(string(f[1]))
	h, _ := strconv.Atoi(string(f[2]))
	hdr := 0
	for i, n := 0, 0; i < len(b); i++ {
		if b[i] == '\n' || b[i] == ' ' {
			n++
			if n == 4 {
				hdr = i + 1
				break
			}
		}
	}
	pix := b[hdr:]
	switch string(f[0]) {
	case "P5":
		g := image.NewGray(image.Rect(0, 0, w, h))
		copy(g.Pix, pix)
		return g, nil
	case "P6":
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := 0; i < w*h && 3*i+2 < len(pix); i++ {
			copy(m.Pix[4*i:], pix[3*i:3*i+3])
			m.Pix[4*i+3] = 255
		}
		return m, nil
	}
	return nil, fmt.Errorf("PNM type %q", f[0])
}

// TestEncodePillow decodes the encoder's output with Debian's Pillow
// (libjpeg) through scripts/jpeg_pillow_check.py.
func TestEncodePillow(t *testing.T) {
	allStrips(t)
	const python = "/usr/bin/python3"
	script, _ := filepath.Abs("../../scripts/jpeg_pillow_check.py")
	skip := t.Skip
	if os.Getenv("PROCESA_REQUIRE_TOOLS") != "" { // CI installs Pillow: never skip there
		skip = t.Fatal
	}
	if _, err := os.Stat(python); err != nil {
		skip("no /usr/bin/python3: skipping the Pillow check")
	}
	if err := exec.Command(python, "-c", "import PIL").Run(); err != nil {
		skip("no Pillow (python3-pil): skipping the Pillow check")
	}
	dir := t.TempDir()
	var args []string
	imgs := testImages()
	var names []string
	for name, m := range imgs {
		for _, workers := range []int{1, 3} {
			var buf bytes.Buffer
			if err := Encode(&buf, m, EncodeOptions{Quality: 85, Workers: workers}); err != nil {
				t.Fatal(err)
			}
			base := filepath.Join(dir, fmt.Sprintf("%s-w%d", name, workers))
			if err := os.WriteFile(base+".jpg", buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, base+".jpg", base+".pnm")
			names = append(names, name)
		}
	}
	out, err := exec.Command(python, append([]string{script}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("Pillow could not decode the output: %v\n%s", err, out)
	}
	for i, name := range names {
		b, err := os.ReadFile(args[2*i+1])
		if err != nil {
			t.Fatal(err)
		}
		m, err := readPNM(b)
		if err != nil {
			t.Fatalf("%s: %v", args[2*i+1], err)
		}
		p, err := psnr(lumaOf(m), lumaOf(imgs[name]))
		if err != nil || p < 30 {
			t.Errorf("%s: Pillow's decode has luma PSNR %.2f dB against the source (%v), want >= 30", name, p, err)
		}
	}
}

// TestEncodeSubImage checks that an image whose bounds do not start at the
// origin encodes like a copy of it that does.
func TestEncodeSubImage(t *testing.T) {
	full := photo(120, 90)
	r := image.Rect(13, 7, 101, 77)
	subs := map[string]image.Image{
		"rgba": full.SubImage(r),
		"gray": rgbaToGray(full).SubImage(r),
	}
	for name, sub := range subs {
		cp := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		for y := 0; y < r.Dy(); y++ {
			for x := 0; x < r.Dx(); x++ {
				cp.Set(x, y, sub.At(r.Min.X+x, r.Min.Y+y))
			}
		}
		var want image.Image = cp
		if name == "gray" {
			want = rgbaToGray(cp)
		}
		var a, b bytes.Buffer
		if err := Encode(&a, sub, EncodeOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := Encode(&b, want, EncodeOptions{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: sub-image and copy encode differently", name)
		}
	}
}

// refEncodeBlocks Huffman-codes blocks (natural order) one bit at a time,
// as T.81 F.1.2 describes it, with the standard luma tables, and pads the
// last byte: the reference for encodeBlock and pad.
func refEncodeBlocks(blocks [][64]int32) []byte {
	var w stuffedBits
	dc, ac := stdEncTables[0], stdEncTables[1]
	sym := func(t *encTable, s int) {
		e := t[s]
		w.put(e>>8, int(e&0xff))
	}
	val := func(v int32) int {
		a := v
		if a < 0 {
			a = -a
		}
		size := bits.Len32(uint32(a))
		if v < 0 {
			v--
		}
		return size<<16 | int(uint32(v)&(1<<size-1))
	}
	prev := int32(0)
	for i := range blocks {
		c := &blocks[i]
		d := val(c[0] - prev)
		prev = c[0]
		sym(dc, d>>16)
		w.put(uint32(d&0xffff), d>>16)
		run := 0
		for k := 1; k < 64; k++ {
			v := c[unzig[k]]
			if v == 0 {
				run++
				continue
			}
			for ; run > 15; run -= 16 {
				sym(ac, 0xf0)
			}
			a := val(v)
			sym(ac, run<<4|a>>16)
			w.put(uint32(a&0xffff), a>>16)
			run = 0
		}
		if run > 0 {
			sym(ac, 0)
		}
	}
	for w.bits != 0 {
		w.put(1, 1)
	}
	return w.out
}

// checkEncodeBlocks compares encodeBlock and pad with refEncodeBlocks.
func checkEncodeBlocks(t *testing.T, blocks [][64]int32) {
	t.Helper()
	w := newBitWriter(nil)
	var prev int32
	for i := range blocks {
		var nz uint64
		for k := range 64 {
			if blocks[i][unzig[k]] != 0 {
				nz |= 1 << k
			}
		}
		w.encodeBlock(&blocks[i], nz, &prev, stdEncTables[0], stdEncTables[1])
	}
	w.pad()
	if want := refEncodeBlocks(blocks); !bytes.Equal(w.buf, want) {
		t.Fatalf("encodeBlock of %v:\n got % x\nwant % x", blocks, w.buf, want)
	}
}

// TestEncodeBlockRef checks the Huffman coder on random blocks: sparse and
// dense ones, coefficients up to the baseline bounds (whose codes are the
// longest, and stuffed 0xFF bytes the most frequent), and long runs of
// zeros (ZRL codes).
func TestEncodeBlockRef(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 4))
	for n := 0; n < 300; n++ {
		blocks := make([][64]int32, 1+rng.IntN(40))
		for i := range blocks {
			b := &blocks[i]
			density := []int{0, 1, 4, 16, 64}[rng.IntN(5)]
			big := rng.IntN(3) == 0
			for k := range b {
				if rng.IntN(64) >= density {
					continue
				}
				v := int32(rng.IntN(9) - 4)
				if big {
					v = int32(rng.IntN(2047) - 1023)
				}
				b[k] = v
			}
			if rng.IntN(4) == 0 {
				b[0] = []int32{-1024, 1023, 0}[rng.IntN(3)]
			}
		}
		checkEncodeBlocks(t, blocks)
	}
}

// FuzzEncodeBlock compares the Huffman coder with refEncodeBlocks on any
// coefficients (two bytes each, within the baseline ranges).
func FuzzEncodeBlock(f *testing.F) {
	f.Add([]byte{0, 4, 0, 0, 0, 7, 255, 255})
	f.Add(bytes.Repeat([]byte{0xff, 0x03}, 64*3))
	f.Fuzz(func(t *testing.T, data []byte) {
		var blocks [][64]int32
		for len(data) > 0 && len(blocks) < 64 {
			var b [64]int32
			for k := 0; k < 64 && len(data) >= 2; k++ {
				v := int32(int16(binary.LittleEndian.Uint16(data))) % 1024
				data = data[2:]
				b[(k*37)%64] = v // spread, so that zero runs vary
			}
			if len(data) < 2 {
				data = nil
			}
			blocks = append(blocks, b)
		}
		checkEncodeBlocks(t, blocks)
	})
}
