package imgproc

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var updateInputs = flag.Bool("update-inputs", false, "rewrite the generated inputs in testdata/fidelity")

// fidelityDirs are the directories whose images scripts/pillow_refs.py
// resized with Pillow; the references live in testdata/pillow.
func fidelityDirs() []string {
	goroot := runtime.GOROOT()
	return []string{
		filepath.Join(goroot, "src", "image", "testdata"),
		filepath.Join(goroot, "src", "image", "png", "testdata"),
		filepath.Join(goroot, "src", "image", "png", "testdata", "pngsuite"),
		filepath.Join("testdata", "fidelity"),
	}
}

// pattern is a deterministic, asymmetric test picture: gradients, hard
// edges and fine lines, so that orientation mistakes and aliasing show.
func pattern(w, h int) *image.NRGBA64 {
	m := image.NewNRGBA64(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			r := uint16(x * 65535 / (w - 1))
			g := uint16(y * 65535 / (h - 1))
			b := uint16((x*x + 3*y*y) * 37 % 65536)
			if x < w/3 && y < h/4 { // a bright block in the top-left corner
				r, g, b = 65535, 60000, 1000
			}
			if (x+2*y)%7 == 0 { // thin diagonal lines
				r, g, b = r/4, g/4, b/4
			}
			m.SetNRGBA64(x, y, color.NRGBA64{R: r, G: g, B: b, A: 65535})
		}
	}
	return m
}

// withAlpha returns p with an alpha ramp, fully transparent areas that hide
// saturated colours, and a half-transparent band.
func withAlpha(p *image.NRGBA64) *image.NRGBA64 {
	b := p.Bounds()
	m := image.NewNRGBA64(b)
	for y := range b.Dy() {
		for x := range b.Dx() {
			c := p.NRGBA64At(x, y)
			c.A = uint16(x * 65535 / (b.Dx() - 1))
			if y > b.Dy()*3/4 {
				c = color.NRGBA64{R: 65535, A: 0} // invisible red
			} else if y > b.Dy()/2 {
				c.A = 32768
			}
			m.SetNRGBA64(x, y, c)
		}
	}
	return m
}

func to8(m *image.NRGBA64) *image.NRGBA {
	b := m.Bounds()
	out := image.NewNRGBA(b)
	for i, v := range m.Pix {
		if i%2 == 0 {
			out.Pix[i/2] = v
		}
	}
	return out
}

// exifAPP1 returns an APP1 segment holding only the orientation tag.
func exifAPP1(orientation int) []byte {
	tiff := []byte("II*\x00\x08\x00\x00\x00\x01\x00")
	entry := make([]byte, 12)
	binary.LittleEndian.PutUint16(entry[0:], 0x0112)
	binary.LittleEndian.PutUint16(entry[2:], 3)
	binary.LittleEndian.PutUint32(entry[4:], 1)
	binary.LittleEndian.PutUint16(entry[8:], uint16(orientation))
	payload := append(append(append([]byte("Exif\x00\x00"), tiff...), entry...), 0, 0, 0, 0)
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// withSegment inserts seg right after the SOI marker of a JPEG stream.
func withSegment(jpg, seg []byte) []byte {
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

// generatedInputs builds the inputs of testdata/fidelity: alpha, 16-bit,
// palette and EXIF-rotated images.
func generatedInputs(t testing.TB) map[string][]byte {
	enc := func(m image.Image) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, m); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	base := pattern(120, 80)
	files := map[string][]byte{}
	files["gen-rgba8.png"] = enc(to8(withAlpha(base)))
	files["gen-rgba16.png"] = enc(withAlpha(base))
	files["gen-rgb16.png"] = enc(base) // opaque NRGBA64: written as 16-bit RGB
	g16 := image.NewGray16(base.Bounds())
	for y := range 80 {
		for x := range 120 {
			c := base.NRGBA64At(x, y)
			g16.SetGray16(x, y, color.Gray16{Y: uint16((uint32(c.R) + uint32(c.G) + uint32(c.B)) / 3)})
		}
	}
	files["gen-gray16.png"] = enc(g16)
	pal := color.Palette{color.NRGBA{0, 0, 0, 0}} // a transparent entry
	for i := 1; i < 256; i++ {
		pal = append(pal, color.NRGBA{uint8(i * 7), uint8(255 - i), uint8(i * 13), 255})
	}
	pm := image.NewPaletted(base.Bounds(), pal)
	for y := range 80 {
		for x := range 120 {
			pm.SetColorIndex(x, y, uint8((x/4+y/3*5)%256))
		}
	}
	files["gen-palette.png"] = enc(pm)
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, to8(base), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	for o := 1; o <= 8; o++ {
		files[fmt.Sprintf("gen-exif%d.jpeg", o)] = withSegment(jb.Bytes(), exifAPP1(o))
	}
	return files
}

// TestFidelityInputs checks that the committed generated inputs still
// decode to what the generator makes (or rewrites them with
// -update-inputs, after which scripts/pillow_refs.py must be run again).
func TestFidelityInputs(t *testing.T) {
	dir := filepath.Join("testdata", "fidelity")
	for name, data := range generatedInputs(t) {
		path := filepath.Join(dir, name)
		if *updateInputs {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		committed, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestFidelityInputs -update-inputs)", err)
		}
		a, _, err1 := image.Decode(bytes.NewReader(committed))
		b, _, err2 := image.Decode(bytes.NewReader(data))
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: decode: %v, %v", name, err1, err2)
		}
		if p := psnr(gray8(a), gray8(b)); p < 40 {
			t.Errorf("%s: committed input differs from the generator: PSNR %.1f dB", name, p)
		}
	}
}

