package jpeg

import (
	"fmt"
	"image"
	"math"
)

// samples returns the sample planes of m (inside its bounds) with their
// widths and heights, in a form comparable across decoders.
func samples(m image.Image) (planes [][]byte, err error) {
	b := m.Bounds()
	crop := func(pix []byte, stride, x0, y0, w, h, bpp int) []byte {
		out := make([]byte, 0, w*h*bpp)
		for y := 0; y < h; y++ {
			o := (y0+y)*stride + x0*bpp
			out = append(out, pix[o:o+w*bpp]...)
		}
		return out
	}
	switch m := m.(type) {
	case *image.Gray:
		return [][]byte{crop(m.Pix, m.Stride, 0, 0, b.Dx(), b.Dy(), 1)}, nil
	case *image.YCbCr:
		// One Y, Cb and Cr sample per pixel, chroma repeated as sampled.
		var y, cb, cr []byte
		for py := b.Min.Y; py < b.Max.Y; py++ {
			for px := b.Min.X; px < b.Max.X; px++ {
				y = append(y, m.Y[m.YOffset(px, py)])
				cb = append(cb, m.Cb[m.COffset(px, py)])
				cr = append(cr, m.Cr[m.COffset(px, py)])
			}
		}
		return [][]byte{y, cb, cr}, nil
	case *image.RGBA:
		return [][]byte{crop(m.Pix, m.Stride, 0, 0, b.Dx(), b.Dy(), 4)}, nil
	case *image.CMYK:
		return [][]byte{crop(m.Pix, m.Stride, 0, 0, b.Dx(), b.Dy(), 4)}, nil
	}
	return nil, fmt.Errorf("unexpected image type %T", m)
}

// psnr compares two images of the same type and bounds, over all their
// sample planes. Identical images give +Inf.
func psnr(a, b image.Image) (float64, error) {
	if a.Bounds() != b.Bounds() {
		return 0, fmt.Errorf("bounds %v and %v differ", a.Bounds(), b.Bounds())
	}
	if fmt.Sprintf("%T", a) != fmt.Sprintf("%T", b) {
		return 0, fmt.Errorf("types %T and %T differ", a, b)
	}
	if ya, ok := a.(*image.YCbCr); ok && ya.SubsampleRatio != b.(*image.YCbCr).SubsampleRatio {
		return 0, fmt.Errorf("subsample ratios %v and %v differ", ya.SubsampleRatio, b.(*image.YCbCr).SubsampleRatio)
	}
	pa, err := samples(a)
	if err != nil {
		return 0, err
	}
	pb, err := samples(b)
	if err != nil {
		return 0, err
	}
	var se float64
	n := 0
	for i := range pa {
		for j := range pa[i] {
			d := float64(pa[i][j]) - float64(pb[i][j])
			se += d * d
		}
		n += len(pa[i])
	}
	if n == 0 || se == 0 {
		return math.Inf(1), nil
	}
	return 10 * math.Log10(255*255/(se/float64(n))), nil
}
