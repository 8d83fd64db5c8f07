package jpeg

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Benchmarks on a generated photo-like picture of benchW x benchH (20 MP),
// encoded by image/jpeg at quality 90 (4:2:0), never committed. Each reports
// MP/s of source pixels; run
//
//	go test -run XXX -bench . -benchtime 5x
//
// and compare the "ours" and "image-jpeg" lines of one run.
const benchW, benchH = 5472, 3648

var bench struct {
	once        sync.Once
	rgba        *image.RGBA
	gray        *image.Gray
	ycbcr       *image.YCbCr
	baseline    []byte
	progressive []byte // nil without jpegtran
	restarts    []byte // encoded by Encode with 2 strips: a restart marker per MCU row
}

// photo makes a w x h picture with smooth shading, edges and fine texture,
// which compresses like a camera photo (about 3 bits per pixel at q90).
func photo(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(1)
	for y := 0; y < h; y++ {
		fy := float64(y) / float64(h)
		row := m.Pix[y*m.Stride:]
		for x := 0; x < w; x++ {
			fx := float64(x) / float64(w)
			seed ^= seed << 13
			seed ^= seed >> 17
			seed ^= seed << 5
			n := float64(int(seed&31) - 16)
			base := 120 + 60*math.Sin(fx*9+fy*4)*math.Cos(fy*7-fx*3)
			if (x/97+y/61)%5 == 0 {
				base += 50
			}
			r := base + 40*fx + n
			g := base + 20*math.Sin(float64(x)/13) + n
			b := base - 30*fy + 15*math.Cos(float64(y)/17) + n
			row[4*x+0] = clampF(r)
			row[4*x+1] = clampF(g)
			row[4*x+2] = clampF(b)
			row[4*x+3] = 255
		}
	}
	return m
}

func clampF(v float64) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

func benchData(b *testing.B) {
	bench.once.Do(func() {
		bench.rgba = photo(benchW, benchH)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, bench.rgba, &jpeg.Options{Quality: 90}); err != nil {
			panic(err)
		}
		bench.baseline = buf.Bytes()
		var rst bytes.Buffer
		if err := Encode(&rst, bench.rgba, EncodeOptions{Quality: 90, Workers: 2}); err != nil {
			panic(err)
		}
		bench.restarts = rst.Bytes()
		m, err := jpeg.Decode(bytes.NewReader(bench.baseline))
		if err != nil {
			panic(err)
		}
		bench.ycbcr = m.(*image.YCbCr)
		bench.gray = image.NewGray(bench.rgba.Rect)
		for i := range bench.gray.Pix {
			p := bench.rgba.Pix[4*i:]
			bench.gray.Pix[i] = color.GrayModel.Convert(color.RGBA{p[0], p[1], p[2], 255}).(color.Gray).Y
		}
		if path, err := exec.LookPath("jpegtran"); err == nil {
			cmd := exec.Command(path, "-progressive")
			cmd.Stdin = bytes.NewReader(bench.baseline)
			if out, err := cmd.Output(); err == nil {
				bench.progressive = out
			}
		}
	})
}

// cpuTime is the CPU time used by the process so far, all threads.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// run times f b.N times and reports MP/s of source pixels (wall clock) and
// the CPU time per operation, which stays meaningful on a busy machine.
func run(b *testing.B, pixels int, f func() error) {
	c0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(pixels)/1e6/(b.Elapsed().Seconds()/float64(b.N)), "MP/s")
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e6, "cpu-ms/op")
}

