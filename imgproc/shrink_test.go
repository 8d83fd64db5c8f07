package imgproc

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"testing"
)

func TestJPEGShrinkChoice(t *testing.T) {
	tests := []struct {
		w, h, tw, th int
		filter       string
		want         int
	}{
		{5640, 3172, 2820, 1586, FilterBicubic, 1}, // ×0.5: the DCT would shape the result
		{5640, 3172, 1410, 793, FilterBicubic, 2},  // ×0.25
		{5640, 3172, 1692, 951, FilterBicubic, 1},  // ×0.3
		{5640, 3172, 564, 317, FilterBicubic, 4},   // ×0.1
		{5640, 3172, 100, 56, FilterBicubic, 8},
		{5640, 3172, 100, 56, FilterNearest, 1},
		{5640, 3172, 100, 1000, FilterBilinear, 1}, // one axis enlarged
		{10, 10, 1, 1, FilterBicubic, 8},           // ceil(10/8) = 2 ≥ 2*1
	}
	for _, tt := range tests {
		if got := jpegShrink(tt.w, tt.h, tt.tw, tt.th, tt.filter); got != tt.want {
			t.Errorf("jpegShrink(%d, %d, %d, %d, %s) = %d; want %d", tt.w, tt.h, tt.tw, tt.th, tt.filter, got, tt.want)
		}
	}
}

// smoothPhoto is a picture with detail at every scale but no pixel-level
// noise, like a camera photo.
func smoothPhoto(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			v := 128 + 60*math.Sin(fx*13+fy*5)*math.Cos(fy*11-fx*3) + 30*math.Sin(float64(x*x+y*y)/2000)
			i := m.PixOffset(x, y)
			m.Pix[i] = uint8(min(max(v+40*fx, 0), 255))
			m.Pix[i+1] = uint8(min(max(v, 0), 255))
			m.Pix[i+2] = uint8(min(max(v-40*fy, 0), 255))
			m.Pix[i+3] = 255
		}
	}
	return m
}

// TestJPEGShrink checks that decoding a JPEG reduced in the DCT domain
// before a reduction of 2:1 or more gives what the full decode gives, to
// well within the noise of JPEG itself.
func TestJPEGShrink(t *testing.T) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, smoothPhoto(1200, 900), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	src := b.Bytes()
	for _, f := range []float64{0.25, 0.1, 0.03} {
		o := DefaultOptions()
		o.Scale = f
		h, err := checkHeader(src, o)
		if err != nil {
			t.Fatal(err)
		}
		s := jpegShrink(h.srcW, h.srcH, h.OutWidth, h.OutHeight, o.Filter)
		if s == 1 {
			t.Fatalf("×%.2f: no shrink chosen", f)
		}
		got, _, err := render(src, o)
		if err != nil {
			t.Fatal(err)
		}
		m, err := decode(h, src, decodeHint{gray: true, shrink: 1})
		if err != nil {
			t.Fatal(err)
		}
		want := transform(toGray(m, false), h, o, true)
		if p := psnr(want, got); p < 45 {
			t.Errorf("×%.2f (shrink %d): PSNR %.1f dB against the full decode", f, s, p)
		} else {
			t.Logf("×%.2f (shrink %d): PSNR %.1f dB against the full decode", f, s, p)
		}
	}
}
