package imgproc

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestJPEGHeadersEnd(t *testing.T) {
	// SOI, APP0 of 4 bytes, a fill byte, DQT of 3, SOS of 4, then data.
	valid := []byte{0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2, 0xff, 0xff, 0xdb, 0, 3, 9, 0xff, 0xda, 0, 4, 7, 7, 0x12, 0x34}
	tests := []struct {
		name string
		in   []byte
		want int
	}{
		{"valid", valid, 20},
		{"just the headers", valid[:20], 20},
		{"SOS cut", valid[:19], 0},
		{"no SOS yet", valid[:14], 0},
		{"not a JPEG", []byte("\x89PNG\r\n\x1a\n...."), 0},
		{"bytes between segments", append(append([]byte{}, valid[:8]...), append([]byte{0}, valid[8:]...)...), 0},
		{"stand-alone marker", append([]byte{0xff, 0xd8, 0xff, 0xd0}, valid[2:]...), 0},
		{"short length", []byte{0xff, 0xd8, 0xff, 0xe0, 0, 1, 0xff, 0xda, 0, 2}, 0},
		{"empty", nil, 0},
	}
	for _, tt := range tests {
		if got := jpegHeadersEnd(tt.in); got != tt.want {
			t.Errorf("%s: jpegHeadersEnd(% x) = %d; want %d", tt.name, tt.in, got, tt.want)
		}
	}
}

// jpegTestFiles returns the JPEG test files: Go's and imgproc/jpeg's
// (arithmetic coding and RGB among them, which take other paths).
func jpegTestFiles(t *testing.T) map[string][]byte {
	t.Helper()
	a, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "*.jpeg"))
	b, _ := filepath.Glob(filepath.Join("jpeg", "testdata", "*.jpg"))
	out := map[string][]byte{}
	for _, f := range append(a, b...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = data
	}
	if len(out) < 10 {
		t.Fatalf("only %d JPEG test files", len(out))
	}
	return out
}

// TestRenderFromHeaders renders every JPEG test file from its headers and a
// reader of the whole file, as the worker does for large files, and
// compares with rendering from its bytes.
func TestRenderFromHeaders(t *testing.T) {
	n := 0
	for name, b := range jpegTestFiles(t) {
		end := jpegHeadersEnd(b)
		if end == 0 {
			continue
		}
		n++
		in := input{data: b[:end:end], file: bytes.NewReader(b), size: int64(len(b))}
		for _, o := range []Options{DefaultOptions(), {Scale: 0.25, Gray: false, Format: "png", Filter: "bilineal"}} {
			want, winfo, werr := render(b, o)
			got, ginfo, gerr := renderInput(in, o)
			if (werr == nil) != (gerr == nil) || winfo != ginfo {
				t.Errorf("%s %+v: from headers %v %+v; from bytes %v %+v", name, o, gerr, ginfo, werr, winfo)
				continue
			}
			if werr != nil {
				continue
			}
			if !sameImage(got, want) {
				t.Errorf("%s %+v: the images differ", name, o)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d files have plain headers", n)
	}
}

func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.NRGBA64Model.Convert(a.At(x, y)) != color.NRGBA64Model.Convert(b.At(x, y)) {
				return false
			}
		}
	}
	return true
}

// incompressible returns a w x h picture that compresses badly, to make big
// files.
func incompressible(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(7)
	for i := range m.Pix {
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		m.Pix[i] = byte(seed)
		if i%4 == 3 {
			m.Pix[i] = 255
		}
	}
	return m
}

// TestOpenInput checks which inputs the worker leaves in their file, and
// that ProcessFile writes the same output for them as Process on the bytes.
func TestOpenInput(t *testing.T) {
	dir := t.TempDir()
	big := incompressible(1000, 800)
	var bigJPEG, bigPNG bytes.Buffer
	if err := jpeg.Encode(&bigJPEG, big, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&bigPNG, big); err != nil {
		t.Fatal(err)
	}
	if bigJPEG.Len() < fileDirect || bigPNG.Len() < fileDirect {
		t.Fatalf("test files of %d and %d bytes, want >= %d", bigJPEG.Len(), bigPNG.Len(), fileDirect)
	}
	small, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "video-001.jpeg"))
	if err != nil {
		t.Skipf("GOROOT test image missing: %v", err)
	}
	for _, tt := range []struct {
		name   string
		data   []byte
		inFile bool
	}{
		{"big.jpg", bigJPEG.Bytes(), true},
		{"big.png", bigPNG.Bytes(), false},
		{"small.jpg", small, false},
	} {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, tt.data, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		in, file, err := openInput(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if (file != nil) != tt.inFile || (in.file != nil) != tt.inFile {
			t.Errorf("%s: left in its file %v; want %v", tt.name, file != nil, tt.inFile)
		}
		if tt.inFile && !bytes.Equal(in.data, tt.data[:jpegHeadersEnd(tt.data)]) {
			t.Errorf("%s: data are not the headers", tt.name)
		}
		if !tt.inFile && !bytes.Equal(in.data, tt.data) {
			t.Errorf("%s: data are not the file", tt.name)
		}

		o := DefaultOptions()
		o.Scale = 0.3
		out := filepath.Join(dir, tt.name+".out")
		if _, _, err := processPaths(t, path, out, o); err != nil {
			t.Fatalf("%s: ProcessFile: %v", tt.name, err)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if _, err := Process(tt.data, &want, o); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s: ProcessFile output (%d bytes) differs from Process output (%d bytes)", tt.name, len(got), want.Len())
		}
	}
}

// TestInputFileKeepsReadErrors checks that a failed read is kept for
// ProcessFile, and the end of the file is not.
func TestInputFileKeepsReadErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r := &inputFile{f: f}
	buf := make([]byte, 8)
	if n, err := r.ReadAt(buf, 1); n != 2 || err != io.EOF {
		t.Fatalf("ReadAt = %d, %v; want 2, EOF", n, err)
	}
	if err := r.err(); err != nil {
		t.Fatalf("err() = %v after reading to the end; want nil", err)
	}
	f.Close()
	if _, err := r.ReadAt(buf, 0); err == nil {
		t.Fatal("ReadAt on a closed file succeeded")
	}
	if err := r.err(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("err() = %v; want the read error", err)
	}
	if (*inputFile)(nil).err() != nil {
		t.Fatal("nil inputFile has an error")
	}
}
