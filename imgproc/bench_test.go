package imgproc

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/image/draw"
)

// The benchmarks work on a generated 20-megapixel "photo" (5472×3648, the
// size of a common camera sensor): smooth colour gradients with texture and
// noise, so that its JPEG has a realistic amount of entropy-coded data.
const benchW, benchH = 5472, 3648

var bench struct {
	once sync.Once
	rgba *image.RGBA
	jpg  []byte // quality 90, 4:2:0
	png  []byte
}

func benchImages(b *testing.B) {
	b.Helper()
	bench.once.Do(func() {
		m := image.NewRGBA(image.Rect(0, 0, benchW, benchH))
		parallelRows(benchH, benchW*4, func(y0, y1 int) {
			r := rand.New(rand.NewPCG(uint64(y0), 7))
			for y := y0; y < y1; y++ {
				row := m.Pix[y*m.Stride:]
				for x := range benchW {
					n := r.IntN(24)
					tex := (x*x/97 + y*3) % 40
					row[4*x+0] = uint8(min(255, x*200/benchW+n+tex))
					row[4*x+1] = uint8(min(255, y*200/benchH+n))
					row[4*x+2] = uint8(min(255, (x+y)*150/(benchW+benchH)+n+tex/2))
					row[4*x+3] = 255
				}
			}
		})
		bench.rgba = m
		var jb, pb bytes.Buffer
		if err := jpeg.Encode(&jb, m, &jpeg.Options{Quality: 90}); err != nil {
			panic(err)
		}
		bench.jpg = jb.Bytes()
		if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&pb, m); err != nil {
			panic(err)
		}
		bench.png = pb.Bytes()
	})
	b.ResetTimer()
}

// reportMPs reports megapixels per second for px pixels per iteration.
func reportMPs(b *testing.B, px int) {
	b.ReportMetric(float64(px)*float64(b.N)/1e6/b.Elapsed().Seconds(), "MP/s")
}

