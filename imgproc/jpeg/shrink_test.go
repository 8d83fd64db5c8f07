package jpeg

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// boxShrink averages s x s cells of g (clipped at the edges).
func boxShrink(g *image.Gray, s int) *image.Gray {
	b := g.Bounds()
	out := image.NewGray(image.Rect(0, 0, (b.Dx()+s-1)/s, (b.Dy()+s-1)/s))
	for y := 0; y < out.Rect.Dy(); y++ {
		for x := 0; x < out.Rect.Dx(); x++ {
			sum, n := 0, 0
			for yy := y * s; yy < min(y*s+s, b.Dy()); yy++ {
				for xx := x * s; xx < min(x*s+s, b.Dx()); xx++ {
					sum += int(g.GrayAt(b.Min.X+xx, b.Min.Y+yy).Y)
					n++
				}
			}
			out.Pix[y*out.Stride+x] = uint8((sum + n/2) / n)
		}
	}
	return out
}

// toGray returns the luma of m: the Y plane of a YCbCr image, BT.601 luma of
// others.
func toGray(m image.Image) *image.Gray {
	switch m := m.(type) {
	case *image.Gray:
		return m
	case *image.YCbCr:
		return &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}
	case *image.RGBA:
		return rgbaToGray(m)
	case *image.CMYK:
		return cmykToGray(m)
	}
	panic("unexpected type")
}

func testFiles(t *testing.T) map[string][]byte {
	files, _ := filepath.Glob("testdata/*.jpg")
	gofiles := goTestdataFiles(t)
	out := map[string][]byte{}
	for _, f := range append(files, gofiles...) {
		if unsupportedFiles[filepath.Base(f)] {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// TestGrayOnly checks the luma-only path against the full decode.
func TestGrayOnly(t *testing.T) {
	for name, b := range testFiles(t) {
		full, err := Decode(bytes.NewReader(b), DecodeOptions{})
		if err != nil {
			// image/jpeg rejects it too (TestDecodeTestdata).
			continue
		}
		for _, s := range []int{1, 2, 4, 8} {
			g, err := Decode(bytes.NewReader(b), DecodeOptions{GrayOnly: true, Shrink: s})
			if err != nil {
				t.Errorf("%s shrink %d: %v", name, s, err)
				continue
			}
			gg, ok := g.(*image.Gray)
			if !ok {
				t.Errorf("%s: GrayOnly gave %T", name, g)
				continue
			}
			if s != 1 {
				continue
			}
			want := toGray(full)
			if p, err := psnr(gg, want); err != nil || !math.IsInf(p, 1) {
				t.Errorf("%s: GrayOnly differs from the full decode's luma: %.2f dB %v", name, p, err)
			}
		}
	}
}

// TestShrink compares the DCT-domain reduced decode with image/jpeg's full
// decode averaged over s x s cells.
func TestShrink(t *testing.T) {
	minDB := map[int]float64{2: 30, 4: 30, 8: 30}
	for name, b := range testFiles(t) {
		ref, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			continue
		}
		for _, s := range []int{2, 4, 8} {
			g, err := Decode(bytes.NewReader(b), DecodeOptions{GrayOnly: true, Shrink: s})
			if err != nil {
				t.Errorf("%s shrink %d: %v", name, s, err)
				continue
			}
			want := boxShrink(toGray(ref), s)
			p, err := psnr(g, want)
			if err != nil {
				t.Errorf("%s shrink %d: %v", name, s, err)
				continue
			}
			t.Logf("%s shrink %d: %.2f dB", name, s, p)
			floor := minDB[s]
			if _, ok := ref.(*image.RGBA); ok && name == "video-001.rgb.jpeg" {
				// Subsampled G and B planes shrink to a quarter of the
				// output resolution, so the luma loses real detail.
				floor = 20
			}
			if p < floor {
				t.Errorf("%s shrink %d: PSNR %.2f dB against the averaged full decode, want >= %.0f", name, s, p, floor)
			}
		}
	}
}
