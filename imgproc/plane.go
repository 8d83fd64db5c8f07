package imgproc

import (
	"image"
	"runtime"
	"sync"

	"procesa/imgproc/internal/bufpool"
)

// plane is an 8-bit image of n interleaved channels, the working format of
// the pipeline:
//
//	n == 1: luma (the Pix of an *image.Gray)
//	n == 2: luma and alpha, luma premultiplied by alpha
//	n == 4: R, G, B, A premultiplied by alpha (the Pix of an *image.RGBA)
//
// Premultiplied channels resample without colour bleeding from transparent
// pixels, as Pillow does when it resizes "LA" and "RGBA" images.
type plane struct {
	pix       []byte
	w, h      int
	stride, n int
	// prog, when not nil, says how many rows a decoder running
	// concurrently has written; readers wait for a row before reading it.
	prog *progress
}

// wait blocks until row y can be read and reports whether it can: false
// means that the producer failed (its error is in prog).
func (p plane) wait(y int) bool {
	return p.prog == nil || p.prog.wait(y)
}

// newPlane returns a zeroed plane, reusing memory a finished job left
// (see spent).
func newPlane(w, h, n int) plane {
	return plane{pix: bufpool.Get(w * h * n), w: w, h: h, stride: w * n, n: n}
}

// spent collects the large buffers of one job that are garbage once its
// result is encoded, and hands them to bufpool then, so that the next job
// reuses memory already paged in. Only whole allocations are added, each
// at its start; one added twice (the decoder's luma plane that became the
// output) is kept once. A nil *spent ignores everything.
type spent struct{ bufs [][]byte }

func (s *spent) add(b []byte) {
	if s == nil || cap(b) == 0 {
		return
	}
	for _, o := range s.bufs {
		if &o[:1][0] == &b[:1][0] {
			return
		}
	}
	s.bufs = append(s.bufs, b)
}

func (s *spent) release() {
	for _, b := range s.bufs {
		bufpool.Put(b)
	}
	s.bufs = nil
}

// imagePix returns the pixel buffer of the images toImage makes.
func imagePix(m image.Image) []byte {
	switch m := m.(type) {
	case *image.Gray:
		return m.Pix
	case *image.RGBA:
		return m.Pix
	case *image.NRGBA:
		return m.Pix
	}
	return nil
}

// row returns row y, exactly w*n bytes long.
func (p plane) row(y int) []byte {
	i := y * p.stride
	return p.pix[i : i+p.w*p.n : i+p.w*p.n]
}

// grayPlane wraps an *image.Gray without copying.
func grayPlane(m *image.Gray) plane {
	b := m.Bounds()
	return plane{pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], w: b.Dx(), h: b.Dy(), stride: m.Stride, n: 1}
}

// yPlane wraps the luma plane of an *image.YCbCr without copying.
func yPlane(m *image.YCbCr) plane {
	b := m.Bounds()
	return plane{pix: m.Y[m.YOffset(b.Min.X, b.Min.Y):], w: b.Dx(), h: b.Dy(), stride: m.YStride, n: 1}
}

// rgbaPlane wraps an *image.RGBA without copying.
func rgbaPlane(m *image.RGBA) plane {
	b := m.Bounds()
	return plane{pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], w: b.Dx(), h: b.Dy(), stride: m.Stride, n: 4}
}

// parallelRows calls fn on disjoint bands [y0, y1) covering [0, h), one
// band per available core when the work is large enough to be worth it.
// work is a rough cost per row (e.g. bytes touched); small jobs run inline.
func parallelRows(h, work int, fn func(y0, y1 int)) {
	const minWork = 1 << 16 // per band
	bands := runtime.GOMAXPROCS(0)
	if total := h * work; total/minWork < bands {
		bands = max(1, total/minWork)
	}
	bands = min(bands, h)
	if bands <= 1 {
		fn(0, h)
		return
	}
	var wg sync.WaitGroup
	for i := range bands {
		y0, y1 := h*i/bands, h*(i+1)/bands
		wg.Go(func() { fn(y0, y1) })
	}
	wg.Wait()
}
