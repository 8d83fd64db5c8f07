package jpeg

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// minPSNR is the agreement required with image/jpeg at full scale.
const minPSNR = 45

// goTestdataFiles lists the JPEG files of Go's image/testdata.
func goTestdataFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "*.jpeg"))
	if err != nil || len(files) == 0 {
		t.Skipf("no JPEG files in GOROOT/src/image/testdata (%v)", err)
	}
	return files
}

// checkSame decodes b with both decoders and requires the same decision and,
// on success, PSNR >= minPSNR.
func checkSame(t *testing.T, name string, b []byte) {
	t.Helper()
	want, werr := jpeg.Decode(bytes.NewReader(b))
	got, gerr := Decode(bytes.NewReader(b), DecodeOptions{})
	if (werr == nil) != (gerr == nil) {
		t.Errorf("%s: image/jpeg error %v, ours %v", name, werr, gerr)
		return
	}
	if werr != nil {
		return
	}
	p, err := psnr(got, want)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if p < minPSNR {
		t.Errorf("%s: PSNR %.2f dB against image/jpeg, want >= %d", name, p, minPSNR)
	}
}

func TestDecodeGoTestdata(t *testing.T) {
	for _, f := range goTestdataFiles(t) {
		name := filepath.Base(f)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkSame(t, name, b)
	}
}

func TestUnsupportedMatches(t *testing.T) {
	err := error(UnsupportedError("x"))
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("UnsupportedError does not match ErrUnsupported")
	}
	if errors.Is(FormatError("x"), ErrUnsupported) {
		t.Fatalf("FormatError matches ErrUnsupported")
	}
}

// unsupportedFiles are the test files this package leaves to image/jpeg.
var unsupportedFiles = map[string]bool{
	"arith.jpg":        true, // arithmetic coding
	"s420progrst2.jpg": true, // restarts in non-interleaved scans of 2x2 luma
	"s420seprst.jpg":   true, // the same in a baseline frame
}

func TestDecodeTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.jpg")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if unsupportedFiles[name] {
			_, err := Decode(bytes.NewReader(b), DecodeOptions{})
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("%s: got error %v, want ErrUnsupported", name, err)
			}
			_, werr := jpeg.Decode(bytes.NewReader(b))
			t.Logf("%s: image/jpeg says %v", name, werr)
			continue
		}
		checkSame(t, name, b)
	}
}

// TestTruncated cuts streams at many lengths: both decoders must agree.
func TestTruncated(t *testing.T) {
	for _, name := range []string{"s420rst3.jpg", "s420prog.jpg", "grayprogrst7.jpg", "cmyk.jpg"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(b); n += 1 + n/8 {
			checkSame(t, fmt.Sprintf("%s[:%d]", name, n), b[:n])
		}
	}
}

// TestCorrupted flips bytes of the entropy-coded data: both decoders must
// agree on every result.
func TestCorrupted(t *testing.T) {
	for _, name := range []string{"s420rst3.jpg", "s444progrst5.jpg", "s422.jpg"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for i := len(b) / 3; i < len(b); i += 37 {
			for _, v := range []byte{0x00, 0xff, 0xd0, 0xd9, b[i] ^ 0x10} {
				c := bytes.Clone(b)
				c[i] = v
				name := fmt.Sprintf("%s[%d]=%#x", name, i, v)
				want, werr := jpeg.Decode(bytes.NewReader(c))
				got, gerr := Decode(bytes.NewReader(c), DecodeOptions{})
				if errors.Is(gerr, ErrUnsupported) {
					continue
				}
				if (werr == nil) != (gerr == nil) {
					t.Errorf("%s: image/jpeg error %v, ours %v", name, werr, gerr)
					continue
				}
				if werr == nil && got.Bounds() != want.Bounds() {
					t.Errorf("%s: bounds %v, image/jpeg %v", name, got.Bounds(), want.Bounds())
				}
			}
		}
	}
}

