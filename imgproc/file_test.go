package imgproc

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func goroot(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(runtime.GOROOT(), "src", "image", "testdata", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("GOROOT test image missing: %v", err)
	}
	return p
}

// processPaths runs ProcessFile as the server and a worker do: input opened
// read-only, output created write-only, both closed afterwards.
func processPaths(t *testing.T, input, output string, o Options) (Info, int64, error) {
	t.Helper()
	in, err := os.Open(input)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(output, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	return ProcessFile(in, out, o)
}

// TestProcessFile runs three jobs as a worker does and checks each output
// file against Process on the same bytes.
func TestProcessFile(t *testing.T) {
	dir := t.TempDir()
	in := goroot(t, "video-001.png")
	src, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}

	o := DefaultOptions()
	o.Scale = 0.5
	jpegOut := filepath.Join(dir, "a.jpg.tmp")
	info, size, err := processPaths(t, in, jpegOut, o)
	wantW, wantH := cfg.Width/2, cfg.Height/2
	if err != nil || info.Format != "png" || info.OutWidth != wantW || info.OutHeight != wantH {
		t.Fatalf("ProcessFile = %+v, %v; want png → %dx%d", info, err, wantW, wantH)
	}
	got, err := os.ReadFile(jpegOut)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(got)) != size {
		t.Errorf("size = %d; output file has %d", size, len(got))
	}
	// The worker's output is exactly what Process writes for the same options.
	var want bytes.Buffer
	if _, err := Process(src, &want, o); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("worker output (%d bytes) differs from Process output (%d bytes)", len(got), want.Len())
	}
	m, err := jpeg.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("output is not a JPEG: %v", err)
	}
	if _, ok := m.(*image.Gray); !ok || m.Bounds().Dx() != wantW || m.Bounds().Dy() != wantH {
		t.Errorf("output is %T %v; want gray %dx%d", m, m.Bounds(), wantW, wantH)
	}

	// A second job on the same connection, with other options: colour PNG
	// at a fixed width.
	o = DefaultOptions()
	o.Gray, o.Format, o.Width = false, FormatPNG, 40
	pngOut := filepath.Join(dir, "b.png.tmp")
	info, _, err = processPaths(t, goroot(t, "video-001.jpeg"), pngOut, o)
	if err != nil || info.Format != "jpeg" || info.OutWidth != 40 {
		t.Fatalf("ProcessFile = %+v, %v; want jpeg → 40 wide", info, err)
	}
	f, err := os.Open(pngOut)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pm, err := png.Decode(f)
	if err != nil {
		t.Fatalf("output is not a PNG: %v", err)
	}
	if pm.Bounds().Dx() != 40 || pm.Bounds().Dy() != info.OutHeight {
		t.Errorf("PNG output is %v; want 40x%d", pm.Bounds(), info.OutHeight)
	}
}

// TestProcessFileFailures checks that each failure is an *Error with the
// status of its cause.
func TestProcessFileFailures(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("esto no es una imagen"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := goroot(t, "video-001.png")
	wronly := filepath.Join(dir, "wronly")
	if err := os.WriteFile(wronly, []byte("\x89PNG\r\n\x1a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := DefaultOptions()
	bad.Scale = -1
	tiny := DefaultOptions()
	tiny.MaxPixels = 100
	open := func(path string, flag int) *os.File {
		f, err := os.OpenFile(path, flag|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}

	tests := []struct {
		name    string
		in, out *os.File
		opts    Options
		want    int
	}{
		{"not an image", open(garbage, os.O_RDONLY), nil, DefaultOptions(), 415},
		{"bad option", open(good, os.O_RDONLY), nil, bad, 400},
		{"over pixel limit", open(good, os.O_RDONLY), nil, tiny, 413},
		// A descriptor the worker cannot read, or write.
		{"unreadable input", open(wronly, os.O_WRONLY), nil, DefaultOptions(), 500},
		{"unwritable output", open(good, os.O_RDONLY), open(good, os.O_RDONLY), DefaultOptions(), 500},
	}
	for i, tt := range tests {
		if tt.out == nil {
			tt.out = open(filepath.Join(dir, "out"+string(rune('a'+i))), os.O_WRONLY)
		}
		_, size, err := ProcessFile(tt.in, tt.out, tt.opts)
		var ie *Error
		if !errors.As(err, &ie) || ie.Status() != tt.want || ie.Msg == "" || size != 0 {
			t.Errorf("%s: ProcessFile = %d, %v; want an *Error with status %d", tt.name, size, err, tt.want)
		}
		if tt.want == 500 && ie != nil && ie.Err == nil {
			t.Errorf("%s: a 500 carries no cause for the log", tt.name)
		}
	}
	// A truncated image is either processed (the decoder tolerates it) or
	// refused as damaged; never a crash.
	truncated := goroot(t, "video-001.progressive.truncated.jpeg")
	_, _, err := processPaths(t, truncated, filepath.Join(dir, "t"), DefaultOptions())
	var ie *Error
	if err != nil && (!errors.As(err, &ie) || ie.Status() != 422) {
		t.Errorf("truncated JPEG: ProcessFile = %v; want success or 422", err)
	}
}
