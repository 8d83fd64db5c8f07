package imgproc

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

func encodeWith(t *testing.T, m image.Image, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := enc(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// inputsByFormat returns one or more encoded samples of every input format.
func inputsByFormat(t *testing.T) map[string][]byte {
	m := to8(pattern(60, 40))
	in := map[string][]byte{
		"bmp":  encodeWith(t, m, func(b *bytes.Buffer, m image.Image) error { return bmp.Encode(b, m) }),
		"tiff": encodeWith(t, m, func(b *bytes.Buffer, m image.Image) error { return tiff.Encode(b, m, nil) }),
		"gif":  encodeWith(t, m, func(b *bytes.Buffer, m image.Image) error { return gif.Encode(b, m, nil) }),
		"png":  encodeWith(t, m, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) }),
		"jpeg": encodeWith(t, m, func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) }),
	}
	webps, _ := filepath.Glob(filepath.Join("testdata", "formats", "*.webp"))
	for _, f := range webps {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		in["webp "+filepath.Base(f)] = b
	}
	return in
}

// TestProcessFormats runs every input format through every output mode and
// checks the decoded result's type and size.
func TestProcessFormats(t *testing.T) {
	for name, src := range inputsByFormat(t) {
		for _, o := range []Options{
			DefaultOptions(),
			{Scale: 0.5, Gray: true, Format: "png", Filter: "bilineal"},
			{Scale: 1.5, Format: "jpeg", Quality: 90, Filter: "cercano"},
			{Width: 17, Format: "png", Filter: "bicubico"},
		} {
			var out bytes.Buffer
			info, err := Process(src, &out, o)
			if err != nil {
				t.Errorf("%s %+v: %v", name, o, err)
				continue
			}
			m, format, err := image.Decode(&out)
			if err != nil || format != o.Format {
				t.Errorf("%s %+v: output %q: %v", name, o, format, err)
				continue
			}
			if b := m.Bounds(); b.Dx() != info.OutWidth || b.Dy() != info.OutHeight {
				t.Errorf("%s: output %v; Info says %dx%d", name, b, info.OutWidth, info.OutHeight)
			}
			if ow, oh := o.OutputSize(info.Width, info.Height); ow != info.OutWidth || oh != info.OutHeight {
				t.Errorf("%s: Info %+v disagrees with OutputSize", name, info)
			}
			_, isGray := m.(*image.Gray)
			if o.Gray && o.Format == "jpeg" && !isGray {
				t.Errorf("%s: gray JPEG decodes as %T", name, m)
			}
			if !o.Gray && isGray && name != "gif" {
				t.Errorf("%s: colour output decodes as %T", name, m)
			}
		}
	}
}

// TestAlpha checks that JPEG output composites transparency over white and
// PNG output keeps it, in gray and in colour.
func TestAlpha(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	for i := 0; i < len(m.Pix); i += 4 {
		copy(m.Pix[i:], []byte{255, 0, 0, 0}) // invisible red
	}
	src := encodeWith(t, m, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) })
	for _, gray := range []bool{true, false} {
		o := DefaultOptions()
		o.Gray = gray
		o.Quality = 100
		out, _, err := render(src, o)
		if err != nil {
			t.Fatal(err)
		}
		r, g, b, a := out.At(3, 3).RGBA()
		if r>>8 != 255 || g>>8 != 255 || b>>8 != 255 || a != 0xffff {
			t.Errorf("gray=%v JPEG: transparent pixel became %v; want white", gray, out.At(3, 3))
		}
		o.Format = "png"
		out, _, err = render(src, o)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, a := out.At(3, 3).RGBA(); a != 0 {
			t.Errorf("gray=%v PNG: alpha %d; want 0", gray, a)
		}
	}
}

// TestLuma checks Pillow's convert("L") values, printed by Pillow 9.4 for
// these RGB triples.
func TestLuma(t *testing.T) {
	tests := []struct {
		r, g, b, want uint8
	}{
		{255, 0, 0, 76}, {0, 255, 0, 150}, {0, 0, 255, 29}, {12, 200, 77, 130},
		{128, 128, 128, 128}, {255, 255, 255, 255}, {1, 2, 3, 2}, {250, 3, 199, 99},
	}
	for _, tt := range tests {
		if got := luma(tt.r, tt.g, tt.b); got != tt.want {
			t.Errorf("luma(%d, %d, %d) = %d; want %d", tt.r, tt.g, tt.b, got, tt.want)
		}
		m := image.NewRGBA(image.Rect(0, 0, 1, 1))
		m.Set(0, 0, color.RGBA{tt.r, tt.g, tt.b, 255})
		if got := toGray(m, false).pix[0]; got != tt.want {
			t.Errorf("toGray(%d, %d, %d) = %d; want %d", tt.r, tt.g, tt.b, got, tt.want)
		}
	}
}

