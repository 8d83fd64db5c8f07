package jpeg

import (
	"bytes"
	"io"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestSkipToMarker checks the streaming skip over scan data against
// markerIndex on a wholly buffered input, with buffers small enough to cut
// every 0xFF pair.
func TestSkipToMarker(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte{0x00, 0x12, 0xff, 0xd0, 0xd7, 0xd8, 0xc4}
	for i := 0; i < 2000; i++ {
		b := make([]byte, rng.Intn(40))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		want := markerIndex(b, true)
		for _, size := range []int{2, 3, 5, 64} {
			var s source
			s.initAt(bytes.NewReader(b), 0, size)
			s.skipToMarker()
			if got := s.offset(s.pos); got != int64(want) {
				t.Fatalf("skipToMarker(% x) with a %d-byte buffer at %d, markerIndex says %d", b, size, got, want)
			}
		}
	}
}

// TestDecodeReaderAt decodes from readers that can and cannot read at an
// offset, starting in the middle of a file, with the parallel progressive
// path forced: the results must be the same, and a ReaderAt's offset is
// left alone.
func TestDecodeReaderAt(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	old := progParMinMCUs
	progParMinMCUs = 0
	defer func() { progParMinMCUs = old }()
	for _, name := range []string{"s420prog.jpg", "s444progrst5.jpg", "grayprogrst7.jpg", "s420.jpg"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := Decode(struct{ io.Reader }{bytes.NewReader(b)}, DecodeOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		prefix := []byte("not a JPEG")
		f, err := os.Create(filepath.Join(t.TempDir(), name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Write(append(prefix, b...)); err != nil {
			t.Fatal(err)
		}
		before := parScans.Load()
		for _, r := range []io.ReadSeeker{f, io.NewSectionReader(bytes.NewReader(append(prefix, b...)), 0, int64(len(prefix)+len(b)))} {
			if _, err := r.Seek(int64(len(prefix)), io.SeekStart); err != nil {
				t.Fatal(err)
			}
			got, err := Decode(r, DecodeOptions{})
			if err != nil {
				t.Fatalf("%s from %T: %v", name, r, err)
			}
			if p, err := psnr(got, want); err != nil || !math.IsInf(p, 1) {
				t.Errorf("%s from %T: differs: %.2f dB %v", name, r, p, err)
			}
			if off, _ := r.Seek(0, io.SeekCurrent); off != int64(len(prefix)) {
				t.Errorf("%s from %T: offset %d after Decode, want %d", name, r, off, len(prefix))
			}
		}
		if progressive := bytes.Contains(b, []byte{0xff, markerSOF2}); progressive && parScans.Load() == before {
			t.Errorf("%s: no scan ran in parallel", name)
		}
	}
}
