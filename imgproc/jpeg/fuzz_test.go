package jpeg

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// huffTableSize is about the size of a huffTable.
const huffTableSize = 2 + 2<<lutBits + 2<<lutBits + 8<<lutBits + 2*17*4 + 256

// maxFuzzPixels skips inputs whose declared size is larger, as image/jpeg's
// own fuzz test does.
const maxFuzzPixels = 1 << 20

// allocBound is the most heap this package may allocate to decode a w x h
// frame: a fixed part (read buffer and the like, up to 12 Huffman tables:
// cachedTables new ones in the shared cache and 8 of the decoder's own) plus
// a few bytes per padded pixel.
func allocBound(w, h int) uint64 {
	pw, ph := uint64(w+31)&^31, uint64(h+31)&^31
	return 112<<10 + 12*huffTableSize + 24*pw*ph
}

// FuzzDecode runs image/jpeg and this package on the same input. They must
// agree on DecodeConfig, accept and reject the same streams (this package may
// defer with ErrUnsupported), return the same image type and bounds, and
// this package must not allocate more than allocBound of the declared size.
// Run it with a short minimization time, or the seeds' size makes each new
// input take a minute to minimize:
//
//	go test -run XXX -fuzz FuzzDecode -fuzztime 60s -fuzzminimizetime 200x
func FuzzDecode(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{
		filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "*.jpeg"),
		"testdata/*.jpg",
	} {
		m, _ := filepath.Glob(pattern)
		seeds = append(seeds, m...)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// Odd-length inputs take the parallel paths (pipeline,
		// speculation, parallel progressive scans) at any size.
		forced := len(b)%2 == 1
		if forced {
			p, sm, sb, pp := pipelineMinMCUs, specMinMCUs, specMinBytes, progParMinMCUs
			pipelineMinMCUs, specMinMCUs, specMinBytes, progParMinMCUs = 0, 0, 64, 0
			defer func() { pipelineMinMCUs, specMinMCUs, specMinBytes, progParMinMCUs = p, sm, sb, pp }()
		}
		wcfg, werr := jpeg.DecodeConfig(bytes.NewReader(b))
		gcfg, gerr := DecodeConfig(bytes.NewReader(b))
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("DecodeConfig: image/jpeg error %v, ours %v", werr, gerr)
		}
		if werr != nil {
			return
		}
		if wcfg != gcfg {
			t.Fatalf("DecodeConfig: image/jpeg %+v, ours %+v", wcfg, gcfg)
		}
		if wcfg.Width*wcfg.Height > maxFuzzPixels {
			return
		}
		want, werr := jpeg.Decode(bytes.NewReader(b))

		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got, gerr := Decode(bytes.NewReader(b), DecodeOptions{})
		runtime.ReadMemStats(&after)
		bound := allocBound(wcfg.Width, wcfg.Height)
		if forced {
			// Table copies of up to maxParScans parallel scans.
			bound += 2 * maxParScans * uint64(huffTableSize)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > bound {
			t.Fatalf("allocated %d bytes for a %dx%d frame, want <= %d", n, wcfg.Width, wcfg.Height, bound)
		}
		if errors.Is(gerr, ErrUnsupported) {
			return // the caller falls back to image/jpeg
		}
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("Decode: image/jpeg error %v, ours %v", werr, gerr)
		}
		if werr != nil {
			return
		}
		if got.Bounds() != want.Bounds() {
			t.Fatalf("bounds: image/jpeg %v, ours %v", want.Bounds(), got.Bounds())
		}
		// Pixels are compared on valid streams by the other tests: on
		// corrupt ones, coefficients far out of range overflow each
		// decoder's fixed-point inverse DCT differently.
		if _, err := psnr(got, want); err != nil {
			t.Fatalf("result: %v", err)
		}
		// The reduced paths must reach the same decision without panicking.
		for _, o := range []DecodeOptions{{GrayOnly: true}, {Shrink: 2}, {GrayOnly: true, Shrink: 8}} {
			m, err := Decode(bytes.NewReader(b), o)
			if errors.Is(err, ErrUnsupported) {
				continue
			}
			if err != nil {
				t.Fatalf("Decode(%+v): %v, but the full decode succeeded", o, err)
			}
			s := max(o.Shrink, 1)
			wantB := image.Rect(0, 0, (wcfg.Width+s-1)/s, (wcfg.Height+s-1)/s)
			if wantB.Empty() {
				wantB = image.Rectangle{} // what SubImage gives, as in image/jpeg
			}
			if m.Bounds() != wantB {
				t.Fatalf("Decode(%+v): bounds %v, want %v", o, m.Bounds(), wantB)
			}
			if _, ok := m.(*image.Gray); o.GrayOnly && !ok {
				t.Fatalf("Decode(%+v): got %T, want *image.Gray", o, m)
			}
		}
	})
}