// TestGrayFastPathsAgree checks the per-type gray conversions against the
// generic path (At) on the same pixels.
func TestGrayFastPathsAgree(t *testing.T) {
	base := withAlpha(pattern(50, 30))
	nrgba := to8(base)
	rgba := image.NewRGBA(nrgba.Bounds())
	for y := range 30 {
		for x := range 50 {
			rgba.Set(x, y, nrgba.At(x, y))
		}
	}
	type generic struct{ image.Image } // hides the concrete type
	for _, keepAlpha := range []bool{false, true} {
		want := toGray(generic{nrgba}, keepAlpha)
		for name, m := range map[string]image.Image{"NRGBA": nrgba, "NRGBA64": base} {
			got := toGray(m, keepAlpha)
			if string(got.pix) != string(want.pix) {
				t.Errorf("%s keepAlpha=%v: differs from the generic path", name, keepAlpha)
			}
		}
		// Premultiplied storage loses precision at low alpha: compare
		// with a tolerance of one level.
		got := toGray(rgba, keepAlpha)
		for i := range got.pix {
			if d := int(got.pix[i]) - int(want.pix[i]); d < -1 || d > 1 {
				t.Errorf("RGBA keepAlpha=%v: byte %d = %d; generic %d", keepAlpha, i, got.pix[i], want.pix[i])
				break
			}
		}
	}
}

// TestYCbCrUsesYPlane checks that gray output from a YCbCr JPEG is its Y
// plane, untouched (the luma-only decode gives the same Y plane as the full
// decode).
func TestYCbCrUsesYPlane(t *testing.T) {
	src := inputsByFormat(t)["jpeg"]
	m, err := decode(header{Info: Info{Format: "jpeg"}}, src, decodeHint{}) // full YCbCr
	if err != nil {
		t.Fatal(err)
	}
	y, ok := m.(*image.YCbCr)
	if !ok {
		t.Fatalf("decoded %T", m)
	}
	out, _, err := render(src, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	g := out.(*image.Gray)
	for row := range 40 {
		if string(g.Pix[row*g.Stride:row*g.Stride+60]) != string(y.Y[row*y.YStride:row*y.YStride+60]) {
			t.Fatalf("row %d differs from the Y plane", row)
		}
	}
}

// TestOrientationPipeline checks that orienting before or after resampling
// (the pipeline picks the cheaper) gives the same picture as orienting the
// decoded image and then resampling.
func TestOrientationPipeline(t *testing.T) {
	for o := 1; o <= 8; o++ {
		src := readInput(t, "gen-exif"+string(rune('0'+o))+".jpeg")
		base, err := jpeg.Decode(bytes.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		upright := orient(yPlane(base.(*image.YCbCr)), o)
		for _, f := range []float64{0.5, 1.5} {
			opts := DefaultOptions()
			opts.Scale = f
			got, info, err := render(src, opts)
			if err != nil {
				t.Fatal(err)
			}
			want := newPlane(info.OutWidth, info.OutHeight, 1)
			resample(want, upright, opts.Filter)
			wantImg := &image.Gray{Pix: want.pix, Stride: want.stride, Rect: image.Rect(0, 0, want.w, want.h)}
			if p := psnr(wantImg, got); p < 45 {
				t.Errorf("orientation %d ×%.1f: PSNR %.1f dB against orient-then-resize", o, f, p)
			}
		}
	}
}

// TestProcessGoTestdata runs every image of the Go tree's image/testdata
// through Process; the only failure allowed is a decoding error.
func TestProcessGoTestdata(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "*"))
	if len(files) == 0 {
		t.Skip("GOROOT/src/image/testdata not found")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := Process(src, &out, DefaultOptions()); err != nil {
			if e, ok := err.(*Error); !ok || e.Kind != KindDecode {
				t.Errorf("%s: %v", filepath.Base(f), err)
			}
			continue
		}
		if _, err := jpeg.Decode(&out); err != nil {
			t.Errorf("%s: output is not a JPEG: %v", filepath.Base(f), err)
		}
	}
}