// gray8 converts any image to 8-bit gray with the stdlib model, for
// comparisons only.
func gray8(m image.Image) *image.Gray {
	b := m.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			g.Set(x, y, m.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return g
}

// channels returns the 8-bit samples of m in R, G, B order (or luma only
// for a gray image), for PSNR.
func channels(m image.Image) []byte {
	b := m.Bounds()
	if g, ok := m.(*image.Gray); ok {
		out := make([]byte, 0, b.Dx()*b.Dy())
		for y := b.Min.Y; y < b.Max.Y; y++ {
			i := g.PixOffset(b.Min.X, y)
			out = append(out, g.Pix[i:i+b.Dx()]...)
		}
		return out
	}
	out := make([]byte, 0, 3*b.Dx()*b.Dy())
	if m, ok := m.(*image.RGBA); ok && m.Opaque() {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, y):][:4*b.Dx()]
			for i := 0; i < len(row); i += 4 {
				out = append(out, row[i], row[i+1], row[i+2])
			}
		}
		return out
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(m.At(x, y)).(color.NRGBA)
			out = append(out, c.R, c.G, c.B)
		}
	}
	return out
}

// psnr returns the peak signal-to-noise ratio of b against a in dB, +Inf
// when identical, 0 when the sizes differ.
func psnr(a, b image.Image) float64 {
	if a.Bounds().Size() != b.Bounds().Size() {
		return 0
	}
	ca, cb := channels(a), channels(b)
	if len(ca) != len(cb) {
		return 0
	}
	var se float64
	for i := range ca {
		d := float64(ca[i]) - float64(cb[i])
		se += d * d
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(se/float64(len(ca))))
}

// TestFidelity compares our output with Pillow's for the same input and
// factor, as references made by scripts/pillow_refs.py. Every image must
// reach 35 dB; the log gives each PSNR and the worst.
func TestFidelity(t *testing.T) {
	refs, _ := filepath.Glob(filepath.Join("testdata", "pillow", "*.png"))
	if len(refs) == 0 {
		t.Fatal("no references in testdata/pillow (run scripts/pillow_refs.py)")
	}
	slices.Sort(refs)
	worst, worstName := math.Inf(1), ""
	var lines []string
	for _, ref := range refs {
		// name__g050.png: gray (g) or colour (c), factor ×100.
		base := strings.TrimSuffix(filepath.Base(ref), ".png")
		i := strings.LastIndex(base, "__")
		if i < 0 || len(base) != i+6 {
			t.Errorf("%s: bad reference name", ref)
			continue
		}
		input, mode := base[:i], base[i+2]
		pct, err := strconv.Atoi(base[i+3:])
		if err != nil || (mode != 'g' && mode != 'c') {
			t.Errorf("%s: bad reference name", ref)
			continue
		}
		src := readInput(t, input)
		want := decodeFile(t, ref)
		o := DefaultOptions()
		o.Scale = float64(pct) / 100
		o.Gray = mode == 'g'
		got, _, err := render(src, o)
		if err != nil {
			t.Errorf("%s: %v", input, err)
			continue
		}
		p := psnr(want, got)
		lines = append(lines, fmt.Sprintf("%-50s %c ×%.2f %6.1f dB", input, mode, o.Scale, p))
		if p < worst {
			worst, worstName = p, base
		}
		if p < 35 {
			t.Errorf("%s: PSNR %.1f dB < 35 dB against Pillow", base, p)
		}
	}
	t.Logf("PSNR against Pillow (%d references):\n%s", len(lines), strings.Join(lines, "\n"))
	t.Logf("worst: %s %.1f dB", worstName, worst)
}

func readInput(t *testing.T, name string) []byte {
	t.Helper()
	for _, dir := range fidelityDirs() {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			return b
		}
	}
	t.Fatalf("input %s not found in %v", name, fidelityDirs())
	return nil
}

func decodeFile(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}