// reportCPU reports the CPU time of all threads per iteration since c0 (a
// usage() taken just before the loop): on a shared machine it moves less
// than the wall time, which includes waiting for a core.
func reportCPU(b *testing.B, c0 time.Duration) {
	c1, _ := usage()
	b.ReportMetric(float64((c1-c0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

func BenchmarkDecodeJPEG(b *testing.B) {
	benchImages(b)
	for b.Loop() {
		if _, err := decode(header{Info: Info{Format: "jpeg"}}, bench.jpg, decodeHint{gray: true}); err != nil {
			b.Fatal(err)
		}
	}
	reportMPs(b, benchW*benchH)
}

// BenchmarkDecodePNG is image/png, used for interlaced and low-depth PNGs.
func BenchmarkDecodePNG(b *testing.B) {
	benchImages(b)
	for b.Loop() {
		if _, err := decode(header{Info: Info{Format: "png"}}, bench.png, decodeHint{gray: true}); err != nil {
			b.Fatal(err)
		}
	}
	reportMPs(b, benchW*benchH)
}

// BenchmarkDecodePNGStream measures the streaming PNG decoder writing luma
// rows, the path Process takes for this file.
func BenchmarkDecodePNGStream(b *testing.B) {
	benchImages(b)
	ph, err := parsePNGHeader(bench.png)
	if err != nil {
		b.Fatal(err)
	}
	p := newPlane(ph.w, ph.h, 1)
	b.ResetTimer()
	c0, _ := usage()
	for b.Loop() {
		prog := newProgress()
		streamPNG(bench.png, ph, p, true, prog)
		if err := prog.result(); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
	reportMPs(b, benchW*benchH)
}

// BenchmarkGray measures the RGB to luma stage (a YCbCr JPEG skips it: its
// Y plane is used as is).
func BenchmarkGray(b *testing.B) {
	benchImages(b)
	c0, _ := usage()
	for b.Loop() {
		toGray(bench.rgba, false)
	}
	reportCPU(b, c0)
	reportMPs(b, benchW*benchH)
}

// BenchmarkColour measures the YCbCr to RGBA stage (libjpeg upsampling)
// used for colour output.
func BenchmarkColour(b *testing.B) {
	benchImages(b)
	m, err := jpeg.Decode(bytes.NewReader(bench.jpg))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	c0, _ := usage()
	for b.Loop() {
		toRGBA(m)
	}
	reportCPU(b, c0)
	reportMPs(b, benchW*benchH)
}

func benchScale(b *testing.B, f float64, n int, filter string) {
	benchImages(b)
	src := toGray(bench.rgba, false)
	if n == 4 {
		src = rgbaPlane(bench.rgba)
	}
	dst := newPlane(int(benchW*f), int(benchH*f), n)
	b.ResetTimer()
	c0, _ := usage()
	for b.Loop() {
		resample(dst, src, filter)
	}
	reportCPU(b, c0)
	// MP/s counts source pixels, the same for every factor.
	reportMPs(b, benchW*benchH)
}

func BenchmarkScaleGrayHalf(b *testing.B)       { benchScale(b, 0.5, 1, FilterBicubic) }
func BenchmarkScaleGray1_5(b *testing.B)        { benchScale(b, 1.5, 1, FilterBicubic) }
func BenchmarkScaleGrayHalfLinear(b *testing.B) { benchScale(b, 0.5, 1, FilterBilinear) }
func BenchmarkScaleGrayHalfNearest(b *testing.B) {
	benchScale(b, 0.5, 1, FilterNearest)
}
func BenchmarkScaleRGBAHalf(b *testing.B) { benchScale(b, 0.5, 4, FilterBicubic) }
func BenchmarkScaleRGBA1_5(b *testing.B)  { benchScale(b, 1.5, 4, FilterBicubic) }

// BenchmarkXDrawGrayHalf is the same job with x/image/draw's Catmull-Rom,
// for comparison (it runs on one core).
func BenchmarkXDrawGrayHalf(b *testing.B) {
	benchImages(b)
	p := toGray(bench.rgba, false)
	src := &image.Gray{Pix: p.pix, Stride: p.stride, Rect: image.Rect(0, 0, p.w, p.h)}
	dst := image.NewGray(image.Rect(0, 0, benchW/2, benchH/2))
	b.ResetTimer()
	for b.Loop() {
		draw.CatmullRom.Scale(dst, dst.Rect, src, src.Rect, draw.Src, nil)
	}
	reportMPs(b, benchW*benchH)
}

// BenchmarkScaleGrayHalfOneCore is our resampler limited to one band, to
// compare with x/image/draw core for core.
func BenchmarkScaleGrayHalfOneCore(b *testing.B) {
	benchImages(b)
	src := toGray(bench.rgba, false)
	dst := newPlane(benchW/2, benchH/2, 1)
	hw, vw := newWeights(src.w, dst.w, bicubicKernel), newWeights(src.h, dst.h, bicubicKernel)
	b.ResetTimer()
	for b.Loop() {
		resampleBand(dst, src, hw, vw, 0, dst.h)
	}
	reportMPs(b, benchW*benchH)
}

func benchEncode(b *testing.B, f float64, format string) {
	benchImages(b)
	src := toGray(bench.rgba, false)
	dst := newPlane(int(benchW*f), int(benchH*f), 1)
	resample(dst, src, FilterBicubic)
	m := toImage(dst, true)
	o := DefaultOptions()
	o.Format = format
	b.ResetTimer()
	for b.Loop() {
		if err := encode(io.Discard, m, o); err != nil {
			b.Fatal(err)
		}
	}
	reportMPs(b, dst.w*dst.h) // output pixels
}

func BenchmarkEncodeJPEGGrayHalf(b *testing.B) { benchEncode(b, 0.5, "jpeg") }
func BenchmarkEncodeJPEGGray1_5(b *testing.B)  { benchEncode(b, 1.5, "jpeg") }
func BenchmarkEncodePNGGrayHalf(b *testing.B)  { benchEncode(b, 0.5, "png") }

func benchProcess(b *testing.B, src []byte, f float64) {
	o := DefaultOptions()
	o.Scale = f
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		if _, err := Process(src, &out, o); err != nil {
			b.Fatal(err)
		}
	}
	reportMPs(b, benchW*benchH) // source pixels
}

// Whole jobs with the default options (gray, bicubic, JPEG q75).
func BenchmarkProcessJPEGHalf(b *testing.B) { benchImages(b); benchProcess(b, bench.jpg, 0.5) }
func BenchmarkProcessJPEG1_5(b *testing.B)  { benchImages(b); benchProcess(b, bench.jpg, 1.5) }
func BenchmarkProcessPNGHalf(b *testing.B)  { benchImages(b); benchProcess(b, bench.png, 0.5) }

// The small jobs: a 2.3 MP photo (1920×1200, JPEG quality 100, the size of
// a desktop wallpaper) halved, and an 8×8 JPEG. Each runs warm (a tight
// loop, as a server under load sees it) and cold: before each job the
// garbage collector runs and the heap is handed back to the operating
// system, as in a worker process that sat idle long enough for the
// runtime's scavenger to release its memory; the next job then pays for
// fresh pages again.
var small struct {
	once      sync.Once
	jpg, tiny []byte
}

func smallImages(b *testing.B) {
	b.Helper()
	small.once.Do(func() {
		const w, h = 1920, 1200
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		r := rand.New(rand.NewPCG(3, 7))
		for y := range h {
			row := m.Pix[y*m.Stride:]
			for x := range w {
				n := r.IntN(12)
				tex := (x*x/97 + y*3) % 40
				row[4*x+0] = uint8(min(255, x*200/w+n+tex))
				row[4*x+1] = uint8(min(255, y*200/h+n))
				row[4*x+2] = uint8(min(255, (x+y)*150/(w+h)+n+tex/2))
				row[4*x+3] = 255
			}
		}
		var jb bytes.Buffer
		if err := jpeg.Encode(&jb, m, &jpeg.Options{Quality: 100}); err != nil {
			panic(err)
		}
		small.jpg = jb.Bytes()
		var tb bytes.Buffer
		if err := jpeg.Encode(&tb, m.SubImage(image.Rect(0, 0, 8, 8)), &jpeg.Options{Quality: 90}); err != nil {
			panic(err)
		}
		small.tiny = tb.Bytes()
	})
	b.ResetTimer()
}

// benchSmall times Process on src scaled by f. Besides the wall time it
// reports the CPU time of all threads and the minor page faults (fresh
// pages touched) per job, which the machine's load disturbs less.
func benchSmall(b *testing.B, src []byte, f float64, cold bool) {
	o := DefaultOptions()
	o.Scale = f
	var out bytes.Buffer
	b.ReportAllocs()
	var cpu time.Duration
	var faults int64
	for b.Loop() {
		if cold {
			b.StopTimer()
			debug.FreeOSMemory()
			b.StartTimer()
		}
		c0, f0 := usage()
		out.Reset()
		if _, err := Process(src, &out, o); err != nil {
			b.Fatal(err)
		}
		c1, f1 := usage()
		cpu += c1 - c0
		faults += f1 - f0
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
	b.ReportMetric(float64(faults)/float64(b.N), "faults/op")
}

// usage returns the CPU time the process has used, all threads, and its
// minor page faults so far.
func usage() (time.Duration, int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), int64(ru.Minflt)
}

func BenchmarkProcessSmallHalf(b *testing.B) {
	smallImages(b)
	benchSmall(b, small.jpg, 0.5, false)
}

func BenchmarkProcessSmallHalfCold(b *testing.B) {
	smallImages(b)
	benchSmall(b, small.jpg, 0.5, true)
}

func BenchmarkProcessTiny(b *testing.B) {
	smallImages(b)
	benchSmall(b, small.tiny, 0.5, false)
}

func BenchmarkProcessTinyCold(b *testing.B) {
	smallImages(b)
	benchSmall(b, small.tiny, 0.5, true)
}

// BenchmarkUnfilterPaeth undoes the Paeth filter on the rows of the
// benchmark photo as RGB (3 bytes a pixel) and RGBA, the filter most
// encoders choose for photos and the costliest to undo.
func BenchmarkUnfilterPaeth(b *testing.B) {
	benchImages(b)
	for _, bpp := range []int{3, 4} {
		b.Run(map[int]string{3: "RGB", 4: "RGBA"}[bpp], func(b *testing.B) {
			const rows = 64
			w := benchW * bpp
			raw := make([][]byte, rows) // unfiltered rows
			for y := range raw {
				raw[y] = make([]byte, w)
				src := bench.rgba.Pix[y*bench.rgba.Stride:]
				for x := range benchW {
					copy(raw[y][x*bpp:x*bpp+bpp], src[4*x:4*x+bpp])
				}
			}
			filt := make([][]byte, rows)
			zero := make([]byte, w)
			for y := range filt {
				prev := zero
				if y > 0 {
					prev = raw[y-1]
				}
				filt[y] = paethFilter(raw[y], prev, bpp)
			}
			cur := make([]byte, w)
			b.ResetTimer()
			c0, _ := usage()
			for b.Loop() {
				for y := range filt {
					prev := zero
					if y > 0 {
						prev = raw[y-1]
					}
					copy(cur, filt[y])
					if err := unfilter(4, cur, prev, bpp); err != nil {
						b.Fatal(err)
					}
				}
			}
			reportCPU(b, c0)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(rows*benchW), "ns/px")
		})
	}
}

// paethFilter applies the PNG Paeth filter to row cur given the previous
// row, as an encoder does.
func paethFilter(cur, prev []byte, bpp int) []byte {
	out := make([]byte, len(cur))
	for i := range cur {
		var a, c int
		if i >= bpp {
			a, c = int(cur[i-bpp]), int(prev[i-bpp])
		}
		out[i] = cur[i] - byte(paethRef(a, int(prev[i]), c))
	}
	return out
}

// BenchmarkHorizontal is the horizontal pass alone on one row of the
// benchmark width, halved, for 1, 2 and 4 channels (in cache: the
// kernels' arithmetic, not memory).
func BenchmarkHorizontal(b *testing.B) {
	for _, n := range []int{1, 2, 4} {
		b.Run(map[int]string{1: "gray", 2: "grayalpha", 4: "rgba"}[n], func(b *testing.B) {
			w := newWeights(benchW, benchW/2, bicubicKernel)
			in := make([]byte, benchW*n)
			for i := range in {
				in[i] = byte(i * 13)
			}
			out := make([]byte, benchW/2*n)
			for b.Loop() {
				horizontal(out, in, w, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(benchW/2), "ns/out")
		})
	}
}

// BenchmarkUpsampleRow is libjpeg's fancy upsampling of one chroma row to
// the benchmark width, for 4:2:2 (h2v1) and 4:2:0 (h2v2), and
// BenchmarkYCbCrRow the conversion of one row to RGBA.
func BenchmarkUpsampleRow(b *testing.B) {
	cw := benchW / 2
	sub := make([]byte, 2*cw)
	for i := range sub {
		sub[i] = byte(i * 7)
	}
	row := func(cy int) []uint8 { return sub[cy*cw : (cy+1)*cw] }
	out := make([]byte, benchW)
	for _, v := range []int{1, 2} {
		b.Run(map[int]string{1: "h2v1", 2: "h2v2"}[v], func(b *testing.B) {
			for b.Loop() {
				upsampleRow(out, 1, 2, v, cw, 2, row)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchW, "ns/px")
		})
	}
}

func BenchmarkYCbCrRow(b *testing.B) {
	y, cb, cr := make([]byte, benchW), make([]byte, benchW), make([]byte, benchW)
	for i := range y {
		y[i], cb[i], cr[i] = byte(i), byte(i*3), byte(i*5)
	}
	out := make([]byte, 4*benchW)
	for b.Loop() {
		ycbcrRow(out, y, cb, cr)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchW, "ns/px")
}