// TestUnsupportedPrecision checks that a 12-bit frame is left to image/jpeg.
func TestUnsupportedPrecision(t *testing.T) {
	b, err := os.ReadFile("testdata/s444.jpg")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte{0xff, markerSOF0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	b[i+4] = 12
	if _, err := Decode(bytes.NewReader(b), DecodeOptions{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("12-bit frame: error %v, want ErrUnsupported", err)
	}
	if _, err := Decode(bytes.NewReader(b), DecodeOptions{Shrink: 3}); err == nil {
		t.Errorf("Shrink 3: no error")
	}
}

// TestDecodeGenerated decodes pictures encoded by image/jpeg (4:2:0 and
// gray) at odd sizes and several qualities, and by this package's encoder
// with restart markers.
func TestDecodeGenerated(t *testing.T) {
	old := minParallelPixels
	minParallelPixels = 0
	defer func() { minParallelPixels = old }()
	for _, sz := range [][2]int{{1, 1}, {7, 3}, {33, 17}, {250, 131}, {513, 257}} {
		m := photo(sz[0], sz[1])
		for _, img := range []image.Image{m, rgbaToGray(m)} {
			for _, q := range []int{10, 75, 100} {
				var buf bytes.Buffer
				if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
					t.Fatal(err)
				}
				checkSame(t, fmt.Sprintf("image/jpeg %T %dx%d q%d", img, sz[0], sz[1], q), buf.Bytes())
				buf.Reset()
				if err := Encode(&buf, img, EncodeOptions{Quality: q, Workers: 3}); err != nil {
					t.Fatal(err)
				}
				checkSame(t, fmt.Sprintf("ours %T %dx%d q%d", img, sz[0], sz[1], q), buf.Bytes())
			}
		}
	}
}

func TestDecodeConfig(t *testing.T) {
	for name, b := range testFiles(t) {
		want, werr := jpeg.DecodeConfig(bytes.NewReader(b))
		got, gerr := DecodeConfig(bytes.NewReader(b))
		if werr != nil || gerr != nil {
			t.Errorf("%s: image/jpeg error %v, ours %v", name, werr, gerr)
			continue
		}
		if got != want {
			t.Errorf("%s: DecodeConfig = %+v, image/jpeg says %+v", name, got, want)
		}
	}
}

// TestManyTables decodes a stream with hundreds of distinct Huffman tables
// defined before the real ones: the result must not change, and the
// decoder must not allocate a table per segment (only a few go to the
// shared cache; the rest are rebuilt in place).
func TestManyTables(t *testing.T) {
	m := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range m.Pix {
		m.Pix[i] = uint8(i*7 + i/64*13)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	orig := buf.Bytes()
	// Insert the segments right after SOI: the stream's own DHT comes later
	// and replaces them.
	var extra []byte
	const n = 300
	for k := 0; k < n; k++ {
		codes := 1 + k%200
		seg := []byte{0xff, 0xc4, 0, 0, byte(k%2)<<4 | byte(k/2%2)}
		var counts [16]byte
		counts[7] = byte(codes) // codes of 8 bits
		seg = append(seg, counts[:]...)
		for v := 0; v < codes; v++ {
			seg = append(seg, byte(v+k/200))
		}
		l := len(seg) - 2
		seg[2], seg[3] = byte(l>>8), byte(l)
		extra = append(extra, seg...)
	}
	data := append(append(append([]byte{}, orig[:2]...), extra...), orig[2:]...)
	want, err := Decode(bytes.NewReader(orig), DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := Decode(bytes.NewReader(data), DecodeOptions{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.(*image.Gray).Pix, want.(*image.Gray).Pix) {
		t.Error("pixels differ with the extra tables")
	}
	if a, limit := after.TotalAlloc-before.TotalAlloc, uint64(allocBound(64, 48)); a > limit {
		t.Errorf("allocated %d bytes for %d tables, want <= %d", a, n, limit)
	}
}
