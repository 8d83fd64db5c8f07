package luma

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// check runs RGB or RGBA (vector kernel plus Go tail) and the Go version
// on the same pixels and fails on the first differing byte.
func check(t *testing.T, src []byte, n, step int) {
	t.Helper()
	got, want := make([]byte, n), make([]byte, n)
	if step == 3 {
		RGB(got, src)
		rgbGo(want, src, 0)
	} else {
		RGBA(got, src)
		rgbaGo(want, src, 0)
	}
	if !bytes.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%d pixels of %d bytes in %d: pixel %d %v is %d, Go gives %d",
					n, step, len(src), i, src[step*i:step*i+3], got[i], want[i])
			}
		}
	}
}

// TestKernels compares the vector kernels with the Go code, bit for bit, on
// random rows of every length up to 300 pixels, with src exactly as long
// as the pixels (the kernel must not read past it) or longer.
func TestKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := range 300 {
		for _, step := range []int{3, 4} {
			src := make([]byte, step*n+r.IntN(2)*r.IntN(8))
			for i := range src {
				src[i] = byte(r.Uint32())
			}
			check(t, src, n, step)
		}
	}
}

// TestExtremes checks every value of each channel with the others at 0
// and at 255, and gray pixels keeping their value.
func TestExtremes(t *testing.T) {
	for _, step := range []int{3, 4} {
		for c := range 3 {
			for _, other := range []byte{0, 255} {
				src := make([]byte, 256*step)
				for v := range 256 {
					for k := range step {
						src[v*step+k] = other
					}
					src[v*step+c] = byte(v)
				}
				check(t, src, 256, step)
			}
		}
		src := make([]byte, 256*step)
		for v := range 256 {
			for k := range step {
				src[v*step+k] = byte(v)
			}
		}
		got := make([]byte, 256)
		if step == 3 {
			RGB(got, src)
		} else {
			RGBA(got, src)
		}
		for v, g := range got {
			if int(g) != v {
				t.Fatalf("gray %d gives luma %d", v, g)
			}
		}
	}
}

// FuzzLuma is the differential fuzz target of both kernels: the input is
// the row, RGB and RGBA.
func FuzzLuma(f *testing.F) {
	f.Add([]byte("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"))
	f.Add(bytes.Repeat([]byte{255, 0, 128}, 40))
	f.Fuzz(func(t *testing.T, src []byte) {
		check(t, src, len(src)/3, 3)
		check(t, src, len(src)/4, 4)
	})
}

func benchLuma(b *testing.B, step int) {
	const n = 5120
	src := make([]byte, n*step)
	r := rand.New(rand.NewPCG(1, 1))
	for i := range src {
		src[i] = byte(r.Uint32())
	}
	dst := make([]byte, n)
	for b.Loop() {
		if step == 3 {
			RGB(dst, src)
		} else {
			RGBA(dst, src)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/1e6/b.Elapsed().Seconds(), "MP/s")
}

func BenchmarkRGB(b *testing.B)  { benchLuma(b, 3) }
func BenchmarkRGBA(b *testing.B) { benchLuma(b, 4) }