func BenchmarkDecode(b *testing.B) {
	benchData(b)
	cases := []struct {
		name string
		data *[]byte
		o    DecodeOptions
	}{
		{"full", &bench.baseline, DecodeOptions{}},
		{"gray", &bench.baseline, DecodeOptions{GrayOnly: true}},
		{"gray-shrink2", &bench.baseline, DecodeOptions{GrayOnly: true, Shrink: 2}},
		{"gray-shrink4", &bench.baseline, DecodeOptions{GrayOnly: true, Shrink: 4}},
		{"gray-shrink8", &bench.baseline, DecodeOptions{GrayOnly: true, Shrink: 8}},
		{"restarts-gray-shrink4", &bench.restarts, DecodeOptions{GrayOnly: true, Shrink: 4}},
		{"progressive-full", &bench.progressive, DecodeOptions{}},
		{"progressive-gray", &bench.progressive, DecodeOptions{GrayOnly: true}},
		{"progressive-gray-shrink2", &bench.progressive, DecodeOptions{GrayOnly: true, Shrink: 2}},
	}
	for _, c := range cases {
		b.Run(c.name+"/ours", func(b *testing.B) {
			if *c.data == nil {
				b.Skip("no jpegtran to make a progressive file")
			}
			b.SetBytes(int64(len(*c.data)))
			b.ReportAllocs() // B/op: the decoder's memory, input excluded
			run(b, benchW*benchH, func() error {
				_, err := Decode(bytes.NewReader(*c.data), c.o)
				return err
			})
		})
		if c.o.GrayOnly && c.o.Shrink > 0 {
			continue // image/jpeg has no such mode: compare with "full"
		}
		b.Run(c.name+"/image-jpeg", func(b *testing.B) {
			if *c.data == nil {
				b.Skip("no jpegtran to make a progressive file")
			}
			b.SetBytes(int64(len(*c.data)))
			run(b, benchW*benchH, func() error {
				_, err := jpeg.Decode(bytes.NewReader(*c.data))
				return err
			})
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	benchData(b)
	cases := []struct {
		name string
		m    *image.Image
	}{
		{"gray", new(image.Image)},
		{"ycbcr420", new(image.Image)},
		{"rgba", new(image.Image)},
	}
	*cases[0].m, *cases[1].m, *cases[2].m = bench.gray, bench.ycbcr, bench.rgba
	for _, c := range cases {
		b.Run(c.name+"/ours", func(b *testing.B) {
			run(b, benchW*benchH, func() error {
				return Encode(io.Discard, *c.m, EncodeOptions{Quality: 75})
			})
		})
		b.Run(c.name+"/image-jpeg", func(b *testing.B) {
			run(b, benchW*benchH, func() error {
				return jpeg.Encode(io.Discard, *c.m, &jpeg.Options{Quality: 75})
			})
		})
	}
}

// BenchmarkSpeculation decodes the 20 MP baseline photo to gray at 1/2
// and 1/4 with speculative entropy decoding allowed (on) and not (off). Run
// it with -cpu 1,2: on one core it never starts, so on and off agree there.
// With PROCESA_BENCH_JPEG set to a file name it decodes that file instead.
func BenchmarkSpeculation(b *testing.B) {
	data, pixels := benchFile(b)
	for _, shrink := range []int{2, 4} {
		for _, on := range []bool{true, false} {
			name := fmt.Sprintf("shrink%d/on", shrink)
			if !on {
				name = fmt.Sprintf("shrink%d/off", shrink)
			}
			b.Run(name, func(b *testing.B) {
				if !on {
					old := specMinMCUs
					specMinMCUs = math.MaxInt
					defer func() { specMinMCUs = old }()
				}
				b.SetBytes(int64(len(data)))
				run(b, pixels, func() error {
					_, err := Decode(bytes.NewReader(data), DecodeOptions{GrayOnly: true, Shrink: shrink})
					return err
				})
			})
		}
	}
}

// benchFile returns the JPEG file named by PROCESA_BENCH_JPEG and its
// pixel count, or else the generated baseline photo.
func benchFile(b *testing.B) ([]byte, int) {
	name := os.Getenv("PROCESA_BENCH_JPEG")
	if name == "" {
		benchData(b)
		return bench.baseline, benchW * benchH
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := DecodeConfig(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	return data, cfg.Width * cfg.Height
}
