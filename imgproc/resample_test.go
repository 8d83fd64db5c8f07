package imgproc

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"golang.org/x/image/draw"
)

// TestResampleMatchesPillow checks 1-D resizes against values printed by
// Pillow 9.4 for the same row: Image.new("L", (8, 1)) with
// [0, 10, 20, 200, 255, 30, 90, 180], resized to the given width.
func TestResampleMatchesPillow(t *testing.T) {
	row := []byte{0, 10, 20, 200, 255, 30, 90, 180}
	tests := []struct {
		filter string
		w      int
		want   []byte
	}{
		{FilterBicubic, 3, []byte{15, 159, 113}},
		{FilterBicubic, 13, []byte{0, 3, 10, 4, 60, 184, 253, 240, 78, 29, 87, 149, 187}},
		{FilterBilinear, 5, []byte{4, 51, 211, 87, 143}},
		{FilterNearest, 5, []byte{0, 20, 255, 30, 180}},
		{FilterNearest, 13, []byte{0, 0, 10, 20, 20, 200, 255, 255, 30, 30, 90, 180, 180}},
	}
	for _, tt := range tests {
		src := plane{pix: row, w: 8, h: 1, stride: 8, n: 1}
		dst := newPlane(tt.w, 1, 1)
		resample(dst, src, tt.filter)
		if !slices.Equal(dst.pix, tt.want) {
			t.Errorf("%s to %d: got %v; want %v", tt.filter, tt.w, dst.pix, tt.want)
		}
		// The same row as a column goes through the vertical pass.
		col := plane{pix: row, w: 1, h: 8, stride: 1, n: 1}
		dst = newPlane(1, tt.w, 1)
		resample(dst, col, tt.filter)
		if !slices.Equal(dst.pix, tt.want) {
			t.Errorf("%s to %d vertically: got %v; want %v", tt.filter, tt.w, dst.pix, tt.want)
		}
	}
}

// noisy returns a w×h gray image of smooth gradients plus noise.
func noisy(w, h int, seed uint64) *image.Gray {
	r := rand.New(rand.NewPCG(seed, 1))
	m := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := (x*255/w+y*255/h)/2 + r.IntN(64) - 32
			m.Pix[y*m.Stride+x] = uint8(min(max(v, 0), 255))
		}
	}
	return m
}

// TestResampleAgainstXDraw compares our resampler with x/image/draw's
// kernel scalers, which compute in floating point: the results must agree
// closely at every factor, up and down.
func TestResampleAgainstXDraw(t *testing.T) {
	src := noisy(301, 207, 1)
	for _, tt := range []struct {
		filter string
		ref    draw.Interpolator
		minDB  float64
	}{
		{FilterBicubic, draw.CatmullRom, 40},
		{FilterBilinear, draw.BiLinear, 40},
		{FilterNearest, draw.NearestNeighbor, 99},
	} {
		for _, f := range []float64{0.1, 0.33, 0.5, 0.77, 1, 1.5, 2.3} {
			w, h := max(1, int(301*f)), max(1, int(207*f))
			dst := newPlane(w, h, 1)
			resample(dst, grayPlane(src), tt.filter)
			ref := image.NewGray(image.Rect(0, 0, w, h))
			tt.ref.Scale(ref, ref.Bounds(), src, src.Bounds(), draw.Src, nil)
			got := &image.Gray{Pix: dst.pix, Stride: dst.stride, Rect: ref.Rect}
			if p := psnr(ref, got); p < tt.minDB {
				t.Errorf("%s ×%.2f: PSNR %.1f dB against x/image/draw; want ≥ %.0f", tt.filter, f, p, tt.minDB)
			}
		}
	}
}

// TestResampleChannelsAgree checks the 2- and 4-channel paths against the
// 1-channel path on images whose channels are copies of one gray image.
func TestResampleChannelsAgree(t *testing.T) {
	g := noisy(97, 61, 2)
	for _, n := range []int{2, 4} {
		src := newPlane(97, 61, n)
		for i, v := range g.Pix {
			for c := range n {
				src.pix[i*n+c] = v
			}
		}
		for _, filter := range []string{FilterBicubic, FilterBilinear, FilterNearest} {
			for _, size := range [][2]int{{40, 30}, {150, 90}, {97, 20}, {20, 61}} {
				want := newPlane(size[0], size[1], 1)
				resample(want, grayPlane(g), filter)
				got := newPlane(size[0], size[1], n)
				resample(got, src, filter)
				for i, v := range want.pix {
					for c := range n {
						if got.pix[i*n+c] != v {
							t.Fatalf("n=%d %s %v: pixel %d channel %d = %d; want %d", n, filter, size, i, c, got.pix[i*n+c], v)
						}
					}
				}
			}
		}
	}
}

// TestResampleBandsAgree checks that splitting the output rows into bands,
// as the parallel path does, changes nothing.
func TestResampleBandsAgree(t *testing.T) {
	src := grayPlane(noisy(120, 333, 3))
	for _, h := range []int{100, 333, 500} {
		hw, vw := newWeights(120, 77, bicubicKernel), newWeights(333, h, bicubicKernel)
		whole, split := newPlane(77, h, 1), newPlane(77, h, 1)
		resampleBand(whole, src, hw, vw, 0, h)
		for _, cut := range [][2]int{{0, 1}, {1, h / 3}, {h / 3, h/3 + 1}, {h/3 + 1, h}} {
			resampleBand(split, src, hw, vw, cut[0], cut[1])
		}
		if !slices.Equal(whole.pix, split.pix) {
			t.Errorf("height %d: banded result differs", h)
		}
	}
}

// TestWeightsSumToOne checks the fixed-point normalisation and that
// downscaling widens the support (every input pixel is used).
func TestWeightsSumToOne(t *testing.T) {
	for _, sizes := range [][2]int{{100, 10}, {100, 37}, {10, 100}, {7, 3}, {1, 5}, {5, 1}} {
		w := newWeights(sizes[0], sizes[1], bicubicKernel)
		used := make([]bool, sizes[0])
		for i := range sizes[1] {
			start, k := w.taps(i)
			var sum int64
			for j, v := range k {
				sum += int64(v)
				used[start+j] = true
			}
			if d := sum - 1<<precisionBits; d < -int64(len(k)) || d > int64(len(k)) {
				t.Errorf("%v: output %d weights sum to %d", sizes, i, sum)
			}
		}
		if slices.Contains(used, false) {
			t.Errorf("%v: some input pixels have no weight", sizes)
		}
	}
}
