package imgproc

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"},
		{"\xff\xd8\xff", "jpeg"},
		{"\xff\xd8", ""},
		{"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", "png"},
		{"\x89PNG\r\n\x1a", ""},
		{"GIF89a\x01\x00", "gif"},
		{"GIF87a", "gif"},
		{"GIF88a", ""},
		{"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00", "bmp"},
		{"BM\x36\x00\x0c\x00\x01\x00\x00\x00", ""}, // reserved words not zero
		{"BM", ""},
		{"II*\x00\x08\x00\x00\x00", "tiff"},
		{"MM\x00*\x00\x00\x00\x08", "tiff"},
		{"RIFF\x24\x00\x00\x00WEBPVP8 ", "webp"},
		{"RIFF\x24\x00\x00\x00WAVEfmt ", ""},
		{"POST / HTTP/1.1\r\n", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("Sniff(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestSniffLooksAt16Bytes checks that bytes after the 16th never matter.
func TestSniffLooksAt16Bytes(t *testing.T) {
	b := []byte("RIFF\x24\x00\x00\x00WEBPVP8 ")
	if Sniff(b[:12]) != "webp" {
		t.Fatal("12 bytes should be enough for WebP")
	}
	long := append(bytes.Repeat([]byte{0}, 16), []byte("\xff\xd8\xff")...)
	if got := Sniff(long); got != "" {
		t.Errorf("Sniff found %q past byte 16", got)
	}
}

// TestSniffAgreesWithDecoders checks Sniff against the format the standard
// registry reports for real files.
func TestSniffAgreesWithDecoders(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "*"))
	more, _ := filepath.Glob(filepath.Join("testdata", "formats", "*"))
	files = append(files, more...)
	if len(files) == 0 {
		t.Skip("no test images")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, format, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			continue
		}
		if got := Sniff(b); got != format {
			t.Errorf("%s: Sniff = %q; image.DecodeConfig says %q", filepath.Base(f), got, format)
		}
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("\xff\xd8\xff"))
	f.Add([]byte("RIFF\x24\x00\x00\x00WEBP"))
	f.Add([]byte("BM\x36\x00\x0c\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got := Sniff(b)
		if len(b) > sniffLen && Sniff(b[:sniffLen]) != got {
			t.Errorf("Sniff depends on bytes past %d", sniffLen)
		}
		if got != "" && codecs[got].decode == nil {
			t.Errorf("Sniff returned %q, which has no decoder", got)
		}
	})
}
